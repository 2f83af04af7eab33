"""The console's calls to the Rasa server's coordinator endpoint (bot/channels/coordinator.py).

Each call sends the shared secret (``SOS_HANDOFF_SECRET``) and the conversation's id in a JSON
body. A Rasa server that cannot be reached is an answer like any other (status 0), so a route
can tell the coordinator and leave the conversation as it was.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import aiohttp

logger = logging.getLogger(__name__)

ENDPOINT = "/webhooks/coordinator"
TIMEOUT_S = 15


@dataclass(frozen=True)
class Answer:
    """What the endpoint answered.

    Attributes:
        status: The HTTP status, 0 when the server could not be reached.
        data: The JSON body (``{"error": ...}`` on a refusal).
    """

    status: int
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Whether the operation was done."""
        return self.status == 200

    @property
    def error(self) -> str | None:
        """The endpoint's reason for a refusal (``unreachable`` when it could not be asked)."""
        return None if self.ok else str(self.data.get("error") or "unreachable")


async def call(rasa_url: str, secret: str, operation: str, conversation_id: str, **body: Any) -> Answer:
    """POSTs ``operation`` (``view``, ``claim``, ``reply``, ``release``) for one conversation."""
    if not secret:
        return Answer(0, {"error": "not_configured"})
    url = f"{rasa_url}{ENDPOINT}/{operation}"
    headers = {"Authorization": f"Bearer {secret}"}
    try:
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=TIMEOUT_S)) as session,
            session.post(url, json={"conversation_id": conversation_id, **body}, headers=headers) as reply,
        ):
            data = await reply.json(content_type=None) if reply.content_length != 0 else {}
            return Answer(reply.status, data if isinstance(data, dict) else {})
    except (aiohttp.ClientError, TimeoutError, ValueError) as error:
        logger.error("the Rasa server's coordinator endpoint could not be reached (%s)", type(error).__name__)
        return Answer(0, {"error": "unreachable"})
