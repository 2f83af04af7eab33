"""Units of work on leads: store a submission, notify the team, retry pending notifications."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from actions.leads.database import ensure_schema, get_engine
from actions.leads.notify import LeadNotice, send_notice
from actions.leads.records import LeadSubmission
from actions.leads.repository import LeadRepository
from actions.leads.settings import LeadSettings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class StoredLead:
    """A committed lead and the notice owed for it.

    Attributes:
        lead_id: The lead.
        created: Whether it was created (else updated).
        notice: What to tell the team.
        updated_at: The lead's ``updated_at`` that the notice describes.
    """

    lead_id: int
    created: bool
    notice: LeadNotice
    updated_at: datetime


def store_submission(
    settings: LeadSettings, submission: LeadSubmission, spool_id: str | None = None
) -> StoredLead | None:
    """Updates the conversation's own lead, or creates one, in one transaction.

    A new lead lists the other leads sharing its e-mail or phone as possible duplicates
    (``LeadRepository.record``); no other lead is changed.

    Args:
        settings: Where the database is.
        submission: A validated submission.
        spool_id: The spool file it comes from, if any.

    Returns:
        The stored lead, or ``None`` when this spool file had already been stored.

    Raises:
        sqlalchemy.exc.SQLAlchemyError: The database failed; nothing was stored.
        OSError: The SQLite file cannot be created.
    """
    engine = get_engine(settings.database_url)
    ensure_schema(engine)
    with Session(engine, future=True) as session, session.begin():
        repository = LeadRepository(session)
        if spool_id is not None and repository.has_spool_file(spool_id):
            return None
        lead, created = repository.record(submission, spool_id)
        stored = StoredLead(lead.id, created, LeadNotice.for_lead(lead), lead.updated_at)
    logger.info("lead %s %s", stored.lead_id, stored.notice.event)
    return stored


def notify_stored(settings: LeadSettings, stored: StoredLead) -> bool:
    """Sends the notice of a stored lead and records it; never raises.

    Args:
        settings: Notification and database settings.
        stored: The lead just stored.

    Returns:
        Whether the notice was sent and recorded.
    """
    if not send_notice(stored.notice, settings):
        return False
    return _mark_notified(settings, stored.lead_id, stored.updated_at)


def notify_pending(settings: LeadSettings) -> tuple[int, int]:
    """Sends the notices that failed or were never sent, oldest lead first.

    Args:
        settings: Notification and database settings.

    Returns:
        How many leads were notified and how many are still pending.

    Raises:
        sqlalchemy.exc.SQLAlchemyError: The database cannot be read.
    """
    engine = get_engine(settings.database_url)
    ensure_schema(engine)
    with Session(engine, future=True) as session:
        pending = [
            StoredLead(lead.id, lead.event == "created", LeadNotice.for_lead(lead), lead.updated_at)
            for lead in LeadRepository(session).pending_notification()
        ]
    if not settings.notifications_enabled:
        return 0, len(pending)
    notified = sum(notify_stored(settings, stored) for stored in pending)
    return notified, len(pending) - notified


def _mark_notified(settings: LeadSettings, lead_id: int, as_of: datetime) -> bool:
    try:
        engine = get_engine(settings.database_url)
        with Session(engine, future=True) as session, session.begin():
            marked = LeadRepository(session).mark_notified(lead_id, datetime.now(UTC), as_of)
    except Exception:
        logger.exception("lead %s: notice sent but not recorded; it may be sent again", lead_id)
        return False
    return marked
