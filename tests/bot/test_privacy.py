"""No patient's words in the Rasa server's logs above DEBUG (bot/privacy.py)."""

from __future__ import annotations

import json
import logging

import pytest

from bot import privacy

MESSAGES = {
    "fr": "Je m'appelle Élodie Tremblay, j'ai une hernie discale depuis 4 mois",
    "en": "My name is John Smith and I have had sciatica since March",
}


@pytest.fixture
def installed():
    privacy.install()
    yield
    privacy.uninstall()


def record(level: int, message: str, *args, exc_info=None) -> logging.LogRecord:
    return logging.getLogger("rasa.core.channels.rest").makeRecord(
        "rasa.core.channels.rest", level, __file__, 1, message, args, exc_info
    )


@pytest.mark.parametrize("language", MESSAGES)
def test_the_handled_message_is_redacted_as_is_json_escaped_or_quoted(language):
    text = MESSAGES[language]
    with privacy.handling(text):
        line = privacy.redact(f"failure text={text!r} raw {text}")
        escaped = privacy.redact(json.dumps({"text": text}))
    assert text not in line and "[message]" in line
    assert "Tremblay" not in escaped and "Smith" not in escaped


def test_outside_the_block_the_text_is_kept_but_contacts_are_not():
    with privacy.handling("j'ai mal au dos"):
        pass
    line = privacy.redact("j'ai mal au dos, écrivez à marie.roy@videotron.ca ou au (514) 555-0199")
    assert line == "j'ai mal au dos, écrivez à [e-mail] ou au [phone]"


def test_short_numbers_and_one_letter_messages_are_left_alone():
    with privacy.handling("a"):
        assert privacy.redact("a lead 12 stored in 350 ms at 2026-12-04") == "a lead 12 stored in 350 ms at 2026-12-04"


@pytest.mark.parametrize("language", MESSAGES)
def test_a_warning_and_its_traceback_are_redacted_from_any_logger(installed, language):
    text = MESSAGES[language]
    with privacy.handling(text):
        try:
            raise ValueError(f"cannot parse {text!r} from jean@example.org")
        except ValueError as error:
            made = record(
                logging.ERROR,
                "An exception occured while handling user message '%s'.",
                text,
                exc_info=(type(error), error, error.__traceback__),
            )
    formatted = logging.Formatter("%(message)s").format(made)
    assert text not in formatted and "jean@example.org" not in formatted
    assert "ValueError" in formatted and "[message]" in formatted and "[e-mail]" in formatted


def test_debug_keeps_everything(installed):
    with privacy.handling(MESSAGES["fr"]):
        made = record(logging.DEBUG, "Received user message '%s'", MESSAGES["fr"])
    assert made.getMessage() == f"Received user message '{MESSAGES['fr']}'"


def test_rasa_s_structured_events_lose_their_content_fields_above_debug():
    event = {"event": "rest.message.received.failure", "text": MESSAGES["en"], "sender_id": "abc"}
    assert privacy.drop_content_fields(None, "error", dict(event)) == {**event, "text": "[redacted]"}
    assert privacy.drop_content_fields(None, "debug", dict(event)) == event


def test_rasa_s_structlog_configuration_gets_the_filter_first(installed):
    import structlog
    from rasa.utils import log_utils

    log_utils.configure_structlog(logging.INFO)
    assert structlog.get_config()["processors"][0] is privacy.drop_content_fields


def test_install_twice_wraps_once_and_uninstall_restores():
    plain = logging.getLogRecordFactory()
    privacy.install()
    privacy.install()
    assert logging.getLogRecordFactory().wraps is plain
    privacy.uninstall()
    assert logging.getLogRecordFactory() is plain
