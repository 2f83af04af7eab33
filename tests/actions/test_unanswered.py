"""action_record_unanswered: the latest message and the reply it got, stored in a worker thread
that the reply never waits for; a failure is logged without the message's text."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from actions import unanswered as action_module
from actions.leads.database import dispose_engines, get_engine
from actions.leads.models import UnansweredQuestion
from actions.leads.unanswered import AskedQuestion, conversation_key
from actions.unanswered import ActionRecordUnanswered, asked_question
from tests.support.trackers import make_tracker

ASKED_AT = 1_796_000_000.0
TEXT = "mon courriel marie@exemple.ca, avez-vous un stationnement?"


def conversation(text: str = TEXT, language: str = "fr") -> list[dict]:
    """Events of a conversation whose latest message got the fallback."""
    return [
        {"event": "user", "text": "bonjour", "timestamp": ASKED_AT - 60, "input_channel": "socketio"},
        {"event": "bot", "text": "Bonjour!", "metadata": {"utter_action": "utter_greet"}, "timestamp": ASKED_AT - 59},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": text, "timestamp": ASKED_AT, "input_channel": "socketio"},
        {"event": "action", "name": "utter_default"},
        {
            "event": "bot",
            "text": "Désolé, je n'ai pas bien compris.",
            "metadata": {"utter_action": "utter_default"},
            "timestamp": ASKED_AT + 1,
        },
        {"event": "action", "name": "action_record_unanswered"},
    ]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_latest_message_and_its_reply_are_read_from_the_events(language: str) -> None:
    tracker = make_tracker(slots={"language": language}, events=conversation(), sender_id="widget-session-1")

    asked = asked_question(tracker)

    assert asked == AskedQuestion(
        text=TEXT,
        language=language,
        channel="socketio",
        conversation_id="widget-session-1",
        asked_at=datetime.fromtimestamp(ASKED_AT, UTC),
        reply_name="utter_default",
        reply_text="Désolé, je n'ai pas bien compris.",
    )


@pytest.mark.parametrize("events", [[], conversation(text='/greet{"language":"de"}'), conversation(text="   ")])
def test_nothing_is_recorded_without_a_typed_message(events: list[dict]) -> None:
    assert asked_question(make_tracker(events=events)) is None


async def test_the_action_says_nothing_and_does_not_wait_for_the_store(monkeypatch: pytest.MonkeyPatch) -> None:
    stored: list[AskedQuestion] = []
    done = threading.Event()

    def slow_store(asked: AskedQuestion) -> int:
        time.sleep(1.5)
        stored.append(asked)
        done.set()
        return 1

    monkeypatch.setattr(action_module, "store_question", slow_store)
    dispatcher = CollectingDispatcher()
    started = time.monotonic()

    events = await ActionRecordUnanswered().run(dispatcher, make_tracker(events=conversation()), {})

    assert time.monotonic() - started < 0.5
    assert events == [] and dispatcher.messages == []
    assert await asyncio.to_thread(done.wait, 10)
    assert [asked.text for asked in stored] == [TEXT]


async def test_a_failure_to_store_is_logged_without_the_text(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    done = threading.Event()

    def failing_store(asked: AskedQuestion) -> int:
        try:
            raise OperationalError(f"INSERT {asked.text}", {}, Exception(f"down while storing {asked.text}"))
        finally:
            done.set()

    monkeypatch.setattr(action_module, "store_question", failing_store)
    caplog.set_level(logging.DEBUG)

    events = await ActionRecordUnanswered().run(CollectingDispatcher(), make_tracker(events=conversation()), {})
    await asyncio.to_thread(done.wait, 10)
    await asyncio.sleep(0.1)

    assert events == []
    assert "unanswered question not recorded: OperationalError" in caplog.text
    assert "marie@exemple.ca" not in caplog.text and "stationnement" not in caplog.text


async def test_the_question_reaches_the_database_masked(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'leads.sqlite3'}"
    monkeypatch.setenv("SOS_DATABASE_URL", url)
    tracker = make_tracker(events=conversation(), sender_id="widget-session-2")

    await ActionRecordUnanswered().run(CollectingDispatcher(), tracker, {})

    try:
        for _ in range(100):
            rows = _stored(url)
            if rows:
                break
            await asyncio.sleep(0.1)
        assert [(row.text, row.conversation_key) for row in rows] == [
            ("mon courriel [e-mail], avez-vous un stationnement?", conversation_key("socketio", "widget-session-2"))
        ]
    finally:
        dispose_engines()


def _stored(url: str) -> list[UnansweredQuestion]:
    try:
        with Session(get_engine(url), future=True) as session:
            rows = list(session.execute(select(UnansweredQuestion)).scalars())
            session.expunge_all()
            return rows
    except OperationalError:
        return []
