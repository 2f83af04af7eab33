"""The knowledge: every FAQ answer is bilingual, traceable to a document, and learnable."""

from __future__ import annotations

import re

import pytest

from tools.content import (
    LANGUAGES,
    SEEDS,
    all_responses,
    dev_examples,
    faq_responses,
    figures,
    heldout_examples,
    normalise,
    normalise_quote,
    seed_documents,
    training_examples,
    variation_language,
)

FAQ_KEYS = sorted(name.split("/", 1)[1] for name in faq_responses())
MIN_TRAINING_EXAMPLES = 8
MIN_HELDOUT_EXAMPLES = 3


def test_there_is_a_whole_catalogue_of_faqs():
    assert len(FAQ_KEYS) >= 70


def other_conditions(variation: dict) -> tuple:
    """The conditions of a variation besides its language (such as the outcome it is for)."""
    return tuple(
        sorted((c["name"], str(c["value"])) for c in variation.get("condition", []) if c["name"] != "language")
    )


@pytest.mark.parametrize("name", sorted(all_responses()))
def test_every_response_has_one_french_and_one_english_variation(name):
    cases: dict[tuple, list[str]] = {}
    for variation in all_responses()[name]:
        cases.setdefault(other_conditions(variation), []).append(variation_language(variation))
    assert all(sorted(languages) == ["en", "fr"] for languages in cases.values()), (name, cases)
    assert all(variation.get("text", "").strip() for variation in all_responses()[name])


@pytest.mark.parametrize("key", FAQ_KEYS)
def test_every_faq_answer_quotes_its_source_documents_verbatim(key):
    documents = seed_documents()
    for variation in faq_responses()[f"utter_faq/{key}"]:
        sources = variation["metadata"]["sources"]
        assert sources, key
        for source in sources:
            assert source["doc"] in documents, source["doc"]
            quote = normalise_quote(source["quote"])
            assert len(quote) >= 15
            assert quote in documents[source["doc"]], f"{key}: not in {source['doc']}: {quote[:60]}"


@pytest.mark.parametrize("key", FAQ_KEYS)
def test_faq_figures_come_from_the_quotes_and_match_across_languages(key):
    variations = {variation_language(v): v for v in faq_responses()[f"utter_faq/{key}"]}
    quoted = set().union(*(figures(s["quote"]) for v in variations.values() for s in v["metadata"]["sources"]))
    assert figures(variations["fr"]["text"]) == figures(variations["en"]["text"])
    assert figures(variations["fr"]["text"]) <= quoted


@pytest.mark.parametrize("key", FAQ_KEYS)
def test_faq_answers_are_short_enough_for_every_channel(key):
    for variation in faq_responses()[f"utter_faq/{key}"]:
        assert len(variation["text"]) <= 900


@pytest.mark.parametrize("key", FAQ_KEYS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_faq_has_enough_distinct_training_examples(key, language):
    examples = training_examples()[language].get(f"faq/{key}", [])
    assert len({normalise(example) for example in examples}) >= MIN_TRAINING_EXAMPLES


@pytest.mark.parametrize("key", FAQ_KEYS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_faq_has_held_out_paraphrases(key, language):
    assert len(set(heldout_examples()[language].get(f"faq/{key}", []))) >= MIN_HELDOUT_EXAMPLES


def test_training_intents_exist_in_both_languages():
    assert set(training_examples()["fr"]) == set(training_examples()["en"])


def test_no_example_is_trained_under_two_intents():
    owner: dict[str, str] = {}
    for language in LANGUAGES:
        for intent, examples in training_examples()[language].items():
            for example in examples:
                previous = owner.setdefault(normalise(example), intent)
                assert previous == intent, f"{example!r}: {previous} and {intent}"


def test_held_out_set_is_not_in_the_training_data():
    trained = {
        normalise(e) for language in LANGUAGES for examples in training_examples()[language].values() for e in examples
    }
    leaked = [
        example
        for language in LANGUAGES
        for examples in heldout_examples()[language].values()
        for example in examples
        if normalise(example) in trained
    ]
    assert leaked == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_development_set_covers_every_faq_apart_from_training_and_held_out(language):
    """The development set (settings are chosen on it) shares no question with the training
    data or the held-out set, so neither the model nor the final measure has seen it."""
    dev = dev_examples(language)
    assert set(dev) == {f"faq/{key}" for key in FAQ_KEYS}
    # 3 written per FAQ; the few that matched a training or held-out question were dropped
    assert all(questions for questions in dev.values())
    assert len({q for questions in dev.values() for q in questions}) >= 200
    seen = {
        normalise(example)
        for source in (training_examples(), heldout_examples())
        for lang in LANGUAGES
        for examples in source[lang].values()
        for example in examples
    }
    assert [q for questions in dev.values() for q in questions if normalise(q) in seen] == []


def test_held_out_intents_are_known():
    known = set(training_examples()["fr"])
    for language in LANGUAGES:
        assert set(heldout_examples()[language]) <= known


def test_answers_carry_no_invented_contact_details():
    contact = re.compile(r"https?://|www\.|@\w+\.\w+|\b\d{3}[ -]\d{3}[ -]\d{4}\b")
    for name, variations in all_responses().items():
        for variation in variations:
            assert not contact.search(variation["text"]), name


def test_every_answer_of_the_answer_only_faq_is_used():
    """Document 002 ends with a FAQ whose questions were lost: each of its answers must
    reach the patient through at least one FAQ answer quoting it."""
    text = (SEEDS / "002_03def08d88875611.txt").read_text(encoding="utf-8")
    section = text.split("Vos Questions les Plus Fréquentes (FAQ)", 1)[1]
    answers = [line.strip() for line in section.splitlines()[2:] if line.strip()]
    answers = [line for line in answers if not re.match(r"^[A-Z][\w-]+, [A-Z]\.", line)]
    quotes = [
        normalise_quote(source["quote"])
        for variations in faq_responses().values()
        for variation in variations
        for source in variation["metadata"]["sources"]
        if source["doc"].startswith("002_")
    ]
    unused = [line for line in answers if not any(quote in normalise_quote(line) for quote in quotes)]
    assert len(answers) > 90
    assert unused == []
