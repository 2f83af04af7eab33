"""Staff accounts of the coordinator console: creation, passwords, roles and login throttling.

Passwords are hashed with Argon2id (argon2-cffi's defaults, RFC 9106's low-memory choice);
a hash made with older parameters is replaced at the next good login. Guessing is throttled per
account name and per client address: after ``ACCOUNT_FAILURES`` (or ``ADDRESS_FAILURES``)
refused logins within ``THROTTLE_WINDOW``, every login there is refused until the oldest
failure leaves the window, the right password included.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from actions.leads.models import NAME_LENGTH, ROLES, ConsoleSession, LoginFailure, StaffAccount

ACCOUNT_FAILURES = 5
ADDRESS_FAILURES = 20
THROTTLE_WINDOW = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 12
_NAME = re.compile(rf"[a-z0-9][a-z0-9._-]{{0,{NAME_LENGTH - 1}}}")


class AccountError(ValueError):
    """A name, role or password the staff can fix; the message says how."""


@dataclass(frozen=True)
class LoginResult:
    """The answer to a login attempt.

    Attributes:
        account: The signed-in account, or ``None``.
        throttled_for: When refused because of too many failures, how long until a retry can
            succeed; else ``None``.
    """

    account: StaffAccount | None
    throttled_for: timedelta | None = None


@cache
def hasher() -> PasswordHasher:
    """The process's Argon2id hasher (built on first use)."""
    return PasswordHasher()


def check_name(name: str) -> str:
    """The account name, lower case, if it is valid.

    Raises:
        AccountError: Not 1-64 letters, digits, dots, dashes or underscores.
    """
    name = name.strip().lower()
    if not _NAME.fullmatch(name):
        raise AccountError(f"an account name is 1 to {NAME_LENGTH} letters, digits, '.', '-' or '_'")
    return name


def check_password(password: str) -> str:
    """The password, if long enough.

    Raises:
        AccountError: Shorter than ``MIN_PASSWORD_LENGTH`` characters.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"a password has at least {MIN_PASSWORD_LENGTH} characters")
    return password


def find_account(session: Session, name: str) -> StaffAccount | None:
    """The account named ``name`` (any case), if any."""
    return session.execute(select(StaffAccount).where(StaffAccount.name == name.strip().lower())).scalars().first()


def all_accounts(session: Session) -> list[StaffAccount]:
    """Every account, by name."""
    return list(session.execute(select(StaffAccount).order_by(StaffAccount.name)).scalars())


def add_account(session: Session, name: str, role: str, password: str) -> StaffAccount:
    """Creates an account; the caller commits.

    Raises:
        AccountError: A bad name, role or password, or the name is taken.
    """
    name = check_name(name)
    if role not in ROLES:
        raise AccountError(f"the role is one of {', '.join(ROLES)}")
    if find_account(session, name) is not None:
        raise AccountError(f"there is already an account named {name}")
    account = StaffAccount(
        name=name, role=role, password_hash=hasher().hash(check_password(password)), created_at=datetime.now(UTC)
    )
    session.add(account)
    session.flush()
    return account


def set_password(session: Session, account: StaffAccount, password: str) -> None:
    """Replaces the password and signs the account out everywhere; the caller commits."""
    account.password_hash = hasher().hash(check_password(password))
    end_sessions(session, account)


def disable_account(session: Session, account: StaffAccount) -> None:
    """Disables the account and signs it out everywhere; the caller commits."""
    account.disabled_at = account.disabled_at or datetime.now(UTC)
    end_sessions(session, account)


def enable_account(account: StaffAccount) -> None:
    """Allows a disabled account to sign in again."""
    account.disabled_at = None


def end_sessions(session: Session, account: StaffAccount) -> None:
    """Deletes every console session of ``account``."""
    session.execute(delete(ConsoleSession).where(ConsoleSession.account_id == account.id))


def log_in(session: Session, name: str, password: str, client_address: str, now: datetime | None = None) -> LoginResult:
    """Checks a login; records a failure; the caller commits.

    An unknown or disabled account costs as much time as a wrong password (a hash is verified
    either way), so the answer does not tell which names exist.

    Args:
        session: An open session.
        name: The account name typed.
        password: The password typed.
        client_address: The client's IP address.
        now: The current time (tests).

    Returns:
        The account when the password is right and nothing throttles it.
    """
    now = now or datetime.now(UTC)
    name = name.strip().lower()[:NAME_LENGTH]
    client_address = client_address[:64]
    wait = _throttled_for(session, name, client_address, now)
    if wait is not None:
        return LoginResult(None, wait)
    account = find_account(session, name)
    usable = account is not None and account.disabled_at is None
    if _verify(account.password_hash if usable else _dummy_hash(), password) and usable:
        if hasher().check_needs_rehash(account.password_hash):
            account.password_hash = hasher().hash(password)
        return LoginResult(account)
    session.add(LoginFailure(account_name=name, client_address=client_address, at=now))
    return LoginResult(None)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def _dummy_hash() -> str:
    return hasher().hash("not the password of any account")


def _throttled_for(session: Session, name: str, client_address: str, now: datetime) -> timedelta | None:
    """How long logins for this name or from this address stay refused, or ``None``."""
    since = now - THROTTLE_WINDOW
    waits = []
    for column, value, limit in (
        (LoginFailure.account_name, name, ACCOUNT_FAILURES),
        (LoginFailure.client_address, client_address, ADDRESS_FAILURES),
    ):
        recent = select(LoginFailure.at).where(column == value, LoginFailure.at >= since)
        count = session.execute(select(func.count()).select_from(recent.subquery())).scalar_one()
        if count >= limit:
            times = sorted(session.execute(recent).scalars())
            waits.append(times[count - limit] + THROTTLE_WINDOW - now)
    return max(waits) if waits else None


def forget_failures(session: Session, before: datetime) -> None:
    """Deletes the failed logins older than ``before`` (they no longer throttle anything)."""
    session.execute(delete(LoginFailure).where(LoginFailure.at < before))
