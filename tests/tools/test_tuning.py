"""The settings tool (python -m tools.tuning): its replay of the FAQ gate is the real component's."""

from __future__ import annotations

from pathlib import Path

from tools.tuning import (
    Parsed,
    accuracy,
    choice,
    current_threshold,
    gate_open,
    gated,
    parse_with_model,
    parsed_item,
    unreproduced,
)


def parsed(language: str, expected: str, served: str | None, confidence: float, intent: str = "faq") -> Parsed:
    return Parsed(language, "une question", expected, intent, served, confidence)


def test_a_threshold_above_the_selector_s_confidence_withholds_the_answer():
    item = parsed("fr", "faq/cnesst", "faq/cnesst", 0.12)
    assert choice(item, 0.1) == "faq/cnesst"
    assert choice(item, 0.15) is None


def test_accuracy_counts_only_the_expected_answer_and_gated_counts_lost_right_ones():
    items = [
        parsed("fr", "faq/cnesst", "faq/cnesst", 0.9),
        parsed("fr", "faq/cnesst", "faq/cost", 0.9),
        parsed("en", "faq/cost", "faq/cost", 0.2),
        parsed("en", "faq/cost", None, 0.0, intent="nlu_fallback"),
    ]
    assert accuracy(items, 0.1) == {"fr": 0.5, "en": 0.5}
    assert accuracy(items, 0.3) == {"fr": 0.5, "en": 0.0}
    assert gated(items, 0.3) == 1


def test_parse_data_of_another_intent_gives_no_answer_whatever_the_selector_says():
    result = {
        "intent": {"name": "out_of_scope", "confidence": 0.8},
        "response_selector": {"faq": {"response": {"intent_response_key": "faq/cost", "confidence": 0.7}}},
    }
    item = parsed_item("en", "will it snow?", "faq/cost", result)
    assert (item.served, item.confidence) == (None, 0.0)


def test_the_replay_of_the_configured_threshold_reproduces_the_served_answers(trained_model: Path):
    """Every 3rd development question, parsed by the trained model with the gate open and as
    configured: replaying the configured threshold gives exactly what the real gate served."""
    with gate_open():
        ungated = parse_with_model(trained_model, share=3)
    served = parse_with_model(trained_model, share=3)
    assert len(ungated) > 100
    assert {item.language for item in ungated} == {"fr", "en"}
    assert unreproduced(ungated, served, current_threshold()) == []
    assert all(real.served in (None, item.served) for item, real in zip(ungated, served, strict=True))
    assert sum(item.served is not None for item in served) > 90
