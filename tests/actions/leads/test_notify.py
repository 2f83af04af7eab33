"""Notifications: the team hears of every lead, and no personal or health detail leaves."""

from __future__ import annotations

import dataclasses
import json
from email import message_from_bytes
from email.message import Message

import pytest

from actions.leads.cli import main
from actions.leads.settings import LeadSettings
from actions.leads.submission import submit_lead
from tests.support.leads import make_submission, stored_leads, transcript
from tests.support.receivers import (
    SMTP_PASSWORD,
    SMTP_USER,
    Inbox,
    WebhookReceiver,
    free_port,
)

NOTICE_KEYS = {"lead_id", "event", "language", "channel", "outcome", "status", "command"}
PRIVATE = make_submission(
    name="Zéphyrine Quintal-Beaubien",
    email="zephyrine.qb@example.org",
    phone="+15145559876",
    answers={"problem": "spondylolisthesis", "serious_conditions": "diabète de type 2"},
    transcript=transcript("Mon chirurgien à Sherbrooke refuse d'opérer ma sténose"),
)
PRIVATE_TEXTS = [
    "Zéphyrine",
    "Quintal",
    "zephyrine",
    "example.org",
    "5145559876",
    "spondylolisthesis",
    "diabète",
    "Sherbrooke",
    "sténose",
]


def _notifying(settings: LeadSettings, webhook_url: str | None, inbox: Inbox | None) -> LeadSettings:
    changes: dict[str, object] = {"webhook_url": webhook_url, "notify_timeout": 2.0}
    if inbox is not None:
        changes.update(
            email_to=("coordination@sos.example", "backup@sos.example"),
            email_from="assistant@sos.example",
            smtp_host=inbox.host,
            smtp_port=inbox.port,
        )
    return dataclasses.replace(settings, **changes)


def _email(inbox: Inbox, index: int = 0) -> Message:
    return message_from_bytes(inbox.envelopes[index].original_content)


def test_a_new_lead_is_announced_by_webhook_and_email(
    settings: LeadSettings, webhook: WebhookReceiver, smtp_inbox: Inbox
) -> None:
    receipt = submit_lead(PRIVATE, _notifying(settings, webhook.url, smtp_inbox))

    [request] = webhook.requests
    assert request["path"] == "/hooks/leads"
    assert request["content_type"] == "application/json"
    assert request["json"] == {
        "lead_id": receipt.lead_id,
        "event": "created",
        "language": "fr",
        "channel": "rest",
        "outcome": "candidate",
        "status": "new",
        "command": f"sos-leads show {receipt.lead_id}",
    }
    [envelope] = smtp_inbox.envelopes
    assert envelope.rcpt_tos == ["coordination@sos.example", "backup@sos.example"]
    email = _email(smtp_inbox)
    assert email["From"] == "assistant@sos.example"
    assert f"Lead #{receipt.lead_id} created" in email["Subject"]
    assert f"sos-leads show {receipt.lead_id}" in email.get_payload(decode=True).decode()
    [lead] = stored_leads(settings.database_url)
    assert lead.notified_at is not None


def test_notices_carry_no_personal_or_health_detail(
    settings: LeadSettings, webhook: WebhookReceiver, smtp_inbox: Inbox
) -> None:
    submit_lead(PRIVATE, _notifying(settings, webhook.url, smtp_inbox))
    submit_lead(PRIVATE, _notifying(settings, webhook.url, smtp_inbox))

    sent = [request["raw"] for request in webhook.requests]
    sent += [envelope.original_content.decode() for envelope in smtp_inbox.envelopes]
    assert len(sent) == 4
    assert all(set(request["json"]) == NOTICE_KEYS for request in webhook.requests)
    assert [request["json"]["event"] for request in webhook.requests] == ["created", "updated"]
    leaks = [text for text in PRIVATE_TEXTS for message in sent if text.lower() in message.lower()]
    assert leaks == []


def test_smtp_login_is_used_when_configured(settings: LeadSettings, smtp_inbox: Inbox) -> None:
    notifying = dataclasses.replace(
        _notifying(settings, None, smtp_inbox),
        smtp_user=SMTP_USER,
        smtp_password=SMTP_PASSWORD,
        smtp_starttls=False,
    )

    submit_lead(PRIVATE, notifying)

    assert smtp_inbox.logins == [SMTP_USER]
    assert len(smtp_inbox.envelopes) == 1
    assert stored_leads(settings.database_url)[0].notified_at is not None


def test_dead_channels_keep_the_lead_and_notify_pending_catches_up(
    settings: LeadSettings,
    webhook: WebhookReceiver,
    smtp_inbox: Inbox,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    dead_smtp = Inbox("127.0.0.1", free_port())
    dead = _notifying(settings, f"http://127.0.0.1:{free_port()}/hook", dead_smtp)

    receipt = submit_lead(PRIVATE, dead)

    [lead] = stored_leads(settings.database_url)
    assert (receipt.lead_id, receipt.spooled, lead.notified_at) == (lead.id, False, None)
    monkeypatch.setenv("SOS_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("SOS_NOTIFY_WEBHOOK_URL", webhook.url)
    monkeypatch.setenv("SOS_NOTIFY_EMAIL_TO", "coordination@sos.example")
    monkeypatch.setenv("SOS_SMTP_HOST", smtp_inbox.host)
    monkeypatch.setenv("SOS_SMTP_PORT", str(smtp_inbox.port))

    code = main(["--database-url", settings.database_url, "notify-pending"])

    assert code == 0
    assert "Notified 1 lead(s); 0 still pending." in capsys.readouterr().out
    assert [request["json"]["lead_id"] for request in webhook.requests] == [lead.id]
    assert len(smtp_inbox.envelopes) == 1
    assert stored_leads(settings.database_url)[0].notified_at is not None
    assert main(["--database-url", settings.database_url, "notify-pending"]) == 0
    assert len(webhook.requests) == 1


def test_one_failed_channel_leaves_the_lead_pending(
    settings: LeadSettings, smtp_inbox: Inbox, capsys: pytest.CaptureFixture[str]
) -> None:
    half_dead = _notifying(settings, f"http://127.0.0.1:{free_port()}/hook", smtp_inbox)

    submit_lead(PRIVATE, half_dead)

    assert len(smtp_inbox.envelopes) == 1
    assert stored_leads(settings.database_url)[0].notified_at is None
    assert main(["--database-url", settings.database_url, "notify-pending"]) == 1
    assert "none is configured" in capsys.readouterr().err


def test_an_update_is_announced_again(settings: LeadSettings, webhook: WebhookReceiver) -> None:
    notifying = _notifying(settings, webhook.url, None)
    submit_lead(PRIVATE, notifying)
    first_notified = stored_leads(settings.database_url)[0].notified_at

    submit_lead(dataclasses.replace(PRIVATE, outcome="human_requested"), notifying)

    [lead] = stored_leads(settings.database_url)
    assert [json.loads(request["raw"])["event"] for request in webhook.requests] == [
        "created",
        "updated",
    ]
    assert webhook.requests[1]["json"]["outcome"] == "human_requested"
    assert lead.notified_at > first_notified
