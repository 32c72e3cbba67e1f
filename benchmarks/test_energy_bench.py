"""Benchmarks of hashcarbon.energy on the full daily history (2010 to the latest day).

Run: ``python -m pytest benchmarks/test_energy_bench.py --benchmark-only``.  The vectorised
estimators and the per-day reference loop of ``tests/test_energy_reference.py`` share a
benchmark group so pytest-benchmark prints them side by side; the speed-up test asserts the
ratio of their best times (``docs/energy.md`` reports the medians).  The reference at 19 prices takes about a minute
and runs only with ``HASHCARBON_BENCH_SLOW=1``.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from hashcarbon import energy

PRICES = np.round(np.arange(0.01, 0.195, 0.01), 2)  # 0.01 .. 0.19 USD/kWh, 19 prices


def _reference():
    path = Path(__file__).resolve().parents[1] / "tests" / "test_energy_reference.py"
    spec = importlib.util.spec_from_file_location("_energy_reference", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.reference_cbeci


@pytest.fixture(scope="module")
def history():
    from hashcarbon import data
    from hashcarbon.errors import DataError

    try:
        net = data.network().sort_values("date").reset_index(drop=True)
        hw = energy._load_catalogue("full", manufacturer_only=True)
    except DataError as err:
        pytest.skip(f"shipped tables not available: {err}")
    return (
        net["date"],
        net["hashrate_ehs"].to_numpy(dtype=float) * 1e6,
        net["revenue_usd"].to_numpy(dtype=float),
        pd.to_datetime(hw["release_date"]),
        hw["efficiency_j_per_th"].to_numpy(dtype=float),
    )


def _both_methods(args):
    return [energy.cbeci(*args, method=m) for m in ("v1", "2023")]


def _both_methods_sweep(args):
    return [energy.cbeci_price_sweep(*args, PRICES, method=m) for m in ("v1", "2023")]


@pytest.mark.benchmark(group="one price, both CBECI methods")
def test_vectorised_one_price(benchmark, history):
    v1, v2023 = benchmark(_both_methods, history)
    assert len(v1) == len(v2023) == len(history[0])
    benchmark.extra_info["n_days"] = len(history[0])
    benchmark.extra_info["n_models"] = len(history[4])
    # The time is reported, not asserted: a wall-clock budget fails for the wrong reason on a
    # shared machine (speed varies ~1.7x from minute to minute). The speed target is asserted
    # as a ratio against the per-day loop measured in the same run (next test).


@pytest.mark.benchmark(group="speed-up over the per-day loop")
def test_speedup_over_reference_loop(benchmark, history):
    """Issue target: the vectorised code is at least 20x the per-day reference loop.

    The ratio is best against best: the fastest of three reference loops over the fastest
    vectorised round (``timeit``'s rule: the minimum is the run least disturbed by the rest
    of the machine).  One reference loop against the vectorised median failed once at 19.0x
    in CI while the same code measured 31-37x on an idle machine by either statistic."""
    import time

    reference = _reference()
    loops = []
    for _ in range(3):
        t0 = time.perf_counter()
        for m in ("v1", "2023"):
            reference(*history, method=m)
        loops.append(time.perf_counter() - t0)
    loop_s = min(loops)
    benchmark(_both_methods, history)
    if benchmark.stats is None:
        return
    ratio = loop_s / benchmark.stats.stats.min
    benchmark.extra_info["reference_loop_s"] = loop_s
    benchmark.extra_info["speedup"] = ratio
    assert ratio >= 20, f"speed-up {ratio:.1f}x is below the 20x target"


@pytest.mark.benchmark(group="one price, both CBECI methods")
def test_reference_loop_one_price(benchmark, history):
    reference = _reference()
    out = benchmark.pedantic(
        lambda: [reference(*history, method=m) for m in ("v1", "2023")], rounds=3, iterations=1
    )
    assert len(out[0]) == len(history[0])


@pytest.mark.benchmark(group="19 prices, both CBECI methods")
def test_vectorised_19_prices(benchmark, history):
    v1, v2023 = benchmark(_both_methods_sweep, history)
    assert v1.sizes == {"price": 19, "time": len(history[0])}
    assert v2023.sizes == v1.sizes


@pytest.mark.skipif(
    os.environ.get("HASHCARBON_BENCH_SLOW") != "1", reason="about a minute; HASHCARBON_BENCH_SLOW=1"
)
@pytest.mark.benchmark(group="19 prices, both CBECI methods")
def test_reference_loop_19_prices(benchmark, history):
    reference = _reference()
    out = benchmark.pedantic(
        lambda: [
            reference(*history, method=m, price_usd_per_kwh=float(p))
            for m in ("v1", "2023")
            for p in PRICES
        ],
        rounds=1,
        iterations=1,
    )
    assert len(out) == 2 * len(PRICES)
