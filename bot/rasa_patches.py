"""This project's changes to Rasa 3.6's behaviour, installed by the server's entry point.

``python -m bot.server`` calls :func:`install` before Rasa starts; nothing here acts on import.

- **Replies of the action server checked once against the schema.** Rasa's
  ``RemoteAction._validate_action_result`` calls ``jsonschema.validate`` on every reply, which
  first checks the *schema itself* against the JSON Schema meta-schema: under the benchmark's
  10-client load that took about a tenth of each server process's time. Here the schema is
  checked once and the validator kept; each reply is validated as ``jsonschema.validate`` does
  (the same error, best match first, with Rasa's explanation appended).
- **An action server that cannot be reached is said, not silent.** Rasa logs the failure and
  answers nothing, in the middle of the questionnaire. Here the person gets
  ``utter_technical_problem`` (« réessayez dans un moment, vos réponses sont gardées ») in
  their language; the conversation, its slots and its form are kept. An action that only
  records (``QUIET_ACTIONS``: the unanswered question after the fallback) says nothing more.
- **Typed payloads set only what the domain allows.** A message such as
  ``/greet{"language":"de"}``, typed or sent as a quick-reply payload, skips the NLU pipeline
  and gives its entities directly. Entities the domain does not declare, and values a
  categorical slot filled from the entity does not list, are dropped.
- **A message is read in the light of its shape and of the conversation**
  (:mod:`bot.understanding`): the question after a story, a follow-up with the previous
  question. Rasa 3.6's NLU components see one message; its processor has the tracker.
- **Each message's text is kept out of the logs** while it is handled (:mod:`bot.privacy`).
- **A conversation a coordinator holds stays theirs** (:mod:`bot.coordination`): the assistant
  predicts nothing but the emergency answer to an acute red flag, until the claim is given
  back or goes stale; its session does not expire meanwhile. The tracker read to find out is
  the one Rasa's handling of the message starts from: one read of the tracker store, not two.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from jsonschema import exceptions, validators
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.nlg import NaturalLanguageGenerator
from rasa.core.processor import MessageProcessor
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.constants import REQUESTED_SLOT
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, SlotSet
from rasa.shared.core.slots import CategoricalSlot
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException

from bot import coordination, privacy
from bot.understanding import understand

logger = logging.getLogger(__name__)

TECHNICAL_PROBLEM_RESPONSE = "utter_technical_problem"
# Actions that only record what was said: when they fail, the person has been answered already.
QUIET_ACTIONS = frozenset({"action_record_unanswered"})
_RASA_OWN = {
    "validate": RemoteAction._validate_action_result,
    "run": RemoteAction.run,
    "handle_message": MessageProcessor.handle_message,
    "parse_message": MessageProcessor.parse_message,
    "session_expired": MessageProcessor._has_session_expired,
    "get_tracker": MessageProcessor.get_tracker,
}


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


async def run_or_say_technical_problem(
    action: RemoteAction,
    output_channel: OutputChannel,
    nlg: NaturalLanguageGenerator,
    tracker: DialogueStateTracker,
    domain: Domain,
) -> list[Event]:
    """Rasa's ``RemoteAction.run``; when the action server fails, the technical-problem reply."""
    try:
        return await _RASA_OWN["run"](action, output_channel, nlg, tracker, domain)
    except ActionExecutionRejection:
        raise
    except RasaException as error:
        if action.name() in QUIET_ACTIONS:
            logger.error("action %s failed, nothing more is said: %s", action.name(), type(error).__name__)
            return []
        logger.error("action %s failed, the person is told to try again: %s", action.name(), type(error).__name__)
        events: list[Event] = await RemoteAction._utter_responses(
            [{"response": TECHNICAL_PROBLEM_RESPONSE}], output_channel, nlg, tracker
        )
        requested = tracker.get_slot(REQUESTED_SLOT)
        if tracker.active_loop_name and requested:
            # The form's question stays as it was: setting its slot to its own value keeps Rasa
            # from rejecting the form (and answering with the fallback), and keeps every answer.
            events.append(SlotSet(requested, tracker.get_slot(requested)))
        return events


def allowed_entities(entities: list[dict[str, Any]], domain: Domain) -> list[dict[str, Any]]:
    """``entities`` without those the domain does not declare or whose value it does not allow."""
    allowed_values: dict[str, set[str]] = {}
    for slot in domain.slots:
        if not isinstance(slot, CategoricalSlot):
            continue
        for mapping in slot.mappings:
            if mapping.get("type") == "from_entity" and mapping.get("entity"):
                allowed_values.setdefault(mapping["entity"], set()).update(str(value).lower() for value in slot.values)
    kept = []
    for entity in entities:
        name = entity.get("entity")
        if name not in domain.entities:
            continue
        if name in allowed_values and str(entity.get("value")).lower() not in allowed_values[name]:
            continue
        kept.append(entity)
    return kept


async def parse_message_with_allowed_entities(
    processor: MessageProcessor,
    message: UserMessage,
    tracker: DialogueStateTracker | None = None,
    only_output_properties: bool = True,
) -> dict[str, Any]:
    """Rasa's ``MessageProcessor.parse_message`` on the readings :func:`understand` asks for,
    its entities checked against the domain."""

    async def parse(text: str) -> dict[str, Any]:
        reading = message if text == message.text else _with_text(message, text)
        return await _RASA_OWN["parse_message"](processor, reading, tracker, only_output_properties)

    parse_data = await understand(message.text or "", parse, tracker)
    parse_data["entities"] = allowed_entities(parse_data.get("entities") or [], processor.domain)
    return parse_data


def _with_text(message: UserMessage, text: str) -> UserMessage:
    """The same message from the same conversation and channel, with another text."""
    return UserMessage(
        text=text,
        output_channel=message.output_channel,
        sender_id=message.sender_id,
        input_channel=message.input_channel,
        message_id=message.message_id,
        metadata=message.metadata,
    )


async def handle_message_privately(processor: MessageProcessor, message: UserMessage) -> Any:
    """Rasa's ``MessageProcessor.handle_message`` as a claimed conversation needs it, the message's
    text kept out of the logs."""
    with privacy.handling(message.text):
        return await coordination.handle_message(processor, message, _RASA_OWN["handle_message"])


def session_expired_unless_claimed(processor: MessageProcessor, tracker: DialogueStateTracker) -> bool:
    """Rasa's ``_has_session_expired``, false while a coordinator holds the conversation."""
    return coordination.session_expired(processor, tracker, _RASA_OWN["session_expired"])


async def get_tracker_read_once(processor: MessageProcessor, conversation_id: str) -> DialogueStateTracker:
    """Rasa's ``get_tracker``, without reading again the tracker just read for the same message."""
    return await coordination.get_tracker_fetched_once(processor, conversation_id, _RASA_OWN["get_tracker"])


def install() -> None:
    """Installs every change above into Rasa's classes."""
    RemoteAction._validate_action_result = validate_reply
    RemoteAction.run = run_or_say_technical_problem
    MessageProcessor.parse_message = parse_message_with_allowed_entities
    MessageProcessor.handle_message = handle_message_privately
    MessageProcessor._has_session_expired = session_expired_unless_claimed
    MessageProcessor.get_tracker = get_tracker_read_once


def uninstall() -> None:
    """Puts Rasa's own methods back (for tests)."""
    RemoteAction._validate_action_result = _RASA_OWN["validate"]
    RemoteAction.run = _RASA_OWN["run"]
    MessageProcessor.parse_message = _RASA_OWN["parse_message"]
    MessageProcessor.handle_message = _RASA_OWN["handle_message"]
    MessageProcessor._has_session_expired = _RASA_OWN["session_expired"]
    MessageProcessor.get_tracker = _RASA_OWN["get_tracker"]
