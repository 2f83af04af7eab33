"""The action server's replies are validated as Rasa's own ``jsonschema.validate`` call does."""

from __future__ import annotations

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

import bot.components  # noqa: F401  (installs the validation, as a loaded model does)
from bot import action_response

VALID = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "pain_duration", "value": "6 mois"}], "responses": [{"response": "utter_ask_consent"}]},
    {"events": [{"event": "active_loop", "name": None}, {"event": "followup", "name": "action_listen"}]},
    {},
]
INVALID = [
    {"events": "not a list"},
    {"events": [{"event": "no_such_event"}]},
    {"responses": {"text": "not a list"}},
    {"events": [{"name": "pain_duration"}]},
]


@pytest.fixture
def action() -> RemoteAction:
    return RemoteAction("validate_eligibility_form", EndpointConfig("http://127.0.0.1:1/webhook"))


def test_loading_the_components_installs_it(action):
    assert RemoteAction._validate_action_result is action_response.validate_reply


@pytest.mark.parametrize("reply", VALID)
def test_a_valid_reply_passes_as_with_jsonschema(action, reply):
    jsonschema.validate(reply, RemoteAction.action_response_format_spec())
    assert action._validate_action_result(reply) is True


@pytest.mark.parametrize("reply", INVALID)
def test_an_invalid_reply_fails_with_jsonschema_s_error_and_rasa_s_explanation(action, reply):
    with pytest.raises(jsonschema.ValidationError) as expected:
        jsonschema.validate(reply, RemoteAction.action_response_format_spec())
    with pytest.raises(jsonschema.ValidationError) as raised:
        action._validate_action_result(reply)
    assert raised.value.message.startswith(expected.value.message)
    assert "Failed to validate Action server response" in raised.value.message
    assert list(raised.value.path) == list(expected.value.path)


def test_the_schema_is_checked_once(action, monkeypatch):
    action_response.reply_validator.cache_clear()
    checks = []
    original = jsonschema.validators.validator_for(RemoteAction.action_response_format_spec()).check_schema
    monkeypatch.setattr(
        jsonschema.validators.validator_for(RemoteAction.action_response_format_spec()),
        "check_schema",
        classmethod(lambda cls, schema: checks.append(schema) or original(schema)),
    )
    for reply in VALID * 3:
        action._validate_action_result(reply)
    assert len(checks) == 1


def test_uninstall_puts_rasa_s_own_back(action):
    try:
        action_response.uninstall()
        assert action._validate_action_result({"events": []}) is True
        assert RemoteAction._validate_action_result is not action_response.validate_reply
    finally:
        action_response.install()
