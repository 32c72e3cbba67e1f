"""Shipped electricity_prices table: schema, parsed EIA values, conversions, corruption, rebuild."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

from hashcarbon.data import load_table
from hashcarbon.data._registry import TABLES_DIR
from hashcarbon.errors import DataError

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def prices():
    return load_table("electricity_prices")


def test_eia_industrial_annual_and_monthly(prices):
    eia = prices[(prices["region"] == "United States") & (prices["kind"] == "industrial_tariff")]
    annual = eia[(eia["end"] - eia["start"]).dt.days > 300]
    annual = annual.set_index(annual["start"].dt.year)
    # EIA Table 5.3 annual totals, cents/kWh / 100
    assert annual.loc[2019, "price_usd_per_kwh"] == pytest.approx(0.0681)
    assert annual.loc[2021, "price_usd_per_kwh"] == pytest.approx(0.0718)
    assert annual.loc[2023, "price_usd_per_kwh"] == pytest.approx(0.0804)
    assert len(annual) == 10  # 2014-2023
    monthly = eia[(eia["end"] - eia["start"]).dt.days < 31]
    assert len(monthly) == 35  # Jan 2022 - Nov 2024
    sept = monthly[monthly["start"] == pd.Timestamp("2022-09-01")]
    assert sept["price_usd_per_kwh"].item() == pytest.approx(0.0906)


def test_public_miners_and_defaults(prices):
    miners = prices[prices["kind"] == "miner_power_cost"]
    assert set(miners["entity"]) >= {
        "Riot Platforms",
        "Marathon Digital",
        "Core Scientific",
        "CleanSpark",
    }
    assert len(prices[prices["kind"] == "public_miner_average"]) == 12
    cbeci = prices[prices["kind"] == "cbeci_default"]
    assert cbeci["price_usd_per_kwh"].item() == 0.05


def test_currency_conversion_named_rates(prices):
    dry = prices[
        (prices["region"] == "Sichuan")
        & (prices["currency"] == "CNY")
        & (prices["kind"] == "dry_season")
    ]
    row = dry.iloc[0]
    assert row["fx_local_per_usd"] == 6.9081  # Fed G.5A 2019 average
    assert row["price_usd_per_kwh"] == pytest.approx(0.28 / 6.9081, abs=1e-6)
    surcharge = prices[(prices["region"] == "Sichuan") & (prices["kind"] == "surcharge")].iloc[0]
    assert surcharge["price_usd_per_kwh"] == pytest.approx(2.0 / 6.7290, abs=1e-6)
    assert pd.isna(surcharge["end"])


def test_every_row_sourced(prices):
    assert prices["source"].str.len().min() > 10
    assert set(prices["status"]) <= {"stated", "inferred", "assumed"}


def test_corrupted_price_table(tmp_path):
    src = TABLES_DIR / "electricity_prices.csv"
    frame = pd.read_csv(src, dtype=str, keep_default_na=False)
    frame.loc[0, "price_usd_per_kwh"] = "5"
    frame.to_csv(tmp_path / src.name, index=False)
    with pytest.raises(DataError) as info:
        load_table("electricity_prices", tmp_path)
    assert "\n" not in str(info.value)
    assert "electricity_prices.csv" in str(info.value)
    frame = pd.read_csv(src, dtype=str, keep_default_na=False)
    frame.loc[0, "start"] = "2020/01/01"
    frame.to_csv(tmp_path / src.name, index=False)
    with pytest.raises(DataError, match="YYYY-MM-DD"):
        load_table("electricity_prices", tmp_path)


def test_builder_is_deterministic_and_matches_committed(shared_data, tmp_path):
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        from build import prices
    finally:
        sys.path.remove(str(ROOT / "tools"))
    a = prices.build(shared_data, tmp_path / "a")[0]
    b = prices.build(shared_data, tmp_path / "b")[0]
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() == (TABLES_DIR / a.name).read_bytes()
