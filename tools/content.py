"""Loads the assistant's content (responses, training data, held-out set) for the tests
and the benchmark."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import yaml

from bot.language import LANGUAGES
from bot.text import fold

PROJECT = Path(__file__).resolve().parent.parent
SEEDS = PROJECT.parent / "shared" / "seeds"


def normalise(text: str) -> str:
    """Fold case, accents and spacing, to compare messages."""
    return " ".join(fold(text).split())


def examples_of(block: str) -> list[str]:
    """Return the examples of a Rasa NLU ``examples: |`` block."""
    return [line[2:].strip() for line in block.splitlines() if line.startswith("- ")]


def load_nlu(path: Path) -> dict[str, list[str]]:
    """Return ``{intent: [examples]}`` of one Rasa NLU file."""
    items = yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", [])
    return {item["intent"]: examples_of(item["examples"]) for item in items if "intent" in item}


@functools.cache
def training_examples() -> dict[str, dict[str, list[str]]]:
    """Return ``{language: {intent: [examples]}}`` of the training data."""
    result: dict[str, dict[str, list[str]]] = {}
    for language in LANGUAGES:
        merged: dict[str, list[str]] = {}
        for path in sorted((PROJECT / "data" / "nlu" / language).glob("*.yml")):
            for intent, examples in load_nlu(path).items():
                merged.setdefault(intent, []).extend(examples)
        result[language] = merged
    return result


@functools.cache
def pipeline_step(name: str) -> dict[str, Any]:
    """The step of ``config.yml``'s NLU pipeline whose component name ends with ``name``."""
    pipeline = yaml.safe_load((PROJECT / "config.yml").read_text(encoding="utf-8"))["pipeline"]
    return next(step for step in pipeline if step["name"].split(".")[-1] == name)


def faq_training_questions() -> list[tuple[str, str]]:
    """Return ``(faq/<key>, question)`` for every FAQ training question, French then English.

    The corpus of the BM25 baseline and of the re-ranker's index (training builds the same
    from Rasa's training data).
    """
    return [
        (intent, example)
        for language in LANGUAGES
        for intent, examples in training_examples()[language].items()
        if intent.startswith("faq/")
        for example in examples
    ]


def heldout_examples() -> dict[str, dict[str, list[str]]]:
    """Return ``{language: {intent: [examples]}}`` of the held-out test set."""
    return {language: load_nlu(PROJECT / "tests" / "nlu" / f"heldout_{language}.yml") for language in LANGUAGES}


def dev_examples(language: str) -> dict[str, list[str]]:
    """Return ``{faq/<key>: [questions]}`` of the development set, on which settings are chosen."""
    return load_nlu(PROJECT / "tests" / "nlu" / f"dev_{language}.yml")


@functools.cache
def faq_responses() -> dict[str, list[dict]]:
    """Return ``{"utter_faq/<key>": [variations]}`` from ``data/responses/faq/``."""
    responses: dict[str, list[dict]] = {}
    for path in sorted((PROJECT / "data" / "responses" / "faq").glob("*.yml")):
        responses.update(yaml.safe_load(path.read_text(encoding="utf-8"))["responses"])
    return responses


@functools.cache
def domain_responses() -> dict[str, list[dict]]:
    """Return the responses of ``domain.yml``."""
    return yaml.safe_load((PROJECT / "domain.yml").read_text(encoding="utf-8"))["responses"]


@functools.cache
def all_responses() -> dict[str, list[dict]]:
    """Return every response of the assistant, domain and FAQ."""
    return {**domain_responses(), **faq_responses()}


def variation_language(variation: dict) -> str | None:
    """Return the value of the ``language`` slot condition of a response variation."""
    for condition in variation.get("condition") or []:
        if condition.get("type") == "slot" and condition.get("name") == "language":
            return condition.get("value")
    return None


def response_text(name: str, language: str) -> str:
    """Return the text of response ``name`` in ``language``."""
    for variation in all_responses()[name]:
        if variation_language(variation) == language:
            return variation["text"]
    raise KeyError(f"{name} has no {language} variation")


@functools.cache
def text_index() -> dict[str, tuple[str, str]]:
    """Return ``{normalised text: (response name, language)}`` for every response."""
    return {
        normalise(variation["text"]): (name, variation_language(variation))
        for name, variations in all_responses().items()
        for variation in variations
    }


def seed_documents() -> dict[str, str]:
    """Return the source documents, their typography and spacing normalised."""
    return {path.name: normalise_quote(path.read_text(encoding="utf-8")) for path in sorted(SEEDS.glob("0*.txt"))}


def normalise_quote(text: str) -> str:
    """Normalise apostrophes and spacing only: quotes must otherwise match to the letter."""
    return re.sub(r"\s+", " ", text.replace("\u2019", "'").replace("\u00a0", " ")).strip()


def figures(text: str) -> set[str]:
    """Return the numbers written in ``text``, thousands separators removed (15 000 € → 15000)."""
    joined = re.sub(r"(?<=\d)[ ,.\u202f\u00a0](?=\d)", "", text)
    return set(re.findall(r"\d+", joined))
