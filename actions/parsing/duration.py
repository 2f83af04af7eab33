"""How long the symptoms have lasted, in months."""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from typing import NamedTuple

from actions.parsing.lexicon import READ_LENGTH, Hit, Lexicon, is_question, with_digits, word_list, word_set, words

_UNIT_MONTHS = {"day": 1 / 30, "week": 0.25, "month": 1.0, "year": 12.0}
_HALF = re.compile(r"(?:\b(?:and|et) )?(?:½|\b1 ?/ ?2\b)", re.IGNORECASE)
_MAX_FILLERS, _UNIT_REACH, _ANCHOR_REACH, _MAX_MONTHS, _FIRST_YEAR = 2, 10, 4, 1200.0, 1900


class _Item(NamedTuple):
    """A word or phrase of a duration: its kind (num, unit, month, since, word…), value and text."""

    kind: str
    value: float
    text: str


def parse_duration_months(text: str, today: date) -> float | None:
    """Reads how long the symptoms have lasted (« 4 mois », « un an et demi », "since 2023", « depuis mars »).

    Args:
        text: The message.
        today: The day the answer is given, for « depuis mars » or "since last year".

    Returns:
        Months to two decimals (a range gives its middle, « moins de X » half X, « depuis mars » counts
        calendar months); ``None`` for no duration (« longtemps »), a date to come, a question.
    """
    message_words = words(_HALF.sub(" et demi ", text[:READ_LENGTH]))
    items = [] if is_question(message_words) else _items(message_words)
    relative = next((item.value for item in items if item.kind == "rel"), None)  # « depuis l'an passé »
    readings = (_first_chain(items), _months_since_date(items, today), relative)
    months = next((reading for reading in readings if reading is not None), None)
    return None if months is None or months > _MAX_MONTHS else round(months, 2)


@cache
def _lexicon() -> Lexicon:
    """Quantities, units, months, relative dates and the words around them, labelled "kind:value"."""
    groups = [(f"num:{value}", [phrase]) for phrase, value in word_list("duration/quantities").items()]
    groups += [(key, word_list(f"duration/{key}")) for key in ("article", "and_half")]
    groups += [(f"unit:{unit}", phrases) for unit, phrases in word_list("duration/units").items()]
    groups += [(f"month:{month}", names) for month, names in enumerate(word_list("duration/months"), 1)]
    groups += [(f"rel:{unit}", phrases) for unit, phrases in word_list("duration/relative").items()]
    groups += [(key, word_list(f"duration/{key}")) for key in ("since", "less", "between")]
    return Lexicon(groups, typo_targets=word_list("duration/number_words"))


def _items(message_words: list[str]) -> list[_Item]:
    """One item per lexicon phrase, per number (in digits, or in words read by text2num), per other word."""
    fixed = _lexicon().corrected(message_words)
    items, position = [], 0
    for hit in [*_lexicon().find(fixed, forgive_typos=False), Hit(len(fixed), len(fixed), "")]:
        for word in words(with_digits(" ".join(fixed[position : hit.start]))) if position < hit.start else ():
            is_number = word[0].isdigit()
            items.append(_Item("num" if is_number else "word", float(word.replace(",", ".")) if is_number else 0, word))
        kind, _, value = hit.label.partition(":")
        number = _UNIT_MONTHS[value] if kind in ("unit", "rel") else float(value or 0)
        items += [_Item(kind, number, " ".join(fixed[hit.start : hit.end]))] if kind else []
        position = hit.end
    return items


def _at(items: list[_Item], at: int) -> _Item:
    """The item at ``at``, or an empty one past the end."""
    return items[at] if at < len(items) else _Item("", 0.0, "")


def _first_chain(items: list[_Item]) -> float | None:
    """The months of the first chain of quantities and units (« 1 an et 3 mois »)."""
    units = [at for at, item in enumerate(items) if item.kind == "unit"]
    alternatives = word_set("duration/range_words") - word_set("duration/chain_words")
    for start in sorted({start for unit in units for start in range(max(0, unit - _UNIT_REACH), unit)}):
        total, last_unit, at = 0.0, None, start
        while (quantity := _quantity(items, at)) is not None:
            value, at = quantity[0], _skip(items, quantity[1], "duration/unit_fillers")
            if _at(items, at).kind != "unit" or (last_unit is not None and items[at].value >= last_unit):
                break
            last_unit, at, upper = items[at].value, at + 1, _at(items, at + 2)
            # « un mois ou deux » is a range, « un mois ou deux semaines » is not.
            ranged = _at(items, at).text in alternatives and upper.kind == "num" and upper.value > value
            if _at(items, at).kind == "and_half":
                value, at = value + 0.5, at + 1
            elif ranged and _at(items, at + 2).kind != "unit":
                value, at = (value + upper.value) / 2, at + 2
            total, at = total + value * last_unit, at + (_at(items, at).text in word_set("duration/chain_words"))
        if last_unit is not None:
            return total
    return None


def _quantity(items: list[_Item], at: int) -> tuple[float, int] | None:
    """The quantity at ``at`` (« une couple », "a", « moins de 3 », « 3 à 6 », « 2 et demi ») and what follows."""
    less = _at(items, at).kind == "less"
    at = _skip(items, at + 1, "duration/quantity_fillers") if _at(items, at).kind in ("less", "between") else at
    item = _at(items, at)
    if item.kind not in ("article", "num"):
        return None
    value, at = (1.0 if item.kind == "article" else item.value), at + 1
    upper = at + 1 if _at(items, at).text in word_set("duration/range_words") else at
    if item.kind == "num" and _at(items, at).kind == "and_half":
        value, at = value + 0.5, at + 1
    elif item.kind == "num" and _at(items, upper).kind == "num" and items[upper].value > value:
        value, at = (value + items[upper].value) / 2, upper + 1
    return (value / 2 if less else value), at


def _skip(items: list[_Item], at: int, fillers: str) -> int:
    """``at`` moved past up to two words of the list ``fillers`` (« une couple de… »)."""
    for _ in range(_MAX_FILLERS):
        at += _at(items, at).text in word_set(fillers)
    return at


def _months_since_date(items: list[_Item], today: date) -> float | None:
    """Calendar months since « mars 2025 », « depuis mars » (the latest past), « depuis 2023 » (its January)."""
    months = [(int(item.value), _year_at(items, at + 1), at) for at, item in enumerate(items) if item.kind == "month"]
    dated = [(month, year) for month, year, at in months if year is not None or _anchored(items, at)]
    years = [(1, _year_at(items, at)) for at in range(len(items)) if _anchored(items, at) or len(items) == 1]
    dated += [(month, year) for month, year in years if year is not None]
    if not dated:
        return None
    month, year = dated[0]
    year = year if year is not None else today.year if month <= today.month else today.year - 1
    elapsed = (today.year - year) * 12 + today.month - month
    return float(elapsed) if elapsed >= 0 else None


def _year_at(items: list[_Item], at: int) -> int | None:
    """The year written at ``at`` (four digits from 1900), if any."""
    return int(text) if len(text := _at(items, at).text) == 4 and text.isdigit() and int(text) >= _FIRST_YEAR else None


def _anchored(items: list[_Item], at: int) -> bool:
    """Whether « depuis », "since", « en »… comes shortly before ``at``."""
    return any(item.kind == "since" for item in items[max(0, at - _ANCHOR_REACH) : at])
