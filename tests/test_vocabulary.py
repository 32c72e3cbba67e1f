"""The one vocabulary: registry loads, every region used elsewhere resolves, lists agree."""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest

from hashcarbon import data, geography, grid, vocabulary
from hashcarbon.errors import DataError, InputError

ROOT = Path(__file__).resolve().parents[1]


def test_registry_loads_and_has_the_world_model_regions_in_order():
    reg = vocabulary.regions()
    assert reg["code"].is_unique
    assert reg["name_en"].is_unique
    codes = vocabulary.world_region_codes()
    assert len(codes) == 23
    assert codes[:2] == ("CN-XJ", "CN-SC")
    assert codes[-1] == "ROW"


def test_current_world_model_regions_are_all_in_the_registry():
    path = resources.files("hashcarbon.models.world") / "regions.csv"
    if not path.is_file():
        pytest.skip("the world model no longer ships its own region table")
    with path.open() as fh:
        world = pd.read_csv(fh)
    assert tuple(world["region"]) == vocabulary.world_region_codes()
    for code, country in zip(world["region"], world["country"], strict=True):
        mc = vocabulary.map_country(code)
        assert mc == (country if country in vocabulary.MAP_COUNTRY_NAMES else "Other"), code


def test_every_geography_region_resolves():
    shares = geography.country_province_shares(pd.date_range("2019-01-01", "2025-06-01", freq="MS"))
    for name in shares["region"].unique():
        code = vocabulary.code_of(name)
        assert vocabulary.name_en(code) == name
    for country in shares["country"].unique():
        assert country in vocabulary.MAP_COUNTRY_NAMES


def test_registry_map_countries_equal_the_mining_map_table():
    assert set(data.mining_map()["country"]) == set(vocabulary.MAP_COUNTRY_NAMES)
    reg = vocabulary.regions()
    assert set(reg["map_country"]) - {""} == set(vocabulary.MAP_COUNTRY_NAMES)


def test_lookups_by_code_english_and_chinese_name():
    assert vocabulary.code_of("sichuan") == "CN-SC"
    assert vocabulary.code_of("四川") == "CN-SC"
    assert vocabulary.code_of("us-tx") == "US-TX"
    assert vocabulary.grid_key("CN-NM") == ("china_province", "Inner Mongolia")
    assert vocabulary.price_key("CA") == "CA-QC"
    assert vocabulary.parent("US-GA") == "US"


def test_unknown_region_is_one_line_with_a_hint():
    with pytest.raises(InputError, match=r"unknown region 'Sichuen'; did you mean Sichuan") as err:
        vocabulary.code_of("Sichuen")
    assert "\n" not in str(err.value)


def test_derived_lists_match_cambridges_rules():
    assert set(vocabulary.world_mix_regions()) == {"Other", "Germany", "Ireland"}
    assert vocabulary.china_national_mix_regions() == ("Rest of China",)


def test_lists_are_the_same_objects_everywhere():
    from hashcarbon import carbon, energy
    from hashcarbon.cli import estimate_cmd
    from hashcarbon.report import sections

    assert grid.SOURCES is vocabulary.SOURCES
    assert grid.SUSTAINABLE_SOURCES is vocabulary.SUSTAINABLE_SOURCES
    assert carbon.SUSTAINABLE_SOURCES == (*vocabulary.SUSTAINABLE_SOURCES, "curtailed_hydro")
    assert energy.METHODS is vocabulary.ESTIMATOR_METHODS
    assert sections.METHODS is vocabulary.ESTIMATOR_METHODS
    assert estimate_cmd.METHODS is vocabulary.ESTIMATOR_METHODS
    assert geography.MAP_COUNTRIES is vocabulary.MAP_COUNTRIES
    assert geography.PROVINCES is vocabulary.CHINA_PROFILE_REGIONS
    factors = data.emission_factors()
    assert set(factors["factor_set"]) == set(vocabulary.FACTOR_SETS)
    assert set(factors["source"]) == set(vocabulary.SOURCES)


def test_every_grid_and_price_key_resolves():
    prices = set(data.electricity_prices()["region"])
    for code in vocabulary.region_codes():
        source, key = vocabulary.grid_key(code)
        if source == "owid":
            assert len(grid.mix_shares(key, None)) > 0
        elif source == "eia_state":
            assert grid.us_state_coefficient(key, 2021) > 0
        else:
            assert grid.china_province_coefficient(key, 2021) > 0
        pk = vocabulary.price_key(code)
        assert pk == "" or pk in prices


def test_builder_matches_committed_table(tmp_path):
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        from build import regions as build_regions
    finally:
        sys.path.pop(0)
    paths = build_regions.build(Path("unused"), tmp_path)
    assert [p.name for p in paths] == ["regions.csv", "mining_limits.csv"]
    for path in paths:
        committed = ROOT / "src" / "hashcarbon" / "data" / "tables" / path.name
        assert path.read_bytes() == committed.read_bytes()


def test_corrupted_registry_gives_one_line_data_error(tmp_path):
    src = ROOT / "src" / "hashcarbon" / "data" / "tables" / "regions.csv"
    frame = pd.read_csv(src, dtype=str, keep_default_na=False)
    frame.loc[0, "grid_source"] = "ember"
    frame.to_csv(tmp_path / "regions.csv", index=False)
    with pytest.raises(DataError, match=r"regions.csv: column 'grid_source'") as err:
        data.load_table("regions", tmp_path)
    assert "\n" not in str(err.value)
