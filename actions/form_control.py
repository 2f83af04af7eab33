"""Stopping a form (« annuler ») and correcting an earlier answer (« corriger »)."""

from __future__ import annotations

from collections.abc import Mapping

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.eligibility import OUTCOME_SLOT, ValidateEligibilityForm, cleared_answers
from actions.handoff import CONTACT_STATE_SLOTS, ValidateContactForm
from actions.questionnaire import (
    CORRECTING_SLOT,
    CORRECTION_TARGET_SLOT,
    REQUESTED_SLOT,
    QuestionnaireValidation,
)

FORMS: Mapping[str, QuestionnaireValidation] = {
    "eligibility_form": ValidateEligibilityForm(),
    "contact_form": ValidateContactForm(),
}


class ActionCancelForm(Action):
    """Stops the questions and forgets the answers given so far."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_cancel_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """Deactivates the form and clears its answers (silently after the 911 answer)."""
        if (tracker.latest_message.get("intent") or {}).get("name") != "emergency":
            dispatcher.utter_message(response="utter_form_cancelled")
        return [
            ActiveLoop(None),
            SlotSet(REQUESTED_SLOT, None),
            SlotSet(OUTCOME_SLOT, None),
            SlotSet(CORRECTING_SLOT, None),
            SlotSet(CORRECTION_TARGET_SLOT, None),
            *cleared_answers(),
            *(SlotSet(name, None) for name in CONTACT_STATE_SLOTS),
        ]


class ActionCorrectAnswer(Action):
    """Changes an earlier answer: named by a button, given in the message, or asked for."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_correct_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """Clears the answer to ask it again, sets the new one, or asks which one to change."""
        form = FORMS.get(tracker.active_loop_name or "")
        if form is None:
            dispatcher.utter_message(response="utter_nothing_to_correct")
            return []
        target = tracker.get_slot(CORRECTION_TARGET_SLOT)
        if target is not None:
            return form.chosen_correction(target, dispatcher)
        corrected = form.direct_correction(tracker, tracker.latest_message.get("text") or "", dispatcher)
        if corrected:
            return corrected
        # The form asks which answer to change (its buttons), then asks that question again.
        return [SlotSet(CORRECTING_SLOT, True), SlotSet(CORRECTION_TARGET_SLOT, None)]
