"""Keeps patients' words out of the Rasa server's logs above DEBUG.

A message can hold a name, an e-mail address, a phone number or a health answer, and Rasa's own
loggers put message text in some warnings and errors (« rest.message.received.failure »), in
exception messages and so in tracebacks. :func:`install` adds two guards, both explicit and
installed by the server's entry point (``python -m bot.server``):

- every log record above DEBUG, whoever creates it, has its message and its traceback rewritten:
  the text of the message being handled (:func:`handling`) becomes ``[message]``, e-mail
  addresses ``[e-mail]`` and phone numbers ``[phone]``;
- Rasa's structured log events lose their fields that carry conversation content (``text``,
  ``user_text``, ``message``…) before they are rendered, above DEBUG.

DEBUG keeps everything: it is for a developer's machine, never for production.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import re
import sys
import traceback
from collections.abc import Iterator
from typing import Any

import phonenumbers

_handled_texts: contextvars.ContextVar[tuple[str, ...]] = contextvars.ContextVar("handled_texts", default=())
_EMAIL = re.compile(r"[^\s@<>()\[\]{},;:\"']+@[^\s@<>()\[\]{},;:\"']+")
# Numbers are read as North American unless they start with + (« +33 6 12 34 56 78 »).
_PHONE_REGION = "CA"
_FEWEST_PHONE_DIGITS = 7
# The fields of Rasa's structured events that carry what a person wrote or was told.
CONTENT_FIELDS = frozenset(
    {
        "text",
        "user_text",
        "response_text",
        "message",
        "user_message",
        "json_message",
        "response",
        "parse_data_text",
        "parse_data_entities",
        "slot_values",
        "slot_candidates",
        "prefilled_slots",
        "tracker_latest_message",
        "rasa_event",
        "rasa_events",
        "prediction_events",
        "entity",
        "current_entity",
        "next_entity",
        "token_text",
    }
)
_SHORTEST_REDACTED_TEXT = 2


@contextlib.contextmanager
def handling(text: str | None) -> Iterator[None]:
    """Within this block (and the tasks it starts), ``text`` is redacted from the logs."""
    if not text or len(text.strip()) < _SHORTEST_REDACTED_TEXT:
        yield
        return
    token = _handled_texts.set((*_handled_texts.get(), text))
    try:
        yield
    finally:
        _handled_texts.reset(token)


def redact(line: str) -> str:
    """``line`` without the handled messages' text, e-mail addresses and phone numbers."""
    for text in sorted(_handled_texts.get(), key=len, reverse=True):
        for written in _written_forms(text):
            line = line.replace(written, "[message]")
    line = _EMAIL.sub("[e-mail]", line)
    return _without_phone_numbers(line)


def _written_forms(text: str) -> set[str]:
    """``text`` as a log line may hold it: as is, JSON-escaped, or as Python's repr shows it."""
    forms = {text, json.dumps(text)[1:-1], repr(text)[1:-1], text.strip()}
    return {form for form in forms if len(form) >= _SHORTEST_REDACTED_TEXT}


def _without_phone_numbers(line: str) -> str:
    """``line`` with each valid phone number in it replaced by ``[phone]``."""
    if sum(char.isdigit() for char in line) < _FEWEST_PHONE_DIGITS:
        return line
    matches = list(phonenumbers.PhoneNumberMatcher(line, _PHONE_REGION))
    for match in reversed(matches):
        line = line[: match.start] + "[phone]" + line[match.end :]
    return line


def redact_record(record: logging.LogRecord) -> None:
    """Rewrites ``record``'s message and traceback in place (above DEBUG only)."""
    if record.levelno <= logging.DEBUG:
        return
    try:
        message = record.getMessage()
    except (TypeError, ValueError):
        message = str(record.msg)
    record.msg, record.args = redact(message), None
    if record.exc_info and record.exc_info[0] is not None:
        record.exc_text = redact("".join(traceback.format_exception(*record.exc_info)).rstrip("\n"))
        record.exc_info = None
    elif record.exc_text:
        record.exc_text = redact(record.exc_text)


def drop_content_fields(_logger: Any, method: str, event: dict[str, Any]) -> dict[str, Any]:
    """A structlog processor: the event without :data:`CONTENT_FIELDS`, unless at debug level."""
    if method == "debug":
        return event
    return {key: ("[redacted]" if key in CONTENT_FIELDS else value) for key, value in event.items()}


def install() -> None:
    """Makes every new log record redacted, and Rasa's structured logs drop content fields."""
    if getattr(logging.getLogRecordFactory(), "redacts", False):
        return
    create = logging.getLogRecordFactory()

    def redacting_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = create(*args, **kwargs)
        redact_record(record)
        return record

    redacting_factory.redacts = True  # type: ignore[attr-defined]
    redacting_factory.wraps = create  # type: ignore[attr-defined]
    logging.setLogRecordFactory(redacting_factory)
    _wrap_structlog_configuration()


def uninstall() -> None:
    """Puts the plain record factory and Rasa's own structlog configuration back (for tests)."""
    factory = logging.getLogRecordFactory()
    if getattr(factory, "redacts", False):
        logging.setLogRecordFactory(factory.wraps)  # type: ignore[attr-defined]
    from rasa.utils import log_utils

    configure = log_utils.configure_structlog
    if getattr(configure, "drops_content", False):
        log_utils.configure_structlog = configure.wraps  # type: ignore[attr-defined]
        command_line = sys.modules.get("rasa.__main__")
        if command_line is not None:
            command_line.configure_structlog = configure.wraps


def _wrap_structlog_configuration() -> None:
    """Rasa configures structlog when its command starts: put the field filter first then."""
    from rasa.utils import log_utils

    configure = log_utils.configure_structlog
    if getattr(configure, "drops_content", False):
        return

    def configure_with_filter(*args: Any, **kwargs: Any) -> None:
        configure(*args, **kwargs)
        import structlog

        processors = structlog.get_config()["processors"]
        if drop_content_fields not in processors:
            structlog.configure(processors=[drop_content_fields, *processors])

    configure_with_filter.drops_content = True  # type: ignore[attr-defined]
    configure_with_filter.wraps = configure  # type: ignore[attr-defined]
    log_utils.configure_structlog = configure_with_filter
    command_line = sys.modules.get("rasa.__main__")
    if command_line is not None:
        command_line.configure_structlog = configure_with_filter
