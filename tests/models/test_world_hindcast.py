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


#: The model shipped in rounds 3-5 (the options below were measured against it).
ROUND5 = calibration.ROUND5


# ---------------------------------------------------------------- hash rate
def test_hashrate_mape(report):
    m = report["hashrate_mape"]
    assert m["mape_2016_2025"] <= 0.114  # target 15 %: met (11.37 %; round 10: 11.35 %)
    assert m["mape_2016_2021"] <= 0.135  # in sample: 13.4 % (round 10: 13.6 %)
    assert m["mape_2022_2025"] <= 0.084  # out of sample, target 15 %: met (8.3 %)


def test_hashrate_july_august_2021(report):
    h = report["hashrate_2021_07_08"]
    # target +-15 %: both met since round 10 (round 11: 91.9 / 118.5 vs 100.2 / 120.5 EH/s:
    # -8.3 % / -1.7 %; round 10: 87.2 / 117.1, round 9: 83.5 / 115.2, round 8: 63.2 / 79.8)
    assert h["2021-07"]["model"] / h["2021-07"]["observed"] >= 0.917
    assert abs(h["2021-08"]["model"] / h["2021-08"]["observed"] - 1.0) <= 0.018


# ---------------------------------------------------------------- carbon
def test_intensity_rises_after_the_ban(report):
    i = report["intensity_g_per_kwh"]
    rise = i[2021] / i[2020] - 1.0
    # target +3..+17 %: met (+7.0 %; round 10 +5.4 %, round 9 +5.0 %, round 8 +3.3 %)
    assert 0.069 <= rise <= 0.17
    assert report["intensity_2021_08"] > report["intensity_2020_08"]  # met: 493 > 309
    # Cambridge ~536 (2021) +-5 %: met (522, -2.6 %); 491 (2020) +-5 %: met (488, -0.6 %)
    assert abs(i[2021] / 536.0 - 1.0) <= 0.027
    assert abs(i[2020] / 491.0 - 1.0) <= 0.007
    s = report["sustainable_share"]
    assert s[2021] < s[2020] - 0.05


def test_emissions_2021_against_the_estimate(report):
    est = report["estimate_emissions_2021_mt"]["cbeci-2023"]
    # target +-10 %: met again in round 11 (45.1 vs 49.1 Mt, -8.1 %; round 10: 44.0, -10.4 %,
    # missed; round 9: 47.4, -3.5 %; round 8: 44.2, -10.0 %)
    assert abs(report["emissions_mt"][2021] / est - 1.0) <= 0.082


def test_energy_against_the_estimate(report):
    r = report["energy_ratio_to_estimate"]
    # target +-15 % each year 2019-2025: met every year (fleet_accounting = 1, the
    # energy module's basket): 0.96, 0.91, 0.92, 1.02, 0.94, 0.95, 1.07
    for y in range(2019, 2026):
        assert 0.90 <= r[y] <= 1.07, y
    assert r[2021] >= 0.92  # round 11 (round 10: 0.91)
    # the fleet follows the energy module's (mean |ln| error), in and out of sample
    assert report["fleet_mean_abs_log_error"]["2016_2021"] <= 0.052
    assert report["fleet_mean_abs_log_error"]["2022_2025"] <= 0.038


def test_vintage_accounting_is_reported(report):
    """The hash-weighted vintage fleet (fleet_accounting = 0): same hash rate, the energy
    gap that fleet_accounting = 1 closes (docs/world.md)."""
    v = report["sensitivity"]["vintage_accounting"]["energy_ratio_to_estimate"]
    assert v[2019] > 1.15
    assert v[2023] < 0.85


# ---------------------------------------------------------------- geography
def test_country_shares(report):
    # the model seen as the map records it (calibration.map_view: Jul-Aug 2021 China
    # behind foreign proxies, round 9)
    assert report["share_mae_points"] <= 1.96  # ten map countries: 1.95 (round 9: 2.70)
    assert report["share_mae_7_points"] <= 2.06  # target 3: met (2.05; round 10: 2.02)
    assert report["share_mae_by_country_points"]["Malaysia"] <= 1.0  # round 5: 4.26
    assert report["share_mae_by_country_points"]["China"] <= 4.1  # 4.07 (round 9: 7.8)
    h2 = report["share_mae_2021_h2_points"]
    assert h2["Kazakhstan"] <= 2.2  # met (2.1; round 9: 6.2)
    assert h2["United States"] <= 3.3  # met (3.29; round 10: 1.4, round 9: 3.5)
    assert h2["Russia"] <= 5.0  # met (4.91; round 10: 5.39)
    # the raw model shares, without the proxies: MAE 7 2.17, KZ / US / RU 0.9 / 3.6 / 3.9
    raw = report["share_mae_raw"]
    assert raw["share_mae_7_points"] <= 2.18
    assert max(raw["share_mae_2021_h2_points"].values()) <= 3.9


def test_china_underground_in_summer_2021_and_after(report):
    cs = report["china_share"]
    # round 9: the underground returns one month after the June shutdowns; the map shows
    # 0 % in Jul-Aug 2021 (proxies and VPNs, calibration.map_view) and 22.3 % in Sep
    assert 0.10 < cs["2021-07"] < 0.30  # 0.139 (round 11; round 10: 0.15)
    assert 0.15 < cs["2021-09"] < 0.35
    assert 0.10 < cs["2021-10"] < 0.30
    assert 0.10 < cs["2022-01"] < 0.30
    # ~0.14 +-5 points (Hashrate Index, Oct 2025): met (0.114; round 10: 0.118) with the
    # underground's hosting build-out limit (round 8; 0.33 without it)
    assert abs(report["china_share_2025_10"] - 0.14) <= 0.05


def test_china_2025_is_set_by_the_underground_growth_limit(report):
    """The underground region's growth limit decides China's 2025 share: over its stated
    range 0.04-0.1/month the Oct-2025 share runs from 0.047 to 0.297, smoothly; uncapped
    it is 0.329 (docs/world.md, round 11)."""
    s = report["sensitivity"]
    lo = s["underground_growth_low"]["china_share_2025_10"]
    hi = s["underground_growth_high"]["china_share_2025_10"]
    assert 0.04 <= lo <= 0.06
    assert 0.26 <= hi <= 0.30
    assert lo < report["china_share_2025_10"] < hi
    assert s["without_underground_limit"]["china_share_2025_10"] > 0.29
    # the 2014-2021 figures hardly move: the limit acts from Sep 2021
    mae7 = s["without_underground_limit"]["share_mae_7_points"]
    assert abs(mae7 - report["share_mae_7_points"]) < 0.05


def test_dry_season_loads_make_2020_cleaner(report):
    """Sichuan's and Yunnan's measured dry-season loads of Apr 2020 (capacity.csv, kind
    dry_load; round 8) move China off Xinjiang and Inner Mongolia coal in the dry season:
    without them (the unsourced 0.5 / 0.3 GW) 2020 is 508 g/kWh against 488, with the
    same parameters (docs/world.md, round 11: 507 against 488; round 9: 531 against 513,
    which lost the 2020 target; since round 10 it is kept without them, +3.3 %)."""
    w = report["sensitivity"]["without_dry_load_caps"]["intensity_g_per_kwh"]
    i = report["intensity_g_per_kwh"]
    assert w[2020] > i[2020] + 15.0
    assert 0.03 < w[2020] / 491.0 - 1.0 < 0.04


def test_caps_matter_and_are_reported(report):
    sens = report["sensitivity"]
    assert sens["without_measured_caps"]["share_mae_points"] > report["share_mae_points"]
    assert sens["underground_share_0.0"]["china_share_2022_01"] == 0.0
    # the separate supply constraint is what makes the hash rate right
    assert (
        sens["without_delivery_constraint"]["hashrate_mape_2016_2021"]
        > report["hashrate_mape"]["mape_2016_2021"]
    )


def test_what_july_2021_starts_from(report):
    """July 2021 is low because the hash rate outside China before the ban is low (the
    diagnosis in docs/world.md): 60.2 EH/s in May 2021 against 90.6 implied by the map
    (round 10: 59.9, round 9: 49.5)."""
    o = report["hashrate_outside_china_2021_05"]
    assert o["model"] >= 60.0  # level reached: 60.2
    assert o["model"] < 0.7 * o["map_implied"]  # the gap the docs explain
    h = report["hashrate_2021_07_08"]["2021-07"]["model"]
    outside = h * (1.0 - report["china_share"]["2021-07"])
    # July outside China is what was there plus at most one month of arrivals and
    # deliveries; the rest is the underground back after one month (round 9)
    assert outside < o["model"] + 25.0
    assert h - outside > 12.5  # 12.8 EH/s underground in July (round 11; round 10: 13.0)


def test_us_miner_price_sensitivity(report):
    """The listed miners' power cost for the US regions without their own price (not
    shipped): held back to 2014 it lifts July-August 2021 into the +-15 % band, but the
    uncapped US then takes almost all new capacity (docs/world.md)."""
    s = report["sensitivity"]
    held = s["us_miner_price_held_back"]
    assert held["hashrate_2021_07_08"][0] / 100.2 >= 0.85
    assert held["hashrate_2021_07_08"][1] / 120.5 >= 0.85
    assert held["united_states_2021_h2_points"] > 20.0
    assert held["share_mae_7_points"] > report["share_mae_7_points"] + 3.0
    assert held["china_share_2025_10"] < 0.05
    late = s["us_miner_price_from_2021"]
    assert late["hashrate_mape_2022_2025"] > report["hashrate_mape"]["mape_2022_2025"] + 0.05
    assert late["china_share_2025_10"] < 0.05


# ---------------------------------------------------------------- options not shipped
@pytest.mark.parametrize(
    ("option", "lost"),
    [
        # the hosting build-out limit (g 0.06) with the round-5 parameters
        ({"use_hosting_limit": 1}, {"mape": 0.161, "mape_oos": 0.163, "us": 16.2}),
        # the sourced Texas site loads: the relocated machines lose their Texas space
        ({"use_site_load_caps": 1}, {"mape": 0.160, "mape_oos": 0.156, "us": 8.4}),
    ],
)
def test_options_not_shipped_lose_met_targets(report, option, lost):
    """docs/world.md, round 5: each option loses targets the shipped model meets (hash
    MAPE, out-of-sample MAPE, US Jul-Dec 2021), so neither is the default; the levels
    reached are held here (a change that fixes them should update the docs and the
    defaults)."""
    r = calibration.hindcast_report({**ROUND5, **option})
    m = r["hashrate_mape"]
    assert m["mape_2016_2025"] >= lost["mape"] > 0.15
    assert m["mape_2022_2025"] >= lost["mape_oos"] > 0.15
    assert r["share_mae_2021_h2_points"]["United States"] >= lost["us"] > 7.0
    # neither reaches the map's outside-China hash rate before the ban (90.6 EH/s)
    assert r["hashrate_outside_china_2021_05"]["model"] < 57.0


# refit of "US state loads + Georgia price from Jul 2021" (tools/world_hosting_table.py
# round5b: calibration.fit_global, maxiter 30, popsize 10, seed 0; J 0.343)
STATE_LOADS_GA_REFIT = {
    "ban_partial_months": 0,  # measured before round 11
    "company_gross_power_cost": 1,  # measured before round 10
    "use_site_load_caps": 0,
    "underground_delay_months": 3,  # measured before round 9
    "use_underground_limit": 0,  # measured before round 8
    "use_dry_load_caps": 0,
    "site_within_headroom": 0,
    "malaysia_illegal_power": 0,
    "use_us_state_load_caps": 1,
    "georgia_miner_price": 1,
    "invest_rate_per_month": 0.20129,
    "supply_adjust_months": 5.43507,
    "supply_growth_max_per_month": 0.23743,
    "shortage_growth_max_per_month": 0.03811,
    "alloc_cost_sensitivity": 23.83685,
    "underground_access": 0.40401,
    "scrap_idle_per_month": 0.10651,
}


def test_us_state_loads_not_shipped(report):
    """docs/world.md, round 5b: the sourced US-state loads (New York 0.2-0.3 GW instead of
    the assumed 0.5, Georgia and Kentucky capped) with the shipped parameters lose the US
    and Russia H2-2021 shares and July-August 2021; refitted with Georgia's price they
    meet as many targets as the shipped model (China 2025 gained) but lose the US
    Jul-Dec 2021 error, so they stay an option."""
    r = calibration.hindcast_report({**ROUND5, "use_us_state_load_caps": 1})
    h2 = r["share_mae_2021_h2_points"]
    assert h2["United States"] >= 17.0 > report["share_mae_2021_h2_points"]["United States"]
    assert h2["Russia"] >= 13.0
    assert r["hashrate_2021_07_08"]["2021-07"]["model"] < 52.5
    f = calibration.hindcast_report(STATE_LOADS_GA_REFIT)
    assert f["share_mae_2021_h2_points"]["United States"] >= 9.0 > 7.0  # lost (shipped 6.9)
    assert abs(f["china_share_2025_10"] - 0.14) <= 0.05  # gained (shipped 0.24)
    assert f["hashrate_mape"]["mape_2016_2025"] <= 0.164
    assert f["hashrate_mape"]["mape_2022_2025"] <= 0.136


# refit of the sourced US state loads with the round-11 ban rule (calibration.fit_multistart
# with overrides {"use_us_state_load_caps": 1}; seed 7 of nine starts, J 0.2413)
STATE_LOADS_REFIT_R11 = {
    "use_us_state_load_caps": 1,
    "invest_rate_per_month": 0.16666,
    "supply_adjust_months": 5.3333,
    "supply_growth_max_per_month": 0.25,
    "shortage_growth_max_per_month": 0.055295,
    "alloc_cost_sensitivity": 6.4268,
    "underground_access": 1.0,
    "scrap_idle_per_month": 0.034636,
    "malaysia_theft_share": 0.9,
}


def test_us_state_loads_refitted_in_round_11_lose_russia(report):
    """docs/world.md, round 11: New York's sourced 0.2-0.3 GW instead of the assumed 0.5,
    with Georgia and Kentucky capped, refitted: J 7 % higher than the shipped fit, 14
    targets (Russia lost, 7.04 points), the fit at the edges of Malaysia's theft share and
    the underground access.  The level reached is held; not shipped."""
    r = calibration.hindcast_report(STATE_LOADS_REFIT_R11, sensitivity=False)
    assert r["targets_met"] == 14
    assert {k for k, v in r["targets"].items() if not v} == {"RU"}
    assert r["share_mae_2021_h2_points"]["Russia"] > 7.0
    assert r["intensity_g_per_kwh"][2020] > report["intensity_g_per_kwh"][2020] + 5.0
    assert r["emissions_mt"][2021] >= 44.5  # 44.9


def test_shipped_hindcast_survives_a_tiny_parameter_change(report):
    """The shipped hindcast is not a knife edge: moving the fitted siting weight by 1e-4
    (3.394 -> 3.3941, below the precision it is shipped with) keeps every figure the
    issue-10 targets look at (docs/world.md, round 6: the stolen-power refit with the
    placement by the weights alone fails this).  Round 11: 18.04 -> 18.0401."""
    r = calibration.hindcast_report({"alloc_cost_sensitivity": 18.0401})
    for k in ("mape_2016_2025", "mape_2022_2025"):
        assert abs(r["hashrate_mape"][k] - report["hashrate_mape"][k]) <= 0.005, k
    assert abs(r["share_mae_7_points"] - report["share_mae_7_points"]) <= 0.05
    for c, v in report["share_mae_2021_h2_points"].items():
        assert abs(r["share_mae_2021_h2_points"][c] - v) <= 0.2, c
    for y in (2020, 2021):
        assert abs(r["intensity_g_per_kwh"][y] - report["intensity_g_per_kwh"][y]) <= 2.0


# lowest-J refit of round 6 (tools/world_hosting_table.py round6: Malaysia's stolen power
# on, its share fitted with the seven behavioural parameters, calibration.fit_multistart,
# maxiter 30, popsize 10, seeds 0-3; seed 1, J 0.266 against the shipped 0.314)
MALAYSIA_REFIT = {
    "ban_partial_months": 0,  # measured before round 11
    "company_gross_power_cost": 1,  # measured before round 10
    "use_site_load_caps": 0,
    "underground_delay_months": 3,  # measured before round 9
    "use_underground_limit": 0,  # measured before round 8
    "use_dry_load_caps": 0,
    "site_within_headroom": 0,
    "malaysia_illegal_power": 1,
    "invest_rate_per_month": 0.16265516157219778,
    "supply_adjust_months": 4.616975434494389,
    "supply_growth_max_per_month": 0.23254013135625734,
    "shortage_growth_max_per_month": 0.08210123243793543,
    "alloc_cost_sensitivity": 15.643280665461592,
    "underground_access": 0.8347671603067468,
    "scrap_idle_per_month": 0.06789956584286815,
    "malaysia_theft_share": 0.8400593086083441,
}


def test_malaysia_without_the_headroom_is_a_knife_edge(report):
    """docs/world.md, round 6: with Malaysia's miners on stolen power (share fitted 0.84,
    within the sources' 0.43-1) and the placement by the weights alone, the refit met 11
    targets on the round-6 data, but the figures were a knife edge (the share moved by
    4e-5 lost the hash MAPE in and out of sample and the US share), so round 6 shipped
    the placement within the headroom with it.  With Yunnan's curtailment corrected
    (round 7) the same parameters lose the out-of-sample MAPE outright, and the move still
    shifts July 2021 by 6 EH/s.  The levels reached are held."""
    r = calibration.hindcast_report(MALAYSIA_REFIT)
    assert r["share_mae_7_points"] <= 3.4  # 3.38
    assert r["hashrate_mape"]["mape_2022_2025"] >= 0.22  # 22.1 %: the target is lost
    assert r["share_mae_by_country_points"]["Malaysia"] <= 1.25  # shipped in round 5: 4.26
    moved = calibration.hindcast_report({**MALAYSIA_REFIT, "malaysia_theft_share": 0.8401})
    assert moved["hashrate_mape"]["mape_2022_2025"] >= 0.23  # 23.5 %
    jul = (r, moved)
    jul = [x["hashrate_2021_07_08"]["2021-07"]["model"] for x in jul]
    assert jul[1] - jul[0] >= 6.0  # 84.6 -> 91.0 EH/s from a 4e-5 move


def test_shipped_is_robust_and_the_placement_moves_the_carbon_figures(report):
    """docs/world.md, round 6: the shipped model (placement within the headroom, Malaysia's
    stolen power; round 7: refitted on the corrected curtailment, J 0.255) does not move
    when the fitted share moves by 1e-3;
    the round-5 model placed within the headroom loses its carbon targets as the shipped
    model does (459 against 471 g/kWh in 2020, 40.7 against 47.2 Mt in 2021)."""
    # round 11: 0.6724 -> 0.6714 moves the 7-country MAE 2.05 -> 2.03 and the out-of-sample
    # MAPE 8.31 -> 8.08 %
    moved = calibration.hindcast_report({"malaysia_theft_share": 0.6714})
    assert abs(moved["share_mae_7_points"] - report["share_mae_7_points"]) <= 0.025
    assert (
        abs(moved["hashrate_mape"]["mape_2022_2025"] - report["hashrate_mape"]["mape_2022_2025"])
        <= 0.003
    )
    r5 = calibration.hindcast_report(ROUND5)
    s = calibration.hindcast_report({**ROUND5, "site_within_headroom": 1})
    assert s["intensity_g_per_kwh"][2020] < r5["intensity_g_per_kwh"][2020] - 8.0
    assert s["emissions_mt"][2021] < r5["emissions_mt"][2021] - 5.0
    assert r5["share_mae_7_points"] >= 3.85  # round 5: 3.97 (3.86 on the corrected data)


# ---------------------------------------------------------------- the fit itself
def test_warm_start_never_ends_above_the_shipped_values():
    """calibration.fit polishes from the shipped values (the warm start of
    fit_multistart, round 8): J at its end is at most J there, and the values stay in the
    search box."""
    res = calibration.fit(maxfev=20)
    hist, scen, base = calibration._fit_setup(None, "china-ban-2021", None)
    names = list(calibration.FITTED)
    j0 = calibration._objective([base[n] for n in names], names, base, hist, scen)
    assert res["objective"] <= j0
    assert res["objective"] == pytest.approx(0.2252, abs=5e-4)  # shipped: J 0.2257
    for n, v in res["values"].items():
        lo, hi = calibration.BOUNDS[n]
        assert lo <= v <= hi, n


def test_global_fit_is_polished_locally(monkeypatch):
    """Each start of the global fit ends with a Nelder-Mead polish (round 7: without it the
    starts stopped 0.1-4 % above the bottom of their basin).  A two-generation search of
    the siting weight alone ends at J 0.2257 (weight 19.41); the polish takes it to 0.2252
    (18.04, the shipped value), and the polish is counted in the evaluations (round 11)."""
    monkeypatch.setattr(calibration, "POLISH_MAXFEV", 60)
    kw = {"maxiter": 1, "popsize": 2, "seed": 3, "fitted": ("alloc_cost_sensitivity",)}
    raw = calibration.fit_global(polish=False, **kw)
    pol = calibration.fit_global(**kw)
    assert pol["objective"] < raw["objective"] - 0.0005
    assert 17.5 < pol["values"]["alloc_cost_sensitivity"] < 18.5
    assert pol["evaluations"] > raw["evaluations"]
    lo, hi = calibration.BOUNDS["alloc_cost_sensitivity"]
    assert lo <= pol["values"]["alloc_cost_sensitivity"] <= hi


def test_issue_targets_met_by_the_shipped_model(report):
    """The one definition of the 15 issue-10 targets (calibration.issue_targets): round 11
    meets all 15 (docs/world.md; round 10: 14, 2021 emissions missed; round 9: 13, July
    2021 and the 7-country MAE missed)."""
    t = report["targets"]
    assert len(t) == 15
    assert report["targets_met"] == 15
    assert all(t.values())
    # the band edges are inclusive, after the report's rounding
    edge = {**report, "china_share_2025_10": 0.09}
    assert calibration.issue_targets(edge)["China 2025"]
    assert not calibration.issue_targets({**edge, "china_share_2025_10": 0.089})["China 2025"]


#: Round 10's shipped configuration (its values; bans rounded to the nearest month start)
ROUND10 = {
    "ban_partial_months": 0,
    "invest_rate_per_month": 0.1804,
    "supply_adjust_months": 5.333,
    "supply_growth_max_per_month": 0.25,
    "shortage_growth_max_per_month": 0.0317,
    "alloc_cost_sensitivity": 17.15,
    "underground_access": 0.6486,
    "scrap_idle_per_month": 0.0323,
    "malaysia_theft_share": 0.6721,
}


def test_round_10_is_reproduced_and_the_ban_months_move_2021(report):
    """Round 11 changed how a mid-month ban enters the months (``ban_partial_months``):
    with round 10's rule and values the hindcast is round 10's (14 targets, 2021
    emissions 44.0 Mt, July 87.2 EH/s); with the new rule and round 10's values June 2021
    keeps 27 % of Xinjiang's load and Sichuan loses 43 % of its own, 2021 emits 45.1 Mt
    and July has 91.9 EH/s (docs/world.md, round 11)."""
    r10 = calibration.hindcast_report(ROUND10, sensitivity=False)
    assert r10["targets_met"] == 14
    assert not r10["targets"]["emissions 2021"]
    assert r10["emissions_mt"][2021] == pytest.approx(44.0, abs=0.05)
    assert r10["hashrate_2021_07_08"]["2021-07"]["model"] == pytest.approx(87.2, abs=0.05)
    new_rule = calibration.hindcast_report({**ROUND10, "ban_partial_months": 1}, sensitivity=False)
    assert new_rule["emissions_mt"][2021] >= 45.0  # 45.1
    # the displaced machines leave over June and July, and the underground's return
    # one month later finds more of them in July
    assert new_rule["hashrate_2021_07_08"]["2021-07"]["model"] >= 91.5  # 91.9
    assert report["emissions_mt"][2021] > r10["emissions_mt"][2021] + 1.0


#: Round 9's shipped configuration (its values and inputs), where robustness found the
#: one knife edge of that fit
ROUND9 = {
    "ban_partial_months": 0,
    "company_gross_power_cost": 1,
    "use_site_load_caps": 0,
    "invest_rate_per_month": 0.3633,
    "supply_adjust_months": 2.839,
    "supply_growth_max_per_month": 0.2009,
    "shortage_growth_max_per_month": 0.05692,
    "alloc_cost_sensitivity": 3.394,
    "underground_access": 0.8372,
    "scrap_idle_per_month": 0.00104,
    "malaysia_theft_share": 0.9,
}


def test_robustness_finds_round_9s_knife_edge_and_none_in_round_11():
    """calibration.robustness, the knife-edge check of a fit (round 9): in round 9's fit
    Malaysia's theft share x 0.999 tipped Russia's Jul-Dec 2021 error past 7 points
    (6.98 -> 7.01), every other move kept the 13 targets and J within 0.15 %.  The
    round-11 fit loses no target to any 0.1 % move and J moves by at most 0.24 %
    (docs/world.md).  Two parameters here; all eight with
    ``python -m hashcarbon.models.world.calibration --robustness`` (10 s)."""
    names = ("alloc_cost_sensitivity", "malaysia_theft_share")
    r9 = calibration.robustness(ROUND9, names=names)
    assert (r9["objective_change"].abs() < 0.0015).all()
    lost = dict(zip(zip(r9["name"], r9["factor"].round(3)), r9["lost"], strict=True))
    assert lost[("alloc_cost_sensitivity", 0.999)] == lost[("alloc_cost_sensitivity", 1.001)] == ""
    assert lost[("malaysia_theft_share", 0.999)] == "RU"
    assert lost[("malaysia_theft_share", 1.001)] == ""
    r = calibration.robustness(names=names)
    assert len(r) == 4
    assert (r["objective_change"].abs() < 0.0025).all()  # at most 0.24 % (round 11)
    assert r["objective_change"].abs().max() < calibration.KNIFE_EDGE_OBJECTIVE  # kept
    assert (r["lost"] == "").all()
    assert (r["targets_met"] == 15).all()


def test_pick_robust_skips_knife_edges_in_order_of_objective():
    """fit_multistart's choice (round 10): the lowest J whose 0.1 % moves change J, either
    way, by less than KNIFE_EDGE_OBJECTIVE; starts above the first that passes are never
    checked; when every start fails, the lowest J with every failure listed."""
    starts = {
        0: {"objective": 0.250, "values": {"a": 1.0}},
        1: {"objective": 0.240, "values": {"a": 2.0}},  # lowest J, on a cliff's lip
        "defaults": {"objective": 0.245, "values": {"a": 3.0}},
        2: {"objective": 0.260, "values": {"a": 4.0}},
    }
    change = {1.0: -0.001, 2.0: +0.02, 3.0: -0.0005, 4.0: -0.5}
    checked = []

    def worst(values):
        checked.append(values["a"])
        return ("a x 0.999", change[values["a"]])

    best, rejected = calibration.pick_robust(starts, worst)
    assert best == "defaults"
    assert checked == [2.0, 3.0]  # in order of J, stopping at the first that passes
    assert rejected == {1: {"objective": 0.240, "move": "a x 0.999", "objective_change": 0.02}}
    # the edge of the rule: a change of exactly KNIFE_EDGE_OBJECTIVE is a knife edge, just
    # below it is not, in either direction
    change[3.0] = -calibration.KNIFE_EDGE_OBJECTIVE
    change[1.0] = calibration.KNIFE_EDGE_OBJECTIVE * 0.99
    best, rejected = calibration.pick_robust(starts, worst)
    assert best == 0
    assert list(rejected) == [1, "defaults"]
    # every start a knife edge: the lowest J, all four listed
    change.update({1.0: -0.3, 2.0: 0.3, 3.0: -0.3, 4.0: 0.3})
    best, rejected = calibration.pick_robust(starts, worst)
    assert best == 1
    assert list(rejected) == [1, "defaults", 0, 2]
