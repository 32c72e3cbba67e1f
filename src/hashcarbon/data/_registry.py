"""Registry of the curated tables shipped in ``hashcarbon/data/tables``.

Each table is one CSV file with a pandera schema (in :mod:`hashcarbon.data.schemas`)
and an entry in ``sources/<domain>.toml`` (origin, version or date, licence or terms,
how gaps were filled).  :func:`load_table` reads and validates a table and
turns every failure into a one-line :class:`~hashcarbon.errors.DataError`
naming the file and the failed check.
"""

from __future__ import annotations

import functools
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pa

from hashcarbon.errors import DataError

#: Folder of the shipped tables.
TABLES_DIR = Path(__file__).with_name("tables")
#: The sources files, one per domain: one ``[tables.NAME]`` section per table.
SOURCES_DIR = Path(__file__).with_name("sources")
#: Environment variable that points the loaders at another folder of tables.
DATA_DIR_ENV = "HASHCARBON_DATA_DIR"


@dataclass(frozen=True)
class TableSpec:
    """How to read and check one curated table.

    Parameters
    ----------
    name : str
        Table name used by ``hashcarbon data show NAME`` and :func:`load_table`.
    filename : str
        File name inside the tables folder (dated when the table is a snapshot).
    schema : pandera.DataFrameSchema
        Checks applied on every load.
    description : str
        One line for ``hashcarbon data info``.
    date_columns : tuple of str
        Columns parsed as dates (``YYYY-MM-DD``).
    coverage_column : str or None
        Column whose min and max describe the table's coverage.
    dtypes : dict
        Explicit dtypes passed to :func:`pandas.read_csv`.
    """

    name: str
    filename: str
    schema: pa.DataFrameSchema
    description: str
    date_columns: tuple[str, ...] = ()
    coverage_column: str | None = None
    dtypes: dict[str, Any] = field(default_factory=dict)


def _all_specs() -> dict[str, TableSpec]:
    from hashcarbon.data.schemas import SPECS

    return {spec.name: spec for spec in SPECS}


def table_names() -> list[str]:
    """Names of all registered tables, sorted."""
    return sorted(_all_specs())


def get_spec(name: str) -> TableSpec:
    """Return the :class:`TableSpec` of table ``name``."""
    specs = _all_specs()
    if name not in specs:
        raise DataError(f"table {name!r}: unknown; expected one of {', '.join(sorted(specs))}")
    return specs[name]


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """Folder the tables are read from: ``override``, ``$HASHCARBON_DATA_DIR`` or the package."""
    if override is not None:
        return Path(override)
    env = os.environ.get(DATA_DIR_ENV)
    return Path(env) if env else TABLES_DIR


def _schema_error_message(filename: str, err: Exception) -> str:
    """One line naming the file, the column (or the whole table) and the failed check."""
    schema = getattr(err, "schema", None)
    column = schema.name if isinstance(schema, (pa.Column, pa.Index)) else None
    check = getattr(err, "check", None)
    failure = getattr(err, "failure_cases", None)
    example = ""
    if isinstance(failure, pd.DataFrame) and len(failure):
        row = failure.iloc[0]
        idx = row.get("index")
        val = row.get("failure_case")
        idx = None if idx is None or pd.isna(idx) else int(idx)
        val = val.item() if hasattr(val, "item") else val
        example = f" (first failure: row {idx}, value {val!r})" if idx is not None else f" (value {val!r})"
    reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    reason = reason.split(". Columns in dataframe")[0]
    if check is not None and not isinstance(check, str):
        name = getattr(check, "name", None) or getattr(check, "error", None) or str(check)
        where = f"column {column!r}" if column else "table"
        return f"{filename}: {where} failed check {name}{example}"
    if column:
        return f"{filename}: column {column!r}: {reason}"
    return f"{filename}: {reason}"


@functools.lru_cache(maxsize=64)
def _read_validated(path_str: str, mtime_ns: int, name: str) -> pd.DataFrame:
    spec = get_spec(name)
    path = Path(path_str)
    try:
        frame = pd.read_csv(path, dtype=spec.dtypes or None, keep_default_na=True)
    except (
        pd.errors.ParserError,
        pd.errors.EmptyDataError,
        UnicodeDecodeError,
        ValueError,
        TypeError,  # "cannot safely cast non-equivalent float64 to int64" (a dtype clash)
        OverflowError,
    ) as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise DataError(f"{path.name}: cannot be read as CSV ({first})") from None
    for col in spec.date_columns:
        if col not in frame.columns:
            raise DataError(f"{path.name}: column {col!r} is missing")
        try:
            frame[col] = pd.to_datetime(frame[col], format="%Y-%m-%d")
        except (ValueError, TypeError, OverflowError) as err:
            raise DataError(
                f"{path.name}: column {col!r} has a value that is not a YYYY-MM-DD date ({str(err).splitlines()[0]})"
            ) from None
    try:
        frame = spec.schema.validate(frame, lazy=False)
    except (pa.errors.SchemaError, pa.errors.SchemaErrors) as err:
        try:
            message = _schema_error_message(path.name, err)
        except (TypeError, ValueError, KeyError, IndexError, AttributeError):
            # e.g. a failure case whose row label is not a number
            message = f"{path.name}: fails its schema ({str(err).splitlines()[0][:200]})"
        raise DataError(message) from None
    except (TypeError, ValueError, OverflowError) as err:  # a check that cannot run on bad cells
        raise DataError(f"{path.name}: fails its schema ({type(err).__name__}: {err})") from None
    return frame


def load_table(name: str, data_dir_override: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Read table ``name``, validate it against its schema and return a fresh copy.

    Parameters
    ----------
    name : str
        A registered table name (see :func:`table_names`).
    data_dir_override : path-like, optional
        Folder to read from instead of the package's tables (also settable
        with ``$HASHCARBON_DATA_DIR``).

    Raises
    ------
    hashcarbon.errors.DataError
        The file is missing, unreadable or fails a schema check; the message
        names the file and the check.
    """
    spec = get_spec(name)
    path = data_dir(data_dir_override) / spec.filename
    if not path.is_file():
        raise DataError(
            f"{spec.filename}: table {name!r} not found in {path.parent}; "
            "reinstall hashcarbon or rebuild the tables with `python tools/build_data.py`"
        )
    return _read_validated(str(path), path.stat().st_mtime_ns, name).copy()


def sources() -> dict[str, dict[str, Any]]:
    """The merged sources files: ``{table name: {origin, version, licence, gaps, ...}}``."""
    merged: dict[str, dict[str, Any]] = {}
    for path in sorted(SOURCES_DIR.glob("*.toml")):
        try:
            with path.open("rb") as fh:
                doc = tomllib.load(fh)
        except tomllib.TOMLDecodeError as err:
            raise DataError(f"sources/{path.name}: invalid TOML ({err})") from None
        merged.update(doc.get("tables", {}))
    return merged


def coverage(name: str, frame: pd.DataFrame | None = None) -> str:
    """Human-readable coverage of a table (first and last value of its coverage column)."""
    spec = get_spec(name)
    frame = load_table(name) if frame is None else frame
    col = spec.coverage_column
    if not col or col not in frame.columns or frame.empty:
        return ""
    lo, hi = frame[col].min(), frame[col].max()
    if isinstance(lo, pd.Timestamp):
        return f"{lo:%Y-%m-%d} to {hi:%Y-%m-%d}"
    return f"{lo} to {hi}"
