"""The console's settings, read from the environment on demand.

Variables (all optional):

- ``SOS_CONSOLE_HOST`` (``127.0.0.1``), ``SOS_CONSOLE_PORT`` (``8090``): where it listens.
- ``SOS_CONSOLE_SECURE_COOKIES``: ``1`` behind TLS, so the browser sends the cookies over
  HTTPS only.
- ``SOS_CONSOLE_IDLE_MINUTES`` (30): a session unused this long is closed.
- ``SOS_RASA_URL`` (``http://127.0.0.1:5005``): the Rasa server whose conversations coordinators
  take over, and ``SOS_HANDOFF_SECRET``, the secret its coordinator endpoint was given (without
  it, the Conversations page says the live hand-off is not set up).
- ``SOS_HANDOFF_IDLE_MINUTES`` (15, at most 1440): a claim with no claim or reply for this long is
  waiting again; the same variable as the Rasa server's (bot/takeover.py).
- The lead store's variables (``SOS_DATABASE_URL``, ``SOS_DATA_DIR``…), as the action server.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from actions.leads.settings import LeadSettings

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8090
DEFAULT_IDLE_MINUTES = 30
DEFAULT_RASA_URL = "http://127.0.0.1:5005"
DEFAULT_CLAIM_MINUTES = 15
MAX_CLAIM_MINUTES = 24 * 60


@dataclass(frozen=True)
class ConsoleSettings:
    """Where the console listens, how its sessions behave, and the lead store's settings.

    Attributes:
        host: Interface to listen on.
        port: TCP port.
        secure_cookies: Whether cookies carry ``Secure`` (behind TLS).
        idle_timeout: How long an unused session lasts.
        leads: The lead store's settings (database, spool).
        rasa_url: The Rasa server of the live hand-off.
        handoff_secret: The secret of its coordinator endpoint (empty: live hand-off off).
        claim_timeout: How long a claim lasts after the coordinator's last claim or reply.
    """

    host: str
    port: int
    secure_cookies: bool
    idle_timeout: timedelta
    leads: LeadSettings
    rasa_url: str = DEFAULT_RASA_URL
    handoff_secret: str = field(default="", repr=False)
    claim_timeout: timedelta = timedelta(minutes=DEFAULT_CLAIM_MINUTES)

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
            rasa_url=(env.get("SOS_RASA_URL", "").strip() or DEFAULT_RASA_URL).rstrip("/"),
            handoff_secret=env.get("SOS_HANDOFF_SECRET", "").strip(),
            claim_timeout=timedelta(
                minutes=_whole_number(env, "SOS_HANDOFF_IDLE_MINUTES", DEFAULT_CLAIM_MINUTES, 1, MAX_CLAIM_MINUTES)
            ),
        )


def _whole_number(env: Mapping[str, str], name: str, default: int, lowest: int, highest: int) -> int:
    value = env.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or not lowest <= int(value) <= highest:
        raise ValueError(f"{name} must be a whole number from {lowest} to {highest}, not {value!r}")
    return int(value)
