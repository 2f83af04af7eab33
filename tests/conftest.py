"""Shared fixtures: the trained model and a real Rasa stack on loopback.

Every test that needs the trained model (directly or through a stack) is marked ``model``, so
``make test-fast`` (``pytest -m "not model"``) runs all the others without training.
"""

from __future__ import annotations

import itertools
import os
import shutil
from pathlib import Path

import pytest

from tests.support.fake_graph import FakeGraphApi
from tests.support.postgres import postgres_or_skip
from tests.support.stack import server_env
from tools import model
from tools.stack import RasaStack, RedisServer

_senders = itertools.count()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Marks ``model`` every test that asks, directly or not, for the trained model."""
    for item in items:
        if "trained_model" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.model)


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
        with RasaStack(
            trained_model, tmp_path_factory.mktemp("scaled-stack"), env, redis=redis_server, workers=2
        ) as running:
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
