"""The eligibility questions and the hand-off, through a real Rasa server and action server.

Every path runs in French and in English, against the embedded SQLite default, against a
real PostgreSQL server, and in the deployment set-up: PostgreSQL for the leads, two Rasa
server processes sharing the conversations through a real Redis server (every request opens
its own connection, so a turn may go to either process; ``tests/e2e/test_scaled_server.py``
loads both at once so that they do). One test stops
PostgreSQL in the middle of the conversation.
"""

from __future__ import annotations

import uuid

import pytest

from actions.leads.models import Lead
from actions.leads.settings import LeadSettings
from tests.support.lead_rows import leads_where
from tests.support.postgres import PostgresServer, postgres_or_skip
from tests.support.stack import server_env
from tools.content import LANGUAGES, normalise, response_text, text_index, training_examples
from tools.stack import RasaStack

pytestmark = pytest.mark.server

START = {"fr": "je veux savoir si je suis admissible", "en": "I'd like to know if I qualify"}
YES = {"fr": "Oui", "en": "Yes"}
NO = {"fr": "Non", "en": "No"}
CONSENT = {"fr": "Oui, j'accepte", "en": "Yes, I agree"}
REFUSE = {"fr": "Non, je refuse", "en": "No, I refuse"}


def up_to_treatments(language: str) -> list[tuple[str, list[str]]]:
    """The turns from the start to the question on treatments, answered as a Quebecer would."""
    fr = language == "fr"
    return [
        (START[language], ["utter_start_eligibility", "utter_ask_health_consent"]),
        (CONSENT[language], ["utter_ask_red_flags"]),
        (NO[language], ["utter_ask_residence"]),
        ("à Laval" if fr else "I live in Montreal", ["utter_ask_problem"]),
        ("hernie discale" if fr else "herniated disc", ["utter_ask_symptom_months"]),
        ("ça fait 8 mois" if fr else "about 8 months", ["utter_ask_treatments"]),
    ]


def candidate_to_contact(language: str) -> list[tuple[str, list[str]]]:
    """A candidate's questionnaire, up to the offer of a coordinator."""
    fr = language == "fr"
    return up_to_treatments(language) + [
        ("physio pis ostéo" if fr else "physio and osteopathy", ["utter_ask_treatment_months"]),
        ("5 mois" if fr else "5 months", ["utter_ask_imaging"]),
        (YES[language], ["utter_ask_previous_surgery"]),
        (NO[language], ["utter_ask_work_injury"]),
        ("ouais" if fr else "yep", ["utter_ask_serious_conditions"]),
        ("non" if fr else "nope", ["utter_ask_companion"]),
        (YES[language], ["utter_outcome_candidate", "utter_outcome_cnesst", "utter_ask_callback_wanted"]),
    ]


def contact_details(language: str, email: str, name: str = "Marie Tremblay") -> list[tuple[str, list[str]]]:
    """Consent already given: yes to a call, then name, contact details and time."""
    return [
        (YES[language], ["utter_ask_contact_name"]),
        (name, ["utter_ask_contact_details"]),
        (f"{email} ou 514 555-0199" if language == "fr" else f"{email} or 514 555-0199", ["utter_ask_callback_time"]),
        ("Le matin" if language == "fr" else "Morning", ["utter_handoff_done"]),
    ]


def play(stack: RasaStack, sender: str, turns: list[tuple[str, list[str]]], language: str) -> None:
    """Plays the turns and checks each reply: the expected responses, in the right language."""
    index = text_index()
    for text, expected in turns:
        messages = stack.chat(sender, text)
        got = [index.get(normalise(message.get("text", "")), (message.get("text"), "?")) for message in messages]
        assert got == [(name, language) for name in expected], f"after {text!r}"


def leads_for(url: str, email: str, wait_s: float = 0) -> list[Lead]:
    return leads_where(url, Lead.email == email, wait_s=wait_s)


def new_email() -> str:
    return f"patient-{uuid.uuid4().hex[:8]}@example.ca"


@pytest.fixture(scope="module")
def postgres():
    with postgres_or_skip() as server:
        yield server


@pytest.fixture(scope="module", params=["sqlite", "postgresql", "postgresql+redis-2-workers"])
def lead_stack(request, trained_model, tmp_path_factory):
    """A stack and the URL of its lead database, for each supported database and set-up."""
    if request.param == "sqlite":
        stack = request.getfixturevalue("stack")
        yield stack, LeadSettings.from_env(stack.env).database_url
    elif request.param == "postgresql":
        server: PostgresServer = request.getfixturevalue("postgres")
        with RasaStack(
            trained_model, tmp_path_factory.mktemp("pg-stack"), server_env(tmp_path_factory, "pg-data", server.url)
        ) as running:
            yield running, server.url
    else:
        yield request.getfixturevalue("scaled_stack")


# --- Paths that create a lead, on both databases ------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_candidate_is_handed_off_as_a_lead(lead_stack, sender, language):
    stack, url = lead_stack
    email = new_email()
    play(stack, sender, candidate_to_contact(language) + contact_details(language, email), language)
    (lead,) = leads_for(url, email)
    assert lead.outcome == "candidate"
    assert lead.language == language
    assert lead.channel == "rest"
    assert lead.conversation_id == sender
    assert lead.phone == "+15145550199"
    assert lead.name == "Marie Tremblay"
    assert lead.callback_time == "morning"
    assert lead.consent_version == "2026-11-24" and lead.consent_at is not None
    assert lead.answers["residence"] == "quebec"
    assert lead.answers["treatments"] == ["physiotherapy", "osteopathy"]
    assert lead.answers["treatment_months"] == 5
    assert lead.status == "new"
    said = [line["text"] for line in lead.transcript]
    assert START[language] in said and any(text == "Marie Tremblay" for text in said)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_request_for_a_person_in_a_faq_conversation_creates_a_lead(lead_stack, sender, language):
    stack, url = lead_stack
    email = new_email()
    question = (
        "Combien coûte une chirurgie du dos en France?"
        if language == "fr"
        else "How much does back surgery cost in France?"
    )
    ask_human = "je veux parler à quelqu'un" if language == "fr" else "can I talk to a real person"
    play(
        stack,
        sender,
        [
            (question, ["utter_faq/cost_france"]),
            (ask_human, ["utter_request_human", "utter_ask_health_consent"]),
            (CONSENT[language], ["utter_ask_contact_name"]),
            ("Jean-Guy Côté" if language == "fr" else "Kevin O'Brien", ["utter_ask_contact_details"]),
            (email, ["utter_ask_callback_time"]),
            ("Peu importe" if language == "fr" else "Any time", ["utter_handoff_done"]),
        ],
        language,
    )
    (lead,) = leads_for(url, email)
    assert lead.outcome == "human_requested"
    assert lead.answers == {}
    assert question in [line["text"] for line in lead.transcript]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_second_conversation_with_a_known_e_mail_never_changes_the_first_lead(lead_stack, sender, language):
    """Knowing someone's e-mail proves nothing: the newcomer gets a lead of their own, marked
    as possibly the same person, and is told exactly what the first person was told."""
    stack, url = lead_stack
    email = new_email()
    ask_human = "parler à un coordonnateur" if language == "fr" else "talk to a coordinator"
    for conversation, name in ((f"{sender}-a", "Sam Roy"), (f"{sender}-b", "Alex Intrus")):
        play(
            stack,
            conversation,
            [
                (ask_human, ["utter_request_human", "utter_ask_health_consent"]),
                (CONSENT[language], ["utter_ask_contact_name"]),
                (name, ["utter_ask_contact_details"]),
                (email, ["utter_ask_callback_time"]),
                ("Le matin" if language == "fr" else "Morning", ["utter_handoff_done"]),
            ],
            language,
        )
    first, second = sorted(leads_for(url, email, wait_s=5), key=lambda lead: lead.id)
    assert (first.conversation_id, first.name, first.possible_duplicates) == (f"{sender}-a", "Sam Roy", None)
    assert (second.conversation_id, second.name, second.possible_duplicates) == (
        f"{sender}-b",
        "Alex Intrus",
        [first.id],
    )
    assert all("Alex" not in str(line) for line in first.transcript)


NAME_WITH_A_GREETING = {"fr": "Claude Bonjour", "en": "Joy Hello"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_name_that_holds_a_greeting_is_confirmed_then_kept(stack, sender, language):
    url = LeadSettings.from_env(stack.env).database_url
    email = new_email()
    ask_human = "parler à un coordonnateur" if language == "fr" else "talk to a coordinator"
    name = NAME_WITH_A_GREETING[language]
    play(
        stack,
        sender,
        [
            (ask_human, ["utter_request_human", "utter_ask_health_consent"]),
            (CONSENT[language], ["utter_ask_contact_name"]),
        ],
        language,
    )
    (question,) = stack.chat(sender, name)
    assert question["text"] == response_text("utter_ask_name_confirmed", language).replace("{name_to_confirm}", name)
    assert [button["title"] for button in question["buttons"]] == [YES[language], NO[language]]
    play(
        stack,
        sender,
        [
            (YES[language], ["utter_ask_contact_details"]),
            (email, ["utter_ask_callback_time"]),
            ("Le matin" if language == "fr" else "Morning", ["utter_handoff_done"]),
        ],
        language,
    )
    (lead,) = leads_for(url, email, wait_s=5)
    assert lead.name == NAME_WITH_A_GREETING[language]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_lead_is_kept_while_postgresql_is_down(postgres, trained_model, tmp_path_factory, sender, language):
    env = server_env(tmp_path_factory, "outage", postgres.url)
    email = new_email()
    with RasaStack(trained_model, tmp_path_factory.mktemp("outage-stack"), env) as stack:
        ask_human = "parler à un coordonnateur" if language == "fr" else "talk to a coordinator"
        play(
            stack,
            sender,
            [
                (ask_human, ["utter_request_human", "utter_ask_health_consent"]),
                (CONSENT[language], ["utter_ask_contact_name"]),
                ("Ana Lopez", ["utter_ask_contact_details"]),
                (email, ["utter_ask_callback_time"]),
            ],
            language,
        )
        postgres.stop()
        try:
            play(stack, sender, [("Le matin" if language == "fr" else "Morning", ["utter_handoff_done"])], language)
            spooled = list((tmp_path_factory.getbasetemp()).glob("outage*/spool/*.json"))
            assert spooled, "the lead should wait in the spool while the database is down"
        finally:
            postgres.start()
        # The action server's retry thread stores the spooled lead once PostgreSQL is back.
        (lead,) = leads_for(postgres.url, email, wait_s=30)
    assert lead.name == "Ana Lopez"


# --- Other paths: they create no lead, but run on both databases all the same ------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_less_than_three_months_of_treatment_means_conservative_treatment_first(lead_stack, sender, language):
    stack, _ = lead_stack
    fr = language == "fr"
    play(
        stack,
        sender,
        up_to_treatments(language)
        + [
            ("physio" if fr else "physiotherapy", ["utter_ask_treatment_months"]),
            ("1 mois" if fr else "one month", ["utter_ask_imaging"]),
            (NO[language], ["utter_ask_previous_surgery"]),
            (NO[language], ["utter_ask_work_injury"]),
            (NO[language], ["utter_ask_serious_conditions"]),
            (NO[language], ["utter_ask_companion"]),
            (YES[language], ["utter_outcome_conservative_first", "utter_ask_callback_wanted"]),
            (NO[language], ["utter_callback_declined"]),
        ],
        language,
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_red_flag_in_the_middle_stops_the_questions(lead_stack, sender, language):
    stack, _ = lead_stack
    red_flag = "j'ai perdu le contrôle de ma vessie" if language == "fr" else "I lost control of my bladder"
    play(
        stack,
        sender,
        up_to_treatments(language)[:4]
        + [
            (red_flag, ["utter_emergency"]),
        ],
        language,
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_yes_to_the_red_flag_screen_gives_the_emergency_answer(lead_stack, sender, language):
    stack, _ = lead_stack
    play(stack, sender, up_to_treatments(language)[:2] + [(YES[language], ["utter_emergency"])], language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_refusing_consent_asks_nothing_and_the_faq_still_works(lead_stack, sender, language):
    stack, _ = lead_stack
    question = "C'est quoi la CNESST?" if language == "fr" else "What is the CNESST?"
    play(
        stack,
        sender,
        [
            (START[language], ["utter_start_eligibility", "utter_ask_health_consent"]),
            (REFUSE[language], ["utter_consent_refused"]),
        ],
        language,
    )
    (name, reply_language), *_ = [text_index()[normalise(m["text"])] for m in stack.chat(sender, question)]
    assert name.startswith("utter_faq/") and reply_language == language


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_faq_in_the_middle_is_answered_then_the_question_is_asked_again(lead_stack, sender, language):
    stack, _ = lead_stack
    question = (
        "Combien coûte une chirurgie du dos en France?"
        if language == "fr"
        else "How much does back surgery cost in France?"
    )
    play(
        stack,
        sender,
        up_to_treatments(language)[:5]
        + [
            (question, ["utter_faq/cost_france", "utter_ask_symptom_months"]),
            ("8 mois" if language == "fr" else "8 months", ["utter_ask_treatments"]),
        ],
        language,
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_answer_can_be_corrected_in_the_message_or_by_choosing_it(lead_stack, sender, language):
    stack, _ = lead_stack
    fr = language == "fr"
    play(
        stack,
        sender,
        up_to_treatments(language)
        + [
            ("aucun" if fr else "none", ["utter_ask_imaging"]),
            (
                "je me suis trompé, j'habite en Ontario" if fr else "sorry, I actually live in Ontario",
                ["utter_correction_done", "utter_ask_imaging"],
            ),
            (
                "je veux corriger une réponse" if fr else "I want to change an answer",
                ["utter_ask_eligibility_form_correction_target"],
            ),
            ('/correct{"correction_target": "problem"}', ["utter_ask_problem"]),
            ("sténose" if fr else "stenosis", ["utter_ask_imaging"]),
            (YES[language], ["utter_ask_previous_surgery"]),
            # Ontario: no CNESST question.
            (NO[language], ["utter_ask_serious_conditions"]),
        ],
        language,
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_correction_menu_s_buttons_carry_their_payloads_and_log_no_error(stack, sender, language):
    play(stack, sender, up_to_treatments(language)[:4], language)
    (menu,) = stack.chat(sender, "je veux corriger une réponse" if language == "fr" else "I want to change an answer")
    payloads = [button["payload"] for button in menu["buttons"]]
    assert payloads[0] == '/correct{"correction_target": "residence"}'
    assert all(payload.startswith('/correct{"correction_target": "') and payload.endswith('"}') for payload in payloads)
    play(stack, sender, [(payloads[0], ["utter_ask_residence"])], language)
    assert "interpolator.interpolate.text" not in (stack.log_dir / "rasa.log").read_text(errors="replace")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_questions_can_be_cancelled(lead_stack, sender, language):
    stack, _ = lead_stack
    play(
        stack,
        sender,
        up_to_treatments(language)[:4]
        + [
            ("annuler" if language == "fr" else "cancel", ["utter_form_cancelled"]),
            ("annuler" if language == "fr" else "cancel", ["utter_nothing_to_cancel"]),
        ],
        language,
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_bad_contact_details_are_asked_again(lead_stack, sender, language):
    stack, url = lead_stack
    ask_human = "parler à un coordonnateur" if language == "fr" else "talk to a coordinator"
    risky_name = "<b>Robert</b>'); DROP TABLE leads;--"
    email = new_email()
    play(
        stack,
        sender,
        [
            (ask_human, ["utter_request_human", "utter_ask_health_consent"]),
            (CONSENT[language], ["utter_ask_contact_name"]),
            ("x" * 2000, ["utter_reask_name", "utter_ask_contact_name"]),
            ("😀😀", ["utter_reask_name", "utter_ask_contact_name"]),
            (risky_name, ["utter_ask_contact_details"]),
            ("robert@@example", ["utter_reask_invalid_email", "utter_ask_contact_details"]),
            ("514-555-CALL", ["utter_reask_invalid_phone", "utter_ask_contact_details"]),
            (email, ["utter_ask_callback_time"]),
            (
                "le soir" if language == "fr" else "in the evening",
                ["utter_reask_callback_time", "utter_ask_callback_time"],
            ),
            ("L'après-midi" if language == "fr" else "Afternoon", ["utter_handoff_done"]),
        ],
        language,
    )
    (lead,) = leads_for(url, email)
    assert lead.name == risky_name


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_evaluation_faq_offers_the_questions_and_a_coordinator(lead_stack, sender, language):
    stack, _ = lead_stack
    question = training_examples()[language]["faq/contact_evaluation"][0]
    (reply,) = stack.chat(sender, question)
    assert text_index()[normalise(reply["text"])] == ("utter_faq/contact_evaluation", language)
    start, human = (button["payload"] for button in reply["buttons"])
    play(stack, sender, [(start, ["utter_start_eligibility", "utter_ask_health_consent"])], language)
    play(stack, sender, [(human, ["utter_request_human", "utter_ask_health_consent"])], language)
