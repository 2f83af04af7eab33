"""DIET's intents computed with NumPy are TensorFlow's: same ranking, same confidences.

The featurizers are config.yml's own; DIET is trained on a part of the real training questions
(a few epochs: the weights only need to be trained ones, not good ones), stored, and loaded
back as the server loads it.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.diet_classifier import DIETClassifier
from rasa.nlu.featurizers.dense_featurizer.spacy_featurizer import SpacyFeaturizer
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.nlu.tokenizers.spacy_tokenizer import SpacyTokenizer
from rasa.shared.nlu.training_data.features import Features
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


def token_features(message: Message) -> list:
    return [feature for feature in message.features if feature.attribute == "text" and feature.type == "sequence"]


def test_diet_is_given_one_empty_token_per_message(pipeline):
    message = pipeline.featurized("Combien de temps dure la convalescence après une fusion lombaire?")
    assert all(feature.features.shape[0] > 5 for feature in token_features(message))
    model_data = pipeline.diet._create_model_data([message], training=False)
    assert model_data.data["text"]["sequence_lengths"][0].tolist() == [1]
    # the message itself keeps its tokens' features, for the components after DIET
    assert all(feature.features.shape[0] > 5 for feature in token_features(message))


def test_the_tokens_positions_are_never_read(pipeline, monkeypatch):
    """Whatever the token positions hold, DIET's TensorFlow scores are the same: they come from
    the sentence position alone, which is what makes the empty token harmless."""
    message = pipeline.featurized("la CNESST paye-tu pour une chirurgie en France?")
    expected = np.asarray(pipeline.diet.tensorflow_predict(message)["i_scores"]).flatten()
    rng = np.random.default_rng(7)
    tokens = token_features(message)
    noisy = Message(data=message.data, features=[f for f in message.features if not any(f is t for t in tokens)])
    signature = pipeline.diet.model.data_signature["text"]["sequence"]
    sparse = next(feature for feature in signature if feature.is_sparse)
    dense = next(feature for feature in signature if not feature.is_sparse)
    noisy.features += [
        Features(scipy.sparse.coo_matrix(rng.random((6, sparse.units), dtype=np.float32)), "sequence", "text", "a"),
        Features(rng.normal(size=(6, dense.units)).astype(np.float32), "sequence", "text", "b"),
    ]
    # Rasa's own model data, without the empty token: the six noisy positions reach the model.
    monkeypatch.setattr(pipeline.diet, "_create_model_data", partial(DIETClassifier._create_model_data, pipeline.diet))
    assert pipeline.diet._create_model_data([noisy], training=False).data["text"]["sequence_lengths"][0].tolist() == [6]
    scores = np.asarray(pipeline.diet.tensorflow_predict(noisy)["i_scores"]).flatten()
    assert scores == pytest.approx(expected, abs=1e-5)


def test_with_a_transformer_diet_is_given_the_tokens(tmp_path):
    pipeline = Pipeline(tmp_path, {"number_of_transformer_layers": 1, "transformer_size": 32, "epochs": 1})
    message = pipeline.featurized("Combien de temps dure la convalescence après une fusion lombaire?")
    model_data = pipeline.diet._create_model_data([message], training=False)
    assert model_data.data["text"]["sequence_lengths"][0].tolist()[0] > 5
