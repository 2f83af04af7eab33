"""The eligibility questionnaire: consent, red-flag screen, the questions and an honest outcome.

The rules come from the documents: at least 3 to 6 months of conservative treatment before any
surgery (000, 001, 004), surgery is never the first step (001), and outpatient surgery needs
someone to bring the patient home and no severe general illness (001). The assistant never
promises surgery or reimbursement: the outcome is « conservative treatment first » or « a file
that can be evaluated », and the evaluation itself is the surgeons' job.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import parsing as answers
from actions.questionnaire import CONSENT_QUESTION, CONSENT_SLOT, Question, QuestionnaireValidation

EASTERN = ZoneInfo("America/Toronto")
MIN_CONSERVATIVE_MONTHS = 3

OUTCOME_SLOT = "outcome"
CALLBACK_WANTED_SLOT = "callback_wanted"

# The answers of the questionnaire, in the order they are asked.
ANSWER_SLOTS = (
    "red_flags",
    "residence",
    "problem",
    "symptom_months",
    "treatments",
    "treatment_months",
    "imaging",
    "previous_surgery",
    "work_injury",
    "serious_conditions",
    "companion",
)


def today_eastern() -> date:
    """Today's date where the patients and the team are."""
    return datetime.now(EASTERN).date()


def parse_duration(text: str) -> float | None:
    """Reads a duration in months, counted to today (« 4 mois », « since March »)."""
    return answers.parse_duration_months(text, today_eastern())


ELIGIBILITY_QUESTIONS: Mapping[str, Question] = {
    question.slot: question
    for question in (
        CONSENT_QUESTION,
        Question("red_flags", answers.parse_yes_no, "utter_reask_yes_no"),
        Question("residence", answers.parse_residence, "utter_reask_residence"),
        Question("problem", answers.parse_problem, "utter_reask_problem"),
        Question("symptom_months", parse_duration, "utter_reask_duration"),
        Question("treatments", answers.parse_treatments, "utter_reask_treatments"),
        Question("treatment_months", parse_duration, "utter_reask_duration"),
        Question("imaging", answers.parse_imaging, "utter_reask_yes_no"),
        Question("previous_surgery", answers.parse_yes_no, "utter_reask_yes_no"),
        Question("work_injury", answers.parse_yes_no, "utter_reask_yes_no"),
        Question("serious_conditions", answers.parse_yes_no, "utter_reask_yes_no"),
        Question("companion", answers.parse_yes_no, "utter_reask_yes_no"),
    )
}


def eligibility_slots(slots: Mapping[str, Any]) -> list[str]:
    """The questions to ask, in order, given the answers so far.

    No consent: nothing else is asked. A red flag ends the questions. The length of treatment
    is asked only when there was a treatment, the CNESST question only to Quebec residents.
    """
    asked = [CONSENT_SLOT]
    if slots.get(CONSENT_SLOT) is not True:
        return asked
    asked.append("red_flags")
    if slots.get("red_flags") is not False:
        return asked
    asked += ["residence", "problem", "symptom_months", "treatments"]
    if slots.get("treatments"):
        asked.append("treatment_months")
    asked += ["imaging", "previous_surgery"]
    if slots.get("residence") == "quebec":
        asked.append("work_injury")
    asked += ["serious_conditions", "companion"]
    return asked


def assess(slots: Mapping[str, Any]) -> str:
    """The outcome of a completed questionnaire.

    Returns:
        ``consent_refused``, ``emergency``, ``conservative_first`` (less than 3 months of
        conservative treatment) or ``candidate`` (a file that can be evaluated).
    """
    if slots.get(CONSENT_SLOT) is not True:
        return "consent_refused"
    if slots.get("red_flags") is not False:
        return "emergency"
    months = (slots.get("treatment_months") or 0) if slots.get("treatments") else 0
    # Treatment cannot have lasted longer than the symptoms it treats.
    months = min(months, slots.get("symptom_months") or months)
    if months < MIN_CONSERVATIVE_MONTHS:
        return "conservative_first"
    return "candidate"


# Outcomes after which a coordinator can follow up (the hand-off is offered).
FOLLOW_UP_OUTCOMES = ("candidate", "conservative_first")
OUTCOME_RESPONSES = {
    "candidate": "utter_outcome_candidate",
    "conservative_first": "utter_outcome_conservative_first",
}


def outcome_responses(outcome: str, slots: Mapping[str, Any]) -> list[str]:
    """The responses that tell a person their outcome, with what the documents add."""
    if outcome == "consent_refused":
        return ["utter_consent_refused"]
    if outcome == "emergency":
        return ["utter_emergency"]
    responses = [OUTCOME_RESPONSES[outcome]]
    if outcome == "candidate":
        if slots.get("work_injury") and slots.get("residence") == "quebec":
            responses.append("utter_outcome_cnesst")
        if slots.get("imaging") is False:
            responses.append("utter_outcome_imaging")
        if slots.get("companion") is False or slots.get("serious_conditions"):
            responses.append("utter_outcome_outpatient_criteria")
    if slots.get("residence") == "outside_canada":
        responses.append("utter_outcome_outside_canada")
    return responses


def cleared_answers() -> list[EventType]:
    """Events that forget every answer of the questionnaire."""
    return [SlotSet(name, None) for name in ANSWER_SLOTS]


class ValidateEligibilityForm(QuestionnaireValidation):
    """Reads the answers of ``eligibility_form``."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "validate_eligibility_form"

    digressions = QuestionnaireValidation.digressions | {"request_human"}

    def questions(self) -> Mapping[str, Question]:
        """The questionnaire, by slot."""
        return ELIGIBILITY_QUESTIONS

    def slots_to_ask(self, slots: Mapping[str, Any]) -> list[str]:
        """See ``eligibility_slots``."""
        return eligibility_slots(slots)

    def answer_events(self, question: Question, value: Any, tracker: Tracker) -> list[EventType]:
        """Pain after a spine surgery means a previous surgery: that question is not asked."""
        events = super().answer_events(question, value, tracker)
        if question.slot == "problem" and value == "failed_back_surgery":
            events.append(SlotSet("previous_surgery", True))
        return events


class ActionStartEligibility(Action):
    """Starts the questionnaire afresh (a refused consent is asked again)."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_start_eligibility"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """Says what is coming and forgets earlier answers."""
        dispatcher.utter_message(response="utter_start_eligibility")
        events = cleared_answers() + [SlotSet(OUTCOME_SLOT, None)]
        if tracker.get_slot(CONSENT_SLOT) is False:
            events.append(SlotSet(CONSENT_SLOT, None))
        return events


class ActionEligibilityOutcome(Action):
    """Tells the outcome and, for a file that can go on, offers the hand-off."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_eligibility_outcome"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """Sends the outcome, then starts ``contact_form`` when a coordinator can follow up."""
        slots = tracker.current_slot_values()
        outcome = assess(slots)
        for response in outcome_responses(outcome, slots):
            dispatcher.utter_message(response=response)
        events: list[EventType] = [SlotSet(OUTCOME_SLOT, outcome)]
        if outcome == "emergency":
            return events + cleared_answers()
        if outcome in FOLLOW_UP_OUTCOMES:
            events += [SlotSet(CALLBACK_WANTED_SLOT, None), FollowupAction("contact_form")]
        return events
