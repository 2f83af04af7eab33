"""Leads: the hand-off of a consenting patient to a human coordinator.

``submission.submit_lead`` stores a lead (or spools it when the database is down) and notifies
the team; ``actions.leads.cli`` is the staff's command line over the same records. Modules: ``settings``
(environment), ``policy`` (consent version, retention), ``records`` (what the action hands
over), ``models`` (the table), ``database`` (engines, migrations), ``repository`` (queries and
update rules), ``service`` (units of work), ``notify`` (webhook, e-mail), ``spool`` (the durable
fallback) and ``migrations`` (Alembic).
"""
