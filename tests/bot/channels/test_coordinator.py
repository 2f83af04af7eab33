"""The coordinator endpoint's secret check and what it shows of a conversation."""

from __future__ import annotations

import pytest
from rasa.shared.core.events import BotUttered, UserUttered

from bot.channels.coordinator import message_view, secret_matches
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
