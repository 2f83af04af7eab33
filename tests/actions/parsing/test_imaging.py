"""Whether the person has had an MRI or a CT scan: French (Quebec forms, no accents, typos) and English answers."""

from __future__ import annotations

import pytest

from actions.parsing import parse_imaging

IMAGING_FR = [
    ("Oui", True),
    ("oui, une IRM", True),
    ("j'ai eu une IRM l'an passé", True),
    ("IRM", True),
    ("un scan", True),
    ("scanner en 2023", True),
    ("tomodensitometrie", True),
    ("résonance magnétique", True),
    ("j'attends les résultats de mon IRM", True),
    ("Non", False),
    ("pas d'IRM", False),
    ("pas encore", False),
    ("j'attends mon IRM", False),
    ("j'ai un rendez-vous pour une IRM", False),
    ("jamais passé d'IRM", False),
    ("je sais pas", None),
    ("juste une radiographie", None),
    ("combien coûte une IRM en France?", None),
]
IMAGING_EN = [
    ("Yes", True),
    ("yes, an MRI", True),
    ("I had an MRI last year", True),
    ("MRI", True),
    ("CT scan", True),
    ("a CAT scan in 2022", True),
    ("No", False),
    ("no MRI", False),
    ("not yet", False),
    ("never had an MRI", False),
    ("waiting for an MRI", False),
    ("MRI scheduled next month", False),
    ("I don't know", None),
    ("just an X-ray", None),
    ("how much is an MRI in France?", None),
]


@pytest.mark.parametrize(("text", "expected"), IMAGING_FR + IMAGING_EN)
def test_imaging(text, expected):
    assert parse_imaging(text) is expected
