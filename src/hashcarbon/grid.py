r"""Electricity grids: generation mixes, emission factors and carbon intensities.

A grid's carbon coefficient is the generation-weighted mean of per-source
life-cycle emission factors (Cambridge Bitcoin Electricity Consumption Index,
GHG methodology [1]_):

.. math:: c_{r,y} = \sum_s m_{r,y,s}\, f_s, \qquad m_{r,y,s} = \frac{g_{r,y,s}}{\sum_k g_{r,y,k}}

with :math:`g` the generation by source (table ``grid_mix``, OWID BP/Ember
2022, the vintage Cambridge used) and :math:`f` a factor set (table
``emission_factors``: ``"ccaf"`` = Cambridge since Jul 2022, ``"ipcc"`` =
IPCC AR5 as in Cambridge's earlier code, or any ``{source: g/kWh}`` dict).

Nine sources are used throughout (:data:`SOURCES`); ``other_renewables``
excludes bioenergy.  Cambridge applies one "other renewables" factor to
OWID's other renewables *including* bioenergy; both shipped factor sets
therefore give ``bioenergy`` the same factor as ``other_renewables``, which
reproduces Cambridge's numbers (world 2019 = 512.8 g/kWh with ``"ccaf"``).

When a country-year is missing, Cambridge's code takes the latest earlier
year, at most two years back (``calc_co2_coefficient.py``,
``estimated_co2_coefficient``); :func:`mix_shares` does the same and flags it.

References
----------
.. [1] Cambridge Centre for Alternative Finance (2022), "Cambridge Bitcoin
   Electricity Consumption Index: greenhouse gas emissions methodology",
   https://ccaf.io/cbnsi/cbeci/ghg/methodology; code:
   github.com/CambridgeAltFin/ccaf_cbeci_api,
   ``api/console/commands/data/calc_co2_coefficient.py`` and
   ``api/components/gas_emission/co2_statistic.py``.
.. [2] NREL (2021), "Life Cycle Greenhouse Gas Emissions from Electricity
   Generation: Update", NREL/FS-6A50-80580 (values of the ``"ccaf"`` set).
.. [3] Schlömer S. et al. (2014), "Annex III: Technology-specific cost and
   performance parameters", in IPCC AR5 WGIII (values of the ``"ipcc"`` set).
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from hashcarbon import _check
from hashcarbon.data import load_table
from hashcarbon.data._registry import data_dir, get_spec
from hashcarbon.errors import InputError, ParameterError
from hashcarbon.vocabulary import RENEWABLE_SOURCES, SOURCES, SUSTAINABLE_SOURCES

#: The nine generation sources, Cambridge's sustainable sources and the renewable ones
#: are defined once in :mod:`hashcarbon.vocabulary`.
#: Mix vintage Cambridge used for its published GHG index (OWID BP/Ember 2022).
CCAF_VINTAGE = "owid_bp_ember_2022"
#: All vintages in ``grid_mix``, in order of preference.
ALL_VINTAGES: tuple[str, ...] = (CCAF_VINTAGE, "owid_ccaf_repo_2024")
#: Years Cambridge's code falls back when a country-year mix is missing. [yr]
CCAF_MAX_FALLBACK_YEARS = 2
#: Wet (high-water) season in Sichuan and Yunnan: May to October (SCMP, "starts in May,
#: lasts 4-5 months", http://www.scmp.com/business/banking-finance/article/3035665;
#: https://covideosnews.com/investing/sichuan-rainy-season-to-give-bitcoin-hash-rate-a-much-needed-jolt/).
WET_SEASON_MONTHS: tuple[int, ...] = (5, 6, 7, 8, 9, 10)
#: Sources of China's provincial statistics, in ``china_province_mix``.
PROVINCE_SOURCES: tuple[str, ...] = ("thermal", "hydro", "nuclear", "wind", "solar")
#: Vintages of ``grid_intensity`` usable as ``intensity_path(source=...)``.
INTENSITY_VINTAGES: tuple[str, ...] = (
    "ember_2022_combustion",
    "ember_lifecycle_2025",
    "iea_2025",
)
PROJECTIONS: tuple[str, ...] = ("hold", "linear_trend", "iea_world_relative")

_SHARE_COLS = [f"{s}_share" for s in SOURCES]


# --------------------------------------------------------------------------- factors
def emission_factors(factor_set: str | Mapping[str, float] = "ccaf") -> dict[str, float]:
    """Per-source emission factors of a factor set.

    Parameters
    ----------
    factor_set : str or mapping
        ``"ccaf"`` (Cambridge 2022; NREL 2021 life-cycle medians [2]_), ``"ipcc"``
        (IPCC AR5 Annex III medians as coded by Cambridge before Jul 2022 [3]_), or a
        user mapping ``{source: factor}`` with keys from :data:`SOURCES`. [gCO2e/kWh]

    Returns
    -------
    factors : dict
        ``{source: intensity_g_per_kwh}``. [gCO2e/kWh]

    Raises
    ------
    ParameterError
        Unknown set name, unknown source key, or a negative / non-finite factor.

    Examples
    --------
    >>> emission_factors("ccaf")["coal"]
    1001.0
    >>> emission_factors({"coal": 900, "hydro": 0})["coal"]
    900.0
    """
    if isinstance(factor_set, str):
        table = load_table("emission_factors")
        sets = sorted(table["factor_set"].unique())
        if factor_set not in sets:
            raise ParameterError(
                f"factor_set: unknown set {factor_set!r}; expected one of {', '.join(sets)} "
                "or a dict {source: g/kWh}"
            )
        sub = table[table["factor_set"] == factor_set]
        return {s: float(v) for s, v in zip(sub["source"], sub["intensity_g_per_kwh"], strict=True)}
    if not isinstance(factor_set, Mapping):
        raise ParameterError(
            f"factor_set: expected a set name or a dict {{source: g/kWh}}, got {type(factor_set).__name__}"
        )
    out: dict[str, float] = {}
    for key, value in factor_set.items():
        if key not in SOURCES:
            raise ParameterError(
                f"factor_set: unknown source {key!r}; expected keys from {', '.join(SOURCES)}"
            )
        try:
            v = float(value)
        except (TypeError, ValueError):
            raise ParameterError(
                f"factor_set[{key!r}]: expected a number in g/kWh, got {value!r}"
            ) from None
        if not np.isfinite(v) or v < 0:
            raise ParameterError(
                f"factor_set[{key!r}]: expected a finite value >= 0 g/kWh, got {value!r}"
            )
        out[key] = v
    return out


def _share_arrays(shares) -> tuple[dict[str, np.ndarray], object]:
    """Normalise ``shares`` to ``{source: array}``; return the index for a DataFrame input."""
    if isinstance(shares, pd.DataFrame):
        cols = [
            c for c in shares.columns if c.endswith("_share") and c[: -len("_share")] in SOURCES
        ]
        if not cols:
            raise InputError(
                "shares: DataFrame has no '<source>_share' columns; expected e.g. coal_share, hydro_share"
            )
        return {c[: -len("_share")]: shares[c].to_numpy(dtype=float) for c in cols}, shares.index
    if isinstance(shares, pd.Series):
        shares = shares.to_dict()
    if not isinstance(shares, Mapping):
        raise InputError(
            f"shares: expected a DataFrame with '<source>_share' columns or a dict, got {type(shares).__name__}"
        )
    out = {}
    for key, value in shares.items():
        name = key[: -len("_share")] if isinstance(key, str) and key.endswith("_share") else key
        if name not in SOURCES:
            raise InputError(
                f"shares: unknown source {key!r}; expected keys from {', '.join(SOURCES)}"
            )
        out[name] = np.asarray(value, dtype=float)
    if not out:
        raise InputError("shares: empty; expected at least one source share")
    return out, None


def coefficient_g_per_kwh(shares, factor_set: str | Mapping[str, float] = "ccaf"):
    r"""Carbon coefficient of a generation mix, :math:`\sum_s m_s f_s`.

    Parameters
    ----------
    shares : pandas.DataFrame or mapping
        Generation shares by source: a frame with ``<source>_share`` columns (as
        returned by :func:`mix_shares`) or a mapping ``{source: share}`` whose values
        are scalars or arrays of one shape. Shares must sum to 1 (±1e-6); sources not
        given count as 0. [-]
    factor_set : str or mapping, default "ccaf"
        See :func:`emission_factors`. [gCO2e/kWh]

    Returns
    -------
    intensity_g_per_kwh : float, numpy.ndarray or pandas.Series
        Series (aligned to the frame) for a DataFrame, otherwise float or array.
        [gCO2e/kWh]

    Raises
    ------
    InputError
        Unknown source, negative share, or shares not summing to 1.
    ParameterError
        A source with a non-zero share has no factor in the set.

    Notes
    -----
    CBECI GHG methodology [1]_ (``CO2_Coef`` in ``calc_co2_coefficient.py``).

    Examples
    --------
    >>> coefficient_g_per_kwh({"coal": 0.5, "hydro": 0.5})
    511.0
    """
    arrays, index = _share_arrays(shares)
    factors = emission_factors(factor_set)
    try:
        stacked = np.stack(np.broadcast_arrays(*arrays.values()), axis=0)
    except ValueError:
        raise InputError("shares: the share arrays have incompatible shapes") from None
    if np.any(stacked < -1e-12):
        raise InputError("shares: expected shares >= 0")
    total = stacked.sum(axis=0)
    bad = np.isfinite(total) & (np.abs(total - 1.0) > 1e-6)
    if np.any(bad):
        raise InputError(
            f"shares: expected shares summing to 1, got {float(np.asarray(total)[bad].flat[0]):.6g}"
        )
    result = np.zeros(stacked.shape[1:], dtype=float)
    for name, arr in zip(arrays, stacked, strict=True):
        if name not in factors:
            if np.any(arr > 0):
                raise ParameterError(
                    f"factor_set: no factor for source {name!r}, which has a non-zero share"
                )
            continue
        result = result + arr * factors[name]
    result = np.where(np.isfinite(total), result, np.nan)
    if index is not None:
        return pd.Series(result, index=index, name="intensity_g_per_kwh")
    return float(result) if result.ndim == 0 else result


def sustainable_share(shares):
    """Cambridge's sustainable share: hydro + nuclear + wind + solar + other renewables.

    Other renewables include bioenergy, as in the OWID column Cambridge used.

    Parameters
    ----------
    shares : pandas.DataFrame or mapping
        As in :func:`coefficient_g_per_kwh`. [-]

    Returns
    -------
    sustainable_share : float, numpy.ndarray or pandas.Series
        [-]

    Examples
    --------
    >>> sustainable_share({"coal": 0.5, "nuclear": 0.2, "hydro": 0.3})
    0.5
    """
    return _sum_sources(shares, SUSTAINABLE_SOURCES, "sustainable_share")


def renewable_share(shares):
    """Renewable share: the sustainable share without nuclear.

    Examples
    --------
    >>> renewable_share({"coal": 0.5, "nuclear": 0.2, "hydro": 0.3})
    0.3
    """
    return _sum_sources(shares, RENEWABLE_SOURCES, "renewable_share")


def _sum_sources(shares, keep, name):
    arrays, index = _share_arrays(shares)
    parts = [arr for src, arr in arrays.items() if src in keep]
    out = np.sum(np.broadcast_arrays(*parts), axis=0) if parts else np.zeros(())
    out = np.asarray(out, dtype=float)
    if index is not None:
        return pd.Series(out, index=index, name=name)
    return float(out) if out.ndim == 0 else out


# --------------------------------------------------------------------------- country mixes
def _complete_mix(vintages: Sequence[str]) -> pd.DataFrame:
    """Wide shares of the complete country-years of ``vintages`` (first vintage wins)."""
    path = data_dir() / get_spec("grid_mix").filename
    mtime = path.stat().st_mtime_ns if path.is_file() else -1
    return _complete_mix_cached(tuple(vintages), str(path), mtime).copy()


@functools.lru_cache(maxsize=8)
def _complete_mix_cached(vintages: tuple[str, ...], path: str, mtime_ns: int) -> pd.DataFrame:
    unknown = [v for v in vintages if v not in ALL_VINTAGES]
    if unknown or not vintages:
        raise ParameterError(
            f"vintages: expected a non-empty sequence from {', '.join(ALL_VINTAGES)}, got {list(vintages)!r}"
        )
    mix = load_table("grid_mix")
    mix = mix[mix["vintage"].isin(list(vintages))]
    rank = {v: i for i, v in enumerate(vintages)}
    mix = mix.assign(_rank=mix["vintage"].map(rank))
    best = mix.groupby(["country", "year"])["_rank"].transform("min")
    mix = mix[mix["_rank"] == best]
    wide = mix.pivot_table(
        index=["country", "year"], columns="source", values="generation_twh", aggfunc="first"
    )
    wide = wide.reindex(columns=list(SOURCES))
    meta = mix.groupby(["country", "year"]).agg(
        iso3=("iso3", "first"), vintage=("vintage", "first"), derived=("derived", "any")
    )
    total = wide.sum(axis=1, min_count=len(SOURCES))
    ok = wide.notna().all(axis=1) & (total > 0)
    shares = wide[ok].div(total[ok], axis=0)
    shares.columns = _SHARE_COLS
    out = meta[ok].join(shares).reset_index()
    out["iso3"] = out["iso3"].fillna("")
    return out


def _resolve_regions(
    requested, known_names: pd.Series, known_codes: pd.Series, what: str
) -> list[str]:
    """Map names or codes to canonical names; one-line InputError for unknown ones."""
    # one row per distinct (name, code) pair, in order of first appearance: the tables
    # have a row per name and year, and iterating them row by row (Arrow-backed strings)
    # cost seconds per call
    pairs = pd.DataFrame(
        {
            "name": np.asarray(known_names, dtype=object),
            "code": np.asarray(known_codes, dtype=object),
        }
    ).drop_duplicates()
    names = list(dict.fromkeys(pairs["name"]))
    name_set = set(names)
    by_code = {}
    for n, c in zip(pairs["name"], pairs["code"], strict=True):
        if isinstance(c, str) and c:
            by_code.setdefault(c.upper(), n)
    by_lower = {n.lower(): n for n in names}
    out = []
    for r in requested:
        key = str(r)
        if key in name_set:
            out.append(key)
        elif key.lower() in by_lower:
            out.append(by_lower[key.lower()])
        elif key.upper() in by_code:
            out.append(by_code[key.upper()])
        else:
            close = difflib.get_close_matches(key, names, n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise InputError(f"{what}: unknown region {key!r}{hint}")
    return out


def _as_years(years, what: str = "years") -> np.ndarray:
    arr = np.atleast_1d(np.asarray(years))
    if arr.size == 0:
        raise InputError(f"{what}: expected at least one year")
    try:
        ints = arr.astype(int)
    except (TypeError, ValueError):
        raise InputError(f"{what}: expected integer years, got {years!r}") from None
    if not np.all(ints == arr.astype(float)):
        raise InputError(f"{what}: expected integer years, got {years!r}")
    return ints


def _fallback_join(
    request: pd.DataFrame, available: pd.DataFrame, key: str, max_fallback_years: int | None
) -> pd.DataFrame:
    """For each requested (key, year) take the latest available year <= year (within the window)."""
    req = request.assign(_order=np.arange(len(request))).sort_values("year", kind="stable")
    avail = available.rename(columns={"year": "data_year"}).sort_values("data_year", kind="stable")
    avail = avail.assign(year=avail["data_year"])
    tolerance = None if max_fallback_years is None else int(max_fallback_years)
    merged = pd.merge_asof(
        req,
        avail,
        on="year",
        by=key,
        direction="backward",
        tolerance=tolerance,
    )
    return merged.sort_values("_order").drop(columns="_order").reset_index(drop=True)


def mix_shares(
    countries: Sequence[str] | str | None = None,
    years=None,
    *,
    vintages: Sequence[str] = (CCAF_VINTAGE,),
    max_fallback_years: int | None = CCAF_MAX_FALLBACK_YEARS,
    on_missing: str = "raise",
) -> pd.DataFrame:
    """Generation shares by source for countries (or aggregates such as World) x years.

    Parameters
    ----------
    countries : str or sequence of str, optional
        OWID names (``"United States"``, ``"World"``) or OWID codes (``"USA"``,
        ``"OWID_WRL"``), case-insensitive. Default: every entity of the table.
    years : int or array-like of int, optional
        Default: every year with data (then no fallback happens).
    vintages : sequence of str, default ("owid_bp_ember_2022",)
        Mix vintages to use, in order of preference; add ``"owid_ccaf_repo_2024"`` to
        reach 2022 (a later OWID export; not what Cambridge used).
    max_fallback_years : int or None, default 2
        A missing or incomplete country-year takes the latest earlier complete year at
        most this many years back (Cambridge's rule [1]_); ``None`` = no limit,
        ``0`` = no fallback. [yr]
    on_missing : {"raise", "nan"}, default "raise"
        What to do when no data is within the window.

    Returns
    -------
    shares : pandas.DataFrame
        Columns ``country, iso3, year, data_year, filled, vintage, derived`` and
        ``<source>_share`` for each of :data:`SOURCES` (rows sum to 1). ``filled``
        is True when ``data_year < year``; ``derived`` when OWID's "other renewables
        excl. bioenergy" was derived (see ``hashcarbon data info``). [-]

    Raises
    ------
    InputError
        Unknown country, bad years, or (``on_missing="raise"``) no data in the window.

    Examples
    --------
    >>> s = mix_shares("World", 2019)
    >>> round(float(s["coal_share"].iloc[0]), 4)
    0.3658
    """
    if on_missing not in ("raise", "nan"):
        raise ParameterError(f"on_missing: expected 'raise' or 'nan', got {on_missing!r}")
    if max_fallback_years is not None and (int(max_fallback_years) < 0):
        raise ParameterError(
            f"max_fallback_years: expected an integer >= 0 or None, got {max_fallback_years!r}"
        )
    complete = _complete_mix(tuple(vintages))
    mix = load_table("grid_mix")
    if countries is None:
        names = sorted(complete["country"].unique())
    else:
        req = [countries] if isinstance(countries, str) else list(countries)
        names = _resolve_regions(req, mix["country"], mix["iso3"], "countries")
    if years is None:
        out = complete[complete["country"].isin(names)].copy()
        out.insert(3, "data_year", out["year"])
        out.insert(4, "filled", False)
        return out.sort_values(["country", "year"]).reset_index(drop=True)
    yrs = _as_years(years)
    grid = pd.DataFrame({"country": np.repeat(names, len(yrs)), "year": np.tile(yrs, len(names))})
    merged = _fallback_join(grid, complete.drop(columns=["iso3"]), "country", max_fallback_years)
    missing = merged["data_year"].isna()
    if missing.any() and on_missing == "raise":
        row = merged[missing].iloc[0]
        window = (
            "any earlier year"
            if max_fallback_years is None
            else f"{int(max_fallback_years)} earlier year(s)"
        )
        raise InputError(
            f"grid_mix: no complete mix for {row['country']!r} in {int(row['year'])} or {window} "
            f"(vintages {', '.join(vintages)})"
        )
    iso = mix.groupby("country")["iso3"].first().fillna("")
    merged.insert(1, "iso3", merged["country"].map(iso).fillna(""))
    merged["data_year"] = merged["data_year"].astype("Int64")
    merged.insert(4, "filled", (merged["data_year"] < merged["year"]).fillna(False).astype(bool))
    cols = ["country", "iso3", "year", "data_year", "filled", "vintage", "derived", *_SHARE_COLS]
    return merged[cols]


def country_coefficients(
    years=None,
    factor_set: str | Mapping[str, float] = "ccaf",
    countries: Sequence[str] | str | None = None,
    **mix_kwargs,
) -> pd.DataFrame:
    """Carbon coefficient of each country's grid by year.

    Parameters
    ----------
    years : int or array-like of int, optional
        Default: every year with data.
    factor_set : str or mapping, default "ccaf"
        See :func:`emission_factors`. [gCO2e/kWh]
    countries : str or sequence of str, optional
        Default: every entity of ``grid_mix``.
    **mix_kwargs
        Passed to :func:`mix_shares` (``vintages``, ``max_fallback_years``, ``on_missing``).

    Returns
    -------
    coefficients : pandas.DataFrame
        ``country, iso3, year, data_year, filled, vintage, intensity_g_per_kwh``. [gCO2e/kWh]

    Examples
    --------
    >>> c = country_coefficients(2019, countries=["China", "Canada"])
    >>> [round(v, 1) for v in c["intensity_g_per_kwh"]]
    [673.9, 142.1]
    """
    shares = mix_shares(countries, years, **mix_kwargs)
    out = shares[["country", "iso3", "year", "data_year", "filled", "vintage"]].copy()
    out["intensity_g_per_kwh"] = coefficient_g_per_kwh(shares, factor_set).to_numpy()
    return out


def world_coefficient(year, factor_set: str | Mapping[str, float] = "ccaf", **mix_kwargs):
    """Carbon coefficient of the world grid mix in ``year`` (Cambridge's "Historical" interval).

    Parameters
    ----------
    year : int or array-like of int
    factor_set : str or mapping, default "ccaf"
        See :func:`emission_factors`. [gCO2e/kWh]
    **mix_kwargs
        Passed to :func:`mix_shares`.

    Returns
    -------
    intensity_g_per_kwh : float or numpy.ndarray
        [gCO2e/kWh]

    Examples
    --------
    >>> round(world_coefficient(2019), 1)
    512.8
    """
    c = country_coefficients(year, factor_set, countries="World", **mix_kwargs)
    values = c["intensity_g_per_kwh"].to_numpy(dtype=float)
    return float(values[0]) if np.ndim(year) == 0 else values


# --------------------------------------------------------------------------- China provinces
def _province_annual_mix(
    province: str, year: int, max_fallback_years: int | None
) -> tuple[pd.Series, int]:
    table = load_table("china_province_mix")
    name = _resolve_regions(
        [province], table["province"], pd.Series([""] * len(table)), "province"
    )[0]
    sub = table[table["province"] == name]
    years = np.array(sorted(sub["year"].unique()))
    ok = years[
        (years <= year)
        & ((max_fallback_years is None) | (years >= year - (max_fallback_years or 0)))
    ]
    if ok.size == 0:
        raise InputError(
            f"year: china_province_mix covers {years.min()}-{years.max()} for {name}; got {year}"
        )
    data_year = int(ok.max())
    gen = sub[sub["year"] == data_year].set_index("source")["generation_twh"]
    return gen.reindex(list(PROVINCE_SOURCES)).fillna(0.0), data_year


def _seasonal_province_mix(
    gen: pd.Series,
    season,
    season_model: str,
    wet_season_hydro_share: float | None,
    wet_months: Sequence[int],
) -> pd.Series:
    """Generation in the requested season under the chosen seasonal model. [TWh]"""
    wet = sorted({int(m) for m in wet_months})
    if not wet or any(m < 1 or m > 12 for m in wet) or len(wet) == 12:
        raise ParameterError(
            f"wet_months: expected 1-11 distinct months in 1..12, got {list(wet_months)!r}"
        )
    if season == "annual":
        months = list(range(1, 13))
    elif season == "wet":
        months = wet
    elif season == "dry":
        months = [m for m in range(1, 13) if m not in wet]
    elif isinstance(season, (int, np.integer)) and 1 <= int(season) <= 12:
        months = [int(season)]
    else:
        raise InputError(f"season: expected 'annual', 'wet', 'dry' or a month 1-12, got {season!r}")
    if season_model == "annual":
        return gen
    if season_model != "hydro_share":
        raise ParameterError(
            f"season_model: expected 'annual' or 'hydro_share', got {season_model!r}"
        )
    if wet_season_hydro_share is None:
        raise ParameterError(
            "wet_season_hydro_share: required with season_model='hydro_share' "
            "(fraction of the year's hydro generated in the wet months; no sourced default)"
        )
    w = float(wet_season_hydro_share)
    if not 0.0 <= w <= 1.0:
        raise ParameterError(
            f"wet_season_hydro_share: expected a fraction in [0, 1], got {wet_season_hydro_share!r}"
        )
    n_wet, n_dry = len(wet), 12 - len(wet)
    hydro_per_month = np.array([w / n_wet if m in wet else (1.0 - w) / n_dry for m in range(1, 13)])
    out = gen * (len(months) / 12.0)  # non-hydro sources flat through the year
    out["hydro"] = gen["hydro"] * hydro_per_month[[m - 1 for m in months]].sum()
    return out


def china_province_shares(
    province: str,
    year: int,
    season="annual",
    *,
    season_model: str = "annual",
    wet_season_hydro_share: float | None = None,
    wet_months: Sequence[int] = WET_SEASON_MONTHS,
    thermal_as: str = "coal",
    max_fallback_years: int | None = CCAF_MAX_FALLBACK_YEARS,
) -> dict[str, float]:
    """Generation shares of a Chinese province's grid (table ``china_province_mix``).

    Parameters
    ----------
    province : str
        One of the eight provinces of the table (Sichuan, Yunnan, Xinjiang, Inner
        Mongolia, Qinghai, Gansu, Shanxi, Beijing).
    year : int
        2019-2021; later years take the latest earlier year (``max_fallback_years``).
    season : {"annual", "wet", "dry"} or int, default "annual"
        Period of the mix; an int is a month 1-12.
    season_model : {"annual", "hydro_share"}, default "annual"
        ``"annual"``: the annual mix whatever the season (assumption: no seasonal
        model). Cambridge used a wet/dry-season provincial workbook that is **not
        public**, so its seasonal mixes cannot be reproduced. ``"hydro_share"``:
        hydro generation is split between wet and dry months by
        ``wet_season_hydro_share`` (evenly within each), other sources are flat
        through the year.
    wet_season_hydro_share : float, optional
        Fraction of the year's hydro generated in ``wet_months``; required with
        ``season_model="hydro_share"``. No sourced default was found. [-]
    wet_months : sequence of int, default May-October
        Wet-season months (:data:`WET_SEASON_MONTHS`).
    thermal_as : str, default "coal"
        Source whose factor applies to thermal generation (Cambridge: coal).
    max_fallback_years : int or None, default 2
        As in :func:`mix_shares`. [yr]

    Returns
    -------
    shares : dict
        ``{source: share}`` over :data:`SOURCES` keys (zeros omitted), summing to 1. [-]

    Examples
    --------
    >>> s = china_province_shares("Sichuan", 2019)
    >>> round(s["hydro"], 4)
    0.8378
    """
    if thermal_as not in SOURCES:
        raise ParameterError(
            f"thermal_as: expected one of {', '.join(SOURCES)}, got {thermal_as!r}"
        )
    gen, _ = _province_annual_mix(province, int(year), max_fallback_years)
    gen = _seasonal_province_mix(gen, season, season_model, wet_season_hydro_share, wet_months)
    total = float(gen.sum())
    if total <= 0:
        raise InputError(f"province: {province!r} has no generation in {year}")
    out: dict[str, float] = {}
    for src, value in gen.items():
        key = thermal_as if src == "thermal" else src
        out[key] = out.get(key, 0.0) + float(value) / total
    return {k: v for k, v in out.items() if v > 0}


def china_province_coefficient(
    province: str,
    year,
    season="annual",
    *,
    basis: str = "mix",
    factor_set: str | Mapping[str, float] = "ccaf",
    max_fallback_years: int | None = CCAF_MAX_FALLBACK_YEARS,
    **season_kwargs,
):
    """Carbon coefficient of a Chinese province's grid.

    Parameters
    ----------
    province : str
        Province name in English (``"Sichuan"``, ``"Inner Mongolia"``).
    year : int or array-like of int
    season : {"annual", "wet", "dry"} or int, default "annual"
        See :func:`china_province_shares` (only with ``basis="mix"``).
    basis : {"mix", "mee"}, default "mix"
        ``"mix"``: provincial generation mix x ``factor_set``, thermal treated as
        coal (Cambridge [1]_). ``"mee"``: the official MEE/NBS average electricity
        CO2 factor of the province (table ``china_grid_factors``, 2021-2022; CO2 only,
        consumption-based, includes imports) - season is ignored.
    factor_set : str or mapping, default "ccaf"
        See :func:`emission_factors` (``basis="mix"`` only).
    max_fallback_years : int or None, default 2
        Later years take the latest earlier year with data (Cambridge's rule). [yr]
    **season_kwargs
        ``season_model``, ``wet_season_hydro_share``, ``wet_months``, ``thermal_as``
        (see :func:`china_province_shares`).

    Returns
    -------
    intensity_g_per_kwh : float or numpy.ndarray
        [gCO2e/kWh] (``"mee"``: gCO2/kWh)

    Examples
    --------
    >>> round(china_province_coefficient("Sichuan", 2019), 1)
    155.1
    >>> china_province_coefficient("Sichuan", 2021, basis="mee")
    125.5
    """
    years = _as_years(year, "year")
    if basis == "mix":
        values = [
            coefficient_g_per_kwh(
                china_province_shares(
                    province, int(y), season, max_fallback_years=max_fallback_years, **season_kwargs
                ),
                factor_set,
            )
            for y in years
        ]
    elif basis == "mee":
        if season_kwargs:
            raise ParameterError(
                f"{', '.join(season_kwargs)}: not used with basis='mee' (an annual official factor)"
            )
        table = load_table("china_grid_factors")
        prov = table[table["level"] == "province"]
        name = _resolve_regions([province], prov["name_en"], prov["name_zh"], "province")[0]
        sub = prov[prov["name_en"] == name][["year", "intensity_g_per_kwh"]].assign(key=name)
        req = pd.DataFrame({"key": name, "year": years})
        merged = _fallback_join(req, sub, "key", max_fallback_years)
        if merged["intensity_g_per_kwh"].isna().any():
            bad = int(merged.loc[merged["intensity_g_per_kwh"].isna(), "year"].iloc[0])
            raise InputError(
                f"year: china_grid_factors covers {sub['year'].min()}-{sub['year'].max()} for {name}; got {bad}"
            )
        values = merged["intensity_g_per_kwh"].to_numpy(dtype=float)
    else:
        raise ParameterError(f"basis: expected 'mix' or 'mee', got {basis!r}")
    arr = np.asarray(values, dtype=float)
    return float(arr[0]) if np.ndim(year) == 0 else arr


# --------------------------------------------------------------------------- US states
def us_state_shares(state: str, year, *, max_fallback_years: int | None = None) -> pd.DataFrame:
    """Generation shares of a US state's grid (EIA, table ``us_state_mix``).

    Parameters
    ----------
    state : str
        Two-letter code (``"TX"``) or ``"US"`` for the US total.
    year : int or array-like of int
        Years after 2021 take the latest earlier year; Cambridge forward-fills the
        state mixes without limit (``populate_df`` in ``pow_ghg_emissions.py``), hence
        the default ``max_fallback_years=None``.
    max_fallback_years : int or None, default None
        [yr]

    Returns
    -------
    shares : pandas.DataFrame
        ``state, year, data_year, filled`` and ``<source>_share`` columns. Negative net
        generation (pumped storage) is set to 0 before normalising (assumption);
        EIA "Other" counts as other renewables (Cambridge's mapping). [-]

    Examples
    --------
    >>> s = us_state_shares("WA", 2020)
    >>> round(float(s["hydro_share"].iloc[0]), 3)
    0.659
    """
    table = load_table("us_state_mix")
    code = str(state).upper()
    if code not in set(table["state"]):
        raise InputError(
            f"state: unknown US state code {state!r}; expected a two-letter code or 'US'"
        )
    years = _as_years(year, "year")
    sub = table[table["state"] == code]
    wide = sub.pivot_table(index="year", columns="source", values="generation_twh", aggfunc="sum")
    wide = wide.reindex(columns=list(SOURCES)).fillna(0.0).clip(lower=0.0)
    shares = wide.div(wide.sum(axis=1), axis=0)
    shares.columns = _SHARE_COLS
    shares = shares.reset_index().assign(state=code)
    req = pd.DataFrame({"state": code, "year": years})
    merged = _fallback_join(req, shares, "state", max_fallback_years)
    if merged["data_year"].isna().any():
        bad = int(merged.loc[merged["data_year"].isna(), "year"].iloc[0])
        raise InputError(
            f"year: us_state_mix covers {sub['year'].min()}-{sub['year'].max()} for {code}; got {bad}"
        )
    merged["data_year"] = merged["data_year"].astype(int)
    merged.insert(3, "filled", merged["data_year"] < merged["year"])
    return merged[["state", "year", "data_year", "filled", *_SHARE_COLS]]


def us_state_coefficient(
    state: str,
    year,
    factor_set: str | Mapping[str, float] = "ccaf",
    *,
    max_fallback_years: int | None = None,
):
    """Carbon coefficient of a US state's grid (EIA mix x factor set).

    Parameters
    ----------
    state : str
        Two-letter code or ``"US"``.
    year : int or array-like of int
    factor_set : str or mapping, default "ccaf"
    max_fallback_years : int or None, default None
        See :func:`us_state_shares`. [yr]

    Returns
    -------
    intensity_g_per_kwh : float or numpy.ndarray
        [gCO2e/kWh]

    Examples
    --------
    >>> round(us_state_coefficient("TX", 2021), 1)
    427.8
    """
    shares = us_state_shares(state, year, max_fallback_years=max_fallback_years)
    values = coefficient_g_per_kwh(shares, factor_set).to_numpy(dtype=float)
    return float(values[0]) if np.ndim(year) == 0 else values


# --------------------------------------------------------------------------- paths
def _history(region: str, source: str, factor_set) -> tuple[str, pd.Series]:
    if source == "ccaf_mix":
        c = country_coefficients(None, factor_set, countries=region)
        name = c["country"].iloc[0] if len(c) else region
        return name, c.set_index("year")["intensity_g_per_kwh"]
    if source not in INTENSITY_VINTAGES:
        raise ParameterError(
            f"source: expected 'ccaf_mix' or one of {', '.join(INTENSITY_VINTAGES)}, got {source!r}"
        )
    table = load_table("grid_intensity")
    sub = table[table["vintage"] == source]
    name = _resolve_regions([region], sub["country"], sub["iso3"], "region")[0]
    sub = sub[(sub["country"] == name) & ~sub["projection"]]
    return name, sub.set_index("year")["intensity_g_per_kwh"].sort_index()


def project_intensity(
    history: pd.Series,
    years,
    projection: str = "hold",
    trend_years: int = 5,
    *,
    name: str = "region",
) -> np.ndarray:
    r"""Intensity of the years after the last year of a history, by a named projection.

    Parameters
    ----------
    history : pandas.Series
        Intensity by data year (index: int years; NaNs dropped); last year :math:`y_0`
        with value :math:`c_0`. [gCO2e/kWh]
    years : array-like of int
        Years wanted, all after :math:`y_0`.
    projection : {"hold", "linear_trend", "iea_world_relative"}, default "hold"
        See :func:`intensity_path`.
    trend_years : int, default 5
        Points used by ``"linear_trend"``. [yr]
    name : str
        Region name for error messages.

    Returns
    -------
    intensity_g_per_kwh : numpy.ndarray
        [gCO2e/kWh]

    Examples
    --------
    >>> project_intensity(pd.Series({2019: 500.0, 2020: 480.0}), [2022], "linear_trend", 2).round(6).tolist()
    [440.0]
    """
    if projection not in PROJECTIONS:
        raise ParameterError(
            f"projection: expected one of {', '.join(PROJECTIONS)}, got {projection!r}"
        )
    hist = history.dropna().sort_index()
    future = _as_years(years)
    last = int(hist.index.max())
    c0 = float(hist.loc[last])
    if projection == "hold":
        return np.full(future.size, c0)
    if projection == "linear_trend":
        tail = hist.iloc[-int(trend_years) :]
        slope, intercept = np.polyfit(tail.index.to_numpy(float), tail.to_numpy(float), 1)
        return np.maximum(intercept + slope * future, 0.0)
    iea = load_table("grid_intensity")
    iea = iea[(iea["vintage"] == "iea_2025") & (iea["country"] == "World")]
    iea = iea.set_index("year")["intensity_g_per_kwh"].sort_index()
    if last not in iea.index:
        raise InputError(
            f"projection: IEA World series covers {iea.index.min()}-{iea.index.max()}; "
            f"the {name} history ends in {last}"
        )
    ratio = iea.reindex(range(int(iea.index.min()), int(future.max()) + 1)).ffill() / iea.loc[last]
    return c0 * ratio.loc[future].to_numpy()


def intensity_path(
    region: str,
    years,
    *,
    source: str = "ccaf_mix",
    projection: str = "hold",
    factor_set: str | Mapping[str, float] = "ccaf",
    trend_years: int = 5,
) -> pd.DataFrame:
    r"""Grid carbon intensity of a region by year: history, then a named projection.

    Parameters
    ----------
    region : str
        Country / aggregate name or OWID code (``"World"``, ``"USA"``).
    years : array-like of int
        Years wanted; none may precede the first data year.
    source : str, default "ccaf_mix"
        History: ``"ccaf_mix"`` (OWID 2022 mix x ``factor_set``, Cambridge's method) or a
        published series of ``grid_intensity``: ``"ember_2022_combustion"``,
        ``"ember_lifecycle_2025"``, ``"iea_2025"`` (IEA's own forecasts are not used
        as history).
    projection : {"hold", "linear_trend", "iea_world_relative"}, default "hold"
        For years after the last data year :math:`y_0` with value :math:`c_0`:

        ``"hold"``
            :math:`c_y = c_0` (Cambridge's "provisional" rule: last value carried forward).
        ``"linear_trend"``
            least-squares line through the last ``trend_years`` data points,
            extrapolated and floored at 0 (assumption).
        ``"iea_world_relative"``
            :math:`c_y = c_0\, I_y / I_{y_0}` with :math:`I` the IEA World intensity
            (``grid_intensity`` vintage ``iea_2025``, including its 2025-2026
            forecast); after the IEA's last year the ratio is held (assumption).
    factor_set : str or mapping, default "ccaf"
        For ``source="ccaf_mix"``.
    trend_years : int, default 5
        Points used by ``"linear_trend"``. [yr]

    Returns
    -------
    path : pandas.DataFrame
        ``year, intensity_g_per_kwh, kind`` with kind ``"data"``, ``"filled"`` (a gap
        inside the history, previous value carried) or ``"projection"``; attributes
        ``region``, ``source``, ``projection``. [gCO2e/kWh]

    Examples
    --------
    >>> p = intensity_path("World", [2019, 2022], projection="hold")
    >>> [round(v, 1) for v in p["intensity_g_per_kwh"]], list(p["kind"])
    ([512.8, 506.5], ['data', 'projection'])
    """
    if projection not in PROJECTIONS:
        raise ParameterError(
            f"projection: expected one of {', '.join(PROJECTIONS)}, got {projection!r}"
        )
    if int(trend_years) < 2:
        raise ParameterError(f"trend_years: expected an integer >= 2, got {trend_years!r}")
    yrs = _as_years(years)
    name, hist = _history(region, source, factor_set)
    hist = hist.dropna()
    if hist.empty:
        raise InputError(f"region: no {source} data for {region!r}")
    first, last = int(hist.index.min()), int(hist.index.max())
    if yrs.min() < first:
        raise InputError(f"years: {source} data for {name} start in {first}; got {int(yrs.min())}")
    values = np.empty(len(yrs), dtype=float)
    kinds = np.empty(len(yrs), dtype=object)
    inside = yrs <= last
    full = hist.reindex(range(first, last + 1))
    filled = full.isna()
    full = full.ffill()
    values[inside] = full.loc[yrs[inside]].to_numpy()
    kinds[inside] = np.where(filled.loc[yrs[inside]].to_numpy(), "filled", "data")
    future = yrs[~inside]
    if future.size:
        values[~inside] = project_intensity(hist, future, projection, trend_years, name=name)
        kinds[~inside] = "projection"
    out = pd.DataFrame({"year": yrs, "intensity_g_per_kwh": values, "kind": kinds.astype(str)})
    out.attrs.update({"region": name, "source": source, "projection": projection})
    return out


__all__ = [
    "ALL_VINTAGES",
    "CCAF_MAX_FALLBACK_YEARS",
    "CCAF_VINTAGE",
    "RENEWABLE_SOURCES",
    "SOURCES",
    "SUSTAINABLE_SOURCES",
    "WET_SEASON_MONTHS",
    "china_province_coefficient",
    "china_province_shares",
    "coefficient_g_per_kwh",
    "country_coefficients",
    "emission_factors",
    "intensity_path",
    "mix_shares",
    "project_intensity",
    "renewable_share",
    "sustainable_share",
    "us_state_coefficient",
    "us_state_shares",
    "world_coefficient",
]


# Argument checks by name and unit (one line naming the argument); keep last.
_check.guard(globals(), __all__)
