"""The questions the assistant could not answer, kept masked for the content team.

The action server records each message that got the fallback, the out-of-scope reply or the
« not in the documents » reply (:func:`record_question`); e-mail addresses and phone numbers are
masked before anything is stored (:func:`mask`). Questions with the same accent-folded words
form a group (:func:`group_key`); staff mark a group « to add to the documents », « out of
scope » or « done », and export the groups for whoever writes the answers. They are kept
``UNANSWERED_RETENTION_DAYS`` (``sos-leads purge``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from phonenumbers import Leniency, PhoneNumberMatcher
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from actions.leads.database import ensure_schema, get_engine
from actions.leads.models import UNANSWERED_MARKS, UnansweredQuestion
from actions.leads.repository import clean
from actions.leads.settings import LeadSettings
from bot.text import words

EMAIL_MASK = "[e-mail]"
PHONE_MASK = "[phone]"
# As the log redaction of the Rasa server and the contact parser read addresses: anything
# around an @ (spaces around it included) up to a space or a bracket, quote or punctuation.
_EMAIL = re.compile(r"[^\s@<>()\[\]{},;:\"'«»]+\s*@\s*[^\s@<>()\[\]{},;:\"'«»]+")
# Numbers are read as North American unless they start with + (« +33 6 12 34 56 78 »).
_PHONE_REGION = "CA"
# Runs of 7 digits or more (with spaces, dots, dashes, brackets) that phonenumbers does not
# take for a possible number are masked too: a made-up or foreign number is still personal.
_DIGIT_RUN = re.compile(r"\+?\d(?:[\s().\-/]*\d){6,}")
TEXT_LIMIT = 1000
EXPORT_FIELDS = (
    "count",
    "conversations",
    "mark",
    "languages",
    "channels",
    "first_asked",
    "last_asked",
    "text",
    "replies",
)


@dataclass(frozen=True)
class AskedQuestion:
    """A message the assistant could not answer, as the action server hands it over.

    Attributes:
        text: The message as written (masked before storage).
        language: The conversation's language (``fr``, ``en``).
        channel: Its input channel.
        conversation_id: Rasa's sender id (only its hash is kept).
        asked_at: When it was sent (aware).
        reply_name: The response the assistant gave (``utter_default``…).
        reply_text: That reply's text.
    """

    text: str
    language: str
    channel: str
    conversation_id: str
    asked_at: datetime
    reply_name: str | None
    reply_text: str | None


@dataclass
class QuestionGroup:
    """Questions with the same folded words.

    Attributes:
        key: The group key.
        text: The latest question's text (masked).
        count: How many times it was asked.
        conversations: In how many conversations.
        mark: ``new`` while a question of the group is not marked, else the latest mark.
        languages: Languages it was asked in.
        channels: Channels it came from.
        first_asked: The first time.
        last_asked: The latest time.
        replies: The names of the replies it got.
    """

    key: str
    text: str
    count: int = 0
    conversations: int = 0
    mark: str = "new"
    languages: set[str] = field(default_factory=set)
    channels: set[str] = field(default_factory=set)
    first_asked: datetime | None = None
    last_asked: datetime | None = None
    replies: set[str] = field(default_factory=set)

    def export_row(self) -> dict[str, object]:
        """The group as a row of the content team's CSV export."""
        return {
            "count": self.count,
            "conversations": self.conversations,
            "mark": self.mark,
            "languages": " ".join(sorted(self.languages)),
            "channels": " ".join(sorted(self.channels)),
            "first_asked": self.first_asked.isoformat() if self.first_asked else None,
            "last_asked": self.last_asked.isoformat() if self.last_asked else None,
            "text": self.text,
            "replies": " ".join(sorted(self.replies)),
        }


def mask(text: str) -> str:
    """``text`` with its e-mail addresses and phone numbers replaced by ``[e-mail]`` and ``[phone]``."""
    text = _EMAIL.sub(EMAIL_MASK, text)
    matches = list(PhoneNumberMatcher(text, _PHONE_REGION, leniency=Leniency.POSSIBLE))
    for match in reversed(matches):
        text = text[: match.start] + PHONE_MASK + text[match.end :]
    return _DIGIT_RUN.sub(PHONE_MASK, text)


def group_key(masked_text: str) -> str:
    """The words of the text, accent-folded and lower-case: « Opération? » and « operation » group."""
    return " ".join(words(masked_text)) or masked_text.strip().lower()


def conversation_key(channel: str, conversation_id: str) -> str:
    """What stands for a conversation where its id is not kept: SHA-256 of channel and id, hex."""
    return hashlib.sha256(f"{channel}\x00{conversation_id}".encode()).hexdigest()


def record_question(session: Session, asked: AskedQuestion) -> UnansweredQuestion:
    """Stores one unanswered question, masked; the caller commits.

    Args:
        session: An open session.
        asked: The question and its context.

    Returns:
        The stored row (flushed).
    """
    text = mask(clean(asked.text.strip())[:TEXT_LIMIT])
    reply = mask(clean(asked.reply_text)[:TEXT_LIMIT]) if asked.reply_text else None
    row = UnansweredQuestion(
        text=text,
        group_key=group_key(text),
        language=asked.language[:8],
        channel=asked.channel[:64],
        asked_at=asked.asked_at,
        reply_name=(asked.reply_name or None) and asked.reply_name[:128],
        reply_text=reply,
        conversation_key=conversation_key(asked.channel, asked.conversation_id),
        mark="new",
    )
    session.add(row)
    session.flush()
    return row


def question_groups(
    session: Session, since: datetime | None = None, language: str | None = None, mark: str | None = None
) -> list[QuestionGroup]:
    """The groups of questions asked since ``since``, most asked first.

    Args:
        session: An open session.
        since: Only questions asked from then on (all by default).
        language: Only questions in this language.
        mark: Only groups with this mark.

    Returns:
        The groups, by count then latest time, both descending.
    """
    query = select(UnansweredQuestion).order_by(UnansweredQuestion.asked_at)
    if since is not None:
        query = query.where(UnansweredQuestion.asked_at >= since)
    if language:
        query = query.where(UnansweredQuestion.language == language)
    groups: dict[str, QuestionGroup] = {}
    conversations: dict[str, set[str]] = {}
    for row in session.execute(query).scalars():
        group = groups.setdefault(row.group_key, QuestionGroup(key=row.group_key, text=row.text))
        _add(group, row)
        conversations.setdefault(row.group_key, set()).add(row.conversation_key)
    for key, group in groups.items():
        group.conversations = len(conversations[key])
    chosen = [group for group in groups.values() if mark is None or group.mark == mark]
    return sorted(chosen, key=lambda group: (group.count, group.last_asked), reverse=True)


def mark_group(session: Session, key: str, mark: str, actor: str, now: datetime | None = None) -> int:
    """Marks every question of the group ``key``; the caller commits.

    Args:
        session: An open session.
        key: The group key.
        mark: One of ``UNANSWERED_MARKS``.
        actor: The staff account's name.
        now: The time of the mark (tests).

    Returns:
        How many questions were marked.

    Raises:
        ValueError: An unknown mark.
    """
    if mark not in UNANSWERED_MARKS:
        raise ValueError(f"mark must be one of {', '.join(UNANSWERED_MARKS)}")
    statement = (
        update(UnansweredQuestion)
        .where(UnansweredQuestion.group_key == key)
        .values(mark=mark, marked_by=actor, marked_at=now or datetime.now(UTC))
        .execution_options(synchronize_session=False)
    )
    return session.execute(statement).rowcount


def export_rows(groups: Sequence[QuestionGroup]) -> list[dict[str, object]]:
    """The groups as rows of the CSV export (``EXPORT_FIELDS``)."""
    return [group.export_row() for group in groups]


def _add(group: QuestionGroup, row: UnansweredQuestion) -> None:
    """Counts ``row`` (asked after the group's earlier rows) in ``group``."""
    group.count += 1
    group.text = row.text
    group.languages.add(row.language)
    group.channels.add(row.channel)
    if row.reply_name:
        group.replies.add(row.reply_name)
    group.first_asked = group.first_asked or row.asked_at
    group.last_asked = row.asked_at
    # A group is new again as soon as one of its questions is: a mark covers what was seen.
    earlier_new = group.count > 1 and group.mark == "new"
    group.mark = "new" if earlier_new or row.mark == "new" else row.mark


def store_question(asked: AskedQuestion, settings: LeadSettings | None = None) -> int:
    """Records one unanswered question in its own transaction.

    Args:
        asked: The question and its context.
        settings: Where the database is; read from the environment by default.

    Returns:
        The stored question's id.

    Raises:
        sqlalchemy.exc.SQLAlchemyError: The database failed; nothing was stored.
        OSError: The SQLite file cannot be created.
    """
    engine = get_engine((settings or LeadSettings.from_env()).database_url)
    ensure_schema(engine)
    with Session(engine, future=True) as session, session.begin():
        return record_question(session, asked).id
