"""The WhatsApp channel: Meta's webhook into a real Rasa server, answers to a fake Graph API.

Deliveries are shaped and signed as the Cloud API sends them; every test uses a new WhatsApp
id, so what the fake Graph API received for it is that test's conversation only. The output
channel is also tested on its own, without a Rasa server.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import random
import re
import time
import uuid
from collections.abc import AsyncIterator
from types import SimpleNamespace
from typing import Any

import pytest
import requests
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from actions.leads.models import Lead
from actions.leads.settings import LeadSettings
from bot.channels.limits import MAX_WEBHOOK_BYTES
from bot.channels.meta import UNSUPPORTED_REPLY, close_graph_session
from bot.channels.whatsapp import (
    CHOOSE_BY_NUMBER,
    WhatsAppInput,
    WhatsAppOutput,
    WhatsAppSettings,
    last_bot_buttons,
    numbered_choice,
    read_delivery,
)
from tests.support.fake_graph import FakeGraphApi, GraphRequest
from tests.support.lead_rows import leads_where
from tests.support.stack import CHANNEL_ENV
from tools.content import LANGUAGES, all_responses, normalise, response_text, text_index, training_examples

pytestmark = pytest.mark.server

WEBHOOK = "/webhooks/whatsapp/webhook"
APP_SECRET = CHANNEL_ENV["SOS_WHATSAPP_APP_SECRET"]
VERIFY_TOKEN = CHANNEL_ENV["SOS_WHATSAPP_VERIFY_TOKEN"]
PHONE_NUMBER_ID = CHANNEL_ENV["SOS_WHATSAPP_PHONE_NUMBER_ID"]
ACCESS_TOKEN = CHANNEL_ENV["SOS_WHATSAPP_ACCESS_TOKEN"]
# Time left for a message that should not come, after the one that should.
SETTLE_S = 0.3

COST_QUESTION = {
    "fr": "Combien coûte une chirurgie du dos en France?",
    "en": "How much does back surgery cost in France?",
}
GREETING = {"fr": "bonjour", "en": "hello"}
CONSENT = {"fr": "Oui, j'accepte", "en": "Yes, I agree"}

_used_ids: set[str] = set()


# --- Deliveries as Meta sends them ----------------------------------------------------------


def new_wa_id() -> str:
    """A WhatsApp id (a Montreal number, digits only) not used before in this session."""
    while True:
        wa_id = f"1514555{random.randrange(10_000):04d}"
        if wa_id not in _used_ids:
            _used_ids.add(wa_id)
            return wa_id


def message(wa_id: str, kind: str = "text", **content: Any) -> dict[str, Any]:
    """One entry of ``value.messages``."""
    return {
        "from": wa_id,
        "id": f"wamid.{uuid.uuid4().hex}",
        "timestamp": str(int(time.time())),
        "type": kind,
        **content,
    }


def text_message(wa_id: str, body: str) -> dict[str, Any]:
    return message(wa_id, text={"body": body})


def button_reply(wa_id: str, payload: str, title: str) -> dict[str, Any]:
    chosen = {"type": "button_reply", "button_reply": {"id": payload, "title": title}}
    return message(wa_id, "interactive", interactive=chosen)


def envelope(wa_id: str, messages: list[dict[str, Any]] | None = None, **value: Any) -> dict[str, Any]:
    """A whole delivery: ``object``, ``entry[].changes[]`` with the messages field."""
    content: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15145550000", "phone_number_id": PHONE_NUMBER_ID},
        **value,
    }
    if messages is not None:
        content["contacts"] = [{"profile": {"name": "Marie Tremblay"}, "wa_id": wa_id}]
        content["messages"] = messages
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "102290129340398", "changes": [{"field": "messages", "value": content}]}],
    }


def signature(body: bytes, secret: str = APP_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post(stack, payload: dict[str, Any] | bytes, header: str | None = "sign") -> requests.Response:
    """POSTs a delivery, signed with the app secret unless ``header`` says otherwise."""
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    headers = {"Content-Type": "application/json"}
    if header == "sign":
        headers["X-Hub-Signature-256"] = signature(body)
    elif header is not None:
        headers["X-Hub-Signature-256"] = header
    return requests.post(f"{stack.base_url}{WEBHOOK}", data=body, headers=headers, timeout=30)


# --- What the fake Graph API received -------------------------------------------------------


def shown_text(request: GraphRequest) -> str:
    """What the person reads of one sent message."""
    body = request.body
    if body.get("type") == "text":
        return body["text"]["body"]
    if body.get("type") == "interactive":
        return body["interactive"]["body"]["text"]
    return ""


def response_part(text: str) -> str:
    """The response's own text, without the numbered list and instruction added after it."""
    parts = text.split("\n\n")
    while parts and parts[-1] in CHOOSE_BY_NUMBER.values():
        parts.pop()
    if len(parts) > 1 and all(re.match(r"^\d+\. ", line) for line in parts[-1].splitlines()):
        parts.pop()
    return "\n\n".join(parts)


def _template(text: str) -> re.Pattern[str]:
    escaped = re.escape(normalise(text))
    return re.compile("^" + re.sub(r"\\\{\w+\\\}", ".+", escaped) + "$")


def identify(request: GraphRequest) -> tuple[str, str | None]:
    """``(response name, language)`` of a sent message; templates (``{phone}``) match too."""
    text = normalise(response_part(shown_text(request)))
    found = text_index().get(text)
    if found:
        return found
    for known, (name, language) in text_index().items():
        if "{" in known and _template(known).match(text):
            return name, language
    return shown_text(request), "?"


def assert_readable(sent: list[GraphRequest]) -> None:
    """No raw payload (``/intent``, ``{"slot": ...}``) is ever shown to the person."""
    for request in sent:
        text = shown_text(request)
        assert not text.lstrip().startswith("/") and '{"' not in text, text
        assert request.body.get("messaging_product") == "whatsapp"
        assert request.body.get("recipient_type") == "individual"
        assert request.path.endswith(f"/{PHONE_NUMBER_ID}/messages")
        assert request.headers.get("Authorization") == f"Bearer {ACCESS_TOKEN}"


def exchange(stack, graph: FakeGraphApi, wa_id: str, payload: dict[str, Any], count: int) -> list[GraphRequest]:
    """Posts a delivery and returns the ``count`` messages it brought (checking none more came)."""
    before = len(graph.sent_to(wa_id))
    reply = post(stack, payload)
    assert reply.status_code == 200, reply.text
    graph.wait_for(wa_id, lambda sent: len(sent) >= before + count, timeout=60)
    time.sleep(SETTLE_S)
    new = graph.sent_to(wa_id)[before:]
    assert len(new) == count, [request.body for request in new]
    assert_readable(new)
    return new


def say(stack, graph: FakeGraphApi, wa_id: str, text: str, expected: list[str], language: str) -> list[GraphRequest]:
    """Sends ``text`` and checks the responses that come back, by name and language."""
    sent = exchange(stack, graph, wa_id, envelope(wa_id, [text_message(wa_id, text)]), len(expected))
    assert [identify(request) for request in sent] == [(name, language) for name in expected], f"after {text!r}"
    return sent


def user_events(stack, wa_id: str, at_least: int = 0, timeout: float = 10.0) -> list[dict[str, Any]]:
    """The person's messages as the Rasa server recorded them (HTTP API).

    The tracker is saved once the replies are sent, so this waits for ``at_least`` of them.
    """
    deadline = time.monotonic() + timeout
    while True:
        reply = stack.api("get", f"/conversations/{wa_id}/tracker")
        reply.raise_for_status()
        events = [event for event in reply.json()["events"] if event["event"] == "user"]
        if len(events) >= at_least or time.monotonic() > deadline:
            return events
        time.sleep(0.1)


def log_count(stack, fragment: str) -> int:
    return (stack.log_dir / "rasa.log").read_text(encoding="utf-8", errors="replace").count(fragment)


def wait_for_log(stack, fragment: str, at_least: int = 1, timeout: float = 10.0) -> None:
    """Waits until the Rasa server's log holds ``fragment`` ``at_least`` times."""
    deadline = time.monotonic() + timeout
    while log_count(stack, fragment) < at_least:
        assert time.monotonic() < deadline, f"{fragment!r} not logged"
        time.sleep(0.1)


# --- Subscription handshake -----------------------------------------------------------------


def test_the_handshake_with_the_verify_token_returns_the_challenge(stack):
    reply = requests.get(
        f"{stack.base_url}{WEBHOOK}",
        params={
            "hub.mode": "subscribe",
            "hub.verify_token": VERIFY_TOKEN,
            "hub.challenge": "1158201444",
        },
        timeout=10,
    )
    assert reply.status_code == 200
    assert reply.text == "1158201444"


def test_the_handshake_with_a_wrong_token_is_refused(stack):
    before = log_count(stack, "whatsapp webhook verification refused")
    reply = requests.get(
        f"{stack.base_url}{WEBHOOK}",
        params={
            "hub.mode": "subscribe",
            "hub.verify_token": "not-the-token",
            "hub.challenge": "1158201444",
        },
        timeout=10,
    )
    assert reply.status_code == 403
    assert "1158201444" not in reply.text
    wait_for_log(stack, "whatsapp webhook verification refused", before + 1)


# --- Conversations --------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_faq_question_is_answered_in_its_language(stack, fake_graph, language):
    wa_id = new_wa_id()
    (answer,) = say(stack, fake_graph, wa_id, COST_QUESTION[language], ["utter_faq/cost_france"], language)
    assert answer.body["to"] == wa_id
    assert answer.body["type"] == "text" and answer.body["text"]["preview_url"] is True
    (user,) = user_events(stack, wa_id, 1)
    assert user["text"] == COST_QUESTION[language]
    assert user["input_channel"] == "whatsapp"
    assert user["metadata"]["phone"] == f"+{wa_id}"
    assert user["metadata"]["profile_name"] == "Marie Tremblay"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_greeting_topics_come_as_a_numbered_list_answered_by_number(stack, fake_graph, language):
    greet_buttons = next(v["buttons"] for v in all_responses()["utter_greet"] if normalise(v["text"]) in text_index())
    assert len(greet_buttons) > 3, "the greeting is expected to offer more than three topics"
    wa_id = new_wa_id()
    (greeting,) = say(stack, fake_graph, wa_id, GREETING[language], ["utter_greet"], language)
    text = greeting.body["text"]["body"]
    assert greeting.body["type"] == "text"
    assert text.startswith(response_text("utter_greet", language))
    titles = [line for line in text.splitlines() if re.match(r"^\d+\. ", line)]
    assert titles[0].startswith("1. ") and len(titles) == len(greet_buttons)
    assert text.endswith("\n\n" + CHOOSE_BY_NUMBER[language])
    say(stack, fake_graph, wa_id, " 2 " if language == "fr" else "2.", ["utter_faq/cost_france"], language)
    assert user_events(stack, wa_id, 2)[-1]["text"] == COST_QUESTION[language]


def test_a_number_out_of_the_list_goes_to_the_assistant_as_typed(stack, fake_graph):
    wa_id = new_wa_id()
    say(stack, fake_graph, wa_id, "bonjour", ["utter_greet"], "fr")
    before = len(fake_graph.sent_to(wa_id))
    assert post(stack, envelope(wa_id, [text_message(wa_id, "9")])).status_code == 200
    fake_graph.wait_for(wa_id, lambda sent: len(sent) > before, timeout=60)
    assert user_events(stack, wa_id, 2)[-1]["text"] == "9"
    assert_readable(fake_graph.sent_to(wa_id))


@pytest.mark.parametrize("language", LANGUAGES)
def test_up_to_three_buttons_come_as_reply_buttons(stack, fake_graph, language):
    wa_id = new_wa_id()
    question = training_examples()[language]["faq/contact_evaluation"][0]
    (offer,) = say(stack, fake_graph, wa_id, question, ["utter_faq/contact_evaluation"], language)
    interactive = offer.body["interactive"]
    assert offer.body["type"] == "interactive" and interactive["type"] == "button"
    assert len(interactive["body"]["text"]) <= 1024
    buttons = interactive["action"]["buttons"]
    assert [button["reply"]["id"] for button in buttons] == ["/eligibility", "/request_human"]
    assert all(button["type"] == "reply" and 0 < len(button["reply"]["title"]) <= 20 for button in buttons)
    chosen = button_reply(wa_id, "/eligibility", buttons[0]["reply"]["title"])
    sent = exchange(stack, fake_graph, wa_id, envelope(wa_id, [chosen]), 2)
    assert [identify(request) for request in sent] == [
        ("utter_start_eligibility", language),
        ("utter_ask_health_consent", language),
    ]
    assert sent[-1].body["type"] == "interactive"


def test_a_template_quick_reply_button_is_read_by_its_payload(stack, fake_graph):
    wa_id = new_wa_id()
    tapped = message(wa_id, "button", button={"payload": COST_QUESTION["en"], "text": "Costs"})
    (answer,) = exchange(stack, fake_graph, wa_id, envelope(wa_id, [tapped]), 1)
    assert identify(answer) == ("utter_faq/cost_france", "en")


# --- Deliveries that are refused, ignored or not understood ---------------------------------


def test_a_wrong_or_missing_signature_is_refused_and_nothing_is_sent(stack, fake_graph):
    wa_id = new_wa_id()
    payload = envelope(wa_id, [text_message(wa_id, "bonjour")])
    before = log_count(stack, "whatsapp webhook refused: missing or wrong X-Hub-Signature-256")
    body = json.dumps(payload).encode()
    assert post(stack, body, signature(body, "another-secret")).status_code == 403
    assert post(stack, body, None).status_code == 403
    assert post(stack, body, "sha1=" + hashlib.sha1(body).hexdigest()).status_code == 403
    wait_for_log(stack, "whatsapp webhook refused: missing or wrong X-Hub-Signature-256", before + 3)
    say(stack, fake_graph, wa_id, COST_QUESTION["fr"], ["utter_faq/cost_france"], "fr")
    assert len(fake_graph.sent_to(wa_id)) == 1


@pytest.mark.parametrize(
    ("body", "logged"),
    [
        (b"not json {", "whatsapp webhook refused: the body is not JSON"),
        (b'{"object": "whatsapp_business_account"}', "whatsapp webhook refused: unknown payload shape"),
        (b'["entry"]', "whatsapp webhook refused: unknown payload shape"),
        (b'{"object": "page", "entry": []}', "whatsapp webhook refused: object is 'page'"),
    ],
    ids=["not-json", "no-entry", "not-an-object", "wrong-object"],
)
def test_a_body_that_is_not_a_delivery_is_refused(stack, fake_graph, body, logged):
    before = log_count(stack, logged)
    reply = post(stack, body)
    assert reply.status_code == 400
    wait_for_log(stack, logged, before + 1)
    wa_id = new_wa_id()
    say(stack, fake_graph, wa_id, COST_QUESTION["en"], ["utter_faq/cost_france"], "en")


def test_an_oversize_body_is_refused(stack, fake_graph):
    wa_id = new_wa_id()
    payload = envelope(wa_id, [text_message(wa_id, "x" * MAX_WEBHOOK_BYTES)])
    before = log_count(stack, "whatsapp webhook refused: body of")
    assert post(stack, payload).status_code == 413
    wait_for_log(stack, "whatsapp webhook refused: body of", before + 1)
    say(stack, fake_graph, wa_id, COST_QUESTION["en"], ["utter_faq/cost_france"], "en")
    assert len(fake_graph.sent_to(wa_id)) == 1


def test_a_body_over_the_server_s_own_limit_is_refused_before_it_is_read(stack, fake_graph):
    # SANIC_REQUEST_MAX_SIZE (1 MiB, as `make run` sets it) stops it before any handler.
    body = b'{"object": "whatsapp_business_account", "entry": ["' + b"x" * (2 * 1024 * 1024) + b'"]}'
    assert post(stack, body).status_code == 413
    wa_id = new_wa_id()
    say(stack, fake_graph, wa_id, COST_QUESTION["en"], ["utter_faq/cost_france"], "en")


def test_delivery_statuses_are_accepted_and_ignored(stack, fake_graph):
    wa_id = new_wa_id()
    statuses = [
        {"id": f"wamid.{uuid.uuid4().hex}", "status": status, "timestamp": str(int(time.time())), "recipient_id": wa_id}
        for status in ("sent", "delivered", "read")
    ]
    assert post(stack, envelope(wa_id, statuses=statuses)).status_code == 200
    say(stack, fake_graph, wa_id, COST_QUESTION["fr"], ["utter_faq/cost_france"], "fr")
    assert len(fake_graph.sent_to(wa_id)) == 1
    assert len(user_events(stack, wa_id, 1)) == 1


def test_an_image_gets_a_bilingual_request_to_write(stack, fake_graph):
    wa_id = new_wa_id()
    image = message(wa_id, "image", image={"mime_type": "image/jpeg", "sha256": "c2hh", "id": "1234567890"})
    (reply,) = exchange(stack, fake_graph, wa_id, envelope(wa_id, [image]), 1)
    assert reply.body["text"]["body"] == f"{UNSUPPORTED_REPLY['fr']}\n\n{UNSUPPORTED_REPLY['en']}"
    wait_for_log(stack, f"whatsapp image message from …{wa_id[-4:]} not understood")
    assert user_events(stack, wa_id) == []
    say(stack, fake_graph, wa_id, COST_QUESTION["fr"], ["utter_faq/cost_france"], "fr")


def test_an_album_of_photos_gets_one_request_to_write(stack, fake_graph):
    wa_id = new_wa_id()
    album = [
        message(wa_id, "image", image={"mime_type": "image/jpeg", "sha256": "c2hh", "id": f"55{n}"}) for n in range(4)
    ]
    skipped = f"whatsapp image message from …{wa_id[-4:]} not understood: already asked to write"
    (reply,) = exchange(stack, fake_graph, wa_id, envelope(wa_id, album), 1)
    assert reply.body["text"]["body"] == f"{UNSUPPORTED_REPLY['fr']}\n\n{UNSUPPORTED_REPLY['en']}"
    wait_for_log(stack, skipped, at_least=3)
    assert len(fake_graph.sent_to(wa_id)) == 1


def test_a_voice_message_in_a_french_conversation_gets_a_french_request_to_write(stack, fake_graph):
    wa_id = new_wa_id()
    say(stack, fake_graph, wa_id, COST_QUESTION["fr"], ["utter_faq/cost_france"], "fr")
    audio = {"mime_type": "audio/ogg; codecs=opus", "sha256": "c2hh", "id": "987", "voice": True}
    voice = message(wa_id, "audio", audio=audio)
    (reply,) = exchange(stack, fake_graph, wa_id, envelope(wa_id, [voice]), 1)
    assert reply.body["text"]["body"] == UNSUPPORTED_REPLY["fr"]


def test_malformed_messages_are_skipped_and_the_others_answered(stack, fake_graph):
    wa_id = new_wa_id()
    broken = [
        message(wa_id, text={"nobody": "here"}),
        message("not-a-number", text={"body": "bonjour"}),
        message(wa_id, "interactive", interactive={"type": "button_reply"}),
        "not an object",
        message(wa_id, "reaction", reaction={"message_id": "wamid.x", "emoji": "👍"}),
        text_message(wa_id, COST_QUESTION["en"]),
    ]
    payload = envelope(wa_id, broken)
    payload["entry"].insert(0, {"id": "1", "changes": "not a list"})
    payload["entry"][1]["changes"].insert(0, {"field": "messages", "value": "not an object"})
    (answer,) = exchange(stack, fake_graph, wa_id, payload, 1)
    assert identify(answer) == ("utter_faq/cost_france", "en")
    wait_for_log(stack, f"whatsapp text message from …{wa_id[-4:]} skipped: malformed")
    wait_for_log(stack, "whatsapp entry skipped: no changes list")


def test_an_overlong_message_is_cut_and_logged(stack, fake_graph):
    wa_id = new_wa_id()
    long_text = COST_QUESTION["en"] + " really" * 1000
    post(stack, envelope(wa_id, [text_message(wa_id, long_text)]))
    fake_graph.wait_for(wa_id, lambda sent: len(sent) >= 1, timeout=60)
    wait_for_log(stack, f"whatsapp message from …{wa_id[-4:]}: cut a message of {len(long_text)} characters to 4096")
    recorded = user_events(stack, wa_id, 1)[-1]["text"]
    assert long_text.startswith(recorded) and 4090 <= len(recorded) <= 4096


def test_a_redelivered_message_is_answered_once(stack, fake_graph):
    wa_id = new_wa_id()
    payload = envelope(wa_id, [text_message(wa_id, COST_QUESTION["fr"])])
    exchange(stack, fake_graph, wa_id, payload, 1)
    assert post(stack, payload).status_code == 200
    say(stack, fake_graph, wa_id, COST_QUESTION["en"], ["utter_faq/cost_france"], "en")
    assert len(user_events(stack, wa_id, 2)) == 2


def test_a_graph_api_failure_is_logged_and_the_webhook_still_answers(stack, fake_graph):
    wa_id = new_wa_id()
    fake_graph.failing_recipients.add(wa_id)
    try:
        reply = post(stack, envelope(wa_id, [text_message(wa_id, COST_QUESTION["fr"])]))
        assert reply.status_code == 200
        fake_graph.wait_for(wa_id, lambda sent: len(sent) >= 1, timeout=60)
        wait_for_log(stack, f"whatsapp message of type text to …{wa_id[-4:]} not sent")
        wait_for_log(stack, "whatsapp send failed with HTTP 500")
    finally:
        fake_graph.failing_recipients.discard(wa_id)
    before = len(fake_graph.sent_to(wa_id))
    sent = exchange(stack, fake_graph, wa_id, envelope(wa_id, [text_message(wa_id, COST_QUESTION["en"])]), 1)
    assert identify(sent[0]) == ("utter_faq/cost_france", "en") and before == 1


# --- The output channel on its own ----------------------------------------------------------


@pytest.fixture
async def output(fake_graph, monkeypatch) -> AsyncIterator[WhatsAppOutput]:
    monkeypatch.setenv("SOS_GRAPH_API_URL", fake_graph.url)
    yield WhatsAppOutput(ACCESS_TOKEN, PHONE_NUMBER_ID)
    await close_graph_session()


async def test_a_long_text_is_split_at_4096_characters(output, fake_graph):
    wa_id = new_wa_id()
    paragraphs = [f"Paragraphe {n}. " + "La convalescence dure quelques semaines. " * 40 for n in range(8)]
    await output.send_text_message(wa_id, "\n\n".join(paragraphs))
    sent = [request.body["text"]["body"] for request in fake_graph.sent_to(wa_id)]
    assert len(sent) > 1 and all(len(text) <= 4096 for text in sent)
    assert " ".join(" ".join(sent).split()) == " ".join(" ".join(paragraphs).split())


@pytest.mark.parametrize("language", LANGUAGES)
async def test_more_than_three_buttons_are_a_numbered_list(output, fake_graph, language):
    wa_id = new_wa_id()
    greeting = next(v for v in all_responses()["utter_greet"] if response_text("utter_greet", language) == v["text"])
    await output.send_response(wa_id, {"text": greeting["text"], "buttons": greeting["buttons"]})
    (sent,) = fake_graph.sent_to(wa_id)
    lines = [f"{n}. {button['title']}" for n, button in enumerate(greeting["buttons"], start=1)]
    assert sent.body["text"]["body"] == "\n\n".join([greeting["text"], "\n".join(lines), CHOOSE_BY_NUMBER[language]])


async def test_an_ambiguous_text_gets_the_instruction_in_both_languages(output, fake_graph):
    wa_id = new_wa_id()
    buttons = [{"title": f"Option {n}", "payload": f'/choose{{"n": {n}}}'} for n in range(1, 5)]
    await output.send_text_with_buttons(wa_id, "", buttons)
    (sent,) = fake_graph.sent_to(wa_id)
    assert sent.body["text"]["body"] == "1. Option 1\n2. Option 2\n3. Option 3\n4. Option 4\n\n" + "\n\n".join(
        CHOOSE_BY_NUMBER[code] for code in LANGUAGES
    )
    assert_readable([sent])


async def test_reply_buttons_have_cut_titles_and_payload_ids(output, fake_graph):
    wa_id = new_wa_id()
    buttons = [
        {"title": "Parler à un coordonnateur", "payload": "/request_human"},
        {"title": "Traitements conservateurs", "payload": '/inform{"topic": "conservative"}'},
        {"title": "Oui", "payload": "Oui"},
    ]
    await output.send_text_with_buttons(wa_id, "Que voulez-vous faire?", buttons)
    (sent,) = fake_graph.sent_to(wa_id)
    interactive = sent.body["interactive"]
    assert interactive["body"]["text"] == "Que voulez-vous faire?"
    replies = [button["reply"] for button in interactive["action"]["buttons"]]
    assert [reply["id"] for reply in replies] == [button["payload"] for button in buttons]
    assert [reply["title"] for reply in replies] == ["Parler à un…", "Traitements…", "Oui"]


async def test_a_long_text_with_buttons_is_sent_first_then_its_end_with_the_buttons(output, fake_graph):
    wa_id = new_wa_id()
    text = "\n\n".join(f"Étape {n}: " + "votre dossier est transmis au chirurgien. " * 8 for n in range(6))
    yes_no = [{"title": "Oui", "payload": "Oui"}, {"title": "Non", "payload": "Non"}]
    await output.send_text_with_buttons(wa_id, text, yes_no)
    *before, last = fake_graph.sent_to(wa_id)
    assert before and all(request.body["type"] == "text" for request in before)
    assert last.body["type"] == "interactive" and len(last.body["interactive"]["body"]["text"]) <= 1024
    shown = " ".join(shown_text(request) for request in [*before, last])
    assert " ".join(shown.split()) == " ".join(text.split())


async def test_a_payload_too_long_for_a_button_id_falls_back_to_a_numbered_list(output, fake_graph):
    wa_id = new_wa_id()
    buttons = [{"title": "Long", "payload": "x" * 300}, {"title": "Short", "payload": "y"}]
    await output.send_text_with_buttons(wa_id, "Which one?", buttons)
    (sent,) = fake_graph.sent_to(wa_id)
    assert sent.body["type"] == "text" and "1. Long\n2. Short" in sent.body["text"]["body"]


async def test_images_and_custom_messages(output, fake_graph):
    wa_id = new_wa_id()
    await output.send_response(wa_id, {"image": "https://example.ca/colonne.png"})
    location = {"type": "location", "location": {"latitude": 45.5, "longitude": -73.6, "name": "Montréal"}}
    await output.send_response(wa_id, {"custom": location})
    await output.send_response(wa_id, {"custom": {"no": "type"}})
    image, custom = fake_graph.sent_to(wa_id)
    assert image.body["type"] == "image" and image.body["image"] == {"link": "https://example.ca/colonne.png"}
    assert custom.body == {"messaging_product": "whatsapp", "recipient_type": "individual", "to": wa_id, **location}


# --- Reading deliveries and numbered replies, without a server ------------------------------

GREET_BUTTONS = [{"title": f"Sujet {n}", "payload": f"Question {n}?"} for n in range(1, 7)]


@pytest.mark.parametrize(
    ("reply", "payload"),
    [
        ("2", "Question 2?"),
        ("2.", "Question 2?"),
        (" 2 ", "Question 2?"),
        ("6)", "Question 6?"),
        ("0", None),
        ("7", None),
        ("2 mois", None),
        ("deux", None),
    ],
)
def test_a_numbered_reply_maps_to_the_listed_button(reply, payload):
    assert numbered_choice(reply, GREET_BUTTONS) == payload


def test_a_number_after_reply_buttons_is_not_mapped():
    assert numbered_choice("1", GREET_BUTTONS[:3]) is None


def test_only_the_last_bot_message_counts_and_only_if_unanswered():
    greet = BotUttered("Bonjour", {"buttons": GREET_BUTTONS})
    plain = BotUttered("Merci")
    assert last_bot_buttons([UserUttered("bonjour"), greet]) == GREET_BUTTONS
    assert last_bot_buttons([greet, plain]) is None
    assert last_bot_buttons([greet, UserUttered("allo")]) is None
    assert last_bot_buttons([]) is None


class StoredTrackers:
    """A tracker store as the channel uses it: ``await retrieve(sender_id)``."""

    def __init__(self, trackers: dict[str, DialogueStateTracker]) -> None:
        self.trackers = trackers

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        return self.trackers.get(sender_id)


async def test_a_numbered_choice_is_read_from_the_tracker_store_not_from_memory():
    wa_id = new_wa_id()
    events = [UserUttered("bonjour"), BotUttered("Bonjour", {"buttons": GREET_BUTTONS})]
    store = StoredTrackers({wa_id: DialogueStateTracker.from_events(wa_id, events)})
    app = SimpleNamespace(ctx=SimpleNamespace(agent=SimpleNamespace(tracker_store=store)))
    fresh_process = WhatsAppInput(WhatsAppSettings("token", "secret", "access", PHONE_NUMBER_ID))
    (incoming,) = read_delivery(envelope(wa_id, [text_message(wa_id, "3")]), PHONE_NUMBER_ID)
    assert await fresh_process._chosen_payload(incoming, app) == "Question 3?"
    (unknown,) = read_delivery(envelope("15145550000", [text_message("15145550000", "3")]), PHONE_NUMBER_ID)
    assert await fresh_process._chosen_payload(unknown, app) is None


def test_a_delivery_is_read_into_messages_with_the_phone_and_name():
    wa_id = new_wa_id()
    payload = envelope(wa_id, [text_message(wa_id, " bonjour "), message(wa_id, "sticker", sticker={"id": "1"})])
    text, sticker = read_delivery(payload, PHONE_NUMBER_ID)
    assert (text.sender, text.kind, text.text) == (wa_id, "text", "bonjour")
    assert text.metadata == {"phone": f"+{wa_id}", "profile_name": "Marie Tremblay"}
    assert (sticker.kind, sticker.text) == ("sticker", None)
    assert read_delivery(payload, "another-phone-number-id") == []


def test_an_unconfigured_channel_answers_503(monkeypatch):
    for name in CHANNEL_ENV:
        if name.startswith("SOS_WHATSAPP_"):
            monkeypatch.delenv(name, raising=False)
    channel = WhatsAppInput.from_credentials(None)
    assert channel.name() == "whatsapp"
    refused = channel._not_configured()
    assert refused is not None and refused.status == 503


# --- The hand-off: the WhatsApp number is the phone number ----------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_request_for_a_person_uses_the_whatsapp_number(stack, fake_graph, language):
    wa_id = new_wa_id()
    fr = language == "fr"
    turns = [
        (COST_QUESTION[language], ["utter_faq/cost_france"]),
        (
            "je veux parler à quelqu'un" if fr else "can I talk to a real person",
            ["utter_request_human", "utter_ask_health_consent"],
        ),
        (CONSENT[language], ["utter_ask_contact_name"]),
        # No contact details asked: the WhatsApp number is told, then the time to call.
        ("Jean-Guy Côté" if fr else "Kevin O'Brien", ["utter_contact_phone_from_channel", "utter_ask_callback_time"]),
        ("Peu importe" if fr else "Any time", ["utter_handoff_done"]),
    ]
    for text, expected in turns:
        sent = say(stack, fake_graph, wa_id, text, expected, language)
        if "utter_contact_phone_from_channel" in expected:
            assert f"+{wa_id}" in shown_text(sent[0])
    (lead,) = leads_where(LeadSettings.from_env(stack.env).database_url, Lead.conversation_id == wa_id, wait_s=30)
    assert lead.channel == "whatsapp"
    assert lead.phone == f"+{wa_id}"
    assert lead.email is None
    assert lead.outcome == "human_requested"
    assert lead.language == language


def test_no_message_sent_shows_a_raw_payload(fake_graph):
    """Over every WhatsApp message the tests above made the assistant send."""
    sent = [request for request in fake_graph.requests if request.body.get("messaging_product") == "whatsapp"]
    for request in sent:
        text = shown_text(request)
        assert not text.lstrip().startswith("/") and '{"' not in text, text
