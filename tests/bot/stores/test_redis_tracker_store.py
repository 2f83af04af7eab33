"""``bot.stores.redis_tracker_store``: what it stores is what Rasa's Redis store stores, against a real Redis."""

from __future__ import annotations

import asyncio
import json

import pytest
import redis
from rasa.core import tracker_store as rasa_stores
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.stores.redis_tracker_store import RedisTrackerStore, continues
from tools.model import PROJECT
from tools.stack import RedisServer

DOMAIN = Domain.load(str(PROJECT / "domain.yml"))

# One turn in each language, as the server logs them.
TURNS = {
    "fr": ["ça coûte-tu cher une chirurgie du dos en France", "fr", "Le coût dépend de l'intervention."],
    "en": ["how much is back surgery in France", "en", "The cost depends on the procedure."],
}


def turn(language: str, at: float) -> list[Event]:
    text, slot, answer = TURNS[language]
    return [
        UserUttered(text, {"name": "faq", "confidence": 0.9}, timestamp=at),
        SlotSet("language", slot, timestamp=at + 0.1),
        ActionExecuted("utter_faq", timestamp=at + 0.2),
        BotUttered(answer, timestamp=at + 0.2),
        ActionExecuted("action_listen", timestamp=at + 0.3),
    ]


def session(at: float) -> list[Event]:
    return [
        ActionExecuted("action_session_start", timestamp=at),
        SessionStarted(timestamp=at),
        ActionExecuted("action_listen", timestamp=at),
    ]


@pytest.fixture
def stores(redis_server: RedisServer) -> tuple[RedisTrackerStore, rasa_stores.RedisTrackerStore]:
    """This project's store and Rasa's own, side by side in one real Redis (other key prefixes)."""
    client = redis.Redis(host="127.0.0.1", port=redis_server.port, db=0)
    client.flushdb()
    options = {"host": "127.0.0.1", "port": redis_server.port, "db": 0, "record_exp": 86400}
    ours = RedisTrackerStore(DOMAIN, key_prefix="ours", **options)
    theirs = rasa_stores.RedisTrackerStore(DOMAIN, key_prefix="rasa", **options)
    yield ours, theirs
    client.flushdb()


@pytest.fixture
def merges(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The conversations this project's store rebuilt and merged with Rasa's merge while saving."""
    seen: list[str] = []
    original = RedisTrackerStore._merge_trackers

    def counted(prior: DialogueStateTracker, tracker: DialogueStateTracker) -> DialogueStateTracker:
        seen.append(tracker.sender_id)
        return original(prior, tracker)

    monkeypatch.setattr(RedisTrackerStore, "_merge_trackers", staticmethod(counted))
    return seen


def stored(store: rasa_stores.RedisTrackerStore, sender: str) -> list[dict]:
    return json.loads(store.red.get(store.key_prefix + sender))["events"]


def save_in_both(stores, tracker: DialogueStateTracker) -> None:
    for store in stores:
        asyncio.run(store.save(tracker))


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_growing_conversation_is_saved_as_rasa_saves_it_without_a_rebuild(stores, merges, language):
    sender = f"grows-{language}"
    tracker = DialogueStateTracker.from_events(sender, session(1000.0), DOMAIN.slots)
    save_in_both(stores, tracker)
    for number in range(3):
        for store in stores:
            retrieved = asyncio.run(store.retrieve(sender))
            retrieved.update_with_events(turn(language, 1001.0 + number), DOMAIN, override_timestamp=False)
            asyncio.run(store.save(retrieved))

    ours, theirs = stores
    assert stored(ours, sender) == stored(theirs, sender)
    assert len(stored(ours, sender)) == 3 + 3 * 5
    assert asyncio.run(ours.retrieve(sender)).get_slot("language") == language
    assert merges == []
    assert 0 < ours.red.ttl(ours.key_prefix + sender) <= 86400


@pytest.mark.parametrize("language", ["fr", "en"])
def test_earlier_sessions_are_put_back_as_rasa_puts_them_back(stores, merges, language):
    # ``retrieve`` returns the last session only: saving it must keep the sessions before it.
    sender = f"sessions-{language}"
    events = session(1000.0) + turn(language, 1001.0) + session(5000.0) + turn(language, 5001.0)
    save_in_both(stores, DialogueStateTracker.from_events(sender, events, DOMAIN.slots))
    for store in stores:
        last_session = asyncio.run(store.retrieve(sender))
        assert last_session.events[0].timestamp == 5000.0
        last_session.update_with_events(turn(language, 5002.0), DOMAIN, override_timestamp=False)
        asyncio.run(store.save(last_session))

    ours, theirs = stores
    assert stored(ours, sender) == stored(theirs, sender)
    assert len(stored(ours, sender)) == len(events) + 5
    assert merges == [sender]
    full = asyncio.run(ours.retrieve_full_tracker(sender))
    assert [e.timestamp for e in full.events][:3] == [1000.0] * 3


def test_continues_compares_the_conversation_and_its_events():
    first = DialogueStateTracker.from_events("a", session(1.0) + turn("fr", 2.0), DOMAIN.slots)
    longer = DialogueStateTracker.from_events("a", first.events_after_latest_restart() + turn("en", 3.0), DOMAIN.slots)
    other_sender = DialogueStateTracker.from_events("b", list(longer.events), DOMAIN.slots)
    changed = DialogueStateTracker.from_events("a", session(1.0) + turn("en", 2.0), DOMAIN.slots)

    def text(tracker: DialogueStateTracker) -> str:
        return rasa_stores.RedisTrackerStore.serialise_tracker(tracker)

    assert continues(text(first), text(first))
    assert continues(text(first), text(longer))
    assert continues(text(first).encode(), text(longer))
    assert not continues(text(longer), text(first))
    assert not continues(text(first), text(other_sender))
    assert not continues(text(first), text(changed))
