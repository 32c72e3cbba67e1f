"""Benchmark: a 1,000-run ensemble of one scenario, monthly 2014-2035.

Targets (issue 10): under 30 s and under 2 GB.  The VM's speed varies by ~1.7x between
minutes and its two cores are shared, so the figure is reported as a ratio against a
reference measured in the same test: one 50-run chunk (the unit of work of a worker) run
in-process.  With ``w`` workers on free cores the ratio is ~20 / w; the excess is the cost
of process start-up, pickling the inputs and results, and building the Dataset.  The memory figure is the peak
resident set size of a fresh process that runs only this benchmark, plus its workers' peak
(``resource.getrusage``), which bounds what the run needs (measured in the test process, the
figure would include whatever earlier benchmarks of the session left behind); :func:`hashcarbon.models.world.model.memory_estimate_bytes`
is reported beside it.  Run with ``python -m pytest benchmarks/test_world_bench.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from hashcarbon.models.world import model

#: The measurement, run in a fresh interpreter so that its peak memory is its own.
CHILD = r"""
import json, os, resource, sys, time
from hashcarbon.models import world
from hashcarbon.models.world import model

def peak(who=resource.RUSAGE_SELF):
    rss = resource.getrusage(who).ru_maxrss
    return rss if sys.platform == "darwin" else rss * 1024  # Linux reports KiB

world.history()  # load the tables once, outside the timing
world.run("china-ban-2021", n_runs=1, seed=1)  # and build the cached inputs
os.environ["HASHCARBON_WORKERS"] = "1"
ref = []
for _ in range(2):  # best of two: the shared VM's speed varies between seconds
    t0 = time.perf_counter()
    world.run("china-ban-2021", n_runs=model.CHUNK_RUNS, seed=1)
    ref.append(time.perf_counter() - t0)
del os.environ["HASHCARBON_WORKERS"]
t0 = time.perf_counter()
ds = world.run("china-ban-2021", n_runs=1000, seed=1)
elapsed = time.perf_counter() - t0
workers = model._workers(1000 // model.CHUNK_RUNS)
child = peak(resource.RUSAGE_CHILDREN)
print(json.dumps({
    "elapsed_s": elapsed,
    "reference_s": min(ref),
    "workers": workers,
    "peak_bytes": peak() + (workers * child if workers > 1 else 0),
    "runs": ds.sizes["run"],
    "months": ds.sizes["time"],
    "regions": ds.sizes["region"],
}))
"""


@pytest.mark.slow
def test_world_ensemble_1000_runs(benchmark):
    def child():
        proc = subprocess.run(
            [sys.executable, "-c", CHILD],
            capture_output=True,
            text=True,
            timeout=900,
            env=dict(os.environ),
            check=False,
        )
        assert proc.returncode == 0, proc.stderr[-2000:]
        return json.loads(proc.stdout.strip().splitlines()[-1])

    r = benchmark.pedantic(child, rounds=1, iterations=1)
    est = model.memory_estimate_bytes(1000, r["months"], r["regions"])
    ratio = r["elapsed_s"] / r["reference_s"]
    benchmark.extra_info.update(
        elapsed_1000_runs_s=r["elapsed_s"],
        peak_rss_mib=r["peak_bytes"] / 2**20,
        memory_estimate_mib=est / 2**20,
        workers=r["workers"],
        reference_50_runs_in_process_s=r["reference_s"],
        ratio_to_reference=ratio,
        projected_free_cores_s=r["reference_s"] * 20 / r["workers"],
    )
    assert r["runs"] == 1000
    assert r["months"] == 264
    assert r["peak_bytes"] < 2 * 2**30
    assert est < 2 * 2**30
    # 20 chunks; with free cores the ratio is ~20 / workers.  On the shared VM the
    # workers may get one core between them (measured: no speed-up from 2 workers at
    # load average 4-6, for the previous model too), so the check is that the ensemble
    # costs at most 1.5x running its 20 chunks in turn (process start-up, pickling and
    # the Dataset).  The 30 s target is reported in docs/world.md with the load.
    assert ratio < 30.0
