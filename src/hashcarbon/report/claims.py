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

VERDICTS = ("supported", "contradicted", "unresolved")

SEED_LETTER = (
    "seed 000: 致国家发改委的公开征求意见反馈 / NDRC public-comment letter, 2021-10-21 (刘教链)"
)
SEED_PAPER = "seed 002: 澎湃新闻 (The Paper), 叶映荷, 2021-06"

#: Chinese text of each claim's verdict rule (the English one is in ``Claim.rule``).
RULE_ZH = {
    "bmc-56-sustainable-q2-2021": "相差不超过5个百分点为支持；相差10个百分点或以上为否定",
    "intensity-418-vs-grid-463": "每个数值相差不超过 max(10%, 25 克) 为支持，两倍以上为否定；且须比特币低于电网",
    "forecast-2026-200-vs-321": "每个数值相差不超过 max(10%, 25 克) 为支持，两倍以上为否定",
    "forecast-2031-zero-vs-220": "比特币：集合预测规则（容差25克）；电网：数值规则 max(10%, 25 克)",
    "carbon-peak-2020": "若本项目年排放量最高的年份为2020年则支持，否则否定",
    "ban-abroad-or-underground": "若2021年7月归零后中国份额大于0（地下）且全网算力在12个月内恢复到禁令前峰值（海外）则支持",
    "clean-mining-absorbs-curtailed-hydro": "水电省份挖矿用电中弃水占比≥50%为支持；<10%为否定；否则无定论",
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
    numbers: dict[str, Any] = field(default_factory=dict)

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
        }


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
    marg = pipeline.estimate(
        method="cbeci-v1",
        price_usd_per_kwh=sections.PRICE,
        start="2020-01-01",
        end="2020-12-31",
        freq="year",
        factors=sections.FACTORS,
        accounting="marginal",
        by="region",
    )
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
    hc = data.hydro_curtailment()
    sc = hc[(hc["region"] == "Sichuan") & (hc["year"] == 2020)]
    n["sichuan_curtailed_2020"] = float(sc["curtailed_twh"].iloc[0]) if len(sc) else np.nan
    n["sichuan_curtailed_src"] = str(sc["source_url"].iloc[0]) if len(sc) else ""
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
        published_source="CCAF CBNSI https://ccaf.io/cbnsi/cbeci/ghg ; de Vries, Gallersdörfer, "
        "Klaaßen & Stoll 2022, Joule 6(3):498-502, doi:10.1016/j.joule.2022.02.005",
    )
    v = n["sust_q2_2021"]
    c.project = f"{_pct(v)} sustainable (renewable {_pct(n['renew_q2_2021'])}), Apr-Jun 2021, cbeci-v1 energy-weighted"
    c.rule = "share within 5 pp -> supported; 10 pp or more away -> contradicted"
    c.verdict = value_verdict(v, 0.56, 0.05)
    c.reason = (
        f"The project's Q2-2021 sustainable share is {_pct(v)}, {100 * (0.56 - v):.1f} pp "
        "below 56 %; BMC extrapolated a survey of members holding about 32 % of hash rate."
    )
    out.append(c)

    # 2. 418 vs 463 g/kWh
    c = Claim(
        id="intensity-418-vs-grid-463",
        quote="比特币目前的碳排放效率已经高于电网，单位能量密度的碳排放比后者低近10%。"
        "比特币是418g CO2/kWh，而全球电网平均水平是463g CO2/kWh。",
        seed=SEED_LETTER,
        claim_en="Bitcoin's intensity is 418 gCO2/kWh, about 10 % below the world grid's 463.",
        claim_zh="比特币碳排放强度为418 gCO2/kWh，比全球电网平均463低近10%。",
        published="CCAF 491.24 (2020) and 506.71 ('2021') gCO2e/kWh; CoinShares 466 vs 492 (Jan 2022); "
        "IEA world 2020 = 463",
        published_source="CCAF CBNSI GHG index (Sep 2022) https://ccaf.io/cbnsi/cbeci/ghg ; "
        "CoinShares https://k33.com/research/archive/articles/the-carbon-intensity-of-bitcoin-mining-is-lower-than-the-global-average ; "
        "Cointelegraph 2021-07 https://cointelegraph.com/news/cambridge-and-iea-data-shows-bitcoin-carbon-intensity-peaked-last-year",
    )
    bi = n["int_12m_to_jun21"]
    c.project = (
        f"Bitcoin {bi:.0f} g/kWh (Jul 2020-Jun 2021), {n['int_2020']:.0f} (2020); "
        f"world grid IEA 2020 {n['iea_2020']:.0f}, CCAF-factor {n['ccaf_world_2020']:.0f}"
    )
    c.rule = "each value within max(10 %, 25 g) -> supported; twice that -> contradicted; and Bitcoin < grid must hold"
    parts = [
        value_verdict(bi, 418, _int_tol(418)),
        value_verdict(n["iea_2020"], 463, _int_tol(463)),
    ]
    parts.append("supported" if bi < n["iea_2020"] else "contradicted")
    c.verdict = combine(parts)
    c.reason = (
        f"The grid figure matches the IEA 2020 value ({n['iea_2020']:.0f}), but the project's "
        f"Bitcoin intensity ({bi:.0f}) is {bi - 418:.0f} g above 418 and "
        f"{'above' if bi > n['iea_2020'] else 'below'} the grid."
    )
    out.append(c)

    # 3. 2026: 200 vs 321
    c = Claim(
        id="forecast-2026-200-vs-321",
        quote="预测到2026年，比特币的碳排放将下降到200g CO2/kWh，而全球电网平均水平下降到321g CO2/kWh。",
        seed=SEED_LETTER,
        claim_en="By 2026 Bitcoin falls to 200 gCO2/kWh and the world grid to 321.",
        claim_zh="到2026年比特币降至200 gCO2/kWh，全球电网降至321。",
        published="IEA world 2026 forecast 414 g; Cambridge 2025 survey implies ~288 g (39.8 Mt / 138 TWh)",
        published_source="IEA 'CO2 intensity of electricity generation in selected regions, 2015-2026' "
        "(CC BY 4.0) https://www.iea.org/reports/electricity-2025/emissions ; Cambridge Digital Mining "
        "Industry Report 2025 https://www.jbs.cam.ac.uk/faculty-research/centres/alternative-finance/publications/cambridge-digital-mining-industry-report/",
    )
    c.project = (
        f"Bitcoin {n['int_ytd']:.0f} g/kWh ({n['ytd_label']}), {n['int_last_full']:.0f} "
        f"({n['last_full_year']}); world grid IEA 2026 {n['iea_2026']:.0f}"
    )
    c.rule = "each value within max(10 %, 25 g) -> supported; twice that -> contradicted"
    c.verdict = combine(
        [
            value_verdict(n["int_ytd"], 200, _int_tol(200)),
            value_verdict(n["iea_2026"], 321, _int_tol(321)),
        ]
    )
    c.reason = (
        f"Bitcoin's intensity so far in {n['ytd_label'][:4]} is {n['int_ytd']:.0f} g, "
        f"{n['int_ytd'] / 200:.1f}x the claim; the IEA's 2026 grid value is "
        f"{n['iea_2026'] - 321:.0f} g above 321."
    )
    out.append(c)

    # 4. 2031: 0 vs 220
    c = Claim(
        id="forecast-2031-zero-vs-220",
        quote="到2031年，比特币的碳排放将下降到0，实现“碳中和”，而全球电网平均水平下降到220g CO2/kWh。",
        seed=SEED_LETTER,
        claim_en="By 2031 Bitcoin's emissions fall to 0 (carbon neutral); the world grid to 220 gCO2/kWh.",
        claim_zh="到2031年比特币碳排放降至0（碳中和），全球电网降至220 gCO2/kWh。",
        published="no published forecast found; IEA 400 g in 2027 at about -3.6 %/yr gives ~345 g in 2031",
        published_source="IEA Electricity 2025 https://www.iea.org/reports/electricity-2025/emissions "
        "(extrapolation in the project's research notes, china_policy.md §6)",
    )
    grid_v = value_verdict(n["iea_trend_2031"], 220, _int_tol(220))
    if n.get("world"):
        p5, p50, p95 = n["w31"]
        c.project = (
            f"Bitcoin 2031 {p50:.0f} g/kWh (P5-P95 {p5:.0f}-{p95:.0f}, world model "
            f"china-ban-2021, {n['world_runs']} runs); world grid IEA linear trend "
            f"{n['iea_trend_2031']:.0f}"
        )
        c.rule = (
            "Bitcoin: ensemble rule with tol 25 g; grid: value within max(10 %, 25 g) -> "
            "supported, twice that -> contradicted"
        )
        c.verdict = combine([ensemble_verdict(p5, p50, p95, 0.0, 25.0), grid_v])
        c.reason = (
            f"Zero lies {'outside' if p5 > 0 else 'inside'} the model's 90 % range "
            f"({p5:.0f}-{p95:.0f} g); the IEA trend gives {n['iea_trend_2031']:.0f} g for the grid."
        )
    else:
        c.project = (
            f"world model not available in this version; world grid IEA linear trend "
            f"{n['iea_trend_2031']:.0f}"
        )
        c.rule = "grid: value rule; Bitcoin: needs the world model"
        c.verdict = combine([grid_v, "unresolved"])
        c.reason = "Bitcoin's 2031 intensity cannot be checked without the world model."
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
        published_source="CCAF CBNSI https://ccaf.io/cbnsi/cbeci/ghg ; "
        "https://www.finextra.com/newsarticle/41043/ccaf-releases-update-to-bitcoin-emissions-estimate",
    )
    c.project = (
        f"emissions peak in {n['peak_em_year']} ({n['peak_em_mt']:.1f} Mt vs "
        f"{n['em_2020']:.1f} Mt in 2020); intensity peak year {n['peak_int_year']} "
        f"(2014-{n['last_full_year']})"
    )
    c.rule = "supported if the project's peak year of annual emissions is 2020, else contradicted"
    c.verdict = "supported" if n["peak_em_year"] == 2020 else "contradicted"
    c.reason = (
        f"Annual emissions in {n['peak_em_year']} were {n['peak_em_mt'] / n['em_2020']:.1f}x those "
        f"of 2020; the highest yearly intensity was in {n['peak_int_year']}."
    )
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
        published_source="CCAF mining map https://ccaf.io/cbnsi/cbeci/mining_map ; "
        "https://www.jbs.cam.ac.uk/insight/2021/new-data-reveals-timeline-of-chinas-bitcoin-mining-exodus/",
    )
    c.project = (
        f"China's share {_pct(n['cn_apr21'])} (2021-04) -> {_pct(n['cn_jul21'])} (2021-07) -> "
        f"{_pct(n['cn_sep21'])} (2021-09) -> {_pct(n['cn_latest'])} ({n['cn_latest_month']}); "
        f"network 7-day hash rate {n['hr_pre_peak']:.0f} -> {n['hr_trough']:.0f} EH/s "
        f"({n['hr_trough_day']}), back above the pre-ban peak on {n['hr_recovered_day'] or 'n/a'}"
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
    out.append(c)

    # 7. curtailed hydro
    c = Claim(
        id="clean-mining-absorbs-curtailed-hydro",
        quote="采用清洁能源的比特币挖矿，有利于消纳偏远地区无法输出的电力资源 / "
        "利用水电挖矿也能解决当地水电消纳问题",
        seed=f"{SEED_LETTER}; {SEED_PAPER}",
        claim_en="Clean (hydro) mining absorbs curtailed power that remote regions cannot export.",
        claim_zh="清洁能源挖矿可以消纳偏远地区无法外送的电力（弃水）。",
        published=f"Sichuan curtailed hydro 2020: {n['sichuan_curtailed_2020']:.1f} TWh (project table "
        "hydro_curtailment); 2021 Jan-Sep 10.17 TWh",
        published_source=n["sichuan_curtailed_src"]
        + " ; http://14z7q.com/sj/zxfb/20211109/114469.html",
    )
    s = n["hydro_prov_curtailed_share"]
    c.project = (
        f"Sichuan + Yunnan mining {n['hydro_prov_twh']:.1f} TWh in 2020, {_pct(s)} of it on "
        f"curtailed hydro (marginal accounting); network-wide {_pct(n['network_curtailed_share'])}"
    )
    c.rule = (
        "supported if >= 50 % of hydro-province mining energy is curtailed hydro; contradicted if "
        "< 10 %; otherwise unresolved"
    )
    c.verdict = "supported" if s >= 0.5 else ("contradicted" if s < 0.10 else "unresolved")
    c.reason = (
        f"In the hydro provinces {_pct(s)} of mining energy used curtailed hydro, but only "
        f"{_pct(n['network_curtailed_share'])} network-wide: the absorption is seasonal and local "
        "(dry-season mining moved to coal provinces)."
    )
    out.append(c)

    # 8. BBCE 2024 peak
    c = Claim(
        id="bbce-peak-2024",
        quote="the annual energy consumption of the Bitcoin blockchain in China is expected to peak in "
        "2024 at 296.59 Twh and generate 130.50 million metric tons of carbon emission correspondingly",
        seed="cited by seed 000 (Jiang et al. 2021, Nature Communications, abstract)",
        claim_en="Without intervention, China's Bitcoin mining energy peaks in 2024 at 296.59 TWh (130.50 Mt CO2).",
        claim_zh="若无干预，中国比特币挖矿能耗将于2024年达峰，为296.59 TWh（1.305亿吨CO2）。",
        published="296.59 TWh / 130.50 Mt in 2024 (no-intervention scenario)",
        published_source="Jiang et al. 2021, Nat. Commun. 12:1938, doi:10.1038/s41467-021-22256-3",
    )
    py = n["bbce_peak_year"]
    txt = (
        f"BBCE replication peak {py} at {n['bbce_peak_twh']:.1f} TWh; China's estimated energy in "
        f"{py}: {n['cn_energy_at_bbce_peak']:.1f} TWh (upper bound {n['cn_energy_upper_at_bbce_peak']:.1f})"
    )
    if n.get("world"):
        p5, p50, p95 = n["wnb_cn"]
        txt += f"; world model no-ban China {py}: {p50:.0f} TWh (P5-P95 {p5:.0f}-{p95:.0f})"
        c.verdict = ensemble_verdict(p5, p50, p95, 296.59, 0.25 * 296.59)
        c.reason = (
            f"The counterfactual (no ban) in the world model reaches {p50:.0f} TWh for China in {py}, "
            f"{'far ' if abs(p50 - 296.59) > 0.5 * 296.59 else ''}from 296.59; with the ban China used "
            f"{n['cn_energy_at_bbce_peak']:.0f} TWh."
        )
        c.rule = "ensemble rule against the world model's no-ban China energy, tol 25 %"
    else:
        c.verdict = "unresolved"
        c.reason = (
            "The claim is a no-intervention counterfactual; the ban intervened, so observed data "
            "cannot test it and the world model is not available."
        )
        c.rule = "needs a no-ban counterfactual"
    c.project = txt
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
            f"本项目估算2021年二季度可持续电力占比为 {_pct(v)}，比56%低 {100 * (0.56 - v):.1f} 个百分点；"
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
        return (
            f"{n['ytd_label'][:4]}年迄今比特币强度为 {n['int_ytd']:.0f} 克，是所称数值的 "
            f"{n['int_ytd'] / 200:.1f} 倍；IEA 2026 年电网数值比321高 {n['iea_2026'] - 321:.0f} 克。"
        )
    if c.id == "forecast-2031-zero-vs-220":
        if n.get("world"):
            p5, _, p95 = n["w31"]
            where = "之外" if p5 > 0 else "之内"
            return (
                f"零排放位于模型90%区间（{p5:.0f}–{p95:.0f} 克）{where}；"
                f"按 IEA 趋势，电网为 {n['iea_trend_2031']:.0f} 克。"
            )
        return "没有世界模型，无法检验比特币2031年的强度。"
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
        s = n["hydro_prov_curtailed_share"]
        return (
            f"在水电省份，{_pct(s)} 的挖矿用电来自弃水，但全网仅为 {_pct(n['network_curtailed_share'])}："
            "消纳是季节性和局部的（枯水期挖矿迁往煤电省份）。"
        )
    if c.id == "bbce-peak-2024":
        py = n["bbce_peak_year"]
        if n.get("world"):
            p50 = n["wnb_cn"][1]
            return (
                f"世界模型的无禁令反事实情景中，中国 {py}年用电为 {p50:.0f} TWh，与296.59相差甚远；"
                f"实际在禁令下中国用电 {n['cn_energy_at_bbce_peak']:.0f} TWh。"
            )
        return "该说法是无干预的反事实情景；禁令已实施，观测数据无法检验，且世界模型不可用。"
    return ""


def claims_frame(claims: list[Claim]) -> pd.DataFrame:
    return pd.DataFrame([c.record() for c in claims])
