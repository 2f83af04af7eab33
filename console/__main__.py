"""``python -m console``: serves the coordinator console (``SOS_CONSOLE_HOST``, ``SOS_CONSOLE_PORT``)."""

from __future__ import annotations

import argparse
import logging
import sys

from console.app import create_app
from console.settings import ConsoleSettings


def main(argv: list[str] | None = None) -> int:
    """Reads the settings and serves the console until stopped.

    Args:
        argv: ``--host`` and ``--port`` override the environment.

    Returns:
        The exit code: 2 for settings that cannot be used.
    """
    parser = argparse.ArgumentParser(prog="python -m console", description="The coordinator console.")
    parser.add_argument("--host", help="interface to listen on (default: SOS_CONSOLE_HOST or 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default: SOS_CONSOLE_PORT or 8090)")
    args = parser.parse_args(argv)
    try:
        settings = ConsoleSettings.from_env()
    except ValueError as error:
        print(f"console: {error}", file=sys.stderr)
        return 2
    host, port = args.host or settings.host, args.port or settings.port
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = create_app(settings)
    print(f"Coordinator console: http://{host}:{port}/", flush=True)
    app.run(host=host, port=port, access_log=False, workers=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
