"""The shape of a patient's message: its sentences, its question, whether it leans on context.

Patients write stories before their question (« J'ai eu un accident au travail… La liste
d'attente est de 18 mois. Est-ce que la CNESST paie le billet d'avion? »), questions that only
make sense after the previous one (« pis pour celle-là? », "and how long for that one?"), and
stories with no question at all. This module only reads the text: which sentence asks, whether
the message is elliptic, whether it is a story alone. :mod:`bot.understanding` decides what to
do with that. Sentences are split by spaCy's rule-based sentencizer (no trained weights).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import spacy
from spacy.language import Language

from bot.text import fold, words

# A sentence asks something when it ends with « ? », opens like a question, or holds a
# question word, a request or Quebec's question particle (« ça coûte-tu », « je peux tu »).
_QUESTION_OPENING = re.compile(
    r"^(?:(?:ok|oui|non|bonjour|allo|salut|hi|hello|hey|yo|so|alors|donc|mais|but|and|et|pis|faque|ben|well)[\s,]+)*"
    r"(?:est-ce|est ce|qu'est|quest-ce|quest ce|kesk|keske|quel|quelle|quels|quelles|combien|comment|pourquoi|quand|ou est|ou se|qui|"
    r"peut-on|peux-tu|pouvez|pourriez|pourrais|puis-je|y a-t-il|y'a-tu|ya-tu|dites-moi|dis-moi|expliqu|aidez|"
    r"what|whats|how|why|when|where|who|which|is|are|am|do|does|did|can|could|would|will|should|may|"
    r"tell me|please|help|explain|any)\b"
    # … or inverts its verb and subject without the hyphen (« peut on se faire opérer les 2? »).
    r"|^(?:peut|peux|pouvez|pourrait|pourrais|pourriez|puis|doit|dois|devrait|faut|faudrait|est|sont|serait|va|vont"
    r"|a|ont|aurait|aura|fait|font)[- ](?:t[- ])?(?:on|je|tu|il|elle|vous|ils|elles)\b"
)
_QUESTION_ANYWHERE = re.compile(
    r"\w-(?:tu|vous|t-il|t-elle|il|elle|on|je|ils|elles)\b"
    r"|\b(?:tu|t'?u)\b"
    r"|\b(?:c'?est quoi|cest quoi|c koi|ckoi|koi|quoi|comment|combien|cb|cmb|cbien|pourquoi|quel|quelle|quels|quelles|est-ce|est ce"
    r"|quest-ce|quest ce|qu'est-ce|kesk|keske)\b"
    r"|\b(?:savoir|je me demand\w*|j'?aimerais|jaimerais|je voudrais|on aimerait|on voudrait|nous aimerions"
    r"|je souhait\w*|j'?veux|jveux|je veux|on veut|je cherche|svp|s'il vous plait|possible)\b"
    r"|\b(?:what|whats|how|why|where|which|who|can i|can you|could you|could i|would you|would i|do you|do i"
    r"|is there|are there|is it|is that|are you|will i|should i|wanna|want to|would like|i'd like|id like"
    r"|need to know|looking for|let me know|wondering|please|pls|possible)\b"
    r"|\b(?:does|do|did|can|could|will|would|should|is|are)\s+(?:i|you|he|she|it|we|they|my|the|your|this|that"
    r"|cnesst|ramq|someone|anyone)\b"
)
# What makes a short message lean on the previous one: an opening connector, a word that
# points back (« celle-là », "that one"), or, in a very short message, a pronoun.
_ELLIPTIC_OPENING = re.compile(
    r"^(?:(?:ok(?:ay)?|oui|yes|merci|thanks|thank you|nice|cool|parfait|super|great|good|very good|d'accord)[\s,.!]+)?"
    r"(?:et|pis|puis|pi|mais|pour|sinon|and|n|what about|how about|so|but|also|same|ok et|ok pis)\b"
)
_POINTING_BACK = re.compile(
    r"\b(?:celle-la|celui-la|ceux-la|celles-la|celle la|celui la|ceux la|celles la|la meme chose|meme chose|"
    r"l'autre|les autres|la-bas|that one|this one|those ones|these ones|the other one|the other ones|the same"
    r"|those|these|either one|both of them|les deux|which one|which ones|lequel|laquelle|lesquels|lesquelles"
    r"|les 2|ces deux|ces 2|the two|the 2|these two|those two)\b"
)
_PRONOUN = re.compile(r"\b(?:ca|cela|ce|y|en|le|la|les|it|that|this|them|they|there|too|aussi)\b")
# A sentence this long is a run-on that may hold a story and its question; each part must
# have at least these many words.
RUN_ON_MIN_WORDS = 25
RUN_ON_STORY_WORDS = 10
RUN_ON_QUESTION_WORDS = 4
_RUN_ON_QUESTION = re.compile(
    r"\b(?:est[- ]ce qu(?:e|')|c'?est quoi|combien|comment|pourquoi|quel(?:le)?s?|y a-t-il|y'?a[- ]tu|ya tu|vous pouvez tu"
    r"|je (?:veux|voudrais|voulais|aimerais) savoir|jveux savoir|i (?:want|wanna|would like|'d like) to know"
    r"|is there|are there|what|how|why|can (?:i|you|someone)|could (?:i|you)|do (?:i|you|they)|does"
    r"|should i|will i|is it)\b"
)
CONNECTOR_MAX_WORDS = 12
ELLIPTIC_MAX_WORDS = 10
PRONOUN_MAX_WORDS = 5
# A message this short (« paris? », "cnesst?") names at most what changes from the previous
# question: it leans on it.
KEYWORD_MAX_WORDS = 2
# Right after a question, a longer message that opens with a connector or points back still
# leans on it (« Et si on a déjà tout payé sur place avec notre carte de crédit? », "can he
# get that one here in Canada or only over there"); alone, or after a story, it is read whole.
LEANING_MAX_WORDS = 16
# A list number that opens a message or a sentence (« 2. Et si… », "1) how long…").
_LIST_NUMBER = re.compile(r"^\s*\(?\d{1,2}\s*[.)-]\s*")
# A story is told in several sentences, this many words at least, none of which asks: one
# long sentence is more often a question without its mark ("walk me through the steps…").
STORY_MIN_WORDS = 12
# The shapes of the last messages read, kept: a message's shape is asked for by the reading
# (bot.understanding) and again by the topic coverage of each of its readings.
SHAPES_KEPT = 1024


@functools.cache
def _sentencizer() -> Language:
    nlp = spacy.blank("fr")
    nlp.add_pipe("sentencizer")
    return nlp


def sentences(text: str) -> list[str]:
    """The sentences of ``text``, as written (punctuation and line breaks end them, and the
    question that ends a long run-on sentence is one: :func:`_run_on`)."""
    parts = []
    for line in text.splitlines():
        if line.strip():
            for sentence in _sentencizer()(line).sents:
                if sentence.text.strip() and not _LIST_NUMBER.fullmatch(sentence.text):
                    parts.extend(_run_on(sentence.text.strip()))
    return parts


def _run_on(sentence: str) -> list[str]:
    """A long sentence written without stops or commas (« …ça fait 14 mois pis on me dit encore
    un an est ce que c'est vrai que… »), split before its last question word, when both parts
    are long enough to be a story and a question; else the sentence alone. (A writer who puts
    commas puts stops: "to the point where I can no longer stand" is no question.)"""
    folded = fold(sentence).lower()
    if len(words(folded)) < RUN_ON_MIN_WORDS or len(folded) != len(sentence) or "," in sentence:
        return [sentence]
    for match in reversed(list(_RUN_ON_QUESTION.finditer(folded))):
        head, tail = sentence[: match.start()].strip(), sentence[match.start() :].strip()
        if len(words(tail)) >= RUN_ON_QUESTION_WORDS and len(words(head)) >= RUN_ON_STORY_WORDS:
            return [head, tail]
    return [sentence]


def asks(sentence: str) -> bool:
    """Whether ``sentence`` asks a question or makes a request."""
    folded = " ".join(fold(sentence).split())
    return folded.endswith("?") or bool(_QUESTION_OPENING.search(folded) or _QUESTION_ANYWHERE.search(folded))


def is_elliptic(text: str) -> bool:
    """Whether ``text`` is a short message that leans on what came before (« pis pour celle-là? »)."""
    folded = _LIST_NUMBER.sub("", " ".join(fold(text).split()))
    count = len(words(folded))
    if _ELLIPTIC_OPENING.search(folded):
        return count <= CONNECTOR_MAX_WORDS
    if _POINTING_BACK.search(folded):
        return count <= ELLIPTIC_MAX_WORDS
    return count <= KEYWORD_MAX_WORDS or (count <= PRONOUN_MAX_WORDS and bool(_PRONOUN.search(folded)))


def leans_back(text: str) -> bool:
    """Whether ``text``, sent right after a question, leans on it: it is elliptic, or, up to
    ``LEANING_MAX_WORDS`` words, opens with a connector or points back (« celle-là », "which one")."""
    if is_elliptic(text):
        return True
    folded = _LIST_NUMBER.sub("", " ".join(fold(text).split()))
    leaning = _ELLIPTIC_OPENING.search(folded) or _POINTING_BACK.search(folded)
    return bool(leaning) and len(words(folded)) <= LEANING_MAX_WORDS


@dataclass(frozen=True)
class MessageShape:
    """What a message is made of.

    Attributes:
        sentences: Its sentences.
        question: The question of a message that also holds other sentences (a story
            before it): its last sentences ending with « ? », or else its last sentence that
            asks; ``None`` when the whole message is the question or nothing asks.
        is_story: Whether it tells without asking anything, in several sentences.
        elliptic: Whether it is short and leans on the previous message.
    """

    sentences: tuple[str, ...]
    question: str | None
    is_story: bool
    elliptic: bool


@functools.lru_cache(maxsize=SHAPES_KEPT)
def shape_of(text: str) -> MessageShape:
    """Reads the shape of ``text`` (see :class:`MessageShape`)."""
    found = sentences(text)
    question = _question(found)
    is_story = len(found) > 1 and len(words(text)) >= STORY_MIN_WORDS and not any(asks(sentence) for sentence in found)
    return MessageShape(tuple(found), question, is_story, is_elliptic(question or text))


def _question(found: list[str]) -> str | None:
    """The question of a message of several sentences: its last sentences that end with
    « ? », or else its last sentence that asks; ``None`` when that is the whole message."""
    if len(found) < 2:
        return None
    marked = [index for index, sentence in enumerate(found) if sentence.rstrip().endswith("?")]
    if marked:
        first = last = marked[-1]
        while first - 1 in marked:
            first -= 1
    else:
        asking = [index for index, sentence in enumerate(found) if asks(sentence)]
        if not asking:
            return None
        first = last = asking[-1]
    if first == 0 and last == len(found) - 1:
        return None
    return " ".join(found[first : last + 1])
