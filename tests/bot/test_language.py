"""Which language the assistant answers in."""

from __future__ import annotations

import pytest

from bot.language import detected_language, message_language, metadata_language, requested_language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Combien ça coûte-tu une opération au dos en France?", "fr"),
        ("ca coute tu cher la chirurgie", "fr"),
        ("c'est quoi la decompression neurovertebrale", "fr"),
        ("How much does back surgery cost in France?", "en"),
        ("what does the cnesst pay back when i get surgery abroad", "en"),
        ("is the recovery long after a fusion", "en"),
        ("could a real person email me", "en"),
        ("bonjour", "fr"),
        ("merci", "fr"),
        ("thanks", "en"),
        ("hello", "en"),
    ],
)
def test_clear_messages_are_detected(text, expected):
    assert detected_language(text) == expected


@pytest.mark.parametrize("text", ["ok", "Jean Tremblay", "Marie-Eve Gagnon", "CNESST", "MRI", "?", "👍", ""])
def test_short_or_ambiguous_messages_keep_the_current_language(text):
    assert detected_language(text) is None
    assert message_language(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("in English please", "en"),
        ("english", "en"),
        ("En anglais svp", "en"),
        ("peux-tu me répondre en anglais?", "en"),
        ("Can you answer in French please", "fr"),
        ("en français s'il vous plaît", "fr"),
        ("parle-moi en français", "fr"),
        ("switch to french", "fr"),
        ("reply in english", "en"),
    ],
)
def test_explicit_requests_switch_the_language(text, expected):
    assert requested_language(text) == expected
    assert message_language(text, {"language": "fr" if expected == "en" else "en"}) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Les chirurgiens parlent-ils anglais ?",
        "est-ce que le personnel parle en anglais",
        "do the surgeons speak french",
        "is the guide available in english",
    ],
)
def test_questions_about_languages_are_not_switch_requests(text):
    assert requested_language(text) is None


def test_channel_metadata_decides_for_ambiguous_messages():
    assert message_language("ok", {"language": "en"}) == "en"
    assert message_language("ok", {"language": "en-CA"}) == "en"
    assert message_language("Jean Tremblay", {"language": "fr"}) == "fr"


def test_a_clear_message_wins_over_the_channel_metadata():
    assert message_language("Combien coûte une chirurgie du dos en France?", {"language": "en"}) == "fr"


@pytest.mark.parametrize("metadata", [None, {}, {"language": "de"}, {"language": 3}, "en", {"lang": "en"}])
def test_unusable_metadata_is_ignored(metadata):
    assert metadata_language(metadata) is None


@pytest.mark.parametrize(
    "text",
    ["patient-d8c97f41@example.ca", "jean.tremblay@example.ca or 514 555-0199", "(438) 555 0123", "+33 6 12 34 56 78"],
)
def test_contact_details_keep_the_current_language(text):
    assert detected_language(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("am I eligible?", "en"),
        ("payment plan?", "en"),
        ("2nd opinion cost", "en"),
        ("cout operation dos france", "fr"),
        ("prix fusion", "fr"),
        ("Does the Clinique du Parc do fusions?", "en"),
        ("is Info-Santé free?", "en"),
        ("my physio said I need a fusion, c'est combien en France?", "en"),
        ("est-ce que la CNESST cover le flight?", "fr"),
    ],
)
def test_short_english_keywords_and_english_with_french_names_are_detected(text, expected):
    assert detected_language(text) == expected


@pytest.mark.parametrize("text", ["<b>Robert</b>'); DROP TABLE leads;--", '{"name": "Robert"}'])
def test_markup_and_code_typed_in_a_field_keep_the_current_language(text):
    assert detected_language(text) is None


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("c koi TOPS", "fr"),
        ("secon avis cb", "fr"),
        ("2e avis prix", "fr"),
        ("2nd opinon cost", "en"),
        ("3rd opinion wait", "en"),
        ("wats TOPS", "en"),
        ("hw much 4 fusion", "en"),
    ],
)
def test_chat_spellings_and_ordinals_settle_a_few_keywords(text, language):
    assert message_language(text) == language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "ok so my dad wants to know si les cliniques ont des chambres privées because he snores like a "
            "tractor and he doesn't want to bother anybody",
            "en",
        ),
        (
            "mon chum veut savoir if the nurses over there speak French parce que son anglais est pas bon pis il stresse",
            "fr",
        ),
    ],
)
def test_a_code_switched_message_with_grammar_words_of_both_is_left_to_the_detector(text, expected):
    assert detected_language(text) == expected
