"""The Rasa server's entry point: Rasa's own command line, with this project's patches installed.

``python -m bot.server run --model ...`` (or ``shell``) takes the same arguments as ``rasa``.
It installs :mod:`bot.privacy` (no patient's words in the logs above DEBUG) and
:mod:`bot.rasa_patches` first, in the process that then starts Sanic, so every server process
(Sanic forks its workers) has them.

Rasa's HTTP API reads and changes every conversation (consent, health answers, contact
details) and can unload the model. It is opened only behind a token: ``SOS_RASA_API_TOKEN``
from the environment (so the token never shows in the process list) adds ``--enable-api
--auth-token`` to ``run``; ``--enable-api`` without that variable is refused.
"""

from __future__ import annotations

import os
import sys

from bot import privacy

API_TOKEN_VARIABLE = "SOS_RASA_API_TOKEN"
API_FLAGS = ("--enable-api", "--auth-token", "--jwt-secret")


class ApiWithoutToken(SystemExit):
    """``--enable-api`` was asked for without ``SOS_RASA_API_TOKEN``."""


def rasa_arguments(arguments: list[str], environment: dict[str, str]) -> list[str]:
    """The arguments given to Rasa: the HTTP API only behind the environment's token.

    Raises:
        ApiWithoutToken: The arguments open the API, or pass a token, themselves.
    """
    if any(argument.split("=")[0] in API_FLAGS for argument in arguments):
        raise ApiWithoutToken(
            f"bot.server: the HTTP API is opened only by {API_TOKEN_VARIABLE} (a long random string), "
            "never by --enable-api, --auth-token or --jwt-secret on the command line"
        )
    token = environment.get(API_TOKEN_VARIABLE, "")
    if not token or arguments[:1] != ["run"]:
        return arguments
    # One argument, so that a token starting with « - » is not read as an option.
    return [*arguments, "--enable-api", f"--auth-token={token}"]


def main() -> None:
    """Installs the patches, then runs Rasa's command line on this process's arguments.

    Rasa's telemetry (and the crash reports it sends with it) stays off unless
    ``RASA_TELEMETRY_ENABLED`` says otherwise: conversations hold health information.
    """
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    sys.argv[1:] = rasa_arguments(sys.argv[1:], dict(os.environ))
    privacy.install()
    from bot import rasa_patches  # Rasa's classes: imported only when Rasa is about to run.

    rasa_patches.install()
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
