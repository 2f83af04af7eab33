"""The FAQ re-ranker: the answer selector's confidence plus BM25 over the training questions."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.faq_reranker import FaqReranker, answer_texts, combined_scores, ranked

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


def test_at_weight_zero_the_selector_s_order_stands_without_bm25(tmp_path):
    storage = LocalModelStorage(tmp_path)
    resource = Resource("weight_zero")
    context = ExecutionContext(GraphSchema({}), "test")
    config = {**FaqReranker.get_default_config(), "bm25_weight": 0.0}
    reranker = FaqReranker.create(config, storage, resource, context)
    reranker.train(TrainingData(training_examples=[example(t, k) for k, texts in QUESTIONS.items() for t in texts]))
    loaded = FaqReranker.load(config, storage, resource, context)
    loaded.bm25_scores = lambda text: pytest.fail("BM25 computed at weight 0")
    # The same message as above, where BM25 at weight 1 turns the answer to cnesst_coverage.
    message = faq_message("la CNESST va-tu payer mon opération?", [("faq/cost_france", 0.5), ("faq/cnesst_coverage", 0.4)])
    loaded.process([message])
    assert chosen(message) == "faq/cost_france"
    selection = message.get("response_selector")["faq"]
    assert [entry["confidence"] for entry in selection["ranking"]] == [0.5, 0.4]
    assert selection["selector_ranking"][0] == {"intent_response_key": "faq/cost_france", "confidence": 0.5}


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


def test_the_selector_s_own_ranking_is_kept_beside_the_new_one(trained):
    message = faq_message("la CNESST va-tu payer mon opération?", [("faq/cost_france", 0.5), ("faq/cnesst_coverage", 0.4)])
    trained.process([message])
    selection = message.get("response_selector")["faq"]
    assert selection["selector_ranking"] == [
        {"intent_response_key": "faq/cost_france", "confidence": 0.5},
        {"intent_response_key": "faq/cnesst_coverage", "confidence": 0.4},
    ]
    assert selection["ranking"][0]["intent_response_key"] == "faq/cnesst_coverage"


def test_equal_scores_are_broken_the_same_way_every_time():
    assert ranked({"faq/b": 0.5, "faq/a": 0.5, "faq/c": 0.1}) == ["faq/a", "faq/b", "faq/c"]
    assert combined_scores({"faq/a": 0.8}, {"faq/b": 1.0}, 1.0) == {"faq/a": 0.4, "faq/b": 0.5}


ANSWERS = {
    "utter_faq/recovery_time": [{"text": "La reprise du travail de bureau se fait vers 4 à 6 semaines."},
                                {"text": "Office work resumes after about 4 to 6 weeks."}],
    "utter_faq/cost_france": [{"text": "Une chirurgie coûte de 15 000 à 30 000 euros."}],
    "utter_greet": [{"text": "Bonjour! Je réponds aux questions sur la colonne."}],
}


def train_with_answers(tmp_path: Path, index_answers: bool) -> FaqReranker:
    config = {**FaqReranker.get_default_config(), "index_answers": index_answers}
    tmp_path.mkdir()
    storage, resource = LocalModelStorage(tmp_path), Resource("faq_reranker")
    context = ExecutionContext(GraphSchema({}), "test")
    examples = [example(text, key) for key, texts in QUESTIONS.items() for text in texts]
    reranker = FaqReranker.create(config, storage, resource, context)
    reranker.train(TrainingData(training_examples=examples, responses=ANSWERS))
    return FaqReranker.load(config, storage, resource, context)


def test_answer_texts_are_indexed_only_when_asked(tmp_path):
    question = "reprise travail bureau semaines?"
    without = train_with_answers(tmp_path / "without", index_answers=False)
    assert len(without.questions) == 6
    assert without.bm25_scores(question).get("faq/recovery_time", 0.0) == 0.0
    with_answers = train_with_answers(tmp_path / "with", index_answers=True)
    # the FAQ answers' three texts are indexed; another response (utter_greet) is not
    assert len(with_answers.questions) == 9
    assert sorted(set(with_answers.answers)) == sorted(QUESTIONS)
    assert with_answers.bm25_scores(question)["faq/recovery_time"] == 1.0
    message = faq_message(question, [("faq/cost_france", 0.5), ("faq/recovery_time", 0.3)])
    with_answers.process([message])
    assert chosen(message) == "faq/recovery_time"


def test_answer_texts_are_read_per_variation():
    assert answer_texts(ANSWERS, "faq") == [
        ("faq/cost_france", "Une chirurgie coûte de 15 000 à 30 000 euros."),
        ("faq/recovery_time", "La reprise du travail de bureau se fait vers 4 à 6 semaines."),
        ("faq/recovery_time", "Office work resumes after about 4 to 6 weeks."),
    ]


def test_the_index_gives_rank_bm25_s_own_scores():
    """The postings reproduce BM25Okapi.get_scores exactly, on the project's real questions."""
    from rank_bm25 import BM25Okapi

    from bot.content import LANGUAGES, heldout_examples
    from bot.text import words
    from bot.tuning import build_index

    index = build_index(with_answers=False)
    documents, keys = index.documents, index.answers
    reference = BM25Okapi(documents)
    queries = [q for language in LANGUAGES for examples in heldout_examples()[language].values() for q in examples]
    queries = queries[::4] + ["", "zzz inconnu", "cnesst cnesst cnesst"]
    for query in queries:
        assert index.document_scores(query).tolist() == reference.get_scores(words(query)).tolist(), query
        expected: dict[str, float] = {}
        for key, score in zip(keys, reference.get_scores(words(query))):
            expected[key] = max(expected.get(key, 0.0), float(score))
        top = max(expected.values())
        assert index.scores(query) == ({key: value / top for key, value in expected.items()} if top > 0 else {})
