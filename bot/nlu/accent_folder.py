"""NLU component that folds accents and apostrophes of tokens before the n-gram features.

Patients often type without accents (« operation », « recuperation ») while others write
them; folding both to one form lets the word and character n-grams match. spaCy's dense
features still see the original text.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.base import UntrainedComponent
from bot.text import fold


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class AccentFolder(UntrainedComponent):
    """Replaces each token's text and lemma of the user text by its folded form."""

    @staticmethod
    def _fold_tokens(message: Message) -> None:
        for token in message.get(TOKENS_NAMES[TEXT]) or []:
            token.text = fold(token.text)
            if token.lemma:
                token.lemma = fold(token.lemma)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Folds the tokens of every training example."""
        for example in training_data.training_examples:
            self._fold_tokens(example)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        """Folds the tokens of incoming messages."""
        for message in messages:
            self._fold_tokens(message)
        return messages
