"""What every channel must respect: message length, button titles and webhook body size.

Messenger and WhatsApp cut or refuse what is too long; the assistant cuts first, where a person
would: between paragraphs, then lines, then sentences, then words.
"""

from __future__ import annotations

import logging
import re

logger = logging.getLogger(__name__)

# A webhook body bigger than this is refused with 413 before it is read as JSON.
MAX_WEBHOOK_BYTES = 512 * 1024
# A person's message longer than this is cut before the assistant reads it (and the cut logged).
MAX_USER_TEXT = 4096

_SEPARATORS = (
    re.compile(r"\n\s*\n"),
    re.compile(r"\n"),
    re.compile(r"(?<=[.!?…:;])\s+"),
    re.compile(r"\s+"),
)


def _pieces(text: str, limit: int, level: int = 0) -> list[str]:
    """Breaks ``text`` into pieces of at most ``limit`` characters, at the coarsest separator."""
    if len(text) <= limit:
        return [text]
    if level == len(_SEPARATORS):
        return [text[start : start + limit] for start in range(0, len(text), limit)]
    pieces: list[str] = []
    for part in _SEPARATORS[level].split(text):
        if part.strip():
            pieces.extend(_pieces(part.strip(), limit, level + 1))
    return pieces


def split_text(text: str, limit: int) -> list[str]:
    """Splits ``text`` into messages of at most ``limit`` characters, keeping paragraphs whole.

    Pieces are packed back together (a paragraph break between paragraphs, a space otherwise)
    as long as they fit, so a short answer stays one message.
    """
    text = text.strip()
    if len(text) <= limit:
        return [text] if text else []
    messages: list[str] = []
    for paragraph in _SEPARATORS[0].split(text):
        for piece in _pieces(paragraph.strip(), limit, 1):
            joiner = " " if messages and not messages[-1].endswith("\n\n") else ""
            if messages and len(messages[-1]) + len(joiner) + len(piece) <= limit:
                messages[-1] = messages[-1] + joiner + piece
            else:
                if messages:
                    messages[-1] = messages[-1].rstrip()
                messages.append(piece)
        if messages and len(messages[-1]) + 2 <= limit:
            messages[-1] += "\n\n"
    return [message.strip() for message in messages if message.strip()]


def cut_user_text(text: str, source: str) -> str:
    """``text`` cut to ``MAX_USER_TEXT`` characters, the cut logged as coming from ``source``.

    ``source`` names the channel (and a masked sender if any); the text itself is never logged.
    """
    if len(text) <= MAX_USER_TEXT:
        return text
    logger.warning("%s: cut a message of %d characters to %d", source, len(text), MAX_USER_TEXT)
    return text[:MAX_USER_TEXT]


def short_title(title: str, limit: int = 20) -> str:
    """Cuts a button title to ``limit`` characters at a word boundary, with an ellipsis.

    « Traitements conservateurs » becomes « Traitements… »; a single long word is cut inside it.
    """
    title = " ".join(title.split())
    if len(title) <= limit:
        return title
    room = title[: limit - 1]
    if " " in room and title[limit - 1] != " ":
        room = room.rsplit(" ", 1)[0]
    return room.rstrip(" ,;:-") + "…"
