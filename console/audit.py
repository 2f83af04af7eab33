"""The audit log: who viewed, changed, exported or deleted which lead, and when."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from actions.leads.models import AuditEntry

# claim, reply, give_back, close: a coordinator's live hand-off of a conversation.
ACTIONS = ("view", "status", "note", "export", "delete", "purge", "account", "claim", "reply", "give_back", "close")
SHOWN = 500


def record(db: Session, actor: str, action: str, lead_id: int | None = None, detail: str | None = None) -> None:
    """Adds an entry; the caller commits with the change it records.

    Args:
        db: An open session of the database.
        actor: The staff account's name.
        action: One of ``ACTIONS``.
        lead_id: The lead concerned, if any.
        detail: What changed, never a patient's data (``new → contacted``, ``12 rows``).
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    db.add(AuditEntry(at=datetime.now(UTC), actor=actor, action=action, lead_id=lead_id, detail=detail))


def recent(db: Session, limit: int = SHOWN) -> list[AuditEntry]:
    """The latest entries, newest first."""
    return list(db.execute(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)).scalars())
