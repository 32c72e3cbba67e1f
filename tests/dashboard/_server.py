"""Start ``hashcarbon dashboard`` on 127.0.0.1 and a free port, for the browser test and benchmarks."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: Screenshots and other artefacts of the dashboard tests (a CI artefact folder).
OUTPUT = ROOT / "test-output" / "dashboard"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_port(port: int, timeout_s: float = 120.0) -> float:
    """Seconds until ``127.0.0.1:port`` accepts connections (TimeoutError after ``timeout_s``)."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout_s:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1.0):
                return time.perf_counter() - t0
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"dashboard did not open 127.0.0.1:{port} within {timeout_s:.0f} s")


class Server:
    """``hashcarbon dashboard --host 127.0.0.1 --port PORT`` in a subprocess (stopped by its pid)."""

    def __init__(self, log: Path | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        env.setdefault("HASHCARBON_SHARED", str(ROOT.parent / "shared"))
        self.log = log
        out = open(log, "w") if log else subprocess.DEVNULL
        self.t_start = time.perf_counter()
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import sys; from hashcarbon.cli import main; sys.exit(main(sys.argv[1:]))",
                "dashboard",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.port_s = wait_port(self.port)

    def stop(self) -> None:
        if self.proc.poll() is None:
            # the CLI and its streamlit child share a new session: stop that group only
            os.killpg(self.proc.pid, 15)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, 9)
                self.proc.wait()
