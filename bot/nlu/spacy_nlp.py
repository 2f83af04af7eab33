"""spaCy model loader that skips the pipes the assistant never reads.

Rasa's ``SpacyNLP`` runs every pipe of ``fr_core_news_md`` but the parser on each message.
This one leaves out the pipes listed in its ``disable`` setting (by default the parser and
the entity recognizer, which nothing in this pipeline reads: the entity recognizer has a
network of its own and was more than half of spaCy's time per message). Tokens and word vectors never depend on the pipes; lemmas need the tagger and
lemmatizer, and Rasa's tokenizer uses a token's text where it has no lemma.

The class keeps Rasa's name, ``SpacyNLP``: the recipe hands the loaded model to
``SpacyTokenizer`` and ``SpacyFeaturizer`` from the node whose class has that name.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.utils import spacy_utils


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.MODEL_LOADER, DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER],
    is_trainable=False,
    model_from="SpacyNLP",
)
class SpacyNLP(spacy_utils.SpacyNLP):
    """Rasa's spaCy loader, with the pipes of ``disable`` left out."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Rasa's settings, and the pipes to leave out."""
        return {**spacy_utils.SpacyNLP.get_default_config(), "disable": ["parser", "ner"]}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SpacyNLP:
        """Loads the model as Rasa does, then disables the pipes of ``disable``."""
        config = {**cls.get_default_config(), **config}
        created = super().create(config, model_storage, resource, execution_context)
        nlp = created.provide().model
        unknown = sorted(set(config["disable"]) - set(nlp.component_names))
        if unknown:
            raise ValueError(f"SpacyNLP: {config['model']} has no pipe {', '.join(unknown)} to disable")
        for pipe in config["disable"]:
            if pipe in nlp.pipe_names:
                nlp.disable_pipe(pipe)
        return created
