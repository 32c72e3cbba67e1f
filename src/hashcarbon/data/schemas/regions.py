"""Schema of the region registry ``regions`` (the one region vocabulary of hashcarbon)."""

from __future__ import annotations

import pandera.pandas as pa

from hashcarbon.data._registry import TableSpec
from hashcarbon.vocabulary import MAP_COUNTRY_NAMES

KINDS = ("country", "province", "state", "subnational", "aggregate")
GRID_SOURCES = ("owid", "eia_state", "china_province")


def _parents_known(df) -> bool:
    parents = set(df["parent"].dropna()) - {""}
    return parents <= set(df["code"])


REGIONS = pa.DataFrameSchema(
    {
        "code": pa.Column(str, pa.Check.str_matches(r"^[A-Z]{2,7}(-[A-Z]{2,3})?$"), unique=True),
        "name_en": pa.Column(str, pa.Check.str_length(min_value=2), unique=True),
        "name_zh": pa.Column(str, pa.Check.str_length(min_value=1)),
        "kind": pa.Column(str, pa.Check.isin(list(KINDS))),
        "country": pa.Column(
            str, pa.Check.str_matches(r"^([A-Z]{3}|OWID_[A-Z]{3})$"), nullable=True
        ),
        "map_country": pa.Column(str, pa.Check.isin(list(MAP_COUNTRY_NAMES)), nullable=True),
        "parent": pa.Column(str, nullable=True),
        "grid_source": pa.Column(str, pa.Check.isin(list(GRID_SOURCES))),
        "grid_key": pa.Column(str, pa.Check.str_length(min_value=2)),
        "price_key": pa.Column(str, nullable=True),
        "world_model": pa.Column(bool),
        "note": pa.Column(str, nullable=True),
    },
    checks=[pa.Check(_parents_known, error="every parent must be a registry code")],
    strict=True,
)

_GW = pa.Check.in_range(0.0, 100.0)

MINING_LIMITS = pa.DataFrameSchema(
    {
        "region": pa.Column(str, pa.Check.str_matches(r"^[A-Z]{2,7}(-[A-Z]{2,3})?$")),
        "start": pa.Column("datetime64[ns]"),
        "end": pa.Column("datetime64[ns]", nullable=True),
        "months": pa.Column(str, pa.Check.str_matches(r"^([1-9]|1[0-2])-([1-9]|1[0-2])$")),
        "limit_gw": pa.Column(float, _GW),
        "limit_low_gw": pa.Column(float, _GW),
        "limit_high_gw": pa.Column(float, _GW),
        "kind": pa.Column(
            str, pa.Check.isin(["measured_load", "policy", "resource", "assumption"])
        ),
        "status": pa.Column(str, pa.Check.isin(["stated", "inferred", "assumption"])),
        "source": pa.Column(str, pa.Check.str_length(min_value=10)),
        "note": pa.Column(str, nullable=True),
    },
    checks=[
        pa.Check(
            lambda df: bool(
                (
                    (df["limit_low_gw"] <= df["limit_gw"]) & (df["limit_gw"] <= df["limit_high_gw"])
                ).all()
            ),
            error="limit_low_gw <= limit_gw <= limit_high_gw",
        ),
        pa.Check(
            lambda df: bool((df["end"].isna() | (df["end"] >= df["start"])).all()),
            error="end on or after start",
        ),
    ],
    strict=True,
)

SPECS: list = [
    TableSpec(
        name="regions",
        filename="regions.csv",
        schema=REGIONS,
        description="Region registry: codes, names (en/zh), map country, parent, grid and price keys",
        dtypes={
            "code": str,
            "name_en": str,
            "name_zh": str,
            "kind": str,
            "country": str,
            "map_country": str,
            "parent": str,
            "grid_source": str,
            "grid_key": str,
            "price_key": str,
            "world_model": bool,
            "note": str,
        },
    ),
    TableSpec(
        name="mining_limits",
        filename="mining_limits.csv",
        schema=MINING_LIMITS,
        description="Power available to mining by region and period: value, low, high [GW], sourced",
        date_columns=("start", "end"),
        coverage_column="start",
        dtypes={
            "region": str,
            "months": str,
            "limit_gw": float,
            "limit_low_gw": float,
            "limit_high_gw": float,
            "kind": str,
            "status": str,
            "source": str,
            "note": str,
        },
    ),
]
