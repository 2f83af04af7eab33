"""How long the symptoms have lasted, in months: French (Quebec forms, no accents, typos) and English answers."""

from __future__ import annotations

from datetime import date

import pytest

from actions.parsing import parse_duration_months
from tests.actions.parsing.common import FAQ_FR, TODAY

DURATION_FR = [
    ("4 mois", 4),
    ("quatre mois", 4),
    ("4mois", 4),
    ("quatres mois", 4),
    ("2 ans", 24),
    ("un an et demi", 18),
    ("1 an et 3 mois", 15),
    ("1,5 an", 18),
    ("4½ mois", 4.5),
    ("3 semaines", 0.75),
    ("une couple de semaines", 0.5),
    ("quelques jours", 0.1),
    ("une douzaine de mois", 12),
    ("dix-huit mois", 18),
    ("vingt-quatre mois", 24),
    ("ça fait 6 mois", 6),
    ("il y a deux ans", 24),
    ("moins d'un an", 6),
    ("entre 3 et 6 mois", 4.5),
    ("deux-trois mois", 2.5),
    ("un mois ou deux", 1.5),
    ("depuis mars", 3),
    ("depuis septembre", 9),
    ("depuis le 15 mars", 3),
    ("depuis janvier 2025", 5),
    ("depuis 2023", 29),
    ("depuis l'an passé", 12),
    ("longtemps", None),
    ("depuis longtemps", None),
    ("des années", None),
    ("depuis décembre 2025", None),
    (FAQ_FR, None),
]
DURATION_EN = [
    ("6 months", 6),
    ("a year", 12),
    ("two years", 24),
    ("18 months", 18),
    ("3 weeks", 0.75),
    ("a few days", 0.1),
    ("a year and a half", 18),
    ("one and a half years", 18),
    ("half a year", 6),
    ("a year and 1/2", 18),
    ("6 months and 2 weeks", 6.5),
    ("twenty four months", 24),
    ("a couple of months", 2),
    ("less than 3 months", 1.5),
    ("more than 2 years", 24),
    ("about 8 months", 8),
    ("since March", 3),
    ("since January 2024", 17),
    ("since 2023", 29),
    ("since last year", 12),
    ("a long time", None),
    ("forever", None),
    ("How long is the recovery?", None),
]


@pytest.mark.parametrize(("text", "expected"), DURATION_FR + DURATION_EN)
def test_duration_in_months(text, expected):
    assert parse_duration_months(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        ("depuis octobre", date(2025, 3, 1), 5),
        ("since December", date(2025, 1, 10), 1),
        ("depuis mars", date(2025, 3, 20), 0),
        ("since 2025", date(2025, 1, 2), 0),
    ],
)
def test_a_month_still_to_come_this_year_means_last_year(text, today, expected):
    assert parse_duration_months(text, today) == expected


@pytest.mark.parametrize("text", ["depuis 2030", "since November 2025", "-3 mois", "depuis -2 ans"])
def test_a_duration_is_never_negative(text):
    months = parse_duration_months(text, TODAY)
    assert months is None or months >= 0
