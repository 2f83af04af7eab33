"""NLU component that makes emergency red flags and medication questions win over any intent."""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.base import UntrainedComponent
from bot.nlu.emergency_classifier import SUSPECTED
from bot.safety import SafetyFinding, assess

EMERGENCY = "emergency"
MEDICAL_ADVICE = "medical_advice"
MENTION = "red_flag_mention"
# The reason of an emergency only the classifier suspects (no red flag found by the patterns).
SUSPECTED_REASON = "suspected"
# A red flag mentioned beside these requests leaves them be: the questionnaire asks about
# red flags itself, and a coordinator hears the whole story.
_REQUESTS = {"eligibility", "request_human"}


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class SafetyOverride(UntrainedComponent, IntentClassifier):
    """Replaces the predicted intent when the safety patterns of :mod:`bot.safety` fire.

    It runs last, after the fallback classifier:

    - a red flag happening to the person now gives ``emergency``, and so does an emergency the
      classifier suspects (``EmergencyClassifier``, which must run before) in a message that
      does not place it away from the person now, unless the model heard a request to be
      evaluated or to talk to someone;
    - a medication, dose or personal-advice question gives ``medical_advice`` (unless the
      model already says ``emergency``);
    - a red flag only mentioned (someone else's, past, feared, negated) gives
      ``red_flag_mention``, even where the model said ``emergency``: the person gets the answer
      to their question and a safety note. The intent the model predicted is kept under
      ``underlying``, so that the answer can be chosen as usual.

    A message the model calls ``emergency`` and where no pattern finds a red flag keeps that
    intent.
    """

    def process(self, messages: list[Message]) -> list[Message]:
        """Overrides the intent of messages that carry a red flag or ask about medication."""
        for message in messages:
            finding = assess(message.get(TEXT) or "", suspected=bool(message.get(SUSPECTED)))
            predicted = (message.get(INTENT) or {}).get("name")
            if finding is not None and self._overrides(finding, predicted):
                self._override(message, finding, predicted)
        return messages

    @staticmethod
    def _overrides(finding: SafetyFinding, predicted: str | None) -> bool:
        if finding.reason == SUSPECTED_REASON:
            # A suspicion is weaker than a red flag found: a request to be evaluated or to talk
            # to someone stands (the questionnaire asks about red flags, a coordinator reads all).
            return predicted not in {EMERGENCY, *_REQUESTS}
        if finding.intent == EMERGENCY:
            return predicted != EMERGENCY
        if finding.intent == MEDICAL_ADVICE:
            return predicted not in {EMERGENCY, MEDICAL_ADVICE}
        return predicted not in _REQUESTS

    @staticmethod
    def _override(message: Message, finding: SafetyFinding, predicted: str | None) -> None:
        override = {"name": finding.intent, "confidence": 1.0, "safety_reason": finding.reason}
        if finding.intent == MENTION:
            override["underlying"] = MENTION if predicted == EMERGENCY else predicted
        ranking = [entry for entry in message.get(INTENT_RANKING_KEY) or [] if entry.get("name") != finding.intent]
        message.set(INTENT, override, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [override, *ranking], add_to_output=True)
