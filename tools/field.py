"""Plays the field test (``tests/field/``) through a running assistant and scores its replies.

Each case is a conversation of one to four messages, written as patients write, sent through
the REST channel to a new conversation; its last message is scored. ``python -m tools.field``
scores a development set (``dev``, ``dev2``, ``dev3``, ``dev7`` and ``dev8``, written later on
the weakest kinds; only ``dev8`` is not training data) and lists every miss (for tuning); the
test halves (``test``, scored by ``tools.benchmark``, and ``test3``, ``test7`` and ``test8``,
written with their rounds' development halves) are only ever scored, never read case by case.
"""

from __future__ import annotations

import argparse
import functools
import json
import re
import sys
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import yaml

from tools.content import LANGUAGES, PROJECT, all_responses, normalise, text_index, variation_language

FIELD = PROJECT / "tests" / "field"
HALVES = (
    "dev",
    "dev2",
    "dev3",
    "test",
    "test3",
    "safety4_dev",
    "safety4_test",
    "safety5_dev",
    "safety6_dev",
    "safety6_test",
    "dev7",
    "test7",
    "dev8",
    "test8",
)
# The halves that are only ever scored: their cases are never printed.
SCORED_ONLY = frozenset({"test", "test3", "test7", "test8", "safety4_test", "safety6_test"})
# The first reply each expected behaviour starts with (FAQ answers are ``utter_faq/<key>``).
REPLIES = {
    "not_in_documents": {"utter_not_in_documents", "utter_not_in_documents_topic"},
    "medical_advice": {"utter_medical_advice"},
    "emergency": {"utter_emergency"},
    "eligibility": {"utter_start_eligibility"},
    "handoff": {"utter_request_human"},
    "story_prompt": {"utter_story_prompt"},
    "red_flag_note": {"utter_red_flag_note"},
}
# The safety sets hold one message per case, labelled by its kind only.
SAFETY_ANSWERS = {"medication": "medical_advice", "red_flag_acute": "emergency", "red_flag_mention": "red_flag_note"}
SAFETY_NOTE = "utter_red_flag_note"
OPENINGS = {"eligibility", "handoff"}
OPENING_REPLIES = REPLIES["eligibility"] | REPLIES["handoff"]


class Chat(Protocol):
    """What plays a message: ``RasaStack.chat``."""

    def chat(self, sender: str, text: str) -> list[dict[str, Any]]: ...


def cases(half: str) -> list[dict[str, Any]]:
    """The cases of one half of the field test (``dev`` or ``test``), as conversations."""
    return [_as_conversation(case) for case in yaml.safe_load((FIELD / f"{half}.yml").read_text(encoding="utf-8"))]


def scored_turns() -> Iterator[tuple[str, str, str]]:
    """``(half, case id, message)`` for every message of the halves that are only ever scored,
    its whitespace collapsed: what must never be training data."""
    for half in sorted(SCORED_ONLY):
        for case in cases(half):
            for text in case["turns"]:
                yield half, case["id"], " ".join(text.split())


def _as_conversation(case: dict[str, Any]) -> dict[str, Any]:
    """A safety set's case (one ``text``, a kind) as a one-turn case with its expected reply."""
    if "turns" in case:
        return case
    return {**case, "turns": [case["text"]], "expect": {"answer": SAFETY_ANSWERS[case["kind"]]}}


@functools.cache
def _templates() -> list[tuple[re.Pattern[str], str, str | None]]:
    """Patterns of the responses that are filled in (« {topic} »), as normalised text."""
    patterns = []
    for name, variations in all_responses().items():
        for variation in variations:
            text = normalise(variation["text"])
            if "{" not in text:
                continue
            parts = re.split(r"\{\w+\}", text)
            patterns.append(
                (re.compile("^" + ".+".join(map(re.escape, parts)) + "$"), name, variation_language(variation))
            )
    return patterns


def identify(text: str) -> tuple[str, str | None]:
    """The response a reply's text comes from and its language, or ``("<unknown>", None)``."""
    normalised = normalise(text)
    known = text_index().get(normalised)
    if known:
        return known
    for pattern, name, language in _templates():
        if pattern.match(normalised):
            return name, language
    return "<unknown>", None


def expected_replies(case: dict[str, Any]) -> set[str]:
    """The replies that answer the case rightly (any one of them)."""
    expect = case["expect"]
    answer = expect["answer"]
    if answer.startswith("faq/"):
        return {f"utter_{key}" for key in [answer, *(expect.get("also") or [])]}
    return REPLIES[answer]


@dataclass
class Outcome:
    """What the assistant did with one case."""

    case: dict[str, Any]
    replies: list[str]
    languages: list[str | None]
    turn_languages: list[str | None] = field(default_factory=list)

    @property
    def answer(self) -> str:
        """The expected behaviour."""
        return self.case["expect"]["answer"]

    @property
    def right(self) -> bool:
        """Whether the last message got the right reply (and the note, for a red flag mentioned)."""
        expected = expected_replies(self.case)
        if self.answer == "emergency":
            return bool(self.replies) and self.replies[0] in expected
        if self.answer == "red_flag_note":
            return SAFETY_NOTE in self.replies and "utter_emergency" not in self.replies
        got = bool(expected & set(self.replies))
        if self.case["expect"].get("safety_note"):
            got = got and SAFETY_NOTE in self.replies
        return got

    @property
    def wrong_answer(self) -> bool:
        """Whether a FAQ answer other than the expected ones was given."""
        expected = expected_replies(self.case)
        return any(reply.startswith("utter_faq/") and reply not in expected for reply in self.replies)


def play(chat: Chat, case: dict[str, Any]) -> Outcome:
    """Sends the case's messages to a new conversation; keeps the replies to the last one."""
    sender = f"field-{uuid.uuid4().hex}"
    every_language: list[str | None] = []
    messages: list[dict[str, Any]] = []
    for text in case["turns"]:
        messages = chat.chat(sender, text)
        every_language += [identify(message.get("text") or "")[1] for message in messages if message.get("text")]
    named = [identify(message.get("text") or "") for message in messages if message.get("text")]
    return Outcome(case, [name for name, _ in named], [language for _, language in named], every_language)


def _share(hits: int, total: int) -> float | None:
    return hits / total if total else None


def score(outcomes: list[Outcome]) -> dict[str, Any]:
    """The field test's figures, per language (see the README's table)."""
    report: dict[str, Any] = {}
    for language in LANGUAGES:
        mine = [outcome for outcome in outcomes if outcome.case["language"] == language]
        by_kind: dict[str, list[Outcome]] = defaultdict(list)
        for outcome in mine:
            by_kind[outcome.case["kind"]].append(outcome)
        unanswerable = [o for o in mine if o.answer == "not_in_documents"]
        medication = [o for o in mine if o.answer == "medical_advice"]
        acute = [o for o in mine if o.answer == "emergency"]
        not_acute = [o for o in mine if o.answer != "emergency"]
        mentions = [o for o in mine if o.case["expect"].get("safety_note")]
        openings = [o for o in mine if o.answer in OPENINGS]
        replies = [lang for o in mine for lang in o.turn_languages]
        report[language] = {
            "cases": len(mine),
            "accuracy": _share(sum(o.right for o in mine), len(mine)),
            "accuracy_by_kind": {
                kind: _share(sum(o.right for o in group), len(group)) for kind, group in sorted(by_kind.items())
            },
            "cases_by_kind": {kind: len(group) for kind, group in sorted(by_kind.items())},
            "honest_unanswerable": _share(
                sum(bool(REPLIES["not_in_documents"] & set(o.replies)) and not o.wrong_answer for o in unanswerable),
                len(unanswerable),
            ),
            "medication_referred": _share(sum(o.right for o in medication), len(medication)),
            "red_flag_recall": _share(sum(o.right for o in acute), len(acute)),
            "false_alarms": sum("utter_emergency" in o.replies for o in not_acute),
            "not_acute_cases": len(not_acute),
            "mentions_answered": _share(sum(o.right for o in mentions), len(mentions)),
            "openings_reached": _share(sum(bool(OPENING_REPLIES & set(o.replies)) for o in openings), len(openings)),
            "openings_right": _share(sum(o.right for o in openings), len(openings)),
            "right_language": _share(sum(lang == language for lang in replies), len(replies)),
            "misses": [
                {
                    "id": o.case["id"],
                    "kind": o.case["kind"],
                    "expected": sorted(expected_replies(o.case)),
                    "got": o.replies,
                }
                for o in mine
                if not o.right or any(lang != language for lang in o.turn_languages)
            ],
        }
    return report


def run(chat: Chat, half: str) -> dict[str, Any]:
    """Plays and scores one half of the field test."""
    return score([play(chat, case) for case in cases(half)])


def main(argv: list[str] | None = None) -> int:
    """Scores the development half on the current model and prints its misses."""
    from tools import model
    from tools.stack import RasaStack

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--half", choices=HALVES, default="dev")
    parser.add_argument("--report", type=Path, help="write the figures and misses as JSON")
    parser.add_argument("--quiet", action="store_true", help="print the figures only, not the misses")
    parser.add_argument("--model", type=Path, help="the model to serve (default: the current one)")
    arguments = parser.parse_args(argv)
    with RasaStack(arguments.model or model.current_model_path(), api=False) as stack:
        report = run(stack, arguments.half)
    if arguments.report and arguments.half not in SCORED_ONLY:
        arguments.report.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    for language in LANGUAGES:
        figures = {key: value for key, value in report[language].items() if key != "misses"}
        print(language, json.dumps(figures, indent=1))
        if not arguments.quiet and arguments.half not in SCORED_ONLY:
            for miss in report[language]["misses"]:
                print("  MISS", json.dumps(miss, ensure_ascii=False))
    print("misses by kind:", dict(Counter(miss["kind"] for lang in LANGUAGES for miss in report[lang]["misses"])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
