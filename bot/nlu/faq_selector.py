"""NLU component that chooses a FAQ answer with a linear classifier over character and word n-grams.

It takes the place of Rasa's ``ResponseSelector`` for the ``faq`` retrieval intent and writes the
same output (``response_selector.faq.response`` and ``ranking``), which ``FaqResponseGate``,
``tools.tuning`` and Rasa's ``utter_faq`` action read.

Why not the ResponseSelector: on the development set (``tests/nlu/dev_*.yml``, never the held-out
set) this logistic regression answered more questions right, trains in a fraction of the time and
answers in well under a millisecond (``docs/decisions.md`` has the figures). Character n-grams
(inside word boundaries) carry typos, missing accents and « chu » / « y'a-tu »; word unigrams and
bigrams carry the rare words that tell two neighbouring answers apart.
"""

from __future__ import annotations

from typing import Any, Self

import joblib
import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RESPONSE_KEY, RESPONSE_SELECTOR, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from bot.text import WORD_PATTERN, fold

MODEL_FILE = "faq_selector.joblib"


class FaqClassifier:
    """Logistic regression from a question's TF-IDF n-grams to its answer's key.

    Only scikit-learn's own objects are stored (``stored()``), never this class: a model
    trained by an earlier version of this code, or restored from Rasa's training cache,
    still loads into the current one.
    """

    def __init__(self, vectorizers: list[TfidfVectorizer], classifier: LogisticRegression) -> None:
        """Wraps fitted (or not yet fitted) features and classifier."""
        self.vectorizers = vectorizers
        self.classifier = classifier
        self._weights: np.ndarray | None = None
        self._readers: list[NgramReader] | None = None

    @classmethod
    def untrained(cls, config: dict[str, Any]) -> FaqClassifier:
        """The features and classifier described by the component's settings, not yet fitted."""
        vectorizers = [
            TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(config["char_ngram_range"]), sublinear_tf=True),
            TfidfVectorizer(
                analyzer="word",
                token_pattern=WORD_PATTERN,
                ngram_range=tuple(config["word_ngram_range"]),
                sublinear_tf=True,
            ),
        ]
        classifier = LogisticRegression(
            C=float(config["C"]),
            solver=str(config["solver"]),
            tol=float(config["tol"]),
            max_iter=int(config["max_iter"]),
            multi_class="multinomial",
            # saga visits the questions in a random order: a fixed seed makes training repeatable.
            random_state=int(config["random_seed"]),
        )
        return cls(vectorizers, classifier)

    def stored(self) -> dict[str, Any]:
        """What is written to the model: the fitted scikit-learn objects."""
        return {"vectorizers": self.vectorizers, "classifier": self.classifier}

    def fit(self, questions: list[str], keys: list[str]) -> None:
        """Learns the answers' keys from their training questions."""
        folded = [fold(question) for question in questions]
        features = hstack([vectorizer.fit_transform(folded) for vectorizer in self.vectorizers]).tocsr()
        self.classifier.fit(features, keys)
        self._weights = None
        self._readers = None

    @property
    def weights(self) -> np.ndarray:
        """The classifier's coefficients as a (features x answers) row-major matrix.

        scikit-learn's own ``predict_proba`` multiplies by ``coef_.T``, a column-major view
        that SciPy copies whole (answers x n-grams) at every call, many times the cost of
        reading the rows of the message's n-grams here.
        """
        if self._weights is None:
            self._weights = np.ascontiguousarray(self.classifier.coef_.T)
        return self._weights

    @property
    def keys(self) -> list[str]:
        """The answers' keys, in the order of ``probabilities``."""
        return list(self.classifier.classes_)

    def features(self, text: str) -> csr_matrix:
        """The n-gram features of ``text`` (one row), by scikit-learn's own ``transform``.

        The reference that ``probabilities`` reproduces faster (``NgramReader``); the tests compare them.
        """
        folded = fold(text)
        return hstack([vectorizer.transform([folded]) for vectorizer in self.vectorizers]).tocsr()

    @property
    def readers(self) -> list[NgramReader]:
        """The fitted vectorizers' analyzers, vocabularies and idf, read once, each at its columns' offset."""
        if self._readers is None:
            offsets = np.cumsum([0] + [len(vectorizer.vocabulary_) for vectorizer in self.vectorizers])
            self._readers = [
                NgramReader(vectorizer, int(offset))
                for vectorizer, offset in zip(self.vectorizers, offsets[:-1], strict=True)
            ]
        return self._readers

    def probabilities(self, text: str) -> np.ndarray:
        """The probability of each answer key for ``text``.

        The same figures as ``classifier.predict_proba(features(text))`` (a test checks it),
        computed from the rows of the message's own n-grams: scikit-learn's ``transform``
        spent most of its time checking the fitted vectorizer and building sparse matrices.
        """
        folded = fold(text)
        scores = self.classifier.intercept_.copy()
        for reader in self.readers:
            columns, values = reader.read(folded)
            if len(columns):
                scores += values @ self.weights[columns]
        if len(scores) == 1:
            # Two answers: scikit-learn keeps one row of coefficients, for the second answer.
            scores = np.array([-scores[0], scores[0]])
        return softmax(scores)


class NgramReader:
    """One fitted ``TfidfVectorizer``'s transform of a single text, as sparse columns and values.

    Reproduces ``transform`` for the settings ``FaqClassifier`` uses (sublinear tf, idf, l2
    norm): counts of the analyzer's known n-grams, ``1 + log(count)``, times idf, normalised.
    """

    def __init__(self, vectorizer: TfidfVectorizer, offset: int) -> None:
        """Reads ``vectorizer``'s analyzer, vocabulary and idf; its columns start at ``offset``."""
        if not (vectorizer.sublinear_tf and vectorizer.use_idf and vectorizer.norm == "l2"):
            raise ValueError("NgramReader reproduces only sublinear tf, idf and l2 norm")
        self.analyze = vectorizer.build_analyzer()
        self.vocabulary = vectorizer.vocabulary_
        self.idf = np.asarray(vectorizer.idf_, dtype=np.float64)
        self.offset = offset

    def read(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The (feature columns, tf-idf values) of ``text``'s known n-grams."""
        counts: dict[int, int] = {}
        for ngram in self.analyze(text):
            column = self.vocabulary.get(ngram)
            if column is not None:
                counts[column] = counts.get(column, 0) + 1
        if not counts:
            return np.empty(0, dtype=np.intp), np.empty(0)
        columns = np.fromiter(counts, dtype=np.intp, count=len(counts))
        values = (np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts))) + 1.0) * self.idf[columns]
        values /= np.sqrt(values @ values)
        return columns + self.offset, values


def softmax(scores: np.ndarray) -> np.ndarray:
    """Probabilities from a multinomial logistic regression's scores."""
    exponentials = np.exp(scores - scores.max())
    return exponentials / exponentials.sum()


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearFaqSelector(GraphComponent):
    """Selects the answer of a retrieval intent, as Rasa's ResponseSelector does."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The settings chosen on the development set (see the module's docstring)."""
        return {
            "retrieval_intent": "faq",
            "char_ngram_range": [2, 5],
            "word_ngram_range": [1, 2],
            "C": 50.0,
            # The same objective as scikit-learn's default lbfgs, reached in 49 s instead of
            # 134 s on the 4,433 training questions, with the same development-set answers.
            "solver": "saga",
            "tol": 1e-3,
            "max_iter": 3000,
            "random_seed": 1,
            "ranking_length": 10,
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: FaqClassifier | None = None,
        retrieval_intents: list[str] | None = None,
    ) -> None:
        """Creates the selector, trained when ``model`` is given."""
        self.config = config
        self.retrieval_intent = str(config["retrieval_intent"])
        self.ranking_length = int(config["ranking_length"])
        self._model_storage = model_storage
        self._resource = resource
        self.model = model
        self.retrieval_intents = retrieval_intents or [self.retrieval_intent]

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> Self:
        """A selector that has not been trained yet."""
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        """Learns every answer of the retrieval intent from its training questions.

        Raises:
            ValueError: if the retrieval intent has fewer than two answers with questions.
        """
        pairs = [
            (example.get(TEXT), example.get(INTENT_RESPONSE_KEY))
            for example in training_data.intent_examples
            if example.get(INTENT) == self.retrieval_intent and example.get(INTENT_RESPONSE_KEY)
        ]
        answers = {key for _, key in pairs}
        if len(answers) < 2:
            raise ValueError(
                f"LinearFaqSelector needs training questions for at least two answers of "
                f"'{self.retrieval_intent}', found {len(answers)}."
            )
        model = FaqClassifier.untrained(self.config)
        model.fit([text for text, _ in pairs], [key for _, key in pairs])
        self.model = model
        self.retrieval_intents = sorted(training_data.retrieval_intents)
        with self._model_storage.write_to(self._resource) as directory:
            joblib.dump({**model.stored(), "retrieval_intents": self.retrieval_intents}, directory / MODEL_FILE)
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
        """The trained selector, read back from the model's storage."""
        with model_storage.read_from(resource) as directory:
            stored = joblib.load(directory / MODEL_FILE)
        model = FaqClassifier(stored["vectorizers"], stored["classifier"])
        return cls(config, model_storage, resource, model, stored["retrieval_intents"])

    def process(self, messages: list[Message]) -> list[Message]:
        """Adds the best answer and the ranking of the most likely ones to each message."""
        if self.model is None:
            return messages
        keys = self.model.keys
        for message in messages:
            probabilities = self.model.probabilities(message.get(TEXT) or "")
            order = np.argsort(-probabilities, kind="stable")[: self.ranking_length]
            ranking = [{"intent_response_key": keys[n], "confidence": float(probabilities[n])} for n in order]
            best = ranking[0]
            selection = {
                "response": {
                    "confidence": best["confidence"],
                    "intent_response_key": best["intent_response_key"],
                    "utter_action": f"utter_{best['intent_response_key']}",
                },
                "ranking": ranking,
            }
            properties = message.get(RESPONSE_SELECTOR) or {}
            properties["all_retrieval_intents"] = self.retrieval_intents
            properties[self.retrieval_intent] = selection
            message.set(RESPONSE_SELECTOR, properties, add_to_output=True)
        return messages
