"""Per-run world parameters (issue 11 item 2): a chunk run with one value per run equals,
run by run (outputs bitwise), separate runs with each scalar (can fail: any parameter that leaks across
runs, or an index that is not per run, breaks it)."""

from __future__ import annotations

import numpy as np
import pytest

from hashcarbon.models import world
from hashcarbon.models.world.params import DEFAULTS

#: the seven parameters made per-run in issue 11, with three values each (inside low/high)
VALUES = {
    "pue": [1.05, 1.1, 1.4],
    "delivery_delay_months": [1.0, 3.0, 7.0],
    "underground_delay_months": [1.0, 3.0, 6.0],
    "curtailed_access_share": [0.2, 0.55, 0.9],
    "initial_install_share_per_month": [0.05, 0.1, 0.4],
    "site_relocate_share": [0.1, 0.8, 1.0],
    "market_access_relocate_share": [0.0, 0.7, 0.3],
}
OUTS = ("hashrate_ehs", "energy_twh", "emissions_mt", "installed_ehs", "power_gw")


def test_the_seven_are_per_run_in_the_table():
    for name in VALUES:
        assert DEFAULTS[name].per_run, name


@pytest.mark.parametrize(
    "scenario", ["china-ban-2021", "site-regulation", "market-access", "clean-exemption"]
)
def test_per_run_arrays_equal_separate_scalar_runs(scenario, monkeypatch):
    monkeypatch.setenv("HASHCARBON_WORKERS", "1")
    end = "2025-06"  # inside the data: the price path is the same for every run
    arrays = {k: np.asarray(v) for k, v in VALUES.items()}
    chunk = world.run(scenario, end=end, n_runs=3, parameters=arrays)
    for i in range(3):
        one = world.run(
            scenario, end=end, n_runs=1, parameters={k: v[i] for k, v in VALUES.items()}
        )
        names = OUTS + tuple(k for k in one.data_vars if k.startswith("flow_"))
        for name in names:
            a = chunk[name].isel(run=i).values
            b = one[name].isel(run=0).values
            if name.startswith("flow_"):
                # float64 sums over the regions a displacement touched, which depend on
                # the chunk (numpy's pairwise sums): equal to the last bits
                np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15, err_msg=f"{name} {i}")
            else:  # the float32 outputs: bitwise
                np.testing.assert_array_equal(a, b, err_msg=f"{name} run {i}")
    # the values matter: the three runs differ
    e = chunk["energy_twh"].sum(("time", "region")).values
    assert np.ptp(e) > 1.0


#: structural choices per run since issue 11 (round 5): cap kinds and the accounting
STRUCTURAL = {
    "use_measured_caps": [1.0, 0.0, 1.0, 0.0],
    "use_resource_caps": [1.0, 1.0, 0.0, 0.0],
    "use_policy_caps": [0.0, 1.0, 1.0, 1.0],
    "use_site_load_caps": [0.0, 1.0, 1.0, 0.0],
    "marginal_accounting": [1.0, 0.0, 1.0, 1.0],
}


@pytest.mark.parametrize("engine", ["fast", "reference"])
@pytest.mark.parametrize("scenario", ["clean-exemption", "carbon-tax"])
def test_structural_choices_per_run_equal_separate_runs(scenario, engine, monkeypatch):
    """Runs with different cap kinds and accountings in one call equal separate calls
    (the kernel and the stepper hold one cap array per combination of cap kinds)."""
    monkeypatch.setenv("HASHCARBON_WORKERS", "1")
    kw = {"end": "2025-06", "engine": engine}
    arrays = {k: np.asarray(v) for k, v in STRUCTURAL.items()}
    chunk = world.run(scenario, n_runs=4, parameters=arrays, **kw)
    for i in range(4):
        one = world.run(
            scenario, n_runs=1, parameters={k: v[i] for k, v in STRUCTURAL.items()}, **kw
        )
        for name in OUTS:
            np.testing.assert_array_equal(
                chunk[name].isel(run=i).values, one[name].isel(run=0).values, err_msg=f"{name} {i}"
            )
    e = chunk["emissions_mt"].sum(("time", "region")).values
    assert np.unique(np.round(e, 3)).size == 4  # every combination gives another world
    assert chunk.attrs["accounting"].startswith("per run")
