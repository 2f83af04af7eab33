"""A claim as the conversation's events record it, its lease, the coordinators' hours, Meta's window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    ConversationPaused,
    Event,
    SessionStarted,
    UserUttered,
)

from actions.handoff import COORDINATOR_KEY as ACTIONS_COORDINATOR_KEY
from bot.takeover import (
    COORDINATOR_KEY,
    TakeoverSettings,
    claim_event,
    coordinator_reply,
    current_claim,
    release_event,
    window_open,
)

START = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)  # a Monday, 10:00 in Toronto


def at(event: Event, minutes: float) -> Event:
    event.timestamp = (START + timedelta(minutes=minutes)).timestamp()
    return event


def test_the_action_server_marks_coordinator_messages_with_the_same_key() -> None:
    assert ACTIONS_COORDINATOR_KEY == COORDINATOR_KEY


def test_a_claim_lasts_from_the_coordinators_last_reply() -> None:
    events = [
        at(UserUttered("un humain svp"), 0),
        at(claim_event("claire"), 1),
        at(coordinator_reply("claire", "Bonjour"), 5),
    ]

    claim = current_claim(events)

    assert claim is not None and claim.coordinator == "claire"
    assert claim.since == START + timedelta(minutes=1)
    assert claim.last_activity == START + timedelta(minutes=5)
    assert not claim.stale(START + timedelta(minutes=19), timedelta(minutes=15))
    assert claim.stale(START + timedelta(minutes=20), timedelta(minutes=15))


def test_the_persons_messages_and_the_assistants_do_not_keep_a_claim_alive() -> None:
    events = [at(claim_event("claire"), 0), at(UserUttered("allo?"), 10), at(BotUttered("⚠️ 911"), 10)]

    assert current_claim(events).last_activity == START


@pytest.mark.parametrize(
    "ending",
    [release_event("give_back", "claire"), release_event("close", "claire"), release_event("idle"), SessionStarted()],
)
def test_a_release_or_a_new_session_ends_the_claim(ending: Event) -> None:
    assert current_claim([at(claim_event("claire"), 0), at(ending, 1)]) is None


def test_a_pause_without_a_coordinator_is_not_a_claim() -> None:
    assert current_claim([ConversationPaused(), ActionExecuted("action_listen")]) is None


def test_claim_events_survive_serialisation() -> None:
    for event in (claim_event("claire"), release_event("give_back", "claire"), coordinator_reply("claire", "Bonjour")):
        assert Event.from_parameters(event.as_dict()).metadata == event.metadata


def test_the_settings_default_to_weekday_business_hours_in_eastern_time() -> None:
    chosen = TakeoverSettings.from_env({})

    assert chosen.idle_timeout == timedelta(minutes=15)
    assert chosen.open_at(START)  # Monday 10:00 Eastern
    assert not chosen.open_at(START + timedelta(hours=8))  # Monday 18:00
    assert not chosen.open_at(START - timedelta(days=1))  # Sunday
    assert chosen.opening_hours == "9:00–17:00"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SOS_HANDOFF_IDLE_MINUTES", "0"),
        ("SOS_HANDOFF_IDLE_MINUTES", "1441"),
        ("SOS_HANDOFF_HOURS", "17:00-09:00"),
        ("SOS_HANDOFF_HOURS", "9-17"),
        ("SOS_HANDOFF_TIMEZONE", "Mars/Olympus"),
    ],
)
def test_unusable_settings_are_named(name: str, value: str) -> None:
    with pytest.raises(ValueError, match=name):
        TakeoverSettings.from_env({name: value})


@pytest.mark.parametrize("channel", ["whatsapp", "facebook"])
def test_meta_channels_take_free_text_within_24_hours_of_the_persons_last_message(channel: str) -> None:
    events = [at(UserUttered("hello"), 0), at(coordinator_reply("claire", "hi"), 60)]

    assert window_open(channel, events, START + timedelta(hours=23, minutes=59))
    assert not window_open(channel, events, START + timedelta(hours=24))
    assert not window_open(channel, [], START)


def test_the_widget_has_no_window() -> None:
    assert window_open("socketio", [at(UserUttered("bonjour"), 0)], START + timedelta(days=3))
