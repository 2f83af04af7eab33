"""WhatsApp Business Cloud API channel: Meta's webhook in, the Graph API's ``/messages`` out.

In ``credentials.yml`` as ``bot.channels.whatsapp.WhatsAppInput:`` with no keys: the secrets
come from ``SOS_WHATSAPP_VERIFY_TOKEN``, ``SOS_WHATSAPP_APP_SECRET``,
``SOS_WHATSAPP_ACCESS_TOKEN`` and ``SOS_WHATSAPP_PHONE_NUMBER_ID``. Meta calls
``/webhooks/whatsapp/webhook``: GET for the subscription handshake, POST for messages.

A signed delivery is answered 200 at once and its messages handled in the background, one
conversation at a time and in order, so Meta never times out and redelivers. The conversation
id is the person's WhatsApp id (``wa_id``, digits only); their number goes to the assistant in
the message metadata (``{"phone": "+<wa_id>"}``) so the hand-off does not ask for it.

WhatsApp shows at most three reply buttons. More choices are sent as a numbered text list, and
a reply that is only a number is mapped back to the chosen button's payload by reading the
conversation's last bot message in the tracker store: it works after a restart and with several
server processes.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.shared.core.events import BotUttered, UserUttered
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.delivery import BackgroundWork, ConversationTurns, recent_ids
from bot.channels.limits import cut_user_text, short_title, split_text
from bot.channels.meta import (
    UNSUPPORTED_REPLY,
    close_graph_session,
    in_language,
    post_to_graph,
    read_signed_body,
    setting,
    verification_reply,
)
from bot.language import detected_language

logger = logging.getLogger(__name__)

CHANNEL = "whatsapp"
WEBHOOK_OBJECT = "whatsapp_business_account"
MESSAGES_FIELD = "messages"

MAX_TEXT = 4096
MAX_BUTTON_BODY = 1024
MAX_REPLY_BUTTONS = 3
MAX_BUTTON_ID = 256
MAX_BUTTON_TITLE = 20

ENV_VERIFY_TOKEN = "SOS_WHATSAPP_VERIFY_TOKEN"
ENV_APP_SECRET = "SOS_WHATSAPP_APP_SECRET"
ENV_ACCESS_TOKEN = "SOS_WHATSAPP_ACCESS_TOKEN"
ENV_PHONE_NUMBER_ID = "SOS_WHATSAPP_PHONE_NUMBER_ID"

# Messages that carry text for the assistant; anything else gets UNSUPPORTED_REPLY, except
# SILENT_TYPES (a reaction to a message, a number change) which are only logged.
TEXT_TYPES = frozenset({"text", "interactive", "button"})
SILENT_TYPES = frozenset({"reaction", "system", "request_welcome", "ephemeral"})

CHOOSE_A_BUTTON = {"fr": "Choisissez une option.", "en": "Choose an option."}
CHOOSE_BY_NUMBER = {
    "fr": "Répondez avec le numéro de votre choix.",
    "en": "Reply with the number of your choice.",
}
# An album of photos is one message per photo: the person is asked to write once, not per photo.
UNSUPPORTED_QUIET_S = 60.0

_WA_ID = re.compile(r"^\d{5,20}$")
_NUMBER_REPLY = re.compile(r"^\s*(\d{1,2})\s*[.)]?\s*$")


def masked(wa_id: str) -> str:
    """A WhatsApp id fit for the logs: only its last four digits (it is a phone number)."""
    return f"…{wa_id[-4:]}" if len(wa_id) > 4 else "…"


# --- Settings ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class WhatsAppSettings:
    """The WhatsApp number's secrets and id, as Meta's app dashboard gives them."""

    verify_token: str = ""
    app_secret: str = ""
    access_token: str = ""
    phone_number_id: str = ""

    @classmethod
    def from_env(cls) -> WhatsAppSettings:
        """Reads the four ``SOS_WHATSAPP_*`` environment variables (empty when unset)."""
        return cls(
            verify_token=setting(ENV_VERIFY_TOKEN),
            app_secret=setting(ENV_APP_SECRET),
            access_token=setting(ENV_ACCESS_TOKEN),
            phone_number_id=setting(ENV_PHONE_NUMBER_ID),
        )

    def missing(self) -> list[str]:
        """The names of the environment variables that are not set."""
        values = {
            ENV_VERIFY_TOKEN: self.verify_token,
            ENV_APP_SECRET: self.app_secret,
            ENV_ACCESS_TOKEN: self.access_token,
            ENV_PHONE_NUMBER_ID: self.phone_number_id,
        }
        return [name for name, value in values.items() if not value]


# --- Buttons: reply buttons or a numbered list ------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """One button as the person sees it (``title``) and as the assistant reads it (``payload``)."""

    title: str
    payload: str


def choices(buttons: Any) -> list[Choice]:
    """The buttons that can be shown, in order; the same list numbers a numbered reply.

    A button without a title shows its payload, unless the payload is an intent
    (``/request_human``): a raw payload is never shown, so such a button is left out.
    """
    if not isinstance(buttons, list):
        return []
    shown: list[Choice] = []
    for button in buttons:
        if not isinstance(button, dict):
            continue
        title = " ".join(str(button.get("title") or "").split())
        payload = str(button.get("payload") or "").strip() or title
        if not title and not payload.startswith("/"):
            title = payload
        if title and payload:
            shown.append(Choice(title, payload))
    return shown


def fits_reply_buttons(shown: list[Choice]) -> bool:
    """True when WhatsApp can show these choices as reply buttons.

    At most three, with distinct ids of at most 256 characters and distinct (cut) titles;
    otherwise they go out as a numbered list.
    """
    if not shown or len(shown) > MAX_REPLY_BUTTONS:
        return False
    payloads = [choice.payload for choice in shown]
    titles = [short_title(choice.title, MAX_BUTTON_TITLE) for choice in shown]
    return (
        all(len(payload) <= MAX_BUTTON_ID for payload in payloads)
        and len(set(payloads)) == len(payloads)
        and len(set(titles)) == len(titles)
    )


def numbered_list(text: str, shown: list[Choice]) -> str:
    """The text, a blank line, « 1. Title » lines, then how to answer, in the text's language."""
    lines = "\n".join(f"{number}. {choice.title}" for number, choice in enumerate(shown, start=1))
    instruction = in_language(CHOOSE_BY_NUMBER, detected_language(text) if text.strip() else None)
    return "\n\n".join(part for part in (text.strip(), lines, instruction) if part)


def numbered_choice(text: str, buttons: Any) -> str | None:
    """The payload a reply such as « 2 », "2." or " 2 " chooses, when the buttons were numbered.

    ``None`` when the reply is not a bare number, the buttons went out as reply buttons, or the
    number is not one of the list's.
    """
    match = _NUMBER_REPLY.match(text)
    if not match:
        return None
    shown = choices(buttons)
    if not shown or fits_reply_buttons(shown):
        return None
    number = int(match.group(1))
    return shown[number - 1].payload if 1 <= number <= len(shown) else None


def last_bot_buttons(events: Any) -> list[dict[str, Any]] | None:
    """The buttons of the assistant's last message, if nothing was said by the person since."""
    for event in reversed(list(events or [])):
        if isinstance(event, UserUttered):
            return None
        if isinstance(event, BotUttered):
            data = event.data or {}
            return data.get("buttons") or data.get("quick_replies")
    return None


# --- Output -----------------------------------------------------------------------------------


class WhatsAppOutput(OutputChannel):
    """Sends the assistant's messages through the Cloud API (``POST /<phone-number-id>/messages``)."""

    def __init__(self, access_token: str, phone_number_id: str) -> None:
        """Prepares sending from the WhatsApp number ``phone_number_id``."""
        self.access_token = access_token
        self.phone_number_id = phone_number_id

    @classmethod
    def name(cls) -> str:
        """The channel's name, as recorded on leads."""
        return CHANNEL

    async def _send(self, recipient_id: str, content: dict[str, Any]) -> bool:
        """Posts one message to ``recipient_id``; False (logged by ``post_to_graph``) on failure."""
        payload = {"messaging_product": "whatsapp", "recipient_type": "individual", **content, "to": recipient_id}
        sent = await post_to_graph(f"{self.phone_number_id}/messages", self.access_token, payload, CHANNEL)
        if not sent:
            logger.error("whatsapp message of type %s to %s not sent", payload.get("type"), masked(recipient_id))
        return sent

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """Sends ``text``, in several messages when it is over 4096 characters."""
        for piece in split_text(text or "", MAX_TEXT):
            if not await self._send(recipient_id, {"type": "text", "text": {"body": piece, "preview_url": True}}):
                return

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        """Up to three choices as reply buttons, more as a numbered list to answer by number."""
        shown = choices(buttons)
        if not shown:
            await self.send_text_message(recipient_id, text)
        elif fits_reply_buttons(shown):
            await self._send_reply_buttons(recipient_id, text or "", shown)
        else:
            await self.send_text_message(recipient_id, numbered_list(text or "", shown))

    async def _send_reply_buttons(self, recipient_id: str, text: str, shown: list[Choice]) -> None:
        """An interactive message; a text over 1024 characters is sent first, but for its end."""
        pieces = split_text(text, MAX_BUTTON_BODY) or [in_language(CHOOSE_A_BUTTON, None)]
        if len(pieces) > 1:
            await self.send_text_message(recipient_id, "\n\n".join(pieces[:-1]))
        buttons = [
            {"type": "reply", "reply": {"id": choice.payload, "title": short_title(choice.title, MAX_BUTTON_TITLE)}}
            for choice in shown
        ]
        await self._send(
            recipient_id,
            {
                "type": "interactive",
                "interactive": {"type": "button", "body": {"text": pieces[-1]}, "action": {"buttons": buttons}},
            },
        )

    async def send_quick_replies(
        self, recipient_id: str, text: str, quick_replies: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        """Quick replies are shown like buttons."""
        await self.send_text_with_buttons(recipient_id, text, quick_replies)

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        """Sends an image by its public address."""
        await self._send(recipient_id, {"type": "image", "image": {"link": image}})

    async def send_attachment(self, recipient_id: str, attachment: Any, **kwargs: Any) -> None:
        """A document by its public address; anything else is logged and not sent."""
        if isinstance(attachment, str) and attachment.startswith(("https://", "http://")):
            await self._send(recipient_id, {"type": "document", "document": {"link": attachment}})
        else:
            kind = type(attachment).__name__
            logger.warning("whatsapp attachment of type %s not sent: only links are supported", kind)

    async def send_custom_json(self, recipient_id: str, json_message: Any, **kwargs: Any) -> None:
        """A Cloud API message written in the response (``custom:``), sent as it is."""
        if isinstance(json_message, dict) and json_message.get("type"):
            await self._send(recipient_id, dict(json_message))
        else:
            logger.warning("whatsapp custom message not sent: it must be a Cloud API message with a type")


# --- Input: reading the webhook ---------------------------------------------------------------


@dataclass(frozen=True)
class Incoming:
    """One message of a webhook delivery; ``text`` is None for a message that is not written."""

    sender: str
    message_id: str
    kind: str
    text: str | None
    metadata: dict[str, Any] = field(default_factory=dict)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def message_text(message: dict[str, Any]) -> str | None:
    """What a written message says: the text, or the id / payload of the button chosen."""
    kind = message.get("type")
    if kind == "text":
        value = _dict(message.get("text")).get("body")
    elif kind == "interactive":
        interactive = _dict(message.get("interactive"))
        value = _dict(interactive.get("button_reply") or interactive.get("list_reply")).get("id")
    elif kind == "button":
        button = _dict(message.get("button"))
        value = button.get("payload") or button.get("text")
    else:
        return None
    return value.strip() if isinstance(value, str) and value.strip() else None


def profile_names(value: dict[str, Any]) -> dict[str, str]:
    """``{wa_id: profile name}`` from a change's ``contacts``."""
    names: dict[str, str] = {}
    for contact in _list(value.get("contacts")):
        name = _dict(_dict(contact).get("profile")).get("name")
        wa_id = _dict(contact).get("wa_id")
        if isinstance(name, str) and name.strip():
            names[str(wa_id or "")] = name.strip()
    return names


def read_message(message: Any, names: dict[str, str]) -> Incoming | None:
    """One entry of ``value.messages``, or None (logged) when it is malformed or not for the assistant."""
    message = _dict(message)
    sender = str(message.get("from") or "")
    kind = str(message.get("type") or "")
    if not _WA_ID.match(sender):
        logger.warning("whatsapp message skipped: no valid sender (type %r)", kind)
        return None
    if kind in SILENT_TYPES:
        logger.info("whatsapp %s message from %s ignored", kind, masked(sender))
        return None
    text = message_text(message)
    if text is None and kind in TEXT_TYPES:
        logger.warning("whatsapp %s message from %s skipped: malformed", kind, masked(sender))
        return None
    metadata: dict[str, Any] = {"phone": f"+{sender}"}
    name = names.get(sender)
    if name:
        metadata["profile_name"] = name
    return Incoming(
        sender,
        str(message.get("id") or ""),
        kind,
        cut_user_text(text, f"whatsapp message from {masked(sender)}") if text else None,
        metadata,
    )


def read_change(change: Any, phone_number_id: str) -> Iterator[Incoming]:
    """The messages of one ``entry[].changes[]`` item; receipts and other fields are skipped."""
    change = _dict(change)
    if change.get("field") != MESSAGES_FIELD:
        logger.info("whatsapp change of field %r ignored", change.get("field"))
        return
    value = change.get("value")
    if not isinstance(value, dict):
        logger.warning("whatsapp change skipped: no value object")
        return
    to_number = _dict(value.get("metadata")).get("phone_number_id")
    if to_number and str(to_number) != phone_number_id:
        logger.warning("whatsapp change skipped: for another phone number id")
        return
    if value.get("statuses"):
        logger.debug("whatsapp: %d delivery statuses ignored", len(_list(value.get("statuses"))))
    if "messages" in value and not isinstance(value.get("messages"), list):
        logger.warning("whatsapp change skipped: messages is not a list")
        return
    names = profile_names(value)
    for message in _list(value.get("messages")):
        incoming = read_message(message, names)
        if incoming is not None:
            yield incoming


def read_delivery(payload: dict[str, Any], phone_number_id: str) -> list[Incoming]:
    """Every message of a signed webhook delivery, in order; malformed parts are skipped (logged)."""
    messages: list[Incoming] = []
    for entry in payload.get("entry") or []:
        changes = _dict(entry).get("changes")
        if not isinstance(changes, list):
            logger.warning("whatsapp entry skipped: no changes list")
            continue
        for change in changes:
            messages.extend(read_change(change, phone_number_id))
    return messages


# --- Input: handling the messages -------------------------------------------------------------


async def stored_tracker(app: Sanic, sender: str) -> Any:
    """The conversation's tracker from the tracker store, or None (logged if the store fails)."""
    store = getattr(getattr(app.ctx, "agent", None), "tracker_store", None)
    if store is None:
        return None
    try:
        return await store.retrieve(sender)
    except Exception:  # noqa: BLE001 (any store failure: the message goes on as typed)
        logger.exception("whatsapp: tracker of %s could not be read", masked(sender))
        return None


class WhatsAppInput(InputChannel):
    """Meta's webhook for a WhatsApp Business number (``/webhooks/whatsapp/webhook``)."""

    def __init__(self, settings: WhatsAppSettings) -> None:
        """Serves the number of ``settings``; an incomplete one answers 503."""
        self.settings = settings
        self._turns = ConversationTurns()
        self._recent = recent_ids(CHANNEL)
        self._background = BackgroundWork(CHANNEL)
        self._asked_to_write: dict[str, float] = {}

    @classmethod
    def name(cls) -> str:
        """The channel's name: its URL prefix and the channel recorded on leads."""
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> WhatsAppInput:
        """Reads the secrets from the environment; ``credentials.yml`` holds none."""
        if credentials:
            logger.warning("whatsapp: keys in credentials.yml are ignored, the secrets come from SOS_WHATSAPP_*")
        settings = WhatsAppSettings.from_env()
        if settings.missing():
            missing = ", ".join(settings.missing())
            logger.warning("whatsapp channel not configured, its webhook answers 503: %s not set", missing)
        return cls(settings)

    def get_output_channel(self) -> WhatsAppOutput:
        """Sends from the configured number."""
        return WhatsAppOutput(self.settings.access_token, self.settings.phone_number_id)

    def _not_configured(self) -> HTTPResponse | None:
        """503 when a setting is missing, else None."""
        missing = self.settings.missing()
        if not missing:
            return None
        logger.warning("whatsapp webhook called but the channel is not configured: %s not set", ", ".join(missing))
        return response.json({"error": "channel not configured"}, status=503)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """The webhook's routes: health, the handshake (GET) and the deliveries (POST)."""
        webhook = Blueprint("whatsapp_webhook", __name__)
        webhook.listener("after_server_stop")(close_graph_session)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            return self._not_configured() or verification_reply(request, self.settings.verify_token, CHANNEL)

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            return self._not_configured() or self._receive(request, on_new_message)

        return webhook

    def _receive(self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> HTTPResponse:
        """Checks a delivery, queues its messages and answers at once."""
        payload = read_signed_body(request, self.settings.app_secret, CHANNEL)
        if isinstance(payload, HTTPResponse):
            return payload
        if payload.get("object") != WEBHOOK_OBJECT:
            logger.warning("whatsapp webhook refused: object is %r, not %s", payload.get("object"), WEBHOOK_OBJECT)
            return response.json({"error": "unknown payload shape"}, status=400)
        for message in read_delivery(payload, self.settings.phone_number_id):
            if self._recent.seen(message.message_id):
                logger.info("whatsapp message from %s already received, skipped", masked(message.sender))
                continue
            self._background.start(self._handle(message, on_new_message, request.app), masked(message.sender))
        return response.json({"status": "received"})

    async def _handle(
        self, message: Incoming, on_new_message: Callable[[UserMessage], Awaitable[Any]], app: Sanic
    ) -> None:
        """Hands one message to the assistant, after the conversation's previous ones."""
        async with self._turns.turn(message.sender):
            try:
                if message.text is None:
                    await self._reply_unsupported(message, app)
                    return
                text = await self._chosen_payload(message, app) or message.text
                await on_new_message(
                    UserMessage(
                        text,
                        self.get_output_channel(),
                        message.sender,
                        input_channel=self.name(),
                        metadata=message.metadata,
                        message_id=message.message_id or None,
                    )
                )
            except Exception:  # noqa: BLE001 (a failed message must not stop the next ones)
                logger.exception("whatsapp message from %s could not be handled", masked(message.sender))

    async def _chosen_payload(self, message: Incoming, app: Sanic) -> str | None:
        """The payload of the numbered choice the message makes, if it is one."""
        if message.text is None or not _NUMBER_REPLY.match(message.text):
            return None
        tracker = await stored_tracker(app, message.sender)
        payload = numbered_choice(message.text, last_bot_buttons(tracker.events if tracker else []))
        if payload is not None:
            logger.info("whatsapp numbered choice %s of %s mapped", message.text.strip(), masked(message.sender))
        return payload

    def _recently_asked_to_write(self, sender: str) -> bool:
        """True when ``sender`` was asked to write less than a minute ago; remembers this time otherwise."""
        now = time.monotonic()
        self._asked_to_write = {
            person: when for person, when in self._asked_to_write.items() if now - when < UNSUPPORTED_QUIET_S
        }
        if sender in self._asked_to_write:
            return True
        self._asked_to_write[sender] = now
        return False

    async def _reply_unsupported(self, message: Incoming, app: Sanic) -> None:
        """Says that only written messages are understood, in the conversation's language if known.

        Once a minute at most: the other photos of an album get no reply of their own.
        """
        if self._recently_asked_to_write(message.sender):
            logger.info(
                "whatsapp %s message from %s not understood: already asked to write",
                message.kind,
                masked(message.sender),
            )
            return
        logger.info(
            "whatsapp %s message from %s not understood: asked to write instead", message.kind, masked(message.sender)
        )
        tracker = await stored_tracker(app, message.sender)
        language = tracker.get_slot("language") if tracker is not None else None
        await self.get_output_channel().send_text_message(message.sender, in_language(UNSUPPORTED_REPLY, language))
