"""The administrators' pages: the audit log, the staff accounts and the purge."""

from __future__ import annotations

from sanic import Sanic
from sanic.request import Request
from sanic.response import HTTPResponse

from actions.leads import operations, staff
from actions.leads.models import StaffAccount
from actions.leads.policy import RETENTION_DAYS, UNANSWERED_RETENTION_DAYS
from console import audit
from console.pages import admin_only, error_page, render, see_other, staff_of, unit_of_work


def register(app: Sanic) -> None:
    """Adds the routes of this module to ``app``."""
    app.add_route(audit_log, "/admin/audit", methods=["GET"])
    app.add_route(accounts, "/admin/accounts", methods=["GET"])
    app.add_route(change_account, "/admin/accounts/<account_id:int>", methods=["POST"])
    app.add_route(purge_page, "/admin/purge", methods=["GET"])
    app.add_route(purge, "/admin/purge", methods=["POST"])


@admin_only
async def audit_log(request: Request) -> HTTPResponse:
    """The latest entries of the audit log, newest first."""
    with unit_of_work(request) as db:
        entries = audit.recent(db)
        return render(request, "audit.html", entries=entries)


@admin_only
async def accounts(request: Request) -> HTTPResponse:
    """Every staff account, with a button to disable or enable it."""
    with unit_of_work(request) as db:
        return render(request, "accounts.html", accounts=staff.all_accounts(db))


@admin_only
async def change_account(request: Request, account_id: int) -> HTTPResponse:
    """Disables (signing it out) or enables an account; an administrator cannot disable their own."""
    wanted = request.form.get("to")
    with unit_of_work(request) as db:
        account = db.get(StaffAccount, account_id)
        if account is None:
            return error_page(request, 404)
        if wanted not in ("disable", "enable") or account.name == staff_of(request).name:
            return error_page(request, 400)
        if wanted == "disable":
            staff.disable_account(db, account)
        else:
            staff.enable_account(account)
        audit.record(db, staff_of(request).name, "account", None, f"{wanted} {account.name}")
    return see_other("/admin/accounts")


@admin_only
async def purge_page(request: Request) -> HTTPResponse:
    """What the purge would delete now (a dry run), with the button that does it."""
    found = operations.purge_expired(request.app.ctx.engine, dry_run=True)
    done = request.args.get("done")
    return render(
        request,
        "purge.html",
        found=found,
        lead_days=RETENTION_DAYS,
        question_days=UNANSWERED_RETENTION_DAYS,
        done=done if done and done.replace(",", "").isdigit() else None,
    )


@admin_only
async def purge(request: Request) -> HTTPResponse:
    """Deletes what is kept past its retention period (as ``sos-leads purge``)."""
    result = operations.purge_expired(request.app.ctx.engine)
    with unit_of_work(request) as db:
        for lead_id in result.lead_ids:
            audit.record(db, staff_of(request).name, "purge", lead_id)
        audit.record(
            db, staff_of(request).name, "purge", None, f"{len(result.lead_ids)} leads, {result.unanswered} questions"
        )
    return see_other(f"/admin/purge?done={len(result.lead_ids)},{result.unanswered}")
