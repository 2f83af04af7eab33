"""The REST channel (bot/channels/rest.py) against the real servers: bad bodies get a 400,
nothing a client claims about its channel or phone is believed, typed payloads set only what
the domain allows, and after each bad request the server still answers a normal question."""

from __future__ import annotations

import json

import pytest
import requests

from tools.content import LANGUAGES, normalise, response_text, text_index

pytestmark = pytest.mark.server

WEBHOOK = "/webhooks/rest/webhook"
QUESTIONS = {"fr": "Combien coûte une chirurgie du dos en France?", "en": "How much does back surgery cost in France?"}
COST_ANSWER = "utter_faq/cost_france"


def post_raw(stack, body: bytes | str, content_type: str = "application/json") -> requests.Response:
    return requests.post(f"{stack.base_url}{WEBHOOK}", data=body, headers={"Content-Type": content_type}, timeout=60)


def answered_normally(stack, sender: str, language: str) -> bool:
    """Whether a normal question still gets its FAQ answer, in its language."""
    messages = stack.chat(sender, QUESTIONS[language])
    return text_index().get(normalise(messages[0]["text"])) == (COST_ANSWER, language)


def tracker(stack, sender: str) -> dict:
    return stack.api("get", f"/conversations/{sender}/tracker").json()


BAD_BODIES = {
    "empty body": b"",
    "not JSON": b"bonjour",
    "truncated JSON": b'{"sender": "a", "message": "allo"',
    "JSON array": b'[{"sender": "a", "message": "allo"}]',
    "JSON string": b'"allo"',
    "JSON null": b"null",
    "JSON number": b"42",
    "no sender": json.dumps({"message": "allo"}).encode(),
    "empty sender": json.dumps({"sender": "  ", "message": "allo"}).encode(),
    "sender as a number": json.dumps({"sender": 12, "message": "allo"}).encode(),
    "sender too long": json.dumps({"sender": "x" * 129, "message": "allo"}).encode(),
    "no message": json.dumps({"sender": "a"}).encode(),
    "message as an object": json.dumps({"sender": "a", "message": {"text": "allo"}}).encode(),
    "message as a number": json.dumps({"sender": "a", "message": 3}).encode(),
    "empty message": json.dumps({"sender": "a", "message": ""}).encode(),
    "blank message": json.dumps({"sender": "a", "message": " \n\t "}).encode(),
    "invalid UTF-8": b'{"sender": "a", "message": "\xff\xfe"}',
}


@pytest.mark.parametrize("body", BAD_BODIES.values(), ids=BAD_BODIES.keys())
def test_a_malformed_body_gets_a_400_with_a_short_json_error(stack, sender, body):
    reply = post_raw(stack, body)
    assert reply.status_code == 400
    assert set(reply.json()) == {"error"} and len(reply.json()["error"]) < 120
    assert answered_normally(stack, sender, "fr")


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"])
def test_a_body_a_web_page_could_send_without_asking_is_refused(stack, sender, content_type):
    """Browsers send these three types across origins without a preflight request."""
    reply = post_raw(stack, json.dumps({"sender": sender, "message": QUESTIONS["en"]}), content_type)
    assert reply.status_code == 415
    events = stack.api("get", f"/conversations/{sender}/tracker").json()["events"]
    assert [event for event in events if event["event"] == "user"] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_claimed_whatsapp_channel_and_phone_are_ignored(stack, sender, language):
    body = {
        "sender": sender,
        "message": QUESTIONS[language],
        "input_channel": "whatsapp",
        "metadata": {"phone": "+15145550199", "language": language, "profile_name": "Intrus"},
    }
    reply = requests.post(f"{stack.base_url}{WEBHOOK}", json=body, timeout=60)
    assert reply.status_code == 200
    latest = tracker(stack, sender)["latest_message"]
    assert latest["metadata"] == {"language": language}
    assert tracker(stack, sender)["latest_input_channel"] == "rest"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_metadata_language_the_assistant_does_not_speak_is_ignored(stack, sender, language):
    stack.chat(sender, QUESTIONS[language])
    stack.chat(sender, "ok", metadata={"language": "de"})
    assert tracker(stack, sender)["slots"]["language"] == language


@pytest.mark.parametrize(
    "payload",
    [
        '/greet{"language":"de"}',
        '/greet{"language":["de", "xx"]}',
        '/affirm{"contact_name":"Intrus"}',
        '/greet{"no_such":"x"}',
    ],
)
def test_typed_payloads_set_only_what_the_domain_allows_and_ok_still_gets_a_reply(stack, sender, payload):
    stack.chat(sender, QUESTIONS["en"])
    stack.chat(sender, payload)
    slots = tracker(stack, sender)["slots"]
    assert slots["language"] == "en"
    assert slots.get("contact_name") is None
    assert stack.chat(sender, "ok"), "« ok » got no reply"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_very_long_message_is_cut_and_answered(stack, sender, language):
    text = QUESTIONS[language] + " " + "x" * 900_000
    messages = stack.chat(sender, text)
    assert messages
    assert len(tracker(stack, sender)["latest_message"]["text"]) == 4096
    assert answered_normally(stack, sender, language)


def test_a_body_over_the_server_s_limit_is_refused_before_it_is_read(stack, sender):
    body = json.dumps({"sender": sender, "message": "a" * (2 * 1024 * 1024)})
    assert post_raw(stack, body).status_code == 413
    assert answered_normally(stack, sender, "en")


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_normal_message_gets_its_answer(stack, sender, language):
    messages = stack.chat(sender, QUESTIONS[language])
    assert messages[0]["text"] == response_text(COST_ANSWER, language)
