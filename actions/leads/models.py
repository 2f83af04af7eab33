"""The lead store's tables, portable across SQLite and PostgreSQL.

``leads`` holds what the assistant hands off; the coordinator console adds its staff accounts,
their sessions and failed logins, the audit log, the notes and status history of a lead, and
the questions the assistant could not answer.

The schema is created and changed only by the Alembic migrations in ``migrations/``; a test
checks that they agree with this model.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Integer, MetaData, String, Text, UniqueConstraint
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import declarative_base
from sqlalchemy.types import DateTime, TypeDecorator

from actions.leads.records import FIELD_LIMITS

STATUSES = ("new", "contacted", "closed")
ROLES = ("coordinator", "admin")
# What staff make of an unanswered question: not looked at yet, then one of the three marks.
UNANSWERED_MARKS = ("new", "to_document", "out_of_scope", "done")
NAME_LENGTH = 64
# A conversation where the person asked for a person: waiting for a coordinator, claimed by one,
# handed back to the assistant, or closed by the coordinator.
LIVE_STATUSES = ("waiting", "claimed", "handed_back", "closed")

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_name)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)
Base = declarative_base(metadata=metadata)


class UTCDateTime(TypeDecorator):
    """An aware UTC datetime: ``timestamptz`` on PostgreSQL, naive UTC text on SQLite."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Converts to UTC, dropping the zone where the database cannot keep it."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored: give a timezone-aware one")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Returns an aware UTC datetime."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Lead(Base):
    """A patient who asked to be contacted by a coordinator."""

    __tablename__ = "leads"

    id = Column(Integer, primary_key=True)
    status = Column(String(16), nullable=False, default="new", index=True)
    language = Column(String(FIELD_LIMITS["language"]), nullable=False)
    channel = Column(String(FIELD_LIMITS["channel"]), nullable=False)
    # Rasa's sender id; with the channel, what a submission updates its own lead by.
    conversation_id = Column(Text, nullable=False, index=True)
    name = Column(Text)
    email = Column(String(FIELD_LIMITS["email"]), index=True)
    phone = Column(String(FIELD_LIMITS["phone"]), index=True)
    callback_time = Column(String(FIELD_LIMITS["callback_time"]))
    answers = Column(JSON, nullable=False)
    outcome = Column(String(FIELD_LIMITS["outcome"]), nullable=False)
    transcript = Column(JSON, nullable=False)
    consent_version = Column(String(FIELD_LIMITS["consent_version"]), nullable=False)
    consent_at = Column(UTCDateTime, nullable=False)
    created_at = Column(UTCDateTime, nullable=False)
    updated_at = Column(UTCDateTime, nullable=False, index=True)
    notified_at = Column(UTCDateTime)
    # The spool file this lead was last written from: storing a spooled file twice is a no-op.
    spool_id = Column(String(64), unique=True, index=True)
    # Ids of other leads sharing an e-mail or phone when this lead's conversation was stored:
    # possibly the same person, for a coordinator to merge by hand. NULL when there is none.
    possible_duplicates = Column(JSON(none_as_null=True))

    @property
    def duplicate_ids(self) -> set[int]:
        """The ids in ``possible_duplicates`` (empty when there is none)."""
        return set(self.possible_duplicates or ())

    @duplicate_ids.setter
    def duplicate_ids(self, lead_ids: set[int]) -> None:
        self.possible_duplicates = sorted(lead_ids) or None

    @property
    def event(self) -> str:
        """``created`` if the lead was never updated since, else ``updated``."""
        return "created" if self.updated_at == self.created_at else "updated"

    def summary(self) -> dict[str, Any]:
        """The listing fields, JSON-ready (ISO 8601 times)."""
        return {
            "id": self.id,
            "created_at": _iso(self.created_at),
            "updated_at": _iso(self.updated_at),
            "status": self.status,
            "language": self.language,
            "channel": self.channel,
            "name": self.name,
            "email": self.email,
            "phone": self.phone,
            "callback_time": self.callback_time,
            "outcome": self.outcome,
            "consent_at": _iso(self.consent_at),
            "consent_version": self.consent_version,
            "notified_at": _iso(self.notified_at),
            "possible_duplicates": sorted(self.duplicate_ids),
        }

    def details(self) -> dict[str, Any]:
        """Every field, JSON-ready: the summary plus answers and transcript."""
        return {
            **self.summary(),
            "conversation_id": self.conversation_id,
            "answers": self.answers,
            "transcript": self.transcript,
        }


class StaffAccount(Base):
    """A coordinator or an administrator of the console (created from the command line)."""

    __tablename__ = "staff_accounts"

    id = Column(Integer, primary_key=True)
    name = Column(String(NAME_LENGTH), nullable=False, unique=True)
    role = Column(String(16), nullable=False)
    # Argon2id hash in PHC form (argon2-cffi): algorithm, parameters, salt and hash.
    password_hash = Column(Text, nullable=False)
    created_at = Column(UTCDateTime, nullable=False)
    disabled_at = Column(UTCDateTime)

    @property
    def is_admin(self) -> bool:
        """Whether the account may manage accounts, export, delete and purge."""
        return self.role == "admin"


class ConsoleSession(Base):
    """A signed-in browser: only the SHA-256 of its cookie's random token is stored."""

    __tablename__ = "console_sessions"

    id = Column(Integer, primary_key=True)
    token_hash = Column(String(64), nullable=False, unique=True)
    account_id = Column(Integer, ForeignKey("staff_accounts.id"), nullable=False, index=True)
    csrf_token = Column(String(64), nullable=False)
    language = Column(String(8), nullable=False)
    created_at = Column(UTCDateTime, nullable=False)
    last_seen_at = Column(UTCDateTime, nullable=False)


class LoginFailure(Base):
    """A refused login, counted per account name and per client address to throttle guessing."""

    __tablename__ = "login_failures"

    id = Column(Integer, primary_key=True)
    account_name = Column(String(NAME_LENGTH), nullable=False, index=True)
    client_address = Column(String(64), nullable=False, index=True)
    at = Column(UTCDateTime, nullable=False, index=True)


class AuditEntry(Base):
    """Who viewed, changed, exported or deleted what, and when.

    The lead id has no foreign key: the entry outlives a deleted lead. ``detail`` never holds a
    patient's data (a status change, a count of rows exported).
    """

    __tablename__ = "audit_log"

    id = Column(Integer, primary_key=True)
    at = Column(UTCDateTime, nullable=False, index=True)
    actor = Column(String(NAME_LENGTH), nullable=False)
    action = Column(String(32), nullable=False)
    lead_id = Column(Integer, index=True)
    detail = Column(Text)


class LeadNote(Base):
    """A coordinator's note on a lead (deleted with the lead)."""

    __tablename__ = "lead_notes"

    id = Column(Integer, primary_key=True)
    lead_id = Column(Integer, ForeignKey("leads.id"), nullable=False, index=True)
    author = Column(String(NAME_LENGTH), nullable=False)
    text = Column(Text, nullable=False)
    created_at = Column(UTCDateTime, nullable=False)


class LeadStatusChange(Base):
    """One change of a lead's follow-up status (deleted with the lead)."""

    __tablename__ = "lead_status_changes"

    id = Column(Integer, primary_key=True)
    lead_id = Column(Integer, ForeignKey("leads.id"), nullable=False, index=True)
    author = Column(String(NAME_LENGTH), nullable=False)
    from_status = Column(String(16), nullable=False)
    to_status = Column(String(16), nullable=False)
    at = Column(UTCDateTime, nullable=False)


class UnansweredQuestion(Base):
    """A message that got the fallback, the out-of-scope or a « not in the documents » reply.

    The text is stored with its e-mail addresses and phone numbers masked. ``conversation_key``
    is a hash of the channel and sender id, never the id itself: enough to erase a person's
    questions with their lead, and to count conversations.
    """

    __tablename__ = "unanswered_questions"

    id = Column(Integer, primary_key=True)
    text = Column(Text, nullable=False)
    # Accent-folded, lower-case words of the text: questions with the same key are grouped.
    group_key = Column(Text, nullable=False, index=True)
    language = Column(String(8), nullable=False)
    channel = Column(String(64), nullable=False)
    asked_at = Column(UTCDateTime, nullable=False, index=True)
    reply_name = Column(String(128))
    reply_text = Column(Text)
    conversation_key = Column(String(64), nullable=False, index=True)
    mark = Column(String(16), nullable=False, default="new")
    marked_by = Column(String(NAME_LENGTH))
    marked_at = Column(UTCDateTime)


class LiveConversation(Base):
    """A conversation waiting for, or held by, a coordinator (the console's « Conversations »).

    One row per conversation (its channel and Rasa's sender id). The action server writes it
    when the person asks for a person or the questionnaire ends with a hand-off; the console
    claims it with a conditional update, so two coordinators claiming at once cannot both win.
    What the person and the coordinator say stays in the conversation itself (Rasa's tracker).
    """

    __tablename__ = "live_conversations"
    __table_args__ = (UniqueConstraint("channel", "conversation_id"),)

    id = Column(Integer, primary_key=True)
    channel = Column(String(FIELD_LIMITS["channel"]), nullable=False)
    conversation_id = Column(Text, nullable=False)
    language = Column(String(8), nullable=False)
    status = Column(String(16), nullable=False, index=True)
    requested_at = Column(UTCDateTime, nullable=False)
    coordinator = Column(String(NAME_LENGTH))
    claimed_at = Column(UTCDateTime)
    # The coordinator's last claim or reply: a claim idle for SOS_HANDOFF_IDLE_MINUTES is waiting again.
    last_activity_at = Column(UTCDateTime)
    updated_at = Column(UTCDateTime, nullable=False)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
