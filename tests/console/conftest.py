"""Fixtures of the console tests: a lead database on each backend and a console process on it.

The database (SQLite in a temporary folder, or a database of the session's real PostgreSQL
server) and its console start once per module and backend; each test makes accounts of its own.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from actions.leads.database import dispose_engines
from tests.support.console import ConsoleServer
from tests.support.postgres import PostgresServer, postgres_or_skip

_names = itertools.count(1)


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
