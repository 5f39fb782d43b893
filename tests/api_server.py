"""A real API server for tests: ``moneymen.web.serve`` in a subprocess on a free loopback port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

SERVER = """
import sys
from moneymen.web import serve
serve(sys.argv[1], host="127.0.0.1", port=int(sys.argv[2]), log_level="warning", api_key=sys.argv[3])
"""
#: The key the server asks for: clients send ``Authorization: ApiKey API_KEY`` (see :data:`AUTHORIZATION`).
API_KEY = "test-api-key-" + os.urandom(12).hex()
AUTHORIZATION = {"Authorization": f"ApiKey {API_KEY}"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_server(db: Path, log: Path, startup_s: float = 90) -> Iterator[str]:
    """The base URL of a server over ``db`` (asking for API_KEY), once it answers ``/healthz``; its output goes to ``log``."""
    port = free_port()
    with _answering([sys.executable, "-c", SERVER, str(db), str(port), API_KEY], port, log, startup_s) as url:
        yield url


@contextmanager
def serving_cli(db: Path, log: Path, *options: str, env: dict[str, str] | None = None,
                startup_s: float = 90) -> Iterator[str]:
    """The base URL of ``moneymen serve --db DB OPTIONS…`` as a user starts it (the key API_KEY in
    MONEYMEN_API_KEY, and ``env`` on top), once it answers ``/healthz``; its output goes to ``log``."""
    port = free_port()
    command = [sys.executable, "-m", "moneymen.cli", "serve", "--db", str(db), "--port", str(port), *options]
    with _answering(command, port, log, startup_s, {**os.environ, "MONEYMEN_API_KEY": API_KEY, **(env or {})}) as url:
        yield url


@contextmanager
def _answering(command: list[str], port: int, log: Path, startup_s: float, env: dict | None = None) -> Iterator[str]:
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + startup_s
        while True:
            if process.poll() is not None:
                pytest.fail(f"the API server exited with {process.returncode}:\n{log.read_text()}")
            try:
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the API server did not answer within {startup_s} s:\n{log.read_text()}")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
