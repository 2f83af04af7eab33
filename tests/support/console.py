"""The coordinator console as a real process on loopback, its accounts, and a signed-in client.

with ConsoleServer({"SOS_DATABASE_URL": url}) as console:
    add_account(url, "claire", "coordinator")
    client = ConsoleClient(console.url)
    client.log_in("claire")
    client.get("/leads")
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType

import requests
from markupsafe import escape
from sqlalchemy import update
from sqlalchemy.orm import Session

from actions.leads import staff
from actions.leads.database import ensure_schema, get_engine
from actions.leads.models import ConsoleSession, StaffAccount
from console.labels import LABELS, LANGUAGES
from tools.stack import PROJECT, _answers, _wait_until, free_port

PASSWORD = "a long password for tests"
CSRF_FIELD = re.compile(r'name="csrf" value="([^"]+)"')


class ConsoleServer:
    """``python -m console`` on a free loopback port with ``env`` added to this process's.

    Args:
        env: The lead store's variables (``SOS_DATABASE_URL``, ``SOS_DATA_DIR``…) and the
            console's own.
        log_dir: Where its log goes (a new temporary folder by default).
    """

    def __init__(self, env: dict[str, str], log_dir: Path | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # The developer's own console and live hand-off settings never reach a test console.
        own = {name: value for name, value in os.environ.items() if not name.startswith(("SOS_CONSOLE", "SOS_HANDOFF"))}
        self.env = {**own, **env, "SOS_CONSOLE_PORT": str(self.port), "SOS_CONSOLE_HOST": "127.0.0.1"}
        self.log = Path(log_dir or tempfile.mkdtemp(prefix="sos-console-")) / "console.log"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> ConsoleServer:
        """Starts the console and waits until its login page answers."""
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "console"], cwd=PROJECT, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        try:
            _wait_until(lambda: _answers(f"{self.url}/login"), f"{self.url}/login", self.process, self.log, timeout=60)
        except Exception:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        """Stops the console."""
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log_text(self) -> str:
        """What the console wrote to its log so far."""
        return self.log.read_text(errors="replace")


def add_account(database_url: str, name: str, role: str, password: str = PASSWORD) -> None:
    """Creates a staff account, as ``sos-leads staff add`` does."""
    engine = get_engine(database_url)
    ensure_schema(engine)
    with Session(engine, future=True) as session, session.begin():
        staff.add_account(session, name, role, password)


def age_sessions(database_url: str, name: str, idle: timedelta) -> None:
    """Makes every console session of ``name`` look unused for ``idle``."""
    engine = get_engine(database_url)
    with Session(engine, future=True) as session, session.begin():
        account = staff.find_account(session, name)
        assert isinstance(account, StaffAccount)
        session.execute(
            update(ConsoleSession)
            .where(ConsoleSession.account_id == account.id)
            .values(last_seen_at=datetime.now(UTC) - idle)
        )


class ConsoleClient:
    """A browser-less client of the console: a cookie jar, no redirect followed unless asked.

    ``timeout`` bounds each request in seconds. A request the console passes on to the Rasa server
    may wait up to ``console.rasa_link.TIMEOUT_S`` for it, so a client sending several at once
    waits longer than that, to read the console's own answer instead of giving up first.
    """

    def __init__(self, base_url: str, timeout: float = 10) -> None:
        self.base_url = base_url
        self.timeout = timeout
        self.http = requests.Session()

    def get(self, path: str, **options: object) -> requests.Response:
        """GET ``path`` (redirects not followed by default)."""
        options.setdefault("allow_redirects", False)
        return self.http.get(f"{self.base_url}{path}", timeout=self.timeout, **options)

    def post(self, path: str, data: dict[str, str] | None = None, **options: object) -> requests.Response:
        """POST a form to ``path`` (redirects not followed by default)."""
        options.setdefault("allow_redirects", False)
        return self.http.post(f"{self.base_url}{path}", data=data or {}, timeout=self.timeout, **options)

    def log_in(self, name: str, password: str = PASSWORD, language: str = "fr") -> requests.Response:
        """Signs in through the login form (its token included)."""
        token = csrf_token(self.get(f"/login?lang={language}").text)
        return self.post("/login", {"csrf": token, "name": name, "password": password, "lang": language})

    def csrf(self, path: str = "/leads") -> str:
        """The session's CSRF token, read from a page's form."""
        return csrf_token(self.get(path).text)


def csrf_token(page: str) -> str:
    """The CSRF token of the first form of ``page``."""
    match = CSRF_FIELD.search(page)
    assert match, "no form with a CSRF token on the page"
    return match.group(1)


def shown(key: str, language: str = "fr") -> str:
    """The label ``key`` in ``language`` as a page shows it (escaped as Jinja2 does), up to its first blank."""
    text = LABELS[key][LANGUAGES.index(language)].split("{")[0]
    return str(escape(text))
