"""The fuzz campaign of issue 16 as tests: profiles, a tally per surface, shared checks.

Profiles (``HASHCARBON_FUZZ=ci|quick|deep``, default ``ci``):

* ``ci`` - at least 1,000 generated cases per surface (the default; about 2-3 minutes
  on two cores for all four surfaces);
* ``quick`` - 100 cases per surface, for editing;
* ``deep`` - 10,000 cases per surface, run by hand before a release.

Each surface counts its cases, tracebacks (an exception outside the project's error
family), hangs (a case over :data:`CASE_TIMEOUT_S`), partial outputs (an output file
that is neither absent, the previous content nor complete) and stale temporary files.
The tally is printed at the end of the session and written as JSON to
``$HASHCARBON_FUZZ_REPORT`` when set (the figures of docs/reliability.md).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import time
from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

PROFILES = {"quick": 100, "ci": 1000, "deep": 10_000}
PROFILE = os.environ.get("HASHCARBON_FUZZ", "ci")
CASES = PROFILES.get(PROFILE, 1000)
#: A case running longer than this is a hang. [s]
CASE_TIMEOUT_S = 30

for _name, _n in PROFILES.items():
    settings.register_profile(
        f"fuzz-{_name}",
        max_examples=_n,
        deadline=None,
        derandomize=True,  # the same cases on every run: reproducible figures
        database=None,
        suppress_health_check=list(HealthCheck),
    )

FUZZ = settings.get_profile(f"fuzz-{PROFILE}")

TALLY: dict[str, dict[str, float]] = defaultdict(
    lambda: {
        "cases": 0,
        "rejected": 0,
        "accepted": 0,
        "tracebacks": 0,
        "hangs": 0,
        "partial_outputs": 0,
        "stale_temp_files": 0,
        "seconds": 0.0,
    }
)


class Hang(Exception):
    """A case ran longer than CASE_TIMEOUT_S."""


@contextlib.contextmanager
def time_limit(seconds: float = CASE_TIMEOUT_S):
    """Raise :class:`Hang` in the main thread after ``seconds`` (SIGALRM)."""

    def _alarm(signum, frame):
        raise Hang(f"case exceeded {seconds} s")

    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def temp_leftovers(folder: Path) -> list[Path]:
    """Temporary files or directories of hashcarbon's writers left in ``folder``."""
    out = []
    for p in folder.iterdir():
        n = p.name
        if n.startswith(".") and (".tmp" in n or ".old-" in n):
            out.append(p)
    return out


def pytest_terminal_summary(terminalreporter):
    if not TALLY:
        return
    terminalreporter.section(f"fuzz campaign (profile {PROFILE})")
    cols = [
        "cases",
        "rejected",
        "accepted",
        "tracebacks",
        "hangs",
        "partial_outputs",
        "stale_temp_files",
        "seconds",
    ]
    terminalreporter.write_line("surface".ljust(16) + "".join(c.rjust(17) for c in cols))
    for surface, row in sorted(TALLY.items()):
        if row.get("accepted_truncated"):
            terminalreporter.write_line(
                f"{surface}: {int(row['accepted_truncated'])} of the accepted were truncated"
            )
        cells = "".join(
            (f"{row[c]:.1f}" if c == "seconds" else f"{int(row[c]):,}").rjust(17) for c in cols
        )
        terminalreporter.write_line(surface.ljust(16) + cells)
    dest = os.environ.get("HASHCARBON_FUZZ_REPORT")
    if dest:
        Path(dest).write_text(
            json.dumps({"profile": PROFILE, "surfaces": TALLY}, indent=1) + "\n",
            encoding="utf-8",
        )


@pytest.fixture
def tally():
    """``tally(surface)`` -> the surface's counters; times the test."""
    t0 = time.perf_counter()
    used = []

    def get(surface: str) -> dict[str, float]:
        used.append(surface)
        return TALLY[surface]

    yield get
    for s in set(used):
        TALLY[s]["seconds"] += time.perf_counter() - t0
