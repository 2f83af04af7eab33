"""Questions about a topic the documents never mention are noticed and the topic named."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.topic_coverage import LACKING_KEY, TopicCoverage, Vocabulary

KNOWN_QUESTIONS = [
    ("Combien coûte une chirurgie du dos en France?", "faq"),
    ("How much does back surgery cost in France?", "faq"),
    ("Qu'est-ce que la CNESST rembourse pour une opération de la colonne?", "faq"),
    ("What does the CNESST reimburse for spine surgery?", "faq"),
    ("Combien de temps dure la convalescence après une fusion?", "faq"),
    ("opérez-vous le dos? recovery after fusion", "faq"),
    ("Faut-il un dossier médical? Do I need to operate on my file?", "faq"),
    ("bonjour", "greet"),
    # Out-of-scope questions teach no vocabulary: their words stay unknown topics.
    ("quelle est la météo à Paris demain", "out_of_scope"),
]
ANSWERS = {
    "utter_faq/cost_france": [
        {"text": "Une chirurgie de la colonne vertébrale coûte 20 à 50 % de moins en France, selon un devis."},
        {"text": "Spine surgery costs 20 to 50% less in France, according to a quote."},
    ]
}


def example(text: str, intent: str) -> Message:
    return Message(data={"text": text, "intent": intent})


@pytest.fixture
def coverage(tmp_path: Path) -> TopicCoverage:
    """Trained on a few questions and answers, stored, then loaded back as the server does."""
    storage, resource = LocalModelStorage(tmp_path), Resource("topic_coverage")
    context = ExecutionContext(GraphSchema({}), "test")
    config = TopicCoverage.get_default_config()
    component = TopicCoverage.create(config, storage, resource, context)
    data = TrainingData(
        training_examples=[example(text, intent) for text, intent in KNOWN_QUESTIONS], responses=ANSWERS
    )
    component.train(data)
    return TopicCoverage.load(config, storage, resource, context)


def trained_with(
    tmp_path: Path, questions: list[tuple[str, str]], responses: dict[str, list[dict]] = ANSWERS
) -> TopicCoverage:
    """A component trained on the known questions and ``questions``, with ``responses`` as answers."""
    storage, resource = LocalModelStorage(tmp_path), Resource("topic_coverage")
    context = ExecutionContext(GraphSchema({}), "test")
    config = TopicCoverage.get_default_config()
    component = TopicCoverage.create(config, storage, resource, context)
    examples = [example(text, intent) for text, intent in [*KNOWN_QUESTIONS, *questions]]
    component.train(TrainingData(training_examples=examples, responses=responses))
    return TopicCoverage.load(config, storage, resource, context)


def parsed(text: str, intent: str, answer_confidence: float | None = None) -> Message:
    message = Message(data={"text": text})
    message.set("intent", {"name": intent, "confidence": 0.9}, add_to_output=True)
    message.set("intent_ranking", [{"name": intent, "confidence": 0.9}], add_to_output=True)
    if answer_confidence is not None:
        selection = {"faq": {"response": {"confidence": answer_confidence, "intent_response_key": "faq/cost_france"}}}
        message.set("response_selector", selection, add_to_output=True)
    return message


def topic(message: Message) -> str | None:
    return next((e["value"] for e in message.get("entities", []) if e["entity"] == "unknown_topic"), None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Est-ce que vous opérez les hanches aussi?", "hanches"),
        ("Do you also operate on hips?", "hips"),
        ("Faut-il un visa pour la France?", "visa"),
        ("Do I need a visa for France?", "visa"),
    ],
)
def test_an_unsure_faq_about_an_unknown_word_is_not_in_the_documents(coverage, text, expected):
    (processed,) = coverage.process([parsed(text, "faq", answer_confidence=0.3)])
    assert processed.get("intent")["name"] == "not_in_documents"
    assert processed.get("intent_ranking")[0]["name"] == "not_in_documents"
    assert topic(processed) == expected


def test_a_fallback_about_an_unknown_word_is_not_in_the_documents_either(coverage):
    (processed,) = coverage.process([parsed("Et pour les genoux?", "nlu_fallback")])
    assert processed.get("intent")["name"] == "not_in_documents"
    assert topic(processed) == "genoux"


@pytest.mark.parametrize(
    "text",
    [
        "Combien coute une chirugie du dos en France?",  # typos of known words
        "How much does back surgry cost in France",
        "Combien coûtent les chirurgies?",  # a form of a known word
        "Qu'est-ce que ça coûte?",  # stop words only
    ],
)
def test_known_words_their_typos_and_stop_words_are_known(coverage, text):
    (processed,) = coverage.process([parsed(text, "faq", answer_confidence=0.3)])
    assert processed.get("intent")["name"] == "faq"
    assert topic(processed) is None


def test_a_sure_answer_is_not_overruled_by_one_odd_word(coverage):
    (processed,) = coverage.process([parsed("Combien coûte une chirurgie du dos en France, mon chum?", "faq", 0.9)])
    assert processed.get("intent")["name"] == "faq"


@pytest.mark.parametrize("intent", ["greet", "out_of_scope", "request_human", "emergency"])
def test_other_intents_are_left_alone(coverage, intent):
    (processed,) = coverage.process([parsed("quelle est la météo à Paris demain", intent)])
    assert processed.get("intent")["name"] == intent


def test_out_of_scope_questions_teach_no_vocabulary(coverage):
    assert coverage.vocabulary.unknown_words("la météo à Paris", 4) == ["météo", "Paris"]


def test_the_topic_is_named_as_written_with_at_most_two_words(coverage):
    (processed,) = coverage.process([parsed("Acceptez-vous les chiens, les chats et les perroquets?", "faq", 0.2)])
    assert topic(processed) == "Acceptez, chiens"


def test_a_vocabulary_knows_one_typo_in_short_words_and_two_in_long_ones():
    vocabulary = Vocabulary({"fusion", "convalescence"})
    assert vocabulary.knows("fuson")
    assert not vocabulary.knows("fsoin")
    assert vocabulary.knows("convalesence")
    assert vocabulary.knows("convalecense")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Est-ce que le Dr Roussel fait partie de vos chirurgiens?", "Roussel"),
        ("Is Dr. Philippe Marchand one of your surgeons?", "Philippe, Marchand"),
    ],
)
def test_a_doctor_the_documents_do_not_name_overrules_even_a_sure_answer(coverage, text, expected):
    (processed,) = coverage.process([parsed(text, "faq", answer_confidence=0.9)])
    assert processed.get("intent")["name"] == "not_in_documents"
    assert topic(processed) == expected


def test_an_acronym_is_a_topic_though_short(coverage):
    (processed,) = coverage.process(
        [parsed("Est-ce que la SAAQ rembourse une opération?", "faq", answer_confidence=0.3)]
    )
    assert topic(processed) == "SAAQ"


def test_a_fallback_whose_likeliest_intent_was_a_faq_is_not_in_the_documents_without_a_topic(coverage):
    message = parsed("Combien coûte une chirurgie du dos en France?", "nlu_fallback")
    message.set("intent_ranking", [{"name": "nlu_fallback"}, {"name": "faq"}, {"name": "greet"}], add_to_output=True)
    (processed,) = coverage.process([message])
    assert processed.get("intent")["name"] == "not_in_documents"
    assert topic(processed) is None


def test_a_fallback_whose_likeliest_intent_was_small_talk_stays_a_fallback(coverage):
    message = parsed("bonjour bonjour", "nlu_fallback")
    message.set("intent_ranking", [{"name": "nlu_fallback"}, {"name": "greet"}, {"name": "faq"}], add_to_output=True)
    (processed,) = coverage.process([message])
    assert processed.get("intent")["name"] == "nlu_fallback"


def test_a_fallback_whose_faq_answer_is_sure_is_that_faq(coverage):
    message = parsed("Combien coûte une chirurgie du dos en France?", "nlu_fallback", answer_confidence=0.9)
    message.set(
        "intent_ranking", [{"name": "nlu_fallback"}, {"name": "faq"}, {"name": "not_in_documents"}], add_to_output=True
    )
    (processed,) = coverage.process([message])
    assert processed.get("intent")["name"] == "faq"


def test_a_fallback_between_not_in_the_documents_and_a_faq_is_not_in_the_documents(coverage):
    message = parsed("Combien coûte une chirurgie du dos en France?", "nlu_fallback", answer_confidence=0.2)
    message.set(
        "intent_ranking", [{"name": "nlu_fallback"}, {"name": "not_in_documents"}, {"name": "faq"}], add_to_output=True
    )
    (processed,) = coverage.process([message])
    assert processed.get("intent")["name"] == "not_in_documents"


@pytest.mark.parametrize("text", ["zxcv qwerty asdfgh, écrivez à a@b.ca", "Joy Hello"])
def test_a_fallback_that_asks_nothing_stays_a_fallback(coverage, text):
    message = parsed(text, "nlu_fallback")
    message.set("intent_ranking", [{"name": "nlu_fallback"}, {"name": "faq"}], add_to_output=True)
    (processed,) = coverage.process([message])
    assert processed.get("intent")["name"] == "nlu_fallback"
    assert topic(processed) is None


@pytest.mark.parametrize(
    "text",
    [
        "jcoute cb une chirurgie en France?",  # « je coûte »: a « j » glued to a known word
        "combien coûte lopé?",  # « l'opé »: taught by « l'opé » in a known question
        "Combien dure la convalescence après lopération?",
    ],
)
def test_an_elided_letter_glued_to_a_known_word_is_known(tmp_path, text):
    component = trained_with(tmp_path, [("c'est quand l'opé?", "faq"), ("combien coûte une opération", "faq")])
    message = parsed(text, "faq", answer_confidence=0.4)
    component.process([message])
    assert message.get("intent")["name"] == "faq"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("J'habite à Chicoutimi depuis toujours. Est-ce que vous opérez les hanches aussi?", "hanches"),
        ("My GP in Winnipeg wants to stay in the loop. Do you also operate on hips?", "hips"),
    ],
)
def test_in_a_story_only_the_question_names_the_topic(coverage, text, expected):
    message = parsed(text, "faq", answer_confidence=0.2)
    coverage.process([message])
    assert topic(message) == expected


@pytest.mark.parametrize(
    "text",
    [
        "J'habite à Chicoutimi depuis toujours. Combien coûte une chirurgie du dos en France?",
        "My GP in Winnipeg wants to stay in the loop. How much does back surgery cost in France?",
    ],
)
def test_unknown_words_of_the_story_before_a_known_question_are_not_its_topic(coverage, text):
    message = parsed(text, "faq", answer_confidence=0.2)
    coverage.process([message])
    assert message.get("intent")["name"] == "faq"


@pytest.mark.parametrize(
    "text",
    [
        "Combien de jours après la fusion avant de reprendre l'avion?",
        "How many days after the fusion before I can fly back home?",
    ],
)
def test_a_very_unsure_answer_foreign_to_the_question_is_not_in_the_documents(tmp_path, text):
    component = trained_with(tmp_path, [(text, "faq")])  # every word known, none of this answer's
    message = parsed(text, "faq", answer_confidence=0.15)
    component.process([message])
    assert message.get("intent")["name"] == "not_in_documents"
    assert topic(message) is None


def test_an_answer_unsure_but_not_very_keeps_the_question(tmp_path):
    text = "How many days after the fusion before I can fly back home?"
    component = trained_with(tmp_path, [(text, "faq")])
    message = parsed(text, "faq", answer_confidence=0.25)
    component.process([message])
    assert message.get("intent")["name"] == "faq"


@pytest.mark.parametrize(
    "text", ["Combien coûte une chirurgie en France pour mon mari?", "How much does surgery cost in France for my mom?"]
)
def test_the_people_a_question_is_about_are_not_foreign_to_its_answer(coverage, text):
    message = parsed(text, "faq", answer_confidence=0.2)
    coverage.process([message])
    assert message.get("intent")["name"] == "faq"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Do I need a visa for France or is my passport enough?", "visa, passport"),
        ("Faut-il un visa pour une opération en France?", "visa"),
    ],
)
def test_a_question_called_out_of_scope_that_names_the_domain_is_not_in_the_documents(coverage, text, expected):
    (processed,) = coverage.process([parsed(text, "out_of_scope")])
    assert processed.get("intent")["name"] == "not_in_documents"
    assert topic(processed) == expected


@pytest.mark.parametrize("text", ["What's the weather like tomorrow?", "ok merci, bonne soirée France"])
def test_out_of_scope_without_the_domain_or_a_question_stays_out_of_scope(coverage, text):
    (processed,) = coverage.process([parsed(text, "out_of_scope")])
    assert processed.get("intent")["name"] == "out_of_scope"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Does OHIP pay for part of a back surgery in France?", "OHIP"),
        ("Est-ce que la SAAQ rembourse une chirurgie du dos en France?", "SAAQ"),
    ],
)
def test_an_acronym_the_documents_never_use_overrules_even_a_sure_answer(coverage, text, expected):
    (processed,) = coverage.process([parsed(text, "faq", answer_confidence=0.9)])
    assert processed.get("intent")["name"] == "not_in_documents"
    assert topic(processed) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Si on annule à la dernière minute, est-ce qu'on est remboursés?",
        "If I cancel at the last minute, do I get my money back?",
    ],
)
def test_a_fallback_whose_likeliest_intent_was_personal_advice_is_not_in_the_documents(coverage, text):
    message = parsed(text, "nlu_fallback")
    message.set(
        "intent_ranking", [{"name": "nlu_fallback"}, {"name": "medical_advice"}, {"name": "faq"}], add_to_output=True
    )
    (processed,) = coverage.process([message])
    assert processed.get("intent")["name"] == "not_in_documents"


@pytest.mark.parametrize(
    ("likeliest", "expected"),
    [("follow_up", "faq"), ("share_story", "faq"), ("eligibility", "nlu_fallback"), ("greet", "nlu_fallback")],
)
def test_a_fallback_read_as_a_follow_up_or_a_story_takes_a_very_sure_answer(coverage, likeliest, expected):
    message = parsed("Combien coûte une chirurgie du dos en France?", "nlu_fallback", answer_confidence=0.93)
    message.set("intent_ranking", [{"name": "nlu_fallback"}, {"name": likeliest}, {"name": "faq"}], add_to_output=True)
    (processed,) = coverage.process([message])
    assert processed.get("intent")["name"] == expected


def test_a_fallback_read_as_a_follow_up_keeps_an_unsure_answer_out(coverage):
    message = parsed("Combien coûte une chirurgie du dos en France?", "nlu_fallback", answer_confidence=0.6)
    message.set(
        "intent_ranking", [{"name": "nlu_fallback"}, {"name": "follow_up"}, {"name": "faq"}], add_to_output=True
    )
    (processed,) = coverage.process([message])
    assert processed.get("intent")["name"] == "nlu_fallback"


@pytest.mark.parametrize(("confidence", "expected"), [(0.95, "faq"), (0.6, "nlu_fallback")])
def test_keywords_nearest_a_very_sure_answer_get_it(coverage, confidence, expected):
    message = parsed("journées d'information", "nlu_fallback", answer_confidence=confidence)
    message.set("intent_ranking", [{"name": "nlu_fallback"}, {"name": "faq"}, {"name": "greet"}], add_to_output=True)
    (processed,) = coverage.process([message])
    assert processed.get("intent")["name"] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Mon cousin s'est fait mal au dos à la job en Ontario, lui c'est la WSIB. Ça marche-tu pareil pour lui?",
            "WSIB",
        ),
        ("I hurt my back on a job site in Ontario and got a WSIB claim. Do they pay for France?", "WSIB"),
        ("J'ai entendu parler du Dr Garnier à Lyon. Est-ce qu'il fait partie de votre réseau?", "Garnier"),
        ("A friend told me about a Dr. Marchand in Lyon. Is he one of your surgeons?", "Marchand"),
    ],
)
def test_a_question_pointing_back_to_its_story_asks_about_the_acronym_or_doctor_named_there(coverage, text, expected):
    (processed,) = coverage.process([parsed(text, "faq", answer_confidence=0.9)])
    assert processed.get("intent")["name"] == "not_in_documents"
    assert topic(processed) == expected
    assert processed.get("entities")[-1]["role"] == "named"


@pytest.mark.parametrize(
    "text",
    [
        "J'ai passé une IRM au CHUM l'an passé. Combien coûte une chirurgie du dos en France?",
        "My GP at the CLSC sent me for an MRI last year. How much does back surgery cost in France?",
    ],
)
def test_an_acronym_of_the_story_is_not_the_topic_of_a_question_that_does_not_point_back(coverage, text):
    (processed,) = coverage.process([parsed(text, "faq", answer_confidence=0.9)])
    assert processed.get("intent")["name"] == "faq"


@pytest.mark.parametrize(
    "text",
    [
        "cest tu vrai que lhopital americain de neuilly fait partie de vos places?",
        "cb exactement pour une microdiscectomie? jveux un chiffre",
    ],
)
def test_out_of_scope_naming_the_domain_in_chat_writing_is_not_in_the_documents(coverage, text):
    (processed,) = coverage.process([parsed(text, "out_of_scope")])
    assert processed.get("intent")["name"] == "not_in_documents"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("la ramq rembourse tu quelque chose si je me fais operer en france?", "ramq"),
        ("im in ontario and got a wsib claim. do they pay for france like the cnesst does", "wsib"),
    ],
)
def test_a_question_about_an_insurer_the_documents_never_mention_is_not_in_them(coverage, text, expected):
    (processed,) = coverage.process([parsed(text, "faq", answer_confidence=0.9)])
    assert processed.get("intent")["name"] == "not_in_documents"
    assert topic(processed) == expected


@pytest.mark.parametrize(
    "text",
    [
        "je suis sur la liste d'attente de la ramq depuis un an, c'est combien de temps en France?",
        "ive been on the waiting list in quebec for over a year with ramq, how fast could i get seen over there",
    ],
)
def test_an_insurer_named_as_context_is_not_the_question(coverage, text):
    (processed,) = coverage.process([parsed(text, "faq", answer_confidence=0.9)])
    assert processed.get("intent")["name"] == "faq"


ANSWERS_WITH_PLACES = {
    **ANSWERS,
    "utter_faq/partner_centres": [
        {"text": "Des centres comme la Clinique de l'Anjou à Angers accueillent les patients."},
        {"text": "Centres such as the Clinique de l'Anjou in Angers welcome patients."},
    ],
    "utter_faq/decompression": [
        {"text": "La décompression neurovertébrale est offerte à Montréal."},
        {"text": "Neurovertebral decompression is offered in Montreal."},
    ],
}


def chosen(text: str, key: str, confidence: float = 0.97) -> Message:
    message = parsed(text, "faq")
    message.set("response_selector", {"faq": {"response": {"confidence": confidence, "intent_response_key": key}}})
    return message


# A training question may name Lyon: only what the answers say counts.
QUESTIONS_NAMING_LYON = [("vous travaillez-tu avec des cliniques à Lyon?", "faq"), ("any clinic in lyon?", "faq")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("vous avez tu une clinique a lyon? ma blonde a de la famille la-bas", "lyon"),
        ("Est-ce que vous avez un bureau à Drummondville?", "Drummondville"),
        ("do you guys have a partner clinic in Lyon?", "Lyon"),
        ("is there an office near Winnipeg where my dad could do his tests", "Winnipeg"),
    ],
)
def test_a_place_no_answer_names_is_not_in_the_documents_however_sure_the_answer(tmp_path, text, expected):
    coverage = trained_with(tmp_path, QUESTIONS_NAMING_LYON, ANSWERS_WITH_PLACES)
    (processed,) = coverage.process([chosen(text, "faq/partner_centres")])
    assert processed.get("intent")["name"] == "not_in_documents"
    assert topic(processed) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Avez-vous une clinique à Angers?",
        "Which clinics in France do you work with?",
        "la clinique de décompression à Montréal, c'est où?",
        "is there a clinic in the area where I could rest?",
        "do they have a clinic in january or only in spring",
        "J'ai des radiographies de deux cliniques à Laval, est-ce qu'elles comptent?",
        "will the surgeon's reports go to my GP at the clinic in Laval?",
        "les hôpitaux font-tu attention à l'environnement?",
        "what kind of organization are you, like a clinic or a middleman?",
    ],
)
def test_a_place_an_answer_names_or_no_place_keeps_the_answer(tmp_path, text):
    coverage = trained_with(tmp_path, [], ANSWERS_WITH_PLACES)
    (processed,) = coverage.process([chosen(text, "faq/partner_centres")])
    assert processed.get("intent")["name"] == "faq"


@pytest.mark.parametrize(
    "text",
    [
        "combien coûte une séance de décompression neurovertébrale?",
        "ça coûte combien une séance de décompression à Montréal?",
        "how much do they charge for the decompression sessions",
        "what does a decompression session cost?",
    ],
)
def test_a_price_asked_of_an_answer_without_an_amount_is_not_in_the_documents(tmp_path, text):
    coverage = trained_with(tmp_path, [], ANSWERS_WITH_PLACES)
    (processed,) = coverage.process([chosen(text, "faq/decompression")])
    assert processed.get("intent")["name"] == "not_in_documents"
    assert topic(processed) is None


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("combien coûte une chirurgie du dos en France?", "faq/cost_france"),
        ("How much does back surgery cost in France?", "faq/cost_france"),
        ("combien la CNESST rembourse pour la décompression?", "faq/decompression"),
        ("how much of the decompression does my insurance cover?", "faq/decompression"),
    ],
)
def test_a_price_an_answer_gives_or_a_question_of_who_pays_keeps_the_answer(tmp_path, text, key):
    coverage = trained_with(tmp_path, [], ANSWERS_WITH_PLACES)
    (processed,) = coverage.process([chosen(text, key)])
    assert processed.get("intent")["name"] == "faq"


ANSWERS_WITH_DURATIONS = {
    **ANSWERS_WITH_PLACES,
    "utter_faq/recovery_time": [
        {"text": "Après une fusion, la convalescence dure de 3 à 6 mois."},
        {"text": "After a fusion, recovery takes 3 to 6 months."},
    ],
    "utter_faq/cnesst_paid_abroad": [
        {"text": "Oui, en respectant les délais de déclaration de la CNESST."},
        {"text": "Yes, within the CNESST's declaration deadlines."},
    ],
}


@pytest.mark.parametrize(
    "text",
    [
        "Combien de temps la CNESST prend-elle pour donner son accord préalable?",
        "en combien de temps vous faites la décompression?",
        "How long does the CNESST usually take to give the prior approval?",
        "how many weeks is a decompression treatment",
    ],
)
def test_a_duration_asked_of_an_answer_without_one_is_not_in_the_documents(tmp_path, text):
    coverage = trained_with(tmp_path, [], ANSWERS_WITH_DURATIONS)
    (processed,) = coverage.process([chosen(text, "faq/decompression")])
    assert processed.get("intent")["name"] == "not_in_documents"


@pytest.mark.parametrize(
    "text",
    [
        "combien de temps j'ai pour envoyer mes factures à la CNESST une fois revenu? 30 jours? 6 mois?",
        "Quel est le délai pour réclamer à la CNESST après le retour?",
        "how many days do I have after I get back to send my invoices to the CNESST?",
        "how long do I have to claim from the CNESST once I'm back?",
    ],
)
def test_a_deadline_an_answer_names_without_its_length_does_not_say_how_long(tmp_path, text):
    # « respecter les délais de déclaration » says there is a deadline, not how long it is.
    coverage = trained_with(tmp_path, [], ANSWERS_WITH_DURATIONS)
    (processed,) = coverage.process([chosen(text, "faq/cnesst_paid_abroad")])
    assert processed.get("intent")["name"] == "not_in_documents"
    assert processed.get("intent")[LACKING_KEY] is True


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Combien de temps dure la convalescence après une fusion?", "faq/recovery_time"),
        ("How long is the recovery after a fusion?", "faq/recovery_time"),
    ],
)
def test_a_duration_an_answer_gives_keeps_the_answer(tmp_path, text, key):
    coverage = trained_with(tmp_path, [], ANSWERS_WITH_DURATIONS)
    (processed,) = coverage.process([chosen(text, key)])
    assert processed.get("intent")["name"] == "faq"


ANSWERS_WITH_RATES = {
    **ANSWERS_WITH_DURATIONS,
    "utter_faq/patient_satisfaction": [
        {"text": "Le taux de satisfaction dépasse 90 %."},
        {"text": "Satisfaction is over 90%."},
    ],
    "utter_faq/ambulatory_surgery": [
        {"text": "En France, le taux de chirurgie ambulatoire dépasse 63 %."},
        {"text": "In France, the outpatient surgery rate is over 63%."},
    ],
    "utter_faq/revision_options": [
        {"text": "Une chirurgie de révision peut être envisagée si nécessaire."},
        {"text": "Revision surgery may be considered if necessary."},
    ],
}


@pytest.mark.parametrize(
    "text",
    [
        "c'est quoi le vrai taux de réussite quand ils refont une fusion qui a pas marché?",
        "Quel pourcentage de réussite pour une révision?",
        "whats the real success rate when they redo a fusion that failed. the actual number",
        "what are the chances of success of a revision?",
    ],
)
@pytest.mark.parametrize("key", ["faq/revision_options", "faq/patient_satisfaction"])
def test_a_rate_asked_of_an_answer_without_it_is_not_in_the_documents(tmp_path, text, key):
    # The revision answer gives no figure; the satisfaction answer gives a rate of something else.
    coverage = trained_with(tmp_path, [], ANSWERS_WITH_RATES)
    (processed,) = coverage.process([chosen(text, key)])
    assert processed.get("intent")["name"] == "not_in_documents"
    assert processed.get("intent")[LACKING_KEY] is True


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Quel est le taux de satisfaction des patients?", "faq/patient_satisfaction"),
        ("what's the patients' satisfaction rate?", "faq/patient_satisfaction"),
        ("quel pourcentage des patients sont satisfaits?", "faq/patient_satisfaction"),
        ("est-ce que l'ambulatoire augmente le taux de complications?", "faq/ambulatory_surgery"),
        ("does outpatient surgery raise the complication rate?", "faq/ambulatory_surgery"),
        ("Est-ce qu'on peut refaire une fusion qui a pas marché?", "faq/revision_options"),
        ("can they redo a fusion that failed?", "faq/revision_options"),
    ],
)
def test_a_rate_an_answer_gives_or_a_question_of_no_rate_keeps_the_answer(tmp_path, text, key):
    coverage = trained_with(tmp_path, [], ANSWERS_WITH_RATES)
    (processed,) = coverage.process([chosen(text, key)])
    assert processed.get("intent")["name"] == "faq"


@pytest.mark.parametrize(
    "text",
    [
        "Notre médecin de famille, le Dr Ménard, tient à rester dans la boucle. Le Dr Ménard recevra-t-il les comptes rendus?",
        "My family doctor, Dr. Okafor, wants to stay in the loop. Will Dr. Okafor get the reports?",
    ],
)
def test_ones_own_doctor_named_is_context_not_a_topic(tmp_path, text):
    coverage = trained_with(tmp_path, [], ANSWERS_WITH_DURATIONS)
    (processed,) = coverage.process([chosen(text, "faq/cost_france")])
    assert processed.get("intent")["name"] == "faq"


@pytest.mark.parametrize(
    ("text", "key", "expected"),
    [
        ("Quelle clinique fait la chirurgie endoscopique?", "faq/decompression", "not_in_documents"),
        ("which hospital does the disc replacement?", "faq/decompression", "not_in_documents"),
        (
            "J'ai vu vos quatre cliniques sur la liste. Laquelle fait la décompression, c'est tu à Paris?",
            "faq/decompression",
            "not_in_documents",
        ),
        (
            "i saw the clinics listed. which one actually does the decompression? is it the one in paris?",
            "faq/decompression",
            "not_in_documents",
        ),
        # The answer that names the centres answers which centre.
        ("Quelles cliniques travaillent avec vous?", "faq/partner_centres", "faq"),
        ("which clinics do you work with?", "faq/partner_centres", "faq"),
        # « Which one » about anything but a centre is not this question.
        ("La décompression ou la chirurgie, laquelle est la meilleure?", "faq/decompression", "faq"),
        ("decompression or surgery, which one is better?", "faq/decompression", "faq"),
    ],
)
def test_which_centre_asked_of_an_answer_naming_none_is_not_in_the_documents(tmp_path, text, key, expected):
    coverage = trained_with(tmp_path, [], ANSWERS_WITH_PLACES)
    (processed,) = coverage.process([chosen(text, key)])
    assert processed.get("intent")["name"] == expected
    # The answer was found and lacks what is asked: the reading says so (bot.understanding).
    assert processed.get("intent").get("answer_lacks", False) is (expected == "not_in_documents")
