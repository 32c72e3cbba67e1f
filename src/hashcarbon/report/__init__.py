"""The hashcarbon report: one self-contained HTML page (en / zh-CN) of the project's numbers.

>>> from hashcarbon.report import build_report           # doctest: +SKIP
>>> build_report("report", lang="both", runs=50, seed=0)  # doctest: +SKIP

See ``docs/report.md``.
"""

from __future__ import annotations

from hashcarbon.report.build import DEFAULT_RUNS, LANG_CHOICES, build_report, compute

__all__ = ["DEFAULT_RUNS", "LANG_CHOICES", "build_report", "compute"]
