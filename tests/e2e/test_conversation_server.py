"""Conversations with the real assistant: a Rasa server and an action server on loopback."""

from __future__ import annotations

import pytest

from tools.content import LANGUAGES, normalise, response_text, text_index, training_examples

pytestmark = pytest.mark.server

GREETING = {"fr": "bonjour", "en": "hello"}


def replied(stack, sender, text, metadata=None) -> list[tuple[str, str]]:
    """Send ``text`` and return ``(response name, language)`` of each bot message."""
    index = text_index()
    messages = stack.chat(sender, text, metadata)
    assert messages, f"no reply to {text!r}"
    return [index.get(normalise(m.get("text", "")), ("<unknown>", "?")) for m in messages]


def answer(stack, sender, text, metadata=None) -> tuple[str, str]:
    (first, *_) = replied(stack, sender, text, metadata)
    return first


@pytest.mark.parametrize("language", LANGUAGES)
def test_greeting_presents_topics_and_the_no_medical_advice_rule(stack, sender, language):
    messages = stack.chat(sender, GREETING[language])
    assert messages[0]["text"] == response_text("utter_greet", language)
    assert len(messages[0]["buttons"]) == 6
    assert ("911") in messages[0]["text"]


GREETING_BUTTON_ANSWERS = [
    "utter_faq/cnesst_coverage",
    "utter_faq/cost_france",
    "utter_faq/surgery_types",
    "utter_faq/recovery_time",
    "utter_faq/second_opinion",
    "utter_faq/medical_file",
]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_greeting_button_gets_its_answer(stack, sender, language):
    buttons = stack.chat(sender, GREETING[language])[0]["buttons"]
    answers = [answer(stack, sender, button["payload"]) for button in buttons]
    assert answers == [(name, language) for name in GREETING_BUTTON_ANSWERS]


def faq_cases():
    for language in LANGUAGES:
        for intent, examples in sorted(training_examples()[language].items()):
            if intent.startswith("faq/"):
                yield pytest.param(language, intent, examples[0], id=f"{language}-{intent}")


@pytest.mark.parametrize(("language", "intent", "question"), list(faq_cases()))
def test_each_faq_is_answered_in_the_language_of_the_question(stack, sender, language, intent, question):
    assert answer(stack, sender, question) == (f"utter_{intent}", language)


def test_language_is_kept_for_short_messages_and_switched_on_request(stack, sender):
    assert answer(stack, sender, "Combien coûte une chirurgie du dos en France?") == ("utter_faq/cost_france", "fr")
    assert answer(stack, sender, "ok") == ("utter_affirm", "fr")
    assert answer(stack, sender, "in English please") == ("utter_language_switched", "en")
    assert answer(stack, sender, "ok") == ("utter_affirm", "en")
    assert answer(stack, sender, "merci")[1] == "fr"
    assert answer(stack, sender, "How long is the recovery after back surgery?") == ("utter_faq/recovery_time", "en")
    assert answer(stack, sender, "en français svp") == ("utter_language_switched", "fr")


def test_english_conversation_keeps_english_for_a_name(stack, sender):
    assert answer(stack, sender, "What does the CNESST reimburse for surgery abroad?") == (
        "utter_faq/cnesst_coverage",
        "en",
    )
    assert answer(stack, sender, "Marie-Eve Gagnon")[1] == "en"


@pytest.mark.parametrize("language", LANGUAGES)
def test_channel_metadata_sets_the_language_of_ambiguous_messages(stack, sender, language):
    assert answer(stack, sender, "ok", {"language": language}) == ("utter_affirm", language)


QUESTIONS = {"fr": "Combien coûte une chirurgie du dos en France?", "en": "How much does back surgery cost in France?"}


def start_new_session(stack, sender) -> None:
    """Runs the session start as Rasa does after an hour of silence."""
    reply = stack.api("post", f"/conversations/{sender}/execute", json={"name": "action_session_start"})
    reply.raise_for_status()
    events = stack.api("get", f"/conversations/{sender}/tracker", params={"include_events": "ALL"}).json()["events"]
    assert sum(event["event"] == "session_started" for event in events) == 2


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_new_session_keeps_the_conversation_s_language(stack, sender, language):
    """Rasa's own session start carries the slots over, the language among them."""
    assert answer(stack, sender, QUESTIONS[language]) == ("utter_faq/cost_france", language)
    start_new_session(stack, sender)
    assert answer(stack, sender, "ok") == ("utter_affirm", language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_channel_metadata_language_wins_in_a_new_session(stack, sender, language):
    other = "en" if language == "fr" else "fr"
    assert answer(stack, sender, QUESTIONS[other]) == ("utter_faq/cost_france", other)
    start_new_session(stack, sender)
    assert answer(stack, sender, "ok", {"language": language}) == ("utter_affirm", language)


EMERGENCIES = {
    "fr": [
        "J'arrive pu à retenir mon urine depuis hier soir",
        "je sens plus rien entre les jambes",
        "Combien ça coûte une fusion en France? Mes jambes lâchent de plus en plus depuis ce matin",
        "j'ai mal au dos pis de la fièvre",
        "accident de char hier pis là j'ai mal au dos",
        "j'ai eu un cancer il y a 3 ans et maintenant mal au dos",
    ],
    "en": [
        "I lost control of my bladder this morning",
        "numbness in my groin since last night",
        "what does the CNESST cover? my legs are getting weaker fast",
        "back pain and fever since yesterday",
        "I fell off a ladder and my back hurts",
        "I had cancer a few years ago and now my back hurts badly",
    ],
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("case", range(6))
def test_red_flags_get_the_emergency_answer_in_the_right_language(stack, sender, language, case):
    messages = replied(stack, sender, EMERGENCIES[language][case])
    assert messages == [("utter_emergency", language)]
    assert "911" in response_text("utter_emergency", language)
    assert "811" in response_text("utter_emergency", language)


MEDICAL_ADVICE = {
    "fr": ["Combien d'advil je peux prendre par jour?", "Est-ce que j'ai besoin d'une opération pour ma hernie?"],
    "en": ["Should I stop taking my gabapentin?", "Do I need surgery for my herniated disc?"],
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("case", range(2))
def test_personal_medical_advice_is_refused(stack, sender, language, case):
    assert answer(stack, sender, MEDICAL_ADVICE[language][case]) == ("utter_medical_advice", language)


NOT_UNDERSTOOD = {
    "fr": ["asdfgh qwerty zxcv", "Quelle température fera-t-il demain à Québec?"],
    "en": ["blorp zzzz qwerty", "Who won the hockey game last night?"],
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("case", range(2))
def test_messages_outside_the_documents_never_get_a_faq_answer(stack, sender, language, case):
    stack.chat(sender, GREETING[language])
    name, reply_language = answer(stack, sender, NOT_UNDERSTOOD[language][case])
    assert name in {"utter_default", "utter_out_of_scope"}
    assert reply_language == language


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("fr", "merci beaucoup", "utter_thank"),
        ("en", "thanks a lot", "utter_thank"),
        ("fr", "es-tu un robot?", "utter_bot_challenge"),
        ("en", "am I talking to a real person?", "utter_bot_challenge"),
        ("fr", "je veux parler à quelqu'un", "utter_request_human"),
        ("en", "can I talk to a coordinator", "utter_request_human"),
        ("fr", "qu'est-ce que tu peux faire?", "utter_help"),
        ("en", "what can you do", "utter_help"),
        ("fr", "bonne journée, au revoir", "utter_goodbye"),
        ("en", "bye, have a good day", "utter_goodbye"),
    ],
)
def test_small_talk_in_both_languages(stack, sender, language, text, expected):
    assert answer(stack, sender, text) == (expected, language)


def test_http_api_names_the_selected_answer(stack):
    parse = stack.parse("Qu'est-ce que la CNESST rembourse pour une chirurgie à l'étranger?")
    assert parse["intent"]["name"] == "faq"
    assert parse["response_selector"]["faq"]["response"]["intent_response_key"] == "faq/cnesst_coverage"
    assert [e["value"] for e in parse["entities"] if e["entity"] == "language"] == ["fr"]
