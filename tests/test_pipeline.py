"""hashcarbon.pipeline: the one orchestration and the world model's input builders."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hashcarbon import carbon, data, geography, grid, pipeline, vocabulary
from hashcarbon.errors import InputError, ParameterError

MONTHS = pd.DatetimeIndex(["2019-02-01", "2020-08-01", "2021-08-01", "2021-12-01"])


# ------------------------------------------------------------------ intensity = grid's value
@pytest.mark.parametrize("factor_set", ["ccaf", "ipcc"])
def test_intensity_equals_grid_value_province_state_country(factor_set):
    codes = ["CN-SC", "CN-XJ", "US-TX", "KZ", "CA"]
    got = pipeline.region_intensity_g_per_kwh(codes, MONTHS, factor_set=factor_set)
    assert got.shape == (len(MONTHS), len(codes))
    for i, t in enumerate(MONTHS):
        y = t.year
        # provinces: 2019-2021 data; before 2019 the 2019 mix (as estimate does)
        for j, prov in ((0, "Sichuan"), (1, "Xinjiang")):
            want = grid.china_province_coefficient(prov, max(y, 2019), factor_set=factor_set)
            assert got[i, j] == pytest.approx(want, rel=1e-12)
        assert got[i, 2] == pytest.approx(grid.us_state_coefficient("TX", y, factor_set), rel=1e-12)
        for j, country in ((3, "Kazakhstan"), (4, "Canada")):
            c = grid.country_coefficients(
                y,
                factor_set,
                countries=country,
                vintages=pipeline.DEFAULT_MIX_VINTAGES,
                max_fallback_years=None,
            )
            assert got[i, j] == pytest.approx(float(c["intensity_g_per_kwh"].iloc[0]), rel=1e-12)


def test_hand_value_sichuan_2019():
    # grid's own doctest value: Sichuan 2019 provincial mix x CCAF factors = 155.1 g/kWh
    got = pipeline.region_intensity_g_per_kwh(["CN-SC"], ["2019-07-15"])
    assert got[0, 0] == pytest.approx(155.1, abs=0.05)


@pytest.mark.parametrize("factor_set", ["ccaf", "ipcc"])
def test_intensity_equals_estimates_regional_intensity(factor_set):
    months = pd.DatetimeIndex(["2020-08-01", "2021-02-01", "2021-08-01"])
    acc = pipeline.monthly_accounting(months, np.ones(len(months)), factor_set=factor_set)
    names = ["Sichuan", "Yunnan", "Xinjiang", "Rest of China", "Kazakhstan", "Other", "Germany"]
    codes = [vocabulary.code_of(n) for n in names]
    got = pipeline.region_intensity_g_per_kwh(codes, months, factor_set=factor_set)
    for j, name in enumerate(names):
        k = acc["regions"].index(name)
        np.testing.assert_allclose(got[:, j], acc["region_intensity"][:, k], rtol=1e-12)


def test_marginal_intensity_equals_estimates_marginal_accounting():
    months = pd.date_range("2020-01-01", "2020-12-01", freq="MS")
    energy = np.full(len(months), 6.0)
    acc = pipeline.monthly_accounting(months, energy, accounting="marginal")
    names = ["Sichuan", "Yunnan", "Xinjiang"]
    k = [acc["regions"].index(n) for n in names]
    q = acc["region_energy"][:, k]
    got = pipeline.region_intensity_g_per_kwh(
        [vocabulary.code_of(n) for n in names], months, accounting="marginal", region_energy_twh=q
    )
    np.testing.assert_allclose(got, acc["region_intensity"][:, k], rtol=1e-12)
    # wet-season Sichuan is partly curtailed hydro at 0 g/kWh: below its average
    avg = pipeline.region_intensity_g_per_kwh(["CN-SC"], months)
    assert got[7, 0] < avg[7, 0]
    assert got[0, 0] == pytest.approx(avg[0, 0])


def test_marginal_needs_energy():
    with pytest.raises(ParameterError, match="region_energy_twh: required"):
        pipeline.region_intensity_g_per_kwh(["CN-SC"], MONTHS, accounting="marginal")


def test_projection_after_last_data_year_is_grids():
    hist = pipeline.region_intensity_history("KZ")
    last = int(hist.index.max())
    months = [f"{last}-06-01", f"{last + 3}-06-01"]
    hold = pipeline.region_intensity_g_per_kwh(["KZ"], months)
    trend = pipeline.region_intensity_g_per_kwh(["KZ"], months, projection="linear_trend")
    assert hold[1, 0] == pytest.approx(hist.loc[last])
    assert trend[0, 0] == pytest.approx(hist.loc[last])
    want = grid.project_intensity(hist, [last + 3], "linear_trend", 5)[0]
    assert trend[1, 0] == pytest.approx(want)
    with pytest.raises(ParameterError, match="projection: expected one of"):
        pipeline.region_intensity_g_per_kwh(["KZ"], months, projection="magic")


def test_seasonal_china_profile_is_hydro_weighted():
    months = pd.date_range("2020-01-01", "2020-12-01", freq="MS")
    got = pipeline.region_intensity_g_per_kwh(
        ["CN-SC"], months, china_season_model="hydro_share", wet_season_hydro_share=0.7
    )[:, 0]
    want = [
        grid.china_province_coefficient(
            "Sichuan", 2020, m, season_model="hydro_share", wet_season_hydro_share=0.7
        )
        for m in range(1, 13)
    ]
    np.testing.assert_allclose(got, want, rtol=1e-12)
    assert got[7] < got[0]  # August (wet) cleaner than January (dry)


def test_default_regions_are_the_world_models():
    got = pipeline.region_intensity_g_per_kwh(None, ["2021-08-01"])
    assert got.shape == (1, len(vocabulary.world_region_codes()))
    assert np.isfinite(got).all()
    assert (got > 0).all()


# ------------------------------------------------------------------ curtailment
def test_curtailment_equals_carbon_module():
    months = pd.date_range("2014-01-01", "2025-12-01", freq="MS")
    got = pipeline.region_curtailed_twh(["CN-SC", "CN-YN", "KZ"], months)
    want = carbon.curtailed_volumes_twh(months, ["Sichuan", "Yunnan", "Kazakhstan"])
    np.testing.assert_array_equal(got, want)
    table = data.hydro_curtailment()
    row = table[(table.region == "Sichuan") & (table.year == 2020) & (table.months == "1-12")]
    in2020 = months.year == 2020
    assert got[in2020, 0].sum() == pytest.approx(float(row["curtailed_twh"].iloc[0]))
    # Yunnan: 31.4 TWh in 2016, the derived 8.98 / 1.68 TWh in 2020 / 2021, held after
    by_year = pd.Series(got[:, 1], index=months).groupby(months.year).sum()
    assert by_year[2016] == pytest.approx(31.4)
    assert by_year[2020] == pytest.approx(8.98)
    assert by_year[2021] == pytest.approx(1.68) == by_year[2025]
    assert by_year[2016] > by_year[2018] > by_year[2020]  # interpolated between
    sc = pd.Series(got[:, 0], index=months).groupby(months.year).sum()
    assert sc[2021] == pytest.approx(11.67) == sc[2025]  # Jan-Sep 2021 scaled, held after
    assert got[:, 2].sum() == 0.0
    assert got[months.month == 1].sum() == 0.0  # dry season


def test_curtailment_override_by_code():
    got = pipeline.region_curtailed_twh(
        ["CN-SC"], ["2021-07-01"], curtailed_twh_per_year={"CN-SC": 12.0}
    )
    assert got[0, 0] == pytest.approx(2.0)


# ------------------------------------------------------------------ prices
def test_prices_follow_the_table_with_named_fallbacks():
    codes = ["KZ", "CN-SC", "US-GA", "CN-OT", "US-TX", "ROW"]
    months = ["2021-03-01", "2021-07-01", "2022-06-01"]
    p, how = pipeline.region_price_usd_per_kwh(codes, months, return_methods=True)
    assert p.shape == (3, 6)
    assert p[0, 0] == pytest.approx(0.035)  # Kazakhstan 2021 row (sourced, 0.03-0.04 minimum)
    assert how[0, 0] == "row"
    assert p[0, 1] == pytest.approx(0.041)
    assert how[0, 1] == "row"
    assert p[1, 1] == pytest.approx(0.02)
    assert how[1, 1] == "held"
    us = geography.electricity_price("United States", ["2021-03-01"])
    assert how[0, 2] == "parent"
    assert p[0, 2] == pytest.approx(us["price_usd_per_kwh"].iloc[0])
    assert how[0, 3] == "world"
    assert p[0, 3] == pytest.approx(0.05)
    assert how[0, 4] == "entity"  # Riot's power costs only
    # ... net of its resale credits (round 10; the 2022 row held back), or gross
    assert p[0, 4] == pytest.approx(0.031)
    assert p[2, 4] == pytest.approx(0.031)
    gross = pipeline.region_price_usd_per_kwh(["US-TX"], months, company_cost="gross")
    assert gross[:, 0] == pytest.approx([0.0445, 0.0445, 0.0445])
    with pytest.raises(InputError, match="company_cost"):
        pipeline.region_price_usd_per_kwh(["US-TX"], months, company_cost="cheapest")
    # Sichuan from Apr 2022: the punitive surcharge is added on top of the held price
    base = pipeline.region_price_usd_per_kwh(["CN-SC"], months, include_addons=False)
    assert p[2, 1] == pytest.approx(base[2, 0] + 0.297221)
    assert np.isfinite(p).all()
    assert (p > 0).all()


# ------------------------------------------------------------------ efficiency
def test_new_machine_efficiency_consistent_with_catalogue():
    from hashcarbon import energy

    months = pd.date_range("2016-01-01", "2030-12-01", freq="MS")
    eff = pipeline.new_machine_efficiency_j_per_th(months)
    assert eff.shape == (len(months),)
    assert np.isfinite(eff).all()
    hw = energy._load_catalogue("full", True)
    assert eff.min() >= hw["efficiency_j_per_th"].min() - 1e-9
    assert eff.max() <= hw["efficiency_j_per_th"].max() + 1e-9
    year = pd.Series(eff, index=months).groupby(months.year).mean()
    assert year[2024] < year[2020] < year[2016]
    assert eff[-1] == eff[-2]  # held after the catalogue's last cohort


def test_fleet_efficiency_is_the_estimators():
    from hashcarbon import energy

    months = pd.DatetimeIndex(["2020-01-01", "2021-06-01", "2040-01-01"])
    got = pipeline.fleet_efficiency_j_per_th(months)
    daily = energy.estimate("cbeci-2023", 0.05, start="2021-06-01", end="2021-06-30")
    assert got[1] == pytest.approx(daily["efficiency_j_per_th_best"].mean())
    assert np.isnan(got[2])
    assert got[0] > got[1] * 0.5


# ------------------------------------------------------------------ orchestration
def test_estimate_frames_equal_separate_estimates():
    kw = dict(method="cbeci-v1", start="2021-01-01", end="2021-12-31")
    frames = pipeline.estimate_frames(("year", "month"), **kw)
    pd.testing.assert_frame_equal(frames["year"], pipeline.estimate(freq="year", **kw))
    pd.testing.assert_frame_equal(frames["month"], pipeline.estimate(freq="month", **kw))
    assert carbon.estimate is pipeline.estimate


def test_estimate_frames_rejects_unknown_option():
    with pytest.raises(ParameterError, match=r"^colour: not an option of estimate$"):
        pipeline.estimate_frames(("year",), colour="red")


def test_bad_months_and_regions_are_one_line():
    with pytest.raises(InputError, match="months: expected dates"):
        pipeline.region_intensity_g_per_kwh(["KZ"], ["not a date"])
    with pytest.raises(InputError, match="unknown region 'Atlantis'"):
        pipeline.region_curtailed_twh(["Atlantis"], ["2020-01-01"])


# ------------------------------------------------------------------ mining limits
def test_mining_limits_are_sourced_and_never_silently_uncapped():
    table = data.mining_limits()
    assert set(table["status"]) <= {"stated", "inferred", "assumption"}
    assert (table["source"].str.len() > 10).all()
    months = pd.date_range("2014-01-01", "2026-06-01", freq="MS")
    lim = pipeline.region_mining_limits_gw(
        ["CN-XJ", "CN-NM", "CN-OT", "CN-SC", "CN-YN", "CN-UG", "KZ"], months
    )
    # the regions have a value (or a stated range) in every month
    assert (lim["status"] != "none").all()
    assert np.isfinite(lim["limit_gw"]).all()
    assert (lim["limit_low_gw"] <= lim["limit_gw"]).all()
    assert (lim["limit_gw"] <= lim["limit_high_gw"]).all()


def test_mining_limits_hand_values():
    months = ["2020-04-01", "2020-08-01", "2021-05-01", "2021-07-01", "2021-10-01"]
    lim = pipeline.region_mining_limits_gw(["CN-XJ", "CN-NM", "CN-SC", "KZ"], months)
    v = lim["limit_gw"]
    # Xinjiang Apr 2020: 35.76 % x 7.73 GW (CBECI v1) = 2.76 GW; shut 9 Jun 2021
    assert v[0, 0] == pytest.approx(0.3576 * 7.73, abs=0.01)
    assert v[3, 0] == 0.0
    # Inner Mongolia shut from May 2021 (9 Mar 2021 notice, end-April deadline)
    assert v[2, 1] == 0.0
    assert v[1, 1] == pytest.approx(0.0807 * 7.73, abs=0.01)
    # Sichuan: dry 0.75 GW, wet 0.611 x 0.6686 x 7.27 GW = 2.97 GW
    assert v[0, 2] == pytest.approx(0.75)
    assert v[1, 2] == pytest.approx(0.611 * 0.6686 * 7.27, abs=0.01)
    # Kazakhstan: 1.5 GW peak from Oct 2021 (Hashrate Index)
    assert v[4, 3] == pytest.approx(1.5)
    assert lim["status"][4, 3] == "stated"


def test_mining_limit_inferred_loads_match_the_estimate():
    # the GW of the inferred rows are share x this project's CBECI v1 power: recompute one
    f = pipeline.estimate_frames(
        ("month",), method="cbeci-v1", start="2020-04-01", end="2020-04-30"
    )
    power = f["month"].iloc[0]
    lim = pipeline.region_mining_limits_gw(["CN-XJ"], ["2020-04-01"])
    assert lim["limit_gw"][0, 0] == pytest.approx(0.3576 * power["power_gw_best"], abs=0.01)
    assert lim["limit_low_gw"][0, 0] == pytest.approx(0.3576 * power["power_gw_lower"], abs=0.01)
    assert lim["limit_high_gw"][0, 0] == pytest.approx(0.3576 * power["power_gw_upper"], abs=0.01)


def test_world_inputs_dataset():
    ds = pipeline.world_inputs(["2020-08-01", "2021-08-01"])
    assert ds.sizes == {"time": 2, "region": len(vocabulary.world_region_codes())}
    assert list(ds["region"].values) == list(vocabulary.world_region_codes())
    np.testing.assert_array_equal(
        ds["intensity_g_per_kwh"].values,
        pipeline.region_intensity_g_per_kwh(None, ["2020-08-01", "2021-08-01"]),
    )
    assert ds["intensity_g_per_kwh"].attrs["units"] == "gCO2e/kWh"
