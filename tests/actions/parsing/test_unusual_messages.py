"""Long and unusual messages: every parser gives a valid answer or None, and reads the start of a long message.

The messages are the ones the benchmark times the parsers on (tools/parser_speed.py): how fast
the parsers are is measured there, not here.
"""

from __future__ import annotations

import pytest

from actions.parsing import (
    TREATMENTS,
    ContactDetails,
    clean_name,
    is_unsure,
    parse_callback_time,
    parse_contact,
    parse_duration_months,
    parse_imaging,
    parse_problem,
    parse_residence,
    parse_treatments,
    parse_yes_no,
)
from tests.actions.parsing.common import TODAY
from tools.parser_speed import PARSERS as TIMED_PARSERS
from tools.parser_speed import UNUSUAL_MESSAGES

PROBLEMS = {"herniated_disc", "stenosis", "instability", "degenerative_disc", "failed_back_surgery", "other"}
CONTACT_PROBLEMS = {None, "invalid_email", "invalid_phone", "missing"}
RESIDENCES = {"quebec", "other_province", "outside_canada"}
CALLBACK_TIMES = {"morning", "afternoon", "evening", "any"}
# Each parser with what its result may be: a valid value, or None.
PARSERS = {
    "yes_no": (parse_yes_no, lambda result: result in (True, False, None)),
    "unsure": (is_unsure, lambda result: result in (True, False)),
    "residence": (parse_residence, lambda result: result is None or result in RESIDENCES),
    "problem": (parse_problem, lambda result: result is None or result in PROBLEMS),
    "duration": (
        lambda text: parse_duration_months(text, TODAY),
        lambda result: result is None or (isinstance(result, float) and result >= 0),
    ),
    "treatments": (parse_treatments, lambda result: result is None or set(result) <= set(TREATMENTS)),
    "imaging": (parse_imaging, lambda result: result in (True, False, None)),
    "callback": (parse_callback_time, lambda result: result is None or result in CALLBACK_TIMES),
    "contact": (
        parse_contact,
        lambda result: isinstance(result, ContactDetails) and result.problem in CONTACT_PROBLEMS,
    ),
    "name": (clean_name, lambda result: result is None or 0 < len(result) <= 100),
}


@pytest.mark.parametrize("message", UNUSUAL_MESSAGES.values(), ids=UNUSUAL_MESSAGES.keys())
@pytest.mark.parametrize("parser", PARSERS, ids=PARSERS.keys())
def test_long_and_unusual_messages_give_an_answer_or_none(parser, message):
    parse, is_valid = PARSERS[parser]
    assert is_valid(parse(message))


def test_an_answer_opening_a_long_message_is_read():
    tail = " et puis voilà, c'est à peu près tout ce que j'avais à dire" * 30
    assert parse_residence("J'habite à Laval" + tail) == "quebec"
    assert parse_duration_months("Depuis 4 mois" + tail, TODAY) == 4


def test_the_benchmark_times_every_parser_checked_here():
    assert set(TIMED_PARSERS) == set(PARSERS)
