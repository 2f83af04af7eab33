"""DIET's intents computed with NumPy are TensorFlow's: same ranking, same confidences.

The featurizers are config.yml's own; DIET is trained on a part of the real training questions
(a few epochs: the weights only need to be trained ones, not good ones), stored, and loaded
back as the server loads it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.dense_featurizer.spacy_featurizer import SpacyFeaturizer
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.nlu.featurizers.sparse_featurizer.lexical_syntactic_featurizer import LexicalSyntacticFeaturizer
from rasa.nlu.tokenizers.spacy_tokenizer import SpacyTokenizer
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.accent_folder import AccentFolder
from bot.nlu.sentence_diet import SentenceDIETClassifier
from bot.nlu.spacy_nlp import SpacyNLP
from tools.content import LANGUAGES, heldout_examples, pipeline_step, training_examples

INTENTS = ["faq/cost_france", "faq/cnesst_coverage", "faq/recovery_time", "faq/about_service"]
OTHER_TEXTS = ["", "ok", "zzzz qwerty", "COMBIEN ÇA COÛTE???", "cnesst cnesst cnesst", "a" * 300]


def step_config(name: str) -> dict[str, Any]:
    return {key: value for key, value in pipeline_step(name).items() if key != "name"}


class Pipeline:
    """config.yml's tokenizer and featurizers, trained, then DIET on their features."""

    def __init__(self, tmp_path: Path, diet_changes: dict[str, Any]) -> None:
        self.storage = LocalModelStorage(tmp_path)
        self.context = ExecutionContext(GraphSchema({}), "test")
        self.spacy = SpacyNLP.create(step_config("SpacyNLP"), self.storage, Resource("spacy"), self.context)
        self.model = self.spacy.provide()
        self.steps = [
            SpacyTokenizer.create({**SpacyTokenizer.get_default_config()}, self.storage, Resource("tok"), self.context),
            AccentFolder.create(AccentFolder.get_default_config(), self.storage, Resource("fold"), self.context),
            SpacyFeaturizer.create(
                {**SpacyFeaturizer.get_default_config(), **step_config("SpacyFeaturizer")},
                self.storage,
                Resource("sf"),
                self.context,
            ),
            LexicalSyntacticFeaturizer.create(
                LexicalSyntacticFeaturizer.get_default_config(), self.storage, Resource("lsf"), self.context
            ),
            CountVectorsFeaturizer.create(
                CountVectorsFeaturizer.get_default_config(), self.storage, Resource("cv1"), self.context
            ),
            CountVectorsFeaturizer.create(
                {**CountVectorsFeaturizer.get_default_config(), "analyzer": "char_wb", "min_ngram": 2, "max_ngram": 4},
                self.storage,
                Resource("cv2"),
                self.context,
            ),
        ]
        questions = [
            (intent, text)
            for language in LANGUAGES
            for intent in INTENTS
            for text in training_examples()[language][intent][:10]
        ]
        data = TrainingData(
            training_examples=[Message(data={"text": t, "intent": i.replace("/", "_")}) for i, t in questions]
        )
        self.featurize_training(data)
        config = {
            **SentenceDIETClassifier.get_default_config(),
            **step_config("SentenceDIETClassifier"),
            "epochs": 5,
            **diet_changes,
        }
        resource = Resource("diet")
        SentenceDIETClassifier.create(config, self.storage, resource, self.context).train(data)
        self.diet = SentenceDIETClassifier.load(config, self.storage, resource, self.context)

    def featurize_training(self, data: TrainingData) -> None:
        self.spacy.process_training_data(data, self.model)
        for step in self.steps:
            if hasattr(step, "train"):
                step.train(data, self.model) if isinstance(step, SpacyFeaturizer) else step.train(data)
            step.process_training_data(data)

    def featurized(self, text: str) -> Message:
        message = Message(data={"text": text})
        self.spacy.process([message], self.model)
        for step in self.steps:
            step.process([message])
        return message


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    return Pipeline(tmp_path_factory.mktemp("sentence_diet"), {})


def test_the_configured_intent_classifier_is_this_one():
    assert pipeline_step("SentenceDIETClassifier")["name"] == "bot.nlu.sentence_diet.SentenceDIETClassifier"
    assert pipeline_step("SentenceDIETClassifier")["number_of_transformer_layers"] == 0


def test_config_yml_s_diet_is_predicted_with_numpy(pipeline):
    assert pipeline.diet.head() is not None


@pytest.mark.parametrize("language", LANGUAGES)
def test_numpy_gives_tensorflow_s_confidences(pipeline, language):
    sample = [text for examples in heldout_examples()[language].values() for text in examples][::3] + OTHER_TEXTS
    for text in sample:
        message = pipeline.featurized(text)
        ours, theirs = pipeline.diet._predict(message), pipeline.diet.tensorflow_predict(message)
        if theirs is None:
            assert ours is None, text
            continue
        assert np.asarray(ours["i_scores"]).flatten() == pytest.approx(
            np.asarray(theirs["i_scores"]).flatten(), abs=1e-5
        ), text


def test_the_processed_message_has_tensorflow_s_intent_and_ranking(pipeline):
    for text in [
        "Combien coûte une chirurgie du dos en France?",
        "how long to recover?",
        "la CNESST paye-tu?",
        "c'est qui vous autres",
    ]:
        fast = pipeline.diet.process([pipeline.featurized(text)])[0]
        slow_message = pipeline.featurized(text)
        label, ranking = pipeline.diet._predict_label(pipeline.diet.tensorflow_predict(slow_message))
        assert fast.get("intent")["name"] == label["name"]
        assert fast.get("intent")["confidence"] == pytest.approx(label["confidence"], abs=1e-5)
        assert [entry["name"] for entry in fast.get("intent_ranking")] == [entry["name"] for entry in ranking]


def test_with_a_transformer_tensorflow_predicts(tmp_path):
    """A transformer mixes the token positions into the sentence one: the shortcut is refused."""
    pipeline = Pipeline(tmp_path, {"number_of_transformer_layers": 1, "transformer_size": 32, "epochs": 1})
    assert pipeline.diet.head() is None
    message = pipeline.diet.process([pipeline.featurized("combien ça coûte")])[0]
    assert message.get("intent")["name"] in {intent.replace("/", "_") for intent in INTENTS}


def test_features_that_do_not_match_are_refused_and_tensorflow_predicts(pipeline, monkeypatch):
    head = pipeline.diet.head()
    with pytest.raises(ValueError, match="do not match"):
        head.scores([], [np.zeros((1, 300), dtype=np.float32)])
    message = pipeline.featurized("combien ça coûte")
    expected = np.asarray(pipeline.diet.tensorflow_predict(message)["i_scores"]).flatten()

    def refuse(sparse, dense):
        raise ValueError("the message's sentence features do not match DIET's")

    monkeypatch.setattr(head, "scores", refuse)
    assert np.asarray(pipeline.diet._predict(message)["i_scores"]).flatten() == pytest.approx(expected, abs=1e-6)
