"""Parsers of the questionnaire's answers, in French (Quebec forms, no accents, typos) and English."""

from __future__ import annotations

import time
from datetime import date

import pytest

from actions.answers import (
    TREATMENTS,
    ContactDetails,
    clean_name,
    is_unsure,
    parse_callback_time,
    parse_contact,
    parse_duration_months,
    parse_imaging,
    parse_problem,
    parse_residence,
    parse_treatments,
    parse_yes_no,
)

TODAY = date(2025, 6, 15)
FAQ_FR = "combien coûte une chirurgie ?"
FAQ_EN = "How much does back surgery cost in France?"

# --- Yes / no ----------------------------------------------------------------------------------

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
    "je sais pas", "je ne sais pas", "chais pas", "ché pas", "j'sais pas trop", "aucune idée",
    "aucune idee", "pas sûr", "pas certaine", "je me souviens plus", "je sais pu", "peut-être",
    "difficile à dire",
]
UNSURE_EN = [
    "not sure", "I don't know", "dont know", "idk", "dunno", "no idea", "no clue", "maybe",
    "I can't remember", "hard to say", "not certain", "I forget",
]
SURE = ["oui", "non", "4 mois", "je sais", "certain", "Montréal", "yes", "I'm sure", "I know", "no", ""]


@pytest.mark.parametrize("text", UNSURE_FR + UNSURE_EN)
def test_unsure_answers_are_recognised(text):
    assert is_unsure(text)


@pytest.mark.parametrize("text", SURE)
def test_answers_that_know_are_not_unsure(text):
    assert not is_unsure(text)


# --- Residence ---------------------------------------------------------------------------------

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


# --- Spine problem -----------------------------------------------------------------------------

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


# --- Duration ----------------------------------------------------------------------------------

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


# --- Treatments --------------------------------------------------------------------------------

TREATMENTS_FR = [
    ("physio", ["physiotherapy"]),
    ("Physiothérapie", ["physiotherapy"]),
    ("phisiothérapie", ["physiotherapy"]),
    ("physio pis ostéo", ["physiotherapy", "osteopathy"]),
    ("kiné", ["physiotherapy"]),
    ("des exercices", ["physiotherapy"]),
    ("osteopathie", ["osteopathy"]),
    ("décompression neurovertébrale", ["decompression"]),
    ("anti-inflammatoires pis des advil", ["medication"]),
    ("des pilules", ["medication"]),
    ("infiltration de cortisone", ["injections"]),
    ("épidurale", ["injections"]),
    ("chiro", ["chiropractic"]),
    ("massothérapie", ["other"]),
    ("Médicaments, Physiothérapie", ["physiotherapy", "medication"]),
    ("physio mais pas de chiro", ["physiotherapy"]),
    ("physio, rien d'autre", ["physiotherapy"]),
    ("Aucun", []),
    ("rien", []),
    ("pas encore", []),
    ("non", []),
    ("pas de physio", []),
    ("pas de chiro ni d'ostéo", []),
    ("blocs facettaires", ["injections"]),
    ("médecine douce", ["other"]),
    ("oui", None),
    ("bonjour", None),
    ("combien coûte la physio?", None),
]
TREATMENTS_EN = [
    ("physiotherapy", ["physiotherapy"]),
    ("physical therapy", ["physiotherapy"]),
    ("PT and chiro", ["physiotherapy", "chiropractic"]),
    ("osteopath", ["osteopathy"]),
    ("spinal decompression", ["decompression"]),
    ("neurovertebral decompression", ["decompression"]),
    ("meds", ["medication"]),
    ("pain killers", ["medication"]),
    ("Advil and Tylenol", ["medication"]),
    ("a cortisone shot", ["injections"]),
    ("epidural injections", ["injections"]),
    ("chiropractor", ["chiropractic"]),
    ("yoga", ["other"]),
    ("Other", ["other"]),
    ("physio but no injections", ["physiotherapy"]),
    ("no chiro or physio, just meds", ["medication"]),
    ("yoga, meds, osteopath, chiropractor, decompression, injections and physio", list(TREATMENTS)),
    ("None", []),
    ("nothing", []),
    ("no treatment", []),
    ("not yet", []),
    ("I have never seen a chiropractor", []),
    ("I haven't tried chiro or physio", []),
    ("I have not tried anything", []),
    ("yes", None),
    ("hello", None),
    ("what is decompression?", None),
]


@pytest.mark.parametrize(("text", "expected"), TREATMENTS_FR + TREATMENTS_EN)
def test_treatments(text, expected):
    assert parse_treatments(text) == expected


# --- Imaging -----------------------------------------------------------------------------------

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


# --- Callback time -----------------------------------------------------------------------------

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


# --- Contact details ---------------------------------------------------------------------------

CONTACT_FR = [
    ("514 555-0199", None, "+15145550199", None),
    ("(438) 555 0123", None, "+14385550123", None),
    ("+33 6 12 34 56 78", None, "+33612345678", None),
    ("mon numéro : 418.555.1234", None, "+14185551234", None),
    ("jean.tremblay@videotron.ca", "jean.tremblay@videotron.ca", None, None),
    ("courriel : marie@exemple.ca, tél. 514 555-0199", "marie@exemple.ca", "+15145550199", None),
    ("<marie@exemple.ca>", "marie@exemple.ca", None, None),
    ("jean.tremblay@videotron", None, None, "invalid_email"),
    ("jean@x..ca et 514 555 0199", None, "+15145550199", "invalid_email"),
    ("cinq un quatre, cinq cinq cinq", None, None, "invalid_phone"),
    ("555-0199", None, None, "invalid_phone"),
    ("marie@exemple.ca et 514-555-CALL", "marie@exemple.ca", None, "invalid_phone"),
    ("je sais pas", None, None, "missing"),
]
CONTACT_EN = [
    ("1-800-463-3339", None, "+18004633339", None),
    ("+1 613 555 0150", None, "+16135550150", None),
    ("Jean.Tremblay@Videotron.CA", "Jean.Tremblay@videotron.ca", None, None),
    ("john @ example.com", "john@example.com", None, None),
    ("john@example.com or 514 555 0199", "john@example.com", "+15145550199", None),
    ("jean@@example", None, None, "invalid_email"),
    ("john.example.com@", None, None, "invalid_email"),
    ("514-555-CALL", None, None, "invalid_phone"),
    ("five one four five five five", None, None, "invalid_phone"),
    ("12345678", None, None, "invalid_phone"),
    ("I don't know", None, None, "missing"),
    ("🙂", None, None, "missing"),
    ("", None, None, "missing"),
]


@pytest.mark.parametrize(("text", "email", "phone", "problem"), CONTACT_FR + CONTACT_EN)
def test_contact_details(text, email, phone, problem):
    assert parse_contact(text) == ContactDetails(email=email, phone=phone, problem=problem)


def test_numbers_without_country_code_follow_the_default_region():
    assert parse_contact("06 12 34 56 78", default_region="FR").phone == "+33612345678"
    assert parse_contact("06 12 34 56 78").problem == "invalid_phone"


# --- Name --------------------------------------------------------------------------------------

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
    "", "   ", "je m'appelle", "my name is", "jean@example.ca", "Jean Tremblay jean@example.ca",
    "12345", "514-555-0199", "😀😀😀", "!!!", "\u0007\u200b", "a" * 101, "Jean " * 30,
]


@pytest.mark.parametrize(("text", "expected"), NAMES_FR + NAMES_EN)
def test_names_are_cleaned(text, expected):
    assert clean_name(text) == expected


@pytest.mark.parametrize("text", NOT_NAMES)
def test_what_is_no_name_is_refused(text):
    assert clean_name(text) is None


# --- Long and unusual messages -----------------------------------------------------------------

PROBLEMS = {"herniated_disc", "stenosis", "instability", "degenerative_disc", "failed_back_surgery", "other"}
CONTACT_PROBLEMS = {None, "invalid_email", "invalid_phone", "missing"}
RESIDENCES = {"quebec", "other_province", "outside_canada"}
CALLBACK_TIMES = {"morning", "afternoon", "evening", "any"}
# Each parser with what its result may be: a valid value, or None.
PARSERS = {
    "yes_no": (parse_yes_no, lambda result: result in (True, False, None)),
    "unsure": (is_unsure, lambda result: result in (True, False)),
    "residence": (parse_residence, lambda result: result is None or result in RESIDENCES),
    "problem": (parse_problem, lambda result: result is None or result in PROBLEMS),
    "duration": (
        lambda text: parse_duration_months(text, TODAY),
        lambda result: result is None or (isinstance(result, float) and result >= 0),
    ),
    "treatments": (parse_treatments, lambda result: result is None or set(result) <= set(TREATMENTS)),
    "imaging": (parse_imaging, lambda result: result in (True, False, None)),
    "callback": (parse_callback_time, lambda result: result is None or result in CALLBACK_TIMES),
    "contact": (
        parse_contact,
        lambda result: isinstance(result, ContactDetails) and result.problem in CONTACT_PROBLEMS,
    ),
    "name": (clean_name, lambda result: result is None or 0 < len(result) <= 100),
}
UNUSUAL_MESSAGES = {
    "story": ("J'ai une hernie depuis 4 mois, la physio n'aide pas, je vis à Montréal. " * 30)[:2000],
    "articles": "a " * 1000,
    "digits": "1" * 2000,
    "spaced digits": "1 " * 1000,
    "phone numbers": ("514 555 0199 " * 160)[:2000],
    "at signs": "@" * 2000,
    "addresses": ("a@b.ca " * 300)[:2000],
    "emoji": "😀" * 2000,
    "letters": "x" * 2000,
    "spaces": " " * 2000,
    "controls": "\u0007\u200b\u202e" * 666,
    "quantities": "moins de " * 222,
    "ranges": "entre " * 333,
    "fillers": "3 " + "de " * 660 + "mois",
    "lead-ins": "je m'appelle " * 153,
    "mixed answers": "oui non " * 250,
    "dots": "1" + " ." * 999,
    "one emoji": "👍",
    "odd characters": "\ud800\x00\u0301 ５１４ ½ ⁄ Ⅳ 𝟒 ｏｕｉ",
}


@pytest.mark.parametrize("message", UNUSUAL_MESSAGES.values(), ids=UNUSUAL_MESSAGES.keys())
@pytest.mark.parametrize("parser", PARSERS, ids=PARSERS.keys())
def test_long_and_unusual_messages_give_an_answer_or_none_quickly(parser, message):
    parse, is_valid = PARSERS[parser]
    assert is_valid(parse(message))
    fastest = min(_seconds(parse, message) for _ in range(10))
    assert fastest < 0.001


def _seconds(parse, message):
    start = time.perf_counter()
    parse(message)
    return time.perf_counter() - start


def test_an_answer_opening_a_long_message_is_read():
    tail = " et puis voilà, c'est à peu près tout ce que j'avais à dire" * 30
    assert parse_residence("J'habite à Laval" + tail) == "quebec"
    assert parse_duration_months("Depuis 4 mois" + tail, TODAY) == 4
