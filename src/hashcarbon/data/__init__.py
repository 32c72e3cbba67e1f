"""Curated data tables shipped with hashcarbon, with loaders validated on load.

Every loader returns a fresh :class:`pandas.DataFrame` whose columns carry
their units in their names (see ``docs/glossary.md``).  The origin, version,
licence and gap-filling method of each table are in ``sources.toml`` and in
``hashcarbon data info``.

Examples
--------
>>> from hashcarbon import data
>>> "network_daily" in data.table_names()
True
"""

from __future__ import annotations

from hashcarbon.data._registry import (
    TableSpec,
    coverage,
    get_spec,
    load_table,
    sources,
    table_names,
)

__all__ = [
    "TableSpec",
    "coverage",
    "get_spec",
    "load_table",
    "sources",
    "table_names",
]
