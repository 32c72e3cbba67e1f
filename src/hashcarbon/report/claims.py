"""The seed documents' quantitative claims, checked against the project's numbers.

Each claim carries its exact wording (quoted from the seed documents, Chinese
original), the best published number with its source (from the project's research
notes), the project's number computed at run time, and a verdict from a stated rule:

* value claims: ``|project - claim| <= tol`` -> supported; ``>= 2 tol`` -> contradicted;
  otherwise unresolved (``tol`` is given per claim);
* forecasts checked against a model ensemble: supported if the claim is within ``tol``
  of the median; contradicted if it lies outside the P5-P95 range and more than
  ``2 tol`` from the median; otherwise unresolved;
* a claim made of several parts is contradicted if any part is, supported if all are.

Seeds: ``000`` = public-comment letter to the NDRC, 21 Oct 2021 (blog 刘教链);
``002`` = The Paper (澎湃新闻, 叶映荷), June 2021, on Sichuan's clearance.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

VERDICTS = ("supported", "partly-supported", "contradicted", "unresolved")

#: Cambridge Digital Mining Industry Report (Apr 2025), survey of 49 firms (~48 % of hash
#: rate), figures for 2024 [S] (shared/research/estimators.md section 2.6).
CAMBRIDGE_2025 = {
    "year": 2024,
    "energy_twh": 138.0,
    "emissions_mt": 39.8,
    "sustainable_share": 0.524,
    "source": "Neumueller, Pieters, Mohaddes, Rousseau & Zhang, Cambridge Digital Mining Industry "
    "Report, Apr 2025, https://www.jbs.cam.ac.uk/faculty-research/centres/alternative-finance/"
    "publications/cambridge-digital-mining-industry-report/",
}
#: Bitcoin Mining Council network-wide sustainable shares after 2021 [S]
#: (shared/research/estimators.md section 6.2): period -> (start, end, share, source).
BMC_LATER = {
    "Q4 2022": ("2022-10-01", "2022-12-31", 0.589, "https://www.miningstore.com.au/2023/01/"),
    "H1 2023": (
        "2023-01-01",
        "2023-06-30",
        0.599,
        "https://coingeography.com/63-renewable-energy-used-by-bitcoin-mining-council-making-up-43-of-global-mining-network/",
    ),
}
#: Wet (flood) season of Sichuan and Yunnan hydro, months [S] (regions.csv alt_months 5-10,
#: china_policy.md section 3.1); curtailment is assumed to fall entirely in it [I].
WET_MONTHS = (5, 6, 7, 8, 9, 10)

SEED_LETTER = (
    "seed 000: 致国家发改委的公开征求意见反馈 / NDRC public-comment letter, 2021-10-21 (刘教链)"
)
SEED_PAPER = "seed 002: 澎湃新闻 (The Paper), 叶映荷, 2021-06"

#: Chinese text of each claim's verdict rule (the English one is in ``Claim.rule``).
RULE_ZH = {
    "bmc-56-sustainable-q2-2021": "相差不超过5个百分点为支持；相差10个百分点或以上为否定",
    "intensity-418-vs-grid-463": "每个数值相差不超过 max(10%, 25 克) 为支持，两倍以上为否定；且须比特币低于电网",
    "forecast-2026-200-vs-321": "每个数值相差不超过 max(10%, 25 克) 为支持，两倍以上为否定；该年不足12个月数据时为初步结论",
    "forecast-2031-zero-vs-220": "尚无数据年份的目标为“尚无定论”，并说明趋势（模型集合、IEA 趋势）",
    "carbon-peak-2020": "若本项目年排放量最高的年份为2020年则支持，否则否定",
    "ban-abroad-or-underground": "若2021年7月归零后中国份额大于0（地下）且全网算力在12个月内恢复到禁令前峰值（海外）则支持",
    "clean-mining-absorbs-curtailed-hydro": "水电省份挖矿用电中弃水占比丰、枯水期均≥50%为支持；仅丰水期≥50%为部分支持；丰水期<10%为否定；否则尚无定论",
    "cambridge-2025-survey": "用电量和排放：调查数字在本项目上下界之内为支持，否则为否定；可持续占比：5/10个百分点规则；全部支持为支持，部分支持部分否定为部分支持",
    "bmc-later-sustainable": "每个占比相差不超过5个百分点为支持；相差10个百分点或以上为否定",
    "bbce-peak-2024": "以世界模型无禁令情景的中国用电为准的集合预测规则，容差25%",
}


@dataclass
class Claim:
    """One claim and its check."""

    id: str
    quote: str
    seed: str
    claim_en: str
    claim_zh: str
    published: str
    published_source: str
    project: str = ""
    verdict: str = "unresolved"
    reason: str = ""
    reason_zh: str = ""
    rule: str = ""
    rule_zh: str = ""
    project_zh: str = ""
    published_zh: str = ""
    provisional: bool = False
    numbers: dict[str, Any] = field(default_factory=dict)
    #: what changed against the embedded data when updated data were used ("" = nothing)
    changed_with_update: str = ""

    def record(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "claim": self.claim_en,
            "claim_zh": self.claim_zh,
            "quote": self.quote,
            "seed": self.seed,
            "project_number": self.project,
            "published_number": self.published,
            "published_source": self.published_source,
            "verdict": self.verdict,
            "rule": self.rule,
            "rule_zh": self.rule_zh,
            "reason": self.reason,
            "reason_zh": self.reason_zh,
            "project_number_zh": self.project_zh,
            "published_number_zh": self.published_zh,
            "provisional": self.provisional,
            "changed_with_update": self.changed_with_update,
            "evidence": {k: _plain(v) for k, v in self.numbers.items()},
        }


def _close(a: Any, b: Any) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    try:
        fa, fb = float(a), float(b)
    except (TypeError, ValueError):
        return a == b
    if np.isnan(fa) and np.isnan(fb):
        return True
    return bool(np.isclose(fa, fb, rtol=1e-9, atol=0.0))


def mark_changed(claims: list[Claim], embedded: list[Claim]) -> list[str]:
    """Flag the claims whose verdict or evidence differ from those on the embedded data.

    Parameters
    ----------
    claims : list of Claim
        Claims evaluated on the data as loaded (embedded tables with updated rows on top).
    embedded : list of Claim
        The same claims evaluated on the embedded tables alone.

    Returns
    -------
    list of str
        Ids of the claims that changed; each gets ``changed_with_update`` set to a short
        description (verdict before -> after, or the evidence numbers that moved).
    """
    base = {c.id: c for c in embedded}
    changed = []
    for c in claims:
        b = base.get(c.id)
        if b is None:
            continue
        if b.verdict != c.verdict:
            c.changed_with_update = f"verdict {b.verdict} -> {c.verdict}"
        else:
            moved = sorted(
                k
                for k in set(c.numbers) | set(b.numbers)
                if not _close(c.numbers.get(k), b.numbers.get(k))
            )
            if moved:
                c.changed_with_update = "evidence changed: " + ", ".join(moved)
        if c.changed_with_update:
            changed.append(c.id)
    return changed


def _plain(v: Any) -> Any:
    if isinstance(v, (np.floating, np.integer)):
        return v.item()
    if isinstance(v, tuple):
        return [_plain(x) for x in v]
    return v


def value_verdict(project: float, claim: float, tol: float) -> str:
    """Supported within ``tol``, contradicted at ``2 tol`` or more, unresolved between."""
    if project is None or not np.isfinite(project):
        return "unresolved"
    d = abs(project - claim)
    if d <= tol:
        return "supported"
    if d >= 2 * tol:
        return "contradicted"
    return "unresolved"


def ensemble_verdict(p5: float, p50: float, p95: float, claim: float, tol: float) -> str:
    """Forecast against a model ensemble (see module docstring)."""
    if not np.isfinite(p50):
        return "unresolved"
    if abs(p50 - claim) <= tol:
        return "supported"
    if (claim < p5 or claim > p95) and abs(p50 - claim) >= 2 * tol:
        return "contradicted"
    return "unresolved"


def combine_parts(verdicts: list[str]) -> str:
    """Several independent figures: all supported -> supported; some supported and some
    contradicted -> partly supported; all contradicted -> contradicted; else unresolved."""
    if verdicts and all(v == "supported" for v in verdicts):
        return "supported"
    if "supported" in verdicts and "contradicted" in verdicts:
        return "partly-supported"
    if verdicts and all(v == "contradicted" for v in verdicts):
        return "contradicted"
    return "unresolved"


def bounds_verdict(lower: float, upper: float, claim: float) -> str:
    """Supported if ``claim`` lies within our ``[lower, upper]`` bounds, else contradicted."""
    if not (np.isfinite(lower) and np.isfinite(upper)):
        return "unresolved"
    return "supported" if lower <= claim <= upper else "contradicted"


def combine(verdicts: list[str]) -> str:
    if "contradicted" in verdicts:
        return "contradicted"
    if verdicts and all(v == "supported" for v in verdicts):
        return "supported"
    return "unresolved"


def _int_tol(claim: float) -> float:
    """Tolerance for intensity claims: 10 % of the claim, at least 25 gCO2e/kWh."""
    return max(0.10 * claim, 25.0)


# ---------------------------------------------------------------- project numbers
def _weighted_intensity(monthly: pd.DataFrame, start: str, end: str) -> float:
    t = pd.to_datetime(monthly["period"].astype(str))
    sel = monthly[(t >= start) & (t <= end)]
    return float(sel["emissions_mt_best"].sum() / sel["energy_twh_best"].sum() * 1e3)


def _weighted_share(monthly: pd.DataFrame, col: str, start: str, end: str) -> float:
    t = pd.to_datetime(monthly["period"].astype(str))
    sel = monthly[(t >= start) & (t <= end)]
    w = sel["energy_twh_best"]
    return float((sel[col] * w).sum() / w.sum())


def project_numbers(ctx=None, runs: int = 20, seed: int = 0) -> dict[str, Any]:
    """Every project number the claims need (reusing a report context when given)."""
    from hashcarbon import data, geography, grid, pipeline, vocabulary
    from hashcarbon.models import bbce
    from hashcarbon.report import sections

    if ctx is None:
        ctx = sections.Context(runs=runs, seed=seed, flow_year=2021)
        ctx.last_day, ctx.last_full_year = pipeline.last_data_day()
        ctx.yearly, ctx.monthly = pipeline.report_estimates(
            ("cbeci-v1",),
            price_usd_per_kwh=sections.PRICE,
            factors=sections.FACTORS,
            accounting=sections.ACCOUNTING,
        )
    n: dict[str, Any] = {"last_day": ctx.last_day, "last_full_year": ctx.last_full_year}
    mon = ctx.monthly["cbeci-v1"]
    yr = ctx.yearly["cbeci-v1"].copy()
    yr["year"] = yr["period"].astype(str).str[:4].astype(int)
    full = yr[(yr["year"] <= ctx.last_full_year) & (yr["year"] >= 2014)]
    n["sust_q2_2021"] = _weighted_share(mon, "sustainable_share", "2021-04-01", "2021-06-30")
    n["renew_q2_2021"] = _weighted_share(mon, "renewable_share", "2021-04-01", "2021-06-30")
    n["int_12m_to_jun21"] = _weighted_intensity(mon, "2020-07-01", "2021-06-30")
    n["int_2020"] = float(full.loc[full["year"] == 2020, "intensity_g_per_kwh"].iloc[0])
    last_year = ctx.last_day.year
    n["int_last_full"] = float(
        full.loc[full["year"] == ctx.last_full_year, "intensity_g_per_kwh"].iloc[0]
    )
    n["int_ytd"] = _weighted_intensity(mon, f"{last_year}-01-01", f"{ctx.last_day:%Y-%m-%d}")
    n["ytd_label"] = f"{last_year}-01..{ctx.last_day:%Y-%m}"
    world = sections.world_grid(range(2015, ctx.last_full_year + 2))
    n["iea_2020"] = float(world.loc[world["year"] == 2020, "iea_world"].iloc[0])
    n["ccaf_world_2020"] = float(world.loc[world["year"] == 2020, "ccaf_world"].iloc[0])
    iea26 = world.loc[world["year"] == 2026, "iea_world"]
    n["iea_2026"] = float(iea26.iloc[0]) if len(iea26) else np.nan
    p31 = grid.intensity_path(
        "World", list(range(2015, 2032)), source="iea_2025", projection="linear_trend"
    )
    n["iea_trend_2031"] = float(p31["intensity_g_per_kwh"].iloc[-1])
    n["peak_em_year"] = int(full.loc[full["emissions_mt_best"].idxmax(), "year"])
    n["peak_em_mt"] = float(full["emissions_mt_best"].max())
    n["em_2020"] = float(full.loc[full["year"] == 2020, "emissions_mt_best"].iloc[0])
    n["peak_int_year"] = int(full.loc[full["intensity_g_per_kwh"].idxmax(), "year"])
    # where: China's share around the ban, network hash-rate recovery
    months = pd.date_range("2021-04-01", ctx.last_day.to_period("M").to_timestamp(), freq="MS")
    cs = geography.country_shares(months)
    china = cs[cs["country"] == "China"].set_index("date")["share"]
    n["cn_apr21"] = float(china.loc["2021-04-01"])
    n["cn_jul21"] = float(china.loc["2021-07-01"])
    n["cn_sep21"] = float(china.loc["2021-09-01"])
    n["cn_latest"] = float(china.iloc[-1])
    n["cn_latest_month"] = f"{china.index[-1]:%Y-%m}"
    net = data.network().set_index("date")["hashrate_ehs"].rolling(7).mean()
    pre = net.loc["2021-01-01":"2021-06-01"]
    n["hr_pre_peak"] = float(pre.max())
    trough = net.loc["2021-06-01":"2021-09-30"]
    n["hr_trough"] = float(trough.min())
    n["hr_trough_day"] = f"{trough.idxmin():%Y-%m-%d}"
    after = net.loc[trough.idxmin() :]
    rec = after[after >= n["hr_pre_peak"]]
    n["hr_recovered_day"] = f"{rec.index[0]:%Y-%m-%d}" if len(rec) else ""
    # curtailed hydro: marginal accounting, 2020
    # (yearly and monthly frames of 2020 from one run of the estimator and accounting)
    frames20 = pipeline.estimate_frames(
        ("year", "month"),
        by="region",
        method="cbeci-v1",
        price_usd_per_kwh=sections.PRICE,
        start="2020-01-01",
        end="2020-12-31",
        factors=sections.FACTORS,
        accounting="marginal",
    )
    marg = frames20["year"]
    hydro_regions = set(data.hydro_curtailment()["region"]) & set(vocabulary.region_names())
    hyd = marg[marg["region"].isin(hydro_regions)]
    n["hydro_prov_twh"] = float(hyd["energy_twh_best"].sum())
    n["hydro_prov_curtailed_share"] = float(
        (hyd["curtailed_hydro_share"] * hyd["energy_twh_best"]).sum() / hyd["energy_twh_best"].sum()
    )
    n["network_curtailed_share"] = float(
        (marg["curtailed_hydro_share"] * marg["energy_twh_best"]).sum()
        / marg["energy_twh_best"].sum()
    )
    # curtailed hydro by season: mining load vs curtailed volume, Sichuan 2020
    mon20 = frames20["month"]
    mon20 = mon20[mon20["region"].isin(["Sichuan", "Yunnan"])].copy()
    mon20["wet"] = pd.to_datetime(mon20["period"].astype(str)).dt.month.isin(WET_MONTHS)
    for label, sel in (("wet", mon20["wet"]), ("dry", ~mon20["wet"])):
        part = mon20[sel]
        e = part["energy_twh_best"]
        n[f"hydro_{label}_curtailed_share"] = float(
            (part["curtailed_hydro_share"] * e).sum() / e.sum()
        )
        sc_part = part[part["region"] == "Sichuan"]
        n[f"sichuan_mining_gw_{label}"] = float(sc_part["power_gw_best"].mean())
        n[f"sichuan_mining_twh_{label}"] = float(sc_part["energy_twh_best"].sum())
    hc = data.hydro_curtailment()
    sc = hc[(hc["region"] == "Sichuan") & (hc["year"] == 2020)]
    n["sichuan_curtailed_2020"] = float(sc["curtailed_twh"].iloc[0]) if len(sc) else np.nan
    n["sichuan_curtailed_src"] = str(sc["source_url"].iloc[0]) if len(sc) else ""
    wet_hours = 24.0 * sum(pd.Period(f"2020-{m:02d}").days_in_month for m in WET_MONTHS)
    n["sichuan_curtailed_gw_wet"] = n["sichuan_curtailed_2020"] * 1e3 / wet_hours
    n["sichuan_absorbed_share"] = (
        min(n["sichuan_mining_twh_wet"], n["sichuan_curtailed_2020"]) / n["sichuan_curtailed_2020"]
        if n["sichuan_curtailed_2020"] > 0
        else np.nan
    )
    # Cambridge 2025 survey year and BMC's later periods
    sy = CAMBRIDGE_2025["year"]
    row = yr[yr["year"] == sy]
    if len(row):
        r0 = row.iloc[0]
        for col in (
            "energy_twh_lower",
            "energy_twh_best",
            "energy_twh_upper",
            "emissions_mt_lower",
            "emissions_mt_best",
            "emissions_mt_upper",
            "intensity_g_per_kwh",
            "sustainable_share",
            "gas_share",
            "coal_share",
        ):
            n[f"survey_{col}"] = float(r0[col])
        n["survey_partial"] = bool(sy > ctx.last_full_year)
        # step by step from our estimate to the survey (issue 12; pipeline.survey_decomposition)
        steps = pipeline.survey_decomposition(year=sy, project=r0, factors=sections.FACTORS)
        n["survey_steps_mt"] = {
            r.step: float(r.emissions_mt) for r in steps.itertuples() if r.cumulative
        }
    for label, (a, b, _, _) in BMC_LATER.items():
        n[f"bmc_{label}"] = _weighted_share(mon, "sustainable_share", a, b)
    n["ytd_months"] = int(
        (pd.to_datetime(mon["period"].astype(str)).dt.year == ctx.last_day.year).sum()
    )
    # BBCE
    ds = bbce.run("bbce-bm")
    pk = bbce.peak(ds)
    n["bbce_peak_year"] = int(pk["year"][0])
    n["bbce_peak_twh"] = float(pk["energy_twh"][0])
    cty = pipeline.estimate(
        method="cbeci-v1",
        price_usd_per_kwh=sections.PRICE,
        start=f"{n['bbce_peak_year']}-01-01",
        end=f"{n['bbce_peak_year']}-12-31",
        freq="year",
        factors=sections.FACTORS,
        accounting=sections.ACCOUNTING,
        by="country",
    )
    cn = cty[cty["region"] == "China"]
    n["cn_energy_at_bbce_peak"] = float(cn["energy_twh_best"].iloc[0])
    n["cn_energy_upper_at_bbce_peak"] = float(cn["energy_twh_upper"].iloc[0])
    # world model (optional)
    world_mod = sections.world_model()
    n["world"] = world_mod is not None
    cached = getattr(ctx, "world", {}).get("datasets", {})
    if world_mod is not None:
        runs = ctx.runs if cached else runs
        d31 = cached.get("china-ban-2021")
        if d31 is not None and d31["time"].max() >= np.datetime64("2031-12-01"):
            d31 = d31.sel(time=slice("2031-01-01", "2031-12-31"))
        else:
            d31 = world_mod.run(
                "china-ban-2021", start="2031-01", end="2031-12", n_runs=runs, seed=seed
            )
        e = d31["energy_twh"].sum(("time", "region")).to_numpy()
        m = d31["emissions_mt"].sum(("time", "region")).to_numpy()
        i31 = m / e * 1e3
        n["w31"] = tuple(float(np.percentile(i31, q)) for q in (5, 50, 95))
        py = n["bbce_peak_year"]
        dnb = cached.get("no-ban")
        if dnb is not None and f"{py}" in set(pd.DatetimeIndex(dnb["time"].values).strftime("%Y")):
            dnb = dnb.sel(time=slice(f"{py}-01-01", f"{py}-12-31"))
        else:
            dnb = world_mod.run("no-ban", start=f"{py}-01", end=f"{py}-12", n_runs=runs, seed=seed)
        cn_mask = dnb["country"] == "China"
        e_cn = dnb["energy_twh"].where(cn_mask, 0.0).sum(("time", "region")).to_numpy()
        n["wnb_cn"] = tuple(float(np.percentile(e_cn, q)) for q in (5, 50, 95))
        n["world_runs"] = runs
    return n


# ---------------------------------------------------------------- the claims
def _pct(x: float) -> str:
    return f"{100 * x:.1f} %"


def _pz(x: float) -> str:
    return f"{100 * x:.1f}%"


def _mt_zh(v: float) -> str:
    from hashcarbon.report.i18n import quantity

    return quantity(v, "Mt", "zh")


def _twh_zh(v: float) -> str:
    from hashcarbon.report.i18n import quantity

    return quantity(v, "TWh", "zh")


def _band(p5: float, p95: float, n_runs: int, unit: str = "") -> str:
    """``P5-P95 a-b`` or, when every run gives the same value, says so."""
    if f"{p5:.0f}" == f"{p95:.0f}":
        return f"all {n_runs} runs equal: the year lies within the price history"
    return f"P5-P95 {p5:.0f}-{p95:.0f}{unit}"


def _band_zh(p5: float, p95: float, n_runs: int) -> str:
    if f"{p5:.0f}" == f"{p95:.0f}":
        return f"{n_runs} 次运行结果相同：该年份在价格历史数据之内"
    return f"P5–P95 {p5:.0f}–{p95:.0f}"


def evaluate(n: dict[str, Any]) -> list[Claim]:
    """Check every claim against the project numbers ``n`` (from :func:`project_numbers`)."""
    out: list[Claim] = []

    # 1. BMC 56 % in Q2 2021
    c = Claim(
        id="bmc-56-sustainable-q2-2021",
        quote="根据比特币矿业委员会（Bitcoin Mining Council）在2021年7月1日发布的报告，在2021年二季度，"
        "比特币挖矿所用的电力中已经实现了56%的可再生能源采用。",
        seed=SEED_LETTER,
        claim_en="Bitcoin mining used 56 % renewable (BMC: 'sustainable') electricity in Q2 2021.",
        claim_zh="2021年二季度比特币挖矿用电中可再生（BMC称“可持续”）能源占56%。",
        published="CCAF 37.6 % sustainable (Jan 2022); CBNSI 2021 mix 37.3 % sustainable; "
        "de Vries et al. 25.1 % renewable (Aug 2021)",
        published_zh="剑桥 CCAF：可持续能源占37.6%（2022年1月）；CBNSI 2021年结构：可持续37.3%；"
        "de Vries 等：可再生能源25.1%（2021年8月）",
        published_source="CCAF CBNSI https://ccaf.io/cbnsi/cbeci/ghg ; de Vries, Gallersdörfer, "
        "Klaaßen & Stoll 2022, Joule 6(3):498-502, doi:10.1016/j.joule.2022.02.005",
    )
    v = n["sust_q2_2021"]
    c.project = f"{_pct(v)} sustainable (renewable {_pct(n['renew_q2_2021'])}), Apr-Jun 2021, cbeci-v1 energy-weighted"
    c.project_zh = f"可持续能源 {_pz(v)}（可再生能源 {_pz(n['renew_q2_2021'])}），2021年4–6月，CBECI v1 按用电量加权"
    c.rule = "share within 5 pp -> supported; 10 pp or more away -> contradicted"
    c.verdict = value_verdict(v, 0.56, 0.05)
    c.reason = (
        f"Our Q2-2021 sustainable share is {_pct(v)}, {100 * (0.56 - v):.1f} pp "
        "below 56 %; BMC extrapolated a survey of members holding about 32 % of hash rate."
    )
    c.numbers = {"sust_q2_2021": v}
    out.append(c)

    # 2. 418 vs 463 g/kWh
    c = Claim(
        id="intensity-418-vs-grid-463",
        quote="比特币目前的碳排放效率已经高于电网，单位能量密度的碳排放比后者低近10%。"
        "比特币是418g CO2/kWh，而全球电网平均水平是463g CO2/kWh。",
        seed=SEED_LETTER,
        claim_en="Bitcoin's intensity is 418 gCO2/kWh, about 10 % below the world grid's 463.",
        claim_zh="比特币碳排放强度为418克/千瓦时，比全球电网平均463低近10%。",
        published="CCAF 491.24 (2020) and 506.71 ('2021') gCO2e/kWh; CoinShares 466 vs 492 (Jan 2022); "
        "IEA world 2020 = 463",
        published_zh="剑桥 CCAF：491.24（2020年）和506.71（“2021年”）克/千瓦时；CoinShares：466对492"
        "（2022年1月）；IEA 全球2020年 = 463",
        published_source="CCAF CBNSI GHG index (Sep 2022) https://ccaf.io/cbnsi/cbeci/ghg ; "
        "CoinShares https://k33.com/research/archive/articles/the-carbon-intensity-of-bitcoin-mining-is-lower-than-the-global-average ; "
        "Cointelegraph 2021-07 https://cointelegraph.com/news/cambridge-and-iea-data-shows-bitcoin-carbon-intensity-peaked-last-year",
    )
    bi = n["int_12m_to_jun21"]
    c.project = (
        f"Bitcoin {bi:.0f} g/kWh (Jul 2020-Jun 2021), {n['int_2020']:.0f} (2020); "
        f"world grid IEA 2020 {n['iea_2020']:.0f}, CCAF-factor {n['ccaf_world_2020']:.0f}"
    )
    c.project_zh = (
        f"比特币 {bi:.0f} 克/千瓦时（2020年7月至2021年6月），{n['int_2020']:.0f}（2020年）；"
        f"全球电网 IEA 2020年 {n['iea_2020']:.0f}，剑桥因子 {n['ccaf_world_2020']:.0f}"
    )
    c.rule = "each value within max(10 %, 25 g) -> supported; twice that -> contradicted; and Bitcoin < grid must hold"
    parts = [
        value_verdict(bi, 418, _int_tol(418)),
        value_verdict(n["iea_2020"], 463, _int_tol(463)),
    ]
    parts.append("supported" if bi < n["iea_2020"] else "contradicted")
    c.verdict = combine(parts)
    c.reason = (
        f"The grid figure matches the IEA 2020 value ({n['iea_2020']:.0f}), but our "
        f"Bitcoin intensity ({bi:.0f}) is {bi - 418:.0f} g above 418 and "
        f"{'above' if bi > n['iea_2020'] else 'below'} the grid."
    )
    c.numbers = {"int_12m_to_jun21": bi, "iea_2020": n["iea_2020"]}
    out.append(c)

    # 3. 2026: 200 vs 321 (the year is not over: provisional)
    c = Claim(
        id="forecast-2026-200-vs-321",
        quote="预测到2026年，比特币的碳排放将下降到200g CO2/kWh，而全球电网平均水平下降到321g CO2/kWh。",
        seed=SEED_LETTER,
        claim_en="By 2026 Bitcoin falls to 200 gCO2/kWh and the world grid to 321.",
        claim_zh="到2026年比特币降至200克/千瓦时，全球电网降至321。",
        published="IEA world 2026 forecast 414 g; Cambridge 2025 survey implies ~288 g (39.8 Mt / 138 TWh)",
        published_zh="IEA 全球2026年预测414克；剑桥2025年调查隐含约288克（3,980万吨 / 1,380亿千瓦时）",
        published_source="IEA 'CO2 intensity of electricity generation in selected regions, 2015-2026' "
        "(CC BY 4.0) https://www.iea.org/reports/electricity-2025/emissions ; Cambridge Digital Mining "
        "Industry Report 2025 https://www.jbs.cam.ac.uk/faculty-research/centres/alternative-finance/publications/cambridge-digital-mining-industry-report/",
    )
    yr_label = n["ytd_label"][:4]
    months = n.get("ytd_months", 0)
    c.provisional = int(yr_label) >= pd.Timestamp(n["last_day"]).year and months < 12
    c.project = (
        f"Bitcoin {n['int_ytd']:.0f} g/kWh ({n['ytd_label']}, {months} months of data), "
        f"{n['int_last_full']:.0f} ({n['last_full_year']}); world grid IEA 2026 {n['iea_2026']:.0f} (projection)"
    )
    c.project_zh = (
        f"比特币 {n['int_ytd']:.0f} 克/千瓦时（{yr_label}年已有 {months} 个月数据），"
        f"{n['int_last_full']:.0f}（{n['last_full_year']}年）；全球电网 IEA 2026年 {n['iea_2026']:.0f}（预测值）"
    )
    c.rule = (
        "each value within max(10 %, 25 g) -> supported; twice that -> contradicted; "
        "provisional while the year has fewer than 12 months of data"
    )
    c.verdict = combine(
        [
            value_verdict(n["int_ytd"], 200, _int_tol(200)),
            value_verdict(n["iea_2026"], 321, _int_tol(321)),
        ]
    )
    c.reason = (
        f"Provisional ({months} months of {yr_label}): Bitcoin's intensity so far is {n['int_ytd']:.0f} g, "
        f"{n['int_ytd'] / 200:.1f}x the claim, and {n['int_last_full']:.0f} g in {n['last_full_year']}; "
        f"the IEA's 2026 grid value is {n['iea_2026'] - 321:.0f} g above 321."
        if c.provisional
        else f"Bitcoin's intensity in {yr_label} is {n['int_ytd']:.0f} g, {n['int_ytd'] / 200:.1f}x the claim; "
        f"the IEA's 2026 grid value is {n['iea_2026'] - 321:.0f} g above 321."
    )
    c.numbers = {
        "int_ytd": n["int_ytd"],
        "int_last_full": n["int_last_full"],
        "iea_2026": n["iea_2026"],
        "ytd_months": months,
    }
    out.append(c)

    # 4. 2031: 0 vs 220 (a future target: unresolved, with the trend)
    c = Claim(
        id="forecast-2031-zero-vs-220",
        quote="到2031年，比特币的碳排放将下降到0，实现“碳中和”，而全球电网平均水平下降到220g CO2/kWh。",
        seed=SEED_LETTER,
        claim_en="By 2031 Bitcoin's emissions fall to 0 (carbon neutral); the world grid to 220 gCO2/kWh.",
        claim_zh="到2031年比特币碳排放降至0（碳中和），全球电网降至220克/千瓦时。",
        published="no published forecast found; IEA 400 g in 2027 at about -3.6 %/yr gives ~345 g in 2031",
        published_zh="未找到已发表的预测；IEA 2027年400克，按每年约 -3.6% 推算2031年约345克",
        published_source="IEA Electricity 2025 https://www.iea.org/reports/electricity-2025/emissions "
        "(extrapolation in the project's research notes, china_policy.md §6)",
    )
    c.rule = "a target for a year without data is unresolved; the trend (model ensemble, IEA trend) is stated"
    c.verdict = "unresolved"
    c.numbers = {"iea_trend_2031": n["iea_trend_2031"], "int_last_full": n["int_last_full"]}
    if n.get("world"):
        p5, p50, p95 = n["w31"]
        c.project = (
            f"trend: Bitcoin {n['int_last_full']:.0f} g/kWh in {n['last_full_year']}; world model "
            f"china-ban-2021 2031 median {p50:.0f} (P5-P95 {p5:.0f}-{p95:.0f}, {n['world_runs']} runs); "
            f"world grid IEA linear trend {n['iea_trend_2031']:.0f}"
        )
        c.project_zh = (
            f"趋势：比特币 {n['last_full_year']}年 {n['int_last_full']:.0f} 克/千瓦时；世界模型"
            f"（中国2021年禁令情景）2031年中位数 {p50:.0f}（P5–P95 {p5:.0f}–{p95:.0f}，{n['world_runs']} 次运行）；"
            f"全球电网按 IEA 线性趋势 {n['iea_trend_2031']:.0f}"
        )
        c.reason = (
            f"2031 has no data yet. On the present trend neither target is met: zero lies "
            f"{'outside' if p5 > 0 else 'inside'} the model's 90 % range ({p5:.0f}-{p95:.0f} g) and the "
            f"IEA trend gives {n['iea_trend_2031']:.0f} g for the grid, not 220."
        )
        c.numbers |= {"w31_p5": p5, "w31_p50": p50, "w31_p95": p95}
    else:
        c.project = (
            f"world model not available; world grid IEA linear trend {n['iea_trend_2031']:.0f}"
        )
        c.project_zh = f"世界模型不可用；全球电网按 IEA 线性趋势 {n['iea_trend_2031']:.0f}"
        c.reason = (
            f"2031 has no data yet; the IEA trend gives {n['iea_trend_2031']:.0f} g for the grid."
        )
    out.append(c)

    # 5. peaked in 2020
    c = Claim(
        id="carbon-peak-2020",
        quote="比特币或在数月前就已经完成“碳达峰”任务。这意味着，2020年将成为比特币过去和未来碳排放最高的一年。",
        seed=SEED_LETTER,
        claim_en="Bitcoin's carbon already peaked: 2020 is the year of its highest emissions, past or future "
        "(reported as 'carbon intensity peaked last year').",
        claim_zh="比特币已“碳达峰”：2020年是其过去和未来碳排放最高的一年（原报道称碳强度去年见顶）。",
        published="CCAF: 491.24 (2020) -> 506.71 (2021) gCO2e/kWh; emissions 56.29 Mt (2021) -> 48.35 Mt annualised (Sep 2022)",
        published_zh="剑桥 CCAF：491.24（2020年）→ 506.71（2021年）克/千瓦时；排放 5,629万吨（2021年）→ "
        "4,835万吨（2022年9月年化）",
        published_source="CCAF CBNSI https://ccaf.io/cbnsi/cbeci/ghg ; "
        "https://www.finextra.com/newsarticle/41043/ccaf-releases-update-to-bitcoin-emissions-estimate",
    )
    c.project = (
        f"emissions peak in {n['peak_em_year']} ({n['peak_em_mt']:.1f} Mt vs "
        f"{n['em_2020']:.1f} Mt in 2020); intensity peak year {n['peak_int_year']} "
        f"(2014-{n['last_full_year']})"
    )
    c.project_zh = (
        f"排放峰值在 {n['peak_em_year']}年（{_mt_zh(n['peak_em_mt'])}，2020年为 {_mt_zh(n['em_2020'])}）；"
        f"强度最高年份 {n['peak_int_year']}年（2014–{n['last_full_year']}年）"
    )
    c.rule = "supported if our peak year of annual emissions is 2020, else contradicted"
    c.verdict = "supported" if n["peak_em_year"] == 2020 else "contradicted"
    c.reason = (
        f"Annual emissions in {n['peak_em_year']} were {n['peak_em_mt'] / n['em_2020']:.1f}x those "
        f"of 2020; the highest yearly intensity was in {n['peak_int_year']}."
    )
    c.numbers = {
        "peak_em_year": n["peak_em_year"],
        "peak_em_mt": n["peak_em_mt"],
        "em_2020": n["em_2020"],
    }
    out.append(c)

    # 6. ban -> abroad / underground
    c = Claim(
        id="ban-abroad-or-underground",
        quote="论文同时指出，如果采取一刀切的禁止政策，将会促使挖矿活动转入地下 / "
        "在中国禁止后，矿工们可以迁移到允许挖矿的地区继续进行挖矿",
        seed=f"{SEED_LETTER}; {SEED_PAPER}",
        claim_en="A blanket ban drives mining underground and abroad rather than stopping it.",
        claim_zh="一刀切禁令会使挖矿转入地下或迁往海外，而不是使其停止。",
        published="Cambridge: China 46.04 % (Apr 2021), 0 % (Jul-Aug 2021), 22.3 % (Sep 2021); "
        "Hashrate Index ~14 % (Oct 2025)",
        published_zh="剑桥：中国 46.04%（2021年4月），0%（2021年7–8月），22.3%（2021年9月）；"
        "Hashrate Index 约14%（2025年10月）",
        published_source="CCAF mining map https://ccaf.io/cbnsi/cbeci/mining_map ; "
        "https://www.jbs.cam.ac.uk/insight/2021/new-data-reveals-timeline-of-chinas-bitcoin-mining-exodus/",
    )
    c.project = (
        f"China's share {_pct(n['cn_apr21'])} (2021-04) -> {_pct(n['cn_jul21'])} (2021-07) -> "
        f"{_pct(n['cn_sep21'])} (2021-09) -> {_pct(n['cn_latest'])} ({n['cn_latest_month']}); "
        f"network 7-day hash rate {n['hr_pre_peak']:.0f} -> {n['hr_trough']:.0f} EH/s "
        f"({n['hr_trough_day']}), back above the pre-ban peak on {n['hr_recovered_day'] or 'n/a'}"
    )
    c.project_zh = (
        f"中国份额 {_pz(n['cn_apr21'])}（2021年4月）→ {_pz(n['cn_jul21'])}（2021年7月）→ "
        f"{_pz(n['cn_sep21'])}（2021年9月）→ {_pz(n['cn_latest'])}（{n['cn_latest_month']}）；"
        f"全网7日平均算力 {n['hr_pre_peak']:.0f} → {n['hr_trough']:.0f} EH/s（{n['hr_trough_day']}），"
        f"{n['hr_recovered_day'] or '尚未'}恢复到禁令前峰值以上"
    )
    c.rule = (
        "supported if China's share is > 0 after the Jul-2021 zero (underground) and the network "
        "regains its pre-ban peak within 12 months (abroad)"
    )
    recovered = (
        bool(n["hr_recovered_day"])
        and (pd.Timestamp(n["hr_recovered_day"]) - pd.Timestamp(n["hr_trough_day"])).days <= 365
    )
    c.verdict = "supported" if (n["cn_sep21"] > 0 and recovered) else "unresolved"
    c.reason = (
        "Mining reappeared in China after the ban (underground) and the network's hash rate "
        "recovered elsewhere."
        if c.verdict == "supported"
        else "The data do not show both a Chinese residue and a recovery abroad."
    )
    c.numbers = {"cn_sep21": n["cn_sep21"], "hr_recovered_day": n["hr_recovered_day"]}
    out.append(c)

    # 7. curtailed hydro: seasonal and local -> partly supported, with the volumes
    c = Claim(
        id="clean-mining-absorbs-curtailed-hydro",
        quote="采用清洁能源的比特币挖矿，有利于消纳偏远地区无法输出的电力资源 / "
        "利用水电挖矿也能解决当地水电消纳问题",
        seed=f"{SEED_LETTER}; {SEED_PAPER}",
        claim_en="Clean (hydro) mining absorbs curtailed power that remote regions cannot export.",
        claim_zh="清洁能源挖矿可以消纳偏远地区无法外送的电力（弃水）。",
        published=f"Sichuan curtailed hydro 2020: {n['sichuan_curtailed_2020']:.1f} TWh (project table "
        "hydro_curtailment); 2021 Jan-Sep 10.17 TWh",
        published_zh=f"四川2020年弃水电量：{_twh_zh(n['sichuan_curtailed_2020'])}（本项目 hydro_curtailment 表）；"
        "2021年1–9月 101.7亿千瓦时",
        published_source=n["sichuan_curtailed_src"]
        + " ; http://14z7q.com/sj/zxfb/20211109/114469.html",
    )
    wet, dry = n["hydro_wet_curtailed_share"], n["hydro_dry_curtailed_share"]
    c.project = (
        f"Sichuan 2020, wet season (May-Oct): curtailed hydro {n['sichuan_curtailed_gw_wet']:.1f} GW "
        f"on average vs mining load {n['sichuan_mining_gw_wet']:.1f} GW (mining could absorb "
        f"{_pct(n['sichuan_absorbed_share'])} of the {n['sichuan_curtailed_2020']:.1f} TWh); dry season: "
        f"curtailed ~0 GW vs mining {n['sichuan_mining_gw_dry']:.1f} GW. Sichuan + Yunnan mining on curtailed "
        f"hydro: {_pct(wet)} wet, {_pct(dry)} dry; network-wide {_pct(n['network_curtailed_share'])} "
        "(marginal accounting)"
    )
    c.project_zh = (
        f"四川2020年丰水期（5–10月）：平均弃水 {n['sichuan_curtailed_gw_wet'] * 100:,.0f} 万千瓦，挖矿负荷 "
        f"{n['sichuan_mining_gw_wet'] * 100:,.0f} 万千瓦（挖矿最多可消纳 {_twh_zh(n['sichuan_curtailed_2020'])}"
        f"弃水中的 {_pz(n['sichuan_absorbed_share'])}）；枯水期：弃水约为0，挖矿负荷 "
        f"{n['sichuan_mining_gw_dry'] * 100:,.0f} 万千瓦。四川、云南挖矿用电中弃水占比：丰水期 {_pz(wet)}，"
        f"枯水期 {_pz(dry)}；全网 {_pz(n['network_curtailed_share'])}（边际核算）"
    )
    c.rule = (
        "supported if >= 50 % of hydro-province mining energy is curtailed hydro in both seasons; "
        "partly supported if only in the wet season; contradicted if < 10 % in the wet season; "
        "otherwise unresolved"
    )
    if wet >= 0.5 and dry >= 0.5:
        c.verdict = "supported"
    elif wet >= 0.5:
        c.verdict = "partly-supported"
    elif wet < 0.10:
        c.verdict = "contradicted"
    else:
        c.verdict = "unresolved"
    c.reason = (
        f"In the wet season Sichuan's mining load ({n['sichuan_mining_gw_wet']:.1f} GW) could run on "
        f"curtailed hydro ({n['sichuan_curtailed_gw_wet']:.1f} GW spilled on average), absorbing at most "
        f"{_pct(n['sichuan_absorbed_share'])} of it; in the dry season there is no curtailed hydro and the "
        f"same miners ({n['sichuan_mining_gw_dry']:.1f} GW) use grid power or move to coal provinces. "
        f"Network-wide only {_pct(n['network_curtailed_share'])} of mining used curtailed hydro: the "
        "absorption is real but seasonal and local."
    )
    c.numbers = {
        "hydro_wet_curtailed_share": wet,
        "hydro_dry_curtailed_share": dry,
        "sichuan_curtailed_gw_wet": n["sichuan_curtailed_gw_wet"],
        "sichuan_mining_gw_wet": n["sichuan_mining_gw_wet"],
        "sichuan_mining_gw_dry": n["sichuan_mining_gw_dry"],
        "network_curtailed_share": n["network_curtailed_share"],
    }
    out.append(c)

    # 8. BBCE 2024 peak
    c = Claim(
        id="bbce-peak-2024",
        quote="the annual energy consumption of the Bitcoin blockchain in China is expected to peak in "
        "2024 at 296.59 Twh and generate 130.50 million metric tons of carbon emission correspondingly",
        seed="cited by seed 000 (Jiang et al. 2021, Nature Communications, abstract)",
        claim_en="Without intervention, China's Bitcoin mining energy peaks in 2024 at 296.59 TWh (130.50 Mt CO2).",
        claim_zh="若无干预，中国比特币挖矿能耗将于2024年达峰，为2,965.9亿千瓦时（1.305亿吨二氧化碳）。",
        published="296.59 TWh / 130.50 Mt in 2024 (no-intervention scenario)",
        published_zh="2024年 2,965.9亿千瓦时 / 1.305亿吨（无干预情景）",
        published_source="Jiang et al. 2021, Nat. Commun. 12:1938, doi:10.1038/s41467-021-22256-3",
    )
    py = n["bbce_peak_year"]
    txt = (
        f"BBCE replication peak {py} at {n['bbce_peak_twh']:.1f} TWh; China's estimated energy in "
        f"{py}: {n['cn_energy_at_bbce_peak']:.1f} TWh (upper bound {n['cn_energy_upper_at_bbce_peak']:.1f})"
    )
    txt_zh = (
        f"BBCE 复现峰值 {py}年 {_twh_zh(n['bbce_peak_twh'])}；本项目估计中国 {py}年用电 "
        f"{_twh_zh(n['cn_energy_at_bbce_peak'])}（上界 {_twh_zh(n['cn_energy_upper_at_bbce_peak'])}）"
    )
    c.numbers = {
        "cn_energy_at_bbce_peak": n["cn_energy_at_bbce_peak"],
        "bbce_peak_twh": n["bbce_peak_twh"],
    }
    if n.get("world"):
        p5, p50, p95 = n["wnb_cn"]
        runs = n["world_runs"]
        txt += f"; world model no-ban China {py}: {p50:.0f} TWh ({_band(p5, p95, runs)})"
        txt_zh += f"；世界模型“不禁止”情景中国 {py}年：{_twh_zh(p50)}（{_band_zh(p5, p95, runs)}）"
        c.verdict = ensemble_verdict(p5, p50, p95, 296.59, 0.25 * 296.59)
        c.reason = (
            f"The counterfactual (no ban) in the world model reaches {p50:.0f} TWh for China in {py}, "
            f"{'far ' if abs(p50 - 296.59) > 0.5 * 296.59 else ''}from 296.59; with the ban China used "
            f"{n['cn_energy_at_bbce_peak']:.0f} TWh."
        )
        c.rule = "ensemble rule against the world model's no-ban China energy, tol 25 %"
        c.numbers |= {"wnb_cn_p50": p50}
    else:
        c.verdict = "unresolved"
        c.reason = (
            "The claim is a no-intervention counterfactual; the ban intervened, so observed data "
            "cannot test it and the world model is not available."
        )
        c.rule = "needs a no-ban counterfactual"
    c.project = txt
    c.project_zh = txt_zh
    out.append(c)

    # 9. Cambridge 2025 survey (2024 figures) against our estimate
    sv = CAMBRIDGE_2025
    c = Claim(
        id="cambridge-2025-survey",
        quote="138 TWh/yr; 39.8 MtCO2e/yr; 52.4 % sustainable (renewables 42.6 % + nuclear 9.8 %)",
        seed="Cambridge Digital Mining Industry Report, Apr 2025: headline figures as reported in "
        "the press (not a verbatim quote)",
        claim_en=f"In {sv['year']} Bitcoin mining used 138 TWh, emitted 39.8 Mt CO2e, and 52.4 % of its "
        "electricity was sustainable (renewables 42.6 % + nuclear 9.8 %).",
        claim_zh=f"{sv['year']}年比特币挖矿用电1,380亿千瓦时，排放3,980万吨二氧化碳当量，可持续能源占52.4%"
        "（可再生能源42.6% + 核电9.8%）。",
        published="138 TWh, 39.8 Mt CO2e (~288 g/kWh), 52.4 % sustainable; gas 38.2 %, coal 8.9 %; "
        "survey of 49 firms with ~48 % of hash rate, 75.4 % of it in the US",
        published_zh="1,380亿千瓦时，3,980万吨（约288克/千瓦时），可持续能源52.4%；天然气38.2%，煤8.9%；"
        "调查49家企业，约占全网算力48%，其中75.4%位于美国",
        published_source=sv["source"],
    )
    if "survey_energy_twh_best" in n:
        e_lo, e_b, e_hi = (n[f"survey_energy_twh_{k}"] for k in ("lower", "best", "upper"))
        m_lo, m_b, m_hi = (n[f"survey_emissions_mt_{k}"] for k in ("lower", "best", "upper"))
        sus, our_int = n["survey_sustainable_share"], n["survey_intensity_g_per_kwh"]
        s_int = sv["emissions_mt"] / sv["energy_twh"] * 1e3
        c.project = (
            f"{sv['year']}: {e_b:.0f} TWh (bounds {e_lo:.0f}-{e_hi:.0f}), {m_b:.1f} Mt (bounds "
            f"{m_lo:.1f}-{m_hi:.1f}), {our_int:.0f} g/kWh, {_pct(sus)} sustainable, gas "
            f"{_pct(n['survey_gas_share'])}, coal {_pct(n['survey_coal_share'])}"
        )
        c.project_zh = (
            f"{sv['year']}年：{_twh_zh(e_b)}（上下界 {_twh_zh(e_lo)} 至 {_twh_zh(e_hi)}），{_mt_zh(m_b)}"
            f"（上下界 {_mt_zh(m_lo)} 至 {_mt_zh(m_hi)}），{our_int:.0f} 克/千瓦时，可持续能源 {_pz(sus)}，"
            f"气电 {_pz(n['survey_gas_share'])}，煤电 {_pz(n['survey_coal_share'])}"
        )
        c.rule = (
            "electricity and emissions: supported if the survey's figure lies within our lower-upper "
            "bounds, else contradicted; sustainable share: 5 pp / 10 pp rule; all parts supported -> "
            "supported, some supported and some contradicted -> partly supported"
        )
        parts = [
            bounds_verdict(e_lo, e_hi, sv["energy_twh"]),
            bounds_verdict(m_lo, m_hi, sv["emissions_mt"]),
            value_verdict(sus, sv["sustainable_share"], 0.05),
        ]
        c.verdict = combine_parts(parts)
        c.reason = (
            f"Our emissions are {m_b / sv['emissions_mt']:.1f}x the survey's: {e_b / sv['energy_twh']:.2f}x "
            f"from electricity and {our_int / s_int:.2f}x from intensity ({our_int:.0f} vs {s_int:.0f} g/kWh). "
            "The survey's firms report their own contracts and sites (75 % in the US, gas-heavy, little coal); "
            "we charge all hash rate its location's grid average, including the remaining Chinese, Kazakh "
            "and Russian mining that the survey under-samples."
        )
        st = n.get("survey_steps_mt")
        if st:
            c.reason += (
                f" Step by step: our {st['project']:.1f} Mt; {st['energy']:.1f} at the survey's "
                f"{sv['energy_twh']:.0f} TWh; {st['geography']:.1f} with the respondents' countries at "
                f"their grid averages; {st['own_mix']:.1f} with their self-reported mix; "
                f"{st['survey']:.1f} published."
            )
        c.numbers = {
            "energy_twh": e_b,
            "emissions_mt": m_b,
            "intensity_g_per_kwh": our_int,
            "sustainable_share": sus,
            "energy_ratio": e_b / sv["energy_twh"],
            "intensity_ratio": our_int / s_int,
        }
        if st:
            c.numbers["steps_mt"] = st
    else:
        c.project = c.project_zh = "–"
        c.rule = "needs our estimate for the survey year"
        c.verdict = "unresolved"
        c.reason = f"No estimate for {sv['year']} in this data."
    out.append(c)

    # 10. BMC's later network-wide sustainable shares
    c = Claim(
        id="bmc-later-sustainable",
        quote="sustainable power mix 58.9 % (Q4 2022); 59.9 % (H1 2023)",
        seed="Bitcoin Mining Council survey releases, 2023: figures as reported (not a verbatim quote)",
        claim_en="Bitcoin mining's electricity was 58.9 % sustainable in Q4 2022 and 59.9 % in H1 2023 (BMC).",
        claim_zh="比特币矿业委员会称：比特币挖矿用电中可持续能源占比2022年四季度为58.9%，2023年上半年为59.9%。",
        published="BMC network-wide 58.9 % (Q4 2022), 59.9 % (H1 2023); members 63.8 % / 63.1 % "
        "covering 48.4 % / 43.4 % of hash rate",
        published_zh="BMC 全网估计 58.9%（2022年四季度）、59.9%（2023年上半年）；会员自身 63.8% / 63.1%，"
        "覆盖算力 48.4% / 43.4%",
        published_source=" ; ".join(v[3] for v in BMC_LATER.values()),
    )
    ours = {k: n[f"bmc_{k}"] for k in BMC_LATER}
    c.project = (
        "; ".join(f"{k}: {_pct(v)} sustainable" for k, v in ours.items())
        + " (cbeci-v1, energy-weighted)"
    )
    c.project_zh = (
        "；".join(
            f"{k.replace('Q4 2022', '2022年四季度').replace('H1 2023', '2023年上半年')}：可持续能源 {_pz(v)}"
            for k, v in ours.items()
        )
        + "（CBECI v1，按用电量加权）"
    )
    c.rule = "each share within 5 pp -> supported; 10 pp or more away -> contradicted"
    c.verdict = combine([value_verdict(ours[k], BMC_LATER[k][2], 0.05) for k in BMC_LATER])
    gaps = [100 * (BMC_LATER[k][2] - ours[k]) for k in BMC_LATER]
    c.reason = (
        f"Our shares are {min(gaps):.0f}-{max(gaps):.0f} pp below BMC's. BMC surveys its members "
        "(under half of hash rate) and extrapolates the rest with undisclosed assumptions; backing out "
        "its figures implies non-members at 54-57 % sustainable, far above the grids where they mine."
    )
    c.numbers = {f"bmc_{k}": v for k, v in ours.items()}
    out.append(c)

    for cl in out:
        assert cl.verdict in VERDICTS
        cl.reason_zh = _reason_zh(cl, n)
        cl.rule_zh = RULE_ZH.get(cl.id, "")
    return out


def _reason_zh(c: Claim, n: dict[str, Any]) -> str:
    """Chinese reason for claim ``c`` (same numbers as the English one)."""
    if c.id == "bmc-56-sustainable-q2-2021":
        v = n["sust_q2_2021"]
        return (
            f"本项目估算2021年二季度可持续电力占比为 {_pz(v)}，比56%低 {100 * (0.56 - v):.1f} 个百分点；"
            "BMC 由约占32%算力的会员调查外推得出。"
        )
    if c.id == "intensity-418-vs-grid-463":
        bi = n["int_12m_to_jun21"]
        rel = "高于" if bi > n["iea_2020"] else "低于"
        return (
            f"电网数字与 IEA 2020 年数值（{n['iea_2020']:.0f}）一致，但本项目估算的比特币强度（{bi:.0f}）"
            f"比418高 {bi - 418:.0f} 克，且{rel}电网。"
        )
    if c.id == "forecast-2026-200-vs-321":
        months = n.get("ytd_months", 0)
        pre = f"初步结论（{n['ytd_label'][:4]}年仅有 {months} 个月数据）：" if c.provisional else ""
        return (
            f"{pre}{n['ytd_label'][:4]}年迄今比特币强度为 {n['int_ytd']:.0f} 克，是所称数值的 "
            f"{n['int_ytd'] / 200:.1f} 倍，{n['last_full_year']}年为 {n['int_last_full']:.0f} 克；"
            f"IEA 2026 年电网数值比321高 {n['iea_2026'] - 321:.0f} 克。"
        )
    if c.id == "forecast-2031-zero-vs-220":
        if n.get("world"):
            p5, _, p95 = n["w31"]
            where = "之外" if p5 > 0 else "之内"
            return (
                f"2031年尚无数据。按目前趋势两个目标都达不到：零排放位于模型90%区间（{p5:.0f}–{p95:.0f} 克）"
                f"{where}；按 IEA 趋势，电网为 {n['iea_trend_2031']:.0f} 克，而非220克。"
            )
        return f"2031年尚无数据；按 IEA 趋势，电网为 {n['iea_trend_2031']:.0f} 克。"
    if c.id == "carbon-peak-2020":
        return (
            f"{n['peak_em_year']}年的年排放量是2020年的 {n['peak_em_mt'] / n['em_2020']:.1f} 倍；"
            f"年度强度最高的是 {n['peak_int_year']}年。"
        )
    if c.id == "ban-abroad-or-underground":
        if c.verdict == "supported":
            return "禁令后中国境内仍出现挖矿（转入地下），全网算力在其他地区恢复。"
        return "数据未同时显示中国境内残留和海外恢复。"
    if c.id == "clean-mining-absorbs-curtailed-hydro":
        return (
            f"丰水期四川挖矿负荷（{n['sichuan_mining_gw_wet'] * 100:,.0f} 万千瓦）可以使用弃水（平均弃水 "
            f"{n['sichuan_curtailed_gw_wet'] * 100:,.0f} 万千瓦），最多消纳其中的 {_pz(n['sichuan_absorbed_share'])}；"
            f"枯水期没有弃水，同一批矿机（{n['sichuan_mining_gw_dry'] * 100:,.0f} 万千瓦）使用电网电力或迁往煤电省份。"
            f"全网只有 {_pz(n['network_curtailed_share'])} 的挖矿用电来自弃水：消纳确实存在，但具有季节性和局部性。"
        )
    if c.id == "bbce-peak-2024":
        py = n["bbce_peak_year"]
        if n.get("world"):
            p50 = n["wnb_cn"][1]
            return (
                f"世界模型的“不禁止”反事实情景中，中国 {py}年用电为 {_twh_zh(p50)}，与2,965.9亿千瓦时相差甚远；"
                f"实际在禁令下中国用电 {_twh_zh(n['cn_energy_at_bbce_peak'])}。"
            )
        return "该说法是无干预的反事实情景；禁令已实施，观测数据无法检验，且世界模型不可用。"
    if c.id == "cambridge-2025-survey" and "energy_ratio" in c.numbers:
        x = c.numbers
        s_int = CAMBRIDGE_2025["emissions_mt"] / CAMBRIDGE_2025["energy_twh"] * 1e3
        return (
            f"本项目排放是调查的 {x['emissions_mt'] / CAMBRIDGE_2025['emissions_mt']:.1f} 倍：用电量为 "
            f"{x['energy_ratio']:.2f} 倍，排放强度为 {x['intensity_ratio']:.2f} 倍（{x['intensity_g_per_kwh']:.0f} "
            f"对 {s_int:.0f} 克/千瓦时）。调查企业自报其合同和场地（75%在美国，天然气多、煤少）；本项目对全部算力按"
            "所在地电网平均排放计算，包括调查覆盖不足的中国、哈萨克斯坦和俄罗斯剩余挖矿。"
            + (
                f"逐步分解：本项目 {_mt_zh(x['steps_mt']['project'])}；按调查用电量 "
                f"{_mt_zh(x['steps_mt']['energy'])}；按受访企业所在国家电网平均 "
                f"{_mt_zh(x['steps_mt']['geography'])}；按其自报电力结构 "
                f"{_mt_zh(x['steps_mt']['own_mix'])}；调查公布值 {_mt_zh(x['steps_mt']['survey'])}。"
                if "steps_mt" in x
                else ""
            )
        )
    if c.id == "bmc-later-sustainable":
        gaps = [100 * (BMC_LATER[k][2] - n[f"bmc_{k}"]) for k in BMC_LATER]
        return (
            f"本项目估算比 BMC 低 {min(gaps):.0f}–{max(gaps):.0f} 个百分点。BMC 调查其会员（不到全网算力的一半），"
            "其余部分以未公开的假设外推；由其数字反推，非会员的可持续占比为54%–57%，远高于其所在电网。"
        )
    return ""


def claims_frame(claims: list[Claim]) -> pd.DataFrame:
    return pd.DataFrame([c.record() for c in claims])
