"""The ``leads`` table, portable across SQLite and PostgreSQL.

The schema is created and changed only by the Alembic migrations in ``migrations/``; a test
checks that they agree with this model.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, Integer, MetaData, String, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import declarative_base
from sqlalchemy.types import DateTime, TypeDecorator

from actions.leads.records import FIELD_LIMITS

STATUSES = ("new", "contacted", "closed")

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


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
