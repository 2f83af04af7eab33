"""Replies that depend on how a message was read, not only on its intent.

- ``action_not_in_documents``: a question the documents do not answer is told so plainly,
  naming what was asked when the Rasa server found the word (« Les documents ne disent rien
  sur « visa » »), with the offer of a coordinator.
- ``action_answer_with_safety_note``: a red flag mentioned but not happening to the person now
  (someone else's, past, feared, negated) gets the answer to the question, then a one-line
  safety note.
- ``action_clarify_follow_up``: a follow-up that no reading resolved asks to be written in
  full, quoting the previous question when there is one.

The texts are the domain's responses; these actions only choose them and fill them in.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

TOPIC_ENTITY = "unknown_topic"
FAQ_INTENT = "faq"
# Below this probability the selected FAQ answer is not given (as the FAQ gate of config.yml).
MIN_ANSWER_CONFIDENCE = 0.1
# A quoted previous question longer than this is cut at a word.
QUOTE_MAX_CHARACTERS = 120
# What the model read a red-flag mention as, when its FAQ answer may be given: a FAQ, or the
# red flag itself (the model learns mentions and emergencies as intents of their own).
ANSWERABLE_MENTIONS = {None, FAQ_INTENT, "red_flag_mention", "emergency"}


def unknown_topic(latest_message: dict[str, Any]) -> str | None:
    """The words of the message that the documents never mention, as the Rasa server found them."""
    for entity in latest_message.get("entities") or []:
        if entity.get("entity") == TOPIC_ENTITY and entity.get("value"):
            return str(entity["value"])
    return None


def selected_answer(latest_message: dict[str, Any]) -> str | None:
    """The FAQ answer chosen for the message's question (``utter_faq/<key>``), if sure enough."""
    response = (latest_message.get("response_selector") or {}).get(FAQ_INTENT, {}).get("response", {})
    if float(response.get("confidence") or 0.0) < MIN_ANSWER_CONFIDENCE:
        return None
    return response.get("utter_action")


def shortened(text: str, limit: int = QUOTE_MAX_CHARACTERS) -> str:
    """``text`` on one line without its closing punctuation (it is quoted inside a question),
    cut at a word boundary with « … » when longer than ``limit``."""
    text = " ".join(text.split()).rstrip(" ?!.")
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + "…"


def utter_not_in_documents(dispatcher: CollectingDispatcher, latest_message: dict[str, Any]) -> None:
    """Says the documents do not answer, naming the topic when it is known."""
    topic = unknown_topic(latest_message)
    if topic:
        dispatcher.utter_message(response="utter_not_in_documents_topic", topic=topic)
    else:
        dispatcher.utter_message(response="utter_not_in_documents")


class ActionNotInDocuments(Action):
    """A question about something the documents do not say."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_not_in_documents"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """Says so, with the topic when known, and offers a coordinator."""
        utter_not_in_documents(dispatcher, tracker.latest_message)
        return []


class ActionAnswerWithSafetyNote(Action):
    """The answer to a question that mentions a red flag that is not happening now."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_answer_with_safety_note"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """Answers the question when it is a FAQ, else says the documents do not; then the note."""
        latest = tracker.latest_message
        underlying = (latest.get("intent") or {}).get("underlying")
        answer = selected_answer(latest) if underlying in ANSWERABLE_MENTIONS else None
        if answer:
            dispatcher.utter_message(response=answer)
        else:
            utter_not_in_documents(dispatcher, latest)
        dispatcher.utter_message(response="utter_red_flag_note")
        return []


class ActionClarifyFollowUp(Action):
    """A follow-up that could not be tied to what came before."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_clarify_follow_up"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """Asks for the whole question, quoting the previous one when there is one."""
        previous = previous_question(tracker)
        if previous:
            dispatcher.utter_message(response="utter_clarify_follow_up_previous", previous=shortened(previous))
        else:
            dispatcher.utter_message(response="utter_clarify_follow_up")
        return []


def previous_question(tracker: Tracker) -> str | None:
    """The person's last message before this one that asked something the assistant answered."""
    user_messages = [event for event in tracker.events if event.get("event") == "user"]
    for event in reversed(user_messages[:-1]):
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if intent in {FAQ_INTENT, "not_in_documents", "red_flag_mention", "medical_advice"}:
            return event.get("text")
    return None
