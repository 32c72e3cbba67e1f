"""Provenance of results: which hashcarbon, which commit, which data.

Every output (datasets' attributes, the report footer, JSON and CSV headers) carries the
package version, the git commit it was built from when that is known, and the data versions
of the tables used. The commit comes from, in order: ``HASHCARBON_GIT_COMMIT`` (set by a
packager), the ``_build_info.json`` written into the wheel at build time (``hatch_build.py``),
or ``git rev-parse`` when running from a checkout; otherwise it is ``"unknown"``.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
from importlib import resources
from pathlib import Path

__all__ = ["git_commit", "software", "version_string"]


def _from_build_info() -> str | None:
    try:
        text = resources.files("hashcarbon").joinpath("_build_info.json").read_text("utf-8")
    except (FileNotFoundError, OSError):
        return None
    try:
        commit = json.loads(text).get("git_commit")
    except (ValueError, AttributeError):
        return None
    return commit if isinstance(commit, str) and commit else None


def _from_checkout() -> str | None:
    here = Path(__file__).resolve().parent
    try:
        proc = subprocess.run(
            ["git", "-C", str(here), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    out = proc.stdout.strip()
    if proc.returncode != 0 or len(out) != 40:
        return None
    dirty = subprocess.run(
        ["git", "-C", str(here), "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
        timeout=5,
        check=False,
    )
    return out + ("-dirty" if dirty.returncode == 0 and dirty.stdout.strip() else "")


@functools.cache
def git_commit() -> str:
    """The git commit this copy of hashcarbon was built from, or ``"unknown"``.

    Returns
    -------
    commit : str
        40 hex digits (``-dirty`` appended for a checkout with local changes), or
        ``"unknown"``.
    """
    return (
        os.environ.get("HASHCARBON_GIT_COMMIT")
        or _from_build_info()
        or _from_checkout()
        or "unknown"
    )


def software() -> dict[str, str]:
    """Version and commit of this hashcarbon, for result attributes.

    Returns
    -------
    dict
        ``{"hashcarbon_version": ..., "git_commit": ...}``.
    """
    import hashcarbon

    return {"hashcarbon_version": hashcarbon.__version__, "git_commit": git_commit()}


def version_string() -> str:
    """``"0.2.0 (commit 1a2b3c4)"``, or the version alone when the commit is unknown."""
    import hashcarbon

    c = git_commit()
    return (
        hashcarbon.__version__ if c == "unknown" else f"{hashcarbon.__version__} (commit {c[:12]})"
    )
