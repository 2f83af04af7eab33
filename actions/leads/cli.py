"""sos-leads: the staff's command line over the leads the assistant hands off.

Examples::

    sos-leads list --status new
    sos-leads show 12
    sos-leads status 12 contacted
    sos-leads merge 14 --into 12
    sos-leads export --output leads.csv
    sos-leads delete --email patient@example.org
    sos-leads purge --dry-run
    sos-leads staff add marie --role admin

The database is the assistant's (``SOS_DATABASE_URL``, or the SQLite file in ``SOS_DATA_DIR``);
``--database-url`` overrides it. Exit codes: 0 done, 1 nothing matched, refused or incomplete,
2 bad arguments or settings, 3 database unreachable.

A lead sharing an e-mail or phone with another conversation's lead lists it as a possible
duplicate (``list``, ``show``): the same person, or someone who knows their contact. Once a
coordinator has checked that two leads are one person's, ``merge`` joins them.
"""

from __future__ import annotations

import argparse
import dataclasses
import getpass
import json
import os
import sys
import unicodedata
from collections.abc import Iterable
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session

from actions.leads import operations, spool, staff
from actions.leads.database import ensure_schema, get_engine, is_unavailable
from actions.leads.models import ROLES, STATUSES, Lead, StaffAccount
from actions.leads.policy import RETENTION_DAYS, UNANSWERED_RETENTION_DAYS
from actions.leads.repository import LeadRepository, normalise_email
from actions.leads.service import notify_pending
from actions.leads.settings import LeadSettings
from actions.parsing.contact import to_e164

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_UNAVAILABLE = 3

TABLE_COLUMNS = (
    ("ID", "id", 5),
    ("CREATED (UTC)", "created_at", 16),
    ("STATUS", "status", 9),
    ("LANG", "language", 4),
    ("CHANNEL", "channel", 10),
    ("OUTCOME", "outcome", 18),
    ("NAME", "name", 24),
    ("E-MAIL", "email", 28),
    ("PHONE", "phone", 16),
    ("SAME AS?", "possible_duplicates", 10),
)
DEFAULT_PHONE_REGION = "CA"
# The author of the status changes made from the command line, in the lead's history.
CLI_AUTHOR = "sos-leads"


class UsageError(Exception):
    """An argument the staff can fix; the message says how."""


def main(argv: list[str] | None = None) -> int:
    """Runs one command.

    Args:
        argv: The arguments (``sys.argv[1:]`` by default).

    Returns:
        The exit code.
    """
    args = build_parser().parse_args(argv)
    try:
        settings = LeadSettings.from_env()
    except ValueError as error:
        return _fail(str(error), EXIT_USAGE)
    if getattr(args, "database_url", None):
        settings = dataclasses.replace(settings, database_url=args.database_url)
    try:
        engine = get_engine(settings.database_url)
        ensure_schema(engine)
        return args.handler(args, settings, engine)
    except (UsageError, ArgumentError, staff.AccountError) as error:
        return _fail(str(error), EXIT_USAGE)
    except SQLAlchemyError as error:
        if not is_unavailable(error):
            raise
        return _fail(f"cannot reach the database: {_first_line(error)}", EXIT_UNAVAILABLE)
    except OSError as error:
        return _fail(str(error), EXIT_FAILED)


def build_parser() -> argparse.ArgumentParser:
    """The ``sos-leads`` argument parser with its subcommands."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--database-url",
        default=argparse.SUPPRESS,
        help="SQLAlchemy URL of the leads database (default: SOS_DATABASE_URL or var/)",
    )
    parser = argparse.ArgumentParser(
        prog="sos-leads",
        parents=[common],
        description="Leads handed off by the SOS Tourisme Médical assistant.",
        epilog="Exit codes: 0 done, 1 nothing matched or incomplete, 2 bad arguments, 3 database unreachable.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_read_commands(commands, common)
    _add_write_commands(commands, common)
    return parser


def _add_read_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    listing = commands.add_parser("list", parents=[common], help="list leads, oldest first")
    listing.add_argument("--status", choices=STATUSES, help="only leads with this status")
    listing.add_argument("--json", action="store_true", help="print a JSON array")
    listing.set_defaults(handler=list_leads)

    show = commands.add_parser("show", parents=[common], help="one lead with its transcript")
    show.add_argument("id", type=int, help="lead id")
    show.add_argument("--json", action="store_true", help="print a JSON object")
    show.set_defaults(handler=show_lead)

    export = commands.add_parser("export", parents=[common], help="all leads as CSV")
    export.add_argument("--output", help="file to write (default: standard output)")
    export.set_defaults(handler=export_leads)


def _add_write_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    status = commands.add_parser("status", parents=[common], help="set a lead's status")
    status.add_argument("id", type=int, help="lead id")
    status.add_argument("status", choices=STATUSES, help="new status")
    status.set_defaults(handler=set_status)

    delete = commands.add_parser("delete", parents=[common], help="delete one person's data (leads and spooled files)")
    person = delete.add_mutually_exclusive_group(required=True)
    person.add_argument("--email", help="the person's e-mail address")
    person.add_argument("--phone", help="the person's phone number (+1 514 555 0123)")
    person.add_argument("--id", type=int, help="one of the person's lead ids")
    delete.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    delete.set_defaults(handler=delete_person)

    merge = commands.add_parser(
        "merge", parents=[common], help="merge a lead into another lead of the same person, then delete it"
    )
    merge.add_argument("source", type=int, metavar="SOURCE_ID", help="the lead merged, then deleted")
    merge.add_argument(
        "--into", type=int, required=True, dest="target", metavar="TARGET_ID", help="the lead kept (its data wins)"
    )
    merge.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    merge.set_defaults(handler=merge_leads)

    purge = commands.add_parser(
        "purge",
        parents=[common],
        help=f"delete leads not updated for {RETENTION_DAYS} days and unanswered questions older than "
        f"{UNANSWERED_RETENTION_DAYS} days",
    )
    purge.add_argument("--dry-run", action="store_true", help="only list what would go")
    purge.set_defaults(handler=purge_expired)

    drain = commands.add_parser("drain", parents=[common], help="store submissions spooled while the database was down")
    drain.set_defaults(handler=drain_spool)

    notify = commands.add_parser("notify-pending", parents=[common], help="send the notifications that failed")
    notify.set_defaults(handler=notify_leads)

    _add_staff_commands(commands, common)


def _add_staff_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    staff_parser = commands.add_parser("staff", parents=[common], help="accounts of the coordinator console")
    actions = staff_parser.add_subparsers(dest="staff_command", required=True, metavar="ACTION")
    add = actions.add_parser("add", parents=[common], help="create an account (asks for the password twice)")
    add.add_argument("name", help="account name (letters, digits, '.', '-', '_')")
    add.add_argument(
        "--role", choices=ROLES, required=True, help="coordinator, or admin (also accounts, export, deletion, purge)"
    )
    add.set_defaults(handler=add_staff)
    password = actions.add_parser("password", parents=[common], help="set a new password (signs the account out)")
    password.add_argument("name", help="account name")
    password.set_defaults(handler=change_staff_password)
    disable = actions.add_parser("disable", parents=[common], help="disable an account (signs it out)")
    disable.add_argument("name", help="account name")
    disable.set_defaults(handler=disable_staff)
    enable = actions.add_parser("enable", parents=[common], help="allow a disabled account to sign in again")
    enable.add_argument("name", help="account name")
    enable.set_defaults(handler=enable_staff)
    listing = actions.add_parser("list", parents=[common], help="every account, its role and state")
    listing.set_defaults(handler=list_staff)


def list_leads(args: argparse.Namespace, settings: LeadSettings, engine: Engine) -> int:
    """``list``: a table, or a JSON array with ``--json``."""
    with Session(engine, future=True) as session:
        rows = [lead.summary() for lead in LeadRepository(session).find_all(args.status)]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    elif not rows:
        print("No leads.")
    else:
        print(_table(rows))
    return EXIT_OK


def show_lead(args: argparse.Namespace, settings: LeadSettings, engine: Engine) -> int:
    """``show ID``: every field, answers, the readable transcript and the possible duplicates.

    Besides the lead's own ``possible_duplicates``, ``listed_as_possible_duplicate_by`` names the
    leads that list this one.
    """
    with Session(engine, future=True) as session:
        repository = LeadRepository(session)
        lead = repository.get(args.id)
        details = _with_listing_leads(repository, lead) if lead else None
    if details is None:
        return _fail(f"no lead with id {args.id}", EXIT_FAILED)
    if args.json:
        print(json.dumps(details, ensure_ascii=False, indent=2))
    else:
        print(_readable(details))
    return EXIT_OK


def set_status(args: argparse.Namespace, settings: LeadSettings, engine: Engine) -> int:
    """``status ID STATUS``."""
    with Session(engine, future=True) as session, session.begin():
        repository = LeadRepository(session)
        lead = repository.get(args.id)
        if lead is None:
            return _fail(f"no lead with id {args.id}", EXIT_FAILED)
        previous = lead.status
        repository.set_status(lead, args.status, CLI_AUTHOR)
    print(f"Lead {args.id}: {previous} -> {args.status}")
    return EXIT_OK


def export_leads(args: argparse.Namespace, settings: LeadSettings, engine: Engine) -> int:
    """``export``: CSV of the list fields and the answers (as JSON text)."""
    with Session(engine, future=True) as session:
        rows = operations.export_rows(session)
    if args.output is None:
        operations.write_csv(sys.stdout, rows)
        return EXIT_OK
    try:
        descriptor = os.open(args.output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    except OSError as error:
        raise UsageError(f"cannot write {args.output}: {error.strerror}") from None
    os.fchmod(descriptor, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as stream:
        operations.write_csv(stream, rows)
    print(f"Exported {len(rows)} lead(s) to {args.output}", file=sys.stderr)
    return EXIT_OK


def delete_person(args: argparse.Namespace, settings: LeadSettings, engine: Engine) -> int:
    """``delete``: every lead, note, unanswered question and spooled file of one person, after confirmation."""
    with Session(engine, future=True) as session:
        contacts = _contacts_of(session, args)
    if contacts is None:
        return _fail(f"no lead with id {args.id}", EXIT_FAILED)
    emails, phones = contacts
    found = operations.find_person(settings, engine, emails, phones)
    if not found.lead_ids and not found.spooled_files:
        return _fail("no lead or spooled submission matches", EXIT_FAILED)
    question = f"Delete lead(s) {_ids(found.lead_ids) or '-'} and {len(found.spooled_files)} spooled file(s)?"
    if not args.yes and not _confirm(question):
        return _fail("nothing deleted", EXIT_FAILED)
    erased = operations.erase_person(settings, engine, emails, phones)
    print(f"Deleted lead(s) {_ids(erased.lead_ids) or '-'} and {len(erased.spooled_files)} spooled file(s).")
    return EXIT_OK


def merge_leads(args: argparse.Namespace, settings: LeadSettings, engine: Engine) -> int:
    """``merge SOURCE_ID --into TARGET_ID``: one person's two leads become one, after confirmation."""
    if args.source == args.target:
        raise UsageError("give two different lead ids: a lead cannot be merged into itself")
    with Session(engine, future=True) as session:
        missing = _first_missing(LeadRepository(session), args.source, args.target)
    if missing is not None:
        return _fail(f"no lead with id {missing}", EXIT_FAILED)
    question = f"Merge lead {args.source} into lead {args.target}, then delete lead {args.source}?"
    if not args.yes and not _confirm(question):
        return _fail("nothing merged", EXIT_FAILED)
    with Session(engine, future=True) as session, session.begin():
        repository = LeadRepository(session)
        source, target = repository.get(args.source), repository.get(args.target)
        if source is None or target is None:
            return _fail(f"no lead with id {args.source if source is None else args.target}", EXIT_FAILED)
        repository.merge(source, target)
    print(f"Merged lead {args.source} into lead {args.target}; lead {args.source} is deleted.")
    return EXIT_OK


def purge_expired(args: argparse.Namespace, settings: LeadSettings, engine: Engine) -> int:
    """``purge``: deletes what is kept past its retention period (leads, unanswered questions)."""
    result = operations.purge_expired(engine, dry_run=args.dry_run)
    verb, end = ("Would delete", " (dry run).") if args.dry_run else ("Deleted", ".")
    if not result.lead_ids:
        print(f"No lead older than {RETENTION_DAYS} days.")
    else:
        print(f"{verb} {len(result.lead_ids)} lead(s): {_ids(result.lead_ids)}{end}")
    days = UNANSWERED_RETENTION_DAYS
    print(f"{verb} {result.unanswered} unanswered question(s) older than {days} days{end}")
    return EXIT_OK


def drain_spool(args: argparse.Namespace, settings: LeadSettings, engine: Engine) -> int:
    """``drain``: stores the spooled submissions now."""
    result = spool.drain(settings)
    stored = _ids(stored.lead_id for stored in result.stored) or "-"
    print(
        f"Stored {len(result.stored)} spooled submission(s) (leads {stored}); "
        f"{result.rejected} rejected; {result.remaining} still waiting."
    )
    if result.unavailable:
        return _fail("the database cannot take them now (see the log)", EXIT_UNAVAILABLE)
    if result.rejected:
        rejected = settings.spool_dir / spool.REJECTED
        return _fail(f"rejected files are in {rejected} for a human to check", EXIT_FAILED)
    return EXIT_OK


def notify_leads(args: argparse.Namespace, settings: LeadSettings, engine: Engine) -> int:
    """``notify-pending``: sends the notifications that failed or were never sent."""
    notified, still_pending = notify_pending(settings)
    if not settings.notifications_enabled and still_pending:
        return _fail(
            f"{still_pending} lead(s) wait for a notification, but none is configured "
            "(set SOS_NOTIFY_WEBHOOK_URL, or SOS_NOTIFY_EMAIL_TO and SOS_SMTP_HOST)",
            EXIT_FAILED,
        )
    print(f"Notified {notified} lead(s); {still_pending} still pending.")
    return EXIT_FAILED if still_pending else EXIT_OK


def add_staff(args: argparse.Namespace, settings: LeadSettings, engine: Engine) -> int:
    """``staff add NAME --role ROLE``: a new console account, its password typed twice."""
    name = staff.check_name(args.name)
    password = _new_password(name)
    with Session(engine, future=True) as session, session.begin():
        staff.add_account(session, name, args.role, password)
    print(f"Account {name} ({args.role}) created.")
    return EXIT_OK


def change_staff_password(args: argparse.Namespace, settings: LeadSettings, engine: Engine) -> int:
    """``staff password NAME``: a new password, typed twice; the account's sessions end."""
    with Session(engine, future=True) as session, session.begin():
        account = _existing_account(session, args.name)
        staff.set_password(session, account, _new_password(account.name))
    print(f"Password of {args.name} changed; its console sessions are closed.")
    return EXIT_OK


def disable_staff(args: argparse.Namespace, settings: LeadSettings, engine: Engine) -> int:
    """``staff disable NAME``: the account can no longer sign in; its sessions end."""
    with Session(engine, future=True) as session, session.begin():
        staff.disable_account(session, _existing_account(session, args.name))
    print(f"Account {args.name} disabled.")
    return EXIT_OK


def enable_staff(args: argparse.Namespace, settings: LeadSettings, engine: Engine) -> int:
    """``staff enable NAME``: a disabled account may sign in again."""
    with Session(engine, future=True) as session, session.begin():
        staff.enable_account(_existing_account(session, args.name))
    print(f"Account {args.name} enabled.")
    return EXIT_OK


def list_staff(args: argparse.Namespace, settings: LeadSettings, engine: Engine) -> int:
    """``staff list``: name, role, state and creation date of every account."""
    with Session(engine, future=True) as session:
        accounts = staff.all_accounts(session)
        lines = [
            f"{account.name:<24} {account.role:<12} {'disabled' if account.disabled_at else 'active':<9} "
            f"{account.created_at:%Y-%m-%d}"
            for account in accounts
        ]
    print("\n".join(lines) if lines else "No accounts.")
    return EXIT_OK


def _existing_account(session: Session, name: str) -> StaffAccount:
    account = staff.find_account(session, name)
    if account is None:
        raise UsageError(f"no account named {name.strip().lower()}")
    return account


def _new_password(name: str) -> str:
    """A password typed twice without echo.

    Raises:
        UsageError: The two differ, or the password is too short.
    """
    first = getpass.getpass(f"Password for {name}: ")
    if getpass.getpass("Again: ") != first:
        raise UsageError("the two passwords differ; nothing changed")
    return staff.check_password(first)


def _contacts_of(session: Session, args: argparse.Namespace) -> tuple[set[str], set[str]] | None:
    """The e-mails and phones given, or those of lead ``--id`` (``None`` if it does not exist)."""
    if args.id is None:
        emails = {normalise_email(args.email)} if args.email else set()
        phones = {_e164(args.phone)} if args.phone else set()
        return emails, phones
    return operations.lead_contacts(session, args.id)


def _e164(phone: str) -> str:
    """The ``--phone`` given, in E.164 form.

    Raises:
        UsageError: It is not a valid phone number.
    """
    number = to_e164(phone, DEFAULT_PHONE_REGION)
    if number is None:
        raise UsageError(f"not a phone number: {phone!r} (write it like +1 514 555 0123)")
    return number


def _first_missing(repository: LeadRepository, *lead_ids: int) -> int | None:
    """The first of ``lead_ids`` that no lead has, if any."""
    return next((lead_id for lead_id in lead_ids if repository.get(lead_id) is None), None)


def _with_listing_leads(repository: LeadRepository, lead: Lead) -> dict[str, Any]:
    """The lead's details, with the ids of the leads listing it as a possible duplicate, and the
    coordinators' status history and notes (from the console or ``status``)."""
    listing = repository.listing_as_duplicate({lead.id})
    return {
        **lead.details(),
        "listed_as_possible_duplicate_by": [other.id for other in listing],
        "status_history": [
            {"at": change.at.isoformat(), "author": change.author, "from": change.from_status, "to": change.to_status}
            for change in repository.status_history(lead.id)
        ],
        "notes": [
            {"at": note.created_at.isoformat(), "author": note.author, "text": note.text}
            for note in repository.notes(lead.id)
        ],
    }


def _confirm(question: str) -> bool:
    try:
        answer = input(f"{question} [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in {"y", "yes", "o", "oui"}


def _table(rows: list[dict[str, Any]]) -> str:
    lines = [" ".join(title.ljust(width) for title, _, width in TABLE_COLUMNS).rstrip()]
    for row in rows:
        cells = [_cell(row[field], field, width) for _, field, width in TABLE_COLUMNS]
        lines.append(" ".join(cells).rstrip())
    return "\n".join(lines)


def _cell(value: Any, field: str, width: int) -> str:
    text = _ids(value) if isinstance(value, list) else "" if value is None else str(value)
    if field == "created_at":
        text = text[:16].replace("T", " ")
    text = _printable(text)
    return (text if len(text) <= width else text[: width - 1] + "…").ljust(width)


def _readable(details: dict[str, Any]) -> str:
    fields = [
        ("Status", details["status"]),
        ("Created", details["created_at"]),
        ("Updated", details["updated_at"]),
        ("Language", details["language"]),
        ("Channel", details["channel"]),
        ("Conversation", details["conversation_id"]),
        ("Name", details["name"]),
        ("E-mail", details["email"]),
        ("Phone", details["phone"]),
        ("Callback", details["callback_time"]),
        ("Outcome", details["outcome"]),
        ("Consent", f"version {details['consent_version']}, given {details['consent_at']}"),
        ("Notified", details["notified_at"] or "not yet"),
        ("Same person?", _possible_duplicates(details)),
    ]
    answers = [f"  {key}: {_answer(value)}" for key, value in details["answers"].items()]
    transcript = [
        f"  [{line['at'][:19].replace('T', ' ')}] {line['speaker']}: {_printable(line['text'])}"
        for line in details["transcript"]
    ]
    history = [
        f"  [{change['at'][:19].replace('T', ' ')}] {_printable(change['author'])}: {change['from']} -> {change['to']}"
        for change in details["status_history"]
    ]
    notes = [
        f"  [{note['at'][:19].replace('T', ' ')}] {_printable(note['author'])}: {_printable(note['text'])}"
        for note in details["notes"]
    ]
    return "\n".join(
        [
            f"Lead {details['id']}",
            *(f"  {label + ':':<14}{_printable(str(value or '-'))}" for label, value in fields),
            "Answers:",
            *(answers or ["  -"]),
            "Transcript:",
            *(transcript or ["  -"]),
            "Status history:",
            *(history or ["  -"]),
            "Notes:",
            *(notes or ["  -"]),
        ]
    )


def _possible_duplicates(details: dict[str, Any]) -> str:
    """The leads that may be the same person, or ``""`` when there is none."""
    lead_ids = sorted({*details["possible_duplicates"], *details["listed_as_possible_duplicate_by"]})
    if not lead_ids:
        return ""
    return f"possibly lead(s) {_ids(lead_ids)}: compare, then sos-leads merge ID --into ID"


def _answer(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return _printable(text)


def _printable(text: str) -> str:
    """Text safe to print on a terminal: control characters (escape sequences) become �."""
    return "".join("\ufffd" if unicodedata.category(char) == "Cc" else char for char in text)


def _ids(lead_ids: Iterable[int]) -> str:
    return ", ".join(str(lead_id) for lead_id in lead_ids)


def _first_line(error: BaseException) -> str:
    text = str(getattr(error, "orig", None) or error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _fail(message: str, code: int) -> int:
    print(f"sos-leads: error: {message}", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
