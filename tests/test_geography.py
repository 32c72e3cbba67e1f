"""hashcarbon.geography: country and province shares, assumptions outside the map, price lookup."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hashcarbon.data import load_table
from hashcarbon.errors import HashcarbonError, InputError, ParameterError, ScenarioError
from hashcarbon.geography import (
    MAP_END,
    MAP_START,
    country_province_shares,
    country_shares,
    electricity_price,
    province_shares,
    seasonal_profile,
)

MONTHS = pd.date_range("2010-01-01", "2026-12-01", freq="MS")
month_lists = st.lists(st.sampled_from(list(MONTHS)), min_size=1, max_size=8)


def _tolerance(frame):
    observed = frame.groupby("date")["method"].agg(lambda m: (m == "observed").all())
    return np.where(observed, 2e-4 + 1e-12, 1e-9)  # CCAF's export is rounded to 0.01 %


@settings(max_examples=40, deadline=None)
@given(month_lists)
def test_country_shares_sum_to_one(months):
    s = country_shares(months)
    sums = s.groupby("date")["share"].sum()
    assert np.all(np.abs(sums.to_numpy() - 1) <= _tolerance(s))
    assert (s["share"] >= 0).all()
    assert set(sums.index) == set(pd.DatetimeIndex(months))


@settings(max_examples=40, deadline=None)
@given(month_lists)
def test_province_and_location_shares_sum_to_one(months):
    p = province_shares(months)
    np.testing.assert_allclose(p.groupby("date")["share_of_china"].sum(), 1.0, atol=1e-9)
    loc = country_province_shares(months)
    sums = loc.groupby("date")["share"].sum()
    assert np.all(np.abs(sums.to_numpy() - 1) <= _tolerance(loc))


def test_cambridge_months_reproduce_the_table_exactly():
    table = load_table("mining_map")
    s = country_shares(pd.date_range(MAP_START, MAP_END, freq="MS"))
    assert (s["method"] == "observed").all()
    merged = table.merge(s, on=["date", "country"])
    assert len(merged) == len(table) == 290
    assert (merged["share_x"] == merged["share_y"]).all()


def test_china_zero_in_july_and_august_2021():
    s = country_shares(["2021-07-15", "2021-08-01"])
    assert s.loc[s["country"] == "China", "share"].tolist() == [0.0, 0.0]
    loc = country_province_shares(["2021-07-01"])
    assert loc.loc[loc["country"] == "China", "share"].sum() == 0.0


def test_2020_wet_season_anchors():
    p = province_shares(pd.date_range("2020-01-01", "2020-12-01", freq="MS"), exits="none")
    sichuan = p[p["province"] == "Sichuan"].set_index("date")["share_of_china"]
    xinjiang = p[p["province"] == "Xinjiang"].set_index("date")["share_of_china"]
    assert sichuan.max() == pytest.approx(0.611)
    assert sichuan.min() == pytest.approx(0.149)
    assert xinjiang.min() == pytest.approx(0.096)
    assert xinjiang.max() == pytest.approx(0.551)
    # sourced hydro calendar: flood season Jun-Oct at the peak, May and Nov half-way
    assert (sichuan[pd.date_range("2020-06-01", "2020-10-01", freq="MS")] == 0.611).all()
    half = 0.149 + 0.5 * (0.611 - 0.149)
    assert sichuan[pd.Timestamp("2020-05-01")] == pytest.approx(half, abs=1e-6)
    assert sichuan[pd.Timestamp("2020-11-01")] == pytest.approx(half, abs=1e-6)
    assert xinjiang[pd.Timestamp("2020-04-01")] == pytest.approx(0.551)
    assert xinjiang[pd.Timestamp("2020-12-01")] == pytest.approx(0.551)
    methods = p[p["province"] == "Sichuan"].set_index("date")["method"]
    assert methods[pd.Timestamp("2020-05-01")] == "assumed"
    assert methods[pd.Timestamp("2020-04-01")] == "anchor"
    assert methods[pd.Timestamp("2020-07-01")] == "calendar"


def test_post_ban_split_from_july_2021():
    p = province_shares(["2021-06-01", "2021-08-01", "2023-02-01"]).set_index(["date", "province"])
    june = p.loc[pd.Timestamp("2021-06-01")]
    assert june.loc["Sichuan", "share_of_china"] == pytest.approx(0.611 / (1 - 0.1233), rel=0.02)
    for when in ("2021-08-01", "2023-02-01"):  # flat through the year, sourced split
        month = p.loc[pd.Timestamp(when)]
        assert month.loc["Xinjiang", "share_of_china"] == pytest.approx(0.5)
        assert month.loc["Sichuan", "share_of_china"] == pytest.approx(0.1)
        assert (month["method"] == "post_ban").all()
    # Inner Mongolia's exit does not remove it after the ban (residual coal mining assumed)
    assert p.loc[(pd.Timestamp("2021-08-01"), "Inner Mongolia"), "share_of_china"] == pytest.approx(
        0.05
    )
    low = province_shares(["2022-01-01"], post_ban="low-carbon").set_index("province")
    high = province_shares(["2022-01-01"], post_ban="high-carbon").set_index("province")
    assert low.loc["Xinjiang", "share_of_china"] < 0.5 < high.loc["Xinjiang", "share_of_china"]
    assert high.loc[["Sichuan", "Yunnan"], "share_of_china"].sum() == 0.0
    old = province_shares(["2021-08-01"], post_ban="seasonal", exits="none").set_index("province")
    assert old.loc["Sichuan", "share_of_china"] == pytest.approx(0.611)
    with pytest.raises(ParameterError, match="post_ban"):
        province_shares(["2022-01-01"], post_ban="guess")


def test_before_map_dated_points_interpolated_and_flagged():
    s = country_shares(["2015-06-01", "2019-06-01", "2019-07-01", "2019-08-01"])
    china = s[s["country"] == "China"].set_index("date")
    # CoinShares Jun 2019: 0.60 -> Cambridge Sep 2019: 0.7553, linear in months
    assert china.loc[pd.Timestamp("2015-06-01"), "share"] == pytest.approx(0.60)
    assert china.loc[pd.Timestamp("2015-06-01"), "method"] == "assumed"
    step = (0.7553 - 0.60) / 3
    assert china.loc[pd.Timestamp("2019-07-01"), "share"] == pytest.approx(0.60 + step)
    assert china.loc[pd.Timestamp("2019-08-01"), "method"] == "interpolated"
    us = s[(s["country"] == "United States")].set_index("date")["share"]
    assert (us > 0).all()  # the US keeps its Sep-2019 proportion of the rest
    assert us[pd.Timestamp("2015-06-01")] == pytest.approx(0.0406 * 0.40 / (1 - 0.7553), rel=1e-3)


def test_inner_mongolia_exit_from_may_2021():
    p = province_shares(["2021-04-01", "2021-05-01"]).set_index(["date", "province"])
    assert p.loc[(pd.Timestamp("2021-04-01"), "Inner Mongolia"), "share_of_china"] > 0.1
    row = p.loc[(pd.Timestamp("2021-05-01"), "Inner Mongolia")]
    assert row["share_of_china"] == 0.0
    assert row["method"] == "exit"
    custom = province_shares(["2020-06-01"], exits={"Xinjiang": "2020-01-01"})
    assert custom.loc[custom["province"] == "Xinjiang", "share_of_china"].item() == 0.0


def test_before_map_cbeci_historical_and_carry_back():
    s = country_shares(["2015-06-01", "2019-08-01"], before="cbeci-historical")
    china = s[s["country"] == "China"]["share"].to_numpy()
    np.testing.assert_allclose(
        china, [0.646745752, 0.668590531]
    )  # CCAF historical.csv, Jun and Aug
    assert set(s["country"]) == {"China", "Other"}
    assert (s["method"] == "assumed").all()
    back = country_shares(["2012-03-01"], before="carry-back")
    first = load_table("mining_map").pipe(lambda m: m[m["date"] == MAP_START])
    np.testing.assert_array_equal(back["share"].to_numpy(), first["share"].to_numpy())


def test_after_map_linear_interpolation_by_hand():
    s = country_shares(["2022-02-01", "2025-10-01", "2026-12-01"]).set_index(["date", "country"])
    # China: 0.2111 (Jan 2022 map) -> 0.14 (Oct 2025, Hashrate Index), 45 months apart
    expected = 0.2111 + (0.14 - 0.2111) / 45
    assert s.loc[(pd.Timestamp("2022-02-01"), "China"), "share"] == pytest.approx(expected)
    assert s.loc[(pd.Timestamp("2025-10-01"), "United States"), "share"] == pytest.approx(0.3775)
    assert s.loc[(pd.Timestamp("2026-12-01"), "Russia"), "method"] == "carried"
    assert s.loc[(pd.Timestamp("2022-02-01"), "Canada"), "method"] == "carried"
    fwd = country_shares(["2024-01-01"], after="carry-forward")
    jan22 = load_table("mining_map").pipe(lambda m: m[m["date"] == MAP_END])
    np.testing.assert_array_equal(fwd["share"].to_numpy(), jan22["share"].to_numpy())


def test_points_summing_over_one_are_rejected():
    pts = load_table("mining_map_points")
    bad = pd.concat(
        [
            pts,
            pts[pts["country"] == "United States"]
            .head(1)
            .assign(kind="country_estimate", share=0.99),
        ],
        ignore_index=True,
    )
    bad.loc[bad.index[-1], "date"] = pd.Timestamp("2024-01-01")
    with pytest.raises(ScenarioError, match="sum to more than 1"):
        country_shares(["2024-01-01"], points_table=bad)


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda: country_shares(["not a date"]), InputError),
        (lambda: country_shares(["1999-01-01"]), InputError),
        (lambda: country_shares(["2020-01-01"], before="guess"), ParameterError),
        (lambda: country_shares(["2020-01-01"], after="guess"), ParameterError),
        (lambda: province_shares(["2020-01-01"], exits={"Tibet": "2020-01-01"}), ParameterError),
        (lambda: electricity_price("Atlantis", ["2020-01-01"]), InputError),
        (lambda: electricity_price("Sichuan", ["2020-01-01"], kind="nuclear_special"), InputError),
        (lambda: seasonal_profile({"A": 1.0}, {"A": 1.0}, peak_month=3), ParameterError),
    ],
)
def test_user_errors_are_one_line(call, error):
    with pytest.raises(error) as info:
        call()
    assert isinstance(info.value, HashcarbonError)
    assert "\n" not in str(info.value)


def test_electricity_price_lookup():
    p = electricity_price("SICHUAN", ["2019-07-01", "2019-12-15", "2023-01-01"])
    assert p["kind"].tolist()[:2] == ["wet_season", "dry_season"]
    assert p["price_usd_per_kwh"].iloc[0] == pytest.approx(0.08 / 6.9081, abs=1e-6)
    assert np.isnan(p["price_usd_per_kwh"].iloc[2])
    assert p["source"].iloc[2] == ""
    # the monthly EIA row beats the annual one
    us = electricity_price("United States", ["2022-07-15"], kind="industrial_tariff")
    assert us["price_usd_per_kwh"].item() == pytest.approx(0.0931)
    # add-ons only on request
    s = electricity_price("Sichuan", ["2022-06-01"], kind="surcharge")
    assert s["price_usd_per_kwh"].item() == pytest.approx(2 / 6.729, abs=1e-6)
    riot = electricity_price(
        "United States", ["2023-08-01"], kind="miner_power_cost", entity="Riot Platforms"
    )
    assert riot["price_usd_per_kwh"].item() == pytest.approx(0.017)


def test_month_flags_cover_every_month_outside_the_map():
    from hashcarbon.geography import MONTH_FLAGS, month_flags

    months = pd.date_range("2012-01-01", "2026-12-01", freq="MS")
    f = month_flags(months).set_index("date")
    assert len(f) == len(months)
    assert set(f["flag"]) <= set(MONTH_FLAGS)
    inside = (f.index >= MAP_START) & (f.index <= MAP_END)
    assert (f.loc[inside, "flag"] == "observed").all()
    assert (f.loc[~inside, "flag"] != "observed").all()  # every other month is flagged
    assert f.loc[pd.Timestamp("2018-01-01"), "flag"] == "assumed"
    assert f.loc[pd.Timestamp("2019-07-01"), "flag"] == "interpolated"
    assert f.loc[pd.Timestamp("2023-01-01"), "flag"] == "interpolated"
    assert f.loc[pd.Timestamp("2026-06-01"), "flag"] == "carried"
    assert f.loc[pd.Timestamp("2022-03-01"), "china_flag"] == "post_ban"
    assert f.loc[pd.Timestamp("2020-05-01"), "china_flag"] == "assumed"
