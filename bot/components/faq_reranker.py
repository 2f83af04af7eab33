"""NLU component that chooses the FAQ answer from the answer selector and BM25 together.

The ResponseSelector and a plain BM25 retriever over the same training questions make different
mistakes: the selector generalises over words and characters, BM25 rewards the rare words a
question shares with a training question. Each answer's score is the selector's confidence
plus ``bm25_weight`` times its BM25 score relative to the best answer's (both between 0 and 1);
the answer with the best sum is given.

It runs after ``FaqResponseGate``: whether a message is answered at all is still decided by the
intent classifier and the selector's own confidence, so messages outside the documents go to
the fallback exactly as before; this only changes which answer a FAQ gets.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

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


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class FaqReranker(GraphComponent):
    """Re-ranks the selector's FAQ answers with BM25 over the training questions."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Equal weight to the selector and to BM25; the retrieval intent it answers."""
        return {"bm25_weight": 1.0, "retrieval_intent": "faq"}

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
        self.retrieval_intent = str(config["retrieval_intent"])
        self._model_storage = model_storage
        self._resource = resource
        self.questions = questions or []
        self.answers = answers or []
        self._index = BM25Okapi(self.questions) if self.questions else None

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
        """Indexes every training question of the retrieval intent under its answer's key."""
        questions, answers = [], []
        for example in training_data.intent_examples:
            key = example.get(INTENT_RESPONSE_KEY)
            if example.get(INTENT) == self.retrieval_intent and key:
                questions.append(words(example.get(TEXT) or ""))
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
        if self._index is None:
            return {}
        best: dict[str, float] = defaultdict(float)
        for key, score in zip(self.answers, self._index.get_scores(words(text))):
            best[key] = max(best[key], float(score))
        top = max(best.values(), default=0.0)
        return {key: score / top for key, score in best.items()} if top > 0 else {}

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
        lexical = self.bm25_scores(message.get(TEXT) or "")
        confidence = {entry["intent_response_key"]: float(entry["confidence"]) for entry in selection["ranking"]}
        scores = {
            key: (confidence.get(key, 0.0) + self.weight * lexical.get(key, 0.0)) / (1.0 + self.weight)
            for key in set(confidence) | set(lexical)
        }
        ranking = sorted(scores, key=scores.__getitem__, reverse=True)
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
        selection["ranking"] = [
            {**entries.get(key, {}), "intent_response_key": key, "confidence": scores[key]}
            for key in ranking[: len(selection["ranking"])]
        ]
        intent["full_retrieval_intent_name"] = chosen
        message.set(RESPONSE_SELECTOR, message.get(RESPONSE_SELECTOR), add_to_output=True)
        message.set(INTENT, intent, add_to_output=True)
