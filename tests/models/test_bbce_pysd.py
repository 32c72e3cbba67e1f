"""Cross-check: the exported BBCE .mdl run by PySD (and pysimlin) equals the engine."""

from __future__ import annotations

import numpy as np
import pytest

from hashcarbon.models import bbce

pysd = pytest.importorskip("pysd", reason="pysd not installed")

COLUMNS = ("energy_twh", "carbon_flow_mt", "cumulative_profit_usd", "china_share", "hashrate_ehs")


@pytest.mark.slow
@pytest.mark.parametrize("scenario", list(bbce.SCENARIOS))
def test_pysd_matches_engine(tmp_path, scenario):
    path = bbce.write_mdl(tmp_path / f"{scenario}.mdl", scenario=scenario)
    ours = bbce.run(scenario).isel(run=0)
    pm = pysd.read_vensim(str(path))
    out = pm.run(return_columns=list(COLUMNS))
    for col in COLUMNS:
        np.testing.assert_allclose(out[col].values, ours[col].values, rtol=1e-9, atol=1e-6)


@pytest.mark.parametrize("scenario", list(bbce.SCENARIOS))
def test_simlin_matches_engine(tmp_path, scenario):
    simlin = pytest.importorskip("simlin", reason="pysimlin not installed")
    path = bbce.write_mdl(tmp_path / f"{scenario}.mdl", scenario=scenario)
    ours = bbce.run(scenario).isel(run=0)
    sim = simlin.load(str(path)).simulate()
    sim.run_to_end()
    for col in COLUMNS:
        np.testing.assert_allclose(
            np.asarray(sim.get_series(col)), ours[col].values, rtol=1e-9, atol=1e-6
        )
