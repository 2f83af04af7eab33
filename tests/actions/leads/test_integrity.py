"""A submission never changes another conversation's lead, whatever e-mail or phone it carries.

Knowing a patient's e-mail or phone must not let anyone rewrite their lead: a new conversation
with a known contact gets a new lead listing the earlier one as a possible duplicate, for a
coordinator to merge by hand. Only the same conversation (channel and sender id) updates a lead.
"""

from __future__ import annotations

import asyncio
import dataclasses
import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import ActionSubmitLead
from actions.leads import spool
from actions.leads.models import Lead
from actions.leads.settings import LeadSettings
from actions.leads.submission import LeadReceipt, submit_lead
from tests.support.leads import CONSENT_AT, make_submission, stored_leads, transcript
from tests.support.receivers import WebhookReceiver
from tests.support.trackers import make_tracker

PATIENT = {
    "conversation_id": "conv-patient",
    "name": "Marie Tremblay",
    "email": "marie@example.org",
    "phone": "+15145550123",
    "answers": {"problem": "herniated_disc", "symptom_months": 8, "serious_conditions": "diabète"},
    "transcript": transcript("J'ai une hernie discale depuis 8 mois", "Merci, je note."),
}
LATER = CONSENT_AT + timedelta(days=1)
STRANGER = {
    "conversation_id": "conv-stranger",
    "name": "Eve Intruse",
    "email": "eve@example.net",
    "phone": "+15145550999",
    "answers": {"problem": "stenosis", "symptom_months": 2},
    "transcript": transcript("Je veux parler à quelqu'un", "D'accord.", start=LATER),
    "outcome": "human_requested",
    "consent_at": LATER,
}


def _leads_by_id(settings: LeadSettings) -> dict[int, Lead]:
    return {lead.id: lead for lead in stored_leads(settings.database_url)}


@pytest.mark.parametrize(
    "shared",
    [{"email": " MARIE@example.org"}, {"phone": "+15145550123"}, {"email": "marie@example.org", "phone": None}],
    ids=["same-email", "same-phone", "same-email-no-phone"],
)
def test_another_conversation_with_a_known_contact_cannot_rewrite_the_lead(
    settings: LeadSettings, shared: dict[str, str | None]
) -> None:
    patient = submit_lead(make_submission(**PATIENT), settings)
    before = stored_leads(settings.database_url)[0].details()

    stranger = submit_lead(make_submission(**{**STRANGER, **shared}), settings)

    assert stranger == LeadReceipt(lead_id=stranger.lead_id, created=True, spooled=False)
    assert stranger.lead_id != patient.lead_id
    leads = _leads_by_id(settings)
    first, newcomer = leads[patient.lead_id], leads[stranger.lead_id]
    assert (first.name, first.phone, first.email) == ("Marie Tremblay", "+15145550123", "marie@example.org")
    assert first.answers == PATIENT["answers"]
    assert [line["text"] for line in first.transcript] == [line.text for line in PATIENT["transcript"]]
    assert first.details() == before
    assert newcomer.possible_duplicates == [patient.lead_id]
    assert (newcomer.name, newcomer.conversation_id) == ("Eve Intruse", "conv-stranger")
    assert newcomer.answers == STRANGER["answers"]
    assert [line["text"] for line in newcomer.transcript] == ["Je veux parler à quelqu'un", "D'accord."]


def test_a_new_lead_lists_every_lead_it_shares_a_contact_with(settings: LeadSettings) -> None:
    by_email = submit_lead(make_submission(email="a@example.org", phone=None), settings)
    by_phone = submit_lead(make_submission(email=None, phone="+15145550199"), settings)
    unrelated = submit_lead(make_submission(email="z@example.org"), settings)

    both = submit_lead(make_submission(email="a@example.org", phone="+15145550199"), settings)
    again = submit_lead(make_submission(email="A@example.org", phone=None), settings)

    leads = _leads_by_id(settings)
    assert leads[both.lead_id].possible_duplicates == [by_email.lead_id, by_phone.lead_id]
    assert leads[again.lead_id].possible_duplicates == [by_email.lead_id, both.lead_id]
    assert [leads[lead.lead_id].possible_duplicates for lead in (by_email, by_phone, unrelated)] == [None] * 3


def test_a_sender_id_from_another_channel_is_another_conversation(settings: LeadSettings) -> None:
    whatsapp = make_submission(conversation_id="15145550123", channel="whatsapp", email=None, phone="+15145550123")
    patient = submit_lead(whatsapp, settings)

    rest = dataclasses.replace(whatsapp, channel="rest", name="Eve Intruse", email="eve@example.net")
    stranger = submit_lead(rest, settings)

    leads = _leads_by_id(settings)
    assert stranger.created and stranger.lead_id != patient.lead_id
    assert (leads[patient.lead_id].name, leads[patient.lead_id].email) == ("Marie Tremblay", None)
    assert leads[stranger.lead_id].possible_duplicates == [patient.lead_id]


def test_a_conversation_taking_a_known_contact_updates_only_its_own_lead(settings: LeadSettings) -> None:
    patient = submit_lead(make_submission(**PATIENT), settings)
    stranger = submit_lead(make_submission(**STRANGER), settings)

    updated = submit_lead(make_submission(**{**STRANGER, "email": "marie@example.org"}), settings)
    submit_lead(make_submission(**{**PATIENT, "outcome": "human_requested"}), settings)

    leads = _leads_by_id(settings)
    assert (updated.lead_id, updated.created) == (stranger.lead_id, False)
    assert (leads[stranger.lead_id].name, leads[stranger.lead_id].email) == ("Eve Intruse", "marie@example.org")
    assert leads[stranger.lead_id].possible_duplicates == [patient.lead_id]
    assert leads[patient.lead_id].phone == "+15145550123"
    assert leads[patient.lead_id].possible_duplicates is None  # the pair is listed once


def test_the_new_lead_is_announced_as_created_and_the_first_is_not_announced_again(
    settings: LeadSettings, webhook: WebhookReceiver
) -> None:
    notifying = dataclasses.replace(settings, webhook_url=webhook.url, notify_timeout=2.0)
    patient = submit_lead(make_submission(**PATIENT), notifying)
    first_notified = stored_leads(settings.database_url)[0].notified_at

    stranger = submit_lead(make_submission(**{**STRANGER, "email": "marie@example.org"}), notifying)

    notices = [(request["json"]["lead_id"], request["json"]["event"]) for request in webhook.requests]
    assert notices == [(patient.lead_id, "created"), (stranger.lead_id, "created")]
    assert _leads_by_id(settings)[patient.lead_id].notified_at == first_notified


def test_a_spooled_submission_with_a_known_email_makes_a_flagged_lead_once(
    settings: LeadSettings, tmp_path: Path
) -> None:
    patient = submit_lead(make_submission(**PATIENT), settings)
    spooled = spool.write(settings.spool_dir, make_submission(**{**STRANGER, "email": "marie@example.org"}))
    survivor = shutil.copy(spooled, tmp_path / "copy")

    first = spool.drain(settings)
    shutil.move(survivor, spooled)
    second = spool.drain(settings)

    [stored] = first.stored
    assert stored.created and stored.notice.event == "created"
    assert (second.stored, second.remaining, spooled.exists()) == ([], 0, False)
    leads = _leads_by_id(settings)
    assert sorted(leads) == [patient.lead_id, stored.lead_id]
    assert leads[stored.lead_id].possible_duplicates == [patient.lead_id]
    assert leads[stored.lead_id].transcript == [line.to_dict() for line in STRANGER["transcript"]]
    assert leads[patient.lead_id].name == "Marie Tremblay"


def _handoff_tracker(sender_id: str, name: str, email: str) -> Any:
    slots = {
        "health_consent": True,
        "consent_at": CONSENT_AT.isoformat(),
        "callback_wanted": True,
        "contact_name": name,
        "contact_details": {"email": email, "phone": None},
        "callback_time": "morning",
    }
    events = [
        {"event": "user", "text": "parler à quelqu'un", "timestamp": CONSENT_AT.timestamp(), "input_channel": "rest"}
    ]
    return make_tracker(slots=slots, events=events, sender_id=sender_id)


def test_the_person_is_told_the_same_either_way(settings: LeadSettings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOS_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("SOS_DATA_DIR", str(settings.data_dir))
    replies = []
    for sender_id, name in (("conv-patient", "Marie Tremblay"), ("conv-stranger", "Eve Intruse")):
        dispatcher = CollectingDispatcher()
        asyncio.run(ActionSubmitLead().run(dispatcher, _handoff_tracker(sender_id, name, "marie@example.org"), {}))
        replies.append(dispatcher.messages)

    assert replies[0] == replies[1]
    assert [message["response"] for message in replies[0]] == ["utter_handoff_done"]
    assert [lead.name for lead in stored_leads(settings.database_url)] == ["Marie Tremblay", "Eve Intruse"]
