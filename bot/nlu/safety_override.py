"""NLU component that makes emergency red flags and medication questions win over any intent."""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.base import UntrainedComponent
from bot.safety import assess


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class SafetyOverride(UntrainedComponent, IntentClassifier):
    """Replaces the predicted intent by ``emergency`` or ``medical_advice`` when the safety
    patterns of :mod:`bot.safety` fire. It runs last, after the fallback classifier.

    A message the model already classified as ``emergency`` keeps that intent: patterns
    only ever add safety, never remove it.
    """

    def process(self, messages: list[Message]) -> list[Message]:
        """Overrides the intent of messages that carry a red flag or ask about medication."""
        for message in messages:
            finding = assess(message.get(TEXT) or "")
            predicted = (message.get(INTENT) or {}).get("name")
            if finding is None or predicted == "emergency":
                continue
            if finding.intent == "medical_advice" and predicted == "medical_advice":
                continue
            override = {"name": finding.intent, "confidence": 1.0, "safety_reason": finding.reason}
            ranking = [entry for entry in message.get(INTENT_RANKING_KEY) or [] if entry.get("name") != finding.intent]
            message.set(INTENT, override, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [override, *ranking], add_to_output=True)
        return messages
