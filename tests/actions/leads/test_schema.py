"""The schema comes only from the Alembic migrations, and they agree with the model."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy.engine import Engine

from actions.leads import database
from actions.leads.database import dispose_engines, ensure_schema, get_engine
from actions.leads.models import metadata
from tests.support.postgres import PostgresServer

ALEMBIC_INI = Path(__file__).resolve().parents[3] / "alembic.ini"


def _differences(engine: Engine, target: sa.MetaData) -> list[object]:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, target)


def test_migrations_match_the_model(database_url: str) -> None:
    engine = get_engine(database_url)
    ensure_schema(engine)

    assert _differences(engine, metadata) == []


def test_the_comparison_sees_a_model_change(database_url: str) -> None:
    engine = get_engine(database_url)
    ensure_schema(engine)
    changed = sa.MetaData(naming_convention=metadata.naming_convention)
    for table in metadata.sorted_tables:
        table.to_metadata(changed)
    leads = changed.tables["leads"]
    leads.append_column(sa.Column("referrer", sa.Text()))

    differences = _differences(engine, changed)

    assert [(kind, column.name) for kind, _, _, column in differences] == [("add_column", "referrer")]


def test_alembic_check_with_the_project_configuration(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOS_DATABASE_URL", database_url)
    config = Config(str(ALEMBIC_INI), attributes={"configure_logger": False})

    command.upgrade(config, "head")
    command.check(config)

    inspector = sa.inspect(get_engine(database_url))
    assert "leads" in inspector.get_table_names()


def test_the_schema_is_migrated_once_per_process(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    upgrade = database.command.upgrade

    def counting_upgrade(config: Config, revision: str) -> None:
        calls.append(revision)
        upgrade(config, revision)

    monkeypatch.setattr(database.command, "upgrade", counting_upgrade)
    engine = get_engine(database_url)

    ensure_schema(engine)
    ensure_schema(engine)

    assert calls == ["head"]
    with engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == "0004"


def test_times_are_timezone_aware_on_postgresql(postgres_server: PostgresServer) -> None:
    url = postgres_server.create_database("timezone_check")
    try:
        ensure_schema(get_engine(url))
        columns = sa.inspect(get_engine(url)).get_columns("leads")
    finally:
        dispose_engines()
        postgres_server.drop_database("timezone_check")

    timestamps = {column["name"] for column in columns if getattr(column["type"], "timezone", False)}
    assert timestamps == {"consent_at", "created_at", "updated_at", "notified_at"}
