"""Reaching the person: the name, an e-mail address and a phone number, when to call back."""

from __future__ import annotations

import contextlib
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from email_validator import EmailNotValidError, validate_email
from phonenumbers import Leniency, PhoneNumberFormat, PhoneNumberMatcher, format_number

from actions.parsing.lexicon import READ_LENGTH, lexicon, negated, with_digits, word_list, word_set, words
from bot.text import fold

_EMAIL_EDGES = "<>()[]{},;:!?\"'«»."
_PHONE_LIKE = re.compile(r"[+(]?\d[\d \t().\-/\u00a0]*\d")
_LETTERED_NUMBER = re.compile(r"(?=.*\d{3})(?=.*[A-Za-z]{3})[+(0-9][0-9A-Za-z()+.\-]*")
_DIGITS_JUST_BEFORE, _DIGITS_JUST_AFTER = re.compile(r"\d[.\-/]*\Z"), re.compile(r"[.\-/]*\d")
_PHONE_MIN_DIGITS, _SPELLED_DIGITS, _PHONE_TRIES, _NAME_MAX_LENGTH = 7, 3, 16, 100
_SIGNS = {"'": r"\s*['’ʼ]\s*", "’": r"\s*['’ʼ]\s*", ":": r"\s*:\s*", ",": r"\s*,\s*", "-": r"[\s-]*", " ": r"\s+"}
_PERIODS, _MERIDIEM = ("morning", "afternoon", "evening"), {"am": 0, "pm": 12}
_TIMES = tuple(f"callback/{key}" for key in ("morning", "am", "pm", "afternoon", "evening", "any"))
_AFTERNOON_FROM, _EVENING_FROM, _LAST_AFTERNOON_HOUR_ON_A_SHORT_CLOCK = 12, 17, 6


@dataclass(frozen=True)
class ContactDetails:
    """The e-mail address and phone number read from one message.

    Attributes:
        email: The address as normalised by email-validator, or ``None``.
        phone: The number in E.164 form (+15145550199), or ``None``.
        problem: ``None`` when fine, else ``"invalid_email"``, ``"invalid_phone"`` or ``"missing"``.
    """

    email: str | None
    phone: str | None
    problem: str | None


def to_e164(text: str, region: str = "CA") -> str | None:
    """Finds a phone number in ``text`` (phonenumbers' matcher) and writes it in E.164 form.

    Args:
        text: A phone number (« (514) 555-0199 », "+33 6 12 34 56 78") or a sentence holding one.
        region: The region (ISO 3166 code) of numbers written without a country code.

    Returns:
        The first valid number (``is_valid_number``; 16 tries) not glued to other digits, as ``"+15145550199"``.
    """
    for match in PhoneNumberMatcher(text, region, leniency=Leniency.VALID, max_tries=_PHONE_TRIES):
        if not _DIGITS_JUST_BEFORE.search(text, 0, match.start) and not _DIGITS_JUST_AFTER.match(text, match.end):
            return format_number(match.number, PhoneNumberFormat.E164)
    return None


def parse_contact(text: str, default_region: str = "CA") -> ContactDetails:
    """Reads an e-mail address and/or a phone number (« marie@exemple.ca, 514 555-0199 »).

    Args:
        text: The message; its first 400 characters are read.
        default_region: The region of numbers given without a country code.

    Returns:
        The first valid ones; ``problem`` says when an @ gave no valid address, else when digits gave no
        valid number ("555-0199", "514-555-CALL", "five one four"), else when neither was given.
    """
    pieces = re.sub(r"\s*@\s*", "@", text[:READ_LENGTH]).split()
    addresses = [piece.strip(_EMAIL_EDGES).removeprefix("mailto:") for piece in pieces if "@" in piece]
    email = None
    for address in addresses:
        with contextlib.suppress(EmailNotValidError):
            email = validate_email(address, check_deliverability=False).normalized
            break
    rest = " ".join(piece for piece in pieces if "@" not in piece)
    phone = to_e164(rest, default_region)
    if email is None and addresses:
        problem: str | None = "invalid_email"
    elif phone is None and _looks_like_a_phone_number(rest):
        problem = "invalid_phone"
    else:
        problem = "missing" if email is None and phone is None else None
    return ContactDetails(email=email, phone=phone, problem=problem)


def _looks_like_a_phone_number(text: str) -> bool:
    """Whether ``text`` has seven digits in a row, a number with letters or three digits in words."""
    if any(sum(map(str.isdigit, run)) >= _PHONE_MIN_DIGITS for run in _PHONE_LIKE.findall(text)):
        return True
    if any(_LETTERED_NUMBER.fullmatch(piece.strip(_EMAIL_EDGES)) for piece in text.split()):
        return True
    spelled = "".join("d" if word.isalpha() and re.fullmatch(r"\d", with_digits(word)) else " " for word in words(text))
    return "d" * _SPELLED_DIGITS in spelled


def clean_name(text: str) -> str | None:
    """Cleans the name a person gives (« Je m'appelle Marie-Ève Tremblay », "my name is John Smith").

    Args:
        text: The message.

    Returns:
        The name in NFC without control characters, extra spaces, greeting, lead-in, final full stop (markup
        stays plain text); ``None`` when nothing is left, over 100 characters, with an @ or no letter.
    """
    spaced = "".join(" " if char.isspace() else char for char in text)
    visible = "".join(char for char in spaced if unicodedata.category(char)[0] != "C")
    name = _lead_in().sub("", " ".join(unicodedata.normalize("NFC", visible).split()), count=1).rstrip(" .,!?;:")
    has_letter = any(unicodedata.category(char).startswith("L") for char in name)
    return name if has_letter and len(name) <= _NAME_MAX_LENGTH and "@" not in name else None


@cache
def holds_a_greeting(text: str) -> bool:
    """Whether ``text`` holds a greeting of ``words/name.yml`` as a word (« Joy Hello »)."""
    return bool(set(words(text)) & {fold(greeting) for greeting in word_list("name/greetings")})


def _lead_in() -> re.Pattern[str]:
    """The greeting and the lead-in that may open a message before the name, longest first."""
    greetings = "|".join(sorted(map(_phrase_pattern, word_list("name/greetings")), key=len, reverse=True))
    lead_ins = "|".join(sorted(map(_phrase_pattern, word_list("name/lead_ins")), key=len, reverse=True))
    return re.compile(rf"\A(?:(?:{greetings})(?!\w)[\s,!.]*)?(?:(?:{lead_ins})(?!\w)[\s:,.\-]*)?", re.IGNORECASE)


def _phrase_pattern(phrase: str) -> str:
    """A phrase of ``words/name.yml`` as a pattern, by the rules written there."""
    signs_alone = re.sub(r"\s*([:,'’-])\s*", r"\1", phrase)
    return "".join(_SIGNS.get(char) or f"[{re.escape(char + fold(char))}]" for char in signs_alone)


def parse_callback_time(text: str) -> str | None:
    """Reads when the person prefers to be called back (« Le matin », "7 pm", « Peu importe »).

    Args:
        text: The message or a button title.

    Returns:
        The first period named and not negated, else that of the hours (1 to 6 are afternoon hours, a range
        over two periods any), ``"any"`` for « peu importe », "anytime"; else ``None``.
    """
    message_words = words(text)
    labels = [hit.label for hit in lexicon(*_TIMES).find(message_words) if not negated(message_words, hit.start)]
    periods, hours = [label for label in labels if label in _PERIODS], _clock_hours(message_words)
    meridiems = [_MERIDIEM[label] for label in labels if label in _MERIDIEM]
    if periods:
        return periods[0]
    if hours:
        first = _period_of(hours[0])
        return "any" if len(hours) > 1 and hours[1] > hours[0] and _period_of(hours[1] - 1) != first else first
    return _period_of(meridiems[0]) if meridiems else "any" if labels else None


def _clock_hours(message_words: list[str]) -> list[int]:
    """The clock hours in ``message_words`` (« 9h », « 14 heures », "2 pm", "10:30"), 0 to 23."""
    hours: list[int] = []
    for word, following in zip(message_words, message_words[1:], strict=False):
        minutes = len(following) == 2 and following.isdigit() and int(following) < 60
        if word.isdigit() and int(word) <= 23 and following in _MERIDIEM:
            hours.append(int(word) % 12 + _MERIDIEM[following])
        elif word.isdigit() and int(word) <= 23 and (following in word_set("callback/clock_words") or minutes):
            hours.append(int(word) + 12 if 1 <= int(word) <= _LAST_AFTERNOON_HOUR_ON_A_SHORT_CLOCK else int(word))
    return hours


def _period_of(hour: int) -> str:
    """The period of the day of a clock ``hour`` (0 to 23)."""
    return _PERIODS[(hour >= _AFTERNOON_FROM) + (hour >= _EVENING_FROM)]
