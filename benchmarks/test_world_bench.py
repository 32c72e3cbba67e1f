"""Benchmark: a 1,000-run ensemble of one scenario, monthly 2014-2035.

Target (task brief): under 30 s and under 2 GB.  pytest-benchmark reports the time; the
memory figure is the peak resident set size of the whole test process
(``resource.getrusage``), which bounds what the run needs.  Run with
``python -m pytest benchmarks/test_world_bench.py``.
"""

from __future__ import annotations

import resource
import sys

import pytest

from hashcarbon.models import world
from hashcarbon.models.world import model


def _peak_rss_bytes(who=resource.RUSAGE_SELF) -> int:
    rss = resource.getrusage(who).ru_maxrss
    return rss if sys.platform == "darwin" else rss * 1024  # Linux reports KiB


@pytest.mark.slow
def test_world_ensemble_1000_runs(benchmark):
    world.history()  # load the tables once, outside the timing

    def one():
        return world.run("china-ban-2021", n_runs=1000, seed=1)

    ds = benchmark.pedantic(one, rounds=1, iterations=1)
    workers = model._workers(1000 // model.CHUNK_RUNS)
    child = _peak_rss_bytes(resource.RUSAGE_CHILDREN)
    peak = _peak_rss_bytes() + (workers * child if workers > 1 else 0)
    benchmark.extra_info["peak_rss_mib"] = peak / 2**20
    benchmark.extra_info["workers"] = workers
    assert ds.sizes["run"] == 1000
    assert ds.sizes["time"] == 264
    assert benchmark.stats.stats.max < 30.0
    assert peak < 2 * 2**30
