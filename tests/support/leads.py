"""Building submissions and reading stored leads, for the lead tests."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from actions.leads.database import ensure_schema, get_engine
from actions.leads.models import Lead
from actions.leads.policy import CONSENT_VERSION
from actions.leads.repository import LeadRepository
from actions.leads.submission import LeadSubmission, TranscriptLine

CONSENT_AT = datetime(2026, 11, 24, 14, 30, tzinfo=UTC)

_conversation_numbers = itertools.count(1)


def transcript(*texts: str, start: datetime = CONSENT_AT) -> list[TranscriptLine]:
    """Alternating patient/assistant lines, one second apart."""
    return [
        TranscriptLine(start + timedelta(seconds=index), ("patient", "assistant")[index % 2], text)
        for index, text in enumerate(texts)
    ]


def make_submission(**changes: Any) -> LeadSubmission:
    """A valid candidate's submission in French; ``changes`` replace any field.

    Each call is a new conversation (``conv-N``) unless ``conversation_id`` is given: only a
    submission of the same conversation (and channel) updates a lead.
    """
    fields: dict[str, Any] = {
        "conversation_id": f"conv-{next(_conversation_numbers)}",
        "channel": "rest",
        "language": "fr",
        "name": "Marie Tremblay",
        "email": "marie@example.org",
        "phone": None,
        "callback_time": "morning",
        "answers": {"problem": "herniated_disc", "symptom_months": 8, "treatments": ["physio"]},
        "outcome": "candidate",
        "transcript": transcript("J'ai mal au dos depuis 8 mois", "Merci, je note."),
        "consent_version": CONSENT_VERSION,
        "consent_at": CONSENT_AT,
    }
    fields.update(changes)
    return LeadSubmission(**fields)


def stored_leads(database_url: str) -> list[Lead]:
    """Every lead in the database, oldest first (detached, attributes loaded)."""
    engine = get_engine(database_url)
    ensure_schema(engine)
    with Session(engine, future=True) as session:
        leads = LeadRepository(session).find_all()
        session.expunge_all()
    return leads
