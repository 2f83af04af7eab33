"""How Meta's webhook deliveries are turned into turns: once each, one at a time per person.

Meta may deliver the same event twice, and answers a slow webhook by delivering again, so the
channels acknowledge at once and answer in the background; these keep that safe.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from typing import Any

logger = logging.getLogger(__name__)

REMEMBERED_MESSAGE_IDS = 2048


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
