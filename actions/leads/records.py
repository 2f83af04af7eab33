"""What the assistant hands over for a lead, and what it gets back.

``actions.leads.submission`` is where callers import these from; they live here so the spool and
the storage code can read them without importing the submission pipeline.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

OUTCOMES = ("candidate", "conservative_first", "human_requested")
SPEAKERS = ("patient", "assistant", "coordinator")
# Longest accepted value of the short fields (the columns are sized from these).
FIELD_LIMITS = {
    "channel": 64,
    "language": 8,
    "email": 320,
    "phone": 32,
    "callback_time": 16,
    "outcome": 32,
    "consent_version": 32,
}


@dataclass(frozen=True)
class TranscriptLine:
    """One message of the conversation.

    Attributes:
        at: When it was sent (aware, UTC).
        speaker: ``"patient"``, ``"assistant"`` or ``"coordinator"`` (a live hand-off's replies).
        text: The message as shown or typed.
    """

    at: datetime
    speaker: str
    text: str

    def to_dict(self) -> dict[str, str]:
        """The line as JSON-ready values (ISO 8601 time)."""
        return {"at": self.at.isoformat(), "speaker": self.speaker, "text": self.text}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TranscriptLine:
        """Reads a line written by ``to_dict``."""
        return cls(at=_parse_time(data["at"]), speaker=data["speaker"], text=data["text"])


@dataclass(frozen=True)
class LeadSubmission:
    """A consenting patient's request to be contacted, as collected by the assistant.

    Attributes:
        conversation_id: Rasa's sender id.
        channel: Input channel name (``rest``, ``socketio``, ``whatsapp``...).
        language: ``"fr"`` or ``"en"``.
        name: Name as typed, if given.
        email: Validated, normalised e-mail, if given.
        phone: E.164 phone number, if given.
        callback_time: ``morning``, ``afternoon``, ``evening`` or ``any``.
        answers: Eligibility answers (JSON-serialisable).
        outcome: ``candidate``, ``conservative_first`` or ``human_requested``.
        transcript: The conversation so far.
        consent_version: Version of the consent text accepted.
        consent_at: When consent was given (aware, UTC).
    """

    conversation_id: str
    channel: str
    language: str
    name: str | None
    email: str | None
    phone: str | None
    callback_time: str | None
    answers: dict[str, Any]
    outcome: str
    transcript: list[TranscriptLine]
    consent_version: str
    consent_at: datetime

    def validate(self) -> None:
        """Checks what the caller promised; a failure is a programming error of the caller.

        Raises:
            ValueError: No contact, an unknown outcome, a naive time, a field too long or
                answers that are not a JSON object. Messages never quote the values.
        """
        if not (self.email or self.phone):
            raise ValueError("a lead needs an e-mail address or a phone number")
        if self.outcome not in OUTCOMES:
            raise ValueError(f"outcome must be one of {', '.join(OUTCOMES)}")
        for field, limit in FIELD_LIMITS.items():
            value = getattr(self, field)
            if value is not None and len(value) > limit:
                raise ValueError(f"{field} is longer than {limit} characters")
        _require_aware(self.consent_at, "consent_at")
        for line in self.transcript:
            _require_aware(line.at, "transcript time")
            if line.speaker not in SPEAKERS:
                raise ValueError(f"transcript speaker must be one of {', '.join(SPEAKERS)}")
        if not isinstance(self.answers, dict):
            raise ValueError("answers must be a dictionary")
        try:
            json.dumps(self.answers)
        except (TypeError, ValueError) as error:
            raise ValueError("answers must be JSON-serialisable") from error

    def to_dict(self) -> dict[str, Any]:
        """The submission as JSON-ready values (for the spool)."""
        return {
            "conversation_id": self.conversation_id,
            "channel": self.channel,
            "language": self.language,
            "name": self.name,
            "email": self.email,
            "phone": self.phone,
            "callback_time": self.callback_time,
            "answers": self.answers,
            "outcome": self.outcome,
            "transcript": [line.to_dict() for line in self.transcript],
            "consent_version": self.consent_version,
            "consent_at": self.consent_at.isoformat(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LeadSubmission:
        """Reads a submission written by ``to_dict`` and validates it.

        Raises:
            KeyError: A field is missing.
            TypeError: A field has the wrong shape.
            ValueError: A field has a wrong value.
        """
        fields = dict(data)
        fields["transcript"] = [TranscriptLine.from_dict(line) for line in data["transcript"]]
        fields["consent_at"] = _parse_time(data["consent_at"])
        submission = cls(**fields)
        submission.validate()
        return submission


@dataclass(frozen=True)
class LeadReceipt:
    """What happened to a submission.

    Attributes:
        lead_id: The stored lead, or ``None`` when spooled.
        created: ``False`` when an existing lead was updated (or the submission spooled).
        spooled: ``True`` when the database was unreachable and the submission waits on disk.
    """

    lead_id: int | None
    created: bool
    spooled: bool


def _require_aware(moment: datetime, label: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{label} must be timezone-aware")


def _parse_time(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    _require_aware(moment, "time")
    return moment.astimezone(UTC)
