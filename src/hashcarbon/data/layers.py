"""The user's layer of updated rows, laid over the embedded tables.

``hashcarbon data update`` writes, per table, only the rows it fetched into the
user data folder (``$HASHCARBON_DATA_DIR`` or the platform's user data folder,
e.g. ``~/.local/share/hashcarbon``)::

    <user dir>/manifest.toml                       one [files."TABLE"] entry per table
    <user dir>/tables/network_daily.<sha12>.csv    the rows of the current version

The manifest entry names the current file and its sha256, row count, first and
last key, fetch time, source and URL.  A new version is a new file; replacing
the manifest (``os.replace``) is the single commit point, so a crash or a full
disk at any moment leaves either the old or the new version, never a mix.

:func:`merge_layers` puts the embedded table first and the update rows on top
(an update row replaces the embedded row with the same key); the merged table
is validated by the table's own pandera schema.
"""

from __future__ import annotations

import contextlib
import functools
import os
from pathlib import Path
from typing import Any

import pandas as pd

from hashcarbon.data._registry import (
    DATA_DIR_ENV,
    embedded_table,
    get_spec,
    integrity_entry,
    parse_table,
    sources,
    table_names,
    validate_frame,
)
from hashcarbon.data.integrity import (
    MANIFEST_NAME,
    atomic_write_text,
    check_file,
    file_token,
    read_manifest,
    render_entries,
)
from hashcarbon.errors import DataError

#: Key columns of the tables that ``hashcarbon data update`` can extend: an
#: update row replaces the embedded row with the same key.
UPDATE_KEYS: dict[str, tuple[str, ...]] = {
    "network_daily": ("date",),
    "grid_mix": ("vintage", "country", "year", "source"),
    "grid_intensity": ("vintage", "country", "year"),
    "us_state_mix": ("state", "year", "source"),
}

MANIFEST_HEADER = (
    "# hashcarbon updated data layer, written by `hashcarbon data update`.\n"
    '# One [files."TABLE"] entry per table: file, sha256, rows, first, last, fetched_at, source, url.'
)


def user_dir() -> Path:
    """The user data folder: ``$HASHCARBON_DATA_DIR`` or platformdirs' user data dir."""
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_data_dir("hashcarbon", appauthor=False))


def manifest_path(root: Path | None = None) -> Path:
    """``<user dir>/manifest.toml``."""
    return (root or user_dir()) / MANIFEST_NAME


def layer_manifest(root: Path | None = None) -> dict[str, dict[str, Any]]:
    """Entries of the user's layer: ``{table: {file, sha256, rows, first, last, fetched_at, ...}}``."""
    return read_manifest(manifest_path(root))


def layer_file(name: str, root: Path | None = None) -> tuple[Path, dict[str, Any]] | None:
    """Path and entry of table ``name``'s update rows, or None when there are none."""
    root = root or user_dir()
    entry = layer_manifest(root).get(name)
    if not entry or "file" not in entry:
        return None
    return root / "tables" / str(entry["file"]), entry


def merge_layers(
    embedded: pd.DataFrame, update: pd.DataFrame, key: tuple[str, ...]
) -> pd.DataFrame:
    """Embedded rows first, update rows on top; sorted by ``key`` (stable).

    Parameters
    ----------
    embedded, update : pandas.DataFrame
        Same columns; ``update`` rows replace ``embedded`` rows with the same key.
    key : tuple of str
        Key columns.

    Returns
    -------
    pandas.DataFrame
        The merged table, index 0..n-1, columns in ``embedded``'s order.
    """
    update = update[list(embedded.columns)]
    if update.empty:
        return embedded.sort_values(list(key), kind="stable").reset_index(drop=True)
    upd_keys = pd.MultiIndex.from_frame(update[list(key)])
    emb_keys = pd.MultiIndex.from_frame(embedded[list(key)])
    keep = ~emb_keys.isin(upd_keys)
    parts = [embedded[keep], update]
    merged = pd.concat([p for p in parts if not p.empty], ignore_index=True)
    for col in embedded.columns:  # concat of bool/object columns can widen dtypes
        if merged[col].dtype != embedded[col].dtype:
            with contextlib.suppress(TypeError, ValueError):
                merged[col] = merged[col].astype(embedded[col].dtype)
    return merged.sort_values(list(key), kind="stable").reset_index(drop=True)


@functools.lru_cache(maxsize=32)
def _merged_cached(
    name: str, emb_token: tuple, layer_token: tuple, entry_items: tuple
) -> pd.DataFrame:
    spec = get_spec(name)
    entry = dict(entry_items)
    path = Path(layer_token[0])
    label = f"{path.name} (updated layer in {path.parent.parent})"
    hint = "; run `hashcarbon data update` again, or use `--data embedded`"
    check_file(path, entry, label=label, where=MANIFEST_NAME)
    update = parse_table(path, spec, label=label)
    try:
        update = validate_frame(update, spec, label)
    except DataError as err:
        raise DataError(f"{err}{hint}") from None
    embedded = embedded_table(name)
    merged = merge_layers(embedded, update, UPDATE_KEYS[name])
    return validate_frame(merged, spec, f"{spec.filename} (embedded + updated layer)")


def merged_table(name: str) -> pd.DataFrame | None:
    """Embedded table ``name`` with the user's update rows on top, or None without a layer."""
    if name not in UPDATE_KEYS:
        return None
    found = layer_file(name)
    if found is None:
        return None
    path, entry = found
    if not path.is_file():
        raise DataError(
            f"{path.name}: updated layer file listed in {manifest_path()} is missing; "
            "run `hashcarbon data update` again, or use `--data embedded`"
        )
    emb = get_spec(name)
    from hashcarbon.data._registry import TABLES_DIR

    emb_token = file_token(TABLES_DIR / emb.filename)
    items = tuple(sorted((k, v) for k, v in entry.items() if isinstance(v, str | int | float)))
    return _merged_cached(name, emb_token, file_token(path), items)


def table_token(name: str) -> tuple:
    """Cache key that changes whenever table ``name`` as loaded would change.

    Use it instead of the embedded file's mtime when caching results derived
    from :func:`hashcarbon.data.load_table` (it covers the data mode and the layer).
    """
    from hashcarbon.data._registry import TABLES_DIR, data_mode

    spec = get_spec(name)
    mode = data_mode()
    layer = None
    if mode == "updated" and name in UPDATE_KEYS:
        found = layer_file(name)
        layer = file_token(found[0]) if found else None
    return (name, mode, file_token(TABLES_DIR / spec.filename), layer)


def write_layer(
    name: str, rows: pd.DataFrame, meta: dict[str, Any], root: Path | None = None
) -> Path:
    """Atomically replace table ``name``'s update rows (see :func:`write_layers`)."""
    return write_layers({name: (rows, meta)}, root)[name]


def write_layers(
    tables: dict[str, tuple[pd.DataFrame, dict[str, Any]]], root: Path | None = None
) -> dict[str, Path]:
    """Atomically replace the update rows of one or more tables.

    Each table's rows go to a new file ``tables/NAME.<sha12>.csv`` (temp file,
    fsync, rename); then the manifest is replaced once (the commit point for all
    of them); then the previous versions' files are removed.  Any exception
    (e.g. ``OSError(ENOSPC)`` on a full disk) leaves the previous versions and
    manifest as they were and removes what was written.

    Parameters
    ----------
    tables : dict
        ``{table name: (validated rows, manifest fields such as fetched_at, source,
        url, first, last)}``.
    root : path, optional
        User data folder (default :func:`user_dir`).

    Returns
    -------
    dict
        ``{table name: new layer file}``.
    """
    root = root or user_dir()
    folder = root / "tables"
    folder.mkdir(parents=True, exist_ok=True)
    with _lock(root):
        return _write_layers_locked(tables, root, folder)


@contextlib.contextmanager
def _lock(root: Path):
    """Exclusive lock on ``<root>/.lock`` so two updates never interleave (no-op without fcntl)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    with open(root / ".lock", "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def sweep(root: Path) -> list[str]:
    """Remove leftovers of killed updates: temp files and layer files no manifest entry names."""
    removed = []
    folder = root / "tables"
    listed = {str(e.get("file")) for e in layer_manifest(root).values()}
    for p in [*root.glob(".*.tmp"), *folder.glob(".*.tmp")]:
        p.unlink(missing_ok=True)
        removed.append(p.name)
    for p in folder.glob("*.csv"):
        if p.name not in listed:
            p.unlink(missing_ok=True)
            removed.append(p.name)
    return removed


def _write_layers_locked(tables, root: Path, folder: Path) -> dict[str, Path]:
    import hashlib

    sweep(root)
    manifest = layer_manifest(root)
    new_manifest = dict(manifest)
    written: dict[str, Path] = {}
    created: list[Path] = []
    try:
        for name, (rows, meta) in tables.items():
            spec = get_spec(name)
            out = rows.copy()
            for col in spec.date_columns:
                out[col] = pd.to_datetime(out[col]).dt.strftime("%Y-%m-%d")
            data = out.to_csv(index=False, lineterminator="\n").encode("utf-8")
            digest = hashlib.sha256(data).hexdigest()
            stem = spec.filename.rsplit(".", 1)[0]
            final = folder / f"{stem}.{digest[:12]}.csv"
            if not final.exists():
                tmp = folder / f".{final.name}.{os.getpid()}.tmp"
                try:
                    with open(tmp, "wb") as fh:
                        fh.write(data)
                        fh.flush()
                        os.fsync(fh.fileno())
                    os.replace(tmp, final)
                finally:
                    tmp.unlink(missing_ok=True)
                created.append(final)
            entry: dict[str, Any] = {"file": final.name, "sha256": digest, "rows": len(out)}
            entry.update({k: v for k, v in meta.items() if v is not None})
            new_manifest[name] = entry
            written[name] = final
        _replace_manifest(root, new_manifest)
    except BaseException:
        for path in created:
            path.unlink(missing_ok=True)
        raise
    for name in tables:
        old = manifest.get(name, {}).get("file")
        if old and old != written[name].name:
            (folder / str(old)).unlink(missing_ok=True)
    return written


def _replace_manifest(root: Path, manifest: dict[str, dict[str, Any]]) -> None:
    atomic_write_text(
        manifest_path(root), MANIFEST_HEADER + "\n\n" + render_entries("files", manifest)
    )


def remove_layer(name: str | None = None, root: Path | None = None) -> list[str]:
    """Drop the update rows of ``name`` (all tables when None); returns the tables dropped."""
    root = root or user_dir()
    manifest = layer_manifest(root)
    names = [n for n in manifest if name is None or n == name]
    if not names:
        return []
    keep = {k: v for k, v in manifest.items() if k not in names}
    _replace_manifest(root, keep)
    for n in names:
        (root / "tables" / str(manifest[n].get("file", ""))).unlink(missing_ok=True)
    return names


def provenance() -> dict[str, dict[str, Any]]:
    """Data date and layer of every table, for reports.

    Returns
    -------
    dict
        ``{table: {"layer": "embedded" | "updated", "last": "YYYY-MM-DD" or year,
        "fetched_at": ISO time or None, "source": str, "version": str}}``.  ``layer``
        is ``updated`` only when the data mode is ``updated`` and the user's layer
        holds rows for that table; ``last`` is then the later of the two layers.

    Examples
    --------
    >>> from hashcarbon import data
    >>> data.provenance()["network_daily"]["layer"] in ("embedded", "updated")
    True
    """
    from hashcarbon.data._registry import data_mode

    srcs = sources()
    use_layer = data_mode() == "updated"
    manifest = layer_manifest() if use_layer else {}
    out: dict[str, dict[str, Any]] = {}
    for name in table_names():
        entry, _ = integrity_entry(name)
        src = srcs.get(name, {})
        rec: dict[str, Any] = {
            "layer": "embedded",
            "last": (entry or {}).get("last"),
            "fetched_at": None,
            "source": src.get("origin", "")[:80],
            "version": src.get("version", ""),
        }
        lay = manifest.get(name)
        if (
            lay
            and name in UPDATE_KEYS
            and (user_dir() / "tables" / str(lay.get("file", ""))).is_file()
        ):
            rec["layer"] = "updated"
            rec["fetched_at"] = lay.get("fetched_at")
            rec["source"] = lay.get("source", "")
            last = lay.get("last")
            if last is not None and (rec["last"] is None or str(last) > str(rec["last"])):
                rec["last"] = last
        out[name] = rec
    return out
