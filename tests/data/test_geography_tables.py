"""Shipped geography tables: schema, content cross-checks, corruption handling, rebuild."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from hashcarbon.data import load_table
from hashcarbon.data._registry import TABLES_DIR
from hashcarbon.errors import DataError

ROOT = Path(__file__).resolve().parents[2]
NAMES = ["mining_map", "mining_map_points", "china_province_profile"]


def test_mining_map_shape_and_closure():
    m = load_table("mining_map")
    assert len(m) == 290
    assert m["date"].min() == pd.Timestamp("2019-09-01")
    assert m["date"].max() == pd.Timestamp("2022-01-01")
    assert m["date"].nunique() == 29
    sums = m.groupby("date")["share"].sum()
    assert (sums - 1).abs().max() <= 2e-4
    assert set(m.loc[m["vpn_suspect"], "country"]) == {"Germany", "Ireland"}


def test_mining_map_known_values():
    m = load_table("mining_map").set_index(["date", "country"])
    # CCAF press figures (estimators.md section 2.2)
    assert m.loc[(pd.Timestamp("2019-09-01"), "China"), "share"] == pytest.approx(0.7553)
    assert m.loc[(pd.Timestamp("2021-08-01"), "United States"), "share"] == pytest.approx(0.354)
    assert m.loc[(pd.Timestamp("2022-01-01"), "China"), "share"] == pytest.approx(0.2111)
    assert m.loc[(pd.Timestamp("2021-07-01"), "China"), "share"] == 0.0


def test_cbeci_historical_equals_2020_map():
    """CCAF's historical-interval China share in month m equals Cambridge's 2020 map share for m."""
    pts = load_table("mining_map_points")
    hist = pts[pts["kind"] == "cbeci_historical"].set_index("date")["share"]
    assert len(hist) == 12
    m = load_table("mining_map")
    china2020 = m[(m["country"] == "China") & (m["date"].dt.year == 2020)].set_index("date")[
        "share"
    ]
    np.testing.assert_allclose(
        hist.sort_index().to_numpy(), china2020.sort_index().to_numpy(), atol=5e-5
    )


def test_points_are_sourced_and_bounded():
    pts = load_table("mining_map_points")
    assert pts["source"].str.len().min() > 10
    est = pts[pts["kind"] == "country_estimate"]
    assert est["date"].min() > pd.Timestamp("2022-01-01")
    ranged = pts.dropna(subset=["share_low", "share_high"])
    assert (
        (ranged["share_low"] <= ranged["share"]) & (ranged["share"] <= ranged["share_high"])
    ).all()


def test_profile_anchors_and_closure():
    full = load_table("china_province_profile")
    assert full["source"].str.len().min() > 20
    assert set(full["regime"]) == {"pre_ban", "post_ban"}
    post = full[full["regime"] == "post_ban"].set_index(["month", "province"])
    assert (
        post.loc[(1, "Xinjiang"), "share_low_carbon"] < post.loc[(1, "Xinjiang"), "share_of_china"]
    )
    assert (
        post.loc[(1, "Xinjiang"), "share_of_china"] < post.loc[(1, "Xinjiang"), "share_high_carbon"]
    )
    p = full[full["regime"] == "pre_ban"].set_index(["month", "province"])["share_of_china"]
    assert p.groupby(level="month").sum().sub(1).abs().max() < 1e-6
    assert p[(4, "Sichuan")] == pytest.approx(0.149)
    assert p[(4, "Xinjiang")] == pytest.approx(0.551)
    assert p[(8, "Sichuan")] == pytest.approx(0.611)
    assert p[(8, "Xinjiang")] == pytest.approx(0.096)
    # launch view: Inner Mongolia 8.07 % of global / China 65.08 %
    assert p[(4, "Inner Mongolia")] == pytest.approx(8.07 / 65.08, abs=1e-6)
    sichuan = p.xs("Sichuan", level="province")
    assert sichuan.idxmax() in (6, 7, 8, 9, 10)  # flood season (Jun-Oct)
    assert sichuan.max() == pytest.approx(0.611)


@pytest.mark.parametrize("name", NAMES)
def test_corrupted_table_gives_one_line_data_error(tmp_path, name):
    src = TABLES_DIR / f"{name}.csv"
    frame = pd.read_csv(src, dtype=str, keep_default_na=False)
    col = "share_of_china" if name == "china_province_profile" else "share"
    frame.loc[0, col] = "1.5"
    frame.to_csv(tmp_path / src.name, index=False)
    with pytest.raises(DataError) as info:
        load_table(name, tmp_path)
    msg = str(info.value)
    assert "\n" not in msg
    assert src.name in msg


def test_missing_column_and_closure_break(tmp_path):
    src = TABLES_DIR / "mining_map.csv"
    frame = pd.read_csv(src, dtype=str, keep_default_na=False)
    frame.drop(columns="vpn_suspect").to_csv(tmp_path / src.name, index=False)
    with pytest.raises(DataError, match=r"mining_map\.csv"):
        load_table("mining_map", tmp_path)
    frame.loc[0, "share"] = "0.5"  # still in range, but the month no longer sums to 1
    frame.to_csv(tmp_path / src.name, index=False)
    with pytest.raises(DataError, match="sum"):
        load_table("mining_map", tmp_path)


def test_builder_is_deterministic_and_matches_committed(shared_data, tmp_path):
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        from build import geography
    finally:
        sys.path.remove(str(ROOT / "tools"))
    a = geography.build(shared_data, tmp_path / "a")
    b = geography.build(shared_data, tmp_path / "b")
    for pa_, pb in zip(a, b, strict=True):
        assert pa_.read_bytes() == pb.read_bytes()
        assert pa_.read_bytes() == (TABLES_DIR / pa_.name).read_bytes()
    shutil.rmtree(tmp_path)
