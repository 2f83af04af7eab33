"""Unanswered questions: masked before storage, grouped by folded text, marked, exported,
purged after 90 days and erased with their person's lead, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from actions.leads import operations
from actions.leads.database import ensure_schema, get_engine
from actions.leads.models import UnansweredQuestion
from actions.leads.policy import UNANSWERED_RETENTION_DAYS
from actions.leads.settings import LeadSettings
from actions.leads.submission import submit_lead
from actions.leads.unanswered import (
    EXPORT_FIELDS,
    AskedQuestion,
    conversation_key,
    export_rows,
    group_key,
    mark_group,
    mask,
    question_groups,
    store_question,
)
from tests.support.leads import make_submission

NOW = datetime.now(UTC)


def asked(text: str, conversation: str = "conv-1", at: datetime = NOW, **changes: str) -> AskedQuestion:
    """A French question from the widget that got the fallback."""
    fields = {
        "text": text,
        "language": "fr",
        "channel": "socketio",
        "conversation_id": conversation,
        "asked_at": at,
        "reply_name": "utter_default",
        "reply_text": "Désolé, je n'ai pas bien compris.",
    }
    fields.update(changes)
    return AskedQuestion(**fields)


def stored_texts(database_url: str) -> list[str]:
    with Session(get_engine(database_url), future=True) as session:
        return list(session.execute(select(UnansweredQuestion.text).order_by(UnansweredQuestion.id)).scalars())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("écrivez-moi à marie.t@exemple.ca svp", "écrivez-moi à [e-mail] svp"),
        ("mon courriel: jean @ gmail.com, merci", "mon courriel: [e-mail], merci"),
        ("<paul+dos@example.org>", "<[e-mail]>"),
        ("appelez-moi au 514 555-0199 le matin", "appelez-moi au [phone] le matin"),
        ("mon cell (438) 555 0142", "mon cell [phone]"),
        ("en France +33 6 12 34 56 78", "en France [phone]"),
        ("call 1-800-555-0199 or 5145550199", "call [phone] or [phone]"),
        ("numéro 555 01 23 45 67 inventé", "numéro [phone] inventé"),
    ],
)
def test_email_addresses_and_phone_numbers_are_masked(text: str, expected: str) -> None:
    assert mask(text) == expected


@pytest.mark.parametrize(
    "text",
    ["Opération à 3 niveaux en 2024?", "j'ai 45 ans et 2 hernies", "L4-L5 et L5-S1", "coût 12 000 $ environ"],
)
def test_ordinary_numbers_are_kept(text: str) -> None:
    assert mask(text) == text


def test_questions_differing_by_accents_case_and_punctuation_share_a_group() -> None:
    keys = {
        group_key(text)
        for text in ("Avez-vous un STATIONNEMENT à l'hôpital?", "avez vous un stationnement a l'hopital")
    }

    assert keys == {"avez vous un stationnement a l'hopital"}


def test_a_question_is_stored_masked_with_its_context(database_url: str, tmp_path) -> None:
    settings = LeadSettings.for_data_dir(tmp_path, database_url=database_url)

    store_question(asked("Mon courriel est a.b@c.ca, 514 555 0199", "whatsapp:15145550199"), settings)

    with Session(get_engine(database_url), future=True) as session:
        (row,) = session.execute(select(UnansweredQuestion)).scalars()
        assert row.text == "Mon courriel est [e-mail], [phone]"
        assert (row.language, row.channel, row.reply_name, row.mark) == ("fr", "socketio", "utter_default", "new")
        assert row.reply_text == "Désolé, je n'ai pas bien compris."
        assert row.conversation_key == conversation_key("socketio", "whatsapp:15145550199")
        assert "15145550199" not in row.conversation_key
        assert row.asked_at == NOW


def test_groups_are_counted_and_marked(database_url: str, tmp_path) -> None:
    settings = LeadSettings.for_data_dir(tmp_path, database_url=database_url)
    for number, text in enumerate(["Avez-vous un stationnement?", "avez vous un stationnement", "Un chien?"]):
        store_question(asked(text, f"conv-{number % 2}", NOW - timedelta(minutes=10 - number)), settings)
    store_question(asked("Avez-vous un STATIONNEMENT", "conv-0", language="en"), settings)
    engine = get_engine(database_url)

    with Session(engine, future=True) as session, session.begin():
        parking, dog = question_groups(session)
        assert (parking.count, parking.conversations, parking.languages, parking.mark) == (3, 2, {"fr", "en"}, "new")
        assert parking.text == "Avez-vous un STATIONNEMENT" and (dog.count, dog.text) == (1, "Un chien?")
        assert mark_group(session, parking.key, "to_document", "claire") == 3
    with Session(engine, future=True) as session, session.begin():
        assert [group.mark for group in question_groups(session)] == ["to_document", "new"]
        assert [group.key for group in question_groups(session, mark="new")] == [dog.key]
        assert [group.count for group in question_groups(session, language="en")] == [1]
        assert question_groups(session, since=NOW + timedelta(minutes=1)) == []
    store_question(asked("avez-vous un stationnement ?", "conv-3"), settings)
    with Session(engine, future=True) as session:
        assert question_groups(session)[0].mark == "new"


def test_an_unknown_mark_is_refused(database_url: str) -> None:
    engine = get_engine(database_url)
    ensure_schema(engine)
    with Session(engine, future=True) as session, pytest.raises(ValueError, match="mark must be one of"):
        mark_group(session, "key", "later", "claire")


def test_the_export_is_guarded_against_formulas(database_url: str, tmp_path) -> None:
    settings = LeadSettings.for_data_dir(tmp_path, database_url=database_url)
    store_question(asked('=HYPERLINK("http://x")'), settings)
    stream = io.StringIO(newline="")

    with Session(get_engine(database_url), future=True) as session:
        operations.write_csv(stream, export_rows(question_groups(session)), EXPORT_FIELDS)

    (row,) = csv.DictReader(io.StringIO(stream.getvalue()))
    assert row["text"] == '\'=HYPERLINK("http://x")' and row["count"] == "1" and row["replies"] == "utter_default"


def test_the_purge_deletes_questions_older_than_90_days(database_url: str, tmp_path) -> None:
    settings = LeadSettings.for_data_dir(tmp_path, database_url=database_url)
    store_question(asked("old question", at=NOW - timedelta(days=UNANSWERED_RETENTION_DAYS, hours=1)), settings)
    store_question(asked("recent question", at=NOW - timedelta(days=UNANSWERED_RETENTION_DAYS - 1)), settings)
    engine = get_engine(database_url)

    dry = operations.purge_expired(engine, dry_run=True)
    after_dry_run = stored_texts(database_url)
    done = operations.purge_expired(engine)

    assert (dry.unanswered, done.unanswered) == (1, 1)
    assert after_dry_run == ["old question", "recent question"]
    assert stored_texts(database_url) == ["recent question"]


def test_erasing_a_person_erases_their_conversations_questions(database_url: str, tmp_path) -> None:
    settings = LeadSettings.for_data_dir(tmp_path, database_url=database_url)
    submit_lead(make_submission(conversation_id="marie-conv", channel="socketio", email="marie@example.org"), settings)
    store_question(asked("question de Marie", "marie-conv"), settings)
    store_question(asked("question de quelqu'un d'autre", "other-conv"), settings)

    erased = operations.erase_person(settings, get_engine(database_url), {"marie@example.org"}, set())

    assert len(erased.lead_ids) == 1
    assert stored_texts(database_url) == ["question de quelqu'un d'autre"]
