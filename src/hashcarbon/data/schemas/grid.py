"""Schemas of the grid tables: generation mixes, published intensities, emission factors,
China's provincial mixes and MEE/NBS factors, US state mixes and curtailed hydro."""

from __future__ import annotations

import pandera.pandas as pa

from hashcarbon.data._registry import TableSpec
from hashcarbon.vocabulary import SOURCES as VOCABULARY_SOURCES

#: Canonical generation sources (defined in :mod:`hashcarbon.vocabulary`).
SOURCES = VOCABULARY_SOURCES

_year = pa.Column(int, pa.Check.in_range(1990, 2100))
# Net generation can be slightly negative (pumped storage in EIA's 'Hydroelectric'/'Other').
_twh = pa.Column(float, pa.Check.in_range(-10.0, 50_000.0))

GRID_MIX = pa.DataFrameSchema(
    {
        "country": pa.Column(str, pa.Check.str_length(min_value=1)),
        "iso3": pa.Column(
            str, pa.Check.str_matches(r"^([A-Z]{3}|OWID_[A-Z0-9]+)?$"), nullable=True
        ),
        "year": _year,
        "source": pa.Column(str, pa.Check.isin(SOURCES)),
        "generation_twh": pa.Column(float, pa.Check.in_range(0.0, 50_000.0)),
        "vintage": pa.Column(str, pa.Check.isin(["owid_bp_ember_2022", "owid_ccaf_repo_2024"])),
        "derived": pa.Column(bool),
    },
    unique=["country", "year", "source"],
    strict=True,
)

GRID_INTENSITY = pa.DataFrameSchema(
    {
        "country": pa.Column(str, pa.Check.str_length(min_value=1)),
        "iso3": pa.Column(
            str, pa.Check.str_matches(r"^([A-Z]{3}|OWID_[A-Z0-9]+)?$"), nullable=True
        ),
        "year": _year,
        "intensity_g_per_kwh": pa.Column(float, pa.Check.in_range(0.0, 2000.0)),
        "vintage": pa.Column(
            str, pa.Check.isin(["ember_2022_combustion", "ember_lifecycle_2025", "iea_2025"])
        ),
        "projection": pa.Column(bool),
    },
    unique=["vintage", "country", "year"],
    strict=True,
)

EMISSION_FACTORS = pa.DataFrameSchema(
    {
        "factor_set": pa.Column(str, pa.Check.str_matches(r"^[a-z0-9_]+$")),
        "source": pa.Column(str, pa.Check.isin(SOURCES)),
        "intensity_g_per_kwh": pa.Column(float, pa.Check.in_range(0.0, 2000.0)),
        "reference": pa.Column(str, pa.Check.str_length(min_value=1)),
        "note": pa.Column(str, nullable=True),
    },
    unique=["factor_set", "source"],
    strict=True,
)

CHINA_PROVINCE_MIX = pa.DataFrameSchema(
    {
        "province": pa.Column(str, pa.Check.str_length(min_value=1)),
        "year": _year,
        "source": pa.Column(str, pa.Check.isin(["thermal", "hydro", "nuclear", "wind", "solar"])),
        "generation_twh": pa.Column(float, pa.Check.in_range(0.0, 10_000.0)),
        "source_url": pa.Column(str, pa.Check.str_startswith("http")),
    },
    unique=["province", "year", "source"],
    strict=True,
)

CHINA_GRID_FACTORS = pa.DataFrameSchema(
    {
        "level": pa.Column(
            str,
            pa.Check.isin(
                [
                    "national",
                    "national_excl_market_nonfossil",
                    "national_fossil",
                    "region",
                    "province",
                ]
            ),
        ),
        "name_en": pa.Column(str, pa.Check.str_length(min_value=1)),
        "name_zh": pa.Column(str, pa.Check.str_length(min_value=1)),
        "year": _year,
        "intensity_g_per_kwh": pa.Column(float, pa.Check.in_range(0.0, 1500.0)),
    },
    unique=["level", "name_en", "year"],
    strict=True,
)

US_STATE_MIX = pa.DataFrameSchema(
    {
        "state": pa.Column(str, pa.Check.str_matches(r"^[A-Z]{2}$")),
        "year": _year,
        "source": pa.Column(str, pa.Check.isin(SOURCES)),
        "eia_source": pa.Column(str, pa.Check.str_length(min_value=1)),
        "generation_twh": _twh,
    },
    unique=["state", "year", "source"],
    strict=True,
)

HYDRO_CURTAILMENT = pa.DataFrameSchema(
    {
        "region": pa.Column(str, pa.Check.str_length(min_value=1)),
        "year": _year,
        "months": pa.Column(str, pa.Check.str_matches(r"^(1[0-2]|[1-9])-(1[0-2]|[1-9])$")),
        "scope": pa.Column(str, pa.Check.isin(["hydro", "hydro_wind_solar"])),
        "curtailed_twh": pa.Column(float, pa.Check.in_range(0.0, 500.0)),
        "status": pa.Column(
            str, pa.Check.isin(["stated", "secondary", "unit_corrected", "derived"])
        ),
        "source_url": pa.Column(str, pa.Check.str_startswith("http")),
        "note": pa.Column(str, nullable=True),
    },
    unique=["region", "year", "months", "scope"],
    strict=True,
)

_STR = {"iso3": str, "country": str}

SPECS: list = [
    TableSpec(
        "grid_mix",
        "grid_mix.csv",
        GRID_MIX,
        "Electricity generation by source, country/aggregate x year (OWID BP/Ember 2022; gaps from a later OWID export)",
        coverage_column="year",
        dtypes={**_STR, "vintage": str, "source": str},
    ),
    TableSpec(
        "grid_intensity",
        "grid_intensity.csv",
        GRID_INTENSITY,
        "Published carbon intensity of electricity by country x year (Ember 2022, Ember 2025 life-cycle, IEA)",
        coverage_column="year",
        dtypes={**_STR, "vintage": str},
    ),
    TableSpec(
        "emission_factors",
        "emission_factors.csv",
        EMISSION_FACTORS,
        "Per-source life-cycle emission factors: Cambridge 2022 set and IPCC AR5 set as coded by CCAF",
        dtypes={"factor_set": str, "source": str, "reference": str, "note": str},
    ),
    TableSpec(
        "china_province_mix",
        "china_province_mix.csv",
        CHINA_PROVINCE_MIX,
        "China provincial generation by source (thermal, hydro, nuclear, wind, solar), 8 provinces 2019-2021",
        coverage_column="year",
        dtypes={"province": str, "source": str, "source_url": str},
    ),
    TableSpec(
        "china_grid_factors",
        "china_grid_factors.csv",
        CHINA_GRID_FACTORS,
        "MEE/NBS average electricity CO2 factors, China national/regional/provincial, 2021-2023",
        coverage_column="year",
        dtypes={"level": str, "name_en": str, "name_zh": str},
    ),
    TableSpec(
        "us_state_mix",
        "us_state_mix.csv",
        US_STATE_MIX,
        "US net generation by state and source (EIA), 2004-2021",
        coverage_column="year",
        dtypes={"state": str, "source": str, "eia_source": str},
    ),
    TableSpec(
        "hydro_curtailment",
        "hydro_curtailment.csv",
        HYDRO_CURTAILMENT,
        "Curtailed hydropower (弃水电量) in Sichuan, Yunnan and China by year, one source per row",
        coverage_column="year",
        dtypes={
            "region": str,
            "months": str,
            "scope": str,
            "status": str,
            "source_url": str,
            "note": str,
        },
    ),
]
