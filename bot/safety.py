"""Emergency red flags and personal medical-advice requests, found by patterns.

The NLU model also learns the ``emergency`` and ``medical_advice`` intents; these patterns
are the deterministic safety net on top of it, so that a red flag wins whatever else the
message says (« combien ça coûte ? pis j'arrive pu à retenir mon urine »).

Each red flag is a set of concepts that must all appear in the message (accents and case
folded). A question about a red flag in general is answered as an emergency as well: when
in doubt, the person is told to call 911.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.text import fold


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile(r"(?:" + "|".join(patterns) + r")")


_BLADDER_BOWEL = _any(
    r"\bvessie",
    r"\burin",
    r"\bpipi",
    r"\bselles\b",
    r"\bintestin",
    r"\bcaca\b",
    r"\bsphincter",
    r"\bbladder",
    r"\bbowel",
    r"\bpee\b",
    r"\bpeeing",
    r"\bpoop",
    r"\bstool",
    r"\bwet myself",
)
_LOSS_OF_CONTROL = _any(
    r"control",
    r"\bretenir\b",
    r"\bretiens\b",
    r"\bfuite",
    r"\bechapp",
    r"\bbloque",
    r"\bretention",
    r"\bincapable",
    r"\b(?:peux|peut|arrive|suis|chu|est) (?:pu|plus|pas)\b",
    r"\bpu capable",
    r"\bplus capable",
    r"\bpas capable",
    r"\bperdu",
    r"\bperte",
    r"\bsans (?:le )?sentir",
    r"\bhold",
    r"\bleak",
    r"\bcan'?t\b",
    r"\bcannot\b",
    r"\bunable",
    r"\blost\b",
    r"\blosing\b",
    r"\baccident",
    r"\bno longer\b",
)
_INCONTINENCE = _any(r"\bincontinen", r"\bouvrir? pu ma vessie")
_NUMB = _any(
    r"engourdi",
    r"insensib",
    r"\bsens (?:pu|plus|rien|pas)\b",
    r"\bsensation",
    r"fourmill",
    r"\bgele\b",
    r"\bgelee?s?\b",
    r"\bnumb",
    r"\btingl",
    r"\bcan'?t feel",
    r"\bno feeling",
    r"\bpins and needles",
)
_SADDLE = _any(
    r"\baine\b",
    r"\bentrejambe",
    r"\bentre (?:les|mes) (?:jambes|cuisses)",
    r"\bselle\b",
    r"\bperinee",
    r"\bgenit",
    r"\bparties intimes",
    r"\bfesses\b",
    r"\banus\b",
    r"\bpubis",
    r"\bgroin",
    r"\bsaddle",
    r"\bcrotch",
    r"\bbetween (?:my|the) legs",
    r"\bprivate parts",
    r"\bbuttocks",
    r"\bperine",
    r"\binner thighs",
)
_LEGS = _any(r"\bjambes?\b", r"\bpieds?\b", r"\bcuisses?\b", r"\blegs?\b", r"\bfoot\b", r"\bfeet\b")
_WEAKNESS_WORSENING = _any(
    r"\blach",
    r"paralys",
    r"\bparaly",
    r"(?:plus|pu|pas) capable de marcher",
    r"(?:peux|peut|arrive) (?:plus|pu|pas) (?:a )?marcher",
    r"\bs'effondr",
    r"\bpied tombant",
    r"\bgiv(?:e|es|ing) (?:out|way)",
    r"\bgave (?:out|way)",
    r"\bcollaps",
    r"\bcan'?t walk",
    r"\bcannot walk",
    r"\bunable to walk",
    r"\bfoot drop",
    r"\bdrop foot",
    r"(?:faibl\w*|weak\w*).{0,40}(?:de plus en plus|de pire en pire|empire|aggrav|rapide|vite"
    r"|soudain|d'un coup|worse|worsening|rapid|quick|fast|sudden|by the (?:hour|day))",
    r"(?:de plus en plus|de pire en pire|rapidement|soudain\w*|getting|rapidly|quickly|suddenly)"
    r".{0,25}(?:faibl\w*|weak\w*)",
)
_FEVER = _any(r"\bfievre", r"\bfrissons", r"\bfait de la temperature", r"\bfever", r"\bfeverish", r"\bchills\b")
_BACK = _any(
    r"\bdos\b",
    r"\bcolonne",
    r"\blombaire",
    r"\brachis",
    r"\bvertebr",
    r"\bcicatrice",
    r"\bplaie",
    r"\bopere",
    r"\boperation",
    r"\bchirurgie",
    r"\bsciatique",
    r"\bback\b",
    r"\bspin",
    r"\blumbar",
    r"\bincision",
    r"\bwound",
    r"\bsurgery",
    r"\bsciatica",
    r"\blower back",
)
_BACK_ONLY = _any(
    r"\bdos\b",
    r"\bcolonne",
    r"\blombaire",
    r"\brachis",
    r"\bvertebr",
    r"\bsciatique",
    r"\bback\b",
    r"\bspin",
    r"\blumbar",
    r"\bsciatica",
    r"\bnuque",
    r"\bcou\b",
    r"\bneck\b",
)
_MAJOR_TRAUMA = _any(
    r"\baccident (?:de|d'|en) (?:char|auto|voiture|moto|vtt|ski|velo|camion|la route)",
    r"\baccident d'auto",
    r"\bface a face",
    r"\bfrappe par",
    r"\bchute (?:de|d'une|du haut)",
    r"\btombe (?:de|d'une|du haut|en bas)",
    r"\btraumatisme",
    r"\bgros accident",
    r"\bcollision",
    r"\b(?:car|motorcycle|motor vehicle|road|ski|snowmobile) (?:accident|crash)",
    r"\bcar wreck",
    r"\bhit by",
    r"\bfell (?:off|from|down)",
    r"\bfall from",
    r"\bbad fall",
    r"\bmajor trauma",
    r"\brear.?ended",
    r"\bhead.?on",
)
_CANCER = _any(
    r"\bcancer",
    r"\btumeur",
    r"\bmetasta",
    r"\bchimio",
    r"\bradiotherapie",
    r"\btumou?r",
    r"\bchemo",
    r"\bradiation therapy",
)

_RED_FLAGS: dict[str, tuple[re.Pattern[str], ...]] = {
    "bladder_bowel": (_BLADDER_BOWEL, _LOSS_OF_CONTROL),
    "incontinence": (_INCONTINENCE,),
    "saddle_numbness": (_NUMB, _SADDLE),
    "leg_weakness": (_LEGS, _WEAKNESS_WORSENING),
    "fever": (_FEVER, _BACK),
    "trauma": (_MAJOR_TRAUMA, _BACK_ONLY),
    "cancer": (_CANCER, _BACK_ONLY),
}

_MEDICATION = (
    r"(?:medicaments?|meds|medication|pilules?|pills?|comprimes?|advil|tylenol|motrin|aleve|lyrica"
    r"|gabapentin\w*|pregabalin\w*|opio\w*|morphine|dilaudid|oxy\w*|celebrex|naproxen\w*"
    r"|ibuprof\w*|acetaminoph\w*|cortisone|prednison\w*|relaxants?|anti.?inflammatoires?"
    r"|anti.?inflammator\w*|painkillers?|antidouleurs?)"
)
_SURGERY = r"(?:operation|chirurgie|intervention|fusion|arthrodese|surgery|operated|disc replacement|prothese)"
_IMAGING = r"(?:irm|mri|scan|scanner|ct|radiographie|x-?rays?|imagerie|imaging|resultats|results|rapport)"
_MEDICAL_ADVICE = _any(
    r"\b(?:est-ce que j'ai|ai-je|j'ai-tu|j'ai tu|aurais-je|est-ce que j'aurais) (?:vraiment )?besoin d'?\s?"
    r"(?:une |un |d'une )?" + _SURGERY,
    r"\b(?:dois-je|devrais-je|est-ce que je (?:dois|devrais)|je devrais-tu|je dois-tu|faut-il que je|faut-tu que je)"
    r" (?:me faire )?(?:operer|faire operer)",
    r"\b(?:do|would|will) i (?:really |actually )?need (?:a |an |the |to have )?(?:\w+ )?" + _SURGERY,
    r"\bshould i (?:get|have|go for|do|choose|pick|take) (?:a |an |the )?(?:\w+ )?" + _SURGERY,
    r"\b(?:my|mon|ma|mes) (?:own )?"
    + _IMAGING
    + r"\b.{0,40}\b(?:mean|means|say|says|show|shows|veut dire|signifie|montre|dit)\b",
    r"\b(?:read|interpret|look at|explain|lire|interpreter|regarder|expliquer)\b.{0,15}\b(?:my|mon|ma|mes) " + _IMAGING,
    r"\b(?:based on|given|with|according to|selon|avec|d'apres) (?:my|mes) (?:symptoms|symptomes)",
    r"\b(?:doses?|dosage|posologie|milligrammes?|milligrams?)\b",
    r"\b\d+\s?mg\b",
    r"\bcombien (?:de |d'?\s?)" + _MEDICATION,
    r"\bhow (?:many|much) " + _MEDICATION,
    r"\b(?:arret\w*|cesse\w*|diminu\w*|augment\w*|doubl\w*|sevr\w*|stop\w*|quit\w*|reduc\w*"
    r"|increas\w*|wean\w*|chang\w*)\b(?:\s+[\w']+){0,4}?\s+" + _MEDICATION,
)


@dataclass(frozen=True)
class SafetyFinding:
    """What the patterns found in a message: an emergency red flag or a medical-advice request."""

    intent: str
    reason: str


def find_red_flag(text: str) -> str | None:
    """Return the name of the first emergency red flag described in ``text``, if any."""
    folded = fold(text)
    for name, concepts in _RED_FLAGS.items():
        if all(concept.search(folded) for concept in concepts):
            return name
    return None


def asks_personal_advice(text: str) -> bool:
    """Return whether ``text`` asks for personal advice: doses, medication changes, « do I need surgery », reading one's own imaging."""
    return bool(_MEDICAL_ADVICE.search(fold(text)))


def assess(text: str) -> SafetyFinding | None:
    """Return the safety intent ``text`` must get, red flags first, or ``None``.

    Args:
        text: The user message.

    Returns:
        ``SafetyFinding("emergency", <red flag>)``, ``SafetyFinding("medical_advice",
        "personal_advice")`` or ``None``.
    """
    red_flag = find_red_flag(text)
    if red_flag:
        return SafetyFinding("emergency", red_flag)
    if asks_personal_advice(text):
        return SafetyFinding("medical_advice", "personal_advice")
    return None
