"""Registry of the curated tables shipped in ``hashcarbon/data/tables``.

Each table is one CSV file with a pandera schema (in :mod:`hashcarbon.data.schemas`)
and an entry in ``sources/<domain>.toml`` (origin, version or date, licence or terms,
how gaps were filled, and an ``integrity`` sub-table: rows, first, last, sha256).
:func:`load_table` reads and validates a table, checks its integrity entry, lays
the user's updated rows over it (see :mod:`hashcarbon.data.layers`) and turns every
failure into a one-line :class:`~hashcarbon.errors.DataError` naming the file and
the failed check.
"""

from __future__ import annotations

import contextlib
import functools
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pa

from hashcarbon.data.integrity import (
    MANIFEST_NAME,
    check_file,
    csv_rows,
    file_token,
    mismatch_reason,
    read_manifest,
)
from hashcarbon.errors import DataError

#: Folder of the shipped tables.
TABLES_DIR = Path(__file__).with_name("tables")
#: The sources files, one per domain: one ``[tables.NAME]`` section per table.
SOURCES_DIR = Path(__file__).with_name("sources")
#: Environment variable naming the user data folder (updated layer); see
#: :func:`hashcarbon.data.layers.user_dir`.
DATA_DIR_ENV = "HASHCARBON_DATA_DIR"
#: Environment variable selecting the data layer: ``embedded`` or ``updated``.
DATA_MODE_ENV = "HASHCARBON_DATA"
DATA_MODES = ("embedded", "updated")


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
    """Folder the embedded tables are read from: ``override`` or the package's tables.

    The user's updated rows live elsewhere (``$HASHCARBON_DATA_DIR`` or the
    platform's user data folder) and are laid over these by :func:`load_table`.
    """
    return Path(override) if override is not None else TABLES_DIR


def data_mode() -> str:
    """``"updated"`` (default: the user's updated rows over the embedded tables) or ``"embedded"``."""
    mode = os.environ.get(DATA_MODE_ENV, "updated").strip().lower() or "updated"
    if mode not in DATA_MODES:
        raise DataError(f"${DATA_MODE_ENV}: expected embedded or updated, got {mode!r}")
    return mode


def set_data_mode(mode: str) -> None:
    """Select the data layer for this process and its children (``--data`` option)."""
    if mode not in DATA_MODES:
        raise DataError(f"--data: expected embedded or updated, got {mode!r}")
    os.environ[DATA_MODE_ENV] = mode


@contextlib.contextmanager
def use_data(mode: str):
    """Context manager: load tables from layer ``mode`` inside the block."""
    old = os.environ.get(DATA_MODE_ENV)
    set_data_mode(mode)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(DATA_MODE_ENV, None)
        else:
            os.environ[DATA_MODE_ENV] = old


def integrity_entry(name: str, folder: Path | None = None) -> tuple[dict[str, Any] | None, str]:
    """Integrity entry of table ``name`` and where it comes from.

    For the package folder: ``[tables.NAME.integrity]`` of the sources file.  For
    another folder: its ``manifest.toml`` when present, otherwise the shipped entry
    (a copy must then equal the shipped table).
    """
    spec = get_spec(name)
    if folder is not None and Path(folder).resolve() != TABLES_DIR.resolve():
        manifest = read_manifest(Path(folder) / MANIFEST_NAME)
        if spec.filename in manifest:
            return manifest[spec.filename], f"{Path(folder).name}/{MANIFEST_NAME}"
    entry, where = _shipped_integrity().get(name, (None, ""))
    return entry, where


def _shipped_integrity() -> dict[str, tuple[dict[str, Any], str]]:
    tokens = tuple(file_token(p) for p in sorted(SOURCES_DIR.glob("*.toml")))
    return _shipped_integrity_cached(tokens)


@functools.lru_cache(maxsize=4)
def _shipped_integrity_cached(tokens: tuple) -> dict[str, tuple[dict[str, Any], str]]:
    out: dict[str, tuple[dict[str, Any], str]] = {}
    for path_str, _, _ in tokens:
        path = Path(path_str)
        for name, entry in _load_sources_file(path).items():
            if isinstance(entry, dict) and isinstance(entry.get("integrity"), dict):
                out[name] = (entry["integrity"], f"sources/{path.name}")
    return out


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
        example = (
            f" (first failure: row {idx}, value {val!r})"
            if idx is not None
            else f" (value {val!r})"
        )
    reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    reason = reason.split(". Columns in dataframe")[0]
    if check is not None and not isinstance(check, str):
        name = getattr(check, "name", None) or getattr(check, "error", None) or str(check)
        where = f"column {column!r}" if column else "table"
        return f"{filename}: {where} failed check {name}{example}"
    if column:
        return f"{filename}: column {column!r}: {reason}"
    return f"{filename}: {reason}"


def parse_table(path: Path, spec: TableSpec, label: str | None = None) -> pd.DataFrame:
    """Read a table CSV with its dtypes and date columns (no schema check)."""
    label = label or path.name
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
        raise DataError(f"{label}: cannot be read as CSV ({first})") from None
    for col in spec.date_columns:
        if col not in frame.columns:
            raise DataError(f"{label}: column {col!r} is missing")
        try:
            frame[col] = pd.to_datetime(frame[col], format="%Y-%m-%d")
        except (ValueError, TypeError, OverflowError) as err:
            raise DataError(
                f"{label}: column {col!r} has a value that is not a YYYY-MM-DD date ({str(err).splitlines()[0]})"
            ) from None
    return frame


def validate_frame(frame: pd.DataFrame, spec: TableSpec, label: str) -> pd.DataFrame:
    """Apply the table's pandera schema; failures become one-line DataErrors naming ``label``."""
    try:
        return spec.schema.validate(frame, lazy=False)
    except (pa.errors.SchemaError, pa.errors.SchemaErrors) as err:
        try:
            message = _schema_error_message(label, err)
        except (TypeError, ValueError, KeyError, IndexError, AttributeError):
            # e.g. a failure case whose row label is not a number
            message = f"{label}: fails its schema ({str(err).splitlines()[0][:200]})"
        raise DataError(message) from None
    except (TypeError, ValueError, OverflowError) as err:  # a check that cannot run on bad cells
        raise DataError(f"{label}: fails its schema ({type(err).__name__}: {err})") from None


def _coverage_bounds(spec: TableSpec, frame: pd.DataFrame) -> tuple[Any, Any]:
    col = spec.coverage_column
    if not col or col not in frame.columns or frame.empty:
        return None, None
    return frame[col].min(), frame[col].max()


@functools.lru_cache(maxsize=64)
def _read_validated(path_str: str, mtime_ns: int, size: int, name: str) -> pd.DataFrame:
    spec = get_spec(name)
    path = Path(path_str)
    entry, where = integrity_entry(name, path.parent)
    want_rows = (entry or {}).get("rows")
    try:
        frame = parse_table(path, spec)
    except DataError as err:
        if entry and want_rows is not None:  # a cut file often fails to parse: say so
            try:
                rows = csv_rows(path.read_bytes())
            except OSError:
                rows = want_rows
            if rows != want_rows:
                reason = mismatch_reason(path, entry, rows=rows, where=where).split(";")[0]
                raise DataError(f"{err} ({reason})") from None
        raise
    if entry and want_rows and len(frame) == 0:
        check_file(path, entry, rows=0, where=where)  # header only: say so before the schema
    try:
        frame = validate_frame(frame, spec, path.name)
    except DataError as err:
        if entry and want_rows is not None and len(frame) != want_rows:
            reason = mismatch_reason(path, entry, rows=len(frame), where=where).split(";")[0]
            raise DataError(f"{err} ({reason})") from None
        raise
    first, last = _coverage_bounds(spec, frame)
    check_file(path, entry, rows=len(frame), first=first, last=last, where=where)
    return frame


def embedded_table(
    name: str, data_dir_override: str | os.PathLike[str] | None = None
) -> pd.DataFrame:
    """The embedded (shipped) table ``name``, validated and integrity-checked (shared, do not modify)."""
    spec = get_spec(name)
    path = data_dir(data_dir_override) / spec.filename
    try:
        found = path.is_file()
        st = path.stat() if found else None
    except OSError as exc:  # e.g. a name too long for the file system
        raise DataError(
            f"{spec.filename}: cannot read table {name!r} from {str(path.parent)[:80]!r}: "
            f"{exc.strerror or exc}"
        ) from None
    if st is None:
        raise DataError(
            f"{spec.filename}: table {name!r} not found in {path.parent}; "
            "reinstall hashcarbon or rebuild the tables with `python tools/build_data.py`"
        )
    return _read_validated(str(path), st.st_mtime_ns, st.st_size, name)


def load_table(name: str, data_dir_override: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Read table ``name``, validate it against its schema and return a fresh copy.

    With the default data mode (``updated``, see :func:`data_mode`) the rows
    fetched by ``hashcarbon data update`` are laid over the embedded table
    (embedded first, newer rows on top) and the merged table is validated by
    the same schema.

    Parameters
    ----------
    name : str
        A registered table name (see :func:`table_names`).
    data_dir_override : path-like, optional
        Folder of table copies to read instead of the package's tables (checked
        against its ``manifest.toml``, or the shipped entries); no updated layer.

    Raises
    ------
    hashcarbon.errors.DataError
        The file is missing, unreadable, damaged (row count, coverage or sha256
        differ from the integrity entry) or fails a schema check; the message
        names the file and the check.
    """
    if data_dir_override is None and data_mode() == "updated":
        from hashcarbon.data import layers

        merged = layers.merged_table(name)
        if merged is not None:
            return merged.copy()
    return embedded_table(name, data_dir_override).copy()


def _load_sources_file(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            doc = tomllib.load(fh)
    except tomllib.TOMLDecodeError as err:
        raise DataError(f"sources/{path.name}: invalid TOML ({str(err).splitlines()[0]})") from None
    return doc.get("tables", {})


def sources() -> dict[str, dict[str, Any]]:
    """The merged sources files: ``{table name: {origin, version, licence, gaps, integrity, ...}}``."""
    merged: dict[str, dict[str, Any]] = {}
    for path in sorted(SOURCES_DIR.glob("*.toml")):
        merged.update(_load_sources_file(path))
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
