"""The console's Sanic application: every request but the login page needs a session.

``create_app`` builds it; ``python -m console`` serves it. The request middleware finds the
session from its cookie (or sends the browser to the login page), checks the CSRF token of
every POST, and the response middleware adds the security headers and forbids caching.
"""

from __future__ import annotations

import logging
from pathlib import Path

from sanic import Sanic
from sanic.exceptions import MethodNotSupported, NotFound, SanicException
from sanic.request import Request
from sanic.response import HTTPResponse, redirect

from actions.leads.database import ensure_schema, get_engine
from console import admin_routes, auth_routes, conversation_routes, lead_routes, unanswered_routes
from console.pages import error_page, unit_of_work
from console.sessions import SESSION_COOKIE, Expired, SignedIn, clear_cookie, load_session, same_token
from console.settings import ConsoleSettings

logger = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
# Reachable without a session: the login page and the stylesheet it uses.
LOGIN_PATH, STATIC_PREFIX = "/login", "/static/"
# What pages poll by themselves (conversations.js): not a coordinator's use of the session.
POLL_SUFFIX = ".json"
HEADERS = {
    # Scripts and fetches from the console itself only (the Conversations pages' poll).
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; "
    "img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def create_app(settings: ConsoleSettings, name: str = "sos_console") -> Sanic:
    """The console's application on ``settings``' database.

    Args:
        settings: The console's settings.
        name: Sanic's name for the application (unique in a process).

    Returns:
        The application, its routes and middleware registered.
    """
    app = Sanic(name, configure_logging=False)
    app.ctx.settings = settings
    app.static("/static", str(STATIC), name="static")
    for routes in (auth_routes, lead_routes, conversation_routes, unanswered_routes, admin_routes):
        routes.register(app)
    app.register_middleware(require_session, "request")
    app.register_middleware(add_headers, "response")
    app.error_handler.add(NotFound, not_found)
    app.error_handler.add(MethodNotSupported, not_found)
    app.error_handler.add(Exception, server_error)

    @app.before_server_start
    async def open_database(app: Sanic, _loop: object) -> None:
        app.ctx.engine = get_engine(settings.leads.database_url)
        ensure_schema(app.ctx.engine)

    return app


async def require_session(request: Request) -> HTTPResponse | None:
    """Sends a request without a live session to the login page; refuses a POST without its CSRF token."""
    request.ctx.staff = None
    if request.path == LOGIN_PATH or request.path.startswith(STATIC_PREFIX):
        return None
    settings: ConsoleSettings = request.app.ctx.settings
    with unit_of_work(request) as db:
        found = load_session(
            db,
            request.cookies.get(SESSION_COOKIE),
            settings.idle_timeout,
            touch=not request.path.endswith(POLL_SUFFIX),
        )
    if not isinstance(found, SignedIn):
        location = f"/login?expired=1&lang={found.language}" if isinstance(found, Expired) else "/login"
        response = redirect(location, status=303)
        clear_cookie(response, SESSION_COOKIE, settings.secure_cookies)
        return response
    request.ctx.staff = found
    if request.method == "POST" and not same_token(found.csrf_token, request.form.get("csrf")):
        logger.warning("form refused: missing or wrong CSRF token (%s %s)", request.method, request.path)
        return error_page(request, 403, "error_csrf")
    return None


async def add_headers(request: Request, response: HTTPResponse) -> None:
    """No caching (pages hold health data), no framing, a strict content policy."""
    for header, value in HEADERS.items():
        response.headers.setdefault(header, value)


async def not_found(request: Request, exception: SanicException) -> HTTPResponse:
    """An unknown path: the login page without a session, else a 404 page."""
    if getattr(request.ctx, "staff", None) is None:
        response = await require_session(request)
        if response is not None:
            return response
    return error_page(request, 404)


async def server_error(request: Request, exception: Exception) -> HTTPResponse:
    """A failure of the console or its database: logged, and said in the coordinator's language."""
    if isinstance(exception, SanicException) and exception.status_code < 500:
        return error_page(request, exception.status_code if exception.status_code in (400, 403, 404) else 400)
    logger.error("request failed: %s %s: %s", request.method, request.path, type(exception).__name__)
    return error_page(request, 500)
