"""Compute the report's sections from the project's data and methods.

Each ``section_*`` function returns a :class:`Section`: headline numbers, tables
(DataFrames) and figures (PNG bytes).  No number is typed in here: every value is
computed at report time by :mod:`hashcarbon.carbon`, :mod:`hashcarbon.geography`,
:mod:`hashcarbon.grid`, :mod:`hashcarbon.models.bbce` and :mod:`hashcarbon.models.world`.
"""

from __future__ import annotations

import importlib
import platform
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from hashcarbon.report import figures
from hashcarbon.vocabulary import ACCOUNTING_SOURCES, ESTIMATOR_METHODS

METHODS = ESTIMATOR_METHODS
SOURCES = ACCOUNTING_SOURCES
BBCE_SCENARIOS = ("bbce-bm", "bbce-ma", "bbce-sr", "bbce-ct")
POLICY_SCENARIOS = ("no-ban", "china-ban-2021", "clean-exemption", "site-regulation", "carbon-tax")
PRICE = 0.05
FACTORS = "ccaf"
ACCOUNTING = "average"


@dataclass
class Section:
    """One report section: numbers for the text, tables, figures (name -> PNG)."""

    key: str
    numbers: dict[str, Any] = field(default_factory=dict)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    figures: dict[str, bytes] = field(default_factory=dict)
    available: bool = True


@dataclass
class Context:
    """Shared, computed-once inputs (energy/carbon estimates) and report parameters."""

    runs: int
    seed: int
    flow_year: int
    yearly: dict[str, pd.DataFrame] = field(default_factory=dict)
    monthly: dict[str, pd.DataFrame] = field(default_factory=dict)
    last_day: pd.Timestamp | None = None
    last_full_year: int = 0
    world: dict[str, Any] = field(default_factory=dict)


def _years(frame: pd.DataFrame) -> pd.Series:
    return frame["period"].astype(str).str[:4].astype(int)


def prepare(runs: int, seed: int, flow_year: int) -> Context:
    """Run the energy/carbon estimates every section shares (:mod:`hashcarbon.pipeline`)."""
    from hashcarbon import pipeline

    ctx = Context(runs=runs, seed=seed, flow_year=flow_year)
    ctx.last_day, ctx.last_full_year = pipeline.last_data_day()
    ctx.yearly, ctx.monthly = pipeline.report_estimates(
        METHODS, price_usd_per_kwh=PRICE, factors=FACTORS, accounting=ACCOUNTING
    )
    return ctx


def _fmt_years(frame: pd.DataFrame, last_full: int) -> pd.DataFrame:
    out = frame.copy()
    out["year"] = _years(out)
    out["partial"] = out["year"] > last_full
    return out


# ---------------------------------------------------------------- (a) electricity
def section_energy(ctx: Context) -> Section:
    v1 = _fmt_years(ctx.yearly["cbeci-v1"], ctx.last_full_year)
    v23 = _fmt_years(ctx.yearly["cbeci-2023"], ctx.last_full_year)
    eco = _fmt_years(ctx.yearly["economic"], ctx.last_full_year)
    table = pd.DataFrame(
        {
            "year": v1["year"],
            "cbeci_v1_lower_twh": v1["energy_twh_lower"],
            "cbeci_v1_best_twh": v1["energy_twh_best"],
            "cbeci_v1_upper_twh": v1["energy_twh_upper"],
            "cbeci_2023_lower_twh": v23["energy_twh_lower"].to_numpy(),
            "cbeci_2023_best_twh": v23["energy_twh_best"].to_numpy(),
            "cbeci_2023_upper_twh": v23["energy_twh_upper"].to_numpy(),
            "economic_twh": eco["energy_twh_best"].to_numpy(),
            "partial": v1["partial"],
        }
    )
    full = table[~table["partial"]]
    last = full.iloc[-1]
    peak = full.loc[full["cbeci_v1_best_twh"].idxmax()]
    sec = Section("energy")
    sec.numbers = {
        "year": int(last["year"]),
        "v1_best": last["cbeci_v1_best_twh"],
        "v1_lower": last["cbeci_v1_lower_twh"],
        "v1_upper": last["cbeci_v1_upper_twh"],
        "v23_best": last["cbeci_2023_best_twh"],
        "eco": last["economic_twh"],
        "peak_year": int(peak["year"]),
        "peak_twh": peak["cbeci_v1_best_twh"],
        "last_day": f"{ctx.last_day:%Y-%m-%d}",
        "power_gw": float(
            ctx.yearly["cbeci-v1"]
            .loc[_years(ctx.yearly["cbeci-v1"]) == last["year"], "power_gw_best"]
            .iloc[0]
        ),
    }
    sec.tables["yearly"] = table
    sec.figures["energy"] = figures.energy_bounds(ctx.monthly)
    return sec


# ---------------------------------------------------------------- (b) where
def section_where(ctx: Context) -> Section:
    from hashcarbon import geography

    months = pd.date_range("2014-01-01", ctx.last_day.to_period("M").to_timestamp(), freq="MS")
    shares = geography.country_province_shares(months)
    wide = shares.pivot_table(index="date", columns="region", values="share", aggfunc="sum")
    china_regions = sorted(set(shares.loc[shares["country"] == "China", "region"]))
    # China's provinces at the bottom (largest first), then countries, "Other" on top.
    mean = wide.mean().sort_values(ascending=False)
    cn_first = [c for c in mean.index if c in china_regions]
    rest = [c for c in mean.index if c not in china_regions and c != "Other"]
    order = cn_first + rest + (["Other"] if "Other" in wide else [])
    wide = wide[order].fillna(0.0)
    china = wide[[c for c in china_regions if c in wide]].sum(axis=1)
    pick = {
        "pre_ban": pd.Timestamp("2021-04-01"),
        "ban": pd.Timestamp("2021-07-01"),
        "after": pd.Timestamp("2021-09-01"),
        "latest": wide.index.max(),
    }
    sec = Section("where")
    sec.numbers = {k: float(china.loc[v]) for k, v in pick.items()}
    sec.numbers["latest_month"] = f"{pick['latest']:%Y-%m}"
    lead = wide.loc[pick["latest"]].sort_values(ascending=False)
    sec.numbers["top_region"] = lead.index[0]
    sec.numbers["top_share"] = float(lead.iloc[0])
    rows = [
        pd.Timestamp(x)
        for x in (
            "2015-01-01",
            "2019-09-01",
            "2020-04-01",
            "2020-08-01",
            "2021-04-01",
            "2021-07-01",
            "2022-01-01",
        )
    ]
    rows.append(pick["latest"])
    tab = wide.loc[[r for r in rows if r in wide.index]].T
    tab.columns = [f"{c:%Y-%m}" for c in tab.columns]
    tab = tab.reset_index().rename(columns={"region": "region"})
    sec.tables["shares"] = tab
    methods = shares.groupby("method")["date"].agg(["min", "max"]).reset_index()
    methods["min"] = methods["min"].dt.strftime("%Y-%m")
    methods["max"] = methods["max"].dt.strftime("%Y-%m")
    sec.tables["methods"] = methods
    sec.figures["where"] = figures.stacked_shares(wide)
    sec.tables["_wide"] = wide
    return sec


# ---------------------------------------------------------------- (c) carbon
def world_grid(years) -> pd.DataFrame:
    """World grid intensity: CCAF-factor coefficient (held after data) and IEA series."""
    from hashcarbon import data, grid

    years = [int(y) for y in years]
    ccaf = grid.intensity_path("World", years, source="ccaf_mix", projection="hold")
    gi = data.grid_intensity()
    iea = gi[(gi["country"] == "World") & (gi["vintage"] == "iea_2025")]
    out = pd.DataFrame({"year": years})
    out["ccaf_world"] = ccaf["intensity_g_per_kwh"].to_numpy()
    out["ccaf_kind"] = ccaf["kind"].to_numpy()
    out = out.merge(
        iea[["year", "intensity_g_per_kwh", "projection"]].rename(
            columns={"intensity_g_per_kwh": "iea_world", "projection": "iea_projection"}
        ),
        on="year",
        how="left",
    )
    return out


def section_carbon(ctx: Context) -> Section:
    yearly = _fmt_years(ctx.yearly["cbeci-v1"], ctx.last_full_year)
    world = world_grid(yearly["year"])
    sec = Section("carbon")
    full = yearly[~yearly["partial"]].reset_index(drop=True)
    last = full.iloc[-1]
    w_last = world[world["year"] == last["year"]].iloc[0]
    y21 = full[full["year"] == 2021].iloc[0]
    w21 = world[world["year"] == 2021].iloc[0]
    sec.numbers = {
        "year": int(last["year"]),
        "emissions": last["emissions_mt_best"],
        "emissions_lower": last["emissions_mt_lower"],
        "emissions_upper": last["emissions_mt_upper"],
        "intensity": last["intensity_g_per_kwh"],
        "iea_world": w_last["iea_world"],
        "ccaf_world": w_last["ccaf_world"],
        "sustainable": last["sustainable_share"],
        "intensity_2021": y21["intensity_g_per_kwh"],
        "iea_2021": w21["iea_world"],
        "ccaf_2021": w21["ccaf_world"],
        "sustainable_2021": y21["sustainable_share"],
        "peak_em_year": int(full.loc[full["emissions_mt_best"].idxmax(), "year"]),
        "peak_int_year": int(full.loc[full["intensity_g_per_kwh"].idxmax(), "year"]),
    }
    cols = [
        "year",
        "emissions_mt_lower",
        "emissions_mt_best",
        "emissions_mt_upper",
        "intensity_g_per_kwh",
        "sustainable_share",
        "renewable_share",
    ]
    cols += [f"{s}_share" for s in ("coal", "gas", "hydro", "nuclear", "wind", "solar")]
    tab = yearly[[*cols, "partial"]].merge(world[["year", "ccaf_world", "iea_world"]], on="year")
    sec.tables["yearly"] = tab
    sec.tables["_world"] = world
    sec.figures["carbon"] = figures.carbon_panels(full, world[world["year"] <= ctx.last_full_year])
    return sec


# ---------------------------------------------------------------- (d) flows
def section_flows(ctx: Context) -> Section:
    from hashcarbon import carbon, grid

    year = ctx.flow_year
    est = carbon.estimate(
        method="cbeci-v1",
        price_usd_per_kwh=PRICE,
        start=f"{year}-01-01",
        end=f"{year}-12-31",
        freq="year",
        factors=FACTORS,
        accounting=ACCOUNTING,
        by="region",
    )
    est = est.sort_values("energy_twh_best", ascending=False)
    top = est.head(8)
    rest = est.iloc[8:]
    src_cols = [f"{s}_share" for s in SOURCES if f"{s}_share" in est]
    e = top.set_index("region")[src_cols].mul(top.set_index("region")["energy_twh_best"], axis=0)
    if len(rest):
        e.loc["remaining regions"] = rest[src_cols].mul(rest["energy_twh_best"], axis=0).sum()
    e.columns = [c[: -len("_share")] for c in e.columns]
    ef = grid.emission_factors(FACTORS)
    ef.setdefault("curtailed_hydro", 0.0)
    em = pd.Series({s: e[s].sum() * ef.get(s, np.nan) / 1e3 for s in e.columns})  # TWh*g/kWh/1e3=Mt
    sec = Section("flows")
    total_mt = float(est["emissions_mt_best"].sum())
    sec.numbers = {
        "year": year,
        "energy": float(est["energy_twh_best"].sum()),
        "emissions": total_mt,
        "emissions_from_sources": float(em.sum()),
        "coal_mt": float(em.get("coal", 0.0)),
        "coal_share_of_co2": float(em.get("coal", 0.0) / em.sum()) if em.sum() > 0 else np.nan,
        "top_region": str(top.iloc[0]["region"]),
        "top_region_mt": float(top.iloc[0]["emissions_mt_best"]),
    }
    by_region = est[["region", "energy_twh_best", "emissions_mt_best", "intensity_g_per_kwh"]]
    sec.tables["regions"] = by_region.head(12).reset_index(drop=True)
    sec.tables["sources"] = pd.DataFrame(
        {"source": e.columns, "energy_twh": e.sum().to_numpy(), "emissions_mt": em.to_numpy()}
    )
    sec.figures["flows"] = figures.flow_diagram(e, em, year)
    return sec


# ---------------------------------------------------------------- (e) BBCE
def section_bbce(ctx: Context) -> Section:
    from hashcarbon import carbon
    from hashcarbon.models import bbce

    runs = {s: bbce.run(s) for s in BBCE_SCENARIOS}
    series = {s: pd.DataFrame(bbce.to_records(ds, "year")) for s, ds in runs.items()}
    names = list(bbce.FIG4_SERIES)
    ds0 = runs["bbce-bm"]
    units = {n: ds0[n].attrs.get("units", "") for n in names if n in ds0}
    units["energy_twh"] = "TWh/yr"
    units["carbon_flow_mt"] = "Mt/yr"
    for f in series.values():
        if "carbon_flow_mt" not in f:
            f["carbon_flow_mt"] = f["emissions_mt"]
    pk = {s: bbce.peak(ds) for s, ds in runs.items()}
    country = carbon.estimate(
        method="cbeci-v1",
        price_usd_per_kwh=PRICE,
        start="2014-01-01",
        freq="year",
        factors=FACTORS,
        accounting=ACCOUNTING,
        by="country",
    )
    cn = country[country["region"] == "China"].copy()
    cn["year"] = _years(cn)
    cn = cn[cn["year"] <= ctx.last_full_year]
    bm = series["bbce-bm"].copy()
    bm["year"] = bm["period"].astype(int)
    comp = bm[["year", "energy_twh", "emissions_mt"]].merge(
        cn[
            [
                "year",
                "energy_twh_lower",
                "energy_twh_best",
                "energy_twh_upper",
                "emissions_mt_best",
                "hashrate_share",
            ]
        ],
        on="year",
    )
    comp = comp.rename(
        columns={
            "energy_twh": "bbce_twh",
            "emissions_mt": "bbce_mt",
            "energy_twh_best": "project_twh",
            "energy_twh_lower": "project_twh_lower",
            "energy_twh_upper": "project_twh_upper",
            "emissions_mt_best": "project_mt",
            "hashrate_share": "china_share",
        }
    )
    comp["ratio"] = comp["bbce_twh"] / comp["project_twh"]
    sec = Section("bbce")
    peak_year = int(pk["bbce-bm"]["year"][0])
    row = comp[comp["year"] == peak_year]
    sec.numbers = {
        "peak_year": peak_year,
        "peak_twh": float(pk["bbce-bm"]["energy_twh"][0]),
        "peak_mt": float(pk["bbce-bm"]["emissions_mt"][0]),
        "project_at_peak": float(row["project_twh"].iloc[0]) if len(row) else np.nan,
        "project_upper_at_peak": float(row["project_twh_upper"].iloc[0]) if len(row) else np.nan,
        "china_share_at_peak": float(row["china_share"].iloc[0]) if len(row) else np.nan,
        "ratio_at_peak": float(row["ratio"].iloc[0]) if len(row) else np.nan,
    }
    for s in BBCE_SCENARIOS:
        sec.numbers[f"peak_{s}"] = (int(pk[s]["year"][0]), float(pk[s]["energy_twh"][0]))
    sec.tables["peaks"] = pd.DataFrame(
        [
            {
                "scenario": s,
                "peak_year": int(pk[s]["year"][0]),
                "peak_energy_twh": float(pk[s]["energy_twh"][0]),
                "emissions_at_peak_mt": float(pk[s]["emissions_mt"][0]),
            }
            for s in BBCE_SCENARIOS
        ]
    )
    sec.tables["forecast_vs_estimate"] = comp
    sec.figures["bbce_series"] = figures.small_multiples(series, names, units)
    sec.figures["bbce_vs_estimate"] = figures.model_vs_estimate(comp)
    return sec


# ---------------------------------------------------------------- (f) policy
def world_model():
    """The world policy simulator module, or ``None`` when this version lacks it."""
    try:
        mod = importlib.import_module("hashcarbon.models.world")
    except ImportError:
        return None
    if not all(hasattr(mod, a) for a in ("run", "compare")):
        return None
    return mod


def fan(ds, var: str = "emissions_mt", last_year: int = 2030) -> pd.DataFrame:
    """Annual world totals of ``var`` per run -> P5/P50/P95 by year (to ``last_year``)."""
    tot = ds[var].sum("region").groupby("time.year").sum("time")
    tot = tot.sel(year=tot["year"] <= last_year)
    q = tot.quantile([0.05, 0.5, 0.95], dim="run")
    out = pd.DataFrame({"year": tot["year"].to_numpy()})
    for lab, qq in (("p5", 0.05), ("p50", 0.5), ("p95", 0.95)):
        out[f"{var}_{lab}"] = q.sel(quantile=qq).to_numpy()
    return out


def policy_section(datasets: dict[str, Any], comparison: pd.DataFrame) -> Section:
    """Build section (f) from ``world.run`` results and the ``world.compare`` table.

    ``datasets`` maps scenario -> Dataset (dims ``time x region x run`` with
    ``energy_twh`` and ``emissions_mt``); ``comparison`` has ``scenario``,
    ``energy_twh``, ``emissions_mt``, ``delta_energy_twh``, ``delta_emissions_mt``,
    ``delta_emissions_share`` (and ``_p5``/``_p95`` columns with more than one run).
    """
    sec = Section("policy")
    fans_e = {s: fan(ds, "emissions_mt") for s, ds in datasets.items()}
    fans_i = {}
    for s, ds in datasets.items():
        f = fan(ds, "energy_twh")
        fans_i[s] = f
    keep = [
        c
        for c in (
            "scenario",
            "energy_twh",
            "delta_energy_twh",
            "emissions_mt",
            "delta_emissions_mt",
            "delta_emissions_mt_p5",
            "delta_emissions_mt_p95",
            "delta_emissions_share",
        )
        if c in comparison
    ]
    tab = comparison[keep].copy()
    sec.tables["cumulative"] = tab
    base = str(tab["scenario"].iloc[0])
    others = tab.iloc[1:]
    best = others.loc[others["delta_emissions_mt"].idxmin()] if len(others) else tab.iloc[0]
    ds0 = next(iter(datasets.values()))
    sec.numbers = {
        "baseline": base,
        "period": str(comparison["period"].iloc[0]) if "period" in comparison else "",
        "baseline_mt": float(tab["emissions_mt"].iloc[0]),
        "best_scenario": str(best["scenario"]),
        "best_delta_mt": float(best["delta_emissions_mt"]),
        "best_delta_share": float(best.get("delta_emissions_share", np.nan)),
        "n_runs": int(ds0.sizes.get("run", 1)),
        "seed": ds0.attrs.get("seed", ""),
        "last_history_month": ds0.attrs.get("last_history_month", ""),
    }
    ban = tab[tab["scenario"] == "china-ban-2021"]
    if len(ban):
        sec.numbers["ban_delta_mt"] = float(ban["delta_emissions_mt"].iloc[0])
        sec.numbers["ban_delta_share"] = float(ban["delta_emissions_share"].iloc[0])
    sec.figures["policy_emissions"] = figures.fan_chart(fans_e, "emissions_mt", "Mt CO2e/yr")
    sec.figures["policy_energy"] = figures.fan_chart(fans_i, "energy_twh", "TWh/yr")
    sec.tables["_fans"] = pd.concat(
        [f.assign(scenario=s) for s, f in fans_e.items()], ignore_index=True
    )
    return sec


def section_policy(ctx: Context) -> Section:
    world = world_model()
    if world is None:
        return Section("policy", available=False)
    # Run to 2031 so the claims (2031 forecast, no-ban China in 2024) reuse these runs.
    datasets = {
        s: world.run(s, start="2021-01", end="2031-12", n_runs=ctx.runs, seed=ctx.seed)
        for s in POLICY_SCENARIOS
    }
    comparison = world.compare(
        list(POLICY_SCENARIOS), start="2021", end="2030", n_runs=ctx.runs, seed=ctx.seed
    )
    ctx.world["datasets"] = datasets
    sec = policy_section(datasets, comparison)
    return sec


# ---------------------------------------------------------------- (h) provenance
def section_provenance(ctx: Context) -> Section:
    import hashcarbon
    from hashcarbon import data

    srcs = data.sources()
    rows = [
        {
            "table": name,
            "version": str(srcs.get(name, {}).get("version", "")),
            "licence": str(srcs.get(name, {}).get("licence", "")),
        }
        for name in data.table_names()
    ]
    libs = {}
    for lib in ("numpy", "pandas", "xarray", "matplotlib", "jinja2"):
        try:
            libs[lib] = importlib.import_module(lib).__version__
        except Exception:  # pragma: no cover - optional
            libs[lib] = "?"
    params = {
        "hashcarbon": hashcarbon.__version__,
        "python": platform.python_version(),
        **libs,
        "methods": ", ".join(METHODS),
        "price_usd_per_kwh": PRICE,
        "factors": FACTORS,
        "accounting": ACCOUNTING,
        "last data day": f"{ctx.last_day:%Y-%m-%d}",
        "last full year": ctx.last_full_year,
        "flow year": ctx.flow_year,
        "world model runs": ctx.runs,
        "seed": ctx.seed,
        "bbce scenarios": ", ".join(BBCE_SCENARIOS),
        "policy scenarios": ", ".join(POLICY_SCENARIOS),
    }
    wds = ctx.world.get("datasets")
    if wds:
        d0 = next(iter(wds.values()))
        params["world model last history month"] = d0.attrs.get("last_history_month", "")
        params["world model price path"] = d0.attrs.get("price_path", "")
    sec = Section("provenance")
    sec.numbers = {"version": hashcarbon.__version__, "seed": ctx.seed, "runs": ctx.runs}
    sec.tables["parameters"] = pd.DataFrame(
        {"parameter": list(params), "value": [str(v) for v in params.values()]}
    )
    sec.tables["data"] = pd.DataFrame(rows)
    return sec
