"""Staff accounts: names, Argon2 passwords, roles, login throttling, and the ``sos-leads staff``
commands, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from actions.leads import staff
from actions.leads.cli import main
from actions.leads.database import ensure_schema, get_engine
from actions.leads.models import ConsoleSession, LoginFailure, StaffAccount
from actions.leads.staff import ACCOUNT_FAILURES, ADDRESS_FAILURES, THROTTLE_WINDOW, AccountError

PASSWORD = "correct horse battery"
NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    """A session on the test database, committed at the end."""
    engine = get_engine(database_url)
    ensure_schema(engine)
    with Session(engine, future=True) as opened, opened.begin():
        yield opened


def test_an_account_keeps_only_an_argon2id_hash(session: Session) -> None:
    account = staff.add_account(session, "  Claire.Roy ", "coordinator", PASSWORD)

    assert account.name == "claire.roy" and account.role == "coordinator" and not account.is_admin
    assert account.password_hash.startswith("$argon2id$") and PASSWORD not in account.password_hash


@pytest.mark.parametrize(
    ("name", "role", "password", "message"),
    [
        ("claire roy", "coordinator", PASSWORD, "account name"),
        ("", "coordinator", PASSWORD, "account name"),
        ("claire", "owner", PASSWORD, "role"),
        ("claire", "admin", "short", "at least 12"),
    ],
)
def test_bad_names_roles_and_passwords_are_refused(
    session: Session, name: str, role: str, password: str, message: str
) -> None:
    with pytest.raises(AccountError, match=message):
        staff.add_account(session, name, role, password)


def test_a_name_is_taken_once(session: Session) -> None:
    staff.add_account(session, "claire", "coordinator", PASSWORD)

    with pytest.raises(AccountError, match="already an account"):
        staff.add_account(session, "CLAIRE", "admin", PASSWORD)


def test_the_right_password_signs_in_and_a_wrong_one_is_recorded(session: Session) -> None:
    staff.add_account(session, "claire", "coordinator", PASSWORD)

    good = staff.log_in(session, "Claire", PASSWORD, "127.0.0.1", NOW)
    bad = staff.log_in(session, "claire", "wrong password", "127.0.0.1", NOW)
    unknown = staff.log_in(session, "nobody", PASSWORD, "127.0.0.1", NOW)

    assert good.account is not None and good.account.name == "claire"
    assert bad.account is None and bad.throttled_for is None and unknown.account is None
    failures = session.execute(select(LoginFailure.account_name)).scalars().all()
    assert sorted(failures) == ["claire", "nobody"]


def test_failures_throttle_the_account_until_the_oldest_leaves_the_window(session: Session) -> None:
    staff.add_account(session, "claire", "coordinator", PASSWORD)
    for minute in range(ACCOUNT_FAILURES):
        staff.log_in(session, "claire", "wrong password", f"10.0.0.{minute}", NOW + timedelta(minutes=minute))

    later = NOW + timedelta(minutes=ACCOUNT_FAILURES)
    throttled = staff.log_in(session, "claire", PASSWORD, "10.0.1.1", later)
    after_the_window = staff.log_in(
        session, "claire", PASSWORD, "10.0.1.1", NOW + THROTTLE_WINDOW + timedelta(seconds=1)
    )

    assert throttled.account is None and throttled.throttled_for == THROTTLE_WINDOW - timedelta(minutes=5)
    assert after_the_window.account is not None


def test_failures_from_one_address_throttle_every_account_from_it(session: Session) -> None:
    staff.add_account(session, "claire", "coordinator", PASSWORD)
    for number in range(ADDRESS_FAILURES):
        staff.log_in(session, f"guess{number}", "wrong password", "203.0.113.9", NOW)

    from_there = staff.log_in(session, "claire", PASSWORD, "203.0.113.9", NOW)
    from_elsewhere = staff.log_in(session, "claire", PASSWORD, "198.51.100.1", NOW)

    assert from_there.throttled_for is not None and from_elsewhere.account is not None


def test_a_disabled_account_cannot_sign_in_and_loses_its_sessions(session: Session) -> None:
    account = staff.add_account(session, "claire", "coordinator", PASSWORD)
    session.add(
        ConsoleSession(
            token_hash="0" * 64, account_id=account.id, csrf_token="x", language="fr", created_at=NOW, last_seen_at=NOW
        )
    )
    session.flush()

    staff.disable_account(session, account)

    assert staff.log_in(session, "claire", PASSWORD, "127.0.0.1", NOW).account is None
    assert session.execute(select(ConsoleSession)).scalars().all() == []
    staff.enable_account(account)
    assert staff.log_in(session, "claire", PASSWORD, "127.0.0.1", NOW).account is not None


def test_a_new_password_replaces_the_old_one(session: Session) -> None:
    account = staff.add_account(session, "claire", "coordinator", PASSWORD)

    staff.set_password(session, account, "another long password")

    assert staff.log_in(session, "claire", PASSWORD, "127.0.0.1", NOW).account is None
    assert staff.log_in(session, "claire", "another long password", "127.0.0.2", NOW).account is not None


@pytest.fixture
def typed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What the staff types at the password prompts (consumed in order)."""
    answers: list[str] = []
    monkeypatch.setattr("getpass.getpass", lambda prompt="": answers.pop(0))
    return answers


def run(database_url: str, *argv: str) -> int:
    return main(["staff", *argv, "--database-url", database_url])


def test_the_staff_commands(database_url: str, typed: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    typed.extend([PASSWORD, PASSWORD])
    assert run(database_url, "add", "Marie", "--role", "admin") == 0
    typed.extend([PASSWORD, "not the same password"])
    assert run(database_url, "add", "claire", "--role", "coordinator") == 2
    typed.extend(["short", "short"])
    assert run(database_url, "add", "claire", "--role", "coordinator") == 2
    typed.extend([PASSWORD, PASSWORD])
    assert run(database_url, "add", "claire", "--role", "coordinator") == 0
    assert run(database_url, "disable", "claire") == 0
    typed.extend(["a brand new password", "a brand new password"])
    assert run(database_url, "password", "marie") == 0
    assert run(database_url, "disable", "nobody") == 2
    capsys.readouterr()

    assert run(database_url, "list") == 0

    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[:3] for line in lines] == [["claire", "coordinator", "disabled"], ["marie", "admin", "active"]]
    with Session(get_engine(database_url), future=True) as session:
        marie = session.execute(select(StaffAccount).where(StaffAccount.name == "marie")).scalar_one()
        assert staff.log_in(session, "marie", "a brand new password", "127.0.0.1").account is not None
        assert marie.role == "admin"
