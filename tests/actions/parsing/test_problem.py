"""The main spine problem: French (Quebec forms, no accents, typos) and English answers."""

from __future__ import annotations

import pytest

from actions.parsing import parse_problem
from tests.actions.parsing.common import FAQ_FR

PROBLEM_FR = [
    ("Hernie discale", "herniated_disc"),
    ("hernie", "herniated_disc"),
    ("j'ai une hernie discale L5-S1", "herniated_disc"),
    ("disque hernié", "herniated_disc"),
    ("je veux être opéré pour ma hernie", "herniated_disc"),
    ("Sténose spinale", "stenosis"),
    ("stenose", "stenosis"),
    ("canal lombaire etroit", "stenosis"),
    ("pas de hernie, une sténose", "stenosis"),
    ("Instabilité ou spondylolisthésis", "instability"),
    ("spondylolistesis", "instability"),
    ("glissement de vertèbre", "instability"),
    ("Discopathie dégénérative", "degenerative_disc"),
    ("degenerescence discale", "degenerative_disc"),
    ("usure des disques", "degenerative_disc"),
    ("Douleur après une chirurgie du dos", "failed_back_surgery"),
    ("j'ai été opéré pour une hernie et j'ai encore mal", "failed_back_surgery"),
    ("dos opéré encore douloureux", "failed_back_surgery"),
    ("échec de chirurgie", "failed_back_surgery"),
    ("Autre, je ne sais pas", "other"),
    ("sciatique", "other"),
    ("chais pas", "other"),
    ("bonjour", None),
    (FAQ_FR, None),
]
PROBLEM_EN = [
    ("Herniated disc", "herniated_disc"),
    ("hernaited disc", "herniated_disc"),
    ("slipped disc", "herniated_disc"),
    ("Spinal stenosis", "stenosis"),
    ("lumbar stenosis", "stenosis"),
    ("Instability or spondylolisthesis", "instability"),
    ("spondylolisthesis", "instability"),
    ("Degenerative disc disease", "degenerative_disc"),
    ("DDD", "degenerative_disc"),
    ("wear and tear of the discs", "degenerative_disc"),
    ("Pain after a previous back surgery", "failed_back_surgery"),
    ("failed back surgery", "failed_back_surgery"),
    ("FBSS", "failed_back_surgery"),
    ("I had surgery in 2019 and still have pain", "failed_back_surgery"),
    ("Other, I don't know", "other"),
    ("sciatica", "other"),
    ("don't know", "other"),
    ("hello", None),
    ("What does surgery cost?", None),
]


@pytest.mark.parametrize(("text", "expected"), PROBLEM_FR + PROBLEM_EN)
def test_problem(text, expected):
    assert parse_problem(text) == expected
