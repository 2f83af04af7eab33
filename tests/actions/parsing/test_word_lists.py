"""The word lists of ``actions/parsing/words`` and the E.164 helper shared with the staff command line."""

from __future__ import annotations

import re
import shutil

import pytest
import yaml

from actions.parsing import TREATMENTS, parse_problem, parse_residence, parse_treatments, to_e164
from actions.parsing.lexicon import WORDS_DIR, lexicon, word_list, words

WORD_FILES = sorted(WORDS_DIR.glob("*.yml"))
RESIDENCES = ("quebec", "other_province", "outside_canada")
# Each list a lexicon is built from (mappings give one label per inner list).
PHRASE_LISTS = [
    *(f"yes_no/{key}" for key in ("yes", "no", "mixed", "correction", "neutral")),
    "unsure/unsure",
    "questions/openers",
    *(f"residence/{key}" for key in (*RESIDENCES, "canada", "anchors")),
    "problem/problems",
    "problem/surgery_wish",
    "treatments/treatments",
    "treatments/none",
    "treatments/not_other",
    *(f"imaging/{key}" for key in ("mention", "planned", "done")),
    *(f"callback/{key}" for key in ("morning", "am", "pm", "afternoon", "evening", "any")),
    *(f"duration/{key}" for key in ("article", "and_half", "units", "relative", "since", "less", "between")),
]


def _texts(value: object) -> list[str]:
    """Every text of a YAML value: the strings of its lists and mappings, keys included."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for key, inner in value.items() for text in (key, *_texts(inner))]
    assert isinstance(value, list), value
    return [text for inner in value for text in _texts(inner)]


@pytest.mark.parametrize("path", WORD_FILES, ids=[path.stem for path in WORD_FILES])
def test_word_files_hold_commented_lists_of_phrases(path):
    content = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    assert isinstance(content, dict) and content
    for text in _texts(content):
        assert text and text == text.strip(), f"{path.name}: {text!r}"
        assert words(text), f"{path.name}: {text!r} has no word"
        assert "*" not in text.rstrip("*"), f"{path.name}: {text!r} has a * inside"
        assert not text.endswith("*") or len(words(text.rstrip("*"))[-1]) >= 3, f"{path.name}: {text!r} stem too short"
    lines = path.read_text(encoding="utf-8").splitlines()
    keys = [index for index, line in enumerate(lines) if re.match(r"[a-z_]+:", line)]
    assert [lines[index - 1].startswith("#") for index in keys] == [True] * len(keys), f"{path.name}: uncommented list"


@pytest.mark.parametrize("name", PHRASE_LISTS)
def test_each_phrase_of_a_list_is_found_whole(name):
    phrases, missed = word_list(name), []
    for phrase in _phrases(phrases) if isinstance(phrases, dict) else phrases:
        phrase_words = words(phrase.rstrip("*"))
        hits = lexicon(name).find(phrase_words, forgive_typos=False)
        if [(hit.start, hit.end) for hit in hits] != [(0, len(phrase_words))]:
            missed.append(phrase)
    assert missed == []


def _phrases(groups: dict[str, list[str]]) -> list[str]:
    """The phrases of all the lists of a mapping."""
    return [phrase for phrases in groups.values() for phrase in phrases]


def test_the_lists_name_every_treatment_in_order():
    assert tuple(word_list("treatments/treatments")) == TREATMENTS


def test_places_read_only_in_capitals_are_written_in_capital_letters():
    names = [name for names in word_list("residence/uppercase_only").values() for name in names]
    assert names and all(name.isalpha() and name.isupper() for name in names)


def _first_treatment(text: str) -> str | None:
    """The first treatment read in ``text``, if any."""
    return (parse_treatments(text) or [None])[0]


READINGS = [
    *((f"residence-{kind}", kind, word_list(f"residence/{kind}"), parse_residence) for kind in RESIDENCES),
    *(
        (f"treatment-{key}", key, phrases, _first_treatment)
        for key, phrases in word_list("treatments/treatments").items()
    ),
    *((f"problem-{key}", key, phrases, parse_problem) for key, phrases in word_list("problem/problems").items()),
]


@pytest.mark.parametrize(
    ("answer", "phrases", "parse"), [reading[1:] for reading in READINGS], ids=[r[0] for r in READINGS]
)
def test_every_place_treatment_and_problem_listed_is_read_as_such(answer, phrases, parse):
    assert [phrase for phrase in phrases if parse(phrase.rstrip("*")) != answer] == []


def test_a_place_added_to_a_file_is_read(tmp_path, monkeypatch):
    shutil.copytree(WORDS_DIR, tmp_path, dirs_exist_ok=True)
    places = tmp_path / "residence.yml"
    places.write_text(
        places.read_text(encoding="utf-8").replace("  - mtl\n", "  - mtl\n  - Sainte-Clotilde\n"), "utf-8"
    )
    monkeypatch.setattr("actions.parsing.lexicon.WORDS_DIR", tmp_path)
    for cached in (word_list, lexicon):
        cached.cache_clear()
    try:
        assert parse_residence("à sainte clotilde") == "quebec"
    finally:
        monkeypatch.undo()
        for cached in (word_list, lexicon):
            cached.cache_clear()
    assert parse_residence("à sainte clotilde") is None


@pytest.mark.parametrize(
    ("text", "region", "expected"),
    [
        ("(514) 555-0199", "CA", "+15145550199"),
        ("appelez-moi au 438.555.0123 svp", "CA", "+14385550123"),
        ("+33 6 12 34 56 78", "CA", "+33612345678"),
        ("06 12 34 56 78", "FR", "+33612345678"),
        ("06 12 34 56 78", "CA", None),
        # Possible (ten digits) but not valid: no exchange starts with 1, no area code is 555.
        ("514 155 0199", "CA", None),
        ("+1 555 123 4567", "CA", None),
        ("555-0199", "CA", None),
        # A match glued to other digits is not read across two numbers.
        ("418.236.3109 418.398.2861", "CA", None),
        ("pas de numéro", "CA", None),
    ],
)
def test_to_e164_keeps_only_valid_numbers_standing_apart(text, region, expected):
    assert to_e164(text, region) == expected
