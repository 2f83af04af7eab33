"""Builds rasa-sdk trackers for action tests, in one place."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker


def make_tracker(
    slots: dict[str, Any] | None = None,
    events: list[dict[str, Any]] | None = None,
    latest_message: dict[str, Any] | None = None,
    sender_id: str = "test-user",
    active_loop: str | None = None,
    latest_action_name: str | None = None,
) -> Tracker:
    """Return a tracker with the given slots, events, latest message and active form."""
    return Tracker.from_dict(
        {
            "sender_id": sender_id,
            "slots": {"language": "fr", "session_started_metadata": None, **(slots or {})},
            "latest_message": latest_message or {"text": "", "intent": {}, "entities": []},
            "events": events or [],
            "paused": False,
            "followup_action": None,
            "active_loop": {"name": active_loop} if active_loop else {},
            "latest_action_name": latest_action_name,
        }
    )
