"""The settings tool (python -m bot.tuning): its replay of the re-ranker is the real component's."""

from __future__ import annotations

import pytest

from bot.components.faq_reranker import FaqIndex
from bot.tuning import Parsed, accuracy, build_index, choice, current_setting, parse_dev_set, unreproduced

INDEX = FaqIndex([["cnesst", "paie"], ["combien", "coute"], ["cnesst", "combien"]], ["faq/cnesst", "faq/cost", "faq/cnesst"])


def parsed(language: str, text: str, expected: str, intent: str = "faq", selector: dict | None = None) -> Parsed:
    return Parsed(language, text, expected, intent, None, selector or {"faq/cost": 0.6, "faq/cnesst": 0.4})


def test_weight_zero_follows_the_selector_and_a_heavy_weight_follows_bm25():
    item = parsed("fr", "la cnesst paie-tu", "faq/cnesst")
    assert choice(item, INDEX, 0.0) == "faq/cost"
    assert choice(item, INDEX, 4.0) == "faq/cnesst"


def test_a_question_sent_elsewhere_is_wrong_for_every_weight():
    item = parsed("fr", "cnesst", "faq/cnesst", intent="nlu_fallback")
    assert choice(item, INDEX, 1.0) is None
    scores = accuracy([item, parsed("en", "cnesst paie", "faq/cnesst")], INDEX, 4.0)
    assert scores == {"fr": 0.0, "en": 1.0}


def test_the_index_is_built_from_both_languages_faq_questions_only():
    index = build_index(False)
    assert all(key.startswith("faq/") for key in index.answers)
    assert len(index.documents) > 3000
    assert len(build_index(True).documents) > len(index.documents)


@pytest.mark.server
def test_the_replay_of_the_configured_setting_reproduces_the_served_answers(stack):
    """Every 4th development question through the real server's /model/parse: replaying the
    re-ranker with config.yml's setting gives exactly the answer the server chose."""
    items = parse_dev_set(stack.parse, share=4)
    assert len(items) > 100
    assert {item.language for item in items} == {"fr", "en"}
    with_answers, weight = current_setting()
    assert [item for item in items if item.intent == "faq" and not item.selector] == []
    assert unreproduced(items, build_index(with_answers), weight) == []
    assert sum(item.served is not None for item in items) > 90
