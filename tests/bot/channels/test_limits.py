"""Message splitting and button titles, shared by the Messenger and WhatsApp channels."""

from __future__ import annotations

import random

import pytest

from bot.channels.limits import cut_user_text, short_title, split_text
from tools.content import all_responses


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Oui", "Oui"),
        ("Coûts en France", "Coûts en France"),
        ("Traitements conservateurs", "Traitements…"),
        ("Courriel ou téléphone", "Courriel ou…"),
        ("Supercalifragilisticexpialidocious", "Supercalifragilisti…"),
        ("  Deux   espaces  ", "Deux espaces"),
    ],
)
def test_button_titles_are_cut_at_a_word_with_an_ellipsis(title, expected):
    assert short_title(title) == expected
    assert len(short_title(title)) <= 20


def test_a_short_answer_stays_one_message():
    assert split_text("Bonjour!\n\nComment puis-je aider?", 2000) == ["Bonjour!\n\nComment puis-je aider?"]
    assert split_text("   ", 2000) == []


def test_long_answers_are_cut_between_paragraphs_first():
    first, second = "Premier paragraphe. " * 20, "Deuxième paragraphe. " * 20
    parts = split_text(f"{first.strip()}\n\n{second.strip()}", 500)
    assert parts == [first.strip(), second.strip()]


def test_a_paragraph_too_long_is_cut_between_sentences():
    text = " ".join(f"Phrase numéro {n}." for n in range(200))
    parts = split_text(text, 640)
    assert all(len(part) <= 640 and part.endswith(".") for part in parts)
    assert " ".join(parts) == text


@pytest.mark.parametrize("limit", [20, 60, 640, 2000, 4096])
def test_nothing_is_lost_and_no_part_is_over_the_limit(limit):
    rng = random.Random(limit)
    pieces = ["mot", "phrase.", "CNESST", "\n", "\n\n", "a" * 50, "fin!", "https://example.ca/page"]
    for _ in range(300):
        text = " ".join(rng.choice(pieces) for _ in range(rng.randint(0, 400)))
        parts = split_text(text, limit)
        assert all(0 < len(part) <= limit for part in parts)
        assert "".join("".join(parts).split()) == "".join(text.split())


def test_the_longest_answer_is_split_for_a_button_template_without_losing_a_word():
    longest = max((variation["text"] for variations in all_responses().values() for variation in variations), key=len)
    assert len(longest) > 640
    parts = split_text(longest, 640)
    assert len(parts) > 1 and all(len(part) <= 640 for part in parts)
    assert "".join("".join(parts).split()) == "".join(longest.split())


def test_every_button_title_fits_messenger_and_whatsapp_without_being_cut():
    too_long = [
        (name, button["title"])
        for name, variations in all_responses().items()
        for variation in variations
        for button in variation.get("buttons") or []
        if len(button["title"]) > 20
    ]
    assert too_long == []


def test_a_person_s_text_over_the_limit_is_cut_and_the_cut_logged_without_the_text(caplog):
    assert cut_user_text("court", "widget") == "court"
    long_text = "secret " * 1000
    cut = cut_user_text(long_text, "widget")
    assert cut == long_text[:4096]
    assert caplog.messages == [f"widget: cut a message of {len(long_text)} characters to 4096"]
