"""Build the grid tables from ``../shared/data`` and ``tools/build/grid_manual.csv``.

Tables written (see ``src/hashcarbon/data/sources/grid.toml`` for origin and gaps):

``grid_mix.csv``
    OWID generation by source, long format, vintage ``owid_bp_ember_2022`` (the file CCAF
    used; 2000-2021) plus, only for country-years that vintage lacks or has incomplete,
    vintage ``owid_ccaf_repo_2024`` (the OWID export stored in CCAF's repository, to 2022).
``grid_intensity.csv``
    Published intensities: Ember via OWID 2022 (combustion), Ember via OWID 2025
    (life-cycle), IEA (history and projection).
``emission_factors.csv``
    The two per-source factor sets CCAF coded (``grid_manual.csv``), cross-checked against
    the shared copy of the early CCAF constants.
``china_province_mix.csv``, ``china_grid_factors.csv``, ``us_state_mix.csv``
    Long-format reshapes of the shared CCAF and MEE/NBS files.
``hydro_curtailment.csv``
    Curtailed hydro in Sichuan/Yunnan (and national totals) from ``grid_manual.csv``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from build._common import write_table
from hashcarbon.vocabulary import SOURCES as VOCABULARY_SOURCES

MANUAL = Path(__file__).with_name("grid_manual.csv")

#: Canonical source names, in table order (defined once, in the vocabulary).
SOURCES = VOCABULARY_SOURCES

PRIMARY_VINTAGE = "owid_bp_ember_2022"
SECONDARY_VINTAGE = "owid_ccaf_repo_2024"
FIRST_YEAR = 2000

# OWID 2022 grapher columns -> canonical sources (other renewables EXCLUDING bioenergy).
_OWID2022_COLS = {s: f"Electricity from {s} (TWh)" for s in SOURCES[:-2]} | {
    "bioenergy": "Electricity from bioenergy (TWh)",
    "other_renewables": "Electricity from other renewables excluding bioenergy (TWh)",
}
_OWID2022_INCL = "Electricity from other renewables including bioenergy (TWh)"
_STACKED_COLS = {s: f"Electricity from {s} (TWh)" for s in SOURCES[:-2]} | {
    "bioenergy": "Electricity from bioenergy (TWh) (zero filled)",
    "other_renewables": "Other renewables excluding bioenergy (TWh) (zero filled)",
}
# Names the OWID 2022 file spells differently from every coded file.
_ISO3_ALIASES = {"Faeroe Islands": "FRO"}

# EIA aggregated source names -> canonical sources (CCAF's mapping in
# api/console/commands/eth/pow_ghg_emissions.py: 'Other' -> 'Other renewable').
_EIA_SOURCES = {
    "Coal": "coal",
    "Gas": "gas",
    "Oil": "oil",
    "Nuclear": "nuclear",
    "Hydroelectric": "hydro",
    "Wind": "wind",
    "Solar Thermal and Photovoltaic": "solar",
    "Other": "other_renewables",
}


def _iso3_map(shared: Path) -> dict[str, str]:
    """OWID entity name -> OWID code (ISO 3166-1 alpha-3, or OWID_* for OWID aggregates)."""
    out: dict[str, str] = {}
    for path, name_col in (
        (shared / "math331_crypto" / "carbon-intensity-electricity.csv", "Entity"),
        (shared / "cbeci_api_repo" / "electricity-prod-source-stacked.csv", "Entity"),
    ):
        frame = pd.read_csv(path, usecols=[name_col, "Code"]).dropna()
        out.update(dict(zip(frame[name_col], frame["Code"], strict=True)))
    out.update(_ISO3_ALIASES)
    return out


def _long(frame: pd.DataFrame, columns: dict[str, str], name_col: str) -> pd.DataFrame:
    parts = []
    for source, col in columns.items():
        part = frame[[name_col, "Year", col]].rename(
            columns={name_col: "country", "Year": "year", col: "generation_twh"}
        )
        part["source"] = source
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def build_grid_mix(shared: Path) -> pd.DataFrame:
    """Generation by source, long format, primary vintage then gap rows of the secondary one."""
    iso3 = _iso3_map(shared)
    owid = pd.read_csv(shared / "owid_electricity_mix" / "electricity_mix_bp_ember_2022.csv")
    owid = owid[owid["Year"] >= FIRST_YEAR].copy()
    # Where OWID 2022 lacks "other renewables excluding bioenergy" but gives the total
    # including bioenergy, derive it (incl - bio): this is the quantity CCAF used.
    excl, incl, bio = (
        _OWID2022_COLS["other_renewables"],
        _OWID2022_INCL,
        _OWID2022_COLS["bioenergy"],
    )
    derive = owid[excl].isna() & owid[incl].notna() & owid[bio].notna()
    owid.loc[derive, excl] = (owid.loc[derive, incl] - owid.loc[derive, bio]).round(4).clip(lower=0)
    owid["_derived"] = derive
    primary = _long(owid, _OWID2022_COLS, "Country")
    primary["derived"] = np.tile(owid["_derived"].to_numpy(), len(_OWID2022_COLS)) & (
        primary["source"] == "other_renewables"
    )
    primary["vintage"] = PRIMARY_VINTAGE
    primary = primary.dropna(subset=["generation_twh"])

    complete = primary.groupby(["country", "year"])["source"].nunique()
    complete = set(complete[complete == len(SOURCES)].index)

    stacked = pd.read_csv(shared / "cbeci_api_repo" / "electricity-prod-source-stacked.csv")
    stacked = stacked[
        (stacked["Year"] >= FIRST_YEAR)
        & ~stacked["Entity"].str.contains(r"\((?:BP|Ember)\)", regex=True)
    ]
    stacked = stacked[stacked[list(_STACKED_COLS.values())].notna().all(axis=1)]
    keys = list(zip(stacked["Entity"], stacked["Year"], strict=True))
    stacked = stacked[[k not in complete for k in keys]]
    secondary = _long(stacked, _STACKED_COLS, "Entity")
    secondary["derived"] = False
    secondary["vintage"] = SECONDARY_VINTAGE
    # Incomplete primary country-years replaced by a complete secondary one are dropped.
    replaced = set(zip(secondary["country"], secondary["year"], strict=True))
    primary = primary[
        [k not in replaced for k in zip(primary["country"], primary["year"], strict=True)]
    ]

    out = pd.concat([primary, secondary], ignore_index=True)
    out["iso3"] = out["country"].map(iso3).fillna("")
    out["source"] = pd.Categorical(out["source"], categories=SOURCES, ordered=True)
    out = out.sort_values(["country", "year", "source"]).reset_index(drop=True)
    out["source"] = out["source"].astype(str)
    out["year"] = out["year"].astype(int)
    return out[["country", "iso3", "year", "source", "generation_twh", "vintage", "derived"]]


def build_grid_intensity(shared: Path) -> pd.DataFrame:
    """Published carbon intensity of electricity by country and year, three vintages."""
    iso3 = _iso3_map(shared)
    owid = pd.read_csv(shared / "owid_electricity_mix" / "electricity_mix_bp_ember_2022.csv")
    col = "Carbon intensity of electricity (gCO2/kWh)"
    a = owid.loc[owid[col].notna(), ["Country", "Year", col]].rename(
        columns={"Country": "country", "Year": "year", col: "intensity_g_per_kwh"}
    )
    a["iso3"] = a["country"].map(iso3).fillna("")
    a["vintage"] = "ember_2022_combustion"
    a["projection"] = False

    ember = pd.read_csv(shared / "math331_crypto" / "carbon-intensity-electricity.csv")
    col = "Carbon intensity of electricity - gCO2/kWh"
    b = ember.loc[ember[col].notna()].rename(
        columns={"Entity": "country", "Year": "year", "Code": "iso3", col: "intensity_g_per_kwh"}
    )
    b["iso3"] = b["iso3"].fillna("")
    b["vintage"] = "ember_lifecycle_2025"
    b["projection"] = False

    iea = pd.read_csv(
        shared / "math331_crypto" / "iea_co2_intensity_selected_regions_2015_2026.csv", skiprows=3
    )
    iea = iea.rename(columns={iea.columns[0]: "year"})
    c = iea.melt(id_vars="year", var_name="country", value_name="intensity_g_per_kwh")
    c["iso3"] = (
        c["country"]
        .map({"World": "OWID_WRL", "United States": "USA", "China": "CHN", "India": "IND"})
        .fillna("")
    )
    c["vintage"] = "iea_2025"
    # The IEA chart's last two years are forecasts (2024 is the last historical year in
    # the IEA's 2025 electricity reports; see grid.toml).
    c["projection"] = c["year"] >= 2025

    out = pd.concat([a, b, c], ignore_index=True)
    out["year"] = out["year"].astype(int)
    out["intensity_g_per_kwh"] = out["intensity_g_per_kwh"].astype(float)
    out = out.sort_values(["vintage", "country", "year"]).reset_index(drop=True)
    return out[["country", "iso3", "year", "intensity_g_per_kwh", "vintage", "projection"]]


def _manual(table: str) -> pd.DataFrame:
    frame = pd.read_csv(MANUAL, dtype={"year": "Int64", "months": str}, keep_default_na=False)
    return frame[frame["table"] == table].reset_index(drop=True)


def build_emission_factors(shared: Path) -> pd.DataFrame:
    """Both factor sets; the ``ipcc`` set is checked against the shared copy of CCAF's constants."""
    m = _manual("emission_factors")
    out = pd.DataFrame(
        {
            "factor_set": m["key"],
            "source": m["item"],
            "intensity_g_per_kwh": m["value"].astype(float),
            "reference": m["source"],
            "note": m["note"],
        }
    )
    check = pd.read_csv(shared / "cbeci_api_repo" / "cbeci_power_source_emission_factors.csv")
    check["source"] = check["source"].replace({"other_renewable": "other_renewables"})
    ipcc = out[out["factor_set"] == "ipcc"].set_index("source")["intensity_g_per_kwh"]
    for source, value in zip(check["source"], check["gco2e_per_kwh"], strict=True):
        if not np.isclose(ipcc[source], value, rtol=1e-6):
            raise ValueError(
                f"grid_manual.csv: ipcc {source} = {ipcc[source]} but CCAF code has {value}"
            )
    return out


def build_china_province_mix(shared: Path) -> pd.DataFrame:
    """China provincial generation by source (CCAF workbook, 8 provinces, 2019-2021)."""
    raw = pd.read_csv(
        shared / "cbeci_api_repo" / "china_province_generation_by_source_2019_2021.csv"
    )
    raw["source_url"] = (
        raw["source_url_as_given"]
        .replace("", np.nan)
        .groupby([raw["province"], raw["year"]])
        .transform("first")
    )
    out = pd.DataFrame(
        {
            "province": raw["province"],
            "year": raw["year"].astype(int),
            "source": raw["source"].str.lower(),
            "generation_twh": raw["generation_billion_kwh"].astype(float),
            "source_url": raw["source_url"].fillna(""),
        }
    )
    return out.sort_values(["province", "year", "source"]).reset_index(drop=True)


def build_china_grid_factors(shared: Path) -> pd.DataFrame:
    """MEE/NBS average electricity CO2 factors, long format, in g/kWh."""
    raw = pd.read_csv(
        shared / "china_grid_factors" / "china_grid_emission_factors_mee_nbs_2021_2022.csv"
    )
    parts = []
    for year in (2021, 2022, 2023):
        col = f"factor_{year}_kgCO2_per_kWh"
        part = raw.loc[raw[col].notna(), ["level", "name_en", "name_zh", col]].copy()
        part["year"] = year
        part["intensity_g_per_kwh"] = (part[col].astype(float) * 1000.0).round(4)
        parts.append(part.drop(columns=col))
    out = pd.concat(parts, ignore_index=True)
    order = {"national": 0, "national_excl_market_nonfossil": 1, "national_fossil": 2, "region": 3}
    out["_o"] = out["level"].map(order).fillna(4)
    out = out.sort_values(["_o", "name_en", "year"]).drop(columns="_o").reset_index(drop=True)
    return out[["level", "name_en", "name_zh", "year", "intensity_g_per_kwh"]]


def build_us_state_mix(shared: Path) -> pd.DataFrame:
    """EIA net generation by state and source (2004-2021), in TWh; 'US' = EIA's US total."""
    raw = pd.read_csv(
        shared / "cbeci_api_repo" / "updated-electricity-prod-source-stacked-US-state.csv"
    )
    raw = raw[raw["ENERGY SOURCE"] != "Total"]
    out = pd.DataFrame(
        {
            "state": raw["STATE"].replace({"US-TOTAL": "US", "US-Total": "US"}),
            "year": raw["YEAR"].astype(int),
            "source": raw["ENERGY SOURCE"].map(_EIA_SOURCES),
            "eia_source": raw["ENERGY SOURCE"],
            "generation_twh": raw["GENERATION (Megawatthours)"].astype(float) / 1e6,
        }
    )
    if out["source"].isna().any():
        bad = sorted(out.loc[out["source"].isna(), "eia_source"].unique())
        raise ValueError(f"us_state_mix: unmapped EIA source(s) {bad}")
    out["source"] = pd.Categorical(out["source"], categories=SOURCES, ordered=True)
    out = out.sort_values(["state", "year", "source"]).reset_index(drop=True)
    out["source"] = out["source"].astype(str)
    out["generation_twh"] = out["generation_twh"].round(9)
    return out[["state", "year", "source", "eia_source", "generation_twh"]]


def build_hydro_curtailment() -> pd.DataFrame:
    """Curtailed hydro (弃水电量) by region and year, from ``grid_manual.csv``."""
    m = _manual("hydro_curtailment")
    if (m["unit"] != "TWh").any():
        raise ValueError("grid_manual.csv: hydro_curtailment values must be in TWh")
    out = pd.DataFrame(
        {
            "region": m["key"],
            "year": m["year"].astype(int),
            "months": m["months"],
            "scope": m["item"],
            "curtailed_twh": m["value"].astype(float),
            "status": m["status"],
            "source_url": m["source"],
            "note": m["note"],
        }
    )
    return out.sort_values(["region", "year"]).reset_index(drop=True)


def build(shared_data: Path, out_dir: Path) -> list[Path]:
    """Write the grid tables into out_dir and return their paths."""
    shared = Path(shared_data)
    return [
        write_table(build_grid_mix(shared), out_dir, "grid_mix.csv"),
        write_table(build_grid_intensity(shared), out_dir, "grid_intensity.csv"),
        write_table(build_emission_factors(shared), out_dir, "emission_factors.csv"),
        write_table(build_china_province_mix(shared), out_dir, "china_province_mix.csv"),
        write_table(build_china_grid_factors(shared), out_dir, "china_grid_factors.csv"),
        write_table(build_us_state_mix(shared), out_dir, "us_state_mix.csv"),
        write_table(build_hydro_curtailment(), out_dir, "hydro_curtailment.csv"),
    ]
