"""File integrity: row count, coverage and sha256 of data files, checked on load.

Every shipped table carries an ``[tables.NAME.integrity]`` entry in its sources
file (``rows``, ``first``, ``last``, ``sha256``); the other data files of the
package (model CSVs and TOMLs, scenarios) are listed in ``data/manifest.toml``;
a folder of table copies (``load_table(name, folder)``) or the user's layer of
updated tables carries its own ``manifest.toml``.  All of them are written by
one command::

    python tools/build_data.py --update-checksums

and checked by :func:`check_file`, which any loader can call for its own file::

    from hashcarbon.data.integrity import check_package_file
    check_package_file("models/world/capacity.csv")   # raises DataError if damaged

Hashing is done once per process and file version: the digest is cached by
path, modification time and size, so a load costs one ``os.stat`` after the
first.  A mismatch is one line naming the file and what is wrong (header only,
truncated, rows added, coverage changed, content altered).
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import os
import tomllib
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hashcarbon.errors import DataError

#: Root of the installed package; manifest paths are relative to it.
PACKAGE_ROOT = Path(__file__).resolve().parents[1]
#: Manifest of the package's data files that are not registered tables.
PACKAGE_MANIFEST = Path(__file__).with_name("manifest.toml")
#: File name of the manifest inside a folder of table copies or the user's layer.
MANIFEST_NAME = "manifest.toml"
#: Files (relative to the package root, glob patterns) listed in PACKAGE_MANIFEST.
PACKAGE_FILE_PATTERNS = (
    "models/world/*.csv",
    "models/world/*.toml",
    "models/bbce_presets/*.toml",
    "models/*/parameters.csv",
    "scenarios/*.toml",
)
REGENERATE = "python tools/build_data.py --update-checksums"


@functools.lru_cache(maxsize=256)
def _digest_cached(path_str: str, mtime_ns: int, size: int) -> str:
    h = hashlib.sha256()
    with open(path_str, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def file_sha256(path: str | os.PathLike[str]) -> str:
    """sha256 of a file, computed once per (path, mtime, size) in this process."""
    st = os.stat(path)
    return _digest_cached(str(Path(path).resolve()), st.st_mtime_ns, st.st_size)


def file_token(path: str | os.PathLike[str]) -> tuple[str, int, int]:
    """``(path, mtime_ns, size)`` of a file, ``(path, -1, -1)`` when absent: a cache key."""
    try:
        st = os.stat(path)
    except OSError:
        return (str(path), -1, -1)
    return (str(path), st.st_mtime_ns, st.st_size)


def csv_rows(data: bytes) -> int:
    """Number of data records of a CSV (header excluded; quoted newlines handled)."""
    text = data.decode("utf-8", errors="replace")
    n = sum(1 for rec in csv.reader(io.StringIO(text, newline="")) if rec)
    return max(n - 1, 0)


def describe_file(
    path: str | os.PathLike[str], coverage: Iterable[Any] | None = None
) -> dict[str, Any]:
    """Integrity entry of a file: ``sha256``, ``bytes``, ``rows`` (CSV) and ``first``/``last``.

    Parameters
    ----------
    path : path-like
        The file.
    coverage : iterable, optional
        Values of the table's coverage column; their min and max become
        ``first`` and ``last`` (dates as ``YYYY-MM-DD``).
    """
    p = Path(path)
    data = p.read_bytes()
    entry: dict[str, Any] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    if p.suffix == ".csv":
        entry["rows"] = csv_rows(data)
    if coverage is not None:
        values = [v for v in coverage if v == v and v is not None]
        if values:
            entry["first"], entry["last"] = _fmt(min(values)), _fmt(max(values))
    return entry


def _fmt(value: Any) -> str:
    if hasattr(value, "year") and hasattr(value, "month") and hasattr(value, "day"):
        # by components: strftime fails on dates outside the standard library's range
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
    if hasattr(value, "item"):
        value = value.item()
    return str(value)


def check_file(
    path: str | os.PathLike[str],
    expected: Mapping[str, Any] | None,
    *,
    label: str | None = None,
    rows: int | None = None,
    first: Any = None,
    last: Any = None,
    where: str = "",
) -> None:
    """Check a file against its integrity entry; raise a one-line DataError if damaged.

    Parameters
    ----------
    path : path-like
        The file to check.
    expected : mapping or None
        Its entry (``sha256`` and optionally ``rows``, ``first``, ``last``).
        ``None`` or an entry without ``sha256`` skips the check.
    label : str, optional
        Name used in the message (default: the file name).
    rows, first, last : optional
        Row count and coverage of the parsed table, when the caller has them;
        otherwise rows are counted from the file.
    where : str
        Where the entry comes from, for the message (e.g. ``"sources/network.toml"``).

    Raises
    ------
    hashcarbon.errors.DataError
        One line: ``FILE: header only (0 data rows, expected 5,691)``,
        ``FILE: truncated: 2,000 data rows, expected 5,691``, ``FILE: coverage
        ... expected ...`` or ``FILE: content altered (sha256 ... )``.
    """
    if not expected or "sha256" not in expected:
        return
    p = Path(path)
    name = label or p.name
    try:
        digest = file_sha256(p)
    except OSError as err:
        raise DataError(f"{name}: cannot be read ({err.strerror or err})") from None
    if digest == expected["sha256"]:
        return
    raise DataError(
        f"{name}: {mismatch_reason(p, expected, rows=rows, first=first, last=last, where=where)}"
    )


def mismatch_reason(
    path: Path,
    expected: Mapping[str, Any],
    *,
    rows: int | None = None,
    first: Any = None,
    last: Any = None,
    where: str = "",
) -> str:
    """What differs between a file and its entry, as a short phrase (no file name)."""
    src = f" in {where}" if where else ""
    fix = f"; reinstall hashcarbon, or if the change is deliberate run `{REGENERATE}`"
    want_rows = expected.get("rows")
    if want_rows is not None:
        if rows is None:
            try:
                rows = csv_rows(path.read_bytes())
            except OSError:
                rows = None
        if rows == 0 and want_rows:
            return f"header only (0 data rows, expected {want_rows:,}{src}){fix}"
        if rows is not None and rows < want_rows:
            return f"truncated: {rows:,} data rows, expected {want_rows:,}{src}{fix}"
        if rows is not None and rows > want_rows:
            return f"{rows:,} data rows, expected {want_rows:,}{src} (rows added){fix}"
    if first is not None and "first" in expected:
        got = (_fmt(first), _fmt(last))
        want = (str(expected["first"]), str(expected.get("last")))
        if got != want:
            return f"coverage {got[0]} to {got[1]}, expected {want[0]} to {want[1]}{src}{fix}"
    return (
        f"content altered (sha256 {file_sha256(path)[:12]}..., expected "
        f"{str(expected['sha256'])[:12]}...{src}){fix}"
    )


# --------------------------------------------------------------------------- manifests
def read_manifest(path: str | os.PathLike[str]) -> dict[str, dict[str, Any]]:
    """``{relative path: entry}`` from a manifest file; ``{}`` when it does not exist."""
    p = Path(path)
    if not p.is_file():
        return {}
    try:
        with p.open("rb") as fh:
            doc = tomllib.load(fh)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise DataError(f"{p.name}: invalid TOML ({str(err).splitlines()[0]})") from None
    files = doc.get("files", {})
    if not isinstance(files, dict):
        raise DataError(f"{p.name}: [files] must be a table")
    return files


def toml_value(value: Any) -> str:
    """A scalar as TOML (str, int, float, bool)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    s = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{s}"'


def render_entries(prefix: str, entries: Mapping[str, Mapping[str, Any]]) -> str:
    """TOML text with one ``[prefix."key"]`` section per entry (keys sorted)."""
    out = []
    for key in sorted(entries):
        out.append(f"[{prefix}.{toml_value(key)}]")
        for k, v in entries[key].items():
            out.append(f"{k} = {toml_value(v)}")
        out.append("")
    return "\n".join(out)


def write_manifest(
    path: str | os.PathLike[str], entries: Mapping[str, Mapping[str, Any]], header: str = ""
) -> Path:
    """Write ``[files."rel"]`` entries to ``path`` atomically."""
    text = (header.rstrip() + "\n\n" if header else "") + render_entries("files", entries)
    return atomic_write_text(Path(path), text)


def atomic_write_text(path: Path, text: str) -> Path:
    """Write text to ``path`` through a temp file beside it and ``os.replace``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def package_files(root: Path = PACKAGE_ROOT) -> list[str]:
    """Relative paths of the package data files covered by :data:`PACKAGE_MANIFEST`."""
    found: set[str] = set()
    for pattern in PACKAGE_FILE_PATTERNS:
        found.update(p.relative_to(root).as_posix() for p in root.glob(pattern) if p.is_file())
    return sorted(found)


def build_package_manifest(root: Path = PACKAGE_ROOT) -> dict[str, dict[str, Any]]:
    """Entries of every file matched by :data:`PACKAGE_FILE_PATTERNS`."""
    return {rel: describe_file(root / rel) for rel in package_files(root)}


@functools.lru_cache(maxsize=4)
def _package_manifest_cached(path: str, mtime_ns: int, size: int) -> dict[str, dict[str, Any]]:
    return read_manifest(path)


def package_manifest() -> dict[str, dict[str, Any]]:
    """Entries of :data:`PACKAGE_MANIFEST` (cached per file version)."""
    return _package_manifest_cached(*file_token(PACKAGE_MANIFEST))


def check_package_file(relpath: str, path: str | os.PathLike[str] | None = None) -> Path:
    """Check a package data file (e.g. ``"models/world/capacity.csv"``) against the manifest.

    Parameters
    ----------
    relpath : str
        Path relative to the ``hashcarbon`` package, as listed in ``data/manifest.toml``.
    path : path-like, optional
        The file actually read (default: ``PACKAGE_ROOT / relpath``).

    Returns
    -------
    pathlib.Path
        The checked file.

    Raises
    ------
    hashcarbon.errors.DataError
        The file is missing or differs from its manifest entry (one line naming it).
        A file without an entry is not checked.
    """
    p = Path(path) if path is not None else PACKAGE_ROOT / relpath
    if not p.is_file():
        raise DataError(f"{relpath}: data file missing from the package ({p})")
    check_file(p, package_manifest().get(relpath), label=relpath, where="data/manifest.toml")
    return p


def now_utc() -> str:
    """Current UTC time as ``YYYY-MM-DDTHH:MM:SSZ``."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
