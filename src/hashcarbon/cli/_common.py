"""Option parsing and output helpers shared by the CLI commands."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from hashcarbon._io import FORMATS, format_frame, write_atomic
from hashcarbon.errors import InputError


def check_choice(option: str, value: str, choices) -> str:
    """Return ``value`` if it is one of ``choices``, else a one-line :class:`InputError`."""
    if value not in choices:
        raise InputError(f"{option}: expected one of {', '.join(choices)}, got {value!r}")
    return value


def parse_date(option: str, value: str | None) -> pd.Timestamp | None:
    """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; ``None`` passes through."""
    if value is None:
        return None
    for fmt in ("%Y-%m-%d", "%Y-%m", "%Y"):
        try:
            return pd.to_datetime(value, format=fmt)
        except (ValueError, TypeError):
            continue
    raise InputError(f"{option}: expected a date YYYY-MM-DD (or YYYY-MM, YYYY), got {value!r}")


def end_of(option: str, value: str | None) -> pd.Timestamp | None:
    """The last day of the period named by ``value`` (``2021`` → 2021-12-31)."""
    ts = parse_date(option, value)
    if ts is None:
        return None
    if len(value) == 4:
        return ts + pd.offsets.YearEnd(0)
    if len(value) == 7:
        return ts + pd.offsets.MonthEnd(0)
    return ts


def emit(
    frame: pd.DataFrame, fmt: str, out: str | None, table_columns: list[str] | None = None
) -> None:
    """Print ``frame`` in ``fmt`` or write it atomically to ``out``."""
    check_choice("--format", fmt, FORMATS)
    shown = frame
    if fmt == "table" and table_columns:
        shown = frame[[c for c in table_columns if c in frame.columns]]
        shown = shown.round(3)
    text = format_frame(shown, fmt)
    if out:
        write_atomic(Path(out), text)
    else:
        sys.stdout.write(text)
