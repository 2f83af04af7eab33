"""What patients really write, through the real Rasa and action servers, in both languages.

Follow-ups are Rasa test stories (``tests/conversations/``) played here: ``rasa test`` cannot
play them, since it parses each message without the conversation before it. The other kinds
are also in ``tests/stories/understanding.yml``; here their replies are checked to the word.
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


def replies_to(stack, text: str) -> list[tuple[str, str | None, str]]:
    """``(response, language, text)`` of each reply to ``text`` in a new conversation."""
    messages = stack.chat(f"understanding-{uuid.uuid4().hex}", text)
    return [(*identify(message.get("text") or ""), message.get("text") or "") for message in messages]


@pytest.mark.parametrize(
    ("language", "text", "topic"),
    [
        ("fr", "Est-ce que vous opérez les hanches aussi?", "hanches"),
        ("en", "Do I need a visa to travel to France for the operation?", "visa"),
    ],
)
def test_a_topic_the_documents_do_not_cover_is_named_with_a_coordinator_offered(stack, language, text, topic):
    ((name, reply_language, reply),) = replies_to(stack, text)
    assert (name, reply_language) == ("utter_not_in_documents_topic", language)
    assert topic in reply


@pytest.mark.parametrize(
    ("language", "text"),
    [
        (
            "fr",
            "Mon frère a perdu le contrôle de sa vessie après son opération. Combien de temps dure la convalescence?",
        ),
        ("en", "My brother lost bladder control after his surgery. How long is the recovery?"),
    ],
)
def test_a_red_flag_only_mentioned_gets_the_answer_then_the_safety_note(stack, language, text):
    replies = [(name, reply_language) for name, reply_language, _ in replies_to(stack, text)]
    assert replies == [("utter_faq/recovery_time", language), ("utter_red_flag_note", language)]


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("fr", "J'ai une hernie depuis trois ans. J'ai tout essayé, la physio, l'ostéo. Je suis découragée."),
        ("en", "I've had a herniated disc for three years. I tried everything, physio, osteo. I'm discouraged."),
    ],
)
def test_a_story_without_a_question_gets_the_prompt_to_ask(stack, language, text):
    replies = [(name, reply_language) for name, reply_language, _ in replies_to(stack, text)]
    assert replies == [("utter_story_prompt", language)]
