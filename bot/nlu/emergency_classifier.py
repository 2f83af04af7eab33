"""NLU component that estimates whether a message tells an emergency happening now.

The red-flag patterns of :mod:`bot.safety` are exact but only know the words they were given:
each new round of the field test's writers told emergencies in words they missed (the sixth
round's second writers: 0.75 of French and 0.68 of English acute messages found by the
patterns tuned on five rounds). This component learns the same decision from examples: a
logistic regression over the folded text's character (3-5, inside word boundaries) and word
(1-2) TF-IDF n-grams, trained on

- the training examples of the ``emergency`` intent (acute) and of every other intent (not);
- the messages of ``data/safety/`` (the field test's development sets): acute red flags told
  the way patients tell them, and, as not acute, stories, follow-ups, red flags only mentioned
  and medication questions, which share the emergencies' words.

It writes the probability under ``emergency_probability`` and whether it reaches the threshold
under ``emergency_suspected``. It decides nothing itself: :class:`~bot.nlu.safety_override.SafetyOverride`
turns a suspicion into the emergency answer unless the message places its signs away from the
person now (:func:`bot.safety.assess`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Self

import joblib
import numpy as np
import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from bot.text import WORD_PATTERN, fold

MODEL_FILE = "emergency_classifier.joblib"
PROBABILITY = "emergency_probability"
SUSPECTED = "emergency_suspected"
EMERGENCY = "emergency"
PROJECT = Path(__file__).resolve().parent.parent.parent


def load_messages(directory: Path) -> tuple[list[str], list[str]]:
    """The acute and the not-acute messages of every ``*.yml`` file of ``directory``.

    Raises:
        ValueError: if a file has no ``safety_messages`` with ``acute`` and ``not_acute`` lists.
    """
    acute: list[str] = []
    not_acute: list[str] = []
    for path in sorted(directory.glob("*.yml")):
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        messages = content.get("safety_messages") if isinstance(content, dict) else None
        if not isinstance(messages, dict) or not all(
            isinstance(messages.get(key), list) for key in ("acute", "not_acute")
        ):
            raise ValueError(f"{path} needs 'safety_messages' with the lists 'acute' and 'not_acute'")
        acute += [str(text) for text in messages["acute"]]
        not_acute += [str(text) for text in messages["not_acute"]]
    return acute, not_acute


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class EmergencyClassifier(GraphComponent):
    """Estimates the probability that a message tells an emergency happening now."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Settings compared round by round on the development sets (``docs/decisions.md``)."""
        return {
            "messages": "data/safety",
            "threshold": 0.7,
            "C": 4.0,
            "max_iter": 3000,
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        stored: dict[str, Any] | None = None,
    ) -> None:
        """Creates the classifier, trained when ``stored`` (its fitted objects) is given."""
        self.config = config
        self.threshold = float(config["threshold"])
        self._model_storage = model_storage
        self._resource = resource
        self.vectorizers: list[TfidfVectorizer] = stored["vectorizers"] if stored else []
        self.classifier: LogisticRegression | None = stored["classifier"] if stored else None

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> Self:
        """A classifier that has not been trained yet."""
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        """Learns acute from not acute on the training examples and the safety messages.

        Raises:
            ValueError: if there is no acute example, or no other.
        """
        acute, not_acute = load_messages(PROJECT / str(self.config["messages"]))
        for example in training_data.intent_examples:
            (acute if example.get(INTENT) == EMERGENCY else not_acute).append(example.get(TEXT))
        if not acute or not not_acute:
            raise ValueError("EmergencyClassifier needs acute and not-acute examples")
        texts = [fold(text) for text in acute + not_acute]
        labels = np.array([1] * len(acute) + [0] * len(not_acute))
        self.vectorizers = [
            TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=2, sublinear_tf=True),
            TfidfVectorizer(analyzer="word", token_pattern=WORD_PATTERN, ngram_range=(1, 2), sublinear_tf=True),
        ]
        features = hstack([vectorizer.fit_transform(texts) for vectorizer in self.vectorizers]).tocsr()
        self.classifier = LogisticRegression(
            C=float(self.config["C"]), class_weight="balanced", max_iter=int(self.config["max_iter"])
        )
        self.classifier.fit(features, labels)
        with self._model_storage.write_to(self._resource) as directory:
            joblib.dump({"vectorizers": self.vectorizers, "classifier": self.classifier}, directory / MODEL_FILE)
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> Self:
        """The trained classifier (untrained if nothing was stored)."""
        try:
            with model_storage.read_from(resource) as directory:
                stored = joblib.load(directory / MODEL_FILE)
        except ValueError:
            return cls(config, model_storage, resource)
        return cls(config, model_storage, resource, stored)

    def probability(self, text: str) -> float:
        """The probability that ``text`` tells an emergency happening now (0 when untrained)."""
        if self.classifier is None or not text.strip():
            return 0.0
        folded = [fold(text)]
        features = hstack([vectorizer.transform(folded) for vectorizer in self.vectorizers]).tocsr()
        return float(self.classifier.predict_proba(features)[0, 1])

    def process(self, messages: list[Message]) -> list[Message]:
        """Writes each message's probability, and whether it reaches the threshold."""
        for message in messages:
            probability = self.probability(message.get(TEXT) or "")
            message.set(PROBABILITY, probability, add_to_output=True)
            message.set(SUSPECTED, probability >= self.threshold, add_to_output=True)
        return messages
