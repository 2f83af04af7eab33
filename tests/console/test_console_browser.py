"""A coordinator's day in real Chromium, against the real console and the real Rasa and action
servers, on SQLite and on PostgreSQL.

A patient talks to the website widget: a message the assistant does not understand (with an
e-mail address and a phone number in it), then a request to be called. A coordinator, in French,
finds the new lead first in the inbox, reads its transcript, marks it contacted then closed, adds
a note, and reads the week's unanswered questions, masked. An administrator, in English,
exports the leads and deletes the person's data, and the audit log shows who did what.

Writes docs/console-inbox.png and docs/console-lead.png (from the SQLite run).
"""

from __future__ import annotations

import csv
import io
import re
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from actions.leads.models import Lead, UnansweredQuestion
from actions.leads.repository import LeadRepository
from actions.leads.service import store_submission
from actions.leads.settings import LeadSettings
from actions.leads.unanswered import conversation_key
from tests.support.console import PASSWORD, ConsoleServer, add_account
from tests.support.fake_graph import FakeGraphApi
from tests.support.lead_rows import leads_where
from tests.support.leads import make_submission
from tests.support.postgres import PostgresServer
from tests.support.stack import server_env
from tools.stack import RasaStack
from tools.web import WebPage

pytestmark = pytest.mark.server

PROJECT = Path(__file__).resolve().parents[2]
INBOX_SCREENSHOT = PROJECT / "docs" / "console-inbox.png"
LEAD_SCREENSHOT = PROJECT / "docs" / "console-lead.png"
# Generous: the machine's two cores may be shared with other test runs.
ANSWER_MS = 60_000
LAUNCHER, INPUT, BOT, TYPING = ".sos-chat__launcher", "#sos-chat-input", ".sos-chat__message--bot", ".sos-chat__typing"


@dataclass(frozen=True)
class Served:
    """Everything a test of this module talks to.

    Attributes:
        backend: ``sqlite`` or ``postgresql``.
        database_url: The lead database of the action server and the console.
        console: The console process.
        site: The demo pages with the widget, talking to the Rasa server.
        log_dir: The Rasa and action servers' logs.
    """

    backend: str
    database_url: str
    console: ConsoleServer
    site: WebPage
    log_dir: Path


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def served(
    request: pytest.FixtureRequest,
    trained_model: Path,
    fake_graph: FakeGraphApi,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Served]:
    """The Rasa and action servers (the session's SQLite stack, or a stack of this module on a
    PostgreSQL database), the console on the same database and the widget's pages."""
    with ExitStack() as started:
        if request.param == "sqlite":
            stack: RasaStack = request.getfixturevalue("stack")
            env = stack.env
        else:
            postgres: PostgresServer = request.getfixturevalue("console_postgres")
            url = postgres.create_database(f"console_browser_{uuid.uuid4().hex[:8]}")
            env = server_env(tmp_path_factory, "console-stack-data", url, fake_graph)
            stack = started.enter_context(RasaStack(trained_model, tmp_path_factory.mktemp("console-stack"), env))
        lead_env = {name: value for name, value in env.items() if name.startswith("SOS_")}
        console = started.enter_context(ConsoleServer(lead_env, tmp_path_factory.mktemp("console-log")))
        site = started.enter_context(WebPage(stack.base_url))
        yield Served(request.param, LeadSettings.from_env(env).database_url, console, site, stack.log_dir)


@dataclass(frozen=True)
class Patient:
    """What the patient typed in the widget."""

    name: str
    email: str
    unanswered: str
    session_id: str


def unique(name: str) -> str:
    """A new e-mail address for ``name``."""
    return f"{name}-{uuid.uuid4().hex[:6]}@exemple.ca"


def set_status(database_url: str, lead_id: int, status: str) -> None:
    """Sets a lead's status as a coordinator would."""
    engine = create_engine(database_url, future=True)
    try:
        with Session(engine) as session, session.begin():
            repository = LeadRepository(session)
            repository.set_status(repository.get(lead_id), status, "test")
    finally:
        engine.dispose()


def masked(patient: Patient) -> str:
    """The unanswered message as stored: its e-mail address and phone number masked."""
    return patient.unanswered.replace(patient.email, "[e-mail]").replace("514 555 0199", "[phone]")


def talk_to_the_widget(page: Page, served: Served, name: str) -> Patient:
    """A French conversation in the widget: a message not understood, then a hand-off."""
    site = served.site
    email = unique(name.split()[0].lower())
    unanswered = f"zxcv qwerty asdfgh, écrivez à {email} ou au 514 555 0199"
    received: list[str] = []
    page.on("websocket", lambda socket: socket.on("framereceived", lambda payload: received.append(str(payload))))
    page.goto(site.url)
    page.locator(LAUNCHER).click()
    # A message typed before the server confirms the new session is sent as « resumed », and the
    # server drops it as a conversation it does not have (web/widget.js): wait for the session.
    deadline = time.monotonic() + ANSWER_MS / 1000
    while not any("session_confirm" in payload for payload in received):
        assert time.monotonic() < deadline, "the widget's session was never confirmed"
        page.wait_for_timeout(100)
    for text, replies in (
        (unanswered, 1),
        ("je veux parler à quelqu'un", 2),
        ("Oui, j'accepte", 1),
        (name, 1),
        (email, 1),
        ("Le matin", 1),
    ):
        before = page.locator(BOT).count()
        page.locator(INPUT).fill(text)
        page.keyboard.press("Enter")
        try:
            expect(page.locator(BOT)).to_have_count(before + replies, timeout=ANSWER_MS)
        except AssertionError as error:
            notices = page.locator(".sos-chat__notice").all_inner_texts()
            rasa_log = (served.log_dir / "rasa.log").read_text(errors="replace")[-2000:]
            raise AssertionError(
                f"no answer to turn {before}; widget notices {notices}; Rasa log:\n{rasa_log}"
            ) from error
        expect(page.locator(TYPING)).to_be_hidden()
    session_id = page.evaluate("() => JSON.parse(sessionStorage.getItem('sos-chat')).sessionId")
    return Patient(name, email, unanswered, session_id)


def questions_of(database_url: str, patient: Patient) -> list[str]:
    """The stored unanswered questions of the patient's widget conversation."""
    key = conversation_key("socketio", patient.session_id)
    engine = create_engine(database_url, future=True)
    try:
        with Session(engine) as session:
            query = select(UnansweredQuestion.text).where(UnansweredQuestion.conversation_key == key)
            return list(session.execute(query).scalars())
    finally:
        engine.dispose()


def log_in(page: Page, console: ConsoleServer, name: str, language: str) -> None:
    """Signs in through the login page in ``language``."""
    page.goto(f"{console.url}/login?lang={language}")
    page.get_by_label(re.compile("Nom du compte|Account name")).fill(name)
    page.get_by_label(re.compile("Mot de passe|Password")).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Se connecter|Sign in")).click()
    expect(page).to_have_url(re.compile(r"/leads$"))


def test_a_coordinator_works_a_widget_lead_to_closed_in_french(served: Served, new_page: Callable[..., Page]) -> None:
    settings = LeadSettings.for_data_dir(PROJECT / "var", database_url=served.database_url)
    older = store_submission(settings, make_submission(name="Robert Gagnon", language="en", email=unique("robert")))
    patient = talk_to_the_widget(new_page(), served, "Émilie Côté")
    (lead,) = leads_where(served.database_url, Lead.email == patient.email, wait_s=10)
    assert questions_of(served.database_url, patient) == [masked(patient)]
    contacted = make_submission(
        name="Sophie Roy", channel="whatsapp", email=None, phone="+15145550123", callback_time="afternoon"
    )
    set_status(served.database_url, store_submission(settings, contacted).lead_id, "contacted")
    coordinator = f"claire-{served.backend}"
    add_account(served.database_url, coordinator, "coordinator")
    page = new_page()
    log_in(page, served.console, coordinator, "fr")

    # The inbox: new leads first, newest first, in French labels, the patient's name as written.
    first_row = page.locator("table.leads tbody tr").first
    expect(first_row).to_contain_text("Émilie Côté")
    expect(first_row).to_contain_text("nouvelle")
    expect(first_row).to_contain_text("widget du site")
    names = page.locator("table.leads tbody .lead-name").all_inner_texts()
    assert names.index("Émilie Côté") < names.index("Robert Gagnon") < names.index("Sophie Roy")
    expect(page.locator("tr", has_text="Sophie Roy")).to_contain_text("contactée")
    assert older.lead_id != lead.id
    expect(page.get_by_role("link", name="Journal d'accès")).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("Exporter toutes"))).to_have_count(0)
    if served.backend == "sqlite":
        page.screenshot(path=str(INBOX_SCREENSHOT), full_page=True)

    # Searched by e-mail, then the lead page: contact, outcome, consent, readable transcript.
    page.get_by_label("Nom, courriel ou téléphone").fill(patient.email)
    page.get_by_role("button", name="Filtrer").click()
    expect(page.locator("table.leads tbody tr")).to_have_count(1)
    page.get_by_role("link", name="Émilie Côté").click()
    expect(page).to_have_url(re.compile(rf"/leads/{lead.id}$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Demande n° {lead.id}")
    expect(page.locator("dl").first).to_contain_text(patient.email)
    expect(page.locator("dl").first).to_contain_text("le matin")
    expect(page.locator("dl").first).to_contain_text("version 2026-11-24")
    expect(page.get_by_text("a demandé une personne")).to_be_visible()
    transcript = page.locator("ol.transcript")
    expect(transcript).to_contain_text("je veux parler à quelqu'un")
    expect(transcript).to_contain_text("Émilie Côté")
    expect(transcript.locator(".line-patient").first).to_contain_text("Patient")

    # new → contacted, a note, → closed: each kept in the history with the coordinator's name.
    page.get_by_role("button", name="contactée").click()
    expect(page.locator("#status")).to_have_text("contactée")
    page.get_by_role("textbox", name="Notes des coordonnateurs").fill(
        "Appelée à 10 h : rappeler lundi, « dossier IRM »."
    )
    page.get_by_role("button", name="Ajouter la note").click()
    expect(page.locator("ul.notes")).to_contain_text("« dossier IRM »")
    expect(page.locator("ul.notes")).to_contain_text(coordinator)
    page.get_by_role("button", name="fermée").click()
    expect(page.locator("#status")).to_have_text("fermée")
    history = page.locator("ul.history li")
    expect(history).to_have_count(2)
    expect(history.nth(0)).to_contain_text(f"{coordinator} : nouvelle → contactée")
    expect(history.nth(1)).to_contain_text(f"{coordinator} : contactée → fermée")
    if served.backend == "sqlite":
        page.screenshot(path=str(LEAD_SCREENSHOT), full_page=True)
    (stored,) = leads_where(served.database_url, Lead.id == lead.id)
    assert stored.status == "closed"

    # The week's unanswered questions: the message, masked, with the reply it got.
    page.get_by_role("link", name="Questions sans réponse").click()
    row = page.locator("tr.question", has_text="zxcv qwerty asdfgh")
    expect(row).to_have_count(1)
    expect(row.locator(".question-text")).to_have_text(masked(patient))
    expect(row).to_contain_text("je n'ai pas compris")
    expect(row).to_contain_text("français")
    assert patient.email not in page.content() and "555 0199" not in page.content()
    row.get_by_role("button", name="à ajouter aux documents").click()
    expect(page.locator("tr.question", has_text="zxcv qwerty asdfgh").locator(".badge")).to_have_text(
        "à ajouter aux documents"
    )

    # Administrators' pages stay closed to a coordinator.
    page.goto(f"{served.console.url}/admin/audit")
    expect(page.get_by_role("alert")).to_have_text("Cette page est réservée aux administrateurs.")


def test_an_administrator_exports_and_deletes_a_persons_data_in_english(
    served: Served, new_page: Callable[..., Page]
) -> None:
    patient = talk_to_the_widget(new_page(), served, "Jean Tremblay")
    (lead,) = leads_where(served.database_url, Lead.email == patient.email, wait_s=10)
    admin = f"ops-{served.backend}"
    add_account(served.database_url, admin, "admin")
    page = new_page(locale="en-CA")
    log_in(page, served.console, admin, "en")

    expect(page.get_by_role("heading", level=1)).to_have_text("Call-back requests")
    page.get_by_label("Name, e-mail or phone").fill(patient.email)
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("link", name="Jean Tremblay").click()
    expect(page).to_have_url(re.compile(rf"/leads/{lead.id}$"))
    expect(page.get_by_text("asked for a person")).to_be_visible()
    expect(page.get_by_text("Preferred time for the call")).to_be_visible()
    # The patient's own words stay as written, in French.
    expect(page.locator("ol.transcript")).to_contain_text("je veux parler à quelqu'un")

    # The export: every lead, cells guarded against formulas, as `sos-leads export`.
    page.get_by_role("link", name="← Back to the requests").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Export every request (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    (exported,) = [row for row in rows if row["email"] == patient.email]
    assert exported["name"] == "Jean Tremblay" and exported["outcome"] == "human_requested"
    assert exported["phone"] == "" or not exported["phone"].startswith(("+", "="))

    # The deletion: a confirmation that names what goes, then nothing of the person is left.
    page.goto(f"{served.console.url}/leads/{lead.id}")
    page.get_by_role("link", name="Delete this person's data").click()
    expect(page.get_by_text(re.compile(rf"requests {lead.id}\b"))).to_be_visible()
    page.get_by_role("button", name="Yes, delete everything").click()
    expect(page.get_by_role("status")).to_contain_text(f"Request(s) {lead.id}")
    assert leads_where(served.database_url, Lead.email == patient.email) == []
    assert questions_of(served.database_url, patient) == []

    # The audit log shows who viewed, exported and deleted.
    page.get_by_role("link", name="Audit log").click()
    entries = page.locator("table.audit tbody tr")
    expect(entries.filter(has_text=admin).filter(has_text="deletion").filter(has_text=f"#{lead.id}")).to_have_count(1)
    expect(entries.filter(has_text=admin).filter(has_text="CSV export")).to_have_count(1)
    expect(entries.filter(has_text=admin).filter(has_text="view").filter(has_text=f"#{lead.id}")).not_to_have_count(0)
