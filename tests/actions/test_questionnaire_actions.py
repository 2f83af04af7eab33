"""The questionnaire's actions on trackers: answers read, digressions, outcome, cancel, correct."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from rasa_sdk.events import ActiveLoop, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions.eligibility import (
    ActionEligibilityOutcome,
    ActionStartEligibility,
    ValidateEligibilityForm,
    assess,
    eligibility_slots,
)
from actions.form_control import ActionCancelForm, ActionCorrectAnswer
from actions.handoff import ActionRequestHuman, ValidateContactForm, contact_slots, transcript
from actions.leads import live
from actions.leads.database import get_engine
from actions.leads.models import LiveConversation
from actions.leads.policy import CONSENT_VERSION, RETENTION_DAYS
from actions.leads.settings import LeadSettings
from actions.questionnaire import parse_consent
from tests.support.trackers import make_tracker
from tools.content import response_text

DOMAIN = {"forms": {}}
CANDIDATE = {
    "health_consent": True,
    "red_flags": False,
    "residence": "quebec",
    "problem": "herniated_disc",
    "symptom_months": 8.0,
    "treatments": ["physiotherapy", "osteopathy"],
    "treatment_months": 5.0,
    "imaging": True,
    "previous_surgery": False,
    "work_injury": True,
    "serious_conditions": False,
    "companion": True,
}


def responses(dispatcher: CollectingDispatcher) -> list[str]:
    return [message["response"] for message in dispatcher.messages]


def form_turn(
    form: str, requested: str, text: str, intent: str, slots: dict[str, Any] | None = None, after: str | None = None
):
    """The tracker the form's validation action receives after a message (or after a rule)."""
    message = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []}
    actions = ([after] if after else []) + [form]
    return make_tracker(
        slots={"requested_slot": requested, **(slots or {})},
        events=[{"event": "user", **message}] + [{"event": "action", "name": name} for name in actions],
        latest_message=message,
        active_loop=form,
        latest_action_name=form,
    )


async def run(action, tracker):
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, DOMAIN)
    return dispatcher, events


def slot_events(events) -> dict[str, Any]:
    return {event["name"]: event["value"] for event in events if event.get("event") == "slot"}


# --- Which questions are asked ---------------------------------------------------------------


def test_nothing_but_consent_is_asked_without_a_yes():
    assert eligibility_slots({}) == ["health_consent"]
    assert eligibility_slots({"health_consent": False}) == ["health_consent"]


def test_a_red_flag_ends_the_questions():
    assert eligibility_slots({"health_consent": True, "red_flags": True}) == ["health_consent", "red_flags"]


def test_treatment_length_and_cnesst_are_asked_only_when_they_apply():
    asked = eligibility_slots({**CANDIDATE, "treatments": [], "residence": "other_province"})
    assert "treatment_months" not in asked and "work_injury" not in asked
    asked = eligibility_slots(CANDIDATE)
    assert asked[-3:] == ["work_injury", "serious_conditions", "companion"]
    assert "treatment_months" in asked


def test_contact_questions_follow_consent_and_the_wish_to_be_contacted():
    assert contact_slots({}) == ["health_consent"]
    assert contact_slots({"health_consent": True, "callback_wanted": False}) == ["health_consent", "callback_wanted"]
    assert contact_slots({"health_consent": True, "callback_wanted": True})[-3:] == [
        "contact_name",
        "contact_details",
        "callback_time",
    ]


@pytest.mark.parametrize(
    ("changes", "outcome"),
    [
        ({}, "candidate"),
        ({"treatment_months": 2.0}, "conservative_first"),
        ({"treatments": [], "treatment_months": None}, "conservative_first"),
        ({"treatment_months": 3.0}, "candidate"),
        ({"symptom_months": 2.0}, "conservative_first"),
        ({"red_flags": True}, "emergency"),
        ({"health_consent": False}, "consent_refused"),
    ],
)
def test_outcome_follows_the_documents_rule_of_three_months(changes, outcome):
    assert assess({**CANDIDATE, **changes}) == outcome


# --- Reading answers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("requested", "text", "intent", "expected"),
    [
        ("health_consent", "Oui, j'accepte", "affirm", True),
        ("health_consent", "No, I refuse", "deny", False),
        ("red_flags", "non", "deny", False),
        ("red_flags", "nope", "deny", False),
        ("residence", "à Laval", "inform", "quebec"),
        ("residence", "I live in Ottawa", "inform", "other_province"),
        ("problem", "hernie discale", "faq", "herniated_disc"),
        ("problem", "spinal stenosis", "inform", "stenosis"),
        ("symptom_months", "4 mois", "inform", 4),
        ("symptom_months", "two years", "inform", 24),
        ("treatments", "physio pis ostéo", "inform", ["physiotherapy", "osteopathy"]),
        ("treatments", "none", "deny", []),
        ("companion", "ouais", "affirm", True),
        ("companion", "yes", "affirm", True),
    ],
)
async def test_an_answer_is_read_whatever_the_intent(requested, text, intent, expected):
    _, events = await run(
        ValidateEligibilityForm(),
        form_turn(
            "eligibility_form",
            requested,
            text,
            intent,
            {"health_consent": True, "red_flags": False} if requested not in ("health_consent", "red_flags") else {},
        ),
    )
    assert slot_events(events)[requested] == expected


async def test_consent_records_its_time():
    _, events = await run(ValidateEligibilityForm(), form_turn("eligibility_form", "health_consent", "oui", "affirm"))
    assert slot_events(events)["consent_at"].startswith("20")


async def test_pain_after_surgery_answers_the_previous_surgery_question():
    slots = {"health_consent": True, "red_flags": False}
    _, events = await run(
        ValidateEligibilityForm(),
        form_turn("eligibility_form", "problem", "Pain after a previous back surgery", "inform", slots),
    )
    assert slot_events(events)["previous_surgery"] is True


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("combien coûte une IRM en France?", "faq"),
        ("how much is an MRI in France?", "faq"),
        ("annuler", "cancel"),
        ("cancel", "cancel"),
        ("je me suis trompé", "correct"),
        ("I made a mistake", "correct"),
    ],
)
async def test_a_digression_leaves_the_form_to_the_rules(text, intent):
    slots = {"health_consent": True, "red_flags": False}
    dispatcher, events = await run(
        ValidateEligibilityForm(), form_turn("eligibility_form", "imaging", text, intent, slots)
    )
    assert "imaging" not in slot_events(events)
    assert dispatcher.messages == []


@pytest.mark.parametrize("after", ["utter_faq", "action_correct_answer"])
async def test_a_message_is_not_read_again_when_the_form_comes_back_after_a_rule(after):
    dispatcher, events = await run(
        ValidateEligibilityForm(),
        form_turn("eligibility_form", "companion", "oui", "affirm", CANDIDATE | {"companion": None}, after),
    )
    assert dispatcher.messages == [] and "companion" not in slot_events(events)


@pytest.mark.parametrize(
    ("requested", "text", "hint"),
    [
        ("symptom_months", "longtemps", "utter_reask_duration"),
        ("symptom_months", "a long time", "utter_reask_duration"),
        ("residence", "chez nous", "utter_reask_residence"),
        ("residence", "at home", "utter_reask_residence"),
        ("companion", "🙂", "utter_reask_yes_no"),
        ("companion", "x" * 2000, "utter_reask_yes_no"),
    ],
)
async def test_a_message_that_is_no_answer_gets_a_hint_and_the_question_again(requested, text, hint):
    slots = {**CANDIDATE, requested: None}
    dispatcher, events = await run(
        ValidateEligibilityForm(), form_turn("eligibility_form", requested, text, "nlu_fallback", slots)
    )
    assert responses(dispatcher) == [hint]
    assert slot_events(events)[requested] is None
    assert slot_events(events)["requested_slot"] == requested


async def test_the_form_ends_after_a_refused_consent():
    _, events = await run(ValidateEligibilityForm(), form_turn("eligibility_form", "health_consent", "non", "deny"))
    assert slot_events(events) == {"health_consent": False, "requested_slot": None}


@pytest.mark.parametrize(
    ("text", "intent"), [("annuler", "cancel"), ("stop", "cancel"), ("bonjour", "greet"), ("hello", "greet")]
)
async def test_a_name_is_never_taken_from_a_request_or_a_greeting(text, intent):
    slots = {"health_consent": True, "callback_wanted": True}
    _, events = await run(ValidateContactForm(), form_turn("contact_form", "contact_name", text, intent, slots))
    assert slot_events(events).get("contact_name") is None


NAMES_WITH_COMMON_WORDS = [
    ("Claude Bonjour", "greet"),
    ("Guy Merci", "thank"),
    ("Pat Phone", "request_human"),
    ("Hilaire Salut", "greet"),
    ("Joy Hello", "greet"),
    ("Grace Thanks", "thank"),
    # The model could not read it, but it holds a greeting: confirmed too.
    ("Joy Hello", "nlu_fallback"),
    ("Claude Bonjour", "nlu_fallback"),
]


@pytest.mark.parametrize(("text", "intent"), NAMES_WITH_COMMON_WORDS)
async def test_a_real_name_with_a_common_word_is_asked_to_be_confirmed_not_refused(text, intent):
    slots = {"health_consent": True, "callback_wanted": True}
    dispatcher, events = await run(
        ValidateContactForm(), form_turn("contact_form", "contact_name", text, intent, slots)
    )
    assert slot_events(events) == {"name_to_confirm": text, "requested_slot": "name_confirmed"}
    assert responses(dispatcher) == []


@pytest.mark.parametrize(("answer", "intent"), [("oui", "affirm"), ("yes", "affirm"), ("c'est ça", "affirm")])
async def test_a_confirmed_name_becomes_the_name_and_the_next_question_comes(answer, intent):
    slots = {"health_consent": True, "callback_wanted": True, "name_to_confirm": "Claude Bonjour"}
    _, events = await run(ValidateContactForm(), form_turn("contact_form", "name_confirmed", answer, intent, slots))
    assert slot_events(events) == {
        "contact_name": "Claude Bonjour",
        "name_to_confirm": None,
        "name_confirmed": None,
        "requested_slot": "contact_details",
    }


@pytest.mark.parametrize(("answer", "intent"), [("non", "deny"), ("no", "deny")])
async def test_a_denied_name_is_asked_for_again(answer, intent):
    slots = {"health_consent": True, "callback_wanted": True, "name_to_confirm": "Merci Beaucoup"}
    _, events = await run(ValidateContactForm(), form_turn("contact_form", "name_confirmed", answer, intent, slots))
    assert slot_events(events) == {
        "contact_name": None,
        "name_to_confirm": None,
        "name_confirmed": None,
        "requested_slot": "contact_name",
    }


@pytest.mark.parametrize(("text", "intent"), [("merci beaucoup", "thank"), ("Merci", "thank"), ("bonjour!", "greet")])
async def test_plain_small_talk_is_still_not_a_name(text, intent):
    slots = {"health_consent": True, "callback_wanted": True}
    _, events = await run(ValidateContactForm(), form_turn("contact_form", "contact_name", text, intent, slots))
    assert "name_to_confirm" not in slot_events(events)
    assert slot_events(events).get("contact_name") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<b>Robert</b>'); DROP TABLE leads;--", "<b>Robert</b>'); DROP TABLE leads;--"),
        ("Marie-Ève Tremblay", "Marie-Ève Tremblay"),
        ("my name is Kevin O'Brien", "Kevin O'Brien"),
    ],
)
async def test_a_name_is_kept_as_plain_text(text, expected):
    slots = {"health_consent": True, "callback_wanted": True}
    _, events = await run(ValidateContactForm(), form_turn("contact_form", "contact_name", text, "inform", slots))
    assert slot_events(events)["contact_name"] == expected


@pytest.mark.parametrize(
    ("text", "expected", "hint"),
    [
        ("514 555-0199", {"email": None, "phone": "+15145550199"}, None),
        ("jean.tremblay@example.ca", {"email": "jean.tremblay@example.ca", "phone": None}, None),
        ("jean@@example", None, "utter_reask_invalid_email"),
        ("514-555-CALL", None, "utter_reask_invalid_phone"),
        ("je sais pas", None, "utter_reask_missing_contact"),
        ("I don't know", None, "utter_reask_missing_contact"),
    ],
)
async def test_contact_details_are_validated_and_normalised(text, expected, hint):
    slots = {"health_consent": True, "callback_wanted": True, "contact_name": "Marie"}
    dispatcher, events = await run(
        ValidateContactForm(), form_turn("contact_form", "contact_details", text, "inform", slots)
    )
    assert slot_events(events)["contact_details"] == expected
    assert responses(dispatcher) == ([hint] if hint else [])


def whatsapp_turn(
    text: str, slots: dict[str, Any], requested: str, phone: str | None = "+15145550123", history=(), channel="whatsapp"
):
    """A contact-form turn whose message came with the channel's phone number in its metadata."""
    tracker = form_turn("contact_form", requested, text, "inform", slots)
    if phone is not None:
        tracker.latest_message["metadata"] = {"phone": phone}
    tracker.events[0]["input_channel"] = channel
    tracker.events[:0] = list(history)
    return tracker


async def test_the_channel_s_phone_number_is_used_instead_of_asking_for_it():
    slots = {"health_consent": True, "callback_wanted": True}
    dispatcher, events = await run(ValidateContactForm(), whatsapp_turn("Marie Tremblay", slots, "contact_name"))
    assert slot_events(events)["contact_name"] == "Marie Tremblay"
    assert slot_events(events)["contact_details"] == {"email": None, "phone": "+15145550123"}
    assert slot_events(events)["requested_slot"] == "callback_time"
    assert dispatcher.messages[0]["response"] == "utter_contact_phone_from_channel"
    assert dispatcher.messages[0]["phone"] == "+15145550123"


@pytest.mark.parametrize("phone", [None, "", "not a number", "123"])
async def test_without_a_valid_channel_number_the_contact_details_are_asked(phone):
    slots = {"health_consent": True, "callback_wanted": True}
    dispatcher, events = await run(ValidateContactForm(), whatsapp_turn("Marie Tremblay", slots, "contact_name", phone))
    assert "contact_details" not in slot_events(events)
    assert slot_events(events)["requested_slot"] == "contact_details"
    assert responses(dispatcher) == []


@pytest.mark.parametrize("channel", ["socketio", "rest", "facebook", None])
async def test_a_phone_number_in_the_metadata_of_another_channel_is_not_believed(channel):
    slots = {"health_consent": True, "callback_wanted": True}
    _, events = await run(
        ValidateContactForm(), whatsapp_turn("Marie Tremblay", slots, "contact_name", channel=channel)
    )
    assert "contact_details" not in slot_events(events)
    assert slot_events(events)["requested_slot"] == "contact_details"


async def test_the_channel_s_number_is_not_used_before_consent_nor_twice():
    _, events = await run(ValidateContactForm(), whatsapp_turn("oui", {}, "health_consent"))
    assert "contact_details" not in slot_events(events)
    corrected = [
        {"event": "slot", "name": "contact_details", "value": {"email": None, "phone": "+15145550123"}},
        {"event": "slot", "name": "contact_details", "value": None},
    ]
    slots = {"health_consent": True, "callback_wanted": True}
    _, events = await run(ValidateContactForm(), whatsapp_turn("Marie", slots, "contact_name", history=corrected))
    assert "contact_details" not in slot_events(events)
    assert slot_events(events)["requested_slot"] == "contact_details"


# --- Outcome, hand-off, cancel and correct ------------------------------------------------


async def test_a_candidate_hears_the_next_steps_then_the_hand_off_starts():
    dispatcher, events = await run(ActionEligibilityOutcome(), make_tracker(slots=CANDIDATE))
    assert responses(dispatcher) == ["utter_outcome_candidate", "utter_outcome_cnesst"]
    assert SlotSet("outcome", "candidate") in events
    assert events[-1] == FollowupAction("contact_form")


async def test_conservative_treatment_first_still_offers_a_coordinator():
    dispatcher, events = await run(
        ActionEligibilityOutcome(), make_tracker(slots={**CANDIDATE, "treatment_months": 1.0})
    )
    assert responses(dispatcher) == ["utter_outcome_conservative_first"]
    assert events[-1] == FollowupAction("contact_form")


async def test_a_red_flag_answer_gives_the_emergency_message_and_keeps_nothing():
    slots = {"health_consent": True, "red_flags": True}
    dispatcher, events = await run(ActionEligibilityOutcome(), make_tracker(slots=slots))
    assert responses(dispatcher) == ["utter_emergency"]
    assert SlotSet("red_flags", None) in events
    assert not any(isinstance(event, dict) and event.get("event") == "followup" for event in events)


async def test_outpatient_criteria_and_imaging_are_explained_when_they_matter():
    slots = {**CANDIDATE, "companion": False, "imaging": False, "work_injury": False}
    dispatcher, _ = await run(ActionEligibilityOutcome(), make_tracker(slots=slots))
    assert responses(dispatcher) == [
        "utter_outcome_candidate",
        "utter_outcome_imaging",
        "utter_outcome_outpatient_criteria",
    ]


async def test_starting_again_forgets_answers_and_asks_a_refused_consent_again():
    dispatcher, events = await run(ActionStartEligibility(), make_tracker(slots={**CANDIDATE, "health_consent": False}))
    assert responses(dispatcher) == ["utter_start_eligibility"]
    assert SlotSet("residence", None) in events and SlotSet("health_consent", None) in events


async def test_asking_for_a_person_keeps_the_eligibility_outcome(tmp_path, monkeypatch):
    monkeypatch.setenv("SOS_DATA_DIR", str(tmp_path))
    _, events = await run(ActionRequestHuman(), make_tracker(slots={"outcome": "candidate"}))
    assert events == [SlotSet("callback_wanted", True)]
    _, events = await run(ActionRequestHuman(), make_tracker(slots={"outcome": None}))
    assert SlotSet("outcome", "human_requested") in events


async def test_asking_for_a_person_lists_the_conversation_for_the_coordinators(tmp_path, monkeypatch):
    monkeypatch.setenv("SOS_DATA_DIR", str(tmp_path))
    tracker = make_tracker(slots={"language": "en"})

    await run(ActionRequestHuman(), tracker)

    with Session(get_engine(LeadSettings.from_env().database_url), future=True) as db:
        (row,) = live.open_conversations(db, datetime.now(UTC), timedelta(minutes=15))
        found = db.get(LiveConversation, row.id)
        assert (found.conversation_id, row.language, row.waiting) == (tracker.sender_id, "en", True)


async def test_cancel_stops_the_form_and_forgets_the_answers():
    dispatcher, events = await run(ActionCancelForm(), make_tracker(slots=CANDIDATE, active_loop="eligibility_form"))
    assert responses(dispatcher) == ["utter_form_cancelled"]
    assert events[0] == ActiveLoop(None)
    assert SlotSet("problem", None) in events and SlotSet("contact_details", None) in events


async def test_correct_with_a_chosen_answer_asks_it_again_with_what_depends_on_it():
    tracker = make_tracker(slots={**CANDIDATE, "correction_target": "residence"}, active_loop="eligibility_form")
    _, events = await run(ActionCorrectAnswer(), tracker)
    assert SlotSet("residence", None) in events and SlotSet("work_injury", None) in events


@pytest.mark.parametrize(
    ("text", "slot", "value"),
    [
        ("je me suis trompé, j'habite en Ontario", "residence", "other_province"),
        ("sorry, I actually live in Toronto", "residence", "other_province"),
    ],
)
async def test_correct_with_the_new_answer_in_the_message(text, slot, value):
    tracker = make_tracker(
        slots=CANDIDATE, latest_message={"text": text, "intent": {"name": "correct"}}, active_loop="eligibility_form"
    )
    dispatcher, events = await run(ActionCorrectAnswer(), tracker)
    assert responses(dispatcher) == ["utter_correction_done"]
    assert SlotSet(slot, value) in events


@pytest.mark.parametrize("text", ["je veux corriger une réponse", "I want to change an answer"])
async def test_correct_without_a_target_lets_the_form_ask_which_one(text):
    tracker = make_tracker(
        slots=CANDIDATE, latest_message={"text": text, "intent": {"name": "correct"}}, active_loop="eligibility_form"
    )
    dispatcher, events = await run(ActionCorrectAnswer(), tracker)
    assert dispatcher.messages == []
    assert SlotSet("correcting", True) in events
    form_tracker = form_turn("eligibility_form", "companion", "", "affirm", {**CANDIDATE, "correcting": True})
    required = await ValidateEligibilityForm().required_slots([], CollectingDispatcher(), form_tracker, DOMAIN)
    assert required[0] == "correction_target"


@pytest.mark.parametrize("text", ["non attendez, j'habite en Ontario", "wait, I live in Ontario now"])
async def test_an_earlier_answer_given_again_in_passing_is_corrected(text):
    slots = {**CANDIDATE, "imaging": None}
    dispatcher, events = await run(
        ValidateEligibilityForm(), form_turn("eligibility_form", "imaging", text, "inform", slots)
    )
    assert responses(dispatcher) == ["utter_correction_done"]
    assert slot_events(events)["residence"] == "other_province"
    assert slot_events(events)["requested_slot"] == "imaging"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Oui, j'accepte", True),
        ("Yes, I agree", True),
        ("ouais", True),
        ("Non, je refuse", False),
        ("j'accepte pas", False),
        ("non j accepte pas", False),
        ("I accept nothing", False),
        ("oui mais pas le partage en France", None),
        ("yes but only in Canada", None),
        ("o", None),
    ],
)
def test_consent_is_an_express_unconditional_yes(text, expected):
    assert parse_consent(text) is expected


async def test_an_answer_with_a_mention_of_another_is_not_a_correction():
    slots = {**CANDIDATE, "problem": "stenosis", "imaging": None}
    dispatcher, events = await run(
        ValidateEligibilityForm(),
        form_turn("eligibility_form", "imaging", "oui, pour ma hernie discale", "affirm", slots),
    )
    assert dispatcher.messages == []
    assert slot_events(events)["imaging"] is True and "problem" not in slot_events(events)


async def test_moving_out_of_quebec_in_passing_forgets_the_cnesst_answer():
    slots = {**CANDIDATE, "companion": None}
    _, events = await run(
        ValidateEligibilityForm(),
        form_turn("eligibility_form", "companion", "wait, I live in Ontario", "inform", slots),
    )
    assert slot_events(events)["work_injury"] is None and slot_events(events)["residence"] == "other_province"


def test_the_transcript_forgets_what_came_before_a_cancel_or_a_new_session():
    events = [
        {"event": "user", "text": "j'ai une hernie", "timestamp": 1},
        {"event": "action", "name": "action_cancel_form"},
        {"event": "user", "text": "parler à quelqu'un", "timestamp": 2},
        {"event": "bot", "text": "Je peux demander...", "timestamp": 3, "data": {"buttons": [{"title": "Oui"}]}},
    ]
    lines = transcript(events)
    assert [(line.speaker, line.text) for line in lines] == [
        ("patient", "parler à quelqu'un"),
        ("assistant", "Je peux demander... [Oui]"),
    ]
    assert transcript([*events, {"event": "session_started"}]) == []


async def test_a_red_flag_stops_the_form_without_a_second_message():
    tracker = make_tracker(
        slots=CANDIDATE,
        latest_message={"text": "fièvre", "intent": {"name": "emergency"}},
        active_loop="eligibility_form",
    )
    dispatcher, events = await run(ActionCancelForm(), tracker)
    assert dispatcher.messages == [] and events[0] == ActiveLoop(None)


@pytest.mark.parametrize(("language", "months"), [("fr", "24 mois"), ("en", "24 months")])
def test_the_consent_text_states_the_stored_version_and_the_retention(language, months):
    text = response_text("utter_ask_health_consent", language)
    assert CONSENT_VERSION in text
    assert months in text and round(RETENTION_DAYS / 30.4) == 24
    assert ("France" in text) and ("Québec" in text or "Quebec" in text)


@pytest.mark.parametrize(("text", "intent"), [("Ana Lopez", "faq"), ("Jean-Guy Côté", "medical_advice")])
async def test_a_short_name_is_taken_whatever_the_classifier_thought(text, intent):
    slots = {"health_consent": True, "callback_wanted": True}
    _, events = await run(ValidateContactForm(), form_turn("contact_form", "contact_name", text, intent, slots))
    assert slot_events(events)["contact_name"] == text


@pytest.mark.parametrize(
    "text", ["combien coûte une chirurgie du dos en France", "how much does back surgery cost in France"]
)
async def test_a_question_asked_instead_of_a_name_is_answered_first(text):
    slots = {"health_consent": True, "callback_wanted": True}
    _, events = await run(ValidateContactForm(), form_turn("contact_form", "contact_name", text, "faq", slots))
    assert "contact_name" not in slot_events(events)


@pytest.mark.parametrize("name", ["Ana Lopez", "Marie-Ève Tremblay"])
async def test_an_unread_plain_name_is_kept_without_confirmation(name):
    slots = {"health_consent": True, "callback_wanted": True}
    _, events = await run(ValidateContactForm(), form_turn("contact_form", "contact_name", name, "nlu_fallback", slots))
    assert slot_events(events).get("contact_name") == name


def test_the_transcript_names_a_coordinator_who_took_the_conversation_over():
    events = [
        {"event": "user", "text": "un humain svp", "timestamp": 1},
        {"event": "bot", "text": "Un coordonnateur se joint", "timestamp": 2, "metadata": {"utter_action": "x"}},
        {"event": "bot", "text": "Bonjour, ici Claire", "timestamp": 3, "metadata": {"sos_coordinator": "claire"}},
    ]

    assert [line.speaker for line in transcript(events)] == ["patient", "assistant", "coordinator"]
