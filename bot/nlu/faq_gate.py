"""NLU component that refuses to answer a FAQ when the answer selection is unsure."""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, RESPONSE_SELECTOR
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.base import UntrainedComponent


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class FaqResponseGate(UntrainedComponent, IntentClassifier):
    """Turns a retrieval intent into ``nlu_fallback`` when its selected answer is unsure.

    The intent classifier may be sure that a message is « a FAQ » while the response
    selector hesitates between answers; a wrong FAQ answer is worse than asking to
    rephrase, so below ``threshold`` the message goes to the fallback.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The component's default config: the minimal answer-selection confidence."""
        return {"threshold": 0.4, "retrieval_intents": ["faq"]}

    def __init__(self, config: dict[str, Any]) -> None:
        """Creates the gate with its ``threshold`` and the retrieval intents it watches."""
        super().__init__(config)
        self.threshold = float(config["threshold"])
        self.retrieval_intents = set(config["retrieval_intents"])

    def process(self, messages: list[Message]) -> list[Message]:
        """Sends unsure FAQ selections to the fallback intent."""
        for message in messages:
            intent = (message.get(INTENT) or {}).get("name")
            if intent not in self.retrieval_intents:
                continue
            selection = (message.get(RESPONSE_SELECTOR) or {}).get(intent, {}).get("response", {})
            confidence = float(selection.get("confidence") or 0.0)
            if confidence >= self.threshold:
                continue
            fallback = {"name": DEFAULT_NLU_FALLBACK_INTENT_NAME, "confidence": confidence}
            message.set(INTENT, fallback, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [fallback, *(message.get(INTENT_RANKING_KEY) or [])], add_to_output=True)
        return messages
