"""Engines (built lazily, one per URL), schema migrations and what counts as « database down »."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
CONNECT_TIMEOUT_SECONDS = 5

_engines_lock = threading.Lock()
_migrations_lock = threading.Lock()
_engines: dict[str, Engine] = {}
_migrated: set[str] = set()


def build_engine(url: str, **options: Any) -> Engine:
    """A new engine for the leads database.

    Bound parameters are hidden from error messages (they hold health data, and errors are
    logged); connections are checked before use so a restarted database is reconnected; an
    SQLite file is created beforehand, readable by its owner only.

    Args:
        url: SQLAlchemy URL.
        **options: Extra ``create_engine`` options.

    Returns:
        The engine.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        _prepare_sqlite_file(parsed)
    elif parsed.get_backend_name() == "postgresql":
        options.setdefault("connect_args", {"connect_timeout": CONNECT_TIMEOUT_SECONDS})
    return create_engine(parsed, future=True, hide_parameters=True, pool_pre_ping=True, **options)


def get_engine(url: str) -> Engine:
    """The process's engine for ``url``, built on first use."""
    with _engines_lock:
        if url not in _engines:
            _engines[url] = build_engine(url)
        return _engines[url]


def dispose_engines() -> None:
    """Closes the pooled connections of every engine built by ``get_engine`` and forgets them."""
    with _engines_lock:
        engines = list(_engines.values())
        _engines.clear()
    for engine in engines:
        engine.dispose()


def alembic_config() -> Config:
    """Alembic configuration pointing at the leads migrations, independent of the directory."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def ensure_schema(engine: Engine) -> None:
    """Upgrades the database to the latest migration, once per process and URL.

    Args:
        engine: Engine of the leads database.

    Raises:
        sqlalchemy.exc.SQLAlchemyError: The database cannot be reached or migrated.
    """
    key = engine.url.render_as_string(hide_password=False)
    with _migrations_lock:
        if key in _migrated:
            return
        config = alembic_config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        _migrated.add(key)


def is_unavailable(error: BaseException) -> bool:
    """Whether ``error`` means the database cannot be reached right now (worth retrying later).

    Args:
        error: An exception raised while storing.

    Returns:
        ``True`` for lost or refused connections and an SQLite file that cannot be opened.
    """
    if isinstance(error, (OperationalError, InterfaceError)):
        return True
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, OSError)


def _prepare_sqlite_file(url: URL) -> None:
    if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
        return
    path = Path(url.database)
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
