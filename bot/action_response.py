"""Checks the action server's replies against Rasa's schema without re-checking the schema.

Rasa 3.6's ``RemoteAction._validate_action_result`` calls ``jsonschema.validate`` on every
reply of the action server. That function first checks the *schema itself* against the JSON
Schema meta-schema, then builds a validator, then validates the reply. Under the benchmark's
10-client load, checking the (always identical) schema took about a tenth of each Rasa server
process's time: every message answered during the eligibility questions calls the action server.

``install()`` replaces that method with one that checks the schema once, keeps the validator,
and validates each reply as ``jsonschema.validate`` does (the same error, best match first,
with Rasa's explanation appended). ``bot.components`` installs it, so every Rasa process that
loads the assistant's model has it.
"""

from __future__ import annotations

import functools
from typing import Any

from jsonschema import exceptions, validators
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

_RASA_OWN = RemoteAction._validate_action_result


@functools.cache
def reply_validator() -> Any:
    """The validator of Rasa's action-server reply schema, its schema checked once."""
    schema = RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def validate_reply(action: RemoteAction, result: dict[str, Any]) -> bool:
    """Whether ``result`` is a valid action-server reply; raises ``ValidationError`` if not."""
    error = exceptions.best_match(reply_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, make sure your response from the "
        f"Action endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
    )
    raise error


def install() -> None:
    """Makes Rasa's remote actions validate replies with the kept validator."""
    RemoteAction._validate_action_result = validate_reply


def uninstall() -> None:
    """Puts Rasa's own validation back (for tests)."""
    RemoteAction._validate_action_result = _RASA_OWN
