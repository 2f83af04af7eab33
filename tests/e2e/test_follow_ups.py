"""Follow-ups read with the conversation, through the real Rasa and action servers.

The conversations are Rasa test stories (``tests/conversations/``); ``rasa test`` cannot play
them, since it parses each message without the conversation before it.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import yaml

from tools.field import identify

pytestmark = pytest.mark.server

STORIES = Path(__file__).resolve().parents[1] / "conversations" / "follow_ups.yml"
# What the person sees of a custom action: its replies.
ACTION_REPLIES = {
    "action_clarify_follow_up": {"utter_clarify_follow_up", "utter_clarify_follow_up_previous"},
    "action_not_in_documents": {"utter_not_in_documents", "utter_not_in_documents_topic"},
}


def stories() -> list[dict]:
    return yaml.safe_load(STORIES.read_text(encoding="utf-8"))["stories"]


def expected_reply(user_step: dict, action: str) -> set[str]:
    if action == "utter_faq":
        return {f"utter_{user_step['intent']}"}
    return ACTION_REPLIES.get(action, {action})


@pytest.mark.parametrize("story", stories(), ids=lambda story: story["story"])
def test_follow_up_story(stack, story):
    sender = f"follow-up-{uuid.uuid4().hex}"
    user_step = None
    replies: list[str] = []
    for step in story["steps"]:
        if "user" in step:
            user_step = step
            replies = [identify(message.get("text") or "")[0] for message in stack.chat(sender, step["user"].strip())]
        else:
            assert replies, f"no reply to {user_step['user']!r}"
            expected = expected_reply(user_step, step["action"])
            assert replies.pop(0) in expected, (user_step["user"], expected)
