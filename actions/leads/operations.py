"""What the staff do to leads, shared by the ``sos-leads`` command line and the console.

Export to CSV (cells guarded against spreadsheet formulas), erasure of one person's data (their
leads, notes, status history, unanswered questions and spooled files) and the purge of what is
kept past its retention period.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TextIO

from sqlalchemy import delete, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from actions.leads import spool
from actions.leads.models import Lead, UnansweredQuestion
from actions.leads.policy import RETENTION_DAYS, UNANSWERED_RETENTION_DAYS
from actions.leads.repository import LeadRepository
from actions.leads.settings import LeadSettings
from actions.leads.unanswered import conversation_key

# Spreadsheets run a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EXPORT_FIELDS = (
    "id",
    "created_at",
    "updated_at",
    "status",
    "language",
    "channel",
    "name",
    "email",
    "phone",
    "callback_time",
    "outcome",
    "consent_at",
    "consent_version",
    "notified_at",
    "possible_duplicates",
    "answers",
)


@dataclass(frozen=True)
class PersonData:
    """One person's stored data, found by their e-mail addresses and phone numbers.

    Attributes:
        lead_ids: Their leads (linked through any shared contact), oldest first.
        spooled_files: Names of their submissions still waiting in the spool.
    """

    lead_ids: list[int]
    spooled_files: list[str]


@dataclass(frozen=True)
class PurgeResult:
    """What a purge deleted (or, in a dry run, would delete).

    Attributes:
        lead_ids: Leads not updated for ``RETENTION_DAYS``.
        unanswered: Unanswered questions older than ``UNANSWERED_RETENTION_DAYS``.
    """

    lead_ids: list[int]
    unanswered: int


def export_rows(session: Session) -> list[dict[str, Any]]:
    """Every lead as an export row: the listing fields and the answers as JSON text."""
    return [
        {**lead.summary(), "answers": json.dumps(lead.answers, ensure_ascii=False)}
        for lead in LeadRepository(session).find_all()
    ]


def write_csv(stream: TextIO, rows: Iterable[dict[str, Any]], fields: Sequence[str] = EXPORT_FIELDS) -> None:
    """Writes ``rows`` as CSV with a header, every cell guarded by :func:`safe_cell`.

    Args:
        stream: A text stream opened with ``newline=""``.
        rows: Dictionaries with the ``fields`` as keys.
        fields: The columns, in order.
    """
    writer = csv.DictWriter(stream, fieldnames=list(fields))
    writer.writeheader()
    writer.writerows({key: safe_cell(value) for key, value in row.items()} for row in rows)


def safe_cell(value: Any) -> Any:
    """A CSV cell a spreadsheet shows as text (no formula); ``""`` for ``None``, ids joined."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


def find_person(settings: LeadSettings, engine: Engine, emails: set[str], phones: set[str]) -> PersonData:
    """What :func:`erase_person` would delete for these contacts, without deleting it."""
    with Session(engine, future=True) as session:
        lead_ids = [lead.id for lead in LeadRepository(session).find_linked(emails, phones)]
    files = [path.name for path in spool.person_files(settings.spool_dir, emails, phones)]
    return PersonData(lead_ids, files)


def erase_person(settings: LeadSettings, engine: Engine, emails: set[str], phones: set[str]) -> PersonData:
    """Deletes one person's data: every lead linked to these contacts, with its notes, status
    history and its conversations' unanswered questions, then their spooled submissions.

    Args:
        settings: Where the spool is.
        engine: The leads database.
        emails: The person's e-mail addresses.
        phones: The person's phone numbers (E.164).

    Returns:
        What was deleted.
    """
    with Session(engine, future=True) as session, session.begin():
        repository = LeadRepository(session)
        linked = repository.find_linked(emails, phones)
        keys = {conversation_key(lead.channel, lead.conversation_id) for lead in linked}
        lead_ids = [lead.id for lead in linked]
        repository.delete(linked)
        if keys:
            session.execute(delete(UnansweredQuestion).where(UnansweredQuestion.conversation_key.in_(keys)))
    removed = spool.remove_person(settings.spool_dir, emails, phones)
    return PersonData(lead_ids, removed)


def lead_contacts(session: Session, lead_id: int) -> tuple[set[str], set[str]] | None:
    """The e-mail and phone of lead ``lead_id`` (the person to erase), ``None`` if no such lead."""
    lead = session.get(Lead, lead_id)
    if lead is None:
        return None
    return {lead.email} - {None}, {lead.phone} - {None}


def purge_expired(engine: Engine, dry_run: bool = False, now: datetime | None = None) -> PurgeResult:
    """Deletes the leads not updated for ``RETENTION_DAYS`` and the unanswered questions older
    than ``UNANSWERED_RETENTION_DAYS``.

    Args:
        engine: The leads database.
        dry_run: Only count what would go.
        now: The current time (tests).

    Returns:
        What was (or would be) deleted.
    """
    now = now or datetime.now(UTC)
    question_cutoff = now - timedelta(days=UNANSWERED_RETENTION_DAYS)
    with Session(engine, future=True) as session, session.begin():
        repository = LeadRepository(session)
        expired = repository.not_updated_since(now - timedelta(days=RETENTION_DAYS))
        lead_ids = [lead.id for lead in expired]
        old_questions = select(UnansweredQuestion.id).where(UnansweredQuestion.asked_at < question_cutoff)
        question_ids = list(session.execute(old_questions).scalars())
        if not dry_run:
            repository.delete(expired)
            session.execute(delete(UnansweredQuestion).where(UnansweredQuestion.id.in_(question_ids)))
    return PurgeResult(lead_ids, len(question_ids))
