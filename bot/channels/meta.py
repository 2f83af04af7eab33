"""What Messenger and WhatsApp share, both being Meta webhooks: settings, signatures, sending.

Secrets come from the environment only. ``SOS_GRAPH_API_URL`` points both channels at another
Graph API (the tests' local fake); it is ``https://graph.facebook.com`` in production.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import os
from typing import Any

import aiohttp
from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.limits import MAX_WEBHOOK_BYTES
from bot.language import LANGUAGES

logger = logging.getLogger(__name__)

# What a person who sent a picture, a voice note or a sticker is told, on every Meta channel.
UNSUPPORTED_REPLY = {
    "fr": "Désolé, je ne comprends que les messages écrits. Pouvez-vous écrire votre question?",
    "en": "Sorry, I can only read written messages. Could you type your question?",
}

GRAPH_API_URL = "https://graph.facebook.com"
GRAPH_API_VERSION = "v21.0"
SEND_TIMEOUT_S = 15


def in_language(texts: dict[str, str], language: str | None) -> str:
    """The text in ``language``, or both languages (French first) when it is not known."""
    if language in texts:
        return texts[language]
    return "\n\n".join(texts[code] for code in LANGUAGES)


def graph_url(path: str) -> str:
    """The address of ``path`` on the Graph API, with the API version."""
    base = os.environ.get("SOS_GRAPH_API_URL", GRAPH_API_URL).rstrip("/")
    version = os.environ.get("SOS_GRAPH_API_VERSION", GRAPH_API_VERSION)
    return f"{base}/{version}/{path.lstrip('/')}"


def setting(name: str) -> str:
    """An environment variable's value, or an empty string when it is not set."""
    return os.environ.get(name, "").strip()


def signature_is_valid(app_secret: str, body: bytes, header: str | None) -> bool:
    """Checks ``X-Hub-Signature-256: sha256=<hex>``, Meta's HMAC of the raw body with the app secret."""
    if not app_secret or not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    given = header.removeprefix("sha256=").strip().lower()
    return hmac.compare_digest(expected.encode(), given.encode("utf-8", "surrogateescape"))


def verification_reply(request: Request, verify_token: str, channel: str) -> HTTPResponse:
    """Answers Meta's subscription handshake: the challenge when the token matches, else 403."""
    if (
        verify_token
        and request.args.get("hub.mode") == "subscribe"
        and hmac.compare_digest(
            request.args.get("hub.verify_token", "").encode("utf-8", "surrogateescape"),
            verify_token.encode("utf-8", "surrogateescape"),
        )
    ):
        return response.text(request.args.get("hub.challenge", ""))
    logger.warning("%s webhook verification refused: wrong mode or verify token", channel)
    return response.text("verification failed", status=403)


def read_signed_body(request: Request, app_secret: str, channel: str) -> dict[str, Any] | HTTPResponse:
    """The webhook's JSON body, or the error to answer: 413 too big, 403 unsigned, 400 not JSON.

    Meta retries anything but a 200 on a well-formed delivery, so only bad requests get errors.
    """
    body = request.body or b""
    if len(body) > MAX_WEBHOOK_BYTES:
        logger.warning("%s webhook refused: body of %d bytes is over %d", channel, len(body), MAX_WEBHOOK_BYTES)
        return response.json({"error": "payload too large"}, status=413)
    if not signature_is_valid(app_secret, body, request.headers.get("X-Hub-Signature-256")):
        logger.warning("%s webhook refused: missing or wrong X-Hub-Signature-256", channel)
        return response.json({"error": "invalid signature"}, status=403)
    try:
        payload = json.loads(body)
    except ValueError:
        logger.warning("%s webhook refused: the body is not JSON", channel)
        return response.json({"error": "body is not JSON"}, status=400)
    if not isinstance(payload, dict) or not isinstance(payload.get("entry"), list):
        logger.warning("%s webhook refused: unknown payload shape (no entry list)", channel)
        return response.json({"error": "unknown payload shape"}, status=400)
    return payload


# One HTTP session per event loop for every Graph API call, so that the connections to Meta
# (and their TLS handshakes) are reused from one reply to the next.
_graph_sessions: dict[asyncio.AbstractEventLoop, aiohttp.ClientSession] = {}


def graph_session() -> aiohttp.ClientSession:
    """The running event loop's session for the Graph API, opened on first use."""
    loop = asyncio.get_running_loop()
    for stale in [other for other in _graph_sessions if other.is_closed()]:
        del _graph_sessions[stale]
    session = _graph_sessions.get(loop)
    if session is None or session.closed:
        session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=SEND_TIMEOUT_S))
        _graph_sessions[loop] = session
    return session


async def close_graph_session(*_listener_args: Any) -> None:
    """Closes the running event loop's Graph API session, if it has one.

    The channels register it as a Sanic ``after_server_stop`` listener (hence the ignored
    arguments, the app and the loop).
    """
    session = _graph_sessions.pop(asyncio.get_running_loop(), None)
    if session is not None:
        await session.close()


async def post_to_graph(path: str, token: str, payload: dict[str, Any], channel: str) -> bool:
    """Sends one message to the Graph API; a failure is logged (never raised) and returns False.

    A kept-alive connection that Meta closed meanwhile fails before any answer: the message is
    then sent once more, on a new connection.
    """
    for attempt in (1, 2):
        try:
            async with graph_session().post(
                graph_url(path), json=payload, headers={"Authorization": f"Bearer {token}"}
            ) as reply:
                # Read to the end, so the connection goes back to the pool.
                answer = await reply.read()
                if reply.status >= 400:
                    logger.error(
                        "%s send failed with HTTP %d: %s",
                        channel,
                        reply.status,
                        answer.decode("utf-8", "replace")[:500],
                    )
                    return False
                return True
        except aiohttp.ServerDisconnectedError as error:
            if attempt == 2:
                logger.error("%s send failed: %s", channel, error)
                return False
            logger.info("%s: the Graph API closed a kept-alive connection, sending again", channel)
        except (aiohttp.ClientError, TimeoutError) as error:
            logger.error("%s send failed: %s", channel, error)
            return False
    return False
