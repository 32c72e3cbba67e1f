"""Speed of the BBCE 10,000-run perturbed ensemble (one vectorised engine call)."""

from __future__ import annotations

import pytest

from hashcarbon.models import bbce

pytest.importorskip("pytest_benchmark")


def test_bbce_ensemble_10000(benchmark):
    bbce.run("bbce-bm")  # warm caches (data fits) outside the timing
    ds = benchmark.pedantic(bbce.ensemble, args=(10_000,), rounds=3, iterations=1)
    assert ds.sizes["run"] == 10_000


def test_bbce_single_run(benchmark):
    bbce.run("bbce-bm")
    ds = benchmark(bbce.run, "bbce-bm")
    assert ds.sizes["run"] == 1
