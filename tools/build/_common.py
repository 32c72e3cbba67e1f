"""Helpers shared by the table builders."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd


def write_table(
    frame: pd.DataFrame, out_dir: Path, filename: str, float_format: str | None = None
) -> Path:
    """Write ``frame`` as CSV to ``out_dir/filename`` atomically (temp file + rename).

    Dates are written as ``YYYY-MM-DD``; the index is not written.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / filename
    fd, tmp = tempfile.mkstemp(prefix=f".{filename}.", dir=out_dir)
    os.close(fd)
    try:
        frame.to_csv(
            tmp, index=False, lineterminator="\n", float_format=float_format, date_format="%Y-%m-%d"
        )
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; tables must be world-readable once installed
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
