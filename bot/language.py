"""Which language, French or English, a user message is written in.

The decision, in order of precedence:

1. an explicit request to switch (« en anglais svp », « can you answer in French? »);
2. a confident detection of the message itself;
3. the language given by the channel in the message metadata (``{"language": "en"}``);
4. nothing: the caller keeps the language it had (short or ambiguous messages such as
   « ok » or a name).
"""

from __future__ import annotations

import functools
import re
from typing import Any

import simplemma
from lingua import Language, LanguageDetector, LanguageDetectorBuilder

from bot.text import fold, words

LANGUAGES = ("fr", "en")

# Short words whose language is certain, for messages too short for statistics.
_SHORT_WORDS = {
    "fr": {
        "oui",
        "ouais",
        "ouin",
        "non",
        "merci",
        "bonjour",
        "bonsoir",
        "allo",
        "salut",
        "parfait",
        "d'accord",
        "svp",
        "stp",
        "bienvenue",
        "pantoute",
        "correct",
        "aide",
        "au",
        "revoir",
        "bye-bye",
        "coudonc",
        "ben",
        "c'est",
        "beau",
        "francais",
        "anglais",
        # Quebec chat spellings (« c koi », « cb », « jsuis »).
        "koi",
        "cb",
        "jsuis",
        "chu",
        "pkoi",
        "pcq",
        "tsé",
        "tse",
    },
    "en": {
        "yes",
        "yeah",
        "yep",
        "yup",
        "nope",
        "thanks",
        "thank",
        "you",
        "thx",
        "hi",
        "hello",
        "hey",
        "please",
        "pls",
        "sure",
        "great",
        "bye",
        "goodbye",
        "cheers",
        "help",
        "english",
        "french",
        "okay",
        "cool",
        # English chat spellings ("wats TOPS", "hw much").
        "wat",
        "wats",
        "whats",
        "wut",
        "hw",
        "plz",
        "idk",
        "ty",
    },
}
# Grammar words that belong to one language only: they settle messages made of words
# both languages share (« patient », « organisation », « options »).
_FUNCTION_WORDS = {
    "fr": {
        "le",
        "la",
        "les",
        "des",
        "du",
        "est",
        "et",
        "pour",
        "quoi",
        "c'est",
        "quel",
        "quelle",
        "quels",
        "quelles",
        "comment",
        "pourquoi",
        "mon",
        "ma",
        "mes",
        "vous",
        "je",
        "j'ai",
        "pis",
        "ca",
        "tu",
        "qui",
        "que",
        "qu'est",
        "avec",
        "dans",
        "sur",
        "une",
        "un",
        "combien",
        "est-ce",
        "y'a",
        "faut",
        "peut",
        "apres",
        "avant",
        "votre",
        "vos",
        "nous",
        "ils",
        "elle",
        "au",
        "aux",
        "suis",
        "moi",
        "pas",
        "cette",
        "sont",
        "ont",
        "peux",
        "veux",
        "voudrais",
        "aimerais",
        "j'aimerais",
        "leur",
        "ou",
        "quand",
        "aussi",
        "tres",
        "mais",
        "donc",
        "si",
        "chez",
        "chu",
        "y'a-tu",
        "c'tu",
        "ben",
        # Unaccented words that only French messages hold, for keyword messages without grammar.
        "dos",
        "cout",
        "couts",
        "prix",
        "delai",
    },
    "en": {
        "the",
        "is",
        "are",
        "what",
        "whats",
        "what's",
        "how",
        "why",
        "does",
        "do",
        "can",
        "for",
        "in",
        "of",
        "and",
        "to",
        "my",
        "your",
        "you",
        "with",
        "after",
        "before",
        "about",
        "there",
        "which",
        "who",
        "should",
        "could",
        "will",
        "would",
        "it",
        "this",
        "that",
        "so",
        "get",
        "much",
        "many",
        "i",
        "i'm",
        "im",
        "i've",
        "i'd",
        "am",
        "we",
        "if",
        "at",
        "be",
        "was",
        "were",
        "have",
        "has",
        "had",
        "not",
        "any",
        "from",
        "when",
        "where",
        "they",
        "them",
        "their",
        "our",
        "been",
        "did",
        "than",
        "also",
        "just",
        "need",
        "want",
        "someone",
        "anyone",
        "please",
        "don't",
        "can't",
        "won't",
        "doesn't",
        "isn't",
        "it's",
        "there's",
        "but",
    },
}
_LONG_MESSAGE_WORDS = 3
_NAME_MAX_WORDS = 5
_NAME_TOKEN = re.compile(r"^(?:[A-ZÀ-Ý][\w'’.-]*|de|du|la|le|van|von|d'\w+)$")
_LONG_MESSAGE_CONFIDENCE = 0.6
_SHORT_MESSAGE_CONFIDENCE = 0.9

_TARGETS = {"anglais": "en", "english": "en", "francais": "fr", "french": "fr"}
_TARGET = r"(anglais|english|francais|french)"
_POLITE = r"(?:\s+(?:svp|stp|please|pls|plz|s'il (?:vous|te) plait|merci|thanks))?"
_BARE_REQUEST = re.compile(rf"^(?:(?:en|in)\s+)?{_TARGET}{_POLITE}\s*[.!?]*$")
_VERB_REQUEST = re.compile(
    r"\b(repon\w*|parl(?:e|ez|er)|ecri(?:s|vez|re)|continu(?:e|ez|er)|pass(?:e|ez|er)"
    r"|switch|change|reply|answer|respond|speak|talk|write|continue|chat)\b"
    rf"(?:[\s\-]+[\w']+){{0,4}}?[\s\-]+(?:en|in|to)\s+{_TARGET}\b"
)
_ADDRESSED = re.compile(
    r"\b(tu|vous|moi|me|m'|nous|peux|pouvez|svp|stp|please|pls|you|can|could|would)\b"
    r"|^(repon\w*|parle|parlez|ecris|ecrivez|continue|continuez|passe|passez|switch|reply"
    r"|answer|respond|speak|talk|write|change)\b"
)


def requested_language(text: str) -> str | None:
    """Return the language the person explicitly asks to be answered in, if any.

    « Les chirurgiens parlent-ils anglais ? » is a question about the surgeons, not a
    request, so it returns ``None``.

    Args:
        text: The user message.

    Returns:
        ``"fr"``, ``"en"`` or ``None``.
    """
    folded = " ".join(fold(text).split())
    bare = _BARE_REQUEST.match(folded)
    if bare:
        return _TARGETS[bare.group(1)]
    verb = _VERB_REQUEST.search(folded)
    if verb and _ADDRESSED.search(folded):
        return _TARGETS[verb.group(2)]
    return None


def _looks_like_a_name(text: str) -> bool:
    """« Marie-Eve Gagnon », « Jean-Pierre De La Fontaine »: a few capitalised words only."""
    tokens = text.split()
    return len(tokens) <= _NAME_MAX_WORDS and all(_NAME_TOKEN.match(token) for token in tokens)


@functools.lru_cache(maxsize=1)
def _detector() -> LanguageDetector:
    return LanguageDetectorBuilder.from_languages(Language.FRENCH, Language.ENGLISH).build()


# E-mail addresses, web addresses and phone numbers say nothing of the language.
_CONTACT_DETAILS = re.compile(r"\S+@\S+|https?://\S+|www\.\S+|\+?\d[\d\s().-]{5,}\d")
# Names say nothing of it either: « Clinique du Parc », « Info-Santé », « CNESST » in an
# English message, "Dr. Smith" in a French one. A capitalised word after the first one of a
# sentence, with the small words that join two such words (« Hôpital de la Croix »); the
# English « I » is a word, not a name.
_NAME = re.compile(
    r"(?<=[\w,;:)'’\"»] )(?!I\b)[A-ZÀ-Ý][\w'’.-]*(?:\s+(?:(?:du|de|des|la|le|les|d'|l'|of|the)\s+)*[A-ZÀ-Ý][\w'’.-]*)*"
)


def detected_language(text: str) -> str | None:
    """Return the language ``text`` is written in, or ``None`` when it is not clear.

    Args:
        text: The user message.

    Returns:
        ``"fr"``, ``"en"`` or ``None`` for short or ambiguous messages (« ok », a name).
    """
    text = _CONTACT_DETAILS.sub(" ", text)
    a_name = _looks_like_a_name(text)
    without_names = _NAME.sub(" ", text)
    if words(without_names):
        text = without_names
    message_words = words(text)
    if not message_words:
        return None
    known = {lang for lang, vocabulary in _SHORT_WORDS.items() for word in message_words if word in vocabulary}
    known |= {lang for lang, pattern in _ORDINALS.items() if pattern.search(text)}
    if len(message_words) < _LONG_MESSAGE_WORDS:
        if len(known) == 1:
            return known.pop()
        threshold = _SHORT_MESSAGE_CONFIDENCE
    elif not known and _looks_like_a_name(text):
        return None
    else:
        threshold = _LONG_MESSAGE_CONFIDENCE
    best = _detector().compute_language_confidence_values(text)[0]
    grammar_counts = _function_word_counts(message_words)
    by_grammar = _function_word_vote(grammar_counts)
    if by_grammar and (by_grammar[1] >= 2 or best.value < _SHORT_MESSAGE_CONFIDENCE):
        return by_grammar[0]
    if not any(grammar_counts.values()) and not known:
        # Not one grammar word of either language: keywords, names or gibberish. (Grammar
        # words of both, as in a code-switched message, leave the detector to decide.)
        threshold = _SHORT_MESSAGE_CONFIDENCE
    if best.value >= threshold:
        return "fr" if best.language == Language.FRENCH else "en"
    keywords = _KEYWORDS_MIN_WORDS <= len(message_words) <= _KEYWORDS_MAX_WORDS and not _CODE.search(text)
    if not by_grammar and len(known) == 1 and keywords:
        # A few keywords and one word of one language's chat (« secon avis cb »).
        return next(iter(known))
    if not by_grammar and not known and not a_name and keywords:
        return _dictionary_vote(text)
    return None


# Ordinals as each language writes them in chat: "2nd opinion", « 2e avis ».
_ORDINALS = {
    "en": re.compile(r"\b\d+(?:st|nd|rd|th)\b", re.IGNORECASE),
    "fr": re.compile(r"\b\d+(?:e|eme|ème|ieme|ième)\b", re.IGNORECASE),
}
_KEYWORDS_MIN_WORDS = 2
_KEYWORDS_MAX_WORDS = 5
# Markup or code typed into a field (« <b>Robert</b>'); DROP TABLE ») is no language's keywords.
_CODE = re.compile(r"[<>{};=]|--")
_DICTIONARY_SHARE = 0.6
_DICTIONARY_MARGIN = 0.3


def _dictionary_vote(text: str) -> str | None:
    """The language whose dictionary (simplemma's) holds clearly more of the words of a
    keyword message (« payment plan? », "2nd opinion cost"), or ``None``."""
    shares = dict(simplemma.langdetect(text, lang=LANGUAGES))
    first, second = sorted(LANGUAGES, key=lambda language: -shares.get(language, 0.0))
    if shares.get(first, 0.0) >= _DICTIONARY_SHARE and shares[first] - shares.get(second, 0.0) >= _DICTIONARY_MARGIN:
        return first
    return None


def _function_word_counts(message_words: list[str]) -> dict[str, int]:
    """How many of the message's words are grammar words of each language."""
    return {lang: sum(word in vocabulary for word in message_words) for lang, vocabulary in _FUNCTION_WORDS.items()}


def _function_word_vote(counts: dict[str, int]) -> tuple[str, int] | None:
    """Return the language whose grammar words (``counts``, :func:`_function_word_counts`)
    outnumber the other's at least twice, with by how many (a code-switched message takes its
    grammar's language)."""
    (first, first_count), (_, second_count) = sorted(counts.items(), key=lambda item: -item[1])
    if first_count == 0 or first_count < 2 * second_count:
        return None
    return first, first_count - second_count


def metadata_language(metadata: dict[str, Any] | None) -> str | None:
    """Return the language a channel put in the message metadata, if it is supported."""
    if not isinstance(metadata, dict):
        return None
    value = str(metadata.get("language") or "").lower()[:2]
    return value if value in LANGUAGES else None


def message_language(text: str, metadata: dict[str, Any] | None = None) -> str | None:
    """Return the language to answer ``text`` in, or ``None`` to keep the current one.

    Args:
        text: The user message.
        metadata: The metadata the channel sent with it.

    Returns:
        ``"fr"``, ``"en"`` or ``None``.
    """
    return requested_language(text) or detected_language(text) or metadata_language(metadata)
