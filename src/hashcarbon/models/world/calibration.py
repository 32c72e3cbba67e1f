"""Calibration and hindcast checks of the world model.

The behavioural parameters marked ``fitted`` in :mod:`.params`
(``invest_rate_per_month``, ``supply_adjust_months``, ``supply_growth_max_per_month``,
``alloc_cost_sensitivity``, ``underground_access``) are fitted on **2014-2021 only** with
the ``china-ban-2021`` scenario (scipy differential evolution within :data:`BOUNDS`,
seed 0), minimising

.. math:: J = \\overline{|\\ln(H^{mod}_t / H^{obs}_t)|}_{2016..2021}
          + \\lambda\\, \\overline{|s^{mod}_{c,t} - s^{obs}_{c,t}|}_{2019-09..2021-12}

(monthly network hash rate from :func:`hashcarbon.data.network`; country shares of the
Cambridge mining map, :func:`hashcarbon.data.mining_map`; :math:`\\lambda = 5`, so one
share point weighs like a 5 % hash-rate error).  2022-2025 hash rate and the Jan-2022 map
are left out of the fit and reported separately (:func:`hindcast_report`).

Run ``python -m hashcarbon.models.world.calibration --fit --scenarios`` to refit, print
the hindcast report and the scenario table (``hurdle_margin`` is inferred from miners'
cost structure, not fitted).
"""

from __future__ import annotations

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
    "country_shares",
    "fit",
    "hashrate_errors",
    "hindcast_report",
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
)
SHARE_WEIGHT = 5.0
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

    mm = data.mining_map()
    wide = mm.pivot_table(index="date", columns="country", values="share", aggfunc="sum")
    return wide.reindex(columns=list(MAP_COUNTRIES)).fillna(0.0)


def share_errors(sim: Simulation, start="2019-09", end="2022-01", run: int = 0) -> dict:
    """Mean absolute error of country shares against the Cambridge map [share points 0-1]."""
    obs = _observed_map().loc[start:end]
    mod = country_shares(sim, run).reindex(obs.index)
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


def _objective(x, names, base: dict, hist: History, scen: Scenario) -> float:
    p = dict(base)
    for n, v in zip(names, x, strict=True):
        lo, hi = DEFAULTS[n].lo, DEFAULTS[n].hi
        p[n] = float(np.clip(v, lo, hi))
    sim = simulate(hist, scen, params=p)
    obs = pd.Series(hist.hashrate_ehs, index=hist.time).loc["2016":"2021"]
    mod = pd.Series(sim.hashrate_ehs[:, 0, :].sum(axis=1).astype(float), index=sim.time)
    mod = mod.reindex(obs.index)
    j = float(np.mean(np.abs(np.log(np.maximum(mod, 1e-9) / obs))))
    se = share_errors(sim, "2019-09", "2021-12")["mae"]
    return j + SHARE_WEIGHT * se


#: Search box of the global fit (differential evolution).
BOUNDS = {
    "invest_rate_per_month": (0.02, 0.6),
    "supply_adjust_months": (1.0, 24.0),
    "supply_growth_max_per_month": (0.02, 0.25),
    "shortage_growth_max_per_month": (0.0, 0.1),
    "alloc_cost_sensitivity": (2.0, 40.0),
    "underground_access": (0.0, 1.0),
    "scrap_idle_per_month": (0.0, 0.3),
}


def fit_global(
    hist: History | None = None,
    scenario="china-ban-2021",
    maxiter: int = 12,
    popsize: int = 8,
    seed: int = 0,
) -> dict:
    """Global fit of :data:`FITTED` within :data:`BOUNDS` on 2014-2021 (scipy differential
    evolution, seeded, no polishing); returns values, J and the number of evaluations."""
    from scipy.optimize import differential_evolution

    from hashcarbon.models import world

    hist = hist or world.history()
    scen = load_scenario(scenario)
    scen = scen.model_copy(
        update={"scenario": scen.scenario.model_copy(update={"end": "2021-12-01"})}
    )
    base = resolve(scen.parameters)
    names = list(FITTED)
    res = differential_evolution(
        _objective,
        [BOUNDS[n] for n in names],
        args=(names, base, hist, scen),
        maxiter=maxiter,
        popsize=popsize,
        seed=seed,
        polish=False,
        tol=1e-4,
    )
    vals = {n: float(v) for n, v in zip(names, res.x, strict=True)}
    return {"values": vals, "objective": float(res.fun), "evaluations": int(res.nfev)}


def fit(
    hist: History | None = None,
    scenario="china-ban-2021",
    maxiter: int = 120,
    names=FITTED,
    overrides: dict | None = None,
) -> dict:
    """Fit ``names`` on 2014-2021 (Nelder-Mead from the defaults); returns values and J."""
    from scipy.optimize import minimize

    from hashcarbon.models import world

    hist = hist or world.history()
    scen = load_scenario(scenario)
    scen = scen.model_copy(
        update={"scenario": scen.scenario.model_copy(update={"end": "2021-12-01"})}
    )
    base = resolve({**scen.parameters, **(overrides or {})})
    x0 = np.array([base[n] for n in names])
    res = minimize(
        _objective,
        x0,
        args=(list(names), base, hist, scen),
        method="Nelder-Mead",
        options={"maxiter": maxiter, "xatol": 1e-3, "fatol": 1e-4},
    )
    vals = {
        n: float(np.clip(v, DEFAULTS[n].lo, DEFAULTS[n].hi))
        for n, v in zip(names, res.x, strict=True)
    }
    return {"values": vals, "objective": float(res.fun), "evaluations": int(res.nfev)}


def hindcast_report(parameters: dict | None = None, scenario="china-ban-2021") -> dict:
    """Hindcast figures of the task: hash-rate MAPE, share MAE (with caps, without the
    measured-load caps, with the underground share varied), China's share around the ban,
    Bitcoin intensity before/after, energy against the CBECI-style estimate."""
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
    out["china_share_2025_10"] = (
        round(float(cs.loc["2025-10-01", "China"]), 3)
        if pd.Timestamp("2025-10-01") in cs.index
        else None
    )
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
    # geography: seven largest map countries; KZ/US/RU over Jul-Dec 2021
    seven = ["China", "United States", "Kazakhstan", "Russia", "Canada", "Malaysia", "Iran"]
    err = (se["model"] - se["observed"]).abs()
    out["share_mae_7_points"] = round(100 * float(err[seven].to_numpy().mean()), 2)
    h2 = err.loc["2021-07":"2021-12"]
    out["share_mae_2021_h2_points"] = {
        c: round(100 * float(h2[c].mean()), 2) for c in ("Kazakhstan", "United States", "Russia")
    }
    # sensitivities of the share error
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
        err2 = (se2["model"] - se2["observed"]).abs()
        sens[label] = {
            "share_mae_points": round(100 * se2["mae"], 2),
            "share_mae_7_points": round(100 * float(err2[seven].to_numpy().mean()), 2),
            "hashrate_mape_2016_2021": round(he2["mape_2016_2021"], 4),
            "hashrate_mape_2022_2025": round(he2["mape_2022_2025"], 4),
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
    out["sensitivity"] = sens
    out["parameters"] = {k: p[k] for k in FITTED}
    return out


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
    if "--fit" in argv:
        res = fit_global()
        print(json.dumps(res, indent=1))
        rep = hindcast_report(res["values"])
    else:
        rep = hindcast_report()
    print(json.dumps(rep, indent=1, default=str))
    if "--scenarios" in argv:
        with pd.option_context("display.width", 200, "display.max_columns", 30):
            print(scenario_table().round(1).to_string(index=False))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
