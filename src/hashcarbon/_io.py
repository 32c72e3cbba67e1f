"""Output helpers shared by the CLI and the report: formats and atomic writes."""

from __future__ import annotations

import contextlib
import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from hashcarbon.errors import InputError

FORMATS = ("table", "csv", "json")


def _default_mode() -> int:
    """File mode a plain ``open(..., "w")`` would give (0666 minus the umask)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _jsonable(value: Any) -> Any:
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        v = float(value)
        return None if math.isnan(v) else v
    if isinstance(value, (pd.Timestamp,)):
        return value.isoformat()
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def frame_to_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Flatten a DataFrame to JSON-safe records (NaN becomes ``null``)."""
    out = []
    for row in frame.to_dict(orient="records"):
        out.append({str(k): _jsonable(v) for k, v in row.items()})
    return out


def format_frame(frame: pd.DataFrame, fmt: str) -> str:
    """Render a DataFrame as ``csv``, ``json`` (a list of records) or a plain-text table."""
    if fmt not in FORMATS:
        raise InputError(f"--format: expected one of {', '.join(FORMATS)}, got {fmt!r}")
    if fmt == "csv":
        return frame.to_csv(index=False, lineterminator="\n")
    if fmt == "json":
        return json.dumps(frame_to_records(frame), indent=1, ensure_ascii=False) + "\n"
    with pd.option_context(
        "display.max_rows", 200, "display.max_columns", 40, "display.width", 200
    ):
        return frame.to_string(index=False) + "\n"


def write_atomic(path: str | os.PathLike[str], data: str | bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    A failure leaves no half-written file behind: either the old file (if
    any) or the complete new one exists.
    """
    path = Path(path)
    if path.parent and not path.parent.exists():
        raise InputError(f"{path}: directory {path.parent} does not exist")
    mode = "wb" if isinstance(data, bytes) else "w"
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    try:
        with os.fdopen(
            fd, mode, **({} if mode == "wb" else {"encoding": "utf-8", "newline": ""})
        ) as fh:
            fh.write(data)
        os.chmod(tmp, _default_mode())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return path


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]):
    """Yield a temporary path beside ``path``; rename it to ``path`` on success.

    For writers that need a file name (``xarray.Dataset.to_netcdf``,
    ``matplotlib.figure.Figure.savefig``).
    """
    path = Path(path)
    if path.parent and not path.parent.exists():
        raise InputError(f"{path}: directory {path.parent} does not exist")
    fd, tmp = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=path.suffix or ".tmp", dir=path.parent or "."
    )
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, _default_mode())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
