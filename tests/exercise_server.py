"""Starting ``migsim exercise`` in a subprocess for browser and process tests."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.conftest import REPO

TINY_EXERCISE = REPO / "tests" / "data" / "tiny_exercise.yaml"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A running exercise server and its join links."""

    process: subprocess.Popen
    port: int
    links: dict[str, str] = field(default_factory=dict)
    output: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def link(self, role: str) -> str:
        """The join link of a role, pointed at 127.0.0.1."""
        return re.sub(r"http://[^/]+/", self.url, self.links[role])

    def kill(self) -> None:
        """kill -9."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)


def start_server(
    sessions_dir: Path, session: str = "drill", scenario: Path = TINY_EXERCISE, host: str = "127.0.0.1", extra=()
) -> Server:
    """Start the server and wait until it prints its links and answers."""
    port = free_port()
    command = [sys.executable, "-m", "simulator.cli", "exercise", str(scenario), "--session", session]
    command += ["--sessions-dir", str(sessions_dir), "--host", host, "--port", str(port), *extra]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=REPO)
    server = Server(process, port)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            raise RuntimeError("exercise server stopped:\n" + "".join(server.output))
        server.output.append(line)
        match = re.match(r"\s*(facilitator|team:\S+): (http\S+)", line)
        if match:
            server.links[match.group(1)] = match.group(2)
        if line.startswith("session folder:"):
            break
    _wait_for_port(port, deadline)
    return server


def _wait_for_port(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing answers on port {port}")
