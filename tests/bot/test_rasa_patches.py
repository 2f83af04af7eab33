"""The action server's replies are validated as Rasa's own ``jsonschema.validate`` call does."""

from __future__ import annotations

import importlib

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.core.processor import MessageProcessor
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException
from rasa.utils.endpoints import EndpointConfig

import bot.nlu
import bot.server
from bot import privacy, rasa_patches
from tools.stack import PROJECT

VALID = [
    {"events": [], "responses": []},
    {
        "events": [{"event": "slot", "name": "pain_duration", "value": "6 mois"}],
        "responses": [{"response": "utter_ask_consent"}],
    },
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
    """A remote action, with the patch installed as the server's entry point installs it."""
    rasa_patches.install()
    yield RemoteAction("validate_eligibility_form", EndpointConfig("http://127.0.0.1:1/webhook"))
    rasa_patches.uninstall()


def test_importing_the_components_installs_nothing():
    rasa_patches.uninstall()
    importlib.reload(bot.nlu)
    assert RemoteAction._validate_action_result is not rasa_patches.validate_reply


def test_the_server_entry_point_installs_it_before_rasa_runs(monkeypatch):
    rasa_patches.uninstall()
    seen = []
    monkeypatch.setattr("rasa.__main__.main", lambda: seen.append(RemoteAction._validate_action_result))
    try:
        bot.server.main()
    finally:
        rasa_patches.uninstall()
        privacy.uninstall()
    assert seen == [rasa_patches.validate_reply]


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
    rasa_patches.reply_validator.cache_clear()
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
    rasa_patches.uninstall()
    assert action._validate_action_result({"events": []}) is True
    assert RemoteAction._validate_action_result is not rasa_patches.validate_reply


DOMAIN = Domain.load(str(PROJECT / "domain.yml"))


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", "Réessayez dans un moment, vos réponses sont gardées."),
        ("en", "Please try again in a moment; your answers are kept."),
    ],
)
async def test_an_unreachable_action_server_is_said_in_the_person_s_language(action, language, expected):
    tracker = DialogueStateTracker.from_events("patient", [SlotSet("language", language)], slots=DOMAIN.slots)
    events = await action.run(
        CollectingOutputChannel(), TemplatedNaturalLanguageGenerator(DOMAIN.responses), tracker, DOMAIN
    )
    assert [type(event) for event in events] == [BotUttered]
    assert expected in events[0].text


async def test_without_the_patch_rasa_raises_instead(action):
    rasa_patches.uninstall()
    tracker = DialogueStateTracker.from_events("patient", [], slots=DOMAIN.slots)
    with pytest.raises(RasaException):
        await action.run(
            CollectingOutputChannel(), TemplatedNaturalLanguageGenerator(DOMAIN.responses), tracker, DOMAIN
        )


@pytest.mark.parametrize(
    ("entities", "kept"),
    [
        ([{"entity": "language", "value": "en"}], [{"entity": "language", "value": "en"}]),
        ([{"entity": "language", "value": "de"}], []),
        ([{"entity": "language", "value": ["fr"]}], []),
        ([{"entity": "contact_name", "value": "Robert'); DROP TABLE leads;--"}], []),
        (
            [{"entity": "no_such_entity", "value": "x"}, {"entity": "language", "value": "FR"}],
            [{"entity": "language", "value": "FR"}],
        ),
    ],
)
def test_typed_payload_entities_are_kept_only_when_the_domain_allows_them(entities, kept):
    assert rasa_patches.allowed_entities(entities, DOMAIN) == kept


def test_the_server_reads_a_message_s_tracker_through_the_claim_check(action):
    assert MessageProcessor.get_tracker is rasa_patches.get_tracker_read_once
    rasa_patches.uninstall()
    assert MessageProcessor.get_tracker is rasa_patches._RASA_OWN["get_tracker"]
