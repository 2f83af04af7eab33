"""How messages are read: folded words, the word lists of ``words/``, phrase lexicons, negation, questions.

A lexicon finds phrases left to right, the longest at each word, the first listed on a tie ("physio*" matches
physiothérapie); in messages of up to 30 words, a word of five letters or more one typo (OSA distance 1) from
a lexicon word of six letters or more is read as that word."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

import ahocorasick
import yaml
from rapidfuzz import process
from rapidfuzz.distance import OSA
from text_to_num import alpha2digit

from bot.text import fold

READ_LENGTH = 400
WORDS_DIR = Path(__file__).parent / "words"
_WORD = re.compile(r"\d+(?:[.,]\d+)?|[a-z]+")
_ELONGATION = re.compile(r"([a-z])\1{2,}")
_TYPO_MIN_WORD, _TYPO_MIN_TARGET, _TYPO_MAX_WORDS, _NEGATION_REACH = 5, 6, 30, 4


def words(text: str) -> list[str]:
    """Folded words and numbers of the first 400 characters of ``text`` (« L'IRM, 4mois »: l, irm, 4, mois)."""
    return _WORD.findall(_ELONGATION.sub(r"\1", fold(text[:READ_LENGTH])))


def with_digits(text: str) -> str:
    """``text`` with its numbers in words as digits (« vingt-quatre » is 24), read by text2num."""
    return alpha2digit(alpha2digit(text, "fr", 0), "en", 0)


@cache
def word_list(name: str) -> Any:
    """The list named ``"topic/key"`` (``key`` in ``words/<topic>.yml``), or for ``"topic"`` the file; all text."""
    topic, _, key = name.partition("/")
    if key:
        return word_list(topic)[key]
    return yaml.load((WORDS_DIR / f"{topic}.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)


@cache
def word_set(name: str) -> frozenset[str]:
    """The first folded word of each entry of the list ``name`` (« d' » is d, « don't » is don)."""
    return frozenset(words(entry)[0] for entry in word_list(name))


@cache
def lexicon(*names: str) -> Lexicon:
    """The lexicon of the lists ``names`` by preference, each labelled with its key (of a mapping: each inner key)."""
    values = [(name.partition("/")[2], word_list(name)) for name in names]
    groups = [pair for key, value in values for pair in (value.items() if isinstance(value, dict) else [(key, value)])]
    return Lexicon(groups)


class Hit(NamedTuple):
    """Words ``start`` to ``end`` (excluded) of a message are a phrase meaning ``label``."""

    start: int
    end: int
    label: str


class Lexicon:
    """Phrases with labels, found in the folded words of a message (pyahocorasick, rapidfuzz)."""

    def __init__(self, groups: Iterable[tuple[str, Iterable[str]]], typo_targets: Iterable[str] = ()) -> None:
        """Indexes ``groups`` (labels, phrases) by preference, and ``typo_targets``, more words a typo may mean."""
        self._automaton, known, stems = ahocorasick.Automaton(), dict.fromkeys(typo_targets), []
        for rank, (label, phrase) in enumerate((label, phrase) for label, phrases in groups for phrase in phrases):
            phrase_words, is_prefix = words(phrase.rstrip("*")), phrase.endswith("*")
            known.update(dict.fromkeys(phrase_words))
            stems += phrase_words if is_prefix and len(phrase_words) == 1 else []
            key = " " + " ".join(phrase_words) + ("" if is_prefix else " ")
            if key not in self._automaton:
                self._automaton.add_word(key, (len(key), len(phrase_words), -rank, label))
        self._automaton.make_automaton()
        self._known, self._stems = known, tuple(stems)
        self._targets = [word for word in known if len(word) >= _TYPO_MIN_TARGET]

    def find(self, message_words: list[str], *, forgive_typos: bool = True) -> list[Hit]:
        """The phrases in ``message_words``, left to right, the best one at each word."""
        best = self.best_by_start(self.corrected(message_words) if forgive_typos else message_words)
        hits: list[Hit] = []
        for start in sorted(best):
            if not hits or start >= hits[-1].end:
                hits.append(Hit(start, start + best[start][0], best[start][2]))
        return hits

    def corrected(self, message_words: list[str]) -> list[str]:
        """``message_words`` with their typos corrected, when there are at most 30."""
        short = len(message_words) <= _TYPO_MAX_WORDS
        return [self._corrected(word) for word in message_words] if short else message_words

    def best_by_start(self, message_words: list[str]) -> dict[int, tuple[int, int, str]]:
        """For each word where phrases start: the best one's length in words, minus rank, and label."""
        text, word_at, offset = " " + " ".join(message_words) + " ", {}, 0
        for index, word in enumerate(message_words):
            word_at[offset], offset = index, offset + len(word) + 1
        best: dict[int, tuple[int, int, str]] = {}
        for end, (key_length, length, rank, label) in self._automaton.iter(text):
            start = word_at[end - key_length + 1]
            best[start] = max(best.get(start, (0, 0, "")), (length, rank, label))
        return best

    def _corrected(self, word: str) -> str:
        """``word``, or the lexicon word it is one typo away from."""
        if len(word) < _TYPO_MIN_WORD or word[0].isdigit() or word in self._known or word.startswith(self._stems):
            return word
        near = process.extract(word, self._targets, scorer=OSA.distance, score_cutoff=1, limit=None)
        return min(near, key=lambda found: _typo_preference(word, *found))[0] if near else word


def _typo_preference(word: str, target: str, _distance: int, index: int) -> tuple[int, int, int, int]:
    """Sort key of the targets one typo from ``word``: one it lacks a letter of, then by the position of the letter
    added or changed (added first), then of the letters swapped; on a tie, the one listed first."""
    if len(target) != len(word):
        added = next((at for at in range(len(word)) if word[:at] + word[at + 1 :] == target), 0)
        return (0, 0, 0, index) if len(target) > len(word) else (1, added, 0, index)
    first = next(at for at in range(len(word)) if word[at] != target[at])
    return (1, first, 1, index) if word[first + 1 :] == target[first + 1 :] else (2, first, 0, index)


def negated(message_words: list[str], start: int) -> bool:
    """Whether the phrase at ``start`` follows a negation (« pas de physio », "no MRI")."""
    position, fillers = start - 1, word_set("negation/fillers")
    while position >= 0 and start - position <= _NEGATION_REACH and message_words[position] in fillers:
        position -= 1
    return position >= 0 and message_words[position] in word_set("negation/negators")


def is_question(message_words: list[str]) -> bool:
    """Whether the message opens with a phrase of ``words/questions.yml`` (« combien coûte… »)."""
    return 0 in lexicon("questions/openers").best_by_start(message_words)
