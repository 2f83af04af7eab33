"""Rendering of the console's pages and errors, in the signed-in coordinator's language."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import cache, wraps
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic.request import Request
from sanic.response import HTTPResponse, html, redirect
from sqlalchemy.orm import Session

from console.labels import chosen_language, label
from console.sessions import SignedIn

TEMPLATES = Path(__file__).parent / "templates"
Handler = Callable[..., Awaitable[HTTPResponse]]
ERRORS = {
    400: "error_bad_request",
    403: "error_forbidden",
    404: "error_not_found",
    500: "error_server",
}


@cache
def environment() -> Environment:
    """Jinja2's environment (built on first use): every value escaped for HTML."""
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def language_of(request: Request) -> str:
    """The signed-in coordinator's language, else the one asked by ``?lang=``, else French."""
    staff: SignedIn | None = getattr(request.ctx, "staff", None)
    if staff is not None:
        return staff.language
    given = request.form.get("lang") if request.method == "POST" and request.form else None
    return chosen_language(given or request.args.get("lang"))


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTTPResponse:
    """The page ``template`` with ``context``, the label function ``t`` and who is signed in."""
    language = language_of(request)
    page = (
        environment()
        .get_template(template)
        .render(
            t=lambda key, **values: label(key, language, **values),
            language=language,
            staff=getattr(request.ctx, "staff", None),
            when=moment,
            path=request.path,
            **context,
        )
    )
    return html(page, status=status)


def error_page(request: Request, status: int, key: str | None = None) -> HTTPResponse:
    """An error page in the coordinator's language (``key``: its label's stem)."""
    stem = key or ERRORS.get(status, "error_server")
    return render(request, "error.html", status=status, title_key=f"{stem}_title", message_key=stem)


def moment(value: datetime | None) -> str:
    """A time as the console shows it: ``2026-12-06 14:05`` (UTC)."""
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


def see_other(location: str) -> HTTPResponse:
    """A redirect after a form (303: the browser then GETs ``location``)."""
    return redirect(location, status=303)


@contextmanager
def unit_of_work(request: Request) -> Iterator[Session]:
    """A database session for one request, committed at the end of the block."""
    with Session(request.app.ctx.engine, future=True) as db, db.begin():
        yield db


def staff_of(request: Request) -> SignedIn:
    """The signed-in staff member (the middleware lets no other request through)."""
    return request.ctx.staff


def admin_only(handler: Handler) -> Handler:
    """Refuses the route (403 page) to whoever is not an administrator."""

    @wraps(handler)
    async def checked(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
        if not staff_of(request).is_admin:
            return error_page(request, 403)
        return await handler(request, *args, **kwargs)

    return checked
