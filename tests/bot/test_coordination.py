"""A claimed conversation's messages, on the domain's real responses, at set times of the week.

The processor here holds only what :mod:`bot.coordination` uses (the domain's response generator,
sending, saving); Rasa's own handling of the message is a recorder. The browser tests run the
same code on the real servers at whatever time they run; these fix the clock's side of it: in
and out of the coordinators' hours, in both languages.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot import coordination
from bot.takeover import ALERT_KEY, claim_event, coordinator_reply, current_claim
from tools.content import normalise, text_index

PROJECT = Path(__file__).resolve().parents[2]
DOMAIN = Domain.load(str(PROJECT / "domain.yml"))
MONDAY_10H_EASTERN = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)
SATURDAY_10H_EASTERN = datetime(2026, 12, 12, 15, 0, tzinfo=UTC)


class Processor:
    """The parts of Rasa's ``MessageProcessor`` that :mod:`bot.coordination` calls, on a stored tracker."""

    def __init__(self, tracker: DialogueStateTracker) -> None:
        self.domain = DOMAIN
        self.nlg = TemplatedNaturalLanguageGenerator(DOMAIN.responses)
        self.stored = tracker
        self.handled: list[bool] = []

    async def get_tracker(self, conversation_id: str) -> DialogueStateTracker:
        return DialogueStateTracker.from_events(conversation_id, list(self.stored.events), DOMAIN.slots)

    async def save_tracker(self, tracker: DialogueStateTracker) -> None:
        self.stored = tracker

    async def execute_side_effects(self, events: list[Event], tracker: Any, output: CollectingOutputChannel) -> None:
        for event in events:
            await output.send_response(tracker.sender_id, event.message())

    async def handle(self, processor: Processor, message: UserMessage) -> None:
        """Rasa's own handling: records whether the conversation was claimed when it came."""
        self.handled.append(current_claim(self.stored.events) is not None)


def claimed_at(moment: datetime, language: str, idle_minutes: float) -> Processor:
    claimed = moment - timedelta(minutes=idle_minutes)
    events: list[Event] = [SlotSet("language", language), UserUttered("un humain svp"), claim_event("claire")]
    events.append(coordinator_reply("claire", "Bonjour"))
    for event in events:
        event.timestamp = claimed.timestamp()
    return Processor(DialogueStateTracker.from_events("c1", events, DOMAIN.slots))


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Default settings (15 minutes, 09:00-17:00 Eastern), read again for each test."""
    for name in ("SOS_HANDOFF_IDLE_MINUTES", "SOS_HANDOFF_HOURS", "SOS_HANDOFF_TIMEZONE"):
        monkeypatch.delenv(name, raising=False)
    coordination.settings.cache_clear()
    yield
    coordination.settings.cache_clear()


def fix_time(monkeypatch: pytest.MonkeyPatch, moment: datetime) -> None:
    class Frozen(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> datetime:
            return moment

    monkeypatch.setattr(coordination, "datetime", Frozen)


async def send(processor: Processor, text: str) -> list[str]:
    output = CollectingOutputChannel()
    await coordination.handle_message(processor, UserMessage(text, output, "c1"), processor.handle)
    return [message["text"] for message in output.messages]


def response_name(text: str) -> tuple[str, str] | None:
    """The response a text is, ``{opening_hours}`` filled in."""
    filled = normalise(text).replace("9:00–17:00", "{opening_hours}")
    return text_index().get(filled)


@pytest.mark.parametrize("language", ["fr", "en"])
async def test_a_stale_claim_in_business_hours_says_the_assistant_is_back(monkeypatch, language) -> None:
    fix_time(monkeypatch, MONDAY_10H_EASTERN)
    processor = claimed_at(MONDAY_10H_EASTERN, language, idle_minutes=16)

    said = await send(processor, "allo?")

    assert [response_name(text) for text in said] == [("utter_coordinator_away", language)]
    assert processor.handled == [False]  # the assistant answers the message itself


@pytest.mark.parametrize("language", ["fr", "en"])
async def test_a_stale_claim_out_of_hours_says_when_a_coordinator_will_answer(monkeypatch, language) -> None:
    fix_time(monkeypatch, SATURDAY_10H_EASTERN)
    processor = claimed_at(SATURDAY_10H_EASTERN, language, idle_minutes=30)

    said = await send(processor, "allo?")

    assert [response_name(text) for text in said] == [("utter_coordinator_out_of_hours", language)]
    assert "9:00–17:00" in said[0]
    assert processor.handled == [False]


async def test_a_live_claim_keeps_the_assistant_silent(monkeypatch) -> None:
    fix_time(monkeypatch, MONDAY_10H_EASTERN)
    processor = claimed_at(MONDAY_10H_EASTERN, "fr", idle_minutes=14)

    assert await send(processor, "Merci pour votre réponse") == []
    assert processor.handled == [True]


@pytest.mark.parametrize("language", ["fr", "en"])
async def test_an_acute_red_flag_in_a_claimed_conversation_gets_the_911_answer(monkeypatch, language) -> None:
    fix_time(monkeypatch, MONDAY_10H_EASTERN)
    processor = claimed_at(MONDAY_10H_EASTERN, language, idle_minutes=1)

    said = await send(processor, "je n'arrive plus à retenir mon urine depuis ce matin")

    assert [response_name(text) for text in said] == [("utter_emergency", language)]
    assert processor.stored.events[-1].metadata[ALERT_KEY] == "emergency"
    assert current_claim(processor.stored.events) is not None  # still the coordinator's


async def test_someone_else_s_red_flag_is_left_to_the_coordinator(monkeypatch) -> None:
    fix_time(monkeypatch, MONDAY_10H_EASTERN)
    processor = claimed_at(MONDAY_10H_EASTERN, "fr", idle_minutes=1)

    assert await send(processor, "mon voisin a eu de la fièvre après sa chirurgie l'an passé") == []


def test_a_claimed_conversation_s_session_does_not_expire(monkeypatch) -> None:
    fix_time(monkeypatch, MONDAY_10H_EASTERN)
    live = claimed_at(MONDAY_10H_EASTERN, "fr", idle_minutes=5).stored
    stale = claimed_at(MONDAY_10H_EASTERN, "fr", idle_minutes=90).stored

    assert coordination.session_expired(None, live, lambda processor, tracker: True) is False
    assert coordination.session_expired(None, stale, lambda processor, tracker: True) is True


class CountingProcessor(Processor):
    """A processor whose ``get_tracker`` is patched as the server's is, counting tracker-store reads."""

    def __init__(self, tracker: DialogueStateTracker) -> None:
        super().__init__(tracker)
        self.reads = 0
        self.seen: list[tuple[str, int]] = []

    async def read(self, conversation_id: str) -> DialogueStateTracker:
        self.reads += 1
        tracker = await Processor.get_tracker(self, conversation_id)
        tracker.sender_id = conversation_id
        return tracker

    async def get_tracker(self, conversation_id: str) -> DialogueStateTracker:
        return await coordination.get_tracker_fetched_once(self, conversation_id, CountingProcessor.read)

    async def handle(self, processor: Processor, message: UserMessage) -> None:
        """Rasa's handling reads the conversation (``log_message``), lets other tasks run, reads again."""
        first = await processor.get_tracker(message.sender_id)
        await asyncio.sleep(0)
        self.seen.append((first.sender_id, self.reads))
        await processor.get_tracker(message.sender_id)


async def test_rasa_s_handling_starts_from_the_tracker_read_to_look_for_a_claim() -> None:
    processor = CountingProcessor(DialogueStateTracker.from_events("c1", [SlotSet("language", "fr")], DOMAIN.slots))

    await send(processor, "Combien de temps dure le séjour?")

    assert processor.seen == [("c1", 1)]  # Rasa's first read was the claim check's
    assert processor.reads == 2  # a later read in the same handling goes to the store


async def test_concurrent_messages_never_get_each_other_s_tracker() -> None:
    processor = CountingProcessor(DialogueStateTracker.from_events("c1", [SlotSet("language", "fr")], DOMAIN.slots))

    await asyncio.gather(
        *(
            coordination.handle_message(
                processor, UserMessage("allo", CollectingOutputChannel(), sender), processor.handle
            )
            for sender in ("a", "b", "c")
        )
    )

    assert sorted(sender for sender, _ in processor.seen) == ["a", "b", "c"]
    assert processor.reads == 6
    assert coordination._FETCHED.get() is None  # nothing left behind for the next message


# An emergency told in words the red-flag patterns do not know (the classifier's to suspect).
TOLD_WITHOUT_RED_FLAG_WORDS = [
    ("fr", "ma mère reconnaît plus la maison depuis le souper"),
    ("en", "my mother doesn't recognise the house since supper"),
]


class UnderstandingProcessor(Processor):
    """Rasa's handling as the real one does it while the conversation is claimed: the message is
    read by the pipeline and logged, and nothing is answered."""

    def __init__(self, tracker: DialogueStateTracker, intent: str) -> None:
        super().__init__(tracker)
        self.intent = intent

    async def handle(self, processor: Processor, message: UserMessage) -> None:
        await super().handle(processor, message)
        self.stored.update(UserUttered(message.text, {"name": self.intent, "confidence": 1.0}))


@pytest.mark.parametrize(("language", "text"), TOLD_WITHOUT_RED_FLAG_WORDS)
async def test_an_emergency_only_the_classifier_suspects_also_gets_the_911_answer(monkeypatch, language, text) -> None:
    fix_time(monkeypatch, MONDAY_10H_EASTERN)
    claimed = claimed_at(MONDAY_10H_EASTERN, language, idle_minutes=1)
    processor = UnderstandingProcessor(claimed.stored, "emergency")

    said = await send(processor, text)

    assert [response_name(said_text) for said_text in said] == [("utter_emergency", language)]
    assert current_claim(processor.stored.events) is not None


@pytest.mark.parametrize(("language", "text"), TOLD_WITHOUT_RED_FLAG_WORDS)
async def test_the_same_message_read_as_a_question_is_left_to_the_coordinator(monkeypatch, language, text) -> None:
    fix_time(monkeypatch, MONDAY_10H_EASTERN)
    claimed = claimed_at(MONDAY_10H_EASTERN, language, idle_minutes=1)
    processor = UnderstandingProcessor(claimed.stored, "faq")

    assert await send(processor, text) == []
