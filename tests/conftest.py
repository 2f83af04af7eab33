"""Shared fixtures: the trained model and a real Rasa stack on loopback."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from bot import model
from bot.servers import RasaStack

_senders = itertools.count()


@pytest.fixture(scope="session")
def trained_model() -> Path:
    """The model for the project's current data and config (trained only if missing)."""
    return model.train()


@pytest.fixture(scope="session")
def stack(trained_model: Path, tmp_path_factory: pytest.TempPathFactory) -> RasaStack:
    """A Rasa server and an action server, started once for the test session.

    Leads go to an SQLite file in a temporary folder (the embedded default).
    """
    data_dir = tmp_path_factory.mktemp("data")
    env = {"SOS_DATA_DIR": str(data_dir), "SOS_SPOOL_RETRY_SECONDS": "1"}
    with RasaStack(trained_model, tmp_path_factory.mktemp("stack"), env) as running:
        yield running


@pytest.fixture
def sender() -> str:
    """A new conversation id for each test."""
    return f"test-{next(_senders)}"
