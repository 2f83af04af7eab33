"""Queries and update rules of leads, inside a session the caller opens and commits."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from typing import Any

from sqlalchemy import case, delete, or_, select, update
from sqlalchemy.orm import Session

from actions.leads.models import Lead, LeadNote, LeadStatusChange
from actions.leads.records import LeadSubmission
from bot.text import fold

# Stands for a character no database can store (NUL, unpaired surrogate).
REPLACEMENT = "\ufffd"
# What a merge fills on the kept lead when it has none.
CONTACT_FIELDS = ("name", "email", "phone", "callback_time")


@dataclass(frozen=True)
class InboxFilter:
    """What a coordinator narrows the inbox to; ``None`` (or empty) means any.

    Attributes:
        status: ``new``, ``contacted`` or ``closed``.
        outcome: The questionnaire's outcome.
        channel: The input channel.
        language: ``fr`` or ``en``.
        created_from: Created at or after this time.
        created_before: Created before this time.
        search: Part of the name, e-mail or phone (any case).
    """

    status: str | None = None
    outcome: str | None = None
    channel: str | None = None
    language: str | None = None
    created_from: datetime | None = None
    created_before: datetime | None = None
    search: str | None = None


class LeadRepository:
    """Reads and writes leads through one session (one unit of work).

    Args:
        session: An open session; the caller commits or rolls back.
    """

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, lead_id: int) -> Lead | None:
        """The lead with this id, if any."""
        return self.session.get(Lead, lead_id)

    def find_all(self, status: str | None = None) -> list[Lead]:
        """Leads, oldest first, optionally only those with ``status``."""
        query = select(Lead).order_by(Lead.id)
        if status is not None:
            query = query.where(Lead.status == status)
        return list(self.session.execute(query).scalars())

    def inbox(self, chosen: InboxFilter, limit: int = 200) -> list[Lead]:
        """The leads a coordinator asked for: ``new`` ones first, newest first within a status.

        The search ignores case and accents in names and e-mails (« emilie » finds « Émilie »,
        on SQLite too, whose ``lower()`` knows only ASCII) and spacing in phone numbers
        (« 514 555-0123 » finds ``+15145550123``): it is applied to the filtered leads here.

        Args:
            chosen: The filters and the search.
            limit: At most this many leads.

        Returns:
            The leads.
        """
        query = select(Lead)
        for column, value in (
            (Lead.status, chosen.status),
            (Lead.outcome, chosen.outcome),
            (Lead.channel, chosen.channel),
            (Lead.language, chosen.language),
        ):
            if value:
                query = query.where(column == value)
        if chosen.created_from:
            query = query.where(Lead.created_at >= chosen.created_from)
        if chosen.created_before:
            query = query.where(Lead.created_at < chosen.created_before)
        new_first = case((Lead.status == "new", 0), else_=1)
        query = query.order_by(new_first, Lead.created_at.desc(), Lead.id.desc())
        search = (chosen.search or "").strip()
        if not search:
            return list(self.session.execute(query.limit(limit)).scalars())
        found = (lead for lead in self.session.execute(query).scalars() if _matches(lead, search))
        return list(islice(found, limit))

    def channels(self) -> list[str]:
        """The channels leads came from, for the inbox's filter."""
        return list(self.session.execute(select(Lead.channel).distinct().order_by(Lead.channel)).scalars())

    def find_conversation(self, channel: str, conversation_id: str) -> Lead | None:
        """The lead this conversation stored last, if any.

        A conversation is its channel and Rasa's sender id: the sender id alone could be chosen
        on another channel (a REST client may name any sender, a WhatsApp number for one).
        """
        query = (
            select(Lead)
            .where(Lead.channel == channel, Lead.conversation_id == clean(conversation_id))
            .order_by(Lead.id.desc())
            .limit(1)
        )
        return self.session.execute(query).scalars().first()

    def find_person(self, email: str | None, phone: str | None) -> list[Lead]:
        """Leads with this e-mail or this phone number (possibly one person's), oldest first."""
        conditions = []
        if email:
            conditions.append(Lead.email == normalise_email(email))
        if phone:
            conditions.append(Lead.phone == phone.strip())
        if not conditions:
            return []
        query = select(Lead).where(or_(*conditions)).order_by(Lead.id)
        return list(self.session.execute(query).scalars())

    def find_linked(self, emails: set[str], phones: set[str]) -> list[Lead]:
        """Every lead linked to these contacts, directly or through another shared contact.

        Lead A (e-mail e, phone p) and lead B (phone p, e-mail f) are one person: asking for
        e finds both. Used to erase a person's data completely.

        Args:
            emails: E-mail addresses (any case).
            phones: E.164 phone numbers.

        Returns:
            The leads, oldest first.
        """
        emails = {normalise_email(email) for email in emails}
        found: dict[int, Lead] = {}
        while True:
            query = select(Lead).where(or_(Lead.email.in_(emails), Lead.phone.in_(phones)))
            matches = {lead.id: lead for lead in self.session.execute(query).scalars()}
            if matches.keys() <= found.keys():
                return [found[lead_id] for lead_id in sorted(found)]
            found.update(matches)
            emails = emails | {lead.email for lead in matches.values() if lead.email}
            phones = phones | {lead.phone for lead in matches.values() if lead.phone}

    def has_spool_file(self, spool_id: str) -> bool:
        """Whether the spool file ``spool_id`` was already stored."""
        query = select(Lead.id).where(Lead.spool_id == spool_id)
        return self.session.execute(query).first() is not None

    def record(self, submission: LeadSubmission, spool_id: str | None = None) -> tuple[Lead, bool]:
        """Updates the conversation's own lead, or creates one; never touches another's lead.

        A submission from another conversation with a known e-mail or phone creates a new lead
        whose ``possible_duplicates`` lists the leads it shares them with: knowing someone's
        e-mail must not let anyone rewrite their lead. A coordinator merges them by hand.

        On update: answers given again replace the old ones (empty ones do not), the transcript
        gets the lines it does not hold yet, contact fields given replace the stored ones,
        outcome, consent and language are refreshed, a closed lead is reopened and the
        notification is due again.

        Args:
            submission: A validated submission.
            spool_id: The spool file it came from, if any.

        Returns:
            The lead (flushed, so it has an id) and whether it was created.
        """
        now = datetime.now(UTC)
        lead = self.find_conversation(submission.channel, submission.conversation_id)
        created = lead is None
        if lead is None:
            lead = _new_lead(submission, now)
            self.session.add(lead)
        else:
            _apply_update(lead, submission, now)
        if spool_id is not None:
            lead.spool_id = spool_id
        self.session.flush()
        self._flag_possible_duplicates(lead)
        self.session.flush()
        return lead, created

    def add_transcript_lines(self, lead: Lead, lines: list[dict[str, str]]) -> None:
        """Adds the lines the lead's transcript does not hold yet (a live hand-off's messages), in time order."""
        lead.transcript = _in_time_order(_appended(lead.transcript, lines))

    def listing_as_duplicate(self, lead_ids: set[int]) -> list[Lead]:
        """Leads whose ``possible_duplicates`` holds one of ``lead_ids``, oldest first."""
        query = select(Lead).where(Lead.possible_duplicates.is_not(None)).order_by(Lead.id)
        return [lead for lead in self.session.execute(query).scalars() if lead.duplicate_ids & lead_ids]

    def merge(self, source: Lead, target: Lead) -> None:
        """Moves ``source`` into ``target`` (two leads of one person), then deletes ``source``.

        The transcripts are joined in time order without repeating a line; the target's empty
        answers and contact fields are filled from the source, never overwritten; the earlier
        consent is kept, and the later ``updated_at`` (the person's last submission, which the
        retention period counts from). The source's possible duplicates become the target's:
        the target joins the lists that named the source, and the source's id leaves them all.
        The source's notes and status history move to the target.

        Args:
            source: The lead that goes.
            target: The lead that stays (a different one).
        """
        target.transcript = _in_time_order(_appended(target.transcript, source.transcript))
        target.answers = _filled_answers(target.answers, source.answers)
        for field in CONTACT_FIELDS:
            if not getattr(target, field):
                setattr(target, field, getattr(source, field))
        if source.consent_at < target.consent_at:
            target.consent_at, target.consent_version = source.consent_at, source.consent_version
        target.updated_at = max(target.updated_at, source.updated_at)
        for lead in self.listing_as_duplicate({source.id}):
            lead.duplicate_ids = (lead.duplicate_ids - {source.id}) | {target.id}
        target.duplicate_ids = (target.duplicate_ids | source.duplicate_ids) - {source.id, target.id}
        for kept in (LeadNote, LeadStatusChange):
            self.session.execute(
                update(kept)
                .where(kept.lead_id == source.id)
                .values(lead_id=target.id)
                .execution_options(synchronize_session=False)
            )
        self.delete([source])

    def set_status(self, lead: Lead, status: str, author: str) -> None:
        """Changes the follow-up status (``new``, ``contacted``, ``closed``) and keeps the change
        in the lead's history.

        ``updated_at`` is left alone: it follows the patient's own submissions, and the
        retention period counts from there, not from the staff's work.

        Args:
            lead: The lead.
            status: The new status.
            author: Who changed it (a console account, or ``sos-leads``).
        """
        if status == lead.status:
            return
        self.session.add(
            LeadStatusChange(
                lead_id=lead.id, author=author, from_status=lead.status, to_status=status, at=datetime.now(UTC)
            )
        )
        lead.status = status

    def status_history(self, lead_id: int) -> list[LeadStatusChange]:
        """The lead's status changes, oldest first."""
        query = select(LeadStatusChange).where(LeadStatusChange.lead_id == lead_id).order_by(LeadStatusChange.id)
        return list(self.session.execute(query).scalars())

    def add_note(self, lead: Lead, author: str, text: str) -> LeadNote:
        """Adds a coordinator's note to the lead (flushed)."""
        note = LeadNote(lead_id=lead.id, author=author, text=clean(text), created_at=datetime.now(UTC))
        self.session.add(note)
        self.session.flush()
        return note

    def notes(self, lead_id: int) -> list[LeadNote]:
        """The lead's notes, oldest first."""
        query = select(LeadNote).where(LeadNote.lead_id == lead_id).order_by(LeadNote.id)
        return list(self.session.execute(query).scalars())

    def pending_notification(self) -> list[Lead]:
        """Leads whose last creation or update was not notified yet, oldest first."""
        query = select(Lead).where(Lead.notified_at.is_(None)).order_by(Lead.id)
        return list(self.session.execute(query).scalars())

    def mark_notified(self, lead_id: int, at: datetime, as_of: datetime) -> bool:
        """Records a successful notification, unless the lead changed since it was sent.

        Args:
            lead_id: The lead.
            at: When the notification went out.
            as_of: The lead's ``updated_at`` that the notification described.

        Returns:
            Whether the lead was marked.
        """
        lead = self.get(lead_id)
        if lead is None or lead.updated_at != as_of:
            return False
        lead.notified_at = at
        return True

    def not_updated_since(self, cutoff: datetime) -> list[Lead]:
        """Leads whose last update is older than ``cutoff``, oldest first."""
        query = select(Lead).where(Lead.updated_at < cutoff).order_by(Lead.id)
        return list(self.session.execute(query).scalars())

    def delete(self, leads: Iterable[Lead]) -> None:
        """Deletes these leads with their notes and status history, and their ids from the other
        leads' possible duplicates."""
        doomed = list(leads)
        doomed_ids = {lead.id for lead in doomed}
        for attached in (LeadNote, LeadStatusChange):
            self.session.execute(
                delete(attached).where(attached.lead_id.in_(doomed_ids)).execution_options(synchronize_session=False)
            )
        for lead in self.listing_as_duplicate(doomed_ids):
            if lead.id not in doomed_ids:
                lead.duplicate_ids = lead.duplicate_ids - doomed_ids
        for lead in doomed:
            self.session.delete(lead)

    def _flag_possible_duplicates(self, lead: Lead) -> None:
        """Adds to ``lead``'s possible duplicates the other leads sharing its e-mail or phone.

        Each pair is listed once: not on ``lead`` when the other lead lists it already.
        """
        sharing = {
            other.id
            for other in self.find_person(lead.email, lead.phone)
            if other.id != lead.id and lead.id not in other.duplicate_ids
        }
        lead.duplicate_ids = lead.duplicate_ids | sharing


def _matches(lead: Lead, search: str) -> bool:
    """Whether the lead's name or e-mail holds ``search`` (case and accents aside), or, for a
    search written as a phone number (digits, spaces, « + - . ( ) »), its phone holds the digits.
    The digits of an e-mail address (« emilie-6557@… ») are no phone number."""
    wanted = fold(search)
    if any(wanted in fold(text) for text in (lead.name, lead.email) if text):
        return True
    if not _PHONE_SEARCH.fullmatch(search.strip()):
        return False
    digits = "".join(char for char in search if char.isdigit())
    return bool(digits) and bool(lead.phone) and digits in lead.phone


_PHONE_SEARCH = re.compile(r"[\d\s+().-]+")


def normalise_email(email: str) -> str:
    """The form e-mails are stored and compared in (trimmed, lower case)."""
    return email.strip().lower()


def _new_lead(submission: LeadSubmission, now: datetime) -> Lead:
    return Lead(
        status="new",
        language=submission.language,
        channel=submission.channel,
        conversation_id=clean(submission.conversation_id),
        name=clean(submission.name),
        email=normalise_email(submission.email) if submission.email else None,
        phone=submission.phone.strip() if submission.phone else None,
        callback_time=submission.callback_time,
        answers=clean(_given_answers(submission.answers)),
        outcome=submission.outcome,
        transcript=clean([line.to_dict() for line in submission.transcript]),
        consent_version=submission.consent_version,
        consent_at=submission.consent_at,
        created_at=now,
        updated_at=now,
    )


def _apply_update(lead: Lead, submission: LeadSubmission, now: datetime) -> None:
    given = {
        "name": clean(submission.name),
        "email": normalise_email(submission.email) if submission.email else None,
        "phone": submission.phone.strip() if submission.phone else None,
        "callback_time": submission.callback_time,
    }
    for field, value in given.items():
        if value:
            setattr(lead, field, value)
    lead.answers = {**lead.answers, **clean(_given_answers(submission.answers))}
    new_lines = clean([line.to_dict() for line in submission.transcript])
    lead.transcript = _appended(lead.transcript, new_lines)
    lead.language = submission.language
    lead.outcome = submission.outcome
    lead.consent_version = submission.consent_version
    lead.consent_at = submission.consent_at
    lead.updated_at = now
    lead.notified_at = None
    if lead.status == "closed":
        lead.status = "new"


def _appended(stored: list[dict[str, str]], new: list[dict[str, str]]) -> list[dict[str, str]]:
    """The stored transcript followed by the new lines it does not hold yet.

    A second submission from the same conversation carries the whole conversation again, and
    two leads being merged may hold the same lines.
    """
    known = {(line["at"], line["speaker"], line["text"]) for line in stored}
    fresh = [line for line in new if (line["at"], line["speaker"], line["text"]) not in known]
    return [*stored, *fresh]


def _in_time_order(lines: list[dict[str, str]]) -> list[dict[str, str]]:
    """The lines sorted by time; lines of the same time keep their order."""
    return sorted(lines, key=lambda line: datetime.fromisoformat(line["at"]))


def _filled_answers(kept: dict[str, Any], filler: dict[str, Any]) -> dict[str, Any]:
    """``kept`` with its missing or empty answers taken from ``filler``."""
    missing = {key: value for key, value in _given_answers(filler).items() if _is_empty(kept.get(key))}
    return {**kept, **missing}


def _given_answers(answers: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in answers.items() if not _is_empty(value)}


def _is_empty(value: Any) -> bool:
    return value in (None, "", [], {})


def clean(value: Any) -> Any:
    """Makes text storable anywhere, keeping everything else as it is.

    NUL characters (refused by PostgreSQL) and unpaired surrogates (not encodable in UTF-8)
    become U+FFFD; dictionaries and lists are cleaned recursively.

    Args:
        value: Text, ``None``, a number, or a list or dictionary of them.

    Returns:
        The cleaned value.
    """
    if isinstance(value, str):
        paired = value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
        return paired.replace("\x00", REPLACEMENT)
    if isinstance(value, dict):
        return {clean(key): clean(item) for key, item in value.items()}
    if isinstance(value, list):
        return [clean(item) for item in value]
    return value
