"""Builds rasa-sdk trackers for action tests, in one place."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker


def make_tracker(
    slots: dict[str, Any] | None = None,
    events: list[dict[str, Any]] | None = None,
    latest_message: dict[str, Any] | None = None,
    sender_id: str = "test-user",
) -> Tracker:
    """Return a tracker with the given slots, events and latest message."""
    return Tracker.from_dict(
        {
            "sender_id": sender_id,
            "slots": {"language": "fr", "session_started_metadata": None, **(slots or {})},
            "latest_message": latest_message or {"text": "", "intent": {}, "entities": []},
            "events": events or [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": None,
        }
    )
