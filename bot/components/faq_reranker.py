"""NLU component that chooses the FAQ answer from the answer selector and BM25 together.

The answer selector (``LinearFaqSelector``) and a plain BM25 retriever over the same training
questions make different mistakes: the selector weighs every character and word n-gram it
learned, BM25 rewards the rare words a question shares with one training question. Each
answer's score is the selector's confidence plus ``bm25_weight`` times its BM25 score relative
to the best answer's (both between 0 and 1); the answer with the best sum is given. With ``index_answers``, each answer's own texts (French
and English) are indexed beside its training questions, so a question about a detail that
only the answer mentions still finds it.

The selector's own ranking is kept in the output (``selector_ranking``), so a choice can be
explained, and so ``python -m bot.tuning`` can compare settings on the development set.

It runs after ``FaqResponseGate``: whether a message is answered at all is still decided by the
intent classifier and the selector's own confidence, so messages outside the documents go to
the fallback exactly as before; this only changes which answer a FAQ gets.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

import numpy as np
from rank_bm25 import BM25Okapi
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RESPONSE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from typing_extensions import Self

from bot.text import words

RESPONSE_SELECTOR = "response_selector"
CORPUS_FILE = "faq_bm25_corpus.json"


class FaqIndex:
    """BM25 over documents (lists of words), each labelled with the answer it leads to.

    The scores are rank_bm25's ``BM25Okapi`` ones (same statistics, same formula), computed
    from postings built once: a message costs one addition per document holding one of its
    words, instead of a pass over every document per word, which took a fifth of the
    server's time under load.
    """

    def __init__(self, documents: list[list[str]], answers: list[str]) -> None:
        """Indexes ``documents``; ``answers[i]`` is the answer key of ``documents[i]``."""
        self.documents = documents
        self.answers = answers
        self.keys = sorted(set(answers))
        position = {key: n for n, key in enumerate(self.keys)}
        self._key_of_document = np.array([position[key] for key in answers], dtype=np.int64)
        self._postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        if documents:
            self._build_postings(BM25Okapi(documents))

    def _build_postings(self, bm25: BM25Okapi) -> None:
        length = np.array(bm25.doc_len, dtype=float)
        norm = bm25.k1 * (1 - bm25.b + bm25.b * length / bm25.avgdl)
        holders: dict[str, list[int]] = defaultdict(list)
        for document, frequencies in enumerate(bm25.doc_freqs):
            for word in frequencies:
                holders[word].append(document)
        for word, documents in holders.items():
            where = np.array(documents, dtype=np.int64)
            frequency = np.array([bm25.doc_freqs[n][word] for n in documents], dtype=float)
            idf = bm25.idf.get(word) or 0
            self._postings[word] = (where, idf * (frequency * (bm25.k1 + 1) / (frequency + norm[where])))

    def document_scores(self, text: str) -> np.ndarray:
        """The BM25 score of every document for ``text``."""
        total = np.zeros(len(self.documents))
        for word in words(text):
            posting = self._postings.get(word)
            if posting is not None:
                total[posting[0]] += posting[1]
        return total

    def scores(self, text: str) -> dict[str, float]:
        """Each answer's best BM25 score over its documents, relative to the best answer's."""
        if not self.documents:
            return {}
        best = np.zeros(len(self.keys))
        np.maximum.at(best, self._key_of_document, self.document_scores(text))
        top = float(best.max())
        return {key: float(score) / top for key, score in zip(self.keys, best)} if top > 0 else {}


def combined_scores(selector: dict[str, float], lexical: dict[str, float], weight: float) -> dict[str, float]:
    """The selector's confidence plus ``weight`` times the relative BM25 score, scaled to [0, 1]."""
    return {
        key: (selector.get(key, 0.0) + weight * lexical.get(key, 0.0)) / (1.0 + weight)
        for key in set(selector) | set(lexical)
    }


def ranked(scores: dict[str, float]) -> list[str]:
    """The answers, best score first; ties go in alphabetical order."""
    return sorted(scores, key=lambda key: (-scores[key], key))


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class FaqReranker(GraphComponent):
    """Re-ranks the selector's FAQ answers with BM25 over the training questions."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """By default equal weights, training questions only; the retrieval intent it answers."""
        return {"bm25_weight": 1.0, "index_answers": False, "retrieval_intent": "faq"}

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        questions: list[list[str]] | None = None,
        answers: list[str] | None = None,
    ) -> None:
        """Creates the re-ranker, with the training questions (as words) and their answers' keys."""
        self.config = config
        self.weight = float(config["bm25_weight"])
        self.index_answers = bool(config["index_answers"])
        self.retrieval_intent = str(config["retrieval_intent"])
        self._model_storage = model_storage
        self._resource = resource
        self.questions = questions or []
        self.answers = answers or []
        self.index = FaqIndex(self.questions, self.answers)

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> Self:
        """A re-ranker that has not been trained yet."""
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        """Indexes every training question of the retrieval intent under its answer's key.

        With ``index_answers``, each text of each answer is indexed too.
        """
        questions, answers = [], []
        for example in training_data.intent_examples:
            key = example.get(INTENT_RESPONSE_KEY)
            if example.get(INTENT) == self.retrieval_intent and key:
                questions.append(words(example.get(TEXT) or ""))
                answers.append(key)
        if self.index_answers:
            for key, text in answer_texts(training_data.responses, self.retrieval_intent):
                questions.append(words(text))
                answers.append(key)
        with self._model_storage.write_to(self._resource) as directory:
            (directory / CORPUS_FILE).write_text(json.dumps({"questions": questions, "answers": answers}))
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
        """The trained re-ranker, its index rebuilt from the stored questions."""
        with model_storage.read_from(resource) as directory:
            stored = json.loads((directory / CORPUS_FILE).read_text())
        return cls(config, model_storage, resource, stored["questions"], stored["answers"])

    def bm25_scores(self, text: str) -> dict[str, float]:
        """Each answer's best BM25 score over its questions, relative to the best answer's."""
        return self.index.scores(text)

    def process(self, messages: list[Message]) -> list[Message]:
        """Gives each FAQ message the answer with the best combined score."""
        for message in messages:
            intent = message.get(INTENT) or {}
            selection = (message.get(RESPONSE_SELECTOR) or {}).get(self.retrieval_intent)
            if intent.get("name") != self.retrieval_intent or not selection or not selection.get("ranking"):
                continue
            self._rerank(message, intent, selection)
        return messages

    def _rerank(self, message: Message, intent: dict[str, Any], selection: dict[str, Any]) -> None:
        # At weight 0 BM25 cannot change the answer: its scores are not computed.
        lexical = self.bm25_scores(message.get(TEXT) or "") if self.weight else {}
        confidence = {entry["intent_response_key"]: float(entry["confidence"]) for entry in selection["ranking"]}
        scores = combined_scores(confidence, lexical, self.weight)
        ranking = ranked(scores)
        chosen = ranking[0]
        # The selector's texts of its own choice ("responses") would be wrong now; nothing reads them.
        kept = {name: value for name, value in selection["response"].items() if name != "responses"}
        selection["response"] = {
            **kept,
            "intent_response_key": chosen,
            "utter_action": f"utter_{chosen}",
            "confidence": scores[chosen],
        }
        entries = {entry["intent_response_key"]: entry for entry in selection["ranking"]}
        selection["selector_ranking"] = [
            {"intent_response_key": entry["intent_response_key"], "confidence": float(entry["confidence"])}
            for entry in selection["ranking"]
        ]
        selection["ranking"] = [
            {**entries.get(key, {}), "intent_response_key": key, "confidence": scores[key]}
            for key in ranking[: len(selection["ranking"])]
        ]
        intent["full_retrieval_intent_name"] = chosen
        message.set(RESPONSE_SELECTOR, message.get(RESPONSE_SELECTOR), add_to_output=True)
        message.set(INTENT, intent, add_to_output=True)


def answer_texts(responses: dict[str, list[dict[str, Any]]], retrieval_intent: str) -> list[tuple[str, str]]:
    """``(answer key, text)`` for every text variation of the retrieval intent's answers."""
    prefix = f"utter_{retrieval_intent}/"
    return [
        (name.removeprefix("utter_"), variation["text"])
        for name, variations in sorted(responses.items())
        if name.startswith(prefix)
        for variation in variations
        if variation.get("text")
    ]
