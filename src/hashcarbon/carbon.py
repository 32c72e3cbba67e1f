r"""Location-based carbon accounting: where the hash rate is × what its grid emits.

The functional core here is independent of any data table: it combines

* location shares ``share[t, r]`` of the hash rate (countries and China's
  provinces; :mod:`hashcarbon.geography`),
* generation mixes ``mix[t, r, s]`` of each region's grid by source
  (:mod:`hashcarbon.grid`), and
* an emission-factor set ``factor[s]`` (Cambridge 2022 or IPCC AR5 lifecycle),

into Bitcoin's electricity mix, average intensity, emissions and sustainable
share, following the Cambridge Bitcoin Electricity Consumption Index GHG
methodology [1]_: the monthly Bitcoin coefficient is the share-weighted sum of
regional coefficients, and each regional coefficient is the mix-weighted sum
of per-source factors.

Two accountings are offered:

``average``
    Every kWh counts at its grid's average factor (Cambridge's method).
``marginal``
    Mining that a region's curtailed renewable volume could supply counts at
    ``curtailed_intensity_g_per_kwh`` (default 0): the energy would otherwise
    have been spilled, so the marginal emissions of using it are about zero.
    This is the argument of the clean-energy exemption; Cambridge does not
    make it.  The rest counts at the grid average.  Which volume and which
    months count as curtailed are named inputs, not hidden constants.

References
----------
.. [1] Cambridge Centre for Alternative Finance, "Cambridge Bitcoin Electricity
   Consumption Index: greenhouse-gas emissions methodology" (Sep 2022),
   https://ccaf.io/cbnsi/cbeci/ghg/methodology; code in
   ``CambridgeAltFin/ccaf_cbeci_api`` (``calc_co2_coefficient.py``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from hashcarbon import _check
from hashcarbon.errors import InputError

#: Sources that count as sustainable (Cambridge: hydro, nuclear, wind, solar, other renewables). [-]
SUSTAINABLE_SOURCES: tuple[str, ...] = (
    "hydro",
    "nuclear",
    "wind",
    "solar",
    "bioenergy",
    "other_renewables",
    "curtailed_hydro",
)
#: Sources that count as renewable: the sustainable ones without nuclear. [-]
RENEWABLE_SOURCES: tuple[str, ...] = tuple(s for s in SUSTAINABLE_SOURCES if s != "nuclear")
#: Pseudo-source for mining supplied by curtailed hydro under marginal accounting.
CURTAILED_SOURCE = "curtailed_hydro"


def _check_shares(name: str, arr: np.ndarray, axis: int, atol: float = 1e-6) -> None:
    if np.any(arr < -atol):
        raise InputError(f"{name}: shares must be >= 0")
    sums = arr.sum(axis=axis)
    if not np.allclose(sums, 1.0, atol=atol):
        worst = float(np.max(np.abs(sums - 1.0)))
        raise InputError(
            f"{name}: shares must sum to 1 along the last axis (worst deviation {worst:.3g})"
        )


def location_mix(location_share, region_mix) -> np.ndarray:
    r"""Electricity mix of the hash rate: the share-weighted mix of the regions' grids.

    Parameters
    ----------
    location_share : array-like, shape (T, R)
        Share of the hash rate in each region at each time; rows sum to 1. [-]
    region_mix : array-like, shape (T, R, S) or (R, S)
        Share of each source in each region's generation; sums to 1 over S. [-]

    Returns
    -------
    mix : numpy.ndarray, shape (T, S)
        Share of each source in the electricity used for mining. [-]

    Notes
    -----
    :math:`m_{t,s} = \sum_r w_{t,r}\,g_{t,r,s}` (Cambridge GHG methodology [1]_ of
    :mod:`hashcarbon.carbon`).

    Examples
    --------
    >>> location_mix([[0.5, 0.5]], [[1.0, 0.0], [0.2, 0.8]]).round(3).tolist()
    [[0.6, 0.4]]
    """
    w = np.asarray(location_share, dtype=float)
    g = np.asarray(region_mix, dtype=float)
    if w.ndim != 2:
        raise InputError("location_share: expected a (time, region) array")
    if g.ndim == 2:
        g = np.broadcast_to(g, (w.shape[0], *g.shape))
    if g.ndim != 3 or g.shape[:2] != w.shape:
        raise InputError(
            f"region_mix: expected shape (time, region, source) matching {w.shape}, got {g.shape}"
        )
    _check_shares("location_share", w, axis=1)
    _check_shares("region_mix", g, axis=2)
    return np.einsum("tr,trs->ts", w, g)


def intensity_from_mix(mix, factors_g_per_kwh) -> np.ndarray:
    r"""Average carbon intensity of a mix: :math:`\sum_s m_s f_s`.

    Parameters
    ----------
    mix : array-like, shape (..., S)
        Share of each source. [-]
    factors_g_per_kwh : array-like, shape (S,)
        Emission factor of each source. [gCO2e/kWh]

    Returns
    -------
    intensity_g_per_kwh : numpy.ndarray, shape (...)
        [gCO2e/kWh]

    Examples
    --------
    >>> float(intensity_from_mix([0.5, 0.5], [1001.0, 21.0]))
    511.0
    """
    m = np.asarray(mix, dtype=float)
    f = np.asarray(factors_g_per_kwh, dtype=float)
    if m.shape[-1] != f.shape[-1]:
        raise InputError(f"factors_g_per_kwh: expected {m.shape[-1]} sources, got {f.shape[-1]}")
    return m @ f


def emissions_mt(energy_twh, intensity_g_per_kwh) -> np.ndarray:
    r"""Emissions of an amount of electricity at an intensity.

    :math:`E\,[\mathrm{Mt}] = Q\,[\mathrm{TWh}] \times 10^{9}\,\mathrm{kWh/TWh}
    \times I\,[\mathrm{g/kWh}] \times 10^{-12}\,\mathrm{Mt/g} = 10^{-3}\,Q\,I`.

    Parameters
    ----------
    energy_twh : array-like
        Electricity consumed. [TWh]
    intensity_g_per_kwh : array-like
        Carbon intensity. [gCO2e/kWh]

    Returns
    -------
    emissions_mt : numpy.ndarray
        [Mt CO2e]

    Examples
    --------
    >>> float(emissions_mt(100.0, 500.0))
    50.0
    """
    return np.asarray(energy_twh, dtype=float) * np.asarray(intensity_g_per_kwh, dtype=float) * 1e-3


def curtailed_fraction(region_energy_twh, curtailed_twh) -> np.ndarray:
    r"""Fraction of each region's mining energy that curtailed renewables could supply.

    :math:`f_{t,r} = \min\!\left(1, \frac{C_{t,r}}{Q_{t,r}}\right)` with
    :math:`f = 0` where :math:`Q = 0`.

    Parameters
    ----------
    region_energy_twh : array-like, shape (T, R)
        Mining electricity in each region and period. [TWh]
    curtailed_twh : array-like, shape (T, R)
        Curtailed renewable volume available in that region and period. [TWh]

    Returns
    -------
    fraction : numpy.ndarray, shape (T, R)
        [-], in 0-1.

    Examples
    --------
    >>> curtailed_fraction([[2.0, 0.0, 4.0]], [[1.0, 5.0, 8.0]]).tolist()
    [[0.5, 0.0, 1.0]]
    """
    q = np.asarray(region_energy_twh, dtype=float)
    c = np.asarray(curtailed_twh, dtype=float)
    if np.any(q < 0) or np.any(c < 0):
        raise InputError("region_energy_twh, curtailed_twh: must be >= 0")
    # c / q overflows to inf for tiny q; the fraction is clipped to 1 anyway
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        f = np.where(q > 0, c / np.where(q > 0, q, 1.0), 0.0)
    return np.clip(f, 0.0, 1.0)


def with_curtailed_source(
    region_mix, fraction, sources: Sequence[str]
) -> tuple[np.ndarray, list[str]]:
    r"""Re-express regional mixes so that a fraction comes from curtailed hydro.

    The mix of region *r* becomes :math:`(1-f_{t,r})\,g_{t,r,s}` for the grid
    sources plus :math:`f_{t,r}` for the pseudo-source ``curtailed_hydro``.

    Parameters
    ----------
    region_mix : array-like, shape (T, R, S)
        Grid mixes. [-]
    fraction : array-like, shape (T, R)
        Curtailed fraction from :func:`curtailed_fraction`. [-]
    sources : sequence of str
        Names of the S grid sources.

    Returns
    -------
    mix : numpy.ndarray, shape (T, R, S + 1)
        [-]
    sources : list of str
        ``sources`` followed by ``"curtailed_hydro"``.
    """
    g = np.asarray(region_mix, dtype=float)
    f = np.asarray(fraction, dtype=float)[..., None]
    out = np.concatenate([(1.0 - f) * g, f], axis=-1)
    return out, [*sources, CURTAILED_SOURCE]


def sustainable_share(mix, sources: Sequence[str], which: str = "sustainable") -> np.ndarray:
    """Share of ``mix`` from sustainable (or, with ``which="renewable"``, renewable) sources.

    Sustainable follows Cambridge's definition (hydro, nuclear, wind, solar,
    other renewables); renewable excludes nuclear (de Vries et al. 2022,
    doi:10.1016/j.joule.2022.02.005). Curtailed hydro counts as both.

    Parameters
    ----------
    mix : array-like, shape (..., S)
        [-]
    sources : sequence of str
        Names of the S sources.
    which : {"sustainable", "renewable"}

    Returns
    -------
    share : numpy.ndarray, shape (...)
        [-]

    Examples
    --------
    >>> float(sustainable_share([0.5, 0.2, 0.3], ["coal", "nuclear", "hydro"]))
    0.5
    >>> float(sustainable_share([0.5, 0.2, 0.3], ["coal", "nuclear", "hydro"], "renewable"))
    0.3
    """
    if which not in ("sustainable", "renewable"):
        raise InputError(f"which: expected 'sustainable' or 'renewable', got {which!r}")
    keep = SUSTAINABLE_SOURCES if which == "sustainable" else RENEWABLE_SOURCES
    mask = np.array([s in keep for s in sources], dtype=float)
    m = np.asarray(mix, dtype=float)
    if m.shape[-1:] != mask.shape:
        raise InputError(
            f"sources: expected one name per mix column ({m.shape[-1]}), got {len(mask)}"
        )
    return m @ mask


# ---------------------------------------------------------------------------
# Orchestration on the shipped tables: location (geography) x grids (grid).
# ---------------------------------------------------------------------------

#: Countries whose hash rate Cambridge attributes to the world mix: "Other" and the
#: VPN/proxy suspects Germany* and Ireland* (``manual_adjust_country_list`` in
#: ``calc_co2_coefficient.py`` [1]_).
WORLD_MIX_REGIONS: tuple[str, ...] = ("Other", "Germany", "Ireland")
#: Chinese regions of :func:`hashcarbon.geography.country_province_shares` without
#: a provincial mix in table ``china_province_mix``; they take China's national mix.
CHINA_NATIONAL_MIX_REGIONS: tuple[str, ...] = ("Rest of China",)
ACCOUNTINGS = ("average", "marginal")


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
        ``before``, ``after``, ``exits``: the geography assumptions.

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
    world_mix_regions: Sequence[str] = WORLD_MIX_REGIONS,
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
    world_mix_regions : sequence of str
        Regions that take the World mix (Cambridge's treatment of "Other" and the
        VPN-suspect Germany and Ireland).

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

    provinces = set(location.loc[location["country"] == "China", "region"]) - set(
        CHINA_NATIONAL_MIX_REGIONS
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
    wet_months: Sequence[int] = (5, 6, 7, 8, 9, 10),
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
    (Sichuan 2012-2016, 2019, 2020; Yunnan 2013, 2016). Years between two
    figures are interpolated linearly; years before the first or after the
    last figure hold the nearest figure (assumption: the source is silent;
    Yunnan's 2016 level is likely too high for 2020-2021 per ``china_policy.md``
    §3.3, so pass ``curtailed_twh_per_year`` to test that). The national
    "China" rows are not attributed to provinces.
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

    if accounting not in ACCOUNTINGS:
        raise InputError(
            f"accounting: expected one of {', '.join(ACCOUNTINGS)}, got {accounting!r}"
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


BY = ("none", "country", "region")


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
    accounting : {"average", "marginal"}
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
    from hashcarbon import __version__, energy

    if freq not in ("day", "month", "year"):
        raise InputError(f"freq: expected one of day, month, year, got {freq!r}")
    if by not in BY:
        raise InputError(f"by: expected one of {', '.join(BY)}, got {by!r}")
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
    bounds = ("lower", "best", "upper")
    monthly_energy = daily.groupby(month_of_day.to_numpy())["energy_twh_best"].sum()
    acc = monthly_accounting(
        monthly_energy.index,
        monthly_energy.to_numpy(),
        factor_set=factors,
        accounting=accounting,
        curtailed_intensity_g_per_kwh=curtailed_intensity_g_per_kwh,
        curtailed_twh_per_year=curtailed_twh_per_year,
        geography_options=geography_options,
        **(mix_options or {}),
    )
    pos = pd.Index(acc["months"]).get_indexer(month_of_day)
    sources = acc["sources"]
    keys = _period_key(daily["date"], freq)
    provenance = {
        "hashcarbon_version": __version__,
        "method": method,
        "price_usd_per_kwh": "per-date series"
        if isinstance(price_usd_per_kwh, pd.Series)
        else float(price_usd_per_kwh),
        "factors": factors if isinstance(factors, str) else "user-supplied",
        "accounting": accounting,
        "catalogue": catalogue,
        "data_versions": energy._data_versions(),
    }
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
        for b in bounds:
            res[f"power_gw_{b}"] = g[f"power_gw_{b}"].mean().to_numpy()
        for b in bounds:
            res[f"energy_twh_{b}"] = g[f"energy_twh_{b}"].sum().to_numpy()
        for b in bounds:
            res[f"emissions_mt_{b}"] = g[f"emissions_mt_{b}"].sum().to_numpy()
        e = res["energy_twh_best"].to_numpy()
        with np.errstate(invalid="ignore", divide="ignore"):
            res["intensity_g_per_kwh"] = res["emissions_mt_best"].to_numpy() * 1e3 / e
            shares = np.column_stack([g[f"_w_{s}"].sum().to_numpy() / e for s in sources])
        res["sustainable_share"] = sustainable_share(shares, sources)
        res["renewable_share"] = sustainable_share(shares, sources, "renewable")
        for k, s in enumerate(sources):
            res[f"{s}_share"] = shares[:, k]
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
        for b in bounds:
            res[f"power_gw_{b}"] = g[f"power_gw_{b}"].mean().to_numpy()
        for b in bounds:
            res[f"energy_twh_{b}"] = g[f"energy_twh_{b}"].sum().to_numpy()
        for b in bounds:
            res[f"emissions_mt_{b}"] = g[f"emissions_mt_{b}"].sum().to_numpy()
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


# Argument checks by name and unit (one line naming the argument); keep last.
_check.guard(globals())
