"""The emergency classifier: what it learns from, what it writes, and how the override reads it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.emergency_classifier import PROBABILITY, PROJECT, SUSPECTED, EmergencyClassifier, load_messages
from bot.nlu.safety_override import SafetyOverride
from bot.safety import SafetyFinding, assess
from tools.field import scored_turns

ACUTE = [
    "depuis ce matin je sens plus rien quand je m'essuie, c'est gelé en bas",
    "mon mari est tombé dans la douche, il crie et il se relève pas",
    "ma plaie coule jaune et j'ai des frissons depuis hier soir",
    "les jambes me lâchent depuis le dîner, je tiens après les meubles",
    "since this morning I can't feel anything when I wipe, it's all frozen down there",
    "my husband fell in the shower, he's screaming and can't get up",
    "my incision is oozing yellow and I've had chills since last night",
    "my legs keep giving out since lunch, I'm holding onto the furniture",
]
NOT_ACUTE = [
    "combien coûte une chirurgie du dos en France?",
    "est-ce que la CNESST paie le voyage?",
    "mon frère a eu des frissons après son opération il y a deux ans, c'est fréquent?",
    "je prends du Tylenol, je l'arrête avant l'opération?",
    "how much is back surgery in France?",
    "does the CNESST pay for the trip?",
    "my brother had chills after his operation two years ago, is that common?",
    "I take Tylenol, do I stop it before the operation?",
]


def write_messages(directory: Path, acute: list[str], not_acute: list[str]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    content = {"safety_messages": {"acute": acute, "not_acute": not_acute}}
    (directory / "messages.yml").write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
    return directory


@pytest.fixture
def context() -> ExecutionContext:
    return ExecutionContext(GraphSchema({}), "test")


@pytest.fixture
def trained(tmp_path: Path, context: ExecutionContext) -> EmergencyClassifier:
    """A classifier trained on a few messages and two intents, stored, then loaded back."""
    messages = write_messages(tmp_path / "safety", ACUTE, NOT_ACUTE)
    (tmp_path / "model").mkdir()
    storage = LocalModelStorage(tmp_path / "model")
    resource = Resource("emergency_classifier")
    config = {**EmergencyClassifier.get_default_config(), "messages": str(messages)}
    examples = [
        Message(data={"text": "je perds mes urines depuis hier", "intent": "emergency"}),
        Message(data={"text": "I lost control of my bladder this morning", "intent": "emergency"}),
        Message(data={"text": "bonjour", "intent": "greet"}),
        Message(data={"text": "hello", "intent": "greet"}),
    ]
    classifier = EmergencyClassifier.create(config, storage, resource, context)
    classifier.train(TrainingData(training_examples=examples))
    return EmergencyClassifier.load(config, storage, resource, context)


def test_the_project_s_messages_hold_both_kinds_in_both_languages():
    for language in ("fr", "en"):
        acute, not_acute = load_messages_of(language)
        assert len(acute) >= 100 and len(not_acute) >= 300


def load_messages_of(language: str) -> tuple[list[str], list[str]]:
    content = yaml.safe_load((PROJECT / "data" / "safety" / f"messages_{language}.yml").read_text(encoding="utf-8"))
    return content["safety_messages"]["acute"], content["safety_messages"]["not_acute"]


def test_the_field_test_s_scored_halves_are_never_learnt():
    acute, not_acute = load_messages(PROJECT / "data" / "safety")
    learnt = set(acute) | set(not_acute)
    # Ids only in a failure: the scored halves' messages are never printed.
    seen = [(half, case_id) for half, case_id, text in scored_turns() if text in learnt]
    assert not seen


def test_a_file_without_both_lists_is_refused(tmp_path):
    (tmp_path / "bad.yml").write_text("safety_messages:\n  acute: [a]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="not_acute"):
        load_messages(tmp_path)


@pytest.mark.parametrize(
    "text",
    [
        "depuis ce matin c'est gelé en bas quand je m'essuie",
        "she fell in the bathroom and can't get up, she's screaming",
    ],
)
def test_an_emergency_told_in_other_words_is_more_likely_than_a_question(trained, text):
    question = "combien de temps dure la convalescence?" if text.startswith("depuis") else "how long is recovery?"
    assert trained.probability(text) > trained.probability(question)


def test_the_output_has_the_probability_and_the_suspicion_at_the_threshold(trained):
    (message,) = trained.process([Message(data={"text": ACUTE[0]})])
    assert message.get(PROBABILITY) == pytest.approx(trained.probability(ACUTE[0]))
    assert message.get(SUSPECTED) == (message.get(PROBABILITY) >= trained.threshold)
    assert PROBABILITY in message.as_dict_nlu()


def test_an_untrained_classifier_suspects_nothing(tmp_path, context):
    classifier = EmergencyClassifier.create(
        EmergencyClassifier.get_default_config(), LocalModelStorage(tmp_path), Resource("new"), context
    )
    (message,) = classifier.process([Message(data={"text": ACUTE[0]})])
    assert message.get(PROBABILITY) == 0.0 and message.get(SUSPECTED) is False


def test_training_without_an_acute_example_is_refused(tmp_path, context):
    messages = write_messages(tmp_path / "safety", [], NOT_ACUTE)
    config = {**EmergencyClassifier.get_default_config(), "messages": str(messages)}
    classifier = EmergencyClassifier.create(config, LocalModelStorage(tmp_path), Resource("r"), context)
    with pytest.raises(ValueError, match="acute"):
        classifier.train(TrainingData(training_examples=[Message(data={"text": "bonjour", "intent": "greet"})]))


@pytest.mark.parametrize(
    "text",
    [
        "ma mère est toute drôle depuis le souper, elle reconnaît plus la maison",
        "since supper my mother is not right, she doesn't recognise the house",
    ],
)
def test_a_suspicion_with_no_red_flag_found_is_an_emergency(text):
    assert assess(text, suspected=True) == SafetyFinding("emergency", "suspected")
    assert assess(text) is None or assess(text).intent != "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "mon voisin a été tout mêlé après son opération l'an passé, c'est fréquent?",
        "my neighbour was all confused after his operation last year, is that common?",
        "et si jamais j'étais tout drôle après l'opération, qui j'appelle?",
        "what if I'm not myself after the operation, who do I call?",
    ],
)
def test_a_suspicion_in_a_message_that_places_it_away_is_no_emergency(text):
    finding = assess(text, suspected=True)
    assert finding is None or finding.intent != "emergency"


@pytest.mark.parametrize(
    ("text", "suspected", "expected"),
    [
        ("ma mère reconnaît plus la maison depuis le souper", True, "emergency"),
        ("my mother doesn't recognise the house since supper", True, "emergency"),
        ("ma mère reconnaît plus la maison depuis le souper", False, "faq"),
        ("my mother doesn't recognise the house since supper", False, "faq"),
    ],
)
def test_the_override_turns_the_classifier_s_suspicion_into_the_emergency(text, suspected, expected):
    override = SafetyOverride({})
    message = Message(data={"text": text, "intent": {"name": "faq", "confidence": 0.8}, SUSPECTED: suspected})
    (processed,) = override.process([message])
    assert processed.get("intent")["name"] == expected


@pytest.mark.parametrize(
    ("text", "predicted", "expected"),
    [
        ("ma mère reconnaît plus la maison depuis le souper, je veux une évaluation", "eligibility", "eligibility"),
        ("my mother doesn't recognise the house since supper, can someone call me", "request_human", "request_human"),
        ("mes jambes ont lâché depuis ce matin, je veux une évaluation", "eligibility", "emergency"),
        ("my legs gave out this morning, can someone call me", "request_human", "emergency"),
    ],
)
def test_a_request_stands_against_a_suspicion_but_not_against_a_red_flag_found(text, predicted, expected):
    message = Message(data={"text": text, "intent": {"name": predicted, "confidence": 0.9}, SUSPECTED: True})
    (processed,) = SafetyOverride({}).process([message])
    assert processed.get("intent")["name"] == expected
