r"""BBCE: the Bitcoin Blockchain Carbon Emission policy model of Jiang et al. (2021).

A monthly stock-flow model of Bitcoin mining operated in China, January 2014
to January 2030 (Euler, ``dt`` = 1 month), built on :mod:`hashcarbon.sd`:
equations (1)-(11) of the paper's Methods [1]_ plus the closures the paper
does not publish (China's share of energy, the coal/hydro carbon split,
revenue with halvings and a BTC price path, fees, energy cost, carbon cost,
GDP, difficulty), each a named parameter or closure option.  Regression
coefficients are fitted by OLS on the project's own data tables; the
unknowns are calibrated so the benchmark reproduces the paper's headline
(China's annual energy peaks in 2024 at 296.59 TWh with 130.50 Mt CO2).
``docs/bbce.md`` lists every equation with its status and every choice.

Example
-------
>>> from hashcarbon.models import bbce
>>> ds = bbce.run("bbce-bm")                                  # doctest: +SKIP
>>> rec = bbce.to_records(ds, "year")                         # doctest: +SKIP
>>> max(rec, key=lambda r: r["energy_twh"])["period"]         # doctest: +SKIP
'2024'

References
----------
.. [1] Jiang S., Li Y., Lu Q., Hong Y., Guan D., Xiong Y., Wang S., "Policy
   assessments for the carbon emission flows and sustainability of Bitcoin
   blockchain operation in China", Nature Communications 12, 1938 (2021),
   doi:10.1038/s41467-021-22256-3.
"""

from __future__ import annotations

import functools
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from hashcarbon import _check
from hashcarbon.errors import DataError, InputError, ParameterError
from hashcarbon.models.bbce import _data
from hashcarbon.models.bbce._data import FIT_WINDOWS, N_MONTHS, model_months

__all__ = [
    "CALIBRATED",
    "CLOSURES",
    "DEFAULT_CLOSURES",
    "ENSEMBLE_OUTPUTS",
    "FIG4_SERIES",
    "HEADLINE",
    "PARAMETERS",
    "SCENARIOS",
    "Parameter",
    "annual",
    "calibrate",
    "ensemble",
    "model",
    "run",
    "to_records",
    "write_mdl",
]

PAPER = "Jiang et al. 2021, Nat. Commun. 12, 1938, doi:10.1038/s41467-021-22256-3"

#: The benchmark's published headline [S: abstract of Jiang et al. 2021].
HEADLINE = {"peak_year": 2024, "energy_twh": 296.59, "emissions_mt": 130.50}

#: Closure choices where the paper is silent or ambiguous: option -> allowed values
#: (first = default).  See ``docs/bbce.md`` §3 for the reasoning behind each.
CLOSURES: dict[str, tuple[str, ...]] = {
    # Eq. (5): unit of Time in 0.7 - 0.01*Time ("months_since_loss": counted from
    # the first month with negative cumulative profit).
    "share_time_unit": ("month", "year", "months_since_loss"),
    # Which costs the miner profit rate subtracts from revenue.
    "profit_costs": ("energy+carbon", "energy", "carbon", "none"),
    # Eq. (6): where the market-access lever MA enters.
    "ma_placement": ("exponent", "exponent_inverse", "level"),
    # Efficiency series the eq. (6) regression is fitted on.
    "efficiency_series": _data.EFFICIENCY_SERIES,
    # Fit window of all regressions.
    "fit_window": tuple(FIT_WINDOWS),
    # Definition of "annual energy": calendar-year sum or 12 x the year's peak month.
    "annual_definition": ("calendar_sum", "peak_month_x12"),
}
DEFAULT_CLOSURES: dict[str, str] = {k: v[0] for k, v in CLOSURES.items()}

#: Parameters set by calibration to the headline (see :func:`calibrate`).
CALIBRATED = ("alpha1_usd_per_month2", "pue", "ef_coal_kg_per_kwh")
#: Parameters taken from data or literature that the robustness study also perturbs.
UNCERTAIN = (*CALIBRATED, "price_usd_per_kwh", "btc_usd_after_data", "ef_hydro_kg_per_kwh")

#: The nine Fig. 4 panels (a-i) of Jiang et al. (2021), in order.
FIG4_SERIES = (
    "energy_twh",
    "carbon_per_gdp_kg_per_usd",
    "carbon_flow_mt",
    "hashrate_ehs",
    "cumulative_profit_usd",
    "difficulty",
    "energy_cost_usd",
    "profit_rate_usd",
    "carbon_cost_usd",
)
#: Monthly flows (summed to a year) vs. levels (averaged or taken at year end).
_FLOWS = (
    "energy_twh",
    "carbon_flow_mt",
    "energy_cost_usd",
    "profit_rate_usd",
    "carbon_cost_usd",
    "revenue_usd",
    "network_energy_twh",
    "investment_intensity_usd",
)
_STOCKS = ("cumulative_profit_usd", "cumulative_emissions_mt")


@dataclass(frozen=True)
class Parameter:
    """One model parameter: default, unit, status/source and valid range (inclusive)."""

    default: float
    unit: str
    source: str
    low: float
    high: float


#: Stored fitted and calibrated defaults, written by ``tools/bbce_variants.py
#: --write-calibration`` and checked against a fresh fit + calibration by the tests.
PRESET_PATH = Path(__file__).resolve().parent.parent / "bbce_presets" / "calibration.toml"


def _load_preset() -> dict:
    if not PRESET_PATH.exists():  # only while the preset is being generated
        return {"parameters": {}}
    try:
        with PRESET_PATH.open("rb") as fh:
            return tomllib.load(fh)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise DataError(f"{PRESET_PATH.name}: BBCE preset is damaged ({exc})") from None


def _parameters(values: Mapping[str, float]) -> dict[str, Parameter]:
    """The BBCE parameters from ``parameters.csv``; empty defaults from the preset."""
    from hashcarbon.models.parameters import load

    out = {}
    for name, spec in load("bbce").items():
        default = spec.default
        if math.isnan(default):  # fitted/calibrated: stored in bbce_presets/calibration.toml
            default = float(values.get(name, math.nan))
        out[name] = Parameter(
            default, spec.unit, f"{spec.status}: {spec.source}", spec.min, spec.max
        )
    return out


_GENERATED = (
    "alpha1_usd_per_month2",
    "pue",
    "ef_coal_kg_per_kwh",
    "hashrate_log_intercept",
    "hashrate_log_slope_per_month",
    "efficiency_log_intercept",
    "efficiency_log_slope_per_month",
    "fee_log_intercept",
    "fee_log_slope_per_month",
    "btc_usd_after_data",
    "ef_hydro_kg_per_kwh",
)
PARAMETERS: dict[str, Parameter] = _parameters(_load_preset()["parameters"])

#: Table 1 scenarios [S] as parameter overrides of the benchmark.
SCENARIOS: dict[str, dict[str, float]] = {
    "bbce-bm": {},
    "bbce-ma": {"market_access_share": 0.5},
    "bbce-sr": {"coal_site_share": 0.2},
    "bbce-ct": {"carbon_tax_multiplier": 4.0},
}


def _halving_months() -> list[int]:
    """Model months from which each halving's subsidy applies (a halving after the 15th
    counts from the next month).  Dates from :func:`hashcarbon.chain.halving_timestamps`."""
    from hashcarbon import chain

    out = []
    start = pd.Timestamp(_data.START_MONTH + "-01")
    for ts in pd.DatetimeIndex(chain.halving_timestamps(5)):
        ts = ts.tz_localize(None) if ts.tzinfo is not None else ts
        month = (ts.year - start.year) * 12 + (ts.month - start.month) + (ts.day > 15)
        if 0 < month <= N_MONTHS:
            out.append(int(month))
    return out


def _check_closures(closures: Mapping[str, str] | None) -> dict[str, str]:
    out = dict(DEFAULT_CLOSURES)
    for key, value in (closures or {}).items():
        if key not in CLOSURES:
            raise ParameterError(
                f"unknown BBCE closure {key!r}; valid closures: {', '.join(CLOSURES)}"
            )
        if value not in CLOSURES[key]:
            raise ParameterError(
                f"BBCE closure {key}={value!r}: expected one of {', '.join(CLOSURES[key])}"
            )
        out[key] = value
    return out


def _check_params(params: Mapping[str, object] | None, n_runs: int) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for name, value in (params or {}).items():
        if name not in PARAMETERS:
            raise ParameterError(
                f"unknown BBCE parameter {name!r}; valid names: {', '.join(PARAMETERS)}"
            )
        p = PARAMETERS[name]
        try:
            arr = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            raise ParameterError(f"BBCE parameter {name}: expected a number") from None
        if arr.ndim > 1 or (arr.ndim == 1 and arr.size not in (1, n_runs)):
            raise ParameterError(
                f"BBCE parameter {name}: expected a number or {n_runs} values (one per run)"
            )
        if not np.all(np.isfinite(arr)) or np.any(arr < p.low) or np.any(arr > p.high):
            raise ParameterError(
                f"BBCE parameter {name}: expected values in [{p.low:g}, {p.high:g}] {p.unit}"
            )
        out[name] = arr
    return out


@functools.lru_cache(maxsize=32)
def _inputs(fit_window: str, efficiency: str) -> _data.Inputs:
    return _data.prepare(fit_window, efficiency)


def fitted_values(closures: Mapping[str, str] | None = None) -> dict[str, float]:
    """Parameters set from data (OLS fits and data look-ups) for a closure set."""
    c = _check_closures(closures)
    inp = _inputs(c["fit_window"], c["efficiency_series"])
    return {
        "hashrate_log_intercept": inp.hashrate.intercept,
        "hashrate_log_slope_per_month": inp.hashrate.slope_per_month,
        "efficiency_log_intercept": inp.efficiency.intercept,
        "efficiency_log_slope_per_month": inp.efficiency.slope_per_month,
        "fee_log_intercept": inp.fees.intercept,
        "fee_log_slope_per_month": inp.fees.slope_per_month,
        "btc_usd_after_data": float(inp.btc_usd_history[-1]),
        "ef_hydro_kg_per_kwh": inp.ef_hydro_kg_per_kwh,
    }


def model(
    params: Mapping[str, float] | None = None,
    closures: Mapping[str, str] | None = None,
):
    """The BBCE model as a :class:`hashcarbon.sd.Model` (benchmark levers unless overridden).

    Parameters
    ----------
    params : dict, optional
        Parameter name -> value, replacing the defaults written as constants.
    closures : dict, optional
        Closure option -> choice (see :data:`CLOSURES`); default :data:`DEFAULT_CLOSURES`.

    Returns
    -------
    hashcarbon.sd.Model
    """
    from hashcarbon.models.bbce import _equations
    from hashcarbon.sd.model import Model

    c = _check_closures(closures)
    given = _check_params(params, 1)
    values = _default_values(c)
    values.update({k: float(np.ravel(v)[0]) for k, v in given.items()})
    inp = _inputs(c["fit_window"], c["efficiency_series"])
    m = Model(
        "bbce",
        start=0.0,
        stop=float(N_MONTHS),
        dt=1.0,
        time_units="Month",
        doc=f"BBCE model of {PAPER}, re-implemented by hashcarbon; closures: "
        + ", ".join(f"{k}={v}" for k, v in c.items()),
    )
    return _equations.build(m, values, c, list(inp.btc_usd_history), _halving_months())


def _default_values(closures: dict[str, str]) -> dict[str, float]:
    values = {name: p.default for name, p in PARAMETERS.items()}
    if closures != DEFAULT_CLOSURES:
        values.update(fitted_values(closures))
        values.update(_calibrated_cached(tuple(sorted(closures.items()))))
    return values


@functools.lru_cache(maxsize=64)
def _calibrated_cached(closure_items: tuple) -> dict[str, float]:
    return calibrate(dict(closure_items)).values


#: Largest ensemble :func:`run` accepts: results take about 34 kB per run (193 months x
#: about 20 float64 variables, measured: 100 runs = 3.4 MB), so 100,000 runs ~ 3.2 GiB.
MAX_RUNS = 100_000


def run(
    scenario: str = "bbce-bm",
    params: Mapping[str, object] | None = None,
    n_runs: int = 1,
    *,
    closures: Mapping[str, str] | None = None,
    seed: int | None = None,
    outputs: tuple[str, ...] | None = None,
) -> xr.Dataset:
    """Simulate one Table 1 scenario, possibly as a vectorised ensemble.

    Parameters
    ----------
    scenario : {"bbce-bm", "bbce-ma", "bbce-sr", "bbce-ct"}
        Table 1 scenario of Jiang et al. (2021).
    params : dict, optional
        Parameter overrides: a number, or an array of ``n_runs`` values (one per run).
    n_runs : int
        Number of runs (the ``run`` dimension).
    closures : dict, optional
        Closure choices (see :data:`CLOSURES`).
    seed : int, optional
        Recorded in the attributes (for ensembles drawn by :func:`ensemble`).
    outputs : tuple of str, optional
        Variables to compute and return (default: all).  Only these and what they
        depend on are computed; their values equal those of a full run.

    Returns
    -------
    xarray.Dataset
        Monthly series on dims ``(time, run)`` with ``time`` the first day of each
        month from 2014-01 to 2030-01; units and provenance in attributes.
    """
    if scenario not in SCENARIOS:
        raise ParameterError(
            f"unknown BBCE scenario {scenario!r}; valid scenarios: {', '.join(SCENARIOS)}"
        )
    if not isinstance(n_runs, (int, np.integer)) or n_runs < 1:
        raise InputError(f"n_runs: expected a positive integer, got {n_runs!r}")
    if n_runs > MAX_RUNS:  # before allocating: about 34 kB of results per run
        raise InputError(
            f"n_runs: at most {MAX_RUNS:,} runs (memory limit), got {n_runs:,} "
            f"(about {n_runs * 34e3 / 2**30:,.0f} GiB)"
        )
    c = _check_closures(closures)
    overrides = dict(SCENARIOS[scenario])
    overrides.update(params or {})
    given = _check_params(overrides, int(n_runs))
    m = model(closures=c)
    ds = m.run({k: v for k, v in given.items()}, n_runs=int(n_runs), outputs=outputs)
    return _finish(ds, scenario, c, given, seed)


def _finish(ds: xr.Dataset, scenario, closures, given, seed) -> xr.Dataset:
    from hashcarbon import provenance

    months = model_months()
    ds = ds.assign_coords(month=("time", np.asarray(ds["time"].values, dtype=float)))
    ds = ds.assign_coords(time=months[: ds.sizes["time"]])
    inp = _inputs(closures["fit_window"], closures["efficiency_series"])
    ds.attrs.update(
        {
            "model": "BBCE (Jiang et al. 2021) re-implemented on hashcarbon.sd",
            "source": PAPER,
            "scenario": scenario,
            "closures": "; ".join(f"{k}={v}" for k, v in closures.items()),
            "overrides": "; ".join(
                f"{k}={np.ravel(v)[0]:g}" + ("..." if np.size(v) > 1 else "")
                for k, v in given.items()
            ),
            **provenance.software(),
            "data_versions": inp.data_versions,
            "seed": "none" if seed is None else int(seed),
            "time_step": "1 month (Euler)",
        }
    )
    return ds


def annual(ds: xr.Dataset, definition: str = "calendar_sum") -> xr.Dataset:
    """Annual China energy ``energy_twh`` [TWh] and emissions ``emissions_mt`` [Mt CO2].

    Parameters
    ----------
    ds : xarray.Dataset
        Output of :func:`run`.
    definition : {"calendar_sum", "peak_month_x12"}
        Calendar-year sum of the monthly flows, or 12 x the year's largest month.

    Returns
    -------
    xarray.Dataset
        On dims ``(year, run)``, complete years only (2014-2029).
    """
    if definition not in CLOSURES["annual_definition"]:
        raise ParameterError(
            f"annual definition {definition!r}: expected one of "
            f"{', '.join(CLOSURES['annual_definition'])}"
        )
    monthly = ds[["energy_twh", "carbon_flow_mt"]].isel(time=slice(0, N_MONTHS))
    grouped = monthly.groupby("time.year")
    out = grouped.sum("time") if definition == "calendar_sum" else grouped.max("time") * 12.0
    out = out.rename({"carbon_flow_mt": "emissions_mt"})
    out["energy_twh"].attrs["units"] = "TWh"
    out["emissions_mt"].attrs["units"] = "Mt CO2"
    out.attrs.update(ds.attrs, annual_definition=definition)
    return out


def peak(ds: xr.Dataset, definition: str = "calendar_sum") -> dict[str, np.ndarray]:
    """Peak year, peak annual energy [TWh] and that year's emissions [Mt] per run."""
    a = annual(ds, definition)
    e = a["energy_twh"].transpose("run", "year").values
    k = np.argmax(e, axis=1)
    years = a["year"].values
    em = a["emissions_mt"].transpose("run", "year").values
    rows = np.arange(e.shape[0])
    return {"year": years[k], "energy_twh": e[rows, k], "emissions_mt": em[rows, k]}


def cumulative_emissions_mt(ds: xr.Dataset) -> np.ndarray:
    """Cumulative China emissions over Jan 2014 - Dec 2029 per run [Mt CO2]."""
    return ds["carbon_flow_mt"].isel(time=slice(0, N_MONTHS)).sum("time").values


def to_records(ds: xr.Dataset, freq: str = "year", definition: str = "calendar_sum") -> list[dict]:
    """Flatten a result (or a dict/list of results by scenario) to records.

    Parameters
    ----------
    ds : xarray.Dataset or dict of str to Dataset
        Output of :func:`run` (its ``scenario`` attribute names it), or
        ``{scenario: Dataset}``.
    freq : {"month", "year"}
        ``month``: one record per month (``period`` ``YYYY-MM``), Jan 2014 - Jan
        2030.  ``year``: complete calendar years 2014-2029 (``period`` ``YYYY``):
        flows summed (or 12 x peak month for ``energy_twh``/``emissions_mt`` with
        ``definition="peak_month_x12"``), levels averaged, stocks at year end.
    definition : str
        Annual definition, see :func:`annual`.

    Returns
    -------
    list of dict
        Keys ``scenario``, ``run``, ``period``, ``energy_twh``, ``emissions_mt``,
        ``hashrate_ehs`` and the other Fig. 4 series.
    """
    if freq not in ("month", "year"):
        raise InputError(f"freq: expected 'month' or 'year', got {freq!r}")
    items = [(ds.attrs.get("scenario", ""), ds)] if isinstance(ds, xr.Dataset) else list(ds.items())
    cols = list(dict.fromkeys(("energy_twh", "carbon_flow_mt", "hashrate_ehs", *FIG4_SERIES)))
    out: list[dict] = []
    for scenario, one in items:
        sel = one[cols]
        if freq == "month":
            frame = sel.to_dataframe().reset_index()
            frame["period"] = frame["time"].dt.strftime("%Y-%m")
            frame["emissions_mt"] = frame["carbon_flow_mt"]
        else:
            body = sel.isel(time=slice(0, N_MONTHS)).groupby("time.year")
            flows = [c for c in cols if c in _FLOWS]
            levels = [c for c in cols if c not in _FLOWS and c not in _STOCKS]
            stocks = [c for c in cols if c in _STOCKS]
            parts = [body.sum("time")[flows], body.mean("time")[levels], body.last("time")[stocks]]
            merged = xr.merge(parts)
            a = annual(one, definition)
            merged["energy_twh"] = a["energy_twh"]
            merged["emissions_mt"] = a["emissions_mt"]
            frame = merged.to_dataframe().reset_index()
            frame["period"] = frame["year"].astype(str)
            frame = frame.drop(columns="year")
        if "emissions_mt" not in frame:
            frame["emissions_mt"] = frame["carbon_flow_mt"]
        frame = frame.drop(columns=[c for c in ("time", "month", "carbon_flow_mt") if c in frame])
        frame.insert(0, "scenario", scenario)
        lead = ["scenario", "run", "period", "energy_twh", "emissions_mt", "hashrate_ehs"]
        frame = frame[lead + [c for c in frame.columns if c not in lead]]
        for row in frame.to_dict(orient="records"):
            out.append({k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()})
    return out


def write_mdl(
    path,
    params: Mapping[str, float] | None = None,
    closures: Mapping[str, str] | None = None,
    scenario: str = "bbce-bm",
) -> Path:
    """Write the BBCE model as a Vensim ``.mdl`` (runnable by PySD and pysimlin).

    The scenario's levers are written as the constants' values.
    """
    from hashcarbon._io import write_atomic

    if scenario not in SCENARIOS:
        raise ParameterError(
            f"unknown BBCE scenario {scenario!r}; valid scenarios: {', '.join(SCENARIOS)}"
        )
    merged = dict(SCENARIOS[scenario])
    merged.update(params or {})
    return write_atomic(path, model(merged, closures).to_mdl())


# -- calibration ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Calibration:
    """Result of :func:`calibrate`: the calibrated values and how well they hit the headline."""

    values: dict[str, float]
    feasible: bool
    peak_year: int
    energy_twh: float
    emissions_mt: float
    first_loss_month: str
    note: str


def _first_loss(ds: xr.Dataset) -> np.ndarray:
    """Index of the first month with negative cumulative profit per run (N_MONTHS+1 if none)."""
    neg = ds["cumulative_profit_usd"].transpose("run", "time").values < 0
    return np.where(neg.any(axis=1), neg.argmax(axis=1), N_MONTHS + 1)


def calibrate(closures: Mapping[str, str] | None = None) -> Calibration:
    r"""Calibrate ``alpha1``, ``pue`` and ``ef_coal`` so the benchmark hits the headline.

    Rule (documented in ``docs/bbce.md`` §4):

    1. ``ef_coal_kg_per_kwh`` solves :math:`0.4\,EF_c + 0.6\,EF_h = 130.50/296.59`
       (China's carbon flow is its energy times a constant mix factor).
    2. Before China's share falls, energy is proportional to ``pue``.  For each
       candidate month ``k`` of 2024 in which cumulative profit could first turn
       negative (latest first), ``pue_k`` is the value that makes BM's 2024 annual
       energy (under the closure's annual definition) equal 296.59 TWh, computed
       exactly from one run without the share switch; ``k`` is kept only if 2024
       is then the peak year.
    3. ``alpha1`` is the midpoint of the interval of values for which cumulative
       profit first turns negative exactly in month ``k`` at ``pue_k`` (two
       vectorised scans of 256 runs).  The first (latest) ``k`` for which such an
       ``alpha1 > 0`` exists is taken.

    Returns
    -------
    Calibration
    """
    c = _check_closures(closures)
    values = {name: p.default for name, p in PARAMETERS.items()}
    values.update(fitted_values(c))
    ratio = HEADLINE["emissions_mt"] / HEADLINE["energy_twh"]
    site = values["coal_site_share"]
    values["ef_coal_kg_per_kwh"] = (ratio - (1 - site) * values["ef_hydro_kg_per_kwh"]) / site
    values.update({"alpha1_usd_per_month2": 1e-6, "pue": 1.0})  # overridden per run below
    m = _bare_model(c, values)
    months = model_months()
    base = m.run({"china_share_decline_per_time": 0.0}, n_runs=1)
    e1 = base["energy_twh"].isel(run=0).values  # China energy at pue = 1, no switch
    y2024 = np.flatnonzero(months.year == 2024)
    y2023 = np.flatnonzero(months.year == 2023)
    prev = e1[y2023].sum() if c["annual_definition"] == "calendar_sum" else 12.0 * e1[y2023].max()
    feasible, note = False, "no month of 2024 admits alpha1 > 0"
    alpha1, pue = 1e-6, HEADLINE["energy_twh"] / (e1[y2024].sum())
    grid = np.logspace(-3, 10, 256)
    for k in range(int(y2024[-1]) + 1, int(y2024[0]), -1):
        part = e1[y2024[0] : k]
        val = part.sum() if c["annual_definition"] == "calendar_sum" else 12.0 * part.max()
        if val <= prev:
            break
        pue_k = HEADLINE["energy_twh"] / val
        if not (PARAMETERS["pue"].low <= pue_k <= PARAMETERS["pue"].high):
            continue
        first = _first_loss(m.run({"pue": pue_k, "alpha1_usd_per_month2": grid}, n_runs=grid.size))
        later = np.flatnonzero(first > k)
        hit = np.flatnonzero(first == k)
        if hit.size == 0 and (later.size == 0 or later[-1] + 1 >= grid.size):
            continue
        lo = grid[max((hit[0] if hit.size else later[-1] + 1) - 1, 0)]
        hi = grid[min((hit[-1] if hit.size else later[-1]) + 1, grid.size - 1)]
        fine = np.linspace(lo, hi, 256)
        ff = _first_loss(m.run({"pue": pue_k, "alpha1_usd_per_month2": fine}, n_runs=fine.size))
        sel = fine[ff == k]
        if sel.size == 0:
            continue
        alpha1, pue = float(0.5 * (sel.min() + sel.max())), float(pue_k)
        feasible, note = True, ""
        break
    values.update({"alpha1_usd_per_month2": alpha1, "pue": pue})
    ds = m.run({k: values[k] for k in CALIBRATED}, n_runs=1).assign_coords(time=months)
    pk = peak(ds, c["annual_definition"])
    first = int(_first_loss(ds)[0])
    if pk["year"][0] != HEADLINE["peak_year"]:
        feasible = False
        note = note or f"peak year {int(pk['year'][0])} under this closure"
    return Calibration(
        values={k: float(values[k]) for k in CALIBRATED},
        feasible=feasible,
        peak_year=int(pk["year"][0]),
        energy_twh=float(pk["energy_twh"][0]),
        emissions_mt=float(pk["emissions_mt"][0]),
        first_loss_month=(months[first].strftime("%Y-%m") if first <= N_MONTHS else "none"),
        note=note,
    )


def _bare_model(closures: dict[str, str], values: dict[str, float]):
    from hashcarbon.models.bbce import _equations
    from hashcarbon.sd.model import Model

    inp = _inputs(closures["fit_window"], closures["efficiency_series"])
    vals = dict(values)
    m = Model("bbce", start=0.0, stop=float(N_MONTHS), dt=1.0, time_units="Month")
    return _equations.build(m, vals, closures, list(inp.btc_usd_history), _halving_months())


#: What :func:`ensemble` computes by default: China's monthly energy and carbon flow
#: (annual, peak and cumulative figures) and cumulative profit (first loss month).
ENSEMBLE_OUTPUTS = ("energy_twh", "carbon_flow_mt", "cumulative_profit_usd")


def ensemble(
    n_runs: int = 10_000,
    *,
    spread: float = 0.10,
    seed: int = 20210406,
    scenario: str = "bbce-bm",
    names: tuple[str, ...] = UNCERTAIN,
    closures: Mapping[str, str] | None = None,
    outputs: tuple[str, ...] | str = ENSEMBLE_OUTPUTS,
) -> xr.Dataset:
    """A perturbed ensemble: each parameter in ``names`` drawn uniformly within +-spread.

    Parameters
    ----------
    n_runs : int
        Ensemble size (one vectorised engine call).
    spread : float
        Relative half-width of the uniform draws (0.10 = +-10 %). [-]
    seed : int
        Seed of :func:`numpy.random.default_rng`; identical seeds give identical ensembles.
    scenario, closures
        As in :func:`run`.
    names : tuple of str
        Parameters to perturb (default: calibrated and data-set unknowns).
    outputs : tuple of str or "all"
        Variables to compute (default :data:`ENSEMBLE_OUTPUTS`); ``"all"`` for every
        variable of :func:`run`.  Only what the outputs depend on is computed, so a
        small set is several times cheaper (``docs/bbce.md``, benchmark).

    Returns
    -------
    xarray.Dataset
        As :func:`run` (the requested outputs), with the drawn values as
        ``param_<name>`` variables on ``run``.
    """
    if not (0.0 <= spread < 1.0):
        raise ParameterError(f"spread: expected a fraction in [0, 1), got {spread!r}")
    c = _check_closures(closures)
    defaults = _default_values(c)
    rng = np.random.default_rng(seed)
    draws = {n: defaults[n] * rng.uniform(1.0 - spread, 1.0 + spread, size=n_runs) for n in names}
    chosen = None if outputs == "all" else tuple(outputs)
    ds = run(scenario, draws, n_runs=n_runs, closures=c, seed=seed, outputs=chosen)
    for n, v in draws.items():
        ds[f"param_{n}"] = ("run", v)
    ds.attrs["perturbation"] = f"uniform +-{spread:.0%} on {', '.join(names)}"
    return ds


# Argument checks by name and unit (hashcarbon._check); keep last.
_check.guard(globals(), ["run"])
