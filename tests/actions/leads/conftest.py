"""Fixtures of the lead tests: both database backends, settings, and local notification servers.

Every database test runs on SQLite (a file in ``tmp_path``) and on a real PostgreSQL server
started for the session. Without PostgreSQL's binaries the PostgreSQL runs are skipped, unless
``SOS_REQUIRE_POSTGRES=1`` (CI), which makes them fail.
"""

from __future__ import annotations

import itertools
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from actions.leads.database import dispose_engines
from actions.leads.settings import LeadSettings
from actions.leads.spool import RETRY_THREAD_NAME
from tests.support.postgres import REQUIRE_VARIABLE, PostgresServer, postgres_or_skip
from tests.support.receivers import Inbox, WebhookReceiver

_database_names = itertools.count()


@pytest.fixture(autouse=True)
def no_lead_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hides the developer's ``SOS_*`` variables: tests say what they use."""
    for name in list(os.environ):
        if name.startswith("SOS_") and name != REQUIRE_VARIABLE:
            monkeypatch.delenv(name)


@pytest.fixture(autouse=True)
def no_spool_thread_left() -> Iterator[None]:
    """Fails a test that leaves a spool retry thread running (it would outlive its database)."""
    yield
    for thread in threading.enumerate():
        if thread.name == RETRY_THREAD_NAME:
            thread.join(timeout=10)
            assert not thread.is_alive(), "a spool retry thread is still running"


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server for the whole session."""
    with postgres_or_skip() as server:
        yield server


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty leads database on each backend, dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'leads.sqlite3'}"
        dispose_engines()
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    name = f"leads_{next(_database_names)}"
    url = server.create_database(name)
    yield url
    dispose_engines()
    if not server.running:
        server.start()
    server.drop_database(name)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> LeadSettings:
    """Settings on the test database, a spool in ``tmp_path`` and no notification."""
    return LeadSettings.for_data_dir(tmp_path / "data", database_url=database_url, spool_retry_seconds=0.05)


@pytest.fixture
def webhook() -> Iterator[WebhookReceiver]:
    """A webhook receiver on 127.0.0.1 answering 204."""
    with WebhookReceiver.running() as receiver:
        yield receiver


@pytest.fixture
def smtp_inbox() -> Iterator[Inbox]:
    """An SMTP server on 127.0.0.1 (AUTH allowed without TLS, for the test account)."""
    with Inbox.running() as inbox:
        yield inbox
