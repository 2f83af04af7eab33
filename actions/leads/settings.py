"""Where leads are stored and who is told about them, read from the environment on demand.

Variables (all optional):

- ``SOS_DATA_DIR``: folder of the default SQLite file and spool (``var``, relative to the
  working directory).
- ``SOS_DATABASE_URL``: SQLAlchemy URL (default ``sqlite:///<SOS_DATA_DIR>/leads.sqlite3``;
  PostgreSQL: ``postgresql+psycopg2://user:password@host/db``).
- ``SOS_SPOOL_DIR`` (``<SOS_DATA_DIR>/spool``), ``SOS_SPOOL_RETRY_SECONDS`` (30).
- ``SOS_NOTIFY_WEBHOOK_URL``: receives a JSON notice per new or updated lead.
- ``SOS_NOTIFY_EMAIL_TO`` (comma-separated), ``SOS_NOTIFY_EMAIL_FROM``, ``SOS_SMTP_HOST``,
  ``SOS_SMTP_PORT`` (587), ``SOS_SMTP_USER``, ``SOS_SMTP_PASSWORD``, ``SOS_SMTP_STARTTLS``
  (true when a user is set): e-mail notices.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_DATA_DIR = "var"
DEFAULT_RETRY_SECONDS = 30.0
DEFAULT_SMTP_PORT = 587
NOTIFY_TIMEOUT_SECONDS = 5.0

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


@dataclass(frozen=True)
class LeadSettings:
    """Storage, spool and notification settings of the lead hand-off.

    Attributes:
        data_dir: Folder of the default SQLite file and spool (absolute).
        database_url: SQLAlchemy URL of the leads database.
        spool_dir: Folder where submissions wait while the database is unreachable.
        spool_retry_seconds: Pause between two attempts to store spooled submissions.
        webhook_url: URL that receives a JSON notice per new or updated lead.
        email_to: Addresses that receive an e-mail notice per new or updated lead.
        email_from: Sender of those e-mails.
        smtp_host: SMTP server; e-mail notices are off without it.
        smtp_port: SMTP port.
        smtp_user: SMTP login, if the server needs one.
        smtp_password: SMTP password.
        smtp_starttls: Whether to upgrade the SMTP connection with STARTTLS.
        notify_timeout: Seconds before a webhook or SMTP attempt gives up.
    """

    data_dir: Path
    database_url: str
    spool_dir: Path
    spool_retry_seconds: float = DEFAULT_RETRY_SECONDS
    webhook_url: str | None = None
    email_to: tuple[str, ...] = ()
    email_from: str | None = None
    smtp_host: str | None = None
    smtp_port: int = DEFAULT_SMTP_PORT
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    notify_timeout: float = NOTIFY_TIMEOUT_SECONDS

    @classmethod
    def for_data_dir(cls, data_dir: Path, **overrides: Any) -> LeadSettings:
        """Settings with the default database and spool inside ``data_dir``.

        Args:
            data_dir: Folder of the SQLite file and the spool.
            **overrides: Any other field of the settings.

        Returns:
            The settings.
        """
        data_dir = data_dir.absolute()
        defaults = cls(
            data_dir=data_dir,
            database_url=f"sqlite:///{data_dir / 'leads.sqlite3'}",
            spool_dir=data_dir / "spool",
        )
        return dataclasses.replace(defaults, **overrides)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> LeadSettings:
        """Reads the ``SOS_*`` variables (see the module's docstring) into settings.

        Args:
            environ: The variables; ``os.environ`` by default.

        Returns:
            The settings, with relative folders resolved against the working directory.

        Raises:
            ValueError: A variable holds a value that cannot be used; the message names it.
        """
        env = os.environ if environ is None else environ
        data_dir = Path(_text(env, "SOS_DATA_DIR") or DEFAULT_DATA_DIR).absolute()
        smtp_user = _text(env, "SOS_SMTP_USER")
        overrides: dict[str, Any] = {
            "spool_retry_seconds": _positive_number(env, "SOS_SPOOL_RETRY_SECONDS"),
            "webhook_url": _text(env, "SOS_NOTIFY_WEBHOOK_URL"),
            "email_to": _address_list(env, "SOS_NOTIFY_EMAIL_TO"),
            "email_from": _text(env, "SOS_NOTIFY_EMAIL_FROM"),
            "smtp_host": _text(env, "SOS_SMTP_HOST"),
            "smtp_port": _port(env, "SOS_SMTP_PORT"),
            "smtp_user": smtp_user,
            "smtp_password": _text(env, "SOS_SMTP_PASSWORD"),
            "smtp_starttls": _flag(env, "SOS_SMTP_STARTTLS", default=smtp_user is not None),
        }
        if database_url := _text(env, "SOS_DATABASE_URL"):
            overrides["database_url"] = database_url
        if spool_dir := _text(env, "SOS_SPOOL_DIR"):
            overrides["spool_dir"] = Path(spool_dir).absolute()
        return cls.for_data_dir(data_dir, **overrides)

    @property
    def email_enabled(self) -> bool:
        """Whether e-mail notices are configured (recipients and an SMTP server)."""
        return bool(self.email_to and self.smtp_host)

    @property
    def notifications_enabled(self) -> bool:
        """Whether at least one notification channel is configured."""
        return bool(self.webhook_url) or self.email_enabled


def _text(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name, "").strip()
    return value or None


def _address_list(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    value = _text(env, name) or ""
    return tuple(address.strip() for address in value.split(",") if address.strip())


def _positive_number(env: Mapping[str, str], name: str) -> float:
    value = _text(env, name)
    if value is None:
        return DEFAULT_RETRY_SECONDS
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"{name} must be a number of seconds, not {value!r}") from None
    if number <= 0:
        raise ValueError(f"{name} must be greater than zero, not {value!r}")
    return number


def _port(env: Mapping[str, str], name: str) -> int:
    value = _text(env, name)
    if value is None:
        return DEFAULT_SMTP_PORT
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise ValueError(f"{name} must be a port number (1-65535), not {value!r}")
    return int(value)


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    value = _text(env, name)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ValueError(f"{name} must be true or false, not {value!r}")
