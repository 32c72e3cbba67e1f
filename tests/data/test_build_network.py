"""Tests of the network builder: reproducibility, gap-filling functions, source agreement."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))

from build import network as nb  # noqa: E402
from hashcarbon.data._registry import TABLES_DIR  # noqa: E402


def _days(start: str, n: int) -> pd.DatetimeIndex:
    return pd.date_range(start, periods=n, freq="D")


# ----------------------------------------------------------------- pure gap-filling functions


def test_centre_trailing_average_moves_dates_back_4_days():
    s = pd.Series([1.0, 2.0], index=pd.to_datetime(["2025-01-08", "2025-01-12"]))
    out = nb.centre_trailing_average(s)
    assert list(out.index) == list(pd.to_datetime(["2025-01-04", "2025-01-08"]))
    assert out.tolist() == [1.0, 2.0]
    # a 7-day trailing mean (days d-7..d-1) of a linear ramp equals the ramp at d-4
    idx = _days("2025-01-01", 30)
    ramp = pd.Series(np.arange(30.0), index=idx)
    trailing = ramp.rolling(7).mean().shift(1).iloc[8::4]
    centred = nb.centre_trailing_average(trailing)
    np.testing.assert_allclose(centred.to_numpy(), ramp.reindex(centred.index).to_numpy())


def test_interpolate_daily_keeps_samples_and_does_not_extrapolate():
    samples = pd.Series(
        [0.0, 4.0, 8.0], index=pd.to_datetime(["2025-01-02", "2025-01-06", "2025-01-10"])
    )
    idx = _days("2025-01-01", 11)
    out = nb.interpolate_daily(samples, idx)
    assert np.isnan(out.iloc[0])  # before the first sample
    np.testing.assert_allclose(out.loc["2025-01-02":"2025-01-10"].to_numpy(), np.arange(9.0))
    assert np.isnan(out.iloc[-1])  # after the last sample


def test_combine_by_priority_takes_first_available():
    idx = _days("2025-01-01", 4)
    a = pd.Series([1.0, np.nan], index=idx[:2])
    b = pd.Series([10.0, 20.0, 30.0], index=idx[:3])
    values, flags = nb.combine_by_priority(idx, [(a, "a"), (b, "b")])
    assert values.tolist()[:3] == [1.0, 20.0, 30.0]
    assert np.isnan(values.iloc[3])
    assert flags.tolist()[:3] == ["a", "b", "b"]
    assert pd.isna(flags.iloc[3])


def test_fill_fees_by_interpolation_flags_and_values():
    idx = _days("2025-01-01", 10)
    daily = pd.Series([1.0, 2.0, 3.0], index=idx[:3])
    # a sample before the end of daily data is ignored (daily wins), later samples used
    samples = pd.Series([99.0, 7.0, 11.0], index=[idx[1], idx[5], idx[9]])
    values, flags = nb.fill_fees_by_interpolation(daily, samples, idx)
    assert values.iloc[:3].tolist() == [1.0, 2.0, 3.0]
    assert values.iloc[5] == 7.0
    assert values.iloc[9] == 11.0
    np.testing.assert_allclose(values.iloc[3:5].to_numpy(), [4.333333333, 5.666666667])
    np.testing.assert_allclose(values.iloc[6:9].to_numpy(), [8.0, 9.0, 10.0])
    assert flags.tolist() == ["observed"] * 3 + ["interpolated"] * 2 + ["observed_sample"] + [
        "interpolated"
    ] * 3 + ["observed_sample"]


def test_revenue_bias_and_derived_fees_recover_known_fees():
    idx = _days("2024-01-01", 400)
    subsidy = pd.Series(450.0, index=idx)
    fees = pd.Series(6.0, index=idx)
    bias = 0.02
    revenue_btc = (subsidy + fees) * (1 + bias)
    got_bias = nb.revenue_btc_bias(revenue_btc, subsidy, fees, idx[-10], calibration_days=365)
    assert got_bias == pytest.approx(bias, rel=1e-12)
    derived = nb.derive_fees_from_revenue(revenue_btc, subsidy, got_bias)
    np.testing.assert_allclose(derived.to_numpy(), 6.0, rtol=1e-9)
    # never negative: a revenue below the subsidy gives 0 fees
    low = nb.derive_fees_from_revenue(subsidy * 0.99, subsidy, 0.0)
    assert (low == 0).all()
    with pytest.raises(ValueError):
        nb.revenue_btc_bias(revenue_btc, subsidy, fees * np.nan, idx[-1])


def test_derive_blocks_inverts_implied_hashrate():
    from hashcarbon import chain

    d = pd.Series([1e14, 1.1e14])
    h = chain.implied_hashrate_ths(d, pd.Series([144.0, 150.5]))
    np.testing.assert_allclose(nb.derive_blocks(h, d), [144.0, 150.5], rtol=1e-12)


def test_round_significant():
    s = pd.Series([123456.789, 0.000123456789, 0.0, np.nan])
    out = nb.round_significant(s, 4)
    assert out.iloc[0] == 123500.0
    assert out.iloc[1] == pytest.approx(0.0001235, rel=1e-12)
    assert out.iloc[2] == 0.0
    assert np.isnan(out.iloc[3])


# ----------------------------------------------------------------- against ../shared/data


@pytest.mark.shared
def test_rebuild_is_byte_identical(shared_data, tmp_path):
    paths = nb.build(shared_data, tmp_path)
    assert [p.name for p in paths] == ["network_daily.csv"]
    assert paths[0].read_bytes() == (TABLES_DIR / "network_daily.csv").read_bytes()


@pytest.mark.shared
def test_sources_agree(shared_data):
    from hashcarbon.data import network

    stats = nb.cross_checks(shared_data, network())
    # Coin Metrics implied hash rate == Blockchain.com's published daily hash rate (2017-2019)
    assert stats["hashrate_bc_networkstats_vs_table_mard_2017_2019"] < 1e-6
    # Bitcoin Visuals equals it except on retarget days
    assert stats["hashrate_cm_vs_bitcoinvisuals_mard"] < 1e-6
    assert 0.85 < stats["hashrate_cm_vs_bitcoinvisuals_equal_share"] < 1.0
    # Blockchain.com 7-day values are trailing means of days d-7..d-1
    assert stats["hashrate_bc7d_vs_table_trailing7_mard"] < 1e-3
    assert stats["hashrate_bc7d_interp_vs_centred7_mard_2020_2025"] < 0.01
    # bitinfocharts is a differently smoothed estimate: a few % apart
    assert stats["hashrate_bitinfocharts_vs_table_mard"] < 0.06
    assert stats["blocks_cm_vs_bitcoinvisuals_max_abs"] == 0
    # prices: daily averages agree to ~0.3 %, close-based references to ~1 %
    assert stats["price_cmc_vs_bitinfocharts_mard"] < 0.005
    assert stats["price_cmc_vs_yahoo_mid_mard"] < 0.01
    assert stats["price_cmc_vs_coinmetrics_mard"] < 0.015
    # fees and revenue
    assert stats["fees_bc_sample_vs_cm_mard"] < 0.02
    assert stats["revenue_bc_networkstats_vs_table_mard_2017_2019"] < 0.02
