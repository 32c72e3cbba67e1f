r"""The one pipeline: energy -> location -> grid -> carbon on the shipped tables.

Pure modules (:mod:`hashcarbon.energy`, :mod:`hashcarbon.geography`,
:mod:`hashcarbon.grid`, :mod:`hashcarbon.carbon`) take arrays and frames; this module
is the edge where the curated tables are loaded and the modules are chained.  Every
face of the package goes through it:

* :func:`estimate` -- electricity, emissions, intensity and mix by period (and region);
  ``hashcarbon estimate``, :func:`hashcarbon.carbon.estimate` (kept as an alias),
  the report (:func:`report_estimates`) and the claims all call it;
* the **input builders of the world model** (:mod:`hashcarbon.models.world`), which
  compute its regional inputs with the same modules and options as :func:`estimate`
  instead of copies of their numbers:

  ===========================================  ==============  ==========================
  builder                                      shape           unit
  ===========================================  ==============  ==========================
  :func:`region_intensity_g_per_kwh`           (T, R)          gCO2e/kWh
  :func:`region_curtailed_twh`                 (T, R)          TWh per month
  :func:`region_price_usd_per_kwh`             (T, R)          USD/kWh
  :func:`region_mining_limits_gw`              (T, R) x 3      GW (value, low, high)
  :func:`new_machine_efficiency_j_per_th`      (T,)            J/TH
  :func:`fleet_efficiency_j_per_th`            (T,)            J/TH
  :func:`world_inputs`                         Dataset         all of the above
  ===========================================  ==============  ==========================

  ``T`` = months (first day of each month, in the order given), ``R`` = region codes of
  the registry (:mod:`hashcarbon.vocabulary`) in the order given; the default region
  order is :func:`hashcarbon.vocabulary.world_region_codes` (the world model's order).

References
----------
.. [1] Cambridge Centre for Alternative Finance, "Cambridge Bitcoin Electricity
   Consumption Index: greenhouse-gas emissions methodology" (Sep 2022),
   https://ccaf.io/cbnsi/cbeci/ghg/methodology; code in
   ``CambridgeAltFin/ccaf_cbeci_api`` (``calc_co2_coefficient.py``).
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from hashcarbon import _check, vocabulary
from hashcarbon.carbon import (
    curtailed_fraction,
    emissions_mt,
    intensity_from_mix,
    location_mix,
    sustainable_share,
    with_curtailed_source,
)
from hashcarbon.errors import InputError, ParameterError
from hashcarbon.grid import WET_SEASON_MONTHS
from hashcarbon.vocabulary import ACCOUNTINGS, BREAKDOWNS, FREQS, GRID_ACCOUNTINGS

#: Mix vintages :func:`estimate` uses by default, in order of preference: OWID's 2022
#: export (what Cambridge used), then OWID's later export so that 2022 has data.
DEFAULT_MIX_VINTAGES: tuple[str, ...] = ("owid_bp_ember_2022", "owid_ccaf_repo_2024")
#: The report's and the claims' options of :func:`estimate`: CBECI's reference price
#: (0.05 USD/kWh), Cambridge's 2022 factors, grid-average accounting, from 2014.
REPORT_OPTIONS: dict = {
    "price_usd_per_kwh": 0.05,
    "factors": "ccaf",
    "accounting": "average",
    "start": "2014-01-01",
}


def __getattr__(name: str):
    # Region lists derived from the registry (kept under their former carbon.* names).
    if name == "WORLD_MIX_REGIONS":
        return vocabulary.world_mix_regions()
    if name == "CHINA_NATIONAL_MIX_REGIONS":
        return vocabulary.china_national_mix_regions()
    raise AttributeError(f"module 'hashcarbon.pipeline' has no attribute {name!r}")


def _year_array(months: pd.DatetimeIndex) -> np.ndarray:
    return months.year.to_numpy()


def _country_mix_table(
    countries: Sequence[str], years: Sequence[int], mix_vintages, mix_fallback_years
):
    from hashcarbon import grid

    frame = grid.mix_shares(
        list(countries),
        sorted({int(y) for y in years}),
        vintages=tuple(mix_vintages),
        max_fallback_years=mix_fallback_years,
    )
    cols = [f"{s}_share" for s in grid.SOURCES]
    return {
        (r.country, int(r.year)): np.array([getattr(r, c) for c in cols])
        for r in frame.itertuples()
    }, frame


def location_table(months, **geography_options) -> pd.DataFrame:
    """Monthly location shares of the hash rate (countries, China by province).

    A thin wrapper of :func:`hashcarbon.geography.country_province_shares` that
    renormalises each month to sum to exactly 1 (Cambridge's export is rounded
    to 0.01 %, so its months sum to 1 ± 2e-4).

    Parameters
    ----------
    months : array-like of date-like
        Months wanted (any day of the month).
    **geography_options
        ``before``, ``after``, ``exits``, ``post_ban``: the geography assumptions
        (:func:`hashcarbon.geography.country_province_shares`).

    Returns
    -------
    pandas.DataFrame
        ``date, region, country, iso3, share`` and the method flags.
    """
    from hashcarbon import geography

    frame = geography.country_province_shares(months, **geography_options)
    frame["share"] = frame["share"] / frame.groupby("date")["share"].transform("sum")
    return frame


def region_mixes(
    location: pd.DataFrame,
    *,
    mix_vintages: Sequence[str] = ("owid_bp_ember_2022", "owid_ccaf_repo_2024"),
    mix_fallback_years: int | None = None,
    china_season_model: str = "annual",
    world_mix_regions: Sequence[str] | None = None,
) -> tuple[pd.DatetimeIndex, list[str], np.ndarray, np.ndarray, list[str]]:
    r"""Arrays of location shares and grid mixes for the carbon core.

    Parameters
    ----------
    location : pandas.DataFrame
        Output of :func:`location_table`.
    mix_vintages : sequence of str
        Mix vintages in order of preference (see :func:`hashcarbon.grid.mix_shares`).
        The default adds OWID's later export so that 2022 has data.
    mix_fallback_years : int or None, default None
        How far back a missing country-year may look. ``None`` (default) carries the
        latest year forward without limit, as Cambridge's "provisional" interval
        carries its last coefficient [1]_; Cambridge's own country rule is 2 years.
    china_season_model : {"annual", "hydro_share"}
        Passed to :func:`hashcarbon.grid.china_province_shares`. Cambridge's seasonal
        provincial workbook is not public, so the default uses annual provincial
        mixes; the seasonal swing of *location* (wet-season Sichuan) is still applied.
    world_mix_regions : sequence of str, optional
        Regions that take the World mix; default
        :func:`hashcarbon.vocabulary.world_mix_regions` (Cambridge's treatment of
        "Other" and the VPN-suspect Germany and Ireland).

    Returns
    -------
    months : pandas.DatetimeIndex, shape (T,)
    regions : list of str, length R
    share : numpy.ndarray, shape (T, R)
        Location shares. [-]
    mix : numpy.ndarray, shape (T, R, S)
        Grid mixes by :data:`hashcarbon.grid.SOURCES`. [-]
    sources : list of str
    """
    from hashcarbon import grid

    wide = location.pivot_table(
        index="date", columns="region", values="share", aggfunc="sum", fill_value=0.0
    )
    months = pd.DatetimeIndex(wide.index)
    regions = list(wide.columns)
    share = wide.to_numpy(dtype=float)
    years = _year_array(months)
    country_of = location.drop_duplicates("region").set_index("region")["country"].to_dict()
    sources = list(grid.SOURCES)

    if world_mix_regions is None:
        world_mix_regions = vocabulary.world_mix_regions()
    provinces = set(location.loc[location["country"] == "China", "region"]) - set(
        vocabulary.china_national_mix_regions()
    )
    owid_names: dict[str, str] = {}
    for r in regions:
        if r in world_mix_regions:
            owid_names[r] = "World"
        elif r in provinces:
            continue
        elif country_of.get(r) == "China":
            owid_names[r] = "China"
        else:
            owid_names[r] = country_of.get(r, r)
    table, _ = _country_mix_table(
        sorted(set(owid_names.values())), years, mix_vintages, mix_fallback_years
    )
    # the frame returned by mix_shares uses OWID's canonical names; map by position of request
    canon = {name: name for name in set(owid_names.values())}
    known = {k[0] for k in table}
    for name in canon:
        if name not in known:
            # names resolved by grid to a different spelling: match case-insensitively
            hit = [k for k in known if k.lower() == name.lower()]
            if not hit:
                raise InputError(f"region {name!r}: no generation mix in table grid_mix")
            canon[name] = hit[0]

    mix = np.zeros((len(months), len(regions), len(sources)))
    prov_cache: dict[tuple[str, int], np.ndarray] = {}
    for j, r in enumerate(regions):
        for i, y in enumerate(years):
            if r in provinces:
                key = (r, int(y))
                if key not in prov_cache:
                    d = (
                        grid.china_province_shares(
                            r, int(y), season_model=china_season_model, max_fallback_years=None
                        )
                        if int(y) >= 2019
                        else grid.china_province_shares(r, 2019, season_model=china_season_model)
                    )
                    prov_cache[key] = np.array([d.get(s, 0.0) for s in sources])
                mix[i, j] = prov_cache[key]
            else:
                mix[i, j] = table[(canon[owid_names[r]], int(y))]
    return months, regions, share, mix, sources


def curtailed_volumes_twh(
    months: pd.DatetimeIndex,
    regions: Sequence[str],
    *,
    curtailed_twh_per_year: dict[str, float] | None = None,
    wet_months: Sequence[int] = WET_SEASON_MONTHS,
) -> np.ndarray:
    r"""Curtailed hydro available to mining by month and region.

    Parameters
    ----------
    months : pandas.DatetimeIndex, shape (T,)
    regions : sequence of str, length R
    curtailed_twh_per_year : dict, optional
        ``{region: TWh per year}`` to use instead of table ``hydro_curtailment``.
    wet_months : sequence of int, default May-October
        Months over which a year's curtailment is spread evenly (Sichuan's wet
        season; SCMP via ``china_policy.md`` §3.1). Assumption: curtailment
        outside these months is ignored.

    Returns
    -------
    curtailed : numpy.ndarray, shape (T, R)
        [TWh per month]

    Notes
    -----
    From table ``hydro_curtailment``, full-year hydro-only figures are used
    (Sichuan 2012-2016, 2019, 2020, 2021; Yunnan 2013, 2016, 2020, 2021). Years between two
    figures are interpolated linearly; years before the first or after the
    last figure hold the nearest figure (assumption: the source is silent).
    Yunnan's 2020 and 2021 rows are inferred upper bounds (NEA Jan-Sep data: the
    national total minus Sichuan, and minus Henan in 2021; 8.98 and 1.68 TWh):
    before they were added, Yunnan held its 2016 figure (31.4 TWh), more than the
    whole country outside Sichuan curtailed in 2020.  Sichuan's 2021 row (11.67 TWh) is
    its stated Jan-Sep figure scaled by its 2020 ratio of full year to Jan-Sep; before it
    was added, Sichuan held 2020's 20.2 TWh.  The national "China" rows and the Jan-Sep
    rows are not used.
    """
    from hashcarbon import data

    wet = np.isin(months.month.to_numpy(), np.asarray(wet_months))
    out = np.zeros((len(months), len(regions)))
    if curtailed_twh_per_year is not None:
        for j, r in enumerate(regions):
            v = float(curtailed_twh_per_year.get(r, 0.0))
            if v < 0:
                raise InputError(f"curtailed_twh_per_year[{r!r}]: must be >= 0")
            out[:, j] = np.where(wet, v / len(wet_months), 0.0)
        return out
    table = data.hydro_curtailment()
    table = table[(table["months"] == "1-12") & (table["scope"] == "hydro")]
    years = months.year.to_numpy()
    for j, r in enumerate(regions):
        rows = table[table["region"] == r].sort_values("year")
        if rows.empty:
            continue
        annual = np.interp(
            years, rows["year"].to_numpy(float), rows["curtailed_twh"].to_numpy(float)
        )
        out[:, j] = np.where(wet, annual / len(wet_months), 0.0)
    return out


def monthly_accounting(
    months,
    energy_twh,
    *,
    factor_set="ccaf",
    accounting: str = "average",
    curtailed_intensity_g_per_kwh: float = 0.0,
    curtailed_twh_per_year: dict[str, float] | None = None,
    geography_options: dict | None = None,
    **mix_options,
) -> dict:
    r"""Bitcoin's monthly mix, intensity and regional split for given monthly energy.

    Parameters
    ----------
    months : array-like of date-like, shape (T,)
        First days of the months.
    energy_twh : array-like, shape (T,)
        Network electricity consumed in each month (needed for ``marginal``
        accounting and the regional split). [TWh]
    factor_set : {"ccaf", "ipcc"} or dict
        Emission factors by source (:func:`hashcarbon.grid.emission_factors`).
    accounting : {"average", "marginal"}
        See the module docstring.
    curtailed_intensity_g_per_kwh : float, default 0
        Intensity assigned to mining supplied by curtailed hydro under marginal
        accounting ("counts at about 0"). [gCO2e/kWh]
    curtailed_twh_per_year, geography_options, **mix_options
        Passed to :func:`curtailed_volumes_twh`, :func:`location_table`, :func:`region_mixes`.

    Returns
    -------
    dict
        ``months``, ``regions``, ``sources`` (with ``curtailed_hydro`` appended),
        ``share`` (T, R), ``region_mix`` (T, R, S+1), ``region_intensity`` (T, R)
        [g/kWh], ``mix`` (T, S+1), ``intensity`` (T,) [g/kWh], ``region_energy``
        (T, R) [TWh], ``factors`` (S+1,) [g/kWh].
    """
    from hashcarbon import grid

    if accounting not in GRID_ACCOUNTINGS:
        raise InputError(
            f"accounting: expected one of {', '.join(GRID_ACCOUNTINGS)}, got {accounting!r}"
        )
    months_idx = pd.DatetimeIndex(pd.to_datetime(months)).to_period("M").to_timestamp()
    location = location_table(months_idx, **(geography_options or {}))
    m, regions, share, mix, sources = region_mixes(location, **mix_options)
    energy = np.asarray(energy_twh, dtype=float)
    if energy.shape != (len(months_idx),):
        raise InputError(
            f"energy_twh: expected {len(months_idx)} monthly values, got shape {energy.shape}"
        )
    energy = pd.Series(energy, index=months_idx).reindex(m).to_numpy()
    factors_d = grid.emission_factors(factor_set)
    factors = np.array([factors_d[s] for s in sources] + [float(curtailed_intensity_g_per_kwh)])
    region_energy = share * energy[:, None]
    if accounting == "marginal":
        cur = curtailed_volumes_twh(m, regions, curtailed_twh_per_year=curtailed_twh_per_year)
        frac = curtailed_fraction(region_energy, cur)
    else:
        frac = np.zeros_like(share)
    mix2, names = with_curtailed_source(mix, frac, sources)
    region_intensity = intensity_from_mix(mix2, factors)
    total_mix = location_mix(share, mix2)
    return {
        "months": m,
        "regions": regions,
        "countries": location.drop_duplicates("region")
        .set_index("region")["country"]
        .reindex(regions)
        .tolist(),
        "sources": names,
        "share": share,
        "region_mix": mix2,
        "region_intensity": region_intensity,
        "mix": total_mix,
        "intensity": intensity_from_mix(total_mix, factors),
        "region_energy": region_energy,
        "factors": factors,
    }


BY = BREAKDOWNS


def _period_key(dates: pd.Series, freq: str) -> np.ndarray:
    fmt = {"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}[freq]
    return pd.to_datetime(dates).dt.strftime(fmt).to_numpy()


def estimate(
    method: str = "cbeci-v1",
    price_usd_per_kwh=0.05,
    start=None,
    end=None,
    freq: str = "year",
    *,
    factors="ccaf",
    accounting: str = "average",
    by: str = "none",
    catalogue: str = "full",
    curtailed_intensity_g_per_kwh: float = 0.0,
    curtailed_twh_per_year: dict[str, float] | None = None,
    geography_options: dict | None = None,
    mix_options: dict | None = None,
    energy_options: dict | None = None,
) -> pd.DataFrame:
    r"""Electricity, emissions, intensity and mix of Bitcoin mining, by period (and region).

    Runs an energy estimator of :mod:`hashcarbon.energy` on the shipped network
    and hardware tables, then attributes each day's energy to locations
    (:mod:`hashcarbon.geography`, monthly) and their grids (:mod:`hashcarbon.grid`,
    yearly), following Cambridge's GHG method [1]_: daily emissions are daily
    energy times the month's Bitcoin coefficient; monthly and yearly emissions
    are sums of daily figures.

    Parameters
    ----------
    method : {"cbeci-v1", "cbeci-2023", "economic"}
    price_usd_per_kwh : float or pandas.Series
        Electricity price for the energy estimator. [USD/kWh]
    start, end : date-like, optional
        Inclusive output range.
    freq : {"day", "month", "year"}
    factors : {"ccaf", "ipcc"} or dict
        Emission-factor set. [gCO2e/kWh]
    accounting : {"average", "marginal", "survey"}
        ``survey``: in the survey's year (2024) Bitcoin's mix is the **miners'
        self-reported mix** of Cambridge's 2025 industry survey
        (:data:`hashcarbon.carbon.SURVEY_2025`: 49 firms, 48 % of the hash rate; not
        location-based), at the chosen factors; other years stay location-based. A column
        ``accounting_basis`` says which (``self-report``, ``location-based``, ``mixed``).
        Only with ``by="none"``.
    by : {"none", "country", "region"}
        ``country`` groups China's provinces into China; ``region`` keeps them.
    catalogue : {"full", "cbeci"}
        Hardware list for the CBECI methods.
    curtailed_intensity_g_per_kwh, curtailed_twh_per_year
        Marginal-accounting inputs (see :func:`monthly_accounting`).
    geography_options, mix_options, energy_options : dict, optional
        Passed to :func:`location_table`, :func:`region_mixes` and
        :func:`hashcarbon.energy.estimate`.

    Returns
    -------
    pandas.DataFrame
        One row per period (and region): ``period``, ``power_gw_{lower,best,upper}``
        [GW, mean over the period], ``energy_twh_{lower,best,upper}`` [TWh consumed
        within the period], ``emissions_mt_{lower,best,upper}`` [Mt CO2e],
        ``intensity_g_per_kwh`` [gCO2e/kWh, energy-weighted], ``sustainable_share``,
        ``renewable_share`` and ``<source>_share`` columns [0-1]; with ``by`` also
        ``region`` and ``hashrate_share`` [0-1]. ``attrs`` carry units and provenance.

    Notes
    -----
    Emission bounds apply the best-guess intensity to the lower and upper energy
    bounds; they do not include emission-factor uncertainty.
    """
    _check_choices(freq, by)
    _check_accounting(accounting, by)
    run = _run(
        method,
        price_usd_per_kwh,
        start,
        end,
        factors=factors,
        accounting=accounting,
        catalogue=catalogue,
        curtailed_intensity_g_per_kwh=curtailed_intensity_g_per_kwh,
        curtailed_twh_per_year=curtailed_twh_per_year,
        geography_options=geography_options,
        mix_options=mix_options,
        energy_options=energy_options,
    )
    return _aggregate(run, freq, by)


def _check_accounting(accounting: str, by: str) -> None:
    if accounting not in ACCOUNTINGS:
        raise InputError(
            f"accounting: expected one of {', '.join(ACCOUNTINGS)}, got {accounting!r}"
        )
    if accounting == "survey" and by != "none":
        raise InputError("by: accounting 'survey' gives network totals only; use by='none'")


def _check_choices(freq: str, by: str) -> None:
    if freq not in FREQS:
        raise InputError(f"freq: expected one of {', '.join(FREQS)}, got {freq!r}")
    if by not in BY:
        raise InputError(f"by: expected one of {', '.join(BY)}, got {by!r}")


def _run(
    method,
    price_usd_per_kwh,
    start,
    end,
    *,
    factors,
    accounting,
    catalogue,
    curtailed_intensity_g_per_kwh,
    curtailed_twh_per_year,
    geography_options,
    mix_options,
    energy_options,
) -> dict:
    """Daily energy (:mod:`hashcarbon.energy`) and the monthly accounting of its location."""
    from hashcarbon import energy, provenance

    daily = energy.estimate(
        method,
        price_usd_per_kwh,
        start=start,
        end=end,
        freq="day",
        catalogue=catalogue,
        **(energy_options or {}),
    )
    if daily.empty:
        raise InputError(f"start/end: no data between {start} and {end}")
    dates = pd.to_datetime(daily["date"])
    month_of_day = dates.dt.to_period("M").dt.to_timestamp()
    monthly_energy = daily.groupby(month_of_day.to_numpy())["energy_twh_best"].sum()
    survey = accounting == "survey"
    acc = monthly_accounting(
        monthly_energy.index,
        monthly_energy.to_numpy(),
        factor_set=factors,
        accounting="average" if survey else accounting,
        curtailed_intensity_g_per_kwh=curtailed_intensity_g_per_kwh,
        curtailed_twh_per_year=curtailed_twh_per_year,
        geography_options=geography_options,
        **(mix_options or {}),
    )
    basis = np.full(len(acc["months"]), "location-based", dtype=object)
    if survey:
        # the miners' self-reported mix of Cambridge's 2025 survey in its year (2024)
        from hashcarbon.carbon import SURVEY_2025, survey_mix

        own = np.append(survey_mix(SURVEY_2025, acc["sources"][:-1]), 0.0)
        hit = pd.DatetimeIndex(acc["months"]).year == SURVEY_2025["year"]
        acc["mix"] = acc["mix"].copy()
        acc["mix"][hit] = own
        acc["intensity"] = intensity_from_mix(acc["mix"], acc["factors"])
        basis[hit] = "self-report"
    acc["basis"] = basis
    provenance = {
        **provenance.software(),
        "method": method,
        "price_usd_per_kwh": "per-date series"
        if isinstance(price_usd_per_kwh, pd.Series)
        else float(price_usd_per_kwh),
        "factors": factors if isinstance(factors, str) else "user-supplied",
        "accounting": accounting
        if not survey
        else f"survey in {SURVEY_2025['year']} ({SURVEY_2025['label']}), average otherwise",
        "catalogue": catalogue,
        "data_versions": energy._data_versions(),
    }
    return {
        "daily": daily,
        "acc": acc,
        "pos": pd.Index(acc["months"]).get_indexer(month_of_day),
        "provenance": provenance,
    }


def _period_totals(res: pd.DataFrame, g, bounds) -> None:
    """Mean power and summed energy and emissions of each group, in bound order."""
    for b in bounds:
        res[f"power_gw_{b}"] = g[f"power_gw_{b}"].mean().to_numpy()
    for b in bounds:
        res[f"energy_twh_{b}"] = g[f"energy_twh_{b}"].sum().to_numpy()
    for b in bounds:
        res[f"emissions_mt_{b}"] = g[f"emissions_mt_{b}"].sum().to_numpy()


def _aggregate(run: dict, freq: str, by: str) -> pd.DataFrame:
    """Sum a :func:`_run` result to periods (and regions): emissions are sums of daily figures."""
    daily, acc, pos, provenance = run["daily"], run["acc"], run["pos"], run["provenance"]
    bounds = ("lower", "best", "upper")
    sources = acc["sources"]
    keys = _period_key(daily["date"], freq)
    if by == "none":
        inten = acc["intensity"][pos]
        out = pd.DataFrame({"_key": keys})
        for b in bounds:
            out[f"power_gw_{b}"] = daily[f"power_gw_{b}"].to_numpy()
            out[f"energy_twh_{b}"] = daily[f"energy_twh_{b}"].to_numpy()
            out[f"emissions_mt_{b}"] = emissions_mt(out[f"energy_twh_{b}"].to_numpy(), inten)
        w = out["energy_twh_best"].to_numpy()
        mix = acc["mix"][pos]
        for k, s in enumerate(sources):
            out[f"_w_{s}"] = mix[:, k] * w
        g = out.groupby("_key", sort=True)
        res = pd.DataFrame({"period": g.size().index.astype(str)})
        _period_totals(res, g, bounds)
        e = res["energy_twh_best"].to_numpy()
        with np.errstate(invalid="ignore", divide="ignore"):
            res["intensity_g_per_kwh"] = res["emissions_mt_best"].to_numpy() * 1e3 / e
            shares = np.column_stack([g[f"_w_{s}"].sum().to_numpy() / e for s in sources])
        res["sustainable_share"] = sustainable_share(shares, sources)
        res["renewable_share"] = sustainable_share(shares, sources, "renewable")
        for k, s in enumerate(sources):
            res[f"{s}_share"] = shares[:, k]
        if (acc["basis"] != "location-based").any():
            basis = pd.Series(acc["basis"][pos]).groupby(keys, sort=True)
            res["accounting_basis"] = basis.agg(
                lambda b: b.iloc[0] if b.nunique() == 1 else "mixed"
            ).to_numpy()
    else:
        regions = acc["regions"]
        labels = acc["countries"] if by == "country" else regions
        rows = []
        share_day = acc["share"][pos]  # (D, R)
        inten_day = acc["region_intensity"][pos]
        mix_day = acc["region_mix"][pos]  # (D, R, S)
        for j, _r in enumerate(regions):
            part = pd.DataFrame({"_key": keys, "region": labels[j]})
            for b in bounds:
                part[f"power_gw_{b}"] = daily[f"power_gw_{b}"].to_numpy() * share_day[:, j]
                part[f"energy_twh_{b}"] = daily[f"energy_twh_{b}"].to_numpy() * share_day[:, j]
                part[f"emissions_mt_{b}"] = emissions_mt(
                    part[f"energy_twh_{b}"].to_numpy(), inten_day[:, j]
                )
            part["_share_days"] = share_day[:, j]
            w = part["energy_twh_best"].to_numpy()
            for k, s in enumerate(sources):
                part[f"_w_{s}"] = mix_day[:, j, k] * w
            rows.append(part)
        long = pd.concat(rows, ignore_index=True)
        # power and share: sum over regions of a label per day, then mean over days
        per_day = long.assign(_day=np.tile(np.arange(len(daily)), len(regions))).groupby(
            ["_key", "region", "_day"], sort=True
        )
        daysum = per_day.sum(numeric_only=True).reset_index()
        g = daysum.groupby(["_key", "region"], sort=True)
        res = g.size().reset_index()[["_key", "region"]].rename(columns={"_key": "period"})
        res["hashrate_share"] = g["_share_days"].mean().to_numpy()
        _period_totals(res, g, bounds)
        e = res["energy_twh_best"].to_numpy()
        with np.errstate(invalid="ignore", divide="ignore"):
            res["intensity_g_per_kwh"] = np.where(
                e > 0, res["emissions_mt_best"].to_numpy() * 1e3 / np.where(e > 0, e, 1), np.nan
            )
            shares = np.column_stack(
                [
                    np.where(e > 0, g[f"_w_{s}"].sum().to_numpy() / np.where(e > 0, e, 1), np.nan)
                    for s in sources
                ]
            )
        res["sustainable_share"] = sustainable_share(np.nan_to_num(shares), sources)
        res["renewable_share"] = sustainable_share(np.nan_to_num(shares), sources, "renewable")
        res.loc[e <= 0, ["sustainable_share", "renewable_share"]] = np.nan
        for k, s in enumerate(sources):
            res[f"{s}_share"] = shares[:, k]
        res = res.sort_values(
            ["period", "energy_twh_best"], ascending=[True, False], kind="stable"
        ).reset_index(drop=True)
    res.attrs.update(provenance)
    res.attrs["units"] = {
        "power_gw": "GW",
        "energy_twh": "TWh",
        "emissions_mt": "Mt CO2e",
        "intensity_g_per_kwh": "gCO2e/kWh",
        "share": "1",
    }
    return res


def estimate_frames(freqs: Sequence[str] = ("year", "month"), by: str = "none", **options) -> dict:
    """:func:`estimate` at several frequencies from one run of the estimator and accounting.

    Parameters
    ----------
    freqs : sequence of {"day", "month", "year"}
    by : {"none", "country", "region"}
    **options
        Any keyword of :func:`estimate` except ``freq`` and ``by``.

    Returns
    -------
    dict
        ``{freq: frame}``, each frame equal to ``estimate(freq=freq, by=by, **options)``.
    """
    for f in freqs:
        _check_choices(f, by)
    opts = {
        "method": "cbeci-v1",
        "price_usd_per_kwh": 0.05,
        "start": None,
        "end": None,
        "factors": "ccaf",
        "accounting": "average",
        "catalogue": "full",
        "curtailed_intensity_g_per_kwh": 0.0,
        "curtailed_twh_per_year": None,
        "geography_options": None,
        "mix_options": None,
        "energy_options": None,
    }
    unknown = sorted(set(options) - set(opts))
    if unknown:
        raise ParameterError(f"{unknown[0]}: not an option of estimate")
    opts.update(options)
    _check_accounting(opts["accounting"], by)
    method, price, start, end = (
        opts.pop(k) for k in ("method", "price_usd_per_kwh", "start", "end")
    )
    run = _run(method, price, start, end, **opts)
    return {f: _aggregate(run, f, by) for f in freqs}


def last_data_day() -> tuple[pd.Timestamp, int]:
    """Last day of the network table and the last full calendar year it covers."""
    from hashcarbon import data

    last = pd.Timestamp(data.network()["date"].max())
    return last, last.year - (0 if last.is_year_end else 1)


def report_estimates(
    methods: Sequence[str] = vocabulary.ESTIMATOR_METHODS, **options
) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
    """Yearly and monthly :func:`estimate` of each method with the report's options.

    Parameters
    ----------
    methods : sequence of str
        Estimators (:data:`hashcarbon.vocabulary.ESTIMATOR_METHODS`).
    **options
        Overrides of :data:`REPORT_OPTIONS`.

    Returns
    -------
    yearly, monthly : dict
        ``{method: frame}``.
    """
    opts = {**REPORT_OPTIONS, **options}
    yearly, monthly = {}, {}
    for m in methods:
        frames = estimate_frames(("year", "month"), method=m, **opts)
        yearly[m], monthly[m] = frames["year"], frames["month"]
    return yearly, monthly


# =========================================================================================
# Input builders of the world model
# =========================================================================================
def _months_index(months, what: str = "months") -> pd.DatetimeIndex:
    try:
        idx = pd.DatetimeIndex(pd.to_datetime(np.atleast_1d(np.asarray(months, dtype=object))))
    except (ValueError, TypeError) as err:
        raise InputError(f"{what}: expected dates such as '2020-07-01' ({err})") from None
    if len(idx) == 0 or idx.hasnans:
        raise InputError(f"{what}: expected at least one date and no missing dates")
    return idx.to_period("M").to_timestamp()


def _region_codes(region_codes) -> tuple[str, ...]:
    if region_codes is None:
        return vocabulary.world_region_codes()
    if isinstance(region_codes, str):
        region_codes = [region_codes]
    return tuple(vocabulary.code_of(c) for c in region_codes)


def region_intensity_history(
    code: str,
    *,
    factor_set="ccaf",
    mix_vintages: Sequence[str] = DEFAULT_MIX_VINTAGES,
) -> pd.Series:
    r"""Annual grid intensity of a registry region over its data years.

    The region's ``grid_source`` names the grid data (:mod:`hashcarbon.vocabulary`):

    ``owid``
        :func:`hashcarbon.grid.mix_shares` (complete country-years of ``mix_vintages``)
        x ``factor_set``: :math:`c_{r,y} = \sum_s m_{r,y,s} f_s` (CBECI GHG method [1]_).
    ``eia_state``
        :func:`hashcarbon.grid.us_state_coefficient` (EIA state mix x ``factor_set``).
    ``china_province``
        :func:`hashcarbon.grid.china_province_coefficient` (provincial mix, thermal as coal,
        x ``factor_set``; Cambridge's treatment).

    Parameters
    ----------
    code : str
        Registry code or name.
    factor_set : str or mapping, default "ccaf"
    mix_vintages : sequence of str
        OWID vintages (``owid`` regions only), default :data:`DEFAULT_MIX_VINTAGES`.

    Returns
    -------
    pandas.Series
        Intensity by data year. [gCO2e/kWh]

    Notes
    -----
    With a named factor set the history is computed once per process and cached
    (the tables are read-only package data); a mapping of factors is never cached.
    """
    if isinstance(factor_set, str):
        return _cached_history(vocabulary.code_of(code), factor_set, tuple(mix_vintages)).copy()
    return _intensity_history(code, factor_set, tuple(mix_vintages))


@functools.lru_cache(maxsize=512)
def _cached_history(code: str, factor_set: str, mix_vintages: tuple[str, ...]) -> pd.Series:
    # Tables are read through hashcarbon.data (validated); a named factor set and the
    # shipped tables give the same history every time, so it is computed once per process.
    return _intensity_history(code, factor_set, mix_vintages)


def _intensity_history(code: str, factor_set, mix_vintages: tuple[str, ...]) -> pd.Series:
    from hashcarbon import data, grid

    source, key = vocabulary.grid_key(code)
    if source == "owid":
        shares = grid.mix_shares(key, None, vintages=tuple(mix_vintages))
        values = grid.coefficient_g_per_kwh(shares, factor_set).to_numpy(dtype=float)
        years = shares["year"].to_numpy(dtype=int)
    elif source == "eia_state":
        table = data.us_state_mix()
        years = np.array(sorted(table.loc[table["state"] == key, "year"].unique()), dtype=int)
        values = np.atleast_1d(grid.us_state_coefficient(key, years, factor_set))
    else:
        table = data.china_province_mix()
        years = np.array(sorted(table.loc[table["province"] == key, "year"].unique()), dtype=int)
        values = np.atleast_1d(grid.china_province_coefficient(key, years, factor_set=factor_set))
    return pd.Series(values, index=pd.Index(years, name="year"), name=code).sort_index()


def _annual_values(
    hist: pd.Series, years: np.ndarray, projection: str, trend_years: int, name: str
) -> np.ndarray:
    """History at the latest data year <= y (first data year before it), projection after."""
    from hashcarbon import grid

    hist = hist.dropna().sort_index()
    first, last = int(hist.index.min()), int(hist.index.max())
    full = hist.reindex(range(first, last + 1)).ffill()
    out = np.empty(len(years))
    inside = years <= last
    out[inside] = full.loc[np.maximum(years[inside], first)].to_numpy()
    if (~inside).any():
        future = np.unique(years[~inside])
        proj = grid.project_intensity(hist, future, projection, trend_years, name=name)
        lookup = dict(zip(future.tolist(), proj, strict=True))
        out[~inside] = [lookup[int(y)] for y in years[~inside]]
    return out


def region_intensity_g_per_kwh(
    region_codes: Sequence[str] | None,
    months,
    *,
    factor_set="ccaf",
    accounting: str = "average",
    projection: str = "hold",
    trend_years: int = 5,
    china_season_model: str = "annual",
    wet_season_hydro_share: float | None = None,
    mix_vintages: Sequence[str] = DEFAULT_MIX_VINTAGES,
    region_energy_twh=None,
    curtailed_twh=None,
    curtailed_intensity_g_per_kwh: float = 0.0,
) -> np.ndarray:
    r"""Monthly grid carbon intensity of registry regions, computed by :mod:`hashcarbon.grid`.

    Parameters
    ----------
    region_codes : sequence of str or None
        Registry codes (or names); ``None`` = the world model's regions in model order
        (:func:`hashcarbon.vocabulary.world_region_codes`).
    months : array-like of date-like, length T
        Any day of each month; the output keeps this order.
    factor_set : {"ccaf", "ipcc"} or mapping, default "ccaf"
        Emission factors (:func:`hashcarbon.grid.emission_factors`), as ``estimate --factors``.
    accounting : {"average", "marginal"}, default "average"
        As ``estimate --accounting``.  ``"marginal"`` needs ``region_energy_twh``.
    projection : {"hold", "linear_trend", "iea_world_relative"}, default "hold"
        Years after a region's last data year (:func:`hashcarbon.grid.project_intensity`).
        ``"hold"`` carries the last data year forward, which is what :func:`estimate`
        does (OWID mixes with no fallback limit; Cambridge's "provisional" rule).
    trend_years : int, default 5
        Points of the ``"linear_trend"`` projection. [yr]
    china_season_model : {"annual", "hydro_share"}, default "annual"
        Monthly profile of the Chinese provinces' grids.  ``"annual"`` (what
        :func:`estimate` uses; Cambridge's seasonal workbook is not public) gives every
        month the annual mix; ``"hydro_share"`` puts ``wet_season_hydro_share`` of the
        year's hydro in May-October (:func:`hashcarbon.grid.china_province_shares`) and
        scales later years by the projection of the annual value.
    wet_season_hydro_share : float, optional
        Required with ``china_season_model="hydro_share"`` (no sourced default). [-]
    mix_vintages : sequence of str
        OWID vintages, default :data:`DEFAULT_MIX_VINTAGES` (as :func:`estimate`).
    region_energy_twh : array-like, shape (T, R), optional
        Mining electricity of each region and month (marginal accounting). [TWh]
    curtailed_twh : array-like, shape (T, R), optional
        Curtailed hydro available; default :func:`region_curtailed_twh`. [TWh per month]
    curtailed_intensity_g_per_kwh : float, default 0
        Intensity of mining supplied by curtailed hydro (marginal accounting). [gCO2e/kWh]

    Returns
    -------
    intensity_g_per_kwh : numpy.ndarray, shape (T, R)
        [gCO2e/kWh]

    Notes
    -----
    Average: :math:`I_{t,r} = c_{r,y(t)}` from :func:`region_intensity_history`, with
    :math:`y(t)` the month's year, the latest data year :math:`\le y(t)` for gaps, the first
    data year before the data (Chinese provinces before 2019, as :func:`estimate`), and the
    named projection after the last data year.

    Marginal (the clean-exemption argument; see :mod:`hashcarbon.carbon`):
    :math:`I^{m}_{t,r} = (1-f_{t,r})\,I_{t,r} + f_{t,r}\,c_{curt}` with
    :math:`f_{t,r} = \min(1, C_{t,r}/Q_{t,r})` (:func:`hashcarbon.carbon.curtailed_fraction`),
    which equals :func:`estimate`'s regional intensity for the same energy.

    Examples
    --------
    >>> i = region_intensity_g_per_kwh(["CN-SC", "US-TX"], ["2021-08-01"])
    >>> i.shape
    (1, 2)
    """
    from hashcarbon import grid

    if accounting not in ACCOUNTINGS:
        raise ParameterError(
            f"accounting: expected one of {', '.join(ACCOUNTINGS)}, got {accounting!r}"
        )
    if china_season_model not in ("annual", "hydro_share"):
        raise ParameterError(
            f"china_season_model: expected 'annual' or 'hydro_share', got {china_season_model!r}"
        )
    codes = _region_codes(region_codes)
    idx = _months_index(months)
    years = idx.year.to_numpy()
    out = np.empty((len(idx), len(codes)))
    for j, code in enumerate(codes):
        hist = region_intensity_history(code, factor_set=factor_set, mix_vintages=mix_vintages)
        out[:, j] = _annual_values(hist, years, projection, trend_years, code)
        source, key = vocabulary.grid_key(code)
        if source == "china_province" and china_season_model == "hydro_share":
            last = int(hist.index.max())
            first = int(hist.index.min())
            data_year = np.clip(years, first, last)
            for y in np.unique(data_year):
                for m in np.unique(idx.month[data_year == y]):
                    monthly = grid.china_province_coefficient(
                        key,
                        int(y),
                        int(m),
                        factor_set=factor_set,
                        season_model="hydro_share",
                        wet_season_hydro_share=wet_season_hydro_share,
                    )
                    sel = (data_year == y) & (idx.month == m)
                    out[sel, j] = out[sel, j] * monthly / float(hist.loc[y])
    if accounting == "marginal":
        if region_energy_twh is None:
            raise ParameterError(
                "region_energy_twh: required with accounting='marginal' "
                "(the curtailed fraction depends on each region's mining energy)"
            )
        q = np.asarray(region_energy_twh, dtype=float)
        c = (
            region_curtailed_twh(codes, idx)
            if curtailed_twh is None
            else np.asarray(curtailed_twh, float)
        )
        if q.shape != out.shape or c.shape != out.shape:
            raise InputError(f"region_energy_twh, curtailed_twh: expected shape {out.shape}")
        f = curtailed_fraction(q, c)
        out = (1.0 - f) * out + f * float(curtailed_intensity_g_per_kwh)
    return out


def region_curtailed_twh(
    region_codes: Sequence[str] | None,
    months,
    *,
    curtailed_twh_per_year: dict[str, float] | None = None,
    wet_months: Sequence[int] = WET_SEASON_MONTHS,
) -> np.ndarray:
    """Curtailed hydro available to mining by month and registry region.

    The same numbers as :func:`curtailed_volumes_twh` (the one curtailment table,
    ``hydro_curtailment``: full-year hydro figures, interpolated between years, the
    nearest figure held outside them, spread evenly over ``wet_months``), addressed by
    registry code: a region's rows are those of its ``name_en`` (Sichuan, Yunnan).

    Parameters
    ----------
    region_codes : sequence of str or None
        Registry codes; ``None`` = the world model's regions.
    months : array-like of date-like, length T
    curtailed_twh_per_year : dict, optional
        ``{code or name: TWh per year}`` instead of the table.
    wet_months : sequence of int, default May-October

    Returns
    -------
    curtailed_twh : numpy.ndarray, shape (T, R)
        [TWh per month]
    """
    codes = _region_codes(region_codes)
    names = [vocabulary.name_en(c) for c in codes]
    per_year = None
    if curtailed_twh_per_year is not None:
        per_year = {
            vocabulary.name_en(vocabulary.code_of(k)): v for k, v in curtailed_twh_per_year.items()
        }
    return curtailed_volumes_twh(
        _months_index(months), names, curtailed_twh_per_year=per_year, wet_months=wet_months
    )


def _price_rows(key: str, prices: pd.DataFrame) -> pd.DataFrame:
    return prices[prices["region"] == key]


#: Kinds of a company's power cost, in the order the ``entity`` step of
#: :func:`region_price_usd_per_kwh` prefers them when a company reports several for the
#: same period (Riot reports both for 2022-2024): the **net** cost first.  Riot's Rockdale
#: PPA (345 MW fixed price, 2020-2030) resells the power it does not use for ERCOT 4CP and
#: demand-response credits (regional_inputs.md §1.3, SEC filing
#: https://www.sec.gov/Archives/edgar/data/1167419/000110465925104466/R16.htm), so the
#: credits are part of what a kWh costs the miner: 0.031 / 0.021 / 0.034 USD/kWh net
#: against 0.0445 / 0.0444 / 0.0419 gross (2022 / 2023 / 2024, Riot 8-K).  Through round 9
#: the table's order picked the gross rows, against this function's own documentation.
COMPANY_COST_KINDS = {
    "net": ("miner_net_power_cost", "miner_power_cost", "miner_gross_power_cost"),
    "gross": ("miner_gross_power_cost", "miner_power_cost", "miner_net_power_cost"),
}


def region_price_usd_per_kwh(
    region_codes: Sequence[str] | None,
    months,
    *,
    include_addons: bool = True,
    return_methods: bool = False,
    company_cost: str = "net",
):
    """Electricity price paid by miners by month and registry region (table ``electricity_prices``).

    Rule, per region and month (each step named in the returned ``methods``):

    1. ``row``: the region-wide row of the region's ``price_key`` that applies to the
       month's first day (:func:`hashcarbon.geography.electricity_price`, any kind
       except add-ons; the shortest period wins, so a season beats a year);
    2. ``held``: months outside every row take the same calendar month of the latest
       year with a row (so wet/dry seasons persist), else the nearest month with a row --
       assumption: a price persists until a source says otherwise;
    3. ``entity``: regions with only company rows (US-TX: Riot's power cost) take the
       mean over the companies of each one's cost of the kind ``company_cost`` prefers
       (:data:`COMPANY_COST_KINDS`: net of resale credits by default), held as in 2;
    4. ``parent``: regions without rows take their parent's price (US-GA -> US);
    5. ``world``: otherwise CBECI's global 0.05 USD/kWh (``World``, kind ``cbeci_default``).

    With ``include_addons`` the region's surcharges and taxes in force (``surcharge``,
    ``tax``: Sichuan's 2022 punitive tariff, Kazakhstan's 2022 surcharge and 2023 tax)
    are added.

    Parameters
    ----------
    region_codes : sequence of str or None
        Registry codes; ``None`` = the world model's regions.
    months : array-like of date-like, length T
    include_addons : bool, default True
    return_methods : bool, default False
        Also return the (T, R) array of step names.
    company_cost : {"net", "gross"}, default "net"
        Which of a company's power costs the ``entity`` step takes where it reports both
        (:data:`COMPANY_COST_KINDS`); ``"gross"`` is rounds 3-9's choice.

    Returns
    -------
    price_usd_per_kwh : numpy.ndarray, shape (T, R)
        [USD/kWh]
    methods : numpy.ndarray of str, shape (T, R)
        Only with ``return_methods``.
    """
    from hashcarbon import data, geography

    if company_cost not in COMPANY_COST_KINDS:
        raise InputError(
            f"company_cost: unknown {company_cost!r}; expected one of "
            f"{', '.join(COMPANY_COST_KINDS)}"
        )
    codes = _region_codes(region_codes)
    idx = _months_index(months)
    prices = data.electricity_prices()
    prices["entity"] = prices["entity"].fillna("")
    out = np.full((len(idx), len(codes)), np.nan)
    how = np.full((len(idx), len(codes)), "", dtype=object)

    # Work on a monthly grid from the table's first row to the last month asked, so that
    # "held" means the nearest month with a row, not the nearest month asked.
    first = min(idx.min(), pd.Timestamp(prices["start"].min()).to_period("M").to_timestamp())
    grid_months = pd.date_range(first, idx.max(), freq="MS")
    pos = grid_months.get_indexer(idx)

    def held(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Uncovered months: same calendar month of the latest covered year, else nearest."""
        s = pd.Series(values, index=grid_months)
        by_moy = s.groupby(grid_months.month).transform(lambda x: x.ffill().bfill())
        filled = s.fillna(by_moy).ffill().bfill()
        return filled.to_numpy(), np.isnan(values)

    def series_for(key: str) -> tuple[np.ndarray, np.ndarray] | None:
        rows = _price_rows(key, prices)
        base = rows[~rows["kind"].isin(geography.NON_PRICE_KINDS)]
        if (base["entity"] == "").any():
            p = geography.electricity_price(key, grid_months, table=prices)
            p = p["price_usd_per_kwh"].to_numpy()
            label = "row"
        elif len(base):
            per = []
            for e in sorted(set(base["entity"])):
                kinds = set(base.loc[base["entity"] == e, "kind"])
                kind = next((k for k in COMPANY_COST_KINDS[company_cost] if k in kinds), None)
                per.append(
                    geography.electricity_price(
                        key, grid_months, kind=kind, entity=e, table=prices
                    )["price_usd_per_kwh"].to_numpy()
                )
            stack = np.vstack(per)
            with np.errstate(invalid="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                p = np.where(np.isnan(stack).all(axis=0), np.nan, np.nanmean(stack, axis=0))
            label = "entity"
        else:
            return None
        values, was_held = held(p)
        m = np.where(was_held, "held" if label == "row" else "entity", label).astype(object)
        return values[pos], m[pos]

    for j, code in enumerate(codes):
        chain = [(vocabulary.price_key(code), None)]
        par = vocabulary.parent(code)
        if par:
            chain.append((vocabulary.price_key(par), "parent"))
        got = None
        for key, label in chain:
            if key:
                got = series_for(key)
                if got is not None:
                    p, m = got
                    out[:, j] = p
                    how[:, j] = m if label is None else "parent"
                    key_used = key
                    break
        if got is None:
            p = geography.electricity_price("World", idx, kind="cbeci_default", table=prices)
            out[:, j] = p["price_usd_per_kwh"].to_numpy()
            how[:, j] = "world"
            key_used = ""
        if include_addons and key_used:
            rows = _price_rows(key_used, prices)
            for kind in sorted(set(rows["kind"]) & set(geography.NON_PRICE_KINDS)):
                add = geography.electricity_price(key_used, idx, kind=kind, table=prices)
                out[:, j] += np.nan_to_num(add["price_usd_per_kwh"].to_numpy())
    if return_methods:
        return out, how.astype(str)
    return out


def new_machine_efficiency_j_per_th(
    months,
    *,
    price_usd_per_kwh: float = 0.05,
    catalogue: str = "full",
    lag_months: int = 2,
    cohort_months: int = 12,
) -> np.ndarray:
    r"""Efficiency of the machines bought in each month, from the energy module's catalogue.

    The newest cohort of the 2023 CBECI basket (:func:`hashcarbon.energy.age_weights_2023`):
    models of the estimator's catalogue (``energy.estimate``'s ``catalogue`` and
    manufacturer rows) whose age since release + ``lag_months`` is below
    ``cohort_months`` (the weight-1 class), and which are profitable in the month
    (efficiency below the month's mean profitability threshold of the ``cbeci-2023``
    estimate at ``price_usd_per_kwh``, as :func:`hashcarbon.energy.eligible_models`),
    equally weighted (CBECI weights models within an age class equally).  Months with no
    such model take the most efficient model already delivered (release + lag <= month);
    months after the network data have no threshold and use the cohort unfiltered.

    Parameters
    ----------
    months : array-like of date-like, length T
    price_usd_per_kwh : float, default 0.05
        Price of the profitability threshold. [USD/kWh]
    catalogue : {"full", "cbeci"}, default "full"
    lag_months : int, default 2
        Delivery lag after release (CBECI 2023). [month]
    cohort_months : int, default 12
        Age span of the newest cohort (CBECI 2023's first weight class). [month]

    Returns
    -------
    efficiency_j_per_th : numpy.ndarray, shape (T,)
        [J/TH]

    Notes
    -----
    After the catalogue's last release the value is held at the last cohort's mean
    (no improvement is projected here; a model that needs one must name it).
    """
    from hashcarbon import energy

    idx = _months_index(months)
    hw = energy._load_catalogue(catalogue, True)
    rel = pd.to_datetime(hw["release_date"]).to_numpy(dtype="datetime64[M]").astype(np.int64) + int(
        lag_months
    )
    eff = hw["efficiency_j_per_th"].to_numpy(dtype=float)
    t = idx.to_numpy(dtype="datetime64[M]").astype(np.int64)
    age = t[:, None] - rel[None, :]
    daily = energy.estimate("cbeci-2023", price_usd_per_kwh, freq="day", catalogue=catalogue)
    thr = (
        daily.groupby(pd.to_datetime(daily["date"]).dt.to_period("M").dt.to_timestamp())[
            "threshold_j_per_th"
        ]
        .mean()
        .reindex(idx)
        .to_numpy()
    )
    cohort = (age >= 0) & (age < int(cohort_months))
    profitable = np.where(np.isnan(thr)[:, None], True, eff[None, :] < thr[:, None])
    sel = cohort & profitable
    with np.errstate(invalid="ignore"):
        mean = np.where(sel.any(axis=1), (sel * eff).sum(axis=1) / sel.sum(axis=1).clip(1), np.nan)
    delivered = age >= 0
    best = np.where(
        delivered.any(axis=1), np.where(delivered, eff[None, :], np.inf).min(axis=1), np.nan
    )
    out = np.where(np.isnan(mean), best, mean)
    last_release = rel.max()
    after = t > last_release + int(cohort_months)
    if after.any() and (~after).any():
        out[after] = out[~after][np.argmax(t[~after])]
    return out


def fleet_efficiency_j_per_th(
    months, *, method: str = "cbeci-2023", price_usd_per_kwh: float = 0.05, bound: str = "best"
) -> np.ndarray:
    """The energy estimator's fleet efficiency by month: the target of a vintage fleet.

    Monthly mean of :func:`hashcarbon.energy.estimate`'s daily ``efficiency_j_per_th_<bound>``
    (the estimator's basket, before PUE); NaN for months without network data.

    Parameters
    ----------
    months : array-like of date-like, length T
    method : str, default "cbeci-2023"
    price_usd_per_kwh : float, default 0.05
        Electricity price of the CBECI profitability rule. [USD/kWh]
    bound : {"lower", "best", "upper"}

    Returns
    -------
    efficiency_j_per_th : numpy.ndarray, shape (T,)
        [J/TH]
    """
    from hashcarbon import energy

    if bound not in ("lower", "best", "upper"):
        raise ParameterError(f"bound: expected lower, best or upper, got {bound!r}")
    idx = _months_index(months)
    daily = energy.estimate(method, price_usd_per_kwh, freq="day")
    col = f"efficiency_j_per_th_{bound}"
    month = pd.to_datetime(daily["date"]).dt.to_period("M").dt.to_timestamp()
    return daily.groupby(month)[col].mean().reindex(idx).to_numpy(dtype=float)


def _month_set(spec: str) -> set[int]:
    a, b = (int(x) for x in str(spec).split("-"))
    return set(range(a, b + 1)) if a <= b else set(range(a, 13)) | set(range(1, b + 1))


def region_mining_limits_gw(region_codes: Sequence[str] | None, months) -> dict[str, np.ndarray]:
    """Power available to mining by month and registry region (table ``mining_limits``).

    A row of the table applies from ``start`` to ``end`` (blank: in force) in the months
    of its ``months`` spec; a month takes the row in force on its first day (Xinjiang's
    9 Jun 2021 shutdown counts from July 2021); a region's rows do not overlap (checked when the table is
    built).  Every value carries its status and source in the table: stated loads and
    policy limits, loads inferred as CCAF share x network power (range from the CBECI
    power bounds), and named assumptions with a stated range where no source dates a
    value.

    Parameters
    ----------
    region_codes : sequence of str or None
        Registry codes; ``None`` = the world model's regions.  ``"US"`` gives the limit of
        all US states together.
    months : array-like of date-like, length T

    Returns
    -------
    dict
        ``limit_gw``, ``limit_low_gw``, ``limit_high_gw`` (float arrays, shape (T, R)) [GW]
        and ``status`` (str array (T, R): ``stated``, ``inferred``, ``assumption``, or
        ``none`` where the table has no row -- NaN values there: the table gives no
        limit, and a model must state its own range rather than assume "uncapped").
    """
    from hashcarbon import data

    codes = _region_codes(region_codes)
    idx = _months_index(months)
    table = data.mining_limits()
    shape = (len(idx), len(codes))
    out = {k: np.full(shape, np.nan) for k in ("limit_gw", "limit_low_gw", "limit_high_gw")}
    status = np.full(shape, "none", dtype=object)
    t = idx.to_numpy(dtype="datetime64[ns]")
    moy = idx.month.to_numpy()
    for j, code in enumerate(codes):
        for row in table[table["region"] == code].itertuples():
            end = np.datetime64("2262-01-01") if pd.isna(row.end) else np.datetime64(row.end)
            sel = (t >= np.datetime64(row.start)) & (t <= end)
            sel &= np.isin(moy, list(_month_set(row.months)))
            out["limit_gw"][sel, j] = row.limit_gw
            out["limit_low_gw"][sel, j] = row.limit_low_gw
            out["limit_high_gw"][sel, j] = row.limit_high_gw
            status[sel, j] = row.status
    out["status"] = status.astype(str)
    return out


def world_inputs(
    months,
    region_codes: Sequence[str] | None = None,
    *,
    factor_set="ccaf",
    projection: str = "hold",
    china_season_model: str = "annual",
    wet_season_hydro_share: float | None = None,
    price_usd_per_kwh: float = 0.05,
):
    """All input builders at once, as an :class:`xarray.Dataset` with units and provenance.

    Parameters
    ----------
    months : array-like of date-like, length T
    region_codes : sequence of str, optional
        Default: the world model's regions in model order.
    factor_set, projection, china_season_model, wet_season_hydro_share
        See :func:`region_intensity_g_per_kwh` (average accounting: the marginal blend
        needs the model's own regional energy).
    price_usd_per_kwh : float, default 0.05
        Price of the profitability threshold of :func:`new_machine_efficiency_j_per_th`
        and of the estimator fleet of :func:`fleet_efficiency_j_per_th`. [USD/kWh]

    Returns
    -------
    xarray.Dataset
        Dims ``time`` (T) and ``region`` (R): ``intensity_g_per_kwh``, ``curtailed_twh``,
        ``price_usd_per_kwh``, ``price_method``, ``limit_gw``, ``limit_low_gw``,
        ``limit_high_gw``, ``limit_status`` (time x region); ``new_machine_efficiency_j_per_th``
        and ``fleet_efficiency_j_per_th`` (time).
    """
    import xarray as xr

    from hashcarbon import provenance

    codes = _region_codes(region_codes)
    idx = _months_index(months)
    dims = ("time", "region")
    inten = region_intensity_g_per_kwh(
        codes,
        idx,
        factor_set=factor_set,
        projection=projection,
        china_season_model=china_season_model,
        wet_season_hydro_share=wet_season_hydro_share,
    )
    price, how = region_price_usd_per_kwh(codes, idx, return_methods=True)
    limits = region_mining_limits_gw(codes, idx)
    ds = xr.Dataset(
        {
            "intensity_g_per_kwh": (dims, inten, {"units": "gCO2e/kWh"}),
            "curtailed_twh": (dims, region_curtailed_twh(codes, idx), {"units": "TWh/month"}),
            "price_usd_per_kwh": (dims, price, {"units": "USD/kWh"}),
            "price_method": (dims, how),
            "limit_gw": (dims, limits["limit_gw"], {"units": "GW"}),
            "limit_low_gw": (dims, limits["limit_low_gw"], {"units": "GW"}),
            "limit_high_gw": (dims, limits["limit_high_gw"], {"units": "GW"}),
            "limit_status": (dims, limits["status"]),
            "new_machine_efficiency_j_per_th": (
                ("time",),
                new_machine_efficiency_j_per_th(idx, price_usd_per_kwh=price_usd_per_kwh),
                {"units": "J/TH"},
            ),
            "fleet_efficiency_j_per_th": (
                ("time",),
                fleet_efficiency_j_per_th(idx, price_usd_per_kwh=price_usd_per_kwh),
                {"units": "J/TH"},
            ),
        },
        coords={"time": idx, "region": list(codes)},
        attrs={
            **provenance.software(),
            "factor_set": factor_set if isinstance(factor_set, str) else "user-supplied",
            "projection": projection,
            "china_season_model": china_season_model,
            "built_by": "hashcarbon.pipeline.world_inputs",
        },
    )
    return ds


def survey_decomposition(
    year: int = 2024,
    method: str = "cbeci-2023",
    *,
    survey: dict | None = None,
    factors="ccaf",
    project: pd.Series | dict | None = None,
) -> pd.DataFrame:
    r"""Step-by-step bridge from the project's location-based estimate to a survey's figures.

    Each row changes one assumption of the row before it, so the change in
    emissions is attributed to that step (the order matters; it is the order of
    the issue: energy, geography, sample, own mix, residual).

    Parameters
    ----------
    year : int, default 2024
        Year of the project's estimate (the survey's year).
    method : str, default "cbeci-2023"
        Energy estimator of :func:`estimate`.
    survey : dict, optional
        Default :data:`SURVEY_2025` (Cambridge Digital Mining Industry Report, Apr 2025).
    factors : {"ccaf", "ipcc"} or dict
        Emission factors for the geography and own-mix steps. [gCO2e/kWh]
    project : mapping, optional
        A yearly row of :func:`estimate` (``energy_twh_best``, ``emissions_mt_best``,
        ``sustainable_share``) to start from instead of running it.

    Returns
    -------
    steps : pandas.DataFrame
        Columns ``step``, ``description``, ``energy_twh`` [TWh], ``intensity_g_per_kwh``
        [gCO2e/kWh], ``emissions_mt`` [Mt CO2e], ``sustainable_share`` [0-1],
        ``delta_emissions_mt`` [Mt CO2e, against the previous cumulative step] and
        ``cumulative`` (False for the side row ``sample_network``).

    Notes
    -----
    Steps: ``project`` (network, location-based, project geography); ``energy``
    (the survey's 138 TWh at the project's intensity); ``geography`` (the
    respondents' countries -- US 75.4 %, Canada 7.1 %, Paraguay 3.4 %, Russia
    2.3 %, rest at the World mix -- at location-based grid averages: this is the
    survey's sample extrapolated to the network); ``sample_network`` (side row,
    not cumulative: the 48 % sample at that intensity and the other 52 % at the
    project's intensity); ``own_mix`` (the self-reported mix at the same factors:
    the market-based claims, on-site and off-grid supply -- 26 % of the sample's
    hash rate is off-grid, flare gas included -- that the survey does not
    separate); ``survey`` (the published 39.8 Mt, the residual being the survey's
    own factors and rounding).
    """
    from hashcarbon import grid
    from hashcarbon.carbon import SURVEY_2025, survey_mix

    survey = SURVEY_2025 if survey is None else survey
    if project is None:
        row = estimate(
            method, start=f"{int(year)}-01-01", end=f"{int(year)}-12-31", freq="year"
        ).iloc[0]
    else:
        row = pd.Series(project)
    e0 = float(row["energy_twh_best"])
    m0 = float(row["emissions_mt_best"])
    i0 = m0 * 1e3 / e0
    s0 = float(row["sustainable_share"])
    sources = list(grid.SOURCES)
    fac_d = grid.emission_factors(factors)
    fac = np.array([fac_d[s] for s in sources])
    geo = survey["geography"]
    frame = grid.mix_shares(
        list(geo),
        [int(year)],
        vintages=("owid_bp_ember_2022", "owid_ccaf_repo_2024"),
        max_fallback_years=None,
    )
    by_country = {
        r.country: np.array([getattr(r, f"{s}_share") for s in sources]) for r in frame.itertuples()
    }
    lookup = {k.lower(): v for k, v in by_country.items()}
    weights = np.array([float(v) for v in geo.values()])
    mixes = []
    for name in geo:
        if name.lower() not in lookup:
            raise InputError(f"survey geography: no generation mix for {name!r} in table grid_mix")
        mixes.append(lookup[name.lower()])
    geo_mix = (weights[:, None] * np.array(mixes)).sum(axis=0) / weights.sum()
    i_geo = float(geo_mix @ fac)
    s_geo = float(sustainable_share(geo_mix, sources))
    own = survey_mix(survey, sources)
    i_own = float(own @ fac)
    e1 = float(survey["energy_twh"])
    c = float(survey["sample_hashrate_share"])
    i_sample = c * i_geo + (1 - c) * i0
    s_sample = c * s_geo + (1 - c) * s0
    rows = [
        (
            "project",
            "project estimate: network, location-based, project geography",
            e0,
            i0,
            s0,
            True,
        ),
        ("energy", "survey's electricity (138 TWh) at the project's intensity", e1, i0, s0, True),
        (
            "geography",
            "respondents' countries (US 75.4 %, Canada 7.1 %, ...) at location-based grid "
            "averages: the 48 % sample extrapolated to the network",
            e1,
            i_geo,
            s_geo,
            True,
        ),
        (
            "sample_network",
            "side row: the 48 % sample at that intensity, the other 52 % at the project's",
            e1,
            i_sample,
            s_sample,
            False,
        ),
        (
            "own_mix",
            "miners' self-reported mix (market-based claims, on-site and off-grid incl. flare "
            "gas; not separable in the published figures) at the same factors",
            e1,
            i_own,
            float(sustainable_share(own, sources)),
            True,
        ),
        (
            "survey",
            "published survey figures (residual: the survey's own factors, rounding)",
            e1,
            float(survey["emissions_mt"]) * 1e3 / e1,
            float(survey["sustainable_share"]),
            True,
        ),
    ]
    out = pd.DataFrame(
        rows,
        columns=[
            "step",
            "description",
            "energy_twh",
            "intensity_g_per_kwh",
            "sustainable_share",
            "cumulative",
        ],
    )
    out["emissions_mt"] = out["energy_twh"] * out["intensity_g_per_kwh"] / 1e3
    prev = out["emissions_mt"].where(out["cumulative"]).ffill().shift(1)
    prev[~out["cumulative"]] = (
        out["emissions_mt"].where(out["cumulative"]).ffill()[~out["cumulative"]]
    )
    out["delta_emissions_mt"] = out["emissions_mt"] - prev
    out = out[
        [
            "step",
            "description",
            "energy_twh",
            "intensity_g_per_kwh",
            "emissions_mt",
            "sustainable_share",
            "delta_emissions_mt",
            "cumulative",
        ]
    ]
    out.attrs["survey"] = survey["label"]
    out.attrs["units"] = {
        "energy_twh": "TWh",
        "intensity_g_per_kwh": "gCO2e/kWh",
        "emissions_mt": "Mt CO2e",
        "share": "1",
    }
    return out


# Argument checks by name and unit (one line naming the argument); keep last.
_check.guard(globals())
