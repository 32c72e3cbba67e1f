"""Schemas of the hardware tables.

``hardware`` -- the ASIC catalogue (``hardware_2026-11.csv``): one row per distinct model variant,
built by ``tools/build/hardware.py`` from the CBECI basket, the F2Pool list (Mar 2020), an
asicminervalue scrape (Dec 2025), the Bitcoin Wiki comparison table and hand-curated rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa

from hashcarbon.data._registry import TableSpec

#: Allowed values of ``kind``: a real machine, or one of CBECI's CPU/GPU/FPGA/"early ASICS" rows.
KINDS = ("asic", "placeholder")
#: Allowed values of ``release_date_precision``.
PRECISIONS = ("day", "month", "year", "unknown")
#: Allowed values of ``cooling`` (empty when unknown).
COOLING = ("air", "hydro", "immersion")
#: Relative tolerance between ``efficiency_j_per_th`` and ``power_w / hashrate_ths``.
EFFICIENCY_RTOL = 0.02

_FIRST_DATE = pd.Timestamp("2008-01-01")
_LAST_DATE = pd.Timestamp("2026-12-31")


def _efficiency_matches_power_over_hashrate(df: pd.DataFrame) -> pd.Series:
    both = df["power_w"].notna() & df["hashrate_ths"].notna()
    ratio = df["power_w"] / df["hashrate_ths"]
    close = (df["efficiency_j_per_th"] - ratio).abs() <= EFFICIENCY_RTOL * ratio
    return ~both | close


def _precision_unknown_iff_no_date(df: pd.DataFrame) -> pd.Series:
    return df["release_date"].isna() == (df["release_date_precision"] == "unknown")


def _cbeci_columns_iff_in_cbeci(df: pd.DataFrame) -> pd.Series:
    cols = ["cbeci_name", "cbeci_efficiency_j_per_th", "cbeci_release_date", "cbeci_release_unix_s"]
    filled = df[cols].notna()
    ok = np.where(df["in_cbeci_2019"], filled.all(axis=1), ~filled.any(axis=1))
    return pd.Series(ok, index=df.index)


def _placeholders_only_from_cbeci(df: pd.DataFrame) -> pd.Series:
    return (df["kind"] != "placeholder") | df["in_cbeci_2019"]


def _announced_only_if_dated(df: pd.DataFrame) -> pd.Series:
    return ~df["announced"] | df["release_date"].notna()


def _cbeci_names_unique(df: pd.DataFrame) -> bool:
    names = df["cbeci_name"].dropna()
    return bool(names.is_unique)


def _nonblank(s: pd.Series) -> pd.Series:
    return s.astype(str).str.strip().str.len() > 0


_date_checks = [
    pa.Check(lambda s: pd.api.types.is_datetime64_any_dtype(s), name="is_datetime"),
    pa.Check.in_range(_FIRST_DATE, _LAST_DATE),
]

HARDWARE_SCHEMA = pa.DataFrameSchema(
    {
        "model": pa.Column(str, checks=pa.Check(_nonblank, name="nonblank"), unique=True),
        "manufacturer": pa.Column(str, checks=pa.Check(_nonblank, name="nonblank")),
        "kind": pa.Column(str, checks=pa.Check.isin(KINDS)),
        "release_date": pa.Column(None, checks=_date_checks, nullable=True),
        "release_date_precision": pa.Column(str, checks=pa.Check.isin(PRECISIONS)),
        "announced": pa.Column(bool),
        "hashrate_ths": pa.Column(float, checks=pa.Check.gt(0), nullable=True),
        "power_w": pa.Column(float, checks=pa.Check.gt(0), nullable=True),
        "efficiency_j_per_th": pa.Column(float, checks=pa.Check.gt(0)),
        "cooling": pa.Column(str, checks=pa.Check.isin(COOLING), nullable=True),
        "in_cbeci_2019": pa.Column(bool),
        "cbeci_name": pa.Column(str, nullable=True),
        "cbeci_efficiency_j_per_th": pa.Column(float, checks=pa.Check.gt(0), nullable=True),
        "cbeci_release_date": pa.Column(None, checks=_date_checks, nullable=True),
        "cbeci_release_unix_s": pa.Column("Int64", checks=pa.Check.gt(0), nullable=True),
        "spec_source": pa.Column(str, checks=pa.Check(_nonblank, name="nonblank")),
        "date_source": pa.Column(str, nullable=True),
        "source": pa.Column(str, checks=pa.Check(_nonblank, name="nonblank")),
        "source_url": pa.Column(
            str, checks=pa.Check(lambda s: s.str.contains("http"), name="has_url")
        ),
        "notes": pa.Column(str, nullable=True),
    },
    checks=[
        pa.Check(
            _efficiency_matches_power_over_hashrate,
            name="efficiency_j_per_th_matches_power_w_over_hashrate_ths_within_2pct",
        ),
        pa.Check(
            _precision_unknown_iff_no_date,
            name="release_date_precision_unknown_iff_release_date_empty",
        ),
        pa.Check(_cbeci_columns_iff_in_cbeci, name="cbeci_columns_filled_iff_in_cbeci_2019"),
        pa.Check(_cbeci_names_unique, name="cbeci_name_unique"),
        pa.Check(_placeholders_only_from_cbeci, name="placeholder_rows_come_from_cbeci"),
        pa.Check(_announced_only_if_dated, name="announced_rows_have_a_release_date"),
    ],
    strict=True,
    ordered=True,
    coerce=False,
    name="hardware",
)

SPECS: list[TableSpec] = [
    TableSpec(
        name="hardware",
        filename="hardware_2026-11.csv",
        schema=HARDWARE_SCHEMA,
        description=(
            "ASIC catalogue: model, manufacturer, release date, hash rate, power, efficiency; "
            "CBECI's 2019 basket kept verbatim"
        ),
        date_columns=("release_date", "cbeci_release_date"),
        coverage_column="release_date",
        dtypes={
            "model": str,
            "manufacturer": str,
            "kind": str,
            "release_date_precision": str,
            "announced": bool,
            "hashrate_ths": float,
            "power_w": float,
            "efficiency_j_per_th": float,
            "cooling": str,
            "in_cbeci_2019": bool,
            "cbeci_name": str,
            "cbeci_efficiency_j_per_th": float,
            "cbeci_release_unix_s": "Int64",
            "spec_source": str,
            "date_source": str,
            "source": str,
            "source_url": str,
            "notes": str,
        },
    )
]
