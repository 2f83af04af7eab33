"""Parsers for the answers to the eligibility questionnaire, in French and English.

Each parser turns one message (free text or a button title) into a normalised answer, or
``None`` when the message does not answer the question: the caller then asks again or
handles the message otherwise (a FAQ question, for instance). They are pure functions.
The word lists are constants; their indexes are built on first use.

Only the first 400 characters of a message are read: an answer to one of these questions is
short, and the work per message stays bounded. Words are compared folded (lower case, no
accents, split at apostrophes and hyphens, a letter typed three times or more read once:
« ouiii » is « oui »). In short answers (up to 30 words), a word of five letters or more with
one typo (a letter added, missing or changed, or two letters swapped) is read as the listed
word of six letters or more it is one typo away from.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import NamedTuple

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from bot.text import fold

_WORD = re.compile(r"\d+(?:[.,]\d+)?|[a-z]+")
_ELONGATION = re.compile(r"([a-z])\1{2,}")

_READ_LENGTH = 400
_FUZZY_MIN_LENGTH = 5
_FUZZY_MIN_WORD = 6
_FUZZY_MAX_WORDS = 30
_NEGATION_REACH = 4


def _words(text: str) -> list[str]:
    """Folded words and numbers of the start of ``text`` (« L'IRM, 4mois »: l, irm, 4, mois)."""
    return _WORD.findall(_ELONGATION.sub(r"\1", fold(text[:_READ_LENGTH])))


class _Hit(NamedTuple):
    """A phrase found in a message: words ``start`` to ``end`` (excluded) mean ``label``."""

    start: int
    end: int
    label: str


class _Node:
    """A place in a lexicon's tree of phrases: what ends here, and what may follow."""

    __slots__ = ("children", "stems", "ending")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.stems: dict[str, list[tuple[str, int, str]]] = {}
        self.ending: tuple[int, str] | None = None


@dataclass(frozen=True)
class _Lexicon:
    """Phrases mapped to labels, found in a message longest first (the first listed on a tie).

    A phrase ending in ``*`` matches any word starting with its last word ("physio*"), which
    must have three letters or more.
    """

    entries: tuple[tuple[str, str], ...]

    @cached_property
    def _tree(self) -> _Node:
        """The phrases as a tree of words; a prefix hangs from the node before it."""
        root = _Node()
        for rank, (phrase, label) in enumerate(self.entries):
            *head, last = _words(phrase.rstrip("*"))
            node = root
            for word in head:
                node = node.children.setdefault(word, _Node())
            if phrase.endswith("*"):
                node.stems.setdefault(last[:3], []).append((last, rank, label))
                continue
            node = node.children.setdefault(last, _Node())
            node.ending = node.ending or (rank, label)
        return root

    @cached_property
    def _known(self) -> dict[str, None]:
        """Every word of the lexicon's phrases, in a stable order."""
        return dict.fromkeys(word for phrase, _ in self.entries for word in _words(phrase.rstrip("*")))

    @cached_property
    def _vocabulary(self) -> dict[str, None]:
        """The lexicon's words long enough to be typo targets."""
        return {word: None for word in self._known if len(word) >= _FUZZY_MIN_WORD}

    @cached_property
    def _one_letter_off(self) -> tuple[dict[str, str], dict[tuple[str, int], str]]:
        """Each vocabulary word without one letter: anywhere, and at a given position."""
        missing: dict[str, str] = {}
        changed: dict[tuple[str, int], str] = {}
        for word in self._vocabulary:
            for position in range(len(word)):
                shorter = word[:position] + word[position + 1 :]
                missing.setdefault(shorter, word)
                changed.setdefault((shorter, position), word)
        return missing, changed

    def find(self, words: list[str]) -> list[_Hit]:
        """The phrases of ``words``, left to right, the longest one at each position."""
        if len(words) <= _FUZZY_MAX_WORDS:
            words = [self._corrected(word) for word in words]
        firsts, stems = self._tree.children, self._tree.stems
        hits: list[_Hit] = []
        position = 0
        while position < len(words):
            if words[position] not in firsts and words[position][:3] not in stems:
                position += 1
                continue
            match = self._match_at(words, position)
            if match is None:
                position += 1
                continue
            length, label = match
            hits.append(_Hit(position, position + length, label))
            position += length
        return hits

    def starts(self, words: list[str]) -> bool:
        """Whether ``words`` begin with one of the phrases, matched exactly."""
        return bool(words) and self._match_at(words, 0) is not None

    def _match_at(self, words: list[str], position: int) -> tuple[int, str] | None:
        """The length and label of the best phrase matching ``words`` from ``position``."""
        best: tuple[int, int, str] = (0, 0, "")
        node: _Node | None = self._tree
        index = position
        while node is not None and index < len(words):
            word = words[index]
            index += 1
            for stem, rank, label in node.stems.get(word[:3], ()) if node.stems else ():
                if word.startswith(stem):
                    best = max(best, (index - position, -rank, label))
            node = node.children.get(word)
            if node is not None and node.ending is not None:
                rank, label = node.ending
                best = max(best, (index - position, -rank, label))
        return (best[0], best[2]) if best[0] else None

    def _corrected(self, word: str) -> str:
        """``word``, or the vocabulary word it is one typo away from."""
        if len(word) < _FUZZY_MIN_LENGTH or word[0].isdigit() or word in self._known:
            return word
        if any(word.startswith(stem) for stem, _, _ in self._tree.stems.get(word[:3], ())):
            return word
        return self._nearest(word) or word

    def _nearest(self, word: str) -> str | None:
        """The vocabulary word ``word`` is one letter or one swap away from, if any."""
        missing, changed = self._one_letter_off
        if word in missing:
            return missing[word]
        for position in range(len(word)):
            shorter = word[:position] + word[position + 1 :]
            if shorter in self._vocabulary:
                return shorter
            if (shorter, position) in changed:
                return changed[(shorter, position)]
        for position in range(len(word) - 1):
            swapped = word[:position] + word[position + 1] + word[position] + word[position + 2 :]
            if swapped in self._vocabulary:
                return swapped
        return None


def _labelled(label: str, phrases: Iterable[str]) -> tuple[tuple[str, str], ...]:
    """``phrases`` paired with ``label``, for a lexicon."""
    return tuple((phrase, label) for phrase in phrases)


def _labelled_groups(groups: Mapping[str, Iterable[str]], prefix: str = "") -> tuple[tuple[str, str], ...]:
    """The phrases of each group paired with the group's key (after ``prefix``), for a lexicon."""
    return tuple(pair for key, phrases in groups.items() for pair in _labelled(prefix + key, phrases))


# --- Shared word lists ---------------------------------------------------------------------

_UNSURE_PHRASES = (
    "je sais pas", "je ne sais pas", "j'sais pas", "jsais pas", "sais pas", "je sait pas",
    "sait pas", "je sais po", "chais pas", "chai pas", "ché pas", "chépas", "je sais plus",
    "je sais pu", "je ne sais plus", "aucune idée", "pas d'idée", "aucune espèce d'idée",
    "pas sûr", "pas sure", "pas trop sûr", "pas certain", "pas certaine", "incertain", "incertaine",
    "je me souviens pas", "je me souviens plus", "je m'en souviens pas", "je ne me souviens pas",
    "je me rappelle pas", "je me rappelle plus", "je m'en rappelle pas", "je ne me rappelle pas",
    "difficile à dire", "dur à dire", "peut-être", "ptêt", "possiblement", "probablement",
    "je n'en sais rien", "not sure", "unsure", "not certain", "uncertain", "don't know",
    "dont know", "do not know", "i don't know", "i dont know", "i do not know", "i didn't know",
    "i can't remember", "i cannot remember", "i don't remember", "i dont remember", "i do not remember",
    "idk", "dunno", "no idea", "no clue", "not a clue", "can't remember", "cant remember",
    "cannot remember", "don't remember", "dont remember", "i forget", "i forgot", "hard to say",
    "maybe", "perhaps", "possibly", "probably", "who knows",
)

_NEGATORS = frozenset({
    "pas", "no", "not", "jamais", "never", "aucun", "aucune", "sans", "without", "ni", "nor",
    "neither", "don", "dont", "didn", "didnt", "haven", "havent", "hasn", "hasnt", "doesn",
    "doesnt", "isn", "wasn", "won", "wont",
})

_NEGATION_FILLERS = frozenset({
    "de", "d", "du", "des", "la", "le", "les", "l", "un", "une", "of", "any", "a", "an", "the",
    "my", "mon", "ma", "mes", "encore", "yet", "eu", "fait", "faire", "essaye", "tried", "had",
    "have", "has", "done", "pris", "take", "taken", "took", "used", "utilise", "vu", "seen",
    "consulte", "been", "to", "in", "en", "ai", "j", "n", "t", "s", "m", "me", "passe", "got",
    "gotten", "did", "do", "does", "suivi", "recu", "received", "ever", "avoir", "ete", "y",
})

_QUESTION_OPENERS = _Lexicon(_labelled("question", (
    "combien", "comment", "pourquoi", "quel", "quelle", "quels", "quelles", "quoi", "lequel",
    "laquelle", "est-ce", "qu'est-ce", "c'est quoi", "puis-je", "peut-on", "pouvez-vous",
    "how", "what", "why", "which", "who", "whom", "whose", "where", "is it", "is there",
    "are there", "are you", "do you", "does it", "can i", "can you", "could you",
)))


def _negated(words: list[str], start: int) -> bool:
    """Whether the phrase at ``start`` follows a negation (« pas de physio », « no MRI »)."""
    position = start - 1
    while position >= 0 and start - position <= _NEGATION_REACH and words[position] in _NEGATION_FILLERS:
        position -= 1
    return position >= 0 and words[position] in _NEGATORS


def _is_question(words: list[str]) -> bool:
    """Whether the message opens like a question (« combien coûte… », « how long… »)."""
    return _QUESTION_OPENERS.starts(words)


# --- Yes / no ------------------------------------------------------------------------------

_YES_PHRASES = (
    "oui", "ouii", "ouais", "ouaip", "ouin", "ouep", "ben oui", "bin oui", "bien oui", "mais oui",
    "yes", "yess", "yep", "yup", "yeah", "yea", "yah", "sure", "for sure", "absolument", "absolutely",
    "certain", "certainement", "certainly", "c'est certain", "bien sûr", "of course", "évidemment",
    "obviously", "c'est ça", "cest ca", "exact", "exactement", "exactly", "effectivement", "en effet",
    "indeed", "tout à fait", "correct", "that's right", "thats right", "affirmatif", "affirmative",
    "definitely", "i do", "i did", "yes i do", "j'en ai", "mets-en", "assurément", "je pense que oui",
    "je crois que oui", "i think so", "i believe so", "parfois", "des fois", "sometimes",
    "occasionally", "un peu", "a little", "a bit",
)
_NO_PHRASES = (
    "non", "nonn", "nan", "nenon", "non merci", "nope", "nah", "naw", "no", "noo", "no thanks",
    "no thank you", "pantoute", "pas pantoute", "pas du tout", "jamais", "jamais de la vie", "never",
    "not really", "not at all", "no way", "absolutely not", "definitely not", "certainly not",
    "of course not", "pas vraiment", "vraiment pas", "absolument pas", "certainement pas",
    "sûrement pas", "surtout pas", "bien sûr que non", "je pense pas", "je ne pense pas", "j'pense pas",
    "jpense pas", "je crois pas", "je ne crois pas", "j'crois pas", "i don't think so",
    "i dont think so", "don't think so", "dont think so", "i don't", "i dont", "i do not",
    "i haven't", "i havent", "i have not", "i didn't", "i didnt", "i did not", "je n'en ai pas",
    "j'en ai pas", "j'ai pas", "je n'ai pas", "j'en ai aucun", "j'en ai aucune", "aucun", "aucune",
    "aucunement", "none", "nothing", "rien", "rien du tout", "négatif", "negative", "pas encore",
    "not yet", "c'est pas ça", "ce n'est pas ça", "pas exact", "pas correct", "not correct",
    "incorrect", "faux", "false",
)
_MIXED_PHRASES = (
    "oui et non", "oui pis non", "yes and no", "kind of", "kinda", "sort of", "sorta",
    "plus ou moins", "more or less", "pas tout à fait", "not exactly", "not quite", "ça dépend",
    "it depends", "depends", "no problem", "pas de problème", "pas de souci", "pas de trouble",
    "no worries",
)
_CORRECTION_PHRASES = (
    "en fait", "finalement", "je veux dire", "plutôt", "i mean", "actually", "wait", "attends",
    "oups", "oops",
)
_NEUTRAL_PHRASES = ("pas mal", "j'ai pas mal", "pas pire", "j'ai pas pire")

_YES_NO = _Lexicon(
    _labelled("yes", _YES_PHRASES)
    + _labelled("no", _NO_PHRASES)
    + _labelled("mixed", _MIXED_PHRASES)
    + _labelled("unsure", _UNSURE_PHRASES)
    + _labelled("correction", _CORRECTION_PHRASES)
    + _labelled("neutral", _NEUTRAL_PHRASES)
)
_UNSURE = _Lexicon(_labelled("unsure", _UNSURE_PHRASES))
_ONE_LETTER_ANSWERS = {"y": True, "o": True, "n": False}


def parse_yes_no(text: str) -> bool | None:
    """Reads a yes or a no, in French or English.

    Args:
        text: The message, or the title of a « Oui »/« Non »/"Yes"/"No" button.

    Returns:
        ``True`` for yes (« ouin », « c'est ça », "yeah"; also « parfois », "sometimes": what is
        asked about does happen), ``False`` for no (« pantoute », « je pense pas », "aucun",
        "none"), ``None`` when unsure or mixed (« peut-être », « oui et non », "no problem")
        or neither. When both come, a no that opens the message wins unless a correction
        follows (« non, en fait oui »).
    """
    return _yes_no(_words(text))


def _yes_no(words: list[str]) -> bool | None:
    """:func:`parse_yes_no` on the words of a message."""
    if len(words) == 1 and words[0] in _ONE_LETTER_ANSWERS:
        return _ONE_LETTER_ANSWERS[words[0]]
    hits = _YES_NO.find(words)
    labels = {hit.label for hit in hits}
    if labels & {"unsure", "mixed"}:
        return None
    answers = [hit for hit in hits if hit.label in ("yes", "no")]
    if not answers:
        return None
    if len({hit.label for hit in answers}) == 1:
        return answers[0].label == "yes"
    if answers[0].label == "no" and answers[0].start == 0 and "correction" not in labels:
        return False
    return None


def is_unsure(text: str) -> bool:
    """Tells whether the person says they do not know.

    Args:
        text: The message.

    Returns:
        ``True`` for « je sais pas », « chais pas », « aucune idée », « peut-être », "not sure",
        "don't know", "idk" and the like.
    """
    return bool(_UNSURE.find(_words(text)))


# --- Residence -----------------------------------------------------------------------------

_QUEBEC_PLACES = (
    "québec", "qc", "pq", "province de québec", "la belle province", "montréal", "mtl", "laval",
    "gatineau", "hull", "aylmer", "longueuil", "sherbrooke", "saguenay", "chicoutimi", "jonquière",
    "la baie", "lévis", "trois-rivières", "3 rivières", "terrebonne", "repentigny", "brossard",
    "drummondville", "saint-jérôme", "granby", "blainville", "saint-hyacinthe", "shawinigan",
    "dollard-des-ormeaux", "rimouski", "victoriaville", "saint-jean-sur-richelieu", "mirabel",
    "mascouche", "châteauguay", "rouyn-noranda", "val-d'or", "alma", "sept-îles", "baie-comeau",
    "boucherville", "joliette", "magog", "thetford mines", "sainte-foy", "beauport", "charlesbourg",
    "cap-rouge", "lasalle", "verdun", "kirkland", "pointe-claire", "beaconsfield", "westmount",
    "outremont", "anjou", "rivière-du-loup", "matane", "gaspé", "gaspésie", "îles-de-la-madeleine",
    "abitibi", "lac-saint-jean", "beauce", "saint-georges", "côte-nord", "bas-saint-laurent", "estrie",
    "cantons de l'est", "eastern townships", "mauricie", "outaouais", "laurentides", "lanaudière",
    "montérégie", "charlevoix", "rive-sud", "rive-nord", "vaudreuil", "sorel", "sorel-tracy",
    "valleyfield", "saint-eustache", "sainte-julie", "chambly", "candiac", "la prairie", "beloeil",
    "cowansville", "saint-constant", "sainte-thérèse", "boisbriand", "rosemère", "mont-tremblant",
    "saint-sauveur", "sainte-agathe", "l'assomption", "berthierville", "nicolet", "bécancour",
    "la tuque", "roberval", "dolbeau", "saint-félicien", "la sarre", "montmagny", "lac-mégantic",
    "coaticook", "val-des-sources", "plessisville", "donnacona", "portneuf", "baie-saint-paul",
    "la malbaie", "havre-saint-pierre", "chibougamau", "nunavik",
)
_OTHER_PROVINCE_PLACES = (
    "ontario", "colombie-britannique", "british columbia", "bc", "cb", "b c", "c b", "alberta",
    "ab", "alta", "saskatchewan", "sask", "sk", "manitoba", "mb", "nouveau-brunswick",
    "new brunswick", "nb", "n b", "nouvelle-écosse", "nova scotia", "ns", "île-du-prince-édouard",
    "prince edward island", "pei", "ipe", "i p e", "p e i", "terre-neuve", "terre-neuve-et-labrador",
    "newfoundland", "labrador", "nl", "tnl", "t n l", "yukon", "yt", "territoires du nord-ouest",
    "northwest territories", "nwt", "tno", "t n o", "nt", "nunavut", "maritimes",
    "provinces maritimes", "atlantic canada", "provinces de l'atlantique", "l'ouest canadien",
    "western canada", "ailleurs au canada", "ailleurs dans le canada", "autre province",
    "province canadienne", "another province", "other province", "different province",
    "canadian province", "another canadian province", "other canadian province", "rest of canada",
    "reste du canada", "elsewhere in canada", "hors québec", "hors du québec",
    "en dehors du québec", "ailleurs qu'au québec", "outside quebec", "outside of quebec",
    "pas au québec", "pas dans le québec", "not in quebec", "canada anglais", "english canada",
    "ottawa", "kanata", "nepean", "toronto", "mississauga", "brampton", "hamilton", "kingston",
    "windsor", "sudbury", "thunder bay", "kitchener", "waterloo", "barrie", "oshawa", "markham",
    "vaughan", "richmond hill", "cornwall", "hawkesbury", "timmins", "north bay",
    "sault-sainte-marie", "niagara", "saint catharines", "guelph", "burlington", "oakville",
    "peterborough", "belleville", "scarborough", "etobicoke", "north york", "moncton",
    "fredericton", "saint john", "edmundston", "bathurst", "shediac", "caraquet", "miramichi",
    "halifax", "dartmouth", "truro", "cape breton", "cap-breton", "charlottetown", "summerside",
    "corner brook", "gander", "winnipeg", "brandon", "regina", "saskatoon", "prince albert",
    "moose jaw", "calgary", "edmonton", "red deer", "lethbridge", "banff", "fort mcmurray",
    "vancouver", "victoria", "burnaby", "kelowna", "kamloops", "nanaimo", "abbotsford",
    "prince george", "whitehorse", "yellowknife", "iqaluit",
)
_OUTSIDE_CANADA_PLACES = (
    "hors du canada", "hors canada", "en dehors du canada", "outside canada", "outside of canada",
    "pas au canada", "not in canada", "à l'étranger", "abroad", "overseas", "outre-mer",
    "autre pays", "another country", "other country", "france", "paris", "lyon", "marseille",
    "bordeaux", "toulouse", "lille", "nantes", "strasbourg", "montpellier", "rennes", "grenoble",
    "belgique", "belgium", "bruxelles", "brussels", "suisse", "switzerland", "genève", "geneva",
    "lausanne", "luxembourg", "monaco", "usa", "u s a", "é-u", "états-unis", "united states",
    "the states", "floride", "florida", "arizona", "californie", "california", "texas", "new york",
    "vermont", "new hampshire", "massachusetts", "boston", "miami", "fort lauderdale", "chicago",
    "los angeles", "mexique", "mexico", "cuba", "haïti", "république dominicaine",
    "dominican republic", "jamaïque", "jamaica", "guadeloupe", "martinique",
    "saint-pierre-et-miquelon", "la réunion", "guyane", "nouvelle-calédonie", "tahiti",
    "polynésie", "maroc", "morocco", "algérie", "algeria", "tunisie", "tunisia", "sénégal",
    "côte d'ivoire", "ivory coast", "cameroun", "cameroon", "congo", "mali", "burkina faso",
    "guinée", "guinea", "bénin", "togo", "gabon", "rwanda", "burundi", "madagascar",
    "île maurice", "mauritius", "liban", "lebanon", "syrie", "syria", "royaume-uni",
    "united kingdom", "uk", "angleterre", "england", "écosse", "scotland", "irlande", "ireland",
    "allemagne", "germany", "espagne", "spain", "portugal", "italie", "italy", "pays-bas",
    "netherlands", "hollande", "holland", "autriche", "austria", "suède", "sweden", "norvège",
    "norway", "danemark", "denmark", "finlande", "finland", "pologne", "poland", "roumanie",
    "romania", "hongrie", "hungary", "grèce", "greece", "turquie", "turkey", "russie", "russia",
    "ukraine", "europe", "afrique", "africa", "asie", "asia", "chine", "china", "japon", "japan",
    "corée", "korea", "inde", "india", "pakistan", "vietnam", "viêt nam", "philippines",
    "thaïlande", "thailand", "australie", "australia", "nouvelle-zélande", "new zealand",
    "israël", "iran", "égypte", "egypt", "émirats", "dubaï", "arabie saoudite", "saudi arabia",
    "brésil", "brazil", "colombie", "colombia", "argentine", "argentina", "chili", "chile",
    "pérou", "peru", "venezuela", "costa rica", "guatemala", "nicaragua", "panama", "bolivie",
    "bolivia", "équateur", "ecuador",
)
_RESIDENCE_ANCHORS = (
    "habite", "habitons", "demeure", "demeurons", "je vis", "vis", "vit", "vivons", "je reste",
    "réside", "résident", "résidente", "live", "lives", "living", "based",
    "maintenant", "now", "currently", "actuellement", "présentement",
)
_RESIDENCE = _Lexicon(
    _labelled("quebec", _QUEBEC_PLACES)
    + _labelled("other_province", _OTHER_PROVINCE_PLACES)
    + _labelled("outside_canada", _OUTSIDE_CANADA_PLACES)
    + _labelled("canada", ("canada", "au canada", "in canada"))
    + _labelled("anchor", _RESIDENCE_ANCHORS)
)
_RESIDENCES = ("quebec", "other_province", "outside_canada")
_SAINT_ABBREVIATIONS = {"st": "saint", "ste": "sainte"}
_UPPERCASE_PROVINCES = re.compile(r"\b(?:ON|ONT|NU|PE)\b")
_UPPERCASE_US = re.compile(r"\bUS\b")


def parse_residence(text: str) -> str | None:
    """Reads where the person lives.

    Args:
        text: The message: a province (name or abbreviation, French or English), a city, a
            country, « hors du Canada », "outside Canada"…

    Returns:
        ``"quebec"``, ``"other_province"`` or ``"outside_canada"``; ``None`` for a question,
        for « au Canada » alone, or when places of two kinds come without saying which is home.
    """
    words = [_SAINT_ABBREVIATIONS.get(word, word) for word in _words(text)]
    if _is_question(words):
        return None
    hits = _RESIDENCE.find(words)
    places = [hit for hit in hits if hit.label in _RESIDENCES]
    if not places:
        return _residence_from_uppercase(text[:_READ_LENGTH])
    if len({hit.label for hit in places}) == 1:
        return places[0].label
    return _residence_after_anchor(hits, places)


def _residence_from_uppercase(text: str) -> str | None:
    """The residence from abbreviations that are only places in capitals (ON, NU, PE, US)."""
    if _UPPERCASE_PROVINCES.search(text):
        return "other_province"
    if _UPPERCASE_US.search(text):
        return "outside_canada"
    return None


def _residence_after_anchor(hits: list[_Hit], places: list[_Hit]) -> str | None:
    """The first place after « j'habite », "I live"… (« né à Paris, je vis à Laval »)."""
    anchors = [hit.start for hit in hits if hit.label == "anchor"]
    if not anchors:
        return None
    following = [hit for hit in places if hit.start > anchors[0]]
    return following[0].label if following else None


# --- Spine problem -------------------------------------------------------------------------

_PROBLEM_PHRASES = {
    "herniated_disc": (
        "herni*", "hernie discale", "hernia", "herniated disc", "disc herniation", "disk herniation",
        "slipped disc", "slipped disk", "bulging disc", "bulging disk", "ruptured disc", "ruptured disk",
        "protrusion discale", "disc protrusion", "bombement discal", "disque bombé",
    ),
    "stenosis": (
        "sténos*", "sténose spinale", "sténose lombaire", "spinal stenosis", "lumbar stenosis",
        "canal lombaire étroit", "canal étroit", "canal rachidien étroit", "canal spinal étroit",
        "rétrécissement du canal", "narrow spinal canal", "narrowing of the spinal canal",
        "spinal canal narrowing", "claudication*",
    ),
    "instability": (
        "instabilit*", "instable", "unstable", "spondylolisth*", "spondylolisthésis",
        "spondylol*", "listhésis", "antélisthésis", "rétrolisthésis",
        "glissement de vertèbre", "glissement d'une vertèbre", "glissement des vertèbres",
        "glissement vertébral", "vertèbre qui glisse", "vertèbre glissée", "slipped vertebra",
        "vertebral slip", "slipping vertebra", "vertebra slipping",
    ),
    "degenerative_disc": (
        "discopath*", "discopathie dégénérative", "degenerative disc disease", "dégénérescen*",
        "dégénérescence discale", "disque dégénér*", "disques dégénér*", "degenerative disc*",
        "degenerative disk*", "degenerated disc*", "disc degeneration", "disk degeneration",
        "dégénératif", "dégénérative", "ddd", "usure des disques", "disque usé",
        "disques usés", "usure", "worn disc*", "worn out disc*", "wear and tear", "arthrose",
        "discarthrose", "spondylos*", "osteoarthritis",
    ),
    "failed_back_surgery": (
        "fbss", "failed back*", "failed back surgery", "échec de chirurgie", "échec de la chirurgie",
        "échec d'une chirurgie", "échec chirurgical", "chirurgie ratée", "opération ratée",
        "chirurgie échouée", "chirurgie qui a échoué", "mal opéré", "dos opéré", "déjà opéré*",
        "déjà été opéré*", "été opéré*", "après une chirurgie", "après la chirurgie",
        "après ma chirurgie", "après mon opération", "après une opération", "après l'opération",
        "depuis ma chirurgie", "depuis mon opération", "post-opératoire", "postopératoire",
        "after surgery", "after my surgery", "after back surgery", "after a back surgery",
        "after an operation", "after my operation", "since my surgery", "since my operation",
        "post-op", "postop", "post-surgery", "post-surgical", "failed surgery",
        "unsuccessful surgery", "surgery didn't work", "surgery failed", "already operated",
        "had back surgery", "had surgery", "previous back surgery", "previous surgery",
        "prior surgery", "post-laminectomy", "post laminectomie", "opéré pour", "opérée pour",
        "opéré du dos", "opérée du dos", "opéré au dos", "opérée au dos", "opéré en", "opérée en",
        "opéré il y a", "opérée il y a", "was operated", "got operated", "been operated",
    ),
    "other": (
        "autre", "autre chose", "other", "something else", "sciatique", "sciatica", "sciatalgie",
        "lombalgie", "low back pain", "back pain", "mal de dos", "mal au dos", "douleur au dos",
        "douleur lombaire", "scoliose", "scoliosis", "fractur*", "nerf coincé", "pinched nerve",
        "douleur", "pain",
    ),
}
_PROBLEMS = _Lexicon(
    _labelled_groups(_PROBLEM_PHRASES)
    + _labelled("other", _UNSURE_PHRASES)
    + _labelled("neutral", (
        "être opéré", "être opérée", "me faire opérer", "se faire opérer", "be operated",
        "get operated",
    ))
)
_SPECIFIC_PROBLEMS = ("herniated_disc", "stenosis", "instability", "degenerative_disc")


def parse_problem(text: str) -> str | None:
    """Reads the main spine problem.

    Args:
        text: The message or a button title (« Hernie discale », "Spinal stenosis"…).

    Returns:
        ``"herniated_disc"``, ``"stenosis"``, ``"instability"``, ``"degenerative_disc"``,
        ``"failed_back_surgery"`` (which wins: pain after a back operation is that case
        whatever was operated) or ``"other"`` (also « je sais pas », sciatica, back pain);
        the first one named when several are; ``None`` when none is, or for a question.
    """
    words = _words(text)
    if _is_question(words):
        return None
    hits = _PROBLEMS.find(words)
    labels = [hit.label for hit in hits if hit.label != "neutral" and not _negated(words, hit.start)]
    if "failed_back_surgery" in labels:
        return "failed_back_surgery"
    specific = [label for label in labels if label in _SPECIFIC_PROBLEMS]
    if specific:
        return specific[0]
    return "other" if labels else None


# --- Duration of the symptoms ----------------------------------------------------------------

_UNIT_MONTHS = {"day": 1 / 30, "week": 0.25, "month": 1.0, "year": 12.0}
_NUMBER_WORDS = {
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
    "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14,
    "quinze": 15, "seize": 16, "vingt": 20, "vingt et un": 21, "vingt et une": 21, "trente": 30,
    "trente et un": 31, "quarante": 40, "cinquante": 50, "soixante": 60, "one": 1, "two": 2,
    "three": 3, "four": 4, "five": 5, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "une douzaine": 12, "douzaine": 12, "a dozen": 12, "dozen": 12,
    "une quinzaine": 15, "quinzaine": 15, "une vingtaine": 20, "une trentaine": 30,
    "une couple": 2, "a couple": 2, "a couple of": 2, "couple": 2, "quelques": 3, "plusieurs": 3,
    "a few": 3, "few": 3, "several": 3, "demi": 0.5, "une demi": 0.5, "un demi": 0.5, "half": 0.5,
    "a half": 0.5,
}
_UNIT_WORDS = {
    "day": ("jour", "jours", "journées", "day", "days"),
    "week": ("semaine", "semaines", "sem", "week", "weeks", "wk", "wks"),
    "month": ("mois", "moi", "month", "months", "mo", "mos", "mth", "mths"),
    "year": ("an", "ans", "année", "années", "year", "years", "yr", "yrs"),
}
_MONTH_WORDS = (
    ("janvier", "janv", "january", "jan"), ("février", "févr", "fév", "february", "feb"),
    ("mars", "march", "mar"), ("avril", "avr", "april", "apr"), ("mai", "may"),
    ("juin", "june", "jun"), ("juillet", "juil", "july", "jul"), ("août", "august", "aug"),
    ("septembre", "september", "sep"), ("octobre", "october", "oct"),
    ("novembre", "november", "nov"), ("décembre", "december", "dec", "noël", "christmas"),
)
_RELATIVE_WORDS = {
    "year": ("l'an passé", "l'an dernier", "l'année passée", "l'année dernière", "last year"),
    "month": ("le mois passé", "le mois dernier", "last month"),
    "week": ("la semaine passée", "la semaine dernière", "last week"),
    "day": ("hier", "yesterday"),
}
_DURATION = _Lexicon(
    tuple((phrase, f"num:{value}") for phrase, value in _NUMBER_WORDS.items())
    + _labelled("article", ("a",))
    + _labelled("and_half", ("et demi", "et demie", "and a half", "and half"))
    + _labelled_groups(_UNIT_WORDS, "unit:")
    + _labelled_groups({str(month): names for month, names in enumerate(_MONTH_WORDS, 1)}, "month:")
    + _labelled_groups(_RELATIVE_WORDS, "rel:")
    + _labelled("since", (
        "depuis", "since", "from", "commencé", "started", "start", "starting", "began", "begun",
        "début", "fin", "mi", "early", "late", "mid", "en", "in", "beginning of", "end of",
    ))
    + _labelled("less", ("moins de", "moins d'", "moins que", "less than", "under", "fewer than"))
    + _labelled("between", ("entre", "between"))
)
_HALF = re.compile(r"(?:\b(?:and|et) )?(?:½|\b1 ?/ ?2\b)", re.IGNORECASE)
_RANGE_WORDS = frozenset({"a", "to", "ou", "or", "et", "and"})
_CHAIN_WORDS = frozenset({"et", "and"})
_QUANTITY_FILLERS = frozenset({"de", "d", "of", "que", "than"})
_UNIT_FILLERS = _QUANTITY_FILLERS | {"a", "bons", "bonnes", "good", "long", "longs", "longues"}
_MAX_FILLERS = 2
_UNIT_REACH = 10
_ANCHOR_REACH = 4
_MAX_MONTHS = 1200.0


class _Item(NamedTuple):
    """A word of a duration: its kind (num, unit, month, since…), value and folded text."""

    kind: str
    value: float
    text: str


def parse_duration_months(text: str, today: date) -> float | None:
    """Reads how long the symptoms have lasted, in months.

    Args:
        text: « 4 mois », « un an et demi », « 3 semaines », « depuis mars », "since 2023",
            "a few days", « moins d'un an », « 3 à 6 mois »…
        today: The day the answer is given, for « depuis mars » or "since last year".

    Returns:
        Months, rounded to two decimals: a week is 0.25, a day 1/30, a year 12, « ½ » after a
        quantity a half; « depuis <mois> » counts calendar months from that month (this year
        unless it is still to come, then last year), a year alone from its January; a range
        gives its middle, « moins de X » half of X. ``None`` for no duration (« longtemps »), a
        date to come, or a question.
    """
    words = _words(_HALF.sub(" et demi ", text[:_READ_LENGTH]))
    if _is_question(words):
        return None
    items = _duration_items(words)
    months = _first_chain(items)
    if months is None:
        months = _months_since_date(items, today)
    if months is None:
        months = next((item.value for item in items if item.kind == "rel"), None)
    if months is None or months > _MAX_MONTHS:
        return None
    return round(months, 2)


def _duration_items(words: list[str]) -> list[_Item]:
    """The words of a message as duration items; phrases become one item each."""
    items: list[_Item] = []
    position = 0
    for hit in _DURATION.find(words):
        items.extend(_plain_item(word) for word in words[position : hit.start])
        items.append(_hit_item(hit, " ".join(words[hit.start : hit.end])))
        position = hit.end
    items.extend(_plain_item(word) for word in words[position:])
    return items


def _plain_item(word: str) -> _Item:
    """A word outside the duration lexicon: a number in digits, or any other word."""
    if word[0].isdigit():
        return _Item("num", float(word.replace(",", ".")), word)
    return _Item("word", 0.0, word)


def _hit_item(hit: _Hit, text: str) -> _Item:
    """The item of a lexicon phrase, its value read from the label (« unit:week »)."""
    kind, _, value = hit.label.partition(":")
    if kind in ("unit", "rel"):
        return _Item(kind, _UNIT_MONTHS[value], text)
    return _Item(kind, float(value) if value else 0.0, text)


def _first_chain(items: list[_Item]) -> float | None:
    """The months of the first quantity-and-unit chain (« 1 an et 3 mois »)."""
    units = [position for position, item in enumerate(items) if item.kind == "unit"]
    starts = sorted({start for unit in units for start in range(max(0, unit - _UNIT_REACH), unit)})
    for position in starts:
        months = _chain_months(items, position)
        if months is not None:
            return months
    return None


def _chain_months(items: list[_Item], position: int) -> float | None:
    """Months of the chain starting at ``position``: each unit smaller than the one before."""
    total, last_unit = 0.0, None
    while (quantity := _quantity(items, position)) is not None:
        value, after = quantity
        after = _skip(items, after, _UNIT_FILLERS)
        if after >= len(items) or items[after].kind != "unit":
            break
        unit = items[after].value
        if last_unit is not None and unit >= last_unit:
            break
        value, position = _after_unit(items, after + 1, value)
        total, last_unit = total + value * unit, unit
        if position < len(items) and items[position].text in _CHAIN_WORDS:
            position += 1
    return None if last_unit is None else total


def _quantity(items: list[_Item], position: int) -> tuple[float, int] | None:
    """The quantity starting at ``position`` and the position after it."""
    less = position < len(items) and items[position].kind == "less"
    if position < len(items) and items[position].kind in ("less", "between"):
        position = _skip(items, position + 1, _QUANTITY_FILLERS)
    quantity = _bare_quantity(items, position)
    if quantity is None or not less:
        return quantity
    return quantity[0] / 2, quantity[1]


def _bare_quantity(items: list[_Item], position: int) -> tuple[float, int] | None:
    """The number, « une couple », "a"… at ``position``, with its « et demi » or range."""
    if position >= len(items):
        return None
    item = items[position]
    if item.kind == "article":
        return 1.0, position + 1
    if item.kind != "num":
        return None
    value, after = _number(items, position)
    if after < len(items) and items[after].kind == "and_half":
        return value + 0.5, after + 1
    return _range(items, after, value)


def _number(items: list[_Item], position: int) -> tuple[float, int]:
    """The number at ``position``, joining number words (« vingt-quatre », « dix-huit »)."""
    value = items[position].value
    following_at = position + 1
    words_only = following_at < len(items) and _is_word_number(items[position])
    if words_only and _is_word_number(items[following_at]):
        following = items[following_at].value
        if (value >= 20 and value % 10 == 0 and 1 <= following <= 9) or (value == 10 and 7 <= following <= 9):
            return value + following, position + 2
    return value, position + 1


def _is_word_number(item: _Item) -> bool:
    """Whether ``item`` is a whole number written in words."""
    return item.kind == "num" and not item.text[0].isdigit() and item.value == int(item.value)


def _range(items: list[_Item], position: int, low: float) -> tuple[float, int]:
    """The middle of « 3 à 6 », « 3-6 », « deux trois » after ``low``, or ``low`` alone."""
    upper_at = position + 1 if position < len(items) and items[position].text in _RANGE_WORDS else position
    if upper_at < len(items) and items[upper_at].kind == "num":
        high, after = _number(items, upper_at)
        if high > low:
            return (low + high) / 2, after
    return low, position


def _after_unit(items: list[_Item], position: int, value: float) -> tuple[float, int]:
    """``value`` with what may follow its unit: « et demi », « ou deux »."""
    if position < len(items) and items[position].kind == "and_half":
        return value + 0.5, position + 1
    if position + 1 < len(items) and items[position].text in _RANGE_WORDS - _CHAIN_WORDS:
        upper = items[position + 1]
        followed_by_unit = position + 2 < len(items) and items[position + 2].kind == "unit"
        if upper.kind == "num" and upper.value > value and not followed_by_unit:
            return (value + upper.value) / 2, position + 2
    return value, position


def _skip(items: list[_Item], position: int, texts: frozenset[str]) -> int:
    """``position`` moved past up to two filler words in ``texts`` (« une couple de… »)."""
    for _ in range(_MAX_FILLERS):
        if position < len(items) and items[position].text in texts:
            position += 1
    return position


def _months_since_date(items: list[_Item], today: date) -> float | None:
    """Months since « depuis mars », « depuis janvier 2025 » or « since 2023 »."""
    for position, item in enumerate(items):
        if item.kind != "month":
            continue
        year = _year_at(items, position + 1)
        if year is not None or _anchored(items, position):
            return _months_between(int(item.value), year, today)
    for position, item in enumerate(items):
        year = _year_at(items, position)
        if year is not None and (_anchored(items, position) or len(items) == 1):
            return _months_between(1, year, today)
    return None


def _year_at(items: list[_Item], position: int) -> int | None:
    """The year written at ``position`` (four digits from 1900), if any."""
    if position >= len(items):
        return None
    text = items[position].text
    return int(text) if len(text) == 4 and text.isdigit() and int(text) >= 1900 else None


def _anchored(items: list[_Item], position: int) -> bool:
    """Whether « depuis », "since", « en »… comes shortly before ``position``."""
    return any(item.kind == "since" for item in items[max(0, position - _ANCHOR_REACH) : position])


def _months_between(month: int, year: int | None, today: date) -> float | None:
    """Calendar months from ``month`` of ``year`` (the latest one not to come) to ``today``."""
    if year is None:
        year = today.year if month <= today.month else today.year - 1
    months = (today.year - year) * 12 + today.month - month
    return float(months) if months >= 0 else None


# --- Treatments already tried --------------------------------------------------------------

TREATMENTS = (
    "physiotherapy", "osteopathy", "decompression", "medication", "injections", "chiropractic", "other",
)
_TREATMENT_PHRASES = {
    "physiotherapy": (
        "physio*", "physiothérapie", "physiotherapy", "physiothérapeute", "physiotherapist", "kiné*",
        "kinésithérapie", "kinésiologie", "physical therap*", "pt", "exercice*", "exercise*",
        "rééducation", "réadaptation", "rehab*", "étirements", "stretching",
    ),
    "osteopathy": ("ostéo", "ostéopat*", "osthéo*", "ostéopathie", "osteopathy", "osteopath"),
    "decompression": (
        "décompression*", "décompression neurovertébrale", "spinal decompression", "traction*",
    ),
    "medication": (
        "médicament*", "medication*", "meds", "medicine*", "anti-inflammatoire*",
        "antiinflammatoire*", "anti-inflammator*", "ains", "nsaid*", "advil", "motrin", "ibuprof*",
        "aleve", "naproxen*", "naprosyn", "tylenol", "acétaminoph*", "acetaminophen",
        "paracétamol", "celebrex", "lyrica", "prégabal*", "gabapent*", "neurontin", "cymbalta",
        "opioïde*", "opioid*", "opiacé*", "morphine", "codéine", "tramadol", "dilaudid",
        "hydromorph*", "oxycod*", "percocet", "robaxacet", "relaxant*", "muscle relax*",
        "pilule*", "pill", "pills", "comprimé*", "cachet*", "pain killer*", "painkiller*",
        "antidouleur*", "anti-douleur*", "analgési*", "analgesic*", "prednisone", "cannabis",
    ),
    "injections": (
        "injection*", "infiltration*", "épidural*", "péridural*", "cortisone", "cortico*",
        "steroid injection*", "shot", "shots", "piqûre*", "bloc facettaire", "blocs facettaires",
        "bloc nerveux", "blocs nerveux",
        "nerve block*", "facet block*",
    ),
    "chiropractic": ("chiro*", "chiropratique", "chiropractic", "chiropraticien", "chiropractor"),
    "other": (
        "autre*", "other", "others", "acupunct*", "massage*", "massothérap*", "yoga", "pilates",
        "tens", "glace", "chaleur", "heat", "ice", "orthèse", "brace", "corset", "ceinture lombaire",
        "natation", "swimming", "aquaforme", "ergothérap*", "occupational therap*", "psycholog*",
        "naturopath*", "homéopath*", "radiofréquence", "radiofrequency", "rhizotom*",
        "neurostimul*", "chirurgie", "surgery", "opération", "médecine douce",
        "médecine alternative", "médecine chinoise", "alternative medicine", "chinese medicine",
    ),
}
_NO_TREATMENT_PHRASES = (
    "aucun", "aucune", "rien", "rien du tout", "pas encore", "jamais", "non", "nan", "nope", "no",
    "nothing", "none", "never", "not yet", "nothing yet", "no treatment", "no treatments",
    "pas de traitement", "aucun traitement", "none of them", "none of these", "rien d'autre",
    "pas d'autre", "aucun autre", "aucune autre", "nothing else", "no other", "not tried anything",
    "haven't tried anything", "havent tried anything", "didn't try anything", "didnt try anything",
    "not anything", "nothing at all",
)
_NOT_OTHER_PHRASES = ("autre que", "autres que", "other than", "anything else")
_ALTERNATIVE_WORDS = frozenset({"ou", "or", "ni", "nor"})
_TREATMENTS = _Lexicon(
    _labelled_groups(_TREATMENT_PHRASES)
    + _labelled("none", _NO_TREATMENT_PHRASES)
    + _labelled("neutral", _NOT_OTHER_PHRASES)
)


def parse_treatments(text: str) -> list[str] | None:
    """Reads the treatments already tried.

    Args:
        text: The message or button titles (« Physiothérapie, Médicaments », "Injections").

    Returns:
        The treatments named and not negated (« pas de chiro »), in the order of
        ``TREATMENTS``; ``[]`` when the person says none (« aucun », « rien », « pas
        encore », "none"); ``None`` when nothing is recognised, or for a question.
    """
    words = _words(text)
    if _is_question(words):
        return None
    found: set[str] = set()
    declined = False
    negated_until = None
    for hit in _TREATMENTS.find(words):
        if hit.label == "neutral":
            continue
        if hit.label == "none":
            declined = True
        elif _negated(words, hit.start) or _alternative_to(words, negated_until, hit.start):
            declined, negated_until = True, hit.end
        else:
            found.add(hit.label)
    if found:
        return [treatment for treatment in TREATMENTS if treatment in found]
    return [] if declined else None


def _alternative_to(words: list[str], previous_end: int | None, start: int) -> bool:
    """Whether the phrase at ``start`` is joined by « ou », "or", « ni » to the one ending there."""
    if previous_end is None:
        return False
    between = set(words[previous_end:start])
    return bool(between & _ALTERNATIVE_WORDS) and between <= _ALTERNATIVE_WORDS | _NEGATION_FILLERS


# --- Imaging -------------------------------------------------------------------------------

_IMAGING = _Lexicon(
    _labelled("mention", (
        "irm", "mri", "scan*", "ct", "tdm", "tomodensitométr*", "tomographie", "tomo", "résonance*",
        "imagerie", "imaging",
    ))
    + _labelled("planned", (
        "attente", "attends", "attendre", "waiting", "wait", "prévu", "prévue",
        "scheduled", "booked", "planned", "rendez-vous", "rdv", "appointment", "bientôt", "soon",
        "demandé", "demandée", "prescrit", "prescrite", "requested", "ordered", "referred",
        "référé", "référée",
    ))
    + _labelled("done", (
        "eu", "passé", "fait", "had", "done", "got", "did", "résultat*", "result*", "rapport", "report",
    ))
)


def parse_imaging(text: str) -> bool | None:
    """Reads whether the person has had an MRI or a CT scan.

    Args:
        text: The message.

    Returns:
        ``True`` for a yes or a mention of an exam done (« IRM », « scan », "CT",
        « tomodensitométrie », « résonance »); ``False`` for a no, « pas d'IRM », « pas
        encore », "not yet", or an exam only planned or awaited; ``None`` otherwise.
    """
    words = _words(text)
    if _is_question(words):
        return None
    hits = _IMAGING.find(words)
    mentions = [hit for hit in hits if hit.label == "mention"]
    kept = [hit for hit in mentions if not _negated(words, hit.start)]
    labels = {hit.label for hit in hits}
    if kept:
        return "done" in labels or "planned" not in labels
    if mentions or "planned" in labels:
        return False
    return _yes_no(words)


# --- Time to be called back ------------------------------------------------------------------

_CALLBACK = _Lexicon(
    _labelled("morning", (
        "matin", "matins", "matinée", "le matin", "avant-midi",
        "morning", "mornings", "avant le dîner", "avant dîner", "tôt",
    ))
    + _labelled("am", ("am", "a m"))
    + _labelled("pm", ("pm", "p m"))
    + _labelled("afternoon", (
        "après-midi", "aprèm", "afternoon", "afternoons",
        "midi", "noon", "lunch", "lunchtime", "heure du dîner", "heure du lunch", "après le dîner",
        "après dîner",
    ))
    + _labelled("evening", (
        "soir", "soirs", "soirée", "soirées", "le soir", "ce soir", "evening", "evenings", "night",
        "tonight", "after work", "après le travail", "après l'ouvrage", "après le souper",
        "après souper", "souper", "supper", "after dinner", "fin de journée", "end of the day",
    ))
    + _labelled("any", (
        "n'importe quand", "nimporte quand", "n'importe quelle heure", "peu importe",
        "pas d'importance", "ça m'est égal", "c'est égal", "égal", "indifférent", "en tout temps",
        "tout le temps", "toute la journée", "quand vous voulez", "quand vous pouvez",
        "dès que possible", "le plus tôt possible", "au plus vite", "pas de préférence",
        "aucune préférence", "anytime", "any time", "whenever", "any", "all day",
        "doesn't matter", "doesnt matter", "does not matter", "no preference", "either",
        "when you can", "whenever you want", "as soon as possible", "asap", "flexible",
        "during the day", "in the day", "daytime", "business hours", "office hours",
        "working hours", "dans la journée", "en journée", "de jour", "pendant la journée",
        "heures de bureau",
    ))
)
_CLOCK_WORDS = frozenset({"h", "heure", "heures", "hr", "hrs", "oclock"})
_MERIDIEM = {"am": 0, "pm": 12}
_AFTERNOON_FROM, _EVENING_FROM = 12, 17
_LAST_AFTERNOON_HOUR_ON_A_SHORT_CLOCK = 6


def parse_callback_time(text: str) -> str | None:
    """Reads when the person prefers to be called back.

    Args:
        text: The message or a button title (« Le matin », "Afternoon", « Peu importe »…).

    Returns:
        ``"morning"``, ``"afternoon"`` or ``"evening"``: the first period named and not
        negated (« pas le matin, le soir » is evening), else the period of the hours given
        (« vers 14h », "7 pm"; 1 to 6 without am/pm are afternoon hours; a range over two
        periods, « entre 9h et 17h », is any time); ``"any"`` for « peu importe », "anytime",
        "during the day"…; ``None`` otherwise.
    """
    words = _words(text)
    labels = [hit.label for hit in _CALLBACK.find(words) if not _negated(words, hit.start)]
    periods = [label for label in labels if label in ("morning", "afternoon", "evening")]
    if periods:
        return periods[0]
    hours = _clock_hours(words)
    if hours:
        return _period_of_hours(hours)
    meridiems = [label for label in labels if label in _MERIDIEM]
    if meridiems:
        return _period_of(_MERIDIEM[meridiems[0]])
    return "any" if labels else None


def _is_minutes(word: str) -> bool:
    """Whether ``word`` reads as the minutes of a time (« 9:30 », « 14h15 »)."""
    return len(word) == 2 and word.isdigit() and int(word) < 60


def _period_of_hours(hours: list[int]) -> str:
    """The period of the first hour, or of the range the first two hours make."""
    first = _period_of(hours[0])
    if len(hours) < 2 or hours[1] <= hours[0]:
        return first
    return first if _period_of(hours[1] - 1) == first else "any"


def _period_of(hour: int) -> str:
    """The period of the day of a clock ``hour`` (0 to 23)."""
    if hour < _AFTERNOON_FROM:
        return "morning"
    return "afternoon" if hour < _EVENING_FROM else "evening"


def _clock_hours(words: list[str]) -> list[int]:
    """The clock hours in ``words`` (« 9h », « 14 heures », "2 pm", "10:30"), 0 to 23."""
    hours: list[int] = []
    for word, following in zip(words, words[1:]):
        if not word.isdigit() or int(word) > 23:
            continue
        if following in _MERIDIEM:
            hours.append(int(word) % 12 + _MERIDIEM[following])
        elif following in _CLOCK_WORDS or _is_minutes(following):
            hour = int(word)
            hours.append(hour + 12 if 1 <= hour <= _LAST_AFTERNOON_HOUR_ON_A_SHORT_CLOCK else hour)
    return hours


# --- Contact details -----------------------------------------------------------------------


@dataclass(frozen=True)
class ContactDetails:
    """The e-mail address and phone number read from one message.

    Attributes:
        email: The address as normalised by email-validator, or ``None``.
        phone: The number in E.164 form (+15145550199), or ``None``.
        problem: ``None`` when fine, else ``"invalid_email"``, ``"invalid_phone"`` or
            ``"missing"`` (neither given).
    """

    email: str | None
    phone: str | None
    problem: str | None


_EMAIL_EDGES = "<>()[]{},;:!?\"'«»."
_PHONE_CANDIDATE = re.compile(r"[+(]?\d[\d \t().\-/\u00a0]*\d")
_PHONE_MIN_DIGITS = 7
_NUMBER_STARTS = frozenset("+(0123456789")
_VANITY_TOKEN = re.compile(r"[0-9A-Za-z()+.\-]+")
_DIGIT_RUN = re.compile(r"\d{3}")
_LETTER_RUN = re.compile(r"[A-Za-z]{3}")
_SPELLED_DIGITS = frozenset({
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "un", "deux",
    "trois", "quatre", "cinq", "sept", "huit", "neuf",
})
_SPELLED_DIGITS_RUN = 3


def parse_contact(text: str, default_region: str = "CA") -> ContactDetails:
    """Reads an e-mail address and/or a phone number from one message.

    Args:
        text: The message (« jean.tremblay@videotron.ca », « (438) 555 0123 », both…).
        default_region: The region of numbers given without a country code.

    Returns:
        The first valid address and number in the first 400 characters. ``problem`` is
        ``"invalid_email"`` when something with an @ is not a valid address and none is,
        ``"invalid_phone"`` when digits do not make a valid number (or letters stand for
        digits: "514-555-CALL", "five one four") and none is, ``"missing"`` when neither is
        given.
    """
    pieces = _glued_at_signs(text[:_READ_LENGTH]).split()
    email, email_given = _first_email(pieces)
    rest = " ".join(piece for piece in pieces if "@" not in piece)
    phone, phone_given = _first_phone(rest, default_region)
    if email is None and email_given:
        problem: str | None = "invalid_email"
    elif phone is None and phone_given:
        problem = "invalid_phone"
    elif email is None and phone is None:
        problem = "missing"
    else:
        problem = None
    return ContactDetails(email=email, phone=phone, problem=problem)


def _glued_at_signs(text: str) -> str:
    """``text`` with the spaces around each @ removed (« jean @ videotron.ca »)."""
    parts = text.split("@")
    if len(parts) == 1:
        return text
    middle = [part.strip() for part in parts[1:-1]]
    return "@".join([parts[0].rstrip(), *middle, parts[-1].lstrip()])


def _first_email(pieces: list[str]) -> tuple[str | None, bool]:
    """The first valid address among ``pieces``, and whether any piece looked like one."""
    candidates = [piece.strip(_EMAIL_EDGES).removeprefix("mailto:") for piece in pieces if "@" in piece]
    for candidate in candidates:
        try:
            return validate_email(candidate, check_deliverability=False).normalized, True
        except EmailNotValidError:
            continue
    return None, bool(candidates)


def _first_phone(text: str, region: str) -> tuple[str | None, bool]:
    """The first valid number in ``text`` (E.164), and whether anything looked like one."""
    given = False
    for match in _PHONE_CANDIDATE.finditer(text):
        if sum(char.isdigit() for char in match.group()) < _PHONE_MIN_DIGITS:
            continue
        given = True
        number = _valid_number(match.group(), region)
        if number is not None:
            return number, True
    return None, given or _has_lettered_number(text)


def _valid_number(candidate: str, region: str) -> str | None:
    """``candidate`` in E.164 form when it is a valid number, else ``None``."""
    try:
        number = phonenumbers.parse(candidate, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _has_lettered_number(text: str) -> bool:
    """Whether a number is written with letters: "514-555-CALL", "five one four"."""
    for piece in text.split():
        vanity = piece.strip(_EMAIL_EDGES)
        if (
            vanity[:1] in _NUMBER_STARTS
            and _VANITY_TOKEN.fullmatch(vanity)
            and _DIGIT_RUN.search(vanity)
            and _LETTER_RUN.search(vanity)
        ):
            return True
    run = 0
    for word in _words(text):
        run = run + 1 if word in _SPELLED_DIGITS else 0
        if run >= _SPELLED_DIGITS_RUN:
            return True
    return False


# --- Name ----------------------------------------------------------------------------------

_NAME_MAX_LENGTH = 100
_NAME_LEAD_IN = re.compile(
    r"""
    \A (?: (?:bonjour|bonsoir|salut|allô|allo|hello|hi|hey) (?!\w) [\s,!.]* )?
    (?:
        (?: je \s+ m['’ʼ]? \s* appelle | jm['’ʼ]?appelle
          | mon \s+ (?:nom|pr[ée]nom) (?:\s+complet)? (?: \s+est | \s+c['’ʼ]?est | \s*: )
          | moi \s* ,? \s* c['’ʼ]?est | c['’ʼ]?est | ici
          | my \s+ (?:full\s+)? name \s* (?: is | ['’ʼ]s | : )
          | i['’ʼ]m | i \s+ am | it['’ʼ]s | this \s+ is | name \s* : | nom \s* : | call \s+ me
          | appelez [\s-]* moi
        ) (?!\w) [\s:,.\-]*
    )?
    """,
    re.IGNORECASE | re.VERBOSE,
)
_NAME_TRAILING = " .,!?;:"


def clean_name(text: str) -> str | None:
    """Cleans the name a person gives.

    Args:
        text: The message (« Je m'appelle Marie-Ève Tremblay », "my name is John Smith"…).

    Returns:
        The name in Unicode NFC, without control characters, spaces collapsed, without a
        lead-in (« je m'appelle », « mon nom est », « c'est », "my name is", "I'm", "it's") or
        a final full stop. Markup or SQL is kept as plain text: it is stored through bound
        parameters and escaped on display. ``None`` when nothing is left, when it is longer
        than 100 characters, holds an @, or has no letter (digits, punctuation, emoji only).
    """
    name = " ".join(unicodedata.normalize("NFC", _without_control_characters(text)).split())
    name = _NAME_LEAD_IN.sub("", name, count=1).rstrip(_NAME_TRAILING)
    if not name or len(name) > _NAME_MAX_LENGTH or "@" in name:
        return None
    if not any(unicodedata.category(char).startswith("L") for char in name):
        return None
    return name


def _without_control_characters(text: str) -> str:
    """``text`` with white space made plain spaces and other control or format characters removed."""
    spaced = (" " if char.isspace() else char for char in text)
    return "".join(char for char in spaced if unicodedata.category(char)[0] != "C")
