"""The FAQ re-ranker: the answer selector's confidence plus BM25 over the training questions."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.faq_reranker import FaqReranker

QUESTIONS = {
    "faq/cost_france": ["Combien coûte une chirurgie du dos en France?", "How much is back surgery in France?"],
    "faq/cnesst_coverage": ["Est-ce que la CNESST paie l'opération?", "Does the CNESST cover the surgery?"],
    "faq/recovery_time": ["Combien de temps pour récupérer?", "How long is the recovery?"],
}


def example(text: str, key: str) -> Message:
    return Message(data={"text": text, "intent": key.split("/")[0], "intent_response_key": key})


def faq_message(text: str, ranking: list[tuple[str, float]], intent: str = "faq") -> Message:
    built = Message(data={"text": text})
    built.set("intent", {"name": intent, "confidence": 0.95}, add_to_output=True)
    top_key, top_confidence = ranking[0]
    selection = {
        "response": {"intent_response_key": top_key, "utter_action": f"utter_{top_key}",
                     "confidence": top_confidence, "responses": [{"text": "..."}]},
        "ranking": [{"id": n, "intent_response_key": key, "confidence": value} for n, (key, value) in enumerate(ranking)],
    }
    built.set("response_selector", {"faq": selection}, add_to_output=True)
    return built


@pytest.fixture
def trained(tmp_path: Path) -> FaqReranker:
    """A re-ranker trained on a few questions, stored, then loaded back as the server does."""
    storage = LocalModelStorage(tmp_path)
    resource = Resource("faq_reranker")
    context = ExecutionContext(GraphSchema({}), "test")
    examples = [example(text, key) for key, texts in QUESTIONS.items() for text in texts]
    examples.append(Message(data={"text": "bonjour", "intent": "greet"}))
    reranker = FaqReranker.create(FaqReranker.get_default_config(), storage, resource, context)
    reranker.train(TrainingData(training_examples=examples))
    return FaqReranker.load(FaqReranker.get_default_config(), storage, resource, context)


def chosen(message: Message) -> str:
    return message.get("response_selector")["faq"]["response"]["intent_response_key"]


def test_only_the_retrieval_intent_s_questions_are_indexed(trained):
    assert sorted(set(trained.answers)) == sorted(QUESTIONS)
    assert len(trained.questions) == 6


def test_bm25_tips_an_unsure_selector_towards_the_question_sharing_its_rare_words(trained):
    message = faq_message("la CNESST va-tu payer mon opération?", [("faq/cost_france", 0.5), ("faq/cnesst_coverage", 0.4)])
    trained.process([message])
    assert chosen(message) == "faq/cnesst_coverage"
    selection = message.get("response_selector")["faq"]
    assert selection["response"]["utter_action"] == "utter_faq/cnesst_coverage"
    assert "responses" not in selection["response"]
    assert message.get("intent")["full_retrieval_intent_name"] == "faq/cnesst_coverage"
    assert [entry["intent_response_key"] for entry in selection["ranking"]][0] == "faq/cnesst_coverage"
    assert len(selection["ranking"]) == 2
    assert 0 < selection["response"]["confidence"] <= 1


def test_the_best_sum_wins_so_a_sure_selector_keeps_an_answer_bm25_also_supports(trained):
    text = "Combien coûte la chirurgie si la CNESST paie?"
    lexical = trained.bm25_scores(text)
    assert 0 < lexical["faq/cost_france"] < 1 == lexical["faq/cnesst_coverage"]
    message = faq_message(text, [("faq/cost_france", 0.98), ("faq/cnesst_coverage", 0.01)])
    trained.process([message])
    assert chosen(message) == "faq/cost_france"
    expected = (0.98 + lexical["faq/cost_france"]) / 2
    assert message.get("response_selector")["faq"]["response"]["confidence"] == pytest.approx(expected)


def test_without_shared_words_the_selector_decides(trained):
    message = faq_message("xyz qwerty", [("faq/recovery_time", 0.6), ("faq/cost_france", 0.3)])
    trained.process([message])
    assert chosen(message) == "faq/recovery_time"


@pytest.mark.parametrize("intent", ["greet", "nlu_fallback", "emergency"])
def test_other_intents_are_left_alone(trained, intent):
    message = faq_message("la CNESST va-tu payer mon opération?", [("faq/cost_france", 0.5)], intent=intent)
    trained.process([message])
    assert chosen(message) == "faq/cost_france"


def test_a_message_without_a_selection_is_left_alone(trained):
    message = Message(data={"text": "CNESST"})
    message.set("intent", {"name": "faq", "confidence": 0.9}, add_to_output=True)
    trained.process([message])
    assert message.get("response_selector") is None


def test_an_untrained_reranker_keeps_the_selector_s_order(tmp_path):
    reranker = FaqReranker.create(
        FaqReranker.get_default_config(), LocalModelStorage(tmp_path), Resource("r"), ExecutionContext(GraphSchema({}), "t")
    )
    message = faq_message("CNESST", [("faq/cost_france", 0.5), ("faq/cnesst_coverage", 0.4)])
    reranker.process([message])
    assert chosen(message) == "faq/cost_france"
