"""The shipped ``hardware`` table: loads without ../shared, sources, checks, corrupted copies."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from hashcarbon.data import load_table
from hashcarbon.data._registry import TABLES_DIR, get_spec, sources
from hashcarbon.errors import DataError

ROOT = Path(__file__).resolve().parents[2]
MANUAL = ROOT / "tools" / "build" / "hardware_manual.csv"


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return load_table("hardware")


def test_loads_and_validates(table):
    assert len(table) >= 150
    assert table["model"].is_unique
    assert set(table["kind"]) == {"asic", "placeholder"}
    assert table["efficiency_j_per_th"].gt(0).all()


def test_every_row_has_a_source_and_url(table):
    assert table["source"].str.strip().str.len().gt(0).all()
    assert table["source_url"].str.contains("http").all()
    assert table["spec_source"].notna().all()
    # every source key of a row has one URL
    n_keys = table["source"].str.split(";").str.len()
    n_urls = table["source_url"].str.split(" ; ").str.len()
    assert (n_keys == n_urls).all()


def test_cbeci_basket_kept(table):
    cb = table[table["in_cbeci_2019"]]
    assert len(cb) == 90
    assert (cb["kind"] == "placeholder").sum() == 6
    s19 = cb[cb["cbeci_name"] == "Bitmain Antminer S19 Pro (110Th)"].iloc[0]
    assert s19["cbeci_efficiency_j_per_th"] == pytest.approx(29.55, rel=1e-12)
    assert s19["cbeci_release_unix_s"] == 1588291200  # 2020-05-01
    # the curated spec of the same machine: 3250 W / 110 TH/s
    assert s19["efficiency_j_per_th"] == pytest.approx(3250 / 110, rel=1e-9)


def test_dates_and_precision(table):
    dated = table["release_date"].notna()
    assert (table.loc[~dated, "release_date_precision"] == "unknown").all()
    assert table.loc[dated, "release_date"].between("2008-01-01", "2026-12-31").all()
    month = table["release_date_precision"].isin(["month", "year"])
    assert (table.loc[month, "release_date"].dt.day == 1).all()
    assert table.loc[table["announced"], "release_date"].min() > pd.Timestamp("2025-12-09")


def test_efficiency_consistent_with_power_and_hashrate(table):
    both = table["power_w"].notna() & table["hashrate_ths"].notna()
    ratio = table.loc[both, "power_w"] / table.loc[both, "hashrate_ths"]
    assert ((table.loc[both, "efficiency_j_per_th"] - ratio).abs() <= 0.02 * ratio).all()


def test_covers_2013_to_2025(table):
    asic_years = set(table.loc[table["kind"] == "asic", "release_date"].dt.year.dropna())
    assert set(range(2013, 2026)) <= asic_years


def test_manual_rows_all_sourced():
    manual = pd.read_csv(MANUAL, dtype=str, keep_default_na=False)
    has_spec = manual["source"] != ""
    assert (manual.loc[has_spec, "source_url"].str.startswith("http")).all()
    date_only = ~has_spec
    assert (manual.loc[date_only, "date_source_url"].str.startswith("http")).all()
    dated = manual["release_date"] != ""
    assert (manual.loc[dated, "date_source_url"].str.startswith("http")).all()


def test_sources_entry():
    entry = sources()["hardware"]
    for key in ("title", "origin", "upstream", "version", "licence", "coverage", "gaps", "build"):
        assert entry.get(key), key


# --------------------------------------------------------------------------- corrupted copies
def _corrupt(tmp_path: Path, edit) -> Path:
    spec = get_spec("hardware")
    shutil.copy(TABLES_DIR / spec.filename, tmp_path / spec.filename)
    frame = pd.read_csv(tmp_path / spec.filename, dtype=str, keep_default_na=False)
    edit(frame)
    frame.to_csv(tmp_path / spec.filename, index=False)
    return tmp_path


def _set(column: str, row: int, value: str):
    def edit(frame: pd.DataFrame) -> None:
        frame.loc[frame.index[row], column] = value

    return edit


def _inconsistent_efficiency(frame: pd.DataFrame) -> None:
    """Move the efficiency of the first row with power and hash rate 10 % off power / hash rate."""
    both = frame.index[(frame["power_w"] != "") & (frame["hashrate_ths"] != "")]
    row = both[0]
    frame.loc[row, "efficiency_j_per_th"] = str(float(frame.loc[row, "efficiency_j_per_th"]) * 1.1)


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (_set("efficiency_j_per_th", 10, "-5"), "efficiency_j_per_th"),
        (_set("kind", 3, "gpu"), "kind"),
        (_set("release_date", 20, "2030-01-01"), "release_date"),
        (_set("model", 1, "CBECI placeholder: Worst CPU"), "model"),
        (
            _inconsistent_efficiency,
            "efficiency_j_per_th_matches_power_w_over_hashrate_ths_within_2pct",
        ),
    ],
    ids=[
        "negative_efficiency",
        "unknown_kind",
        "date_out_of_range",
        "duplicate_model",
        "inconsistent_efficiency",
    ],
)
def test_corrupted_copy_fails_with_one_line_data_error(tmp_path, edit, expected):
    folder = _corrupt(tmp_path, edit)
    with pytest.raises(DataError) as info:
        load_table("hardware", folder)
    msg = str(info.value)
    assert "hardware_2026-11.csv" in msg
    assert expected in msg
    assert "\n" not in msg


def test_missing_column_fails(tmp_path):
    def drop_url(frame: pd.DataFrame) -> None:
        del frame["source_url"]

    folder = _corrupt(tmp_path, drop_url)
    with pytest.raises(DataError, match=r"hardware_2026-11\.csv"):
        load_table("hardware", folder)


def test_builder_is_deterministic_and_matches_shipped_table(shared_data, tmp_path):
    import sys

    sys.path.insert(0, str(ROOT / "tools"))
    try:
        from build import hardware as builder
    finally:
        sys.path.remove(str(ROOT / "tools"))
    (first,) = builder.build(shared_data, tmp_path / "a")
    (second,) = builder.build(shared_data, tmp_path / "b")
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes() == (TABLES_DIR / builder.FILENAME).read_bytes()
