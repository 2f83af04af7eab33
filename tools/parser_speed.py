"""How long the questionnaire's answer parsers take on long and unusual messages.

The action server reads every answer with one of ``actions.parsing``'s parsers, on the event
loop of its process: a message that made one slow would delay everyone's answers. The
benchmark times each parser on each message below (the best of a few runs, so that the
machine's noise is not counted) and reports the slowest pair; ``tests/actions/parsing`` checks
on the same messages that each parser gives a valid answer or none.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from typing import Any

from actions.parsing import (
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

TODAY = date(2026, 11, 24)
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
PARSERS: dict[str, Callable[[str], Any]] = {
    "yes_no": parse_yes_no,
    "unsure": is_unsure,
    "residence": parse_residence,
    "problem": parse_problem,
    "duration": lambda text: parse_duration_months(text, TODAY),
    "treatments": parse_treatments,
    "imaging": parse_imaging,
    "callback": parse_callback_time,
    "contact": parse_contact,
    "name": clean_name,
}
RUNS = 10


def best_seconds(parse: Callable[[str], Any], message: str, runs: int = RUNS) -> float:
    """The shortest of ``runs`` timings of ``parse(message)``, in seconds."""
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        parse(message)
        timings.append(time.perf_counter() - start)
    return min(timings)


def slowest_parse() -> dict[str, Any]:
    """The slowest parser and message, with its best time in milliseconds."""
    for parse in PARSERS.values():
        parse("ok")  # the first call builds the parser's matchers
    timings = {
        (parser, kind): best_seconds(parse, message)
        for parser, parse in PARSERS.items()
        for kind, message in UNUSUAL_MESSAGES.items()
    }
    (parser, kind), seconds = max(timings.items(), key=lambda item: item[1])
    return {"parser": parser, "message": kind, "ms": seconds * 1000}
