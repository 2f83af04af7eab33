"""How Meta's webhook deliveries are turned into turns: once each, one at a time per person.

Meta may deliver the same event twice, and answers a slow webhook by delivering again, so the
channels acknowledge at once and answer in the background; these keep that safe.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
from collections import OrderedDict
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from typing import Any, Protocol

import redis

logger = logging.getLogger(__name__)

REMEMBERED_MESSAGE_IDS = 2048
# With several server processes, the ids live in Redis (the database after the conversations'
# and the locks') for a week, longer than Meta keeps redelivering.
SEEN_IDS_DB = 2
SEEN_IDS_TTL_S = 7 * 24 * 3600
REDIS_TIMEOUT_S = 0.5


class SeenIds(Protocol):
    """Remembers the message ids already received."""

    def seen(self, message_id: str | None) -> bool:
        """True when ``message_id`` was already seen; remembers it otherwise."""


class RecentIds:
    """The last message ids this process saw, to drop Meta's redeliveries."""

    def __init__(self, size: int = REMEMBERED_MESSAGE_IDS) -> None:
        """Remembers up to ``size`` ids, forgetting the oldest first."""
        self.size = size
        self._ids: OrderedDict[str, None] = OrderedDict()

    def seen(self, message_id: str | None) -> bool:
        """True when ``message_id`` was already seen; remembers it otherwise (``None`` is never seen)."""
        if not message_id:
            return False
        if message_id in self._ids:
            return True
        self._ids[message_id] = None
        if len(self._ids) > self.size:
            self._ids.popitem(last=False)
        return False


class SharedRecentIds:
    """The message ids every server process saw, in Redis: a copy of a message that another
    process received first is dropped too.

    Should Redis fail, the process falls back on its own memory (and logs it): a redelivered
    copy may then be answered twice, but no message goes unanswered.
    """

    def __init__(self, client: redis.Redis, channel: str) -> None:
        """Ids of ``channel`` (a key prefix) kept by ``client``."""
        self.client = client
        self.channel = channel
        self.prefix = f"sos:seen:{channel}:"
        self._local = RecentIds()

    def seen(self, message_id: str | None) -> bool:
        """True when any process already saw ``message_id``; remembers it otherwise."""
        if not message_id:
            return False
        local = self._local.seen(message_id)
        # A digest, not the id: WhatsApp's ids carry the sender's phone number.
        key = self.prefix + hashlib.sha256(message_id.encode("utf-8", "surrogateescape")).hexdigest()
        try:
            first = self.client.set(key, 1, nx=True, ex=SEEN_IDS_TTL_S)
        except redis.RedisError as error:
            logger.warning(
                "%s: Redis unavailable (%s), redeliveries are recognised by this process only",
                self.channel,
                type(error).__name__,
            )
            return local
        return not first


def recent_ids(channel: str) -> SeenIds:
    """Shared ids when the conversations are in Redis (``SOS_REDIS_HOST``), else this process's."""
    host = os.environ.get("SOS_REDIS_HOST", "").strip()
    if not host:
        return RecentIds()
    client = redis.Redis(
        host=host,
        port=int(os.environ.get("SOS_REDIS_PORT") or 6379),
        password=os.environ.get("SOS_REDIS_PASSWORD") or None,
        db=SEEN_IDS_DB,
        socket_timeout=REDIS_TIMEOUT_S,
        socket_connect_timeout=REDIS_TIMEOUT_S,
    )
    return SharedRecentIds(client, channel)


class ConversationTurns:
    """One message at a time per conversation, in arrival order (``asyncio.Lock`` is FIFO)."""

    def __init__(self) -> None:
        """No conversation is waiting."""
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def turn(self, sender: str) -> AsyncIterator[None]:
        """Waits for the conversation's previous messages to be handled."""
        lock, users = self._locks.get(sender, (asyncio.Lock(), 0))
        self._locks[sender] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[sender]
            if users <= 1:
                del self._locks[sender]
            else:
                self._locks[sender] = (lock, users - 1)


class BackgroundWork:
    """Answers run after the webhook has replied: each task is kept until it ends, and a
    failure is logged (asyncio keeps only weak references to tasks)."""

    def __init__(self, channel: str) -> None:
        """Work of ``channel`` (its name in task names and logs)."""
        self.channel = channel
        self._tasks: set[asyncio.Task] = set()

    def start(self, work: Coroutine[Any, Any, None], name: str) -> None:
        """Runs ``work`` in the background on the running loop."""
        task = asyncio.get_running_loop().create_task(work, name=f"{self.channel}-{name}")
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("%s: answering failed", self.channel, exc_info=task.exception())
