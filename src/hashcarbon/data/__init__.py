"""Curated data tables shipped with hashcarbon, with loaders validated on load.

Every loader returns a fresh :class:`pandas.DataFrame` whose columns carry
their units in their names (see ``docs/glossary.md``).  The origin, version,
licence and gap-filling method of each table are in ``sources.toml`` and in
``hashcarbon data info``.

Examples
--------
>>> from hashcarbon import data
>>> "network_daily" in data.table_names()
True
"""

from __future__ import annotations

import pandas as pd

from hashcarbon.data._registry import (
    TableSpec,
    coverage,
    get_spec,
    load_table,
    sources,
    table_names,
)


def network() -> pd.DataFrame:
    """Daily network statistics: hash rate, difficulty, BTC price, subsidy, fees, revenue.

    Validated on load; see ``hashcarbon data info`` for coverage and source.
    """
    return load_table("network_daily")


def hardware() -> pd.DataFrame:
    """ASIC hardware catalogue: model, manufacturer, release date, hash rate, power, efficiency.

    Validated on load; see ``hashcarbon data info`` for coverage and source.
    """
    return load_table("hardware")


def mining_map() -> pd.DataFrame:
    """Cambridge mining map: monthly hash-rate share by country, Sep 2019 to Jan 2022.

    Validated on load; see ``hashcarbon data info`` for coverage and source.
    """
    return load_table("mining_map")


def mining_map_points() -> pd.DataFrame:
    """Dated, sourced country-share points outside Cambridge's monthly map.

    Validated on load; see ``hashcarbon data info`` for coverage and source.
    """
    return load_table("mining_map_points")


def china_province_profile() -> pd.DataFrame:
    """Monthly share of China's hash rate by province (seasonal profile).

    Validated on load; see ``hashcarbon data info`` for coverage and source.
    """
    return load_table("china_province_profile")


def electricity_prices() -> pd.DataFrame:
    """Electricity prices paid by miners, by region and period.

    Validated on load; see ``hashcarbon data info`` for coverage and source.
    """
    return load_table("electricity_prices")


def grid_mix() -> pd.DataFrame:
    """Electricity generation by source, by country and year.

    Validated on load; see ``hashcarbon data info`` for coverage and source.
    """
    return load_table("grid_mix")


def grid_intensity() -> pd.DataFrame:
    """Published carbon intensity of electricity, by country and year.

    Validated on load; see ``hashcarbon data info`` for coverage and source.
    """
    return load_table("grid_intensity")


def emission_factors() -> pd.DataFrame:
    """Per-source emission-factor sets (Cambridge 2022, IPCC AR5 lifecycle).

    Validated on load; see ``hashcarbon data info`` for coverage and source.
    """
    return load_table("emission_factors")


def china_province_mix() -> pd.DataFrame:
    """China provincial generation by source, 2019-2021.

    Validated on load; see ``hashcarbon data info`` for coverage and source.
    """
    return load_table("china_province_mix")


def china_grid_factors() -> pd.DataFrame:
    """MEE/NBS average grid emission factors, China national, regional, provincial.

    Validated on load; see ``hashcarbon data info`` for coverage and source.
    """
    return load_table("china_grid_factors")


def us_state_mix() -> pd.DataFrame:
    """US electricity generation by state and source (EIA).

    Validated on load; see ``hashcarbon data info`` for coverage and source.
    """
    return load_table("us_state_mix")


def hydro_curtailment() -> pd.DataFrame:
    """Curtailed hydropower in Sichuan and Yunnan by year.

    Validated on load; see ``hashcarbon data info`` for coverage and source.
    """
    return load_table("hydro_curtailment")


def mining_limits() -> pd.DataFrame:
    """Power available to mining by region and period (value, low, high) [GW], sourced.

    Validated on load; see ``hashcarbon data info`` for coverage and source.
    """
    return load_table("mining_limits")


def regions() -> pd.DataFrame:
    """Region registry: code, names (en/zh), map country, parent, grid and price keys.

    Validated on load; the lookups live in :mod:`hashcarbon.vocabulary`.
    """
    return load_table("regions")


__all__ = [
    "TableSpec",
    "china_grid_factors",
    "china_province_mix",
    "china_province_profile",
    "coverage",
    "electricity_prices",
    "emission_factors",
    "get_spec",
    "grid_intensity",
    "grid_mix",
    "hardware",
    "hydro_curtailment",
    "load_table",
    "mining_limits",
    "mining_map",
    "mining_map_points",
    "network",
    "regions",
    "sources",
    "table_names",
    "us_state_mix",
]
