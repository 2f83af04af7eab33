"""Who reaches what in the real console process, on SQLite and PostgreSQL, without a browser.

No page or API answers without a session; cookies are HttpOnly and SameSite=Strict; every form
needs its session's CSRF token; logins are throttled per account and per client address; an
idle session ends; coordinators never reach the administrators' pages.
"""

from __future__ import annotations

import csv
import io
import itertools
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from actions.leads import operations, staff
from actions.leads.database import get_engine
from actions.leads.service import store_submission
from actions.leads.settings import LeadSettings
from actions.leads.staff import ACCOUNT_FAILURES, ADDRESS_FAILURES
from tests.support.console import PASSWORD, ConsoleClient, ConsoleServer, add_account, age_sessions, shown
from tests.support.leads import make_submission

PAGES = [
    "/",
    "/leads",
    "/leads/1",
    "/unanswered",
    "/admin/audit",
    "/admin/accounts",
    "/admin/purge",
    "/no/such/page",
    "/login-but-not-quite",
]
FORMS = ["/leads/1/status", "/leads/1/notes", "/leads/export", "/leads/1/delete", "/unanswered/mark", "/logout"]
ADMIN_PAGES = ["/admin/audit", "/admin/accounts", "/admin/purge"]
LANGUAGES = ("fr", "en")
_accounts = itertools.count(1)


@pytest.fixture
def lead_id(lead_store: dict[str, str]) -> int:
    """A new lead in the module's database."""
    settings = LeadSettings.from_env(lead_store)
    return store_submission(settings, make_submission()).lead_id


@pytest.mark.parametrize("path", PAGES)
def test_no_page_answers_without_a_session(console: ConsoleServer, path: str) -> None:
    reply = ConsoleClient(console.url).get(path)

    assert (reply.status_code, reply.headers["Location"]) == (303, "/login")


@pytest.mark.parametrize("path", FORMS)
def test_no_form_is_taken_without_a_session(console: ConsoleServer, path: str) -> None:
    reply = ConsoleClient(console.url).post(path, {"status": "closed", "text": "x"})

    assert (reply.status_code, reply.headers["Location"]) == (303, "/login")


def test_a_forged_or_stolen_cookie_opens_nothing(console: ConsoleServer) -> None:
    client = ConsoleClient(console.url)
    client.http.cookies.set("sos_console_session", "made-up-token")

    assert client.get("/leads").status_code == 303


def test_cookies_are_http_only_and_same_site_strict(
    console: ConsoleServer, database_url: str, account_name: str
) -> None:
    add_account(database_url, account_name, "coordinator")
    client = ConsoleClient(console.url)

    login_page = client.get("/login")
    signed_in = client.log_in(account_name)

    for cookie in (login_page.headers["Set-Cookie"], signed_in.headers["Set-Cookie"]):
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
        assert "Secure" not in cookie
    assert signed_in.status_code == 303 and signed_in.headers["Location"] == "/leads"
    assert "sos_console_session=" in signed_in.headers["Set-Cookie"]
    page = client.get("/leads")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]


def test_cookies_are_secure_behind_tls(lead_store: dict[str, str], tmp_path, account_name: str) -> None:
    add_account(lead_store["SOS_DATABASE_URL"], account_name, "coordinator")
    with ConsoleServer({**lead_store, "SOS_CONSOLE_SECURE_COOKIES": "1"}, tmp_path) as secure_console:
        client = ConsoleClient(secure_console.url)
        login_cookie = client.get("/login").headers["Set-Cookie"]
        token = client.http.cookies.get("sos_console_login")
        # requests keeps a Secure cookie for HTTPS only: the form's token is sent by hand.
        session_cookie = client.post(
            "/login",
            {"csrf": token, "name": account_name, "password": PASSWORD, "lang": "fr"},
            cookies={"sos_console_login": token},
        ).headers["Set-Cookie"]

    assert "Secure" in login_cookie and "Secure" in session_cookie and "HttpOnly" in session_cookie


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_wrong_password_is_refused_then_throttled_for_the_account(
    console: ConsoleServer, database_url: str, account_name: str, language: str
) -> None:
    add_account(database_url, account_name, "coordinator")
    client = ConsoleClient(console.url)
    wrong_label, throttled_label = shown("wrong_login", language), shown("throttled", language)

    refused = [client.log_in(account_name, "not the password", language) for _ in range(ACCOUNT_FAILURES)]
    with_the_right_password = client.log_in(account_name, PASSWORD, language)

    assert [reply.status_code for reply in refused] == [401] * ACCOUNT_FAILURES
    assert all(wrong_label in reply.text and "sos_console_session" not in reply.cookies for reply in refused)
    assert with_the_right_password.status_code == 429
    assert throttled_label in with_the_right_password.text
    assert client.get("/leads").status_code == 303


def test_an_unknown_account_is_refused_like_a_wrong_password(console: ConsoleServer) -> None:
    reply = ConsoleClient(console.url).log_in("nobody-by-that-name", PASSWORD)

    assert reply.status_code == 401 and shown("wrong_login") in reply.text


def test_many_failures_from_one_address_throttle_every_account(
    console: ConsoleServer, database_url: str, account_name: str
) -> None:
    add_account(database_url, account_name, "coordinator")
    client = ConsoleClient(console.url)
    guesses = [client.log_in(f"guess-{number}", "wrong password here") for number in range(ADDRESS_FAILURES)]

    blocked = client.log_in(account_name, PASSWORD)

    assert {reply.status_code for reply in guesses} <= {401, 429}
    assert blocked.status_code == 429
    # The address is throttled for the rest of the module: the other tests sign in from it too.
    _forget_failures(database_url)


def test_a_disabled_account_cannot_sign_in(console: ConsoleServer, database_url: str, account_name: str) -> None:
    add_account(database_url, account_name, "coordinator")
    admin = _signed_in(console, database_url, "admin")
    client = ConsoleClient(console.url)
    client.log_in(account_name)
    account_id = _account_id(database_url, account_name)

    disabled = admin.post(f"/admin/accounts/{account_id}", {"csrf": admin.csrf(), "to": "disable"})

    assert disabled.status_code == 303
    assert client.get("/leads").status_code == 303
    assert client.log_in(account_name).status_code == 401


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_form_without_its_csrf_token_is_refused_in_the_coordinators_language(
    console: ConsoleServer, database_url: str, account_name: str, lead_id: int, language: str
) -> None:
    add_account(database_url, account_name, "coordinator")
    client = ConsoleClient(console.url)
    client.log_in(account_name, language=language)
    message = shown("error_csrf", language)

    missing = client.post(f"/leads/{lead_id}/status", {"status": "closed"})
    wrong = client.post(f"/leads/{lead_id}/status", {"status": "closed", "csrf": "x" * 43})
    page = client.get(f"/leads/{lead_id}")

    assert (missing.status_code, wrong.status_code) == (403, 403)
    assert message in missing.text and message in wrong.text
    assert shown("status_new", language) in page.text


def test_the_login_form_needs_its_own_token(console: ConsoleServer, database_url: str, account_name: str) -> None:
    add_account(database_url, account_name, "coordinator")
    client = ConsoleClient(console.url)

    reply = client.post("/login", {"name": account_name, "password": PASSWORD})

    assert reply.status_code == 403 and shown("error_csrf") in reply.text


def test_another_sessions_token_is_refused(console: ConsoleServer, database_url: str, lead_id: int) -> None:
    first, second = _signed_in(console, database_url, "coordinator"), _signed_in(console, database_url, "coordinator")

    reply = first.post(f"/leads/{lead_id}/notes", {"csrf": second.csrf(), "text": "a note"})

    assert reply.status_code == 403


@pytest.mark.parametrize("path", [*ADMIN_PAGES, "/leads/{lead}/delete"])
def test_a_coordinator_cannot_reach_the_admin_pages(
    console: ConsoleServer, database_url: str, lead_id: int, path: str
) -> None:
    coordinator = _signed_in(console, database_url, "coordinator")
    admin = _signed_in(console, database_url, "admin")
    path = path.format(lead=lead_id)

    refused = coordinator.get(path)

    assert refused.status_code == 403 and shown("error_forbidden") in refused.text
    assert admin.get(path).status_code == 200


def test_a_coordinator_can_neither_export_nor_delete_nor_purge(
    console: ConsoleServer, database_url: str, lead_id: int
) -> None:
    coordinator = _signed_in(console, database_url, "coordinator")
    token = coordinator.csrf()

    replies = [
        coordinator.post("/leads/export", {"csrf": token}),
        coordinator.post(f"/leads/{lead_id}/delete", {"csrf": token}),
        coordinator.post("/admin/purge", {"csrf": token}),
    ]

    assert [reply.status_code for reply in replies] == [403, 403, 403]
    assert "text/csv" not in replies[0].headers["Content-Type"]
    assert coordinator.get(f"/leads/{lead_id}").status_code == 200


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_idle_session_goes_back_to_the_login(
    console: ConsoleServer, database_url: str, account_name: str, language: str
) -> None:
    add_account(database_url, account_name, "coordinator")
    client = ConsoleClient(console.url)
    client.log_in(account_name, language=language)
    assert client.get("/leads").status_code == 200

    age_sessions(database_url, account_name, timedelta(minutes=31))
    expired = client.get("/leads")
    login = client.get(expired.headers["Location"])

    assert (expired.status_code, expired.headers["Location"]) == (303, f"/login?expired=1&lang={language}")
    assert shown("expired", language) in login.text
    age_sessions(database_url, account_name, timedelta(0))
    assert client.get("/leads").status_code == 303


def test_signing_out_ends_the_session(console: ConsoleServer, database_url: str) -> None:
    client = _signed_in(console, database_url, "coordinator")
    cookie = client.http.cookies.get("sos_console_session")

    client.post("/logout", {"csrf": client.csrf()})
    client.http.cookies.set("sos_console_session", cookie)

    assert client.get("/leads").status_code == 303


def _signed_in(console: ConsoleServer, database_url: str, role: str) -> ConsoleClient:
    name = f"{role}-{next(_accounts)}"
    add_account(database_url, name, role)
    client = ConsoleClient(console.url)
    assert client.log_in(name).status_code == 303
    return client


def _account_id(database_url: str, name: str) -> int:
    with Session(get_engine(database_url), future=True) as session:
        return staff.find_account(session, name).id


def _forget_failures(database_url: str) -> None:
    with Session(get_engine(database_url), future=True) as session, session.begin():
        staff.forget_failures(session, datetime.now(UTC) + timedelta(minutes=1))


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_unknown_request_is_a_not_found_page_in_the_coordinators_language(
    console: ConsoleServer, database_url: str, account_name: str, language: str
) -> None:
    add_account(database_url, account_name, "coordinator")
    client = ConsoleClient(console.url)
    client.log_in(account_name, language=language)

    reply = client.get("/leads/999999")

    assert reply.status_code == 404 and shown("error_not_found", language) in reply.text


def test_the_console_export_is_the_command_lines_guarded_csv(
    console: ConsoleServer, lead_store: dict[str, str]
) -> None:
    settings = LeadSettings.from_env(lead_store)
    lead_id = store_submission(settings, make_submission(name="=HYPERLINK(1)", email="formula@example.org")).lead_id
    admin = _signed_in(console, lead_store["SOS_DATABASE_URL"], "admin")

    reply = admin.post("/leads/export", {"csrf": admin.csrf()})

    assert reply.status_code == 200 and reply.headers["Content-Type"].startswith("text/csv")
    assert reply.headers["Content-Disposition"].startswith('attachment; filename="leads-')
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(reply.content.decode("utf-8")))}
    assert rows[str(lead_id)]["name"] == "'=HYPERLINK(1)"
    assert list(rows[str(lead_id)]) == list(operations.EXPORT_FIELDS)
