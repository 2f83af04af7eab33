"""The website chat widget's demo pages, served as static files.

Static pages (``web/``), for development and the browser test::

    python -m tools.web --port 8080 --rasa-url http://127.0.0.1:5005

or, from Python: ``with WebPage(rasa_url) as page: browser.goto(page.url)``. Only the pages,
scripts and style sheets at the top of ``web/`` are served, with ``/config.js`` (the Rasa URL
for the widget) and ``/vendor/socket.io.min.js`` (the Socket.IO client npm installed); nothing
else, so no path leads out of ``web/`` or into ``node_modules``.

The widget talks to the assistant through ``bot.channels.widget.SocketIOChannel``
(credentials.yml).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import re
import sys
import threading
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

PROJECT = Path(__file__).resolve().parent.parent
WEB_DIR = PROJECT / "web"
VENDOR_FILE = WEB_DIR / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js"
VENDOR_PATH = "/vendor/socket.io.min.js"
CONFIG_PATH = "/config.js"
DEFAULT_PORT = 8080
DEFAULT_RASA_URL = "http://127.0.0.1:5005"

# A file directly in web/, with a name made of safe characters and a served extension.
_SERVED_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*\.(?:html|js|css)$")
_CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
}

logger = logging.getLogger(__name__)


class MissingVendorFile(FileNotFoundError):
    """The Socket.IO client that npm installs in ``web/node_modules`` is missing."""


@dataclass(frozen=True)
class Response:
    """What the static server answers to one request."""

    status: HTTPStatus
    body: bytes
    content_type: str = "text/plain; charset=utf-8"


@dataclass(frozen=True)
class WebSettings:
    """What the static server serves, and for which Rasa server."""

    rasa_url: str
    web_dir: Path = WEB_DIR
    vendor_file: Path = VENDOR_FILE


def check_rasa_url(url: str) -> str:
    """Return the Rasa server's base URL without its trailing slash.

    Raises:
        ValueError: If ``url`` is not an http(s) URL of a host, without query or fragment.
    """
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ValueError(f"not an http(s) base URL: {url!r}")
    return parts.geturl().rstrip("/")


def websocket_origin(rasa_url: str) -> str:
    """Return the ``ws://`` (or ``wss://``) origin of the Rasa server, for the page's CSP."""
    parts = urlsplit(rasa_url)
    scheme = "wss" if parts.scheme == "https" else "ws"
    return f"{scheme}://{parts.netloc}"


def security_headers(rasa_url: str) -> dict[str, str]:
    """Return the headers of every answer: nothing loads from anywhere but here and Rasa."""
    policy = "; ".join(
        [
            "default-src 'self'",
            f"connect-src 'self' {websocket_origin(rasa_url)}",
            "img-src 'self' data:",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )
    return {
        "Content-Security-Policy": policy,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-store",
    }


def config_script(rasa_url: str) -> bytes:
    """Return ``/config.js``: the Rasa URL, merged into options a page may have set before."""
    options = json.dumps({"socketUrl": rasa_url})
    return f"window.SOS_CHAT = Object.assign({{}}, window.SOS_CHAT, {options});\n".encode()


def served_file(request_path: str, web_dir: Path) -> Path | None:
    """Return the file of ``web_dir`` that ``request_path`` names, or ``None``.

    Only files directly in ``web_dir`` qualify (``/`` is ``index.html``): a path with a
    folder, ``..``, an encoded slash or an unknown extension names nothing, and neither does
    a symbolic link leading elsewhere.
    """
    path = unquote(urlsplit(request_path).path)
    name = "index.html" if path == "/" else path[1:]
    if not _SERVED_NAME.fullmatch(name):
        return None
    candidate = web_dir / name
    if not candidate.is_file() or candidate.resolve().parent != web_dir.resolve():
        return None
    return candidate


def respond(request_path: str, settings: WebSettings) -> Response:
    """Return the answer to a GET of ``request_path``."""
    path = urlsplit(request_path).path
    if path == CONFIG_PATH:
        return Response(HTTPStatus.OK, config_script(settings.rasa_url), _CONTENT_TYPES[".js"])
    if path == VENDOR_PATH:
        return Response(HTTPStatus.OK, settings.vendor_file.read_bytes(), _CONTENT_TYPES[".js"])
    file = served_file(request_path, settings.web_dir)
    if file is None:
        return Response(HTTPStatus.NOT_FOUND, b"Not found\n")
    return Response(HTTPStatus.OK, file.read_bytes(), _CONTENT_TYPES[file.suffix])


class _Handler(BaseHTTPRequestHandler):
    """Answers GET and HEAD with :func:`respond`; other methods get 501 from the base class."""

    server: WidgetServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 (the base class's naming)
        """Sends the answer with its body."""
        self._send(respond(self.path, self.server.settings), with_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        """Sends the answer's headers only."""
        self._send(respond(self.path, self.server.settings), with_body=False)

    def _send(self, response: Response, with_body: bool) -> None:
        self.send_response(response.status)
        headers = {
            "Content-Type": response.content_type,
            "Content-Length": str(len(response.body)),
            **security_headers(self.server.settings.rasa_url),
        }
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if with_body:
            self.wfile.write(response.body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the base class's name)
        """Logs requests through :mod:`logging` rather than on stderr."""
        logger.info("%s %s", self.address_string(), format % args)


class WidgetServer(ThreadingHTTPServer):
    """The static server: one thread per connection, each knowing the settings."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], settings: WebSettings) -> None:
        """Binds ``address``; the Socket.IO client must be installed (``make install``).

        Raises:
            MissingVendorFile: If npm has not installed the Socket.IO client.
        """
        if not settings.vendor_file.is_file():
            raise MissingVendorFile(f"{settings.vendor_file} is missing: run make install (it runs npm ci in web/)")
        self.settings = settings
        super().__init__(address, _Handler)


class WebPage:
    """The demo pages on a free loopback port, in a background thread, for tests.

    ``with WebPage(stack.base_url) as page: browser_page.goto(page.url)``
    """

    def __init__(self, rasa_url: str, web_dir: Path = WEB_DIR, vendor_file: Path = VENDOR_FILE) -> None:
        """Prepares the pages for the Rasa server at ``rasa_url``; nothing binds before ``__enter__``."""
        self.settings = WebSettings(check_rasa_url(rasa_url), web_dir, vendor_file)
        self._server: WidgetServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The home page's URL (``http://127.0.0.1:<port>/``)."""
        if self._server is None:
            raise RuntimeError("the page is served only inside the with block")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/"

    def __enter__(self) -> WebPage:
        """Binds a free port on 127.0.0.1 and serves in a daemon thread."""
        self._server = WidgetServer(("127.0.0.1", 0), self.settings)
        self._thread = threading.Thread(target=self._server.serve_forever, name="web-page", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        """Stops serving and frees the port."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None


# --- Command line -----------------------------------------------------------------------------


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tools.web", description="Serve the chat widget's demo pages.")
    parser.add_argument("--host", default=os.environ.get("SOS_WEB_HOST", "127.0.0.1"), help="default: 127.0.0.1")
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("SOS_WEB_PORT", DEFAULT_PORT)),
        help=f"default: $SOS_WEB_PORT or {DEFAULT_PORT}",
    )
    parser.add_argument(
        "--rasa-url",
        default=os.environ.get("SOS_RASA_URL", DEFAULT_RASA_URL),
        help=f"the Rasa server the widget talks to (default: $SOS_RASA_URL or {DEFAULT_RASA_URL})",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Serves the pages until interrupted; returns the exit status."""
    args = _parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    try:
        server = WidgetServer((args.host, args.port), WebSettings(check_rasa_url(args.rasa_url), WEB_DIR, VENDOR_FILE))
    except (MissingVendorFile, ValueError, OSError) as error:
        print(f"tools.web: {error}", file=sys.stderr)
        return 2
    with server:
        print(f"Chat widget demo on http://{args.host}:{args.port}/ (Rasa: {server.settings.rasa_url})", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
