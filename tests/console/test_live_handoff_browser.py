"""Live hand-off in real Chromium: a coordinator takes a conversation over and gives it back.

On the real Rasa and action servers (the session's stack) and a real console process on the same
lead database. The patient is a second browser context on the website widget, or a Messenger or
WhatsApp user whose deliveries are signed webhooks and whose replies reach the local fake Graph
API. The patient asks for a person; the coordinator sees the conversation appear without a
reload, claims it, and messages go both ways while the assistant stays silent, except for the
911 answer to an acute red flag, highlighted for the coordinator. Given back, the assistant
answers again. Two coordinators claiming at once: exactly one wins. A claim left idle: the
patient's next message is answered by the assistant, and the console follows.

Writes docs/console-conversation.png (the French run: a claimed conversation with a red flag).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from actions.leads.database import get_engine
from actions.leads.models import AuditEntry, Lead, LiveConversation
from actions.leads.service import store_submission
from actions.leads.settings import LeadSettings
from bot.takeover import TakeoverSettings
from console.labels import label
from tests.bot.channels import test_messenger as messenger
from tests.bot.channels import test_whatsapp as whatsapp
from tests.support.console import PASSWORD, ConsoleClient, ConsoleServer, add_account
from tests.support.fake_graph import FakeGraphApi
from tests.support.leads import make_submission
from tests.support.stack import handoff_secret
from tools.content import normalise, text_index, training_examples
from tools.stack import RasaStack
from tools.web import WebPage

pytestmark = pytest.mark.server

PROJECT = Path(__file__).resolve().parents[2]
SCREENSHOT = PROJECT / "docs" / "console-conversation.png"
ANSWER_MS = 60_000
LAUNCHER, INPUT, BOT, USER = (
    ".sos-chat__launcher",
    "#sos-chat-input",
    ".sos-chat__message--bot",
    ".sos-chat__message--user",
)
RED_FLAG = {
    "fr": "Depuis ce matin, je n'arrive plus à retenir mon urine",
    "en": "Since this morning I cannot hold my urine anymore",
}
COST_QUESTION = whatsapp.COST_QUESTION
_names = iter(range(1, 10_000))


@dataclass(frozen=True)
class Live:
    """The servers of this module: the session's stack, the demo pages and a console on its database."""

    stack: RasaStack
    site: WebPage
    console: ConsoleServer
    database_url: str


@pytest.fixture(scope="module")
def live(stack: RasaStack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """A console on the stack's lead database, talking to its Rasa server with the run's secret."""
    env = {
        "SOS_DATA_DIR": stack.env["SOS_DATA_DIR"],
        "SOS_RASA_URL": stack.base_url,
        "SOS_HANDOFF_SECRET": handoff_secret(),
    }
    with (
        WebPage(stack.base_url) as site,
        ConsoleServer(env, tmp_path_factory.mktemp("live-console")) as console,
    ):
        yield Live(stack, site, console, LeadSettings.from_env(stack.env).database_url)


def coordinator_name(live: Live, prefix: str = "coord") -> str:
    """A new coordinator account."""
    name = f"{prefix}-{next(_names)}"
    add_account(live.database_url, name, "coordinator")
    return name


def log_in(page: Page, live: Live, name: str, language: str) -> None:
    """Signs in through the login form."""
    page.goto(f"{live.console.url}/login?lang={language}")
    page.get_by_label(re.compile("Nom du compte|Account name")).fill(name)
    page.get_by_label(re.compile("Mot de passe|Password")).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Se connecter|Sign in")).click()
    expect(page).to_have_url(re.compile(r"/leads"))


def row_of(live: Live, channel: str, conversation_id: str, wait_s: float = 20) -> LiveConversation:
    """The console's row of a conversation (waiting until the action server wrote it)."""
    deadline = time.monotonic() + wait_s
    while True:
        with Session(get_engine(live.database_url), future=True) as db:
            found = db.execute(
                select(LiveConversation).where(
                    LiveConversation.channel == channel, LiveConversation.conversation_id == conversation_id
                )
            ).scalar_one_or_none()
            if found is not None:
                db.expunge(found)
                return found
        assert time.monotonic() < deadline, f"no live row for the {channel} conversation"
        time.sleep(0.2)


def audit_actions(live: Live, actor: str) -> list[str]:
    """What ``actor`` did, in order, each run of views of the conversation counted as one ``view``."""
    with Session(get_engine(live.database_url), future=True) as db:
        query = select(AuditEntry.action).where(AuditEntry.actor == actor).order_by(AuditEntry.id)
        actions = list(db.execute(query).scalars())
    return [
        action for index, action in enumerate(actions) if action != "view" or actions[index - 1 : index] != ["view"]
    ]


def tracker_events(stack: RasaStack, conversation_id: str) -> list[dict[str, Any]]:
    reply = stack.api("get", f"/conversations/{conversation_id}/tracker", timeout=10)
    reply.raise_for_status()
    return reply.json()["events"]


def names(texts: list[str]) -> list[str]:
    """The domain responses these texts are (``{placeholders}`` match anything; a text no response
    has is kept as it is)."""
    return [_name(normalise(text)) for text in texts]


def _name(text: str) -> str:
    index = text_index()
    if text in index:
        return index[text][0]
    for known, (name, _language) in index.items():
        if "{" in known and re.fullmatch(re.sub(r"\\\{\w+\\\}", ".+", re.escape(known)), text):
            return name
    return text


# --- The widget -----------------------------------------------------------------------------------


def widget_bot_texts(page: Page) -> list[str]:
    return page.locator(f"{BOT} .sos-chat__text").all_inner_texts()


def widget_send(page: Page, text: str) -> None:
    page.locator(INPUT).fill(text)
    page.locator(INPUT).press("Enter")
    expect(page.locator(USER).last).to_contain_text(text[:20])


def widget_wait(page: Page, count: int) -> list[str]:
    """Waits for ``count`` bot messages in all, and returns their responses' names."""
    expect(page.locator(BOT)).to_have_count(count, timeout=ANSWER_MS)
    return names(widget_bot_texts(page))


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_coordinator_takes_over_a_widget_conversation_and_gives_it_back(
    live: Live, new_page: Callable[..., Page], language: str
) -> None:
    claire, marc = coordinator_name(live, "claire"), coordinator_name(live, "marc")
    coordinator = new_page()
    log_in(coordinator, live, claire, language)
    coordinator.goto(f"{live.console.url}/conversations")
    known = set(coordinator.locator("tr[data-id]").evaluate_all("rows => rows.map(r => r.dataset.id)"))

    # The patient asks for a person in the widget.
    patient = new_page()
    patient.goto(live.site.url)
    patient.locator(LAUNCHER).click()
    widget_send(patient, training_examples()[language]["request_human"][0])
    said = widget_wait(patient, 2)
    assert said[0] == "utter_request_human"
    session_id = patient.evaluate("() => JSON.parse(sessionStorage.getItem('sos-chat')).sessionId")
    row = row_of(live, "socketio", session_id)
    assert str(row.id) not in known

    # It appears in the coordinator's list without a reload, marked new, and the badge counts it.
    fresh = coordinator.locator(f'section[data-section="waiting"] tr.fresh[data-id="{row.id}"]')
    expect(fresh).to_be_visible(timeout=10_000)
    expect(coordinator).to_have_title(re.compile(r"^\(\d+\) "))
    expect(fresh).to_contain_text(label("channel_socketio", language))
    fresh.locator("a.open-conversation").click()
    expect(coordinator.locator("#messages li")).to_have_count(3)  # the request and the two answers

    # Claimed: the person is told, in their language; another coordinator sees who has it.
    coordinator.get_by_role("button", name=label("take_over", language)).click()
    expect(coordinator.locator("#holder")).to_have_text(label("held_by_you", language))
    assert widget_wait(patient, 3)[2] == "utter_coordinator_joined"
    assert text_index()[normalise(widget_bot_texts(patient)[2])][1] == language
    other = new_page()
    log_in(other, live, marc, language)
    other.goto(f"{live.console.url}/conversations/{row.id}")
    expect(other.locator("#holder")).to_contain_text(claire)
    other.get_by_role("button", name=label("take_over", language)).click()
    expect(other.locator("#notice")).to_have_text(label("notice_taken", language))

    # The coordinator's reply reaches the widget; the person's answer reaches the console, and the assistant is silent.
    coordinator.locator("#reply-text").fill("Bonjour, ici Claire de SOS Tourisme Médical.")
    coordinator.get_by_role("button", name=label("send", language)).click()
    widget_wait(patient, 4)
    assert widget_bot_texts(patient)[3] == "Bonjour, ici Claire de SOS Tourisme Médical."
    widget_send(patient, "Merci, je voudrais savoir le délai pour une opération")
    expect(coordinator.locator("#messages li.line-patient").last).to_contain_text("le délai pour une opération")
    time.sleep(2)
    assert patient.locator(BOT).count() == 4
    events = tracker_events(live.stack, session_id)
    last_user = max(index for index, event in enumerate(events) if event["event"] == "user")
    assert not [event for event in events[last_user:] if event["event"] == "bot"]
    assert coordinator.locator("#messages li.line-coordinator").count() == 1

    # An acute red flag still gets the 911 answer at once, highlighted in the console.
    widget_send(patient, RED_FLAG[language])
    assert widget_wait(patient, 5)[4] == "utter_emergency"
    expect(coordinator.locator("#red-flag")).to_be_visible()
    expect(coordinator.locator("#messages li.line-alert.line-patient")).to_contain_text(RED_FLAG[language][:15])
    if language == "fr":
        coordinator.screenshot(path=str(SCREENSHOT), full_page=True)

    # Given back: the person is told, and the assistant answers again.
    coordinator.get_by_role("button", name=label("give_back", language)).click()
    expect(coordinator).to_have_url(re.compile(r"/conversations\?notice=notice_handed_back"))
    assert widget_wait(patient, 6)[5] == "utter_coordinator_handed_back"
    widget_send(patient, COST_QUESTION[language])
    # The answer, then the contact questions pick up where they were (two messages, which may
    # arrive apart: wait for both rather than read the count between them).
    assert widget_wait(patient, 8)[6:] == ["utter_faq/cost_france", "utter_ask_health_consent"]
    assert audit_actions(live, claire) == ["view", "claim", "view", "reply", "view", "give_back"]
    assert audit_actions(live, marc) == ["view"]


# --- Messenger and WhatsApp, through the fake Graph API -----------------------------------------


class MetaPerson:
    """A Messenger or WhatsApp user: signed deliveries in, what the fake Graph API received out."""

    def __init__(self, channel: str, stack: RasaStack, graph: FakeGraphApi) -> None:
        self.channel, self.stack, self.graph = channel, stack, graph
        self.id = whatsapp.new_wa_id() if channel == "whatsapp" else messenger.new_psid()

    def send(self, text: str) -> None:
        if self.channel == "whatsapp":
            reply = whatsapp.post(self.stack, whatsapp.envelope(self.id, [whatsapp.text_message(self.id, text)]))
        else:
            reply = messenger.post_webhook(self.stack, messenger.envelope(messenger.text_event(self.id, text)))
        assert reply.status_code == 200, reply.text

    def received(self) -> list[str]:
        """The texts the person was sent (Messenger's sender actions left out)."""
        sent = self.graph.sent_to(self.id)
        if self.channel == "whatsapp":
            return [whatsapp.response_part(whatsapp.shown_text(request)) for request in sent]
        return [messenger.shown_text(message) for message in messenger.messages_of(sent)]

    def wait(self, count: int) -> list[str]:
        """Waits for ``count`` texts in all; returns their responses' names."""
        deadline = time.monotonic() + 60
        while len(self.received()) < count:
            assert time.monotonic() < deadline, f"{self.channel}: {self.received()}"
            time.sleep(0.1)
        time.sleep(whatsapp.SETTLE_S)
        return names(self.received())


ENDINGS = {
    "give_back": ("give_back", "utter_coordinator_handed_back"),
    "close": ("close_conversation", "utter_coordinator_closed"),
}


@pytest.mark.parametrize(
    ("channel", "language", "how"),
    [
        ("whatsapp", "en", "give_back"),
        ("whatsapp", "fr", "close"),
        ("facebook", "fr", "close"),
        ("facebook", "en", "give_back"),
    ],
)
def test_a_coordinator_answers_on_messenger_and_whatsapp_within_meta_s_window(
    live: Live, fake_graph: FakeGraphApi, new_page: Callable[..., Page], channel: str, language: str, how: str
) -> None:
    person = MetaPerson(channel, live.stack, fake_graph)
    person.send(training_examples()[language]["request_human"][1])
    asked = len(person.wait(2))
    row = row_of(live, channel, person.id)
    # The person had left a request in this conversation earlier: the list links it, the replies go in it.
    lead = store_submission(
        LeadSettings.from_env(live.stack.env), make_submission(conversation_id=person.id, channel=channel)
    )
    name = coordinator_name(live)
    coordinator = new_page()
    log_in(coordinator, live, name, language)
    coordinator.goto(f"{live.console.url}/conversations")
    listed = coordinator.locator(f'tr[data-id="{row.id}"]')
    expect(listed).to_contain_text(label(f"channel_{channel}", language))
    expect(listed.locator(f'a[href="/leads/{lead.lead_id}"]')).to_be_visible()
    coordinator.goto(f"{live.console.url}/conversations/{row.id}")

    coordinator.get_by_role("button", name=label("take_over", language)).click()
    assert person.wait(asked + 1)[asked] == "utter_coordinator_joined"
    coordinator.locator("#reply-text").fill("Hello, this is your coordinator.")
    coordinator.get_by_role("button", name=label("send", language)).click()
    person.wait(asked + 2)
    assert person.received()[asked + 1] == "Hello, this is your coordinator."
    with Session(get_engine(live.database_url), future=True) as db:
        kept = db.get(Lead, lead.lead_id).transcript
    assert ("coordinator", "Hello, this is your coordinator.") in [(line["speaker"], line["text"]) for line in kept]
    person.send("Thanks! When can I have the surgery?")
    expect(coordinator.locator("#messages li.line-patient").last).to_contain_text("When can I have the surgery?")
    time.sleep(2)
    assert len(person.received()) == asked + 2

    # Outside Meta's 24 hours since the person's last message, the console refuses and says why.
    events = tracker_events(live.stack, person.id)
    for event in events:
        if event["event"] == "user":
            event["timestamp"] -= 25 * 3600
    live.stack.api("put", f"/conversations/{person.id}/tracker/events", json=events).raise_for_status()
    coordinator.reload()
    expect(coordinator.locator("#window-closed")).to_be_visible()
    coordinator.locator("#reply-text").fill("Are you still there?")
    coordinator.get_by_role("button", name=label("send", language)).click()
    expect(coordinator.locator("#notice")).to_have_text(label("notice_window_closed", language))
    time.sleep(1)
    assert len(person.received()) == asked + 2

    # The person writes again: the window opens again; given back (or closed), the assistant answers.
    person.send("Hello?")
    expect(coordinator.locator("#window-closed")).to_be_hidden(timeout=10_000)
    button, told = ENDINGS[how]
    coordinator.get_by_role("button", name=label(button, language)).click()
    assert person.wait(asked + 3)[asked + 2] == told
    person.send(COST_QUESTION[language])
    assert person.wait(asked + 4)[asked + 3] == "utter_faq/cost_france"
    assert audit_actions(live, name) == ["view", "claim", "view", "reply", "view", how]


# --- Races and a claim left idle --------------------------------------------------------------------


def test_two_coordinators_claiming_at_once_exactly_one_gets_the_conversation(
    live: Live, fake_graph: FakeGraphApi
) -> None:
    person = MetaPerson("whatsapp", live.stack, fake_graph)
    person.send(training_examples()["fr"]["request_human"][0])
    asked = len(person.wait(2))
    row = row_of(live, "whatsapp", person.id)
    clients = []
    for _ in range(2):
        client = ConsoleClient(live.console.url)
        name = coordinator_name(live)
        client.log_in(name)
        clients.append((name, client, client.csrf("/conversations")))
    start, answers = threading.Barrier(2), {}

    def claim(name: str, client: ConsoleClient, token: str) -> None:
        start.wait(timeout=10)
        answers[name] = client.post(f"/conversations/{row.id}/claim", {"csrf": token}).headers["Location"]

    threads = [threading.Thread(target=claim, args=entry) for entry in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(answers.values()) == [f"/conversations/{row.id}", f"/conversations/{row.id}?notice=notice_taken"]
    winner = next(name for name, location in answers.items() if "notice" not in location)
    assert row_of(live, "whatsapp", person.id).coordinator == winner
    pauses = [event for event in tracker_events(live.stack, person.id) if event["event"] == "pause"]
    assert [event["metadata"]["sos_coordinator"] for event in pauses] == [winner]
    assert names(person.received()[asked:]) == ["utter_coordinator_joined"]


def test_a_claim_left_idle_goes_back_to_the_assistant_when_the_person_writes(
    live: Live, fake_graph: FakeGraphApi, new_page: Callable[..., Page]
) -> None:
    person = MetaPerson("whatsapp", live.stack, fake_graph)
    person.send(training_examples()["en"]["request_human"][0])
    asked = len(person.wait(2))
    row = row_of(live, "whatsapp", person.id)
    name = coordinator_name(live)
    coordinator = new_page()
    log_in(coordinator, live, name, "en")
    coordinator.goto(f"{live.console.url}/conversations/{row.id}")
    coordinator.get_by_role("button", name=label("take_over", "en")).click()
    person.wait(asked + 1)

    # The coordinator's claim is older than the lease: every event of the conversation moves 20 minutes back.
    events = tracker_events(live.stack, person.id)
    for event in events:
        event["timestamp"] -= 20 * 60
    live.stack.api("put", f"/conversations/{person.id}/tracker/events", json=events).raise_for_status()
    person.send(COST_QUESTION["en"])

    chosen = TakeoverSettings.from_env(live.stack.env)
    expected = "utter_coordinator_away" if chosen.open_at(datetime.now(UTC)) else "utter_coordinator_out_of_hours"
    assert person.wait(asked + 3)[asked + 1 : asked + 3] == [expected, "utter_faq/cost_france"]
    expect(coordinator.locator("#holder")).to_have_text(label("assistant_has_it", "en"), timeout=10_000)
    found = row_of(live, "whatsapp", person.id)
    assert (found.status, found.coordinator) == ("waiting", None)
