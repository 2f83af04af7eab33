"""The console's settings, read from the environment on demand.

Variables (all optional):

- ``SOS_CONSOLE_HOST`` (``127.0.0.1``), ``SOS_CONSOLE_PORT`` (``8090``): where it listens.
- ``SOS_CONSOLE_SECURE_COOKIES``: ``1`` behind TLS, so the browser sends the cookies over
  HTTPS only.
- ``SOS_CONSOLE_IDLE_MINUTES`` (30): a session unused this long is closed.
- The lead store's variables (``SOS_DATABASE_URL``, ``SOS_DATA_DIR``…), as the action server.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from actions.leads.settings import LeadSettings

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8090
DEFAULT_IDLE_MINUTES = 30


@dataclass(frozen=True)
class ConsoleSettings:
    """Where the console listens, how its sessions behave, and the lead store's settings.

    Attributes:
        host: Interface to listen on.
        port: TCP port.
        secure_cookies: Whether cookies carry ``Secure`` (behind TLS).
        idle_timeout: How long an unused session lasts.
        leads: The lead store's settings (database, spool).
    """

    host: str
    port: int
    secure_cookies: bool
    idle_timeout: timedelta
    leads: LeadSettings

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ConsoleSettings:
        """Reads the variables of the module's docstring.

        Raises:
            ValueError: A variable that cannot be used; the message names it.
        """
        env = os.environ if environ is None else environ
        return cls(
            host=env.get("SOS_CONSOLE_HOST", "").strip() or DEFAULT_HOST,
            port=_whole_number(env, "SOS_CONSOLE_PORT", DEFAULT_PORT, 1, 65535),
            secure_cookies=env.get("SOS_CONSOLE_SECURE_COOKIES", "").strip().lower() in {"1", "true", "yes", "on"},
            idle_timeout=timedelta(
                minutes=_whole_number(env, "SOS_CONSOLE_IDLE_MINUTES", DEFAULT_IDLE_MINUTES, 1, 24 * 60)
            ),
            leads=LeadSettings.from_env(env),
        )


def _whole_number(env: Mapping[str, str], name: str, default: int, lowest: int, highest: int) -> int:
    value = env.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or not lowest <= int(value) <= highest:
        raise ValueError(f"{name} must be a whole number from {lowest} to {highest}, not {value!r}")
    return int(value)
