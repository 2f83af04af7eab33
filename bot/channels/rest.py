"""The REST channel for staff testing, stricter than Rasa's: it believes nothing it cannot check.

Declared in credentials.yml as ``bot.channels.rest.RestChannel``; its name stays ``rest``
(``POST /webhooks/rest/webhook``). It is for staff testing and the benchmark on loopback, and
must never be exposed: anyone who can reach it can write as any ``sender``. Compared with Rasa's:

- a body that is not a JSON object, a ``sender`` that is not a short non-empty string, or a
  ``message`` that is not a non-empty string gets a 400 with a short JSON error, never a 500 or
  a silent 200 in a shared « default » conversation; a body not declared as JSON gets a 415, so
  a web page open in a local browser cannot post into a conversation without a CORS preflight;
- the channel is always ``rest``: a body's ``input_channel`` (« whatsapp ») is ignored, and of
  its ``metadata`` only a language the assistant speaks is kept (no ``phone``);
- the text is cut to the length every channel allows before the assistant reads it;
- a failure while answering is logged without the message and answered with a 500.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import privacy
from bot.channels.limits import cut_user_text
from bot.language import metadata_language

logger = logging.getLogger(__name__)

MAX_SENDER_LENGTH = 128


class BadRequest(ValueError):
    """A request body the channel refuses; its message is the client's explanation."""

    status = 400


class NotJson(BadRequest):
    """A body not declared as JSON."""

    status = 415


def read_body(request: Request) -> tuple[str, str, dict[str, str] | None]:
    """The sender, the text (cut to the channel limit) and the kept metadata of a request.

    Raises:
        NotJson: The body is not declared as ``application/json``.
        BadRequest: The body is not a JSON object with a string ``sender`` and ``message``.
    """
    if (request.content_type or "").split(";")[0].strip().lower() != "application/json":
        raise NotJson("the body must be JSON, sent as application/json")
    try:
        body = request.json
    except Exception as error:  # Sanic raises its own InvalidUsage for a body that is not JSON.
        raise BadRequest("the body must be a JSON object") from error
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object")
    sender = body.get("sender")
    if not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_SENDER_LENGTH:
        raise BadRequest(f"'sender' must be a non-empty string of at most {MAX_SENDER_LENGTH} characters")
    text = body.get("message")
    if not isinstance(text, str) or not text.strip():
        raise BadRequest("'message' must be a non-empty string")
    language = metadata_language(body.get("metadata"))
    return sender, cut_user_text(text, "rest"), {"language": language} if language else None


class RestChannel(InputChannel):
    """``POST /webhooks/rest/webhook`` with ``{"sender": …, "message": …}``; replies as a JSON list."""

    @classmethod
    def name(cls) -> str:
        """The channel's name, in the URL and on leads."""
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """The health check and the webhook."""
        webhook = Blueprint("rest_channel", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                sender, text, metadata = read_body(request)
            except BadRequest as error:
                logger.warning("rest: refused a request: %s", error)
                return response.json({"error": str(error)}, status=error.status)
            collector = CollectingOutputChannel()
            message = UserMessage(text, collector, sender, input_channel=self.name(), metadata=metadata)
            with privacy.handling(text):
                try:
                    await on_new_message(message)
                except Exception as error:
                    logger.error("rest: answering failed (%s)", type(error).__name__)
                    return response.json({"error": "the assistant could not answer"}, status=500)
            return response.json(collector.messages)

        return webhook
