"""Tests of the BBCE model (Jiang et al. 2021) on hashcarbon.sd."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from hashcarbon.errors import HashcarbonError, ParameterError
from hashcarbon.models import bbce
from hashcarbon.models.bbce import _data


@pytest.fixture(scope="module")
def bm():
    return bbce.run("bbce-bm")


def test_headline_reproduced(bm):
    pk = bbce.peak(bm)
    assert pk["year"][0] == 2024
    assert pk["energy_twh"][0] == pytest.approx(296.59, rel=0.01)
    assert pk["emissions_mt"][0] == pytest.approx(130.50, rel=0.01)


def test_stored_calibration_matches_fresh_fit_and_calibration():
    fitted = bbce.fitted_values()
    cal = bbce.calibrate()
    assert cal.feasible
    for name, value in {**fitted, **cal.values}.items():
        assert bbce.PARAMETERS[name].default == pytest.approx(value, rel=1e-9), name


def test_ols_recovers_known_line():
    t = np.arange(50.0)
    fit = _data.ols_log_linear(t, np.exp(1.5 - 0.03 * t))
    assert fit.intercept == pytest.approx(1.5)
    assert fit.slope_per_month == pytest.approx(-0.03)
    assert fit.r2 == pytest.approx(1.0)


def test_halving_steps_in_subsidy(bm):
    sub = bm["subsidy_btc_per_block"].isel(run=0).to_series()
    assert sub["2016-06-01"] == 25.0
    assert sub["2016-07-01"] == 12.5
    assert sub["2020-04-01"] == 12.5
    assert sub["2020-05-01"] == 6.25
    assert sub["2024-04-01"] == 6.25
    assert sub["2024-05-01"] == 3.125
    assert sub.iloc[-1] == 1.5625


def test_difficulty_identity(bm):
    h = bm["hashrate_ehs"].values
    np.testing.assert_allclose(bm["difficulty"].values, h * 1e18 * 600 / 2**32, rtol=1e-12)


def test_revenue_by_hand(bm):
    row = bm.isel(run=0).sel(time="2015-03-01")
    by_hand = (
        float(row["china_share"])
        * 8766
        / 12
        * 6
        * (25.0 + float(row["fees_btc_per_block"]))
        * float(row["btc_usd"])
    )
    assert float(row["revenue_usd"]) == pytest.approx(by_hand, rel=1e-12)


def test_carbon_tax_switch(bm):
    cpg = bm["carbon_per_gdp_kg_per_usd"].values
    tax = bm["carbon_tax_usd_per_kg"].values
    np.testing.assert_array_equal(tax, np.where(cpg > 2.0, 0.02, 0.01))
    assert (cpg > 2).any()
    assert (cpg <= 2).any()
    ct = bbce.run("bbce-ct")
    assert ct["carbon_tax_usd_per_kg"].max() == pytest.approx(0.04)


def test_china_share_switch(bm):
    share = bm["china_share"].isel(run=0).values
    cum = bm["cumulative_profit_usd"].isel(run=0).values
    month = np.arange(share.size)
    np.testing.assert_allclose(share, np.where(cum < 0, np.maximum(0, 0.7 - 0.01 * month), 0.7))


def test_four_scenarios_run_and_levers_enter():
    out = {s: bbce.run(s) for s in bbce.SCENARIOS}
    cum = {s: bbce.cumulative_emissions_mt(ds)[0] for s, ds in out.items()}
    assert all(np.isfinite(v) and v > 0 for v in cum.values())
    assert len(set(np.round(list(cum.values()), 6))) == 4
    sr = out["bbce-sr"]
    assert float(sr["coal_site_share"].values.ravel()[0]) == 0.2


def test_identical_seeds_identical_ensembles():
    a = bbce.ensemble(64, seed=7)
    b = bbce.ensemble(64, seed=7)
    c = bbce.ensemble(64, seed=8)
    np.testing.assert_array_equal(a["energy_twh"].values, b["energy_twh"].values)
    assert not np.array_equal(a["energy_twh"].values, c["energy_twh"].values)
    assert a.attrs["seed"] == 7


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: bbce.run(params={"pue_typo": 1.1}), "valid names: alpha1_usd_per_month2"),
        (lambda: bbce.run(params={"pue": -1.0}), "pue"),
        (lambda: bbce.run("bbce-xx"), "valid scenarios"),
        (lambda: bbce.run(closures={"share_time_unit": "decade"}), "month, year"),
        (lambda: bbce.run(closures={"nope": "x"}), "valid closures"),
    ],
)
def test_parameter_errors_one_line(call, match):
    with pytest.raises(ParameterError, match=match) as err:
        call()
    assert isinstance(err.value, HashcarbonError)
    assert "\n" not in str(err.value)


def test_to_records_month_and_year(bm):
    years = bbce.to_records(bm, "year")
    assert [r["period"] for r in years] == [str(y) for y in range(2014, 2030)]
    months = bbce.to_records({"bbce-bm": bm}, "month")
    assert months[0]["period"] == "2014-01"
    assert months[-1]["period"] == "2030-01"
    for key in ("scenario", "energy_twh", "emissions_mt", "hashrate_ehs", *bbce.FIG4_SERIES[1:2]):
        assert key in years[0]
        assert key in months[0]
    total = sum(r["energy_twh"] for r in months[:-1])
    assert total == pytest.approx(sum(r["energy_twh"] for r in years), rel=1e-12)


def test_variant_study_reduced():
    spec = importlib.util.spec_from_file_location(
        "bbce_variants", Path(__file__).parents[2] / "tools" / "bbce_variants.py"
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    rows = {mod._label(v): mod.study_one(v) for v in mod.variants(reduced=True)}
    default = rows["default"]
    assert default["claims"]["headline"]
    assert default["relative"]["bbce-sr"] < 1.0
    # Time in years: China's share never collapses, energy grows to the end (no 2024 peak).
    assert rows["share_time_unit=year"]["results"]["bbce-bm"]["peak_year"] == 2029
    assert rows["share_time_unit=year"]["relative"]["bbce-ma"] > 1.0
    assert default["relative"]["bbce-ma"] < 1.0
