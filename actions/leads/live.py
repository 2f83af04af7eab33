"""Conversations waiting for a coordinator, and who holds which: the live hand-off's table.

The action server marks a conversation waiting (:func:`note_waiting`); the console lists them
and claims, touches and releases them. A claim is one conditional ``UPDATE``: it changes the row
only if it is waiting, already the same coordinator's, or held by someone idle for longer than
the claim lasts. The database applies it to one row at a time, so of two coordinators claiming at
once exactly one changes the row; the other's update matches nothing and they see who has it.

Only the claim is kept here. The conversation itself, and whether the assistant is paused, are in
Rasa's tracker (:mod:`bot.takeover`): the Rasa server has the last word, and the console
follows it (:func:`requeue` when it finds the assistant took a conversation back).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from actions.leads.database import ensure_schema, get_engine
from actions.leads.models import LiveConversation
from actions.leads.settings import LeadSettings

logger = logging.getLogger(__name__)

OPEN_STATUSES = ("waiting", "claimed")


@dataclass(frozen=True)
class LiveRow:
    """A conversation as the console lists it.

    Attributes:
        id: The row's id (the console's address for the conversation).
        channel: ``socketio``, ``whatsapp``, ``messenger``…
        language: ``fr`` or ``en``.
        requested_at: When the person asked for a person.
        coordinator: Who holds it, if anyone does now.
        claimed_at: Since when they hold it.
    """

    id: int
    channel: str
    language: str
    requested_at: datetime
    coordinator: str | None
    claimed_at: datetime | None

    @property
    def waiting(self) -> bool:
        """Whether nobody holds it."""
        return self.coordinator is None


def find(db: Session, channel: str, conversation_id: str) -> LiveConversation | None:
    """The conversation's row, if it ever waited for a coordinator."""
    query = select(LiveConversation).where(
        LiveConversation.channel == channel, LiveConversation.conversation_id == conversation_id
    )
    return db.execute(query).scalars().first()


def mark_waiting(db: Session, channel: str, conversation_id: str, language: str, now: datetime) -> LiveConversation:
    """Puts the conversation in the waiting list; one a coordinator holds stays theirs."""
    row = find(db, channel, conversation_id)
    if row is None:
        row = LiveConversation(
            channel=channel, conversation_id=conversation_id, language=language, status="waiting", requested_at=now
        )
        db.add(row)
    elif row.status not in OPEN_STATUSES:
        row.status, row.requested_at, row.coordinator, row.claimed_at = "waiting", now, None, None
    row.language = language
    row.updated_at = now
    return row


def note_waiting(channel: str, conversation_id: str, language: str, settings: LeadSettings | None = None) -> bool:
    """:func:`mark_waiting` in a unit of work of its own, for the action server.

    The person's answer never depends on it: a failure is logged (without the conversation's id,
    a phone number on WhatsApp) and ``False`` returned; the lead, if any, is stored apart.
    """
    settings = settings or LeadSettings.from_env()
    for _attempt in range(2):
        try:
            engine = get_engine(settings.database_url)
            ensure_schema(engine)
            with Session(engine, future=True) as db, db.begin():
                mark_waiting(db, channel, conversation_id, language, datetime.now(UTC))
            return True
        except IntegrityError:
            continue  # Another process added the same conversation at that moment: update it.
        except Exception as error:  # noqa: BLE001 (the person is answered whatever the database does)
            logger.error("the conversation could not be listed for the coordinators: %s", type(error).__name__)
            return False
    return False


def claim(db: Session, row_id: int, coordinator: str, now: datetime, idle_timeout: timedelta) -> bool:
    """Gives the conversation to ``coordinator`` unless another coordinator holds it; whether it did."""
    still_held = and_(
        LiveConversation.status == "claimed",
        LiveConversation.coordinator != coordinator,
        LiveConversation.last_activity_at > now - idle_timeout,
    )
    statement = (
        update(LiveConversation)
        .where(LiveConversation.id == row_id, LiveConversation.status.in_(OPEN_STATUSES), ~still_held)
        .values(status="claimed", coordinator=coordinator, claimed_at=now, last_activity_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return db.execute(statement).rowcount == 1


def touch(db: Session, row_id: int, coordinator: str, now: datetime) -> bool:
    """Records the coordinator's activity on a conversation they hold; whether they hold it."""
    return _change_held(db, row_id, coordinator, last_activity_at=now, updated_at=now)


def release(db: Session, row_id: int, coordinator: str, status: str, now: datetime) -> bool:
    """Ends the coordinator's hold (``handed_back`` or ``closed``); whether they held it."""
    if status not in ("handed_back", "closed"):
        raise ValueError(f"a claim ends handed back or closed, not {status!r}")
    return _change_held(db, row_id, coordinator, status=status, updated_at=now)


def requeue(db: Session, row_id: int, coordinator: str, now: datetime) -> bool:
    """Puts a conversation ``coordinator`` held back in the waiting list (the assistant took it back)."""
    return _change_held(db, row_id, coordinator, status="waiting", coordinator=None, claimed_at=None, updated_at=now)


def _change_held(db: Session, row_id: int, holder: str, **values: object) -> bool:
    statement = (
        update(LiveConversation)
        .where(
            LiveConversation.id == row_id,
            LiveConversation.status == "claimed",
            LiveConversation.coordinator == holder,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return db.execute(statement).rowcount == 1


def open_conversations(db: Session, now: datetime, idle_timeout: timedelta) -> list[LiveRow]:
    """Waiting and held conversations, oldest request first; an idle claim shows as waiting."""
    query = (
        select(LiveConversation)
        .where(LiveConversation.status.in_(OPEN_STATUSES))
        .order_by(LiveConversation.requested_at, LiveConversation.id)
    )
    return [_row(found, now, idle_timeout) for found in db.execute(query).scalars()]


def _row(found: LiveConversation, now: datetime, idle_timeout: timedelta) -> LiveRow:
    held = (
        found.status == "claimed" and found.last_activity_at is not None and now - found.last_activity_at < idle_timeout
    )
    return LiveRow(
        id=found.id,
        channel=found.channel,
        language=found.language,
        requested_at=found.requested_at,
        coordinator=found.coordinator if held else None,
        claimed_at=found.claimed_at if held else None,
    )


def held_by(found: LiveConversation, coordinator: str, now: datetime, idle_timeout: timedelta) -> bool:
    """Whether ``coordinator`` holds the conversation now."""
    return _row(found, now, idle_timeout).coordinator == coordinator
