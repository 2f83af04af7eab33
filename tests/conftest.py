"""Shared fixtures: the trained model and a real Rasa stack on loopback."""

from __future__ import annotations

import itertools
import os
import shutil
from pathlib import Path

import pytest

from bot import model
from bot.servers import RasaStack, RedisServer
from tests.fake_graph import FakeGraphApi
from tests.postgres import postgres_or_skip

# What Meta would hold for the page and the WhatsApp number, known only to the tests.
CHANNEL_ENV = {
    "SOS_MESSENGER_VERIFY_TOKEN": "messenger-verify-token-for-tests",
    "SOS_MESSENGER_APP_SECRET": "messenger-app-secret-for-tests",
    "SOS_MESSENGER_PAGE_TOKEN": "messenger-page-token-for-tests",
    "SOS_WHATSAPP_VERIFY_TOKEN": "whatsapp-verify-token-for-tests",
    "SOS_WHATSAPP_APP_SECRET": "whatsapp-app-secret-for-tests",
    "SOS_WHATSAPP_ACCESS_TOKEN": "whatsapp-access-token-for-tests",
    "SOS_WHATSAPP_PHONE_NUMBER_ID": "109876543210987",
}

_senders = itertools.count()


def server_env(
    tmp_path_factory: pytest.TempPathFactory,
    folder: str,
    database_url: str | None = None,
    graph: FakeGraphApi | None = None,
) -> dict[str, str]:
    """The environment of a test stack: its data (and spool) in a new temporary ``folder``,
    leads in SQLite there unless ``database_url`` names another database, spooled leads
    retried every second, and with ``graph`` the channels' test settings and Meta's fake."""
    env = {"SOS_DATA_DIR": str(tmp_path_factory.mktemp(folder)), "SOS_SPOOL_RETRY_SECONDS": "1"}
    if database_url:
        env["SOS_DATABASE_URL"] = database_url
    if graph:
        env.update({"SOS_GRAPH_API_URL": graph.url, "SANIC_REQUEST_MAX_SIZE": "1048576", **CHANNEL_ENV})
    return env


@pytest.fixture(scope="session")
def trained_model() -> Path:
    """The model for the project's current data and config (trained only if missing)."""
    return model.train()


@pytest.fixture(scope="session")
def fake_graph() -> FakeGraphApi:
    """Meta's Graph API, faked on loopback for the Messenger and WhatsApp channels."""
    with FakeGraphApi() as graph:
        yield graph


@pytest.fixture(scope="session")
def stack(trained_model: Path, tmp_path_factory: pytest.TempPathFactory, fake_graph: FakeGraphApi) -> RasaStack:
    """A Rasa server and an action server, started once for the test session.

    Leads go to an SQLite file in a temporary folder (the embedded default); the Messenger and
    WhatsApp channels get the test credentials and send to the fake Graph API.
    """
    env = server_env(tmp_path_factory, "data", graph=fake_graph)
    with RasaStack(trained_model, tmp_path_factory.mktemp("stack"), env) as running:
        yield running


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> RedisServer:
    """A real Redis server on loopback (Debian's redis-server); skipped without it, except in CI."""
    if shutil.which("redis-server") is None:
        message = "redis-server is not installed (Debian package redis-server: make system-deps)"
        if os.environ.get("SOS_REQUIRE_REDIS") == "1":
            pytest.fail(f"SOS_REQUIRE_REDIS=1 but {message}", pytrace=False)
        pytest.skip(message)
    with RedisServer(tmp_path_factory.mktemp("redis")) as server:
        yield server


@pytest.fixture(scope="session")
def scaled_stack(
    trained_model: Path,
    tmp_path_factory: pytest.TempPathFactory,
    fake_graph: FakeGraphApi,
    redis_server: RedisServer,
) -> tuple[RasaStack, str]:
    """The deployment set-up, and the URL of its lead database.

    Two Rasa server processes share the conversations and their locks through a real Redis
    server; leads go to a real PostgreSQL server; the channels are configured as in ``stack``.
    """
    with postgres_or_skip() as postgres:
        env = server_env(tmp_path_factory, "scaled-data", postgres.url, fake_graph)
        with RasaStack(trained_model, tmp_path_factory.mktemp("scaled-stack"), env, redis=redis_server, workers=2) as running:
            yield running, postgres.url


@pytest.fixture
def redis_env(redis_server: RedisServer, monkeypatch: pytest.MonkeyPatch) -> RedisServer:
    """The test's Redis, named by ``SOS_REDIS_*`` in this process's environment."""
    for name, value in redis_server.env.items():
        monkeypatch.setenv(name, value)
    return redis_server


@pytest.fixture
def sender() -> str:
    """A new conversation id for each test."""
    return f"test-{next(_senders)}"
