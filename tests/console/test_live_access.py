"""The Conversations pages against the real console process, with no Rasa server behind it.

A console whose Rasa server is down (or not set up) lists the waiting conversations, says why it
cannot take one over, and changes nothing: the conversation stays waiting for the next try.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from actions.leads import live
from actions.leads.database import get_engine
from actions.leads.models import LiveConversation
from actions.leads.settings import LeadSettings
from tests.support.console import ConsoleClient, ConsoleServer, add_account, shown
from tools.stack import free_port


@pytest.fixture(scope="module")
def lonely_console(lead_store: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[ConsoleServer]:
    """A console whose Rasa server does not answer (nothing listens on its port)."""
    env = {
        **lead_store,
        "SOS_RASA_URL": f"http://127.0.0.1:{free_port()}",
        "SOS_HANDOFF_SECRET": "a-secret-nobody-checks-0123456789",
    }
    with ConsoleServer(env, tmp_path_factory.mktemp("lonely-console")) as server:
        yield server


def _waiting(lead_store: dict[str, str], conversation_id: str) -> int:
    assert live.note_waiting("whatsapp", conversation_id, "en", LeadSettings.from_env(lead_store))
    with Session(get_engine(lead_store["SOS_DATABASE_URL"]), future=True) as db:
        return live.find(db, "whatsapp", conversation_id).id


def test_the_list_needs_a_session_and_shows_waiting_conversations(
    lonely_console: ConsoleServer, lead_store: dict[str, str], database_url: str, account_name: str
) -> None:
    row_id = _waiting(lead_store, "15145550101")
    anonymous = ConsoleClient(lonely_console.url)
    assert anonymous.get("/conversations/list.json").headers["Location"] == "/login"
    add_account(database_url, account_name, "coordinator")
    client = ConsoleClient(lonely_console.url)
    client.log_in(account_name, language="en")

    rows = client.get("/conversations/list.json").json()["rows"]
    page = client.get("/conversations").text

    assert {"id": row_id, "state": "waiting", "channel": "WhatsApp", "language": "English"}.items() <= next(
        row for row in rows if row["id"] == row_id
    ).items()
    assert f'data-id="{row_id}"' in page
    assert "15145550101" not in page and "15145550101" not in str(rows)


def test_a_claim_the_rasa_server_cannot_take_changes_nothing_and_says_why(
    lonely_console: ConsoleServer, lead_store: dict[str, str], database_url: str, account_name: str
) -> None:
    row_id = _waiting(lead_store, "15145550102")
    add_account(database_url, account_name, "coordinator")
    client = ConsoleClient(lonely_console.url)
    client.log_in(account_name, language="fr")
    token = client.csrf("/conversations")

    refused = client.post(f"/conversations/{row_id}/claim", {"csrf": "wrong"})
    answer = client.post(f"/conversations/{row_id}/claim", {"csrf": token})

    assert refused.status_code == 403
    assert answer.headers["Location"] == f"/conversations/{row_id}?notice=notice_rasa_down"
    assert shown("notice_rasa_down") in client.get(answer.headers["Location"]).text
    with Session(get_engine(database_url), future=True) as db:
        found = db.get(LiveConversation, row_id)
        assert (found.status, found.coordinator) == ("waiting", None)
    reply = client.post(f"/conversations/{row_id}/reply", {"csrf": token, "text": "Bonjour"})
    assert reply.headers["Location"] == f"/conversations/{row_id}?notice=notice_not_yours"


def test_the_pages_allow_their_own_script_only(
    lonely_console: ConsoleServer, database_url: str, account_name: str
) -> None:
    add_account(database_url, account_name, "coordinator")
    client = ConsoleClient(lonely_console.url)
    client.log_in(account_name)

    policy = client.get("/conversations").headers["Content-Security-Policy"]

    assert "script-src 'self'" in policy and "connect-src 'self'" in policy and "'unsafe-inline'" not in policy
    assert client.get("/static/conversations.js").status_code == 200
