"""NLU component that tags each message with the language to answer in."""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.language import message_language
from bot.nlu.base import UntrainedComponent

LANGUAGE_ENTITY = "language"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class LanguageDetector(UntrainedComponent):
    """Adds a ``language`` entity (``fr`` or ``en``) when the language of a message is clear.

    The ``language`` slot is filled from that entity, so a message without it (« ok », a
    name) leaves the conversation's language as it was.
    """

    def process(self, messages: list[Message]) -> list[Message]:
        """Tags each message with its language entity, when there is one."""
        for message in messages:
            text = message.get(TEXT) or ""
            language = message_language(text, message.get("metadata"))
            if language is None:
                continue
            entity = {
                "entity": LANGUAGE_ENTITY,
                "value": language,
                "start": 0,
                "end": len(text),
                "confidence": 1.0,
                "extractor": self.__class__.__name__,
            }
            message.set(ENTITIES, [*message.get(ENTITIES, []), entity], add_to_output=True)
        return messages

    def process_training_data(self, training_data: Any) -> Any:
        """Leaves training data unchanged: this component learns nothing."""
        return training_data
