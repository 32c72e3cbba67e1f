"""Valid baseline arguments of the public API functions fuzzed by test_fuzz_api.py."""

from __future__ import annotations

import pandas as pd

from hashcarbon import carbon, chain, energy, geography, grid, hardware
from hashcarbon.models import bbce


def baselines() -> dict:
    cat = hardware.catalogue()
    months = pd.date_range("2021-01-01", periods=2, freq="MS")
    return {
        chain.difficulty_from_hashrate_ths: dict(hashrate_ths=1e8),
        chain.halving_timestamps: dict(),
        chain.hashprice_usd_per_th_day: dict(revenue_usd_per_day=3e7, hashrate_ths=4e8),
        chain.hashrate_ths_from_difficulty: dict(difficulty=1e13),
        chain.implied_hashrate_ths: dict(difficulty=1e13, blocks_per_day=144),
        chain.mean_block_interval_s: dict(blocks_per_day=144),
        chain.next_halving_date: dict(current_height=800000, current_time="2024-01-01"),
        chain.revenue_usd_per_day: dict(subsidy_btc_per_day=900, fees_btc_per_day=20, btc_usd=3e4),
        chain.subsidy_btc: dict(height=1000),
        chain.subsidy_btc_per_block_on: dict(date="2021-01-01"),
        chain.subsidy_sat: dict(height=1000),
        chain.total_supply_btc: dict(height=1000),
        hardware.available: dict(cat=cat, date="2021-01-01"),
        hardware.breakeven_price_usd_per_kwh: dict(
            hashprice_usd_per_th_day=0.1, efficiency_j_per_th=30
        ),
        hardware.catalogue: dict(),
        hardware.daily_electricity_cost_usd_per_th: dict(
            price_usd_per_kwh=0.05, efficiency_j_per_th=30
        ),
        hardware.frontier_efficiency_j_per_th: dict(dates=["2021-01-01"], cat=cat),
        hardware.profitable: dict(
            hashprice_usd_per_th_day=0.1, price_usd_per_kwh=0.05, efficiency_j_per_th=30
        ),
        energy.profitability_threshold_j_per_th: dict(revenue_usd_per_day=3e7, hashrate_ths=4e8),
        energy.trailing_mean: dict(values=[1.0, 2.0, 3.0], window_days=2),
        energy.estimate: dict(start="2021-01-01", end="2021-01-31"),
        geography.country_shares: dict(dates=["2021-01-01"]),
        geography.province_shares: dict(dates=["2021-01-01"]),
        geography.country_province_shares: dict(dates=["2021-01-01"]),
        geography.electricity_price: dict(region="Sichuan", dates=["2021-01-01"]),
        grid.coefficient_g_per_kwh: dict(shares={"coal": 0.5, "hydro": 0.5}),
        grid.emission_factors: dict(),
        grid.world_coefficient: dict(year=2020),
        grid.country_coefficients: dict(years=[2020], countries=["China"]),
        grid.mix_shares: dict(countries=["China"], years=[2020]),
        grid.china_province_coefficient: dict(province="Sichuan", year=2020),
        grid.china_province_shares: dict(province="Sichuan", year=2020),
        grid.us_state_coefficient: dict(state="TX", year=2020),
        grid.us_state_shares: dict(state="TX", year=2020),
        grid.intensity_path: dict(region="China", years=[2020, 2030]),
        grid.renewable_share: dict(shares={"coal": 0.5, "hydro": 0.5}),
        grid.sustainable_share: dict(shares={"coal": 0.5, "hydro": 0.5}),
        carbon.emissions_mt: dict(energy_twh=1.0, intensity_g_per_kwh=500.0),
        carbon.curtailed_fraction: dict(region_energy_twh=[1.0], curtailed_twh=[0.5]),
        carbon.intensity_from_mix: dict(mix=[0.5, 0.5], factors_g_per_kwh=[1000, 20]),
        carbon.location_mix: dict(
            location_share=[[0.5, 0.5]], region_mix=[[[1.0, 0.0], [0.0, 1.0]]]
        ),
        carbon.sustainable_share: dict(mix=[[0.5, 0.5]], sources=["coal", "hydro"]),
        carbon.estimate: dict(start="2021-01-01", end="2021-03-31"),
        carbon.monthly_accounting: dict(
            months=months, energy_twh=[10.0, 10.0], accounting="marginal"
        ),
        carbon.location_table: dict(months=months),
        carbon.curtailed_volumes_twh: dict(months=months, regions=["Sichuan"]),
        bbce.run: dict(scenario="bbce-bm"),
    }


#: Functions whose valid calls take more than ~0.1 s: fuzzed with refused values only.
EXPENSIVE = {
    "carbon.estimate",
    "carbon.monthly_accounting",
    "carbon.location_table",
    "energy.estimate",
    "grid.world_coefficient",
    "grid.country_coefficients",
    "grid.mix_shares",
    "grid.intensity_path",
    "bbce.run",
}
