"""A coordinator's take-over of a conversation, as the conversation's own events record it.

The claim lives in the tracker, not in the server's memory: a ``ConversationPaused`` event whose
metadata names the coordinator (Rasa's processor then predicts nothing for the conversation),
the coordinator's replies as ``BotUttered`` events marked the same way, and a
``ConversationResumed`` when it ends. The tracker store keeps them, so a restarted server
process, or another process sharing the Redis store, sees the same claim.

Whether a claim still holds is decided here, from those events, when the person's message
arrives: a claim with no coordinator activity (the claim itself, a reply) for
``SOS_HANDOFF_IDLE_MINUTES`` is stale, and the assistant takes the conversation back. So a
console that fails, or a coordinator who left, never leaves the person alone.

Variables (all optional):

- ``SOS_HANDOFF_IDLE_MINUTES`` (15, at most 1440): how long a claim lasts after the
  coordinator's last action. A held conversation's session does not expire meanwhile
  (:func:`bot.coordination.session_expired`): a new session would reset Rasa's pause.
- ``SOS_HANDOFF_HOURS`` (``09:00-17:00``): the coordinators' hours, Monday to Friday.
- ``SOS_HANDOFF_TIMEZONE`` (``America/Toronto``, Eastern time as the domain's answers say).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rasa.shared.core.events import BotUttered, ConversationPaused, ConversationResumed, Event, UserUttered

# Metadata keys of the events this feature writes.
COORDINATOR_KEY = "sos_coordinator"
RELEASE_KEY = "sos_release"
ALERT_KEY = "sos_alert"
EMERGENCY_ALERT = "emergency"
RELEASES = ("give_back", "close", "idle")
# Channels that answer through Meta's Graph API: free text only within 24 h of the person's last message.
META_CHANNELS = frozenset({"whatsapp", "facebook"})
META_WINDOW = timedelta(hours=24)

DEFAULT_IDLE_MINUTES = 15
MAX_IDLE_MINUTES = 24 * 60
DEFAULT_HOURS = "09:00-17:00"
DEFAULT_TIMEZONE = "America/Toronto"
_HOURS = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class TakeoverSettings:
    """How long a claim lasts, and when coordinators work.

    Attributes:
        idle_timeout: A claim without coordinator activity this long is stale.
        opens: When the coordinators' day starts (local time).
        closes: When it ends (local time).
        timezone: Their time zone.
    """

    idle_timeout: timedelta
    opens: time
    closes: time
    timezone: ZoneInfo

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> TakeoverSettings:
        """Reads the variables of the module's docstring.

        Raises:
            ValueError: A variable that cannot be used; the message names it.
        """
        env = os.environ if environ is None else environ
        minutes = env.get("SOS_HANDOFF_IDLE_MINUTES", "").strip() or str(DEFAULT_IDLE_MINUTES)
        if not minutes.isdigit() or not 1 <= int(minutes) <= MAX_IDLE_MINUTES:
            raise ValueError(
                f"SOS_HANDOFF_IDLE_MINUTES must be a whole number from 1 to {MAX_IDLE_MINUTES}, not {minutes!r}"
            )
        hours = env.get("SOS_HANDOFF_HOURS", "").strip() or DEFAULT_HOURS
        match = _HOURS.fullmatch(hours)
        if not match or match.group(1, 2) >= match.group(3, 4):
            raise ValueError(f"SOS_HANDOFF_HOURS must read like 09:00-17:00 (opening before closing), not {hours!r}")
        zone = env.get("SOS_HANDOFF_TIMEZONE", "").strip() or DEFAULT_TIMEZONE
        try:
            timezone = ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(
                f"SOS_HANDOFF_TIMEZONE must be a time zone such as America/Toronto, not {zone!r}"
            ) from error
        opens_h, opens_m, closes_h, closes_m = (int(part) for part in match.groups())
        return cls(timedelta(minutes=int(minutes)), time(opens_h, opens_m), time(closes_h, closes_m), timezone)

    def open_at(self, moment: datetime) -> bool:
        """Whether coordinators work at ``moment`` (an aware datetime): a weekday, within the hours."""
        local = moment.astimezone(self.timezone)
        return local.weekday() < 5 and self.opens <= local.time() < self.closes

    @property
    def opening_hours(self) -> str:
        """The hours as the person reads them: ``9:00–17:00``."""
        return f"{self.opens.hour}:{self.opens.minute:02d}–{self.closes.hour}:{self.closes.minute:02d}"


@dataclass(frozen=True)
class Claim:
    """A coordinator's hold on a conversation.

    Attributes:
        coordinator: The console account's name.
        since: When they claimed it.
        last_activity: Their latest claim or reply.
    """

    coordinator: str
    since: datetime
    last_activity: datetime

    def stale(self, now: datetime, idle_timeout: timedelta) -> bool:
        """Whether the coordinator has done nothing for ``idle_timeout``."""
        return now - self.last_activity >= idle_timeout


def _moment(event: Event) -> datetime:
    return datetime.fromtimestamp(event.timestamp, UTC)


def coordinator_of(event: Event) -> str | None:
    """The coordinator an event of this feature names, if any."""
    name = (event.metadata or {}).get(COORDINATOR_KEY)
    return name if isinstance(name, str) and name else None


def current_claim(events: Iterable[Event]) -> Claim | None:
    """The claim the conversation is under, from its events; ``None`` when the assistant has it.

    A pause that names no coordinator (Rasa's own, from its API) is no claim of this feature:
    it is left alone.
    """
    claim: Claim | None = None
    for event in events:
        if isinstance(event, ConversationPaused):
            name = coordinator_of(event)
            claim = Claim(name, _moment(event), _moment(event)) if name else None
        elif isinstance(event, ConversationResumed) or event.type_name == "session_started":
            claim = None
        elif claim is not None and isinstance(event, BotUttered) and coordinator_of(event) == claim.coordinator:
            claim = Claim(claim.coordinator, claim.since, _moment(event))
    return claim


def claim_event(coordinator: str) -> ConversationPaused:
    """The event that hands the conversation to ``coordinator``."""
    return ConversationPaused(metadata={COORDINATOR_KEY: coordinator})


def release_event(how: str, coordinator: str | None = None) -> ConversationResumed:
    """The event that gives the conversation back to the assistant (``how``: one of ``RELEASES``)."""
    if how not in RELEASES:
        raise ValueError(f"unknown release {how!r}")
    metadata: dict[str, Any] = {RELEASE_KEY: how}
    if coordinator:
        metadata[COORDINATOR_KEY] = coordinator
    return ConversationResumed(metadata=metadata)


def coordinator_reply(coordinator: str, text: str) -> BotUttered:
    """A coordinator's message, kept in the conversation as the assistant's are."""
    return BotUttered(text=text, metadata={COORDINATOR_KEY: coordinator})


def last_person_message_at(events: Iterable[Event]) -> datetime | None:
    """When the person last wrote, if ever."""
    moments = [_moment(event) for event in events if isinstance(event, UserUttered)]
    return max(moments, default=None)


def window_open(channel: str | None, events: Iterable[Event], now: datetime) -> bool:
    """Whether a free-text reply may reach the person now.

    On Messenger and WhatsApp, Meta delivers a business's free text only within 24 hours of the
    person's last message; the widget has no such limit.
    """
    if channel not in META_CHANNELS:
        return True
    last = last_person_message_at(events)
    return last is not None and now - last < META_WINDOW
