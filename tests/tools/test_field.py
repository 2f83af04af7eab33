"""The field test's scoring: replies named, expected replies, figures per kind and language."""

from __future__ import annotations

from typing import Any

import pytest

from tools import field
from tools.content import response_text, training_examples

SAFETY_KINDS = {"medication", "red_flag_acute", "red_flag_mention"}
OPENING_KINDS = {"opening_eligibility", "opening_handoff"}
SHORT_PHRASE_WORDS = 4


def test_every_set_is_there_with_every_kind_in_both_languages():
    for half in field.HALVES:
        cases = field.cases(half)
        assert len(cases) >= 118
        kinds = {(case["language"], case["kind"]) for case in cases}
        every_kind = {"long", "followup", "short", "unanswerable"} | SAFETY_KINDS
        if half.startswith("safety"):  # the safety sets hold the safety kinds only
            every_kind = SAFETY_KINDS
        elif half.endswith("7"):  # the seventh round holds the conversation kinds only
            every_kind = {"long", "followup", "short", "unanswerable", "code_switched"} | OPENING_KINDS
        elif half.endswith("8"):  # the eighth round: the weakest kinds, safety ones included
            every_kind = {"long", "followup", "unanswerable"} | SAFETY_KINDS | OPENING_KINDS
        elif half != "dev2":  # the second development set holds the weakest kinds only
            every_kind |= {"code_switched"} | OPENING_KINDS
        assert {kind for _, kind in kinds} >= every_kind
        assert {language for language, _ in kinds} == {"fr", "en"}
        assert all(field.expected_replies(case) for case in cases)


def test_the_sets_share_no_case():
    ids = [case["id"] for half in field.HALVES for case in field.cases(half)]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("language", ["fr", "en"])
def test_filled_in_replies_are_named(language):
    text = response_text("utter_not_in_documents_topic", language).replace("{topic}", "visa")
    assert field.identify(text) == ("utter_not_in_documents_topic", language)
    assert field.identify(response_text("utter_emergency", language)) == ("utter_emergency", language)
    assert field.identify("something else") == ("<unknown>", None)


class ScriptedChat:
    """Answers each text with the responses given for it, in the case's language."""

    def __init__(self, replies: dict[str, list[str]], language: str) -> None:
        self.replies = replies
        self.language = language

    def chat(self, sender: str, text: str) -> list[dict[str, Any]]:
        return [{"text": response_text(name, self.language)} for name in self.replies.get(text, ["utter_default"])]


def case(kind: str, answer: str, turns: list[str], **expect) -> dict:
    return {"id": f"x-{kind}", "language": "en", "kind": kind, "turns": turns, "expect": {"answer": answer, **expect}}


def test_outcomes_are_scored_per_kind():
    chat = ScriptedChat(
        {
            "how much is it": ["utter_faq/cost_france"],
            "and for that one?": ["utter_default"],
            "do I need a visa": ["utter_not_in_documents"],
            "I can't hold my urine since this morning": ["utter_emergency"],
            "my brother lost bladder control, how long is recovery": ["utter_faq/recovery_time", "utter_red_flag_note"],
            "can I be evaluated": ["utter_start_eligibility"],
        },
        "en",
    )
    cases = [
        case("short", "faq/cost_france", ["how much is it"]),
        case("followup", "faq/recovery_time", ["how long is recovery", "and for that one?"]),
        case("unanswerable", "not_in_documents", ["do I need a visa"]),
        case("red_flag_acute", "emergency", ["I can't hold my urine since this morning"]),
        case(
            "red_flag_mention",
            "faq/recovery_time",
            ["my brother lost bladder control, how long is recovery"],
            safety_note=True,
        ),
        case("opening_eligibility", "eligibility", ["can I be evaluated"]),
    ]
    report = field.score([field.play(chat, one) for one in cases])["en"]
    assert report["accuracy_by_kind"] == {
        "followup": 0.0,
        "opening_eligibility": 1.0,
        "red_flag_acute": 1.0,
        "red_flag_mention": 1.0,
        "short": 1.0,
        "unanswerable": 1.0,
    }
    assert report["honest_unanswerable"] == 1.0
    assert report["red_flag_recall"] == 1.0
    assert report["false_alarms"] == 0
    assert report["openings_reached"] == 1.0
    assert report["right_language"] == 1.0
    assert [miss["id"] for miss in report["misses"]] == ["x-followup"]


def test_a_mention_without_its_note_or_an_emergency_said_second_is_wrong():
    chat = ScriptedChat({"a": ["utter_faq/recovery_time"], "b": ["utter_faq/cost_france", "utter_emergency"]}, "en")
    mention = field.play(chat, case("red_flag_mention", "faq/recovery_time", ["a"], safety_note=True))
    late = field.play(chat, case("red_flag_acute", "emergency", ["b"]))
    assert not mention.right
    assert not late.right


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_safety_case_is_one_message_and_a_mention_needs_the_note_without_the_911_answer(language):
    single = {"id": "s", "language": language, "kind": "red_flag_mention", "text": "my brother lost bladder control"}
    conversation = field._as_conversation(single)
    assert conversation["turns"] == ["my brother lost bladder control"]
    noted = ["utter_faq/recovery_time", "utter_red_flag_note"]
    chat = ScriptedChat({"my brother lost bladder control": noted}, language)
    assert field.play(chat, conversation).right
    chat = ScriptedChat({"my brother lost bladder control": ["utter_emergency", "utter_red_flag_note"]}, language)
    assert not field.play(chat, conversation).right
    chat = ScriptedChat({"my brother lost bladder control": ["utter_faq/recovery_time"]}, language)
    assert not field.play(chat, conversation).right
    acute = field._as_conversation({**single, "kind": "red_flag_acute"})
    assert field.expected_replies(acute) == {"utter_emergency"}


def test_no_message_of_a_scored_half_is_training_data():
    learnt = {
        " ".join(example.split()).lower()
        for intents in training_examples().values()
        for examples in intents.values()
        for example in examples
    }
    # Ids only in a failure: the scored halves' messages are never printed. Phrases of a few
    # words (« parler à un humain ») are written the same by different people: not a leak.
    seen = [
        (half, case_id)
        for half, case_id, text in field.scored_turns()
        if len(text.split()) > SHORT_PHRASE_WORDS and text.lower() in learnt
    ]
    assert not seen
