"""What the patient agreed to: the consent text's version and how long their data is kept.

Both values are promises made in the consent text the patient accepts before giving contact
details. The retention period is written in that text (« 24 mois »), so it is a constant tied
to the consent version and not a setting: changing it means changing the consent text, giving
it a new version, and asking new patients to accept it. Leads keep the version they accepted.
"""

from __future__ import annotations

CONSENT_VERSION = "2026-11-24"
RETENTION_DAYS = 730
# Unanswered questions are kept for the content team, masked, for this long (no consent covers
# them: only what improving the documents needs).
UNANSWERED_RETENTION_DAYS = 90
