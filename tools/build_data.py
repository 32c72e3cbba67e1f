#!/usr/bin/env python
"""Rebuild hashcarbon's curated tables from the raw public datasets in ``../shared/data``.

Usage::

    python tools/build_data.py [--shared PATH] [--only network,hardware,...] [--check]

Each domain has a builder in ``tools/build/<domain>.py`` with a function
``build(shared_data: Path, out_dir: Path) -> list[Path]`` that writes its
tables (atomically) into ``src/hashcarbon/data/tables``.  The raw files are
never copied into the repository; only the compact curated tables are.
With ``--check`` the tables are built into a temporary folder and compared
with the committed ones (exit 1 on any difference).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TABLES = ROOT / "src" / "hashcarbon" / "data" / "tables"
DOMAINS = ("network", "hardware", "geography", "grid", "prices", "regions")

sys.path.insert(0, str(ROOT / "tools"))


def default_shared() -> Path:
    env = os.environ.get("HASHCARBON_SHARED")
    return Path(env) if env else ROOT.parent / "shared"


def run(shared: Path, out_dir: Path, domains: list[str]) -> list[Path]:
    data = shared / "data"
    if not data.is_dir():
        raise SystemExit(f"error: {data}: raw data folder not found (pass --shared PATH)")
    written: list[Path] = []
    for domain in domains:
        module = importlib.import_module(f"build.{domain}")
        paths = module.build(data, out_dir)
        for p in paths:
            print(
                f"{domain:10s} wrote {p.relative_to(out_dir.parent) if out_dir.parent in p.parents else p}"
            )
        written.extend(paths)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--shared", type=Path, default=default_shared(), help="the shared folder (holds data/)"
    )
    parser.add_argument(
        "--only", default=",".join(DOMAINS), help="comma-separated domains to build"
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="build to a temp dir and diff against the committed tables",
    )
    args = parser.parse_args(argv)
    domains = [d.strip() for d in args.only.split(",") if d.strip()]
    unknown = sorted(set(domains) - set(DOMAINS))
    if unknown:
        parser.error(
            f"--only: unknown domain(s) {', '.join(unknown)}; expected {', '.join(DOMAINS)}"
        )
    if not args.check:
        run(args.shared, TABLES, domains)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        paths = run(args.shared, Path(tmp), domains)
        bad = [p.name for p in paths if (TABLES / p.name).read_bytes() != p.read_bytes()]
    if bad:
        print("differs from the committed table: " + ", ".join(bad))
        return 1
    print("all rebuilt tables match the committed ones")
    return 0


if __name__ == "__main__":
    sys.exit(main())
