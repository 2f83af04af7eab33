"""Reading a message with its shape and the conversation: story, question, follow-up, mention."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.shared.core.events import ActionExecuted, ActiveLoop, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.understanding import previous_question, subject_of, understand


def parsed(intent: str, confidence: float = 0.9, answer: str | None = None, language: str | None = None) -> dict:
    data: dict[str, Any] = {"intent": {"name": intent, "confidence": confidence}, "intent_ranking": [], "entities": []}
    if answer:
        data["response_selector"] = {
            "faq": {
                "response": {"confidence": confidence, "intent_response_key": answer, "utter_action": f"utter_{answer}"}
            }
        }
    if language:
        data["entities"] = [{"entity": "language", "value": language}]
    return data


def lacking_reading(answer: str | None = None) -> dict:
    """« Not in the documents » because the answer found lacks what is asked (topic coverage)."""
    data = parsed("not_in_documents", 1.0, answer)
    data["intent"]["answer_lacks"] = True
    return data


class FakePipeline:
    """The trained pipeline's parses, given per text; anything else falls back."""

    def __init__(self, parses: dict[str, dict]) -> None:
        self.parses = parses
        self.read: list[str] = []

    async def __call__(self, text: str) -> dict:
        self.read.append(text)
        return {"text": text, **self.parses.get(text, parsed("nlu_fallback", 0.3))}


def conversation(*turns: tuple[str, dict], active_loop: str | None = None) -> DialogueStateTracker:
    events = [SessionStarted(), ActionExecuted("action_listen")]
    for text, parse_data in turns:
        events += [UserUttered(text, parse_data["intent"], [], parse_data), ActionExecuted("utter_faq")]
        events.append(ActionExecuted("action_listen"))
    if active_loop:
        events.append(ActiveLoop(active_loop))
    return DialogueStateTracker.from_events("someone", events)


STORIES = {
    "fr": (
        "Je me suis blessé au travail. La liste d'attente est de 18 mois au Québec. "
        "Est-ce que la CNESST paie le billet d'avion?",
        "Est-ce que la CNESST paie le billet d'avion?",
    ),
    "en": (
        "I hurt my back at work. The waiting list is 18 months in Quebec. Does the CNESST pay for the flight?",
        "Does the CNESST pay for the flight?",
    ),
}


@pytest.mark.parametrize("language", ["fr", "en"])
async def test_the_question_after_a_story_is_answered(language):
    text, question = STORIES[language]
    pipeline = FakePipeline(
        {
            text: parsed("faq", 0.6, "faq/wait_times", language=language),
            question: parsed("faq", 0.8, "faq/cnesst_travel_costs"),
        }
    )
    result = await understand(text, pipeline, conversation())
    assert result["response_selector"]["faq"]["response"]["intent_response_key"] == "faq/cnesst_travel_costs"
    assert result["text"] == text
    assert result["entities"] == [{"entity": "language", "value": language}]
    assert result["understanding"] == {"reading": "question", "read": question}


@pytest.mark.parametrize("language", ["fr", "en"])
async def test_the_whole_message_is_kept_when_its_question_alone_answers_nothing(language):
    text, question = STORIES[language]
    pipeline = FakePipeline(
        {text: parsed("faq", 0.6, "faq/cnesst_travel_costs"), question: parsed("nlu_fallback", 0.2)}
    )
    result = await understand(text, pipeline, conversation())
    assert result["response_selector"]["faq"]["response"]["intent_response_key"] == "faq/cnesst_travel_costs"
    assert result["understanding"]["reading"] == "whole"


@pytest.mark.parametrize(
    "text",
    [
        "J'ai une hernie depuis trois ans. J'ai fait de la physio pis des infiltrations. Rien a marché.",
        "I've had sciatica for a year. Physio and injections did nothing. I am tired of it.",
    ],
)
async def test_a_story_without_a_question_gets_the_story_prompt(text):
    result = await understand(text, FakePipeline({text: parsed("faq", 0.4, "faq/conservative_treatments")}), None)
    assert result["intent"]["name"] == "share_story"
    assert result["intent_ranking"][0]["name"] == "share_story"


@pytest.mark.parametrize(
    ("first", "follow_up"),
    [
        ("Combien de temps pour récupérer après une discectomie?", "pis pour une fusion?"),
        ("How long is the recovery after a discectomy?", "and for a fusion?"),
    ],
)
async def test_a_follow_up_is_read_with_the_previous_question(first, follow_up):
    combined = f"{first} {follow_up}"
    pipeline = FakePipeline({follow_up: parsed("follow_up", 0.8), combined: parsed("faq", 0.7, "faq/recovery_time")})
    tracker = conversation((first, parsed("faq", 0.9, "faq/recovery_time")))
    result = await understand(follow_up, pipeline, tracker)
    assert result["intent"]["name"] == "faq"
    assert result["response_selector"]["faq"]["response"]["intent_response_key"] == "faq/recovery_time"
    assert result["text"] == follow_up
    assert result["understanding"] == {"reading": "follow_up", "read": combined}


async def test_a_resolved_follow_up_carries_the_thread_to_the_next_one():
    resolved = {"read": "How long is the recovery after a discectomy? and for a fusion?"}
    earlier = {**parsed("faq", 0.7, "faq/recovery_time"), "understanding": resolved}
    tracker = conversation(
        ("How long is the recovery after a discectomy?", parsed("faq")), ("and for a fusion?", earlier)
    )
    assert previous_question(tracker) == resolved["read"]


@pytest.mark.parametrize("follow_up", ["pis pour celle-là?", "and that one?"])
async def test_a_follow_up_without_a_previous_question_asks_for_the_whole_question(follow_up):
    result = await understand(follow_up, FakePipeline({follow_up: parsed("follow_up", 0.7)}), conversation())
    assert result["intent"]["name"] == "follow_up"


@pytest.mark.parametrize(
    ("first", "follow_up"), [("c'est quoi la CNESST?", "pis celle-là?"), ("what is the CNESST?", "and that one?")]
)
async def test_a_follow_up_that_no_reading_resolves_stays_a_follow_up(first, follow_up):
    pipeline = FakePipeline({follow_up: parsed("follow_up", 0.7)})
    result = await understand(follow_up, pipeline, conversation((first, parsed("faq", 0.9, "faq/cnesst_what_is"))))
    assert result["intent"]["name"] == "follow_up"
    # The whole question, then only what it is about, were tried as the thread.
    assert pipeline.read == [follow_up, f"{first} {follow_up}", f"cnesst {follow_up}"]


async def test_a_whole_new_question_is_not_mixed_with_the_previous_one():
    question = "Combien coûte une chirurgie du dos en France?"
    pipeline = FakePipeline({question: parsed("faq", 0.9, "faq/cost_france")})
    result = await understand(question, pipeline, conversation(("c'est quoi la CNESST?", parsed("faq"))))
    assert result["response_selector"]["faq"]["response"]["intent_response_key"] == "faq/cost_france"
    assert pipeline.read == [question]


async def test_the_previous_question_is_forgotten_after_a_new_session_or_a_few_messages():
    old = conversation(("c'est quoi la CNESST?", parsed("faq")))
    old.update(SessionStarted())
    assert previous_question(old) is None
    chatty = conversation(
        ("c'est quoi la CNESST?", parsed("faq")), ("merci", parsed("thank")), ("ok", parsed("affirm"))
    )
    chatty.update(UserUttered("bonjour", {"name": "greet"}, [], parsed("greet")))
    assert previous_question(chatty) is None


@pytest.mark.parametrize("intent", ["emergency", "medical_advice"])
async def test_safety_wins_at_once(intent):
    text = "pis pour celle-là? j'arrive pu à retenir mon urine"
    pipeline = FakePipeline({text: parsed(intent, 1.0)})
    result = await understand(text, pipeline, conversation(("c'est quoi la CNESST?", parsed("faq"))))
    assert result["intent"]["name"] == intent
    assert pipeline.read == [text]


async def test_answers_inside_a_form_are_read_as_they_are():
    text = "Depuis deux ans. J'ai fait de la physio."
    pipeline = FakePipeline({text: parsed("inform", 0.8)})
    result = await understand(text, pipeline, conversation(active_loop="eligibility_form"))
    assert result["intent"]["name"] == "inform"
    assert pipeline.read == [text]


@pytest.mark.parametrize(
    ("text", "question"),
    [
        (
            "Mon frère a perdu le contrôle de sa vessie après son opération. Combien de temps dure la convalescence?",
            "Combien de temps dure la convalescence?",
        ),
        (
            "My brother lost bladder control after his surgery. How long is the recovery?",
            "How long is the recovery?",
        ),
    ],
)
async def test_a_red_flag_mentioned_keeps_its_intent_and_takes_the_answer_of_the_question(text, question):
    mention = {**parsed("red_flag_mention", 1.0, "faq/complications_safety")}
    mention["intent"]["underlying"] = "faq"
    pipeline = FakePipeline({text: mention, question: parsed("faq", 0.8, "faq/recovery_time")})
    result = await understand(text, pipeline, conversation())
    assert result["intent"]["name"] == "red_flag_mention"
    assert result["response_selector"]["faq"]["response"]["intent_response_key"] == "faq/recovery_time"


async def test_typed_payloads_are_not_read_again():
    pipeline = FakePipeline({"/request_human": parsed("request_human", 1.0)})
    result = await understand("/request_human", pipeline, conversation(("c'est quoi la CNESST?", parsed("faq"))))
    assert result["intent"]["name"] == "request_human"
    assert pipeline.read == ["/request_human"]


@pytest.mark.parametrize(
    ("text", "asked", "intent"),
    [
        (
            "Je peux-tu parler à quelqu'un. Ma femme pis moi on a des questions sur le voyage",
            "Je peux-tu parler à quelqu'un.",
            "request_human",
        ),
        (
            "Can I talk to somebody. Me and the wife want to ask about the whole trip together",
            "Can I talk to somebody.",
            "request_human",
        ),
        (
            "J'aimerais faire évaluer mon dossier. Quelles sont les prochaines étapes pour moi?",
            "J'aimerais faire évaluer mon dossier.",
            "eligibility",
        ),
    ],
)
async def test_a_sure_request_in_a_long_message_wins_over_its_questions(text, asked, intent):
    pipeline = FakePipeline({text: parsed("faq", 0.6, "faq/coordinators_logistics"), asked: parsed(intent, 0.9)})
    result = await understand(text, pipeline, conversation())
    assert result["intent"]["name"] == intent
    assert result["understanding"] == {"reading": "request", "read": asked}


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Quels traitements essayer avant une chirurgie?", "Je dois les faire combien de temps au juste?"),
        ("What treatments should be tried before surgery?", "how long do i have to do them for?"),
    ],
)
async def test_a_question_not_understood_alone_is_read_with_the_previous_one(first, second):
    unsure = {**parsed("not_in_documents", 1.0)}
    combined = f"{first} {second}"
    pipeline = FakePipeline({second: unsure, combined: parsed("faq", 0.4, "faq/conservative_first")})
    result = await understand(second, pipeline, conversation((first, parsed("faq", 0.9, "faq/conservative_first"))))
    assert result["response_selector"]["faq"]["response"]["intent_response_key"] == "faq/conservative_first"


async def test_a_question_about_an_unknown_topic_is_not_mixed_with_the_previous_one():
    question = "Faut-il un visa pour aller en France?"
    unknown = parsed("not_in_documents", 1.0)
    unknown["entities"] = [{"entity": "unknown_topic", "value": "visa"}]
    pipeline = FakePipeline({question: unknown})
    result = await understand(question, pipeline, conversation(("Combien coûte une fusion?", parsed("faq"))))
    assert result["intent"]["name"] == "not_in_documents"
    assert pipeline.read == [question]


def ranked(intent: str, ranking: dict[str, float]) -> dict:
    best = max(ranking, key=ranking.get)
    data = parsed(intent, ranking[best], best)
    data["response_selector"]["faq"]["ranking"] = [
        {"intent_response_key": key, "confidence": confidence} for key, confidence in ranking.items()
    ]
    return data


@pytest.mark.parametrize(
    ("first", "follow_up"),
    [
        ("C'est quoi le syndrome du dos opéré?", "est-ce que ça se prévient?"),
        ("What is failed back surgery syndrome?", "can it be prevented?"),
    ],
)
async def test_a_follow_up_gets_the_answer_that_fits_both_the_thread_and_the_message(first, follow_up):
    combined = f"{first} {follow_up}"
    pipeline = FakePipeline(
        {
            follow_up: ranked("follow_up", {"faq/fbss_prevention": 0.3, "faq/complications_safety": 0.3}),
            combined: ranked("faq", {"faq/fbss_definition": 0.6, "faq/fbss_prevention": 0.3}),
        }
    )
    result = await understand(follow_up, pipeline, conversation((first, parsed("faq", 0.9, "faq/fbss_definition"))))
    response = result["response_selector"]["faq"]["response"]
    assert response["intent_response_key"] == "faq/fbss_prevention"
    assert response["utter_action"] == "utter_faq/fbss_prevention"
    assert result["intent"]["full_retrieval_intent_name"] == "faq/fbss_prevention"


async def test_a_follow_up_is_not_unanswerable_for_the_odd_words_of_the_question_it_follows():
    first, follow_up = "What ought I to include in my medical file?", "And must all of that be in English?"
    combined = parsed("not_in_documents", 1.0, "faq/medical_file_translation")
    combined["entities"] = [{"entity": "unknown_topic", "value": "ought"}]
    pipeline = FakePipeline({follow_up: parsed("follow_up", 0.8), f"{first} {follow_up}": combined})
    result = await understand(follow_up, pipeline, conversation((first, parsed("faq", 0.9, "faq/medical_file"))))
    assert result["intent"]["name"] == "faq"
    assert result["response_selector"]["faq"]["response"]["intent_response_key"] == "faq/medical_file_translation"
    assert [entity["entity"] for entity in result["entities"]] == []


@pytest.mark.parametrize(
    "text",
    [
        "Bonjour. J'aimerais faire évaluer mon dossier. Quelles sont les prochaines étapes pour moi?",
        "Hi. I would like my file evaluated. What are the next steps for me?",
    ],
)
async def test_a_whole_message_read_surely_as_a_request_stays_one(text):
    question = text.split(". ")[-1]
    pipeline = FakePipeline({text: parsed("eligibility", 0.7), question: parsed("faq", 0.55, "faq/patient_path")})
    result = await understand(text, pipeline, conversation())
    assert result["intent"]["name"] == "eligibility"


@pytest.mark.parametrize(
    ("text", "question"),
    [
        (
            "Mon cousin s'est fait opérer en Europe. J'aimerais savoir dans quoi je m'embarque. "
            "Vous travaillez avec quelles cliniques?",
            "Vous travaillez avec quelles cliniques?",
        ),
        (
            "My cousin had surgery in Europe. I'd like to know what I'm getting into. Which clinics do you work with?",
            "Which clinics do you work with?",
        ),
    ],
)
async def test_a_question_surely_answered_wins_over_a_request_around_it(text, question):
    pipeline = FakePipeline({text: parsed("eligibility", 0.7), question: parsed("faq", 0.8, "faq/partner_centres")})
    result = await understand(text, pipeline, conversation())
    assert result["response_selector"]["faq"]["response"]["intent_response_key"] == "faq/partner_centres"


async def test_a_message_that_asks_is_not_taken_for_a_story():
    text = "Ma femme marche avec une canne. On nous dit que ça se fait en chirurgie d'un jour. Je fais quoi, moi?"
    pipeline = FakePipeline({text: parsed("share_story", 0.8)})
    result = await understand(text, pipeline, conversation())
    assert result["intent"]["name"] == "nlu_fallback"


async def test_a_story_the_model_reads_as_a_story_gets_the_prompt():
    text = "I've had sciatica for a year. Physio and injections did nothing. I am tired of it."
    result = await understand(text, FakePipeline({text: parsed("share_story", 0.9)}), conversation())
    assert result["intent"]["name"] == "share_story"


@pytest.mark.parametrize(
    ("text", "part", "question", "answer"),
    [
        (
            "What are the visiting hours at the clinic? I'll be staying at a hotel and want to be with her.",
            "I'll be staying at a hotel and want to be with her.",
            "What are the visiting hours at the clinic?",
            "faq/hospital_comfort",
        ),
        (
            "C'est quoi les heures de visite à la clinique? Je vais rester à l'hôtel pis je veux être avec elle.",
            "Je vais rester à l'hôtel pis je veux être avec elle.",
            "C'est quoi les heures de visite à la clinique?",
            "faq/hospital_comfort",
        ),
    ],
)
async def test_a_part_read_as_a_request_it_does_not_say_is_no_request(text, part, question, answer):
    pipeline = FakePipeline(
        {text: parsed("faq", 0.5, answer), part: parsed("eligibility", 0.96), question: parsed("faq", 0.5, answer)}
    )
    result = await understand(text, pipeline, conversation())
    assert result["intent"]["name"] == "faq"


@pytest.mark.parametrize(
    "question",
    [
        "Mon IRM date de 2022. Est-ce qu'elle est encore bonne ou faut que j'en refasse une?",
        "My MRI is from 2022. Is it still good or do I need a new one?",
    ],
)
async def test_a_question_read_as_a_request_it_does_not_say_is_not_taken_for_one(question):
    asked = question.split(". ", 1)[1]
    pipeline = FakePipeline({question: parsed("faq", 0.5, "faq/medical_file"), asked: parsed("eligibility", 0.62)})
    result = await understand(question, pipeline, conversation())
    assert result["intent"]["name"] != "eligibility"


@pytest.mark.parametrize(
    "question",
    [
        "J'ai une sténose depuis 4 ans. Mon dossier pourrait-il être étudié par votre service?",
        "I have had stenosis for 4 years. Am I elegible for surgery over there?",
    ],
)
async def test_a_question_that_says_its_request_even_misspelled_starts_it(question):
    asked = question.split(". ", 1)[1]
    pipeline = FakePipeline({question: parsed("faq", 0.5, "faq/wait_times"), asked: parsed("eligibility", 0.9)})
    result = await understand(question, pipeline, conversation())
    assert result["intent"]["name"] == "eligibility"


THREADS = {
    "fr": (
        "C'est quoi l'attente pour se faire opérer là-bas?",
        "Ils parlent-tu anglais?",
        "pis pour juste une consultation?",
    ),
    "en": ("What's the wait to get the surgery over there?", "Do they speak English?", "and for just a consult?"),
}


@pytest.mark.parametrize("language", ["fr", "en"])
async def test_a_follow_up_may_lean_on_the_question_before_the_last(language):
    wait, speak, follow_up = THREADS[language]
    pipeline = FakePipeline(
        {
            follow_up: parsed("follow_up", 0.8),
            f"{speak} {follow_up}": parsed("nlu_fallback", 0.3),
            f"{wait} {follow_up}": parsed("faq", 0.7, "faq/wait_times"),
        }
    )
    tracker = conversation(
        (wait, parsed("faq", 0.9, "faq/wait_times")), (speak, parsed("faq", 0.9, "faq/languages_spoken"))
    )
    result = await understand(follow_up, pipeline, tracker)
    assert result["response_selector"]["faq"]["response"]["intent_response_key"] == "faq/wait_times"
    assert result["understanding"] == {"reading": "follow_up", "read": f"{wait} {follow_up}"}


@pytest.mark.parametrize("language", ["fr", "en"])
async def test_the_last_question_is_the_thread_when_both_fit_as_well(language):
    wait, speak, follow_up = THREADS[language]
    pipeline = FakePipeline(
        {
            follow_up: parsed("follow_up", 0.8),
            f"{speak} {follow_up}": parsed("faq", 0.7, "faq/languages_spoken"),
            f"{wait} {follow_up}": parsed("faq", 0.7, "faq/wait_times"),
        }
    )
    tracker = conversation(
        (wait, parsed("faq", 0.9, "faq/wait_times")), (speak, parsed("faq", 0.9, "faq/languages_spoken"))
    )
    result = await understand(follow_up, pipeline, tracker)
    assert result["response_selector"]["faq"]["response"]["intent_response_key"] == "faq/languages_spoken"


@pytest.mark.parametrize(
    "text",
    [
        "ma fille dit que vous avez un docteur desforges, je peux tu avoir un rendez vous avec lui?",
        "Can I book an appointment with Dr Desforges when he is in Montreal?",
        "cé tu un robot? jveux parler a un vrai humain svp",
        "are you a robot? can I talk to a real person please",
        "Est-ce que le Dr Desforges fait les suivis lui-même? Sinon j'aimerais quand même jaser au téléphone avec quelqu'un.",
        "Does Dr Desforges do the follow-ups himself? If not I would still like to talk on the phone with someone.",
    ],
)
async def test_asking_for_an_appointment_is_a_request_for_a_person_whoever_it_names(text):
    pipeline = FakePipeline({text: parsed("faq", 0.9, "faq/dr_desforges")})
    result = await understand(text, pipeline, conversation())
    assert result["intent"]["name"] == "request_human"


@pytest.mark.parametrize(
    "text",
    [
        "En combien de temps je peux avoir un rendez-vous avec un chirurgien en France?",
        "How fast can I get an appointment with a surgeon in France?",
    ],
)
async def test_asking_how_soon_an_appointment_comes_is_a_question(text):
    pipeline = FakePipeline({text: parsed("faq", 0.9, "faq/wait_times")})
    result = await understand(text, pipeline, conversation())
    assert result["intent"]["name"] == "faq"


@pytest.mark.parametrize(
    ("first", "follow_up", "answer"),
    [
        (
            "Quelles sont les étapes pour faire approuver une chirurgie à l'étranger par la CNESST?",
            "Et qui s'occupe de soumettre la demande?",
            "faq/cnesst_steps",
        ),
        ("What's the wait like over there to get the surgery?", "and for just a consult?", "faq/wait_times"),
        (
            "C'est quoi les étapes pour faire une demande à la CNESST?",
            "la demande c moi qui la fait ou ben vous autres?",
            "faq/cnesst_steps",
        ),
        ("What are the steps of a CNESST request?", "and is it me who sends it, or you?", "faq/cnesst_steps"),
    ],
)
async def test_an_elliptic_question_read_unsurely_as_a_request_is_read_with_its_thread(first, follow_up, answer):
    combined = f"{first} {follow_up}"
    pipeline = FakePipeline({follow_up: parsed("eligibility", 0.79), combined: parsed("faq", 0.8, answer)})
    result = await understand(follow_up, pipeline, conversation((first, parsed("faq", 0.9, answer))))
    assert result["intent"]["name"] == "faq"
    assert result["response_selector"]["faq"]["response"]["intent_response_key"] == answer
    assert result["understanding"] == {"reading": "follow_up", "read": combined}


@pytest.mark.parametrize(
    ("first", "follow_up", "confidence"),
    [
        ("Combien coûte une fusion?", "et je peux m'inscrire?", 0.55),
        ("How much is a fusion?", "and can someone call me?", 0.55),
        ("Combien coûte une fusion?", "et pour une évaluation?", 0.95),
        ("How much is a fusion?", "and to get evaluated?", 0.95),
    ],
)
async def test_an_elliptic_request_for_oneself_or_a_sure_one_stays_a_request(first, follow_up, confidence):
    combined = f"{first} {follow_up}"
    pipeline = FakePipeline(
        {follow_up: parsed("eligibility", confidence), combined: parsed("faq", 0.8, "faq/surgery_costs")}
    )
    result = await understand(follow_up, pipeline, conversation((first, parsed("faq", 0.9, "faq/surgery_costs"))))
    assert result["intent"]["name"] == "eligibility"
    assert combined not in pipeline.read


def request_with_an_answer(answer: str) -> dict:
    data = parsed("request_human", 0.7)
    data["intent_ranking"] = [{"name": "request_human", "confidence": 0.7}, {"name": "faq", "confidence": 0.3}]
    data["response_selector"] = parsed("faq", 0.4, answer)["response_selector"]
    return data


@pytest.mark.parametrize(
    "text",
    [
        "Une fois opéré en France, si j'ai un problème la nuit, y a-tu quelqu'un à appeler?",
        "If I have a problem at night after the surgery, is there someone I can call?",
    ],
)
async def test_asking_whether_someone_is_there_to_call_is_a_question(text):
    pipeline = FakePipeline({text: request_with_an_answer("faq/complications_safety")})
    result = await understand(text, pipeline, conversation())
    assert result["intent"]["name"] == "faq"
    assert result["intent"]["full_retrieval_intent_name"] == "faq/complications_safety"


@pytest.mark.parametrize(
    "text",
    [
        "Est-ce qu'il y a quelqu'un qui peut m'appeler demain?",
        "Is there someone who can call me tomorrow?",
    ],
)
async def test_asking_for_someone_to_call_stays_a_request(text):
    pipeline = FakePipeline({text: request_with_an_answer("faq/complications_safety")})
    result = await understand(text, pipeline, conversation())
    assert result["intent"]["name"] == "request_human"


@pytest.mark.parametrize(
    ("text", "question"),
    [
        (
            "J'ai fait de la fièvre le mois passé mais c'était la grippe, c'est fini. "
            "Une fois opéré en France, si j'ai un problème la nuit, y a-tu quelqu'un à appeler?",
            "Une fois opéré en France, si j'ai un problème la nuit, y a-tu quelqu'un à appeler?",
        ),
        (
            "My neighbour had a fever and an infection after her surgery, she is fine now. "
            "If I have a problem at night after the surgery, is there someone I can call?",
            "If I have a problem at night after the surgery, is there someone I can call?",
        ),
    ],
)
async def test_asking_whether_someone_is_there_beside_a_red_flag_mention_gets_the_note(text, question):
    pipeline = FakePipeline(
        {
            text: request_with_an_answer("faq/complications_safety"),
            question: parsed("faq", 0.6, "faq/complications_safety"),
        }
    )
    result = await understand(text, pipeline, conversation())
    assert result["intent"]["name"] == "red_flag_mention"
    assert result["response_selector"]["faq"]["response"]["intent_response_key"] == "faq/complications_safety"


@pytest.mark.parametrize(
    ("text", "question"),
    [
        (
            "J'ai entendu parler du Dr Garnier à Lyon. Est-ce qu'il fait partie de votre réseau?",
            "Est-ce qu'il fait partie de votre réseau?",
        ),
        (
            "Does OHIP pay for part of it? I read there's a prior approval form. Does your team fill that out?",
            "Does your team fill that out?",
        ),
    ],
)
async def test_a_message_naming_a_doctor_or_body_the_documents_lack_is_not_read_without_it(text, question):
    whole = parsed("not_in_documents", 1.0)
    whole["entities"] = [{"entity": "unknown_topic", "value": "Garnier", "role": "named"}]
    pipeline = FakePipeline({text: whole, question: parsed("faq", 0.95, "faq/about_service")})
    result = await understand(text, pipeline, conversation())
    assert result["intent"]["name"] == "not_in_documents"
    assert question not in pipeline.read


@pytest.mark.parametrize(
    "text",
    [
        "Est-ce que je suis un bon candidat pour une chirurgie d'un jour? Hernie L5-S1, 8 mois de physio.",
        "Am I a candidate for outpatient spine surgery? Herniated disc L5-S1, 8 months of physio.",
        "Bonjour. Pourriez-vous m'indiquer si je pourrais être évaluée par vos spécialistes? Je vous remercie.",
        "Hello. Could I be assessed by your specialists for a spine operation? Thank you.",
    ],
)
async def test_asking_whether_one_is_a_candidate_opens_the_questionnaire(text):
    pipeline = FakePipeline({text: parsed("faq", 0.9, "faq/ambulatory_criteria")})
    result = await understand(text, pipeline, conversation())
    assert result["intent"]["name"] == "eligibility"


@pytest.mark.parametrize(
    "text",
    [
        "Je ne suis pas résident français, suis-je admissible aux subventions publiques?",
        "I'm not a French resident, am I eligible for public subsidies for the procedure?",
    ],
)
async def test_asking_whether_one_is_eligible_for_a_subsidy_is_a_question(text):
    pipeline = FakePipeline({text: parsed("faq", 0.9, "faq/cost_france")})
    result = await understand(text, pipeline, conversation())
    assert result["intent"]["name"] == "faq"


@pytest.mark.parametrize(
    "text",
    [
        "En combien de temps je pourrais être évaluée par vos spécialistes?",
        "How soon could I be assessed by your specialists?",
    ],
)
async def test_asking_how_soon_one_is_evaluated_is_a_question(text):
    pipeline = FakePipeline({text: parsed("faq", 0.9, "faq/wait_times")})
    result = await understand(text, pipeline, conversation())
    assert result["intent"]["name"] == "faq"


@pytest.mark.parametrize(
    "text",
    [
        "jaimerais savoir si vous me prendriez, mon ortho veut pu m'opérer",
        "Comment savoir si ma mère se qualifie chez vous?",
        "Est-ce que je rentre dans vos critères? 58 ans, sténose",
        "Je fais comment pour partir le processus avec vous autres?",
        "Je souhaite entamer une évaluation préliminaire de mon dossier.",
        "hi im wondering if im a canidate for surgery in france, been on the waiting list 16 months",
        "how do i get asessed for the surgery over there",
        "Could I take the eligibility questionnaire now?",
        "book me an evaluation please, neck, 2 yrs of this",
        "How do I get the ball rolling?",
        "Je voudrais checker si je suis qualifié pour le programme",
        "what do i got to do to get looked at for it",
        "I want to start the process. I have an open CNESST file since my fall last year. What's the first step?",
        "je voudrais que quelqu'un regarde mon dossier pour voir si ça vaut la peine",
        "i want somebody to look at my case and tell me straight. how do i get that going",
        "Je souhaite vous soumettre mon dossier pour une évaluation.",
        "I would like to submit my case for your consideration.",
        "Pouvons-nous vérifier ensemble s'il répond à vos critères pour une opération en France?",
        "Please tell me how to proceed so that someone can determine whether I would be suitable.",
    ],
)
async def test_natural_ways_of_asking_to_be_evaluated_start_the_questionnaire(text):
    pipeline = FakePipeline({text: parsed("faq", 0.9, "faq/wait_times")})
    result = await understand(text, pipeline, conversation())
    assert result["intent"]["name"] == "eligibility"


@pytest.mark.parametrize(
    "text",
    [
        "Est-ce qu'un conseiller pourrait communiquer avec moi en soirée?",
        "c possible davoir un rappel demain matin",
        "Je préférerais discuter avec un membre de votre personnel plutôt qu'avec un assistant virtuel.",
        "Can someone from your team call my mom tomorrow?",
        "Not interested in chatting with a bot. Human please.",
        "could one of your coordinators email me this week",
        "j'aimerais ça qu'une infirmière me rappelle pour mon dossier",
        "can you have somebody give me a call back this afternoon",
        "jaimerais parler a un responsable de votre bord",
        "I don't want to take the questionnaire, can someone call me?",
        "je parle pas avec les machines moi, passez-moi donc un vrai monde",
        "no offence but im not explaining my back to a bot. get me an actual human",
    ],
)
async def test_natural_ways_of_asking_for_a_person_start_the_hand_off(text):
    pipeline = FakePipeline({text: parsed("faq", 0.9, "faq/coordinators_logistics")})
    result = await understand(text, pipeline, conversation())
    assert result["intent"]["name"] == "request_human"


@pytest.mark.parametrize(
    "text",
    [
        "je voudrais savoir si je peux prendre l'avion deux jours après l'opération",
        "I'd like to find out if the CNESST accepts claims for surgery in France",
        "Est-ce qu'il y a quelqu'un qu'on peut appeler la nuit une fois revenus?",
        "Is there a nurse or someone we can reach once we're back home?",
        "Je voudrais savoir si cela compromet ma candidature à la CNESST",
        "What are the steps to start the process with the CNESST?",
        "Will someone contact me before the trip?",
        "non merci, je veux pas faire le questionnaire, juste une question sur les prix",
    ],
)
async def test_questions_near_the_requests_stay_questions(text):
    pipeline = FakePipeline({text: parsed("faq", 0.9, "faq/coordinators_logistics")})
    result = await understand(text, pipeline, conversation())
    assert result["intent"]["name"] == "faq"


def answers_ranked(answers: dict[str, float]) -> dict:
    """A FAQ reading whose selector ranks ``answers`` (the first is chosen)."""
    data = parsed("faq", 0.9, next(iter(answers)))
    data["response_selector"]["faq"]["response"]["confidence"] = next(iter(answers.values()))
    data["response_selector"]["faq"]["ranking"] = [
        {"intent_response_key": key, "confidence": confidence} for key, confidence in answers.items()
    ]
    return data


SAME_ANSWER = {
    "fr": ("Combien de temps pour récupérer d'une microdiscectomie?", "et pour une fusion?"),
    "en": ("How long is the recovery from a microdiscectomy?", "and for a fusion?"),
}


@pytest.mark.parametrize("language", ["fr", "en"])
async def test_the_answer_just_given_stays_when_nothing_else_fits(language):
    recovery, follow_up = SAME_ANSWER[language]
    pipeline = FakePipeline(
        {
            follow_up: answers_ranked({"faq/recovery_time": 0.3, "faq/surgery_fusion": 0.2}),
            f"{recovery} {follow_up}": answers_ranked({"faq/recovery_time": 0.9, "faq/surgery_fusion": 0.05}),
        }
    )
    tracker = conversation((recovery, answers_ranked({"faq/recovery_time": 0.9})))
    result = await understand(follow_up, pipeline, tracker)
    assert result["response_selector"]["faq"]["response"]["intent_response_key"] == "faq/recovery_time"


CARRIED_SUBJECT = {
    "fr": ("Est-ce que la CNESST paie le chirurgien si je me fais opérer en France?", "ok pis les billets d'avion?"),
    "en": ("Does the CNESST pay the surgeon if I have the operation in France?", "ok and the plane tickets?"),
}


@pytest.mark.parametrize("language", ["fr", "en"])
async def test_a_follow_up_may_carry_over_only_what_the_question_was_about(language):
    question, follow_up = CARRIED_SUBJECT[language]
    pipeline = FakePipeline(
        {
            follow_up: answers_ranked({"faq/coordinators_logistics": 0.6, "faq/cnesst_travel_costs": 0.1}),
            f"{question} {follow_up}": answers_ranked({"faq/cnesst_coverage": 0.6, "faq/cnesst_travel_costs": 0.05}),
            f"cnesst {follow_up}": answers_ranked({"faq/cnesst_travel_costs": 0.7, "faq/cnesst_coverage": 0.2}),
        }
    )
    tracker = conversation((question, answers_ranked({"faq/cnesst_coverage": 0.9})))
    result = await understand(follow_up, pipeline, tracker)
    assert result["response_selector"]["faq"]["response"]["intent_response_key"] == "faq/cnesst_travel_costs"
    assert result["understanding"] == {"reading": "follow_up", "read": f"cnesst {follow_up}"}


@pytest.mark.parametrize(
    ("question", "subject"),
    [
        ("Est-ce que la CNESST paie la fusion en France?", "cnesst fusion"),
        ("can i get a second opinion from a french specialist", "second opinion"),
        ("Bonjour, comment allez-vous?", ""),
    ],
)
def test_the_subject_of_a_question_is_its_words_of_the_domain(question, subject):
    assert subject_of(question) == subject


@pytest.mark.parametrize(
    "text",
    [
        "est-ce que je parle à une vraie personne?",
        "je parle-tu à un robot?",
        "am I talking to a real person?",
        "is this a bot?",
    ],
)
@pytest.mark.parametrize("read_as", ["request_human", "nlu_fallback", "not_in_documents"])
async def test_asking_whether_one_talks_to_a_machine_is_no_request(text, read_as):
    # The model may read it as a request, or not understand it at all (a retrained model did).
    pipeline = FakePipeline({text: parsed(read_as, 0.87)})
    result = await understand(text, pipeline, conversation())
    assert result["intent"]["name"] == "bot_challenge"


@pytest.mark.parametrize(
    "text", ["cé tu un robot? jveux parler a un vrai humain svp", "are you a robot? can I talk to a real person please"]
)
async def test_asking_for_a_person_after_asking_about_a_machine_stays_a_request(text):
    pipeline = FakePipeline({text: parsed("request_human", 0.87)})
    result = await understand(text, pipeline, conversation())
    assert result["intent"]["name"] == "request_human"


@pytest.mark.parametrize(
    ("first", "follow_up"),
    [
        (
            "Quels frais la CNESST rembourse-t-elle pour une chirurgie faite à l'étranger?",
            "2. Et si on a déjà tout payé sur place avec notre carte de crédit?",
        ),
        (
            "What kinds of back surgery do they do in France, and which one keeps the motion?",
            "can he get that one here in Canada or only over there",
        ),
    ],
)
async def test_a_longer_message_that_opens_with_a_connector_or_points_back_leans_on_its_thread(first, follow_up):
    combined = f"{first} {follow_up}"
    pipeline = FakePipeline(
        {follow_up: parsed("faq", 0.3, "faq/payment_financing"), combined: parsed("faq", 0.7, "faq/cnesst_paid_abroad")}
    )
    tracker = conversation((first, parsed("faq", 0.9, "faq/cnesst_paid_abroad")))
    result = await understand(follow_up, pipeline, tracker)
    assert result["response_selector"]["faq"]["response"]["intent_response_key"] == "faq/cnesst_paid_abroad"
    assert result["understanding"] == {"reading": "follow_up", "read": combined}


@pytest.mark.parametrize(
    "text",
    [
        "Qu'est-ce que je dois faire pour savoir si je peux me faire opérer par votre entremise, est-ce que je suis admissible?",
        "What do I need to do to find out if I can get my surgery done through you?",
    ],
)
async def test_a_request_wins_over_a_referral_only_the_model_heard(text):
    pipeline = FakePipeline({text: parsed("medical_advice", 0.7)})
    result = await understand(text, pipeline, conversation())
    assert result["intent"]["name"] == "eligibility"


@pytest.mark.parametrize(
    "text",
    [
        "Est-ce que je dois arrêter mon Eliquis avant l'opération? Sinon je voudrais parler à quelqu'un.",
        "Should I stop my Eliquis before the operation? If not I'd like to talk to someone.",
    ],
)
async def test_a_referral_a_safety_pattern_found_stays_a_referral_beside_a_request(text):
    referral = {
        **parsed("medical_advice", 1.0),
        "intent": {"name": "medical_advice", "confidence": 1.0, "safety_reason": "medication"},
    }
    result = await understand(text, FakePipeline({text: referral}), conversation())
    assert result["intent"]["name"] == "medical_advice"


@pytest.mark.parametrize(
    ("text", "question", "combined"),
    [
        (
            "J'ai eu ma fusion en 2023, ça allait bien 4 mois. Maintenant la douleur descend dans les deux jambes. "
            "comment ils font pour trouver ce qui cause ça",
            "comment ils font pour trouver ce qui cause ça",
            "fusion comment ils font pour trouver ce qui cause ça",
        ),
        (
            "so i had the fusion in 2023, was good for like 4 months. now the pain goes down both legs. "
            "how do they figure out whats actually causing it",
            "how do they figure out whats actually causing it",
            "fusion how do they figure out whats actually causing it",
        ),
    ],
)
async def test_a_question_that_lacks_its_subject_is_read_with_the_story_s(text, question, combined):
    pipeline = FakePipeline(
        {
            text: parsed("not_in_documents", 0.7),
            question: parsed("not_in_documents", 0.7),
            combined: parsed("faq", 0.8, "faq/fbss_diagnosis"),
        }
    )
    result = await understand(text, pipeline, conversation())
    assert result["response_selector"]["faq"]["response"]["intent_response_key"] == "faq/fbss_diagnosis"
    assert result["understanding"] == {"reading": "question", "read": combined}


@pytest.mark.parametrize("language", ["fr", "en"])
async def test_the_story_s_subject_is_not_kept_when_the_reading_with_it_is_unsure(language):
    text, question = {
        "fr": (
            "J'ai eu ma fusion en 2023. La douleur est revenue. comment ils trouvent la cause",
            "comment ils trouvent la cause",
        ),
        "en": ("I had my fusion in 2023. The pain came back. how do they find the cause", "how do they find the cause"),
    }[language]
    pipeline = FakePipeline(
        {text: parsed("not_in_documents", 0.7), f"fusion {question}": parsed("faq", 0.3, "faq/surgery_fusion")}
    )
    result = await understand(text, pipeline, conversation())
    assert result["intent"]["name"] == "not_in_documents"


@pytest.mark.parametrize(
    "text",
    [
        "jsuis ébéniste à mon compte. la sciatique me lâche pas depuis l'automne. vous autres en france c'est combien de temps avant de passer",
        "I'm a cabinetmaker, self-employed. The sciatica hasn't let go since the fall. over in france how long before you get in",
    ],
)
async def test_a_whole_message_read_as_a_request_it_does_not_say_gives_way_to_its_question(text):
    question = text.split(". ")[-1]
    pipeline = FakePipeline({text: parsed("eligibility", 0.95), question: parsed("faq", 0.5, "faq/wait_times")})
    result = await understand(text, pipeline, conversation())
    assert result["response_selector"]["faq"]["response"]["intent_response_key"] == "faq/wait_times"


@pytest.mark.parametrize(
    ("first", "follow_up"),
    [
        (
            "combien de temps pour récupérer d'une hernie opérée",
            "ok. pis la physio quand je reviens à Alma. y'a personne de spécialisé icitte",
        ),
        (
            "how long to recover from a disc operation",
            "ok. and the physio when I'm back in Thunder Bay. nobody specialised up here",
        ),
    ],
)
async def test_a_follow_up_that_looks_like_a_story_is_read_with_its_thread(first, follow_up):
    combined = f"{first} {follow_up}"
    pipeline = FakePipeline({follow_up: parsed("share_story", 0.6), combined: parsed("faq", 0.6, "faq/telehealth")})
    tracker = conversation((first, parsed("faq", 0.9, "faq/recovery_time")))
    result = await understand(follow_up, pipeline, tracker)
    assert result["response_selector"]["faq"]["response"]["intent_response_key"] == "faq/telehealth"


def ranked_fallback(top: str, confidence: float) -> dict:
    return {
        "intent": {"name": "nlu_fallback", "confidence": 0.5},
        "intent_ranking": [
            {"name": "nlu_fallback", "confidence": 0.5},
            {"name": top, "confidence": confidence},
            {"name": "faq", "confidence": 0.1},
        ],
        "entities": [],
    }


@pytest.mark.parametrize(("text", "intent"), [("qu'est-ce que tu peux faire?", "help"), ("what can you do?", "help")])
async def test_small_talk_nearly_recognised_is_answered_as_such(text, intent):
    result = await understand(text, FakePipeline({text: ranked_fallback(intent, 0.48)}), conversation())
    assert result["intent"]["name"] == intent


@pytest.mark.parametrize(("text", "intent"), [("zxcv qwerty", "help"), ("c'est quoi le rapport", "faq")])
async def test_a_fallback_far_from_small_talk_stays_a_fallback(text, intent):
    confidence = 0.2 if intent == "help" else 0.45
    result = await understand(text, FakePipeline({text: ranked_fallback(intent, confidence)}), conversation())
    assert result["intent"]["name"] == "nlu_fallback"


@pytest.mark.parametrize("text", ["merci, je sais pas trop", "thanks, not sure"])
async def test_inside_a_form_a_fallback_near_small_talk_is_read_as_it_is(text):
    pipeline = FakePipeline({text: ranked_fallback("thank", 0.45)})
    result = await understand(text, pipeline, conversation(active_loop="eligibility_form"))
    assert result["intent"]["name"] == "nlu_fallback"


CENTRES_THEN_WAIT = {
    "fr": (
        "Avec quelles cliniques travaillez-vous?",
        "Merci. Pis on attend combien de temps pour être vu dans une de celles-là?",
    ),
    "en": (
        "Which clinics do you work with?",
        "Thank you. And roughly how long would one wait to be seen at one of those?",
    ),
}


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize(("confidence", "expected"), [(0.68, "faq/wait_times"), (0.4, None)])
async def test_a_follow_up_no_thread_answers_gets_the_answer_its_own_words_surely_ask(language, confidence, expected):
    # With its thread it asks how long about the centres, which their answer does not say.
    first, follow_up = CENTRES_THEN_WAIT[language]
    pipeline = FakePipeline(
        {
            follow_up: parsed("follow_up", confidence, "faq/wait_times"),
            f"{first} {follow_up}": parsed("not_in_documents", 0.99),
        }
    )
    result = await understand(follow_up, pipeline, conversation((first, parsed("faq", 0.9, "faq/partner_centres"))))
    if expected is None:
        assert result["intent"]["name"] == "follow_up"
    else:
        assert result["intent"]["name"] == "faq"
        assert result["intent"]["full_retrieval_intent_name"] == expected
        assert result["response_selector"]["faq"]["response"]["intent_response_key"] == expected


WHICH_CENTRE_AFTER_THE_CENTRES = {
    "fr": ("Avec quelles cliniques vous travaillez?", "Quelle clinique fait la chirurgie endoscopique?"),
    "en": ("Which clinics do you work with?", "which hospital does the disc replacement?"),
}


@pytest.mark.parametrize("language", ["fr", "en"])
async def test_an_answer_that_lacks_what_is_asked_is_not_replaced_by_the_thread(language):
    # « Not in the documents » because the answer found names no centre: the question is whole,
    # and its thread (the centres) would give the list of centres again.
    first, question = WHICH_CENTRE_AFTER_THE_CENTRES[language]
    pipeline = FakePipeline(
        {question: lacking_reading(), f"{first} {question}": parsed("faq", 0.9, "faq/partner_centres")}
    )
    result = await understand(question, pipeline, conversation((first, parsed("faq", 0.9, "faq/partner_centres"))))
    assert result["intent"]["name"] == "not_in_documents"
    assert pipeline.read == [question]


INVOICES_THEN_HOW_LONG = {
    "fr": ("La CNESST paye-tu les factures si je paye là-bas?", "ok mais j'ai combien de temps pour les envoyer?"),
    "en": ("Will the CNESST pay me back if I pay there?", "and how long do I have to send them?"),
}


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize(("confidence", "expected"), [(0.25, "not_in_documents"), (0.8, "faq")])
async def test_a_follow_up_whose_thread_lacks_what_it_asks_is_not_in_the_documents(language, confidence, expected):
    # With its question, the follow-up asks how long one has to send the invoices: the answer about
    # invoices paid abroad does not say. An unsure answer found with the subject alone (the
    # recovery time) answers beside it; a sure one is kept.
    first, follow_up = INVOICES_THEN_HOW_LONG[language]
    lacking = lacking_reading("faq/cnesst_paid_abroad")
    parses = {
        follow_up: parsed("follow_up", 0.9),
        f"{first} {follow_up}": lacking,
        f"{subject_of(first)} {follow_up}": parsed("faq", confidence, "faq/recovery_time"),
    }
    pipeline = FakePipeline(parses)
    result = await understand(follow_up, pipeline, conversation((first, parsed("faq", 0.9, "faq/cnesst_paid_abroad"))))
    assert f"{subject_of(first)} {follow_up}" in pipeline.read
    assert result["intent"]["name"] == expected
    assert result["understanding"]["reading"] == "follow_up"


@pytest.mark.parametrize("language", ["fr", "en"])
async def test_a_thread_that_lacks_what_is_asked_gives_way_to_the_follow_ups_own_sure_answer(language):
    first, follow_up = CENTRES_THEN_WAIT[language]
    lacking = lacking_reading("faq/partner_centres")
    pipeline = FakePipeline({follow_up: parsed("follow_up", 0.68, "faq/wait_times"), f"{first} {follow_up}": lacking})
    result = await understand(follow_up, pipeline, conversation((first, parsed("faq", 0.9, "faq/partner_centres"))))
    assert result["intent"]["name"] == "faq"
    assert result["intent"]["full_retrieval_intent_name"] == "faq/wait_times"


TYPES_THEN_RECOVERY = {
    "fr": (
        "Quels types de chirurgie du dos sont offerts en France?",
        "Merci. Pour la fusion, combien de temps dure la récupération?",
    ),
    "en": ("What kinds of back surgery are offered in France?", "Thanks. For the fusion, how long is the recovery?"),
}


@pytest.mark.parametrize("language", ["fr", "en"])
async def test_a_question_answered_alone_is_not_taken_away_by_a_thread_that_lacks_it(language):
    # With the types of surgery as its thread, the answer found (the types) has no duration; the
    # question alone is the recovery time's.
    first, question = TYPES_THEN_RECOVERY[language]
    lacking = lacking_reading("faq/surgery_types")
    pipeline = FakePipeline({question: parsed("faq", 0.91, "faq/recovery_time"), f"{first} {question}": lacking})
    result = await understand(question, pipeline, conversation((first, parsed("faq", 0.9, "faq/surgery_types"))))
    assert result["intent"]["name"] == "faq"
    assert result["response_selector"]["faq"]["response"]["intent_response_key"] == "faq/recovery_time"
