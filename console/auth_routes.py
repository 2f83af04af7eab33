"""Signing in and out, and the choice of the console's language."""

from __future__ import annotations

import asyncio
import math
from datetime import UTC, datetime

from sanic import Sanic
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy.orm import Session

from actions.leads import staff
from console.labels import chosen_language
from console.pages import error_page, render, see_other, staff_of, unit_of_work
from console.sessions import (
    LOGIN_COOKIE,
    SESSION_COOKIE,
    clear_cookie,
    end_session,
    forget_idle_sessions,
    new_token,
    same_token,
    set_cookie,
    set_language,
    start_session,
)

TOKEN_LENGTH = 43
NOTICES = {"expired": "expired", "signed_out": "signed_out"}


def register(app: Sanic) -> None:
    """Adds the routes of this module to ``app``."""
    app.add_route(login_page, "/login", methods=["GET"])
    app.add_route(log_in, "/login", methods=["POST"])
    app.add_route(log_out, "/logout", methods=["POST"])
    app.add_route(change_language, "/language", methods=["POST"])


async def login_page(request: Request) -> HTTPResponse:
    """The login form, with a fresh login CSRF token in its own cookie."""
    notice = next((key for arg, key in NOTICES.items() if request.args.get(arg)), None)
    return _login_form(request, notice=notice)


async def log_in(request: Request) -> HTTPResponse:
    """Checks the account and password (throttled), then opens a session."""
    if not same_token(request.cookies.get(LOGIN_COOKIE), request.form.get("csrf")):
        return error_page(request, 403, "error_csrf")
    name, password = request.form.get("name", ""), request.form.get("password", "")
    language = chosen_language(request.form.get("lang"))
    address = request.remote_addr or request.ip or "unknown"
    result, token = await asyncio.to_thread(_check_login, request, name, password, address, language)
    if result.throttled_for is not None:
        minutes = max(1, math.ceil(result.throttled_for.total_seconds() / 60))
        return _login_form(request, error="throttled", minutes=minutes, name=name, status=429)
    if token is None:
        return _login_form(request, error="wrong_login", name=name, status=401)
    response = see_other("/leads")
    secure = request.app.ctx.settings.secure_cookies
    set_cookie(response, SESSION_COOKIE, token, secure)
    clear_cookie(response, LOGIN_COOKIE, secure)
    return response


def _check_login(
    request: Request, name: str, password: str, address: str, language: str
) -> tuple[staff.LoginResult, str | None]:
    """Runs in a worker thread: Argon2 takes tens of milliseconds on purpose. Failures that no
    longer throttle anything and idle sessions are deleted on the way."""
    settings = request.app.ctx.settings
    with Session(request.app.ctx.engine, future=True) as db, db.begin():
        staff.forget_failures(db, datetime.now(UTC) - staff.THROTTLE_WINDOW)
        forget_idle_sessions(db, settings.idle_timeout)
        result = staff.log_in(db, name, password, address)
        token = start_session(db, result.account, language) if result.account is not None else None
    return result, token


async def log_out(request: Request) -> HTTPResponse:
    """Ends the session and goes back to the login page."""
    language = staff_of(request).language
    with unit_of_work(request) as db:
        end_session(db, request.cookies.get(SESSION_COOKIE))
    response = see_other(f"/login?signed_out=1&lang={language}")
    clear_cookie(response, SESSION_COOKIE, request.app.ctx.settings.secure_cookies)
    return response


async def change_language(request: Request) -> HTTPResponse:
    """Switches the console to French or English, then back to the page it was on."""
    with unit_of_work(request) as db:
        set_language(db, staff_of(request).session_id, chosen_language(request.form.get("lang")))
    back = request.form.get("next") or "/leads"
    local = back.startswith("/") and not back.startswith(("//", "/\\"))
    return see_other(back if local else "/leads")


def _login_form(request: Request, status: int = 200, **context: object) -> HTTPResponse:
    """The login page; the browser's login token is kept if it has one (two tabs, a favicon
    request sent to the login page: a new token would refuse the form already shown)."""
    token = request.cookies.get(LOGIN_COOKIE) or ""
    if len(token) < TOKEN_LENGTH:
        token = new_token()
    response = render(request, "login.html", status=status, csrf=token, **context)
    set_cookie(response, LOGIN_COOKIE, token, request.app.ctx.settings.secure_cookies)
    return response
