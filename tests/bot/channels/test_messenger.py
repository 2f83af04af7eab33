"""The Messenger channel: Meta's webhook in, the Send API out.

Webhook deliveries are shaped and signed as Meta sends them and posted to the real Rasa
server; the replies land on the fake Graph API (``tests/fake_graph.py``). The webhook answers
before the assistant does, so each turn waits for the ``typing_off`` that ends it. The output
channel is also tested on its own, without a server.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import logging
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

from actions.leads.models import Lead
from actions.leads.settings import LeadSettings
from bot.channels.limits import MAX_USER_TEXT, MAX_WEBHOOK_BYTES, short_title
from bot.channels.messenger import ONLY_TEXT_REPLY, MessengerInput, MessengerOutput
from bot.channels.meta import close_graph_session
from tests.support.fake_graph import FakeGraphApi, GraphRequest
from tests.support.lead_rows import leads_where
from tests.support.stack import CHANNEL_ENV
from tools.content import (
    LANGUAGES,
    all_responses,
    normalise,
    text_index,
    training_examples,
    variation_language,
)
from tools.stack import RasaStack

pytestmark = pytest.mark.server

WEBHOOK = "/webhooks/facebook/webhook"
PAGE_ID = "104857600000001"
APP_SECRET = CHANNEL_ENV["SOS_MESSENGER_APP_SECRET"]
VERIFY_TOKEN = CHANNEL_ENV["SOS_MESSENGER_VERIFY_TOKEN"]
PAGE_TOKEN = CHANNEL_ENV["SOS_MESSENGER_PAGE_TOKEN"]
TURN_TIMEOUT_S = 60

GREETING = {"fr": "bonjour", "en": "hello"}
COST_QUESTION = {
    "fr": "Combien coûte une chirurgie du dos en France?",
    "en": "How much does back surgery cost in France?",
}
ASK_HUMAN = {"fr": "je veux parler à quelqu'un", "en": "can I talk to a real person"}
CONSENT = {"fr": "Oui, j'accepte", "en": "Yes, I agree"}
ANY_TIME = {"fr": "Peu importe", "en": "Any time"}

_psids = itertools.count(1)
_run = f"{time.time_ns() % 10**8:08d}"


def new_psid() -> str:
    """A page-scoped id no other test uses: digits, like Messenger's."""
    return f"7{_run}{next(_psids):07d}"


# --- Deliveries, as Meta sends them ---------------------------------------------------------


def signed_headers(body: bytes, secret: str = APP_SECRET) -> dict[str, str]:
    """Meta's headers: both signatures, HMAC of the raw body with the app secret."""
    return {
        "Content-Type": "application/json",
        "X-Hub-Signature-256": "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest(),
        "X-Hub-Signature": "sha1=" + hmac.new(secret.encode(), body, hashlib.sha1).hexdigest(),
    }


def now_ms() -> int:
    return int(time.time() * 1000)


def envelope(*events: Any, entries: list[Any] | None = None) -> dict[str, Any]:
    """A page delivery: one entry holding ``events``, or the given entries."""
    return {"object": "page", "entry": entries or [{"id": PAGE_ID, "time": now_ms(), "messaging": list(events)}]}


def _event(psid: str, **content: Any) -> dict[str, Any]:
    return {"sender": {"id": psid}, "recipient": {"id": PAGE_ID}, "timestamp": now_ms(), **content}


def text_event(psid: str, text: str, quick_reply_payload: str | None = None) -> dict[str, Any]:
    """A person's message, or the tap on a quick reply (its title as text, its payload apart)."""
    message: dict[str, Any] = {"mid": f"m_{uuid.uuid4().hex}", "text": text}
    if quick_reply_payload is not None:
        message["quick_reply"] = {"payload": quick_reply_payload}
    return _event(psid, message=message)


def postback_event(psid: str, title: str, payload: str) -> dict[str, Any]:
    """A click on a template button."""
    return _event(psid, postback={"title": title, "payload": payload, "mid": f"m_{uuid.uuid4().hex}"})


def post_webhook(
    stack: RasaStack, body: dict[str, Any] | bytes, headers: dict[str, str] | None = None
) -> requests.Response:
    """Posts a delivery, signed with the app secret unless ``headers`` are given."""
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return requests.post(
        f"{stack.base_url}{WEBHOOK}", data=raw, headers=signed_headers(raw) if headers is None else headers, timeout=30
    )


# --- What the person sees -------------------------------------------------------------------


def messages_of(sent: list[GraphRequest]) -> list[dict[str, Any]]:
    """The ``message`` objects among Send API requests (sender actions left out)."""
    return [request.body["message"] for request in sent if "message" in request.body]


def actions_of(sent: list[GraphRequest]) -> list[str]:
    return [request.body["sender_action"] for request in sent if "sender_action" in request.body]


def template_of(message: dict[str, Any]) -> dict[str, Any]:
    return message.get("attachment", {}).get("payload", {})


def shown_text(message: dict[str, Any]) -> str:
    """The text a message shows: its text, or its button template's."""
    return message.get("text") or template_of(message).get("text") or ""


def shown_strings(message: dict[str, Any]) -> list[str]:
    """Everything a person reads in a message: text, quick reply and button titles."""
    titles = [reply.get("title", "") for reply in message.get("quick_replies", [])]
    titles += [button.get("title", "") for button in template_of(message).get("buttons", [])]
    return [shown_text(message), *titles]


def assert_shown_cleanly(messages: list[dict[str, Any]]) -> None:
    """No raw payload (``/intent{"slot": ...}``) is ever shown, and every limit is kept."""
    for message in messages:
        for shown in shown_strings(message):
            assert not shown.lstrip().startswith("/") and '{"' not in shown, shown
        assert len(message.get("text", "")) <= 2000
        assert len(template_of(message).get("text", "")) <= 640
        assert len(message.get("quick_replies", [])) <= 13
        assert len(template_of(message).get("buttons", [])) <= 3
        assert all(len(title) <= 20 for title in shown_strings(message)[1:])


def responses(messages: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """``(response name, language)`` of each bot response, its split parts joined back."""
    index = text_index()
    found: list[tuple[str, str]] = []
    pending: list[str] = []
    for message in messages:
        pending.append(shown_text(message))
        key = normalise(" ".join(pending))
        if key in index:
            found.append(index[key])
            pending = []
    if pending:
        found.append((" ".join(pending)[:200], "?"))
    return found


def variation(name: str, language: str) -> dict[str, Any]:
    return next(v for v in all_responses()[name] if variation_language(v) == language)


def choices_of(message: dict[str, Any]) -> list[dict[str, Any]]:
    """The quick replies or template buttons of a message."""
    return message.get("quick_replies") or template_of(message).get("buttons", [])


@dataclass
class Person:
    """Someone writing to the page: each turn posts a delivery and waits for its ``typing_off``."""

    stack: RasaStack
    graph: FakeGraphApi
    psid: str = field(default_factory=new_psid)
    turns: int = 0
    seen: int = 0

    def send(self, event: dict[str, Any]) -> list[dict[str, Any]]:
        """Posts ``event`` and returns the messages of the reply, checked for raw payloads."""
        reply = post_webhook(self.stack, envelope(event))
        assert (reply.status_code, reply.text) == (200, "success")
        self.turns += 1
        sent = self.graph.wait_for(
            self.psid, lambda got: actions_of(got).count("typing_off") >= self.turns, TURN_TIMEOUT_S
        )
        turn, self.seen = sent[self.seen :], len(sent)
        assert actions_of(turn)[:2] == ["mark_seen", "typing_on"] and actions_of(turn)[-1] == "typing_off"
        messages = messages_of(turn)
        assert_shown_cleanly(messages)
        return messages

    def say(self, text: str) -> list[dict[str, Any]]:
        return self.send(text_event(self.psid, text))

    def tap(self, choice: dict[str, Any]) -> list[dict[str, Any]]:
        """Taps a quick reply or clicks a postback button."""
        if "content_type" in choice:
            return self.send(text_event(self.psid, choice["title"], choice["payload"]))
        return self.send(postback_event(self.psid, choice["title"], choice["payload"]))


@pytest.fixture
def person(stack: RasaStack, fake_graph: FakeGraphApi) -> Person:
    return Person(stack, fake_graph)


class LogWatch:
    """What the Rasa server logs from now on."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.start = path.stat().st_size

    def new_text(self) -> str:
        with self.path.open("rb") as log:
            log.seek(self.start)
            return log.read().decode("utf-8", "replace")

    def wait_for(self, needle: str, timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        while needle not in self.new_text():
            assert time.monotonic() < deadline, f"{needle!r} not logged; new lines:\n{self.new_text()[-3000:]}"
            time.sleep(0.1)


@pytest.fixture
def rasa_log(stack: RasaStack) -> LogWatch:
    return LogWatch(stack.log_dir / "rasa.log")


# --- The handshake --------------------------------------------------------------------------


def test_the_handshake_answers_the_challenge_only_with_the_right_token(stack, rasa_log):
    url = f"{stack.base_url}{WEBHOOK}"
    asked = {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444"}
    right = requests.get(url, params=asked, timeout=10)
    assert (right.status_code, right.text) == (200, "1158201444")
    wrong = requests.get(url, params={**asked, "hub.verify_token": "guessed"}, timeout=10)
    assert wrong.status_code == 403 and "1158201444" not in wrong.text
    rasa_log.wait_for("Messenger webhook verification refused")
    health = requests.get(f"{stack.base_url}/webhooks/facebook/", timeout=10)
    assert health.json() == {"status": "ok", "configured": True}


# --- Conversations --------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_faq_question_is_answered_in_its_language(person, fake_graph, language):
    messages = person.say(COST_QUESTION[language])
    assert responses(messages) == [("utter_faq/cost_france", language)]
    (first, *_) = fake_graph.sent_to(person.psid)
    assert first.path.endswith("/me/messages")
    assert first.headers["Authorization"] == f"Bearer {PAGE_TOKEN}"
    sent = [request.body for request in fake_graph.sent_to(person.psid) if "message" in request.body]
    assert all(body["messaging_type"] == "RESPONSE" and body["recipient"] == {"id": person.psid} for body in sent)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_greeting_topics_can_be_tapped_and_get_their_answers(person, stack, language):
    buttons = variation("utter_greet", language)["buttons"]
    messages = person.say(GREETING[language])
    assert responses(messages) == [("utter_greet", language)]
    last = messages[-1]
    if len(buttons) > 3:
        choices = last["quick_replies"]
        assert all(choice["content_type"] == "text" for choice in choices)
    else:
        assert template_of(last)["template_type"] == "button"
        choices = template_of(last)["buttons"]
        assert all(choice["type"] == "postback" for choice in choices)
    # Titles are checked against the limits only: the served model may predate a wording change.
    assert [choice["payload"] for choice in choices] == [button["payload"] for button in buttons][:13]
    assert all(0 < len(choice["title"]) <= 20 for choice in choices)
    for choice in choices:
        # The same question through the REST channel: Messenger must answer alike.
        expected = [text_index()[normalise(m["text"])] for m in stack.chat(f"rest-{person.psid}", choice["payload"])]
        assert expected[0][0].startswith("utter_faq/") and expected[0][1] == language
        assert responses(person.tap(choice))[0] == expected[0]


@pytest.mark.parametrize("language", LANGUAGES)
def test_two_choices_arrive_as_a_button_template_and_a_click_is_understood(person, language):
    question = training_examples()[language]["faq/contact_evaluation"][0]
    messages = person.say(question)
    assert responses(messages) == [("utter_faq/contact_evaluation", language)]
    template = template_of(messages[-1])
    assert template["template_type"] == "button"
    expected = variation("utter_faq/contact_evaluation", language)["buttons"]
    assert [(button["type"], button["payload"]) for button in template["buttons"]] == [
        ("postback", button["payload"]) for button in expected
    ]
    assert all(0 < len(button["title"]) <= 20 for button in template["buttons"])
    (ask_human,) = [button for button in template["buttons"] if button["payload"] == "/request_human"]
    after = person.tap(ask_human)
    assert responses(after) == [("utter_request_human", language), ("utter_ask_health_consent", language)]
    consent = variation("utter_ask_health_consent", language)
    assert [button["payload"] for button in choices_of(after[-1])] == [
        button["payload"] for button in consent["buttons"]
    ]
    if len(consent["text"]) > 640:
        # Too long for a button template: the text first, then a short last part with the buttons.
        assert "text" in after[-2] and len(template_of(after[-1])["text"]) <= 640


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_hand_off_through_messenger_ends_with_a_facebook_lead(person, stack, language):
    email = f"patient-{uuid.uuid4().hex[:8]}@example.ca"
    assert responses(person.say(COST_QUESTION[language])) == [("utter_faq/cost_france", language)]
    asked = person.say(ASK_HUMAN[language])
    assert responses(asked) == [("utter_request_human", language), ("utter_ask_health_consent", language)]
    (agree,) = [choice for choice in choices_of(asked[-1]) if choice["payload"] == CONSENT[language]]
    assert responses(person.tap(agree)) == [("utter_ask_contact_name", language)]
    name = "Jean-Guy Côté" if language == "fr" else "Kevin O'Brien"
    assert responses(person.say(name)) == [("utter_ask_contact_details", language)]
    when = person.say(email)
    assert responses(when) == [("utter_ask_callback_time", language)]
    (any_time,) = [choice for choice in choices_of(when[-1]) if choice["payload"] == ANY_TIME[language]]
    assert responses(person.tap(any_time)) == [("utter_handoff_done", language)]

    (lead,) = leads_where(LeadSettings.from_env(stack.env).database_url, Lead.conversation_id == person.psid, wait_s=20)
    assert lead.channel == "facebook"
    assert lead.outcome == "human_requested"
    assert lead.language == language
    assert lead.email == email and lead.name == name
    assert COST_QUESTION[language] in [line["text"] for line in lead.transcript]


def test_a_batch_with_several_entries_is_answered_event_by_event_skipping_the_malformed(stack, fake_graph, rasa_log):
    first, second = new_psid(), new_psid()
    batch = envelope(
        entries=[
            {
                "id": PAGE_ID,
                "time": now_ms(),
                "messaging": [
                    {
                        "recipient": {"id": PAGE_ID},
                        "timestamp": now_ms(),
                        "message": {"mid": "m_orphan", "text": "hello"},
                    },
                    _event(first, delivery={"mids": ["m_1"], "watermark": now_ms()}),
                    _event(first, read={"watermark": now_ms()}),
                    _event(first, message={"mid": "m_echo", "text": "echo", "is_echo": True}),
                    _event(first, message="not an object"),
                    text_event(first, COST_QUESTION["fr"]),
                ],
            },
            {
                "id": PAGE_ID,
                "time": now_ms(),
                "messaging": [
                    "not an event",
                    postback_event(second, "Costs in France", COST_QUESTION["en"]),
                ],
            },
            {"id": PAGE_ID, "time": now_ms(), "messaging": "not a list"},
            "not an entry",
        ]
    )
    reply = post_webhook(stack, batch)
    assert (reply.status_code, reply.text) == (200, "success")
    for psid, language in ((first, "fr"), (second, "en")):
        sent = fake_graph.wait_for(psid, lambda got: "typing_off" in actions_of(got), TURN_TIMEOUT_S)
        assert responses(messages_of(sent)) == [("utter_faq/cost_france", language)]
    for logged in (
        "Messenger: skipped an event without a sender id",
        "Messenger: skipped a malformed message or postback event",
        "Messenger: skipped an event that is not an object",
        "Messenger: skipped an entry without a messaging list",
        "Messenger: skipped an entry that is not an object",
        "Messenger webhook: 2 event(s) to answer from 2 person(s)",
    ):
        rasa_log.wait_for(logged)


def test_a_message_delivered_twice_is_answered_once(person, fake_graph, rasa_log):
    event = text_event(person.psid, COST_QUESTION["fr"])
    assert responses(person.send(event)) == [("utter_faq/cost_france", "fr")]
    assert post_webhook(person.stack, envelope(event)).status_code == 200
    rasa_log.wait_for("Messenger: skipped an event delivered twice")
    person.say(GREETING["fr"])
    assert actions_of(fake_graph.sent_to(person.psid)).count("typing_off") == 2


def test_an_image_or_sticker_gets_a_polite_bilingual_reply(stack, fake_graph, rasa_log):
    psid = new_psid()
    image = {
        "mid": f"m_{uuid.uuid4().hex}",
        "attachments": [{"type": "image", "payload": {"url": "https://example.ca/x.jpg"}}],
    }
    sticker = {
        "mid": f"m_{uuid.uuid4().hex}",
        "sticker_id": 369239263222822,
        "attachments": [
            {"type": "image", "payload": {"url": "https://example.ca/like.png", "sticker_id": 369239263222822}}
        ],
    }
    reply = post_webhook(stack, envelope(_event(psid, message=image), _event(psid, message=sticker)))
    assert reply.status_code == 200
    sent = fake_graph.wait_for(psid, lambda got: bool(messages_of(got)), TURN_TIMEOUT_S)
    rasa_log.wait_for("Messenger: a message with only attachments (image) is not read")
    time.sleep(0.5)
    assert messages_of(fake_graph.sent_to(psid)) == [{"text": ONLY_TEXT_REPLY}]
    assert "messages écrits" in ONLY_TEXT_REPLY and "written messages" in ONLY_TEXT_REPLY
    assert "typing_on" not in actions_of(sent)


def test_a_very_long_message_is_cut_before_the_assistant_reads_it(person, rasa_log):
    text = "J'ai mal au dos depuis longtemps. " * (MAX_USER_TEXT // 30)
    assert len(text) > MAX_USER_TEXT
    messages = person.say(text)
    rasa_log.wait_for(f"Messenger: cut a message of {len(text)} characters to {MAX_USER_TEXT}")
    assert messages


def test_a_send_api_failure_is_logged_and_the_webhook_still_answers(stack, fake_graph, rasa_log):
    psid = new_psid()
    fake_graph.failing_recipients.add(psid)
    try:
        reply = post_webhook(stack, envelope(text_event(psid, COST_QUESTION["en"])))
        assert (reply.status_code, reply.text) == (200, "success")
        fake_graph.wait_for(psid, lambda got: "typing_off" in actions_of(got), TURN_TIMEOUT_S)
        rasa_log.wait_for("Messenger send failed with HTTP 500")
    finally:
        fake_graph.failing_recipients.discard(psid)
    assert responses(Person(stack, fake_graph).say(COST_QUESTION["en"])) == [("utter_faq/cost_france", "en")]


# --- Refused deliveries ---------------------------------------------------------------------


def _unsigned(body: bytes) -> dict[str, str]:
    return {"Content-Type": "application/json"}


def _wrongly_signed(body: bytes) -> dict[str, str]:
    return signed_headers(body, "not-the-app-secret")


def _sha1_only(body: bytes) -> dict[str, str]:
    return {key: value for key, value in signed_headers(body).items() if key != "X-Hub-Signature-256"}


REFUSED = {
    # name: (body for the PSID, headers for the body or None to sign it, status, logged line)
    "wrong signature": (
        lambda psid: envelope(text_event(psid, "bonjour")),
        _wrongly_signed,
        403,
        "Messenger webhook refused: missing or wrong X-Hub-Signature-256",
    ),
    "missing signature": (
        lambda psid: envelope(text_event(psid, "bonjour")),
        _unsigned,
        403,
        "Messenger webhook refused: missing or wrong X-Hub-Signature-256",
    ),
    "sha1 signature only": (
        lambda psid: envelope(text_event(psid, "bonjour")),
        _sha1_only,
        403,
        "Messenger webhook refused: missing or wrong X-Hub-Signature-256",
    ),
    "not JSON": (
        lambda psid: f'{{"object": "page", "entry": [{psid}'.encode(),
        None,
        400,
        "Messenger webhook refused: the body is not JSON",
    ),
    "no entry": (lambda psid: {"object": "page"}, None, 400, "Messenger webhook refused: unknown payload shape"),
    "entry not a list": (
        lambda psid: {"object": "page", "entry": "x"},
        None,
        400,
        "Messenger webhook refused: unknown payload shape",
    ),
    "instagram": (
        lambda psid: {**envelope(text_event(psid, "bonjour")), "object": "instagram"},
        None,
        400,
        "Messenger webhook refused: object is 'instagram', not 'page'",
    ),
    "too big": (
        lambda psid: envelope(text_event(psid, "x" * (MAX_WEBHOOK_BYTES + 1))),
        None,
        413,
        f"is over {MAX_WEBHOOK_BYTES}",
    ),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_bad_delivery_is_refused_logged_and_harmless(case, stack, fake_graph, rasa_log):
    make_body, make_headers, status, logged = REFUSED[case]
    psid = new_psid()
    body = make_body(psid)
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    reply = post_webhook(stack, raw, make_headers(raw) if make_headers else None)
    assert reply.status_code == status
    rasa_log.wait_for(logged)
    # The server still answers someone else, and nothing went to the refused sender.
    assert responses(Person(stack, fake_graph).say(GREETING["fr"])) == [("utter_greet", "fr")]
    assert fake_graph.sent_to(psid) == []


def test_an_event_without_sender_in_a_valid_delivery_is_skipped_with_200(stack, fake_graph, rasa_log):
    orphan = text_event("unused", "bonjour")
    del orphan["sender"]
    reply = post_webhook(stack, envelope(orphan))
    assert (reply.status_code, reply.text) == (200, "success")
    rasa_log.wait_for("Messenger: skipped an event without a sender id")
    assert responses(Person(stack, fake_graph).say(GREETING["en"])) == [("utter_greet", "en")]


# --- Without configuration ------------------------------------------------------------------


def test_without_its_settings_the_channel_starts_and_its_webhook_answers_503(monkeypatch, caplog):
    for name in ("SOS_MESSENGER_VERIFY_TOKEN", "SOS_MESSENGER_APP_SECRET", "SOS_MESSENGER_PAGE_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    caplog.set_level(logging.INFO, logger="bot.channels")
    for credentials in (None, {}):
        channel = MessengerInput.from_credentials(credentials)
        assert not channel.configured
    assert "Messenger channel not configured" in caplog.text

    async def never_called(message: Any) -> None:
        raise AssertionError("no message without configuration")

    answer = channel.receive(object(), never_called)  # refused before the request is read
    assert (answer.status, answer.body) == (503, b"channel not configured")
    assert "Messenger webhook called but the channel is not configured" in caplog.text


def test_the_settings_come_from_the_environment(monkeypatch):
    for name, value in CHANNEL_ENV.items():
        monkeypatch.setenv(name, value)
    channel = MessengerInput.from_credentials(None)
    assert channel.configured
    assert (channel.fb_verify, channel.fb_secret, channel.fb_access_token) == (VERIFY_TOKEN, APP_SECRET, PAGE_TOKEN)
    assert channel.get_output_channel().page_token == PAGE_TOKEN
    assert channel.name() == channel.get_output_channel().name() == "facebook"


# --- The output channel alone ---------------------------------------------------------------


@pytest.fixture
async def output(fake_graph: FakeGraphApi, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[MessengerOutput]:
    monkeypatch.setenv("SOS_GRAPH_API_URL", fake_graph.url)
    yield MessengerOutput(PAGE_TOKEN)
    await close_graph_session()


def sent_messages(fake_graph: FakeGraphApi, psid: str) -> list[dict[str, Any]]:
    messages = messages_of(fake_graph.sent_to(psid))
    assert_shown_cleanly(messages)
    return messages


def buttons(*titles: str) -> list[dict[str, str]]:
    return [{"title": title, "payload": f'/correct{{"correction_target": "t{n}"}}'} for n, title in enumerate(titles)]


async def test_more_than_three_buttons_become_quick_replies_with_short_titles(output, fake_graph):
    psid = new_psid()
    choices = buttons("Lieu de résidence", "Durée des traitements", "Courriel ou téléphone", "Imagerie")
    await output.send_response(psid, {"text": "Quelle réponse voulez-vous corriger?", "buttons": choices})
    (message,) = sent_messages(fake_graph, psid)
    assert message["text"] == "Quelle réponse voulez-vous corriger?"
    assert message["quick_replies"] == [
        {"content_type": "text", "title": short_title(choice["title"]), "payload": choice["payload"]}
        for choice in choices
    ]
    assert [reply["title"] for reply in message["quick_replies"]][1:3] == ["Durée des…", "Courriel ou…"]


async def test_more_than_thirteen_choices_keep_the_first_thirteen(output, fake_graph, caplog):
    psid = new_psid()
    choices = buttons(*(f"Choix {n}" for n in range(16)))
    await output.send_quick_replies(psid, "Choisissez", choices)
    (message,) = sent_messages(fake_graph, psid)
    assert [reply["payload"] for reply in message["quick_replies"]] == [choice["payload"] for choice in choices[:13]]
    assert "only the first 13 are sent as quick replies" in caplog.text


async def test_up_to_three_buttons_make_a_button_template_with_postbacks(output, fake_graph):
    psid = new_psid()
    choices = [
        {"title": "Suis-je admissible?", "payload": "/eligibility"},
        {"title": "Parler à un coordonnateur", "payload": "/request_human"},
        {"title": "Notre site", "url": "https://example.ca", "type": "web_url"},
    ]
    await output.send_text_with_buttons(psid, "Que voulez-vous faire?", choices)
    (message,) = sent_messages(fake_graph, psid)
    assert message["attachment"] == {
        "type": "template",
        "payload": {
            "template_type": "button",
            "text": "Que voulez-vous faire?",
            "buttons": [
                {"type": "postback", "title": "Suis-je admissible?", "payload": "/eligibility"},
                {"type": "postback", "title": "Parler à un…", "payload": "/request_human"},
                {"type": "web_url", "url": "https://example.ca", "title": "Notre site"},
            ],
        },
    }


async def test_a_text_too_long_for_a_button_template_comes_first_then_a_short_part_with_the_buttons(output, fake_graph):
    psid = new_psid()
    text = "\n\n".join(f"Paragraphe {n}. " + "Une phrase d'information générale. " * 8 for n in range(6))
    assert len(text) > 640
    await output.send_text_with_buttons(
        psid, text, [{"title": "Oui", "payload": "Oui"}, {"title": "Non", "payload": "Non"}]
    )
    *texts, last = sent_messages(fake_graph, psid)
    assert texts and all(set(message) == {"text"} for message in texts)
    assert len(template_of(last)["text"]) <= 640
    assert normalise(" ".join(shown_text(message) for message in [*texts, last])) == normalise(text)


async def test_a_long_text_is_split_into_messages_of_at_most_2000_characters(output, fake_graph):
    psid = new_psid()
    text = " ".join(f"Phrase numéro {n} d'une très longue réponse." for n in range(120))
    assert len(text) > 5000
    await output.send_text_message(psid, text)
    messages = sent_messages(fake_graph, psid)
    assert len(messages) == 3 and all(len(message["text"]) <= 2000 for message in messages)
    assert " ".join(message["text"] for message in messages) == text


async def test_a_raw_payload_is_never_sent_as_text(output, fake_graph, caplog):
    psid = new_psid()
    await output.send_text_message(psid, '/inform{"x": 1}')
    await output.send_text_message(psid, "/request_human")
    await output.send_text_with_buttons(psid, "Choisissez", [{"title": "", "payload": "/eligibility"}])
    assert sent_messages(fake_graph, psid) == [{"text": "Choisissez"}]
    assert "did not send a raw payload as text" in caplog.text


async def test_images_custom_json_and_sender_actions(output, fake_graph):
    psid = new_psid()
    await output.send_image_url(psid, "https://example.ca/clinique.jpg")
    await output.send_custom_json(psid, {"text": "Bonjour", "metadata": "x"})
    assert await output.send_action(psid, "typing_on")
    first, second, action = (request.body for request in fake_graph.sent_to(psid))
    assert first["message"] == {
        "attachment": {"type": "image", "payload": {"url": "https://example.ca/clinique.jpg", "is_reusable": True}}
    }
    assert second == {
        "recipient": {"id": psid},
        "messaging_type": "RESPONSE",
        "message": {"text": "Bonjour", "metadata": "x"},
    }
    assert action == {"recipient": {"id": psid}, "sender_action": "typing_on"}


async def test_a_send_failure_is_logged_and_stops_the_rest_of_the_message(output, fake_graph, caplog):
    psid = new_psid()
    fake_graph.failing_recipients.add(psid)
    try:
        await output.send_text_message(psid, "Première partie. " * 200)
        assert not await output.send_action(psid, "typing_off")
    finally:
        fake_graph.failing_recipients.discard(psid)
    assert len(messages_of(fake_graph.sent_to(psid))) == 1
    assert "Messenger send failed with HTTP 500" in caplog.text
