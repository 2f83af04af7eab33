"""A real, throw-away PostgreSQL server for tests (Debian's ``postgresql`` package).

    with postgres_or_skip() as server:              # in a pytest fixture
        server.url                               # postgresql+psycopg2://... (a fresh database)
        other = server.create_database("leads")  # another one
        server.stop()                            # the database goes down...
        server.start()                           # ...and comes back on the same port

The server lives in a temporary folder (data, unix socket, log), listens on 127.0.0.1 on a free
port, trusts local connections, and trades durability for speed (no fsync). PostgreSQL refuses
to run as root: as root, its commands run as the ``postgres`` user through ``runuser``.
Without the binaries, ``postgres_or_skip`` skips the tests, or fails them when
``SOS_REQUIRE_POSTGRES=1`` (CI), so a CI machine without PostgreSQL cannot pass by skipping.
"""

from __future__ import annotations

import glob
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

import psycopg2
import pytest
from psycopg2 import sql

SUPERUSER = "postgres"
DATABASE = "sos_test"
REQUIRE_VARIABLE = "SOS_REQUIRE_POSTGRES"
BIN_PATTERN = "/usr/lib/postgresql/*/bin"
SPEED_OVER_SAFETY = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"


class PostgresUnavailable(RuntimeError):
    """The PostgreSQL binaries (or the user to run them as) are missing."""


def find_bin_dir() -> Path | None:
    """The newest installed PostgreSQL's ``bin`` folder with ``initdb`` and ``pg_ctl``."""
    candidates = [
        Path(folder)
        for folder in glob.glob(BIN_PATTERN)
        if (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists()
    ]
    return max(candidates, key=_major_version, default=None)


@contextmanager
def postgres_or_skip() -> Iterator[PostgresServer]:
    """A running server, for a pytest fixture; skips (or fails, in CI) when it cannot run.

    Yields:
        The server, stopped and deleted when the block ends.
    """
    try:
        server = PostgresServer()
    except PostgresUnavailable as error:
        if os.environ.get(REQUIRE_VARIABLE) == "1":
            pytest.fail(
                f"{REQUIRE_VARIABLE}=1 but PostgreSQL cannot run: {error}. "
                "Install Debian's postgresql package (make system-deps).",
                pytrace=False,
            )
        pytest.skip(f"PostgreSQL cannot run here: {error}")
    with server:
        yield server


class PostgresServer:
    """A PostgreSQL server in a temporary folder, for one test session.

    Args:
        bin_dir: Folder of ``initdb`` and ``pg_ctl``; the newest installed one by default.

    Raises:
        PostgresUnavailable: No binaries, or running as root without a ``postgres`` user.
    """

    def __init__(self, bin_dir: Path | None = None) -> None:
        self.bin_dir = bin_dir or find_bin_dir()
        if self.bin_dir is None:
            raise PostgresUnavailable(f"no PostgreSQL binaries in {BIN_PATTERN}")
        self.run_as = _server_user()
        self.root: Path | None = None
        self.port = 0
        self.running = False

    @property
    def data_dir(self) -> Path:
        """The cluster's data folder."""
        return self._root() / "data"

    @property
    def socket_dir(self) -> Path:
        """Folder of the server's unix socket."""
        return self._root() / "socket"

    @property
    def log_file(self) -> Path:
        """The server's log."""
        return self._root() / "server.log"

    @property
    def url(self) -> str:
        """SQLAlchemy URL of the database created at setup."""
        return self.database_url(DATABASE)

    def database_url(self, name: str) -> str:
        """SQLAlchemy URL of the database ``name`` on this server."""
        return f"postgresql+psycopg2://{SUPERUSER}@127.0.0.1:{self.port}/{name}"

    def __enter__(self) -> PostgresServer:
        self.setup()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.cleanup()

    def setup(self) -> None:
        """Creates the cluster in a new temporary folder, starts it and creates ``DATABASE``."""
        self.root = Path(tempfile.mkdtemp(prefix="sos-postgres-"))
        self.socket_dir.mkdir()
        if self.run_as is not None:
            shutil.chown(self.root, user=self.run_as)
            shutil.chown(self.socket_dir, user=self.run_as)
        self._run(
            "initdb", "-D", str(self.data_dir), "-U", SUPERUSER, "--auth=trust",
            "--encoding=UTF8", "--no-locale", "--no-sync",
        )  # fmt: skip
        self.port = _free_port()
        self.start()
        self.create_database(DATABASE)

    def start(self) -> None:
        """Starts the server (again) on its port and waits until it accepts connections."""
        options = f"-p {self.port} -k {self.socket_dir} -h 127.0.0.1 {SPEED_OVER_SAFETY}"
        self._run(
            "pg_ctl", "start", "-w", "-t", "30", "-D", str(self.data_dir),
            "-l", str(self.log_file), "-o", options,
        )  # fmt: skip
        self.running = True

    def stop(self) -> None:
        """Stops the server at once, closing every client connection."""
        self._run("pg_ctl", "stop", "-w", "-m", "fast", "-D", str(self.data_dir))
        self.running = False

    def create_database(self, name: str) -> str:
        """Creates an empty database and returns its SQLAlchemy URL."""
        self._execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.database_url(name)

    def drop_database(self, name: str) -> None:
        """Drops a database, disconnecting its clients."""
        query = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        self._execute(query)

    def cleanup(self) -> None:
        """Stops the server if it runs and deletes its folder."""
        if self.root is None:
            return
        if self.running:
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)
        self.root = None

    def _root(self) -> Path:
        if self.root is None:
            raise RuntimeError("the server is not set up: use it as a context manager")
        return self.root

    def _execute(self, statement: sql.Composable) -> None:
        connection = psycopg2.connect(host="127.0.0.1", port=self.port, user=SUPERUSER, dbname="postgres")
        try:
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(statement)
        finally:
            connection.close()

    def _run(self, program: str, *arguments: str) -> None:
        command = [str(self.bin_dir / program), *arguments]
        if self.run_as is not None:
            command = ["runuser", "-u", self.run_as, "--", *command]
        completed = subprocess.run(command, capture_output=True, text=True, cwd=self._root())
        if completed.returncode != 0:
            log = self.log_file.read_text() if self.log_file.exists() else ""
            raise RuntimeError(f"{program} failed ({completed.returncode}): {completed.stderr}{log[-2000:]}")


def _server_user() -> str | None:
    """``postgres`` when we are root (the server refuses root), else ``None`` (run as us)."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(SUPERUSER)
    except KeyError:
        raise PostgresUnavailable("running as root and there is no postgres user") from None
    return SUPERUSER


def _major_version(bin_dir: Path) -> int:
    match = re.search(r"/(\d+)/bin$", str(bin_dir))
    return int(match.group(1)) if match else 0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
