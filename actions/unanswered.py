"""Records the messages the assistant could not answer, for the content team.

``action_record_unanswered`` runs right after the fallback, the out-of-scope reply or the « not
in the documents » reply (``data/rules/core.yml``). It says nothing and changes nothing in the
conversation: the question is stored in a worker thread that the reply never waits for, and a
failure to store is logged without the message's text.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.leads.unanswered import AskedQuestion, store_question

logger = logging.getLogger(__name__)


def asked_question(tracker: Tracker) -> AskedQuestion | None:
    """The latest message and the assistant's reply to it, from the tracker's events.

    Returns:
        The question, or ``None`` when there is no typed message to record (none yet, or a
        button's payload).
    """
    events = tracker.events
    asked_index = next(
        (index for index in range(len(events) - 1, -1, -1) if events[index].get("event") == "user"), None
    )
    if asked_index is None:
        return None
    asked = events[asked_index]
    text = (asked.get("text") or "").strip()
    if not text or text.startswith("/"):
        return None
    reply = _last_reply(events[asked_index + 1 :])
    return AskedQuestion(
        text=text,
        language=tracker.get_slot("language") or "fr",
        channel=asked.get("input_channel") or tracker.get_latest_input_channel() or "unknown",
        conversation_id=tracker.sender_id,
        asked_at=datetime.fromtimestamp(asked.get("timestamp") or 0, UTC),
        reply_name=(reply.get("metadata") or {}).get("utter_action") if reply else None,
        reply_text=reply.get("text") if reply else None,
    )


def _last_reply(events: list[dict[str, Any]]) -> dict[str, Any] | None:
    return next((event for event in reversed(events) if event.get("event") == "bot"), None)


def store_quietly(asked: AskedQuestion) -> None:
    """Stores the question; a failure is logged (never the text) and goes no further."""
    try:
        store_question(asked)
    except Exception as error:  # whatever fails, the conversation goes on
        logger.error("unanswered question not recorded: %s", type(error).__name__)


class ActionRecordUnanswered(Action):
    """Stores the latest message, which the assistant could not answer, with its reply."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_record_unanswered"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """Hands the question to a worker thread and returns at once, with no event."""
        asked = asked_question(tracker)
        if asked is not None:
            asyncio.get_running_loop().run_in_executor(None, store_quietly, asked)
        return []
