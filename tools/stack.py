"""Starts the action server and the Rasa server on loopback, for tests and the benchmark.

Real processes, not mocks: ``with RasaStack(model) as stack: stack.chat("s1", "bonjour")``.
``RedisServer`` starts a throwaway Redis for the scaled set-up (several Rasa processes).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import requests

from bot.server import API_TOKEN_VARIABLE

PROJECT = Path(__file__).resolve().parent.parent
READY_TIMEOUT_S = 240
RASA_READY_LINE = "Rasa server is up and running."
# The live hand-off's settings (bot/takeover.py, bot/channels/coordinator.py).
HANDOFF_VARIABLES = (
    "SOS_HANDOFF_SECRET",
    "SOS_HANDOFF_IDLE_MINUTES",
    "SOS_HANDOFF_HOURS",
    "SOS_HANDOFF_TIMEZONE",
)
# With one server process per core, each computes on one thread (TensorFlow, OpenMP/BLAS):
# their default thread pools would make the processes compete for the same cores.
ONE_THREAD_EACH = {
    "TF_INTER_OP_PARALLELISM_THREADS": "1",
    "TF_INTRA_OP_PARALLELISM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
}


def free_port() -> int:
    """Return a TCP port that is free on the loopback interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until(
    ready: Callable[[], bool],
    what: str,
    process: subprocess.Popen,
    log: Path,
    timeout: float = READY_TIMEOUT_S,
    pause: float = 0.5,
) -> None:
    """Waits until ``ready()`` holds; fails as soon as ``process`` exits, or after ``timeout``,
    with the end of its ``log``."""
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{what}: exited with {process.returncode}:\n{_tail(log)}")
        if ready():
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not ready after {timeout} s:\n{_tail(log)}")
        time.sleep(pause)


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-3000:] if log.exists() else ""


def _answers(url: str) -> bool:
    """Whether ``url`` answers a GET with a success status."""
    try:
        return requests.get(url, timeout=2).ok
    except requests.RequestException:
        return False


class RedisServer:
    """A Redis server of the distribution (``redis-server``) on a free loopback port.

    Nothing is written to disk, and it stops with the ``with`` block. ``env`` gives the
    variables ``endpoints-redis.yml`` reads.
    """

    VARIABLES = ("SOS_REDIS_HOST", "SOS_REDIS_PORT", "SOS_REDIS_PASSWORD")

    def __init__(self, log_dir: Path | None = None) -> None:
        """Prepares the server; nothing starts before ``__enter__``."""
        self.port = free_port()
        self.log_dir = Path(log_dir or tempfile.mkdtemp(prefix="sos-redis-"))
        self.process: subprocess.Popen | None = None

    @property
    def env(self) -> dict[str, str]:
        """The environment that points ``endpoints-redis.yml`` at this server."""
        return dict(zip(self.VARIABLES, ("127.0.0.1", str(self.port), ""), strict=True))

    def __enter__(self) -> RedisServer:
        """Starts the server and waits until it answers PING."""
        binary = shutil.which("redis-server")
        if binary is None:
            raise FileNotFoundError("redis-server is not installed (Debian package redis-server; `make system-deps`)")
        log = self.log_dir / "redis.log"
        self.process = subprocess.Popen(
            [
                binary,
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.log_dir),
                "--logfile",
                str(log),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_until(
                self._answers_ping, f"redis-server on port {self.port}", self.process, log, timeout=30, pause=0.1
            )
        except Exception:
            self.__exit__(None, None, None)
            raise
        return self

    def _answers_ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def __exit__(self, *exc_info: Any) -> None:
        """Stops the server."""
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


class RasaStack:
    """The action server and a Rasa server with every channel and, by default, the HTTP API.

    The HTTP API is opened behind a random token (``SOS_RASA_API_TOKEN``, as in production):
    :meth:`api` sends it. ``api=False`` starts the server as ``make run`` does without a token.
    """

    def __init__(
        self,
        model: Path,
        log_dir: Path | None = None,
        env: dict[str, str] | None = None,
        redis: RedisServer | None = None,
        workers: int = 1,
        api: bool = True,
        patched: bool = True,
    ) -> None:
        """Prepares the stack for ``model``; nothing starts before ``__enter__``.

        Args:
            model: The trained model to serve.
            log_dir: Where the servers' logs go (a new temporary folder by default).
            env: Extra environment for both servers, such as ``SOS_DATABASE_URL``.
            redis: A running Redis: conversations and their locks are kept there
                (``endpoints-redis.yml``) instead of in the server's memory.
            workers: Rasa server processes (``SANIC_WORKERS``); more than one needs ``redis``,
                and each then computes on one thread (``ONE_THREAD_EACH``).
            api: Whether the HTTP API is open (behind :attr:`api_token`).
            patched: Whether the server is the project's (``bot.server``, Rasa with the
                changes of :mod:`bot.rasa_patches`) or plain Rasa (the benchmark's stock
                baseline; it never opens the HTTP API).
        """
        if workers > 1 and redis is None:
            raise ValueError("several Rasa workers must share their conversations through Redis")
        self.model = model
        self.workers = workers
        self.entry_point = "bot.server" if patched else "rasa"
        self.api_token = secrets.token_urlsafe(24) if api else None
        self.env = {
            **(ONE_THREAD_EACH if workers > 1 else {}),
            **(env or {}),
            **(redis.env if redis else {}),
            **({API_TOKEN_VARIABLE: self.api_token} if self.api_token else {}),
            "SANIC_WORKERS": str(workers),
        }
        # Without ``redis``, a Redis named by the caller's environment is not used either.
        # A developer's own token, widget origins or live hand-off settings never reach a test stack either.
        self.unset = {API_TOKEN_VARIABLE, "SOS_WIDGET_ORIGINS", *HANDOFF_VARIABLES} - set(self.env)
        if redis is None:
            self.unset |= set(RedisServer.VARIABLES)
        self.endpoints = "endpoints-redis.yml" if redis else "endpoints.yml"
        self.log_dir = Path(log_dir or tempfile.mkdtemp(prefix="sos-stack-"))
        self.rasa_port = free_port()
        self.actions_port = free_port()
        self.base_url = f"http://127.0.0.1:{self.rasa_port}"
        self._processes: list[subprocess.Popen] = []
        self._logs: list[IO[bytes]] = []

    def _server_env(self) -> dict[str, str]:
        """The servers' environment: the caller's, less what the stack must decide, plus its own."""
        return {
            **{name: value for name, value in os.environ.items() if name not in self.unset},
            **self.env,
            "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{self.actions_port}/webhook",
        }

    def _start(self, name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen:
        log = (self.log_dir / f"{name}.log").open("wb")
        self._logs.append(log)
        # A process group of its own: stopping it also stops the Sanic workers it forked.
        process = subprocess.Popen(
            command, cwd=PROJECT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self._processes.append(process)
        return process

    def __enter__(self) -> RasaStack:
        """Starts both servers and waits until they answer."""
        env = self._server_env()
        self.actions_command = [
            sys.executable,
            "-m",
            "rasa_sdk",
            "--actions",
            "actions",
            "--port",
            str(self.actions_port),
        ]
        self.actions = actions = self._start("actions", self.actions_command, env)
        self.rasa = self._start(
            "rasa",
            [
                sys.executable,
                "-m",
                self.entry_point,
                "run",
                "--model",
                str(self.model),
                "--port",
                str(self.rasa_port),
                "--interface",
                "127.0.0.1",
                "--endpoints",
                self.endpoints,
                "--credentials",
                "credentials.yml",
            ],
            env,
        )
        try:
            actions_url, rasa_log = f"http://127.0.0.1:{self.actions_port}/health", self.log_dir / "rasa.log"
            _wait_until(lambda: _answers(actions_url), actions_url, actions, self.log_dir / "actions.log")
            self._wait_for_rasa(rasa_log)
        except Exception:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc_info: Any) -> None:
        """Stops both servers, and whatever is left of their process groups."""
        for process in self._processes:
            _signal_group(process, signal.SIGTERM)
        for process in self._processes:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=20)
            _signal_group(process, signal.SIGKILL)
            process.wait()
        for log in self._logs:
            log.close()

    def restart_rasa(self) -> None:
        """Stops the Rasa server and starts it again, on the same port with the same model and
        settings, then waits until it answers: what it kept in memory (the conversations of the
        in-memory tracker store) is gone. The action server keeps running.

        The stopped server's log is kept as ``rasa-1.log`` (``rasa-2.log``…); ``rasa.log`` is
        the new server's.

        Raises:
            FileNotFoundError: The model is gone (a newer training replaced it): Rasa would
                start without it, and answer nothing.
        """
        if not Path(self.model).is_file():
            raise FileNotFoundError(
                f"{self.model} is gone (a newer training replaced it): the Rasa server cannot restart"
            )
        stopped = self.rasa
        _signal_group(stopped, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            stopped.wait(timeout=20)
        _signal_group(stopped, signal.SIGKILL)
        stopped.wait()
        self._processes.remove(stopped)
        rasa_log = self.log_dir / "rasa.log"
        rasa_log.rename(self.log_dir / f"rasa-{len(list(self.log_dir.glob('rasa-*.log'))) + 1}.log")
        self.rasa = self._start("rasa", list(stopped.args), self._server_env())
        self._wait_for_rasa(rasa_log)

    def _wait_for_rasa(self, rasa_log: Path) -> None:
        """Waits until the Rasa server answers and every worker has loaded the model."""
        health = f"{self.base_url}/webhooks/rest/"
        _wait_until(lambda: _answers(health), health, self.rasa, rasa_log)
        # The server answers as soon as one worker is up; each loads the model on its own.
        _wait_until(
            lambda: _count_in(rasa_log, RASA_READY_LINE) >= self.workers,
            f"{self.workers} Rasa worker(s)",
            self.rasa,
            rasa_log,
        )

    def stop_actions(self) -> None:
        """Stops the action server (the Rasa server keeps running), as a crash would."""
        stopped = self.actions
        _signal_group(stopped, signal.SIGKILL)
        stopped.wait()
        self._processes.remove(stopped)

    def start_actions(self) -> None:
        """Starts the action server again on its port and waits until it answers."""
        env = self._server_env()
        self.actions = self._start("actions-again", list(self.actions_command), env)
        actions_url = f"http://127.0.0.1:{self.actions_port}/health"
        _wait_until(lambda: _answers(actions_url), actions_url, self.actions, self.log_dir / "actions-again.log")

    def chat(self, sender: str, text: str, metadata: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Sends one message through the REST channel and returns the bot's messages."""
        payload: dict[str, Any] = {"sender": sender, "message": text}
        if metadata is not None:
            payload["metadata"] = metadata
        reply = requests.post(f"{self.base_url}/webhooks/rest/webhook", json=payload, timeout=30)
        reply.raise_for_status()
        return reply.json()

    def api(self, method: str, path: str, **options: Any) -> requests.Response:
        """A request to the HTTP API with the stack's token (``options`` as for ``requests``)."""
        params = {**options.pop("params", {}), "token": self.api_token}
        return requests.request(
            method, f"{self.base_url}{path}", params=params, timeout=options.pop("timeout", 30), **options
        )

    def parse(self, text: str) -> dict[str, Any]:
        """Returns the NLU parse of ``text`` from the HTTP API."""
        reply = self.api("post", "/model/parse", json={"text": text})
        reply.raise_for_status()
        return reply.json()

    def worker_pids(self) -> list[int]:
        """The processes that answer requests: the server itself, or its Sanic workers."""
        return _process_tree(self.rasa.pid)[1:] if self.workers > 1 else [self.rasa.pid]

    @staticmethod
    def cpu_ticks(pid: int) -> int:
        """CPU time used so far by process ``pid`` (user + system, in clock ticks)."""
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])

    def resident_memory_mb(self) -> float:
        """Returns the resident memory of the Rasa server's processes (its workers too), in MiB."""
        return sum(_resident_kib(pid) for pid in _process_tree(self.rasa.pid)) / 1024


def _signal_group(process: subprocess.Popen, sent: signal.Signals) -> None:
    """Sends ``sent`` to the process group ``process`` leads (gone already: nothing to do)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sent)


def _count_in(log: Path, line: str) -> int:
    """How many times ``line`` is in ``log``."""
    return log.read_text(errors="replace").count(line)


def _process_tree(pid: int) -> list[int]:
    """``pid`` and all its descendants, read from /proc."""
    tree = [pid]
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        for child in children:
            tree.extend(_process_tree(int(child)))
    return tree


def _resident_kib(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
