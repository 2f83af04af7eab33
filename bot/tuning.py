"""Compares FAQ re-ranker settings on the development set, never on the held-out set.

Run it with ``python -m bot.tuning`` after training. It parses every question of
``tests/nlu/dev_<language>.yml`` with the current model (in this process, no server needed),
keeps the answer selector's own ranking, then replays the re-ranker's choice for every
setting: BM25 weight x (training questions only, or questions and answer texts). A question
counts as right only if it gets its own FAQ answer; one sent to the fallback or to another
intent counts as wrong for every setting, since the re-ranker does not decide that.

The line of the current ``config.yml`` setting must agree with what the model served; the
command checks it and fails otherwise, so the table describes the real component.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from bot import model
from bot.components.faq_reranker import FaqIndex, answer_texts, combined_scores, ranked
from bot.content import LANGUAGES, dev_examples, faq_responses, faq_training_questions, pipeline_step
from bot.text import words

WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0)
RETRIEVAL_INTENT = "faq"


@dataclass
class Parsed:
    """What the served model did with one development question."""

    language: str
    text: str
    expected: str
    intent: str
    served: str | None
    selector: dict[str, float]


def build_index(with_answers: bool) -> FaqIndex:
    """The re-ranker's index as training builds it: both languages' FAQ questions (and answers)."""
    questions = faq_training_questions()
    documents = [words(question) for _, question in questions]
    keys = [intent for intent, _ in questions]
    if with_answers:
        for key, text in answer_texts(faq_responses(), RETRIEVAL_INTENT):
            documents.append(words(text))
            keys.append(key)
    return FaqIndex(documents, keys)


def parse_dev_set(parse: Callable[[str], dict[str, Any]], share: int = 1) -> list[Parsed]:
    """Parses the development set (every ``share``-th question) with ``parse`` (text -> parse data)."""
    parsed = []
    for language in LANGUAGES:
        questions = [(expected, text) for expected, texts in dev_examples(language).items() for text in texts]
        for expected, text in questions[::share]:
            result = parse(text)
            selection = (result.get("response_selector") or {}).get(RETRIEVAL_INTENT) or {}
            intent = (result.get("intent") or {}).get("name") or ""
            served = selection.get("response", {}).get("intent_response_key") if intent == RETRIEVAL_INTENT else None
            selector = {entry["intent_response_key"]: float(entry["confidence"]) for entry in selection.get("selector_ranking", [])}
            parsed.append(Parsed(language, text, expected, intent, served, selector))
    return parsed


def parse_with_model(model_path: Path) -> list[Parsed]:
    """Parses the development set with the model loaded in this process."""
    from rasa.core.agent import Agent
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)
    agent = Agent.load(str(model_path))
    loop = asyncio.new_event_loop()
    try:
        return parse_dev_set(lambda text: loop.run_until_complete(agent.parse_message(text)))
    finally:
        loop.close()


def current_setting() -> tuple[bool, float]:
    """``(index_answers, bm25_weight)`` of ``config.yml``."""
    config = pipeline_step("FaqReranker")
    return bool(config.get("index_answers", False)), float(config.get("bm25_weight", 1.0))


def unreproduced(parsed: list[Parsed], index: FaqIndex, weight: float) -> list[Parsed]:
    """The FAQ questions whose replayed choice differs from the served one (should be none)."""
    return [item for item in parsed if item.intent == RETRIEVAL_INTENT and choice(item, index, weight) != item.served]


def choice(item: Parsed, index: FaqIndex, weight: float) -> str | None:
    """The answer the re-ranker would give ``item`` with this index and weight (None: not a FAQ)."""
    if item.intent != RETRIEVAL_INTENT or not item.selector:
        return None
    return ranked(combined_scores(item.selector, index.scores(item.text), weight))[0]


def accuracy(parsed: list[Parsed], index: FaqIndex, weight: float) -> dict[str, float]:
    """FAQ top-1 accuracy per language for one setting."""
    result = {}
    for language in LANGUAGES:
        items = [item for item in parsed if item.language == language]
        result[language] = sum(choice(item, index, weight) == item.expected for item in items) / len(items)
    return result


def main(argv: list[str] | None = None) -> int:
    """Prints dev-set accuracy for every setting; exits 1 if the current setting is not reproduced."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", type=Path, help="also write the table as JSON to this file")
    args = parser.parse_args(argv)
    model_path = model.current_model_path()
    if not model_path.exists():
        print(f"No model for the current data and config ({model_path.name}): run `make train` first.", file=sys.stderr)
        return 2
    parsed = parse_with_model(model_path)
    current_answers, current_weight = current_setting()
    indices = {False: build_index(False), True: build_index(True)}
    mismatches = unreproduced(parsed, indices[current_answers], current_weight)
    counts = {language: sum(item.language == language for item in parsed) for language in LANGUAGES}
    answered = {language: sum(item.language == language and item.intent == RETRIEVAL_INTENT for item in parsed) for language in LANGUAGES}
    print(f"Development set: {counts['fr']} French, {counts['en']} English questions; "
          f"given a FAQ answer at all: {answered['fr']} / {answered['en']}.")
    print(f"{'index':<22}{'weight':>7}{'FR':>8}{'EN':>8}{'mean':>8}")
    rows = []
    for with_answers in (False, True):
        for weight in WEIGHTS:
            scores = accuracy(parsed, indices[with_answers], weight)
            mean = sum(scores.values()) / len(scores)
            marker = "  <- config.yml" if (with_answers, weight) == (current_answers, current_weight) else ""
            label = "questions + answers" if with_answers else "questions"
            print(f"{label:<22}{weight:>7.2f}{scores['fr']:>8.3f}{scores['en']:>8.3f}{mean:>8.3f}{marker}")
            rows.append({"index_answers": with_answers, "bm25_weight": weight, **scores, "mean": mean})
    if args.report:
        args.report.write_text(json.dumps(rows, indent=2))
    if mismatches:
        print(f"The replay differs from the served answer for {len(mismatches)} questions, e.g. {mismatches[0].text!r}.", file=sys.stderr)
        return 1
    print("The config.yml line reproduces every served answer.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
