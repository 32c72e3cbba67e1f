"""Benchmark: a 1,000-run ensemble of one scenario, monthly 2014-2035.

Target (task brief): under 30 s and under 2 GB.  pytest-benchmark reports the time; the
peak memory of the arrays allocated by the run is measured with tracemalloc (numpy
reports its allocations to it).  Run with ``python -m pytest benchmarks/test_world_bench.py``.
"""

from __future__ import annotations

import tracemalloc

import pytest

from hashcarbon.models import world


@pytest.mark.slow
def test_world_ensemble_1000_runs(benchmark):
    world.history()  # load the tables once, outside the timing

    def one():
        return world.run("china-ban-2021", n_runs=1000, seed=1)

    tracemalloc.start()
    ds = benchmark.pedantic(one, rounds=1, iterations=1)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    benchmark.extra_info["peak_mib"] = peak / 2**20
    assert ds.sizes["run"] == 1000
    assert ds.sizes["time"] == 264
    assert benchmark.stats.stats.max < 30.0
    assert peak < 2 * 2**30
