"""The coordinators' follow-up of a lead: the inbox's order, filters and search, status
history, notes, and what merging or deleting a lead does to them, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from actions.leads.database import get_engine
from actions.leads.models import LeadNote, LeadStatusChange
from actions.leads.repository import InboxFilter, LeadRepository
from actions.leads.settings import LeadSettings
from actions.leads.submission import submit_lead
from tests.support.leads import make_submission


@pytest.fixture
def three_leads(settings: LeadSettings) -> list[int]:
    """Marie (new), then Jean (English, WhatsApp, phone), then Zoé 100% (new, candidate)."""
    return [
        submit_lead(make_submission(), settings).lead_id,
        submit_lead(
            make_submission(
                name="Jean Côté", language="en", channel="whatsapp", email=None, phone="+15145550123",
                outcome="human_requested",
            ),
            settings,
        ).lead_id,
        submit_lead(make_submission(name="Zoé 100%_vrai", email="zoe@example.org"), settings).lead_id,
    ]  # fmt: skip


@pytest.fixture
def repository(settings: LeadSettings) -> Iterator[LeadRepository]:
    with Session(get_engine(settings.database_url), future=True) as session, session.begin():
        yield LeadRepository(session)


def _ids(leads: list) -> list[int]:
    return [lead.id for lead in leads]


def test_the_inbox_shows_new_leads_first_newest_first(repository: LeadRepository, three_leads: list[int]) -> None:
    marie, jean, zoe = three_leads
    repository.set_status(repository.get(zoe), "contacted", "claire")

    assert _ids(repository.inbox(InboxFilter())) == [jean, marie, zoe]


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        (InboxFilter(status="new"), [0, 1, 2]),
        (InboxFilter(language="en"), [1]),
        (InboxFilter(channel="whatsapp"), [1]),
        (InboxFilter(outcome="candidate"), [0, 2]),
        (InboxFilter(search="MARIE@"), [0]),
        (InboxFilter(search="555012"), [1]),
        (InboxFilter(search="tremblay"), [0]),
        (InboxFilter(search="100%_"), [2]),
        (InboxFilter(search="%"), [2]),
        (InboxFilter(search="cote"), [1]),
        (InboxFilter(search="ZOÉ"), [2]),
        (InboxFilter(search="(514) 555-0123"), [1]),
        # The digits of an e-mail address are no phone number.
        (InboxFilter(search="nobody-5550@exemple.ca"), []),
        (InboxFilter(created_before=datetime(2000, 1, 1, tzinfo=UTC)), []),
    ],
)
def test_the_inbox_filters_and_searches(
    repository: LeadRepository, three_leads: list[int], chosen: InboxFilter, expected: list[int]
) -> None:
    assert sorted(_ids(repository.inbox(chosen))) == [three_leads[index] for index in expected]


def test_a_date_range_keeps_the_leads_created_in_it(repository: LeadRepository, three_leads: list[int]) -> None:
    now = datetime.now(UTC)

    assert (
        len(
            repository.inbox(
                InboxFilter(created_from=now - timedelta(hours=1), created_before=now + timedelta(hours=1))
            )
        )
        == 3
    )
    assert repository.inbox(InboxFilter(created_from=now + timedelta(hours=1))) == []


def test_status_changes_are_kept_with_their_author(repository: LeadRepository, three_leads: list[int]) -> None:
    lead = repository.get(three_leads[0])

    repository.set_status(lead, "contacted", "claire")
    repository.set_status(lead, "contacted", "claire")
    repository.set_status(lead, "closed", "marc")

    history = [(change.author, change.from_status, change.to_status) for change in repository.status_history(lead.id)]
    assert history == [("claire", "new", "contacted"), ("marc", "contacted", "closed")]
    assert lead.status == "closed"


def test_notes_are_kept_in_order(repository: LeadRepository, three_leads: list[int]) -> None:
    lead = repository.get(three_leads[0])

    repository.add_note(lead, "claire", "Appelée, pas de réponse")
    repository.add_note(lead, "marc", "Rappel\x00 lundi")

    assert [(note.author, note.text) for note in repository.notes(lead.id)] == [
        ("claire", "Appelée, pas de réponse"),
        ("marc", "Rappel\ufffd lundi"),
    ]


def test_a_merge_moves_the_notes_and_history_and_a_deletion_removes_them(
    repository: LeadRepository, three_leads: list[int]
) -> None:
    marie, jean, zoe = (repository.get(lead_id) for lead_id in three_leads)
    repository.add_note(jean, "claire", "note de Jean")
    repository.set_status(jean, "contacted", "claire")
    repository.session.flush()

    repository.merge(jean, marie)
    repository.session.flush()
    moved = [note.text for note in repository.notes(marie.id)], len(repository.status_history(marie.id))
    repository.add_note(zoe, "claire", "note de Zoé")
    repository.delete([marie])
    repository.session.flush()

    assert moved == (["note de Jean"], 1)
    session = repository.session
    assert session.execute(select(LeadNote.lead_id)).scalars().all() == [zoe.id]
    assert session.execute(select(LeadStatusChange)).scalars().all() == []
