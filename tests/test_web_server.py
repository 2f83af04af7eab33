"""The chat widget's static server (bot/web.py) and its Socket.IO channel (bot/channels/widget.py), without a browser."""

from __future__ import annotations

import http.client
import re
from pathlib import Path
from unittest.mock import AsyncMock, MagicMock

import pytest
import requests
import yaml

from bot import web
from bot.channels import widget
from bot.servers import PROJECT
from bot.web import MissingVendorFile, WebPage, WebSettings, check_rasa_url, respond, served_file

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

@pytest.mark.parametrize("path, name", [
    ("/", "index.html"),
    ("/index.html", "index.html"),
    ("/services.html?from=home#top", "services.html"),
    ("/widget.js", "widget.js"),
    ("/widget.css", "widget.css"),
])
def test_pages_scripts_and_styles_of_the_folder_are_served(site, path, name):
    web_dir, _ = site
    assert served_file(path, web_dir) == web_dir / name


@pytest.mark.parametrize("path", [
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
])
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


@pytest.mark.parametrize("path", [
    "/../secret.html", "/%2e%2e/secret.html", "/web/../../secret.html", "/node_modules/socket.io-client/package.json",
])
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
        page.url
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
    channel = MagicMock(session_persistence=persistent, namespace=None, metadata_key="customData", bot_message_evt="bot_uttered")
    channel.name.return_value = "socketio"
    channel.sio.enter_room = AsyncMock()
    channel.sio.emit = AsyncMock()
    channel.sio.save_session = AsyncMock()
    channel.sio.get_session = AsyncMock(return_value={"session_id": confirmed} if confirmed else {})
    return channel


SESSION = "0b6f3c1e-6a43-4d8e-9f55-3f1d1f0b7c11"


async def test_a_session_request_joins_the_session_room_before_confirming():
    channel = fake_channel()
    await widget._session_request(channel, "sid-1", {"session_id": SESSION})
    channel.sio.save_session.assert_awaited_once_with("sid-1", {"session_id": SESSION}, namespace=None)
    channel.sio.enter_room.assert_awaited_once_with("sid-1", SESSION, namespace=None)
    channel.sio.emit.assert_awaited_once_with("session_confirm", SESSION, room="sid-1", namespace=None)


@pytest.mark.parametrize("data", [
    None, {}, {"session_id": None}, {"session_id": "../../x"}, {"session_id": 12345678}, {"session_id": "a" * 65},
    {"session_id": "15145550123"},  # a WhatsApp conversation's id
    {"session_id": "6789012345678901"},  # a Messenger PSID
    {"session_id": "abcdefgh"},
])
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
    data = {"message": "bonjour", "session_id": "15145550123", "customData": {"language": "en", "phone": "+15145550123"}}
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
    """The credentials the test stack (bot.servers) starts Rasa with."""
    credentials = yaml.safe_load((PROJECT / "credentials.yml").read_text(encoding="utf-8"))
    assert "socketio" not in credentials, (
        "Rasa 3.6's own socketio channel drops every answer on this stack (python-socketio 5.18, "
        "Python 3.11): declare bot.channels.widget.SocketIOChannel instead, with the same settings"
    )
    settings = credentials["bot.channels.widget.SocketIOChannel"]
    assert settings["session_persistence"] is True and settings["metadata_key"] == "customData"
