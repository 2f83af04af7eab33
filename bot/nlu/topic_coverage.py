"""NLU component that notices a question about something the documents never mention.

« Est-ce que vous opérez les hanches aussi? » looks like a FAQ to a classifier, which then
picks the nearest answer. But « hanches » appears nowhere in what the assistant knows: not in
an answer, not in any question it was trained on. Such a word is the topic the person asks
about, and the honest reply names it: « Les documents ne disent rien sur « hanches » ».

The vocabulary is learned at training: every word of the FAQ answers (both languages) and of
the training questions of every intent except those that are about unknown things
(``out_of_scope``, ``not_in_documents``), with its French and English lemmas (simplemma). At
inference, a word is unknown when it is not a stop word (spaCy's French and English lists), is
long enough to carry a topic, and neither it, nor its lemmas, nor a word one or two typos away
(rapidfuzz, OSA distance) is in the vocabulary. Quebec chat writing glues an elided pronoun or
article to its word (« jperd », « lopé », « dengourdissement »): such a word is known when the
word after the letter is. In a message of several sentences, only its question names the topic
(its last sentences marked « ? », or else its last sentence that asks): the story before it is context, and its words (« Winnipeg », « faque »)
are not what the person asks about.

Every answer also has its own vocabulary: its text and the questions it was trained on. A
question whose words are all known somewhere may still ask what no answer says (« how many
days before I can fly back? », « can I bring my CPAP? »): the classifier then picks the
nearest answer, unsure. When the answer chosen is very unsure and several words of the
question are foreign to it, the question is « not in the documents » too, without a topic
(no single word names it). Words of people (« mon mari », "my mom") are context, never topics.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any, Self

import simplemma
from rapidfuzz import process
from rapidfuzz.distance import OSA
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_RANKING_KEY,
    INTENT_RESPONSE_KEY,
    RESPONSE_SELECTOR,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from spacy.lang.en.stop_words import STOP_WORDS as ENGLISH_STOP_WORDS
from spacy.lang.fr.stop_words import STOP_WORDS as FRENCH_STOP_WORDS

from bot.message_shape import asks, shape_of
from bot.text import fold, word_spans

VOCABULARY_FILE = "vocabulary.json"
ANSWER_VOCABULARIES_FILE = "answer_vocabularies.json"
ANSWER_FACTS_FILE = "answer_facts.json"
# A word as written, accents kept, for its lemmas.
_WRITTEN_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
TOPIC_ENTITY = "unknown_topic"
# Set on the intent when the answer chosen lacks what the question asks (a price, a duration, a
# rate, a centre): the question is whole, and the documents do not say.
LACKING_KEY = "answer_lacks"
# The role of a topic that names a doctor or a body the documents never mention (« Dr Garnier »,
# "WSIB"): no other reading of the message can answer it.
NAMED_ROLE = "named"
# At most this many unknown words are named in the reply.
TOPIC_WORDS = 2
# An acronym this long is a topic (« SAAQ », "WCB"), though shorter than other topic words.
ACRONYM_LENGTH = 3
# Letters of an elided word (« j' », « l' », « d' »…) that chat writing glues to the next word,
# and the shortest word that may follow them.
_GLUED_ELISIONS = frozenset("jldmtsnc")
_GLUED_WORD_LENGTH = 3
# The people a patient writes about: context of a question, never what it asks about.
_PEOPLE = frozenset(
    fold(word)
    for word in [
        "mari",
        "femme",
        "conjoint",
        "conjointe",
        "chum",
        "blonde",
        "mère",
        "père",
        "maman",
        "papa",
        "fils",
        "fille",
        "frère",
        "sœur",
        "soeur",
        "enfant",
        "enfants",
        "parents",
        "ami",
        "amie",
        "voisin",
        "voisine",
        "cousin",
        "cousine",
        "oncle",
        "tante",
        "patron",
        "collègue",
        "grand-mère",
        "grand-père",
        "husband",
        "wife",
        "partner",
        "boyfriend",
        "girlfriend",
        "mother",
        "father",
        "mom",
        "mum",
        "dad",
        "son",
        "daughter",
        "brother",
        "sister",
        "kids",
        "children",
        "friend",
        "buddy",
        "neighbour",
        "neighbor",
        "uncle",
        "aunt",
        "boss",
        "coworker",
        "colleague",
        "grandmother",
        "grandfather",
    ]
)
_DOCTOR = r"Dr|Dre|Docteur|Docteure|Doctor|Doc|Pr|Professeur|Professor"
# Words of the service's domain: a question with one of them that the model calls out of scope
# (« do I need a visa for France? », « l'hôpital américain fait-il partie de vos places? ») is
# about the trip or the care, and the honest reply is that the documents do not say.
_DOMAIN = re.compile(
    r"\b(?:[ld]'?)?(?:france|francais\w*|french|clinique\w*|clinics?|hopita\w*|hospital\w*|chirurg\w*|surg\w*"
    r"|operat\w*|opere\w*|ope|l'ope|intervention|spine|rachis|colonne|dos|back|hernie|hernia\w*|stenose|stenosis"
    r"|scoliose|scoliosis|cnesst|ramq|sejour|convalesc\w*|convalo|recovery|voyage|trip|vol|flight|avion|plane"
    r"|(?:micro)?discectom\w*|fusion|implants?|anesth\w*)\b"
)
# Words of paying for the care: what a question about an insurer asks.
_PAYING = re.compile(
    r"\b(?:rembours\w*|pai\w*|paye\w*|paie\w*|couvr\w*|couvert\w*|prise? en charge|pay\w*|cover\w*|reimburs\w*"
    r"|fund\w*|claim\w*)\b"
)
# Where the person asks whether the service has a clinic or an office: the place named right
# after (« une clinique à Lyon », "a partner clinic in Winnipeg", « un bureau à Drummondville »).
_PLACE_ASKED = re.compile(
    r"\b(?:avez[- ]vous|vous avez|y a[- ]t[- ]il|y a[- ]tu|y'?a[- ]tu|ya tu|il y a|y'?a|is there|are there|there'?s"
    r"|theres|there is|do (?:you|u) (?:guys )?(?:have|work with|deal with|know)|have you got|any|vos|votre|your|ur"
    r"|(?:a|ont|has|have)(?:-tu| tu)? (?:un|une|des|a|an))\b(?: [\w'-]+){0,3}?"
    r" (?:cliniques?|clinics?|centres?|centers?|bureaux?|offices?|hopitaux|hopital|hospitals?|partenaires?|partners?"
    r"|succursales?|branch(?:es)?|locations?|points? de service)\b(?: (?!or\b|ou\b|and\b|et\b|like\b|genre\b|comme\b)"
    r"[\w'-]+){0,2}? (?:a|au|aux|in|at|near|pres de|proche de|around|close to|dans le coin de|du cote de)"
    r" (?![a-z]')([a-z][a-z'-]{2,})"
)
# Places that are not a city the person asks about (« une clinique en France », "in the area").
_NOT_PLACES = frozenset(
    fold(word)
    for word in [
        "france",
        "canada",
        "quebec",
        "europe",
        "ville",
        "region",
        "coin",
        "area",
        "town",
        "city",
        "province",
        "pays",
        "country",
        "montreal",
        "paris",
        "bordeaux",
        "toulouse",
        "mans",
        "etranger",
        "abroad",
        "janvier",
        "fevrier",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "aout",
        "septembre",
        "octobre",
        "novembre",
        "decembre",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "printemps",
        "ete",
        "automne",
        "hiver",
        "spring",
        "summer",
        "fall",
        "autumn",
        "winter",
        "matin",
        "soir",
        "nuit",
        "morning",
        "evening",
        "night",
        "weekend",
        "semaine",
        "week",
        "avance",
        "advance",
        "general",
        "particulier",
        "english",
        "anglais",
        "french",
        "francais",
        "person",
        "personne",
        "charge",
        "total",
        "moyenne",
        "average",
    ]
)
# Asking for a price (« combien coûte une séance? », "how much do they charge"), not whether a
# payer covers it (« combien la CNESST rembourse? » is about coverage).
_ASKS_A_PRICE = re.compile(
    r"\b(?:combien (?:[\w']+ ){0,3}?(?:coute\w*|charge\w*|factur\w*)|ca coute combien|quel (?:est le |serait le )?"
    r"(?:prix|tarif|cout)|how much (?:[\w']+ ){0,6}?(?:cost|costs|charge|charges|fee|fees)"
    r"|what(?:'s| is| does| do| would) (?:[\w']+ ){0,4}?(?:cost|charge|price|fee))\b"
)
_ASKS_WHO_PAYS = re.compile(
    r"\b(?:rembours\w*|couvr\w*|couvert\w*|prise? en charge|cover\w*|reimburs\w*|refund\w*|cnesst|insurance"
    r"|assurance|paie|paye|pay)\b"
)
# An amount in an answer: euros, dollars or a share.
_AMOUNT = re.compile(r"\d[\d\s.,]*\s?(?:€|\$|%|euros?|dollars?)|€\s?\d|\$\s?\d")
# A question that asks how long something takes or lasts (« en combien de temps la CNESST
# donne-t-elle son accord? », "how long does the operation take?").
_ASKS_A_DURATION = re.compile(
    r"\b(?:combien de (?:temps|jours|semaines|mois|heures)|en combien de temps|how long|how many (?:days|weeks|months"
    r"|hours|years)|how soon|how quickly|quel(?:le)? (?:est le |serait le )?delai|what(?:'s| is) the deadline"
    r"|weeks or months|semaines ou mois)\b"
)
# A duration in an answer (« 3 à 6 mois », "a few weeks"). An answer that names a deadline
# without its length (« respecter les délais de déclaration ») does not say how long one has.
_DURATION = re.compile(
    r"\d+\s?(?:-|à|a|to|–|ou|or)?\s?\d*\s?(?:jours?|semaines?|mois|ans|annees|heures?|days?|weeks?|months?|years?"
    r"|hours?|h)\b|\b(?:quelques|plusieurs|a few|several|few|un|une|deux|trois|quatre|cinq|six|one|two|three|four"
    r"|five|24|48)\s(?:jours?|semaines?|mois|ans|annees|heures?|days?|weeks?|months?|years?|hours?)\b"
)
# A question that asks for a rate or a share (« quel est le taux de réussite? », "what's the real
# success rate, the actual number"): answered only by an answer that gives one (an amount). A
# rate only named ("does outpatient surgery raise the complication rate?") is not asked for.
_ASKS_A_RATE = re.compile(
    r"\b(?:(?:quel(?:le)?s?|c'?est quoi|c quoi) (?:(?:est|sont) )?(?:le |les |leur |votre |vos )?(?:vrais? |reels? )?taux"
    r"|quel(?:le)? (?:est le )?pourcentage|combien de (?:pour ?cent|%)"
    r"|what(?:'s|s| is| are) (?:the |your |their )?(?:real |actual |true )?(?:[\w']+ ){0,2}?rates?"
    r"|what percentage|how many percent|chances? (?:of success|de (?:succes|reussite))|statisti\w+"
    r"|(?:real|actual) numbers?|vrais? chiffres?)\b"
)
# What a rate is of, in a question's rate (« taux de réussite », "complication rate") and in the
# sentence of an answer that gives an amount (« le taux de satisfaction dépasse 90 % »): a
# satisfaction rate does not answer a question about a success rate.
_RATE_KINDS = {
    "success": re.compile(r"\b(?:reussite|succes|success\w*)\b"),
    "failure": re.compile(r"\b(?:echecs?|failures?|failed)\b"),
    "complication": re.compile(r"\bcomplications?\b"),
    "infection": re.compile(r"\binfections?\b"),
    "satisfaction": re.compile(r"\b(?:satisfaction|satisfaits?|satisfied)\b"),
    "recurrence": re.compile(r"\b(?:recidives?|recurrences?)\b"),
    "cure": re.compile(r"\b(?:guerison|cure)\b"),
}
_SENTENCE_END = re.compile(r"[.!?;\n]+")
# A question that asks which centre (« quelle clinique fait la chirurgie endoscopique? », "which
# hospital does the disc replacement?"), or which one of the centres its story names.
_ASKS_WHICH_CENTRE = re.compile(
    r"\b(?:quel(?:le)?s? (?:clinique|hopital|centre|etablissement)s?|(?:lequel|laquelle|lesquels|lesquelles)"
    r" (?:des|de ces|de vos) (?:cliniques|hopitaux|centres|etablissements)"
    r"|which (?:clinic|hospital|centre|center|facility)s?|which one of (?:the|your|these|those|them)"
    r"|at what (?:clinic|hospital)|dans quel(?:le)? (?:clinique|hopital|centre|etablissement))\b"
)
_WHICH_ONE = re.compile(r"\b(?:which one|which ones|lequel|laquelle|lesquels|lesquelles)\b")
_CENTRES = re.compile(r"\b(?:cliniques?|clinics?|hopitaux|hopital|hospitals?|centres?|centers?)\b")
# A centre named in an answer (« CHU de Bordeaux », « Clinique Bizet », "Clinique TAGMED").
_NAMED_CENTRE = re.compile(
    r"\b(?:CHU|Clinique|Clinic|Hôpital|Hospital|Centre hospitalier)\s(?:du |de la |des |de |d')?(?:l')?[A-ZÉÈ][\w'-]+"
)
# A question that points back to its story (« est-ce qu'il fait partie de votre réseau? », "do
# they pay for France?"): a doctor or an acronym named in the story is what it asks about.
_REFERS_BACK = re.compile(r"\b(?:il|elle|lui|eux|ils|pareil|la meme chose|he|she|him|her|they|them|it|that|the same)\b")


@functools.cache
def stop_words() -> frozenset[str]:
    """French and English stop words, folded."""
    return frozenset(fold(word) for word in (*FRENCH_STOP_WORDS, *ENGLISH_STOP_WORDS))


def lemmas(word: str) -> set[str]:
    """The folded French and English lemmas of ``word`` (« coûtent » → « couter »)."""
    lowered = word.lower()
    return {fold(simplemma.lemmatize(lowered, lang=language)) for language in ("fr", "en")}


def allowed_typos(word: str) -> int:
    """How many edits a word of this length may be from a known word and still be known:
    none up to four letters (« visa » is not « via »), one up to seven, then two."""
    if len(word) <= 4:
        return 0
    return 1 if len(word) < 8 else 2


class Vocabulary:
    """The folded words the assistant knows, and the test of a word against them."""

    def __init__(self, known: set[str]) -> None:
        """Keeps the known words (folded); typos are matched against those that carry meaning."""
        self.known = known
        self._content_words = sorted(word for word in known if len(word) >= 4 and word not in stop_words())

    @classmethod
    def of_texts(cls, texts: list[str]) -> Vocabulary:
        """The vocabulary of ``texts``: their words, folded, and the words' lemmas."""
        written = {match.group() for text in texts for match in _WRITTEN_WORD.finditer(text)}
        # « l'opé » teaches « opé » too.
        written |= {re.split(r"['’]", word, maxsplit=1)[1] for word in written if re.search(r"['’]", word)}
        known = {fold(word) for word in written}
        for word in written:
            known |= lemmas(word)
        return cls(known)

    def knows(self, word: str, written: str | None = None) -> bool:
        """Whether ``word`` (folded) is known, a stop word, a person (« mari »), a form of a
        known word (by the lemmas of ``written``, the word as written) or a typo of a known word."""
        if word in self.known or word in stop_words() or word in _PEOPLE:
            return True
        if lemmas(written or word) & self.known:
            return True
        if self._glued_elision(word, written):
            return True
        typos = allowed_typos(word)
        if typos == 0:
            return False
        return process.extractOne(word, self._content_words, scorer=OSA.distance, score_cutoff=typos) is not None

    def _glued_elision(self, word: str, written: str | None) -> bool:
        """Whether ``word`` is a known word with an elided letter glued before it (« jperd »)."""
        rest = word[1:]
        if word[0] not in _GLUED_ELISIONS or len(rest) < _GLUED_WORD_LENGTH:
            return False
        return rest in self.known or bool(lemmas((written or word)[1:]) & self.known)

    def unknown_words(self, text: str, min_length: int) -> list[str]:
        """The words of ``text`` the assistant does not know, as written, first ones first.

        Words shorter than ``min_length`` are passed over, except acronyms (« SAAQ », "WCB").
        """
        found: list[str] = []
        for word, written in written_words(text):
            long_enough = len(word) >= min_length or (len(written) >= ACRONYM_LENGTH and written.isupper())
            fresh = written.lower() not in (seen.lower() for seen in found)
            if fresh and long_enough and "'" not in word and not self.knows(word, written):
                found.append(written)
        return found


def written_words(text: str) -> list[tuple[str, str]]:
    """Each word of ``text``, folded, with the word as written (accents and case kept), or the
    folded word where folding changed the text's length (:func:`bot.text.word_spans`)."""
    same_length = len(fold(text)) == len(text)
    return [(word, text[start:end] if same_length else word) for start, end, word in word_spans(text)]


def acronyms(unknown: list[str]) -> list[str]:
    """The unknown words written as acronyms (« OHIP », "WSIB", "CPAP"): names of bodies and
    devices the documents never mention, so no answer can be sure of them."""
    return [word for word in unknown if len(word) >= ACRONYM_LENGTH and word.isupper()]


def named_doctors(text: str, unknown: list[str]) -> list[str]:
    """The unknown words of ``text`` that are a doctor's name (« Dr Roussel », "Dr. Marchand",
    « Dr Jean Roussel »: after a first name, only a capitalised word is the surname, not the
    verb of « le Dr Ménard recevra-t-il… »)."""
    return [word for word in unknown if re.search(rf"\b{_doctor_named(word)}", text)]


def _doctor_named(word: str) -> str:
    """A pattern for ``word`` as a doctor's name in a text, from the title on."""
    surname = re.escape(word)
    after_first_name = rf"[A-ZÀ-Ý][\w-]*\s+{surname}" if word[:1].isupper() else "(?!)"
    return rf"(?:{_DOCTOR})\.?\s+(?:{surname}|{after_first_name})\b"


# The person's own doctor, then the name (« Notre médecin de famille, le Dr Ménard », "my GP Dr
# Patel"): someone of the story, as « mon mari » is, not what the question asks about.
_OWN_DOCTOR = (
    r"(?i:\b(?:mon|ma|notre|nos|son|sa|leur|my|our|his|her|their)\s+(?:[\w'-]+\s+){0,3}?(?:m[ée]decin|docteure?"
    r"|doctor|doc|gp|physician|chirurgien(?:ne)?|surgeon|neurochirurgien(?:ne)?|neurosurgeon|orthop[ée]diste"
    r"|sp[ée]cialiste|specialist|omnipraticien(?:ne)?|physiatre|physiatrist)\b(?:\s+(?:de famille|traitante?))?"
    r"[\s,:(-]*(?:(?:le|la|l')\s*)?)"
)


def rate_kinds(text: str) -> set[str]:
    """What the rates in ``text`` (folded) are of: success, complications, satisfaction…"""
    return {kind for kind, pattern in _RATE_KINDS.items() if pattern.search(text)}


def rates_given(texts: list[str]) -> set[str]:
    """What the rates an answer gives are of: the kinds named in its sentences with an amount."""
    return {
        kind
        for text in texts
        for sentence in _SENTENCE_END.split(text)
        if _AMOUNT.search(sentence)
        for kind in rate_kinds(fold(sentence))
    }


def own_doctors(text: str, unknown: list[str]) -> set[str]:
    """The unknown words of ``text`` that name the person's own doctor (:data:`_OWN_DOCTOR`)."""
    return {word for word in unknown if re.search(_OWN_DOCTOR + _doctor_named(word), text)}


def _confidence(selection: dict[str, Any]) -> float:
    return float(selection.get("confidence") or 0.0)


def _likeliest(message: Message) -> str | None:
    """The likeliest intent of a fallback's ranking, the fallback itself left out."""
    ranking = [entry.get("name") for entry in message.get(INTENT_RANKING_KEY) or []]
    return next((name for name in ranking if name != DEFAULT_NLU_FALLBACK_INTENT_NAME), None)


def asked_part(text: str) -> str:
    """The question of ``text`` when a story comes before it (:func:`bot.message_shape.shape_of`),
    else the whole text."""
    return shape_of(text).question or text


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class TopicCoverage(GraphComponent):
    """Turns an unsure FAQ, or a fallback, about an unknown topic into ``not_in_documents``.

    It runs after the FAQ gate and before the safety override. A message whose intent is in
    ``intents`` and that holds an unknown word gets the intent ``not_in_documents`` and an
    ``unknown_topic`` entity with the word(s), unless it is a FAQ whose answer the selector is
    sure of (``max_answer_confidence``): a sure answer is not overruled by one odd word, but
    it is by a doctor the documents do not name (« Dr Roussel »), an acronym they never use
    (« OHIP ») or a public insurer asked about paying (« la ramq rembourse tu… »). A question
    that points back to its story (« est-ce qu'il fait partie de votre réseau? ») takes these
    from the whole message; the topic then has the role ``named``. A question the model calls
    out of scope but that names the domain (France, a clinic, the surgery, the flight) is
    ``not_in_documents`` too. A fallback that asks nothing
    (« zxcv qwerty », a name typed out of place) stays a fallback. A fallback whose likeliest
    intent was a FAQ, ``not_in_documents`` or ``medical_advice`` also becomes ``not_in_documents``, without a
    topic (the answer was not found, and the reply says so), unless the FAQ's answer is sure:
    then it is that FAQ.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The component's settings; the thresholds are compared on the development sets."""
        return {
            "intents": ["faq", "nlu_fallback", "not_in_documents", "out_of_scope"],
            "out_of_scope_intent": "out_of_scope",
            "target_intent": "not_in_documents",
            "unknown_intents": ["out_of_scope", "not_in_documents"],
            "max_answer_confidence": 0.5,
            "min_word_length": 4,
            "retrieval_intent": "faq",
            # Below this answer confidence, a question with ``min_foreign_words`` words that
            # the chosen answer never uses is not in the documents.
            "foreign_answer_confidence": 0.2,
            "min_foreign_words": 2,
            # A fallback whose likeliest intent is one of these (a question that leans on
            # context) takes the FAQ answer the selector is at least this sure of; so do
            # keywords nearest a FAQ. (Not a half-read request: the sentences of a long
            # message are read for one first, in :mod:`bot.understanding`.)
            "question_intents": ["follow_up", "share_story"],
            # Public insurers and compensation boards the documents never mention (they only
            # describe the CNESST): a question about one is not in the documents, though
            # training questions name them (« is cnesst the same thing as ramq »).
            "bodies_not_in_documents": [
                "ramq",
                "saaq",
                "ivac",
                "ohip",
                "wsib",
                "wcb",
                "worksafebc",
                "ahcip",
                "msp",
            ],
            "fallback_answer_confidence": 0.8,
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        vocabulary: Vocabulary | None = None,
        answer_vocabularies: dict[str, Vocabulary] | None = None,
        answer_words: Vocabulary | None = None,
        priced_answers: set[str] | None = None,
        timed_answers: set[str] | None = None,
        centred_answers: set[str] | None = None,
        rated_answers: dict[str, set[str]] | None = None,
    ) -> None:
        """Creates the component, trained when ``vocabulary`` is given."""
        self.config = config
        self._model_storage = model_storage
        self._resource = resource
        self.vocabulary = vocabulary
        self.answer_vocabularies = answer_vocabularies or {}
        # The words the answers themselves say (not the questions), and the answers that give an amount.
        self.answer_words = answer_words or Vocabulary(set())
        self.priced_answers = priced_answers or set()
        # … and those that give a duration (a figure: a deadline named without its length is none).
        self.timed_answers = timed_answers or set()
        self.centred_answers = centred_answers or set()
        self.rated_answers = rated_answers or {}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> Self:
        """A component that has not learned its vocabulary yet."""
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        """Learns the vocabulary of the answers and of the known questions."""
        unknown_intents = set(self.config["unknown_intents"])
        texts = [
            example.get(TEXT) or ""
            for example in training_data.intent_examples
            if example.get(INTENT) not in unknown_intents
        ]
        texts += [
            variation.get("text") or "" for variations in training_data.responses.values() for variation in variations
        ]
        self.vocabulary = Vocabulary.of_texts(texts)
        self.answer_vocabularies = self._answer_vocabularies(training_data)
        answer_texts = {
            name.removeprefix("utter_"): [variation.get("text") or "" for variation in variations]
            for name, variations in training_data.responses.items()
        }
        self.answer_words = Vocabulary.of_texts([text for texts_ in answer_texts.values() for text in texts_])
        self.priced_answers = {key for key, texts_ in answer_texts.items() if any(_AMOUNT.search(t) for t in texts_)}
        self.timed_answers = {
            key for key, texts_ in answer_texts.items() if any(_DURATION.search(fold(t)) for t in texts_)
        }
        self.centred_answers = {
            key for key, texts_ in answer_texts.items() if any(_NAMED_CENTRE.search(t) for t in texts_)
        }
        self.rated_answers = {key: kinds for key, texts_ in answer_texts.items() if (kinds := rates_given(texts_))}
        with self._model_storage.write_to(self._resource) as directory:
            facts = {
                "words": sorted(self.answer_words.known),
                "priced": sorted(self.priced_answers),
                "timed": sorted(self.timed_answers),
                "centres": sorted(self.centred_answers),
                "rates": {key: sorted(kinds) for key, kinds in sorted(self.rated_answers.items())},
            }
            (directory / ANSWER_FACTS_FILE).write_text(json.dumps(facts), encoding="utf-8")
            (directory / VOCABULARY_FILE).write_text(json.dumps(sorted(self.vocabulary.known)), encoding="utf-8")
            answers = {key: sorted(vocabulary.known) for key, vocabulary in self.answer_vocabularies.items()}
            (directory / ANSWER_VOCABULARIES_FILE).write_text(json.dumps(answers), encoding="utf-8")
        return self._resource

    def _answer_vocabularies(self, training_data: TrainingData) -> dict[str, Vocabulary]:
        """Each answer's words: its text (both languages) and the questions trained on it."""
        retrieval_intent = self.config["retrieval_intent"]
        texts: dict[str, list[str]] = {}
        for example in training_data.intent_examples:
            key = example.get(INTENT_RESPONSE_KEY)
            if example.get(INTENT) == retrieval_intent and key:
                texts.setdefault(key, []).append(example.get(TEXT) or "")
        for name, variations in training_data.responses.items():
            key = name.removeprefix("utter_")
            if key.startswith(f"{retrieval_intent}/"):
                texts.setdefault(key, []).extend(variation.get("text") or "" for variation in variations)
        return {key: Vocabulary.of_texts(key_texts) for key, key_texts in texts.items()}

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> Self:
        """The trained component, its vocabulary read back from the model's storage."""
        with model_storage.read_from(resource) as directory:
            known = set(json.loads((directory / VOCABULARY_FILE).read_text(encoding="utf-8")))
            answers_file = directory / ANSWER_VOCABULARIES_FILE
            answers = json.loads(answers_file.read_text(encoding="utf-8")) if answers_file.exists() else {}
            facts_file = directory / ANSWER_FACTS_FILE
            facts = json.loads(facts_file.read_text(encoding="utf-8")) if facts_file.exists() else {}
        answer_vocabularies = {key: Vocabulary(set(words)) for key, words in answers.items()}
        return cls(
            config,
            model_storage,
            resource,
            Vocabulary(known),
            answer_vocabularies,
            Vocabulary(set(facts.get("words", []))),
            set(facts.get("priced", [])),
            set(facts.get("timed", [])),
            set(facts.get("centres", [])),
            {key: set(kinds) for key, kinds in facts.get("rates", {}).items()},
        )

    def process(self, messages: list[Message]) -> list[Message]:
        """Marks the messages about an unknown topic."""
        if self.vocabulary is None:
            return messages
        for message in messages:
            intent = (message.get(INTENT) or {}).get("name")
            if intent not in self.config["intents"]:
                continue
            text = message.get(TEXT) or ""
            asked = asked_part(text)
            unknown = self.vocabulary.unknown_words(asked, int(self.config["min_word_length"]))
            named, named_in = unknown, asked
            if asked != text and _REFERS_BACK.search(fold(asked)):
                named, named_in = self.vocabulary.unknown_words(text, int(self.config["min_word_length"])), text
            own = own_doctors(text, [*unknown, *named])
            unknown, named = [w for w in unknown if w not in own], [w for w in named if w not in own]
            doctors = named_doctors(text, named) or acronyms(named) or self._bodies(named_in)
            if intent in {DEFAULT_NLU_FALLBACK_INTENT_NAME, self.config["out_of_scope_intent"]} and not asks(text):
                # Not a question (« zxcv qwerty », a name typed out of place): not understood,
                # unless they are keywords nearest a FAQ whose answer is very sure (« journées
                # d'information »).
                if intent == DEFAULT_NLU_FALLBACK_INTENT_NAME and self._keywords_of_an_answer(message):
                    self._set_intent(message, self.config["retrieval_intent"])
                continue
            if intent == self.config["out_of_scope_intent"]:
                if _DOMAIN.search(fold(asked)):
                    self._mark(message, text, unknown[:TOPIC_WORDS])
            elif doctors:
                self._mark(message, text, doctors[:TOPIC_WORDS], named=True)
            elif places := self._places_no_answer_names(asked):
                self._mark(message, text, places[:TOPIC_WORDS], named=True)
            elif intent == self.config["retrieval_intent"] and (
                self._asks_a_price_it_lacks(message, asked)
                or self._asks_a_duration_it_lacks(message, asked)
                or self._asks_a_rate_it_lacks(message, asked)
                or self._asks_which_centre_it_lacks(message, asked, text)
            ):
                self._mark(message, text, [], lacking=True)
            elif unknown and not self._sure_answer(message, intent):
                self._mark(message, text, unknown[:TOPIC_WORDS])
            elif intent == self.config["retrieval_intent"] and self._foreign_to_its_answer(message, text):
                self._mark(message, text, [])
            elif intent == DEFAULT_NLU_FALLBACK_INTENT_NAME and asks(text):
                self._read_fallback(message, text)
        return messages

    def _bodies(self, text: str) -> list[str]:
        """The public insurers and compensation boards that ``text`` asks about paying (« la ramq
        rembourse-tu…? », "do they pay…") and the documents never mention
        (``bodies_not_in_documents``), as written, however cased. Named only as context (« on
        the list with ramq, how fast…? »), they are not what is asked."""
        if not _PAYING.search(fold(text)):
            return []
        bodies = set(self.config["bodies_not_in_documents"])
        found: list[str] = []
        for word, written in written_words(text):
            if word in bodies and written not in found:
                found.append(written)
        return found

    def _places_no_answer_names(self, asked: str) -> list[str]:
        """The places ``asked`` asks whether the service has a clinic or an office in, that no
        answer names (« une clinique à Lyon? », "a partner clinic in Winnipeg"): the answers name
        the centres the documents name, so any other place is not in the documents. Only the
        answers' own words count here: a training question may name Lyon without any answer
        saying a word about it."""
        if not self.answer_words.known:
            return []
        folded = fold(asked)
        places: list[str] = []
        for match in _PLACE_ASKED.finditer(folded):
            place = match.group(1).strip("'-")
            if place in _NOT_PLACES or place in stop_words() or place in _PEOPLE:
                continue
            if place in self.answer_words.known or lemmas(place) & self.answer_words.known:
                continue
            written = next((w for f, w in written_words(asked) if f == place), place)
            if written not in places:
                places.append(written)
        return places

    def _asks_a_price_it_lacks(self, message: Message, asked: str) -> bool:
        """Whether ``asked`` asks what something costs and the answer chosen gives no amount
        (« combien coûte une séance chez TAGMED? » chose the answer about decompression, which
        has no price): the documents do not say. Who pays (« combien la CNESST rembourse? ») is
        another question, which coverage answers."""
        folded = fold(asked)
        if not self.priced_answers or not _ASKS_A_PRICE.search(folded) or _ASKS_WHO_PAYS.search(folded):
            return False
        return self._chosen_answer_not_in(message, self.priced_answers)

    def _asks_a_duration_it_lacks(self, message: Message, asked: str) -> bool:
        """Whether ``asked`` asks how long something takes and the answer chosen gives no
        duration (« how long does the CNESST take to give its prior approval? » chose the answer
        about the CNESST's steps, which says nothing of how long): the documents do not say."""
        if not self.timed_answers or not _ASKS_A_DURATION.search(fold(asked)):
            return False
        return self._chosen_answer_not_in(message, self.timed_answers)

    def _asks_a_rate_it_lacks(self, message: Message, asked: str) -> bool:
        """Whether ``asked`` asks for a rate or a share (a success rate, "the actual number") and
        the answer chosen gives none, or gives a rate of something else (« what's the success rate
        when they redo a failed fusion? » chose the answer about revision options, which has no
        figure, or the satisfaction surveys' 90 %): the documents do not say."""
        folded = fold(asked)
        if not self.priced_answers or not _ASKS_A_RATE.search(folded):
            return False
        kinds = rate_kinds(folded)
        if not kinds:
            return self._chosen_answer_not_in(message, self.priced_answers)
        key = self._selection(message).get("intent_response_key")
        return bool(key) and not kinds & self.rated_answers.get(key, set())

    def _asks_which_centre_it_lacks(self, message: Message, asked: str, text: str) -> bool:
        """Whether ``asked`` asks which centre does something (« quelle clinique fait la chirurgie
        endoscopique? », or "which one does the TOPS implant?" after a story naming the clinics)
        and the answer chosen names none: the documents never say which centre does what."""
        folded = fold(asked)
        which = _ASKS_WHICH_CENTRE.search(folded) or (_WHICH_ONE.search(folded) and _CENTRES.search(fold(text)))
        if not self.centred_answers or not which:
            return False
        return self._chosen_answer_not_in(message, self.centred_answers)

    def _chosen_answer_not_in(self, message: Message, answers: set[str]) -> bool:
        """Whether the answer the selector chose is not among ``answers`` (those that give a
        price, a duration or a centre)."""
        key = self._selection(message).get("intent_response_key")
        return bool(key) and key not in answers

    def _read_fallback(self, message: Message, text: str) -> None:
        """A fallback between a FAQ and « not in the documents »: the FAQ when its answer is
        sure, else « not in the documents » without a topic (the answer was not found)."""
        likeliest = _likeliest(message)
        retrieval_intent = self.config["retrieval_intent"]
        if likeliest == retrieval_intent and self._sure_answer(message, retrieval_intent):
            self._set_intent(message, retrieval_intent)
        elif likeliest in self.config["question_intents"] and self._very_sure_answer(message):
            # Read as a follow-up or a story, unsurely, while the selector is very sure of one
            # answer (« my cousin told me to ask about 'décompression neurovertébrale'. What is
            # it exactly? »): that answer.
            self._set_intent(message, retrieval_intent)
        elif likeliest in {retrieval_intent, self.config["target_intent"], "medical_advice"}:
            # A question the model could not place, nearest to an answer, to « not in the
            # documents » or to personal advice (which the safety patterns did not find): it asks
            # about the care, and the honest reply is that the documents do not say.
            self._mark(message, text, [])

    def _keywords_of_an_answer(self, message: Message) -> bool:
        """Whether a fallback's likeliest intent is a FAQ whose answer the selector is very sure of."""
        return _likeliest(message) == self.config["retrieval_intent"] and self._very_sure_answer(message)

    def _very_sure_answer(self, message: Message) -> bool:
        """Whether the selector is sure enough of its answer to give it to a fallback."""
        return _confidence(self._selection(message)) >= float(self.config["fallback_answer_confidence"])

    def _foreign_to_its_answer(self, message: Message, text: str) -> bool:
        """Whether the answer chosen is very unsure and several words of the question are
        foreign to it (neither in its text nor in the questions it was trained on)."""
        selection = self._selection(message)
        answer = self.answer_vocabularies.get(selection.get("intent_response_key") or "")
        if answer is None or _confidence(selection) >= float(self.config["foreign_answer_confidence"]):
            return False
        foreign = answer.unknown_words(asked_part(text), int(self.config["min_word_length"]))
        return len(foreign) >= int(self.config["min_foreign_words"])

    def _sure_answer(self, message: Message, intent: str) -> bool:
        if intent != self.config["retrieval_intent"]:
            return False
        return _confidence(self._selection(message)) >= float(self.config["max_answer_confidence"])

    def _selection(self, message: Message) -> dict[str, Any]:
        """The answer the response selector chose for the message's FAQ, or ``{}``."""
        return (message.get(RESPONSE_SELECTOR) or {}).get(self.config["retrieval_intent"], {}).get("response", {})

    @staticmethod
    def _set_intent(message: Message, name: str) -> None:
        intent = {"name": name, "confidence": 1.0}
        ranking = [entry for entry in message.get(INTENT_RANKING_KEY) or [] if entry.get("name") != name]
        message.set(INTENT, intent, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [intent, *ranking], add_to_output=True)

    def _mark(self, message: Message, text: str, topic: list[str], named: bool = False, lacking: bool = False) -> None:
        """Sets « not in the documents », with the topic's words as an entity (role ``named``
        when they name a doctor or a body the documents never mention). ``lacking``: the answer
        was found and lacks what the question asks (a price, a duration, a rate, a centre), which the
        intent says (``LACKING_KEY``): such a reading is not merely unsure."""
        self._set_intent(message, self.config["target_intent"])
        if lacking:
            message.set(INTENT, {**message.get(INTENT), LACKING_KEY: True}, add_to_output=True)
        if not topic:
            return
        entity = {
            "entity": TOPIC_ENTITY,
            "value": ", ".join(topic),
            "start": 0,
            "end": len(text),
            "confidence": 1.0,
            "extractor": self.__class__.__name__,
        }
        if named:
            entity["role"] = NAMED_ROLE
        message.set(ENTITIES, [*message.get(ENTITIES, []), entity], add_to_output=True)
