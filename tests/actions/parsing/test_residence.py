"""Where the person lives: French (Quebec forms, no accents, typos) and English answers."""

from __future__ import annotations

import pytest

from actions.parsing import parse_residence
from tests.actions.parsing.common import FAQ_EN, FAQ_FR

RESIDENCE_FR = [
    ("Au Québec", "quebec"),
    ("au quebec", "quebec"),
    ("à Québec", "quebec"),
    ("Montréal", "quebec"),
    ("mtl", "quebec"),
    ("j'habite à Laval", "quebec"),
    ("Gatineau", "quebec"),
    ("trois rivieres", "quebec"),
    ("Saguenay", "quebec"),
    ("Lévis", "quebec"),
    ("Rimouski", "quebec"),
    ("st-jérôme", "quebec"),
    ("sherbroke", "quebec"),
    ("je suis né à Paris mais je vis à Laval", "quebec"),
    ("Dans une autre province canadienne", "other_province"),
    ("en Ontario", "other_province"),
    ("Ottawa", "other_province"),
    ("Moncton", "other_province"),
    ("Nouveau-Brunswick", "other_province"),
    ("Colombie-Britannique", "other_province"),
    ("nouvelle ecosse", "other_province"),
    ("hors du Québec", "other_province"),
    ("Hors du Canada", "outside_canada"),
    ("en France", "outside_canada"),
    ("aux États-Unis", "outside_canada"),
    ("en Floride l'hiver", "outside_canada"),
    ("au Maroc", "outside_canada"),
    ("au Canada", None),
    ("chez nous", None),
    (FAQ_FR, None),
    ("quel hôpital en France?", None),
]
RESIDENCE_EN = [
    ("In Quebec", "quebec"),
    ("in QC", "quebec"),
    ("Quebec City", "quebec"),
    ("Montreal", "quebec"),
    ("I live in Gatineau", "quebec"),
    ("In another Canadian province", "other_province"),
    ("Ontario", "other_province"),
    ("ON", "other_province"),
    ("Toronto", "other_province"),
    ("Toranto", "other_province"),
    ("Vancouver", "other_province"),
    ("Calgary", "other_province"),
    ("Halifax", "other_province"),
    ("BC", "other_province"),
    ("PEI", "other_province"),
    ("Outside Canada", "outside_canada"),
    ("France", "outside_canada"),
    ("USA", "outside_canada"),
    ("the US", "outside_canada"),
    ("United States", "outside_canada"),
    ("I'm from Quebec but I live in Florida now", "outside_canada"),
    ("Canada", None),
    ("at home", None),
    (FAQ_EN, None),
    ("Paris or Montreal", None),
]


@pytest.mark.parametrize(("text", "expected"), RESIDENCE_FR + RESIDENCE_EN)
def test_residence(text, expected):
    assert parse_residence(text) == expected
