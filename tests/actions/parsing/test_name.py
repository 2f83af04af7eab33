"""The name a person gives: French (Quebec forms, no accents, typos) and English answers."""

from __future__ import annotations

import pytest

from actions.parsing import clean_name
from tests.actions.parsing.common import FAQ_FR

NAMES_FR = [
    ("Marie-Ève Tremblay", "Marie-Ève Tremblay"),
    ("Je m'appelle Marie-Ève Tremblay", "Marie-Ève Tremblay"),
    ("je m appelle luc", "luc"),
    ("mon nom est Jean Tremblay", "Jean Tremblay"),
    ("Mon prénom : Sophie", "Sophie"),
    ("Moi, c'est Julie.", "Julie"),
    ("c'est Luc Gagnon", "Luc Gagnon"),
    ("Bonjour, je m’appelle Marc", "Marc"),
    ("Céline Dion", "Céline Dion"),
    ("E\u0301milie Bouchard", "\u00c9milie Bouchard"),
    ("  Jean   \t Tremblay \n", "Jean Tremblay"),
    ("Marie\u200b\u0007 Curie", "Marie Curie"),
    (FAQ_FR, "combien coûte une chirurgie"),
]
NAMES_EN = [
    ("my name is Kevin O'Brien", "Kevin O'Brien"),
    ("My name's Anna Lee", "Anna Lee"),
    ("I'm Sarah Connor", "Sarah Connor"),
    ("It's Bob", "Bob"),
    ("Hi, I'm Sarah", "Sarah"),
    ("this is Tom", "Tom"),
    ("Hiba Khan", "Hiba Khan"),
    ("Im Soo-jin", "Im Soo-jin"),
    ("<b>Robert</b>'); DROP TABLE leads;--", "<b>Robert</b>'); DROP TABLE leads;--"),
    ("Robert'); DROP TABLE leads;--", "Robert'); DROP TABLE leads;--"),
    ("<script>alert(1)</script>", "<script>alert(1)</script>"),
    ("a" * 100, "a" * 100),
]
NOT_NAMES = [
    "",
    "   ",
    "je m'appelle",
    "my name is",
    "jean@example.ca",
    "Jean Tremblay jean@example.ca",
    "12345",
    "514-555-0199",
    "😀😀😀",
    "!!!",
    "\u0007\u200b",
    "a" * 101,
    "Jean " * 30,
]


@pytest.mark.parametrize(("text", "expected"), NAMES_FR + NAMES_EN)
def test_names_are_cleaned(text, expected):
    assert clean_name(text) == expected


@pytest.mark.parametrize("text", NOT_NAMES)
def test_what_is_no_name_is_refused(text):
    assert clean_name(text) is None
