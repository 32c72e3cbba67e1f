"""Shared helpers for the benchmarks: budgets checked only when timings were taken."""

from __future__ import annotations


def check_budget(benchmark, seconds: float, stat: str = "median") -> float | None:
    """Assert that the benchmark's ``stat`` is under ``seconds``; return it.

    With ``--benchmark-disable`` pytest-benchmark runs the function once without
    timing it (``benchmark.stats`` is None); the budget is then not checked.
    """
    if benchmark.stats is None:
        return None
    value = float(getattr(benchmark.stats.stats, stat))
    benchmark.extra_info[f"budget_{stat}_s"] = seconds
    assert value < seconds, (
        f"{benchmark.name}: {stat} {value:.3f} s exceeds the budget of {seconds} s"
    )
    return value
