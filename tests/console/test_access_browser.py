"""The access rules as a coordinator meets them in real Chromium, on SQLite and PostgreSQL:
a wrong password refused then throttled, a form posted without its CSRF token refused with a
clear page in their language, an idle session sent back to the login, the administrators'
pages closed to a coordinator."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from actions.leads.service import store_submission
from actions.leads.settings import LeadSettings
from actions.leads.staff import ACCOUNT_FAILURES
from tests.support.console import PASSWORD, ConsoleServer, add_account, age_sessions
from tests.support.leads import make_submission

ERROR_CSRF = {
    "fr": "Ce formulaire n'a pas été accepté : il a expiré ou ne vient pas de cette console.",
    "en": "This form was not accepted: it expired or does not come from this console.",
}
EXPIRED = {
    "fr": "Votre session a expiré après une période d'inactivité.",
    "en": "Your session expired after a period of inactivity.",
}


def sign_in(page: Page, console: ConsoleServer, name: str, password: str, language: str) -> None:
    """Fills and sends the login form in ``language``."""
    page.goto(f"{console.url}/login?lang={language}")
    page.locator("#name").fill(name)
    page.locator("#password").fill(password)
    page.locator("form button[type=submit]").click()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_wrong_password_is_refused_then_throttled(
    console: ConsoleServer, database_url: str, account_name: str, new_page: Callable[..., Page], language: str
) -> None:
    add_account(database_url, account_name, "coordinator")
    page = new_page()
    wrong = {"fr": "Nom de compte ou mot de passe incorrect.", "en": "Wrong account name or password."}[language]
    throttled = {"fr": r"Trop de tentatives refusées\. Réessayez dans 15 min\.", "en": r"Try again in 15 min\."}

    for _ in range(ACCOUNT_FAILURES):
        sign_in(page, console, account_name, "not my password", language)
        expect(page.get_by_role("alert")).to_have_text(wrong)
    sign_in(page, console, account_name, PASSWORD, language)

    expect(page.get_by_role("alert")).to_have_text(re.compile(throttled[language]))
    expect(page).to_have_url(re.compile(r"/login$"))
    page.goto(f"{console.url}/leads")
    expect(page).to_have_url(re.compile(r"/login$"))


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_form_posted_without_its_csrf_token_is_refused(
    console: ConsoleServer,
    lead_store: dict[str, str],
    account_name: str,
    new_page: Callable[..., Page],
    language: str,
) -> None:
    lead_id = store_submission(LeadSettings.from_env(lead_store), make_submission()).lead_id
    add_account(lead_store["SOS_DATABASE_URL"], account_name, "coordinator")
    page = new_page()
    sign_in(page, console, account_name, PASSWORD, language)
    page.goto(f"{console.url}/leads/{lead_id}")

    page.locator("form.status-form input[name=csrf]").evaluate("input => input.remove()")
    page.locator("form.status-form button[value=closed]").click()

    expect(page.get_by_role("alert")).to_contain_text(ERROR_CSRF[language])
    page.goto(f"{console.url}/leads/{lead_id}")
    expect(page.locator("#status")).to_have_text({"fr": "nouvelle", "en": "new"}[language])


@pytest.mark.parametrize("language", ["fr", "en"])
def test_an_expired_session_goes_back_to_the_login(
    console: ConsoleServer, database_url: str, account_name: str, new_page: Callable[..., Page], language: str
) -> None:
    add_account(database_url, account_name, "coordinator")
    page = new_page()
    sign_in(page, console, account_name, PASSWORD, language)
    expect(page).to_have_url(re.compile(r"/leads$"))

    age_sessions(database_url, account_name, timedelta(minutes=31))
    page.get_by_role("link", name=re.compile("Questions sans réponse|Unanswered questions")).click()

    expect(page).to_have_url(re.compile(rf"/login\?expired=1&lang={language}$"))
    expect(page.get_by_role("status")).to_contain_text(EXPIRED[language])


def test_a_coordinator_cannot_reach_the_admin_pages(
    console: ConsoleServer, database_url: str, account_name: str, new_page: Callable[..., Page]
) -> None:
    add_account(database_url, account_name, "coordinator")
    page = new_page()
    sign_in(page, console, account_name, PASSWORD, "en")

    expect(page.get_by_role("link", name="Audit log")).to_have_count(0)
    for path in ("/admin/audit", "/admin/accounts", "/admin/purge"):
        page.goto(f"{console.url}{path}")
        expect(page.get_by_role("heading", level=1)).to_have_text("Restricted")
        expect(page.get_by_role("alert")).to_have_text("This page is for administrators only.")


def test_the_header_switches_the_console_between_french_and_english(
    console: ConsoleServer, database_url: str, account_name: str, new_page: Callable[..., Page]
) -> None:
    add_account(database_url, account_name, "coordinator")
    page = new_page()
    sign_in(page, console, account_name, PASSWORD, "fr")
    page.get_by_role("link", name="Questions sans réponse").click()

    page.get_by_role("button", name="English").click()

    expect(page).to_have_url(re.compile(r"/unanswered$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Unanswered questions")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("link", name="Requests").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Call-back requests")
    page.get_by_role("button", name="Français").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Demandes de rappel")
