"""Benchmarks of the world ensemble: the fast path against the reference, and large runs.

Issue 11 item 5: the ensemble >= 10x cheaper per run than the numpy stepper (kept as the
reference, ``engine="reference"``), measured as a ratio in one run; 10,000 runs 2014-2035
monthly in < 30 s and < 2 GB on 2 cores, with summaries reduced as they are computed
(:func:`hashcarbon.models.world.run_totals`).  Issue 10: 1,000 runs with the full
(time x region x run) Dataset under 30 s and 2 GB.

Two ratios are printed: the kernel against the stepper on the same 50 runs, each on one core
(the per-run cost of the same work), and the whole ensemble of 1,000 runs as each engine runs
it on the machine (``simulate``: the reference's 50-run chunks in forked workers, the kernel on
numba threads), back to back in the same process.

Each measurement runs in a fresh interpreter so that its peak resident set size is its own
(``resource.getrusage``; in the test process it would include whatever earlier benchmarks
left behind).  The VM's speed varies between minutes and its two cores are shared, so the
speed-up is a ratio of the two engines on the same runs, measured back to back, each on one
core (the reference in-process, the kernel with one numba thread): the per-run cost of the
same work.  Run with ``python -m pytest benchmarks/test_world_bench.py``; figures in
docs/world.md (performance).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from hashcarbon.models.world import model

#: The peak resident set size of the child's own process [bytes], defined in each child.
#: Linux: the high-water mark of the process's memory since its execve (``VmHWM`` in
#: /proc/self/status).  ``ru_maxrss`` is not reset by execve, so a child started by a large
#: parent (pytest late in the suite) reports the parent's size: CI measured 1,911 MiB for
#: the 10,000 runs that take ~890 MiB on their own.  macOS: ``ru_maxrss`` (bytes there).
PEAK = r"""
import resource, sys

def peak():
    try:
        with open("/proc/self/status") as f:
            return next(int(ln.split()[1]) * 1024 for ln in f if ln.startswith("VmHWM:"))
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
"""

#: Issue 11: per-run ratio, then 10,000 runs in summary mode (fresh interpreter).
CHILD_10K = (
    PEAK
    + r"""
import json, os, resource, sys, time
t0 = time.perf_counter()
import numba
from hashcarbon.models import world
from hashcarbon.models.world import fast, model
from hashcarbon.models.world.params import resolve
from hashcarbon.models.world.inputs import region_table

hist = world.history()  # load the tables once, outside the timing
scen = world.load_scenario("china-ban-2021")
scen = scen.model_copy(update={"scenario": scen.scenario.model_copy(update={"end": "2035-12-01"})})
t0 = time.perf_counter()
world.run_totals(scen, n_runs=1, seed=1)  # builds the cached inputs; loads (or compiles) the kernel
first_call = time.perf_counter() - t0
os.environ["HASHCARBON_WORKERS"] = "1"
n = model.CHUNK_RUNS  # one chunk of the reference: its unit of work
P = resolve(scen.parameters, n)
inp, _, _ = model.prepare(hist, scen, n, 1, P, region_table())
threads = numba.get_num_threads()
numba.set_num_threads(1)
# one untimed call of each: the kernel's first full-output call loads that specialisation
# and touches its output pages (1.9 against 1.1 ms per run measured; first_call_s reports
# the start-up cost separately)
model.run_chunk(inp, 0, n)
fast.run(inp, n, full=True)
ref, fst = [], []
for _ in range(5):  # best of five, alternating: the shared VM's speed varies
    t0 = time.perf_counter()
    model.run_chunk(inp, 0, n)  # the reference stepper, one process, the same runs
    ref.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    fast.run(inp, n, full=True)
    fst.append(time.perf_counter() - t0)
numba.set_num_threads(threads)
del os.environ["HASHCARBON_WORKERS"]
t0 = time.perf_counter()
ds = world.run_totals(scen, n_runs=10_000, seed=1)
elapsed = time.perf_counter() - t0
peak_10k = peak()
# the whole ensemble as each engine runs it (reference: chunks of 50 in forked workers;
# fast: one kernel call on numba threads), 1,000 runs, the same process and minute
ens = {}
for eng in ("reference", "fast"):
    t0 = time.perf_counter()
    model.simulate(hist, scen, n_runs=1000, seed=1, engine_name=eng)
    ens[eng] = time.perf_counter() - t0
print(json.dumps({
    "first_call_s": first_call,
    "reference_per_run_s": min(ref) / n,
    "fast_per_run_s": min(fst) / n,
    "elapsed_10k_s": elapsed,
    "threads": threads,
    "peak_bytes": peak_10k,
    "ensemble_reference_1000_s": ens["reference"],
    "ensemble_fast_1000_s": ens["fast"],
    "workers": model._workers(1000 // model.CHUNK_RUNS),
    "runs": ds.sizes["run"],
    "months": ds.sizes["time"],
    "load_1min": os.getloadavg()[0],
}))
"""
)

#: Issue 10: 1,000 runs with the full Dataset (fresh interpreter).
CHILD_1K = (
    PEAK
    + r"""
import json, resource, sys, time
from hashcarbon.models import world


world.history()
world.run("china-ban-2021", n_runs=1, seed=1)
t0 = time.perf_counter()
ds = world.run("china-ban-2021", n_runs=1000, seed=1)
print(json.dumps({
    "elapsed_s": time.perf_counter() - t0,
    "peak_bytes": peak(),
    "runs": ds.sizes["run"],
    "months": ds.sizes["time"],
    "regions": ds.sizes["region"],
}))
"""
)


def _child(code: str) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=1200,
        env=dict(os.environ),
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_world_fast_path_ratio_and_10000_runs(benchmark):
    r = benchmark.pedantic(lambda: _child(CHILD_10K), rounds=1, iterations=1)
    ratio = r["reference_per_run_s"] / r["fast_per_run_s"]
    ens_ratio = r["ensemble_reference_1000_s"] / r["ensemble_fast_1000_s"]
    benchmark.extra_info.update(
        per_run_ratio=ratio,
        ensemble_ratio=ens_ratio,
        ensemble_reference_1000_s=r["ensemble_reference_1000_s"],
        ensemble_fast_1000_s=r["ensemble_fast_1000_s"],
        reference_per_run_ms=r["reference_per_run_s"] * 1e3,
        fast_per_run_ms=r["fast_per_run_s"] * 1e3,
        elapsed_10000_runs_s=r["elapsed_10k_s"],
        peak_rss_mib=r["peak_bytes"] / 2**20,
        first_call_s=r["first_call_s"],
        threads=r["threads"],
        load_1min=r["load_1min"],
    )
    print(
        f"\nworld ensemble: per-run speed ratio fast/reference {ratio:.1f}x "
        f"({r['reference_per_run_s'] * 1e3:.2f} vs {r['fast_per_run_s'] * 1e3:.2f} ms per run, "
        f"one core each); 10,000 runs 2014-2035 in summary mode: {r['elapsed_10k_s']:.1f} s on "
        f"{r['threads']} threads, peak RSS {r['peak_bytes'] / 2**20:.0f} MiB; first call "
        f"{r['first_call_s']:.1f} s; load {r['load_1min']:.1f}; ensemble of 1,000 runs "
        f"(simulate, 2014-2035): reference {r['ensemble_reference_1000_s']:.1f} s on "
        f"{r['workers']} worker processes, fast {r['ensemble_fast_1000_s']:.2f} s on "
        f"{r['threads']} threads: {ens_ratio:.1f}x"
    )
    assert r["runs"] == 10_000
    assert r["months"] == 264
    assert r["peak_bytes"] < 2 * 2**30
    # issue 11's target, asserted on the ratio of the two engines timed back to back in one
    # process (after one untimed call each, best of five); measured 12.7x at load 1.3, 13.0x
    # at load 1.8, 15.9x at load 2.0 (docs/world.md, performance).  CI measured 9.8x once
    # with best of three and no untimed call: 1.56 ms per fast run, the first full-output
    # call among the three
    assert ratio >= 10.0


@pytest.mark.slow
def test_world_ensemble_1000_runs(benchmark):
    r = benchmark.pedantic(lambda: _child(CHILD_1K), rounds=1, iterations=1)
    est = model.memory_estimate_bytes(1000, r["months"], r["regions"])
    benchmark.extra_info.update(
        elapsed_1000_runs_s=r["elapsed_s"],
        peak_rss_mib=r["peak_bytes"] / 2**20,
        memory_estimate_mib=est / 2**20,
    )
    print(
        f"\nworld.run 1,000 runs (full Dataset): {r['elapsed_s']:.1f} s, "
        f"peak RSS {r['peak_bytes'] / 2**20:.0f} MiB (estimate {est / 2**20:.0f} MiB)"
    )
    assert r["runs"] == 1000
    assert r["months"] == 264
    assert r["peak_bytes"] < 2 * 2**30
    assert est < 2 * 2**30
