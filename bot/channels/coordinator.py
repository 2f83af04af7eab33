"""The console's way into the Rasa server: claim, read, answer and give back a conversation.

Declared in credentials.yml as ``bot.channels.coordinator.CoordinatorChannel``, so Rasa serves
it under ``/webhooks/coordinator/``. It is a channel because the Rasa server process owns the
other channels: the widget's sockets and the Graph API senders. A coordinator's reply goes out
through the output channel of the conversation's own channel, as the assistant's answers do.

Only the console calls it: every request carries ``Authorization: Bearer <SOS_HANDOFF_SECRET>``
(compared in constant time). Without that variable every request is refused (503), so a server
that was not given a secret opens nothing. Conversation ids (phone numbers on WhatsApp) travel
in the JSON body, never in the path, so they stay out of access logs.

Each operation holds the conversation's lock (the lock store, shared through Redis when several
processes run, bot/stores/redis_lock_store.py) while it reads and changes the tracker, as Rasa's
own handling of a message does. A waiting operation looks at the lock every 50 ms rather than
Rasa's default second, so replies sent close together go through in turn without each waiting a
whole second (docs/decisions.md). A lock that cannot be had (its queue gone after a ticket
expired) is answered 503 ``busy``: the console tells the coordinator to send again.
"""

from __future__ import annotations

import hmac
import logging
import os
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.lock_store import LockError
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.coordination import say, settings
from bot.takeover import (
    ALERT_KEY,
    Claim,
    claim_event,
    coordinator_of,
    coordinator_reply,
    current_claim,
    release_event,
    window_open,
)

logger = logging.getLogger(__name__)

SECRET_VARIABLE = "SOS_HANDOFF_SECRET"
MIN_SECRET_LENGTH = 16
REPLY_LIMIT = 2000
NAME_LIMIT = 64
LOCK_POLL_S = 0.05
JOINED_RESPONSE = "utter_coordinator_joined"
RELEASE_RESPONSES = {"give_back": "utter_coordinator_handed_back", "close": "utter_coordinator_closed"}


def secret_matches(header: str | None, secret: str) -> bool:
    """Whether ``Authorization: Bearer <secret>`` was sent (constant-time comparison)."""
    if len(secret) < MIN_SECRET_LENGTH or not header or not header.startswith("Bearer "):
        return False
    return hmac.compare_digest(header.removeprefix("Bearer ").encode(), secret.encode())


def message_view(events: list[Any]) -> list[dict[str, Any]]:
    """What the console shows of a conversation: who said what, when, and the red flags."""
    shown: list[dict[str, Any]] = []
    for event in events:
        if isinstance(event, UserUttered):
            text = event.text or ""
            if text.startswith("/"):
                text = f"[{event.intent_name or 'button'}]"
            shown.append({"at": _iso(event.timestamp), "speaker": "patient", "text": text, "alert": False})
        elif isinstance(event, BotUttered):
            coordinator = coordinator_of(event)
            alert = bool((event.metadata or {}).get(ALERT_KEY))
            if alert and shown and shown[-1]["speaker"] == "patient":
                shown[-1]["alert"] = True
            shown.append(
                {
                    "at": _iso(event.timestamp),
                    "speaker": "coordinator" if coordinator else "assistant",
                    "coordinator": coordinator,
                    "text": event.text or "",
                    "alert": alert,
                }
            )
    return shown


def conversation_view(tracker: DialogueStateTracker) -> dict[str, Any]:
    """The conversation as the console reads it, with who holds it and whether a reply can reach it."""
    claim = current_claim(tracker.events)
    channel = tracker.get_latest_input_channel()
    now = datetime.now(UTC)
    return {
        "channel": channel,
        "language": tracker.get_slot("language"),
        "coordinator": claim.coordinator if claim else None,
        "claim_stale": bool(claim and claim.stale(now, settings().idle_timeout)),
        "window_open": window_open(channel, tracker.events, now),
        "messages": message_view(list(tracker.events)),
    }


def _iso(timestamp: float | None) -> str:
    return datetime.fromtimestamp(timestamp or 0, UTC).isoformat()


def _refused(status: int, error: str, **details: Any) -> HTTPResponse:
    return response.json({"error": error, **details}, status=status)


class CoordinatorChannel(InputChannel):
    """The console's loopback endpoint (see the module)."""

    @classmethod
    def name(cls) -> str:
        """The channel's name, and its path under ``/webhooks/``."""
        return "coordinator"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """The endpoint's routes; ``on_new_message`` is unused (no person writes here)."""
        blueprint = Blueprint("coordinator_webhook", __name__)

        @blueprint.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok", "configured": len(_secret()) >= MIN_SECRET_LENGTH})

        for operation in (view, claim, reply, release):
            blueprint.add_route(
                _guarded(operation), f"/{operation.__name__}", methods=["POST"], name=operation.__name__
            )
        return blueprint


def _secret() -> str:
    return os.environ.get(SECRET_VARIABLE, "").strip()


Operation = Callable[[Request, DialogueStateTracker, dict[str, Any]], Awaitable[HTTPResponse]]


def _guarded(operation: Operation) -> Callable[[Request], Awaitable[HTTPResponse]]:
    """``operation`` behind the secret, on the conversation the body names, under its lock."""

    async def guarded(request: Request) -> HTTPResponse:
        secret = _secret()
        if len(secret) < MIN_SECRET_LENGTH:
            return _refused(503, "not_configured", detail=f"{SECRET_VARIABLE} is not set")
        if not secret_matches(request.headers.get("authorization"), secret):
            logger.warning("coordinator endpoint: refused a request without the right secret")
            return _refused(401, "unauthorized")
        body = request.json if isinstance(request.json, dict) else {}
        conversation_id = body.get("conversation_id")
        if not isinstance(conversation_id, str) or not conversation_id:
            return _refused(400, "bad_request")
        agent = getattr(request.app.ctx, "agent", None)
        if agent is None or agent.processor is None:
            return _refused(503, "not_ready")
        try:
            async with agent.lock_store.lock(conversation_id, wait_time_in_seconds=LOCK_POLL_S):
                tracker = await agent.processor.get_tracker(conversation_id)
                if not tracker.events:
                    return _refused(404, "unknown_conversation")
                return await operation(request, tracker, body)
        except LockError:
            logger.warning(
                "coordinator endpoint: the conversation's lock could not be had; the console is told to retry"
            )
        return _refused(503, "busy")

    guarded.__name__ = operation.__name__
    return guarded


def _coordinator(body: dict[str, Any]) -> str | None:
    name = body.get("coordinator")
    return name if isinstance(name, str) and 0 < len(name) <= NAME_LIMIT else None


def _output(request: Request, tracker: DialogueStateTracker) -> OutputChannel | None:
    """The output channel of the conversation's own channel, as Rasa's API finds it."""
    channel = tracker.get_latest_input_channel()
    for input_channel in getattr(request.app.ctx, "input_channels", None) or []:
        if input_channel.name() == channel:
            return input_channel.get_output_channel()
    return None


def _held_by(tracker: DialogueStateTracker, coordinator: str) -> Claim | None:
    claim = current_claim(tracker.events)
    if claim is None or claim.coordinator != coordinator or claim.stale(datetime.now(UTC), settings().idle_timeout):
        return None
    return claim


async def view(request: Request, tracker: DialogueStateTracker, body: dict[str, Any]) -> HTTPResponse:
    """The conversation's messages and state."""
    return response.json(conversation_view(tracker))


async def claim(request: Request, tracker: DialogueStateTracker, body: dict[str, Any]) -> HTTPResponse:
    """Pauses the assistant for ``coordinator``; the person is told a coordinator joined.

    Refused (409) while another coordinator's claim holds; claiming one's own again says nothing.
    """
    coordinator = _coordinator(body)
    if coordinator is None:
        return _refused(400, "bad_request")
    held = current_claim(tracker.events)
    if held is not None and not held.stale(datetime.now(UTC), settings().idle_timeout):
        if held.coordinator != coordinator:
            return _refused(409, "claimed", coordinator=held.coordinator)
        return response.json(conversation_view(tracker))
    output = _output(request, tracker)
    if output is None:
        return _refused(409, "channel_unavailable")
    tracker.update(claim_event(coordinator))
    await say(request.app.ctx.agent.processor, tracker, output, JOINED_RESPONSE)
    await request.app.ctx.agent.processor.save_tracker(tracker)
    return response.json(conversation_view(tracker))


async def reply(request: Request, tracker: DialogueStateTracker, body: dict[str, Any]) -> HTTPResponse:
    """Sends the coordinator's text on the person's channel and keeps it in the conversation.

    Refused when the coordinator does not hold the conversation (409 ``not_claimed``) and, on
    Messenger and WhatsApp, outside Meta's 24-hour window (422 ``window_closed``).
    """
    coordinator = _coordinator(body)
    text = body.get("text").strip() if isinstance(body.get("text"), str) else ""
    if coordinator is None or not text or len(text) > REPLY_LIMIT:
        return _refused(400, "bad_request")
    if _held_by(tracker, coordinator) is None:
        return _refused(409, "not_claimed")
    if not window_open(tracker.get_latest_input_channel(), tracker.events, datetime.now(UTC)):
        return _refused(422, "window_closed")
    output = _output(request, tracker)
    if output is None:
        return _refused(409, "channel_unavailable")
    event = coordinator_reply(coordinator, text)
    tracker.update(event)
    await request.app.ctx.agent.processor.execute_side_effects([event], tracker, output)
    await request.app.ctx.agent.processor.save_tracker(tracker)
    return response.json(conversation_view(tracker))


async def release(request: Request, tracker: DialogueStateTracker, body: dict[str, Any]) -> HTTPResponse:
    """Gives the conversation back to the assistant (``how``: ``give_back`` or ``close``); the person is told."""
    coordinator = _coordinator(body)
    how = body.get("how")
    if coordinator is None or how not in RELEASE_RESPONSES:
        return _refused(400, "bad_request")
    held = current_claim(tracker.events)
    if held is None or held.coordinator != coordinator:
        return _refused(409, "not_claimed")
    tracker.update(release_event(how, coordinator))
    output = _output(request, tracker)
    if output is not None:
        await say(request.app.ctx.agent.processor, tracker, output, RELEASE_RESPONSES[how])
    await request.app.ctx.agent.processor.save_tracker(tracker)
    return response.json(conversation_view(tracker))
