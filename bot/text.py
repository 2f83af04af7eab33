"""Small text helpers shared by the NLU components."""

from __future__ import annotations

import re
import unicodedata

# A word of folded text: letters, with an inner apostrophe (« aujourd'hui », « y'a »).
WORD_PATTERN = r"[a-z]+(?:'[a-z]+)?"
_WORD = re.compile(WORD_PATTERN)


def fold(text: str) -> str:
    """Lower-case ``text``, strip accents and unify apostrophes.

    Args:
        text: Any user message.

    Returns:
        The folded text, so that « Vessie », « vessie » and « vessié » match alike.
    """
    text = text.replace("\u2019", "'").replace("\u02bc", "'").lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def words(text: str) -> list[str]:
    """Return the words of ``text`` once folded (letters and inner apostrophes only)."""
    return _WORD.findall(fold(text))


def word_spans(text: str) -> list[tuple[int, int, str]]:
    """The words of ``text`` once folded, each with its start and end in ``text`` itself.

    Folding keeps one character per character for the accented letters of French and
    English, so the spans point at the words as written; where it does not (rare letters
    whose lower case is longer), the spans point into the folded text instead.
    """
    return [(match.start(), match.end(), match.group()) for match in _WORD.finditer(fold(text))]
