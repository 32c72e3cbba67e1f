"""Tests of the shipped ``network_daily`` table (no ../shared needed)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hashcarbon import chain
from hashcarbon.data import get_spec, load_table, network, sources
from hashcarbon.data._registry import TABLES_DIR
from hashcarbon.data.schemas.network import (
    BLOCKS_FLAGS,
    FEES_FLAGS,
    HASHRATE_FLAGS,
    PRICE_FLAGS,
)
from hashcarbon.errors import DataError

REQUIRED = [
    "date",
    "blocks",
    "difficulty",
    "hashrate_ehs",
    "btc_usd",
    "subsidy_btc",
    "fees_btc",
    "revenue_usd",
    "hashrate_flag",
    "blocks_flag",
    "price_flag",
    "fees_flag",
]


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return network()


def test_loads_with_columns_and_coverage(table):
    assert list(table.columns) == REQUIRED
    assert table["date"].min() == pd.Timestamp("2010-07-17")
    assert table["date"].max() >= pd.Timestamp("2025-03-31")
    assert (table["date"].diff().iloc[1:] == pd.Timedelta(days=1)).all()
    assert len(table) == (table["date"].max() - table["date"].min()).days + 1


def test_no_missing_values(table):
    # every column is filled on every day; the flags say how
    assert not table[REQUIRED].isna().any().any()


def test_flags_consistent_with_dates_and_values(table):
    t = table.set_index("date")
    assert set(t["hashrate_flag"]) <= set(HASHRATE_FLAGS)
    assert set(t["blocks_flag"]) <= set(BLOCKS_FLAGS)
    assert set(t["price_flag"]) <= set(PRICE_FLAGS)
    assert set(t["fees_flag"]) <= set(FEES_FLAGS)
    # hash rate sources are in date order, never interleaved
    order = {"coinmetrics": 0, "bitcoinvisuals": 1, "interpolated_7d": 2}
    assert t["hashrate_flag"].map(order).is_monotonic_increasing
    assert t.loc[:"2019-10-20", "hashrate_flag"].eq("coinmetrics").all()
    assert t.loc["2019-10-21":"2025-03-08", "hashrate_flag"].eq("bitcoinvisuals").all()
    # derived blocks exactly where the hash rate is interpolated
    assert ((t["hashrate_flag"] == "interpolated_7d") == (t["blocks_flag"] == "derived_7d")).all()
    # observed block counts are whole numbers
    obs = t[t["blocks_flag"] == "observed"]
    assert (obs["blocks"] == obs["blocks"].round()).all()
    # daily fee observations only while Coin Metrics runs; the derived fill only at the end
    assert t.loc[:"2019-10-20", "fees_flag"].eq("observed").all()
    derived = t.index[t["fees_flag"] == "derived_revenue_minus_subsidy"]
    assert derived.min() > t.index[t["fees_flag"] == "observed_sample"].max()
    # samples fall every 4 days
    gaps = t.index[t["fees_flag"] == "observed_sample"].to_series().diff().dt.days.dropna()
    assert set(gaps) == {4.0}


def test_identities_hold_on_every_row(table):
    implied = chain.implied_hashrate_ths(table["difficulty"], table["blocks"]) / 1e6
    np.testing.assert_allclose(table["hashrate_ehs"], implied, rtol=1e-6)
    revenue = chain.revenue_usd_per_day(table["subsidy_btc"], table["fees_btc"], table["btc_usd"])
    np.testing.assert_allclose(table["revenue_usd"], revenue, rtol=1e-8, atol=0.011)


def test_subsidy_follows_halving_schedule(table):
    t = table.set_index("date")
    per_block = t["subsidy_btc"] / t["blocks"]
    # away from halving days, per-block issuance equals the scheduled subsidy within 2 %
    sched = pd.Series(chain.subsidy_btc_per_block_on(t.index + pd.Timedelta(hours=12)), t.index)
    halving_days = pd.to_datetime(chain.HALVINGS["timestamp_utc"]).dt.normalize()
    near = t.index.isin(halving_days) | t.index.isin(halving_days - pd.Timedelta(days=1))
    ratio = (per_block / sched)[~near]
    assert ratio.max() <= 1 + 1e-8  # derived rows are rounded to 1e-6 BTC
    assert ratio.min() >= 0.98
    assert (ratio > 1 - 1e-6).mean() > 0.9
    # the four halvings show in the data
    for day, before, after in [
        ("2012-11-28", 50.0, 25.0),
        ("2016-07-09", 25.0, 12.5),
        ("2020-05-11", 12.5, 6.25),
        ("2024-04-20", 6.25, 3.125),
    ]:
        d = pd.Timestamp(day)
        assert per_block[d - pd.Timedelta(days=2)] == pytest.approx(before, rel=1e-3)
        assert per_block[d + pd.Timedelta(days=1)] == pytest.approx(after, rel=1e-3)


def test_magnitudes_are_plausible(table):
    t = table.set_index("date")
    # hash rate: ~1 EH/s in Jan 2016, ~120 EH/s at the start of 2020, ~800 EH/s in early 2025
    assert 0.5 < t.loc["2016-01-15", "hashrate_ehs"] < 2
    assert 80 < t.loc["2020-01-01":"2020-01-31", "hashrate_ehs"].mean() < 140
    assert 700 < t.loc["2025-02-01":"2025-02-28", "hashrate_ehs"].mean() < 900
    # about 144 blocks a day on average over a long run (a bit more: hash rate grows)
    assert 144 < t.loc["2015":"2024", "blocks"].mean() < 155
    assert t["fees_btc"].ge(0).all()


def test_sources_entry_complete():
    entry = sources()["network_daily"]
    for key in ("title", "origin", "upstream", "version", "licence", "coverage", "gaps", "build"):
        assert entry.get(key), key
    for flag in (*HASHRATE_FLAGS, *BLOCKS_FLAGS, *PRICE_FLAGS, *FEES_FLAGS):
        assert f"'{flag}'" in entry["gaps"], flag
    assert get_spec("network_daily").filename == "network_daily.csv"


# ----------------------------------------------------------------- corrupted copies


def _raw() -> pd.DataFrame:
    return pd.read_csv(TABLES_DIR / "network_daily.csv")


def _write(tmp_path, frame: pd.DataFrame):
    frame.to_csv(tmp_path / "network_daily.csv", index=False)
    return tmp_path


def _one_line(err: DataError) -> str:
    msg = str(err)
    assert "\n" not in msg
    assert msg.startswith("network_daily.csv:")
    return msg


def test_negative_hashrate_rejected(tmp_path):
    bad = _raw()
    bad.loc[100, "hashrate_ehs"] = -1.0
    with pytest.raises(DataError) as info:
        load_table("network_daily", _write(tmp_path, bad))
    msg = _one_line(info.value)
    assert "hashrate_ehs" in msg
    assert "greater_than_or_equal_to" in msg


def test_missing_column_rejected(tmp_path):
    with pytest.raises(DataError) as info:
        load_table("network_daily", _write(tmp_path, _raw().drop(columns=["fees_btc"])))
    assert "fees_btc" in _one_line(info.value)


def test_garbage_csv_rejected(tmp_path):
    (tmp_path / "network_daily.csv").write_bytes(b'date,blocks\n"2010-07-17,1\n\x00\xff')
    with pytest.raises(DataError) as info:
        load_table("network_daily", tmp_path)
    _one_line(info.value)


def test_wrong_date_rejected(tmp_path):
    bad = _raw()
    bad.loc[200, "date"] = "2012-13-45"
    with pytest.raises(DataError) as info:
        load_table("network_daily", _write(tmp_path, bad))
    assert "'date'" in _one_line(info.value)


def test_missing_day_rejected(tmp_path):
    with pytest.raises(DataError) as info:
        load_table("network_daily", _write(tmp_path, _raw().drop(index=300)))
    assert "dates_consecutive" in _one_line(info.value)


def test_wrong_subsidy_rejected(tmp_path):
    bad = _raw()
    bad.loc[400, "subsidy_btc"] *= 2
    bad.loc[400, "revenue_usd"] = (
        bad.loc[400, "subsidy_btc"] + bad.loc[400, "fees_btc"]
    ) * bad.loc[400, "btc_usd"]
    with pytest.raises(DataError) as info:
        load_table("network_daily", _write(tmp_path, bad))
    assert "subsidy_matches_halving_schedule" in _one_line(info.value)


def test_inconsistent_revenue_rejected(tmp_path):
    bad = _raw()
    bad.loc[500, "revenue_usd"] *= 1.01
    with pytest.raises(DataError) as info:
        load_table("network_daily", _write(tmp_path, bad))
    assert "revenue_equals" in _one_line(info.value)


def test_unknown_flag_rejected(tmp_path):
    bad = _raw()
    bad.loc[10, "price_flag"] = "guessed"
    with pytest.raises(DataError) as info:
        load_table("network_daily", _write(tmp_path, bad))
    msg = _one_line(info.value)
    assert "price_flag" in msg
    assert "guessed" in msg
