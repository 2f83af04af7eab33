"""Reads a message in the light of its shape and of the conversation before it.

Rasa's NLU pipeline sees one message at a time. Patients write stories before their question,
and follow-ups that lean on the previous question. :func:`understand` runs the trained
pipeline (``parse``) on up to three readings of a message and keeps the one that answers:

- the whole message (always first: the language and the safety findings come from it, and
  an emergency or a medication question wins at once);
- its question alone, when a story comes before it;
- a previous question followed by this message, when this one is elliptic (« pis pour
  celle-là? ») or the trained ``follow_up`` intent says so. The thread may be the last
  question or the one before it (« what's the wait? », « do they speak English? », « and for
  just a consult? »): each is tried, and the answer that fits its thread and the message best
  is kept, the older thread counting less.

A story with no question becomes ``share_story`` (a prompt to ask, not a random answer); a
follow-up that no reading resolves stays ``follow_up``, which asks a precise clarifying
question. The conversation's previous question comes from the tracker
(:func:`previous_question`), so the reading survives restarts and works across the server
processes that share the tracker store.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.shared.core.events import SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, RESPONSE_SELECTOR

from bot.message_shape import MessageShape, asks, leans_back, shape_of
from bot.nlu.topic_coverage import LACKING_KEY
from bot.safety import assess
from bot.text import fold, words

Parse = Callable[[str], Awaitable[dict[str, Any]]]

UNDERSTANDING_KEY = "understanding"
FAQ = "faq"
FOLLOW_UP = "follow_up"
SHARE_STORY = "share_story"
# Intents whose answer no other reading may replace: safety, and the person's requests.
MENTION = "red_flag_mention"
FINAL_INTENTS = {"emergency", "medical_advice", MENTION}
# Readings that answer nothing by themselves.
NOT_ANSWERING = {"nlu_fallback", FOLLOW_UP, SHARE_STORY, "not_in_documents", "out_of_scope", "inform"}
# Intents a story without a question replaces: a story is not a request for a FAQ.
STORY_REPLACES = {
    FAQ,
    SHARE_STORY,
    "nlu_fallback",
    FOLLOW_UP,
    "not_in_documents",
    "out_of_scope",
    "inform",
    "affirm",
    "deny",
}
# Readings an elliptic message may have by mistake, which the previous question may correct.
CONTEXT_MAY_CHANGE = {FAQ, "nlu_fallback", FOLLOW_UP, SHARE_STORY, "not_in_documents", "out_of_scope", "inform"}
# A request among the sentences of a long message wins over its questions.
REQUESTS = {"eligibility", "request_human"}
# A part of a message read as a request must say what it asks for: to be evaluated, an
# appointment, a call, a person. (Read alone, « I'll be staying at a hotel and want to be with
# her » or « faut que j'en refasse une? » looked like requests to the model.)
_REQUEST_CUE = re.compile(
    r"\b(?:evalu\w*|admiss?ib\w*|el+[ei]g[aei]b\w*|candidat\w*|qualif\w*|etudi\w*|examin\w*|analys\w*"
    r"|review\w*|look at my|considered|accept\w*|rendez-vous|rdv|consult\w*|inscri\w*|questionnaire"
    r"|commencer|debuter|demarr\w*|appel\w*|rappel\w*|telephon\w*|parler|jaser|contact\w*|joindre|coordonnat\w*"
    r"|conseill\w*|quelqu'un|humain|une personne|vraie personne|assess\w*|appointment|book\w*|sign(?:ing)? up"
    r"|regist\w*|start\w*|begin|get started|call\w*|phone|speak|talk|reach|coordinator|someone|somebody|a person"
    r"|real person|human|agent|screen\w*|apply|application|soumettre|submit|criteres?|criteria|verifi\w*|suitable)\b"
)
# Asking, in the first person, for an appointment or a call is a request for a person whatever
# else the message names (« je peux tu avoir un rendez-vous avec le Dr Desforges? » is not a
# question about the doctor).
_ASKS_FOR_APPOINTMENT = re.compile(
    r"\b(?:(?:je|j') ?(?:peux|peux-tu|peux tu|pourrais|voudrais|veux|aimerais|souhaite|souhaiterais)"
    r"|puis-je|est-ce que je (?:peux|pourrais)|(?:pouvez|pourriez)-vous me|vous pouvez tu me)"
    r" (?:(?:avoir|prendre|booker|obtenir|fixer|cedule\w*) )?(?:un |une )?(?:rendez-vous|rendez vous|rdv|appel)\b"
    r"|\b(?:can|could|may) (?:i|we) (?:get|book|have|make|schedule|set up) (?:an |a )?(?:appointment|call|consultation)\b"
    r"|\bi(?:'d| would) like (?:to (?:book|make|get|schedule) )?(?:an |a )?(?:appointment|call back|callback)\b"
    r"|\bi want (?:to book )?(?:an |a )?appointment\b"
    # … or to talk to a person of the service (« est-ce que je peux parler à une infirmière »).
    r"|\b(?:(?:je|j') ?(?:peux|pourrais|voudrais|veux|aimerais)|jveux|jvoudrais|jaimerais|jpeux|puis-je"
    r"|est-ce que je (?:peux|pourrais))"
    r"(?: quand meme| bien| juste)? (?:parler|jaser|discuter)(?: (?:au|par) telephone)? (?:a|avec)"
    r" (?:quelqu'un|une personne|une vraie personne|un humain|un vrai humain"
    r"|une? infirmi\w*|une? coordonnat\w*"
    r"|une? conseill\w*|une? agente?|un membre)\b"
    r"|\b(?:(?:can|could|may) i|i(?:'d| would)(?: still| really)? like to|i want to)(?: still| just)? (?:talk|speak)(?: on the phone)? (?:to|with)"
    r" (?:someone|somebody|a person|a human|a nurse|a coordinator|an agent|a real person|a member)\b"
    # … or for someone of the service to reach the person (« est-ce qu'un conseiller pourrait
    # communiquer avec moi? », "can someone call my mom"), a call back or a meeting, a human.
    r"|\b(?:quelqu'un|qqn|un conseiller|une conseillere|une? coordonnat\w*|un membre|une personne|un responsable"
    r"|une? infirmi\w*|someone|somebody"
    r"|a coordinator|an advisor|a nurse|a person|a human|one of (?:your|ur) (?:coordinators|people|staff|team))\b"
    r"(?: (?:de|du|des|of|from|at|chez|in|on) (?:[\w']+ ){0,2}?[\w']+)?"
    r" (?:(?:peut|peux|pourrait|pourriez|pourrais|could|can)(?: [\w']+){0,2}?"
    r" (?:communiquer|contacter|appeler|rappeler|joindre|ecrire|telephoner|call|contact|reach|email|e-mail|phone"
    r"|get back|write|ring)|(?:me|m') ?(?:appeler|rappeler|contacter|joindre|ecrire|telephoner))\b"
    r"|\b(?:can|could|peut|pourrait)(?:-il| il)? (?:someone|somebody|quelqu'un|qqn|one of (?:your|ur) \w+"
    r"|a coordinator|a nurse|un conseiller|une conseillere|une? coordonnat\w*)"
    r"(?: (?:de|du|of|from|at|chez|in|on) (?:[\w']+ ){0,2}?[\w']+)? (?:please )?(?:call|contact|reach"
    r"|email|e-mail|phone|ring|get back to|write|appeler|rappeler|contacter|joindre|m'appeler|me rappeler|me contacter"
    r"|me joindre|m'ecrire)\b"
    r"|\b(?:possible (?:de |d'|d)?|(?:je |j'|j)(?:peux|pourrais|voudrais|aimerais|veux) (?:d')?|i'd like to |i would like"
    r" to |i want to |can i |could i |may i |please )(?:avoir|obtenir|get|have|request|demander|booker|book|schedule"
    r"|set up) (?:un |une |a |an )?"
    r"(?:rappel|call ?back|callback|meeting|rencontre|appel|zoom|teams|visio\w*|phone call|video call)\b"
    r"|\b(?:human|humain|une? vraie? personne|a real person|a live person) (?:please|pls|plz|svp|s'il vous plait)\b"
    # … in the subjunctive (« j'aimerais qu'une infirmière me rappelle »), or have someone call.
    r"|\b(?:aimerais|voudrais|souhaite\w*|veux)(?: ca| bien)? qu(?:'|e )(?:une? |quelqu'un|qqn)(?:[\w']+ ){0,4}?"
    r"(?:me rappelle|m'appelle|me contacte|me telephone|me joigne|m'ecrive|communique avec moi)\b"
    r"|\b(?:have|get|ask) (?:someone|somebody|a coordinator|a nurse|one of (?:your|ur) \w+) (?:to )?(?:give me a call"
    r"|call me|contact me|phone me|reach me|email me|get back to me)\b"
    r"|\b(?:parler|jaser|discuter) (?:a|avec) (?:un|une) (?:responsable|conseill\w*|coordonnat\w*)\b"
    r"|\b(?:plutot qu'(?:avec|a) (?:un|une|le|la) (?:assistant|robot|bot|machine|agent virtuel)"
    r"|(?:not|pas) (?:\w+ ){0,3}(?:chatting|talking|chatter|parler|jaser|explaining|explain|writing|typing|expliquer"
    r"|ecrire|raconter|conter)(?: [\w']+){0,3}? (?:with|to|avec|a|aux) (?:a|an|un|une|les|des|the|des|vos|your)?"
    r" ?(?:bots?|robots?|machines?|chatbots?|ordis?|ordinateurs?|computers?|ai|ia))"
    # … or to be put through to a person (« passez-moi donc un vrai monde », "get me an actual human").
    r"|\b(?:passez-moi|passe-moi|passez moi|donnez-moi|je veux|jveux|get me|give me|put me through to|connect me"
    r" (?:to|with)|transfer me to)(?: donc)? (?:a |an |un |une )?(?:vrai monde|vraie? personne|humain|vrai humain"
    r"|actual (?:human|person)|real (?:human|person)|live (?:human|person|agent)|human|person)\b"
    r"|\b(?:transmettre|pass|forward) (?:ma demande|my request|my file|mon dossier) (?:a|to) (?:un|une|a|an|your)"
    r" (?:coordonnat\w*|conseill\w*|coordinator|advisor|person|personne)"
)
# Asking whether one is a candidate is asking to be evaluated, whatever surgery it names ("Am I
# a candidate for outpatient spine surgery?"); not whether one is eligible for a subsidy.
_ASKS_TO_BE_EVALUATED = re.compile(
    r"\b(?:am i|would i be|could i be|est-ce que je suis|est-ce que je serais|suis-je|serais-je|je suis tu|je serais tu"
    r"|chu tu)(?: un| une| a| an)?(?: good| bon| bonne)? (?:candidat\w*|candidate|eligible|admissible)\b"
    r"(?! (?:for|to|a|aux?|pour) (?:public |des |une |a )?(?:subsid\w*|subvention\w*|rembours\w*|reimburs\w*|aide\w*|cnesst|insurance))"
    r"|\b(?:do|would|could) i qualify\b|\best-ce que je me qualifie\b|\bje me qualifie tu\b"
    # … or whether one could be evaluated (« si je pourrais être évaluée par vos spécialistes »).
    r"|\b(?:(?:je|j') ?(?:peux|pourrais|voudrais|veux|aimerais|souhaite\w*)|jveux|jvoudrais|jaimerais|pourrais-je"
    r"|puis-je) (?:etre|me faire) (?:evalue\w*|examine\w*)\b"
    r"|\b(?:(?:can|could|may) i|i(?:'d| would) like to|i want to) (?:be|get) (?:evaluated|assessed|screened)\b"
    # … to know whether one qualifies, however spelt (« savoir si vous me prendriez », "wondering if
    # im a canidate", « comment savoir si elle se qualifie »), or whether one fits the criteria.
    r"|\b(?:savoir|voir|verifier|checker|know|learn|see|find out|check|wondering|wonder|tell me|dire)"
    r" (?:si|if|whether) (?:[\w']+ ){0,4}?(?:(?:candidat|canidat|canditat|candiat)(?!ure)\w*|candidate|qualif\w*"
    r"|admissible|el+[ei]g[aei]b\w*|vous (?:me |le |la |les )?prendri\w*|vous (?:me |m')?accepter\w*"
    r"|(?:you|you'd|you would|your team) (?:\w+ )?(?:take|accept) (?:me|him|her|my (?:case|file)))\b"
    r"|\b(?:rentre|fit|fits|meet|meets|correspond\w*|repond\w*|satisf\w*) (?:\w+ )?(?:dans |in |to |with |a |aux )?(?:vos|your|les|the)?"
    r" ?(?:criteres|criteria)\b"
    # … to start the process (« partir le processus avec vous autres », "get the ball rolling"),
    # (not the CNESST's process: « how do I start my CNESST application » is a question about it),
    r"|\b(?![^.?!]{0,80}\b(?:cnesst|csst)\b)(?:(?:je|j') ?(?:veux|voudrais|aimerais|souhaite\w*|desire\w*)|jveux|jvoudrais"
    r"|jaimerais|comment (?:je|on)"
    r" (?:fais|fait|peux|peut)|(?:je|on) fai[st] comment|how (?:do|can|would) (?:i|we)|i(?:'d| would) like to"
    r"|i want to|wanna|help me|(?:can|could) (?:i|we)|how to)\b.{0,30}\b(?:partir|commencer|debuter|entamer|demarrer"
    r"|lancer|embarquer|start"
    r"|begin|initiate|kick off)(?: [\w']+){0,2}? (?:le |la |l'|votre |une? |the |your |an? |my |mon |ma )?"
    r"(?:processus|process|demarches?|evaluation|evaluation preliminaire|application|dossier chez vous)\b"
    r"|\bget the ball rolling\b"
    # … the questionnaire, an assessment booked, or how to get assessed ("how do i get asessed").
    r"|\b(?:take|do|fill (?:out|in)|start|faire|remplir|commencer|passer) (?:the |your |le |votre |ce |this )?"
    r"(?:eligibility |d'admissibilite |d'eligibilite )?questionnaire\b"
    r"|\b(?:book|schedule|reserver|booker) (?:me |moi )?(?:an? |une? )?(?:evaluation|assessment|evaluations?)\b"
    r"|\b(?:what do i (?:need to |have to |got to |gotta )?do|how (?:do|can|would) i|comment (?:je|on) (?:fais|fait|peux|peut))"
    r" (?:to |pour )?(?:get|be|me faire|etre|se faire) (?:looked at|as+es+ed|evaluated|screened|seen|evalue\w*)\b"
    r"|\b(?:pre-?screen|evaluation preliminaire)\b"
    r"|\bget (?:my |the |his |her )?(?:surgery|operation|it) done (?:through|with|by) (?:you|your|u)\b"
    # … someone to look at one's case (« je voudrais que quelqu'un regarde mon affaire », "i want
    # somebody to look at my case"), or one's case submitted (« soumettre mon dossier »).
    r"|\b(?:voudrais|aimerais|veux|souhaite\w*|j'?aimerais|jaimerais)(?: bien)? qu(?:'|e )(?:quelqu'un|qqn|vous|vos"
    r" \w+|un \w+|une \w+)(?: [\w']+){0,2}? (?:regarde|regardiez|examine|examiniez|evalue|evaluiez|etudie"
    r"|etudiiez|analyse|analysiez|jette un \w+|jetiez un \w+) (?:[\w']+ ){0,2}?(?:mon|ma|mes|son|sa|ses|notre)"
    r" (?:affaire|dossier|cas|situation|irm|resonance|file)\b"
    r"|\b(?:want|like|need|get|have)(?: for)? (?:somebody|someone|you|your team|one of your \w+|a surgeon|a doctor"
    r"|a specialist|your doctors?|your surgeons?) to (?:look at|look over|review|assess|evaluate|check|go over"
    r"|take a look at) (?:my|his|her|our) (?:case|file|situation|mri|back|records|chart)\b"
    r"|\b(?:submit|soumettre|send you|vous envoyer|vous soumettre) (?:my|his|her|mon|son|notre|ma|sa) (?:case|file"
    r"|dossier|cas)(?: (?:for|pour) (?:your|votre|vos|an?|une) (?:consideration|evaluation|review|examen|analyse))?\b"
    r"|\b(?:determine|decide|assess|tell me|figure out|determiner|juger) (?:whether|if|si) (?:i|he|she|my \w+|je"
    r"|j'|il|elle) (?:would be|am|is|could be|serais|suis|serait|est|pourrais etre) (?:\w+ )?(?:suitable|a good fit"
    r"|a fit|apte|un bon candidat|une bonne candidate)\b"
)
# … unless it asks when or how soon (« en combien de temps je peux avoir un rendez-vous? »).
_ASKS_WHEN = re.compile(
    r"\b(?:combien de temps|(?<!meilleurs )delais?|quand (?:est-ce|je|puis|pourrais|vais|peut)"
    r"|how (?:fast|long|soon|quickly)|when (?:can|could|will|would|do|does|is)|what(?:'s| is) the wait"
    r"|wait(?:ing)? (?:time|for an?)|(?:l'|quelle )attente (?:est|pour|avant))\b"
)
# … and does not decline the questionnaire (« non merci, je veux pas faire le questionnaire »).
_DECLINES = re.compile(
    r"\b(?:pas|pu|plus|jamais|not|never|don'?t|dont|no need to)\b(?: [\w']+){0,3}? (?:faire|remplir|passer|commencer"
    r"|take|do|fill|start)\b"
)
# Asking whether someone is there to call (« y a-tu quelqu'un à appeler la nuit? », "is there
# someone I can call?") asks how the care is organised, not to be called.
_IS_SOMEONE_THERE = re.compile(
    r"\b(?:y a|il y a|y'a|ya)(?:-t-il|-tu| tu)? (?:quelqu'un|qqn|une personne|du monde)"
    r" (?:a (?:appeler|joindre|contacter)|que (?:je|j') ?(?:peux|pourrais|pourrai) (?:appeler|joindre|contacter)"
    r"|de garde|sur place|la nuit|24 ?h)"
    r"|\b(?:is there|will there be|are there) (?:someone|somebody|anyone|a person|people|a nurse|a doctor)"
    r" (?:to call|to reach|i (?:can|could) (?:call|reach|contact)|there|on call|available|24/7|at night)"
)
# … when the selector is at least this sure of its answer (the FAQ gate's threshold).
SOMEONE_THERE_ANSWER_CONFIDENCE = 0.1
REQUEST_CONFIDENCE = 0.8
# Asking whether one talks to a machine or a person (« je parle-tu à un robot? », "am I talking
# to a real person?") asks what the assistant is, and the answer offers a coordinator; asking
# for a person besides (« …jveux parler a un vrai humain ») is a request.
BOT_CHALLENGE = "bot_challenge"
_ASKS_IF_A_MACHINE = re.compile(
    r"\b(?:am i|are you|is this|is it|est-ce que je|je parle(?:-tu| tu)?|suis-je|c'est|cest|c'est-tu|t'es|tu es|es-tu|vous etes"
    r"|etes-vous|ce tu|c tu|is that)\b(?: [\w'-]+){0,4}? (?:bot|robot|chatbot|machine|ai|ia|real person|real human"
    r"|vraie personne|vrai humain|humain|human|personne|automate|ordinateur|computer)\b[\s?!.]*$"
)


def _asks_if_a_machine(text: str) -> bool:
    """Whether ``text`` only asks if a machine answers (:data:`_ASKS_IF_A_MACHINE`)."""
    folded = fold(text).strip()
    return bool(_ASKS_IF_A_MACHINE.search(folded)) and not _asks_now(_ASKS_FOR_APPOINTMENT, text)


# Asking something for oneself: « je veux », « je peux-tu », « m'inscrire », "I'd like", "call me".
_FOR_ONESELF = re.compile(
    r"\b(?:(?:je|j') ?(?:veux|voudrais|aimerais|souhaite\w*|peux|pourrais|desire|demande)|jveux|jvoudrais|jaimerais"
    r"|jpeux|m'(?:inscrire|evaluer|appeler|rappeler|contacter)|me (?:faire evaluer|rappeler|contacter|appeler|joindre)"
    r"|i (?:want|would like|need|wanna)|i'd like|id like|can i|could i|may i"
    r"|(?:call|contact|evaluate|assess|reach|email|phone|help) me|sign me up)\b"
)
# A message of at most this many words after a question, read as a request less surely than
# this and asking nothing for the person (« and for just a consult? », « Et qui s'occupe de
# soumettre la demande? »), is read with its thread first.
ELLIPTIC_REQUEST_CONFIDENCE = 0.9
UNASKED_REQUEST_MAX_WORDS = 12
# A whole message read as a request this surely stays one, whatever its last question.
WHOLE_REQUEST_CONFIDENCE = 0.6
# A question marked « ? » and answered this surely wins over a request among the sentences.
SURE_QUESTION = 0.6
REQUEST_SENTENCES = 4
# The weight an answer keeps in a follow-up when the message alone does not rank it (chosen on
# the field test's development half: 25 of its 28 follow-ups, against 22 with the thread alone).
ALONE_FLOOR = 0.1
# How many user messages back a follow-up may reach for its question, and how many of the
# questions found there are tried as its thread.
FOLLOW_UP_REACH = 3
FOLLOW_UP_THREADS = 2
# How much an older thread's fit counts against the last question's.
OLDER_THREAD_WEIGHT = 0.5
# What a question is about (a body, a procedure, a service, a place: « la CNESST », "a second
# opinion", « la fusion », "the clinics"), not the facet it asks (the surgeon's fees, the
# price, the wait), which a follow-up that asks more carries over: read with its subject only, « ok
# and the plane tickets? » after « does the CNESST pay the surgeon? » asks what the CNESST pays
# for the trip, where read with the whole question it leans to the surgeon's fees.
_SUBJECT = re.compile(
    r"\b(?:cnesst|csst|saaq|second (?:avis|opinion)|deuxieme (?:avis|opinion)|2e avis|avis (?:d'expert|international)"
    r"|fusion|arthrodese|microdiscectom\w*|discectom\w*|hernies? discales?|hernie|herniated discs?|hernia"
    r"|decompression(?: neurovertebrale)?|tagmed|tops|implants?(?: dynamiques?)?|dynamic implants?"
    r"|protheses? discales?|disc replacement|(?:chirurgie )?ambulatoire|outpatient(?: surgery)?|day surgery"
    r"|syndrome (?:du dos (?:opere|rate)|d'echec)|failed back(?: surgery)?(?: syndrome)?|fbss|dos rate"
    r"|chirurgies? multiples|multiple surger\w*|two surgeries|deux (?:operations|chirurgies)"
    r"|cliniques?(?: partenaires?)?|(?:partner )?clinics?|dossier medical|medical (?:file|records?)"
    r"|scoliose|scoliosis|stenose|stenosis|desforges|bordeaux|toulouse|paris|le mans"
    r"|traitements? conservateurs?|conservative (?:care|treatments?)|forfait|package)\b"
)


def subject_of(question: str) -> str:
    """The words of ``question`` that say what it is about (:data:`_SUBJECT`), folded, or ``""``."""
    found: list[str] = []
    for match in _SUBJECT.finditer(fold(question)):
        if match.group() not in found:
            found.append(match.group())
    return " ".join(found)


def intent_of(parse_data: dict[str, Any]) -> str | None:
    """The intent name of a parse."""
    return (parse_data.get(INTENT) or {}).get("name")


def confidence_of(parse_data: dict[str, Any]) -> float:
    """How sure a parse is: the FAQ answer's probability for a FAQ, else the intent's."""
    if intent_of(parse_data) == FAQ:
        return float(_selected_answer(parse_data).get("confidence") or 0.0)
    return float((parse_data.get(INTENT) or {}).get("confidence") or 0.0)


def _selected_answer(parse_data: dict[str, Any]) -> dict[str, Any]:
    """The FAQ answer the selector chose for a reading (``intent_response_key``,
    ``confidence``…), or ``{}``."""
    return (parse_data.get(RESPONSE_SELECTOR) or {}).get(FAQ, {}).get("response", {})


def answers(parse_data: dict[str, Any]) -> bool:
    """Whether a reading gives the person something: an answer, a questionnaire, a coordinator."""
    return intent_of(parse_data) not in NOT_ANSWERING


def previous_question(tracker: DialogueStateTracker | None) -> str | None:
    """The text of the conversation's last question that got an answer, if recent enough.

    A follow-up that was itself resolved counts with the text it was resolved with, so that
    « et pour une fusion? » then « pis combien ça coûte? » keep the thread.
    """
    questions = previous_questions(tracker, 1)
    return questions[0] if questions else None


def previous_questions(tracker: DialogueStateTracker | None, most: int = FOLLOW_UP_THREADS) -> list[str]:
    """The texts of the conversation's last questions that got an answer (at most ``most``,
    the last first), among its last ``FOLLOW_UP_REACH`` messages of this session."""
    found: list[str] = []
    if tracker is None:
        return found
    seen = 0
    for event in reversed(tracker.events):
        if isinstance(event, SessionStarted) or len(found) >= most:
            break
        if not isinstance(event, UserUttered):
            continue
        seen += 1
        if seen > FOLLOW_UP_REACH:
            break
        parse_data = event.parse_data or {}
        if intent_of(parse_data) in {FAQ, "not_in_documents", "medical_advice", "red_flag_mention"}:
            read = (parse_data.get(UNDERSTANDING_KEY) or {}).get("read", event.text)
            if read and read not in found:
                found.append(read)
    return found


def _with_intent(parse_data: dict[str, Any], name: str) -> dict[str, Any]:
    """A copy of ``parse_data`` whose intent is ``name``, sure, at the head of the ranking."""
    intent = {"name": name, "confidence": 1.0}
    ranking = [entry for entry in parse_data.get(INTENT_RANKING_KEY) or [] if entry.get("name") != name]
    return {**parse_data, INTENT: intent, INTENT_RANKING_KEY: [intent, *ranking]}


def _merged(whole: dict[str, Any], chosen: dict[str, Any], reading: str, read: str) -> dict[str, Any]:
    """The chosen reading's intent and answer, with the whole message's text and language."""
    if chosen is whole:
        result = dict(whole)
    else:
        entities = [entity for entity in chosen.get("entities") or [] if entity.get("entity") != "language"]
        entities += [entity for entity in whole.get("entities") or [] if entity.get("entity") == "language"]
        result = {**chosen, "text": whole.get("text"), "entities": entities}
    result[UNDERSTANDING_KEY] = {"reading": reading, "read": read}
    return result


async def understand(text: str, parse: Parse, tracker: DialogueStateTracker | None) -> dict[str, Any]:
    """Parses ``text`` in the light of its shape and of the conversation (see the module).

    Args:
        text: The person's message.
        parse: Runs the trained NLU pipeline on a text, with the message's metadata.
        tracker: The conversation before this message, or ``None``.

    Returns:
        The parse data to act on, with an ``understanding`` entry naming the reading kept.
    """
    parse = _once_per_text(_asking_is_someone_there(parse))
    whole = await parse(text)
    if text.startswith("/") or (tracker and tracker.active_loop_name):
        return whole
    whole = _small_talk_nearly_sure(whole)
    if intent_of(whole) in FINAL_INTENTS - {MENTION}:
        # A referral only the model heard (no medication pattern found) gives way to a request
        # the message makes: "What do I need to do to find out if I can get my surgery done
        # through you?" asks to be evaluated, not for advice.
        request = _request_made(text) if _advice_only_the_model_heard(whole) else None
        return whole if request is None else _merged(whole, _with_intent(whole, request), "request", text)
    if _names_what_the_documents_lack(whole):
        # « J'ai entendu parler du Dr Garnier. Est-ce qu'il fait partie de votre réseau? »: the
        # question alone would lose who it asks about.
        return _merged(whole, whole, "whole", text)
    shape = shape_of(text)
    if intent_of(whole) == MENTION:
        return await _mention(whole, text, shape, parse)
    chosen, reading, read = await _story_or_question(whole, text, shape, parse)
    request = _request_made(text)
    if intent_of(chosen) not in REQUESTS and request is not None:
        return _merged(whole, _with_intent(whole, request), "request", text)
    if (intent_of(chosen) == "request_human" or not answers(chosen)) and _asks_if_a_machine(text):
        return _merged(whole, _with_intent(whole, BOT_CHALLENGE), "whole", text)
    earlier = previous_questions(tracker)
    # Elliptic (« pis pour celle-là? »), or not understood alone right after a question.
    # A short question read unsurely as a request it does not make for the writer (« la demande
    # c'est moi qui la fais? ») leans on its thread as an elliptic one does.
    unasked_request = _unasked_request(chosen, text)
    elliptic = shape.elliptic or unasked_request or bool(earlier and leans_back(shape.question or text))
    leans_on_context = _unsure(chosen) or unasked_request or (elliptic and intent_of(chosen) in CONTEXT_MAY_CHANGE)
    if earlier and leans_on_context:
        threaded, lacking = await _best_thread(earlier, shape.question or text, chosen, elliptic, parse)
        if threaded is not None and (lacking is None or confidence_of(threaded[0]) >= SURE_QUESTION):
            reading, combined_text = threaded
            return _merged(whole, reading, "follow_up", combined_text)
        own = _own_answer(chosen)
        if own is not None:
            return _merged(whole, own, reading, read)
        if lacking is not None:
            # « ok mais j'ai combien de temps pour les envoyer? » after the CNESST's answer about
            # invoices paid abroad: with its question, the follow-up is whole, and that answer
            # does not say how long; an unsure answer found with the question's subject alone
            # (the recovery time) would answer beside it.
            return _merged(whole, lacking[0], "follow_up", lacking[1])
    if intent_of(chosen) == FOLLOW_UP or (earlier and shape.elliptic and _unsure(chosen)):
        chosen = _with_intent(chosen, FOLLOW_UP)
    return _merged(whole, chosen, reading, read)


Thread = tuple[dict[str, Any], str]


async def _best_thread(
    earlier: list[str], asked: str, alone: dict[str, Any], elliptic: bool, parse: Parse
) -> tuple[Thread | None, Thread | None]:
    """The reading of ``asked`` with one of the ``earlier`` questions (the last first) that
    fits best, and its text (``None`` when no thread gives a better reading than ``alone``);
    and the reading with the whole last question when it is « not in the documents » because
    that question's answer lacks what ``asked`` asks of it (a price, a duration…), or ``None``.
    A message that answers alone (« Pour la fusion, combien de temps dure la récupération? »)
    has no such reading: its thread may change its answer, not take it away."""
    best: tuple[float, dict[str, Any], str] | None = None
    lacking: Thread | None = None
    for index, question in enumerate(earlier):
        subject = subject_of(question)
        # The thread is the whole question, or only what it is about (when that is less).
        texts = [f"{question} {asked}"]
        if subject and subject != fold(question):
            texts.append(f"{subject} {asked}")
        for combined_text in texts:
            combined = _answered_before(await parse(combined_text), question)
            if index == 0 and combined_text == texts[0] and elliptic and not answers(alone) and _lacks(combined):
                lacking = (combined, combined_text)
            if not _better_with_context(alone, combined, elliptic):
                continue
            reading = _answer_fitting_both(combined, alone)
            fit = _fit(reading, alone) * (OLDER_THREAD_WEIGHT**index)
            if best is None or fit > best[0]:
                best = (fit, reading, combined_text)
    return (None if best is None else (best[1], best[2])), lacking


def _lacks(parse_data: dict[str, Any]) -> bool:
    """Whether a reading is « not in the documents » because the answer found lacks what is asked."""
    return intent_of(parse_data) == "not_in_documents" and bool((parse_data.get(INTENT) or {}).get(LACKING_KEY))


def _own_answer(parse_data: dict[str, Any]) -> dict[str, Any] | None:
    """A follow-up that no thread answers, read as the FAQ answer its own words surely ask for,
    or ``None``. "And roughly how long would one wait to be seen at one of those?" after the
    list of centres: with its thread it asks how long about the centres, which their answer does
    not say; alone, the wait times are surely what it asks."""
    selected = _selected_answer(parse_data)
    key = selected.get("intent_response_key")
    if intent_of(parse_data) != FOLLOW_UP or not key or float(selected.get("confidence") or 0.0) < SURE_QUESTION:
        return None
    faq = _with_intent(parse_data, FAQ)
    return {**faq, INTENT: {**faq[INTENT], "full_retrieval_intent_name": key}}


def _fit(reading: dict[str, Any], alone: dict[str, Any]) -> float:
    """How well a reading with a thread fits: its answer's probability with the thread times its
    probability for the message alone (plus ``ALONE_FLOOR``), as :func:`_answer_fitting_both`."""
    if intent_of(reading) != FAQ:
        return confidence_of(reading) * ALONE_FLOOR
    key = _selected_answer(reading).get("intent_response_key")
    return confidence_of(reading) * (_answer_probabilities(alone).get(key, 0.0) + ALONE_FLOOR)


def _answer_probabilities(parse_data: dict[str, Any]) -> dict[str, float]:
    """Each FAQ answer the selector ranked for a reading, with its probability."""
    ranking = (parse_data.get(RESPONSE_SELECTOR) or {}).get(FAQ, {}).get("ranking") or []
    return {entry["intent_response_key"]: entry["confidence"] for entry in ranking}


def _names_what_the_documents_lack(parse_data: dict[str, Any]) -> bool:
    """Whether a reading is « not in the documents » for a doctor or a body it names."""
    return intent_of(parse_data) == "not_in_documents" and any(
        entity.get("entity") == "unknown_topic" and entity.get("role") == "named"
        for entity in parse_data.get("entities") or []
    )


def _unsure(parse_data: dict[str, Any]) -> bool:
    """Whether a reading found nothing to say: a fallback, a follow-up, or « not in the
    documents » without a word the documents lack (the answer was only unsure). An answer
    found that lacks what the question asks (« quelle clinique fait la chirurgie
    endoscopique? ») is no unsure reading: after the list of centres, its thread would give the
    list again."""
    if intent_of(parse_data) == "not_in_documents":
        if _lacks(parse_data):
            return False
        return not any(entity.get("entity") == "unknown_topic" for entity in parse_data.get("entities") or [])
    return intent_of(parse_data) in {FOLLOW_UP, "nlu_fallback"}


def _answered_before(combined: dict[str, Any], earlier: str) -> dict[str, Any]:
    """The combined reading as a FAQ when its only unknown words are the previous question's:
    that question was answered with them, so they do not make the follow-up unanswerable."""
    topics = [entity for entity in combined.get("entities") or [] if entity.get("entity") == "unknown_topic"]
    selection = (combined.get(RESPONSE_SELECTOR) or {}).get(FAQ)
    if intent_of(combined) != "not_in_documents" or not topics or not selection:
        return combined
    earlier_words = set(words(earlier))
    if not all(set(words(str(topic.get("value")))) <= earlier_words for topic in topics):
        return combined
    entities = [entity for entity in combined.get("entities") or [] if entity.get("entity") != "unknown_topic"]
    intent = {
        "name": FAQ,
        "confidence": 1.0,
        "full_retrieval_intent_name": selection["response"]["intent_response_key"],
    }
    return {**combined, INTENT: intent, "entities": entities}


def _asking_is_someone_there(parse: Parse) -> Parse:
    """``parse``, with a request for a person read as the FAQ it is when the text only asks
    whether someone is there to call (:data:`_IS_SOMEONE_THERE`) and the selector found an answer."""

    async def parse_as_question(text: str) -> dict[str, Any]:
        parse_data = await parse(text)
        selection = _selected_answer(parse_data)
        if (
            intent_of(parse_data) == "request_human"
            and float(selection.get("confidence") or 0.0) >= SOMEONE_THERE_ANSWER_CONFIDENCE
            and _IS_SOMEONE_THERE.search(fold(text))
        ):
            answered = _with_intent(parse_data, FAQ)
            answered[INTENT]["full_retrieval_intent_name"] = selection["intent_response_key"]
            finding = assess(text)
            if finding is not None and finding.intent == MENTION:
                # The request had set the red flag aside (a coordinator hears the story);
                # the question gets the safety note with its answer.
                answered[INTENT] = {
                    "name": MENTION,
                    "confidence": 1.0,
                    "safety_reason": finding.reason,
                    "underlying": FAQ,
                }
            return answered
        return parse_data

    return parse_as_question


def _once_per_text(parse: Parse) -> Parse:
    """``parse``, run at most once per text of this message (the question of a long message is
    also among the sentences read for a request)."""
    parsed: dict[str, dict[str, Any]] = {}

    async def parse_once(text: str) -> dict[str, Any]:
        if text not in parsed:
            parsed[text] = await parse(text)
        return parsed[text]

    return parse_once


def _better_with_context(alone: dict[str, Any], combined: dict[str, Any], elliptic: bool) -> bool:
    """Whether the reading with the previous question is the one to keep: it answers where the
    message alone does not; or the message leans on the previous one and the reading with it
    is a FAQ answer (an elliptic message read alone is read without its subject)."""
    if not answers(combined) or intent_of(combined) in FINAL_INTENTS:
        return False
    if not answers(alone):
        return True
    return elliptic and intent_of(combined) == FAQ


def _answer_fitting_both(combined: dict[str, Any], alone: dict[str, Any]) -> dict[str, Any]:
    """The combined reading, its FAQ answer chosen to fit the thread and the message itself.

    Read with the previous question, « Can it be prevented? » leans to the previous answer
    (what the syndrome is); the message alone leans to prevention. Each answer is scored by
    its probability with the thread times its probability alone (plus ``ALONE_FLOOR``, so an
    answer the message alone does not rank keeps a chance).
    """
    selection = (combined.get(RESPONSE_SELECTOR) or {}).get(FAQ)
    by_itself = _answer_probabilities(alone)
    if intent_of(combined) != FAQ or not selection or not by_itself:
        return combined
    with_thread = _answer_probabilities(combined)
    best = max(with_thread, key=lambda key: with_thread[key] * (by_itself.get(key, 0.0) + ALONE_FLOOR))
    response = {
        **selection["response"],
        "intent_response_key": best,
        "utter_action": f"utter_{best}",
        "confidence": with_thread[best],
    }
    selector = {**combined[RESPONSE_SELECTOR], FAQ: {**selection, "response": response}}
    intent = {**combined[INTENT], "full_retrieval_intent_name": best}
    return {**combined, INTENT: intent, RESPONSE_SELECTOR: selector}


async def _story_or_question(
    whole: dict[str, Any], text: str, shape: MessageShape, parse: Parse
) -> tuple[dict[str, Any], str, str]:
    """The reading of a message made of several sentences, the first that holds of:

    1. its question, marked « ? » and surely answered;
    2. the whole message, read surely as a request (to be evaluated, to talk to someone);
    3. a sentence read surely as such a request;
    4. its question, answered at all;
    5. a story (no sentence asks anything), or else the whole message; a whole message the
       model reads as a story though it asks something is not understood.

    An elliptic question is read alone only when it is surely answered (1): otherwise the
    story before it is its subject, and the whole message is read.
    """
    question = None
    if shape.question:
        question = await parse(shape.question)
        if not answers(question) or intent_of(question) in FINAL_INTENTS or _unsaid_request(question, shape.question):
            question = None
    if question and shape.question.rstrip().endswith("?") and confidence_of(question) >= SURE_QUESTION:
        return question, "question", shape.question
    asked = shape.question
    if shape.elliptic:
        # « Pis ça se fait où, ça? » after a story: the story is its subject.
        question = None
    if shape.question and question is None:
        # « …the fusion in 2023… how do they figure out whats actually causing it »: the question
        # read with what the story is about (the fusion), when that answers it.
        with_subject = await _question_with_its_subject(text, shape.question, parse)
        if with_subject is not None:
            question, asked = with_subject
    if (
        intent_of(whole) in REQUESTS
        and confidence_of(whole) >= WHOLE_REQUEST_CONFIDENCE
        and not _unsaid_request(whole, text)
    ):
        return whole, "whole", text
    request = await _request_among(shape, parse)
    if request is not None:
        return request
    if question:
        return question, "question", asked
    if shape.is_story and intent_of(whole) in STORY_REPLACES:
        return _with_intent(whole, SHARE_STORY), "story", text
    if intent_of(whole) == SHARE_STORY:
        return _with_intent(whole, "nlu_fallback"), "whole", text
    return whole, "whole", text


async def _question_with_its_subject(text: str, question: str, parse: Parse) -> tuple[dict[str, Any], str] | None:
    """The reading of ``question`` after what the rest of ``text`` is about (:func:`subject_of`),
    and its text, when it is a FAQ answer; ``None`` when the story names no subject the
    question lacks, or the reading answers nothing."""
    subject = subject_of(text.replace(question, " "))
    if not subject or set(subject.split()) <= set(fold(question).split()):
        return None
    combined_text = f"{subject} {question}"
    reading = await parse(combined_text)
    sure = intent_of(reading) == FAQ and confidence_of(reading) >= SURE_QUESTION
    return (reading, combined_text) if sure else None


# Small talk the model nearly recognised (« qu'est-ce que tu peux faire? » at 0.48 under the
# fallback's 0.5) is answered as such: the help and the « I am an assistant » answers cost
# nothing and offer the next step, where the fallback only asks to rephrase.
SMALL_TALK = {"help", "bot_challenge", "greet", "thank", "goodbye"}
SMALL_TALK_CONFIDENCE = 0.4


def _small_talk_nearly_sure(parse_data: dict[str, Any]) -> dict[str, Any]:
    """A fallback whose likeliest intent is small talk at ``SMALL_TALK_CONFIDENCE`` or more,
    read as that small talk; any other reading as it is."""
    if intent_of(parse_data) != "nlu_fallback":
        return parse_data
    ranked = [entry for entry in parse_data.get(INTENT_RANKING_KEY) or [] if entry.get("name") != "nlu_fallback"]
    if (
        ranked
        and ranked[0].get("name") in SMALL_TALK
        and float(ranked[0].get("confidence") or 0) >= SMALL_TALK_CONFIDENCE
    ):
        return _with_intent(parse_data, ranked[0]["name"])
    return parse_data


def _request_made(text: str) -> str | None:
    """The request ``text`` makes in so many words (:data:`_ASKS_FOR_APPOINTMENT`, then
    :data:`_ASKS_TO_BE_EVALUATED`): ``request_human``, ``eligibility`` or ``None``."""
    for asking, request in ((_ASKS_FOR_APPOINTMENT, "request_human"), (_ASKS_TO_BE_EVALUATED, "eligibility")):
        if _asks_now(asking, text):
            return request
    return None


def _advice_only_the_model_heard(parse_data: dict[str, Any]) -> bool:
    """Whether a reading is a medical-advice referral the model chose with no safety pattern."""
    intent = parse_data.get(INTENT) or {}
    return intent.get("name") == "medical_advice" and not intent.get("safety_reason")


def _asks_now(asking: re.Pattern[str], text: str) -> bool:
    """Whether ``text`` makes the request ``asking`` finds (an appointment, an evaluation), and
    does not ask when or how soon it could come."""
    folded = fold(text)
    declined = asking is _ASKS_TO_BE_EVALUATED and _DECLINES.search(folded)
    return bool(asking.search(folded)) and not _ASKS_WHEN.search(folded) and not declined


def _unasked_request(parse_data: dict[str, Any], text: str) -> bool:
    """Whether a reading is a request, not sure, of a message that asks nothing for the
    person who writes (no « je veux », "call me"): « and for just a consult? » names a
    consult, « la demande c'est moi qui la fais? » asks who does it; neither asks for one."""
    return (
        intent_of(parse_data) in REQUESTS
        and confidence_of(parse_data) < ELLIPTIC_REQUEST_CONFIDENCE
        and len(words(text)) <= UNASKED_REQUEST_MAX_WORDS
        and not _FOR_ONESELF.search(fold(text))
    )


def _unsaid_request(parse_data: dict[str, Any], text: str) -> bool:
    """Whether a part of a message was read as a request it does not say (no request cue)."""
    return intent_of(parse_data) in REQUESTS and not _REQUEST_CUE.search(fold(text))


async def _request_among(shape: MessageShape, parse: Parse) -> tuple[dict[str, Any], str, str] | None:
    """A sentence of the message that asks, surely, to be evaluated or to talk to someone."""
    if len(shape.sentences) < 2:
        return None
    asking = [sentence for sentence in shape.sentences if asks(sentence)][-REQUEST_SENTENCES:]
    for sentence in reversed(asking):
        reading = await parse(sentence)
        if (
            intent_of(reading) in REQUESTS
            and confidence_of(reading) >= REQUEST_CONFIDENCE
            and not _unsaid_request(reading, sentence)
        ):
            return reading, "request", sentence
    return None


async def _mention(whole: dict[str, Any], text: str, shape: MessageShape, parse: Parse) -> dict[str, Any]:
    """A red flag mentioned, not happening: the intent kept, the answer chosen for the question.

    The person gets the answer to what they asked (read from their question when a story
    comes first) and the safety note. What the question was read as goes under
    ``underlying``, with its answer and its unknown topic, for ``action_answer_with_safety_note``.
    """
    read = shape.question if shape.question and not shape.elliptic else text
    question = await parse(read) if read != text else whole
    underlying = (question.get(INTENT) or {}).get("underlying", intent_of(question))
    result = _merged(whole, question, "mention", read)
    result[INTENT] = {**whole[INTENT], "underlying": underlying}
    result[INTENT_RANKING_KEY] = whole.get(INTENT_RANKING_KEY) or []
    return result
