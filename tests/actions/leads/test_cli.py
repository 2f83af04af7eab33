"""The staff command line, run in-process on both backends and once as a real program."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from actions.leads import spool
from actions.leads.cli import main
from actions.leads.database import get_engine
from actions.leads.models import Lead
from actions.leads.policy import RETENTION_DAYS, UNANSWERED_RETENTION_DAYS
from actions.leads.repository import LeadRepository
from actions.leads.settings import LeadSettings
from actions.leads.submission import submit_lead
from tests.support.leads import CONSENT_AT, make_submission, stored_leads, transcript

REPO = Path(__file__).resolve().parents[3]
LIST_KEYS = {
    "id", "created_at", "updated_at", "status", "language", "channel", "name", "email",
    "phone", "outcome", "consent_at", "consent_version",
}  # fmt: skip


Runner = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(settings: LeadSettings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Runner:
    """Runs ``sos-leads`` in-process on the test database; returns (exit code, stdout, stderr)."""
    monkeypatch.setenv("SOS_DATA_DIR", str(settings.data_dir))

    def run_command(*argv: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main(["--database-url", settings.database_url, *argv])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run_command


@pytest.fixture
def two_people(settings: LeadSettings) -> tuple[int, int]:
    """Marie (e-mail) and Jean (phone, French-Canadian answers)."""
    marie = submit_lead(make_submission(), settings)
    jean = submit_lead(
        make_submission(email=None, phone="+15145550123", name="Jean Côté", outcome="human_requested"),
        settings,
    )
    return marie.lead_id, jean.lead_id


def test_list_json_carries_the_listing_fields(run: Runner, two_people: tuple[int, int]) -> None:
    code, out, _ = run("list", "--json")

    rows = json.loads(out)
    assert code == 0
    assert [row["id"] for row in rows] == list(two_people)
    assert all(set(row) >= LIST_KEYS for row in rows)
    assert "answers" not in rows[0] and "transcript" not in rows[0]
    assert rows[1]["name"] == "Jean Côté" and rows[1]["phone"] == "+15145550123"
    for field in ("created_at", "updated_at", "consent_at"):
        assert datetime.fromisoformat(rows[0][field]).utcoffset() == timedelta(0)


def test_list_table_and_status_filter(run: Runner, two_people: tuple[int, int]) -> None:
    marie, jean = two_people
    assert run("status", str(jean), "contacted")[:2] == (0, f"Lead {jean}: new -> contacted\n")

    _, table, _ = run("list")
    _, new_only, _ = run("list", "--status", "new", "--json")
    _, closed, _ = run("list", "--status", "closed")

    assert table.splitlines()[0].split()[:3] == ["ID", "CREATED", "(UTC)"]
    assert "Marie Tremblay" in table and "Jean Côté" in table and "contacted" in table
    assert [row["id"] for row in json.loads(new_only)] == [marie]
    assert closed == "No leads.\n"


def test_show_prints_answers_and_transcript(run: Runner, two_people: tuple[int, int]) -> None:
    code, out, _ = run("show", str(two_people[0]))
    _, as_json, _ = run("show", str(two_people[0]), "--json")

    assert code == 0
    assert "marie@example.org" in out
    assert "symptom_months: 8" in out
    assert "patient: J'ai mal au dos depuis 8 mois" in out
    assert "assistant: Merci, je note." in out
    details = json.loads(as_json)
    assert details["answers"]["treatments"] == ["physio"]
    assert [line["speaker"] for line in details["transcript"]] == ["patient", "assistant"]


def test_show_does_not_let_a_name_drive_the_terminal(run: Runner, settings: LeadSettings) -> None:
    lead = submit_lead(make_submission(name="Eve\x1b[2J\x1b]0;pwned\x07"), settings)

    _, out, _ = run("show", str(lead.lead_id))
    _, table, _ = run("list")

    assert "\x1b" not in out and "\x07" not in out and "\x1b" not in table
    assert "Eve\ufffd[2J" in out


@pytest.mark.parametrize(
    "argv",
    [
        ("show", "999"),
        ("show", "999", "--json"),
        ("status", "999", "closed"),
        ("delete", "--id", "999"),
    ],
    ids=["show", "show-json", "status", "delete"],
)
def test_an_unknown_id_fails_clearly(run: Runner, argv: tuple[str, ...]) -> None:
    code, out, err = run(*argv)

    assert (code, out) == (1, "")
    assert "no lead with id 999" in err


@pytest.mark.parametrize(
    "argv",
    [
        ("status", "1", "done"),
        ("show", "abc"),
        ("delete",),
        ("delete", "--email", "a@b", "--id", "1"),
        ("merge", "1"),
        ("merge", "one", "--into", "2"),
        (),
    ],
    ids=["bad-status", "bad-id", "no-person", "two-persons", "merge-no-target", "merge-bad-id", "no-command"],
)
def test_bad_arguments_exit_with_usage(run: Runner, argv: tuple[str, ...]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        run(*argv)
    assert exit_info.value.code == 2


def test_status_changes_are_stored(run: Runner, settings: LeadSettings, two_people: tuple[int, int]) -> None:
    marie, _ = two_people

    assert run("status", str(marie), "closed")[0] == 0

    leads = {lead.id: lead for lead in stored_leads(settings.database_url)}
    assert leads[marie].status == "closed"
    assert leads[marie].updated_at == leads[marie].created_at


def test_export_guards_against_formulas(run: Runner, settings: LeadSettings, tmp_path: Path) -> None:
    submit_lead(
        make_submission(name='=HYPERLINK("http://evil","x")', phone="+33612345678", answers={"problem": "@x"}),
        settings,
    )
    submit_lead(make_submission(email="b@example.org", name="-2+3"), settings)
    output = tmp_path / "export.csv"

    code, out, _ = run("export")
    assert run("export", "--output", str(output))[0] == 0

    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0
    assert [row["name"] for row in rows] == ['\'=HYPERLINK("http://evil","x")', "'-2+3"]
    assert rows[0]["phone"] == "'+33612345678"
    assert json.loads(rows[0]["answers"])["problem"] == "@x"
    assert set(rows[0]) == {*LIST_KEYS, "callback_time", "notified_at", "possible_duplicates", "answers"}
    assert output.read_bytes().decode("utf-8") == out
    assert stat.S_IMODE(output.stat().st_mode) == 0o600


def test_delete_by_email_erases_the_person_everywhere(
    run: Runner, settings: LeadSettings, two_people: tuple[int, int]
) -> None:
    marie, jean = two_people
    spool.write(settings.spool_dir, make_submission(email="MARIE@example.org"))
    other_file = spool.write(settings.spool_dir, make_submission(email="other@example.org"))

    code, out, _ = run("delete", "--email", "Marie@Example.org", "--yes")

    assert code == 0
    assert out == f"Deleted lead(s) {marie} and 1 spooled file(s).\n"
    assert [lead.id for lead in stored_leads(settings.database_url)] == [jean]
    assert spool.pending(settings.spool_dir) == [other_file]


def test_delete_follows_shared_contacts(run: Runner, settings: LeadSettings) -> None:
    first = submit_lead(make_submission(email="a@example.org", phone=None), settings)
    second = submit_lead(make_submission(email=None, phone="+15145550199"), settings)
    submit_lead(make_submission(email="a@example.org", phone="+15145550199"), settings)

    code, out, _ = run("delete", "--phone", "+1 514-555-0199", "--yes")

    assert code == 0
    assert f"{first.lead_id}, {second.lead_id}" in out
    assert stored_leads(settings.database_url) == []


def test_delete_asks_first(
    run: Runner,
    settings: LeadSettings,
    two_people: tuple[int, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    questions: list[str] = []
    answers = iter(["n", "oui"])

    def answer(question: str) -> str:
        questions.append(question)
        return next(answers)

    monkeypatch.setattr("builtins.input", answer)

    refused = run("delete", "--id", str(two_people[1]))
    remaining = len(stored_leads(settings.database_url))
    accepted = run("delete", "--id", str(two_people[1]))

    assert refused[0] == 1 and "nothing deleted" in refused[2]
    assert remaining == 2
    assert accepted[0] == 0
    assert questions[0] == f"Delete lead(s) {two_people[1]} and 0 spooled file(s)? [y/N] "
    assert [lead.id for lead in stored_leads(settings.database_url)] == [two_people[0]]


def test_delete_of_an_unknown_person_fails(run: Runner, two_people: tuple[int, int]) -> None:
    code, _, err = run("delete", "--email", "nobody@example.org", "--yes")
    bad_phone = run("delete", "--phone", "not a phone", "--yes")

    assert code == 1 and "no lead or spooled submission matches" in err
    assert bad_phone[0] == 2 and "not a phone number" in bad_phone[2]


def test_purge_deletes_only_leads_past_retention(
    run: Runner, settings: LeadSettings, two_people: tuple[int, int]
) -> None:
    marie, jean = two_people
    old = datetime.now(UTC) - timedelta(days=RETENTION_DAYS, hours=1)
    with Session(get_engine(settings.database_url), future=True) as session, session.begin():
        session.execute(update(Lead).where(Lead.id == marie).values(updated_at=old))

    dry = run("purge", "--dry-run")
    after_dry_run = [lead.id for lead in stored_leads(settings.database_url)]
    purged = run("purge")
    again = run("purge")

    assert dry[:2] == (
        0,
        f"Would delete 1 lead(s): {marie} (dry run).\n"
        f"Would delete 0 unanswered question(s) older than {UNANSWERED_RETENTION_DAYS} days (dry run).\n",
    )
    assert after_dry_run == [marie, jean]
    assert purged[:2] == (
        0,
        f"Deleted 1 lead(s): {marie}.\nDeleted 0 unanswered question(s) older than {UNANSWERED_RETENTION_DAYS} days.\n",
    )
    assert [lead.id for lead in stored_leads(settings.database_url)] == [jean]
    assert again[1].startswith(f"No lead older than {RETENTION_DAYS} days.\n")


def test_drain_stores_spooled_submissions(run: Runner, settings: LeadSettings) -> None:
    spool.write(settings.spool_dir, make_submission(email="one@example.org"))
    spool.write(settings.spool_dir, make_submission(email="two@example.org"))

    code, out, _ = run("drain")

    assert code == 0
    assert out == "Stored 2 spooled submission(s) (leads 1, 2); 0 rejected; 0 still waiting.\n"
    assert [lead.email for lead in stored_leads(settings.database_url)] == [
        "one@example.org",
        "two@example.org",
    ]


def test_an_unreachable_database_exits_3(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)

    code = main(["--database-url", "postgresql+psycopg2://postgres@127.0.0.1:1/none", "list"])

    assert code == 3
    assert "cannot reach the database" in capsys.readouterr().err


def test_the_real_program_lists_leads_as_json(settings: LeadSettings, two_people: tuple[int, int]) -> None:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("SOS_")}
    environment["SOS_DATABASE_URL"] = settings.database_url
    environment["SOS_DATA_DIR"] = str(settings.data_dir)

    completed = subprocess.run(
        [sys.executable, "-m", "actions.leads.cli", "list", "--json"],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert completed.returncode == 0, completed.stderr
    assert [row["id"] for row in json.loads(completed.stdout)] == list(two_people)


# --- Possible duplicates: shown by list and show, joined by merge ---------------------------------


@pytest.fixture
def one_person_twice(settings: LeadSettings) -> tuple[int, int]:
    """Marie's lead, and a later conversation's lead with her e-mail (listing the first)."""
    marie = submit_lead(make_submission(email="marie@example.org"), settings)
    again = submit_lead(make_submission(email="Marie@example.org", name="M. Tremblay"), settings)
    return marie.lead_id, again.lead_id


def test_list_shows_possible_duplicates(run: Runner, one_person_twice: tuple[int, int]) -> None:
    marie, again = one_person_twice

    _, as_json, _ = run("list", "--json")
    _, table, _ = run("list")

    assert [row["possible_duplicates"] for row in json.loads(as_json)] == [[], [marie]]
    header, first, second = table.splitlines()
    assert header.endswith("SAME AS?")
    assert second.endswith(f" {marie}") and not first.endswith(f" {marie}")


def test_show_names_the_possible_duplicates_both_ways(
    run: Runner, settings: LeadSettings, one_person_twice: tuple[int, int]
) -> None:
    marie, again = one_person_twice
    alone = submit_lead(make_submission(email="solo@example.org"), settings).lead_id

    shown = {lead_id: run("show", str(lead_id))[1] for lead_id in (marie, again, alone)}
    as_json = {lead_id: json.loads(run("show", str(lead_id), "--json")[1]) for lead_id in (marie, again)}

    assert f"Same person?: possibly lead(s) {marie}:" in shown[again]
    assert f"Same person?: possibly lead(s) {again}:" in shown[marie]
    assert "Same person?: -" in shown[alone]
    assert (as_json[again]["possible_duplicates"], as_json[again]["listed_as_possible_duplicate_by"]) == ([marie], [])
    assert (as_json[marie]["possible_duplicates"], as_json[marie]["listed_as_possible_duplicate_by"]) == ([], [again])


@pytest.fixture
def to_merge(settings: LeadSettings) -> dict[str, int]:
    """One person's two leads (``target``, ``source``) and two later leads sharing a contact with them.

    ``by_email`` lists both; ``by_phone`` lists only ``source``, the one lead with that phone.
    """
    start = CONSENT_AT + timedelta(days=1)
    target = make_submission(
        email="marie@example.org",
        callback_time="morning",
        answers={"problem": "herniated_disc", "symptom_months": 8},
        transcript=transcript("Bonjour", "Bonjour !", "J'ai mal au dos", start=start),
        consent_at=start,
    )
    source = make_submission(
        name="M. Tremblay",
        email="MARIE@example.org",
        phone="+15145550123",
        callback_time="evening",
        answers={"symptom_months": 11, "imaging": "mri", "treatments": []},
        transcript=[
            *transcript("Bonjour", start=start),
            *transcript("Je veux parler à quelqu'un", "D'accord.", start=start + timedelta(milliseconds=1500)),
        ],
        consent_at=CONSENT_AT,
    )
    by_email = make_submission(email="marie@example.org")
    by_phone = make_submission(email=None, phone="+15145550123")
    roles = {"target": target, "source": source, "by_email": by_email, "by_phone": by_phone}
    return {role: submit_lead(submission, settings).lead_id for role, submission in roles.items()}


def test_merge_joins_one_persons_leads(run: Runner, settings: LeadSettings, to_merge: dict[str, int]) -> None:
    source, target = to_merge["source"], to_merge["target"]
    before = {lead.id: lead for lead in stored_leads(settings.database_url)}

    code, out, _ = run("merge", str(source), "--into", str(target), "--yes")

    assert (code, out) == (0, f"Merged lead {source} into lead {target}; lead {source} is deleted.\n")
    leads = {lead.id: lead for lead in stored_leads(settings.database_url)}
    assert sorted(leads) == [target, to_merge["by_email"], to_merge["by_phone"]]
    merged = leads[target]
    assert [(line["speaker"], line["text"]) for line in merged.transcript] == [
        ("patient", "Bonjour"),
        ("assistant", "Bonjour !"),
        ("patient", "Je veux parler à quelqu'un"),
        ("patient", "J'ai mal au dos"),
        ("assistant", "D'accord."),
    ]
    assert (merged.name, merged.email, merged.phone) == ("Marie Tremblay", "marie@example.org", "+15145550123")
    assert merged.callback_time == "morning"
    assert merged.answers == {"problem": "herniated_disc", "symptom_months": 8, "imaging": "mri"}
    assert (merged.consent_at, merged.consent_version) == (CONSENT_AT, before[source].consent_version)
    assert merged.updated_at == before[source].updated_at
    assert merged.possible_duplicates is None
    assert leads[to_merge["by_email"]].possible_duplicates == [target]
    assert leads[to_merge["by_phone"]].possible_duplicates == [target]


def test_merge_asks_first_and_a_script_without_yes_is_refused(
    run: Runner, settings: LeadSettings, to_merge: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    source, target = str(to_merge["source"]), str(to_merge["target"])
    monkeypatch.setattr("sys.stdin", io.StringIO(""))

    refused = run("merge", source, "--into", target)
    remaining = len(stored_leads(settings.database_url))
    monkeypatch.setattr("sys.stdin", io.StringIO("oui\n"))
    accepted = run("merge", source, "--into", target)

    assert refused[0] == 1 and "nothing merged" in refused[2]
    assert refused[1] == f"Merge lead {source} into lead {target}, then delete lead {source}? [y/N] "
    assert remaining == 4
    assert accepted[0] == 0
    assert len(stored_leads(settings.database_url)) == 3


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (("merge", "999", "--into", "{target}"), 1, "no lead with id 999"),
        (("merge", "{source}", "--into", "999"), 1, "no lead with id 999"),
        (("merge", "{source}", "--into", "{source}"), 2, "a lead cannot be merged into itself"),
    ],
    ids=["unknown-source", "unknown-target", "same-id"],
)
def test_merge_refuses_unknown_or_identical_ids(
    run: Runner, settings: LeadSettings, to_merge: dict[str, int], argv: tuple[str, ...], code: int, message: str
) -> None:
    before = [lead.details() for lead in stored_leads(settings.database_url)]

    result = run(*(arg.format(**to_merge) for arg in argv), "--yes")

    assert (result[0], result[1]) == (code, "")
    assert message in result[2]
    assert [lead.details() for lead in stored_leads(settings.database_url)] == before


def test_deleting_leads_removes_them_from_the_possible_duplicates(
    run: Runner, settings: LeadSettings, to_merge: dict[str, int]
) -> None:
    old = datetime.now(UTC) - timedelta(days=RETENTION_DAYS, hours=1)
    expired = [to_merge["target"], to_merge["source"]]
    with Session(get_engine(settings.database_url), future=True) as session, session.begin():
        session.execute(update(Lead).where(Lead.id.in_(expired)).values(updated_at=old))

    assert run("purge")[0] == 0

    leads = stored_leads(settings.database_url)
    assert [(lead.id, lead.possible_duplicates) for lead in leads] == [
        (to_merge["by_email"], None),
        (to_merge["by_phone"], None),
    ]


def test_delete_by_email_removes_every_linked_lead(
    run: Runner, settings: LeadSettings, to_merge: dict[str, int]
) -> None:
    other = submit_lead(make_submission(email="other@example.org"), settings).lead_id

    code, out, _ = run("delete", "--email", "marie@example.org", "--yes")

    linked = ", ".join(str(lead_id) for lead_id in sorted(to_merge.values()))
    assert (code, out) == (0, f"Deleted lead(s) {linked} and 0 spooled file(s).\n")
    assert [lead.id for lead in stored_leads(settings.database_url)] == [other]


def test_show_gives_the_status_history_and_the_notes(run: Runner, settings: LeadSettings) -> None:
    lead_id = submit_lead(make_submission(), settings).lead_id
    run("status", str(lead_id), "contacted")
    with Session(get_engine(settings.database_url), future=True) as session, session.begin():
        repository = LeadRepository(session)
        repository.add_note(repository.get(lead_id), "claire", "Rappeler lundi\x1b[2J")

    _, out, _ = run("show", str(lead_id))
    details = json.loads(run("show", str(lead_id), "--json")[1])

    assert [(change["author"], change["from"], change["to"]) for change in details["status_history"]] == [
        ("sos-leads", "new", "contacted")
    ]
    assert [(note["author"], note["text"]) for note in details["notes"]] == [("claire", "Rappeler lundi\x1b[2J")]
    assert "sos-leads: new -> contacted" in out
    assert "claire: Rappeler lundi\ufffd[2J" in out
