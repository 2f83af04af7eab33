"""Every label of the console exists in French and English, and every label a page asks for exists."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from actions.leads.models import ROLES, STATUSES, UNANSWERED_MARKS
from actions.leads.records import OUTCOMES
from console.labels import LABELS, chosen_language, label

TEMPLATES = Path(__file__).resolve().parents[2] / "console" / "templates"
LITERAL_KEY = re.compile(r"""\bt\(\s*["']([a-z0-9_]+)["'](?!\s*~)""")
PREFIXED_KEY = re.compile(r"""\bt\(\s*["']([a-z_]+_)["']\s*~""")


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(LABELS))
def test_each_label_has_both_languages_with_the_same_blanks(key: str) -> None:
    french, english = LABELS[key]

    assert french.strip() and english.strip()
    assert fields(french) == fields(english)


def test_every_label_a_template_names_exists() -> None:
    named = {key for path in TEMPLATES.glob("*.html") for key in LITERAL_KEY.findall(path.read_text())}

    assert named - LABELS.keys() == set()


@pytest.mark.parametrize(
    ("prefix", "values"),
    [
        ("status_", STATUSES),
        ("outcome_", OUTCOMES),
        ("mark_", UNANSWERED_MARKS),
        ("role_", ROLES),
        ("lang_", ("fr", "en")),
        ("callback_", ("morning", "afternoon", "evening", "any")),
        ("channel_", ("socketio", "facebook", "whatsapp", "rest")),
        ("audit_", ("view", "status", "note", "export", "delete", "purge", "account")),
    ],
)
def test_every_value_shown_has_a_label(prefix: str, values: tuple[str, ...]) -> None:
    prefixes = {key for path in TEMPLATES.glob("*.html") for key in PREFIXED_KEY.findall(path.read_text())}

    assert prefix in prefixes
    assert {f"{prefix}{value}" for value in values} - LABELS.keys() == set()


def test_a_label_is_filled_in_and_french_by_default() -> None:
    assert label("lead_title", "en", id=12) == "Request #12"
    assert label("lead_title", "de", id=12) == "Demande n° 12"
    assert chosen_language(None) == chosen_language("de") == "fr" and chosen_language("en") == "en"


def test_a_value_with_no_label_is_shown_as_stored() -> None:
    assert label("channel_telegram", "fr") == "telegram"
    assert label("value_acupuncture", "en") == "acupuncture"
