"""When the person prefers to be called back: French (Quebec forms, no accents, typos) and English answers."""

from __future__ import annotations

import pytest

from actions.parsing import parse_callback_time

CALLBACK_FR = [
    ("Le matin", "morning"),
    ("matin", "morning"),
    ("avant-midi", "morning"),
    ("en avant midi", "morning"),
    ("AM", "morning"),
    ("9h30", "morning"),
    ("L'après-midi", "afternoon"),
    ("apres-midi", "afternoon"),
    ("PM", "afternoon"),
    ("vers 14h", "afternoon"),
    ("pas le matin, plutôt l'après-midi", "afternoon"),
    ("le soir", "evening"),
    ("en soirée", "evening"),
    ("après le souper", "evening"),
    ("Peu importe", "any"),
    ("n'importe quand", "any"),
    ("nimporte quand", "any"),
    ("ça m'est égal", "any"),
    ("n'importe quand entre 9h et 17h", "any"),
    ("dans la journée", "any"),
    ("entre 9h et 12h", "morning"),
    ("bonjour", None),
    ("pas le matin", None),
]
CALLBACK_EN = [
    ("Morning", "morning"),
    ("in the morning", "morning"),
    ("mornings", "morning"),
    ("10 am", "morning"),
    ("Can you call me in the morning?", "morning"),
    ("Afternoon", "afternoon"),
    ("in the afternoon", "afternoon"),
    ("2pm", "afternoon"),
    ("any time in the afternoon", "afternoon"),
    ("Evening", "evening"),
    ("7 pm", "evening"),
    ("after work", "evening"),
    ("Any time", "any"),
    ("anytime", "any"),
    ("whenever", "any"),
    ("doesn't matter", "any"),
    ("no preference", "any"),
    ("during the day", "any"),
    ("between 1 and 4 pm", "afternoon"),
    ("hello", None),
    ("not in the morning", None),
]


@pytest.mark.parametrize(("text", "expected"), CALLBACK_FR + CALLBACK_EN)
def test_callback_time(text, expected):
    assert parse_callback_time(text) == expected
