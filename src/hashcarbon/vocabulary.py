"""The one vocabulary of hashcarbon: regions, energy sources, methods, map countries.

Every list that more than one module needs is defined here once and imported
everywhere else (geography, grid, carbon, the pipeline, the world model, the
report and the CLI).  Regions are not a list in code: they are the rows of the
curated registry table ``regions`` (:func:`hashcarbon.data.regions`, built by
``tools/build/regions.py`` from ``tools/build/regions_manual.csv``), loaded and
looked up through the functions below.

This module imports nothing of hashcarbon at import time (the registry is read
lazily), so the data schemas may import its constants.

Registry columns
----------------
``code``
    ISO 3166-1 alpha-2 / ISO 3166-2 code where one exists (``CN-SC``, ``US-TX``,
    ``KZ``), else a project code (``CN-OT``, ``CN-UG``, ``US-OT``, ``NORDICS``,
    ``ME``, ``ROW``, ``OTHER``, ``WORLD``).
``name_en``, ``name_zh``
    English (as used by :mod:`hashcarbon.geography` and the tables) and Chinese names.
``kind``
    ``country``, ``province``, ``state``, ``subnational`` or ``aggregate``.
``country``
    ISO 3166-1 alpha-3 code of the country (OWID's code), blank for multi-country
    aggregates.
``map_country``
    The Cambridge Bitcoin Mining Map country the region's hash rate falls in.
``parent``
    Code of the enclosing region (``CN`` for provinces, ``US`` for states).
``grid_source``, ``grid_key``
    Where :mod:`hashcarbon.grid` finds the region's generation mix: ``owid``
    (an entity of ``grid_mix``), ``eia_state`` (a state of ``us_state_mix``) or
    ``china_province`` (a province of ``china_province_mix``).
``price_key``
    The ``region`` of its rows in ``electricity_prices`` (blank: none).
``world_model``
    Whether :mod:`hashcarbon.models.world` simulates the region; the registry's row
    order of these rows is the world model's region order.

Examples
--------
>>> code_of("Sichuan"), name_zh("CN-SC"), parent("US-TX")
('CN-SC', '四川', 'US')
>>> grid_key("US-TX")
('eia_state', 'TX')
>>> world_region_codes()[:3]
('CN-XJ', 'CN-SC', 'CN-YN')
"""

from __future__ import annotations

import difflib
import functools
from typing import Any

# --------------------------------------------------------------------------- energy sources
#: The nine generation sources of :mod:`hashcarbon.grid` (OWID categories;
#: ``other_renewables`` excludes bioenergy).
SOURCES: tuple[str, ...] = (
    "coal",
    "gas",
    "oil",
    "nuclear",
    "hydro",
    "wind",
    "solar",
    "bioenergy",
    "other_renewables",
)
#: Pseudo-source of mining supplied by curtailed hydro under marginal accounting.
CURTAILED_SOURCE: str = "curtailed_hydro"
#: The grid sources plus :data:`CURTAILED_SOURCE`: the mix columns of ``estimate``.
ACCOUNTING_SOURCES: tuple[str, ...] = (*SOURCES, CURTAILED_SOURCE)
#: Cambridge's "sustainable" sources: hydro, nuclear, wind, solar and other renewables
#: including bioenergy (the OWID column Cambridge used); CCAF, "CBECI GHG methodology",
#: https://ccaf.io/cbnsi/cbeci/ghg/methodology. [-]
SUSTAINABLE_SOURCES: tuple[str, ...] = (
    "hydro",
    "nuclear",
    "wind",
    "solar",
    "bioenergy",
    "other_renewables",
)
#: Renewable sources: the sustainable ones without nuclear (de Vries et al. 2022,
#: doi:10.1016/j.joule.2022.02.005). [-]
RENEWABLE_SOURCES: tuple[str, ...] = tuple(s for s in SUSTAINABLE_SOURCES if s != "nuclear")
#: Sustainable sources when curtailed hydro is a source of its own (marginal accounting).
SUSTAINABLE_WITH_CURTAILED: tuple[str, ...] = (*SUSTAINABLE_SOURCES, CURTAILED_SOURCE)
#: Renewable sources when curtailed hydro is a source of its own.
RENEWABLE_WITH_CURTAILED: tuple[str, ...] = (*RENEWABLE_SOURCES, CURTAILED_SOURCE)

# --------------------------------------------------------------------------- methods and options
#: Energy estimators of :func:`hashcarbon.energy.estimate`.
ESTIMATOR_METHODS: tuple[str, ...] = ("cbeci-v1", "cbeci-2023", "economic")
#: Named emission-factor sets of table ``emission_factors``.
FACTOR_SETS: tuple[str, ...] = ("ccaf", "ipcc")
#: Carbon accountings: grid average, or curtailed hydro at its own (marginal) intensity.
ACCOUNTINGS: tuple[str, ...] = ("average", "marginal")
#: Output frequencies of the estimators.
FREQS: tuple[str, ...] = ("day", "month", "year")
#: Regional breakdowns of ``estimate``.
BREAKDOWNS: tuple[str, ...] = ("none", "country", "region")
#: Hardware lists of the CBECI estimators.
CATALOGUES: tuple[str, ...] = ("full", "cbeci")

# --------------------------------------------------------------------------- map and provinces
#: Countries of Cambridge's mining map, in table order, with ISO 3166-1 alpha-3 codes
#: (https://ccaf.io/cbnsi/cbeci/mining_map; the registry's ``map_country`` values).
MAP_COUNTRIES: tuple[tuple[str, str], ...] = (
    ("China", "CHN"),
    ("United States", "USA"),
    ("Kazakhstan", "KAZ"),
    ("Russia", "RUS"),
    ("Canada", "CAN"),
    ("Malaysia", "MYS"),
    ("Iran", "IRN"),
    ("Germany", "DEU"),
    ("Ireland", "IRL"),
    ("Other", ""),
)
#: Map country names only.
MAP_COUNTRY_NAMES: tuple[str, ...] = tuple(c for c, _ in MAP_COUNTRIES)
#: Regions of China's seasonal provincial profile (table ``china_province_profile``), in
#: table order; names are registry ``name_en`` values.
CHINA_PROFILE_REGIONS: tuple[str, ...] = (
    "Sichuan",
    "Yunnan",
    "Xinjiang",
    "Inner Mongolia",
    "Beijing",
    "Rest of China",
)
#: Name of the world grid entity (OWID) used for "Other" and VPN-suspect countries.
WORLD: str = "World"


# --------------------------------------------------------------------------- registry
@functools.cache
def _registry():
    from hashcarbon import data

    frame = data.regions()
    for col in ("country", "map_country", "parent", "price_key", "note"):
        frame[col] = frame[col].fillna("")
    return frame


def regions():
    """The region registry (a fresh copy of table ``regions``, blanks as ``""``).

    Returns
    -------
    pandas.DataFrame
        One row per region; columns described in the module docstring.
    """
    return _registry().copy()


def region_codes() -> tuple[str, ...]:
    """Every registry code, in table order."""
    return tuple(_registry()["code"])


def region_names() -> tuple[str, ...]:
    """Every registry English name, in table order."""
    return tuple(_registry()["name_en"])


def world_region_codes() -> tuple[str, ...]:
    """Codes of the world model's regions, in model order (registry rows with ``world_model``)."""
    reg = _registry()
    return tuple(reg.loc[reg["world_model"], "code"])


@functools.cache
def _lookup() -> dict[str, str]:
    reg = _registry()
    out: dict[str, str] = {}
    for code, en, zh in zip(reg["code"], reg["name_en"], reg["name_zh"], strict=True):
        out[code.lower()] = code
        out[en.lower()] = code
        out[zh] = code
    return out


def code_of(name: str) -> str:
    """Registry code of a region given its code, English or Chinese name (case-insensitive).

    Raises
    ------
    hashcarbon.errors.InputError
        Unknown region; the message suggests close names.
    """
    from hashcarbon.errors import InputError

    key = str(name).strip()
    hit = _lookup().get(key.lower()) or _lookup().get(key)
    if hit is None:
        close = difflib.get_close_matches(
            key, list(_registry()["name_en"]) + list(region_codes()), n=3
        )
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise InputError(f"region: unknown region {name!r}{hint}")
    return hit


def region(name: str) -> dict[str, Any]:
    """The registry row of a region (by code or name) as a dict."""
    reg = _registry()
    return reg.loc[reg["code"] == code_of(name)].iloc[0].to_dict()


def name_en(code: str) -> str:
    """English name of a region."""
    return region(code)["name_en"]


def name_zh(code: str) -> str:
    """Chinese name of a region."""
    return region(code)["name_zh"]


def map_country(code: str) -> str:
    """Cambridge mining-map country of a region ("" for World)."""
    return region(code)["map_country"]


def parent(code: str) -> str:
    """Code of the enclosing region ("" for none)."""
    return region(code)["parent"]


def grid_key(code: str) -> tuple[str, str]:
    """``(grid_source, grid_key)`` of a region: where :mod:`hashcarbon.grid` finds its mix."""
    row = region(code)
    return row["grid_source"], row["grid_key"]


def price_key(code: str) -> str:
    """The region's key in table ``electricity_prices`` ("" when it has no rows)."""
    return region(code)["price_key"]


def world_mix_regions() -> tuple[str, ...]:
    """Map-level regions that take the World mix: Cambridge's "Other" and VPN suspects.

    Derived from the registry: rows whose ``name_en`` is a map country and whose grid
    key is ``World`` (Cambridge's ``manual_adjust_country_list``).
    """
    reg = _registry()
    sel = reg["name_en"].isin(MAP_COUNTRY_NAMES) & (reg["grid_key"] == WORLD)
    return tuple(reg.loc[sel, "name_en"])


def china_national_mix_regions() -> tuple[str, ...]:
    """Regions of the provincial profile without a provincial mix (they take China's mix)."""
    reg = _registry()
    sel = reg["name_en"].isin(CHINA_PROFILE_REGIONS) & (reg["grid_source"] != "china_province")
    return tuple(reg.loc[sel, "name_en"])


__all__ = [
    "ACCOUNTINGS",
    "ACCOUNTING_SOURCES",
    "BREAKDOWNS",
    "CATALOGUES",
    "CHINA_PROFILE_REGIONS",
    "CURTAILED_SOURCE",
    "ESTIMATOR_METHODS",
    "FACTOR_SETS",
    "FREQS",
    "MAP_COUNTRIES",
    "MAP_COUNTRY_NAMES",
    "RENEWABLE_SOURCES",
    "RENEWABLE_WITH_CURTAILED",
    "SOURCES",
    "SUSTAINABLE_SOURCES",
    "SUSTAINABLE_WITH_CURTAILED",
    "WORLD",
    "china_national_mix_regions",
    "code_of",
    "grid_key",
    "map_country",
    "name_en",
    "name_zh",
    "parent",
    "price_key",
    "region",
    "region_codes",
    "region_names",
    "regions",
    "world_mix_regions",
    "world_region_codes",
]
