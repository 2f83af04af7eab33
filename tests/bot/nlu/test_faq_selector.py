"""The FAQ answer selector: logistic regression over character and word n-grams of folded text."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.faq_gate import FaqResponseGate
from bot.nlu.faq_selector import LinearFaqSelector

QUESTIONS = {
    "faq/cost_france": [
        "Combien coûte une chirurgie du dos en France?",
        "ça coûte-tu cher se faire opérer en France",
        "prix d'une opération au dos en france",
        "How much is back surgery in France?",
        "what does spine surgery cost over there",
        "price of a back operation in France",
    ],
    "faq/cnesst_coverage": [
        "Est-ce que la CNESST paie l'opération?",
        "la cnesst rembourse-tu une chirurgie a l'etranger",
        "remboursement CNESST pour mon accident de travail",
        "Does the CNESST cover the surgery?",
        "will cnesst pay for my work injury surgery",
        "CNESST reimbursement for surgery abroad",
    ],
    "faq/recovery_time": [
        "Combien de temps pour récupérer?",
        "ça prend combien de semaines avant de retourner travailler",
        "durée de la convalescence après l'opération",
        "How long is the recovery?",
        "how many weeks before I can go back to work",
        "recovery time after spine surgery",
    ],
}


def example(text: str, intent: str, key: str | None = None) -> Message:
    data = {"text": text, "intent": intent}
    if key:
        data["intent_response_key"] = key
    return Message(data=data)


@pytest.fixture
def context() -> ExecutionContext:
    return ExecutionContext(GraphSchema({}), "test")


@pytest.fixture
def trained(tmp_path: Path, context: ExecutionContext) -> LinearFaqSelector:
    """A selector trained on a few questions, stored, then loaded back as the server does."""
    storage = LocalModelStorage(tmp_path)
    resource = Resource("faq_selector")
    examples = [example(text, "faq", key) for key, texts in QUESTIONS.items() for text in texts]
    examples += [
        example("bonjour", "greet"),
        example("combien ça coûte le stationnement au centre-ville", "out_of_scope"),
    ]
    config = LinearFaqSelector.get_default_config()
    selector = LinearFaqSelector.create(config, storage, resource, context)
    selector.train(TrainingData(training_examples=examples))
    return LinearFaqSelector.load(config, storage, resource, context)


def selected(selector: LinearFaqSelector, text: str) -> dict:
    (message,) = selector.process([Message(data={"text": text})])
    return message.get("response_selector")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("c'est combien pour une chirurgie du dos en france", "faq/cost_france"),
        ("CNESST va tu payer mon operation?", "faq/cnesst_coverage"),
        ("combien de semaines de convalescence", "faq/recovery_time"),
        ("how much does back surgery cost in france", "faq/cost_france"),
        ("is my surgery covered by the cnesst", "faq/cnesst_coverage"),
        ("how long is recovery after the operation", "faq/recovery_time"),
    ],
)
def test_questions_in_either_language_get_their_answer(trained, text, expected):
    response = selected(trained, text)["faq"]["response"]
    assert response["intent_response_key"] == expected
    assert response["utter_action"] == f"utter_{expected}"


def test_missing_accents_and_capitals_are_read_alike(trained):
    accented = selected(trained, "Durée de la récupération après l'opération")["faq"]["ranking"]
    folded = selected(trained, "duree de la recuperation apres l'operation")["faq"]["ranking"]
    assert accented == folded


def test_the_output_has_the_response_selector_s_shape(trained):
    output = selected(trained, "remboursement cnesst")
    assert output["all_retrieval_intents"] == ["faq"]
    selection = output["faq"]
    ranking = selection["ranking"]
    assert [entry["intent_response_key"] for entry in ranking][0] == selection["response"]["intent_response_key"]
    assert sorted(entry["intent_response_key"] for entry in ranking) == sorted(QUESTIONS)
    assert sum(entry["confidence"] for entry in ranking) == pytest.approx(1.0)
    assert [entry["confidence"] for entry in ranking] == sorted(
        (entry["confidence"] for entry in ranking), reverse=True
    )
    assert selection["response"]["confidence"] == ranking[0]["confidence"]


def test_the_ranking_is_cut_at_its_length(tmp_path, context):
    storage = LocalModelStorage(tmp_path)
    config = {**LinearFaqSelector.get_default_config(), "ranking_length": 2}
    selector = LinearFaqSelector.create(config, storage, Resource("short"), context)
    selector.train(
        TrainingData(training_examples=[example(t, "faq", k) for k, texts in QUESTIONS.items() for t in texts])
    )
    assert len(selected(selector, "prix")["faq"]["ranking"]) == 2


def test_other_intents_training_examples_are_not_answers(trained):
    assert sorted(trained.model.keys) == sorted(QUESTIONS)


def test_an_unclear_message_is_sent_to_the_fallback_by_the_gate(trained):
    """A message sharing nothing with any answer's questions gets a flat, unsure ranking."""
    (message,) = trained.process([Message(data={"text": "zzz"})])
    message.set("intent", {"name": "faq", "confidence": 0.9}, add_to_output=True)
    assert message.get("response_selector")["faq"]["response"]["confidence"] < 0.5
    gate = FaqResponseGate({**FaqResponseGate.get_default_config(), "threshold": 0.5})
    (gated,) = gate.process([message])
    assert gated.get("intent")["name"] == "nlu_fallback"


def test_training_without_two_answers_is_refused(tmp_path, context):
    selector = LinearFaqSelector.create(
        LinearFaqSelector.get_default_config(), LocalModelStorage(tmp_path), Resource("one"), context
    )
    only_one = [example(text, "faq", "faq/cost_france") for text in QUESTIONS["faq/cost_france"]]
    with pytest.raises(ValueError, match="at least two answers"):
        selector.train(TrainingData(training_examples=only_one))


def test_an_untrained_selector_leaves_messages_alone(tmp_path, context):
    selector = LinearFaqSelector.create(
        LinearFaqSelector.get_default_config(), LocalModelStorage(tmp_path), Resource("new"), context
    )
    (message,) = selector.process([Message(data={"text": "prix"})])
    assert message.get("response_selector") is None


@pytest.mark.parametrize("answers", [2, 3])
def test_the_probabilities_are_scikit_learn_s_own(tmp_path, context, answers):
    """The selector's faster product gives the classifier's own ``predict_proba``."""
    selector = LinearFaqSelector.create(
        LinearFaqSelector.get_default_config(), LocalModelStorage(tmp_path), Resource("p"), context
    )
    keys = sorted(QUESTIONS)[:answers]
    selector.train(TrainingData(training_examples=[example(t, "faq", k) for k in keys for t in QUESTIONS[k]]))
    model = selector.model
    for text in (
        "combien ça coûte",
        "CNESST?",
        "recovery",
        "zzz",
        "",
        "cnesst cnesst cnesst paie paie",
        "Prix PRIX prix?",
    ):
        features = model.features(text)
        assert model.probabilities(text) == pytest.approx(model.classifier.predict_proba(features)[0])


def test_only_scikit_learn_s_objects_are_stored(tmp_path, context):
    """A model keeps loading after this module's classes change (or from Rasa's cache)."""
    import joblib
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    storage = LocalModelStorage(tmp_path)
    resource = Resource("stored")
    selector = LinearFaqSelector.create(LinearFaqSelector.get_default_config(), storage, resource, context)
    selector.train(
        TrainingData(training_examples=[example(t, "faq", k) for k, texts in QUESTIONS.items() for t in texts])
    )
    with storage.read_from(resource) as directory:
        stored = joblib.load(directory / "faq_selector.joblib")
    assert set(stored) == {"vectorizers", "classifier", "retrieval_intents"}
    assert all(type(vectorizer) is TfidfVectorizer for vectorizer in stored["vectorizers"])
    assert type(stored["classifier"]) is LogisticRegression
    assert stored["retrieval_intents"] == ["faq"]


def _trained_weights(tmp_path: Path, context: ExecutionContext, name: str, config: dict):
    (tmp_path / name).mkdir()
    storage = LocalModelStorage(tmp_path / name)
    selector = LinearFaqSelector.create(config, storage, Resource(name), context)
    selector.train(
        TrainingData(training_examples=[example(t, "faq", k) for k, texts in QUESTIONS.items() for t in texts])
    )
    return selector.model.classifier.coef_


def test_training_twice_gives_the_same_weights_and_the_seed_is_what_fixes_them(tmp_path, context):
    """saga visits the questions in a random order: the configured seed makes training repeatable."""
    import numpy as np

    config = {**LinearFaqSelector.get_default_config(), "tol": 1e-6}
    first = _trained_weights(tmp_path, context, "first", config)
    again = _trained_weights(tmp_path, context, "again", config)
    other_seed = _trained_weights(tmp_path, context, "other", {**config, "random_seed": 7})
    assert np.array_equal(first, again)
    assert not np.array_equal(first, other_seed)
