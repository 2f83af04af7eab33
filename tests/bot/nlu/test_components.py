"""The custom NLU components, on messages shaped as the pipeline hands them over."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.faq_gate import FaqResponseGate
from bot.nlu.language_detector import LanguageDetector
from bot.nlu.safety_override import SafetyOverride


def message(text: str, intent: str | None = None, confidence: float = 0.9, **data) -> Message:
    built = Message(data={"text": text, **data})
    if intent:
        built.set("intent", {"name": intent, "confidence": confidence}, add_to_output=True)
        built.set("intent_ranking", [{"name": intent, "confidence": confidence}], add_to_output=True)
    return built


def language_entities(processed: Message) -> list[str]:
    return [entity["value"] for entity in processed.get("entities", []) if entity["entity"] == "language"]


@pytest.fixture
def detector() -> LanguageDetector:
    return LanguageDetector.create({}, None, None, None)


@pytest.mark.parametrize(
    ("text", "metadata", "expected"),
    [
        ("Combien coûte une chirurgie du dos en France?", None, ["fr"]),
        ("How much does back surgery cost in France?", None, ["en"]),
        ("ok", None, []),
        ("ok", {"language": "en"}, ["en"]),
        ("in English please", {"language": "fr"}, ["en"]),
    ],
)
def test_language_detector_tags_the_language_when_clear(detector, text, metadata, expected):
    (processed,) = detector.process([message(text, metadata=metadata)])
    assert language_entities(processed) == expected


def test_language_detector_keeps_other_entities(detector):
    other = {"entity": "city", "value": "Montréal", "start": 0, "end": 8}
    (processed,) = detector.process([message("How much does surgery cost?", entities=[other])])
    assert processed.get("entities")[0] == other
    assert language_entities(processed) == ["en"]


@pytest.fixture
def override() -> SafetyOverride:
    return SafetyOverride.create({}, None, None, None)


@pytest.mark.parametrize(
    ("text", "predicted"),
    [
        ("Combien ça coûte en France? pis j'arrive pu à retenir mon urine", "faq"),
        ("numbness in my groin and I want a quote", "faq"),
        ("back pain and fever, hello", "greet"),
    ],
)
def test_safety_override_makes_red_flags_win(override, text, predicted):
    (processed,) = override.process([message(text, predicted)])
    assert processed.get("intent")["name"] == "emergency"
    assert processed.get("intent_ranking")[0]["name"] == "emergency"


def test_safety_override_turns_medication_questions_into_medical_advice(override):
    (processed,) = override.process([message("combien d'advil je peux prendre", "faq")])
    assert processed.get("intent")["name"] == "medical_advice"


def test_safety_override_never_downgrades_an_emergency(override):
    (processed,) = override.process([message("can I take 800 mg ibuprofen, I can't feel my legs", "emergency", 0.7)])
    assert processed.get("intent") == {"name": "emergency", "confidence": 0.7}


def test_safety_override_leaves_ordinary_questions(override):
    (processed,) = override.process([message("c'est quoi une fusion vertébrale", "faq", 0.8)])
    assert processed.get("intent") == {"name": "faq", "confidence": 0.8}


@pytest.mark.parametrize(
    ("text", "predicted"),
    [
        ("Mon frère a perdu le contrôle de sa vessie après son opération, c'est long la convalescence?", "faq"),
        ("My brother lost bladder control after his surgery, how long is the recovery?", "emergency"),
    ],
)
def test_safety_override_turns_a_red_flag_mentioned_into_a_mention(override, text, predicted):
    (processed,) = override.process([message(text, predicted)])
    intent = processed.get("intent")
    assert intent["name"] == "red_flag_mention"
    assert intent["underlying"] == ("faq" if predicted == "faq" else "red_flag_mention")


@pytest.mark.parametrize(
    "text",
    [
        "Mon père a perdu le contrôle de sa vessie l'an passé, je voudrais être évalué pour moi",
        "My father lost bladder control last year, can someone call me?",
    ],
)
def test_safety_override_leaves_requests_beside_a_red_flag_mentioned(override, text):
    predicted = "eligibility" if "évalué" in text else "request_human"
    (processed,) = override.process([message(text, predicted)])
    assert processed.get("intent")["name"] == predicted


def selection(confidence: float) -> dict:
    return {"faq": {"response": {"confidence": confidence, "intent_response_key": "faq/cnesst_coverage"}}}


@pytest.fixture
def gate() -> FaqResponseGate:
    return FaqResponseGate.create({**FaqResponseGate.get_default_config(), "threshold": 0.5}, None, None, None)


def test_faq_gate_sends_unsure_answers_to_the_fallback(gate):
    (processed,) = gate.process([message("remboursement?", "faq", 0.95, response_selector=selection(0.3))])
    assert processed.get("intent") == {"name": "nlu_fallback", "confidence": 0.3}
    assert processed.get("intent_ranking")[0]["name"] == "nlu_fallback"


def test_faq_gate_lets_sure_answers_through(gate):
    (processed,) = gate.process([message("remboursement cnesst", "faq", 0.95, response_selector=selection(0.8))])
    assert processed.get("intent")["name"] == "faq"


def test_faq_gate_ignores_other_intents(gate):
    (processed,) = gate.process([message("bonjour", "greet", 0.95)])
    assert processed.get("intent")["name"] == "greet"


def test_faq_gate_treats_a_missing_selection_as_unsure(gate):
    (processed,) = gate.process([message("remboursement?", "faq", 0.95)])
    assert processed.get("intent")["name"] == "nlu_fallback"


def test_accent_folder_folds_token_text_and_lemma():
    from rasa.nlu.tokenizers.tokenizer import Token

    from bot.nlu.accent_folder import AccentFolder

    folder = AccentFolder.create({}, None, None, None)
    example = message("Récupération après l’opération")
    example.set(
        "text_tokens", [Token("Récupération", 0, lemma="récupération"), Token("l’opération", 17, lemma="opération")]
    )
    (processed,) = folder.process([example])
    assert [(t.text, t.lemma) for t in processed.get("text_tokens")] == [
        ("recuperation", "recuperation"),
        ("l'operation", "operation"),
    ]
