"""Schema of the prices table ``electricity_prices``."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from hashcarbon.data._registry import TableSpec

_PRICE = pa.Check.in_range(0.0, 1.0)


def _ordered(df: pd.DataFrame) -> bool:
    ok_end = df["end"].isna() | (df["end"] >= df["start"])
    low = df["price_low_usd_per_kwh"].isna() | (
        df["price_low_usd_per_kwh"] <= df["price_usd_per_kwh"] + 1e-12
    )
    high = df["price_high_usd_per_kwh"].isna() | (
        df["price_usd_per_kwh"] <= df["price_high_usd_per_kwh"] + 1e-12
    )
    return bool((ok_end & low & high).all())


def _converted(df: pd.DataFrame) -> bool:
    usd = df["price_local_per_kwh"] / df["fx_local_per_usd"]
    return bool(((usd - df["price_usd_per_kwh"]).abs() <= 1e-6).all())


ELECTRICITY_PRICES = pa.DataFrameSchema(
    {
        "region": pa.Column(str, pa.Check.str_length(min_value=2)),
        "start": pa.Column("datetime64[ns]"),
        "end": pa.Column("datetime64[ns]", nullable=True),
        "price_usd_per_kwh": pa.Column(float, _PRICE),
        "price_low_usd_per_kwh": pa.Column(float, _PRICE, nullable=True),
        "price_high_usd_per_kwh": pa.Column(float, _PRICE, nullable=True),
        "kind": pa.Column(str, pa.Check.str_matches(r"^[a-z_]+$")),
        "entity": pa.Column(str, nullable=True),
        "currency": pa.Column(
            str, pa.Check.isin(["USD", "CNY", "CAD", "NOK", "RUB", "IRR", "KZT"])
        ),
        "price_local_per_kwh": pa.Column(float, pa.Check.ge(0.0)),
        "fx_local_per_usd": pa.Column(float, pa.Check.gt(0.0)),
        "fx_year": pa.Column("Int64", nullable=True),
        "source": pa.Column(str, pa.Check.str_length(min_value=10)),
        "status": pa.Column(str, pa.Check.isin(["stated", "inferred", "assumed"])),
        "note": pa.Column(str, nullable=True),
    },
    checks=[
        pa.Check(_ordered, error="end >= start and low <= price <= high"),
        pa.Check(_converted, error="price_usd_per_kwh = price_local_per_kwh / fx_local_per_usd"),
    ],
    strict=True,
)

SPECS: list = [
    TableSpec(
        name="electricity_prices",
        filename="electricity_prices.csv",
        schema=ELECTRICITY_PRICES,
        description="Electricity prices paid by miners, by region and period (USD/kWh, with sources)",
        date_columns=("start", "end"),
        coverage_column="start",
        dtypes={
            "region": str,
            "kind": str,
            "entity": str,
            "currency": str,
            "fx_year": "Int64",
            "source": str,
            "status": str,
            "note": str,
        },
    ),
]
