"""Calibration and hindcast checks of the world model.

The behavioural parameters marked ``fitted`` in :mod:`.params`
(``invest_rate_per_month``, ``supply_adjust_months``, ``supply_growth_max_per_month``,
``alloc_cost_sensitivity``, ``underground_access``, ``shortage_growth_max_per_month``,
``scrap_idle_per_month``, and ``malaysia_theft_share`` within its sourced prior) are
fitted on **2014-2021 only** with the ``china-ban-2021`` scenario (scipy differential evolution within :data:`BOUNDS`,
maxiter 30, popsize 10, from each of :data:`FIT_SEEDS`, each start polished by Nelder-Mead;
the start with the lowest J that is not a knife edge is shipped, :func:`fit_multistart`
and :func:`pick_robust`), minimising

.. math:: J = \\overline{|\\ln(H^{mod}_t / H^{obs}_t)|}_{2016..2021}
          + \\lambda\\, \\overline{|s^{mod}_{c,t} - s^{obs}_{c,t}|}_{2019-09..2021-12}

(monthly network hash rate from :func:`hashcarbon.data.network`; country shares of the
Cambridge mining map, :func:`hashcarbon.data.mining_map`; :math:`\\lambda = 5`, so one
share point weighs like a 5 % hash-rate error).  2022-2025 hash rate and the Jan-2022 map
are left out of the fit and reported separately (:func:`hindcast_report`).  Energy is not
fitted: with ``fleet_accounting = 1`` it is on the energy module's basket; the running
fleet's efficiency against :func:`hashcarbon.pipeline.fleet_efficiency_j_per_th` is
reported (:func:`fleet_errors`), in and out of sample.  ``--fit-window`` compares
purchase-mix windows on the vintage fleet with a fleet-error term
(:func:`fit_purchase_window`).

Run ``python -m hashcarbon.models.world.calibration --fit --scenarios`` to refit, print
the hindcast report and the scenario table (``hurdle_margin`` is inferred from miners'
cost structure, not fitted).
"""

from __future__ import annotations

import functools
import json
import sys

import numpy as np
import pandas as pd

from hashcarbon.models.world.inputs import History, region_table
from hashcarbon.models.world.model import Simulation, simulate
from hashcarbon.models.world.params import DEFAULTS, resolve
from hashcarbon.scenario import Scenario, load_scenario
from hashcarbon.vocabulary import MAP_COUNTRY_NAMES

__all__ = [
    "FITTED",
    "KNIFE_EDGE_OBJECTIVE",
    "ROUND5",
    "country_shares",
    "fit",
    "fit_multistart",
    "fit_purchase_window",
    "fleet_efficiency",
    "fleet_errors",
    "hashrate_errors",
    "hindcast_report",
    "issue_targets",
    "largest_move",
    "map_view",
    "objective_by_run",
    "objective_from_hash",
    "pick_robust",
    "profile_bounds",
    "robustness",
    "share_errors",
]

#: Parameters fitted on 2014-2021.
FITTED = (
    "invest_rate_per_month",
    "supply_adjust_months",
    "supply_growth_max_per_month",
    "shortage_growth_max_per_month",
    "alloc_cost_sensitivity",
    "underground_access",
    "scrap_idle_per_month",
    "malaysia_theft_share",
)
#: The model shipped in rounds 3-5, which docs/world.md and tools/world_hosting_table.py
#: compare round 6 against: placement by the siting weights alone, Malaysia at its tariff,
#: and the values of that fit (fit_global, seed 0, maxiter 15, popsize 8; J 0.314); the
#: underground region uncapped and Sichuan's and Yunnan's dry-season caps unsourced, as
#: before round 8.
ROUND5 = {
    "ban_partial_months": 0,
    "company_gross_power_cost": 1,
    "use_site_load_caps": 0,
    "underground_delay_months": 3,
    "use_underground_limit": 0,
    "use_dry_load_caps": 0,
    "site_within_headroom": 0,
    "malaysia_illegal_power": 0,
    "invest_rate_per_month": 0.1966,
    "supply_adjust_months": 5.162,
    "supply_growth_max_per_month": 0.2429,
    "shortage_growth_max_per_month": 0.04581,
    "alloc_cost_sensitivity": 17.84,
    "underground_access": 0.744,
    "scrap_idle_per_month": 0.09235,
}
#: Seeds of the multi-start global fit (:func:`fit_multistart`): the shipped parameters
#: are the start with the lowest J (round 6: seeds 0-3; round 7: 0-7, each start polished,
#: because the starts end in three basins whose J differ by 4 %, docs/world.md).
FIT_SEEDS = tuple(range(8))
#: Largest number of objective evaluations of the local polish after each global start
#: (:func:`fit_global`; Nelder-Mead, about 400-700 are used).
POLISH_MAXFEV = 1500
SHARE_WEIGHT = 5.0
#: Weight of the fleet-efficiency error (against the energy module's fleet) in the fit.
#: 0 by default: with ``fleet_accounting = 1`` the world energy is on the energy module's
#: basket by construction, and the fitted parameters (hash rate and shares) do not change
#: the fleet's accounting.  ``--fit-window`` sets it to 1 to compare purchase-mix windows
#: on the hash-weighted vintage fleet (``fleet_accounting = 0``); see docs/world.md.
FLEET_WEIGHT = 0.0
#: Purchase-mix windows tried by :func:`fit_purchase_window` [month].
WINDOWS = (12, 18, 24, 30, 36)
#: Countries of the Cambridge mining map (the one vocabulary).
MAP_COUNTRIES = MAP_COUNTRY_NAMES


def country_shares(sim: Simulation, run: int = 0) -> pd.DataFrame:
    """Model share of running hash rate by Cambridge-map country (month x country)."""
    rt = region_table()
    h = sim.hashrate_ehs[:, run, :].astype(float)
    tot = h.sum(axis=1, keepdims=True)
    frame = {}
    for c in MAP_COUNTRIES:
        m = np.array([x == c for x in rt.country])
        frame[c] = np.where(
            tot[:, 0] > 0, h[:, m].sum(axis=1) / np.maximum(tot[:, 0], 1e-12), np.nan
        )
    return pd.DataFrame(frame, index=sim.time)


def _observed_map() -> pd.DataFrame:
    from hashcarbon import data

    return _observed_map_cached(data.table_token("mining_map")).copy()


@functools.lru_cache(maxsize=4)
def _observed_map_cached(token: tuple) -> pd.DataFrame:
    """The Cambridge map as month x country shares, cached per table version (history
    matching asks for it once per call of the model)."""
    from hashcarbon import data

    mm = data.mining_map()
    wide = mm.pivot_table(index="date", columns="country", values="share", aggfunc="sum")
    return wide.reindex(columns=list(MAP_COUNTRIES)).fillna(0.0)


#: Compare the model with the map as the map records it: in the months where the map shows
#: China at 0 % (Jul and Aug 2021), Chinese hash rate is counted behind foreign proxies
#: (:func:`map_view`).  ``False`` compares the raw model shares (reported by
#: :func:`hindcast_report` under ``share_mae_raw``).
MAP_PROXIES = True


def map_view(share: np.ndarray, observed_china: np.ndarray) -> np.ndarray:
    r"""Model country shares as Cambridge's map would record them [-].

    .. math:: \tilde s_{c,t} = \begin{cases} 0 & c = \text{China},\ s^{map}_{CN,t} = 0 \\
              s_{c,t} / (1 - s_{CN,t}) & c \ne \text{China},\ s^{map}_{CN,t} = 0 \\
              s_{c,t} & \text{otherwise} \end{cases}

    In a month where the map shows China at 0 % (Jul and Aug 2021, between the June
    shutdowns and China's return at 22.3 % in Sep 2021), Chinese hash rate that runs is
    hidden behind foreign proxies and VPNs, and the map assigns it to the other countries.
    Cambridge states that the Jul-Aug 2021 zeros "may partly reflect foreign proxies and
    VPNs" (china_policy.md §2.1, https://trtworld.com/magazine/china-remerges-as-major-bitcoin-mining-hub-despite-ban-57241);
    the redistribution in proportion to the other countries' shares is Cambridge's own
    handling of a pool's VPN artefact (estimators.md §2.2: one pool's Zhejiang hash rate
    redistributed proportionally to the other provinces).  Assumption: all of it is hidden
    in those months, none of it in the others.

    Parameters
    ----------
    share : numpy.ndarray
        Model shares, shape (T, ..., C), countries in :data:`MAP_COUNTRIES` order [-].
    observed_china : numpy.ndarray
        The map's China share of the same months, shape (T,) [-].

    Returns
    -------
    numpy.ndarray
        Shares of the same shape; rows where the model holds only China are NaN.
    """
    s = np.asarray(share, dtype=float)
    k = MAP_COUNTRIES.index("China")
    hide = np.asarray(observed_china, dtype=float) == 0.0
    hide = hide.reshape((-1,) + (1,) * (s.ndim - 1))
    cn = s[..., k : k + 1]
    rest = 1.0 - cn
    seen = np.where(rest > 0, s / np.where(rest > 0, rest, 1.0), np.nan)
    seen[..., k] = 0.0
    return np.where(hide, seen, s)


def share_errors(
    sim: Simulation, start="2019-09", end="2022-01", run: int = 0, proxies: bool = MAP_PROXIES
) -> dict:
    """Mean absolute error of country shares against the Cambridge map [share points 0-1]
    (model shares seen through :func:`map_view` when ``proxies``)."""
    obs = _observed_map().loc[start:end]
    mod = country_shares(sim, run).reindex(obs.index)
    if proxies:
        mod = pd.DataFrame(
            map_view(mod.to_numpy(), obs["China"].to_numpy()), index=mod.index, columns=mod.columns
        )
    err = (mod - obs).abs()
    return {
        "mae": float(err.to_numpy().mean()),
        "by_country": err.mean().to_dict(),
        "model": mod,
        "observed": obs,
    }


def hashrate_errors(sim: Simulation, hist: History, run: int = 0) -> dict:
    """MAPE of monthly global hash rate: 2016-2025, in-sample 2016-2021, out 2022-2025."""
    obs = pd.Series(hist.hashrate_ehs, index=hist.time)
    mod = pd.Series(sim.hashrate_ehs[:, run, :].sum(axis=1).astype(float), index=sim.time)
    both = pd.concat({"obs": obs, "mod": mod}, axis=1).dropna()
    ape = (both["mod"] / both["obs"] - 1.0).abs()
    return {
        "mape_2016_2025": float(ape.loc["2016":"2025"].mean()),
        "mape_2016_2021": float(ape.loc["2016":"2021"].mean()),
        "mape_2022_2025": float(ape.loc["2022":"2025"].mean()),
        "series": both,
    }


def fleet_efficiency(sim: Simulation, run: int = 0, pue: float | None = None) -> pd.Series:
    """Fleet efficiency of the running machines, power / hash rate / PUE [J/TH] by month
    (``pue`` defaults to the ``pue`` row of ``parameters.csv``)."""
    pue = DEFAULTS["pue"].default if pue is None else pue
    h = sim.hashrate_ehs[:, run, :].sum(axis=1).astype(float)
    p_gw = sim.power_gw[:, run, :].sum(axis=1).astype(float)
    return pd.Series(p_gw / np.maximum(h, 1e-12) * 1e3 / pue, index=sim.time)


@functools.cache
def _estimator_fleet(first: str, n: int) -> pd.Series:
    from hashcarbon import pipeline

    time = pd.date_range(first, periods=n, freq="MS")
    return pd.Series(pipeline.fleet_efficiency_j_per_th(time), index=time)


def fleet_errors(sim: Simulation, run: int = 0) -> dict:
    """Mean absolute log error of the running fleet's efficiency against the energy
    module's fleet (:func:`hashcarbon.pipeline.fleet_efficiency_j_per_th`, CBECI 2023
    best): in sample 2016-2021, out of sample 2022-2025 [-]."""
    mod = fleet_efficiency(sim, run)
    est = _estimator_fleet(f"{sim.time[0]:%Y-%m-01}", len(sim.time))
    err = np.log(mod / est).abs()
    return {
        "mean_abs_log_2016_2021": float(err.loc["2016":"2021"].mean()),
        "mean_abs_log_2022_2025": float(err.loc["2022":"2025"].mean()),
        "model": mod,
        "estimator": est,
    }


def _objective(x, names, base: dict, hist: History, scen: Scenario) -> float:
    p = dict(base)
    for n, v in zip(names, x, strict=True):
        lo, hi = DEFAULTS[n].lo, DEFAULTS[n].hi
        p[n] = float(np.clip(v, lo, hi))
    sim = simulate(hist, scen, params=p)
    # the one implementation of J (history matching and the profile use it too)
    j = float(objective_by_run(sim, hist, "2021-12")[0])
    jf = fleet_errors(sim)["mean_abs_log_2016_2021"] if FLEET_WEIGHT else 0.0
    return j + FLEET_WEIGHT * jf


#: Search box of the global fit (differential evolution).
BOUNDS = {
    "invest_rate_per_month": (0.02, 0.6),
    "supply_adjust_months": (1.0, 24.0),
    "supply_growth_max_per_month": (0.02, 0.25),
    "shortage_growth_max_per_month": (0.0, 0.1),
    "alloc_cost_sensitivity": (2.0, 40.0),
    "underground_access": (0.0, 1.0),
    "scrap_idle_per_month": (0.0, 0.3),
    # the prior of inputs.malaysia_miner_price_usd_per_kwh (TNB's theft losses)
    "malaysia_theft_share": (0.1, 0.9),
}


def _fit_setup(hist: History | None, scenario: str, overrides: dict | None):
    """History, the scenario cut at the end of the fit period (Dec 2021), and the
    resolved parameters with ``overrides``: what every fit here starts from."""
    from hashcarbon.models import world

    hist = hist or world.history()
    scen = load_scenario(scenario)
    scen = scen.model_copy(
        update={"scenario": scen.scenario.model_copy(update={"end": "2021-12-01"})}
    )
    return hist, scen, resolve({**scen.parameters, **(overrides or {})})


def _polish(x0, names, bounds, base: dict, hist: History, scen: Scenario, maxfev: int):
    """The one local search of the fits: Nelder-Mead from ``x0`` within ``bounds``
    (points clipped to the box; derivative-free because J steps where a region's cap
    binds in one month more or less; scipy's L-BFGS-B polish needs a smooth J).
    Returns (x, J, evaluations); x is ``x0`` when the search does not improve on it."""
    from scipy.optimize import minimize

    lo = np.array([b[0] for b in bounds], dtype=float)
    hi = np.array([b[1] for b in bounds], dtype=float)
    x0 = np.clip(np.asarray(x0, dtype=float), lo, hi)
    f0 = _objective(x0, names, base, hist, scen)
    loc = minimize(
        lambda z: _objective(np.clip(z, lo, hi), names, base, hist, scen),
        x0,
        method="Nelder-Mead",
        options={"maxfev": maxfev, "xatol": 1e-4, "fatol": 1e-5},
    )
    if float(loc.fun) < f0:
        return np.clip(loc.x, lo, hi), float(loc.fun), int(loc.nfev) + 1
    return x0, f0, int(loc.nfev) + 1


def fit_global(
    hist: History | None = None,
    scenario="china-ban-2021",
    maxiter: int = 12,
    popsize: int = 8,
    seed: int = 0,
    overrides: dict | None = None,
    extra_bounds: dict | None = None,
    fitted: tuple[str, ...] | None = None,
    polish: bool = True,
) -> dict:
    """Global fit of ``fitted`` (default :data:`FITTED`) within :data:`BOUNDS` on 2014-2021 (scipy differential
    evolution, seeded), then a local polish; returns values, J and the number of evaluations.

    ``overrides``: other parameters held at these values during the fit (e.g.
    ``{"use_hosting_limit": 1}``); ``extra_bounds``: more parameters to fit, name ->
    (low, high) (e.g. ``{"hosting_growth_per_month": (0.04, 0.1)}``).  ``polish``: a
    Nelder-Mead search from the best point of the global search (:func:`_polish`, at
    most :data:`POLISH_MAXFEV` evaluations).  Without it the starts stop 0.1-4 % above
    the bottom of their basin (round 7, docs/world.md)."""
    from scipy.optimize import differential_evolution

    hist, scen, base = _fit_setup(hist, scenario, overrides)
    extra = dict(extra_bounds or {})
    fitted = tuple(fitted or FITTED)
    names = list(fitted) + list(extra)
    bounds = [BOUNDS[n] for n in fitted] + [tuple(extra[n]) for n in extra]
    res = differential_evolution(
        _objective,
        bounds,
        args=(names, base, hist, scen),
        maxiter=maxiter,
        popsize=popsize,
        seed=seed,
        polish=False,
        tol=1e-4,
    )
    x, fun, nfev = np.asarray(res.x, dtype=float), float(res.fun), int(res.nfev)
    if polish:
        xp, fp, n = _polish(x, names, bounds, base, hist, scen, POLISH_MAXFEV)
        nfev += n
        if fp < fun:
            x, fun = xp, fp
    vals = {n: float(v) for n, v in zip(names, x, strict=True)}
    return {"values": vals, "objective": fun, "evaluations": nfev}


def fit(
    hist: History | None = None,
    scenario="china-ban-2021",
    maxfev: int = POLISH_MAXFEV,
    names=FITTED,
    overrides: dict | None = None,
) -> dict:
    """Local fit of ``names`` on 2014-2021: :func:`_polish` from the defaults (with
    ``overrides``) within :data:`BOUNDS` (a parameter without a box: its valid range);
    returns values, J and the number of evaluations.  The warm start of
    :func:`fit_multistart`: a refit never ends above J at the shipped values."""
    hist, scen, base = _fit_setup(hist, scenario, overrides)
    names = list(names)
    bounds = [BOUNDS.get(n, (DEFAULTS[n].lo, DEFAULTS[n].hi)) for n in names]
    x, fun, nfev = _polish([base[n] for n in names], names, bounds, base, hist, scen, maxfev)
    vals = {n: float(v) for n, v in zip(names, x, strict=True)}
    return {"values": vals, "objective": fun, "evaluations": nfev}


def fit_multistart(
    seeds=FIT_SEEDS,
    maxiter: int = 30,
    popsize: int = 10,
    warm_start: bool = True,
    reject_knife_edges: bool = True,
    **kwargs,
) -> dict:
    """:func:`fit_global` from each seed, and (``warm_start``) :func:`fit` from the shipped
    values (start ``"defaults"``); returns the fit with the lowest J that is not a knife
    edge, with the J and values of every start under ``starts`` (the fitted values differ
    between starts with nearly equal J: the 2014-2021 objective does not pin all of them).
    Round 8: after a model change the seeded starts can all miss the basin of the shipped
    values (J 0.265-0.273 against 0.2555 there, docs/world.md), so the shipped values are
    always a start.  The warm start is skipped with ``extra_bounds``: the extra parameters
    have no shipped value inside their box to start from.

    ``reject_knife_edges``: the starts are checked in order of J with :func:`robustness`
    (J only, about 5 s each) until one passes :func:`pick_robust`'s rule; the rejected
    ones are listed under ``rejected`` with the move that rejected them.
    """
    starts: dict = {
        s: fit_global(seed=s, maxiter=maxiter, popsize=popsize, **kwargs) for s in seeds
    }
    if warm_start:
        warm = {k: v for k, v in kwargs.items() if k in ("hist", "scenario", "overrides")}
        names = kwargs.get("fitted") or FITTED
        if not kwargs.get("extra_bounds"):
            starts["defaults"] = fit(names=tuple(names), **warm)
    if not reject_knife_edges:
        best = min(starts, key=lambda s: starts[s]["objective"])
        return {**starts[best], "seed": best, "starts": starts, "rejected": {}}
    over = dict(kwargs.get("overrides") or {})

    def worst_move(values: dict) -> tuple[str, float]:
        return largest_move(robustness({**over, **values}, names=tuple(values), targets=False))

    best, rejected = pick_robust(starts, worst_move)
    return {**starts[best], "seed": best, "starts": starts, "rejected": rejected}


#: Knife-edge rule of :func:`pick_robust`: a fit is rejected when moving one fitted value
#: by :data:`ROBUSTNESS_STEP` (0.1 %) changes J by this share or more, either way [-].  At
#: a minimum inside a basin J is flat to first order, so a 0.1 % move changes it by far less
#: (the shipped fit: at most 0.14 %, docs/world.md round 9).  A change of 1 % or more (an
#: elasticity of 10) means the fit sits on the lip of a cliff of J, where a region's cap or
#: the siting logit's least cost switches in one month more or less, and rounding the shipped
#: values to 4 significant digits could move J by as much.  It does not catch a fit inside a
#: narrow plateau that is flat at the 0.1 % scale: round 8's scrap rate of 9.5e-8 keeps J at
#: 0.2500 for a 0.1 % move either way (at the round-9 values; J 0.2599 at 1e-8 and 0.2435
#: from 1e-6 to 1e-3, docs/world.md round 10).  Assumption; the rule only reorders starts.
KNIFE_EDGE_OBJECTIVE = 0.01


def largest_move(r: pd.DataFrame) -> tuple[str, float]:
    """The move of a :func:`robustness` table that changes J most, either way: its label
    (``"name x factor"``) and its relative change of J [-]."""
    i = int(r["objective_change"].abs().idxmax())
    return f"{r['name'][i]} x {r['factor'][i]:g}", float(r["objective_change"][i])


def pick_robust(starts: dict, worst_move) -> tuple[object, dict]:
    """The start with the lowest J that is not a knife edge.

    Parameters
    ----------
    starts : dict
        Start name -> fit (``values``, ``objective``), as :func:`fit_multistart` collects.
    worst_move : callable
        ``worst_move(values) -> (move, change)``: the 0.1 % move of one fitted value that
        changes J most, either way, and its relative change of J [-] (:func:`robustness`).

    Returns
    -------
    best, rejected
        The chosen start's name (the lowest J when every start is a knife edge), and the
        starts checked and rejected before it: name -> ``{"objective", "move",
        "objective_change"}``.  Starts are checked in order of J and the check stops at
        the first that passes, so a start is checked only when every start below it failed.
    """
    order = sorted(starts, key=lambda s: starts[s]["objective"])
    rejected: dict = {}
    for s in order:
        move, change = worst_move(starts[s]["values"])
        if abs(change) < KNIFE_EDGE_OBJECTIVE:
            return s, rejected
        rejected[s] = {
            "objective": starts[s]["objective"],
            "move": move,
            "objective_change": change,
        }
    return order[0], rejected


#: Relative move of :func:`robustness` [-]: below the precision the fitted values are
#: shipped with (4 significant digits), so a target it loses is a knife edge, not a
#: rounding choice.
ROBUSTNESS_STEP = 1e-3


def robustness(
    parameters: dict | None = None,
    names=FITTED,
    step: float = ROBUSTNESS_STEP,
    targets: bool = True,
) -> pd.DataFrame:
    """Knife-edge check of a fit: each of ``names`` moved by a factor ``1 -+ step`` (within
    its valid range), the others held, against the hindcast at ``parameters`` (default:
    the shipped values).

    Round 6 found a fit whose targets flipped when a share moved by 4e-5 (docs/world.md);
    this makes that check one call (``python -m hashcarbon.models.world.calibration
    --robustness``, about 10 s for the eight fitted parameters).  It does not catch a fit
    inside a plateau of J that is flat at this step, such as round 8's scrap rate of
    9.5e-8 (docs/world.md, round 10).  ``targets=False``: J
    only (half the time; the targets columns are left out), the check of
    :func:`fit_multistart`.

    Returns
    -------
    pandas.DataFrame
        One row per parameter and factor: ``name``, ``factor``, ``value``, ``objective``
        (J, 2014-2021), ``objective_change`` (relative to J at ``parameters``),
        ``targets_met`` (of :func:`issue_targets`), ``lost`` and ``gained`` (target names,
        comma-separated).
    """
    base_over = dict(parameters or {})
    hist, scen, base = _fit_setup(None, "china-ban-2021", base_over)
    j0 = float(objective_by_run(simulate(hist, scen, params=base), hist, "2021-12")[0])
    ref = hindcast_report(base_over, sensitivity=False)["targets"] if targets else {}
    rows = []
    for n in names:
        d = DEFAULTS[n]
        for f in (1.0 - step, 1.0 + step):
            v = float(np.clip(base[n] * f, d.min, d.max))
            p = {**base, n: v}
            j = float(objective_by_run(simulate(hist, scen, params=p), hist, "2021-12")[0])
            row = {
                "name": n,
                "factor": f,
                "value": v,
                "objective": j,
                "objective_change": j / j0 - 1.0,
            }
            if targets:
                t = hindcast_report({**base_over, n: v}, sensitivity=False)["targets"]
                row |= {
                    "targets_met": sum(t.values()),
                    "lost": ", ".join(k for k in t if ref[k] and not t[k]),
                    "gained": ", ".join(k for k in t if t[k] and not ref[k]),
                }
            rows.append(row)
    return pd.DataFrame(rows)


#: Behavioural threshold of the hindcast profile (:func:`profile_bounds`): a parameter
#: value is plausible when the 2014-2021 fit objective ``J`` is at most this share above
#: ``J`` at the shipped defaults, the other parameters held there [-].  Assumption (the
#: threshold of a GLUE-style behavioural set is a choice, Beven & Binley 1992,
#: doi:10.1002/hyp.3360060305); stated range 0.1-0.5, docs/uncertainty.md shows the
#: bounds at both ends.
PROFILE_TOLERANCE = 0.25


def objective_from_hash(
    time: pd.DatetimeIndex,
    hash_tnr: np.ndarray,
    hist: History,
    end: str = "2021-12",
    regions: tuple[str, ...] | None = None,
    proxies: bool = MAP_PROXIES,
) -> np.ndarray:
    """The fit objective ``J`` of every run [-], shape (N,), from running hash rate.

    Same terms as the fit (module docstring): mean absolute log error of the monthly
    network hash rate from 2016 to ``end`` plus :data:`SHARE_WEIGHT` x the mean absolute
    error of the Cambridge-map country shares from Sep 2019 to ``end``.

    Parameters
    ----------
    time : pandas.DatetimeIndex
        Months of ``hash_tnr`` (month starts).
    hash_tnr : numpy.ndarray
        Running hash rate by month, run and region, shape (T, N, R) [EH/s].
    hist : History
        Observed network hash rate (:func:`hashcarbon.models.world.history`).
    end : str
        Last month of the window (``"2021-05"``: before any built-in scenario's own
        policy, so ``J`` is the same in every scenario of a run).
    regions : tuple of str, optional
        Region codes of the last axis (default the region registry).
    proxies : bool
        Model shares as the map records them (:func:`map_view`, default
        :data:`MAP_PROXIES`).
    """
    rt = region_table()
    codes = regions or rt.codes
    country = [rt.country[rt.codes.index(c)] for c in codes]
    h = np.asarray(hash_tnr, dtype=float)
    tot = h.sum(axis=2)  # (T, N)
    obs = pd.Series(hist.hashrate_ehs, index=hist.time).loc["2016":end]
    pos = pd.Index(time).get_indexer(obs.index)
    keep = pos >= 0
    mod = tot[pos[keep]]
    o = obs.to_numpy()[keep][:, None]
    j = np.mean(np.abs(np.log(np.maximum(mod, 1e-9) / o)), axis=0)
    mp = _observed_map().loc["2019-09":end]
    mpos = pd.Index(time).get_indexer(mp.index)
    mk = mpos >= 0
    m = np.array([[c == k for k in MAP_COUNTRIES] for c in country], dtype=float)  # (R, C)
    by_c = h[mpos[mk]] @ m  # (Tm, N, C)
    t = tot[mpos[mk]][:, :, None]
    share = np.where(t > 0, by_c / np.maximum(t, 1e-12), np.nan)
    if proxies:
        share = map_view(share, mp["China"].to_numpy()[mk])
    err = np.abs(share - mp.to_numpy()[mk][:, None, :])
    return j + SHARE_WEIGHT * np.mean(err, axis=(0, 2))


def objective_by_run(sim: Simulation, hist: History, end: str = "2021-12") -> np.ndarray:
    """The fit objective ``J`` of every run of a simulation [-], shape (N,)
    (:func:`objective_from_hash` on its running hash rate)."""
    return objective_from_hash(sim.time, sim.hashrate_ehs, hist, end, tuple(sim.regions))


def _profile_values(lo: float, hi: float, default: float, n: int, integer: bool) -> np.ndarray:
    v = np.unique(np.concatenate([np.linspace(lo, hi, n), [default]]))
    return np.unique(np.round(v)) if integer else v


def profile_bounds(
    names=None,
    tolerance: float = PROFILE_TOLERANCE,
    n_points: int = 41,
    scenario="china-ban-2021",
    hist: History | None = None,
) -> pd.DataFrame:
    """One-at-a-time hindcast profile of world parameters: the plausible range of each.

    Each parameter is varied over its valid range ``[min, max]`` (``n_points`` values,
    then ``n_points`` more between the grid points that bracket each end), the others at
    their defaults; the 2014-2021 objective ``J`` (:func:`objective_by_run`) of every
    value is computed, and the range is the connected interval around the default where
    ``J <= (1 + tolerance) J_0`` (``J_0`` at the defaults), ends interpolated linearly.
    ``per_run`` parameters run as one vectorised call; the others one call per value.

    Returns
    -------
    pandas.DataFrame
        One row per parameter: ``name, default, min, max, low, high, j_default,
        j_min_seen, value_at_j_min, low_clipped, high_clipped`` (``*_clipped``: the range
        reached the valid bound).
    """
    hist, scen, base = _fit_setup(hist, scenario, None)
    names = list(names or FITTED)

    def js(name: str, values: np.ndarray) -> np.ndarray:
        spec = DEFAULTS[name]
        if spec.per_run and len(values) > 1:
            p = {**base, name: np.asarray(values, dtype=float)}
            return objective_by_run(simulate(hist, scen, n_runs=len(values), params=p), hist)
        return np.array(
            [
                objective_by_run(simulate(hist, scen, params={**base, name: float(v)}), hist)[0]
                for v in values
            ]
        )

    j0 = float(objective_by_run(simulate(hist, scen, params=base), hist)[0])
    thr = (1.0 + tolerance) * j0
    rows = []
    for name in names:
        spec = DEFAULTS[name]
        vmin, vmax = spec.min, spec.max
        d = float(base[name])
        v = _profile_values(vmin, vmax, d, n_points, spec.integer)
        j = js(name, v)
        ends = []
        for side in (-1, 1):
            k = int(np.flatnonzero(v == d)[0]) if d in v else int(np.argmin(np.abs(v - d)))
            while 0 <= k + side < len(v) and j[k + side] <= thr:
                k += side
            if not 0 <= k + side < len(v):
                ends.append((float(v[k]), True))
                continue
            a, b = float(v[k]), float(v[k + side])  # inside, outside
            if not spec.integer:  # refine between the bracketing grid points
                fine = np.linspace(a, b, n_points)
                jf = js(name, fine)
                m = 0
                while m + 1 < len(fine) and jf[m + 1] <= thr:
                    m += 1
                if m + 1 < len(fine):
                    f0, f1 = jf[m], jf[m + 1]
                    w = (thr - f0) / (f1 - f0) if f1 != f0 else 0.0
                    ends.append((float(fine[m] + w * (fine[m + 1] - fine[m])), False))
                else:
                    ends.append((float(fine[-1]), False))
            else:
                ends.append((a, False))
        i_min = int(np.nanargmin(j))
        rows.append(
            {
                "name": name,
                "default": d,
                "min": vmin,
                "max": vmax,
                "low": ends[0][0],
                "high": ends[1][0],
                "j_default": j0,
                "j_min_seen": float(j[i_min]),
                "value_at_j_min": float(v[i_min]),
                "low_clipped": ends[0][1],
                "high_clipped": ends[1][1],
            }
        )
    return pd.DataFrame(rows)


def fit_purchase_window(
    hist: History | None = None, windows=WINDOWS, maxfev: int = 120, scenario="china-ban-2021"
) -> dict:
    """Fit the purchase-mix window ``new_eff_window_months`` (an integer: a grid over
    ``windows``) together with :data:`FITTED` (Nelder-Mead from the defaults at each
    window) on 2014-2021; returns the best window, its values and J of every window."""
    from hashcarbon.models import world

    global FLEET_WEIGHT
    hist = hist or world.history()
    out = {}
    saved, FLEET_WEIGHT = FLEET_WEIGHT, 1.0
    try:
        for w in windows:
            res = fit(
                hist,
                scenario,
                maxfev=maxfev,
                overrides={"new_eff_window_months": w, "fleet_accounting": 0},
            )
            out[int(w)] = res
            print(f"window {w}: J {res['objective']:.4f}", file=sys.stderr, flush=True)
    finally:
        FLEET_WEIGHT = saved
    best = min(out, key=lambda w: out[w]["objective"])
    return {
        "new_eff_window_months": best,
        "values": out[best]["values"],
        "objective_by_window": {w: round(r["objective"], 4) for w, r in out.items()},
    }


#: The seven largest countries of the Cambridge map (the issue-10 share target).
SEVEN = ("China", "United States", "Kazakhstan", "Russia", "Canada", "Malaysia", "Iran")


def _abs_share_errors(se: dict) -> pd.DataFrame:
    """|model - observed| country shares by month (:func:`share_errors`) [-]."""
    return (se["model"] - se["observed"]).abs()


#: Countries of the issue-10 Jul-Dec 2021 share targets.
H2_COUNTRIES = ("Kazakhstan", "United States", "Russia")


def _h2_points(err: pd.DataFrame, countries=H2_COUNTRIES) -> dict:
    """Mean |model - observed| share over Jul-Dec 2021 by country [share points 0-100]
    (``err`` from :func:`_abs_share_errors`)."""
    h2 = err.loc["2021-07":"2021-12"]
    return {c: round(100 * float(h2[c].mean()), 2) for c in countries}


def _share_mae_7_points(err: pd.DataFrame) -> float:
    """Mean absolute share error over :data:`SEVEN`, Sep 2019 - Jan 2022 [points]."""
    return round(100 * float(err[list(SEVEN)].to_numpy().mean()), 2)


def _china_share_2025_10(cs: pd.DataFrame) -> float | None:
    """China's share of the hash rate in Oct 2025 (:func:`country_shares`), None when the
    run ends before [-]."""
    t = pd.Timestamp("2025-10-01")
    return round(float(cs.loc[t, "China"]), 3) if t in cs.index else None


def _yearly_energy_emissions(sim: Simulation) -> tuple[pd.Series, pd.Series]:
    """World energy [TWh] and emissions [Mt CO2e] of run 0, summed by calendar year."""
    e = pd.Series(sim.energy_twh[:, 0, :].sum(axis=1).astype(float), index=sim.time)
    m = pd.Series(sim.emissions_mt[:, 0, :].sum(axis=1).astype(float), index=sim.time)
    return e.groupby(e.index.year).sum(), m.groupby(m.index.year).sum()


def hindcast_report(
    parameters: dict | None = None, scenario="china-ban-2021", sensitivity: bool = True
) -> dict:
    """Hindcast figures of the task: hash-rate MAPE, share MAE (with caps, without the
    measured-load caps, with the underground share varied), China's share around the ban,
    Bitcoin intensity before/after, energy against the CBECI-style estimate, and the
    issue-10 targets met (:func:`issue_targets`).  ``sensitivity=False`` skips the
    one-at-a-time sensitivity runs (about a dozen more simulations; ``"sensitivity"`` is
    then empty), which :func:`robustness` does not need."""
    from hashcarbon.models import world

    hist = world.history()
    scen = load_scenario(scenario)
    end = f"{hist.time[-1]:%Y-%m-%d}"
    scen = scen.model_copy(update={"scenario": scen.scenario.model_copy(update={"end": end})})
    p = resolve({**scen.parameters, **(parameters or {})})
    sim = simulate(hist, scen, params=p)
    out: dict = {}
    he = hashrate_errors(sim, hist)
    out["hashrate_mape"] = {k: round(v, 4) for k, v in he.items() if k != "series"}
    se = share_errors(sim)
    out["share_mae_points"] = round(100 * se["mae"], 2)
    out["share_mae_by_country_points"] = {k: round(100 * v, 2) for k, v in se["by_country"].items()}
    cs = country_shares(sim)
    out["china_share"] = {
        f"{t:%Y-%m}": round(float(cs.loc[t, "China"]), 3)
        for t in pd.date_range("2021-04-01", "2022-01-01", freq="MS")
    }
    out["china_share_2025_10"] = _china_share_2025_10(cs)
    # intensity and sustainable share
    e = sim.energy_twh[:, 0, :].sum(axis=1).astype(float)
    m = sim.emissions_mt[:, 0, :].sum(axis=1).astype(float)
    s = sim.sustainable_twh[:, 0, :].sum(axis=1).astype(float)
    ser = pd.DataFrame({"e": e, "m": m, "s": s}, index=sim.time)
    yr = ser.groupby(ser.index.year).sum()
    out["intensity_g_per_kwh"] = {
        int(y): round(float(r.m / r.e * 1e3), 1) for y, r in yr.loc[2019:2024].iterrows()
    }
    aug = ser.loc["2021-08-01"]
    out["intensity_2021_08"] = round(float(aug.m / aug.e * 1e3), 1)
    out["sustainable_share"] = {
        int(y): round(float(r.s / r.e), 3) for y, r in yr.loc[2019:2024].iterrows()
    }
    out["sustainable_share_2021_08"] = round(float(aug.s / aug.e), 3)
    fe = fleet_errors(sim)
    fy = pd.DataFrame({"model": fe["model"], "estimator": fe["estimator"]}).loc["2016":"2025"]
    fy = fy.groupby(fy.index.year).mean()
    out["fleet_efficiency_j_per_th"] = {
        int(y): {"model": round(float(r.model), 1), "estimator": round(float(r.estimator), 1)}
        for y, r in fy.iterrows()
    }
    out["fleet_mean_abs_log_error"] = {
        "2016_2021": round(fe["mean_abs_log_2016_2021"], 4),
        "2022_2025": round(fe["mean_abs_log_2022_2025"], 4),
    }
    out["energy_twh"] = {int(y): round(float(r.e), 1) for y, r in yr.loc[2019:2025].iterrows()}
    out["emissions_mt"] = {int(y): round(float(r.m), 1) for y, r in yr.loc[2019:2025].iterrows()}
    aug20 = ser.loc["2020-08-01"]
    out["intensity_2020_08"] = round(float(aug20.m / aug20.e * 1e3), 1)
    # the project's own estimate (same factor set, CCAF; average accounting)
    from hashcarbon import pipeline

    est = pipeline.estimate(
        "cbeci-2023", start="2019-01-01", end="2025-12-31", freq="year"
    ).set_index("period")
    est_v1 = pipeline.estimate(
        "cbeci-v1", start="2021-01-01", end="2021-12-31", freq="year"
    ).set_index("period")
    out["estimate_cbeci_2023_energy_twh"] = {
        int(y): round(float(v), 1) for y, v in est["energy_twh_best"].items()
    }
    out["energy_ratio_to_estimate"] = {
        y: round(out["energy_twh"][y] / v, 3)
        for y, v in out["estimate_cbeci_2023_energy_twh"].items()
        if y in out["energy_twh"]
    }
    out["estimate_emissions_2021_mt"] = {
        "cbeci-2023": round(float(est.loc["2021", "emissions_mt_best"]), 1),
        "cbeci-v1": round(float(est_v1.loc["2021", "emissions_mt_best"]), 1),
    }
    # hash rate in July-August 2021
    obs_h = pd.Series(hist.hashrate_ehs, index=hist.time)
    mod_h = pd.Series(sim.hashrate_ehs[:, 0, :].sum(axis=1).astype(float), index=sim.time)
    out["hashrate_2021_07_08"] = {
        f"{t:%Y-%m}": {"model": round(float(mod_h[t]), 1), "observed": round(float(obs_h[t]), 1)}
        for t in pd.to_datetime(["2021-07-01", "2021-08-01"])
    }
    # geography: the seven largest map countries; KZ/US/RU over Jul-Dec 2021
    err = _abs_share_errors(se)
    out["share_mae_7_points"] = _share_mae_7_points(err)
    out["share_mae_2021_h2_points"] = _h2_points(err)
    # the same without the map's proxy view (map_view): raw model shares
    err_raw = _abs_share_errors(share_errors(sim, proxies=False))
    out["share_mae_raw"] = {
        "share_mae_7_points": _share_mae_7_points(err_raw),
        "share_mae_2021_h2_points": _h2_points(err_raw),
    }
    # hash rate outside China before the ban: what July 2021 starts from
    obs_map = _observed_map()
    h_obs = he["series"]["obs"]
    out["hashrate_outside_china_2021_05"] = {
        "model": round(
            float(he["series"].loc["2021-05-01", "mod"] * (1 - cs.loc["2021-05-01", "China"])), 1
        ),
        "map_implied": round(
            float(h_obs.loc["2021-05-01"] * (1 - obs_map.loc["2021-05-01", "China"])), 1
        ),
    }
    out["sensitivity"] = _sensitivities(hist, scen, p, out) if sensitivity else {}
    out["parameters"] = {k: p[k] for k in (*FITTED, "new_eff_window_months")}
    out["targets"] = issue_targets(out)
    out["targets_met"] = sum(out["targets"].values())
    return out


def _sensitivities(hist: History, scen: Scenario, p: dict, out: dict) -> dict:
    """The sensitivity runs of :func:`hindcast_report` (its ``"sensitivity"``): the
    shipped parameters ``p`` with one switch, input or parameter changed at a time; ``out``
    is the report so far (the estimate's energy for the vintage-accounting ratios)."""
    sens = {}
    for label, over in (
        (
            "without_delivery_constraint",
            {
                "supply_growth_max_per_month": 0.5,
                "presale_months": 24.0,
                "supply_adjust_months": 1.0,
            },
        ),
        ("without_measured_caps", {"use_measured_caps": 0}),
        (
            "without_any_caps",
            {"use_measured_caps": 0, "use_resource_caps": 0, "use_policy_caps": 0},
        ),
    ):
        s2 = simulate(hist, scen, params={**p, **over})
        he2 = hashrate_errors(s2, hist)
        se2 = share_errors(s2)
        sens[label] = {
            "share_mae_points": round(100 * se2["mae"], 2),
            "share_mae_7_points": _share_mae_7_points(_abs_share_errors(se2)),
            "hashrate_mape_2016_2021": round(he2["mape_2016_2021"], 4),
            "hashrate_mape_2022_2025": round(he2["mape_2022_2025"], 4),
        }
    # the US regions priced from their parent at the listed miners' power cost
    for level, label in ((1, "us_miner_price_from_2021"), (2, "us_miner_price_held_back")):
        s5 = simulate(hist, scen, params={**p, "us_miner_price": level})
        he5 = hashrate_errors(s5, hist)
        se5 = share_errors(s5)
        err5 = _abs_share_errors(se5)
        sens[label] = {
            "share_mae_7_points": _share_mae_7_points(err5),
            "united_states_2021_h2_points": _h2_points(err5)["United States"],
            "hashrate_2021_07_08": [
                round(float(he5["series"].loc[f"2021-0{m}-01", "mod"]), 1) for m in (7, 8)
            ],
            "hashrate_mape_2016_2021": round(he5["mape_2016_2021"], 4),
            "hashrate_mape_2022_2025": round(he5["mape_2022_2025"], 4),
            "china_share_2025_10": _china_share_2025_10(country_shares(s5)),
        }
    # the underground region's hosting build-out limit (steps.underground_limit): off
    # (the uncapped region of rounds 3-7) and at the ends of its stated range
    for label, over in (
        ("without_underground_limit", {"use_underground_limit": 0}),
        (
            "underground_growth_low",
            {"underground_growth_per_month": DEFAULTS["underground_growth_per_month"].low},
        ),
        (
            "underground_growth_high",
            {"underground_growth_per_month": DEFAULTS["underground_growth_per_month"].high},
        ),
    ):
        s6 = simulate(hist, scen, params={**p, **over})
        sens[label] = {
            "china_share_2025_10": _china_share_2025_10(country_shares(s6)),
            "share_mae_7_points": _share_mae_7_points(_abs_share_errors(share_errors(s6))),
            "hashrate_mape_2022_2025": round(hashrate_errors(s6, hist)["mape_2022_2025"], 4),
        }
    # the underground re-entry delay (round 9: 1 month, fitted over its integer values)
    for d in (2, 3):
        s8 = simulate(hist, scen, params={**p, "underground_delay_months": d})
        he8 = hashrate_errors(s8, hist)
        err8 = _abs_share_errors(share_errors(s8))
        sens[f"underground_delay_{d}"] = {
            "hashrate_2021_07_08": [
                round(float(he8["series"].loc[f"2021-0{m}-01", "mod"]), 1) for m in (7, 8)
            ],
            "share_mae_7_points": _share_mae_7_points(err8),
            "russia_2021_h2_points": _h2_points(err8)["Russia"],
            "hashrate_mape_2016_2021": round(he8["mape_2016_2021"], 4),
        }
    # Sichuan's and Yunnan's measured dry-season loads (round 8) switched off: the
    # unsourced 0.5 / 0.3 GW caps of rounds 3-7, same parameters
    s7 = simulate(hist, scen, params={**p, "use_dry_load_caps": 0})
    e7y, m7y = _yearly_energy_emissions(s7)
    sens["without_dry_load_caps"] = {
        "intensity_g_per_kwh": {y: round(float(m7y[y] / e7y[y] * 1e3), 1) for y in (2020, 2021)},
        "share_mae_7_points": _share_mae_7_points(_abs_share_errors(share_errors(s7))),
        "hashrate_mape_2016_2021": round(hashrate_errors(s7, hist)["mape_2016_2021"], 4),
    }
    for u in (0.0, 0.2, 0.35, 0.5):
        pol = []
        for x in scen.policy:
            if (
                x.type == "ban"
                and any(r.startswith("CN-") for r in x.regions)
                and x.regions != ["CN-NM"]
            ):
                rel = min(x.relocate_share, 1.0 - u)
                x = x.model_copy(update={"underground_share": u, "relocate_share": rel})
            pol.append(x)
        s3 = simulate(hist, scen.model_copy(update={"policy": pol}), params=p)
        cs3 = country_shares(s3)
        sens[f"underground_share_{u}"] = {
            "share_mae_points": round(100 * share_errors(s3)["mae"], 2),
            "china_share_2022_01": round(float(cs3.loc["2022-01-01", "China"]), 3),
        }
    # the hash-weighted vintage fleet (fleet_accounting = 0): same hash rate and shares
    s4 = simulate(hist, scen, params={**p, "fleet_accounting": 0})
    e4y, m4y = _yearly_energy_emissions(s4)
    fe4 = fleet_errors(s4)
    sens["vintage_accounting"] = {
        "energy_ratio_to_estimate": {
            y: round(float(e4y[y]) / v, 3)
            for y, v in out["estimate_cbeci_2023_energy_twh"].items()
            if y in e4y.index
        },
        "emissions_2021_mt": round(float(m4y[2021]), 1),
        "intensity_g_per_kwh": {
            y: round(float(m4y[y] / e4y[y] * 1e3), 1) for y in range(2019, 2025)
        },
        "fleet_mean_abs_log_error": {
            "2016_2021": round(fe4["mean_abs_log_2016_2021"], 4),
            "2022_2025": round(fe4["mean_abs_log_2022_2025"], 4),
        },
    }
    return sens


#: Cambridge's intensity of 2020 and 2021 [gCO2e/kWh] (CCAF GHG index; 2021 = 56.29 Mt /
#: ~105 TWh, estimators.md), the issue-10 carbon anchors.
CCAF_INTENSITY_G_PER_KWH = {2020: 491.0, 2021: 536.0}


def issue_targets(r: dict) -> dict[str, bool]:
    """The 15 targets of issue 10 (docs/world.md, "Done when") met by a hindcast report
    (:func:`hindcast_report`; the report's own ``targets`` holds the result):

    carbon - intensity 2020 and 2021 within 5 % of Cambridge's 491 / 536 g/kWh; the rise
    2020 -> 2021 between +3 and +17 %, and August 2021 above August 2020; 2021 emissions
    within 10 % of ``estimate --method cbeci-2023``.  Energy - every year 2019-2025 within
    15 % of the estimate.  Hash rate - MAPE 2016-2025 and 2022-2025 at most 15 %; July and
    August 2021 within 15 %.  Geography - 7-country share MAE at most 3 points;
    Kazakhstan, the US and Russia within 7 points over Jul-Dec 2021; China's Oct-2025
    share within 5 points of ~14 %.
    """
    i, h, h2 = r["intensity_g_per_kwh"], r["hashrate_mape"], r["share_mae_2021_h2_points"]
    hh = r["hashrate_2021_07_08"]
    ci = CCAF_INTENSITY_G_PER_KWH
    em = r["emissions_mt"][2021] / r["estimate_emissions_2021_mt"]["cbeci-2023"] - 1
    cn = r["china_share_2025_10"]
    return {
        "intensity 2020": abs(i[2020] / ci[2020] - 1) <= 0.05,
        "intensity 2021": abs(i[2021] / ci[2021] - 1) <= 0.05,
        "rise": 0.03 <= i[2021] / i[2020] - 1 <= 0.17,
        "Aug 2021 > Aug 2020": r["intensity_2021_08"] > r["intensity_2020_08"],
        "emissions 2021": abs(em) <= 0.10,
        "energy": all(0.85 <= v <= 1.15 for v in r["energy_ratio_to_estimate"].values()),
        "MAPE": h["mape_2016_2025"] <= 0.15,
        "MAPE 2022-25": h["mape_2022_2025"] <= 0.15,
        "Jul": abs(hh["2021-07"]["model"] / hh["2021-07"]["observed"] - 1) <= 0.15,
        "Aug": abs(hh["2021-08"]["model"] / hh["2021-08"]["observed"] - 1) <= 0.15,
        "MAE 7": r["share_mae_7_points"] <= 3.0,
        "KZ": h2["Kazakhstan"] <= 7.0,
        "US": h2["United States"] <= 7.0,
        "RU": h2["Russia"] <= 7.0,
        # rounded to the report's 3 decimals first, so 0.09 is on the band, not off it
        "China 2025": cn is not None and round(abs(cn - 0.14), 6) <= 0.05,
    }


SCENARIOS = (
    "china-ban-2021",
    "no-ban",
    "clean-exemption",
    "site-regulation",
    "market-access",
    "carbon-tax",
)


def scenario_table(n_runs: int = 200, seed: int = 0, start="2021", end="2030") -> pd.DataFrame:
    """Cumulative energy and emissions of the six built-in scenarios with P5-P95 bands,
    deltas against ``china-ban-2021`` (common random numbers: run i of every scenario sees
    the same price path)."""
    from hashcarbon.models import world

    return world.compare(list(SCENARIOS), start=start, end=end, n_runs=n_runs, seed=seed)


def main(argv: list[str]) -> int:  # pragma: no cover - manual tool
    if "--fit-window" in argv:
        res = fit_purchase_window()
        print(json.dumps(res, indent=1))
        rep = hindcast_report(
            {**res["values"], "new_eff_window_months": res["new_eff_window_months"]}
        )
    elif "--fit" in argv:
        res = fit_multistart()
        starts = res.pop("starts")
        # every start's J and values: how well the 2014-2021 objective pins them
        table = pd.DataFrame(
            {s: {"J": f["objective"], **f["values"]} for s, f in starts.items()}
        ).T.sort_values("J")
        with pd.option_context("display.width", 250, "display.max_columns", 30):
            print(table.to_string(float_format=lambda v: f"{v:.5g}"))
        print(json.dumps(res, indent=1))
        rep = hindcast_report(res["values"])
    elif "--robustness" in argv:
        r = robustness()
        with pd.option_context("display.width", 200, "display.max_columns", 30):
            print(r.to_string(index=False))
        move, change = largest_move(r)
        edge = abs(change) >= KNIFE_EDGE_OBJECTIVE
        print(
            f"largest change of J: {change:+.2%} ({move}); a knife edge by pick_robust's rule "
            f"(|change| >= {KNIFE_EDGE_OBJECTIVE:.0%}): {'yes' if edge else 'no'}"
        )
        fragile = sorted({t for v in r["lost"] for t in v.split(", ") if t})
        moves = "; ".join(
            f"{t}: "
            + ", ".join(
                f"{n} x {f:g}"
                for n, f, v in r[["name", "factor", "lost"]].values
                if t in v.split(", ")
            )
            for t in fragile
        )
        print(f"targets lost by a 0.1 % move: {len(fragile)}" + (f" ({moves})" if moves else ""))
        return 0
    else:
        rep = hindcast_report()
    print(json.dumps(rep, indent=1, default=str))
    if "--scenarios" in argv:
        with pd.option_context("display.width", 200, "display.max_columns", 30):
            print(scenario_table().round(1).to_string(index=False))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
