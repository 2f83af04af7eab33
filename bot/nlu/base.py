"""What the project's NLU components share."""

from __future__ import annotations

from typing import Any, Self

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage


class UntrainedComponent(GraphComponent):
    """A component that learns nothing: built from its configuration alone."""

    def __init__(self, config: dict[str, Any]) -> None:
        """Keeps the component's configuration (defaults merged in by Rasa)."""
        self.config = config

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> Self:
        """Creates the component (see ``GraphComponent.create``)."""
        return cls(config)
