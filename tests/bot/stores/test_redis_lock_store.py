"""``bot.stores.redis_lock_store``: one holder at a time, whatever the processes do at once, against a real Redis."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
import redis
from rasa.core.lock_store import LockError, LockStore
from rasa.utils.endpoints import EndpointConfig

from bot.stores.redis_lock_store import RedisLockStore
from tools.stack import RedisServer

WORKERS = 4
ROUNDS = 40


def store_on(server: RedisServer) -> RedisLockStore:
    """The store as the Rasa server builds it from ``endpoints-redis.yml``."""
    config = EndpointConfig(url="127.0.0.1", type="bot.stores.redis_lock_store.RedisLockStore", port=server.port, db=1)
    store = LockStore.create(config)
    assert isinstance(store, RedisLockStore)
    return store


def hold_in_turn(store: LockStore, server: RedisServer, conversation_id: str, errors: list[BaseException]) -> None:
    """``ROUNDS`` times: take the lock, and add one to a counter by reading and writing it back."""
    counter = redis.Redis(host="127.0.0.1", port=server.port, db=2)

    async def rounds() -> None:
        for _ in range(ROUNDS):
            async with store.lock(conversation_id, wait_time_in_seconds=0.001):
                value = int(counter.get(conversation_id) or 0)
                await asyncio.sleep(0.001)
                counter.set(conversation_id, value + 1)

    try:
        asyncio.run(rounds())
    except BaseException as error:  # reported to the test's thread
        errors.append(error)


@pytest.mark.parametrize("conversation_id", ["whatsapp:+15145550123", "c0ffee-widget-session"])
def test_processes_taking_one_conversation_s_lock_at_once_never_hold_it_together(redis_server, conversation_id):
    # Each thread stands for a server process: a store of its own, a Redis connection of its own.
    # With Rasa's own RedisLockStore the counter ends short (two holders read the same value) or
    # a waiting ticket finds its queue deleted (LockError).
    errors: list[BaseException] = []
    threads = [
        threading.Thread(target=hold_in_turn, args=(store_on(redis_server), redis_server, conversation_id, errors))
        for _ in range(WORKERS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    counter = redis.Redis(host="127.0.0.1", port=redis_server.port, db=2)
    assert int(counter.get(conversation_id)) == WORKERS * ROUNDS
    # The last holder leaves no queue behind.
    assert store_on(redis_server).get_lock(conversation_id) is None


def test_tickets_are_served_in_the_order_they_were_issued(redis_server):
    first, second = store_on(redis_server), store_on(redis_server)
    served = first.issue_ticket("order-test")
    waiting = second.issue_ticket("order-test")
    assert waiting == served + 1
    assert second.get_lock("order-test").is_locked(waiting)
    first.cleanup("order-test", served)
    assert not second.get_lock("order-test").is_locked(waiting)
    second.cleanup("order-test", waiting)
    assert first.get_lock("order-test") is None


def test_an_expired_ticket_no_longer_holds_the_queue(redis_server):
    store = store_on(redis_server)
    stale = store.issue_ticket("expiry-test", lock_lifetime=0.2)  # a process that stopped holding it
    waiting = store.issue_ticket("expiry-test")
    assert store.get_lock("expiry-test").is_locked(waiting)
    time.sleep(0.3)
    store.update_lock("expiry-test")
    assert not store.get_lock("expiry-test").is_locked(waiting)
    store.cleanup("expiry-test", waiting)
    assert stale != waiting
    assert store.get_lock("expiry-test") is None


def test_an_unreachable_redis_is_a_lock_error():
    store = RedisLockStore(host="127.0.0.1", port=1, socket_timeout=1)
    with pytest.raises(LockError):
        store.issue_ticket("unreachable-test")
