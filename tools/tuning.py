"""Compares thresholds of the FAQ answer gate on the development set, never on the held-out set.

Run it with ``python -m tools.tuning`` after training. It parses every question of
``tests/nlu/dev_<language>.yml`` with the current model in this process, once with the gate
passing everything (so each FAQ question keeps the selector's own answer and confidence) and
once as configured. It then replays the gate for each threshold: a question counts as right
only if the intent classifier called it a FAQ and the selector's best answer is its own with at
least that confidence; one sent to the fallback or to another intent by the classifier counts
as wrong for every threshold, since the gate does not decide that.

The replay at ``config.yml``'s threshold must give exactly the answers the configured model
served; the command checks it and fails otherwise, so the table describes the real component.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rasa.shared.nlu.constants import INTENT, RESPONSE_SELECTOR

from bot.nlu.faq_gate import FaqResponseGate
from tools import model
from tools.content import LANGUAGES, dev_examples, pipeline_step

THRESHOLDS = (0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5)
RETRIEVAL_INTENT = "faq"


@dataclass
class Parsed:
    """What the model did with one development question.

    Attributes:
        language: The development set it comes from (``fr`` or ``en``).
        text: The question.
        expected: The answer it should get (``faq/<key>``).
        intent: The intent it was given.
        served: The answer it was given, or ``None`` when it got no FAQ answer.
        confidence: The selector's confidence in its best answer (0 when not a FAQ).
    """

    language: str
    text: str
    expected: str
    intent: str
    served: str | None
    confidence: float


def parsed_item(language: str, text: str, expected: str, result: dict[str, Any]) -> Parsed:
    """A development question with what one parse (Rasa's parse data) did with it."""
    intent = (result.get(INTENT) or {}).get("name") or ""
    selection = (result.get(RESPONSE_SELECTOR) or {}).get(RETRIEVAL_INTENT) or {}
    response = selection.get("response") or {}
    is_faq = intent == RETRIEVAL_INTENT and bool(response)
    served = response.get("intent_response_key") if is_faq else None
    confidence = float(response.get("confidence") or 0.0) if is_faq else 0.0
    return Parsed(language, text, expected, intent, served, confidence)


def parse_dev_set(parse: Callable[[str], dict[str, Any]], share: int = 1) -> list[Parsed]:
    """Parses the development set (every ``share``-th question) with ``parse`` (text -> parse data)."""
    parsed = []
    for language in LANGUAGES:
        questions = [(expected, text) for expected, texts in dev_examples(language).items() for text in texts]
        for expected, text in questions[::share]:
            parsed.append(parsed_item(language, text, expected, parse(text)))
    return parsed


@contextlib.contextmanager
def gate_open() -> Iterator[None]:
    """In this process only, the FAQ gate passes every message through unchanged."""
    process = FaqResponseGate.process
    FaqResponseGate.process = lambda self, messages: messages
    try:
        yield
    finally:
        FaqResponseGate.process = process


def parse_with_model(model_path: Path, share: int = 1) -> list[Parsed]:
    """Parses the development set with the model loaded in this process."""
    from rasa.core.agent import Agent

    agent = Agent.load(str(model_path))
    loop = asyncio.new_event_loop()
    try:
        return parse_dev_set(lambda text: loop.run_until_complete(agent.parse_message(text)), share)
    finally:
        loop.close()


def quiet_rasa() -> None:
    """Rasa's logging at WARNING, as its own command line sets it (for this command only)."""
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)


def choice(item: Parsed, threshold: float) -> str | None:
    """The answer ``item`` gets with the gate at ``threshold`` (``None``: no FAQ answer)."""
    return item.served if item.served is not None and item.confidence >= threshold else None


def accuracy(parsed: list[Parsed], threshold: float) -> dict[str, float]:
    """FAQ top-1 accuracy per language with the gate at ``threshold``."""
    result = {}
    for language in LANGUAGES:
        items = [item for item in parsed if item.language == language]
        result[language] = sum(choice(item, threshold) == item.expected for item in items) / len(items)
    return result


def gated(parsed: list[Parsed], threshold: float) -> int:
    """How many questions that would get their own answer the gate sends to the fallback."""
    return sum(item.served == item.expected and choice(item, threshold) is None for item in parsed)


def unreproduced(ungated: list[Parsed], served: list[Parsed], threshold: float) -> list[Parsed]:
    """The questions whose replayed answer differs from the one the configured model served."""
    return [item for item, real in zip(ungated, served, strict=True) if choice(item, threshold) != real.served]


def current_threshold() -> float:
    """The gate's threshold in ``config.yml``."""
    return float(pipeline_step("FaqResponseGate")["threshold"])


def main(argv: list[str] | None = None) -> int:
    """Prints dev-set accuracy for every threshold; exits 1 if the configured one is not reproduced."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", type=Path, help="also write the table as JSON to this file")
    args = parser.parse_args(argv)
    quiet_rasa()
    model_path = model.current_model_path()
    if not model_path.exists():
        print(f"No model for the current data and config ({model_path.name}): run `make train` first.", file=sys.stderr)
        return 2
    with gate_open():
        ungated = parse_with_model(model_path)
    served = parse_with_model(model_path)
    configured = current_threshold()
    counts = {language: sum(item.language == language for item in ungated) for language in LANGUAGES}
    print(f"Development set: {counts['fr']} French, {counts['en']} English questions.")
    print(f"{'threshold':>9}{'FR':>8}{'EN':>8}{'mean':>8}{'right but gated':>17}")
    rows = []
    for threshold in THRESHOLDS:
        scores = accuracy(ungated, threshold)
        mean = sum(scores.values()) / len(scores)
        lost = gated(ungated, threshold)
        marker = "  <- config.yml" if threshold == configured else ""
        print(f"{threshold:>9.2f}{scores['fr']:>8.3f}{scores['en']:>8.3f}{mean:>8.3f}{lost:>17}{marker}")
        rows.append({"threshold": threshold, **scores, "mean": mean, "right_but_gated": lost})
    if args.report:
        args.report.write_text(json.dumps(rows, indent=2))
    mismatches = unreproduced(ungated, served, configured)
    if mismatches:
        print(
            f"The replay differs from the served answer for {len(mismatches)} questions, e.g. {mismatches[0].text!r}.",
            file=sys.stderr,
        )
        return 1
    print("The replay at config.yml's threshold reproduces every served answer.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
