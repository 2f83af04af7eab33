"""The hand-off the assistant calls: store a consenting patient's lead and tell the team.

``submit_lead`` is synchronous (run it with ``asyncio.to_thread``). It never loses a submission
because the database is down: it spools it and a background thread stores it later.
"""

from __future__ import annotations

import logging

from actions.leads import spool
from actions.leads.database import is_unavailable
from actions.leads.records import LeadReceipt, LeadSubmission, TranscriptLine
from actions.leads.service import StoredLead, notify_stored, store_submission
from actions.leads.settings import LeadSettings

__all__ = ["LeadReceipt", "LeadSubmission", "TranscriptLine", "submit_lead"]

logger = logging.getLogger(__name__)


def submit_lead(submission: LeadSubmission, settings: LeadSettings | None = None) -> LeadReceipt:
    """Updates the conversation's own lead, or creates one, then notifies the team.

    Another conversation's lead is never changed: a known e-mail or phone from a new
    conversation makes a new lead flagged as a possible duplicate, for a coordinator to merge.

    Older spooled submissions are stored first, so leads keep their order. When the database
    cannot be reached, or refuses the lead, the submission is spooled instead.

    Args:
        submission: What the patient agreed to hand over.
        settings: Storage settings; read from the environment by default.

    Returns:
        The receipt: the lead's id and whether it was created, or that it was spooled.

    Raises:
        ValueError: The submission breaks its contract (no e-mail nor phone, unknown outcome,
            naive time...): a programming error of the caller.
        OSError: The database is down and the spool folder cannot be written either.
    """
    submission.validate()
    settings = settings or LeadSettings.from_env()
    stored = None if _drain_older(settings) else _store(settings, submission)
    if stored is None:
        spool.write(settings.spool_dir, submission)
        spool.ensure_retrier(settings)
        return LeadReceipt(lead_id=None, created=False, spooled=True)
    notify_stored(settings, stored)
    return LeadReceipt(lead_id=stored.lead_id, created=stored.created, spooled=False)


def _drain_older(settings: LeadSettings) -> bool:
    """Stores older spooled submissions; returns whether the database looked unreachable."""
    try:
        result = spool.drain(settings)
    except Exception:
        logger.exception("storing older spooled submissions failed; the retry thread will")
        spool.ensure_retrier(settings)
        return False
    if result.remaining:
        spool.ensure_retrier(settings)
    return result.unavailable


def _store(settings: LeadSettings, submission: LeadSubmission) -> StoredLead | None:
    """Stores the submission; ``None`` when it could not be (the error is logged)."""
    try:
        return store_submission(settings, submission)
    except Exception as error:
        if is_unavailable(error):
            logger.warning("database unreachable (%s); spooling the lead", type(error).__name__)
        else:
            logger.exception("storing a lead failed; spooling it instead")
        return None
