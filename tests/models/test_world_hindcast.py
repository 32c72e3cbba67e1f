"""Hindcast of the calibrated world model against the shipped history and the project's own
estimate (can fail by design).

Each threshold is the issue-10 target where the model meets it, otherwise the level the
model reaches (rounded to the next 0.1 point or 1 %), so that any regression fails; the
figures are in docs/world.md (``python -m hashcarbon.models.world.calibration``).  The fit
uses 2014-2021 only; 2022-2025 figures are out of sample.
"""

from __future__ import annotations

import pytest

from hashcarbon.models.world import calibration


@pytest.fixture(scope="module")
def report():
    return calibration.hindcast_report()


# ---------------------------------------------------------------- hash rate
def test_hashrate_mape(report):
    m = report["hashrate_mape"]
    assert m["mape_2016_2025"] <= 0.15  # target 15 %: met (14.7 %)
    assert m["mape_2016_2021"] <= 0.154  # in sample: 15.3 %
    assert m["mape_2022_2025"] <= 0.15  # out of sample, target 15 %: met (13.8 %)


def test_hashrate_july_august_2021(report):
    h = report["hashrate_2021_07_08"]
    # target +-15 %: not met (71.8 / 95.5 vs 100.2 / 120.5 EH/s: -28 % / -21 %)
    assert h["2021-07"]["model"] / h["2021-07"]["observed"] >= 0.71
    assert h["2021-08"]["model"] / h["2021-08"]["observed"] >= 0.79


# ---------------------------------------------------------------- carbon
def test_intensity_rises_after_the_ban(report):
    i = report["intensity_g_per_kwh"]
    rise = i[2021] / i[2020] - 1.0
    assert 0.03 <= rise <= 0.17  # target +3..+17 %: met (+16.2 %)
    assert report["intensity_2021_08"] > report["intensity_2020_08"]  # met: 430 > 212
    # Cambridge ~536 (2021) +-5 %: met (529); 491 (2020) +-5 %: not met (455, -7 %)
    assert abs(i[2021] / 536.0 - 1.0) <= 0.05
    assert i[2020] >= 455.0
    s = report["sustainable_share"]
    assert s[2021] < s[2020] - 0.05


def test_emissions_2021_against_the_estimate(report):
    est = report["estimate_emissions_2021_mt"]["cbeci-2023"]
    # target +-10 %: not met (37.4 vs 48.6 Mt, -23 %)
    assert report["emissions_mt"][2021] / est >= 0.76


def test_energy_against_the_estimate(report):
    r = report["energy_ratio_to_estimate"]
    # target +-15 % each year 2019-2025: met in 2025 only
    assert 0.85 <= r[2025] <= 1.15
    worst = {2019: 1.24, 2020: 1.17, 2021: 0.75, 2022: 0.78, 2023: 0.65, 2024: 0.63}
    for y, level in worst.items():
        if level > 1:
            assert r[y] <= level, y
        else:
            assert r[y] >= level, y


# ---------------------------------------------------------------- geography
def test_country_shares(report):
    assert report["share_mae_points"] <= 3.4  # ten map countries: 3.33
    assert report["share_mae_7_points"] <= 4.0  # target 3: not met (3.97)
    h2 = report["share_mae_2021_h2_points"]
    assert h2["Kazakhstan"] <= 7.0  # met (5.5)
    assert h2["United States"] <= 7.0  # met (6.9)
    assert h2["Russia"] <= 9.4  # target 7: not met (9.3)


def test_china_zero_in_summer_2021_and_back_after(report):
    cs = report["china_share"]
    assert cs["2021-07"] < 0.02
    assert cs["2021-08"] < 0.02
    assert 0.10 < cs["2021-10"] < 0.30
    assert 0.10 < cs["2022-01"] < 0.30
    # ~0.14 +-5 points: not met (0.24)
    assert abs(report["china_share_2025_10"] - 0.14) <= 0.105


def test_caps_matter_and_are_reported(report):
    sens = report["sensitivity"]
    assert sens["without_measured_caps"]["share_mae_points"] > report["share_mae_points"]
    assert sens["underground_share_0.0"]["china_share_2022_01"] == 0.0
    # the separate supply constraint is what makes the hash rate right
    assert (
        sens["without_delivery_constraint"]["hashrate_mape_2016_2021"]
        > report["hashrate_mape"]["mape_2016_2021"]
    )
