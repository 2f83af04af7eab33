"""The durable spool: nothing is lost while the database is down, nothing is stored twice."""

from __future__ import annotations

import dataclasses
import json
import logging
import shutil
import stat
from pathlib import Path

import pytest
from sqlalchemy.exc import DataError, OperationalError, ProgrammingError

from actions.leads import spool
from actions.leads.database import dispose_engines
from actions.leads.settings import LeadSettings
from actions.leads.submission import LeadReceipt, submit_lead
from tests.support.leads import make_submission, stored_leads
from tests.support.postgres import PostgresServer
from tests.support.receivers import free_port

SPOOLED = LeadReceipt(lead_id=None, created=False, spooled=True)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def down(settings: LeadSettings) -> LeadSettings:
    """The same settings, but the database refuses connections (nothing listens)."""
    url = f"postgresql+psycopg2://postgres@127.0.0.1:{free_port()}/leads"
    return dataclasses.replace(settings, database_url=url)


def test_postgres_down_spools_and_the_retry_thread_stores_later(
    postgres_server: PostgresServer, tmp_path: Path
) -> None:
    url = postgres_server.create_database("spool_outage")
    settings = LeadSettings.for_data_dir(tmp_path, database_url=url, spool_retry_seconds=0.05)
    before = submit_lead(make_submission(email="before@example.org"), settings)
    postgres_server.stop()
    try:
        receipt = submit_lead(make_submission(email="during@example.org"), settings)
        [spooled] = spool.pending(settings.spool_dir)
        assert (_mode(spooled), _mode(settings.spool_dir)) == (0o600, 0o700)
        assert json.loads(spooled.read_text())["submission"]["email"] == "during@example.org"
    finally:
        postgres_server.start()

    spool.ensure_retrier(settings).join(timeout=20)

    assert receipt == SPOOLED and not before.spooled
    assert spool.pending(settings.spool_dir) == []
    emails = [lead.email for lead in stored_leads(url)]
    assert emails == ["before@example.org", "during@example.org"]
    dispose_engines()
    postgres_server.drop_database("spool_outage")


def test_an_unreachable_database_spools_safely(down: LeadSettings, settings: LeadSettings) -> None:
    submission = make_submission()
    receipt = submit_lead(submission, down)

    [spooled] = spool.pending(down.spool_dir)
    assert receipt == SPOOLED
    assert (_mode(spooled), _mode(down.spool_dir)) == (0o600, 0o700)
    assert not list(down.spool_dir.glob(".*.tmp"))
    spool_id, read_back = spool.read(spooled)
    assert read_back == submission
    result = spool.drain(settings)
    assert [stored.lead_id for stored in result.stored] == [1]
    assert stored_leads(settings.database_url)[0].spool_id == spool_id


def test_older_spooled_submissions_are_stored_first(down: LeadSettings, settings: LeadSettings) -> None:
    submit_lead(make_submission(email="first@example.org"), down)
    submit_lead(make_submission(email="second@example.org"), down)

    receipt = submit_lead(make_submission(email="third@example.org"), settings)

    emails = [lead.email for lead in stored_leads(settings.database_url)]
    assert emails == ["first@example.org", "second@example.org", "third@example.org"]
    assert receipt == LeadReceipt(lead_id=3, created=True, spooled=False)
    assert spool.pending(settings.spool_dir) == []


def test_a_crash_between_commit_and_delete_does_not_store_twice(settings: LeadSettings, tmp_path: Path) -> None:
    spooled = spool.write(settings.spool_dir, make_submission())
    survivor = shutil.copy(spooled, tmp_path / "copy")
    spool.drain(settings)
    shutil.move(survivor, spooled)

    result = spool.drain(settings)

    [lead] = stored_leads(settings.database_url)
    assert len(lead.transcript) == len(make_submission().transcript)
    assert (result.stored, result.remaining, spooled.exists()) == ([], 0, False)


@pytest.mark.parametrize(
    "content",
    ["{not json", '{"format": 1, "spool_id": "x"}', '{"format": 99}', "[]"],
    ids=["garbage", "no-submission", "unknown-format", "not-an-object"],
)
def test_an_unreadable_spool_file_is_moved_aside(settings: LeadSettings, content: str) -> None:
    broken = settings.spool_dir / "00000000000000000000-broken.json"
    spool.write(settings.spool_dir, make_submission())
    broken.write_text(content)

    result = spool.drain(settings)

    rejected = settings.spool_dir / spool.REJECTED / broken.name
    assert rejected.read_text() == content
    assert (result.rejected, len(result.stored), result.remaining) == (1, 1, 0)
    assert _mode(rejected.parent) == 0o700


def test_an_invalid_submission_in_the_spool_is_moved_aside(settings: LeadSettings) -> None:
    spooled = spool.write(settings.spool_dir, make_submission())
    document = json.loads(spooled.read_text())
    document["submission"]["email"] = None
    spooled.write_text(json.dumps(document))

    result = spool.drain(settings)

    assert (result.rejected, result.stored) == (1, [])
    assert (settings.spool_dir / spool.REJECTED / spooled.name).exists()
    assert stored_leads(settings.database_url) == []


@pytest.mark.parametrize(
    "failure",
    [
        OperationalError("connect", {}, Exception("connection refused")),
        ProgrammingError("INSERT", {}, Exception("permission denied for table leads")),
    ],
    ids=["outage", "misconfiguration"],
)
def test_refused_data_is_moved_aside_but_a_failing_database_keeps_the_file(
    settings: LeadSettings, monkeypatch: pytest.MonkeyPatch, failure: Exception
) -> None:
    refused = spool.write(settings.spool_dir, make_submission(email="refused@example.org"))
    waiting = spool.write(settings.spool_dir, make_submission(email="waiting@example.org"))
    errors = iter([DataError("INSERT", {}, Exception("value too long")), failure])

    def failing_store(*args: object) -> None:
        raise next(errors)

    monkeypatch.setattr(spool, "store_submission", failing_store)

    result = spool.drain(settings)

    assert (result.rejected, result.remaining, result.unavailable) == (1, 1, True)
    assert (settings.spool_dir / spool.REJECTED / refused.name).exists()
    assert spool.pending(settings.spool_dir) == [waiting]


def test_log_lines_name_files_and_leads_but_no_personal_detail(
    down: LeadSettings, settings: LeadSettings, caplog: pytest.LogCaptureFixture
) -> None:
    private = make_submission(name="Zéphyrine Quintal", email="zq@example.org", answers={"problem": "sténose"})
    caplog.set_level(logging.DEBUG, logger="actions.leads")

    submit_lead(private, down)
    [spooled] = spool.pending(settings.spool_dir)
    spool.drain(settings)

    logged = caplog.text
    assert spooled.name in logged and "stored as lead 1" in logged
    assert not [text for text in ("Zéphyrine", "zq@example.org", "sténose") if text in logged]
