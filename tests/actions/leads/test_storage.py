"""Creating and updating leads: one lead per conversation, update rules, hostile text kept verbatim.

What another conversation sharing an e-mail or phone does is in ``test_integrity.py``.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from actions.leads.database import get_engine
from actions.leads.repository import LeadRepository
from actions.leads.settings import LeadSettings
from actions.leads.submission import LeadReceipt, submit_lead
from tests.support.leads import CONSENT_AT, make_submission, stored_leads, transcript


def _set_status(settings: LeadSettings, lead_id: int, status: str) -> None:
    with Session(get_engine(settings.database_url), future=True) as session, session.begin():
        repository = LeadRepository(session)
        repository.set_status(repository.get(lead_id), status, "test")


def test_a_new_person_creates_a_lead(settings: LeadSettings) -> None:
    receipt = submit_lead(make_submission(), settings)

    assert receipt == LeadReceipt(lead_id=receipt.lead_id, created=True, spooled=False)
    [lead] = stored_leads(settings.database_url)
    assert lead.id == receipt.lead_id
    assert (lead.status, lead.email, lead.phone, lead.outcome) == (
        "new", "marie@example.org", None, "candidate"
    )  # fmt: skip
    assert lead.answers == make_submission().answers
    assert [line["speaker"] for line in lead.transcript] == ["patient", "assistant"]
    assert lead.consent_at == CONSENT_AT
    assert lead.created_at == lead.updated_at
    assert lead.created_at.utcoffset() == timedelta(0)
    assert lead.notified_at is None


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({"email": "marie@example.org"}, {"email": "Marie@Example.org "}),
        ({"phone": "+15145550123", "email": None}, {"phone": "+15145550123", "email": "new@x.ca"}),
        ({"email": "marie@example.org"}, {"email": None, "phone": "+15145550123"}),
    ],
    ids=["same-email", "same-phone", "other-contact"],
)
def test_the_same_conversation_updates_its_own_lead(
    settings: LeadSettings, first: dict[str, str | None], second: dict[str, str | None]
) -> None:
    created = submit_lead(make_submission(conversation_id="conv-marie", **first), settings)
    updated = submit_lead(make_submission(conversation_id="conv-marie", **second), settings)

    assert created.created and not updated.created
    assert updated.lead_id == created.lead_id
    [lead] = stored_leads(settings.database_url)
    assert lead.possible_duplicates is None


def test_an_update_follows_the_rules(settings: LeadSettings) -> None:
    first = submit_lead(make_submission(conversation_id="conv-marie"), settings)
    _set_status(settings, first.lead_id, "closed")
    later = CONSENT_AT + timedelta(days=3)

    submit_lead(
        make_submission(
            conversation_id="conv-marie",
            name=None,
            email="MARIE@example.org",
            phone="+33612345678",
            callback_time=None,
            language="en",
            answers={"problem": "", "symptom_months": 11, "imaging": "mri"},
            outcome="human_requested",
            transcript=transcript("I want to talk to someone", start=later),
            consent_at=later,
        ),
        settings,
    )

    [lead] = stored_leads(settings.database_url)
    assert lead.status == "new"
    assert (lead.name, lead.email, lead.phone) == (
        "Marie Tremblay", "marie@example.org", "+33612345678"
    )  # fmt: skip
    assert lead.callback_time == "morning"
    assert lead.answers == {
        "problem": "herniated_disc",
        "symptom_months": 11,
        "treatments": ["physio"],
        "imaging": "mri",
    }
    assert [line["text"] for line in lead.transcript] == [
        "J'ai mal au dos depuis 8 mois",
        "Merci, je note.",
        "I want to talk to someone",
    ]
    assert (lead.language, lead.channel, lead.outcome) == ("en", "rest", "human_requested")
    assert lead.conversation_id == "conv-marie"
    assert lead.consent_at == later
    assert lead.updated_at > lead.created_at


def test_a_second_submission_of_one_conversation_adds_only_new_lines(
    settings: LeadSettings,
) -> None:
    lines = transcript("Bonjour", "Bonjour !", "Je veux parler à quelqu'un", "D'accord.")
    submit_lead(make_submission(conversation_id="conv-marie", transcript=lines[:2]), settings)

    submit_lead(make_submission(conversation_id="conv-marie", transcript=lines, outcome="human_requested"), settings)

    [lead] = stored_leads(settings.database_url)
    assert [line["text"] for line in lead.transcript] == [line.text for line in lines]


def test_a_contacted_lead_stays_contacted_on_update(settings: LeadSettings) -> None:
    first = submit_lead(make_submission(conversation_id="conv-marie"), settings)
    _set_status(settings, first.lead_id, "contacted")

    submit_lead(make_submission(conversation_id="conv-marie", outcome="conservative_first"), settings)

    [lead] = stored_leads(settings.database_url)
    assert (lead.status, lead.outcome) == ("contacted", "conservative_first")


def test_different_people_get_different_leads(settings: LeadSettings) -> None:
    submit_lead(make_submission(), settings)
    submit_lead(make_submission(email=None, phone="+15145550123", name="Jean"), settings)
    submit_lead(make_submission(email="jean@example.org", name="Jean"), settings)

    names = [lead.name for lead in stored_leads(settings.database_url)]
    assert names == ["Marie Tremblay", "Jean", "Jean"]


HOSTILE_TEXTS = {
    "emoji": "Zoë 🦴💉 née Côté-Lévesque 🇨🇦",
    "sql": "Robert'); DROP TABLE leads; --",
    "html": '<script>alert("x")</script><img src=x onerror=alert(1)>',
    "quotes": 'O\'Brien "the back" `ticks` \\ backslash',
    "long": "douleur lombaire " * 117 + "fin",
}


@pytest.mark.parametrize("kind", sorted(HOSTILE_TEXTS))
def test_hostile_text_is_stored_verbatim(settings: LeadSettings, kind: str) -> None:
    text = HOSTILE_TEXTS[kind]
    answers = {"problem": text, "notes": [text, 3, None]}

    submit_lead(make_submission(name=text, answers=answers, transcript=transcript(text)), settings)

    [lead] = stored_leads(settings.database_url)
    assert lead.name == text
    assert lead.answers == answers
    assert lead.transcript[0]["text"] == text


def test_a_2000_character_message_is_kept_whole(settings: LeadSettings) -> None:
    text = ("é" * 999 + "🦴") * 2

    submit_lead(make_submission(name=text, transcript=transcript(text)), settings)

    [lead] = stored_leads(settings.database_url)
    assert len(lead.transcript[0]["text"]) == 2000
    assert lead.transcript[0]["text"] == text and lead.name == text


def test_characters_no_database_can_store_are_replaced(settings: LeadSettings) -> None:
    submit_lead(make_submission(name="a\x00b\ud800c"), settings)

    [lead] = stored_leads(settings.database_url)
    assert lead.name == "a\ufffdb\ufffdc"


@pytest.mark.parametrize(
    "changes",
    [
        {"email": None, "phone": None},
        {"email": "", "phone": None},
        {"outcome": "surgery_guaranteed"},
        {"consent_at": CONSENT_AT.replace(tzinfo=None)},
        {"answers": {"when": CONSENT_AT}},
        {"answers": ["back pain"]},
        {"channel": "x" * 65},
    ],
    ids=[
        "no-contact",
        "empty-contact",
        "unknown-outcome",
        "naive-consent",
        "not-json",
        "not-an-object",
        "too-long",
    ],
)
def test_a_broken_submission_is_a_programming_error(settings: LeadSettings, changes: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        submit_lead(make_submission(**changes), settings)
    assert not settings.spool_dir.exists()
