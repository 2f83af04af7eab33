"""Fixtures of the console tests: a lead database on each backend and a console process on it.

The database (SQLite in a temporary folder, or a database of the session's real PostgreSQL
server) and its console start once per module and backend; each test makes accounts of its own.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from actions.leads.database import dispose_engines
from tests.support.console import ConsoleServer
from tests.support.postgres import PostgresServer, postgres_or_skip

_names = itertools.count(1)
CHROMIUM = Path(os.environ.get("SOS_CHROMIUM", "/usr/bin/chromium"))
# As the widget's browser tests start it (tests/e2e/test_widget_browser.py).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def console_postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL server for the console tests of the session."""
    with postgres_or_skip() as server:
        yield server


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def lead_store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The lead store's environment (``SOS_DATA_DIR``, ``SOS_DATABASE_URL``) on each backend."""
    data_dir = tmp_path_factory.mktemp("console-data")
    if request.param == "sqlite":
        yield {"SOS_DATA_DIR": str(data_dir), "SOS_DATABASE_URL": f"sqlite:///{data_dir / 'leads.sqlite3'}"}
        dispose_engines()
        return
    server: PostgresServer = request.getfixturevalue("console_postgres")
    name = f"console_{next(_names)}"
    yield {"SOS_DATA_DIR": str(data_dir), "SOS_DATABASE_URL": server.create_database(name)}
    dispose_engines()
    server.drop_database(name)


@pytest.fixture(scope="module")
def console(lead_store: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[ConsoleServer]:
    """The console process on the module's lead store."""
    with ConsoleServer(lead_store, tmp_path_factory.mktemp("console-log")) as server:
        yield server


@pytest.fixture
def database_url(lead_store: dict[str, str]) -> str:
    """The URL of the module's lead database."""
    return lead_store["SOS_DATABASE_URL"]


@pytest.fixture
def account_name() -> str:
    """A new account name for each test."""
    return f"staff-{next(_names)}"


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's Chromium: without it the browser tests are skipped, or failed if ``SOS_REQUIRE_BROWSER=1``."""
    if not CHROMIUM.is_file():
        reason = f"{CHROMIUM} is missing (apt-get install chromium): the console's browser tests need it"
        if os.environ.get("SOS_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return CHROMIUM


@pytest.fixture(scope="module")
def browser(chromium: Path) -> Iterator[Browser]:
    """Chromium, headless, for one module (Playwright's loop ends before other modules' asyncio tests)."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[..., Page]]:
    """Opens pages in fresh browser contexts (no cookie); fails the test on any page error."""
    contexts, errors = [], []

    def open_page(locale: str = "fr-CA") -> Page:
        context = browser.new_context(viewport={"width": 1280, "height": 860}, locale=locale, accept_downloads=True)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(error))
        page.set_default_timeout(10_000)
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not errors, f"errors in the page: {errors}"
