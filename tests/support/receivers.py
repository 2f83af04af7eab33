"""Local stand-ins for the team's webhook and mail server, for the notification tests."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

SMTP_USER = "notifier"
SMTP_PASSWORD = "s3cret"


def free_port() -> int:
    """A TCP port nothing listens on (right now) on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class WebhookReceiver:
    """A local HTTP server that records the requests it receives and answers 204.

    Each request is kept as ``path``, ``content_type``, ``raw`` (the body) and ``json``.
    """

    url: str
    requests: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    @contextmanager
    def running(cls) -> Iterator[WebhookReceiver]:
        """Serves on a free port of 127.0.0.1 until the block ends."""
        requests: list[dict[str, Any]] = []
        server = ThreadingHTTPServer(("127.0.0.1", 0), _recording_handler(requests))
        thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
        thread.start()
        try:
            yield cls(f"http://127.0.0.1:{server.server_port}/hooks/leads", requests)
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)


def _recording_handler(requests: list[dict[str, Any]]) -> type[BaseHTTPRequestHandler]:
    class RecordingHandler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            requests.append(
                {
                    "path": self.path,
                    "content_type": self.headers["Content-Type"],
                    "raw": body.decode("utf-8"),
                    "json": json.loads(body),
                }
            )
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            return

    return RecordingHandler


@dataclass
class Inbox:
    """A local SMTP server's received messages and successful logins."""

    host: str
    port: int
    envelopes: list[Envelope] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)

    @classmethod
    @contextmanager
    def running(cls) -> Iterator[Inbox]:
        """Serves on a free port of 127.0.0.1 (AUTH without TLS) until the block ends."""
        inbox = cls("127.0.0.1", free_port())
        controller = Controller(
            inbox,
            hostname=inbox.host,
            port=inbox.port,
            authenticator=inbox.authenticate,
            auth_require_tls=False,
        )
        controller.start()
        try:
            yield inbox
        finally:
            controller.stop()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        """Keeps the message."""
        self.envelopes.append(envelope)
        return "250 Message accepted"

    def authenticate(self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any) -> AuthResult:
        """Accepts only the test account."""
        valid = (
            isinstance(data, LoginPassword)
            and data.login.decode() == SMTP_USER
            and data.password.decode() == SMTP_PASSWORD
        )
        if valid:
            self.logins.append(SMTP_USER)
        return AuthResult(success=valid)
