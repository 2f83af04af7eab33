"""Facebook Messenger: Meta's webhook in, the Send API out.

Replaces Rasa's ``facebook`` connector, keeping its name (so the webhook stays
``/webhooks/facebook/webhook`` and leads record the channel ``facebook``) but not its flaws:
a bad or missing signature is refused with 403, an unknown payload with 400, every event of a
batch is handled, a malformed event is skipped (never a 500), and the webhook answers 200 at
once while the assistant works in the background (Meta wants an answer within seconds and
retries otherwise). Replies go through the Graph API with aiohttp (``bot.channels.meta``),
within Messenger's limits: 2000 characters a message, 640 for a button template's text,
3 template buttons, 13 quick replies, 20 characters a title.

Secrets come from the environment only: ``SOS_MESSENGER_VERIFY_TOKEN``,
``SOS_MESSENGER_APP_SECRET`` and ``SOS_MESSENGER_PAGE_TOKEN``. Without them the webhook
answers 503 "channel not configured".
"""

from __future__ import annotations

import enum
import logging
import re
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.facebook import FacebookInput
from sanic import Blueprint, response
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

logger = logging.getLogger(__name__)

CHANNEL = "facebook"
LOG_NAME = "Messenger"
VERIFY_TOKEN_ENV = "SOS_MESSENGER_VERIFY_TOKEN"
APP_SECRET_ENV = "SOS_MESSENGER_APP_SECRET"
PAGE_TOKEN_ENV = "SOS_MESSENGER_PAGE_TOKEN"

TEXT_LIMIT = 2000
BUTTON_TEXT_LIMIT = 640
MAX_TEMPLATE_BUTTONS = 3
MAX_QUICK_REPLIES = 13
TITLE_LIMIT = 20
ELEMENT_TITLE_LIMIT = 80
PAYLOAD_LIMIT = 1000
# When a message must carry buttons or quick replies but has no text of its own.
EMPTY_TEXT = "…"

# Messenger gives no language with a message: the person is told in both.
ONLY_TEXT_REPLY = in_language(UNSUPPORTED_REPLY, None)

# ``/intent`` or ``/intent{"entity": "value"}``: a payload for Rasa, never text for a person.
_RAW_PAYLOAD = re.compile(r"^\s*/[\w./-]+\s*(\{.*\})?\s*$", re.DOTALL)


def looks_like_payload(text: str) -> bool:
    """Whether ``text`` is a raw Rasa payload (``/inform{"x": 1}``) rather than words."""
    return bool(_RAW_PAYLOAD.match(text or ""))


# --- Incoming events ------------------------------------------------------------------------


class Kind(enum.Enum):
    """What a person did, as far as the assistant is concerned."""

    TEXT = "text"
    QUICK_REPLY = "quick_reply"
    POSTBACK = "postback"
    ATTACHMENT = "attachment"


@dataclass(frozen=True)
class Incoming:
    """One event from a person that the assistant answers."""

    sender_id: str
    kind: Kind
    text: str
    message_id: str | None = None
    page_id: str | None = None
    timestamp: int | None = None

    def metadata(self) -> dict[str, Any]:
        """What the tracker keeps about the event, beyond its text (no personal content)."""
        return {
            "messenger": {
                "kind": self.kind.value,
                "page_id": self.page_id,
                "mid": self.message_id,
                "timestamp": self.timestamp,
            }
        }


def _identifier(value: Any) -> str | None:
    """A Messenger id (a string or a number), as a string; ``None`` when absent or malformed."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    text = str(value).strip()
    return text or None


def _nonempty_text(value: Any) -> str | None:
    """``value`` when it is a string with something in it."""
    return value if isinstance(value, str) and value.strip() else None


def _from_message(message: dict[str, Any]) -> tuple[Kind, str] | None:
    """The kind and text of a ``message`` event, or ``None`` (logged) when there is nothing to answer."""
    if message.get("is_echo"):
        logger.debug("%s: ignored the echo of a page message", LOG_NAME)
        return None
    quick_reply = message.get("quick_reply")
    if isinstance(quick_reply, dict) and _nonempty_text(quick_reply.get("payload")):
        return Kind.QUICK_REPLY, quick_reply["payload"]
    text = _nonempty_text(message.get("text"))
    if text:
        return Kind.TEXT, text
    attachments = message.get("attachments")
    if isinstance(attachments, list) and attachments:
        kinds = sorted({str(item.get("type")) for item in attachments if isinstance(item, dict)})
        logger.info("%s: a message with only attachments (%s) is not read", LOG_NAME, ", ".join(kinds) or "unknown")
        return Kind.ATTACHMENT, ""
    logger.warning("%s: skipped a message event without text, quick reply or attachment", LOG_NAME)
    return None


def _from_postback(postback: dict[str, Any]) -> tuple[Kind, str] | None:
    """The payload of a ``postback`` event (a button click), or ``None`` (logged)."""
    payload = _nonempty_text(postback.get("payload"))
    if payload:
        return Kind.POSTBACK, payload
    logger.warning("%s: skipped a postback without payload", LOG_NAME)
    return None


def _kind_and_text(event: dict[str, Any]) -> tuple[Kind, str] | None:
    """What the person sent in ``event``, or ``None`` (logged) for events the assistant ignores."""
    message, postback = event.get("message"), event.get("postback")
    if isinstance(message, dict):
        return _from_message(message)
    if isinstance(postback, dict):
        return _from_postback(postback)
    if "message" in event or "postback" in event:
        logger.warning("%s: skipped a malformed message or postback event", LOG_NAME)
        return None
    if "delivery" in event or "read" in event:
        logger.debug("%s: ignored a delivery or read receipt", LOG_NAME)
        return None
    others = sorted(key for key in event if key not in ("sender", "recipient", "timestamp"))
    logger.info("%s: ignored an event of kind %s", LOG_NAME, ", ".join(others)[:100] or "unknown")
    return None


def parse_event(event: Any, page_id: str | None = None) -> Incoming | None:
    """Reads one ``entry[].messaging[]`` event; ``None`` (logged) when it is skipped or ignored."""
    if not isinstance(event, dict):
        logger.warning("%s: skipped an event that is not an object", LOG_NAME)
        return None
    sender = event.get("sender")
    sender_id = _identifier(sender.get("id")) if isinstance(sender, dict) else None
    if sender_id is None:
        logger.warning("%s: skipped an event without a sender id", LOG_NAME)
        return None
    found = _kind_and_text(event)
    if found is None:
        return None
    kind, text = found
    text = cut_user_text(text, LOG_NAME)
    source = event.get("message") if isinstance(event.get("message"), dict) else event.get("postback")
    timestamp = event.get("timestamp")
    return Incoming(
        sender_id=sender_id,
        kind=kind,
        text=text,
        message_id=_identifier(source.get("mid")) if isinstance(source, dict) else None,
        page_id=page_id,
        timestamp=timestamp if isinstance(timestamp, int) and not isinstance(timestamp, bool) else None,
    )


def entry_events(entry: Any) -> list[Any]:
    """The ``messaging`` events of one entry; an empty list (logged) when it has none."""
    if not isinstance(entry, dict):
        logger.warning("%s: skipped an entry that is not an object", LOG_NAME)
        return []
    events = entry.get("messaging")
    if isinstance(events, list):
        return events
    if events is None and isinstance(entry.get("standby"), list):
        logger.info("%s: ignored standby events (another app holds the conversation)", LOG_NAME)
    else:
        logger.warning("%s: skipped an entry without a messaging list", LOG_NAME)
    return []


# --- Output ---------------------------------------------------------------------------------


def template_button(button: dict[str, Any]) -> dict[str, Any] | None:
    """A Rasa button as a Messenger template button (postback or web_url); ``None`` (logged) if unusable."""
    title = short_title(str(button.get("title") or ""), TITLE_LIMIT)
    if not title:
        logger.warning("%s: dropped a button without title", LOG_NAME)
        return None
    url = button.get("url")
    if isinstance(url, str) and url:
        return {"type": "web_url", "url": url, "title": title}
    payload = str(button.get("payload") or "")
    if not payload or len(payload) > PAYLOAD_LIMIT:
        logger.warning("%s: dropped a button whose payload is empty or over %d characters", LOG_NAME, PAYLOAD_LIMIT)
        return None
    return {"type": "postback", "title": title, "payload": payload}


def quick_reply(choice: dict[str, Any]) -> dict[str, Any] | None:
    """A Rasa button or quick reply as a Messenger text quick reply; ``None`` (logged) if unusable."""
    content_type = choice.get("content_type") or "text"
    if content_type != "text":
        return {"content_type": content_type}
    if choice.get("url"):
        logger.warning("%s: dropped a link button, which a quick reply cannot be", LOG_NAME)
        return None
    button = template_button(choice)
    if button is None:
        return None
    return {"content_type": "text", "title": button["title"], "payload": button["payload"]}


def quick_replies_of(choices: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The usable choices as quick replies, at most 13 (the rest dropped with a warning)."""
    replies = [reply for reply in map(quick_reply, choices) if reply is not None]
    if len(replies) > MAX_QUICK_REPLIES:
        logger.warning(
            "%s: %d choices, only the first %d are sent as quick replies", LOG_NAME, len(replies), MAX_QUICK_REPLIES
        )
    return replies[:MAX_QUICK_REPLIES]


def head_and_last(text: str, limit: int) -> tuple[str, str]:
    """Splits ``text`` into what goes first and a last part of at most ``limit`` characters."""
    pieces = split_text(text, limit)
    if len(pieces) <= 1:
        return "", pieces[0] if pieces else ""
    last = pieces[-1]
    cut = text.rfind(last)
    head = text[:cut] if cut > 0 else "\n\n".join(pieces[:-1])
    return head.strip(), last


def visible_text(text: str | None) -> str:
    """The text to show a person: empty when it is a raw payload (logged), never one."""
    text = (text or "").strip()
    if text and looks_like_payload(text):
        logger.warning("%s: did not send a raw payload as text", LOG_NAME)
        return ""
    return text


class MessengerOutput(OutputChannel):
    """Sends the assistant's messages to one person through the Send API."""

    @classmethod
    def name(cls) -> str:
        """The channel's name, as Rasa and the leads know it."""
        return CHANNEL

    def __init__(self, page_token: str) -> None:
        """Sends with ``page_token``, the page access token."""
        super().__init__()
        self.page_token = page_token

    async def _post(self, body: dict[str, Any]) -> bool:
        """Posts one request to ``me/messages``; a failure is logged and returns False."""
        return await post_to_graph("me/messages", self.page_token, body, LOG_NAME)

    async def send_message(self, recipient_id: str, message: dict[str, Any]) -> bool:
        """Sends one Messenger ``message`` object in answer to the person."""
        return await self._post({"recipient": {"id": recipient_id}, "messaging_type": "RESPONSE", "message": message})

    async def _send_texts(self, recipient_id: str, text: str, limit: int = TEXT_LIMIT) -> bool:
        """Sends ``text`` as messages of at most ``limit`` characters; stops at the first failure."""
        for part in split_text(text, limit):
            if not await self.send_message(recipient_id, {"text": part}):
                return False
        return True

    async def send_action(self, recipient_id: str, sender_action: str) -> bool:
        """Sends a sender action: ``mark_seen``, ``typing_on`` or ``typing_off``."""
        return await self._post({"recipient": {"id": recipient_id}, "sender_action": sender_action})

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """Sends text, split into messages of at most 2000 characters."""
        text = visible_text(text)
        if text:
            await self._send_texts(recipient_id, text)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        """Up to 3 buttons as a button template, more as quick replies (up to 13)."""
        if len(buttons) > MAX_TEMPLATE_BUTTONS:
            await self.send_quick_replies(recipient_id, text, buttons)
            return
        template_buttons = [button for button in map(template_button, buttons) if button is not None]
        text = visible_text(text)
        if not template_buttons:
            await self.send_text_message(recipient_id, text)
            return
        head, last = head_and_last(text, BUTTON_TEXT_LIMIT)
        if head and not await self._send_texts(recipient_id, head):
            return
        await self.send_message(
            recipient_id,
            {
                "attachment": {
                    "type": "template",
                    "payload": {"template_type": "button", "text": last or EMPTY_TEXT, "buttons": template_buttons},
                }
            },
        )

    async def send_quick_replies(
        self, recipient_id: str, text: str, quick_replies: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        """Sends text whose last message carries the quick replies (at most 13, titles cut to 20)."""
        replies = quick_replies_of(quick_replies)
        text = visible_text(text)
        if not replies:
            await self.send_text_message(recipient_id, text)
            return
        head, last = head_and_last(text, TEXT_LIMIT)
        if head and not await self._send_texts(recipient_id, head):
            return
        await self.send_message(recipient_id, {"text": last or EMPTY_TEXT, "quick_replies": replies})

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        """Sends an image attachment from its URL."""
        await self.send_message(
            recipient_id, {"attachment": {"type": "image", "payload": {"url": image, "is_reusable": True}}}
        )

    async def send_attachment(self, recipient_id: str, attachment: Any, **kwargs: Any) -> None:
        """Sends a Messenger attachment object (``{"type": ..., "payload": ...}``) as it is."""
        if isinstance(attachment, dict) and attachment.get("type"):
            await self.send_message(recipient_id, {"attachment": attachment})
        else:
            logger.warning("%s: dropped an attachment that is not a Messenger attachment object", LOG_NAME)

    async def send_elements(self, recipient_id: str, elements: Iterable[dict[str, Any]], **kwargs: Any) -> None:
        """Sends elements as a generic template, with titles and buttons within Messenger's limits."""
        cards = []
        for element in elements:
            card = dict(element)
            card["title"] = short_title(str(card.get("title") or EMPTY_TEXT), ELEMENT_TITLE_LIMIT)
            if "buttons" in card:
                buttons = [button for button in map(template_button, card["buttons"] or []) if button]
                card["buttons"] = buttons[:MAX_TEMPLATE_BUTTONS]
            cards.append(card)
        await self.send_message(
            recipient_id,
            {"attachment": {"type": "template", "payload": {"template_type": "generic", "elements": cards}}},
        )

    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any] | list[dict[str, Any]], **kwargs: Any
    ) -> None:
        """Sends custom Messenger message objects (one, or a list) as they are."""
        messages = json_message if isinstance(json_message, list) else [json_message]
        for message in messages:
            if not isinstance(message, dict):
                logger.warning("%s: dropped a custom message that is not an object", LOG_NAME)
                continue
            message = dict(message)
            sender = message.pop("sender", None)
            target = _identifier(sender.get("id")) if isinstance(sender, dict) else None
            if not await self.send_message(target or recipient_id, message):
                return


# --- Input ----------------------------------------------------------------------------------

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


class MessengerInput(FacebookInput):
    """The Messenger webhook, with its secrets from the environment."""

    @classmethod
    def name(cls) -> str:
        """``facebook``: the webhook is ``/webhooks/facebook/webhook``."""
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> MessengerInput:
        """Reads the secrets from ``SOS_MESSENGER_*``; credentials.yml holds none."""
        if credentials:
            logger.warning(
                "%s: values in credentials.yml are ignored; set %s, %s and %s instead",
                LOG_NAME,
                VERIFY_TOKEN_ENV,
                APP_SECRET_ENV,
                PAGE_TOKEN_ENV,
            )
        return cls(setting(VERIFY_TOKEN_ENV), setting(APP_SECRET_ENV), setting(PAGE_TOKEN_ENV))

    def __init__(self, fb_verify: str, fb_secret: str, fb_access_token: str) -> None:
        """A channel for the page; without all three secrets its webhook answers 503."""
        super().__init__(fb_verify or "", fb_secret or "", fb_access_token or "")
        self._recent = recent_ids(CHANNEL)
        self._turns = ConversationTurns()
        self._background = BackgroundWork(LOG_NAME)
        missing = self.missing_settings()
        if missing:
            logger.warning(
                "%s channel not configured (%s unset): its webhook answers 503", LOG_NAME, ", ".join(missing)
            )

    def missing_settings(self) -> list[str]:
        """The environment variables the channel still needs."""
        values = {
            VERIFY_TOKEN_ENV: self.fb_verify,
            APP_SECRET_ENV: self.fb_secret,
            PAGE_TOKEN_ENV: self.fb_access_token,
        }
        return [name for name, value in values.items() if not value]

    @property
    def configured(self) -> bool:
        """Whether the verify token, app secret and page token are all set."""
        return not self.missing_settings()

    def get_output_channel(self) -> MessengerOutput:
        """The output channel Rasa uses to reach a person outside a webhook call."""
        return MessengerOutput(self.fb_access_token)

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        """Health, the subscription handshake and the event webhook."""
        webhook = Blueprint("sos_messenger_webhook", __name__)
        webhook.listener("after_server_stop")(close_graph_session)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok", "configured": self.configured})

        @webhook.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            if not self.configured:
                return self._not_configured()
            return verification_reply(request, self.fb_verify, LOG_NAME)

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            return self.receive(request, on_new_message)

        return webhook

    def _not_configured(self) -> HTTPResponse:
        logger.warning(
            "%s webhook called but the channel is not configured (%s unset)",
            LOG_NAME,
            ", ".join(self.missing_settings()),
        )
        return response.text("channel not configured", status=503)

    def receive(self, request: Request, on_new_message: OnNewMessage) -> HTTPResponse:
        """Checks a webhook delivery, starts answering its events and acknowledges it at once."""
        if not self.configured:
            return self._not_configured()
        payload = read_signed_body(request, self.fb_secret, LOG_NAME)
        if not isinstance(payload, dict):
            return payload
        if payload.get("object") != "page":
            logger.warning("%s webhook refused: object is %r, not 'page'", LOG_NAME, str(payload.get("object"))[:40])
            return response.json({"error": "not a page event"}, status=400)
        by_sender = self.incoming_by_sender(payload)
        if by_sender:
            logger.info(
                "%s webhook: %d event(s) to answer from %d person(s)",
                LOG_NAME,
                sum(map(len, by_sender.values())),
                len(by_sender),
            )
        for sender_id, incoming in by_sender.items():
            self._background.start(self._answer_all(incoming, on_new_message), sender_id)
        return response.text("success")

    def incoming_by_sender(self, payload: dict[str, Any]) -> dict[str, list[Incoming]]:
        """The events to answer, grouped by person in delivery order; redeliveries skipped."""
        by_sender: dict[str, list[Incoming]] = {}
        for entry in payload["entry"]:
            page_id = _identifier(entry.get("id")) if isinstance(entry, dict) else None
            for event in entry_events(entry):
                incoming = parse_event(event, page_id)
                if incoming is None:
                    continue
                if self._recent.seen(incoming.message_id):
                    logger.info("%s: skipped an event delivered twice", LOG_NAME)
                    continue
                by_sender.setdefault(incoming.sender_id, []).append(incoming)
        return by_sender

    async def _answer_all(self, incoming: list[Incoming], on_new_message: OnNewMessage) -> None:
        """Answers one person's events in order, after their earlier deliveries.

        Attachments get one polite reply per delivery.
        """
        told_only_text = False
        async with self._turns.turn(incoming[0].sender_id):
            for event in incoming:
                if event.kind is Kind.ATTACHMENT:
                    if not told_only_text:
                        await self._only_text(event)
                        told_only_text = True
                    continue
                await self.answer(event, on_new_message)

    async def _only_text(self, event: Incoming) -> None:
        """Tells the person, in French and English, that only text is read."""
        output = self.get_output_channel()
        await output.send_action(event.sender_id, "mark_seen")
        await output.send_text_message(event.sender_id, ONLY_TEXT_REPLY)

    async def answer(self, event: Incoming, on_new_message: OnNewMessage) -> None:
        """Hands one event to the assistant, with seen and typing indicators around it."""
        output = self.get_output_channel()
        await output.send_action(event.sender_id, "mark_seen")
        await output.send_action(event.sender_id, "typing_on")
        message = UserMessage(event.text, output, event.sender_id, input_channel=self.name(), metadata=event.metadata())
        try:
            await on_new_message(message)
        except Exception:  # noqa: BLE001 (one failed turn must not stop the channel)
            logger.exception("%s: the assistant failed to answer a %s", LOG_NAME, event.kind.value)
        finally:
            await output.send_action(event.sender_id, "typing_off")
