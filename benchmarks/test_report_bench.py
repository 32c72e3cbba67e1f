"""``hashcarbon report --lang both`` from a fresh install: under 60 s (issue 15).

Each build runs as a new process with an empty matplotlib config/cache directory
(``MPLCONFIGDIR``), as on a fresh install, with the default 50 world-model runs. The
English-only build runs in the same session, so the ratio both/en (the cost of the second
language: Chinese figures, a second page with plotly.js embedded) is measured on the same
machine state.

Run: ``python -m pytest benchmarks/test_report_bench.py --benchmark-only -s``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

import pytest

from benchmarks.conftest import check_budget

BUDGET_S = 60.0
_TIMES: dict[str, float] = {}


def _build(tmp_path, lang: str) -> float:
    env = dict(os.environ)
    cache = tmp_path / f"mpl-{lang}"
    shutil.rmtree(cache, ignore_errors=True)
    cache.mkdir()
    env["MPLCONFIGDIR"] = str(cache)
    out = tmp_path / f"report-{lang}"
    t0 = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-c",
            "from hashcarbon.cli import run; run()",
            "report",
            "--lang",
            lang,
            "--out",
            str(out),
            "--quiet",
        ],
        check=True,
        env=env,
        capture_output=True,
        timeout=600,
    )
    dt = time.perf_counter() - t0
    assert (out / ("report.html" if lang != "zh" else "report.zh.html")).exists()
    return dt


@pytest.mark.parametrize("lang", ["en", "both"])
def test_report_wall_time(benchmark, tmp_path, lang):
    dt = benchmark.pedantic(_build, args=(tmp_path, lang), rounds=1, iterations=1)
    _TIMES[lang] = dt if dt is not None else float("nan")
    benchmark.extra_info["lang"] = lang
    if lang == "both":
        check_budget(benchmark, BUDGET_S)
        if "en" in _TIMES:
            benchmark.extra_info["ratio_both_over_en"] = _TIMES["both"] / _TIMES["en"]
            print(
                f"\nreport --lang en {_TIMES['en']:.1f} s, --lang both {_TIMES['both']:.1f} s, "
                f"ratio {_TIMES['both'] / _TIMES['en']:.2f}; budget {BUDGET_S:.0f} s "
                f"({_TIMES['both'] / BUDGET_S:.2f} of it)"
            )
