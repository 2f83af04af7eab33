"""The coordinator endpoint's secret check and what it shows of a conversation."""

from __future__ import annotations

import asyncio
import json
from types import SimpleNamespace

import pytest
from rasa.core.lock_store import InMemoryLockStore
from rasa.shared.core.events import BotUttered, UserUttered

from bot.channels.coordinator import SECRET_VARIABLE, _guarded, message_view, secret_matches
from bot.takeover import ALERT_KEY, EMERGENCY_ALERT, coordinator_reply

SECRET = "a-secret-of-the-right-length-0123"


@pytest.mark.parametrize(
    ("header", "secret", "matches"),
    [
        (f"Bearer {SECRET}", SECRET, True),
        (f"Bearer {SECRET}x", SECRET, False),
        (SECRET, SECRET, False),
        (None, SECRET, False),
        ("Bearer ", "", False),
        ("Bearer short", "short", False),
    ],
)
def test_only_the_whole_secret_of_sufficient_length_opens_the_endpoint(header, secret, matches) -> None:
    assert secret_matches(header, secret) is matches


def test_the_view_names_speakers_and_marks_the_red_flag_and_its_answer() -> None:
    events = [
        UserUttered("/request_human", intent={"name": "request_human"}),
        BotUttered("Un coordonnateur se joint", metadata={"utter_action": "utter_coordinator_joined"}),
        coordinator_reply("claire", "Bonjour"),
        UserUttered("je n'arrive plus à retenir mon urine"),
        BotUttered("Appelez le 911", metadata={ALERT_KEY: EMERGENCY_ALERT}),
    ]

    shown = message_view(events)

    assert [(line["speaker"], line["text"], line["alert"]) for line in shown] == [
        ("patient", "[request_human]", False),
        ("assistant", "Un coordonnateur se joint", False),
        ("coordinator", "Bonjour", False),
        ("patient", "je n'arrive plus à retenir mon urine", True),
        ("assistant", "Appelez le 911", True),
    ]
    assert shown[2]["coordinator"] == "claire"


class QueueGone(InMemoryLockStore):
    """A lock store whose queue is gone while a ticket waits (what an expired ticket leaves)."""

    def get_lock(self, conversation_id: str) -> None:
        return None


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_lock_that_cannot_be_had_is_answered_busy_and_nothing_is_read(monkeypatch, language) -> None:
    monkeypatch.setenv(SECRET_VARIABLE, SECRET)
    read: list[str] = []

    async def get_tracker(conversation_id: str) -> None:
        read.append(conversation_id)

    async def reply(*_: object) -> None:
        raise AssertionError("the operation ran without the lock")

    agent = SimpleNamespace(lock_store=QueueGone(), processor=SimpleNamespace(get_tracker=get_tracker))
    request = SimpleNamespace(
        headers={"authorization": f"Bearer {SECRET}"},
        json={"conversation_id": f"widget-{language}", "text": {"fr": "Bonjour", "en": "Hello"}[language]},
        app=SimpleNamespace(ctx=SimpleNamespace(agent=agent)),
    )

    answer = asyncio.run(_guarded(reply)(request))

    assert answer.status == 503
    assert json.loads(answer.body) == {"error": "busy"}
    assert read == []
