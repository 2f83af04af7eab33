"""Hand-off to a human coordinator: consent, contact details, then a lead record.

A lead is created after the questionnaire (when the person wants to be contacted) or whenever
someone asks for a person. The lead carries the answers, a readable transcript and the consent's
version and time; ``actions.leads`` stores it, or spools it when the database is down, so the
person always gets a correct answer and nothing is lost.

Both also list the conversation for the coordinators (``actions.leads.live``): one of them may
take it over live in the console and answer on the person's own channel.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import parsing as answers
from actions.eligibility import ANSWER_SLOTS, CALLBACK_WANTED_SLOT, FOLLOW_UP_OUTCOMES, OUTCOME_SLOT
from actions.leads.live import note_waiting
from actions.leads.policy import CONSENT_VERSION
from actions.leads.submission import LeadSubmission, TranscriptLine, submit_lead
from actions.questionnaire import (
    CONSENT_AT_SLOT,
    CONSENT_QUESTION,
    CONSENT_SLOT,
    Question,
    QuestionnaireValidation,
    Reask,
)

logger = logging.getLogger(__name__)

CONTACT_DETAILS_SLOT = "contact_details"
# Channels whose messages carry the sender's verified phone number in their metadata.
PHONE_CHANNELS = frozenset({"whatsapp"})
CONTACT_NAME_SLOT = "contact_name"
CONTACT_SLOTS = (CONTACT_NAME_SLOT, CONTACT_DETAILS_SLOT, "callback_time")
# A name that reads like small talk (« Claude Bonjour ») waits here while the person confirms it.
NAME_TO_CONFIRM_SLOT = "name_to_confirm"
NAME_CONFIRMED_SLOT = "name_confirmed"
# Everything the hand-off keeps in the conversation, forgotten once the lead is stored.
CONTACT_STATE_SLOTS = (*CONTACT_SLOTS, NAME_TO_CONFIRM_SLOT, NAME_CONFIRMED_SLOT)
CALL_TIMES = ("morning", "afternoon", "any")
# The metadata key that marks a coordinator's message in the conversation (bot.takeover.COORDINATOR_KEY).
COORDINATOR_KEY = "sos_coordinator"
CONTACT_PROBLEM_HINTS = {
    "invalid_email": "utter_reask_invalid_email",
    "invalid_phone": "utter_reask_invalid_phone",
    "missing": "utter_reask_missing_contact",
}


def parse_contact_details(text: str) -> dict[str, str | None] | Reask:
    """Reads an e-mail and/or a phone number, or says what is wrong with them."""
    contact = answers.parse_contact(text)
    if contact.problem:
        return Reask(CONTACT_PROBLEM_HINTS[contact.problem])
    return {"email": contact.email, "phone": contact.phone}


def parse_call_time(text: str) -> str | Reask | None:
    """Reads a time to call; an evening is outside business hours, so it is asked again."""
    when = answers.parse_callback_time(text)
    if when is not None and when not in CALL_TIMES:
        return Reask("utter_reask_callback_time")
    return when


CONTACT_QUESTIONS: Mapping[str, Question] = {
    question.slot: question
    for question in (
        CONSENT_QUESTION,
        Question(CALLBACK_WANTED_SLOT, answers.parse_yes_no, "utter_reask_yes_no"),
        Question(
            CONTACT_NAME_SLOT,
            answers.clean_name,
            "utter_reask_name",
            open_answer=True,
            confirm_slot=NAME_TO_CONFIRM_SLOT,
        ),
        Question(NAME_CONFIRMED_SLOT, answers.parse_yes_no, "utter_reask_yes_no"),
        Question(CONTACT_DETAILS_SLOT, parse_contact_details, "utter_reask_missing_contact"),
        Question("callback_time", parse_call_time, "utter_reask_callback_time"),
    )
}


def contact_slots(slots: Mapping[str, Any]) -> list[str]:
    """The questions of the hand-off: consent first, then whether and how to be contacted."""
    asked = [CONSENT_SLOT]
    if slots.get(CONSENT_SLOT) is not True:
        return asked
    asked.append(CALLBACK_WANTED_SLOT)
    if slots.get(CALLBACK_WANTED_SLOT) is not True:
        return asked
    if slots.get(NAME_TO_CONFIRM_SLOT) and slots.get(CONTACT_NAME_SLOT) is None:
        asked.append(NAME_CONFIRMED_SLOT)
    return asked + list(CONTACT_SLOTS)


def channel_phone(tracker: Tracker) -> str | None:
    """The person's phone number as WhatsApp gave it, in E.164, if valid.

    Only the WhatsApp channel is believed: elsewhere the metadata comes from the person's side
    (the web page's ``customData``, a REST client) and proves nothing about the number.
    """
    if tracker.get_latest_input_channel() not in PHONE_CHANNELS:
        return None
    metadata = tracker.latest_message.get("metadata") or {}
    given = metadata.get("phone") if isinstance(metadata, dict) else None
    if not isinstance(given, str) or not given.strip():
        return None
    return answers.parse_contact(given).phone


def contact_details_given_before(tracker: Tracker) -> bool:
    """True when contact details were set once in this conversation (then perhaps corrected)."""
    return any(
        event.get("event") == "slot" and event.get("name") == CONTACT_DETAILS_SLOT and event.get("value")
        for event in tracker.events
    )


class ValidateContactForm(QuestionnaireValidation):
    """Reads the answers of ``contact_form``.

    On a channel that knows the person's number (WhatsApp), the number is not asked: once the
    name is given, the person is told which number will be called and how to change it.
    """

    def name(self) -> str:
        """The action's name in the domain."""
        return "validate_contact_form"

    def questions(self) -> Mapping[str, Question]:
        """The hand-off questions, by slot."""
        return CONTACT_QUESTIONS

    def slots_to_ask(self, slots: Mapping[str, Any]) -> list[str]:
        """See ``contact_slots``."""
        return contact_slots(slots)

    def answer_events(self, question: Question, value: Any, tracker: Tracker) -> list[EventType]:
        """A confirmed doubtful name becomes the name; a denied one is asked for again."""
        if question.slot != NAME_CONFIRMED_SLOT:
            return super().answer_events(question, value, tracker)
        pending = tracker.get_slot(NAME_TO_CONFIRM_SLOT) if value else None
        return [
            SlotSet(CONTACT_NAME_SLOT, pending),
            SlotSet(NAME_TO_CONFIRM_SLOT, None),
            SlotSet(NAME_CONFIRMED_SLOT, None),
        ]

    def known_answer_events(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        """The channel's phone number as contact details, when they are the next question.

        Only once: after a correction of the contact details, they are asked like anywhere else.
        """
        slots = tracker.current_slot_values()
        unanswered = [slot for slot in contact_slots(slots) if slots.get(slot) is None]
        if unanswered[:1] != [CONTACT_DETAILS_SLOT] or contact_details_given_before(tracker):
            return []
        phone = channel_phone(tracker)
        if phone is None:
            return []
        dispatcher.utter_message(response="utter_contact_phone_from_channel", phone=phone)
        return [SlotSet(CONTACT_DETAILS_SLOT, {"email": None, "phone": phone})]


class ActionRequestHuman(Action):
    """Someone asked for a person: the hand-off starts, whatever came before."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_request_human"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """Explains what is needed; keeps an eligibility outcome the lead can carry."""
        dispatcher.utter_message(response="utter_request_human")
        events: list[EventType] = [SlotSet(CALLBACK_WANTED_SLOT, True)]
        if tracker.get_slot(OUTCOME_SLOT) not in FOLLOW_UP_OUTCOMES:
            events.append(SlotSet(OUTCOME_SLOT, "human_requested"))
        if tracker.get_slot(CONSENT_SLOT) is False:
            events.append(SlotSet(CONSENT_SLOT, None))
        await list_for_coordinators(tracker)
        return events


async def list_for_coordinators(tracker: Tracker) -> None:
    """Lists the conversation as waiting in the console (never fails the person's answer)."""
    await asyncio.to_thread(
        note_waiting,
        tracker.get_latest_input_channel() or "unknown",
        tracker.sender_id,
        tracker.get_slot("language") or "fr",
    )


def forgotten_before(event: dict[str, Any]) -> bool:
    """Events after which earlier messages are not handed over.

    A new session starts afresh; « annuler » and a red flag promise the answers are not kept.
    """
    return (
        event.get("event") == "session_started"
        or (event.get("event") == "action" and event.get("name") == "action_cancel_form")
        or (event.get("event") == "slot" and event.get("name") == OUTCOME_SLOT and event.get("value") == "emergency")
    )


def transcript(events: list[dict[str, Any]]) -> list[TranscriptLine]:
    """The current conversation as a coordinator reads it: who said what, and when."""
    cut = max((index for index, event in enumerate(events) if forgotten_before(event)), default=-1)
    lines = []
    for event in events[cut + 1 :]:
        kind = event.get("event")
        if kind not in ("user", "bot"):
            continue
        text = event.get("text") or ""
        if kind == "user" and text.startswith("/"):
            text = f"[{(event.get('parse_data') or {}).get('intent', {}).get('name', 'button')}]"
        buttons = (event.get("data") or {}).get("buttons") or []
        if buttons:
            text += " [" + " | ".join(button.get("title", "") for button in buttons) + "]"
        lines.append(
            TranscriptLine(
                at=datetime.fromtimestamp(event.get("timestamp") or 0, UTC), speaker=speaker(event), text=text
            )
        )
    return lines


def speaker(event: dict[str, Any]) -> str:
    """Who said a message: the patient, the assistant, or a coordinator who took the conversation over."""
    if event.get("event") == "user":
        return "patient"
    return "coordinator" if (event.get("metadata") or {}).get(COORDINATOR_KEY) else "assistant"


def lead_submission(tracker: Tracker) -> LeadSubmission:
    """Everything the coordinator needs, from the conversation's slots and events."""
    slots = tracker.current_slot_values()
    contact = slots.get("contact_details") or {}
    return LeadSubmission(
        conversation_id=tracker.sender_id,
        channel=tracker.get_latest_input_channel() or "unknown",
        language=slots.get("language") or "fr",
        name=slots.get("contact_name"),
        email=contact.get("email"),
        phone=contact.get("phone"),
        callback_time=slots.get("callback_time"),
        answers={name: slots[name] for name in ANSWER_SLOTS if slots.get(name) is not None},
        outcome=slots.get(OUTCOME_SLOT) or "human_requested",
        transcript=transcript(tracker.events),
        consent_version=CONSENT_VERSION,
        consent_at=datetime.fromisoformat(slots[CONSENT_AT_SLOT]),
    )


class ActionSubmitLead(Action):
    """Creates (or updates) the lead once consent and contact details are given."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_submit_lead"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """Stores the lead, then tells the person who will contact them and when."""
        if tracker.get_slot(CONSENT_SLOT) is not True:
            dispatcher.utter_message(response="utter_consent_refused")
            return []
        if tracker.get_slot(CALLBACK_WANTED_SLOT) is not True:
            dispatcher.utter_message(response="utter_callback_declined")
            return []
        receipt = await asyncio.to_thread(submit_lead, lead_submission(tracker))
        # The conversation id is a phone number on some channels: only the lead id is logged.
        logger.info("Lead %s stored (created=%s, spooled=%s)", receipt.lead_id, receipt.created, receipt.spooled)
        dispatcher.utter_message(response="utter_handoff_done")
        await list_for_coordinators(tracker)
        # Contact details are not kept in the conversation once they are in the lead: a new
        # request asks for them again (and updates the same lead).
        return [SlotSet(name, None) for name in (CALLBACK_WANTED_SLOT, *CONTACT_STATE_SLOTS)]
