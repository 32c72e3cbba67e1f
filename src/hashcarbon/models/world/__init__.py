"""World policy simulator: where Bitcoin mining runs, on what power, under which policies.

Public API (used by ``hashcarbon simulate`` and ``hashcarbon compare``):

* :func:`run` - simulate a scenario; an :class:`xarray.Dataset` with dims
  ``time x region x run``.
* :func:`run_totals` - the same, world monthly totals only (``time x run``): memory grows
  with runs x months, not x regions (for large ensembles and the uncertainty analysis).
* :func:`to_records` - flatten a result to a table by month or year, total or by region,
  with P5/P50/P95 columns for ensembles.
* :func:`compare` - cumulative energy and emissions of several scenarios over a period
  and their differences from the first.

Examples
--------
>>> from hashcarbon.models import world
>>> ds = world.run("china-ban-2021", start="2021-01", end="2021-12")
>>> sorted(ds.data_vars)[:3]
['btc_usd', 'emissions_mt', 'energy_twh']
>>> rec = world.to_records(ds, freq="year")
>>> list(rec.columns)[:3]
['scenario', 'period', 'hashrate_ehs']
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from hashcarbon.errors import InputError, ParameterError, ScenarioError
from hashcarbon.models.world.inputs import History, load_history, region_codes, region_table
from hashcarbon.models.world.model import Simulation, simulate, simulate_totals
from hashcarbon.models.world.params import DEFAULTS, check_parameters, resolve
from hashcarbon.scenario import Scenario, builtin_names, load_scenario
from hashcarbon.vocabulary import GRID_ACCOUNTINGS

__all__ = [
    "DEFAULTS",
    "Scenario",
    "builtin_names",
    "compare",
    "history",
    "load_scenario",
    "region_codes",
    "run",
    "run_totals",
    "to_records",
]

VARIABLES = {
    "hashrate_ehs": ("EH/s", "running hash rate (monthly mean)"),
    "power_gw": ("GW", "average electrical load incl. PUE"),
    "energy_twh": ("TWh", "electricity used in the month"),
    "emissions_mt": ("MtCO2e", "location-based emissions in the month"),
    "intensity_g_per_kwh": ("gCO2e/kWh", "emissions / energy"),
    "sustainable_share": (
        "1",
        "share of energy from hydro, wind, solar, nuclear (CCAF definition)",
    ),
    "sustainable_energy_twh": ("TWh", "energy from sustainable supply"),
    "installed_ehs": ("EH/s", "installed capacity, running or idle"),
}


@functools.cache
def history() -> History:
    """The monthly network history the model is driven by (cached)."""
    return load_history()


def _month(value, what: str) -> pd.Timestamp:
    try:
        ts = pd.Timestamp(str(value))
    except (ValueError, TypeError):
        raise InputError(
            f"{what}: expected a date such as 2021 or 2021-06, got {value!r}"
        ) from None
    if pd.isna(ts):
        raise InputError(f"{what}: expected a date such as 2021 or 2021-06, got {value!r}")
    return ts.to_period("M").to_timestamp()


def _check_runs(n_runs, seed) -> tuple[int, int]:
    if (
        isinstance(n_runs, bool)
        or not isinstance(n_runs, (int, np.integer))
        or not 1 <= n_runs <= 100_000
    ):
        raise InputError(f"n_runs: expected a whole number from 1 to 100000, got {n_runs!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise InputError(f"seed: expected a whole number >= 0, got {seed!r}")
    return int(n_runs), int(seed)


def _to_dataset(
    sim: Simulation,
    scen: Scenario,
    params: dict,
    seed: int,
    n_runs: int,
    start: pd.Timestamp,
    end: pd.Timestamp,
    hist: History,
) -> xr.Dataset:
    from hashcarbon import provenance

    sel = (sim.time >= start) & (sim.time <= end)
    if not sel.any():
        raise InputError(f"start/end: no month between {start:%Y-%m} and {end:%Y-%m} in the run")
    tr = lambda a: np.transpose(a[sel], (0, 2, 1))  # (T, R, N)  # noqa: E731
    energy = tr(sim.energy_twh).astype(float)
    emis = tr(sim.emissions_mt).astype(float)
    sust = tr(sim.sustainable_twh).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        inten = np.where(energy > 0, emis / energy * 1e3, np.nan)
        sshare = np.where(energy > 0, sust / energy, np.nan)
    coords = {"time": sim.time[sel], "region": list(sim.regions), "run": np.arange(n_runs)}
    dims = ("time", "region", "run")
    data = {
        "hashrate_ehs": (dims, tr(sim.hashrate_ehs)),
        "power_gw": (dims, tr(sim.power_gw)),
        "energy_twh": (dims, energy),
        "emissions_mt": (dims, emis),
        "intensity_g_per_kwh": (dims, inten),
        "sustainable_share": (dims, sshare),
        "sustainable_energy_twh": (dims, sust),
        "installed_ehs": (dims, tr(sim.installed_ehs)),
        "btc_usd": (("time", "run"), sim.btc_usd[sel]),
        "revenue_usd_per_day": (("time", "run"), sim.revenue_usd_per_day[sel]),
    }
    for k, v in sim.flows.items():
        data[f"flow_{k}_ehs"] = (("time", "run"), v[sel])
    ds = xr.Dataset(data, coords=coords)
    for k, (unit, desc) in VARIABLES.items():
        ds[k].attrs.update(units=unit, description=desc)
    ds["btc_usd"].attrs.update(
        units="USD/BTC", description="BTC price: history, then scenario path"
    )
    ds["revenue_usd_per_day"].attrs.update(units="USD/day", description="(subsidy + fees) x price")
    for k in sim.flows:
        ds[f"flow_{k}_ehs"].attrs.update(units="EH/s" if k == "stock_end" else "EH/s per month")
    rt = region_table()
    ds = ds.assign_coords(
        country=("region", list(rt.country)), region_name=("region", list(rt.name))
    )
    ds.attrs.update(
        model="hashcarbon.models.world",
        **provenance.software(),
        scenario=scen.name,
        scenario_json=scen.model_dump_json(),
        seed=seed,
        n_runs=n_runs,
        parameters_json=json.dumps(
            {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in params.items()},
            sort_keys=True,
        ),
        data_versions=json.dumps(hist.versions, sort_keys=True),
        last_history_month=f"{sim.last_history:%Y-%m}",
        price_path=scen.price.path,
        time_step="1 month (Euler: flows from the states at the start of the month)",
    )
    return ds


def run(
    scenario: str | Path | Scenario,
    start=None,
    end=None,
    n_runs: int = 1,
    seed: int = 0,
    parameters: dict[str, float] | None = None,
    factors: str = "ccaf",
    projection: str = "hold",
    engine: str | None = None,
    accounting: str | None = None,
) -> xr.Dataset:
    """Simulate a scenario; results by month, region and run.

    Parameters
    ----------
    scenario : str, Path or Scenario
        A built-in name (``no-ban``, ``china-ban-2021``, ``clean-exemption``,
        ``site-regulation``, ``market-access``, ``carbon-tax``), a TOML file or a
        :class:`~hashcarbon.scenario.Scenario`.
    start, end : date-like, optional
        Months to return (the model always spins up from Jan 2014); default the
        scenario's period.
    n_runs : int, default 1
        Ensemble size (stochastic BTC price paths after the last data month).
    seed : int, default 0
        Seed of :class:`numpy.random.SeedSequence`; identical seeds give identical results.
    parameters : dict, optional
        Overrides of :data:`DEFAULTS` (the rows of ``models/world/parameters.csv``) on
        top of the scenario's ``[parameters]``.  A ``per_run`` parameter may be an array
        of ``n_runs`` values, one per run (joint sampling by an uncertainty analysis).
    factors : {"ccaf", "ipcc"}, default "ccaf"
        Emission factors of the grid intensities, as ``estimate --factors``.
    projection : {"hold", "linear_trend", "iea_world_relative"}, default "hold"
        Grid-intensity projection after the data (:func:`hashcarbon.grid.project_intensity`).
    engine : {"fast", "reference"}, optional
        The compiled kernel (:mod:`hashcarbon.models.world.fast`) or the numpy stepper it
        is checked against; default ``HASHCARBON_WORLD_ENGINE`` or ``fast``.
    accounting : {"average", "marginal"}, optional
        As ``estimate --accounting``: sets the parameter ``marginal_accounting`` (0 / 1;
        mining on reachable curtailed hydro at ``curtailed_intensity_g_per_kwh``, see
        :func:`hashcarbon.models.world.steps.outputs`).  Default: the parameter's value
        (0, grid average, unless the scenario or ``parameters`` set it).

    Returns
    -------
    xarray.Dataset
        Dims ``time x region x run``: ``hashrate_ehs`` [EH/s], ``power_gw`` [GW],
        ``energy_twh`` [TWh], ``emissions_mt`` [MtCO2e], ``intensity_g_per_kwh``,
        ``sustainable_share``, ``installed_ehs``; ``btc_usd`` and flow diagnostics
        (``time x run``); provenance in ``attrs``.
    """
    scen, n_runs, seed, params, s, e, grid = _setup(
        scenario, start, end, n_runs, seed, parameters, factors, projection, accounting
    )
    hist = history()
    sim = simulate(
        hist, scen, n_runs=n_runs, seed=seed, params=params, grid=grid, engine_name=engine
    )
    ds = _to_dataset(sim, scen, params, seed, n_runs, s, e, hist)
    ds.attrs.update(
        factors=factors, grid_projection=projection, accounting=_accounting_attr(params)
    )
    return ds


def run_totals(
    scenario: str | Path | Scenario,
    start=None,
    end=None,
    n_runs: int = 1,
    seed: int = 0,
    parameters: dict[str, float] | None = None,
    factors: str = "ccaf",
    projection: str = "hold",
    engine: str | None = None,
    regional_hash_until=None,
    accounting: str | None = None,
) -> xr.Dataset:
    """:func:`run` reduced to world monthly totals, dims ``time x run``.

    ``regional_hash_until`` (a month, optional): also return ``hashrate_region_ehs``, the
    running hash rate by region from ``start`` to that month, dims ``time_regional x
    region x run`` [EH/s] (history matching of :mod:`hashcarbon.uncertainty` compares
    its country shares with the Cambridge map).

    Same arguments and the same runs as :func:`run`; the regional values are summed as
    they are computed, so 10,000 runs of 2014-2035 fit in a few hundred MB (docs/world.md,
    performance).  Variables: ``hashrate_ehs``, ``installed_ehs``, ``power_gw``,
    ``energy_twh``, ``emissions_mt``, ``sustainable_energy_twh`` (world sums over regions)
    and ``btc_usd``.  Equal to ``run(...)[name].sum("region")`` within float32 rounding of
    :func:`run`'s stored values (rtol 1e-6).
    """
    scen, n_runs, seed, params, s, e, grid = _setup(
        scenario, start, end, n_runs, seed, parameters, factors, projection, accounting
    )
    hist = history()
    hm = _month(regional_hash_until, "regional_hash_until") if regional_hash_until else None
    tot = simulate_totals(
        hist,
        scen,
        n_runs=n_runs,
        seed=seed,
        params=params,
        grid=grid,
        engine_name=engine,
        regional_hash_until=hm,
    )
    sel = (tot.time >= s) & (tot.time <= e)
    if not sel.any():
        raise InputError(f"start/end: no month between {s:%Y-%m} and {e:%Y-%m} in the run")
    dims = ("time", "run")
    names = {
        "hashrate_ehs": tot.hashrate_ehs,
        "installed_ehs": tot.installed_ehs,
        "power_gw": tot.power_gw,
        "energy_twh": tot.energy_twh,
        "emissions_mt": tot.emissions_mt,
        "sustainable_energy_twh": tot.sustainable_twh,
    }
    ds = xr.Dataset(
        {k: (dims, v[sel]) for k, v in names.items()} | {"btc_usd": (dims, tot.btc_usd[sel])},
        coords={"time": tot.time[sel], "run": np.arange(n_runs)},
    )
    for k in names:
        unit, desc = VARIABLES[k]
        ds[k].attrs.update(units=unit, description="world total: " + desc)
    ds["btc_usd"].attrs.update(units="USD/BTC", description="BTC price: history, then path")
    if tot.hashrate_by_region_ehs is not None:
        t_r = tot.time[: tot.hashrate_by_region_ehs.shape[0]]
        keep = t_r >= s
        ds["hashrate_region_ehs"] = xr.DataArray(
            np.transpose(tot.hashrate_by_region_ehs[keep], (0, 2, 1)),
            dims=("time_regional", "region", "run"),
            coords={"time_regional": t_r[keep], "region": list(region_table().codes)},
            attrs={"units": "EH/s", "description": "running hash rate by region"},
        )
    ds.attrs.update(
        model="hashcarbon.models.world",
        scenario=scen.name,
        seed=seed,
        n_runs=n_runs,
        factors=factors,
        grid_projection=projection,
        accounting=_accounting_attr(params),
        last_history_month=f"{tot.last_history:%Y-%m}",
    )
    return ds


def _accounting_attr(params: dict) -> str:
    """``accounting`` of a result's provenance: average, marginal, or per run."""
    m = np.asarray(params["marginal_accounting"], dtype=float) > 0.5
    if m.all():
        return "marginal"
    return "average" if not m.any() else "per run (parameter marginal_accounting)"


def _setup(scenario, start, end, n_runs, seed, parameters, factors, projection, accounting=None):
    """Validated inputs of :func:`run` and :func:`run_totals` (one-line errors)."""
    if accounting is not None:
        if accounting not in GRID_ACCOUNTINGS:
            raise InputError(
                f"accounting: expected one of {', '.join(GRID_ACCOUNTINGS)}, got {accounting!r}"
            )
        parameters = {
            **(parameters or {}),
            "marginal_accounting": float(accounting == "marginal"),
        }
    scen = load_scenario(scenario)
    n_runs, seed = _check_runs(n_runs, seed)
    s = _month(start if start is not None else scen.scenario.start, "start")
    e = _month(end if end is not None else scen.scenario.end, "end")
    if e < s:
        raise InputError(f"end: {e:%Y-%m} is before start {s:%Y-%m}")
    if s < pd.Timestamp("2014-01-01"):
        raise InputError(f"start: the model begins in 2014-01, got {s:%Y-%m}")
    if parameters:
        try:
            check_parameters(dict(parameters), n_runs)
        except ScenarioError as exc:
            raise ParameterError(f"parameters: {exc}") from None
    params = resolve({**scen.parameters, **(parameters or {})}, n_runs)
    if e != pd.Timestamp(scen.scenario.end):
        # simulate to the last month asked for: the model is causal (flows from the
        # states at the start of each month) and the price draws of the first months do
        # not depend on the horizon, so the months returned are bitwise the same
        # (test_world.py) while a shorter horizon costs less
        scen = scen.model_copy(
            update={"scenario": scen.scenario.model_copy(update={"end": f"{e:%Y-%m-%d}"})}
        )
    if factors not in ("ccaf", "ipcc"):
        raise InputError(f"factors: expected 'ccaf' or 'ipcc', got {factors!r}")
    if projection not in ("hold", "linear_trend", "iea_world_relative"):
        raise InputError(
            f"projection: expected hold, linear_trend or iea_world_relative, got {projection!r}"
        )
    grid = {"factor_set": factors, "projection": projection}
    return scen, n_runs, seed, params, s, e, grid


_SUM = ("energy_twh", "emissions_mt", "sustainable_energy_twh")
_MEAN = ("hashrate_ehs", "power_gw")
_OUT = (
    "hashrate_ehs",
    "power_gw",
    "energy_twh",
    "emissions_mt",
    "intensity_g_per_kwh",
    "sustainable_share",
)


def to_records(ds: xr.Dataset, freq: str = "month", by: str = "none") -> pd.DataFrame:
    """Flatten a :func:`run` result to a table.

    Parameters
    ----------
    ds : xarray.Dataset
        A result of :func:`run`.
    freq : {"month", "year"}
        Period of each row; yearly rows sum energy and emissions and average hash rate
        and power over the months present.
    by : {"none", "region"}
        World totals or one row per region.

    Returns
    -------
    pandas.DataFrame
        Columns ``scenario, period, [region], hashrate_ehs, power_gw, energy_twh,
        emissions_mt, intensity_g_per_kwh, sustainable_share``; with more than one run
        these are ensemble means and each has ``_p5``, ``_p50``, ``_p95`` columns.
    """
    if freq not in ("month", "year"):
        raise InputError(f"freq: expected 'month' or 'year', got {freq!r}")
    if by not in ("none", "region"):
        raise InputError(f"by: expected 'none' or 'region', got {by!r}")
    missing = [v for v in (*_SUM, *_MEAN) if v not in ds]
    if missing:
        raise InputError(f"ds: not a world-model result (missing {', '.join(missing)})")
    base = ds[list(_SUM + _MEAN)]
    if by == "none":
        base = base.sum("region")
    if freq == "year":
        g = base.groupby("time.year")
        base = xr.merge([g.sum()[list(_SUM)], g.mean()[list(_MEAN)]]).rename(year="period")
    else:
        base = base.rename(time="period")
    with np.errstate(invalid="ignore", divide="ignore"):
        base["intensity_g_per_kwh"] = xr.where(
            base["energy_twh"] > 0, base["emissions_mt"] / base["energy_twh"] * 1e3, np.nan
        )
        base["sustainable_share"] = xr.where(
            base["energy_twh"] > 0, base["sustainable_energy_twh"] / base["energy_twh"], np.nan
        )
    keys = ["period"] + (["region"] if by == "region" else [])
    n = base.sizes["run"]
    stats = {v: base[v].mean("run") for v in _OUT}
    if n > 1:
        for v in _OUT:
            q = base[v].quantile([0.05, 0.5, 0.95], dim="run", skipna=True)
            for lab, qq in zip(("p5", "p50", "p95"), (0.05, 0.5, 0.95), strict=True):
                stats[f"{v}_{lab}"] = q.sel(quantile=qq, drop=True)
    frame = xr.Dataset(stats).to_dataframe().reset_index()
    frame = frame[[c for c in frame.columns if c in keys or c in stats]]
    if freq == "month":
        frame["period"] = pd.to_datetime(frame["period"]).dt.strftime("%Y-%m")
    else:
        frame["period"] = frame["period"].astype(int).astype(str)
    frame.insert(0, "scenario", ds.attrs.get("scenario", ""))
    cols = ["scenario", *keys]
    for v in _OUT:
        cols.append(v)
        if n > 1:
            cols += [f"{v}_p5", f"{v}_p50", f"{v}_p95"]
    return frame[cols].sort_values(keys, kind="stable").reset_index(drop=True)


def compare(
    scenarios: Sequence[str | Path | Scenario],
    start="2021",
    end="2030",
    n_runs: int = 1,
    seed: int = 0,
) -> pd.DataFrame:
    """Cumulative energy and emissions of each scenario over ``start``-``end``.

    Runs share the seed, so run ``i`` of every scenario sees the same BTC price path
    (common random numbers) and deltas are taken run by run.

    Returns
    -------
    pandas.DataFrame
        One row per scenario: ``energy_twh``, ``emissions_mt`` (ensemble means; with
        ``n_runs > 1`` also ``_p5/_p50/_p95``), ``delta_energy_twh``,
        ``delta_emissions_mt`` and ``delta_emissions_share`` against the first scenario.
    """
    if not scenarios:
        raise InputError("scenarios: expected at least one scenario")
    s = _month(start, "start")
    e_ts = _month(end, "end")
    e = e_ts + pd.offsets.MonthBegin(11) if len(str(end)) == 4 else e_ts
    rows, ref = [], None
    for sc in scenarios:
        ds = run(sc, start=s, end=e, n_runs=n_runs, seed=seed)
        en = ds["energy_twh"].sum(("time", "region")).to_numpy()
        em = ds["emissions_mt"].sum(("time", "region")).to_numpy()
        if ref is None:
            ref = (en, em)
        row = {"scenario": ds.attrs["scenario"], "period": f"{s:%Y-%m}..{e:%Y-%m}"}
        for name, arr, r0 in (("energy_twh", en, ref[0]), ("emissions_mt", em, ref[1])):
            row[name] = float(arr.mean())
            d = arr - r0
            row[f"delta_{name}"] = float(d.mean())
            if n_runs > 1:
                for lab, q in (("p5", 5), ("p50", 50), ("p95", 95)):
                    row[f"{name}_{lab}"] = float(np.percentile(arr, q))
                    row[f"delta_{name}_{lab}"] = float(np.percentile(d, q))
        row["delta_emissions_share"] = float((em - ref[1]).mean() / ref[1].mean())
        rows.append(row)
    return pd.DataFrame(rows)
