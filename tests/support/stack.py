"""The environment of the test stacks: where their data goes and the channels' test settings."""

from __future__ import annotations

import functools
import secrets

import pytest

from tests.support.fake_graph import FakeGraphApi

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


@functools.cache
def handoff_secret() -> str:
    """The secret of the Rasa server's coordinator endpoint in this test run (random, never stored)."""
    return secrets.token_urlsafe(24)


def server_env(
    tmp_path_factory: pytest.TempPathFactory,
    folder: str,
    database_url: str | None = None,
    graph: FakeGraphApi | None = None,
) -> dict[str, str]:
    """The environment of a test stack: its data (and spool) in a new temporary ``folder``,
    leads in SQLite there unless ``database_url`` names another database, spooled leads
    retried every second, the coordinator endpoint open to the run's secret, and with ``graph``
    the channels' test settings and Meta's fake."""
    env = {
        "SOS_DATA_DIR": str(tmp_path_factory.mktemp(folder)),
        "SOS_SPOOL_RETRY_SECONDS": "1",
        "SOS_HANDOFF_SECRET": handoff_secret(),
    }
    if database_url:
        env["SOS_DATABASE_URL"] = database_url
    if graph:
        env.update({"SOS_GRAPH_API_URL": graph.url, "SANIC_REQUEST_MAX_SIZE": "1048576", **CHANNEL_ENV})
    return env
