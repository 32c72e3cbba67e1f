#!/usr/bin/env python3
"""Write the API reference pages of the documentation site (``docs/api/*.md``).

One page per public module, rendered by mkdocstrings from the numpydoc docstrings.
``PUBLIC_MODULES`` is the one list of what the reference covers; ``tests/test_docs.py``
fails when a public module of the package is missing from it.

Usage::

    python tools/make_api_docs.py          # (re)write docs/api/
    python tools/make_api_docs.py --check  # exit 1 if a page is stale
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
API = ROOT / "docs" / "api"

#: (module, one-line title) in the order of the data flow
#: chain -> hardware -> energy -> grid/geography -> carbon -> pipeline -> models -> report.
PUBLIC_MODULES: tuple[tuple[str, str], ...] = (
    ("hashcarbon.units", "Physical and protocol constants"),
    ("hashcarbon.errors", "The project's errors"),
    ("hashcarbon.dates", "The one date parser"),
    ("hashcarbon.vocabulary", "One vocabulary: regions, sources, methods"),
    ("hashcarbon.data", "Curated data tables"),
    ("hashcarbon.chain", "Protocol economics"),
    ("hashcarbon.hardware", "ASIC catalogue and break-even prices"),
    ("hashcarbon.energy", "Electricity estimators (CBECI v1, 2023, economic)"),
    ("hashcarbon.geography", "Where the hash rate is"),
    ("hashcarbon.grid", "Generation mixes, emission factors, intensities"),
    ("hashcarbon.carbon", "Location x grid carbon accounting"),
    ("hashcarbon.pipeline", "The one estimate -> location -> grid -> carbon chain"),
    ("hashcarbon.scenario", "Scenario files (TOML)"),
    ("hashcarbon.sd", "Stock-flow engine"),
    ("hashcarbon.models.parameters", "Parameter tables of the models"),
    ("hashcarbon.models.bbce", "BBCE model of Jiang et al. (2021)"),
    ("hashcarbon.models.world", "World policy simulator"),
    ("hashcarbon.uncertainty", "Joint uncertainty, sampling and global sensitivity"),
    ("hashcarbon.report", "Report and claims"),
    ("hashcarbon.provenance", "Provenance of results"),
)

#: modules that are faces or internals, not API: the CLI, schemas, private modules
NOT_API_PREFIXES = ("hashcarbon.cli", "hashcarbon.data.schemas", "hashcarbon.dashboard")
#: namespace packages with nothing of their own to document
NOT_API_MODULES = ("hashcarbon.models",)


def page_name(module: str) -> str:
    return module.removeprefix("hashcarbon.").replace(".", "_") + ".md"


def pages() -> dict[str, str]:
    out: dict[str, str] = {}
    rows = []
    for module, title in PUBLIC_MODULES:
        name = page_name(module)
        out[name] = f"# `{module}` — {title}\n\n::: {module}\n"
        rows.append(f"| [`{module}`]({name}) | {title} |")
    out["index.md"] = (
        "# API reference\n\n"
        "Generated from the numpydoc docstrings by mkdocstrings "
        "(`python tools/make_api_docs.py` writes these pages). Units are in `[brackets]` "
        "after each parameter; names follow the [glossary](../glossary.md).\n\n"
        "| module | what it holds |\n|---|---|\n" + "\n".join(rows) + "\n"
    )
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if a page differs")
    args = ap.parse_args(argv)
    want = pages()
    if args.check:
        stale = [
            n for n, t in want.items() if not (API / n).is_file() or (API / n).read_text() != t
        ]
        for n in stale:
            print(f"docs/api/{n}: stale, run python tools/make_api_docs.py", file=sys.stderr)
        return 1 if stale else 0
    API.mkdir(parents=True, exist_ok=True)
    for old in API.glob("*.md"):
        if old.name not in want:
            old.unlink()
    for n, t in want.items():
        (API / n).write_text(t, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
