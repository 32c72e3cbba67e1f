"""Output helpers shared by the CLI and the report: formats, path checks and atomic writes.

Every file or directory hashcarbon writes goes through this module:

* :func:`check_output` refuses, *before* any computation, an output path that cannot be
  written: a missing or read-only parent, a directory where a file is meant (or the
  reverse), a device, FIFO or socket, a symbolic link, a name too long for the file
  system.  It also sweeps stale temporary files left beside the target by a killed run.
* :func:`write_atomic`, :func:`atomic_path` and :func:`temp_dir_for` write to a temporary
  file or directory *beside* the target, named ``.NAME.PID.RANDOM.tmp`` (recognisable,
  and carrying the writer's process id), and rename it over the target only when
  complete.  Any failure (``ENOSPC``, ``EROFS``, ``KeyboardInterrupt``, a kill) leaves
  the previous output untouched; Python-level failures also remove the temporary file
  and become a one-line :class:`hashcarbon.errors.OutputError`.
* A temporary file whose writer process is gone (or, for names without a process id,
  that is older than :data:`STALE_AFTER_S`) is *stale*: the next run that writes the same
  target removes it (:func:`sweep_stale`).
"""

from __future__ import annotations

import contextlib
import errno
import json
import math
import os
import re
import secrets
import shutil
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from hashcarbon.errors import InputError, OutputError

FORMATS = ("table", "csv", "json")

#: A temporary file without a process id in its name is stale after this long. [s]
#: (Longer than any run: the 2,000-run report takes about 10 minutes on two cores.)
STALE_AFTER_S = 6 * 3600
#: Room kept in a file name for the temporary name's ``.`` + ``.PID.RANDOM.tmp`` parts.
_TMP_EXTRA = 1 + 1 + 10 + 1 + 8 + 4 + 8


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
        return None if not math.isfinite(v) else v
    if isinstance(value, (pd.Timestamp,)):
        return value.isoformat()
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def frame_to_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Flatten a DataFrame to JSON-safe records (NaN and infinities become ``null``)."""
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


# -- path checks ----------------------------------------------------------------------------


def _name_max(folder: Path) -> int:
    try:
        return int(os.pathconf(folder, "PC_NAME_MAX"))
    except (OSError, ValueError, AttributeError):  # pragma: no cover - non-POSIX
        return 255


def _kind_of(mode: int) -> str:
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def check_output(
    path: str | os.PathLike[str],
    field: str = "--out",
    kind: Literal["file", "dir"] = "file",
    sweep: bool = True,
) -> Path:
    """Check that ``path`` can receive an output, before anything is computed.

    Parameters
    ----------
    path : path-like
        The output file (``kind="file"``) or directory (``kind="dir"``, replaced whole).
    field : str
        Option or argument name used in the message.
    kind : {"file", "dir"}
        What will be written.
    sweep : bool
        Also remove stale temporary files of this target (:func:`sweep_stale`).

    Returns
    -------
    pathlib.Path
        ``path`` as a :class:`~pathlib.Path`.

    Raises
    ------
    OutputError
        One line naming ``field``, the path and the problem (also an :class:`OSError`).
    """
    if not isinstance(path, (str, os.PathLike)):
        raise InputError(f"{field}: expected a path, got {type(path).__name__}")
    text = os.fspath(path)
    if isinstance(text, bytes) or not text.strip() or "\x00" in text:
        raise OutputError(f"{field}: expected a file name, got {text!r}", errno.EINVAL)
    p = Path(text)
    if p.name in ("", ".", ".."):
        raise OutputError(
            f"{field}: {text} is a directory; expected a "
            f"{'file' if kind == 'file' else 'directory'} name inside it",
            errno.EISDIR,
        )
    parent = p.parent
    try:
        pst = parent.stat()
    except FileNotFoundError:
        raise OutputError(f"{field}: directory {parent} does not exist", errno.ENOENT) from None
    except OSError as exc:
        raise OutputError(f"{field}: cannot use directory {parent} ({exc.strerror})") from None
    if not stat.S_ISDIR(pst.st_mode):
        raise OutputError(f"{field}: {parent} is not a directory", errno.ENOTDIR)
    if len(p.name.encode("utf-8", "surrogateescape")) + _TMP_EXTRA > _name_max(parent):
        raise OutputError(
            f"{field}: file name is too long ({len(p.name)} characters; at most "
            f"{_name_max(parent) - _TMP_EXTRA})",
            errno.ENAMETOOLONG,
        )
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(f"{field}: directory {parent} is not writable", errno.EACCES)
    _probe(parent, p, field)
    try:
        st = p.lstat()
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise OutputError(f"{field}: cannot use {p} ({exc.strerror})") from None
    if st is not None:
        if stat.S_ISLNK(st.st_mode):
            raise OutputError(
                f"{field}: {p} is a symbolic link; give the real path (it would be replaced)",
                errno.ELOOP,
            )
        if kind == "file" and stat.S_ISDIR(st.st_mode):
            raise OutputError(f"{field}: {p} is a directory; expected a file name", errno.EISDIR)
        if kind == "dir" and not stat.S_ISDIR(st.st_mode):
            raise OutputError(f"{field}: {p} exists and is not a directory", errno.ENOTDIR)
        if not (stat.S_ISREG(st.st_mode) or stat.S_ISDIR(st.st_mode)):
            raise OutputError(
                f"{field}: {p} is {_kind_of(st.st_mode)}; expected a regular {kind}",
                errno.EINVAL,
            )
    if sweep:
        sweep_stale(p)
    return p


def _probe(parent: Path, target: Path, field: str) -> None:
    """Create and remove a temporary file beside ``target`` (catches read-only mounts)."""
    probe = parent / _temp_name(target)
    try:
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except OSError as exc:
        raise OutputError(
            f"{field}: directory {parent} is not writable ({exc.strerror})", exc.errno
        ) from None
    with contextlib.suppress(OSError):
        probe.unlink()


# -- temporary names and the sweep ----------------------------------------------------------


def _temp_name(target: Path, suffix: str = "") -> str:
    return f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp{suffix}"


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # someone else's live process (or cannot tell): keep the file
    return True


def _is_stale(entry: Path, pid: int | None, now: float) -> bool:
    try:
        age = now - entry.lstat().st_mtime
    except OSError:
        return False
    if pid is not None and pid != os.getpid():
        return not _pid_alive(pid) or age > STALE_AFTER_S
    return pid is None and age > STALE_AFTER_S


def sweep_stale(target: str | os.PathLike[str]) -> list[Path]:
    """Remove stale temporary files and directories left beside ``target`` by killed runs.

    Matches ``.NAME.PID.RANDOM.tmp[.SUFFIX]`` (this module's names: stale when process
    ``PID`` is gone) and the older ``.NAME.RANDOM.tmp``, ``.NAME.RANDOM.SUFFIX`` and
    ``.NAME.old-MILLIS`` names (stale after :data:`STALE_AFTER_S`).  Returns what was
    removed; files that cannot be removed are left alone.
    """
    target = Path(target)
    folder = target.parent
    name = re.escape(target.name)
    ours = re.compile(rf"^\.{name}\.(\d+)\.[0-9a-f]{{8}}\.tmp(\.[A-Za-z0-9]+)?$")
    ends = r"\.tmp" + (f"|{re.escape(target.suffix)}" if target.suffix else "")
    legacy = re.compile(rf"^\.{name}\.([a-z0-9_]{{8}}({ends})|old-\d+)$")
    removed: list[Path] = []
    now = time.time()
    try:
        entries = [e for e in os.scandir(folder) if e.name.startswith(f".{target.name}.")]
    except OSError:
        return removed
    for entry in entries:
        m = ours.match(entry.name)
        if m:
            pid: int | None = int(m.group(1))
        elif legacy.match(entry.name):
            if ".old-" in entry.name and not target.exists():
                continue  # a kill between the two renames: this is the only copy left
            pid = None
        else:
            continue
        path = Path(entry.path)
        if not _is_stale(path, pid, now):
            continue
        with contextlib.suppress(OSError):
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(path)
            else:
                path.unlink()
            removed.append(path)
    return removed


def _as_output_error(path: Path, exc: OSError) -> OutputError:
    if isinstance(exc, OutputError):
        return exc
    reason = exc.strerror or type(exc).__name__
    if exc.errno == errno.ENOSPC:
        reason = "no space left on the device"
    return OutputError(f"{path}: cannot write ({reason}); the previous output is kept", exc.errno)


#: Outputs this process has put in place (renamed over their target), in order.  The
#: CLI reads it when a Ctrl-C arrives: after the command's output is in place the run has
#: finished and the output is complete, whatever comes next (a late Ctrl-C).
COMMITTED: list[Path] = []


def committed(path: str | os.PathLike[str]) -> None:
    """Record that ``path`` is now in place (see :data:`COMMITTED`)."""
    COMMITTED.append(Path(path))


def write_atomic(path: str | os.PathLike[str], data: str | bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file beside it and a rename.

    A failure leaves no half-written file behind: either the old file (if any) or the
    complete new one exists, and the temporary file is removed.

    Raises
    ------
    OutputError
        The path cannot be written (see :func:`check_output`) or the write failed
        (disk full, read-only file system, ...); one line, also an :class:`OSError`.
    """
    path = check_output(path, "path")
    mode = "wb" if isinstance(data, bytes) else "w"
    tmp = path.parent / _temp_name(path)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(
            fd, mode, **({} if mode == "wb" else {"encoding": "utf-8", "newline": ""})
        ) as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _default_mode())
        os.replace(tmp, path)
        committed(path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise _as_output_error(path, exc) from None
        raise
    return path


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it to ``path`` on success.

    For writers that need a file name (``matplotlib.figure.Figure.savefig``); the name
    keeps ``path``'s suffix so such writers pick the right format.  Any exception
    removes the temporary file; an :class:`OSError` becomes :class:`OutputError`.
    """
    path = check_output(path, "path")
    tmp = path.parent / _temp_name(path, path.suffix)
    try:
        yield tmp
        os.chmod(tmp, _default_mode())
        os.replace(tmp, path)
        committed(path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise _as_output_error(path, exc) from None
        raise


def temp_dir_for(target: str | os.PathLike[str]) -> Path:
    """Create and return a temporary directory beside ``target`` (``.NAME.PID.RANDOM.tmp``).

    For outputs that are a whole directory (the report): fill it, then rename it over
    ``target``.  The caller removes it on failure; a killed run's directory is removed by
    the next run's :func:`sweep_stale`.
    """
    target = Path(target)
    tmp = target.parent / _temp_name(target)
    try:
        tmp.mkdir(mode=0o700)
    except OSError as exc:
        raise _as_output_error(target, exc) from None
    return tmp


def write_netcdf(ds, path: str | os.PathLike[str]) -> Path:
    """Write an :class:`xarray.Dataset` to ``path`` as netCDF-4, atomically.

    The file is serialised in memory (h5netcdf) and then written by :func:`write_atomic`:
    HDF5 writing straight to a full disk can crash the process (a segfault in the C
    library), while a Python write fails cleanly with ``ENOSPC``.  Non-scalar
    attributes are stored as JSON text.
    """
    path = check_output(path, "path")
    ds = ds.copy()
    for key, value in list(ds.attrs.items()):
        if not isinstance(value, (str, int, float)):
            ds.attrs[key] = json.dumps(value, default=str)
    free = shutil.disk_usage(path.parent).free
    if ds.nbytes > free:
        raise OutputError(
            f"{path}: cannot write (about {ds.nbytes / 1e6:.0f} MB needed, "
            f"{free / 1e6:.0f} MB free); the previous output is kept",
            errno.ENOSPC,
        )
    data = bytes(ds.to_netcdf(engine="h5netcdf"))
    return write_atomic(path, data)
