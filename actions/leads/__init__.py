"""Leads: the hand-off of a consenting patient to a human coordinator.

``submission.submit_lead`` stores a lead (or spools it when the database is down) and notifies
the team; ``actions.leads.cli`` is the staff's command line over the same records. Modules: ``settings``
(environment), ``policy`` (consent version, retention), ``records`` (what the action hands
over), ``models`` (the table), ``database`` (engines, migrations), ``repository`` (queries and
update rules), ``service`` (units of work), ``notify`` (webhook, e-mail), ``spool`` (the durable
fallback), ``operations`` (export, erasure and purge, shared by the CLI and the console),
``staff`` (console accounts and login throttling), ``unanswered`` (the questions the assistant
could not answer) and ``migrations`` (Alembic).
"""
