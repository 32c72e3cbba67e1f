"""hashcarbon.grid: Cambridge reproductions, hand-computed cases, invariants and errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hashcarbon import data, grid
from hashcarbon.errors import HashcarbonError, InputError, ParameterError

CCAF = {
    "coal": 1001,
    "gas": 486,
    "oil": 840,
    "nuclear": 13,
    "hydro": 21,
    "wind": 13,
    "solar": 35.5,
    "bioenergy": 32.3,
    "other_renewables": 32.3,
}


# ----------------------------------------------------------------------------- Cambridge
def test_world_2019_reproduces_cambridge_512_8():
    """Issue acceptance criterion: CCAF world 2019 coefficient 512.79 g/kWh (historical.csv)."""
    value = grid.world_coefficient(2019, "ccaf")
    assert value == pytest.approx(512.8, rel=0.005)
    assert value == pytest.approx(512.79, abs=0.01)


@pytest.mark.parametrize(
    ("year", "ccaf_value"),
    # World coefficients in CCAF's published historical.csv (estimators.md section 7.1).
    [(2010, 554.12), (2015, 542.1), (2016, 533.7), (2017, 529.9), (2018, 526.4)],
)
def test_world_coefficients_match_cambridge_historical_file(year, ccaf_value):
    assert grid.world_coefficient(year) == pytest.approx(ccaf_value, rel=0.005)


@pytest.mark.parametrize(
    ("country", "year", "expected"),
    [
        ("China", 2019, 673.9),
        ("China", 2020, 660.6),
        ("United States", 2019, 431.8),
        ("United States", 2020, 400.8),
        ("United States", 2021, 414.4),
        ("Kazakhstan", 2019, 796.1),
        ("Kazakhstan", 2020, 776.5),
        ("Russia", 2019, 398.5),
        ("Russia", 2020, 371.9),
        ("Russia", 2021, 380.5),
        ("Canada", 2019, 142.1),
        ("Canada", 2020, 125.6),
        ("Canada", 2021, 129.2),
        ("Iran", 2019, 524.2),
        ("Iran", 2020, 519.1),
        ("Malaysia", 2019, 626.1),
        ("Malaysia", 2020, 669.4),
    ],
)
def test_country_coefficients_estimators_7_1(country, year, expected):
    c = grid.country_coefficients(year, "ccaf", countries=country)
    assert c["intensity_g_per_kwh"].iloc[0] == pytest.approx(expected, rel=0.005)
    assert not c["filled"].iloc[0]


def test_world_2019_by_hand_from_raw_generation():
    """Independent arithmetic on the table rows (other renewables incl. bioenergy)."""
    mix = data.grid_mix()
    w = mix[(mix["country"] == "World") & (mix["year"] == 2019)].set_index("source")
    g = w["generation_twh"]
    num = sum(g[s] * CCAF[s] for s in CCAF)
    assert grid.world_coefficient(2019) == pytest.approx(num / g.sum(), rel=1e-12)


def test_ipcc_set_differs_and_is_swappable():
    ipcc = grid.world_coefficient(2019, "ipcc")
    assert ipcc == pytest.approx(451.0, abs=0.1)
    custom = grid.world_coefficient(2019, {**CCAF, "coal": 820.0})
    assert custom < grid.world_coefficient(2019)


# ----------------------------------------------------------------------------- fallback
def test_fallback_to_latest_earlier_year_is_flagged():
    s = grid.mix_shares("China", 2021)  # OWID 2022 lacks other renewables for China 2021
    assert s["data_year"].iloc[0] == 2020
    assert s["filled"].iloc[0]
    assert grid.country_coefficients(2021, countries="China")["intensity_g_per_kwh"].iloc[
        0
    ] == pytest.approx(660.6, rel=0.005)


def test_fallback_window_and_missing_policy():
    with pytest.raises(InputError, match="China"):
        grid.mix_shares("China", 2021, max_fallback_years=0)
    nan = grid.mix_shares("China", 2021, max_fallback_years=0, on_missing="nan")
    assert nan["coal_share"].isna().all()
    with pytest.raises(InputError):
        grid.mix_shares("World", 2030)  # 9 years after the last data
    assert grid.mix_shares("World", 2030, max_fallback_years=None)["data_year"].iloc[0] == 2021


def test_later_vintage_extends_to_2022():
    s = grid.mix_shares("World", 2022, vintages=grid.ALL_VINTAGES)
    assert s["vintage"].iloc[0] == "owid_ccaf_repo_2024"
    assert not s["filled"].iloc[0]
    # CCAF's vintage is still used wherever it has data.
    s19 = grid.mix_shares("World", 2019, vintages=grid.ALL_VINTAGES)
    assert s19["vintage"].iloc[0] == grid.CCAF_VINTAGE


def test_iso3_and_name_give_the_same_rows():
    a = grid.mix_shares("USA", [2019, 2020])
    b = grid.mix_shares("united states", [2019, 2020])
    pd.testing.assert_frame_equal(a, b)


# ----------------------------------------------------------------------------- invariants
def test_zero_factors_give_zero():
    zero = dict.fromkeys(grid.SOURCES, 0.0)
    c = grid.country_coefficients(2019, zero, countries=["World", "China", "Norway"])
    assert (c["intensity_g_per_kwh"] == 0).all()
    assert grid.china_province_coefficient("Xinjiang", 2020, factor_set=zero) == 0.0
    assert grid.us_state_coefficient("TX", 2021, zero) == 0.0


def test_pure_source_gives_its_factor():
    for source, factor in CCAF.items():
        assert grid.coefficient_g_per_kwh({source: 1.0}) == pytest.approx(factor)


_ALL = grid.mix_shares(None, None)
_NAMES = sorted(_ALL["country"].unique())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    countries=st.lists(st.sampled_from(_NAMES), min_size=1, max_size=4, unique=True),
    years=st.lists(st.integers(2002, 2021), min_size=1, max_size=3, unique=True),
)
def test_shares_sum_to_one_and_coefficient_is_bounded(countries, years):
    s = grid.mix_shares(countries, years, on_missing="nan")
    ok = s["data_year"].notna()
    total = s.loc[ok, [f"{x}_share" for x in grid.SOURCES]].sum(axis=1)
    np.testing.assert_allclose(total, 1.0, atol=1e-12)
    c = grid.coefficient_g_per_kwh(s[ok])
    assert (c >= min(CCAF.values()) - 1e-9).all()
    assert (c <= max(CCAF.values()) + 1e-9).all()
    assert (
        (s.loc[ok, "data_year"] <= s.loc[ok, "year"])
        & (s.loc[ok, "data_year"] >= s.loc[ok, "year"] - 2)
    ).all()


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(0.0, 1.0), min_size=9, max_size=9).filter(lambda v: sum(v) > 1e-6))
def test_coefficient_is_linear_in_shares(weights):
    w = np.asarray(weights) / np.sum(weights)
    shares = dict(zip(grid.SOURCES, w, strict=True))
    expected = float(np.dot(w, [CCAF[s] for s in grid.SOURCES]))
    assert grid.coefficient_g_per_kwh(shares) == pytest.approx(expected, rel=1e-12, abs=1e-9)
    sus = grid.sustainable_share(shares)
    ren = grid.renewable_share(shares)
    assert ren <= sus + 1e-12
    assert sus == pytest.approx(1.0 - w[0] - w[1] - w[2], abs=1e-9)


def test_vectorised_shares_mapping():
    coal = np.array([1.0, 0.5, 0.0])
    out = grid.coefficient_g_per_kwh({"coal": coal, "hydro": 1.0 - coal})
    np.testing.assert_allclose(out, [1001.0, 511.0, 21.0])


def test_sustainable_share_cambridge_jan_2022():
    """CCAF Jan-2022 mix (percent, greenbuildingafrica / yearly.csv): sustainable 37.6 %."""
    mix = {
        "coal": 0.366,
        "gas": 0.250,
        "hydro": 0.149,
        "nuclear": 0.113,
        "wind": 0.065,
        "solar": 0.032,
        "other_renewables": 0.017,
        "oil": 0.009,
    }
    assert grid.sustainable_share(mix) == pytest.approx(0.376, abs=1e-9)
    assert grid.renewable_share(mix) == pytest.approx(0.263, abs=1e-9)


# ----------------------------------------------------------------------------- China
def test_province_coefficient_by_hand():
    # Sichuan 2019 (TWh): thermal 50.25, hydro 307.55, solar 1.9705, wind 7.32, nuclear 0.
    expected = (50.25 * 1001 + 307.55 * 21 + 1.9705 * 35.5 + 7.32 * 13) / (
        50.25 + 307.55 + 1.9705 + 7.32
    )
    assert grid.china_province_coefficient("Sichuan", 2019) == pytest.approx(expected, rel=1e-12)
    arr = grid.china_province_coefficient("sichuan", [2019, 2020, 2023])
    assert arr.shape == (3,)
    assert arr[2] == grid.china_province_coefficient("Sichuan", 2021)  # 2023 falls back to 2021


def test_province_fallback_and_range():
    assert grid.china_province_coefficient("Xinjiang", 2023) == grid.china_province_coefficient(
        "Xinjiang", 2021
    )
    with pytest.raises(InputError, match="2019-2021"):
        grid.china_province_coefficient("Xinjiang", 2018)
    with pytest.raises(InputError, match="Sichuan"):
        grid.china_province_coefficient("Sichaun", 2020)


def test_season_models():
    annual = grid.china_province_coefficient("Sichuan", 2020)
    # Without a seasonal model the season does not change the mix.
    assert grid.china_province_coefficient("Sichuan", 2020, "wet") == annual
    # Hydro split in proportion to the months: every season has the annual mix.
    even = {"season_model": "hydro_share", "wet_season_hydro_share": 6 / 12}
    for season in ("wet", "dry", 7, 1):
        assert grid.china_province_coefficient("Sichuan", 2020, season, **even) == pytest.approx(
            annual, rel=1e-12
        )
    wet = {"season_model": "hydro_share", "wet_season_hydro_share": 0.7}
    w = grid.china_province_coefficient("Sichuan", 2020, "wet", **wet)
    d = grid.china_province_coefficient("Sichuan", 2020, "dry", **wet)
    assert w < annual < d
    # Hand case: wet months carry 0.7 of the hydro and 6/12 of everything else.
    pm = data.china_province_mix()
    g = pm[(pm["province"] == "Sichuan") & (pm["year"] == 2020)].set_index("source")[
        "generation_twh"
    ]
    gen = {
        "coal": g["thermal"] / 2,
        "hydro": 0.7 * g["hydro"],
        "solar": g["solar"] / 2,
        "wind": g["wind"] / 2,
    }
    expected = sum(gen[k] * CCAF[k] for k in gen) / sum(gen.values())
    assert w == pytest.approx(expected, rel=1e-12)
    with pytest.raises(ParameterError, match="wet_season_hydro_share"):
        grid.china_province_coefficient("Sichuan", 2020, "wet", season_model="hydro_share")
    with pytest.raises(InputError, match="season"):
        grid.china_province_coefficient("Sichuan", 2020, "monsoon")


def test_province_mee_basis():
    assert grid.china_province_coefficient("Sichuan", 2021, basis="mee") == pytest.approx(125.5)
    assert grid.china_province_coefficient("Inner Mongolia", 2022, basis="mee") == pytest.approx(
        684.9
    )
    # 2023 provincial factors are not published: falls back to 2022.
    assert grid.china_province_coefficient("Yunnan", 2023, basis="mee") == pytest.approx(107.3)
    with pytest.raises(InputError, match="china_grid_factors"):
        grid.china_province_coefficient("Yunnan", 2019, basis="mee")
    with pytest.raises(ParameterError):
        grid.china_province_coefficient("Yunnan", 2021, basis="mee", season_model="hydro_share")


def test_thermal_as_gas():
    s = grid.china_province_shares("Beijing", 2021, thermal_as="gas")
    assert "coal" not in s
    assert s["gas"] == pytest.approx(44.46 / (44.46 + 1.28 + 0.15 + 0.01))


# ----------------------------------------------------------------------------- US states
def test_us_state_by_hand():
    us = data.us_state_mix()
    tx = (
        us[(us["state"] == "TX") & (us["year"] == 2021)]
        .set_index("source")["generation_twh"]
        .clip(lower=0)
    )
    expected = sum(tx[s] * CCAF[s] for s in tx.index) / tx.sum()
    assert grid.us_state_coefficient("TX", 2021) == pytest.approx(expected, rel=1e-12)
    s = grid.us_state_shares("tx", [2021, 2024])
    assert list(s["data_year"]) == [2021, 2021]
    assert list(s["filled"]) == [False, True]
    assert grid.us_state_coefficient("US", 2020) > 0
    with pytest.raises(InputError, match="state"):
        grid.us_state_coefficient("XX", 2020)
    with pytest.raises(InputError, match="2004-2021"):
        grid.us_state_coefficient("TX", 2003)


# ----------------------------------------------------------------------------- paths
def test_intensity_path_hold_and_flags():
    p = grid.intensity_path("World", [2019, 2021, 2022, 2030])
    assert list(p["kind"]) == ["data", "data", "projection", "projection"]
    assert p["intensity_g_per_kwh"].iloc[3] == p["intensity_g_per_kwh"].iloc[1]


def test_intensity_path_iea_relative_by_hand():
    p = grid.intensity_path("World", [2026, 2030], projection="iea_world_relative")
    c2021 = grid.world_coefficient(2021)
    # IEA World 2021 = 468, 2026 = 414 g/kWh; held after 2026.
    assert p["intensity_g_per_kwh"].iloc[0] == pytest.approx(c2021 * 414 / 468, rel=1e-12)
    assert p["intensity_g_per_kwh"].iloc[1] == p["intensity_g_per_kwh"].iloc[0]


def test_intensity_path_linear_trend_by_hand():
    # Ember life-cycle World: 2023 = 484.40, 2024 = 473.01 -> 2025 = 461.61.
    p = grid.intensity_path(
        "World",
        [2024, 2025],
        source="ember_lifecycle_2025",
        projection="linear_trend",
        trend_years=2,
    )
    assert p["intensity_g_per_kwh"].iloc[1] == pytest.approx(461.61, abs=0.01)
    assert p.attrs["source"] == "ember_lifecycle_2025"


def test_intensity_path_iea_history_excludes_forecast():
    p = grid.intensity_path("World", [2024, 2025], source="iea_2025")
    assert list(p["intensity_g_per_kwh"]) == [447.0, 447.0]
    assert list(p["kind"]) == ["data", "projection"]


def test_intensity_path_errors():
    with pytest.raises(InputError, match="2000"):
        grid.intensity_path("World", [1995])
    with pytest.raises(ParameterError, match="projection"):
        grid.intensity_path("World", [2020], projection="magic")
    with pytest.raises(ParameterError, match="source"):
        grid.intensity_path("World", [2020], source="ember_2030")


# ----------------------------------------------------------------------------- errors
@pytest.mark.parametrize(
    ("call", "exc"),
    [
        (lambda: grid.emission_factors("ipcc2"), ParameterError),
        (lambda: grid.emission_factors({"peat": 1100}), ParameterError),
        (lambda: grid.emission_factors({"coal": -1}), ParameterError),
        (lambda: grid.coefficient_g_per_kwh({"coal": 0.5}), InputError),
        (lambda: grid.coefficient_g_per_kwh({"coal": 1.0}, {"hydro": 21}), ParameterError),
        (lambda: grid.coefficient_g_per_kwh({"lignite": 1.0}), InputError),
        (lambda: grid.mix_shares("Atlantis", 2019), InputError),
        (lambda: grid.mix_shares("World", 2019.5), InputError),
        (lambda: grid.mix_shares("World", 2019, vintages=("owid_2030",)), ParameterError),
    ],
)
def test_user_errors_are_one_line(call, exc):
    with pytest.raises(exc) as err:
        call()
    assert isinstance(err.value, HashcarbonError)
    assert "\n" not in str(err.value)


def test_unknown_country_suggests_names():
    with pytest.raises(InputError, match="Kazakhstan"):
        grid.mix_shares("Kazakstan", 2019)
