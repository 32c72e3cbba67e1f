"""Option parsing and output helpers shared by the CLI commands."""

from __future__ import annotations

import pandas as pd

from hashcarbon import dates
from hashcarbon._io import check_output
from hashcarbon.errors import InputError

#: Largest ensemble the CLI accepts (``--runs``).  The world model holds about
#: 0.35 MB per run (months x regions x variables, float64: 100,000 runs measured at
#: about 35 GB in issue 16), so 10,000 runs stay near 3.5 GB.  The model checks its own
#: memory estimate as well; this bound is the CLI's, applied before anything is allocated.
MAX_RUNS = 10_000
#: Largest seed accepted (numpy's SeedSequence takes any non-negative int; 2**63 - 1
#: keeps it a C long everywhere).
MAX_SEED = 2**63 - 1


def check_choice(option: str, value: str, choices) -> str:
    """Return ``value`` if it is one of ``choices``, else a one-line :class:`InputError`."""
    if value not in choices:
        raise InputError(f"{option}: expected one of {', '.join(choices)}, got {value!r}")
    return value


def check_runs(runs: int, seed: int, max_runs: int = MAX_RUNS) -> None:
    """Refuse ``--runs`` outside 1..``max_runs`` and ``--seed`` outside 0..2**63-1."""
    if not 1 <= runs <= max_runs:
        raise InputError(
            f"--runs: expected an integer from 1 to {max_runs:,} (memory limit), got {runs}"
        )
    if not 0 <= seed <= MAX_SEED:
        raise InputError(f"--seed: expected an integer from 0 to 2**63-1, got {seed}")


def check_out(out: str | None, option: str = "--out", kind: str = "file") -> None:
    """Check an output path before computing (see :func:`hashcarbon._io.check_output`)."""
    if out is not None:
        check_output(out, option, kind=kind)


def parse_date(option: str, value: str | None) -> pd.Timestamp | None:
    """First day of ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; ``None`` passes through."""
    return None if value is None else dates.first_day(value, option)


def end_of(option: str, value: str | None) -> pd.Timestamp | None:
    """The last day of the period named by ``value`` (``2021`` → 2021-12-31)."""
    return None if value is None else dates.last_day(value, option)
