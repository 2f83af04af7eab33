"""What Messenger and WhatsApp share: Meta's signature and subscription handshake, and how
deliveries become turns (redeliveries dropped, also across server processes through Redis)."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
from types import SimpleNamespace

import pytest
import redis

from bot.channels.delivery import (
    SEEN_IDS_DB,
    SEEN_IDS_TTL_S,
    BackgroundWork,
    ConversationTurns,
    RecentIds,
    SharedRecentIds,
    recent_ids,
)
from bot.channels.meta import close_graph_session, graph_url, post_to_graph, signature_is_valid, verification_reply
from tests.support.fake_graph import FakeGraphApi
from tools.stack import free_port

SECRET = "app-secret"
BODY = b'{"object": "page", "entry": []}'
GOOD = "sha256=" + hmac.new(SECRET.encode(), BODY, hashlib.sha256).hexdigest()


def test_a_body_signed_with_the_app_secret_is_accepted():
    assert signature_is_valid(SECRET, BODY, GOOD)
    assert signature_is_valid(SECRET, BODY, GOOD.upper().replace("SHA256=", "sha256="))


@pytest.mark.parametrize(
    "header",
    [None, "", "sha256=", GOOD[:-1] + "0", "sha1=" + GOOD[7:], GOOD[7:], "sha256=é" * 3, "sha256=\udcff", GOOD + " x"],
)
def test_a_missing_wrong_or_strange_signature_is_refused_without_an_error(header):
    assert not signature_is_valid(SECRET, BODY, header)


def test_a_signature_of_another_body_or_secret_is_refused():
    assert not signature_is_valid(SECRET, BODY + b" ", GOOD)
    assert not signature_is_valid("other", BODY, GOOD)
    assert not signature_is_valid("", BODY, GOOD)


def handshake(**args: str):
    return verification_reply(SimpleNamespace(args=args), "verify-token", "test")


def test_the_handshake_answers_the_challenge_with_the_right_token():
    reply = handshake(**{"hub.mode": "subscribe", "hub.verify_token": "verify-token", "hub.challenge": "1158201444"})
    assert (reply.status, reply.body) == (200, b"1158201444")


@pytest.mark.parametrize(
    "args",
    [
        {"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1"},
        {"hub.mode": "unsubscribe", "hub.verify_token": "verify-token", "hub.challenge": "1"},
        {"hub.mode": "subscribe", "hub.verify_token": "vérify-token", "hub.challenge": "1"},
        {"hub.challenge": "1"},
    ],
)
def test_the_handshake_is_refused_otherwise(args):
    assert handshake(**args).status == 403


def test_the_graph_api_address_comes_from_the_environment(monkeypatch):
    monkeypatch.delenv("SOS_GRAPH_API_URL", raising=False)
    monkeypatch.delenv("SOS_GRAPH_API_VERSION", raising=False)
    assert graph_url("/me/messages") == "https://graph.facebook.com/v21.0/me/messages"
    monkeypatch.setenv("SOS_GRAPH_API_URL", "http://127.0.0.1:9999/")
    monkeypatch.setenv("SOS_GRAPH_API_VERSION", "v22.0")
    assert graph_url("123/messages") == "http://127.0.0.1:9999/v22.0/123/messages"


def test_a_message_id_is_seen_once_and_the_oldest_are_forgotten():
    recent = RecentIds(size=2)
    assert [recent.seen(mid) for mid in ("m1", "m1", "m2", "m3", "m1")] == [False, True, False, False, False]
    assert not recent.seen(None) and not recent.seen(None)


async def test_one_person_s_turns_run_one_at_a_time_in_arrival_order():
    turns, done = ConversationTurns(), []

    async def turn(sender: str, name: str, delay: float) -> None:
        async with turns.turn(sender):
            await asyncio.sleep(delay)
            done.append(name)

    await asyncio.gather(turn("a", "a1", 0.05), turn("a", "a2", 0), turn("b", "b1", 0.01))
    assert done.index("a1") < done.index("a2")
    assert done[0] == "b1"  # another person does not wait
    assert turns._locks == {}


async def test_background_work_is_kept_until_it_ends_and_a_failure_is_logged(caplog):
    background = BackgroundWork("whatsapp")
    done = asyncio.Event()
    results = []

    async def answer() -> None:
        await done.wait()
        results.append("answered")

    async def fail() -> None:
        raise RuntimeError("graph down")

    background.start(answer(), "…1234")
    background.start(fail(), "…5678")
    await asyncio.sleep(0.01)
    assert len(background._tasks) == 1
    assert [task.get_name() for task in background._tasks] == ["whatsapp-…1234"]
    done.set()
    await asyncio.sleep(0.01)
    assert results == ["answered"] and background._tasks == set()
    failures = [record for record in caplog.records if record.getMessage() == "whatsapp: answering failed"]
    assert len(failures) == 1 and "graph down" in str(failures[0].exc_info[1])


# --- With several server processes: the ids in a real Redis ---------------------------------


def test_a_message_seen_by_one_process_is_seen_by_the_other(redis_env):
    redis_server = redis_env
    first, second = recent_ids("facebook"), recent_ids("facebook")
    assert isinstance(first, SharedRecentIds)
    assert [first.seen("m.1"), second.seen("m.1"), first.seen("m.1")] == [False, True, True]
    # Another channel's ids are apart; no id is never seen.
    assert not recent_ids("whatsapp").seen("m.1")
    assert not second.seen(None) and not second.seen(None)
    keys = redis.Redis(host="127.0.0.1", port=redis_server.port, db=SEEN_IDS_DB).keys("sos:seen:facebook:*")
    assert keys == [b"sos:seen:facebook:" + hashlib.sha256(b"m.1").hexdigest().encode()]  # no id in clear
    ttl = redis.Redis(host="127.0.0.1", port=redis_server.port, db=SEEN_IDS_DB).ttl(keys[0])
    assert 0 < ttl <= SEEN_IDS_TTL_S


def test_without_redis_settings_each_process_keeps_its_own_ids(monkeypatch):
    monkeypatch.delenv("SOS_REDIS_HOST", raising=False)
    assert isinstance(recent_ids("whatsapp"), RecentIds)


def test_when_redis_fails_the_process_s_own_memory_is_used_and_it_is_logged(monkeypatch, caplog):
    monkeypatch.setenv("SOS_REDIS_HOST", "127.0.0.1")
    monkeypatch.setenv("SOS_REDIS_PORT", str(free_port()))  # nothing listens there
    recent = recent_ids("whatsapp")
    assert [recent.seen("w.1"), recent.seen("w.1"), recent.seen("w.2")] == [False, True, False]
    assert "whatsapp: Redis unavailable (ConnectionError)" in caplog.text


# --- Sending: one kept-alive connection to the Graph API ------------------------------------


async def test_graph_api_calls_share_one_connection_until_the_session_is_closed(fake_graph: FakeGraphApi, monkeypatch):
    monkeypatch.setenv("SOS_GRAPH_API_URL", fake_graph.url)
    recipient = "psid-connection-test"
    payload = {"recipient": {"id": recipient}, "sender_action": "typing_on"}
    for _ in range(3):
        assert await post_to_graph("me/messages", "token", payload, "test")
    await close_graph_session()
    assert await post_to_graph("me/messages", "token", payload, "test")
    await close_graph_session()
    peers = [request.peer for request in fake_graph.sent_to(recipient)]
    assert len(peers) == 4
    assert len(set(peers[:3])) == 1 and peers[3] != peers[0]


async def _closing_server(answer_from: int) -> tuple[asyncio.AbstractServer, list[int]]:
    """A server that closes the first ``answer_from - 1`` connections before answering, then
    answers 200 (as a kept-alive connection closed by Meta meanwhile would fail)."""
    connections: list[int] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(len(connections) + 1)
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").lower()
        length = int(head.split("content-length:", 1)[1].split("\r\n", 1)[0])
        await reader.readexactly(length)  # all of the request, so that closing sends no reset
        if connections[-1] >= answer_from:
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
            await writer.drain()
        writer.close()

    return await asyncio.start_server(handle, "127.0.0.1", 0), connections


@pytest.mark.parametrize(("answer_from", "sent"), [(2, True), (3, False)])
async def test_a_connection_closed_before_the_answer_is_tried_once_more(monkeypatch, caplog, answer_from, sent):
    caplog.set_level(logging.INFO, logger="bot.channels.meta")
    server, connections = await _closing_server(answer_from)
    port = server.sockets[0].getsockname()[1]
    monkeypatch.setenv("SOS_GRAPH_API_URL", f"http://127.0.0.1:{port}")
    async with server:
        result = await post_to_graph("me/messages", "token", {"recipient": {"id": "p"}}, "test")
        await close_graph_session()
    assert result is sent
    assert connections == [1, 2]  # never a third try
    assert "closed a kept-alive connection, sending again" in caplog.text
    assert ("test send failed" in caplog.text) is not sent
