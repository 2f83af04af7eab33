"""The chat widget's static server (tools/web.py) and its Socket.IO channel (bot/channels/widget.py), without a browser.

The channel's origins, transport and session requests are checked over real connections
(python-socketio's client): against a Socket.IO server in this process that serves the channel
only (for ``SOS_WIDGET_ORIGINS``), and against the real Rasa server of the test session.
"""

from __future__ import annotations

import asyncio
import http.client
import itertools
import logging
import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from unittest.mock import AsyncMock, MagicMock

import aiohttp
import pytest
import requests
import socketio
import yaml
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Sanic

from bot.channels import widget
from tools import web
from tools.stack import PROJECT, RasaStack, free_port
from tools.web import MissingVendorFile, WebPage, WebSettings, check_rasa_url, respond, served_file

RASA_URL = "http://127.0.0.1:5005"


@pytest.fixture
def site(tmp_path: Path) -> tuple[Path, Path]:
    """A web folder with two pages, a script, a style sheet, files that must stay private and
    the vendor script, with a secret next to the folder."""
    web_dir = tmp_path / "web"
    (web_dir / "node_modules" / "socket.io-client" / "dist").mkdir(parents=True)
    (web_dir / "index.html").write_text("<html lang=fr>home</html>")
    (web_dir / "services.html").write_text("<html>services</html>")
    (web_dir / "widget.js").write_text("// widget")
    (web_dir / "widget.css").write_text("/* css */")
    (web_dir / "package.json").write_text("{}")
    (web_dir / "node_modules" / "socket.io-client" / "package.json").write_text("{}")
    vendor = web_dir / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js"
    vendor.write_text("/* socket.io */")
    (tmp_path / "secret.html").write_text("secret")
    (web_dir / "link.html").symlink_to(tmp_path / "secret.html")
    return web_dir, vendor


def raw_get(url: str, path: str, method: str = "GET") -> http.client.HTTPResponse:
    """Sends ``path`` exactly as written (no client-side normalisation of ``..``)."""
    address = url.split("//", 1)[1].rstrip("/")
    host, port = address.split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.putrequest(method, path, skip_accept_encoding=True)
    connection.endheaders()
    response = connection.getresponse()
    response.body = response.read()  # type: ignore[attr-defined]
    connection.close()
    return response


# --- Which files are served --------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, name",
    [
        ("/", "index.html"),
        ("/index.html", "index.html"),
        ("/services.html?from=home#top", "services.html"),
        ("/widget.js", "widget.js"),
        ("/widget.css", "widget.css"),
    ],
)
def test_pages_scripts_and_styles_of_the_folder_are_served(site, path, name):
    web_dir, _ = site
    assert served_file(path, web_dir) == web_dir / name


@pytest.mark.parametrize(
    "path",
    [
        "/../secret.html",
        "/%2e%2e/secret.html",
        "/..%2fsecret.html",
        "/%2E%2E%2Fsecret.html",
        "//etc/passwd",
        "/..\\secret.html",
        "/link.html",
        "/package.json",
        "/node_modules/socket.io-client/package.json",
        "/node_modules/socket.io-client/dist/socket.io.min.js",
        "/node_modules/",
        "/index.html%00.js",
        "/.hidden.html",
        "/missing.html",
        "/INDEX.HTML",
    ],
)
def test_nothing_else_is_served(site, path):
    web_dir, _ = site
    assert served_file(path, web_dir) is None


def test_the_config_script_gives_the_rasa_url_as_json(site):
    web_dir, vendor = site
    response = respond("/config.js", WebSettings("http://127.0.0.1:5005", web_dir, vendor))
    assert response.content_type.startswith("text/javascript")
    assert response.body.decode() == (
        'window.SOS_CHAT = Object.assign({}, window.SOS_CHAT, {"socketUrl": "http://127.0.0.1:5005"});\n'
    )


def test_the_vendor_script_is_the_only_file_from_node_modules(site):
    web_dir, vendor = site
    response = respond("/vendor/socket.io.min.js", WebSettings(RASA_URL, web_dir, vendor))
    assert response.body == b"/* socket.io */"
    assert respond("/vendor/socket.io.js", WebSettings(RASA_URL, web_dir, vendor)).status == 404


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://host", "http://", "http://h/?a=1", "http://h/#x", "h:5005"]
)
def test_only_http_base_urls_are_accepted_for_rasa(url):
    with pytest.raises(ValueError):
        check_rasa_url(url)


def test_a_trailing_slash_is_dropped_from_the_rasa_url():
    assert check_rasa_url(" https://chat.example.ca/ ") == "https://chat.example.ca"


# --- Over HTTP -----------------------------------------------------------------------------------


def test_the_page_is_served_over_http_with_a_strict_policy(site):
    web_dir, vendor = site
    with WebPage(RASA_URL, web_dir, vendor) as page:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", page.url)
        reply = requests.get(page.url, timeout=10)
        assert reply.status_code == 200 and reply.text == "<html lang=fr>home</html>"
        assert reply.headers["Content-Type"] == "text/html; charset=utf-8"
        assert reply.headers["X-Content-Type-Options"] == "nosniff"
        policy = reply.headers["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "connect-src 'self' ws://127.0.0.1:5005" in policy
        assert requests.get(page.url + "config.js", timeout=10).text.count(RASA_URL) == 1


@pytest.mark.parametrize(
    "path",
    [
        "/../secret.html",
        "/%2e%2e/secret.html",
        "/web/../../secret.html",
        "/node_modules/socket.io-client/package.json",
    ],
)
def test_raw_traversal_requests_get_404(site, path):
    web_dir, vendor = site
    with WebPage(RASA_URL, web_dir, vendor) as page:
        response = raw_get(page.url, path)
        assert response.status == 404 and b"secret" not in response.body


def test_head_has_no_body_and_other_methods_are_refused(site):
    web_dir, vendor = site
    with WebPage(RASA_URL, web_dir, vendor) as page:
        head = raw_get(page.url, "/widget.js", "HEAD")
        assert head.status == 200 and head.body == b"" and head.getheader("Content-Length") == str(len("// widget"))
        assert raw_get(page.url, "/index.html", "POST").status == 501


def test_the_url_exists_only_inside_the_with_block(site):
    web_dir, vendor = site
    page = WebPage(RASA_URL, web_dir, vendor)
    with pytest.raises(RuntimeError):
        _ = page.url
    with page:
        url = page.url
    with pytest.raises(requests.ConnectionError):
        requests.get(url, timeout=5)


def test_a_missing_socket_io_client_stops_the_start_with_a_clear_message(site):
    web_dir, vendor = site
    vendor.unlink()
    with pytest.raises(MissingVendorFile, match="run make install"):
        WebPage(RASA_URL, web_dir, vendor).__enter__()


def test_the_command_line_reports_a_missing_client(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(web, "VENDOR_FILE", tmp_path / "missing.js")
    assert web.main(["--port", "0", "--rasa-url", RASA_URL]) == 2
    assert "run make install" in capsys.readouterr().err


def test_the_command_line_takes_its_defaults_from_the_environment(monkeypatch):
    monkeypatch.setenv("SOS_WEB_PORT", "8123")
    monkeypatch.setenv("SOS_RASA_URL", "http://rasa.internal:5005")
    args = web._parse_args([])
    assert (args.port, args.rasa_url) == (8123, "http://rasa.internal:5005")


def test_the_real_web_folder_has_its_pages_and_client():
    for name in ("index.html", "services.html", "widget.js", "widget.css"):
        assert served_file(f"/{name}", web.WEB_DIR) is not None
    assert web.VENDOR_FILE.is_file(), "run make install (npm ci in web/)"


# --- The Socket.IO channel -------------------------------------------------------------------------


def fake_channel(persistent: bool = True, confirmed: str | None = None) -> MagicMock:
    """A channel whose Socket.IO server records what it is asked to do."""
    channel = MagicMock(
        session_persistence=persistent, namespace=None, metadata_key="customData", bot_message_evt="bot_uttered"
    )
    channel.name.return_value = "socketio"
    channel.sio.enter_room = AsyncMock()
    channel.sio.emit = AsyncMock()
    channel.sio.save_session = AsyncMock()
    channel.sio.get_session = AsyncMock(return_value={"session_id": confirmed} if confirmed else {})
    channel.sio.disconnect = AsyncMock()
    channel.holds_conversation = AsyncMock(return_value=True)
    return channel


SESSION = "0b6f3c1e-6a43-4d8e-9f55-3f1d1f0b7c11"


async def test_a_session_request_joins_the_session_room_before_confirming():
    channel = fake_channel()
    await widget._session_request(channel, "sid-1", {"session_id": SESSION})
    channel.sio.save_session.assert_awaited_once_with("sid-1", {"session_id": SESSION}, namespace=None)
    channel.sio.enter_room.assert_awaited_once_with("sid-1", SESSION, namespace=None)
    channel.sio.emit.assert_awaited_once_with("session_confirm", SESSION, room="sid-1", namespace=None)


@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {"session_id": None},
        {"session_id": "../../x"},
        {"session_id": 12345678},
        {"session_id": "a" * 65},
        {"session_id": "15145550123"},  # a WhatsApp conversation's id
        {"session_id": "6789012345678901"},  # a Messenger PSID
        {"session_id": "abcdefgh"},
    ],
)
async def test_a_missing_or_odd_session_id_is_replaced_by_a_new_one(data):
    channel = fake_channel()
    await widget._session_request(channel, "sid-1", data)
    (_, session_id), _ = channel.sio.enter_room.await_args
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}", session_id)
    assert session_id != (data or {}).get("session_id")
    channel.sio.emit.assert_awaited_once_with("session_confirm", session_id, room="sid-1", namespace=None)


async def test_without_persistence_no_room_is_joined():
    channel = fake_channel(persistent=False)
    await widget._session_request(channel, "sid-1", {"session_id": SESSION})
    channel.sio.enter_room.assert_not_awaited()


async def test_a_message_goes_to_the_confirmed_session_whatever_session_id_it_names():
    channel, received = fake_channel(confirmed=SESSION), AsyncMock()
    data = {
        "message": "bonjour",
        "session_id": "15145550123",
        "customData": {"language": "en", "phone": "+15145550123"},
    }
    await widget._user_message(channel, received, "sid-1", data)
    (message,), _ = received.await_args
    assert (message.sender_id, message.text, message.input_channel) == (SESSION, "bonjour", "socketio")
    assert message.metadata == {"language": "en"}  # nothing else the page sends is believed


@pytest.mark.parametrize("data", [None, "texte", {}, {"message": 42}, {"message": "   "}])
async def test_a_message_without_text_is_ignored(data):
    channel, received = fake_channel(confirmed=SESSION), AsyncMock()
    await widget._user_message(channel, received, "sid-1", data)
    received.assert_not_awaited()


async def test_a_message_before_the_session_is_confirmed_is_ignored():
    channel, received = fake_channel(confirmed=None), AsyncMock()
    await widget._user_message(channel, received, "sid-1", {"message": "bonjour", "session_id": SESSION})
    received.assert_not_awaited()


async def test_an_oversize_message_is_cut():
    channel, received = fake_channel(confirmed=SESSION), AsyncMock()
    await widget._user_message(channel, received, "sid-1", {"message": "a" * 10_000, "customData": "not json"})
    (message,), _ = received.await_args
    assert len(message.text) == 4096 and message.metadata is None


def test_the_channel_is_rasas_socketio_with_both_fixes_installed():
    from rasa.core.channels.socketio import SocketIOInput

    channel = widget.SocketIOChannel.from_credentials({"session_persistence": True, "metadata_key": "customData"})
    assert isinstance(channel, SocketIOInput) and channel.name() == "socketio"
    channel.blueprint(AsyncMock())
    assert channel.sio.eio._async["websocket"].__name__ == "TaskReadingWebSocket"
    assert channel.sio.handlers["/"]["session_request"].func is widget._session_request
    assert channel.sio.handlers["/"]["user_uttered"].func is widget._user_message


def test_credentials_use_the_fixed_channel_for_the_widget():
    """The credentials the test stack (tools.stack) starts Rasa with."""
    credentials = yaml.safe_load((PROJECT / "credentials.yml").read_text(encoding="utf-8"))
    assert "socketio" not in credentials, (
        "Rasa 3.6's own socketio channel drops every answer on this stack (python-socketio 5.18, "
        "Python 3.11): declare bot.channels.widget.SocketIOChannel instead, with the same settings"
    )
    settings = credentials["bot.channels.widget.SocketIOChannel"]
    assert settings["session_persistence"] is True and settings["metadata_key"] == "customData"


# --- Malformed requests and lost conversations, at the handlers ------------------------------------


async def test_a_session_request_without_data_gets_a_new_session():
    channel = fake_channel()
    await widget._session_request(channel, "sid-1")
    (event, session_id), _ = channel.sio.emit.await_args
    assert event == "session_confirm" and widget._SESSION_ID.fullmatch(session_id)
    channel.sio.disconnect.assert_not_awaited()


@pytest.mark.parametrize("data", ["texte-secret-1", 918273645, ["texte-secret-2"], True, 1.5])
async def test_a_session_request_that_is_not_an_object_disconnects_its_client(data, caplog):
    channel = fake_channel()
    with caplog.at_level(logging.WARNING, logger=widget.__name__):
        await widget._session_request(channel, "sid-1", data)
    channel.sio.disconnect.assert_awaited_once_with("sid-1", namespace=None)
    channel.sio.emit.assert_not_awaited()
    channel.sio.save_session.assert_not_awaited()
    channel.sio.enter_room.assert_not_awaited()
    (record,) = caplog.records
    assert record.levelno == logging.WARNING and "not an object" in record.getMessage()
    assert "secret" not in caplog.text and "918273645" not in caplog.text


@pytest.mark.parametrize("arguments", [(), ("texte", "extra")])
async def test_a_message_without_data_or_with_more_arguments_is_ignored(arguments):
    channel, received = fake_channel(confirmed=SESSION), AsyncMock()
    await widget._user_message(channel, received, "sid-1", *arguments)
    received.assert_not_awaited()


async def test_only_a_resumed_conversation_the_store_does_not_hold_gets_session_lost():
    # Not resumed (whatever the store holds), or resumed and held: the session goes on.
    for resumed, held in [(False, False), ("true", False), (1, False), (None, False), (True, True)]:
        channel = fake_channel()
        channel.holds_conversation.return_value = held
        await widget._session_request(channel, "sid-1", {"session_id": SESSION, "resumed": resumed})
        if resumed is not True:
            channel.holds_conversation.assert_not_awaited()
        channel.sio.enter_room.assert_awaited_once_with("sid-1", SESSION, namespace=None)
        channel.sio.emit.assert_awaited_once_with("session_confirm", SESSION, room="sid-1", namespace=None)
    # Resumed, and not held: session_lost, and no session.
    channel = fake_channel()
    channel.holds_conversation.return_value = False
    await widget._session_request(channel, "sid-1", {"session_id": SESSION, "resumed": True})
    channel.holds_conversation.assert_awaited_once_with(SESSION)
    channel.sio.emit.assert_awaited_once_with("session_lost", room="sid-1", namespace=None)
    channel.sio.save_session.assert_not_awaited()
    channel.sio.enter_room.assert_not_awaited()


@pytest.mark.parametrize("asked", ["15145550123", None, 42])
async def test_resuming_with_an_id_the_channel_refuses_is_a_lost_conversation(asked):
    channel = fake_channel()
    channel.holds_conversation.side_effect = widget.SocketIOChannel().holds_conversation
    await widget._session_request(channel, "sid-1", {"session_id": asked, "resumed": True})
    channel.sio.emit.assert_awaited_once_with("session_lost", room="sid-1", namespace=None)


def channel_with_store(store: Any) -> widget.SocketIOChannel:
    """The channel, as served by an app whose agent keeps conversations in ``store``."""
    channel = widget.SocketIOChannel(session_persistence=True)
    channel.app = SimpleNamespace(ctx=SimpleNamespace(agent=SimpleNamespace(tracker_store=store)))
    return channel


async def test_the_channel_reads_the_agents_tracker_store():
    store = InMemoryTrackerStore(Domain.empty())
    await store.save(DialogueStateTracker.from_events(SESSION, [ActionExecuted("action_listen"), UserUttered("hi")]))
    other = "1b6f3c1e-6a43-4d8e-9f55-3f1d1f0b7c12"
    channel = channel_with_store(store)
    assert await channel.holds_conversation(SESSION) is True
    assert await channel.holds_conversation(other) is False
    assert await channel.holds_conversation(None) is False
    assert other not in await store.keys()  # asking created nothing


async def test_when_the_store_cannot_tell_the_session_goes_on(caplog):
    failing = MagicMock(retrieve=AsyncMock(side_effect=ConnectionError("redis://secret-host down")))
    assert await channel_with_store(failing).holds_conversation(SESSION) is True
    assert "ConnectionError" in caplog.text and "secret-host" not in caplog.text
    assert await channel_with_store(None).holds_conversation(SESSION) is True
    assert await widget.SocketIOChannel(session_persistence=True).holds_conversation(SESSION) is True


# --- The origin rule -------------------------------------------------------------------------------

SITE = "https://sostourismemedical.com"
WWW = "https://www.sostourismemedical.com"
LOOPBACK_PAGE = "http://127.0.0.1:8080"


@pytest.mark.parametrize(
    "origin",
    ["http://127.0.0.1:8080", "http://127.0.0.1", "http://localhost:3000", "https://localhost", "http://[::1]:8080"],
)
def test_by_default_loopback_pages_are_allowed(origin):
    assert widget.OriginRule.from_environment({})(origin) is True


@pytest.mark.parametrize(
    "origin",
    [
        SITE,
        "https://evil.example",
        "http://127.0.0.1.evil.example",
        "http://localhost.evil.example:8080",
        "http://evil.example@127.0.0.1",
        "http://127.0.0.2:8080",
        "ws://127.0.0.1:8080",
        "file://",
        "null",
        "",
        None,
        42,
    ],
)
def test_by_default_no_other_origin_is(origin):
    assert widget.OriginRule.from_environment({})(origin, {}) is False


@pytest.mark.parametrize(
    "origin, allowed",
    [
        (SITE, True),
        (WWW, True),
        ("https://sostourismemedical.com:443", True),
        ("HTTPS://SOSTourismeMedical.com", True),
        ("http://sostourismemedical.com", False),
        ("https://sostourismemedical.com:8443", False),
        ("https://sostourismemedical.com.evil.example", False),
        ("https://evil.sostourismemedical.com", False),
        ("https://sostourismemedical.com/page", False),
        (LOOPBACK_PAGE, False),
        ("http://localhost:3000", False),
    ],
)
def test_sos_widget_origins_lists_the_only_origins_allowed(origin, allowed):
    rule = widget.OriginRule.from_environment({"SOS_WIDGET_ORIGINS": f" {SITE}, {WWW}/ ,"})
    assert rule(origin) is allowed


@pytest.mark.parametrize("value", ["*", "sostourismemedical.com", "https://*.sostourismemedical.com", f"{SITE}/chat"])
def test_an_entry_of_sos_widget_origins_that_is_not_an_origin_stops_the_channel(value, monkeypatch):
    with pytest.raises(ValueError, match="SOS_WIDGET_ORIGINS"):
        widget.OriginRule.from_environment({"SOS_WIDGET_ORIGINS": f"{SITE},{value}"})
    monkeypatch.setenv("SOS_WIDGET_ORIGINS", value)
    with pytest.raises(ValueError, match="SOS_WIDGET_ORIGINS"):
        widget.SocketIOChannel.from_credentials({"session_persistence": True}).blueprint(AsyncMock())


def test_the_channel_reads_its_origins_when_built_and_serves_websockets_only(monkeypatch):
    monkeypatch.delenv("SOS_WIDGET_ORIGINS", raising=False)
    channel = widget.SocketIOChannel.from_credentials({"session_persistence": True, "metadata_key": "customData"})
    channel.blueprint(AsyncMock())
    rule = channel.sio.eio.cors_allowed_origins
    assert rule(LOOPBACK_PAGE) and not rule(SITE)
    assert channel.sio.eio.transports == ["websocket"]
    monkeypatch.setenv("SOS_WIDGET_ORIGINS", SITE)
    channel = widget.SocketIOChannel.from_credentials({"session_persistence": True})
    channel.blueprint(AsyncMock())
    rule = channel.sio.eio.cors_allowed_origins
    assert rule(SITE) and not rule(LOOPBACK_PAGE)


# --- Over real connections ---------------------------------------------------------------------------


class WidgetClient:
    """A Socket.IO client that connects as the widget does (websocket only) and records what
    the server sends it: ``(event, args)`` in :attr:`events`, ``disconnect`` included."""

    def __init__(self) -> None:
        self.sio = socketio.AsyncClient(reconnection=False)
        self.events: asyncio.Queue[tuple[str, tuple[Any, ...]]] = asyncio.Queue()
        for event in ("session_confirm", "session_lost", "bot_uttered", "disconnect"):
            self.sio.on(event, self._recorder(event))

    def _recorder(self, event: str) -> Callable[..., None]:
        return lambda *args: self.events.put_nowait((event, args))

    async def next_event(self, timeout: float = 15) -> tuple[str, tuple[Any, ...]]:
        """The next event the server sent (or ``disconnect``)."""
        return await asyncio.wait_for(self.events.get(), timeout)

    async def session(self, data: Any = None, *, no_data: bool = False) -> tuple[str, tuple[Any, ...]]:
        """Sends ``session_request`` (without any data with ``no_data``); returns the answer."""
        await (self.sio.emit("session_request") if no_data else self.sio.emit("session_request", data))
        return await self.next_event()

    async def ask(self, text: str, language: str = "fr", wait: float = 30) -> list[dict[str, Any]]:
        """Sends ``text`` and returns the bot's answers: those that come within ``wait`` seconds,
        then within a second of each other."""
        await self.sio.emit("user_uttered", {"message": text, "customData": {"language": language}})
        answers = []
        while True:
            try:
                event, args = await self.next_event(timeout=1 if answers else wait)
            except TimeoutError:
                return answers
            assert event == "bot_uttered", (event, args)
            answers.append(args[0])

    async def close(self) -> None:
        """Disconnects, and frees the HTTP session Engine.IO leaves open after a refused connection."""
        if self.sio.connected:
            await self.sio.disconnect()
        if self.sio.eio.http is not None and not self.sio.eio.http.closed:
            await self.sio.eio.http.close()


Connect = Callable[..., Awaitable[WidgetClient]]


@pytest.fixture
async def connect(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Connect]:
    """``await connect(url, origin)``: a connected :class:`WidgetClient`; raises
    ``socketio.exceptions.ConnectionError`` when the server refuses the connection."""
    if not hasattr(aiohttp, "ClientWSTimeout"):
        # python-engineio 4.15's client builds aiohttp 3.10's ClientWSTimeout; Rasa 3.6 pins
        # aiohttp 3.9, whose ws_connect takes the same close timeout as a number.
        monkeypatch.setattr(aiohttp, "ClientWSTimeout", lambda ws_close=None, ws_receive=None: ws_close, raising=False)
    clients: list[WidgetClient] = []

    async def open_client(url: str, origin: str | None = LOOPBACK_PAGE, transport: str = "websocket") -> WidgetClient:
        client = WidgetClient()
        clients.append(client)
        headers = {"Origin": origin} if origin is not None else {}
        await client.sio.connect(url, headers=headers, transports=[transport], wait_timeout=10)
        return client

    yield open_client
    for client in clients:
        await client.close()


async def refused(connect: Connect, url: str, origin: str | None, transport: str = "websocket") -> bool:
    """Whether the server refuses the connection (a connected client is closed at once)."""
    try:
        client = await connect(url, origin, transport)
    except socketio.exceptions.ConnectionError:
        return True
    await client.close()
    return False


_apps = itertools.count()


@pytest.fixture
async def channel_server(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Callable[[str | None], Awaitable[str]]]:
    """``await channel_server(origins)``: the URL of a Sanic server in this process that serves
    the widget's channel only (its answers echo the message), built with ``SOS_WIDGET_ORIGINS``
    set to ``origins`` (unset for None)."""
    # Sanic's test mode: each app compiles its start-up optimisations from the original source,
    # not from the previous app's (Sanic 21.12 fails at the second app otherwise).
    monkeypatch.setattr(Sanic, "test_mode", True)
    servers = []

    async def start(origins: str | None) -> str:
        if origins is None:
            monkeypatch.delenv(widget.ORIGINS_VARIABLE, raising=False)
        else:
            monkeypatch.setenv(widget.ORIGINS_VARIABLE, origins)
        channel = widget.SocketIOChannel.from_credentials({"session_persistence": True, "metadata_key": "customData"})

        async def echo(message: Any) -> None:
            await message.output_channel.send_text_message(message.sender_id, f"echo: {message.text}")

        app = Sanic(f"widget-test-{next(_apps)}-{uuid.uuid4().hex[:8]}")
        app.blueprint(channel.blueprint(echo))
        port = free_port()
        server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True)
        await server.startup()
        await server.before_start()
        await server.after_start()
        servers.append(server)
        return f"http://127.0.0.1:{port}"

    yield start
    for server in servers:
        await server.before_stop()
        server.close()
        await server.wait_closed()
        await server.after_stop()


async def test_with_sos_widget_origins_set_exactly_those_origins_connect(channel_server, connect):
    url = await channel_server(f"{SITE},{WWW}")
    for origin in (SITE, WWW):
        client = await connect(url, origin)
        event, (session_id,) = await client.session({"session_id": SESSION})
        assert (event, session_id) == ("session_confirm", SESSION)
        assert await client.ask("bonjour") == [{"text": "echo: bonjour"}]
    for origin in (LOOPBACK_PAGE, "http://localhost:3000", "https://evil.example", f"{SITE}.evil.example", "null"):
        assert await refused(connect, url, origin), origin


async def test_the_channel_alone_refuses_polling_and_foreign_pages_by_default(channel_server, connect):
    url = await channel_server(None)
    assert not await refused(connect, url, "http://localhost:5173")
    assert await refused(connect, url, SITE)
    assert await refused(connect, url, "http://localhost:5173", transport="polling")


# --- Against the real Rasa server ----------------------------------------------------------------------


@pytest.mark.server
async def test_the_server_refuses_foreign_origins_and_accepts_loopback_pages(stack: RasaStack, connect):
    """The test stack runs without SOS_WIDGET_ORIGINS: loopback pages only."""
    for origin in ("https://evil.example", SITE, "http://127.0.0.1.nip.io:8080", "null"):
        assert await refused(connect, stack.base_url, origin), origin
    reply = requests.get(
        f"{stack.base_url}/socket.io/?EIO=4&transport=websocket", headers={"Origin": "https://evil.example"}, timeout=10
    )
    assert reply.status_code == 400 and "not an accepted origin" in reply.text
    for origin in (LOOPBACK_PAGE, "http://localhost:3000", "http://[::1]:8080", "https://localhost"):
        client = await connect(stack.base_url, origin)
        event, _ = await client.session({"session_id": str(uuid.uuid4())})
        assert event == "session_confirm", origin
        await client.close()
    # Without an Origin header (not a browser), Engine.IO's own rule: no origin to check.
    assert not await refused(connect, stack.base_url, None)


@pytest.mark.server
async def test_the_server_refuses_the_polling_transport(stack: RasaStack, connect):
    assert await refused(connect, stack.base_url, LOOPBACK_PAGE, transport="polling")
    reply = requests.get(
        f"{stack.base_url}/socket.io/?EIO=4&transport=polling", headers={"Origin": LOOPBACK_PAGE}, timeout=10
    )
    assert reply.status_code == 400 and "Invalid transport" in reply.text


@pytest.mark.server
async def test_a_session_request_without_data_or_with_an_empty_object_gets_a_session(stack: RasaStack, connect):
    for kwargs in ({"no_data": True}, {"data": {}}, {"data": None}):
        client = await connect(stack.base_url)
        event, (session_id,) = await client.session(**kwargs)
        assert event == "session_confirm" and widget._SESSION_ID.fullmatch(session_id), kwargs
        assert [answer["text"] for answer in await client.ask("bonjour")], kwargs
        await client.close()


@pytest.mark.server
@pytest.mark.parametrize("data", ["pas-un-objet-7c1f", 918273645, ["pas-un-objet-9d2e"]])
async def test_a_session_request_that_is_not_an_object_disconnects_the_client(stack: RasaStack, connect, data):
    rasa_log = stack.log_dir / "rasa.log"
    logged_before = rasa_log.stat().st_size
    client = await connect(stack.base_url)
    event, _ = await client.session(data)
    assert event == "disconnect" and not client.sio.connected
    # The server goes on: the next client gets its session and its answers.
    following = await connect(stack.base_url)
    event, (session_id,) = await following.session({"session_id": str(uuid.uuid4())})
    assert event == "session_confirm"
    assert [answer["text"] for answer in await following.ask("bonjour")]
    logged = rasa_log.read_bytes()[logged_before:].decode(errors="replace")
    assert "session request was not an object" in logged
    assert "pas-un-objet" not in logged and "918273645" not in logged and "Traceback" not in logged


@pytest.mark.server
async def test_a_message_that_is_not_an_object_is_ignored_and_the_session_goes_on(stack: RasaStack, connect):
    rasa_log = stack.log_dir / "rasa.log"
    logged_before = rasa_log.stat().st_size
    client = await connect(stack.base_url)
    event, _ = await client.session({"session_id": str(uuid.uuid4())})
    assert event == "session_confirm"
    await client.sio.emit("user_uttered")
    for data in ("bonjour", 42, ["bonjour"], None):
        await client.sio.emit("user_uttered", data)
    assert [answer["text"] for answer in await client.ask("bonjour")] and client.sio.connected
    assert "Traceback" not in rasa_log.read_bytes()[logged_before:].decode(errors="replace")


@pytest.mark.server
async def test_resuming_a_conversation_the_server_does_not_have_gets_session_lost(stack: RasaStack, connect):
    client = await connect(stack.base_url)
    unknown = str(uuid.uuid4())
    assert await client.session({"session_id": unknown, "resumed": True}) == ("session_lost", ())
    # No session was confirmed: a message is not read.
    assert await client.ask("bonjour", wait=5) == []
    # A new session on the same connection (what the widget asks next), then a resumed one.
    known = str(uuid.uuid4())
    assert await client.session({"session_id": known, "resumed": False}) == ("session_confirm", (known,))
    assert await client.ask("bonjour")
    await client.close()
    again = await connect(stack.base_url)
    assert await again.session({"session_id": known, "resumed": True}) == ("session_confirm", (known,))
    assert await again.ask("merci")
    assert await again.session({"session_id": "15145550123", "resumed": True}) == ("session_lost", ())
