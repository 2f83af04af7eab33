"""The server set-ups of ``tools/stack.py`` and ``endpoints-redis.yml``, against a real Redis."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import redis
from rasa.core.lock_store import LockStore
from rasa.core.tracker_store import TrackerStore
from rasa.core.utils import AvailableEndpoints
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.stores.redis_lock_store import RedisLockStore
from bot.stores.redis_tracker_store import RedisTrackerStore
from tools.model import PROJECT
from tools.stack import RasaStack, RedisServer

ONE_DAY_S = 86400


@pytest.fixture
def redis_endpoints(redis_env: RedisServer, monkeypatch: pytest.MonkeyPatch) -> AvailableEndpoints:
    """``endpoints-redis.yml`` read as the Rasa server reads it, pointed at the test's Redis."""
    monkeypatch.setenv("ACTION_ENDPOINT_URL", "http://127.0.0.1:1/webhook")
    return AvailableEndpoints.read_endpoints(str(PROJECT / "endpoints-redis.yml"))


def test_redis_endpoints_keep_each_conversation_a_day_in_redis(redis_endpoints, redis_server):
    domain = Domain.load(str(PROJECT / "domain.yml"))
    store = TrackerStore.create(redis_endpoints.tracker_store, domain)
    # (Rasa falls back on an in-memory store, with a warning, when the class cannot be imported.)
    assert isinstance(store, RedisTrackerStore)
    tracker = DialogueStateTracker.from_events(
        "redis-test", [UserUttered("bonjour"), SlotSet("language", "fr")], domain.slots
    )
    asyncio.run(store.save(tracker))
    restored = asyncio.run(store.retrieve("redis-test"))

    assert restored.get_slot("language") == "fr"
    assert restored.latest_message.text == "bonjour"
    client = redis.Redis(host="127.0.0.1", port=redis_server.port, db=0)
    assert 0 < client.ttl(b"tracker:redis-test") <= ONE_DAY_S


def test_redis_endpoints_share_conversation_locks_between_processes(redis_endpoints):
    # Each server process creates its own lock store (the project's, changing tickets atomically);
    # the tickets live in Redis.
    first, second = LockStore.create(redis_endpoints.lock_store), LockStore.create(redis_endpoints.lock_store)
    assert isinstance(first, RedisLockStore)
    served = first.issue_ticket("lock-test")
    waiting = second.issue_ticket("lock-test")
    assert waiting == served + 1
    assert second.get_lock("lock-test").is_locked(waiting)
    first.finish_serving("lock-test", served)
    assert not second.get_lock("lock-test").is_locked(waiting)


def test_several_server_processes_need_redis():
    with pytest.raises(ValueError, match="Redis"):
        RasaStack(Path("model.tar.gz"), workers=2)


def test_the_redis_server_stops_with_its_block(redis_server, tmp_path):
    # (``redis_server``: skipped, or failed in CI, where there is no redis-server.)
    with RedisServer(tmp_path) as server:
        assert redis.Redis(host="127.0.0.1", port=server.port).ping()
    assert server.process.poll() is not None
    with pytest.raises(redis.ConnectionError):
        redis.Redis(host="127.0.0.1", port=server.port, socket_connect_timeout=1).ping()
