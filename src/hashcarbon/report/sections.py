"""Compute the report's sections from the project's data and methods.

Each ``section_*`` function returns a :class:`Section`: headline numbers, tables
(DataFrames) and figures (PNG bytes).  No number is typed in here: every value is
computed at report time by :mod:`hashcarbon.pipeline`, :mod:`hashcarbon.geography`,
:mod:`hashcarbon.grid`, :mod:`hashcarbon.models.bbce` and :mod:`hashcarbon.models.world`.
"""

from __future__ import annotations

import importlib
import platform
from collections.abc import Callable
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
#: Scenarios of the joint-uncertainty table (issue 11: all six built-in scenarios).
JOINT_SCENARIOS = (
    "no-ban",
    "china-ban-2021",
    "clean-exemption",
    "site-regulation",
    "market-access",
    "carbon-tax",
)
#: Differences shown with their drivers (policy, reference).
DRIVER_PAIRS = (("clean-exemption", "china-ban-2021"), ("carbon-tax", "china-ban-2021"))
PRICE = 0.05
FACTORS = "ccaf"
ACCOUNTING = "average"


@dataclass
class Fig:
    """A figure drawn per language: ``draw(lang) -> PNG bytes``, optional Plotly version.

    ``numbers`` fill the figure's one-sentence takeaway (``fig_<name>_take`` in
    :mod:`hashcarbon.report.i18n`).
    """

    draw: Callable[[str], bytes]
    plotly: Callable[[str], Any] | None = None
    numbers: dict[str, Any] = field(default_factory=dict)


@dataclass
class Section:
    """One report section: numbers for the text, tables, figures (name -> :class:`Fig`)."""

    key: str
    numbers: dict[str, Any] = field(default_factory=dict)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    figures: dict[str, Fig] = field(default_factory=dict)
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
    region_country: dict[str, str] = field(default_factory=dict)
    joint_runs: int = 0  # runs of the joint-uncertainty ensemble of section (f), 0 = none


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
    monthly = ctx.monthly
    sec.figures["energy"] = Fig(
        lambda lang: figures.energy_bounds(monthly, lang),
        lambda lang: figures.energy_plotly(monthly, lang),
        {
            "year": sec.numbers["year"],
            "v1_best": sec.numbers["v1_best"],
            "peak_year": sec.numbers["peak_year"],
            "peak_twh": sec.numbers["peak_twh"],
        },
    )
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
    cn = tuple(china_regions)
    ctx.region_country = dict(zip(shares["region"], shares["country"], strict=False))
    ctx.region_country.setdefault("Other", "Other")
    flags = geography.month_flags(wide.index).set_index("date")["flag"]
    sec.numbers["estimated_months"] = int((flags != "observed").sum())
    sec.figures["where"] = Fig(
        lambda lang: figures.stacked_shares(wide, lang, cn, flags),
        lambda lang: figures.shares_plotly(wide, lang, cn, flags),
        {k: 100 * sec.numbers[k] for k in ("pre_ban", "ban", "after", "latest")}
        | {"latest_month": sec.numbers["latest_month"]},
    )
    # Countries for the tile map (China's provinces summed, so tiles do not overlap).
    by_country = wide.T.groupby(lambda r: ctx.region_country.get(r, r)).sum().T
    maps = {
        "2021-04": by_country.loc[pick["pre_ban"]],
        f"{pick['latest']:%Y-%m}": by_country.loc[pick["latest"]],
    }
    sec.figures["map"] = Fig(
        lambda lang: figures.tile_map(maps, lang),
        lambda lang: figures.tile_map_plotly(maps, lang),
        {
            "top_region": sec.numbers["top_region"],
            "top_share": 100 * sec.numbers["top_share"],
            "latest_month": sec.numbers["latest_month"],
        },
    )
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
    w_hist = world[world["year"] <= ctx.last_full_year]
    n = sec.numbers
    sec.figures["emissions"] = Fig(
        lambda lang: figures.emissions_chart(full, lang),
        numbers={
            "peak_em_year": n["peak_em_year"],
            "year": n["year"],
            "emissions": n["emissions"],
            "peak_em": float(full["emissions_mt_best"].max()),
        },
    )
    sec.figures["intensity"] = Fig(
        lambda lang: figures.intensity_chart(full, w_hist, lang),
        numbers={"year": n["year"], "intensity": n["intensity"], "iea_world": n["iea_world"]},
    )
    sec.figures["mix"] = Fig(
        lambda lang: figures.mix_chart(full, lang),
        numbers={
            "year": n["year"],
            "sustainable_pct": 100 * n["sustainable"],
            "coal_pct": 100 * float(last.get("coal_share", np.nan)),
            "gas_pct": 100 * float(last.get("gas_share", np.nan)),
        },
    )
    return sec


# ---------------------------------------------------------------- (d) flows
#: China's mining regions when no region -> country map is at hand (``geography``).
CHINA_REGIONS = ("Xinjiang", "Sichuan", "Yunnan", "Inner Mongolia", "Beijing", "Rest of China")
#: Regions below this share of the year's energy join "Other" in the flow diagram [-].
FLOW_MIN_REGION_SHARE = 0.03
#: Sources below this share of the year's energy are grouped as "other_sources" [-].
FLOW_MIN_SOURCE_SHARE = 0.03


def _is_china(region: str, region_country: dict[str, str]) -> bool:
    return region_country.get(region, "China" if region in CHINA_REGIONS else "") == "China"


def flow_table(
    by_src: pd.DataFrame, region_country: dict[str, str], ef: dict[str, float]
) -> tuple[pd.DataFrame, pd.Series, str]:
    """Region x source energy [TWh] for the flow diagram, and the CO2 of each source [Mt].

    China's provinces are summed into one row, regions under
    :data:`FLOW_MIN_REGION_SHARE` of the energy join "Other", and sources under
    :data:`FLOW_MIN_SOURCE_SHARE` join "other_sources" (their CO2 is summed with their
    own factors before grouping).
    """
    china = [r for r in by_src.index if _is_china(r, region_country)]
    rows = {"China (all provinces)": by_src.loc[china].sum()} if china else {}
    for r in by_src.index:
        if r not in china:
            rows[r] = by_src.loc[r]
    e = pd.DataFrame(rows).T
    total = float(e.to_numpy().sum())
    small = [r for r in e.index if r != "Other" and e.loc[r].sum() < FLOW_MIN_REGION_SHARE * total]
    if small or "Other" in e.index:
        other = e.loc[[r for r in [*small, "Other"] if r in e.index]].sum()
        e = e.drop(index=[r for r in [*small, "Other"] if r in e.index])
        e.loc["Other"] = other
    order = [r for r in e.sum(axis=1).sort_values(ascending=False).index if r != "Other"]
    e = e.loc[order + (["Other"] if "Other" in e.index else [])]
    em = pd.Series({s: e[s].sum() * ef.get(s, np.nan) / 1e3 for s in e.columns})  # TWh*g/kWh/1e3=Mt
    src_tot = e.sum()
    minor = [s for s in e.columns if src_tot[s] < FLOW_MIN_SOURCE_SHARE * total]
    if minor:
        e["other_sources"] = e[minor].sum(axis=1)
        em["other_sources"] = em[minor].sum()
        e = e.drop(columns=minor)
        em = em.drop(minor)
    keep = e.sum()[e.sum() > 0].sort_values(ascending=False).index
    e = e[keep]
    return e, em.reindex(keep).fillna(0.0), "China (all provinces)"


def section_flows(ctx: Context) -> Section:
    from hashcarbon import grid, pipeline

    year = ctx.flow_year
    est = pipeline.estimate(
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
    src_cols = [f"{s}_share" for s in SOURCES if f"{s}_share" in est]
    by_src = est.set_index("region")[src_cols].mul(
        est.set_index("region")["energy_twh_best"], axis=0
    )
    by_src.columns = [c[: -len("_share")] for c in by_src.columns]
    ef = grid.emission_factors(FACTORS)
    ef.setdefault("curtailed_hydro", 0.0)
    e, em, _ = flow_table(by_src, ctx.region_country, ef)
    sec = Section("flows")
    total_mt = float(est["emissions_mt_best"].sum())
    china_mt = float(
        est.loc[
            est["region"].map(lambda r: _is_china(r, ctx.region_country)), "emissions_mt_best"
        ].sum()
    )
    sec.numbers = {
        "year": year,
        "energy": float(est["energy_twh_best"].sum()),
        "emissions": total_mt,
        "emissions_from_sources": float(em.sum()),
        "coal_mt": float(em.get("coal", 0.0)),
        "coal_share_of_co2": float(em.get("coal", 0.0) / em.sum()) if em.sum() > 0 else np.nan,
        "top_region": str(est.iloc[0]["region"]),
        "top_region_mt": float(est.iloc[0]["emissions_mt_best"]),
        "china_mt": china_mt,
        "china_share_of_co2": china_mt / total_mt if total_mt > 0 else np.nan,
    }
    by_region = est[["region", "energy_twh_best", "emissions_mt_best", "intensity_g_per_kwh"]]
    sec.tables["regions"] = by_region.head(12).reset_index(drop=True)
    full_em = pd.Series({s: by_src[s].sum() * ef.get(s, np.nan) / 1e3 for s in by_src.columns})
    sec.tables["sources"] = pd.DataFrame(
        {
            "source": by_src.columns,
            "energy_twh": by_src.sum().to_numpy(),
            "emissions_mt": full_em.to_numpy(),
        }
    )
    n = sec.numbers
    sec.figures["flows"] = Fig(
        lambda lang: figures.flow_diagram(e, em, lang),
        lambda lang: figures.flow_plotly(e, em, lang),
        {
            "year": year,
            "coal_mt": n["coal_mt"],
            "coal_pct": 100 * n["coal_share_of_co2"],
            "china_mt": china_mt,
            "china_pct": 100 * n["china_share_of_co2"],
        },
    )
    return sec


# ---------------------------------------------------------------- (e) BBCE
#: The paper's published numbers (Jiang et al. 2021, abstract): China's no-intervention
#: energy peaks in 2024 at 296.59 TWh/yr [S]. No other numeric point was published.
PAPER_POINTS_TWH = {2024: 296.59}
#: Last year of the cumulation for the policy ranking (docs/bbce.md section 4: Jan 2014-Dec 2029).
PAPER_CUMULATION_END = 2029


def section_bbce(ctx: Context) -> Section:
    from hashcarbon import pipeline
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
    country = pipeline.estimate(
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
    # The reading behind the headline, and the physically plausible one beside it
    # (docs/bbce.md section 3: the calibrated PUE is below the physical bound 1).
    pue = float(np.asarray(ds0["pue"]).ravel()[0]) if "pue" in ds0 else np.nan
    ds_pue1 = bbce.run("bbce-bm", params={"pue": 1.0})
    pk1 = bbce.peak(ds_pue1)
    plaus = pd.DataFrame(bbce.to_records(ds_pue1, "year"))
    plaus["year"] = plaus["period"].astype(int)
    plaus = plaus[plaus["year"].isin(comp["year"])][["year", "energy_twh"]]

    def cum(frame: pd.DataFrame) -> float:
        yrs = frame["period"].astype(int)
        return float(frame.loc[yrs <= PAPER_CUMULATION_END, "emissions_mt"].sum())

    bm_cum = cum(series["bbce-bm"])
    from hashcarbon import data

    net = data.network()
    hr_obs = net[pd.to_datetime(net["date"]).dt.year == peak_year]["hashrate_ehs"].mean()
    hr_mod = bm.loc[bm["year"] == peak_year, "hashrate_ehs"]
    sec.numbers.update(
        {
            "pue": pue,
            "ma_over_bm": cum(series["bbce-ma"]) / bm_cum,
            "sr_over_bm": cum(series["bbce-sr"]) / bm_cum,
            "ct_over_bm": cum(series["bbce-ct"]) / bm_cum,
            "pue1_peak_year": int(pk1["year"][0]),
            "pue1_peak_twh": float(pk1["energy_twh"][0]),
            "hr_model_at_peak": float(hr_mod.iloc[0]) if len(hr_mod) else np.nan,
            "hr_obs_at_peak": float(hr_obs) if np.isfinite(hr_obs) else np.nan,
            "cum_end": PAPER_CUMULATION_END,
        }
    )
    sec.tables["peaks"] = pd.concat(
        [
            sec.tables["peaks"],
            pd.DataFrame(
                [
                    {
                        "scenario": "bbce-bm (pue=1.0)",
                        "peak_year": int(pk1["year"][0]),
                        "peak_energy_twh": float(pk1["energy_twh"][0]),
                        "emissions_at_peak_mt": float(pk1["emissions_mt"][0]),
                    }
                ]
            ),
        ],
        ignore_index=True,
    )
    names_ = names
    sec.figures["bbce_series"] = Fig(
        lambda lang: figures.small_multiples(series, names_, units, lang),
        numbers={"ma_over_bm": sec.numbers["ma_over_bm"], "peak_year": peak_year},
    )
    sec.figures["bbce_vs_estimate"] = Fig(
        lambda lang: figures.model_vs_estimate(comp, plaus, PAPER_POINTS_TWH, lang),
        numbers={
            "peak_year": peak_year,
            "peak_twh": sec.numbers["peak_twh"],
            "pue1_peak_year": sec.numbers["pue1_peak_year"],
            "pue1_peak_twh": sec.numbers["pue1_peak_twh"],
            "project": sec.numbers["project_at_peak"],
        },
    )
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


#: Years between which the report states the fall of every scenario's median (section f).
DROP_FROM, DROP_TO = 2025, 2030


def _unit(unit: str, lang: str) -> str:
    return figures.scale(unit, lang, browser=True)[1]


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
    drops = {}
    for s, f in fans_e.items():
        v = f.set_index("year")["emissions_mt_p50"]
        if DROP_FROM in v.index and DROP_TO in v.index and v[DROP_FROM] > 0:
            drops[s] = 1 - v[DROP_TO] / v[DROP_FROM]
    if drops:
        sec.numbers["drop_min_pct"] = 100 * min(drops.values())
        sec.numbers["drop_max_pct"] = 100 * max(drops.values())
        sec.numbers["drop_from"], sec.numbers["drop_to"] = DROP_FROM, DROP_TO
    sec.numbers["price_path"] = str(ds0.attrs.get("price_path", ""))
    take = {k: sec.numbers[k] for k in ("drop_min_pct", "drop_max_pct") if k in sec.numbers}
    take |= {"drop_from": DROP_FROM, "drop_to": DROP_TO, "n_runs": sec.numbers["n_runs"]}
    sec.figures["policy_emissions"] = Fig(
        lambda lang: figures.fan_chart(fans_e, "emissions_mt", _unit("Mt", lang), lang),
        lambda lang: figures.fan_plotly(fans_e, "emissions_mt", _unit("Mt", lang), lang),
        take,
    )
    sec.figures["policy_energy"] = Fig(
        lambda lang: figures.fan_chart(fans_i, "energy_twh", _unit("TWh", lang), lang),
        numbers=take,
    )
    sec.tables["_fans"] = pd.concat(
        [f.assign(scenario=s) for s, f in fans_e.items()], ignore_index=True
    )
    return sec


#: The report names the input that "decides" the exemption's difference only when its
#: given-data first-order effect is at least this many times the noise floor of the kept
#: runs ... [-] (assumption: with ~30 kept runs the correlation ratio of an input without
#: effect scatters up to about twice its floor, hashcarbon.uncertainty.drivers)
DRIVER_CLEAR_NOISE = 2.0
#: ... and at least this many times the next input's [-] (assumption: otherwise the
#: ranking of the top inputs is within their sampling noise)
DRIVER_CLEAR_RATIO = 1.5


def joint_tables(ds, top: int = 5) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """The joint-uncertainty table of section (f) and the top drivers of two differences.

    ``ds`` is a :func:`hashcarbon.uncertainty.run_ensemble` result of
    :data:`JOINT_SCENARIOS` (``--uncertainty all``).  Returns the Δ emissions table of
    every policy against ``china-ban-2021`` and ``no-ban`` (P5/P50/P95, P(Δ < 0), the
    verdict; behavioural runs only), the ``top`` inputs of each difference in
    :data:`DRIVER_PAIRS` by their given-data first-order effect
    (:func:`hashcarbon.uncertainty.drivers`), and the numbers for the text.
    """
    from hashcarbon import uncertainty as unc

    comp = unc.compare_table(ds, "emissions_mt")
    names = [str(x) for x in ds["scenario"].values]
    rows = []
    for ref in ("china-ban-2021", "no-ban"):
        for s in names:
            if s == ref:
                continue
            hit = comp[(comp["scenario"] == s) & (comp["vs"] == ref)]
            sign = 1.0
            if not len(hit):  # the pair is stored the other way round
                hit = comp[(comp["scenario"] == ref) & (comp["vs"] == s)]
                sign = -1.0
            if not len(hit):
                continue
            r = hit.iloc[0]
            p5, p50, p95 = (sign * r[f"delta_{q}"] for q in ("p5", "p50", "p95"))
            if sign < 0:
                p5, p95 = p95, p5
            pneg = r["p_delta_negative"] if sign > 0 else 1.0 - r["p_delta_negative"]
            if p5 <= 0.0 <= p95:
                verdict = "not distinguishable"
            else:
                verdict = "lower" if p95 < 0 else "higher"
            rows.append(
                {
                    "scenario": s,
                    "vs": ref,
                    "delta_emissions_mt_p5": p5,
                    "delta_emissions_mt_p50": p50,
                    "delta_emissions_mt_p95": p95,
                    "p_delta_negative": pneg,
                    "verdict": verdict,
                }
            )
    table = pd.DataFrame(rows)
    drv = []
    for s, ref in DRIVER_PAIRS:
        if s in names and ref in names:
            d = unc.drivers(ds, s, ref, "emissions_mt").head(top)
            drv.append(d.assign(scenario=s, vs=ref)[["scenario", "vs", *d.columns]])
    drivers = pd.concat(drv, ignore_index=True) if drv else pd.DataFrame()
    keep = unc.behavioural_runs(ds).sizes["run"]
    numbers: dict[str, Any] = {
        "joint_runs": int(ds.sizes["run"]),
        "joint_kept": int(keep),
        "joint_seed": ds.attrs.get("seed", ""),
        "joint_window": ds.attrs.get("window", ""),
    }
    ex = table[(table["scenario"] == "clean-exemption") & (table["vs"] == "china-ban-2021")]
    if len(ex):
        e = ex.iloc[0]
        numbers.update(
            ex_p_neg_pct=100 * float(e["p_delta_negative"]),
            ex_p5=float(e["delta_emissions_mt_p5"]),
            ex_p95=float(e["delta_emissions_mt_p95"]),
            ex_verdict=str(e["verdict"]),
        )
    exd = (
        drivers[(drivers["scenario"] == "clean-exemption") & (drivers["vs"] == "china-ban-2021")]
        if len(drivers)
        else drivers
    )
    if len(exd):
        first = exd.iloc[0]
        second = float(exd["first_order"].iloc[1]) if len(exd) > 1 else 0.0
        numbers.update(
            ex_top_driver=str(first["input"]),
            ex_top_eta=float(first["first_order"]),
            ex_second_eta=second,
            ex_noise=float(first["noise_floor"]),
            ex_driver_clear=bool(
                first["first_order"] >= DRIVER_CLEAR_NOISE * first["noise_floor"]
                and first["first_order"] >= DRIVER_CLEAR_RATIO * second
            ),
        )
    return table, drivers, numbers


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
    sec.numbers.update(revenue_change(DROP_FROM, DROP_TO))
    if ctx.joint_runs:
        from hashcarbon import uncertainty as unc

        ds = unc.run_ensemble(
            list(JOINT_SCENARIOS), ctx.joint_runs, uncertainty="all", seed=ctx.seed
        )
        table, drv, numbers = joint_tables(ds)
        sec.tables["joint"] = table
        if len(drv):
            sec.tables["drivers"] = drv
        sec.numbers.update(numbers)
    return sec


def revenue_change(year_from: int, year_to: int) -> dict[str, float]:
    """Miners' revenue per block in ``year_to`` under the world model's driftless price,
    against ``year_from`` as observed [-].

    ``year_to`` revenue = (subsidy after the next halving + mean fees per block of the last
    365 days) x mean BTC price of the last data month; ``year_from`` = observed mean of
    (subsidy + fees) per block x price. Returns ``rev_ratio`` and ``price_change``.
    """
    from hashcarbon import data
    from hashcarbon.chain import HALVINGS

    net = data.network()
    net = net.assign(date=pd.to_datetime(net["date"]))
    yr = net[net["date"].dt.year == year_from]
    if not len(yr):
        return {}
    rev_from = float(((yr["subsidy_btc"] + yr["fees_btc"]) / yr["blocks"] * yr["btc_usd"]).mean())
    last = net[net["date"] >= net["date"].max() - pd.Timedelta(days=365)]
    fees_pb = float(last["fees_btc"].sum() / last["blocks"].sum())
    month = net[net["date"].dt.to_period("M") == net["date"].max().to_period("M")]
    if len(month) < 28:  # a partial last month: use the last full one
        prev = net["date"].max().to_period("M") - 1
        month = net[net["date"].dt.to_period("M") == prev]
    price_last = float(month["btc_usd"].mean())
    halvings_after = sum(
        1 for y in range(year_from + 1, year_to + 1) if y % 4 == 0
    )  # [I] every 4 yr
    subsidy_to = float(HALVINGS["subsidy_btc"].iloc[-1]) / 2**halvings_after
    rev_to = (subsidy_to + fees_pb) * price_last
    return {
        "rev_ratio_pct": 100 * rev_to / rev_from,
        "price_change_pct": 100 * (price_last / float(yr["btc_usd"].mean()) - 1),
        "price_month": f"{month['date'].iloc[0]:%Y-%m}",
    }


# ---------------------------------------------------------------- (h) provenance
def section_provenance(ctx: Context) -> Section:
    from hashcarbon import data, provenance

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
        "hashcarbon": provenance.version_string(),
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
    sec.numbers = {"version": provenance.version_string(), "seed": ctx.seed, "runs": ctx.runs}
    sec.tables["parameters"] = pd.DataFrame(
        {"parameter": list(params), "value": [str(v) for v in params.values()]}
    )
    sec.tables["data"] = pd.DataFrame(rows)
    return sec
