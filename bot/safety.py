"""Emergency red flags and personal medical-advice requests, found by patterns.

The NLU model also learns the ``emergency`` and ``medical_advice`` intents; these patterns
are the deterministic safety net on top of it, so that a red flag wins whatever else the
message says (« combien ça coûte ? pis j'arrive pu à retenir mon urine »).

Each red flag is a set of concepts that must all appear in the message (accents and case
folded). A red flag happening to the person now is an emergency. One that the message places
elsewhere (someone else's, over and past, feared, negated) is a *mention*: the person gets the
answer to their question and a one-line safety note. When in doubt (no such cue, or a cue of
now such as « depuis ce matin »), it is an emergency: the person is told to call 911.
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
    r"\bpeed (?:myself|my pants)",
    r"\bpissed myself",
    r"\bwet (?:my|the) (?:pants|bed)",
    r"\bpiss",
    r"\baller aux toilettes",
    r"\b(?:go|going|get) to the (?:toilet|bathroom|washroom)",
    r"\bmouill\w* (?:ma|mon|mes|le|la|les|son|sa|ses) (?:jaquette|pantalons?|culottes?|lit|pyjama|draps|linge"
    r"|robe de chambre)",
    r"\blit (?:etait |est )?(?:tout |toute )?mouill",
    r"\bmiction",
    r"\bchier\b",
    r"\bwet the bed\b",
    r"\bpass (?:my |his |her )?water\b",
    r"\bchang\w* (?:my|his|her) (?:pants|underwear|shorts)",
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
    r"\b(?:misere|difficulte|de la peine|du mal) a (?:uriner|pisser|faire pipi|aller a la selle|me retenir|se retenir)",
    r"\b(?:pas|pu|plus) (?:ete |ete capable de |capable de )?(?:pisser|uriner|faire pipi)",
    r"\bpas (?:fait|ete faire) pipi",
    r"\brien (?:ne )?sort\b",
    r"\bnothing (?:comes|coming|came|will come) out",
    r"\b(?:a|ai|avons|ont) (?:pas|pu|plus) pu\b",
    r"\b(?:pas|pu|plus) (?:ete )?capable",
    r"\b(?:trouble|difficulty|struggling|hard time) (?:peeing|urinating|passing urine)",
    r"\bsans (?:meme )?m'en (?:rendre compte|apercevoir)",
    r"\bwithout (?:noticing|realizing|feeling it)",
    r"\bdribble",
    r"\bgoutte",
    r"\bdidn'?t (?:even )?(?:feel|notice|realiz|wake)",
    r"\b(?:m'en|men|s'en|sen) (?:suis|est) (?:meme )?pas (?:rendu|apercu)",
    r"\bsans (?:se|me) reveiller",
    r"\b(?:j?sens|sent) (?:pas|rien) quand (?:ca|ca) sort",
    r"\b(?:hasn'?t|haven'?t|has not|have not) been able",
    r"\b(?:takes?|took) (?:him|her|me) (?:forever|ages) to (?:start|pee)",
    r"\bpas rendue? compte\b",
    r"\b(?:never|didn'?t|did not) (?:even )?fe(?:el|lt) it (?:coming|happen)",
    r"\bwithout (?:feeling|any) (?:any )?urge",
    r"\bwon'?t come\b|\bveut pas sortir\b|\bsort pas\b",
)
_INCONTINENCE = _any(
    r"\bincontinen",
    r"\bouvrir? pu ma vessie",
    r"\bpeed (?:myself|my pants)",
    r"\bpissed myself",
    r"\bfait pipi dans (?:mes|mon) ",
    r"\bmouill\w* (?:ma|mon|mes) (?:jaquette|pantalons?|culottes?|lit|pyjama|draps|linge) sans",
    r"\b(?:chie|fait caca|fait) dans (?:mes|ses|mon|son|ma|sa) (?:culottes?|pantalons?|shorts?|froc)",
    r"\b(?:shit|pooped|soiled|wet|peed) (?:my|his|her) (?:pants|self|underwear|shorts)\b",
    r"\baccident in (?:my|his|her) (?:underthings|underwear|undies|pants|bed|shorts)",
    r"\baccidents?\W{0,3} dans (?:mes|ses|ma|sa|mon|son) (?:culottes|pantalons?|lit)",
    r"\bhad (?:an|a little|a small|a tiny|an?) accident\b.{0,60}(?:didn'?t (?:even )?(?:feel|notice|know|realiz)"
    r"|without (?:even )?(?:feeling|noticing|knowing)|couldn'?t hold|coming)",
    r"\bqueue de cheval",
    r"\bcauda equina",
)
# The bladder that will not empty, said in one phrase.
_RETENTION = _any(
    r"\bglobe vesical",
    r"\baucune miction",
    r"\b(?:pas|pu|plus|jamais) (?:pisse|urine|fait pipi)\b.{0,15}\bdepuis",
    r"\b(?:hasn'?t|haven'?t|has not|have not|couldn'?t|could not|can'?t|cannot) (?:been able to )?(?:pee|urinate)d?\b",
    r"\burinary retention",
)
_BELLY_FULL = _any(
    r"\bventre (?:est |is )?(?:comme un|like a|dur|tendu|gonfle|hard|tight)",
    r"\b(?:belly|tummy|stomach|abdomen) (?:is |feels )?(?:like a (?:drum|balloon|ballon)|hard|tight|swollen|bloated)",
    r"\bglobe\b",
)
_NUMB = _any(
    r"engourdi",
    r"insensib",
    r"\b(?:j?sens|sent|sentent|sentai[st]|sentaient) (?:presque |quasiment |pratiquement )?(?:pu|plus|rien|pas|moins)\b",
    r"\bcan'?t feel (?:anything|nothing|a thing)",
    r"\b(?:can'?t|cannot|couldn'?t|could not|didn'?t|did not) (?:really |quite |even |properly )?(?:feel|perceive)",
    r"\bfeels? nothing\b|\bsent rien\b|\b(?:absence|lack|loss) of (?:sensation|feeling)",
    r"\bwrapped in cotton|\bcomme (?:dans )?(?:du|de la) (?:coton|ouate)",
    r"\bparesth",
    r"\bparesthes",
    r"\bparaesth",
    r"\bfell asleep|\bfalls asleep\b|\bendormi",
    r"\bsensation",
    r"fourmill",
    r"\bpicot",
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
    r"\b(?:my|his|her) (?:bum|butt|ass|arse|backside|rear end|junk)\b",
    r"\bfoufounes",
    r"\bperine",
    r"\binner thighs",
    r"\bdown there\b",
    r"\bla en bas\b",
    r"\bm'essui",
    r"\bwhen i wipe",
    r"\bwiping\b",
    r"\bwhen (?:he|she|i) wipes?\b",
    r"\b(?:j?me|se|je me|il se|elle se) (?:torche|suis torche|essuie|suis essuie)",
    r"\bpenis\b",
    r"\btesticul",
    r"\bscrotum",
    r"\bballs\b",
    r"\bvagin",
    r"\bvulv",
    r"\bprivates\b",
    r"\bdown below\b",
    r"\b(?:inside|inner side) of (?:my |his |her |both |the )?(?:thighs|legs)",
    r"\bcuisses? (?:en|par en) dedans",
    r"\binterieur des cuisses",
    r"m'essui",
    r"\b(?:upon|on) which (?:one|i|you) sits?|\bwhere (?:i|one|you) sits?\b|\bseat area",
    r"\bsit on the toilet|\bsur la toilette|\brien en bas\b|\ben bas,? comme",
    r"\btoilet paper|\bpapier (?:de )?toilette",
    r"\bbelow the waist|\ben bas de la taille|\bplus bas que la taille",
)
_LEGS = _any(
    r"\bjambes?\b",
    r"\bpieds?\b",
    r"\bcuisses?\b",
    r"\bchevilles?\b",
    r"\borteils?\b",
    r"\bmembres inferieurs",
    r"\blegs?\b",
    r"\bfoot\b",
    r"\bfeet\b",
    r"\bankles?\b",
    r"\btoes?\b",
    r"\blower (?:extremit|limb)",
)
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
    r"\bcan'?t (?:hardly |barely |really )?walk\b(?! (?:for )?(?:long|more|very|far|much|without|any distance|a block))",
    r"\b(?:barely|hardly) (?:walk|stand)",
    r"\bjambes? (?:sont |est )?(?:toutes? )?molles?",
    r"\bjambes? (?:sont )?comme (?:du coton|de la guenille|de la guenille)",
    r"\b(?:pas|pu|plus) capable de (?:me lever|bouger|marcher|me tenir debout|me relever|la relever|le relever)",
    r"\bfaibliss\w* de plus en plus",
    r"\b(?:sens|sent|sentent|jsens) (?:pu|plus|rien|pas) (?:mes|ses|sa|ma|les|leurs) jambes?",
    r"\bcan'?t feel (?:my|his|her|their|the) legs?",
    r"\b(?:jambes?|legs?) (?:ne me )?(?:portent|tiennent) (?:plus|pu)",
    r"\bcannot walk",
    r"\bunable to walk",
    r"\bfoot drop",
    r"\b(?:went|gone|are|is|feel|feels) (?:totally |completely )?dead\b",
    r"\b(?:ceased|refuse|refused|won'?t|don'?t|do not) (?:to )?obey",
    r"\bobeissent (?:pu|plus|pas)",
    r"\b(?:like|comme du|comme de la) (?:rubber|jello|jelly|guenille|coton|jello)",
    r"\bbuckl",
    r"\bplient? (?:tout seuls?|toutes? seules?|sous moi)",
    r"\bpieds? (?:gauche |droit )?(?:qui )?(?:traine|flop)",
    r"\bpieds? (?:gauche |droit )?traine",
    r"\bdrag(?:s|ging)? (?:my|his|her) (?:left |right )?foot",
    r"\bfoot (?:is )?(?:dragging|flopping|slapping)",
    r"\bj?mene (?:pu|plus|pas) (?:mes|ses) jambes",
    r"\bdrop foot",
    r"(?:misere|difficulte|peine|de la misere) a (?:bouger|marcher|lever|sentir)",
    r"\b(?:peux|peut|arrive|suis) (?:pu|plus|pas) (?:a )?(?:bouger|me lever|lever)",
    r"\bcan'?t (?:move|lift|get up|stand)",
    r"\bcannot (?:move|lift|get up|stand)",
    r"\bunable to (?:move|stand|get up)",
    r"(?:faibl\w*|weak\w*).{0,40}(?:de plus en plus|de pire en pire|empire|aggrav|rapide|vite"
    r"|soudain|d'un coup|worse|worsening|rapid|quick|fast|sudden|by the (?:hour|day))",
    r"(?:de plus en plus|de pire en pire|rapidement|soudain\w*|getting|rapidly|quickly|suddenly)"
    r".{0,25}(?:faibl\w*|weak\w*)",
    r"\bpieds? (?:gauche |droit )?(?:qui )?(?:flap|claque|tape|frappe|tombe)\w*",
    r"\bfoot (?:flaps|slaps|drops)",
    r"\b(?:peux|peut|pouvait|capable|arrive|can'?t|cannot|unable to|couldn'?t|trouble|misere a)"
    r" (?:pu |plus |pas |a )?(?:(?:me |se )?(?:lever|relever)|lift) (?:les |mes |ses |my |his |her |the |son |le )?"
    r"(?:\w+ )?(?:orteils|toes|pied|foot)",
    r"\bdorsiflex",
    r"\bsteppage",
    r"\b(?:won'?t|don'?t|do not|will not) do what (?:i|he|she) (?:tell|want)",
    r"\bcan'?t (?:seem to )?walk\b(?! (?:for )?(?:long|more|very|far|much|without|any distance|a block))",
    r"\bheavy (?:like|as) (?:concrete|lead|cement|bricks)",
    r"\b(?:barely|hardly) (?:lift|move)",
    r"\btripp\w*",
    r"\bveulent (?:pu|plus|pas) (?:me |le |la |les )?porter",
    r"\b(?:jambes? en|comme en) (?:jello|guenille|coton)",
    r"\bderob",
    r"\b(?:jambe|genou|knee|leg)s? (?:\w+ ){0,2}(?:a |ont |have |has )?(?:plie|folded|buckled)",
    r"\b(?:repond|repondent) (?:pu|plus|pas)",
    r"\b(?:pu|plus|pas) de force\b|\bno strength\b",
    r"\bunreliable",
    r"\b(?:would|will|wo|do|does|did)(?:n'?t| not) go where",
    r"\bget (?:his|her|my) legs under",
    r"\bunable to rise",
    r"\bwalk\w* like (?:he|she|i)(?:'s| has| had| was| am)",
    r"\bmarche comme un canard",
    r"\baccroch\w* (?:le|les|mon|mes) (?:tapis|pieds?|orteils)",
    r"\bcatch\w* (?:my|his|her) (?:toe|foot)",
    r"\b(?:pantoufles?|slippers?|sandales?|shoes?|souliers?|bottes?)\b.{0,20}\b(?:tombe\w*|falling off|falls off|fall off"
    r"|come off|comes off|coming off)",
    r"\bslaps? (?:down|the floor|the ground)",
    r"\b(?:gas|brake) pedal|\bthe gas or the brake|\bsur le frein|\bla pedale",
)
_FEVER = _any(
    r"\bfievre",
    r"\bfrissons?",
    r"\bgrelott",
    r"\bshiver",
    r"\bthe shakes\b",
    r"\bburning up\b|\bshaking like\b|\bchaud au toucher|\bhot to the touch",
    r"\b(?:chu|chus|suis|est|il est|elle est|is|he's|she's|i'm) (?:tout |toute |all )?(?:chaude?|brulante?|bouillante?|burning)\b",
    r"\b(?:fait|fais|faisait) (?:de la )?(?:38|39|40)\b",
    r"\b(?:38|39|40) et \d\b",
    r"\btemp(?:erature)? (?:de |of |is |at |a )?(?:38|39|40|101|102|103|104)",
    r"\bfait de la temperature",
    r"\bfever",
    r"\bfeverish",
    r"\bchills\b",
    r"\bbouillante?\b",
    r"\bclaqu\w* des dents",
    r"\b(?:38|39|40|41)[.,]\d\b",
    r"\b(?:38|39|40|41|101|102|103|104) ?(?:degres|°)",
)
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
    r"\binfiltration",
    r"\binjection",
    r"\bpiqure",
    r"\bbloc facettaire",
    r"\bepidural",
    r"\bwound",
    r"\bsurgery",
    r"\bsciatica",
    r"\blower back",
    r"\bpost-?op",
    r"\bfusion",
    r"\barthrodese",
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
    r"\bfrappe\w* par",
    r"\bm'a percute",
    r"\bpercutee? (?:par|de plein fouet)",
    r"\bchute (?:de|d'une|du haut)",
    r"\btombe (?:de|d'une|du haut|en bas)",
    r"\btomb\w* (?:dans l'escalier|dans les marches|en bas|sur le dos|sur les fesses|sur la glace|d'un|d'une|du)",
    r"\b(?:je viens|vient|viennent) de tomber",
    r"\btomb\w* dans (?:ma|mon|la|le|les) (?:cuisine|salle|chambre|maison|douche|bain|garage|cour|entree)",
    r"\btomb\w* (?:de (?:sa|son|ma|mon|la|le)|en bas de) (?:chaise|lit|echelle|escabeau|toit|escalier)",
    r"\bfractur",
    r"\bglisse\w* (?:sur|dans)",
    r"\btraumatisme",
    r"\bgros accident",
    r"\bcollision",
    r"\b(?:car|motorcycle|motor vehicle|road|ski|snowmobile) (?:accident|crash)",
    r"\bcar wreck",
    r"\bhit by",
    r"\bfell (?:off|from|down)",
    r"\bfall from",
    r"\bslipped\b",
    r"\blanded (?:hard )?on my (?:back|butt|tailbone)",
    r"\bfell (?:on|onto|down|hard|in)\b",
    r"\bfractur",
    r"\bbroke (?:my|a) (?:back|vertebra)",
    r"\bbad fall",
    r"\b(?:since|after) a fall\b",
    r"\b(?:i|he|she|mom|dad|mum) (?:just )?fell\b",
    # « je suis tombé » is a fall, not « tombé sur votre page », « tombé malade ».
    r"\b(?:suis|est|es|sont) (?:\w+ )?tombee?s?\b(?! (?:en amour|malade|enceinte|d'accord|par hasard|sur (?:votre"
    r"|vos|ton|ta|ce|cette|un|une|le|la|les|des)\b))",
    r"\b(?:j'ai|jai|il a|elle a) fait une (?:grosse )?chute\b",
    r"\btomb\w* (?:dans |en bas de |de |d'|du haut de )?(?:l'|l|d'l'|de l')?(?:escalier|echelle|escabeau)",
    r"\bchute (?:sur|dans|en|a)\b",
    r"\bglisse\w* en\b",
    r"\b(?:fell|fall|slipped) (?:in|on|down) the (?:shower|bathroom|bath|stairs|steps|ice|floor)",
    r"\bslipped on\b",
    r"\b(?:losing|lost) (?:my|his|her) (?:footing|balance)|\bperdu (?:pied|l'equilibre)",
    r"\bfell (?:getting|out of|while|when)|\btomb\w* en (?:sortant|me levant|descendant|montant)",
    r"\btomb\w* ds\b",
    r"\bcrush\w*|\becrase\w* (?:entre|sous|par)|\bcoince\w* entre",
    r"\bmajor trauma",
    r"\brear.?ended",
    r"\bhead.?on",
)
# After a fall, pain the person cannot bear or stand up with is an emergency, wherever it hurts.
_CANNOT_STAND_OR_BEAR = _any(
    # Not a limit on how long or how far (« can't walk more than 10 minutes » is chronic).
    r"\b(?:can'?t|cannot|can not|unable to) (?:even )?(?:stand|walk|get up|move)\b"
    r"(?! (?:for )?(?:long|more|very|far|much|without|any distance|a block))",
    r"\b(?:insane|unbearable|excruciating|worst) pain|pain is (?:insane|unbearable|excruciating)",
    r"\b10 ?/ ?10\b",
    r"\b(?:j?peux|peut|capable) (?:pu|plus|pas|meme pas)? ?(?:me |se )?(?:lever|relever|marcher|tenir debout|bouger)\b"
    r"(?! (?:longtemps|plus de|tres|loin|sans))",
    r"\barrive (?:pas|plus|pu) a (?:me |se )?(?:relever|lever|marcher|tenir debout|bouger)\b",
    r"\bdouleur (?:insupportable|intenable|atroce|terrible|epouvantable)",
    r"\b(?:pas|pu|plus) capable de (?:me |se )?(?:relever|lever|marcher|bouger|tenir debout)",
    r"\b(?:can ?not|can'?t|unable to) rise\b",
    r"\bbeyond anything\b",
    r"\b(?:hurle|crie) de douleur",
    r"\bscream\w* (?:in|with) pain",
    r"\b(?:encore|toujours) (?:a terre|par terre|sur le plancher|sur le sol|etendu|couche)",
    r"\bstill (?:on the floor|on the ground|lying)",
    r"\b(?:been )?lying here\b",
    r"\b(?:crie|hurle) (?:qd|quand) (?:on|je)",
    r"\bscreams? when",
    r"\b(?:on|from) (?:my|the) (?:\w+ )?floor\b",
    r"\b(?:chu|chus|suis|est) (?:encore |toujours )?(?:a terre|par terre|sur le plancher|au sol)",
    r"\bcan'?t get (?:my|his|her) legs under",
)
_BOTH_LEGS = _any(
    r"\b(?:both|my two) (?:of )?(?:my |his |her )?(?:legs|feet|thighs)\b",
    r"\b(?:les|mes|ses) (?:deux|2) (?:jambes|pieds|cuisses)\b",
    r"\bboth sides\b",
    r"\bdes (?:deux|2) (?:cotes|bords)\b",
    r"\bbilat",
    r"\b(?:deux|2) membres inferieurs",
    r"\blower extremit",
)
_NIGHT_PAIN_OR_WEIGHT_LOSS = _any(
    r"\b(?:pain|hurts?) (?:at|during the) night",
    r"\bnight (?:pain|time pain)",
    r"\bcan'?t (?:lie|sleep|lay) down",
    r"\bdouleurs? (?:la |de |pendant la )nuit",
    r"\bla nuit.{0,30}(?:insupportable|intenable|endurable)",
    r"\b(?:lost|losing) (?:about |around |nearly |almost )?\d+ ?(?:lb|lbs|pounds|kg|kilos?)",
    r"\bweight loss",
    r"\b(?:perdu|maigri de) (?:environ |autour de |presque )?\d+ ?(?:lb|lbs|livres|kg|kilos?)",
    r"\bperte de poids",
    r"\bmaigri",
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

_MEDICATION = (
    r"(?:medicaments?|meds|medication|medicine|pilules?|pills?|comprimes?|advil|tylenol|motrin|aleve|lyrica"
    r"|anticoagulants?|anti-?coagul\w*|blood thinners?|eclaircisseurs?|eliquis|xarelto|coumadin|warfarin\w*"
    r"|plavix|aspirine?|insuline?|insulin|metformin\w*|ozempic|antidepresseurs?|antidepressants?"
    r"|supplements?|vitamines?|vitamins?|cannabis|cbd|pot\b|somniferes?|sleeping pills?|patch(?:es)?"
    r"|gabapentin\w*|pregabalin\w*|opio\w*|morphine|dilaudid|oxy\w*|celebrex|naproxen\w*"
    r"|ibuprof\w*|acetaminoph\w*|cortisone|prednison\w*|relaxants?|anti.?inflammatoires?"
    r"|anti.?inflammator\w*|painkillers?|antidouleurs?|ativan|lorazepam|xanax|valium|clonazepam|rivotril"
    r"|benzo\w*|anxiolytiques?|hydromorph\w*|percocet|codeine|tramadol|fentanyl|methadone|suboxone"
    r"|weed|gumm(?:y|ies)|edibles?|joints?|bieres?|beers?|alcool|alcohol|booze|vin|wine|calcium|magnesium"
    r"|omega|glucosamine|cigarettes?|clopes?|nicotine|pompes?|inhalers?|puffers?|gin|whisk(?:e)?y|scotch|vodka|rhum|rum|timbres?"
    r"|nitro\w*|fentanyl|butrans|percos?et|coumadin\w*|dilaudid\w*)"
)
# A drug or product named (not « médicaments » in general), and what it may change: a question
# naming both is about the person's own treatment (« sous Coumadin… on arrête avant l'avion? »).
_NAMED_MEDICATION = re.compile(
    r"\b(?:advil|tylenol|motrin|aleve|lyrica|anticoagulants?|anti-?coagul\w*|blood thinners?|eclaircisseurs?|eliquis"
    r"|xarelto|coumadin\w*|warfarin\w*|plavix|aspirine?|insuline?|insulin|lantus|humalog|metformin\w*|ozempic"
    r"|antidepresseurs?|antidepressants?|supplements?|vitamines?|vitamins?|cannabis|cbd|pot|(?<!si )(?<!facet )joints?|weed"
    r"|somniferes?|sleeping pills?|gabapentin\w*|pregabalin\w*|opio\w*|morphine|dilaudid|oxy\w*|celebrex"
    r"|naproxen\w*|ibuprof\w*|acetaminoph\w*|cortisone|prednison\w*|relaxants?|anti.?inflammat\w*"
    r"|butrans|nitro\w*|timbres?|percos?et|dilaudid\w*|gin|whisk(?:e)?y|scotch|vodka|rhum|rum|st\.? john'?s wort"
    r"|millepertuis|ginkgo|ginseng|echinac\w*|melatonin\w*|tamsulosin\w*|donepezil|flomax|aricept"
    r"|ativan|lorazepam|xanax|valium|clonazepam|rivotril|benzo\w*|hydromorph\w*|percocet|codeine"
    r"|tramadol|fentanyl|methadone|suboxone|zopiclone|imovane|metoprolol|ramipril|lisinopril|amlodipine"
    r"|beta-?bloquants?|methotrexate|viagra|cialis|concerta|ritalin|adderall|synthroid|levothyrox\w*|curcuma"
    r"|omega|glucosamine|tisanes?|produits naturels|naturo\w*|pilules (?:de|pour) (?:pression|la pression)"
    r"|pills? for (?:my )?(?:blood )?pressure|nicotine|patch(?:es)?|cigarettes?|vapot\w*|vaping"
    r"|smok(?:e|es|ing|er)|fum(?:e|es|er|eur|euse)|jardiance|prolia|forteo|humira|plaquenil|fosamax|l?imovane|kratom"
    r"|testo\w*|trt|percs?|vap(?:e|es|er|ing)|jvape|pipe|gabapent\w*|cyclobenzaprine|clopidogrel|enoxaparin\w*|lovenox"
    r"|fragmin|heparin\w*|piqures? dans le ventre|shots? in (?:my|the) (?:belly|stomach)|bieres?|beers?|vin|wine"
    r"|alcool|alcohol|booze|sertralin\w*|robax\w*|hydromorph\w*"
    # Generic names by their endings (-pril, -olol, -parine, -mab, -gliflozin…).
    r"|\w{3,}(?:pril|sartan|olol|statin|dipine|zepam|zolam|prazole|parine?|xaban|gliflozin|glutide|formine?|oxetine"
    r"|mab|dronate|grel|profene?|coxib|triptan|lukast))\b"
)
_CARE_QUESTION = re.compile(
    r"\b(?:operation|chirurgie|op|ope|l'ope|intervention|anesth\w*|avion|vol|douane|surgery|operation|flight|plane"
    r"|customs|jeun|fasting|derange\w*|probleme|dangereux|dangerous|retard\w*|arret\w*|cesse\w*|interromp\w*"
    r"|saut\w*|continu\w*|stop\w*|quit\w*|skip\w*|keep|garde\w*|reduire|reduit|diminu\w*|double\w*"
    r"|priver|abstain\w*|abstenir|enlever|enleve|retirer|remove|wear\w*|porter|withh\w*|cease\w*|resum\w*"
    r"|baisse\w*|jbaisse|lower\w*"
    r"|a la place|instead|remplac\w*|substitu\w*|switch\w*|sevr\w*|wean\w*|accro|addict\w*"
    r"|loperation|lop|lope|lintervention|lanesth\w*|lavion|fusion|arthrodese|jarret\w*|interruption|relais|suspend\w*"
    r"|decal\w*|compatible|correct|safe|recommenc\w*|cut\w*|half|moitie|bring|carry|cbsa|mix\w*|melang\w*)\b"
)
# A question, with or without its mark (« est ce que je la prends le matin ou pas »).
_ASKS = re.compile(
    r"\?|\best.?ce que?\b|\bou pas\b|\b(?:c'?est|ca fait|faut|je dois|jdois)[- ]tu\b|\bdois-je\b|\bcombien\b|\bcb\b"
    r"|\b(?:should|do|can|may|must) i\b|\bis it\b|\bkindly advise\b|\bwhether\b|\bi wonder\b|\bhow (?:many|long|much)\b"
    r"|\bje me demande\b|\b(?:prends|prend|peux|peut|dois|doit|vais|faut|on|il|elle|va|vas|faites|avez|fait) ?-?tu\b"
)
_TAKEN_BEFORE = re.compile(
    r"\b(?:took|tried|was on|used to take|j'ai (?:deja )?pris|j'avais pris|j'ai essaye|je prenais|prenais"
    r"|j'ai (?:deja )?eu|j'avais eu|i (?:had|got|was given|received))"
    r"\s+(?:[\w']+\s+){0,2}?" + _NAMED_MEDICATION.pattern.removeprefix(r"\b")
)
# Pills the person takes, unnamed (« je prends des pilules pour le cœur »).
_TAKES_PILLS = re.compile(
    r"\b(?:je prends?|jprends?|il prend|elle prend|i take|he takes|she takes|i'm on|im on|je suis sous)\b"
    r" (?:[\w']+ ){0,3}?(?:pilules?|pills?|medicaments?|meds|comprimes?|medications?)\b"
    r"|\b(?:mes|ses|my|his|her) (?:\w+ ){0,2}?(?:pilules?|pills|medicaments?|meds|comprimes?|medications?|pompes?"
    r"|puffers?)\b.{0,90}\b(?:arret\w*|stop\w*|continu\w*|skip\w*|saut\w*|prend\w*|take|taking|mix\w*|doubl\w*"
    r"|cesse\w*|quit\w*)\b"
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
    r"\b\d+(?:[.,]\d+)? ?(?:g|grammes?|grams?|mcg)\b.{0,40}\b(?:par jour|a day|per day|daily|par 24)",
    r"\b(?:go|up|monter|aller) (?:to|a|jusqu'a) \d+(?:[.,]\d+)? ?(?:g|grammes?|grams?|mg|pills?|pilules?|comprimes?)\b",
    r"\bcombien (?:de |d'?\s?)" + _MEDICATION,
    r"\bhow (?:many|much) " + _MEDICATION,
    r"\b(?:arret\w*|cesse\w*|diminu\w*|augment\w*|doubl\w*|sevr\w*|stop\w*|quit\w*|reduc\w*"
    r"|increas\w*|wean\w*|chang\w*|continu\w*|keep\w*|garder|skip\w*|prendre|take|taking|start\w*"
    r"|commencer|bring\w*|apporter|amener|trainer|use|using|utiliser|mix\w*|melanger|jprends?|jarrete)\b"
    r"(?:\s+[\w']+){0,4}?\s+" + _MEDICATION,
    r"\b(?:je prends|i take|i'm taking|im taking|i am taking|i'm on|im on|i am on|je suis sous|je suis sur)\b"
    # … not a questionnaire, an appointment or a flight (« could I take the eligibility questionnaire? »).
    r"(?! (?:the |a |an |your |this |my |un |une |le |la |ton |votre |mon |ma )?(?:\w+ )?(?:questionnaire|quiz|test"
    r"|survey|assessment|evaluation|appointment|rendez-vous|rdv|call|appel|flight|plane|vol|avion|trip|voyage)\b)"
    r".{0,80}(?:\?|est-ce|can i|should i|do i|dois|peux|devrais|ok\b|correct|safe|gotta|have to)",
    r"\b" + _MEDICATION + r"\b.{0,90}\b(?:avion|vol|flight|plane|fly|flying|douane|customs|border)",
    r"\b" + _MEDICATION + r"\b.{0,60}\b(?:arret\w*|cesse\w*|stop\w*|continu\w*|reprend\w*|quit\w*|skip\w*"
    r"|pause\w*|hold off)\b",
    r"\b(?:reprendre|recommencer|resume|restart|go back on)\b(?:\s+[\w']+){0,3}?\s+" + _MEDICATION,
    r"\b(?:two|deux|2|trois|three|3) (?:at once|d'un coup|en meme temps|at the same time)",
    r"\b(?:combien de temps|how long|how many (?:days|weeks))\b.{0,40}\b(?:arreter|cesser|stop|quit)\b.{0,20}"
    r"\b(?:fumer|smoking|boire|drinking|alcool|alcohol|vapot\w*|vaping)",
    r"\b(?:should|must|do|can) i (?:stop|quit|cut|keep) (?:smoking|drinking|vaping)",
    # A medication of the person's, then a question about what they may do with it.
    r"\b" + _MEDICATION + r"\b.{0,90}\b(?:can i|should i|do i|must i|ok to|okay to|is it ok to|safe to|gotta"
    r"|have to|est-ce que je (?:peux|dois)|je peux|jpeux|je dois|faut[- ]tu|faut-il que je|puis-je|dois-je"
    r"|devrais-je|vais-tu|pouvoir)\s(?:\w+ ){0,3}?(?:keep|continue|take|stop|quit|bring|use|mix|drink|have (?:a|some|one|it|them)|double"
    r"|increase|up it|doubler"
    r"|prendre|en prendre|arreter|jarrete|continuer|garder|apporter|boire|monter|augmenter|doing (?:that|it))\b",
    r"\b" + _MEDICATION + r"\b.{0,90}\b(?:or nah|gotta quit|have to quit)\b",
    r"\bje (?:la|le|les|l')\s?prends?\b.{0,80}\?",
    r"\b(?:can i|should i|do i|must i|ok to|okay to|is it ok to|safe to|est-ce que je peux|je peux-tu|jpeux tu"
    r"|puis-je|dois-je|devrais-je|pouvoir) (?:\w+ ){0,3}(?:prendre|take|bring|apporter|use|utiliser|boire|drink"
    r"|start|commencer|mix|melanger)\b(?:\s+[\w']+){0,4}?\s+" + _MEDICATION,
    r"\b(?:quit|stop|arreter|cesser)\b.{0,40}\bbefore\b.{0,30}\b(?:surgery|operation|op)\b",
    r"\b(?:je fume|i smoke|i'm a smoker|je bois|i drink)\b.{0,120}(?:\?|quit|stop|arret|cesser)",
    r"\b(?:je dois|dois-je|devrais-je|faut-il que j|est-ce que je dois|est-ce que je devrais|je devrais-tu|je dois-tu)"
    r" (?:arreter|cesser) (?:de )?(?:fumer|boire|vapoter)",
    # An allergy of one's own, then what to do or use instead (« jsuis allergique a la
    # chlorhexidine… jutilise quoi a place »): a question for the physician or the pharmacist.
    r"\b(?:je suis|jsuis|j'suis|chu|i'm|im|i am)(?: \w+)? (?:allergique|allergic)\b.{0,120}"
    r"(?:\?|\bquoi\b|a la place|a place|instead|remplac\w*|substitu\w*|can i|should i|do i|est-ce que je|dois-je"
    r"|je dois|je peux|jpeux|jutilise|j'utilise|use\b|take\b)",
)


_CHEST_PAIN = _any(
    r"\b(?:douleur|mal|serrement|pression|point)s? (?:a la |dans la |au |sur la )?(?:poitrine|thorax)\b",
    r"\bdouleur thoracique",
    r"\bchest (?:pain|hurts|is hurting|tightness|pressure)",
    r"\b(?:pain|tightness|pressure) in (?:my|his|her|the) chest",
    r"\b(?:my|his|her) chest (?:hurts|is hurting)",
    r"\boppression (?:dans la |a la |thoracique)",
    r"\b(?:poids|pression|barre|etau) (?:pose )?(?:sur|dans) (?:la |ma |sa |moi)",
    r"\b(?:discomfort|pressure|heaviness|weight|squeezing|pressing|crushing) (?:\w+ ){0,3}(?:in|on|across) (?:the (?:centre|center"
    r"|middle) of )?(?:my|his|her|the) chest",
    r"\bpoitrine\b.{0,60}\b(?:machoire|bras gauche)",
    r"\bchest\b.{0,60}\b(?:jaw|left arm)",
)
# A tight or pricking chest, which anxiety also gives: a red flag with breathlessness.
_CHEST_TIGHT = _any(
    r"\b(?:pique|serre|brule|fait mal|ecrase|point)\w* (?:dans|a|sur) (?:la|ma|sa) poitrine",
    r"\bchest (?:is |feels |feeling )?(?:\w+ )?(?:tight|sore|heavy)",
    r"\b(?:my|his|her) chest (?:is tight|feels tight)",
)
_BREATHLESS = _any(
    r"\bessouffl",
    r"\b(?:difficulte|de la misere|du mal|de la peine|misere) a respirer",
    r"\b(?:peux|peut|arrive|capable) (?:pu|plus|pas) (?:a )?respirer",
    r"\bmanque d'air",
    r"\bcherche (?:mon|son) (?:air|souffle)",
    r"\bout of breath",
    r"\bshort(?:ness)? of breath",
    r"\b(?:can'?t|cannot|hard to|trouble|struggling to) (?:catch (?:my|his|her) )?breath",
    r"\bbreathless",
    r"\b(?:misere|mal|difficulte|peine) a (?:prendre|reprendre|trouver|retrouver) (?:mon|son|ton|leur) (?:souffle|air)",
    r"\b(?:catch|get) (?:my|me|his|her) breath",
    r"\bpoign\w* (?:mon|son) (?:souffle|air)",
    r"\bsouffle court",
    r"\b(?:hard|trouble|difficult) (?:to )?breath",
)
# A recent operation or flight: what makes a clot in the lung or the leg the likely cause.
_AFTER_SURGERY_OR_FLIGHT = _any(
    r"\bback done\b",
    r"\blanded\b|\batterri",
    r"\b(?:revenue?s?|rentree?s?|home|back) (?:de |from )(?:france|paris|l'operation|the surgery)",
    r"\bopere",
    r"\boperation",
    r"\bchirurgie",
    r"\barthrodese",
    r"\bfusion",
    r"\bl'op\b",
    r"\bl'?ope\b",
    r"\bsurgery",
    r"\bpost-?op",
    r"\boperated",
    r"\bvol\b",
    r"\bavion",
    r"\bflight",
    r"\bflew\b",
    r"\bflying",
    r"\bplane\b",
)
_CALF = _any(
    r"\bmoll?ets?\b",
    r"\bcalf\b",
    r"\bcalves\b",
    r"\b(?:below|under) the knee",
    r"\blower leg",
    r"\bbas de (?:la|ma|sa) jambe",
    r"\bsous le genou",
)
_SWOLLEN_OR_INFLAMED = _any(
    r"gonfl",
    r"enfl",
    r"\bswoll",
    r"\bswelling",
    r"\bswole",
    r"\b(?:moll?ets?|calf|calves|knee|genou|jambe|leg)\b.{0,40}\b(?:hard|big|dur|gros)\b",
    r"\bpuff",
    r"\btendu",
    r"\bluisant",
    r"\bjambonneau",
    r"\brouge",
    r"\bred\b",
    r"\bchaud",
    r"\bwarm",
    r"\bhot\b",
)
_HEADACHE = _any(
    r"\bmal (?:de|a la) tete",
    r"\bmaux de tete",
    r"\bcephal",
    r"\bheadache",
    r"\bmigraine",
    r"\bhead (?:is )?(?:splitt|pound|throbb|kill)",
    r"\btete qui (?:va )?(?:exploser|fend)",
)
_UPRIGHT = _any(
    r"\bdebout",
    r"\bassis",
    r"\b(?:me|se|il se|elle se) (?:leve|lever)",
    r"\bcouche",
    r"\ballong",
    r"\bstand",
    r"\bsits? up",
    r"\bsitting up",
    r"\bgets? up",
    r"\bupright",
    r"\blying",
    r"\blie (?:down|flat)",
    r"\bsupine",
    r"\bdecubitus",
    r"\bpostural",
)
_OPERATION_WORD = (
    r"(?:opere\w*|operat\w*|chirurgie|surgery|fusion|arthrodese|microdiscectom\w*|discectom\w*|laminectom\w*"
    r"|decompression|l'op|l'?ope|op|post-?op\w*|infiltration|injection|epidural|peridurale|ponction|piqure|microdisc\w*)"
)
_RECENTLY = (
    r"(?:(?:\d+|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|quelques|one|two|three|four|five|six"
    r"|seven|eight|nine|ten|eleven|twelve|a few|a couple of?) (?:jours?|semaines?|days?|weeks?|heures|hours)"
    r"|\b[jd] ?\d+\b|\bday \d+|\bjour \d+|\btues\b|\bthurs\b|last week|la semaine (?:passee|derniere)|lundi|mardi|mercredi|jeudi"
    r"|vendredi|samedi|dimanche|monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|hier)"
)
_RECENTLY_OPERATED = _any(
    r"\b" + _OPERATION_WORD + r"\b.{0,60}" + _RECENTLY,
    _RECENTLY + r".{0,60}\b" + _OPERATION_WORD + r"\b",
    r"\bopere\w*\b.{0,25}\bil y a (?:\d+|un|une|deux|trois|quelques) (?:jours?|semaines?)",
    r"\b(?:\d+|one|two|three|a few) (?:days?|weeks?) (?:post-?op|after)",
    r"\bpost-?op",
    r"\b(?:since|depuis|after|apres) (?:the |my |his |her |l'|mon |ma |la |son |sa )?(?:back |spine |dos )?(?:surgery|operation|op|ope|chirurgie|infiltration"
    r"|injection|epidural|peridurale|ponction|fusion|arthrodese)\b",
)
_WEAK = _any(r"\bfaibl", r"\bweak", r"\bmolles?\b")
_WOUND = _any(
    r"\bcicatrice",
    r"\bplaie",
    r"\bincision",
    r"\bpansement",
    r"\bdressing",
    r"\bwound",
    r"\bscar\b",
    r"\b(?:the|my|his|her) cut\b",
    r"\bstaples",
    r"\bbandage",
    r"\boperation spot|\bwhere they (?:cut|operated)",
    r"\bpoints de suture|\bstitches",
)
# What comes out of a wound, or a wound red and hot: an infection or a leak of spinal fluid.
_WOUND_SIGN = _any(
    r"\bpus\b",
    r"\bjaun",
    r"\bcoul(?:e|ent|ait|aient|er|ee?s?)\b",
    r"\bsuint",
    r"\becoulement",
    r"\bdrain",
    r"\bleak",
    r"\booz",
    r"\bliquide (?:clair|jaune|transparent)",
    r"\bclear (?:fluid|liquid|water)",
    r"\bsereu",
    r"\bserous",
    r"\brouverte|\breopen|\bopened up",
    r"\b(?:points|stitches|staples) (?:\w+ )?(?:ont |have |has )?(?:lache|came apart|came out|let go|opened)",
    r"\bon voit dedans|\bcan see (?:inside|in it)",
    r"\bsaign|\bbleed",
    r"\bsmells? (?:off|bad|funny|awful)|\bsent (?:pas bon|mauvais|le diable)",
    r"\byellow",
    r"\brouge.{0,30}(?:chaud|enfl|gonfl)",
    r"\bred\b.{0,30}(?:hot|warm|swollen|swell)",
)
_FAINTED = _any(
    r"\bperdu connaissance",
    r"\bperd connaissance",
    r"\bevanoui",
    r"\btomb\w* dans les pommes",
    r"\bsyncope",
    r"\bfainted",
    r"\bpassed out",
    r"\bblack(?:ed)?.?out",
    r"\blost consciousness",
    r"\bwoke up on the floor",
    r"\bsuis reveille\w* (?:a terre|par terre|sur le plancher)",
)
# New confusion, in words that say nothing else (not « je suis confuse avec vos formulaires »).
_CONFUSION = _any(
    r"\bdesorient",
    r"\bdisorient",
    r"\b(?:savai[st]|sait) (?:plus|pu|pas) quel jour (?:on|il|elle|c'|nous)",
    r"\b(?:know|knew|remember) what day it (?:was|is)\b",
    r"\b(?:m'a|me) (?:appele\w*|nomme\w*) (?:par|du) (?:le )?nom",
    r"\bcalled me by (?:his|her|my)",
    r"\bmelange (?:les|ses|mes) mots",
    r"\bmix\w* up (?:his|her|my)? ?words",
    r"\brepete les memes (?:questions|choses)",
    r"\brepeat\w* the same (?:questions|things)",
    r"\btalk\w* (?:foolishness|nonsense|gibberish)",
    r"\bslurr",
    r"\bnot making (?:any )?sense",
    r"\b(?:tout|toute) (?:melange|melee?)e?\b",
    r"\b(?:asked|asks|asking) (?:me )?(?:\w+ )?(?:what|which) (?:country|day|year|city)",
    r"\bpicking at the sheets",
    r"\bdemande \d+ ?(?:x|fois) (?:ou|quand|qui)",
    r"\bparle tout croche",
    r"\bne (?:me )?reconnai\w* (?:plus|pas)",
)
_CONFUSED = _any(
    r"\bconfus(?:e|ed|ion)?\b(?! (?:par|about|by|with|avec|sur|au sujet|quant|regarding|on|as to|entre|between))",
    r"\bmixed up\b",
    r"\bfoggy\b",
    r"\bnot (?:himself|herself)\b",
    r"\b(?:melange|melee?)e?s?\b(?! (?:dans|avec|par|sur|with|about))",
    r"\b(?:acting|behaving|agit) (?:\w+ )?(?:strange\w*|bizarre\w*|weird\w*)",
    r"\bdrowsy|\bsomnolent",
)
_WORST_PAIN = _any(
    r"\bworst pain",
    r"\bpire douleur",
    r"\bjamais eu (?:aussi |si )?mal (?:de meme|comme ca|comme ça)",
    r"\bintensite inedite",
    r"\blike a knife|\bcomme un couteau|\bcomme un coup de couteau",
    r"\btearing",
    r"\bdechir",
    r"\blike lightning|\bcomme un eclair",
)
_NUMB_OR_WEAK = _any(_NUMB.pattern, _WEAK.pattern)
_CLAMMY = _any(
    r"\bclammy",
    r"\bmoite",
    r"\bsueurs? froides?",
    r"\bcold sweat",
    r"\b(?:grey|gray|gris|pale|blanc comme un drap|white as a sheet)\b",
    r"\bdiaphoret",
)
_STROKE = _any(
    r"\bbouche (?:croche|qui tombe|tombe)",
    r"\bvisage (?:croche|paralys|qui tombe)",
    r"\b(?:face|mouth)\b.{0,30}\bdroop",
    r"\bspeak\w* in a muddled|\bmuddled (?:speech|words|talk)",
    r"\bparle (?:tout )?(?:croche|mal)\b",
    r"\bcan'?t (?:find|get out) (?:his|her|my) words|\bcherche (?:ses|mes) mots",
)
_ALLERGY = _any(r"\b(?:lips?|levres?|tongue|langue)\b (?:\w+ ){0,2}(?:puffy|swollen|swelling|enfle\w*|gonfle\w*)")
# A throat that closes, which fear also says (« la gorge serrée »): an emergency after a drug or with swelling.
_THROAT_CLOSING = _any(r"\b(?:throat|gorge)\b (?:\w+ ){0,3}(?:tight|closing|swell|enfl|serre|ferme)")
_AFTER_A_DRUG_OR_SWOLLEN = _any(
    r"\bdose",
    r"\bantibiot",
    r"\bpills?\b",
    r"\bpilule",
    r"\bcomprime",
    r"\bmedicament",
    r"\btook\b",
    r"\bpris\b",
    r"\bhives",
    r"\burticaire",
    r"\bpuffy",
    r"\bswell",
    r"\benfl",
    r"\bgonfl",
    r"\binjection",
    r"\bpiqure",
)
_NECK_SWELLING = _any(r"\b(?:neck|cou)\b (?:\w+ ){0,4}(?:swollen|swelling|enfl|gonfl)")
_SWALLOW_OR_BREATH = _any(
    r"\bswallow", r"\bavaler", r"\bvoice", r"\bvoix", r"\bbreath", r"\brespir", r"\bstrangl", r"\betouff"
)
_BLEEDING = _any(
    r"\b(?:stools?|selles|caca|poop)\b (?:\w+ ){0,4}(?:black|noires?|bloody|sang|blood)",
    r"\bvomi\w* (?:du )?sang|\bvomiting blood|\bthrowing up blood|\bcoffee grounds",
)
_HARD_TO_WAKE = _any(
    r"\b(?:difficult|hard|impossible) to (?:rouse|wake)",
    r"\bcan'?t wake (?:him|her|them)",
    r"\b(?:dur|difficile) a reveiller",
    r"\bbreathing (?:\w+ )?(?:slow|shallow)",
    r"\brespire (?:tres )?(?:lentement|a peine)",
)
_LOW_OXYGEN = _any(r"\b(?:saturometre|oxymetre|saturation|sats?|o2|oxygen)\b.{0,20}\b[78]\d ?%")


# Cues that place a red flag away from the person, now. A cue of now beats them all.
_SOMEONE_ELSE = _any(
    r"\b(?:mon|ma|mes|son|sa|ses) (?:frere|pere|papa|mari|chum|conjoint|fils|voisin|voisine|beau-frere|oncle|cousin"
    r"|ami|amie|collegue|soeur|mere|maman|femme|blonde|conjointe|fille|tante|cousine|belle-soeur|beau-pere"
    r"|belle-mere|grand-pere|grand-mere|patron|boss)\b",
    r"\b(?:my|his|her|our) (?:brother|father|dad|husband|son|neighbou?r|uncle|friend|coworker|co-worker"
    r"|colleague|sister|mother|mom|mum|wife|daughter|aunt|cousin|partner|boyfriend|girlfriend|boss|grandfather"
    r"|grandmother|grandma|grandpa|in-laws?|father-in-law|mother-in-law|brother-in-law|sister-in-law)\b",
    r"\b(?:quelqu'un|quelqu'une|une personne|des gens|certaines personnes|certains patients|d'autres patients"
    r"|someone|somebody|a friend|people|some patients|other patients|a patient|un patient|une patiente)\b",
    r"\b(?:my|his|her|our) (?:buddy|pal|mate|guy|roommate|neighbou?r)\b",
    r"\b(?:mon|ma|son|sa) (?:coloc|colocataire|chum de job|amie? d'enfance)\b",
    r"\bune? (?:amie?|collegue|voisine?|connaissance|ancienne? collegue)\b",
    r"\ba (?:former |old )?(?:friend|coworker|co-worker|colleague|neighbou?r)\b",
    r"\b(?:a|une?) (?:tiktok|video|reportage|documentaire|post|reel)\b",
    r"\b(?:i )?(?:seen|saw|read|watched) (?:on|a|an|about)\b",
    r"\b(?:vu|lu) (?:un|une|sur|a la|dans)\b",
    r"\b(?:a|an|une?) (?:podcast|balado|reportage|emission|article|documentary|news story|tv show)\b",
    r"\b(?:listened to|heard|entendu)\b",
    r"\b(?:a|une?) (?:woman|man|guy|lady|gentleman|dame|gars|monsieur|madame)\b",
    r"\bbuddy\b",
    r"\ba (?:guy|lady|woman|man|friend) (?:i know|at|from|in|on)\b",
    r"\b(?:un gars|une madame|un monsieur|une femme|un homme) (?:que|de|a|au|sur)\b",
    r"\b(?:sur|on) (?:un|a|the|le) (?:forum|groupe|group|facebook)\b",
    r"\b(?:mom|dad|mum)\b",
)
# The writer is with the person whose signs they tell: those signs are not a story about others.
_BESIDE = _any(
    r"\b(?:beside|next to) me\b|\b(?:is|he's|she's) (?:here )?with me\b",
    r"\ba cote de moi\b|\b(?:qui )?est (?:ici )?avec moi\b",
    r"\b(?:writing|write|ecris|j'ecris) (?:for|on behalf of|pour)\b",
    r"\b(?:is|est|he's|she's) (?:lying|sitting|seated|couche|assis|assise) (?:here|ici|beside|next|a cote)",
    r"\b(?:we're|we are|on est) (?:at|a) (?:the |l')?(?:hotel|hopital|hospital|maison|home)",
    r"\bqui m'accompagn\w*|\bwho (?:will |would )?(?:accompany|come with) me",
)
# Someone who only speaks in the message (« ma blonde dit que chus chaud », "my wife says I'm grey").
_SPEAKER = re.compile(
    r"\b(?:mon|ma|my|his|her|son|sa) (?:\w+ )?(?:dit|disait|pense|trouve|croit|veut|insiste|says|said|thinks|insists|wants"
    r"|tells me|told me|found me|m'a trouve|is calling|drove|conduit|keeps saying)\b"
)
_MONTHS = r"(?:january|february|march|april|may|june|july|august|september|october|november|december)"
_MOIS = r"(?:janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre)"
# A season or a month gone by (« l'hiver passé », "last November"); past and dated both, unless it
# is when the trouble began (« depuis l'hiver passé », "since last month": it goes on).
_SINCE_NOT_BEFORE = r"(?<!since )(?<!depuis )"
_GONE_BY = (
    r"last (?:month|spring|summer|fall|autumn|winter|" + _MONTHS + r")|le mois (?:passe|dernier)"
    r"|l'(?:ete|hiver|automne|printemps) (?:passe|dernier)|(?:en )?" + _MOIS + r" (?:passe|dernier)"
)
_PAST = _any(
    r"\bil y a (?:\w+ )?(?:\d+|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|quelques|plusieurs) (?:ans?|annees?|mois)",
    r"\b(?:\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|a few|several|many|some) (?:years?|months?) ago",
    r"\b(?:en|in) (?:19|20)\d\d\b",
    r"\b(?:l'?an passe|l'?an dernier|l'?annee (?:passee|derniere)|last year|back then|a l'epoque|at the time)\b",
    r"\b(?:c'est (?:passe|fini|regle|parti)|ca (?:s'est|a) (?:regle|passe)|(?:went|gone) away|resolved"
    r"|(?:all )?cleared up|since recovered|fully recovered|gueri|guerie|it's over|is over|no longer)\b",
    _SINCE_NOT_BEFORE
    + r"\b(?:last yr|"
    + _GONE_BY
    + r"|back to normal|revenu a la normale|revenu normal|revenu correct|c'etait (?:la grippe|un virus|une grippe)|it was (?:the )?flu"
    r"|la derniere fois|the last time|date de (?:19|20)\d\d)\b",
    r"\b(?:\d+|a|one|two|three|a few|several) yrs? ago\b",
    r"\bdepuis (?:19|20)\d\d\b|\bsince (?:(?:my|the) [\w ]{1,30} )?(?:in )?(?:19|20)\d\d\b",
    r"\b(?:way )?back in (?:19|20)\d\d\b|\bback in " + _MONTHS + r"\b",
    r"\b(?:fine|good|ok|okay|grand|great|correct|normal) (?:now|since)\b|\b(?:been|all) (?:grand|good|fine|ok|okay)"
    r" since\b|\bc'est correct (?:maintenant|depuis)\b|\bdepuis ca tient\b",
    r"\bduring my (?:years|career)\b|\bau cours de ma carriere\b|\bin my (?:career|years)\b",
    r"\byears before\b|\bdes annees avant\b",
    r"\b(?:reglee?s?|partie?s?|passee?s?) (?:avant|depuis|tout seul|toute seule|d'elle-meme|d'elle meme)\b",
    r"\b(?:as a|when i was a) (?:kid|child|teen|teenager)\b|\bwhen i was (?:young|little)\b"
    r"|\bquand j'etais (?:petit|petite|jeune|enfant|ado)\b",
    # Where a long-standing problem comes from: « mon dos ça vient d'un accident de char »,
    # "my back problems stem from a car accident".
    r"\b(?:ca|tout ca|mon \w+|ma \w+|mes \w+) (?:me )?vien\w* d'(?:un|une|mon|ma)\b|\bcausee?s? par (?:un|une|mon|ma)\b",
    r"\b(?:comes?|came|stems?|stemmed|dates? back) from (?:a|an|my|the)\b|\bcaused by (?:a|an|my|the)\b",
)
# Signs had for a long time: not new, so not an emergency by themselves.
_CHRONIC = _any(
    r"\bstable\b",
    r"\bsame as always\b|\bcomme d'habitude\b|\bnothing new\b|\brien de nouveau\b",
    r"\bdepuis (?:des|plusieurs|quelques|\d+) (?:annees|ans|mois)\b",
    r"\bdepuis (?:longtemps|toujours)\b",
    r"\bfor (?:years|months|a long time|ages|\d+ (?:years|months))\b",
    r"\bchroni",
)
_FEARED = _any(
    r"\b(?:peur|crain\w*|inquiet\w*|inquiete|angoiss\w*|terrifi\w*|panique\w*|stress\w*|risque\w*|danger\w*"
    r"|si jamais|au cas ou"
    r"|est-ce que (?:ca|cela|c'est) (?:peut|pourrait)|ca (?:peut|pourrait)-tu|(?:peut|pourrait)-il arriver"
    r"|possible (?:que|de)|que faire si|quoi faire si|qu'est-ce qu'on fait si)",
    r"\b(?:afraid|scared|terrified|worried|worry|worries|fear\w*|nervous|anxious|risks?|chances?|what if|in case"
    r"|(?:could|can|might|will|would) (?:it|that|this) happen|happen to me|is (?:it|that) (?:common|possible)"
    r"|what (?:do|should) (?:i|we|you) do if|what happens if|possible to (?:lose|get|have)|side effects?)\b",
    r"\b(?:if (?:i|it|that|this|my|me|his|her|he|she) (?:\w+ )?ever|never happened|has never|have never|jamais arrive"
    r"|n'est jamais"
    r"|si (?:je perds|jperds?|j'perds?)|if i (?:lose|get|end up)|si (?:je me|jme|je) fai[st] oper\w*)\b",
)
# A sign supposed, not had: « et si j'ai de la fièvre en revenant? », "should I suffer a fall".
_HYPOTHETICAL = _any(
    r"\bqu.?est.?ce qui (?:arrive|se passe|va arriver) si\b",
    r"\b(?:et )?si (?:jamais )?(?:j'ai|jai|je fais|je fai|je developpe|j'attrape|jattrape|il y a|on a)\b",
    r"\b(?:if|should|were) (?:i|he|she|we|you) (?:ever )?(?:get|have|develop|developed|suffer|experience|happen"
    r"|start|to)\b",
    r"\bhypothetic|\bhypothetique|\bin the event\b|\ben cas d",
    r"\b(?:pouv\w*|peut|pourrait) (?:arriver|se produire)|\b(?:could|can|may|might) (?:happen|occur)",
    r"\b(?:va|vont|will|would|could|might|may) (?:\w+ ){0,3}(?:couler|leak|drain|ooze|s'infecter|get infected)\b",
    r"\b(?:will|would|could|might) i (?:ever )?(?:have|get|develop|feel)\b",
    r"\bif (?:me|my|his|her) \w+ (?:go|goes|get|gets|start|starts|were|was)\b",
    r"\bsi (?:\w+ )?(?:avait|avais|faisait|faisais|perdait|perdais)\b",
    r"\bwhat (?:happens|would happen)\b|\bwhat if\b",
    r"\bsi\b.{0,25}\b(?:faisais|faisait|avais|avait|tombais|tombait|perdais|perdait)\b",
    r"\b(?:mettons|supposons|disons) que\b|\blet'?s say\b|\bsuppose (?:that|i|he|she|we)\b",
    r"\bwere (?:my|his|her|i) (?:\w+ )?to\b",
    r"\b(?:est-ce que|est ce que) (?:je vais|j'vais|jvais|je pourrais) (?:avoir|faire|developper)\b|\bvais-je avoir\b",
)
_NEGATED = _any(
    r"\b(?:pas de|pas d'|aucun|aucune|jamais eu|ni |sans aucun\w*|pas (?:eu|vraiment) de|rien de)"
    r" ?(?:\w+ ){0,2}(?:probleme|trouble|engourdi\w*|perte|fievre|faiblesse|fuite|incontinen\w*|symptome|signe"
    r"|accident|sensation|vessie|urin\w*|selles|intestin\w*|cancer|numbness|numb)",
    r"\b(?:no|not any|never had|without any|haven't had|have not had|don't have|do not have|nor)"
    r" (?:\w+ ){0,2}(?:problems?|issues?|trouble|numbness|numb|loss|fever|weakness|leaks?|incontinence|symptoms?"
    r"|signs?|accident|bladder|bowel|tingling|cancer)",
    r"\b(?:not|isn't|aren't|no) (?:numb|losing|leaking|weak|feverish)\b",
    r"\bpas d'?\s?(?:engourdi|fievre|faiblesse|fuite|incontinen|perte)",
    r"\b(?:j'ai|jai|j'ai eu) rien de (?:ca|tout ca|cela|ce genre)\b",
    r"\b(?:none of (?:that|those|these)|nothing like that)\b",
    r"\b(?:pas|pas de|ni) (?:le |la |les |de )?(?:pied|jambe)s? qui (?:tombe|traine|lache)",
    r"\bni rien\b",
    r"\b(?:jambes?|vessie|legs?|bladder|bowels?) (?:sont |est |are |is )?(?:correcte?s?|ok|okay|fine|normale?s?)\b",
    r"\bno (?:saddle|sphincter|motor|bowel|bladder|neuro\w*)\b",
    r"\bnever had any\b|\bnothin'?g? wrong with me\b|\bjamais eu (?:de|d')",
)
# Words of suddenness or of the day say « now » only when no date places the story in the past
# (« il y a deux ans ses jambes ont lâché soudainement »).
_NOW_UNLESS_DATED = _any(
    r"\bdate de (?:19|20)\d\d\b",
    r"\b(?:aujourd'hui|tout d'un coup|d'un coup|tout a coup|soudainement|subitement|today|suddenly|all of a sudden"
    r"|out of nowhere|just happened|sudden-onset|sudden onset)\b",
    # « now I can't… » after « I fell in 2019 » is the story's present, not the fall's.
    r"\b(?:now|right now) (?:i|i'm|i've|my|she|she's|he|he's|they|they're|her|his)\b",
    r"\b(?:la|maintenant) (?:j'ai|je|mon|ma|mes|chu|il|elle|ils|on)\b",
)
_DATED = _any(
    r"\bil y a (?:\w+ )?(?:\d+|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|quelques|plusieurs) (?:ans?|annees?|mois)",
    r"\b(?:\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|a few|several|many|some) (?:years?|months?) ago",
    r"\b(?:en|in) (?:19|20)\d\d\b",
    r"\b(?:l'?an passe|l'?an dernier|l'?annee (?:passee|derniere)|last year|back then|a l'epoque|at the time)\b",
    _SINCE_NOT_BEFORE + r"\b(?:" + _GONE_BY + r")\b",
)
_NOW = _any(
    r"\b(?:depuis|since) (?:a matin|a soir|le souper|le diner|le dejeuner|midi|supper|dinner|lunch|noon|breakfast)\b",
    r"\b(?:il|elle|ils|elles) (?:vient|viennent) de\b",
    r"\b(?:he|she|they) (?:just|has just|have just)\b",
    r"\bjust (?:slipped|fell|collapsed|had an accident|lost|wet|peed|pooped|soiled|fainted|passed out)\b",
    r"\bvien(?:t|nent) de (?:tomber|glisser|perdre|s'effondrer)\b",
    r"\b(?:a matin|tantot|hier soir|ce midi|cet apres-midi)\b",
    r"\b(?:ca fait|since|for) (?:\d+|une|deux|trois) ?(?:h|heures?|hours?)\b",
    r"\bdepuis (?:\d+|un|une|deux|trois|quatre|quelques) (?:jours?|heures?)\b",
    r"\bdepuis (?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\b",
    r"\bdepuis (?:ce matin|hier|cette nuit|tantot|tout a l'heure|quelques heures|\d+ ?h|\d+ heures|une heure|ce soir)",
    r"\b(?:en ce moment|la, la|ce matin|cette nuit|ce soir"
    r"|right now|at the moment|this morning|this mornin|tonight|last night|since yesterday|since this morning"
    r"|just now|currently|an hour ago|hours ago|il y a (?:une|\d+) heures?)\b",
    r"\bje viens de\b",
    r"\bi just\b(?! (?:had a question|have a question|wanted|want|wanna|need|needed|wonder|read|saw|seen|heard|found"
    r"|got off the phone|learned))",
    r"\b(?:\d+|one|two|three|five|ten|fifteen|twenty|thirty|forty|fifty|a few) (?:minutes?|mins?|hours?|hrs?) ago\b",
    r"\bsince (?:this|the) (?:afternoon|evening)\b",
    r"\bdepuis (?:cet|cette) (?:apres-midi|apres midi|aprem|avant-midi)\b",
    r"\bsince (?:i|she|he|we) (?:woke|got) up\b",
    r"\bdepuis (?:que )?(?:je|j'|jme|il|elle) ?(?:me |s')?(?:suis |est )?(?:reveill|leve)",
    r"\bstarted (?:yesterday|today|this morning|last night)\b",
    r"\bil y a (?:\d+|une|quelques|cinq|dix|vingt|trente|quarante) (?:minutes?|min)\b",
    r"\b(?:depuis|since) (?:environ |about |around |vers )?(?:\d+ ?h\b|\d+ ?(?:am|pm)\b|noon|midi|supper|lunch|dinner"
    r"|breakfast|le (?:diner|souper|dejeuner|lunch))",
    r"\bsince (?:he|she|i|we) (?:got|woke|gets) up\b",
    r"\bdepuis que (?:je suis|j'suis|chu|il est|elle est) (?:debout|leve)",
    r"\b(?:this|cet|cette) (?:afternoon|evening|apres-midi|apres midi)\b",
    r"\b(?:like|about|environ|depuis|for) \d+ ?min\b",
    r"\b(?:(?:been )?lying here|still on the floor|encore (?:a terre|par terre|sur le plancher))\b",
    r"\b(?:at|around|vers) \d+ ?(?:h\d*|o'?clock)\b (?:today|aujourd'hui|ce matin|this morning)",
    r"\b(?:at|around) \d+ ?(?:o'?clock|\d\d)\b.{0,40}\b(?:now|maintenant|la)\b",
    r"\b(?:a|at) lunch\b|\bce midi\b",
    r"\by ?a \d+ ?min",
    r"\b(?:never|jamais) (?:\w+ ){0,3}(?:before|in my life|de ma vie|in \d+ years|avant)\b",
    r"\b(?:over |in |during )?the (?:past|last) (?:week|few days|\d+ days|two days|three days|24 hours)\b",
    r"\bdepuis (?:une|la) semaine\b|\bcette semaine\b|\bdepuis quelques jours\b",
    r"\bdepuis (?:une )?demi.?heure|\bdepuis (?:\d+|une|deux|trois|cinq|dix|quinze|vingt|trente) ?(?:min|minutes)\b",
    r"\b(?:he's|she's|he is|she is|i'm|im|i am|we're) (?:still )?(?:on|lying on) the (?:\w+ )?floor\b",
    r"\bjust (?:did|had) (?:a |an )?(?:black|fall|faint|seizure)",
    r"\bjust got (?:his|her|my) \w+ (?:crushed|hit|caught|stuck)",
    r"\bsince\b.{0,25}\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday)\b",
    r"\bstarted (?:on )?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
)
# A cue of now, or of a sudden start: what makes weak legs or confusion new.
_NOW_OR_SUDDEN = _any(
    _NOW.pattern,
    r"\b(?:tout d'un coup|d'un coup|tout a coup|soudainement|subitement|aujourd'hui|today|suddenly|all of a sudden"
    r"|out of nowhere|just happened|sudden-?onset)\b",
    r"\b(?:now|right now) (?:my|his|her|i|he|she)\b",
    r"\b(?:la|maintenant) (?:mes|ses|j'ai|il|elle)\b",
)
_NOW_OR_RECENT_CARE = _any(_NOW_OR_SUDDEN.pattern, _RECENTLY_OPERATED.pattern)
# One concept of a red flag, alone: named with a cue that places it away from the person
# (« pas de fièvre », "scared of losing bladder control"), it is a mention worth the note.
_RED_FLAG_CONCEPT = _any(
    r"\bvessie",
    r"\bincontinen",
    r"\bqueue de cheval",
    r"\bcauda equina",
    r"engourdi",
    r"\bparalys",
    r"\bparaly",
    r"\bfievre",
    r"\bfaiblesse (?:dans|des) (?:les |mes )?(?:2 |deux )?jambes",
    r"\bperdre (?:mes|les) jambes",
    r"\bbladder",
    r"\bbowel",
    r"\bnumbness",
    r"\bfever",
    r"\bleg weakness",
    r"\bweak legs",
    r"\bweakness in (?:my|his|her|the|one|a|both|both of (?:my|his|her)) legs?",
    r"\bsaddle",
    r"\bcauda equina",
    r"\bpisse\w* dessus",
    r"\b(?:pissed|wet|peed) (?:myself|himself|herself|themselves)",
    r"\bperdu (?:la |sa |de la )?force",
    r"\bforce dans (?:une|la|sa|ma|les|ses|mes) jambes?",
    r"\blost (?:the )?strength",
    r"\bsensibilite",
    r"\bnerve damage",
    r"\bdommages? aux nerfs",
    r"\blesions? nerveuses?",
    r"\btumou?r",
    r"\btumeur",
    r"\buriner",
    r"\bjambes? (?:sont )?(?:pas )?faibles?",
    r"\bfuites?\b",
    r"\bsphincter",
    r"\ben selle\b",
    r"\bchute\b",
    r"\bdeficits? neurolog",
    r"\bneurological deficit",
    r"\b(?:lost|lose|losing) the use of",
    r"\bperd\w* l'usage",
    r"\b(?:pu|plus|pas) (?:etre )?capable de marcher",
    r"\b(?:not|never) (?:be able to )?walk(?:ing)? again",
    r"s'engourdi",
    r"\bhypoesth",
    r"\bperte (?:legere )?de sensibilite|\blegere perte de sensibilite",
    r"\bnumb (?:patch|spot)|\bfloppy|\bdroopy|\bfoot (?:\w+ )?dropped",
    r"\bpied (?:\w+ )?(?:est )?faible|\bfaiblesse (?:au|du|dans le|dans la) (?:pied|jambe)",
    r"\bweakness (?:in|of) (?:the|my|his|her) (?:left |right )?(?:leg|foot)",
    r"\bcan'?t use (?:his|her|my) legs",
    r"\b(?:trouble|probleme|misere) (?:pour|a) aller aux toilettes|\btrouble with the bathroom|\bbathroom (?:issues|problems|trouble)",
)
_RED_FLAGS: dict[str, tuple[re.Pattern[str], ...]] = {
    "bladder_bowel": (_BLADDER_BOWEL, _LOSS_OF_CONTROL),
    "incontinence": (_INCONTINENCE,),
    "saddle_numbness": (_NUMB, _SADDLE),
    "leg_weakness": (_LEGS, _WEAKNESS_WORSENING),
    "fever": (_FEVER, _BACK),
    "trauma": (_MAJOR_TRAUMA, _BACK_ONLY),
    "trauma_cannot_stand": (_MAJOR_TRAUMA, _CANNOT_STAND_OR_BEAR),
    "cancer": (_CANCER, _BACK_ONLY),
    "cancer_signs": (_CANCER, _NIGHT_PAIN_OR_WEIGHT_LOSS),
    "both_legs_numb": (_BOTH_LEGS, _NUMB),
    "chest_pain": (_CHEST_PAIN,),
    "chest_tight_breathless": (_CHEST_TIGHT, _BREATHLESS),
    # Short of breath after an operation or a flight, since today (not breathless on stairs for years).
    "breathless_after_care": (_BREATHLESS, _AFTER_SURGERY_OR_FLIGHT, _NOW_OR_RECENT_CARE),
    "calf_clot": (_CALF, _SWOLLEN_OR_INFLAMED),
    "headache_standing_after_care": (_HEADACHE, _UPRIGHT, _RECENTLY_OPERATED),
    # Legs gone weak since this morning is new weakness, whatever words say so.
    "leg_weakness_now": (_LEGS, _WEAK, _NOW_OR_SUDDEN),
    "urinary_retention": (_RETENTION,),
    "wound_infection_or_leak": (_WOUND, _WOUND_SIGN),
    "fainted": (_FAINTED,),
    "confusion": (_CONFUSION,),
    "confusion_after_care": (_CONFUSED, _AFTER_SURGERY_OR_FLIGHT, _NOW_OR_RECENT_CARE),
    "urinary_retention_belly": (_BLADDER_BOWEL, _BELLY_FULL),
    "tearing_pain_clammy": (_WORST_PAIN, _CLAMMY),
    "stroke": (_STROKE,),
    "allergic_reaction": (_ALLERGY,),
    "throat_closing": (_THROAT_CLOSING, _AFTER_A_DRUG_OR_SWOLLEN),
    "neck_swelling_after_care": (_NECK_SWELLING, _SWALLOW_OR_BREATH),
    "bleeding": (_BLEEDING,),
    "hard_to_wake": (_HARD_TO_WAKE,),
    "low_oxygen": (_LOW_OXYGEN,),
    "sudden_severe_pain_legs": (_WORST_PAIN, _LEGS, _NUMB_OR_WEAK),
}

# Complications named (a clot, an infection, a dural leak): worth the note only when they are
# someone else's, past, negated or supposed, not in a question about their risk.
_COMPLICATION_CONCEPT = _any(
    r"\bembol",
    r"\bcaillot",
    r"\bclots?\b",
    r"\bphlebit",
    r"\bthrombo",
    r"\bdvt\b",
    r"\bbreche durale",
    r"\bdural (?:tear|leak)",
    r"\bcsf leak",
    r"\bspinal headache",
    r"\bcephalee",
    r"\binfect",
    r"\bpus\b",
    r"\bmeningit",
    r"\bspondylodisc",
    r"\bthrombos",
    r"\bmaux de tete|\bmal de tete|\bheadaches?",
    r"\bconfus",
    r"\bpied qui tombe|\bpied tombant|\bfoot drops?|\bdrop foot",
    r"\b(?:couldn'?t|could not|can'?t|cannot) walk\b(?! (?:for )?(?:long|more|very|far|much|without|any distance|a block))"
    r"|\b(?:pu|plus|pas) (?:ete )?capable de marcher\b(?! (?:longtemps|plus de|tres|loin|sans))",
    r"\bjambes (?:tres )?faibles|\blegs? (?:went|go|goes|were|was) weak|\bweak legs",
    r"\b(?:couldn'?t|can'?t) feel (?:my|his|her) (?:foot|feet|legs?|toes)|\bsentai[st] (?:moins|plus|pu) (?:mes|ses)",
    r"\bfeeling down below|\bsentait (?:pu|plus) rien",
    r"\bhold (?:her|his|my) water|\bpee(?:in|ing) (?:myself|himself|herself)",
    r"\bpisse\w* dans (?:ton|son|mon|leur) lit",
    r"\b(?:pu|plus|pas) capable d'?\s?aller (?:a la toilette|aux toilettes)",
    r"\bdizzy|\betourdi",
    r"\bnumb(?:ness|ed)?\b|\bengourdi|\btingle",
    r"\bdeficit",
    r"\bfoot (?:has )?dragg|\bpied (?:qui )?trai?ne",
)
# A history of cancer with new back pain is the red flag itself: the past does not set it aside.
_PAST_IS_THE_FLAG = {"cancer", "cancer_signs"}
# A confused person's talk is full of the past (« the dog died in 2019 »): it places nothing.
_PAST_SAYS_NOTHING = _PAST_IS_THE_FLAG | {"confusion", "confusion_after_care"}


def _placed_away(folded: str) -> bool:
    return bool(_FEARED.search(folded) or _placed_elsewhere(folded))


def _placed_elsewhere(folded: str) -> bool:
    """Someone else's, past, long-standing, negated or supposed: not a fear of one's own risk."""
    return bool(
        _SOMEONE_ELSE.search(folded)
        or _PAST.search(folded)
        or _CHRONIC.search(folded)
        or _NEGATED.search(folded)
        or _HYPOTHETICAL.search(folded)
    )


def mentions_a_red_flag(text: str) -> bool:
    """Whether ``text`` names one sign of a red flag away from the person now (« pas de
    fièvre », "scared of bladder problems"), though no red flag is described."""
    folded = fold(text)
    if _RED_FLAG_CONCEPT.search(folded) and _placed_away(folded):
        return True
    return bool(_COMPLICATION_CONCEPT.search(folded) and _placed_elsewhere(folded))


def _happening_now(folded: str) -> bool:
    return bool(_NOW.search(folded) or (_NOW_UNLESS_DATED.search(folded) and not _DATED.search(folded)))


def is_mention(text: str, red_flag: str) -> bool:
    """Whether the red flag in ``text`` is placed away from the person now.

    Someone else's, past and over, feared or negated: a mention. A cue of now (« depuis ce
    matin », "right now") makes it an emergency again, whoever it happens to.

    Args:
        text: The user message.
        red_flag: The red flag found in it (:func:`find_red_flag`).

    Returns:
        ``True`` for a mention, ``False`` for an emergency.
    """
    folded = fold(text)
    if _happening_now(folded):
        return False
    past = red_flag not in _PAST_SAYS_NOTHING and (_PAST.search(folded) or _CHRONIC.search(folded))
    someone_else = _SOMEONE_ELSE.search(_SPEAKER.sub(" ", folded)) and not _BESIDE.search(folded)
    return bool(
        someone_else or past or _FEARED.search(folded) or _NEGATED.search(folded) or _HYPOTHETICAL.search(folded)
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
    folded = fold(text)
    if _MEDICAL_ADVICE.search(folded):
        return True
    # A drug the person takes, named, in a question about the surgery, the flight or stopping it
    # (one taken once, in a story, is not: « took Advil, did physio; do I need physio first? »).
    current = _TAKEN_BEFORE.sub(" ", folded)
    taken = _NAMED_MEDICATION.search(current) or _TAKES_PILLS.search(current)
    return bool(_ASKS.search(folded) and taken and _CARE_QUESTION.search(folded))


def placed_away_from_now(text: str) -> bool:
    """Whether ``text`` places what it tells away from the person now (someone else's, past,
    long-standing, feared, negated or supposed), with no cue of now."""
    folded = fold(text)
    return not _happening_now(folded) and _placed_away(folded)


def assess(text: str, suspected: bool = False) -> SafetyFinding | None:
    """Return the safety intent ``text`` must get, red flags first, or ``None``.

    Args:
        text: The user message.
        suspected: Whether the emergency classifier (:mod:`bot.nlu.emergency_classifier`)
            suspects an emergency: with no red flag found, it is one unless the message
            places what it tells away from the person now.

    Returns:
        ``SafetyFinding("emergency", <red flag>)`` (``"suspected"`` for the classifier's), ``SafetyFinding("medical_advice",
        "personal_advice")``, ``SafetyFinding("red_flag_mention", <red flag>)`` for a red flag
        that is not the person's now (the medication question wins over it), or ``None``.
    """
    red_flag = find_red_flag(text)
    if red_flag and not is_mention(text, red_flag):
        return SafetyFinding("emergency", red_flag)
    if suspected and not red_flag and not placed_away_from_now(text):
        return SafetyFinding("emergency", "suspected")
    if asks_personal_advice(text):
        return SafetyFinding("medical_advice", "personal_advice")
    if red_flag:
        return SafetyFinding("red_flag_mention", red_flag)
    if mentions_a_red_flag(text):
        return SafetyFinding("red_flag_mention", "sign_named")
    return None
