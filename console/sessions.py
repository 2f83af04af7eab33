"""Server-side sessions of the console: cookies, CSRF tokens, idle timeout.

The cookie holds a random token (``secrets.token_urlsafe``, 256 bits); the database keeps only
its SHA-256, so a copy of the database opens no session. Each session has its own CSRF token,
sent in every form and compared in constant time. The login form, before any session, is
protected by a random value in a cookie of its own that the form must repeat.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sanic.response import HTTPResponse
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from actions.leads.models import ConsoleSession, StaffAccount

SESSION_COOKIE = "sos_console_session"
LOGIN_COOKIE = "sos_console_login"
TOKEN_BYTES = 32


@dataclass(frozen=True)
class SignedIn:
    """The staff member behind a request.

    Attributes:
        session_id: Their console session's row id.
        name: Their account name.
        role: ``coordinator`` or ``admin``.
        language: The console's language for them (``fr``, ``en``).
        csrf_token: The token every form of theirs must carry.
    """

    session_id: int
    name: str
    role: str
    language: str
    csrf_token: str

    @property
    def is_admin(self) -> bool:
        """Whether they may reach the administrators' pages."""
        return self.role == "admin"


def new_token() -> str:
    """A random, URL-safe token."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """What the database keeps of a session's token."""
    return hashlib.sha256(token.encode()).hexdigest()


def same_token(expected: str | None, given: str | None) -> bool:
    """Whether two tokens are equal, compared in constant time (missing: never)."""
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


def start_session(db: Session, account: StaffAccount, language: str) -> str:
    """Opens a session for ``account``; the caller commits.

    Returns:
        The token for the cookie (never stored).
    """
    token, now = new_token(), datetime.now(UTC)
    db.add(
        ConsoleSession(
            token_hash=token_hash(token),
            account_id=account.id,
            csrf_token=new_token(),
            language=language,
            created_at=now,
            last_seen_at=now,
        )
    )
    return token


@dataclass(frozen=True)
class Expired:
    """A session that ended (idle too long, or its account disabled).

    Attributes:
        language: Its language, for the login page that says so.
    """

    language: str


def load_session(
    db: Session, token: str | None, idle_timeout: timedelta, touch: bool = True
) -> SignedIn | Expired | None:
    """The signed-in staff member of a cookie's token, and the session marked as used now.

    Args:
        db: An open session of the database (the caller commits).
        token: The cookie's value.
        idle_timeout: How long an unused session lasts.
        touch: Whether the request counts as use; a page's own poll does not (an open tab left
            alone must still time out).

    Returns:
        Who is signed in; :class:`Expired` when the session was idle too long (it is deleted)
        or its account disabled; ``None`` without a known session.
    """
    if not token:
        return None
    row = db.execute(select(ConsoleSession).where(ConsoleSession.token_hash == token_hash(token))).scalars().first()
    if row is None:
        return None
    now = datetime.now(UTC)
    account = db.get(StaffAccount, row.account_id)
    if now - row.last_seen_at > idle_timeout or account is None or account.disabled_at is not None:
        db.delete(row)
        return Expired(row.language)
    if touch:
        row.last_seen_at = now
    return SignedIn(row.id, account.name, account.role, row.language, row.csrf_token)


def end_session(db: Session, token: str | None) -> None:
    """Deletes the session of this token, if any."""
    if token:
        db.execute(delete(ConsoleSession).where(ConsoleSession.token_hash == token_hash(token)))


def set_language(db: Session, session_id: int, language: str) -> None:
    """Changes the console's language of a session."""
    row = db.get(ConsoleSession, session_id)
    if row is not None:
        row.language = language


def forget_idle_sessions(db: Session, idle_timeout: timedelta) -> None:
    """Deletes the sessions idle for longer than ``idle_timeout``."""
    db.execute(delete(ConsoleSession).where(ConsoleSession.last_seen_at < datetime.now(UTC) - idle_timeout))


def set_cookie(response: HTTPResponse, name: str, value: str, secure: bool) -> None:
    """Sets a session-long cookie: HttpOnly, SameSite=Strict, path /, Secure behind TLS."""
    response.cookies[name] = value
    cookie = response.cookies[name]
    cookie["httponly"] = True
    cookie["samesite"] = "Strict"
    cookie["path"] = "/"
    if secure:
        cookie["secure"] = True


def clear_cookie(response: HTTPResponse, name: str, secure: bool) -> None:
    """Tells the browser to drop a cookie."""
    set_cookie(response, name, "", secure)
    response.cookies[name]["max-age"] = 0
