"""What the Rasa server does with a conversation a coordinator has taken over.

Two entry points share the helpers here:

- :func:`handle_message` wraps the processor's ``handle_message`` (installed by
  :mod:`bot.rasa_patches`). A message in a claimed conversation is logged and nothing is
  predicted (Rasa's own pause), except that a first-person acute red flag still gets
  ``utter_emergency`` at once, marked so the console highlights it. A stale claim is ended
  first (:mod:`bot.takeover`) and the person is told the assistant is back — or, outside the
  coordinators' hours, when to expect an answer — before the assistant answers the message.
- :func:`get_tracker_fetched_once` wraps the processor's ``get_tracker``: the conversation
  :func:`handle_message` read to look for a claim is the one Rasa's handling then starts from,
  instead of a second read of the tracker store for every message.
- :func:`session_expired` wraps the processor's ``_has_session_expired``: a conversation a
  coordinator holds keeps its session however long the person was silent (a new session would
  reset Rasa's pause, and the assistant would answer a person the coordinator is talking to).
- :mod:`bot.channels.coordinator`, the console's loopback endpoint, says the joined, handed
  back and closed responses with :func:`say`.

Every patient-facing text is a domain response, in the conversation's language.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from rasa.core.actions.action import create_bot_utterance
from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.constants import DEFAULT_SENDER_ID
from rasa.shared.core.trackers import DialogueStateTracker

from bot.safety import assess
from bot.takeover import ALERT_KEY, EMERGENCY_ALERT, TakeoverSettings, current_claim, release_event

logger = logging.getLogger(__name__)

EMERGENCY_RESPONSE = "utter_emergency"
AWAY_RESPONSE = "utter_coordinator_away"
OUT_OF_HOURS_RESPONSE = "utter_coordinator_out_of_hours"
Handler = Callable[[MessageProcessor, UserMessage], Awaitable[Any]]
ExpiryCheck = Callable[[MessageProcessor, DialogueStateTracker], bool]
TrackerRead = Callable[[MessageProcessor, str], Awaitable[DialogueStateTracker]]
# The tracker handle_message read, for the first read Rasa's handling of the same message makes.
# A context variable: each message is handled in its own task, so concurrent ones never share it.
_FETCHED: ContextVar[DialogueStateTracker | None] = ContextVar("sos_fetched_tracker", default=None)


@functools.cache
def settings() -> TakeoverSettings:
    """This process's take-over settings, read from the environment once."""
    return TakeoverSettings.from_env()


async def say(
    processor: MessageProcessor,
    tracker: DialogueStateTracker,
    output: OutputChannel,
    response: str,
    metadata: dict[str, Any] | None = None,
    **values: Any,
) -> bool:
    """Sends the domain response ``response`` to the person and keeps it in ``tracker``.

    Args:
        processor: The agent's processor (its domain and response generator).
        tracker: The conversation; the caller saves it.
        output: The person's channel.
        response: A response of the domain.
        metadata: Added to the kept ``BotUttered`` event's metadata.
        values: Filled into the response's ``{placeholders}``.

    Returns:
        Whether there was a variation to send.
    """
    message = await processor.nlg.generate(response, tracker, output.name(), **values)
    if message is None:
        logger.error("no variation of %s for this conversation: nothing was said", response)
        return False
    message["utter_action"] = response
    event = create_bot_utterance(message)
    event.metadata = {**(event.metadata or {}), **(metadata or {})}
    tracker.update(event)
    await processor.execute_side_effects([event], tracker, output)
    return True


def _understood_as_emergency(tracker: DialogueStateTracker, text: str | None) -> bool:
    """Whether the pipeline read the person's message as an emergency (the emergency
    classifier's suspicion included), as Rasa logged it while the conversation is claimed."""
    latest = tracker.latest_message
    return bool(latest and latest.text == text and (latest.intent or {}).get("name") == "emergency")


def is_emergency(text: str | None) -> bool:
    """Whether ``text`` describes an acute red flag happening to the person now."""
    finding = assess(text or "")
    return finding is not None and finding.intent == "emergency"


async def get_tracker_fetched_once(
    processor: MessageProcessor, conversation_id: str, read: TrackerRead
) -> DialogueStateTracker:
    """``read(processor, conversation_id)``, unless :func:`handle_message` has just read it."""
    fetched = _FETCHED.get()
    if fetched is not None and fetched.sender_id == (conversation_id or DEFAULT_SENDER_ID):
        _FETCHED.set(None)
        return fetched
    return await read(processor, conversation_id)


async def handle_message(processor: MessageProcessor, message: UserMessage, handle: Handler) -> Any:
    """``handle(processor, message)``, as a claimed conversation needs it (see the module)."""
    tracker = await processor.get_tracker(message.sender_id)
    claim = current_claim(tracker.events)
    if claim is None:
        return await _handle_from(tracker, processor, message, handle)
    now = datetime.now(UTC)
    chosen = settings()
    if claim.stale(now, chosen.idle_timeout):
        await _take_back(processor, tracker, message.output_channel, chosen, now)
        return await _handle_from(tracker, processor, message, handle)
    result = await _handle_from(tracker, processor, message, handle)
    tracker = await processor.get_tracker(message.sender_id)
    if is_emergency(message.text) or _understood_as_emergency(tracker, message.text):
        await say(processor, tracker, message.output_channel, EMERGENCY_RESPONSE, {ALERT_KEY: EMERGENCY_ALERT})
        await processor.save_tracker(tracker)
        logger.warning("acute red flag in a conversation a coordinator holds: the emergency answer was sent")
    return result


async def _handle_from(
    tracker: DialogueStateTracker, processor: MessageProcessor, message: UserMessage, handle: Handler
) -> Any:
    """``handle(processor, message)``, its first read of the conversation being ``tracker``."""
    token = _FETCHED.set(tracker)
    try:
        return await handle(processor, message)
    finally:
        _FETCHED.reset(token)


def session_expired(processor: MessageProcessor, tracker: DialogueStateTracker, rasa_check: ExpiryCheck) -> bool:
    """Rasa's ``rasa_check``, except that a session under a live claim never expires."""
    claim = current_claim(tracker.events)
    if claim is not None and not claim.stale(datetime.now(UTC), settings().idle_timeout):
        return False
    return rasa_check(processor, tracker)


async def _take_back(
    processor: MessageProcessor,
    tracker: DialogueStateTracker,
    output: OutputChannel,
    chosen: TakeoverSettings,
    now: datetime,
) -> None:
    """Ends a stale claim; the person is told, then the assistant answers as usual."""
    logger.info("a claim without coordinator activity for %s ended: the assistant answers", chosen.idle_timeout)
    tracker.update(release_event("idle"))
    if chosen.open_at(now):
        await say(processor, tracker, output, AWAY_RESPONSE)
    else:
        await say(processor, tracker, output, OUT_OF_HOURS_RESPONSE, opening_hours=chosen.opening_hours)
    await processor.save_tracker(tracker)
