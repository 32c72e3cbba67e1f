"""Yearly electricity mixes and carbon intensity: Ember's bulk CSV and OWID's energy dataset.

``fetch_*`` downloads (``hashcarbon data update`` only); ``parse_*`` are pure
functions of the CSV bytes returning tidy frames; ``*_rows`` map them onto the
``grid_mix`` [TWh] and ``grid_intensity`` [gCO2e/kWh] tables with their own
vintage (``ember_yearly_update``, ``owid_energy_update``), so they never mix
silently with the vintages the embedded build reproduces (CCAF's 2022 OWID
file).  URLs, licences and rhythms: ``data/sources/updates.toml``.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from hashcarbon.data.iotools._http import Payload, download
from hashcarbon.data.iotools.network import ParseError

EMBER_URL = "https://storage.googleapis.com/emb-prod-bkt-publicdata/public-downloads/yearly_full_release_long_format.csv"
OWID_URL = "https://owid-public.owid.io/data/energy/owid-energy-data.csv"

#: Ember 'Electricity generation' / 'Fuel' variables -> grid_mix sources.
EMBER_FUELS = {
    "Coal": "coal",
    "Gas": "gas",
    "Other Fossil": "oil",
    "Nuclear": "nuclear",
    "Hydro": "hydro",
    "Wind": "wind",
    "Solar": "solar",
    "Bioenergy": "bioenergy",
    "Other Renewables": "other_renewables",
}
EMBER_COLUMNS = (
    "Area",
    "ISO 3 code",
    "Year",
    "Category",
    "Subcategory",
    "Variable",
    "Unit",
    "Value",
)
#: OWID energy-data columns (codebook) -> grid_mix sources. [TWh]
OWID_FUELS = {
    "coal_electricity": "coal",
    "gas_electricity": "gas",
    "oil_electricity": "oil",
    "nuclear_electricity": "nuclear",
    "hydro_electricity": "hydro",
    "wind_electricity": "wind",
    "solar_electricity": "solar",
    "biofuel_electricity": "bioenergy",
    "other_renewable_exc_biofuel_electricity": "other_renewables",
}
OWID_INTENSITY = "carbon_intensity_elec"


def _csv(body: bytes, what: str, required: tuple[str, ...]) -> pd.DataFrame:
    if not body.strip():
        raise ParseError(f"{what}: empty body")
    if not body.endswith(b"\n"):
        raise ParseError(f"{what}: body does not end with a newline (truncated download)")
    try:
        frame = pd.read_csv(
            io.BytesIO(body), low_memory=False, keep_default_na=True, na_values=[""]
        )
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as err:
        raise ParseError(f"{what}: not a CSV ({str(err).splitlines()[0]})") from None
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ParseError(f"{what}: column(s) {', '.join(missing)} missing")
    if frame.empty:
        raise ParseError(f"{what}: header only, no rows")
    return frame


def fetch_ember(http, tmp_dir: Path) -> list[Payload]:
    """Download Ember's yearly full release (long format CSV)."""
    return [download(http, "ember_yearly", EMBER_URL, tmp_dir)]


def parse_ember(body: bytes) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Ember yearly long CSV -> (generation ``country, iso3, year, source, generation_twh``,
    intensity ``country, iso3, year, intensity_g_per_kwh``).

    Generation: Category 'Electricity generation', Subcategory 'Fuel', Unit 'TWh'
    ('Other Fossil' counts as oil).  Intensity: Variable 'CO2 intensity',
    Unit 'gCO2/kWh'.  'World' gets OWID's code ``OWID_WRL``; other areas without an
    ISO code keep a blank ``iso3``.
    """
    frame = _csv(body, "ember", EMBER_COLUMNS)
    frame = frame.assign(
        iso3=frame["ISO 3 code"].fillna("").astype(str).where(frame["Area"] != "World", "OWID_WRL"),
        year=pd.to_numeric(frame["Year"], errors="coerce"),
        value=pd.to_numeric(frame["Value"], errors="coerce"),
    )
    if frame["year"].isna().any():
        raise ParseError("ember: column 'Year' has a non-numeric value")
    gen = frame[
        (frame["Category"] == "Electricity generation")
        & (frame["Subcategory"] == "Fuel")
        & (frame["Unit"] == "TWh")
        & frame["Variable"].isin(list(EMBER_FUELS))
    ]
    if gen.empty:
        raise ParseError("ember: no 'Electricity generation' / 'Fuel' rows in TWh")
    gen = pd.DataFrame(
        {
            "country": gen["Area"].astype(str),
            "iso3": gen["iso3"],
            "year": gen["year"].astype(int),
            "source": gen["Variable"].map(EMBER_FUELS),
            "generation_twh": gen["value"],
        }
    ).dropna(subset=["generation_twh"])
    inten = frame[(frame["Variable"] == "CO2 intensity") & (frame["Unit"] == "gCO2/kWh")]
    inten = pd.DataFrame(
        {
            "country": inten["Area"].astype(str),
            "iso3": inten["iso3"],
            "year": inten["year"].astype(int),
            "intensity_g_per_kwh": inten["value"],
        }
    ).dropna(subset=["intensity_g_per_kwh"])
    _no_duplicates(gen, ["country", "year", "source"], "ember generation")
    _no_duplicates(inten, ["country", "year"], "ember intensity")
    return gen.reset_index(drop=True), inten.reset_index(drop=True)


def fetch_owid(http, tmp_dir: Path) -> list[Payload]:
    """Download OWID's energy dataset (owid-energy-data.csv)."""
    return [download(http, "owid_energy", OWID_URL, tmp_dir)]


def parse_owid(body: bytes) -> tuple[pd.DataFrame, pd.DataFrame]:
    """OWID energy-data CSV -> (generation, intensity) frames as :func:`parse_ember`.

    Columns per OWID's codebook: ``country, year, iso_code``, ``<source>_electricity``
    [TWh] and ``carbon_intensity_elec`` [gCO2/kWh].
    """
    frame = _csv(body, "owid", ("country", "year", "iso_code", *OWID_FUELS, OWID_INTENSITY))
    year = pd.to_numeric(frame["year"], errors="coerce")
    if year.isna().any():
        raise ParseError("owid: column 'year' has a non-numeric value")
    frame = frame.assign(year=year.astype(int), iso3=frame["iso_code"].fillna("").astype(str))
    frame.loc[frame["country"] == "World", "iso3"] = "OWID_WRL"
    long = frame.melt(
        id_vars=["country", "iso3", "year"],
        value_vars=list(OWID_FUELS),
        var_name="col",
        value_name="generation_twh",
    )
    long["generation_twh"] = pd.to_numeric(long["generation_twh"], errors="coerce")
    gen = long.dropna(subset=["generation_twh"]).assign(source=lambda d: d["col"].map(OWID_FUELS))
    gen = gen[["country", "iso3", "year", "source", "generation_twh"]]
    inten = frame[["country", "iso3", "year", OWID_INTENSITY]].rename(
        columns={OWID_INTENSITY: "intensity_g_per_kwh"}
    )
    inten = inten.assign(
        intensity_g_per_kwh=pd.to_numeric(inten["intensity_g_per_kwh"], errors="coerce")
    )
    inten = inten.dropna(subset=["intensity_g_per_kwh"])
    _no_duplicates(gen, ["country", "year", "source"], "owid generation")
    _no_duplicates(inten, ["country", "year"], "owid intensity")
    return gen.reset_index(drop=True), inten.reset_index(drop=True)


def _no_duplicates(frame: pd.DataFrame, key: list[str], what: str) -> None:
    dup = frame.duplicated(key)
    if dup.any():
        row = frame[dup].iloc[0]
        raise ParseError(f"{what}: duplicated {', '.join(f'{k}={row[k]}' for k in key)}")


def grid_rows(
    gen: pd.DataFrame, inten: pd.DataFrame, vintage: str, embedded_mix: pd.DataFrame | None = None
) -> dict[str, pd.DataFrame]:
    """Tidy frames -> ``{"grid_mix": rows, "grid_intensity": rows}`` with ``vintage``.

    Country names follow the embedded table where the ISO code matches.  For
    ``grid_mix`` only country-years the embedded mix lacks are kept (its
    2000-2021 vintages stay as CCAF used them); ``grid_intensity`` rows carry
    their own vintage, so all years are kept.
    """
    gen = gen.copy()
    inten = inten.copy()
    if embedded_mix is not None and not embedded_mix.empty:
        names = (
            embedded_mix[embedded_mix["iso3"].fillna("") != ""]
            .drop_duplicates("iso3")
            .set_index("iso3")["country"]
        )
        for f in (gen, inten):
            f["country"] = f["iso3"].map(names).fillna(f["country"])
        have = pd.MultiIndex.from_frame(embedded_mix[["country", "year"]].drop_duplicates())
        gen = gen[~pd.MultiIndex.from_frame(gen[["country", "year"]]).isin(have)]
    mix = gen.assign(
        iso3=gen["iso3"].replace("", pd.NA),
        generation_twh=gen["generation_twh"].clip(lower=0.0).round(6),
        vintage=vintage,
        derived=False,
    )[["country", "iso3", "year", "source", "generation_twh", "vintage", "derived"]]
    intensity = inten.assign(
        iso3=inten["iso3"].replace("", pd.NA),
        intensity_g_per_kwh=inten["intensity_g_per_kwh"].round(3),
        vintage=vintage,
        projection=False,
    )[["country", "iso3", "year", "intensity_g_per_kwh", "vintage", "projection"]]
    return {
        "grid_mix": mix.sort_values(["country", "year", "source"]).reset_index(drop=True),
        "grid_intensity": intensity.sort_values(["country", "year"]).reset_index(drop=True),
    }
