"""The inbox, a lead's page, its status and notes, the export and the erasure of a person."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from sanic import Sanic
from sanic.request import Request, RequestParameters
from sanic.response import HTTPResponse, raw

from actions.leads import operations
from actions.leads.models import STATUSES
from actions.leads.records import OUTCOMES
from actions.leads.repository import InboxFilter, LeadRepository
from console import audit
from console.labels import LANGUAGES, label
from console.pages import admin_only, error_page, render, see_other, staff_of, unit_of_work

NOTE_LIMIT = 4000


def register(app: Sanic) -> None:
    """Adds the routes of this module to ``app``."""
    app.add_route(home, "/", methods=["GET"])
    app.add_route(inbox, "/leads", methods=["GET"])
    app.add_route(export_leads, "/leads/export", methods=["POST"])
    app.add_route(lead_page, "/leads/<lead_id:int>", methods=["GET"])
    app.add_route(change_status, "/leads/<lead_id:int>/status", methods=["POST"])
    app.add_route(add_note, "/leads/<lead_id:int>/notes", methods=["POST"])
    app.add_route(confirm_erasure, "/leads/<lead_id:int>/delete", methods=["GET"])
    app.add_route(erase, "/leads/<lead_id:int>/delete", methods=["POST"])


async def home(request: Request) -> HTTPResponse:
    """The console opens on the inbox."""
    return see_other("/leads")


def inbox_filter(args: RequestParameters) -> InboxFilter:
    """The inbox's filters from the query string (unknown values are ignored)."""
    get = args.get
    created_from = _day(get("from"))
    created_to = _day(get("to"))
    return InboxFilter(
        status=get("status") if get("status") in STATUSES else None,
        outcome=get("outcome") if get("outcome") in OUTCOMES else None,
        channel=(get("channel") or "").strip()[:64] or None,
        language=get("language") if get("language") in LANGUAGES else None,
        created_from=created_from,
        created_before=created_to + timedelta(days=1) if created_to else None,
        search=(get("q") or "").strip()[:200] or None,
    )


async def inbox(request: Request) -> HTTPResponse:
    """The leads, ``new`` first and newest first, filtered and searched."""
    chosen = inbox_filter(request.args)
    deleted = request.args.get("deleted")
    with unit_of_work(request) as db:
        repository = LeadRepository(db)
        return render(
            request,
            "inbox.html",
            leads=repository.inbox(chosen),
            chosen=chosen,
            args=request.args,
            statuses=STATUSES,
            outcomes=OUTCOMES,
            channels=repository.channels(),
            languages=LANGUAGES,
            deleted=deleted if deleted and deleted.replace(",", "").isdigit() else None,
        )


async def lead_page(request: Request, lead_id: int) -> HTTPResponse:
    """Everything about one lead; the view is written to the audit log."""
    with unit_of_work(request) as db:
        repository = LeadRepository(db)
        lead = repository.get(lead_id)
        if lead is None:
            return error_page(request, 404)
        same_person = sorted(lead.duplicate_ids | {other.id for other in repository.listing_as_duplicate({lead.id})})
        page = render(
            request,
            "lead.html",
            lead=lead,
            answers=[(key, answer_text(value, staff_of(request).language)) for key, value in lead.answers.items()],
            transcript=[(_time(line["at"]), line["speaker"], line["text"]) for line in lead.transcript],
            notes=repository.notes(lead.id),
            history=repository.status_history(lead.id),
            same_person=same_person,
            statuses=STATUSES,
        )
        audit.record(db, staff_of(request).name, "view", lead.id)
    return page


async def change_status(request: Request, lead_id: int) -> HTTPResponse:
    """Sets the lead's status (new → contacted → closed) and keeps it in its history."""
    status = request.form.get("status")
    if status not in STATUSES:
        return error_page(request, 400)
    with unit_of_work(request) as db:
        repository = LeadRepository(db)
        lead = repository.get(lead_id)
        if lead is None:
            return error_page(request, 404)
        previous = lead.status
        repository.set_status(lead, status, staff_of(request).name)
        audit.record(db, staff_of(request).name, "status", lead.id, f"{previous} → {status}")
    return see_other(f"/leads/{lead_id}")


async def add_note(request: Request, lead_id: int) -> HTTPResponse:
    """Adds the coordinator's note to the lead."""
    text = (request.form.get("text") or "").strip()
    if not text or len(text) > NOTE_LIMIT:
        return error_page(request, 400)
    with unit_of_work(request) as db:
        repository = LeadRepository(db)
        lead = repository.get(lead_id)
        if lead is None:
            return error_page(request, 404)
        repository.add_note(lead, staff_of(request).name, text)
        audit.record(db, staff_of(request).name, "note", lead.id)
    return see_other(f"/leads/{lead_id}#notes")


@admin_only
async def export_leads(request: Request) -> HTTPResponse:
    """Every lead as CSV, cells guarded against spreadsheet formulas (as ``sos-leads export``)."""
    with unit_of_work(request) as db:
        rows = operations.export_rows(db)
        audit.record(db, staff_of(request).name, "export", None, f"{len(rows)} rows")
    stream = io.StringIO(newline="")
    operations.write_csv(stream, rows)
    name = f"leads-{datetime.now(UTC):%Y%m%d-%H%M}.csv"
    return raw(
        stream.getvalue().encode("utf-8"),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@admin_only
async def confirm_erasure(request: Request, lead_id: int) -> HTTPResponse:
    """What deleting this lead's person removes, with the button that does it."""
    found = _person_of(request, lead_id)
    if found is None:
        return error_page(request, 404)
    return render(request, "delete.html", lead_id=lead_id, found=found)


@admin_only
async def erase(request: Request, lead_id: int) -> HTTPResponse:
    """Deletes every lead, note and spooled file of the lead's person (as ``sos-leads delete``)."""
    with unit_of_work(request) as db:
        contacts = operations.lead_contacts(db, lead_id)
    if contacts is None:
        return error_page(request, 404)
    settings = request.app.ctx.settings.leads
    erased = operations.erase_person(settings, request.app.ctx.engine, *contacts)
    with unit_of_work(request) as db:
        for deleted_id in erased.lead_ids:
            audit.record(db, staff_of(request).name, "delete", deleted_id, f"{len(erased.spooled_files)} spooled")
    return see_other(f"/leads?deleted={','.join(str(lead_id) for lead_id in erased.lead_ids)}")


def _person_of(request: Request, lead_id: int) -> operations.PersonData | None:
    with unit_of_work(request) as db:
        contacts = operations.lead_contacts(db, lead_id)
    if contacts is None:
        return None
    return operations.find_person(request.app.ctx.settings.leads, request.app.ctx.engine, *contacts)


def answer_text(value: object, language: str) -> str:
    """A questionnaire answer in the coordinator's language (values it has no label for as stored)."""
    if isinstance(value, bool):
        return label(f"value_{str(value).lower()}", language)
    if isinstance(value, list):
        return ", ".join(answer_text(item, language) for item in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        return label(f"value_{value}", language)
    return str(value)


def _day(text: str | None) -> datetime | None:
    """A ``YYYY-MM-DD`` date as midnight UTC, or ``None``."""
    try:
        return datetime.strptime(text or "", "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        return None


def _time(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text).astimezone(UTC)
    except (TypeError, ValueError):
        return None
