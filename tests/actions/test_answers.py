"""Replies chosen by how a message was read: not in the documents, a red flag mentioned, a follow-up."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import ActionAnswerWithSafetyNote, ActionClarifyFollowUp, ActionNotInDocuments, shortened
from tests.support.trackers import make_tracker
from tools.content import response_text

DOMAIN: dict[str, Any] = {}
LANGUAGES = ["fr", "en"]


def latest(intent: str, topic: str | None = None, answer: str | None = None, confidence: float = 0.8, **intent_data):
    message: dict[str, Any] = {"text": "…", "intent": {"name": intent, **intent_data}, "entities": []}
    if topic:
        message["entities"].append({"entity": "unknown_topic", "value": topic})
    if answer:
        response = {"confidence": confidence, "utter_action": f"utter_{answer}", "intent_response_key": answer}
        message["response_selector"] = {"faq": {"response": response}}
    return message


async def run(action, tracker) -> tuple[list[dict], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, DOMAIN)
    return events, dispatcher.messages


@pytest.mark.parametrize("language", LANGUAGES)
async def test_a_question_about_an_unknown_topic_names_the_topic(language):
    tracker = make_tracker(slots={"language": language}, latest_message=latest("not_in_documents", "visa"))
    events, messages = await run(ActionNotInDocuments(), tracker)
    assert events == []
    assert [(m["response"], m.get("topic")) for m in messages] == [("utter_not_in_documents_topic", "visa")]
    assert "{topic}" in response_text("utter_not_in_documents_topic", language)


@pytest.mark.parametrize("language", LANGUAGES)
async def test_a_question_the_documents_do_not_answer_is_told_so_without_a_topic(language):
    tracker = make_tracker(slots={"language": language}, latest_message=latest("not_in_documents"))
    _, messages = await run(ActionNotInDocuments(), tracker)
    assert [m["response"] for m in messages] == ["utter_not_in_documents"]


@pytest.mark.parametrize("language", LANGUAGES)
async def test_a_red_flag_mentioned_gets_the_answer_then_the_safety_note(language):
    message = latest("red_flag_mention", answer="faq/recovery_time", underlying="faq")
    tracker = make_tracker(slots={"language": language}, latest_message=message)
    _, messages = await run(ActionAnswerWithSafetyNote(), tracker)
    assert [m["response"] for m in messages] == ["utter_faq/recovery_time", "utter_red_flag_note"]


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (latest("red_flag_mention", answer="faq/recovery_time", underlying="nlu_fallback"), "utter_not_in_documents"),
        (
            latest("red_flag_mention", answer="faq/recovery_time", confidence=0.05, underlying="faq"),
            "utter_not_in_documents",
        ),
        (latest("red_flag_mention", "hanches", underlying="not_in_documents"), "utter_not_in_documents_topic"),
    ],
)
async def test_a_red_flag_mentioned_beside_no_sure_answer_says_so_then_the_note(message, expected):
    _, messages = await run(ActionAnswerWithSafetyNote(), make_tracker(latest_message=message))
    assert [m["response"] for m in messages] == [expected, "utter_red_flag_note"]


def user(text: str, intent: str) -> dict:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}


@pytest.mark.parametrize(
    ("first", "follow_up"),
    [("C'est quoi la CNESST?", "pis celle-là?"), ("What is the CNESST?", "and that one?")],
)
async def test_an_unread_follow_up_quotes_the_previous_question(first, follow_up):
    events = [user(first, "faq"), {"event": "bot", "text": "…"}, user(follow_up, "follow_up")]
    _, messages = await run(ActionClarifyFollowUp(), make_tracker(events=events))
    assert [(m["response"], m.get("previous")) for m in messages] == [
        ("utter_clarify_follow_up_previous", first.rstrip("?"))
    ]


async def test_an_unread_follow_up_with_nothing_before_asks_for_the_whole_question():
    events = [user("bonjour", "greet"), user("pis celle-là?", "follow_up")]
    _, messages = await run(ActionClarifyFollowUp(), make_tracker(events=events))
    assert [m["response"] for m in messages] == ["utter_clarify_follow_up"]


def test_a_long_previous_question_is_shortened_at_a_word():
    quoted = shortened("mot " * 60, limit=20)
    assert quoted == "mot mot mot mot mot…"
    assert shortened("  une   question\ncourte? ") == "une question courte"
