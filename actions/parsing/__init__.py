"""Parsers of the questionnaire's answers, French or English: one message to a normalised answer, or ``None``."""

from __future__ import annotations

from actions.parsing.choices import (
    TREATMENTS,
    is_unsure,
    parse_imaging,
    parse_problem,
    parse_residence,
    parse_treatments,
    parse_yes_no,
)
from actions.parsing.contact import (
    ContactDetails,
    clean_name,
    holds_a_greeting,
    parse_callback_time,
    parse_contact,
    to_e164,
)
from actions.parsing.duration import parse_duration_months

__all__ = [
    "ContactDetails", "TREATMENTS", "clean_name", "holds_a_greeting", "is_unsure", "parse_callback_time",
    "parse_contact", "to_e164",
    "parse_duration_months", "parse_imaging", "parse_problem", "parse_residence", "parse_treatments", "parse_yes_no",
]  # fmt: skip
