"""Rasa's Redis lock store, with each change to a conversation's tickets made atomically.

Rasa 3.6's ``RedisLockStore`` keeps a conversation's ticket queue (``TicketLock``) as one JSON
value and changes it by reading it, changing it in the process and writing it back. Two server
processes doing that at the same moment on the same conversation lose one of the changes: a
ticket issued twice, a finished ticket written back, a queue deleted under a waiting ticket.
Seen with eight coordinator replies sent at once to two processes (``test_live_handoff_scaled``):
a ticket that was already served came back, and every later reply waited behind it until the
console gave up. The same can happen to a person who writes twice quickly while a coordinator
answers.

Here every change (issue a ticket, drop expired ones, finish a ticket, delete an empty queue)
is one Redis transaction on the queue's key (``WATCH``/``MULTI``/``EXEC``): when another process
changed the key in between, the change is made again on what that process wrote. The tickets,
their order and their serialised form are Rasa's own. Used by ``endpoints-redis.yml``
(``type: bot.stores.redis_lock_store.RedisLockStore``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any, TypeVar

import redis
from rasa.core import lock_store
from rasa.core.lock import TicketLock
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

Result = TypeVar("Result")
Change = Callable[[TicketLock | None], tuple[Result, TicketLock | None]]


class RedisLockStore(lock_store.RedisLockStore):
    """Conversation locks in Redis, each change to a ticket queue made in one transaction."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> None:
        """Reads the Redis connection from ``endpoints.yml`` (``url``, ``port``, ``db``, ...)."""
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs, **kwargs}
        super().__init__(**kwargs)

    def _change(self, conversation_id: str, change: Change[Result]) -> Result:
        """Applies ``change`` to the stored queue and stores what it returns, in one transaction.

        ``change`` gets the stored queue (``None`` when there is none) and returns its result and
        the queue to store; an empty queue, or ``None``, deletes the key. It may run more than
        once, so it changes nothing but the queue it is given.
        """
        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    stored = pipe.get(key)
                    lock = TicketLock.from_dict(json.loads(stored)) if stored else None
                    result, changed = change(lock)
                    pipe.multi()
                    if changed is None or not changed.is_someone_waiting():
                        pipe.delete(key)
                    else:
                        pipe.set(key, changed.dumps())
                    pipe.execute()
                    return result
                except redis.WatchError:
                    logger.debug("Another process changed the lock of a conversation; changing it again.")

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = lock_store.LOCK_LIFETIME) -> int:
        """Adds a ticket at the end of the conversation's queue and returns its number."""

        def issue(lock: TicketLock | None) -> tuple[int, TicketLock]:
            lock = lock or self.create_lock(conversation_id)
            return lock.issue_ticket(lock_lifetime), lock

        try:
            return self._change(conversation_id, issue)
        except redis.RedisError as error:
            raise lock_store.LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: str) -> None:
        """Drops the expired tickets (a process that stopped while holding one)."""

        def drop_expired(lock: TicketLock | None) -> tuple[None, TicketLock | None]:
            if lock is not None:
                lock.remove_expired_tickets()
            return None, lock

        self._change(conversation_id, drop_expired)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        """Takes the ticket out of the queue; the queue goes when no ticket is left in it."""

        def finish(lock: TicketLock | None) -> tuple[None, TicketLock | None]:
            if lock is not None:
                lock.remove_ticket_for(ticket_number)
            return None, lock

        self._change(conversation_id, finish)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Finishes the ticket, and deletes the queue in the same transaction when it is empty."""
        self.finish_serving(conversation_id, ticket_number)
