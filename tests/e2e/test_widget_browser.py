"""The website chat widget in a real browser (Chromium through Playwright).

One conversation goes through the real Rasa server and action server, from the keyboard: a
French FAQ, the switch to English, a suggested reply, a move to another page, a hand-off that
ends as a lead, then a new conversation. Another restarts the Rasa server under two pages (a
French one, an English one): the conversations it forgot are said, and started again. Other
tests play the Socket.IO server themselves
(Playwright's WebSocket routing) to check what the real assistant never sends: HTML, links,
raw payloads, silence and lost connections.

Needs /usr/bin/chromium (or ``SOS_CHROMIUM``): skipped without it, failed if
``SOS_REQUIRE_BROWSER=1``. Writes docs/widget.png, a screenshot of the open widget.
"""

from __future__ import annotations

import json
import os
import re
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, WebSocketRoute, expect, sync_playwright

from actions.leads.models import Lead
from actions.leads.settings import LeadSettings
from tests.support.fake_graph import FakeGraphApi
from tests.support.lead_rows import leads_where
from tests.support.stack import server_env
from tools.content import all_responses, normalise, text_index, training_examples, variation_language
from tools.stack import RasaStack, free_port
from tools.web import WEB_DIR, WebPage

pytestmark = pytest.mark.server

PROJECT = Path(__file__).resolve().parents[2]
SCREENSHOT = PROJECT / "docs" / "widget.png"
CHROMIUM = Path(os.environ.get("SOS_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ANSWER_MS = 30_000
STORAGE_KEY = "sos-chat"
NO_ANSWER = (
    "the answers did not come over Socket.IO: credentials.yml must declare bot.channels.widget.SocketIOChannel, "
    "not Rasa's own socketio channel (see tests/tools/test_web.py)"
)

LAUNCHER = ".sos-chat__launcher"
PANEL = "#sos-chat-panel"
INPUT = "#sos-chat-input"
LOG = ".sos-chat__log"
MESSAGES = ".sos-chat__message"
BOT = ".sos-chat__message--bot"
USER = ".sos-chat__message--user"
REPLIES = ".sos-chat__reply"
TYPING = ".sos-chat__typing"
NOTICE = ".sos-chat__notice"
LOST = ".sos-chat__lost"
RESTART = ".sos-chat__restart"

# Returns [text colour, background colour] of an element: the first opaque background up
# its ancestors. Evaluated through DevTools, so the page's CSP does not apply.
COLOURS_JS = """element => {
  const opaque = colour => !/rgba\\(.*,\\s*0\\)$/.test(colour) && colour !== 'transparent';
  let node = element;
  while (node && !opaque(getComputedStyle(node).backgroundColor)) node = node.parentElement;
  return [getComputedStyle(element).color, node ? getComputedStyle(node).backgroundColor : 'rgb(255, 255, 255)'];
}"""


# --- Fixtures ------------------------------------------------------------------------------------


@pytest.fixture(scope="session", autouse=True)
def chromium() -> Path:
    """Debian's Chromium, checked before anything starts: without it the tests are skipped,
    or failed if ``SOS_REQUIRE_BROWSER=1``."""
    if not CHROMIUM.is_file():
        reason = f"{CHROMIUM} is missing (apt-get install chromium): the widget's browser tests need it"
        if os.environ.get("SOS_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return CHROMIUM


@pytest.fixture(scope="module")
def browser(chromium: Path) -> Iterator[Browser]:
    """Chromium, headless (module scope: Playwright's loop must end before other modules'
    asyncio tests run)."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[..., Page]]:
    """Opens pages in fresh browser contexts (empty sessionStorage); fails on any page error."""
    contexts, errors = [], []

    def open_page(init_script: str | None = None) -> Page:
        context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="fr-CA")
        contexts.append(context)
        if init_script:
            context.add_init_script(init_script)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(error))
        page.set_default_timeout(10_000)
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not errors, f"errors in the page: {errors}"


@pytest.fixture(scope="module")
def site(stack: RasaStack) -> Iterator[WebPage]:
    """The demo pages, talking to the test session's Rasa server."""
    with WebPage(stack.base_url) as page:
        yield page


# --- Helpers -------------------------------------------------------------------------------------


def stored(page: Page) -> dict[str, Any]:
    """The widget's state in sessionStorage."""
    return json.loads(page.evaluate(f"() => sessionStorage.getItem({STORAGE_KEY!r})") or "null")


def buttons(response: str, language: str) -> list[dict[str, str]]:
    """The buttons of ``response`` in ``language``, from the domain and FAQ files."""
    (variation,) = [v for v in all_responses()[response] if variation_language(v) == language]
    return variation["buttons"]


def button_title(response: str, language: str, payload: str) -> str:
    """The title of the button of ``response`` that sends ``payload``."""
    (title,) = [button["title"] for button in buttons(response, language) if button["payload"] == payload]
    return title


def bot_said(page: Page, start: int = 0) -> list[tuple[str, str | None, str | None]]:
    """(response name, its language, the element's lang) of the bot messages from ``start``."""
    index = text_index()
    said = []
    for element in page.locator(BOT).all()[start:]:
        text = element.locator(".sos-chat__text").inner_text()
        name, language = index.get(normalise(text), (text, None))
        said.append((name, language, element.get_attribute("lang")))
    return said


def expect_answers(page: Page, before: int, names: list[str], language: str) -> None:
    """Wait for the bot's messages after the ``before`` first ones; check them and their language."""
    expect(page.locator(BOT), NO_ANSWER).to_have_count(before + len(names), timeout=ANSWER_MS)
    expect(page.locator(TYPING)).to_be_hidden()
    assert bot_said(page, before) == [(name, language, language) for name in names]


def turn(page: Page, text: str, names: list[str], language: str) -> None:
    """Type ``text`` in the input, send it with Enter and check the answers."""
    before = page.locator(BOT).count()
    page.locator(INPUT).focus()
    page.keyboard.type(text)
    page.keyboard.press("Enter")
    expect(page.locator(USER).last).to_have_text(re.compile(re.escape(text)))
    expect(page.locator(USER).last).to_have_attribute("lang", language)
    expect_answers(page, before, names, language)


def press_reply(page: Page, title: str, names: list[str], language: str) -> None:
    """Choose a suggested reply from the keyboard and check the answers."""
    before = page.locator(BOT).count()
    page.locator(REPLIES, has_text=title).focus()
    page.keyboard.press("Enter")
    expect(page.locator(USER).last.locator(".sos-chat__text")).to_have_text(title)
    expect_answers(page, before, names, language)


def tab_to(page: Page, selector: str, presses: int = 25) -> None:
    """Press Tab until ``selector`` has the focus."""
    target = page.locator(selector)
    for _ in range(presses):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{selector} not reached with Tab")


def contrast(foreground: str, background: str) -> float:
    """WCAG 2.1 contrast ratio of two ``rgb(...)`` colours."""

    def luminance(colour: str) -> float:
        channels = [int(value) / 255 for value in re.findall(r"\d+", colour)[:3]]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def user_events(stack: RasaStack, session_id: str) -> list[dict[str, Any]]:
    """The person's messages in the Rasa tracker of ``session_id``."""
    reply = stack.api("get", f"/conversations/{session_id}/tracker", timeout=10)
    reply.raise_for_status()
    return [event for event in reply.json()["events"] if event["event"] == "user"]


# --- Through the real assistant ------------------------------------------------------------------


def test_a_conversation_from_the_keyboard_across_pages_to_a_hand_off(stack, site, new_page):
    page = new_page()
    page.goto(site.url)

    # 1. The launcher is reached with Tab and opens the panel with Enter; focus goes to the input.
    expect(page.locator(LAUNCHER)).to_have_attribute("aria-expanded", "false")
    tab_to(page, LAUNCHER)
    page.keyboard.press("Enter")
    expect(page.locator(PANEL)).to_be_visible()
    expect(page.locator(INPUT)).to_be_focused()
    expect(page.locator(LOG)).to_have_attribute("role", "log")
    expect(page.locator(LOG)).to_have_attribute("aria-live", "polite")

    # A French greeting, a topic chosen among its suggested replies, a typed FAQ question.
    turn(page, "Bonjour", ["utter_greet"], "fr")
    topics = buttons("utter_greet", "fr")
    expect(page.locator(REPLIES)).to_have_text([topic["title"] for topic in topics])
    topic = next(topic for topic in topics if topic["title"] != topic["payload"])
    before = page.locator(BOT).count()
    page.locator(REPLIES, has_text=topic["title"]).focus()
    page.keyboard.press("Enter")
    expect(page.locator(USER).last.locator(".sos-chat__text")).to_have_text(topic["title"])
    expect(page.locator(BOT)).to_have_count(before + 1, timeout=ANSWER_MS)
    name, language, lang = bot_said(page, before)[0]
    assert name.startswith("utter_faq/") and language == lang == "fr"
    expect(page.locator(".sos-chat__replies")).to_have_count(0)
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))
    turn(page, "Combien coûte une chirurgie du dos en France?", ["utter_faq/cost_france"], "fr")
    session_id = stored(page)["sessionId"]
    assert [event["metadata"].get("language") for event in user_events(stack, session_id)] == ["fr"] * 3

    # 2. English from the header's switch: the assistant confirms, the widget's words follow.
    before = page.locator(BOT).count()
    page.locator('.sos-chat__language[data-language="en"]').focus()
    page.keyboard.press("Enter")
    expect(page.locator('.sos-chat__language[data-language="en"]')).to_have_attribute("aria-pressed", "true")
    expect(page.locator(INPUT)).to_have_attribute("placeholder", "Type your question…")
    expect(page.locator(".sos-chat__new")).to_have_text("New conversation")
    expect(page.locator(USER).last).to_have_text(re.compile("English"))
    expect_answers(page, before, ["utter_language_switched"], "en")
    turn(page, training_examples()["en"]["faq/contact_evaluation"][0], ["utter_faq/contact_evaluation"], "en")

    # 3. A suggested reply whose payload is an intent (/request_human) shows its title only.
    human = button_title("utter_faq/contact_evaluation", "en", "/request_human")
    press_reply(page, human, ["utter_request_human", "utter_ask_health_consent"], "en")
    expect(page.locator(".sos-chat__replies")).to_have_count(1)  # only the newest message keeps its replies

    # 4. Another page: the same session, transcript, language and open panel.
    transcript = page.locator(MESSAGES).all_inner_texts()
    page.get_by_role("link", name="Nos services").click()
    expect(page).to_have_url(re.compile(r"/services\.html$"))
    expect(page.locator(PANEL)).to_be_visible()
    assert page.locator(MESSAGES).all_inner_texts() == transcript
    assert stored(page)["sessionId"] == session_id and stored(page)["language"] == "en"
    expect(page.locator(INPUT)).to_have_attribute("placeholder", "Type your question…")

    # 5. The hand-off, through the widget: consent from its suggested reply, then typed answers.
    email = f"widget-{uuid.uuid4().hex[:8]}@example.ca"
    press_reply(page, buttons("utter_ask_health_consent", "en")[0]["title"], ["utter_ask_contact_name"], "en")
    turn(page, "Kevin O'Brien", ["utter_ask_contact_details"], "en")
    turn(page, email, ["utter_ask_callback_time"], "en")
    turn(page, "Morning", ["utter_handoff_done"], "en")
    (lead,) = leads_where(LeadSettings.from_env(stack.env).database_url, Lead.email == email, wait_s=10)
    assert (lead.channel, lead.language, lead.conversation_id) == ("socketio", "en", session_id)
    assert lead.outcome == "human_requested" and lead.name == "Kevin O'Brien"
    assert user_events(stack, session_id)[-1]["metadata"]["language"] == "en"

    # No raw payload in the transcript; every message says its language.
    assert not [text for text in page.locator(f"{USER} .sos-chat__text").all_inner_texts() if text.startswith("/")]
    assert set(page.locator(MESSAGES).evaluate_all("elements => elements.map(e => e.lang)")) <= {"fr", "en"}

    # Text contrast of the conversation, as the browser computed it.
    for selector in (
        f"{BOT} .sos-chat__text",
        f"{USER} .sos-chat__text",
        ".sos-chat__title",
        ".sos-chat__subtitle",
        ".sos-chat__new",
        ".sos-chat__footnote",
        INPUT,
    ):
        ratio = contrast(*page.locator(selector).last.evaluate(COLOURS_JS))
        assert ratio >= 4.5, f"{selector}: contrast {ratio:.2f}"

    # 6. Escape closes the panel and gives the focus back to the launcher.
    page.locator(INPUT).focus()
    page.keyboard.press("Escape")
    expect(page.locator(PANEL)).to_be_hidden()
    expect(page.locator(LAUNCHER)).to_be_focused()
    assert stored(page)["open"] is False

    # A new conversation: empty transcript, new session id, and the assistant greets again.
    page.keyboard.press("Enter")
    expect(page.locator(INPUT)).to_be_focused()
    page.locator(".sos-chat__new").focus()
    page.keyboard.press("Enter")
    expect(page.locator(MESSAGES)).to_have_count(0)
    state = stored(page)
    assert state["messages"] == [] and state["sessionId"] != session_id
    turn(page, "hello", ["utter_greet"], "en")
    assert stored(page)["sessionId"] == state["sessionId"]
    assert user_events(stack, state["sessionId"])[0]["text"] == "hello"

    # The close button works too.
    page.locator(".sos-chat__icon-button").click()
    expect(page.locator(LAUNCHER)).to_be_focused()


# --- A server restart: the conversations it kept in memory are gone ------------------------------


@pytest.fixture(scope="module")
def restarted_stack(
    trained_model: Path, tmp_path_factory: pytest.TempPathFactory, fake_graph: FakeGraphApi
) -> Iterator[RasaStack]:
    """A stack of its own (the in-memory tracker store, as by default), for the test that
    restarts its Rasa server."""
    env = server_env(tmp_path_factory, "restart-data", graph=fake_graph)
    with RasaStack(trained_model, tmp_path_factory.mktemp("restart-stack"), env) as running:
        yield running


@pytest.fixture(scope="module")
def restarted_sites(
    restarted_stack: RasaStack, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, WebPage]]:
    """The demo pages, talking to :func:`restarted_stack`, by language: the French pages as
    they are, and a copy whose home page says ``<html lang="en">``.

    Served over HTTP on loopback, not changed by a Playwright route: Chromium's Local Network
    Access checks refuse a routed page the websocket to a loopback server.
    """
    english = tmp_path_factory.mktemp("web-en")
    for file in WEB_DIR.iterdir():
        if file.is_file() and file.suffix in (".html", ".js", ".css"):
            text = file.read_text(encoding="utf-8")
            if file.name == "index.html":
                assert '<html lang="fr">' in text
                text = text.replace('<html lang="fr">', '<html lang="en">')
            (english / file.name).write_text(text, encoding="utf-8")
    with WebPage(restarted_stack.base_url) as french, WebPage(restarted_stack.base_url, english) as in_english:
        yield {"fr": french, "en": in_english}


LOST_SAID = {
    "fr": (
        "Notre conversation précédente n'est plus disponible (le service a redémarré). Vos réponses n'ont pas "
        "été gardées : vous pouvez recommencer quand vous voulez.",
        "Recommencer",
        "Bonjour",
    ),
    "en": (
        "Our previous conversation is no longer available (the service restarted). Your answers were not kept: "
        "you can start again whenever you like.",
        "Start again",
        "hello",
    ),
}


# Opens the widget and sends a message in one go, before the socket can connect: the first
# message of a new conversation is in the transcript before the server confirms the session.
OPEN_AND_SEND_JS = """text => {
  document.querySelector('.sos-chat__launcher').click();
  const input = document.querySelector('#sos-chat-input');
  input.value = text;
  input.form.requestSubmit();
}"""


def test_a_first_message_sent_before_the_session_is_confirmed_is_answered(stack, site, new_page):
    page = new_page()
    page.goto(site.url)
    page.evaluate(OPEN_AND_SEND_JS, "bonjour")
    expect(page.locator(USER).last).to_have_text(re.compile("bonjour"))
    expect_answers(page, 0, ["utter_greet"], "fr")
    expect(page.locator(LOST)).to_have_count(0)


def test_after_a_server_restart_the_lost_conversation_is_said_and_started_again(
    restarted_stack, restarted_sites, new_page
):
    stack = restarted_stack
    pages = {}
    for language, site_page in restarted_sites.items():
        page = pages[language] = new_page()
        page.goto(site_page.url)
        page.locator(LAUNCHER).click()
        turn(page, LOST_SAID[language][2], ["utter_greet"], language)
    # In French, into the hand-off: the server holds the person's consent.
    turn(pages["fr"], "je veux parler à quelqu'un", ["utter_request_human", "utter_ask_health_consent"], "fr")
    press_reply(pages["fr"], buttons("utter_ask_health_consent", "fr")[0]["title"], ["utter_ask_contact_name"], "fr")
    old = {language: stored(page)["sessionId"] for language, page in pages.items()}
    assert all(user_events(stack, session_id) for session_id in old.values())

    stack.restart_rasa()

    for language, page in pages.items():
        said, button, greeting = LOST_SAID[language]
        page.reload()
        expect(page.locator(PANEL)).to_be_visible()
        # The old transcript is gone, and the log says why, in the conversation's language.
        lost = page.locator(f"{LOG} {LOST}")
        expect(lost, "the widget kept a transcript the server no longer has").to_be_visible(timeout=ANSWER_MS)
        expect(page.locator(MESSAGES)).to_have_count(0)
        expect(lost).to_have_attribute("lang", language)
        expect(lost.locator(".sos-chat__lost-text")).to_have_text(said)
        expect(page.locator(".sos-chat__empty")).to_be_hidden()
        state = stored(page)
        assert state["messages"] == [] and state["sessionId"] != old[language] and state["language"] == language
        for selector in (".sos-chat__lost-text", RESTART):
            ratio = contrast(*page.locator(selector).evaluate(COLOURS_JS))
            assert ratio >= 4.5, f"{selector}: contrast {ratio:.2f}"

        # Another page still says it, until the person starts again.
        page.reload()
        expect(lost).to_be_visible(timeout=ANSWER_MS)

        # « Recommencer » / "Start again", from the keyboard: a new conversation that gets answers.
        tab_to(page, RESTART)
        expect(page.locator(RESTART)).to_have_accessible_name(button)
        page.keyboard.press("Enter")
        expect(lost).to_have_count(0)
        expect(page.locator(INPUT)).to_be_focused()
        expect(page.locator(".sos-chat__empty")).to_be_visible()
        turn(page, greeting, ["utter_greet"], language)
        fresh = stored(page)["sessionId"]
        assert fresh not in old.values() and user_events(stack, fresh)[0]["text"] == greeting
        page.reload()
        expect(page.locator(BOT)).to_have_count(1, timeout=ANSWER_MS)
        expect(lost).to_have_count(0)


# --- The deployment set-up: two server processes sharing conversations through Redis ------------


@pytest.fixture(scope="module")
def scaled_site(scaled_stack: tuple[RasaStack, str]) -> Iterator[WebPage]:
    """The demo pages, talking to two Rasa server processes that share conversations in Redis."""
    stack, _ = scaled_stack
    with WebPage(stack.base_url) as page:
        yield page


def test_with_two_server_processes_a_hand_off_goes_on_from_page_to_page(scaled_stack, scaled_site, new_page):
    stack, database_url = scaled_stack
    page = new_page()
    page.goto(scaled_site.url)
    page.locator(LAUNCHER).click()
    email = f"widget-scaled-{uuid.uuid4().hex[:8]}@example.ca"
    steps = [
        ("je veux parler à quelqu'un", ["utter_request_human", "utter_ask_health_consent"]),
        ("Oui, j'accepte", ["utter_ask_contact_name"]),
        ("Josée Gagnon", ["utter_ask_contact_details"]),
        (email, ["utter_ask_callback_time"]),
        ("Le matin", ["utter_handoff_done"]),
    ]
    # Every page opens its own websocket connection, which either process may accept: the
    # questions must go on from the conversation kept in Redis.
    for number, (text, names) in enumerate(steps):
        if number:
            link = "Nos services" if number % 2 else "Accueil"
            page.get_by_role("link", name=link, exact=True).click()
            expect(page.locator(PANEL)).to_be_visible()
        turn(page, text, names, "fr")
    session_id = stored(page)["sessionId"]
    (lead,) = leads_where(database_url, Lead.email == email, wait_s=10)
    assert (lead.channel, lead.language, lead.conversation_id) == ("socketio", "fr", session_id)
    assert lead.name == "Josée Gagnon" and lead.callback_time == "morning"


# --- Against a scripted Socket.IO server ---------------------------------------------------------


class FakeRasa:
    """Plays Rasa's side of Engine.IO 4 / Socket.IO 5 over Playwright's routed WebSocket."""

    def __init__(self) -> None:
        self.sockets: list[WebSocketRoute] = []
        self.received: list[tuple[str, Any]] = []
        self.on_user: Callable[[WebSocketRoute, dict[str, Any]], None] = lambda socket, data: None

    def accept(self, socket: WebSocketRoute) -> None:
        """Opens the Engine.IO session of a new connection."""
        self.sockets.append(socket)
        socket.on_message(lambda message: self._receive(socket, message))
        socket.send(
            json.dumps(
                {
                    "sid": uuid.uuid4().hex,
                    "upgrades": [],
                    "pingInterval": 25000,
                    "pingTimeout": 20000,
                    "maxPayload": 1000000,
                }
            ).join(["0", ""])
        )

    def _receive(self, socket: WebSocketRoute, message: str | bytes) -> None:
        text = message if isinstance(message, str) else message.decode()
        if text == "40":
            socket.send("40" + json.dumps({"sid": uuid.uuid4().hex}))
        elif text.startswith("42"):
            event, data = json.loads(text[2:])
            self.received.append((event, data))
            if event == "session_request":
                self.emit(socket, "session_confirm", data["session_id"])
            elif event == "user_uttered":
                self.on_user(socket, data)

    @staticmethod
    def emit(socket: WebSocketRoute, event: str, data: Any) -> None:
        """Sends a Socket.IO event."""
        socket.send("42" + json.dumps([event, data]))


@pytest.fixture
def fake(new_page) -> Iterator[tuple[Page, FakeRasa, str]]:
    """A page whose widget talks to a :class:`FakeRasa`; answers time out after 1.5 s."""
    rasa = FakeRasa()
    with WebPage(f"http://127.0.0.1:{free_port()}") as site_page:
        page = new_page("window.SOS_CHAT = {replyTimeoutMs: 1500};")
        page.route_web_socket(re.compile(r"/socket\.io/"), rasa.accept)
        page.goto(site_page.url)
        page.locator(LAUNCHER).click()
        yield page, rasa, site_page.url


def test_answers_are_shown_as_text_with_links_and_replies_show_their_titles(fake):
    page, rasa, _ = fake
    rasa.on_user = lambda socket, data: FakeRasa.emit(
        socket,
        "bot_uttered",
        {
            "text": "<img src=x onerror=\"document.title='owned'\">Ligne 1\nVoir https://example.org/a?b=1&c=2.",
            "quick_replies": [{"content_type": "text", "title": "Suis-je admissible?", "payload": "/eligibility"}],
        },
    )
    page.locator(INPUT).fill("<b>gras</b> & https://example.ca")
    page.keyboard.press("Enter")
    answer = page.locator(BOT).last
    expect(answer).to_be_visible()
    expect(answer).to_have_attribute("lang", "fr")
    assert answer.locator("img").count() == 0 and page.title() != "owned"
    assert answer.locator(".sos-chat__text").inner_text() == (
        "<img src=x onerror=\"document.title='owned'\">Ligne 1\nVoir https://example.org/a?b=1&c=2."
    )
    link = answer.locator("a")
    expect(link).to_have_attribute("href", "https://example.org/a?b=1&c=2")
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", re.compile(r"\bnoopener\b"))
    mine = page.locator(USER).first
    assert mine.locator("b").count() == 0 and mine.locator("a").get_attribute("href") == "https://example.ca"

    page.locator(REPLIES).click()
    expect(page.locator(USER).last.locator(".sos-chat__text")).to_have_text("Suis-je admissible?")
    expect(page.locator(BOT)).to_have_count(2)
    session_id = stored(page)["sessionId"]
    sent = [data for event, data in rasa.received if event == "user_uttered"]
    assert [data["message"] for data in sent] == ["<b>gras</b> & https://example.ca", "/eligibility"]
    assert all(data["session_id"] == session_id and data["customData"] == {"language": "fr"} for data in sent)
    # The first answer's reply is gone; the second answer brought its own.
    assert page.locator(".sos-chat__replies").count() == 1


def test_silence_ends_the_typing_indicator_with_a_polite_message(fake):
    page, _, _ = fake
    page.locator(INPUT).fill("Bonjour")
    page.keyboard.press("Enter")
    expect(page.locator(TYPING)).to_be_visible()
    expect(page.locator(TYPING)).to_be_hidden(timeout=5000)
    expect(page.locator(NOTICE)).to_have_text(re.compile("ne répond pas pour le moment"))
    expect(page.locator(NOTICE)).to_have_attribute("role", "status")


def wait_for(page: Page, condition: Callable[[], bool], timeout_s: float = 10) -> None:
    """Let the page run (and Playwright dispatch its events) until ``condition()`` holds."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        page.wait_for_timeout(50)


def test_a_lost_connection_is_announced_and_the_session_resumed(fake):
    page, rasa, _ = fake
    rasa.on_user = lambda socket, data: FakeRasa.emit(socket, "bot_uttered", {"text": "Bien reçu."})
    wait_for(page, lambda: len(rasa.sockets) == 1 and any(e == "session_request" for e, _ in rasa.received))
    rasa.sockets[0].close()
    expect(page.locator(NOTICE)).to_have_text(re.compile("Reconnexion en cours"))
    # Typed while offline: kept, then sent once the session is confirmed again.
    page.locator(INPUT).fill("Bonjour")
    page.keyboard.press("Enter")
    expect(page.locator(BOT)).to_have_text(re.compile("Bien reçu"), timeout=15_000)
    expect(page.locator(NOTICE)).to_have_text("")
    session_id = stored(page)["sessionId"]
    asked = [data["session_id"] for event, data in rasa.received if event == "session_request"]
    sent = [data["session_id"] for event, data in rasa.received if event == "user_uttered"]
    assert len(rasa.sockets) == 2 and asked == [session_id, session_id] and sent == [session_id]


def test_the_widget_speaks_the_language_of_an_english_page(new_page):
    rasa = FakeRasa()
    with WebPage(f"http://127.0.0.1:{free_port()}") as site_page:
        page = new_page()
        page.route_web_socket(re.compile(r"/socket\.io/"), rasa.accept)

        def in_english(route: Any) -> None:
            html = route.fetch().text().replace('<html lang="fr">', '<html lang="en">')
            route.fulfill(body=html, content_type="text/html; charset=utf-8")

        page.route(re.compile(r"/(index\.html)?$"), in_english)
        page.goto(site_page.url)
        expect(page.locator(LAUNCHER)).to_have_accessible_name("Questions? Open the virtual assistant")
        page.locator(LAUNCHER).press("Enter")
        expect(page.locator(INPUT)).to_have_attribute("placeholder", "Type your question…")
        expect(page.locator('.sos-chat__language[data-language="en"]')).to_have_attribute("aria-pressed", "true")
        expect(page.locator(".sos-chat__icon-button")).to_have_accessible_name("Close the assistant")
        page.locator(INPUT).fill("ok")
        page.keyboard.press("Enter")
        wait_for(page, lambda: any(event == "user_uttered" for event, _ in rasa.received))
        (data,) = [data for event, data in rasa.received if event == "user_uttered"]
        assert data["customData"] == {"language": "en"}
        expect(page.locator(USER)).to_have_attribute("lang", "en")
