"""Yes or no answers, and « I don't know »: French (Quebec forms, no accents, typos) and English answers."""

from __future__ import annotations

import pytest

from actions.parsing import is_unsure, parse_yes_no
from tests.actions.parsing.common import FAQ_EN, FAQ_FR

YES_NO_FR = [
    ("Oui", True),
    ("ouais", True),
    ("ouin", True),
    ("ben oui", True),
    ("Ouiii", True),
    ("c'est ça", True),
    ("cest ca", True),
    ("absolutment", True),
    ("certain!", True),
    ("exact", True),
    ("o", True),
    ("mets-en", True),
    ("je pense que oui", True),
    ("Non", False),
    ("nan", False),
    ("nonnn", False),
    ("pantoute", False),
    ("pantout", False),
    ("pas du tout", False),
    ("jamais", False),
    ("je pense pas", False),
    ("j'pense pas", False),
    ("aucun", False),
    ("absolument pas", False),
    ("j'en ai pas", False),
    ("pas encore", False),
    ("Non, mais oui je comprends la question", False),
    ("oui et non", None),
    ("peut-être", None),
    ("je sais pas", None),
    ("pas sûr", None),
    ("plus ou moins", None),
    ("non, en fait oui", None),
    ("j'ai pas mal de douleur", None),
    ("pas de problème", None),
    (FAQ_FR, None),
]
YES_NO_EN = [
    ("Yes", True),
    ("yep", True),
    ("yeah", True),
    ("sure", True),
    ("yesss", True),
    ("of course", True),
    ("y", True),
    ("absolutely", True),
    ("definitly", True),
    ("I do", True),
    ("that's right", True),
    ("No", False),
    ("nope", False),
    ("nah", False),
    ("n", False),
    ("not really", False),
    ("never", False),
    ("none", False),
    ("I don't think so", False),
    ("absolutely not", False),
    ("not yet", False),
    ("no thanks", False),
    ("maybe", None),
    ("not sure", None),
    ("I don't know", None),
    ("yes and no", None),
    ("kind of", None),
    ("no, yes, I mean yes", None),
    ("no problem", None),
    (FAQ_EN, None),
    ("🙂", None),
    ("", None),
]


@pytest.mark.parametrize(("text", "expected"), YES_NO_FR + YES_NO_EN)
def test_yes_no(text, expected):
    assert parse_yes_no(text) is expected


UNSURE_FR = [
    "je sais pas",
    "je ne sais pas",
    "chais pas",
    "ché pas",
    "j'sais pas trop",
    "aucune idée",
    "aucune idee",
    "pas sûr",
    "pas certaine",
    "je me souviens plus",
    "je sais pu",
    "peut-être",
    "difficile à dire",
]
UNSURE_EN = [
    "not sure",
    "I don't know",
    "dont know",
    "idk",
    "dunno",
    "no idea",
    "no clue",
    "maybe",
    "I can't remember",
    "hard to say",
    "not certain",
    "I forget",
]
SURE = ["oui", "non", "4 mois", "je sais", "certain", "Montréal", "yes", "I'm sure", "I know", "no", ""]


@pytest.mark.parametrize("text", UNSURE_FR + UNSURE_EN)
def test_unsure_answers_are_recognised(text):
    assert is_unsure(text)


@pytest.mark.parametrize("text", SURE)
def test_answers_that_know_are_not_unsure(text):
    assert not is_unsure(text)
