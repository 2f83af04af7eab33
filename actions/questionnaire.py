"""What the two forms share: reading one answer from free text, digressions and corrections.

A form asks one question at a time. The person's next message is read by the parser of the
question being asked (``actions/parsing/``), whatever intent the classifier gave it, because
short answers such as « 4 mois » or « Laval » are easily mistaken for something else. Only when
the message is not an answer does its intent matter:

- a digression handled by the rules (a FAQ, a red flag, « annuler », « corriger », a language
  switch...) leaves the slot empty, so the form is rejected, the rule answers, and the form asks
  its question again;
- anything else gets a short hint saying what kind of answer is expected, then the question again.
"""

from __future__ import annotations

import itertools
import logging
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions import parsing as answers
from bot.text import fold, words

logger = logging.getLogger(__name__)

REQUESTED_SLOT = "requested_slot"
CONSENT_SLOT = "health_consent"
CONSENT_AT_SLOT = "consent_at"
CORRECTING_SLOT = "correcting"
CORRECTION_TARGET_SLOT = "correction_target"

# Intents the rules handle inside any form (data/rules/eligibility.yml).
DIGRESSION_INTENTS = frozenset({"faq", "emergency", "medical_advice", "cancel", "correct", "switch_language"})
# Digressions that win even over a message that also reads as an answer (« non, annuler »).
STOPPING_INTENTS = frozenset({"emergency", "cancel", "correct"})
# A message the model could not read: a name-like one holding a greeting (« Joy Hello ») is
# confirmed before it is kept, as if the model had read the greeting.
FALLBACK_INTENT = "nlu_fallback"
# An open answer (a name) this long is more likely a question asked in passing.
MAX_NAME_WORDS = 5
# Intents that are surely not an answer to an open question such as « your name? ».
CHAT_INTENTS = frozenset(
    {"greet", "goodbye", "thank", "help", "bot_challenge", "how_are_you", "request_human", "eligibility"}
)

# Small talk in the middle of the questions gets its usual answer, then the question again.
CHAT_REPLIES = {"bot_challenge": "utter_bot_challenge", "how_are_you": "utter_how_are_you"}


def looks_like_an_answer_with_common_words(text: str) -> bool:
    """Whether ``text`` may be a name that holds a common word: two words or more, one of them
    capitalised as names are written (« Claude Bonjour », "Guy Merci"; not « merci beaucoup »)."""
    written = text.split()
    return 2 <= len(written) <= MAX_NAME_WORDS and any(word[:1].isupper() for word in written)


@dataclass(frozen=True)
class Reask:
    """A message that is not a valid answer, with the hint to send before asking again."""

    response: str


@dataclass(frozen=True)
class Question:
    """One question of a form: the slot it fills and how an answer is read.

    Attributes:
        slot: The slot the answer goes into.
        parse: Reads one message; returns the answer's value, ``None`` when the message is not
            an answer, or a ``Reask`` naming a more precise hint.
        reask: The hint sent when the message is not an answer (and not a digression).
        open_answer: True when almost any text is a valid answer (a name): the message's intent
            is then checked before the parser, so « annuler » is never taken as a name.
        confirm_slot: For an open answer, the slot that keeps an answer that reads like small
            talk (« Claude Bonjour », "Pat Phone") while the person is asked to confirm it,
            instead of refusing it; ``None`` refuses it.
    """

    slot: str
    parse: Callable[[str], Any]
    reask: str
    open_answer: bool = False
    confirm_slot: str | None = None


# Consent must be express: a short, unconditional yes. A yes or no with a condition
# (« oui mais... ») is asked again; any other negation is a refusal (the safe reading).
_NEGATIONS = frozenset({"non", "no", "pas", "not", "nope", "jamais", "never", "refuse", "decline", "nothing", "rien"})
_CONDITIONS = frozenset({"mais", "but", "sauf", "except", "unless", "si", "if", "seulement", "only"})
_ACCEPT = frozenset(
    {"j'accepte", "accepte", "i agree", "agree", "i accept", "accept", "i consent", "je consens", "consens"}
)
_MAX_CONSENT_WORDS = 6


def parse_consent(text: str) -> bool | None:
    """Reads an express yes or a no to the consent question; anything else is asked again."""
    consent_words = words(text)
    if any(word in _CONDITIONS for word in consent_words) or len(consent_words) > _MAX_CONSENT_WORDS:
        return None
    if any(word in _NEGATIONS for word in consent_words):
        return False
    phrase = " ".join(consent_words)
    if any(word in _ACCEPT for word in consent_words) or any(accept in phrase for accept in _ACCEPT if " " in accept):
        return True
    if len(phrase) < 2:
        return None
    return answers.parse_yes_no(text)


CONSENT_QUESTION = Question(CONSENT_SLOT, parse_consent, "utter_reask_yes_no")

# Answers a person can change in passing (« non, j'habite en Ontario »).
DIRECT_CORRECTIONS = ("residence", "problem", "contact_details")
# Vague answers (« autre / je ne sais pas ») never replace an earlier one in passing.
VAGUE_ANSWERS = frozenset({"other"})
# Words that say an earlier answer is being changed, even when the message also answers the
# question asked (« oui, pour ma hernie » is an answer; « non attendez, j'habite en Ontario » is
# a correction).
_CORRECTION_CUE = re.compile(
    r"\b(en fait|finalement|plutot|trompee?|erreur|attends|attendez|actually|instead|i meant|mistake|wrong|wait|oups|oops)\b"
)

# Slots whose answer only makes sense with another one: correcting the first asks both again.
DEPENDENT_SLOTS: Mapping[str, tuple[str, ...]] = {
    "residence": ("work_injury",),
    "treatments": ("treatment_months",),
    "problem": ("previous_surgery",),
}


def correction_events(target: str) -> list[EventType]:
    """Return the events that make the form ask ``target`` (and what depends on it) again."""
    slots = (target, *DEPENDENT_SLOTS.get(target, ()))
    return [SlotSet(name, None) for name in slots] + [
        SlotSet(CORRECTING_SLOT, None),
        SlotSet(CORRECTION_TARGET_SLOT, None),
    ]


def latest_intent(tracker: Tracker) -> str | None:
    """Return the intent of the latest message, if any."""
    return (tracker.latest_message.get("intent") or {}).get("name")


class QuestionnaireValidation(FormValidationAction, ABC):
    """Validation action of a form whose questions are read by ``Question`` parsers."""

    digressions: frozenset[str] = DIGRESSION_INTENTS

    @abstractmethod
    def questions(self) -> Mapping[str, Question]:
        """The form's questions, by slot."""

    @abstractmethod
    def slots_to_ask(self, slots: Mapping[str, Any]) -> list[str]:
        """The slots this form asks, in order, given the answers so far."""

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        """The slots still relevant, with the choice of an answer to correct first if asked."""
        slots = tracker.current_slot_values()
        asked = self.slots_to_ask(slots)
        if slots.get(CORRECTING_SLOT):
            return [CORRECTION_TARGET_SLOT, *asked]
        return asked

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Reads the latest message as the answer to the question being asked."""
        requested = tracker.get_slot(REQUESTED_SLOT)
        if not self._is_reply_to_question(tracker):
            return []
        if requested == CORRECTION_TARGET_SLOT:
            return self._read_correction_target(dispatcher, tracker)
        question = self.questions().get(requested)
        if question is None:
            return []
        return self._read_answer(question, dispatcher, tracker)

    def _is_reply_to_question(self, tracker: Tracker) -> bool:
        """True when the form runs right after the person's message, not after a digression.

        Rasa calls this action again when the form comes back after a rule (a FAQ answered,
        a correction): the latest message was then already handled and must not be read twice.
        """
        if tracker.active_loop_name != self.form_name():
            return False
        since_message = itertools.takewhile(lambda event: event.get("event") != "user", reversed(tracker.events))
        actions = [event.get("name") for event in since_message if event.get("event") == "action"]
        return actions == [self.form_name()]

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """Reads the answer, then names the next question (or none: the form is done).

        Reading an answer validates it, so there is no separate validation step; slots set by
        the domain's global mappings this turn (the language) are not echoed back, so a FAQ
        asked in another language still rejects the form and gets its answer.
        """
        events = await self.get_extraction_events(dispatcher, tracker, domain)
        tracker.add_slots(events)
        known = self.known_answer_events(dispatcher, tracker)
        tracker.add_slots(known)
        events += known
        next_slot = await self.next_requested_slot(dispatcher, tracker, domain)
        return events + ([next_slot] if next_slot else [])

    def known_answer_events(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        """Answers the form already knows without asking (none by default), read after the message."""
        return []

    def answer_events(self, question: Question, value: Any, tracker: Tracker) -> list[EventType]:
        """The events for a valid answer (with the time of a consent); forms may add more."""
        events: list[EventType] = [SlotSet(question.slot, value)]
        if question.slot == CONSENT_SLOT and value is True:
            events.append(SlotSet(CONSENT_AT_SLOT, datetime.now(UTC).isoformat()))
        return events

    def _read_answer(self, question: Question, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        text = tracker.latest_message.get("text") or ""
        intent = latest_intent(tracker)
        if intent in self.digressions and (
            intent in STOPPING_INTENTS or "?" in text or (question.open_answer and len(words(text)) > MAX_NAME_WORDS)
        ):
            return []
        unread_greeting = intent == FALLBACK_INTENT and answers.holds_a_greeting(text)
        if question.open_answer and (intent in CHAT_INTENTS or unread_greeting):
            doubtful = question.parse(text) if looks_like_an_answer_with_common_words(text) else None
            if question.confirm_slot and isinstance(doubtful, str):
                return [SlotSet(question.confirm_slot, doubtful)]
            return self._reask(CHAT_REPLIES.get(intent, question.reask), question.slot, dispatcher)
        reading = question.parse(text)
        answered = reading is not None and not isinstance(reading, Reask)
        if not answered or _CORRECTION_CUE.search(fold(text)):
            # « non attendez, j'habite en Ontario »: the residence changes, the question comes back.
            corrected = self.direct_correction(tracker, text, dispatcher)
            if corrected:
                return corrected
        if answered:
            return self.answer_events(question, reading, tracker)
        if intent in self.digressions:
            return []
        hint = reading.response if isinstance(reading, Reask) else CHAT_REPLIES.get(intent, question.reask)
        return self._reask(hint, question.slot, dispatcher)

    def direct_correction(self, tracker: Tracker, text: str, dispatcher: CollectingDispatcher) -> list[EventType]:
        """Changes an earlier answer given again in ``text``, if there is one, and says so.

        « non, j'habite en Ontario » while another question is asked: only answers whose
        parsers accept nothing but what clearly belongs to them are looked for.

        Returns:
            The events of the correction, or none when ``text`` corrects nothing.
        """
        for slot in DIRECT_CORRECTIONS:
            question = self.questions().get(slot)
            current = tracker.get_slot(slot)
            if question is None or current is None:
                continue
            value = question.parse(text)
            if value is not None and not isinstance(value, Reask) and value not in VAGUE_ANSWERS and value != current:
                dispatcher.utter_message(response="utter_correction_done")
                cleared = [SlotSet(name, None) for name in DEPENDENT_SLOTS.get(slot, ())]
                return cleared + self.answer_events(question, value, tracker)
        return []

    def chosen_correction(self, target: str, dispatcher: CollectingDispatcher) -> list[EventType]:
        """The events for the answer picked with the « corriger » buttons: it is asked again."""
        if target in self.questions():
            return correction_events(target)
        dispatcher.utter_message(response="utter_cannot_correct_here")
        return [SlotSet(CORRECTING_SLOT, None), SlotSet(CORRECTION_TARGET_SLOT, None)]

    def _read_correction_target(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        target = tracker.get_slot(CORRECTION_TARGET_SLOT)
        if target is not None:
            return self.chosen_correction(target, dispatcher)
        if latest_intent(tracker) in self.digressions - {"correct"}:
            return []
        return [SlotSet(CORRECTING_SLOT, None), SlotSet(CORRECTION_TARGET_SLOT, None)]

    @staticmethod
    def _reask(response: str, slot: str, dispatcher: CollectingDispatcher) -> list[EventType]:
        logger.debug("Not an answer to %s: re-asking with %s", slot, response)
        dispatcher.utter_message(response=response)
        # Setting the slot (to nothing) tells the form the turn was handled: it asks again.
        return [SlotSet(slot, None)]
