"""Tells the team a lead was created or updated, by webhook and/or e-mail.

A notice says only that there is something to look at and how: no name, contact, answers or
transcript, so no health detail leaves the database this way. Sending is synchronous, with short
timeouts, and never raises: a failure is logged and ``send_notice`` returns ``False``.
"""

from __future__ import annotations

import http.client
import json
import logging
import smtplib
import ssl
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from email.message import EmailMessage

from actions.leads.models import Lead
from actions.leads.settings import LeadSettings

logger = logging.getLogger(__name__)

DEFAULT_SENDER = "sos-leads@localhost"


@dataclass(frozen=True)
class LeadNotice:
    """Everything a notification carries.

    Attributes:
        lead_id: The lead.
        event: ``created`` or ``updated``.
        language: The patient's language.
        channel: Where the conversation happened.
        outcome: ``candidate``, ``conservative_first`` or ``human_requested``.
        status: Follow-up status.
        command: How to see the lead.
    """

    lead_id: int
    event: str
    language: str
    channel: str
    outcome: str
    status: str
    command: str

    @classmethod
    def for_lead(cls, lead: Lead) -> LeadNotice:
        """The notice of a lead's last creation or update."""
        return cls(
            lead_id=lead.id,
            event=lead.event,
            language=lead.language,
            channel=lead.channel,
            outcome=lead.outcome,
            status=lead.status,
            command=f"sos-leads show {lead.id}",
        )

    def subject(self) -> str:
        """E-mail subject line."""
        return f"Lead #{self.lead_id} {self.event} ({self.outcome}, {self.language})"

    def body(self) -> str:
        """E-mail text."""
        return (
            f"Lead #{self.lead_id} was {self.event}.\n\n"
            f"Outcome: {self.outcome}\nLanguage: {self.language}\n"
            f"Channel: {self.channel}\nStatus: {self.status}\n\n"
            f"See it with: {self.command}\n"
        )


def send_notice(notice: LeadNotice, settings: LeadSettings) -> bool:
    """Sends the notice on every configured channel.

    Args:
        notice: What to say.
        settings: Webhook and SMTP settings.

    Returns:
        Whether a channel is configured and every configured channel accepted the notice.
    """
    if not settings.notifications_enabled:
        return False
    delivered = True
    if settings.webhook_url:
        delivered = _post_webhook(notice, settings) and delivered
    if settings.email_enabled:
        delivered = _send_email(notice, settings) and delivered
    return delivered


def _post_webhook(notice: LeadNotice, settings: LeadSettings) -> bool:
    url = settings.webhook_url or ""
    if not url.lower().startswith(("http://", "https://")):
        logger.error("lead %s: webhook URL is not http(s); notice not sent", notice.lead_id)
        return False
    request = urllib.request.Request(
        url,
        data=json.dumps(asdict(notice)).encode("utf-8"),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.notify_timeout) as response:
            response.read()
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as error:
        logger.warning("lead %s: webhook notice failed: %s", notice.lead_id, error)
        return False
    return True


def _send_email(notice: LeadNotice, settings: LeadSettings) -> bool:
    message = EmailMessage()
    message["Subject"] = notice.subject()
    message["From"] = settings.email_from or settings.smtp_user or DEFAULT_SENDER
    message["To"] = ", ".join(settings.email_to)
    message.set_content(notice.body())
    try:
        with smtplib.SMTP(settings.smtp_host or "", settings.smtp_port, timeout=settings.notify_timeout) as smtp:
            if settings.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password or "")
            smtp.send_message(message)
    except (smtplib.SMTPException, OSError, ValueError) as error:
        logger.warning("lead %s: e-mail notice failed: %s", notice.lead_id, error)
        return False
    return True
