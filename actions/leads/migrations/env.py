"""Alembic environment of the leads database.

The URL comes from ``LeadSettings`` (the environment), never from ``alembic.ini``. When
``ensure_schema`` runs the migrations it hands over its own connection instead.
"""

from __future__ import annotations

from logging.config import fileConfig
from typing import Any

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy.engine import Connection
from sqlalchemy.pool import NullPool

from actions.leads.database import build_engine
from actions.leads.models import UTCDateTime, metadata
from actions.leads.settings import LeadSettings

config = context.config
target_metadata = metadata


def render_item(kind: str, item: Any, autogen_context: AutogenContext) -> str | bool:
    """Writes the model's UTC datetime type as the plain SQLAlchemy type it stores as."""
    if kind == "type" and isinstance(item, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def configure_options(connection: Connection) -> dict[str, Any]:
    """Options shared by migrations and autogenerate (batch mode lets SQLite alter tables)."""
    return {
        "connection": connection,
        "target_metadata": target_metadata,
        "compare_type": True,
        "render_as_batch": connection.dialect.name == "sqlite",
        "render_item": render_item,
    }


def run_migrations_offline() -> None:
    """Prints the SQL of the migrations for the configured database, without connecting."""
    context.configure(
        url=LeadSettings.from_env().database_url,
        target_metadata=target_metadata,
        literal_binds=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Runs the migrations on the given connection, or on the configured database."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = build_engine(LeadSettings.from_env().database_url, poolclass=NullPool)
    try:
        with engine.connect() as own_connection:
            _run(own_connection)
    finally:
        engine.dispose()


def _run(connection: Connection) -> None:
    context.configure(**configure_options(connection))
    with context.begin_transaction():
        context.run_migrations()


if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
