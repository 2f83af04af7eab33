"""The live hand-off's table: waiting conversations, one claim at a time, idle claims released.

Run on SQLite and on a real PostgreSQL server (the ``database_url`` fixture), with real
concurrent sessions for the race of two coordinators claiming at once.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from actions.leads import live
from actions.leads.database import ensure_schema, get_engine
from actions.leads.models import LiveConversation
from actions.leads.settings import LeadSettings

IDLE = timedelta(minutes=15)
NOW = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)


def _waiting_row(database_url: str, conversation_id: str = "c1", channel: str = "socketio") -> int:
    engine = get_engine(database_url)
    ensure_schema(engine)
    with Session(engine, future=True) as db, db.begin():
        row = live.mark_waiting(db, channel, conversation_id, "fr", NOW)
        db.flush()
        return row.id


def _row(database_url: str, row_id: int) -> LiveConversation:
    with Session(get_engine(database_url), future=True) as db:
        found = db.get(LiveConversation, row_id)
        db.expunge(found)
        return found


def _claim(database_url: str, row_id: int, name: str, now: datetime = NOW) -> bool:
    with Session(get_engine(database_url), future=True) as db, db.begin():
        return live.claim(db, row_id, name, now, IDLE)


def test_a_waiting_conversation_goes_to_its_first_claimant_only(database_url: str) -> None:
    row_id = _waiting_row(database_url)

    assert _claim(database_url, row_id, "claire") is True
    assert _claim(database_url, row_id, "marc", NOW + timedelta(minutes=1)) is False
    assert _row(database_url, row_id).coordinator == "claire"


def test_two_coordinators_claiming_at_once_exactly_one_wins(database_url: str) -> None:
    for attempt in range(5):
        row_id = _waiting_row(database_url, f"race-{attempt}")
        start, results = threading.Barrier(2), {}

        def claim_as(
            name: str, row_id: int = row_id, start: threading.Barrier = start, results: dict = results
        ) -> None:
            engine = get_engine(database_url)
            with Session(engine, future=True) as db, db.begin():
                start.wait(timeout=10)
                results[name] = live.claim(db, row_id, name, NOW, IDLE)

        threads = [threading.Thread(target=claim_as, args=(name,)) for name in ("claire", "marc")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

        assert sorted(results.values()) == [False, True], results
        winner = next(name for name, won in results.items() if won)
        assert _row(database_url, row_id).coordinator == winner


def test_an_idle_claim_is_waiting_again_and_can_be_taken(database_url: str) -> None:
    row_id = _waiting_row(database_url)
    _claim(database_url, row_id, "claire")
    later = NOW + IDLE + timedelta(seconds=1)

    with Session(get_engine(database_url), future=True) as db:
        (shown,) = live.open_conversations(db, later, IDLE)
    assert shown.waiting and shown.coordinator is None
    assert _claim(database_url, row_id, "marc", later) is True
    assert _row(database_url, row_id).coordinator == "marc"


def test_a_reply_keeps_the_claim_alive(database_url: str) -> None:
    row_id = _waiting_row(database_url)
    _claim(database_url, row_id, "claire")
    with Session(get_engine(database_url), future=True) as db, db.begin():
        assert live.touch(db, row_id, "claire", NOW + timedelta(minutes=10)) is True
        assert live.touch(db, row_id, "marc", NOW + timedelta(minutes=10)) is False

    assert _claim(database_url, row_id, "marc", NOW + timedelta(minutes=20)) is False


def test_release_and_a_new_request_put_the_conversation_back_in_the_list(database_url: str) -> None:
    row_id = _waiting_row(database_url)
    _claim(database_url, row_id, "claire")
    engine = get_engine(database_url)
    with Session(engine, future=True) as db, db.begin():
        assert live.release(db, row_id, "marc", "closed", NOW) is False
        assert live.release(db, row_id, "claire", "handed_back", NOW) is True
    with Session(engine, future=True) as db:
        assert live.open_conversations(db, NOW, IDLE) == []

    again = _waiting_row(database_url)

    assert again == row_id
    found = _row(database_url, row_id)
    assert (found.status, found.coordinator) == ("waiting", None)


def test_a_request_from_a_held_conversation_keeps_its_coordinator(database_url: str) -> None:
    row_id = _waiting_row(database_url)
    _claim(database_url, row_id, "claire")

    _waiting_row(database_url)

    assert _row(database_url, row_id).coordinator == "claire"


def test_requeue_frees_the_conversation_for_anyone(database_url: str) -> None:
    row_id = _waiting_row(database_url)
    _claim(database_url, row_id, "claire")
    with Session(get_engine(database_url), future=True) as db, db.begin():
        assert live.requeue(db, row_id, "claire", NOW) is True

    assert _claim(database_url, row_id, "marc") is True


def test_the_same_id_on_two_channels_is_two_conversations(database_url: str) -> None:
    assert _waiting_row(database_url, "15145550000", "whatsapp") != _waiting_row(database_url, "15145550000", "rest")


def test_note_waiting_reports_a_database_it_cannot_reach(tmp_path) -> None:
    unreachable = LeadSettings.for_data_dir(tmp_path, database_url=f"sqlite:///{tmp_path}/missing/dir/x.sqlite3")
    (tmp_path / "missing").write_text("a file where a folder should be")

    assert live.note_waiting("socketio", "c1", "fr", unreachable) is False


def test_note_waiting_lists_the_conversation(settings: LeadSettings) -> None:
    assert live.note_waiting("socketio", "c9", "en", settings) is True

    with Session(get_engine(settings.database_url), future=True) as db:
        (shown,) = live.open_conversations(db, datetime.now(UTC), IDLE)
    assert (shown.channel, shown.language, shown.waiting) == ("socketio", "en", True)
