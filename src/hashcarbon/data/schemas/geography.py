"""Schemas of the geography tables: ``mining_map``, ``mining_map_points``, ``china_province_profile``."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from hashcarbon.data._registry import TableSpec
from hashcarbon.vocabulary import CHINA_PROFILE_REGIONS, MAP_COUNTRY_NAMES

#: Tolerance of the per-month share closure (the CCAF export rounds to 0.01 %).
SHARE_SUM_TOLERANCE = 2e-4

_COUNTRIES = list(MAP_COUNTRY_NAMES)
_SHARE = pa.Check.in_range(0.0, 1.0)


def _sums_to_one(by: str, column: str, tol: float):
    def check(df: pd.DataFrame) -> bool:
        return bool(((df.groupby(by)[column].sum() - 1.0).abs() <= tol).all())

    check.__name__ = f"{column}_sums_to_1_per_{by}"
    return pa.Check(check, error=f"{column} must sum to 1 +/- {tol:g} per {by}")


def _unique(cols: list[str]):
    def check(df: pd.DataFrame) -> bool:
        return not df.duplicated(cols).any()

    check.__name__ = "unique_" + "_".join(cols)
    return pa.Check(check, error=f"duplicate ({', '.join(cols)}) rows")


MINING_MAP = pa.DataFrameSchema(
    {
        "date": pa.Column(
            "datetime64[ns]", pa.Check(lambda s: (s.dt.day == 1).all(), error="first of month")
        ),
        "country": pa.Column(str, pa.Check.isin(_COUNTRIES)),
        "iso3": pa.Column(str, pa.Check.str_matches(r"^[A-Z]{3}$"), nullable=True),
        "share": pa.Column(float, _SHARE),
        "hashrate_ehs": pa.Column(float, pa.Check.ge(0.0)),
        "vpn_suspect": pa.Column(bool),
    },
    checks=[_sums_to_one("date", "share", SHARE_SUM_TOLERANCE), _unique(["date", "country"])],
    strict=True,
    coerce=False,
)

MINING_MAP_POINTS = pa.DataFrameSchema(
    {
        "kind": pa.Column(
            str,
            pa.Check.isin(
                ["cbeci_historical", "country_estimate", "corroborating", "regional_split"]
            ),
        ),
        "date": pa.Column("datetime64[ns]"),
        "country": pa.Column(str),
        "iso3": pa.Column(str, pa.Check.str_matches(r"^[A-Z]{3}$"), nullable=True),
        "share": pa.Column(float, _SHARE),
        "share_low": pa.Column(float, _SHARE, nullable=True),
        "share_high": pa.Column(float, _SHARE, nullable=True),
        "basis": pa.Column(str, pa.Check.isin(["share_of_network", "share_of_survey_hashrate"])),
        "source": pa.Column(str, pa.Check.str_length(min_value=10)),
        "status": pa.Column(str, pa.Check.isin(["stated", "inferred"])),
        "note": pa.Column(str, nullable=True),
    },
    checks=[
        pa.Check(
            lambda df: bool(
                ((df["share_low"].isna()) | (df["share_low"] <= df["share"] + 1e-12)).all()
                and ((df["share_high"].isna()) | (df["share"] <= df["share_high"] + 1e-12)).all()
            ),
            error="share must lie within [share_low, share_high]",
        ),
        _unique(["kind", "date", "country", "source"]),
    ],
    strict=True,
)

CHINA_PROVINCE_PROFILE = pa.DataFrameSchema(
    {
        "month": pa.Column(int, pa.Check.in_range(1, 12)),
        "province": pa.Column(
            str,
            pa.Check.isin(list(CHINA_PROFILE_REGIONS)),
        ),
        "share_of_china": pa.Column(float, _SHARE),
        "method": pa.Column(str, pa.Check.isin(["anchor", "interpolated", "assumed"])),
    },
    checks=[
        _sums_to_one("month", "share_of_china", 1e-6),
        _unique(["month", "province"]),
        pa.Check(lambda df: df["month"].nunique() == 12, error="all 12 months present"),
    ],
    strict=True,
)

SPECS: list = [
    TableSpec(
        name="mining_map",
        filename="mining_map.csv",
        schema=MINING_MAP,
        description="Cambridge mining map: monthly hash-rate share by country, Sep 2019 to Jan 2022",
        date_columns=("date",),
        coverage_column="date",
        dtypes={
            "country": str,
            "iso3": str,
            "share": float,
            "hashrate_ehs": float,
            "vpn_suspect": bool,
        },
    ),
    TableSpec(
        name="mining_map_points",
        filename="mining_map_points.csv",
        schema=MINING_MAP_POINTS,
        description="Dated, sourced country-share points outside the monthly map (and CBECI's historical China share)",
        date_columns=("date",),
        coverage_column="date",
        dtypes={
            "kind": str,
            "country": str,
            "iso3": str,
            "share": float,
            "share_low": float,
            "share_high": float,
            "basis": str,
            "source": str,
            "status": str,
            "note": str,
        },
    ),
    TableSpec(
        name="china_province_profile",
        filename="china_province_profile.csv",
        schema=CHINA_PROVINCE_PROFILE,
        description="Month-of-year split of China's hash rate by province (2020 wet/dry anchors)",
        coverage_column="month",
        dtypes={"month": int, "province": str, "share_of_china": float, "method": str},
    ),
]
