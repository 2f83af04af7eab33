"""The website chat widget's channel: Rasa 3.6's Socket.IO channel, with two faults fixed.

Declared in credentials.yml as ``bot.channels.widget.SocketIOChannel``; its name stays
``socketio`` (the Socket.IO path, the leads' channel). On this stack, Rasa's own channel
answered nobody:

- Sanic 21.12's websocket ``recv`` hands a coroutine to ``asyncio.wait``, which Python 3.11
  refuses: every Engine.IO websocket closed at the client's first packet;
- Rasa calls python-socketio 5.18's ``enter_room`` (a coroutine) without awaiting it: the
  client never joined its session's room, where the answers are sent.

It is also stricter than Rasa's: a session id must look like a random UUID (so it can never be
a WhatsApp or Messenger conversation's id), a message is read only for the session its client
was confirmed in, not for whatever ``session_id`` it names, and of the page's metadata only
the language is kept.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from engineio.async_drivers.sanic import WebSocket
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint
from sanic.server.websockets.frame import WebsocketFrameAssembler

from bot.channels.limits import cut_user_text
from bot.language import metadata_language

logger = logging.getLogger(__name__)

# A random UUID, with or without dashes, as the widget makes them; anything else is replaced.
_SESSION_ID = re.compile(r"^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$")


async def _session_request(channel: SocketIOChannel, sid: str, data: Any) -> None:
    """Confirms the session a client asks for, after putting the client in the session's room.

    A session id that is not a random UUID is replaced by a new one; the confirmed id is kept in
    the client's Socket.IO session, the only place its messages are read for.
    """
    asked = data.get("session_id") if isinstance(data, dict) else None
    session_id = asked if isinstance(asked, str) and _SESSION_ID.fullmatch(asked) else str(uuid.uuid4())
    await channel.sio.save_session(sid, {"session_id": session_id}, namespace=channel.namespace)
    if channel.session_persistence:
        await channel.sio.enter_room(sid, session_id, namespace=channel.namespace)
    await channel.sio.emit("session_confirm", session_id, room=sid, namespace=channel.namespace)


async def _user_message(
    channel: SocketIOChannel, on_new_message: Callable[[UserMessage], Awaitable[Any]], sid: str, data: Any
) -> None:
    """Hands a person's message to the assistant, for the session their client was confirmed in."""
    text = data.get("message") if isinstance(data, dict) else None
    if not isinstance(text, str) or not text.strip():
        logger.warning("widget: ignored a message without text")
        return
    if channel.session_persistence:
        session = await channel.sio.get_session(sid, namespace=channel.namespace)
        sender_id = session.get("session_id")
        if not sender_id:
            logger.warning("widget: ignored a message sent before its session was confirmed")
            return
    else:
        sender_id = sid
    text = cut_user_text(text, "widget")
    language = metadata_language(data.get(channel.metadata_key))
    output = SocketIOOutput(channel.sio, channel.bot_message_evt)
    await on_new_message(
        UserMessage(
            text, output, sender_id, input_channel=channel.name(),
            metadata={"language": language} if language else None,
        )
    )


class TaskReadingAssembler(WebsocketFrameAssembler):
    """Sanic's frame assembler, whose ``get`` returns a task, as ``asyncio.wait`` wants."""

    __slots__ = ()

    def get(self, timeout: float | None = None) -> asyncio.Future:  # type: ignore[override]
        """Reads the next message, in a task (awaiting a task works as well)."""
        return asyncio.ensure_future(super().get(timeout))


class TaskReadingWebSocket(WebSocket):
    """Engine.IO's Sanic websocket, its frames read by :class:`TaskReadingAssembler`."""

    async def wait(self) -> Any:
        """Returns the next message from the client."""
        # Same slots, so the live assembler (and any frame it holds) just changes class.
        self._sock.assembler.__class__ = TaskReadingAssembler
        return await super().wait()


class SocketIOChannel(SocketIOInput):
    """Rasa 3.6's Socket.IO channel, with working websockets, session rooms and checked sessions."""

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Rasa's blueprint, with the websocket reader and the session and message handlers replaced."""
        blueprint = super().blueprint(on_new_message)
        engine = self.sio.eio
        engine._async = {**engine._async, "websocket": TaskReadingWebSocket}
        self.sio.on("session_request", functools.partial(_session_request, self), namespace=self.namespace)
        self.sio.on(
            self.user_message_evt, functools.partial(_user_message, self, on_new_message), namespace=self.namespace
        )
        return blueprint
