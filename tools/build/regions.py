"""Build the region registry from the hand-curated ``regions_manual.csv``.

Table written (``src/hashcarbon/data/tables``):

* ``mining_limits.csv`` -- dated, sourced limits of the power available to mining per
  region (value, low, high [GW], kind, status stated / inferred / assumption, source),
  hand-curated in ``mining_limits_manual.csv``; the builder checks codes, ranges, month
  specs and that a region's periods do not overlap.
* ``regions.csv`` -- the one region vocabulary of hashcarbon: code, English and Chinese
  name, kind, ISO 3166-1 alpha-3 country (OWID's code), Cambridge mining-map country,
  parent region, the key of the region's grid data (``grid_source`` x ``grid_key``: an
  OWID entity of ``grid_mix``, an EIA state of ``us_state_mix`` or a province of
  ``china_province_mix``), the key of its rows in ``electricity_prices`` and whether the
  world model simulates it.

The rows are curated by hand (codes follow ISO 3166-1/3166-2 where one exists); the
builder checks that every key resolves in the shipped grid and price tables, so a
registry row can never point at data that do not exist.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from build._common import write_table

HERE = Path(__file__).resolve().parent
MANUAL = HERE / "regions_manual.csv"
LIMITS = HERE / "mining_limits_manual.csv"
LIMIT_COLUMNS = [
    "region",
    "start",
    "end",
    "months",
    "limit_gw",
    "limit_low_gw",
    "limit_high_gw",
    "kind",
    "status",
    "source",
    "note",
]
COLUMNS = [
    "code",
    "name_en",
    "name_zh",
    "kind",
    "country",
    "map_country",
    "parent",
    "grid_source",
    "grid_key",
    "price_key",
    "world_model",
    "note",
]


def check_keys(frame: pd.DataFrame, tables_dir: Path) -> None:
    """Raise ValueError naming the row whose grid or price key is not in the shipped tables."""
    mix = pd.read_csv(tables_dir / "grid_mix.csv", usecols=["country"])
    states = pd.read_csv(tables_dir / "us_state_mix.csv", usecols=["state"])
    provinces = pd.read_csv(tables_dir / "china_province_mix.csv", usecols=["province"])
    prices = pd.read_csv(tables_dir / "electricity_prices.csv", usecols=["region"])
    known = {
        "owid": set(mix["country"]),
        "eia_state": set(states["state"]),
        "china_province": set(provinces["province"]),
    }
    for row in frame.itertuples():
        if row.grid_key not in known.get(row.grid_source, set()):
            raise ValueError(
                f"regions_manual.csv: {row.code}: grid_key {row.grid_key!r} not in {row.grid_source} data"
            )
        if row.price_key and row.price_key not in set(prices["region"]):
            raise ValueError(
                f"regions_manual.csv: {row.code}: price_key {row.price_key!r} not in electricity_prices"
            )
    codes = set(frame["code"])
    bad = sorted({p for p in frame["parent"] if p and p not in codes})
    if bad:
        raise ValueError(f"regions_manual.csv: parent codes {bad} are not registry codes")
    if frame["code"].duplicated().any() or frame["name_en"].duplicated().any():
        raise ValueError("regions_manual.csv: duplicate code or name_en")


def build_regions(tables_dir: Path) -> pd.DataFrame:
    frame = pd.read_csv(MANUAL, dtype=str, keep_default_na=False)
    if list(frame.columns) != COLUMNS:
        raise ValueError(f"regions_manual.csv: expected columns {COLUMNS}")
    check_keys(frame, tables_dir)
    return frame[COLUMNS]


def month_set(spec: str) -> set[int]:
    """'5-10' -> {5..10}; '11-4' wraps; '1-12' = all months."""
    a, b = (int(x) for x in spec.split("-"))
    if not (1 <= a <= 12 and 1 <= b <= 12):
        raise ValueError(f"mining_limits_manual.csv: months {spec!r} outside 1-12")
    return set(range(a, b + 1)) if a <= b else set(range(a, 13)) | set(range(1, b + 1))


def build_mining_limits(codes: set[str]) -> pd.DataFrame:
    frame = pd.read_csv(LIMITS, dtype=str, keep_default_na=False)
    if list(frame.columns) != LIMIT_COLUMNS:
        raise ValueError(f"mining_limits_manual.csv: expected columns {LIMIT_COLUMNS}")
    bad = sorted(set(frame["region"]) - codes)
    if bad:
        raise ValueError(f"mining_limits_manual.csv: regions {bad} are not registry codes")
    for col in ("limit_gw", "limit_low_gw", "limit_high_gw"):
        frame[col] = frame[col].astype(float)
    wrong = frame[
        (frame["limit_low_gw"] > frame["limit_gw"]) | (frame["limit_gw"] > frame["limit_high_gw"])
    ]
    if len(wrong):
        raise ValueError(
            f"mining_limits_manual.csv: low <= value <= high fails for {wrong.iloc[0].tolist()[:3]}"
        )
    start = pd.to_datetime(frame["start"], format="%Y-%m-%d")
    end = pd.to_datetime(frame["end"].replace("", "2100-12-31"), format="%Y-%m-%d")
    for region in frame["region"].unique():
        idx = list(frame.index[frame["region"] == region])
        for i in idx:
            for j in idx:
                overlap = i < j and start[i] <= end[j] and start[j] <= end[i]
                if overlap and month_set(frame.at[i, "months"]) & month_set(frame.at[j, "months"]):
                    raise ValueError(f"mining_limits_manual.csv: {region} rows {i} and {j} overlap")
    frame["months"].map(month_set)
    return frame[LIMIT_COLUMNS]


def build(shared_data: Path, out_dir: Path) -> list[Path]:
    """Write ``regions.csv`` and ``mining_limits.csv`` into out_dir."""
    tables = HERE.parents[1] / "src" / "hashcarbon" / "data" / "tables"
    regions = build_regions(tables)
    limits = build_mining_limits(set(regions["code"]))
    return [
        write_table(regions, out_dir, "regions.csv"),
        write_table(limits, out_dir, "mining_limits.csv", float_format="%.4g"),
    ]
