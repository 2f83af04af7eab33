"""Console sessions in the database: only the token's hash is kept; idle and disabled sessions end."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from actions.leads import staff
from actions.leads.database import dispose_engines, ensure_schema, get_engine
from actions.leads.models import ConsoleSession
from console.sessions import (
    Expired,
    SignedIn,
    end_session,
    load_session,
    new_token,
    same_token,
    start_session,
    token_hash,
)

IDLE = timedelta(minutes=30)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Session]:
    """A session on a new SQLite lead database, committed at the end."""
    engine = get_engine(f"sqlite:///{tmp_path / 'leads.sqlite3'}")
    ensure_schema(engine)
    with Session(engine, future=True) as session, session.begin():
        yield session
    dispose_engines()


def test_tokens_are_random_and_only_their_hash_is_stored(db: Session) -> None:
    account = staff.add_account(db, "claire", "coordinator", "a long password here")

    token = start_session(db, account, "en")
    db.flush()

    (row,) = db.execute(select(ConsoleSession)).scalars()
    assert len(token) >= 43 and token != new_token()
    assert row.token_hash == token_hash(token) and token not in (row.token_hash, row.csrf_token)
    signed_in = load_session(db, token, IDLE)
    assert signed_in == SignedIn(row.id, "claire", "coordinator", "en", row.csrf_token)


@pytest.mark.parametrize(("expected", "given"), [("abc", None), ("abc", ""), (None, "abc"), ("abc", "abd")])
def test_tokens_that_differ_or_are_missing_are_refused(expected: str | None, given: str | None) -> None:
    assert not same_token(expected, given)
    assert same_token("abc", "abc")


def test_an_idle_session_ends_and_says_its_language(db: Session) -> None:
    account = staff.add_account(db, "claire", "coordinator", "a long password here")
    token = start_session(db, account, "en")
    db.flush()
    db.execute(update(ConsoleSession).values(last_seen_at=datetime.now(UTC) - IDLE - timedelta(seconds=1)))

    assert load_session(db, token, IDLE) == Expired("en")
    db.flush()
    assert load_session(db, token, IDLE) is None


def test_a_page_s_own_poll_does_not_keep_the_session_alive(db: Session) -> None:
    account = staff.add_account(db, "claire", "coordinator", "a long password here")
    token = start_session(db, account, "en")
    db.flush()
    seen = datetime.now(UTC) - IDLE + timedelta(seconds=30)
    db.execute(update(ConsoleSession).values(last_seen_at=seen))

    assert isinstance(load_session(db, token, IDLE, touch=False), SignedIn)
    assert db.execute(select(ConsoleSession.last_seen_at)).scalar_one() == seen
    assert isinstance(load_session(db, token, IDLE), SignedIn)
    assert db.execute(select(ConsoleSession.last_seen_at)).scalar_one() > seen


def test_a_disabled_account_or_a_sign_out_ends_the_session(db: Session) -> None:
    account = staff.add_account(db, "claire", "coordinator", "a long password here")
    first, second = start_session(db, account, "fr"), start_session(db, account, "fr")
    db.flush()

    end_session(db, first)
    account.disabled_at = datetime.now(UTC)

    assert load_session(db, first, IDLE) is None
    assert load_session(db, second, IDLE) == Expired("fr")
    assert load_session(db, "made-up", IDLE) is None and load_session(db, None, IDLE) is None
