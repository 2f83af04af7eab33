"""Custom actions, run on trackers as the action server receives them."""

from __future__ import annotations

import pytest
from rasa_sdk.events import ActionExecuted, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.session import ActionSessionStart
from tests.trackers import make_tracker


async def run_session_start(**tracker_args):
    dispatcher = CollectingDispatcher()
    events = await ActionSessionStart().run(dispatcher, make_tracker(**tracker_args), {})
    return dispatcher, events


async def test_session_start_carries_the_language_over():
    dispatcher, events = await run_session_start(slots={"language": "en"})
    assert events[0] == SessionStarted()
    assert SlotSet("language", "en") in events
    assert events[-1] == ActionExecuted("action_listen")
    assert dispatcher.messages == []


@pytest.mark.parametrize(("metadata", "expected"), [({"language": "en"}, "en"), ({"language": "fr-CA"}, "fr")])
async def test_session_start_takes_the_channel_language(metadata, expected):
    _, events = await run_session_start(slots={"language": "fr" if expected == "en" else "en", "session_started_metadata": metadata})
    assert events[-2] == SlotSet("language", expected)


async def test_session_start_ignores_an_unknown_channel_language():
    _, events = await run_session_start(slots={"language": "en", "session_started_metadata": {"language": "de"}})
    assert [e for e in events if e.get("event") == "slot"] == [SlotSet("language", "en")]
