"""A local stand-in for Meta's Graph API: it records what the channels send and answers 200.

Messenger's Send API (``POST /<version>/me/messages``) and WhatsApp's Cloud API
(``POST /<version>/<phone-number-id>/messages``) are both served here, on loopback; nothing
leaves the machine. Tests read what was sent with ``wait_for``.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class GraphRequest:
    """One request a channel made to the Graph API."""

    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any] = field(default_factory=dict)
    # The client's address: requests that share it came over one kept-alive connection.
    peer: tuple[str, int] | None = None


class FakeGraphApi:
    """``with FakeGraphApi() as graph: ... graph.url ... graph.wait_for(...)``."""

    def __init__(self) -> None:
        self.requests: list[GraphRequest] = []
        self.failing_recipients: set[str] = set()
        self._changed = threading.Condition()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """The base URL to give the channels instead of https://graph.facebook.com."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> FakeGraphApi:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _record(self, request: GraphRequest) -> int:
        recipient = str(request.body.get("to") or request.body.get("recipient", {}).get("id") or "")
        with self._changed:
            self.requests.append(request)
            self._changed.notify_all()
        return 500 if recipient in self.failing_recipients else 200

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            # HTTP/1.1 keeps connections open, as the real Graph API does.
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    body = {"_unreadable": raw.decode("utf-8", "replace")}
                status = fake._record(
                    GraphRequest("POST", self.path, dict(self.headers), body, self.client_address[:2])
                )
                answer = (
                    {"messaging_product": "whatsapp", "messages": [{"id": f"wamid.{len(fake.requests)}"}]}
                    if body.get("messaging_product") == "whatsapp"
                    else {
                        "recipient_id": str(body.get("recipient", {}).get("id", "")),
                        "message_id": f"m_{len(fake.requests)}",
                    }
                )
                if status != 200:
                    answer = {"error": {"message": "fake failure", "code": 1}}
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        return Handler

    def sent_to(self, recipient: str) -> list[GraphRequest]:
        """Every request addressed to ``recipient`` (a Messenger PSID or a WhatsApp number)."""
        with self._changed:
            return self._addressed_to(recipient)

    def _addressed_to(self, recipient: str) -> list[GraphRequest]:
        return [
            request
            for request in self.requests
            if recipient in (str(request.body.get("to", "")), str(request.body.get("recipient", {}).get("id", "")))
        ]

    def wait_for(
        self,
        recipient: str,
        done: Callable[[list[GraphRequest]], bool],
        timeout: float = 30.0,
    ) -> list[GraphRequest]:
        """Waits until ``done`` holds for the requests sent to ``recipient``, and returns them.

        Raises:
            TimeoutError: with what was sent, when ``done`` never held.
        """
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                sent = self._addressed_to(recipient)
                if done(sent):
                    return sent
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"sent to {recipient}: {[request.body for request in sent]}")
                self._changed.wait(remaining)
