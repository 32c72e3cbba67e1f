"""Tests of hashcarbon.hardware: catalogue views, frontier, break-even economics."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hashcarbon import hardware
from hashcarbon.errors import HashcarbonError, InputError

FULL = hardware.catalogue("full")
CBECI = hardware.catalogue("cbeci")


# --------------------------------------------------------------------------- economics
def test_breakeven_hand_computed():
    # 30 J/TH x 86 400 s/day = 2.592e6 J per TH/s per day = 0.72 kWh; 0.05 USD / 0.72 kWh
    assert hardware.breakeven_price_usd_per_kwh(0.05, 30.0) == pytest.approx(0.05 / 0.72, rel=1e-12)
    assert hardware.breakeven_price_usd_per_kwh(0.05, 30.0) == pytest.approx(0.069444, abs=1e-6)


def test_daily_cost_hand_computed_and_pue():
    assert hardware.daily_electricity_cost_usd_per_th(0.05, 30.0) == pytest.approx(0.036, rel=1e-12)
    # S19 Pro at 29.55 J/TH, 0.10 USD/kWh, CBECI best-guess PUE 1.10
    expected = 0.10 * 29.55 * 1.10 * 86400 / 3.6e6
    got = hardware.daily_electricity_cost_usd_per_th(0.10, 29.55, pue=1.10)
    assert got == pytest.approx(expected, rel=1e-12)


def test_breakeven_is_the_price_where_cost_equals_hashprice():
    eff = np.array([98.0, 29.55, 17.5])
    price = hardware.breakeven_price_usd_per_kwh(0.06, eff, pue=1.1)
    cost = hardware.daily_electricity_cost_usd_per_th(price, eff, pue=1.1)
    np.testing.assert_allclose(cost, 0.06, rtol=1e-12)


def test_profitable_vectorised_and_boundary():
    eff = np.array([[15.0], [30.0], [100.0]])
    prices = np.array([0.03, 0.07, 0.12])
    out = hardware.profitable(0.05, prices, eff)
    assert out.shape == (3, 3)
    expected = 0.05 >= prices * eff * 0.024
    np.testing.assert_array_equal(out, expected)
    # exactly at break-even counts as profitable
    p = float(hardware.breakeven_price_usd_per_kwh(0.05, 30.0))
    assert bool(hardware.profitable(0.05, p * (1 - 1e-12), 30.0))
    assert not bool(hardware.profitable(0.05, p * 1.001, 30.0))


@pytest.mark.parametrize(
    ("func", "args", "field"),
    [
        (hardware.breakeven_price_usd_per_kwh, (0.05, 0.0), "efficiency_j_per_th"),
        (hardware.breakeven_price_usd_per_kwh, (-1.0, 30.0), "hashprice_usd_per_th_day"),
        (hardware.daily_electricity_cost_usd_per_th, (np.nan, 30.0), "price_usd_per_kwh"),
        (hardware.daily_electricity_cost_usd_per_th, (0.05, 30.0, 0.0), "pue"),
    ],
)
def test_bad_inputs_raise_one_line_input_error(func, args, field):
    with pytest.raises(InputError) as info:
        func(*args)
    msg = str(info.value)
    assert field in msg
    assert "\n" not in msg


def test_catalogue_rejects_unknown_view():
    with pytest.raises(InputError, match="which"):
        hardware.catalogue("cambridge")


# --------------------------------------------------------------------------- catalogue
def test_catalogue_views():
    assert len(FULL) >= 150
    assert (FULL["kind"] == "asic").all()
    with_ph = hardware.catalogue("full", include_placeholders=True)
    assert (with_ph["kind"] == "placeholder").sum() == 6
    assert len(CBECI) == 90
    assert CBECI["release_unix_s"].is_monotonic_increasing
    # CBECI names map to distinct rows of the full catalogue
    assert CBECI["catalogue_model"].is_unique


def test_available_excludes_undated_and_future():
    subset = hardware.available(FULL, "2020-05-31")
    assert subset["release_date"].notna().all()
    assert (subset["release_date"] <= pd.Timestamp("2020-05-31")).all()
    assert "Antminer S19 Pro 110T" in set(subset["model"])
    assert "Antminer S21 200T" not in set(subset["model"])
    with pytest.raises(InputError, match="date"):
        hardware.available(FULL, "not a date")


def test_available_on_release_day():
    assert "Antminer S19 Pro 110T" in set(hardware.available(FULL, "2020-05-01")["model"])
    assert "Antminer S19 Pro 110T" not in set(hardware.available(FULL, "2020-04-30")["model"])


# --------------------------------------------------------------------------- frontier
def test_frontier_on_a_hand_built_catalogue():
    cat = pd.DataFrame(
        {
            "release_date": pd.to_datetime(["2015-01-01", "2016-01-01", "2017-01-01", None]),
            "efficiency_j_per_th": [200.0, 250.0, 100.0, 1.0],
        }
    )
    got = hardware.frontier_efficiency_j_per_th(
        ["2014-12-31", "2015-01-01", "2016-06-01", "2017-01-01", "2030-01-01"], cat
    )
    np.testing.assert_array_equal(got, [np.nan, 200.0, 200.0, 100.0, 100.0])


def test_frontier_equals_min_over_available_models():
    # independent implementation: a per-date loop over available()
    dates = pd.date_range("2013-01-01", "2025-12-31", freq="QS")
    got = hardware.frontier_efficiency_j_per_th(dates, FULL)
    for d, g in zip(dates, got, strict=True):
        avail = hardware.available(FULL, d)
        expected = avail["efficiency_j_per_th"].min() if len(avail) else np.nan
        np.testing.assert_equal(g, expected)


dates_strategy = st.lists(
    st.dates(
        min_value=pd.Timestamp("2008-01-01").date(), max_value=pd.Timestamp("2027-12-31").date()
    ),
    min_size=2,
    max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(dates_strategy)
def test_frontier_monotone_non_increasing(dates):
    days = pd.to_datetime(sorted(dates))
    for cat in (FULL, CBECI):
        f = hardware.frontier_efficiency_j_per_th(days, cat)
        finite = f[~np.isnan(f)]
        # NaNs only before the first release, then never increasing
        assert np.all(np.isnan(f[: len(f) - len(finite)]))
        assert np.all(np.diff(finite) <= 0)


def test_frontier_rejects_bad_dates():
    with pytest.raises(HashcarbonError):
        hardware.frontier_efficiency_j_per_th(["2020-01-01", "soon"], FULL)


# --------------------------------------------------------------------------- CBECI exactness
def test_cbeci_view_reproduces_miners_csv_exactly(shared_data):
    raw = pd.read_csv(shared_data / "cbeci_api_repo" / "miners.csv")
    cb = hardware.catalogue("cbeci")
    merged = raw.merge(cb, left_on="Miner_name", right_on="model", how="outer", indicator=True)
    assert (merged["_merge"] == "both").all(), "every CBECI name, verbatim, exactly once"
    assert len(merged) == len(raw) == 90
    np.testing.assert_array_equal(
        merged["UNIX_date_of_release"].to_numpy(), merged["release_unix_s"].to_numpy(dtype=np.int64)
    )
    # J/GH x 1000 written with 10 significant digits: equal up to float representation
    np.testing.assert_allclose(
        merged["efficiency_j_per_th"].to_numpy() / 1000.0,
        merged["Efficiency_J_Gh"].to_numpy(),
        rtol=1e-12,
        atol=0,
    )
    days = pd.to_datetime(merged["UNIX_date_of_release"], unit="s").dt.normalize()
    assert (days.to_numpy() == merged["release_date"].to_numpy()).all()


def test_cbeci_frontier_matches_a_loop_over_the_raw_file(shared_data):
    raw = pd.read_csv(shared_data / "cbeci_api_repo" / "miners.csv")
    rel = pd.to_datetime(raw["UNIX_date_of_release"], unit="s").dt.normalize()
    dates = pd.date_range("2009-01-01", "2021-01-01", freq="MS")
    got = hardware.frontier_efficiency_j_per_th(dates, CBECI)
    for d, g in zip(dates, got, strict=True):
        eff = raw.loc[rel <= d, "Efficiency_J_Gh"] * 1000.0
        assert g == pytest.approx(eff.min(), rel=1e-12)
