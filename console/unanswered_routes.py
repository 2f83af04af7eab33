"""The questions the assistant could not answer: grouped, counted, marked and exported."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from sanic import Sanic
from sanic.request import Request
from sanic.response import HTTPResponse, raw

from actions.leads import operations, unanswered
from actions.leads.models import UNANSWERED_MARKS
from actions.leads.policy import UNANSWERED_RETENTION_DAYS
from console.labels import LANGUAGES
from console.pages import error_page, render, see_other, staff_of, unit_of_work

PERIODS = (7, 30, 90)


def register(app: Sanic) -> None:
    """Adds the routes of this module to ``app``."""
    app.add_route(questions, "/unanswered", methods=["GET"])
    app.add_route(mark, "/unanswered/mark", methods=["POST"])
    app.add_route(export_questions, "/unanswered/export", methods=["POST"])


def _choice(request: Request) -> tuple[int, str | None, str | None]:
    """The period in days (7 by default: the week's questions), language and mark asked for."""
    source = request.form if request.method == "POST" else request.args
    days = source.get("days")
    period = int(days) if days and days.isdigit() and int(days) in PERIODS else PERIODS[0]
    language = source.get("language") if source.get("language") in LANGUAGES else None
    chosen_mark = source.get("mark") if source.get("mark") in UNANSWERED_MARKS else None
    return period, language, chosen_mark


def _groups(request: Request) -> tuple[int, str | None, str | None, list[unanswered.QuestionGroup]]:
    period, language, chosen_mark = _choice(request)
    since = datetime.now(UTC) - timedelta(days=period)
    with unit_of_work(request) as db:
        groups = unanswered.question_groups(db, since, language, chosen_mark)
    return period, language, chosen_mark, groups


async def questions(request: Request) -> HTTPResponse:
    """The groups of the period, most asked first."""
    period, language, chosen_mark, groups = _groups(request)
    return render(
        request,
        "unanswered.html",
        groups=groups,
        period=period,
        periods=PERIODS,
        chosen_language=language,
        chosen_mark=chosen_mark,
        languages=LANGUAGES,
        marks=UNANSWERED_MARKS,
        retention_days=UNANSWERED_RETENTION_DAYS,
    )


async def mark(request: Request) -> HTTPResponse:
    """Marks a group « to add to the documents », « out of scope », « done » (or back to sort)."""
    key, chosen = request.form.get("key"), request.form.get("to")
    if not key or chosen not in UNANSWERED_MARKS:
        return error_page(request, 400)
    with unit_of_work(request) as db:
        unanswered.mark_group(db, key, chosen, staff_of(request).name)
    return see_other(f"/unanswered?{_query(*_choice(request))}")


def _query(period: int, language: str | None, chosen_mark: str | None) -> str:
    """The query string of the page with these choices."""
    return urlencode({"days": period, "language": language or "", "mark": chosen_mark or ""})


async def export_questions(request: Request) -> HTTPResponse:
    """The period's groups as CSV for the content team (cells guarded against formulas)."""
    *_, groups = _groups(request)
    stream = io.StringIO(newline="")
    operations.write_csv(stream, unanswered.export_rows(groups), unanswered.EXPORT_FIELDS)
    name = f"unanswered-{datetime.now(UTC):%Y%m%d-%H%M}.csv"
    return raw(
        stream.getvalue().encode("utf-8"),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
