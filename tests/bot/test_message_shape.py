"""The shape of a message: its sentences, its question, a story, an elliptic follow-up."""

from __future__ import annotations

import pytest

from bot.message_shape import asks, is_elliptic, leans_back, sentences, shape_of


def test_sentences_are_split_on_punctuation_and_line_breaks():
    assert sentences("J'ai mal au dos depuis 2 ans! Rien marche.\nLa CNESST paie-tu l'avion?") == [
        "J'ai mal au dos depuis 2 ans!",
        "Rien marche.",
        "La CNESST paie-tu l'avion?",
    ]


@pytest.mark.parametrize(
    ("text", "question"),
    [
        (
            "Je me suis blessé sur un chantier. La liste d'attente est de 18 mois. "
            "Qu'est-ce que la CNESST rembourse pour le voyage?",
            "Qu'est-ce que la CNESST rembourse pour le voyage?",
        ),
        (
            "I hurt my back at work two years ago. Physio did nothing. What does the CNESST pay for the trip?",
            "What does the CNESST pay for the trip?",
        ),
        (
            "Ma mère a 80 ans et une sténose. Je voudrais savoir combien de temps dure la convalescence.",
            "Je voudrais savoir combien de temps dure la convalescence.",
        ),
        ("my back has hurt since 2019. how long is the wait in france", "how long is the wait in france"),
    ],
)
def test_the_question_after_a_story_is_found(text, question):
    shape = shape_of(text)
    assert shape.question == question
    assert not shape.is_story


@pytest.mark.parametrize(
    "text",
    [
        "Combien coûte une fusion en France?",
        "How much is surgery in France? And is the flight included?",
        "bonjour",
    ],
)
def test_a_message_that_is_all_question_has_no_separate_question(text):
    assert shape_of(text).question is None


@pytest.mark.parametrize(
    "text",
    [
        "J'ai une hernie discale depuis trois ans. J'ai fait de la physio pis des infiltrations. Rien a marché.",
        "I've had sciatica for a year. My family doctor says the waiting list is 18 months in Ontario.",
        "ca fait deux ans que j'ai mal au dos. j'ai essayé la physio l'ostéo pis le chiro sans résultat",
    ],
)
def test_a_story_without_a_question_is_a_story(text):
    shape = shape_of(text)
    assert shape.is_story
    assert shape.question is None


@pytest.mark.parametrize(
    "text",
    [
        "pis pour celle-là?",
        "et pour une fusion?",
        "and how long for that one?",
        "what about the travel?",
        "is it covered too?",
        "Toulouse?",
        "paris?",
        "la CNESST?",
        "the CNESST?",
    ],
)
def test_short_messages_that_lean_on_the_previous_one_are_elliptic(text):
    assert is_elliptic(text)


@pytest.mark.parametrize(
    "text",
    [
        "Combien de temps dure la convalescence après une fusion lombaire?",
        "How long is the recovery after a lumbar fusion?",
        "qu'est-ce que la CNESST rembourse",
        "Je voudrais prendre rendez-vous pour une évaluation de mon dossier avec votre équipe svp",
    ],
)
def test_whole_questions_are_not_elliptic(text):
    assert not is_elliptic(text)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("La CNESST paie-tu l'avion", True),
        ("est-ce que c'est couvert", True),
        ("can someone call me", True),
        ("ca coute cb une opé pour une hernie", True),
        ("c koi la différence entre les implants", True),
        ("I'd like to know the price", True),
        ("peut on faire opere les 2 dans le meme voyage", True),
        ("va tu falloir que je reste a l'hopital longtemps", True),
        ("Est il possible de payer en plusieurs fois", True),
        ("Il va falloir que je reste une semaine.", False),
        ("J'ai mal au dos depuis deux ans.", False),
        ("My physio did not help.", False),
    ],
)
def test_a_sentence_asks_by_its_mark_its_opening_or_its_verb(sentence, expected):
    assert asks(sentence) is expected


@pytest.mark.parametrize(
    "text",
    [
        "walk me through the cnesst procedure from the medical evaluation to the post op follow up",
        "décrivez-moi les étapes de la CNESST de l'évaluation médicale jusqu'au suivi après l'opération",
    ],
)
def test_one_long_sentence_without_a_mark_is_not_a_story(text):
    assert not shape_of(text).is_story


@pytest.mark.parametrize(
    ("text", "question"),
    [
        (
            "bonjour j'ai 66 ans j'ai été caissière 30 ans debout sur le ciment pis là j'ai une sténose le spécialiste "
            "m'a mise sur la liste d'attente ça fait 14 mois est ce que c'est plus rapide en France",
            "est ce que c'est plus rapide en France",
        ),
        (
            "hi im 58 i drove a truck for 30 years and my back is shot the surgeon here put me on a list for 18 months "
            "and nobody calls me back is there a way to get it done faster over there",
            "is there a way to get it done faster over there",
        ),
    ],
)
def test_the_question_ending_a_long_run_on_sentence_is_found(text, question):
    assert shape_of(text).question == question


@pytest.mark.parametrize(
    "text",
    [
        "I have lived with scoliosis since boyhood, and in recent years the curvature has worsened to the point "
        "where I can no longer stand at the kitchen sink for more than a few minutes.",
        "J'aimerais savoir comment se passe la préparation du dossier médical pour une chirurgie de la colonne en France",
    ],
)
def test_a_punctuated_or_short_sentence_is_not_split(text):
    assert shape_of(text).sentences == (text,)


@pytest.mark.parametrize(
    "text",
    [
        "2. Et si on a déjà tout payé sur place avec notre carte de crédit?",
        "pis laquelle est la plus proche de l'aéroport de Paris",
        "and how long would ya be laid up after that one compared to hers",
        "which one's in paris",
        "ok. pis la physio quand je reviens à Alma, y'a personne de spécialisé icitte",
        "n how long til they get back to me",
        "combien de temp entre les 2",
        "how many weeks between the two",
    ],
)
def test_a_longer_message_opening_with_a_connector_or_pointing_back_leans_on_its_thread(text):
    assert leans_back(text)


@pytest.mark.parametrize(
    "text",
    [
        "Combien de temps dure la convalescence après une fusion lombaire?",
        "How long is the recovery after a lumbar fusion?",
        "et je me demandais aussi si la CNESST paie le billet d'avion et l'hôtel pour ma femme qui va m'accompagner là-bas",
    ],
)
def test_a_whole_question_or_a_long_one_does_not_lean_back(text):
    assert not leans_back(text)


@pytest.mark.parametrize("text", ["1. Combien ça coûte?\n2. C'est où?", "1) how much is it? 2) where is it?"])
def test_list_numbers_are_no_sentences(text):
    assert all(any(letter.isalpha() for letter in sentence) for sentence in sentences(text))
