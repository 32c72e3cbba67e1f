"""Terminal output of the CLI: sensible significant figures, tables that fit the terminal.

Used by ``simulate``, ``compare`` and ``estimate``:

* float32 model output is converted through its shortest decimal repr (``17.256001`` ->
  ``17.256``) in every format, so no float32 noise reaches CSV or JSON;
* tables (``--format table``) round every number to :data:`SIG_DIGITS` significant figures
  and, when wider than ``--columns`` (default :data:`DEFAULT_COLUMNS`), are split into
  blocks of columns that fit, each repeating the key columns (scenario, period, region);
* numpy's "All-NaN slice" / "Mean of empty slice" warnings of ensemble summaries over
  regions without data are kept off the terminal (those cells print as ``–``).
"""

from __future__ import annotations

import contextlib
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from hashcarbon._io import FORMATS, format_frame, write_atomic
from hashcarbon.errors import InputError

#: Significant figures of numbers in terminal tables [-].
SIG_DIGITS = 4
#: Default table width [characters]; ``--columns`` changes it.
DEFAULT_COLUMNS = 100
#: Magnitudes printed as "~0" in tables (numerical noise of the models, e.g. 2e-14 EH/s).
TINY = 1e-6
#: Columns repeated at the left of every block of a split table.
KEY_COLUMNS = ("scenario", "period", "region", "year")
#: Ensemble size below which ``compare`` warns that its deltas are not stable [runs] (named
#: assumption: the world model's medians of run-by-run deltas move by tens of Mt between
#: 1 and 50 runs; docs/world.md uses 200).
STABLE_RUNS = 50


@contextlib.contextmanager
def quiet_numpy():
    """Silence numpy's empty/all-NaN reduction warnings (the cells stay NaN)."""
    with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
        warnings.filterwarnings("ignore", message="All-NaN slice encountered")
        warnings.filterwarnings("ignore", message="Mean of empty slice")
        warnings.filterwarnings("ignore", message="Degrees of freedom <= 0")
        warnings.filterwarnings("ignore", message="invalid value encountered")
        yield


def clean_float32(frame: pd.DataFrame) -> pd.DataFrame:
    """float32 columns as float64 of their shortest decimal repr (no ``17.256001``)."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == np.float32:
            out[col] = pd.to_numeric(out[col].astype(str), errors="coerce").astype(np.float64)
    return out


def round_sig(values, digits: int = SIG_DIGITS) -> np.ndarray:
    """Round to ``digits`` significant figures, element-wise (NaN, inf and 0 unchanged).

    Integers with more digits than ``digits`` are rounded to a whole number, not to
    tens (``1121.034`` -> ``1121``; ``123456.7`` -> ``123457``).
    """
    x = np.asarray(values, dtype=np.float64)
    out = x.copy()
    ok = np.isfinite(x) & (x != 0)
    mag = np.floor(np.log10(np.abs(x[ok])))
    decimals = np.maximum(digits - 1 - mag, 0)
    factor = 10.0**decimals
    out[ok] = np.round(x[ok] * factor) / factor
    return out


def _cell(v) -> str:
    if isinstance(v, (float, np.floating)):
        if not np.isfinite(v):
            return "–"
        if v == 0:
            return "0"
        a = abs(v)
        if a < TINY:
            return "~0"
        if a >= 10 ** (SIG_DIGITS - 1):
            return f"{v:,.0f}"
        mag = int(np.floor(np.log10(a)))
        return f"{v:.{max(0, SIG_DIGITS - 1 - mag)}f}"
    if isinstance(v, (bool, np.bool_)):
        return "yes" if v else ""
    return str(v)


def table_text(frame: pd.DataFrame, columns: int = DEFAULT_COLUMNS) -> str:
    """Plain-text table no wider than ``columns`` characters (column blocks if needed)."""
    if columns < 40:
        raise InputError(f"--columns: expected a width of at least 40 characters, got {columns}")
    frame = clean_float32(frame)
    for col in frame.columns:
        if pd.api.types.is_float_dtype(frame[col]):
            frame[col] = round_sig(frame[col].to_numpy())
    cells = {c: [_cell(v) for v in frame[c].tolist()] for c in frame.columns}
    widths = {c: max([len(str(c))] + [len(s) for s in cells[c]]) for c in frame.columns}
    keys = [c for c in frame.columns if c in KEY_COLUMNS]
    rest = [c for c in frame.columns if c not in keys]
    key_w = sum(widths[c] + 2 for c in keys)
    blocks: list[list[str]] = []
    cur: list[str] = []
    used = key_w
    for c in rest:
        w = widths[c] + 2
        if cur and used + w > columns:
            blocks.append(cur)
            cur, used = [], key_w
        cur.append(c)
        used += w
    if cur or not blocks:
        blocks.append(cur)
    out = []
    for block in blocks:
        cols = keys + block
        left = {c for c in cols if c in keys and not pd.api.types.is_numeric_dtype(frame[c])}

        def fmt(c, s, left=left):
            return s.ljust(widths[c]) if c in left else s.rjust(widths[c])

        out.append("  ".join(fmt(c, str(c)) for c in cols).rstrip())
        for i in range(len(frame)):
            out.append("  ".join(fmt(c, cells[c][i]) for c in cols).rstrip())
        out.append("")
    return "\n".join(out[:-1]) + "\n"


def emit(
    frame: pd.DataFrame,
    fmt: str,
    out: str | None,
    table_columns: list[str] | None = None,
    columns: int = DEFAULT_COLUMNS,
) -> None:
    """Print ``frame`` (``table`` narrow and rounded; ``csv``/``json`` full precision) or
    write it atomically to ``out``."""
    if fmt not in FORMATS:
        raise InputError(f"--format: expected one of {', '.join(FORMATS)}, got {fmt!r}")
    frame = clean_float32(frame)
    if fmt == "table":
        if table_columns:
            frame = frame[[c for c in table_columns if c in frame.columns]]
        text = table_text(frame, columns)
    else:
        text = format_frame(frame, fmt)
    if out:
        write_atomic(Path(out), text)
    else:
        sys.stdout.write(text)


def runs_note(n_runs: int, seed: int) -> str | None:
    """A one-line warning when ``n_runs`` is below :data:`STABLE_RUNS`, else ``None``."""
    if n_runs >= STABLE_RUNS:
        return None
    return (
        f"warning: {n_runs} run(s): differences between scenarios are not stable below "
        f"{STABLE_RUNS} runs (they move by tens of Mt); use --runs {STABLE_RUNS} or more"
    )
