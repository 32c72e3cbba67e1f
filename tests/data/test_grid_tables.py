"""Grid tables: schemas, content checks against the sources, corrupted files, builder determinism.

Tests of the shipped tables do not need ``../shared``; the builder tests use ``shared_data``.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from hashcarbon import data
from hashcarbon.data._registry import TABLES_DIR, get_spec
from hashcarbon.errors import DataError

ROOT = Path(__file__).resolve().parents[2]
GRID_TABLES = (
    "grid_mix",
    "grid_intensity",
    "emission_factors",
    "china_province_mix",
    "china_grid_factors",
    "us_state_mix",
    "hydro_curtailment",
)


@pytest.mark.parametrize("name", GRID_TABLES)
def test_table_loads_and_is_described(name):
    frame = data.load_table(name)
    assert len(frame) > 0
    entry = data.sources()[name]
    for key in ("title", "origin", "upstream", "version", "licence", "coverage", "gaps", "build"):
        assert entry.get(key), f"{name}: sources entry lacks {key}"


def test_named_loaders_return_the_tables():
    assert len(data.grid_mix()) == len(data.load_table("grid_mix"))
    assert set(data.emission_factors()["factor_set"]) == {"ccaf", "ipcc"}


def test_grid_mix_known_values():
    """World 2019 from OWID BP/Ember 2022 as in the raw file (TWh)."""
    mix = data.grid_mix()
    w = mix[(mix["country"] == "World") & (mix["year"] == 2019)].set_index("source")
    assert w["generation_twh"]["coal"] == pytest.approx(9617.54)
    assert w["generation_twh"]["bioenergy"] == pytest.approx(579.77)
    assert set(w["vintage"]) == {"owid_bp_ember_2022"}
    assert len(w) == 9
    assert (w.loc[w.index == "coal", "iso3"] == "OWID_WRL").all()


def test_grid_mix_derived_flag_marks_only_other_renewables():
    mix = data.grid_mix()
    derived = mix[mix["derived"]]
    assert len(derived) > 0
    assert set(derived["source"]) == {"other_renewables"}
    # China 2019: OWID 2022 gives other renewables incl. bioenergy 112.724 and bioenergy
    # 112.72 TWh but no "excluding" column, so the derived value is their difference.
    china = derived[(derived["country"] == "China") & (derived["year"] == 2019)]
    assert china["generation_twh"].iloc[0] == pytest.approx(112.724 - 112.72, abs=1e-9)


def test_grid_mix_vintages_are_disjoint_per_country_year():
    mix = data.grid_mix()
    per = mix.groupby(["country", "year"])["vintage"].nunique()
    assert (per == 1).all()


def test_emission_factor_values():
    ef = data.emission_factors().set_index(["factor_set", "source"])["intensity_g_per_kwh"]
    assert ef["ccaf", "coal"] == 1001
    assert ef["ccaf", "solar"] == 35.5
    assert ef["ccaf", "bioenergy"] == ef["ccaf", "other_renewables"] == 32.3
    assert ef["ipcc", "solar"] == pytest.approx(np.mean([41, 48, 27]))
    assert ef["ipcc", "other_renewables"] == pytest.approx(np.mean([38, 740, 230]))
    assert ef["ipcc", "gas"] == 469


def test_china_tables_known_values():
    f = data.china_grid_factors()
    sc = f[(f["name_en"] == "Sichuan") & (f["year"] == 2021)]["intensity_g_per_kwh"].iloc[0]
    assert sc == pytest.approx(125.5)
    nat = f[(f["level"] == "national") & (f["year"] == 2023)]["intensity_g_per_kwh"].iloc[0]
    assert nat == pytest.approx(530.6)
    pm = data.china_province_mix()
    assert pm["province"].nunique() == 8
    assert len(pm) == 8 * 3 * 5
    hydro = pm[(pm["province"] == "Sichuan") & (pm["year"] == 2019) & (pm["source"] == "hydro")]
    assert hydro["generation_twh"].iloc[0] == pytest.approx(307.55)


def test_us_state_mix_known_values():
    us = data.us_state_mix()
    assert us["state"].nunique() == 52  # 50 states, DC and the US total
    ak = us[(us["state"] == "AK") & (us["year"] == 2004) & (us["source"] == "coal")]
    assert ak["generation_twh"].iloc[0] == pytest.approx(0.64898)


def test_hydro_curtailment_has_a_source_per_row():
    hc = data.hydro_curtailment()
    assert hc["source_url"].str.startswith("http").all()
    s2016 = hc[(hc["region"] == "Sichuan") & (hc["year"] == 2016)]["curtailed_twh"].iloc[0]
    y2016 = hc[(hc["region"] == "Yunnan") & (hc["year"] == 2016)]["curtailed_twh"].iloc[0]
    assert s2016 + y2016 == pytest.approx(45.6)


def test_yunnan_2020_2021_are_the_national_rest_after_sichuan():
    """The derived Yunnan rows are the arithmetic their notes state (NEA Jan-Sep data)."""
    hc = data.hydro_curtailment().set_index(["region", "year", "months"])["curtailed_twh"]
    assert hc[("China", 2020, "1-9")] == pytest.approx(hc[("China", 2021, "1-9")] + 11.20)
    assert hc[("Sichuan", 2020, "1-9")] == pytest.approx(hc[("Sichuan", 2021, "1-9")] + 7.44)
    rest20 = hc[("China", 2020, "1-9")] - hc[("Sichuan", 2020, "1-9")]
    assert hc[("Yunnan", 2020, "1-12")] == pytest.approx(rest20)
    henan_2021 = 3.54  # stated in the same release, not a registry region
    rest21 = hc[("China", 2021, "1-9")] - hc[("Sichuan", 2021, "1-9")] - henan_2021
    assert hc[("Yunnan", 2021, "1-12")] == pytest.approx(rest21)
    # holding 2016's 31.4 TWh would exceed everything curtailed outside Sichuan in 2020
    assert hc[("Yunnan", 2016, "1-12")] > rest20
    # Sichuan 2021: the stated Jan-Sep scaled by its 2020 ratio of full year to Jan-Sep
    ratio = hc[("Sichuan", 2020, "1-12")] / hc[("Sichuan", 2020, "1-9")]
    assert hc[("Sichuan", 2021, "1-12")] == pytest.approx(
        hc[("Sichuan", 2021, "1-9")] * ratio, abs=0.005
    )


def test_iea_projection_flag():
    gi = data.grid_intensity()
    iea = gi[(gi["vintage"] == "iea_2025") & (gi["country"] == "World")].set_index("year")
    assert iea.loc[2020, "intensity_g_per_kwh"] == 463
    assert not iea.loc[2024, "projection"]
    assert iea.loc[2025, "projection"]
    assert iea.loc[2026, "projection"]


def _copy_tables(tmp_path: Path, name: str) -> Path:
    spec = get_spec(name)
    shutil.copy(TABLES_DIR / spec.filename, tmp_path / spec.filename)
    return tmp_path / spec.filename


@pytest.mark.parametrize(
    ("name", "column", "bad"),
    [
        ("grid_mix", "generation_twh", "-5"),
        ("grid_mix", "source", "peat"),
        ("emission_factors", "intensity_g_per_kwh", "-1"),
        ("china_grid_factors", "intensity_g_per_kwh", "9999"),
        ("hydro_curtailment", "months", "13-1"),
    ],
)
def test_corrupted_table_gives_one_line_data_error(tmp_path, name, column, bad):
    path = _copy_tables(tmp_path, name)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[0, column] = bad
    frame.to_csv(path, index=False)
    with pytest.raises(DataError) as err:
        data.load_table(name, tmp_path)
    msg = str(err.value)
    assert "\n" not in msg
    assert get_spec(name).filename in msg
    assert column in msg


def test_missing_column_and_missing_file(tmp_path):
    path = _copy_tables(tmp_path, "us_state_mix")
    pd.read_csv(path).drop(columns="eia_source").to_csv(path, index=False)
    with pytest.raises(DataError, match=r"us_state_mix\.csv"):
        data.load_table("us_state_mix", tmp_path)
    with pytest.raises(DataError, match=r"hydro_curtailment\.csv"):
        data.load_table("hydro_curtailment", tmp_path)


def _builder():
    sys.path.insert(0, str(ROOT / "tools"))
    from build import grid

    return grid


def test_builder_is_deterministic_and_matches_shipped(shared_data, tmp_path):
    grid = _builder()
    first = grid.build(shared_data, tmp_path / "a")
    second = grid.build(shared_data, tmp_path / "b")
    for p, q in zip(first, second, strict=True):
        assert p.read_bytes() == q.read_bytes(), p.name
        assert p.read_bytes() == (TABLES_DIR / p.name).read_bytes(), (
            f"{p.name} differs from shipped"
        )


def test_builder_mix_matches_raw_owid(shared_data):
    """Every primary-vintage value equals the raw OWID 2022 cell (no transformation)."""
    grid = _builder()
    raw = pd.read_csv(shared_data / "owid_electricity_mix" / "electricity_mix_bp_ember_2022.csv")
    mix = data.grid_mix()
    mix = mix[(mix["vintage"] == "owid_bp_ember_2022") & ~mix["derived"]]
    for source, col in grid._OWID2022_COLS.items():
        sub = mix[mix["source"] == source].merge(
            raw[["Country", "Year", col]],
            left_on=["country", "year"],
            right_on=["Country", "Year"],
            how="left",
        )
        np.testing.assert_allclose(sub["generation_twh"], sub[col], rtol=0, atol=1e-9)
