"""The website chat widget's channel: Rasa 3.6's Socket.IO channel, with two faults fixed.

Declared in credentials.yml as ``bot.channels.widget.SocketIOChannel``; its name stays
``socketio`` (the Socket.IO path, the leads' channel). On this stack, Rasa's own channel
answered nobody:

- Sanic 21.12's websocket ``recv`` hands a coroutine to ``asyncio.wait``, which Python 3.11
  refuses: every Engine.IO websocket closed at the client's first packet;
- Rasa calls python-socketio 5.18's ``enter_room`` (a coroutine) without awaiting it: the
  client never joined its session's room, where the answers are sent.

It is also stricter than Rasa's:

- **Only the site's pages connect.** Rasa opens the Socket.IO server to every origin
  (``cors_allowed_origins=[]``, no check at all), so any web page could talk to the assistant
  through its visitors' browsers. Here a connection whose ``Origin`` header is not allowed is
  refused (HTTP 400, before any websocket opens): ``SOS_WIDGET_ORIGINS`` lists the allowed
  origins, comma-separated (``https://sostourismemedical.com,https://www.sostourismemedical.com``),
  and without it only loopback pages are (``http(s)://`` 127.0.0.1, localhost or [::1], any
  port). The variable is read when the channel's blueprint is built, and an entry that is not
  an ``http(s)://host[:port]`` origin stops the server. A request without ``Origin`` (not a
  browser's) follows Engine.IO's rule: with no origin to check, it is not refused for one.
- **Websocket only.** The polling transport is refused: a conversation is one connection, so
  several server processes share conversations (through Redis) without sticky sessions.
- **Checked sessions.** A session id must look like a random UUID (so it can never be a
  WhatsApp or Messenger conversation's id); a ``session_request`` without data, or ``{}``, gets
  a new session; one whose data is not an object (a string, a number, a list) disconnects its
  client, with a warning that holds none of the data. A message is read only for the session
  its client was confirmed in, not for whatever ``session_id`` it names, and of the page's
  metadata only the language is kept; a message that is not an object is ignored.
- **A conversation the server lost is said.** The widget sends ``resumed: true`` with its
  ``session_request`` when it still shows a transcript. If the tracker store holds no event
  for that session (the server restarted with the in-memory store, or the id is not one the
  channel accepts), the client gets ``session_lost`` instead of ``session_confirm``, and no
  session: the widget clears its transcript, says so, and asks for a new session. When the
  store cannot be read (no agent yet, an error), the session is confirmed as before.
- **Emits reach the socket whichever process emits.** A socket lives in one server process, but
  a coordinator's reply (:mod:`bot.channels.coordinator`) may be handled by another. With
  ``SOS_REDIS_HOST`` set, python-socketio's ``AsyncRedisManager`` carries every emit through
  Redis's publish/subscribe to the process that holds the socket.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import re
import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from engineio.async_drivers.sanic import WebSocket
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint, Sanic
from sanic.server.websockets.frame import WebsocketFrameAssembler
from socketio import AsyncRedisManager

from bot.channels.limits import cut_user_text
from bot.language import metadata_language

logger = logging.getLogger(__name__)

ORIGINS_VARIABLE = "SOS_WIDGET_ORIGINS"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
SESSION_LOST_EVT = "session_lost"
# Redis's publish/subscribe channel of the widget's emits, shared by every server process.
SHARED_EMITS_CHANNEL = "sos-widget"

# A random UUID, with or without dashes, as the widget makes them; anything else is replaced.
_SESSION_ID = re.compile(r"^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$")
_DEFAULT_PORTS = {"http": 80, "https": 443}
# A host name (letters, digits, hyphens, dots; no wildcard) or an IP address (IPv6 unbracketed).
_HOST = re.compile(r"^(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*|[0-9a-f:.]+)$")


# --- Origins -----------------------------------------------------------------------------------


def _parse_origin(text: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an ``http(s)://host[:port]`` origin, lower-cased; None otherwise."""
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return None
    scheme, host = parts.scheme.lower(), (parts.hostname or "")
    if (
        scheme not in _DEFAULT_PORTS
        or not _HOST.fullmatch(host)
        or parts.username is not None
        or parts.password is not None
        or parts.path
        or parts.query
        or parts.fragment
        or "#" in text
        or "?" in text
    ):
        return None
    return scheme, host, port if port is not None else _DEFAULT_PORTS[scheme]


class OriginRule:
    """Whether a page's ``Origin`` may open the widget's Socket.IO connection.

    Given to Engine.IO as ``cors_allowed_origins``, which calls it with the request's
    ``Origin`` header (and its environ). ``origins``: the allowed ``http(s)://host[:port]``
    origins; none means loopback pages only (127.0.0.1, localhost, [::1], any port).
    """

    def __init__(self, origins: Iterable[str] = ()) -> None:
        """Checks ``origins``.

        Raises:
            ValueError: An entry is not an ``http(s)://host[:port]`` origin (``*`` neither).
        """
        allowed = set()
        for entry in origins:
            parsed = _parse_origin(entry.strip().removesuffix("/"))
            if parsed is None:
                raise ValueError(
                    f"{ORIGINS_VARIABLE}: {entry.strip()!r} is not an origin such as https://sostourismemedical.com "
                    "(scheme, host and port only; no wildcard)"
                )
            allowed.add(parsed)
        self.origins = frozenset(allowed)

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> OriginRule:
        """The rule ``SOS_WIDGET_ORIGINS`` sets (loopback only when it is unset or empty)."""
        value = (os.environ if environ is None else environ).get(ORIGINS_VARIABLE, "")
        return cls(entry for entry in value.split(",") if entry.strip())

    def __call__(self, origin: Any, environ: Any = None) -> bool:
        """Whether ``origin`` (a browser's ``Origin`` header) is allowed."""
        parsed = _parse_origin(origin) if isinstance(origin, str) else None
        if parsed is None:
            return False
        if self.origins:
            return parsed in self.origins
        return parsed[1] in LOOPBACK_HOSTS

    def __repr__(self) -> str:
        shown = sorted(f"{scheme}://{host}:{port}" for scheme, host, port in self.origins)
        return f"OriginRule({shown or 'loopback'})"


# --- Events --------------------------------------------------------------------------------------


async def _session_request(channel: SocketIOChannel, sid: str, data: Any = None, *_more: Any) -> None:
    """Confirms the session a client asks for, after putting the client in the session's room.

    No data, ``null`` or ``{}`` gets a new session, and so does a session id that is not a random
    UUID; data that is not an object disconnects the client. A client that says it ``resumed``
    a conversation the tracker store does not hold gets ``session_lost``, and no session. The
    confirmed id is kept in the client's Socket.IO session, the only place its messages are read
    for.
    """
    if data is None:
        data = {}
    if not isinstance(data, dict):
        logger.warning("widget: disconnected a client whose session request was not an object")
        await channel.sio.disconnect(sid, namespace=channel.namespace)
        return
    asked = data.get("session_id")
    valid = asked if isinstance(asked, str) and _SESSION_ID.fullmatch(asked) else None
    if data.get("resumed") is True and channel.session_persistence and not await channel.holds_conversation(valid):
        logger.info("widget: a client resumed a conversation the server no longer has")
        await channel.sio.emit(SESSION_LOST_EVT, room=sid, namespace=channel.namespace)
        return
    session_id = valid or str(uuid.uuid4())
    await channel.sio.save_session(sid, {"session_id": session_id}, namespace=channel.namespace)
    if channel.session_persistence:
        await channel.sio.enter_room(sid, session_id, namespace=channel.namespace)
    await channel.sio.emit("session_confirm", session_id, room=sid, namespace=channel.namespace)


async def _user_message(
    channel: SocketIOChannel,
    on_new_message: Callable[[UserMessage], Awaitable[Any]],
    sid: str,
    data: Any = None,
    *_more: Any,
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
            text,
            output,
            sender_id,
            input_channel=channel.name(),
            metadata={"language": language} if language else None,
        )
    )


def shared_emits_manager(environ: Mapping[str, str] | None = None) -> AsyncRedisManager | None:
    """A Redis client manager when ``SOS_REDIS_HOST`` names a Redis server, else ``None`` (one process)."""
    env = os.environ if environ is None else environ
    host = env.get("SOS_REDIS_HOST", "").strip()
    if not host:
        return None
    port = int(env.get("SOS_REDIS_PORT") or 6379)
    password = env.get("SOS_REDIS_PASSWORD") or None
    return AsyncRedisManager(
        f"redis://{host}:{port}/0", channel=SHARED_EMITS_CHANNEL, redis_options={"password": password}
    )


# --- Sanic's websocket -----------------------------------------------------------------------------


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
    """Rasa 3.6's Socket.IO channel, with working websockets, session rooms, checked origins
    and sessions, and lost conversations said."""

    app: Sanic | None = None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Rasa's blueprint, with the origins checked, websockets only, the websocket reader and the
        session and message handlers replaced."""
        origins = OriginRule.from_environment()
        blueprint = super().blueprint(on_new_message)
        engine = self.sio.eio
        engine.cors_allowed_origins = origins
        engine.transports = ["websocket"]
        engine._async = {**engine._async, "websocket": TaskReadingWebSocket}
        self.sio.on("session_request", functools.partial(_session_request, self), namespace=self.namespace)
        self.sio.on(
            self.user_message_evt, functools.partial(_user_message, self, on_new_message), namespace=self.namespace
        )

        @blueprint.listener("before_server_start")
        async def keep_app(app: Sanic, _loop: Any) -> None:
            self.app = app
            # In each server process, after Sanic forked it: a manager made before the fork would
            # carry one host id into every process, and each would take the others' emits for its own.
            manager = shared_emits_manager()
            if manager is not None:
                manager.set_server(self.sio)
                self.sio.manager = manager
                self.sio.manager_initialized = False

        return blueprint

    async def holds_conversation(self, session_id: str | None) -> bool:
        """Whether the agent's tracker store has events for ``session_id``.

        True when that cannot be told (no app or agent yet, the store failing): the session then
        goes on, as without this check.
        """
        if session_id is None:
            return False
        agent = getattr(self.app.ctx, "agent", None) if self.app is not None else None
        store = getattr(agent, "tracker_store", None)
        if store is None:
            return True
        try:
            tracker = await store.retrieve(session_id)
        except Exception as error:  # noqa: BLE001 (any store's failure: the session goes on)
            logger.warning("widget: could not read the tracker store (%s); the session goes on", type(error).__name__)
            return True
        return tracker is not None and len(tracker.events) > 0
