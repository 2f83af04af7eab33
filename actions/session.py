"""Session start: keeps the conversation's language and honours the channel's one."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.language import metadata_language

LANGUAGE_SLOT = "language"


class ActionSessionStart(Action):
    """Starts a session, carrying the slots over and taking the language from the channel.

    A channel that knows the person's language (the web widget's FR/EN switch, a page's
    ``lang``) sends it as session metadata: ``{"language": "en"}``.
    """

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Returns the session-start events, then the slots to keep."""
        events: list[EventType] = [SessionStarted()]
        carried = [
            SlotSet(name, value)
            for name, value in tracker.current_slot_values().items()
            if value is not None and name != "session_started_metadata"
        ]
        events.extend(carried)
        language = metadata_language(tracker.get_slot("session_started_metadata"))
        if language:
            events.append(SlotSet(LANGUAGE_SLOT, language))
        events.append(ActionExecuted("action_listen"))
        return events
