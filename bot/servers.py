"""Starts the action server and the Rasa server on loopback, for tests and the benchmark.

Real processes, not mocks: ``with RasaStack(model) as stack: stack.chat("s1", "bonjour")``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

PROJECT = Path(__file__).resolve().parent.parent
READY_TIMEOUT_S = 240


def free_port() -> int:
    """Return a TCP port that is free on the loopback interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_ready(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(url, timeout=2).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{url} not ready after {READY_TIMEOUT_S} s:\n{log.read_text()[-3000:]}")


class RasaStack:
    """The action server and a Rasa server with the REST channel and the HTTP API."""

    def __init__(self, model: Path, log_dir: Path | None = None, env: dict[str, str] | None = None) -> None:
        """Prepares the stack for ``model``; nothing starts before ``__enter__``.

        Args:
            model: The trained model to serve.
            log_dir: Where the servers' logs go (a new temporary folder by default).
            env: Extra environment for both servers, such as ``SOS_DATABASE_URL``.
        """
        self.model = model
        self.env = env or {}
        self.log_dir = Path(log_dir or tempfile.mkdtemp(prefix="sos-stack-"))
        self.rasa_port = free_port()
        self.actions_port = free_port()
        self.base_url = f"http://127.0.0.1:{self.rasa_port}"
        self._processes: list[subprocess.Popen] = []

    def _start(self, name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen:
        log = self.log_dir / f"{name}.log"
        process = subprocess.Popen(
            command, cwd=PROJECT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT
        )
        self._processes.append(process)
        return process

    def __enter__(self) -> RasaStack:
        """Starts both servers and waits until they answer."""
        env = {
            **os.environ,
            **self.env,
            "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{self.actions_port}/webhook",
        }
        actions = self._start(
            "actions",
            [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(self.actions_port)],
            env,
        )
        self.rasa = self._start(
            "rasa",
            [
                sys.executable, "-m", "rasa", "run", "--enable-api", "--model", str(self.model),
                "--port", str(self.rasa_port), "--interface", "127.0.0.1",
                "--endpoints", "endpoints.yml", "--credentials", "credentials.yml",
            ],
            env,
        )
        try:
            _wait_until_ready(f"http://127.0.0.1:{self.actions_port}/health", actions, self.log_dir / "actions.log")
            _wait_until_ready(f"{self.base_url}/status", self.rasa, self.log_dir / "rasa.log")
        except Exception:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc_info: Any) -> None:
        """Stops both servers."""
        for process in self._processes:
            process.terminate()
        for process in self._processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()

    def chat(self, sender: str, text: str, metadata: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Sends one message through the REST channel and returns the bot's messages."""
        payload: dict[str, Any] = {"sender": sender, "message": text}
        if metadata is not None:
            payload["metadata"] = metadata
        reply = requests.post(f"{self.base_url}/webhooks/rest/webhook", json=payload, timeout=30)
        reply.raise_for_status()
        return reply.json()

    def parse(self, text: str) -> dict[str, Any]:
        """Returns the NLU parse of ``text`` from the HTTP API."""
        reply = requests.post(f"{self.base_url}/model/parse", json={"text": text}, timeout=30)
        reply.raise_for_status()
        return reply.json()

    def resident_memory_mb(self) -> float:
        """Returns the Rasa server's resident memory, in MiB, read from /proc."""
        status = Path(f"/proc/{self.rasa.pid}/status").read_text()
        kilobytes = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
        return kilobytes / 1024
