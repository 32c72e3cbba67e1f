"""Report text in English (``en``) and Simplified Chinese (``zh``, zh-CN).

Every heading, label, note and verdict goes through :func:`t`; templates take
``str.format`` fields filled with the numbers computed at report time.

Names of things (regions, energy sources, scenarios, methods, verdicts, units) come from
ONE curated table, ``terminology.csv`` beside this module, read by :func:`terminology`
and looked up with :func:`term`; the report, the CLI and the dashboard all use it.
Quantities are written for each reader by :func:`quantity`: in Chinese, emissions in
万吨 / 亿吨 (1 Mt = 100 万吨, 100 Mt = 1 亿吨) and electricity in 亿千瓦时
(1 TWh = 10 亿千瓦时), the units of Chinese official statistics.

>>> term("Sichuan", "zh")
'四川'
>>> term("clean-exemption", "en")
'ban with a clean-energy exemption'
>>> quantity(85.3, "Mt", "zh")
'8,530 万吨'
>>> quantity(130.6, "Mt", "zh")
'1.31 亿吨'
>>> quantity(138, "TWh", "zh")
'1,380 亿千瓦时'
"""

from __future__ import annotations

import csv
import functools
import math
from importlib import resources

LANGS = ("en", "zh")

#: Kinds of entries in ``terminology.csv``.
TERM_KINDS = ("region", "source", "scenario", "method", "verdict", "unit", "term")


@functools.cache
def _terms() -> tuple[dict[tuple[str, str], dict[str, str]], dict[str, dict[str, str]]]:
    by_kind: dict[tuple[str, str], dict[str, str]] = {}
    by_key: dict[str, dict[str, str]] = {}
    text = resources.files("hashcarbon.report").joinpath("terminology.csv").read_text("utf-8")
    for row in csv.DictReader(text.splitlines()):
        by_kind[(row["kind"], row["key"])] = row
        by_key.setdefault(row["key"], row)
        by_key.setdefault(row["key"].lower(), row)
    # the region registry (hashcarbon.vocabulary, table ``regions``) names every region in
    # both languages; the terminology table adds only the names it lacks (aggregates, aliases)
    from hashcarbon import vocabulary

    for reg in vocabulary.regions().itertuples():
        row = {
            "kind": "region",
            "key": reg.name_en,
            "en": reg.name_en,
            "zh": reg.name_zh,
            "note": f"region registry {reg.code}",
        }
        if ("region", reg.name_en) not in by_kind:
            by_kind[("region", reg.name_en)] = row
        by_key.setdefault(reg.name_en, row)
        by_key.setdefault(reg.name_en.lower(), row)
    return by_kind, by_key


def terminology(kind: str | None = None) -> list[dict[str, str]]:
    """Rows of the terminology table (``kind, key, en, zh, note``), optionally of one kind.

    Parameters
    ----------
    kind : {"region", "source", "scenario", "method", "verdict", "unit", "term"}, optional
        Only the rows of this kind.
    """
    rows = list(_terms()[0].values())
    if kind is not None:
        if kind not in TERM_KINDS:
            raise ValueError(f"kind: expected one of {', '.join(TERM_KINDS)}, got {kind!r}")
        rows = [r for r in rows if r["kind"] == kind]
    return [dict(r) for r in rows]


def term(key: str, lang: str = "zh", kind: str | None = None) -> str:
    """The name of ``key`` (a region, source, scenario, method, verdict, unit) in ``lang``.

    Parameters
    ----------
    key : str
        Canonical name as used in the code and tables (``"Sichuan"``, ``"curtailed_hydro"``,
        ``"clean-exemption"``, ``"cbeci-v1"``, ``"partly-supported"``, ``"Mt"``).
    lang : {"en", "zh"}
        Language.
    kind : str, optional
        Restrict the look-up to one kind (a key such as ``"Georgia"`` could be ambiguous).

    Returns
    -------
    str
        The label; an unknown key is returned unchanged (numbers, dates, file names).
    """
    if lang not in LANGS:
        raise ValueError(f"lang: expected one of {', '.join(LANGS)}, got {lang!r}")
    by_kind, by_key = _terms()
    key = str(key)
    row = by_kind.get((kind, key)) if kind else None
    if row is None:
        row = by_key.get(key) or by_key.get(key.lower())
    if row is None:
        return key
    return row[lang]


def has_term(key: str) -> bool:
    """Whether ``key`` is in the terminology table."""
    _, by_key = _terms()
    return str(key) in by_key or str(key).lower() in by_key


def translate(value, lang: str):
    """``term(value, lang)`` for a string in the table; anything else unchanged."""
    if isinstance(value, str) and has_term(value):
        return term(value, lang)
    return value


def round_sig(value: float, digits: int = 3) -> float:
    """``value`` rounded to ``digits`` significant figures (integers above 10**digits kept)."""
    if value is None or not math.isfinite(value) or value == 0:
        return value
    mag = math.floor(math.log10(abs(value)))
    if mag >= digits - 1:
        return float(round(value))
    return round(value, digits - 1 - mag)


def fmt_sig(value: float, digits: int = 3) -> str:
    """``value`` to ``digits`` significant figures with thousands separators."""
    if value is None or not math.isfinite(value):
        return "–"
    v = round_sig(float(value), digits)
    if v == 0:
        return "0"
    mag = math.floor(math.log10(abs(v)))
    decimals = max(0, digits - 1 - mag)
    return f"{v:,.{decimals}f}"


def quantity(value: float, unit: str, lang: str = "en", digits: int = 3) -> str:
    """A quantity in the units a reader of ``lang`` expects.

    Parameters
    ----------
    value : float
        Value in the canonical unit ``unit``.
    unit : {"Mt", "TWh", "TWh/yr", "GW", "g/kWh", "EH/s"}
        Canonical unit: Mt CO2e, TWh, GW, gCO2e/kWh, EH/s.
    lang : {"en", "zh"}
    digits : int
        Significant figures.

    Notes
    -----
    Chinese: 1 Mt = 100 万吨 and 100 Mt = 1 亿吨 (values from 100 Mt up are given in
    亿吨); 1 TWh = 10^9 kWh = 10 亿千瓦时; 1 GW = 100 万千瓦.
    """
    if value is None or not math.isfinite(value):
        return "–"
    if lang == "zh":
        if unit == "Mt":
            if abs(value) >= 100:
                return f"{fmt_sig(value / 100, digits)} 亿吨"
            return f"{fmt_sig(value * 100, digits)} 万吨"
        if unit in ("TWh", "TWh/yr"):
            suffix = "亿千瓦时" if unit == "TWh" else "亿千瓦时/年"
            return f"{fmt_sig(value * 10, digits)} {suffix}"
        if unit == "GW":
            return f"{fmt_sig(value * 100, digits)} 万千瓦"
        if unit == "g/kWh":
            return f"{fmt_sig(value, digits)} 克/千瓦时"
        return f"{fmt_sig(value, digits)} {term(unit, 'zh', 'unit')}"
    labels = {"Mt": "Mt CO2e", "g/kWh": "gCO2e/kWh"}
    return f"{fmt_sig(value, digits)} {labels.get(unit, unit)}"


STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "html_lang": "en",
        "title": "hashcarbon report: Bitcoin mining electricity, sources and carbon",
        "other_lang": "中文版",
        "generated": "Generated by hashcarbon {version} from {layer} (last data day {last_day}); seed {seed}, {runs} world-model runs.",
        "layer_embedded": "its embedded data",
        "changed_with_update": "changed with the updated data ({what})",
        "layer_updated": "its embedded data with rows fetched by hashcarbon data update on {date}",
        "toc": "Contents",
        "summary": "Summary",
        "sec_energy": "(a) Electricity use, 2014 to {last_day}",
        "sec_where": "(b) Where Bitcoin is mined",
        "sec_carbon": "(c) Carbon: emissions, intensity, mix",
        "sec_flows": "(d) Carbon emission flows, {year}",
        "sec_bbce": "(e) BBCE replication (Jiang et al. 2021)",
        "sec_policy": "(f) Policy comparison (world model)",
        "sec_claims": "(g) Claims against evidence",
        "sec_provenance": "(h) Assumptions and sources",
        "sum_energy": "In {year} Bitcoin mining used <b>{v1_best_q}</b> of electricity (lower and upper bounds {v1_lower:.0f}–{v1_upper:.0f} TWh), an average load of {power_gw_q}.",
        "sum_carbon": "That emitted about <b>{emissions_q}</b> at <b>{intensity:.0f} gCO2e/kWh</b>, against a world grid of {iea_world:.0f} (IEA) to {ccaf_world:.0f} (Cambridge factors); {sustainable_pct:.0f} % of the electricity was sustainable (renewables and nuclear).",
        "sum_survey": "Why our {survey_year} emissions are {em_ratio:.1f}x those of Cambridge's 2025 survey ({survey_twh_q}, {survey_mt_q} for {survey_year}): our {survey_year} estimate is {our_twh_q} and {our_mt_q}, i.e. {energy_ratio:.2f}x the survey's electricity and {int_ratio:.2f}x its intensity ({our_int:.0f} vs {survey_int:.0f} g/kWh). The survey asked 49 firms holding about 48 % of hash rate, three quarters of it in the US, for their own power mix; we apply each location's grid average to all hash rate. Both numbers are estimates of the same thing by different methods.",
        "sum_where": "China's share of hash rate fell from <b>{pre_ban_pct:.0f} %</b> (Apr 2021) to {ban_pct:.0f} % (Jul 2021), came back to {after_pct:.0f} % (Sep 2021) and is {latest_pct:.0f} % in {latest_month}.",
        "sum_bbce": "The BBCE paper's no-intervention forecast (peak {peak_year}: {peak_twh_q} in China) is {ratio:.1f}x our estimate of China's actual use that year ({project_q}); its headline needs a PUE of {pue:.2f}, below the physical minimum of 1.",
        "sum_policy": "Over {period}, against the {baseline}, the scenario with the largest cut is the {best_scenario}: {best_delta_mt_q} ({best_delta_pct:+.0f} %; {n_runs} runs).",
        "sum_policy_na": "The world policy model is not available in this version; no policy numbers are shown.",
        "sum_claims": "Of {n} claims quoted in the source documents and the press: {supported} supported, {partly} partly supported, {contradicted} contradicted, {unresolved} unresolved.",
        "more": "details",
        "defs_title": "Words used in this report",
        "def_sustainable": "<b>Sustainable</b>: hydro, wind, solar, other renewables <i>and nuclear</i> (the definition of the Bitcoin Mining Council and Cambridge). <b>Renewable</b> excludes nuclear.",
        "def_intensity": "<b>Carbon intensity</b>: grams of CO2-equivalent emitted per kilowatt-hour of electricity used (gCO2e/kWh). Emissions = electricity × intensity.",
        "def_bounds": "<b>Lower and upper bounds (CBECI)</b>: the Cambridge Bitcoin Electricity Consumption Index method. The lower bound assumes every miner uses the most efficient machine; the upper bound the least efficient machine that still makes money at 0.05 USD/kWh; the best guess is in between. The truth is very likely inside the bounds, not necessarily near the best guess.",
        "def_bbce": "<b>BBCE</b>: the model of Jiang et al. (Nature Communications, 2021) that forecast China's Bitcoin energy without intervention. We re-built it from the paper's equations (section e).",
        "def_scenarios": "<b>Scenarios</b>: 'no ban' is a counterfactual world in which China never banned mining; 'China's 2021 ban' is what happened; the others add a policy to the ban. <b>P5–P95</b>: the range that holds 90 % of the model runs.",
        "def_location": "<b>Location-based</b>: each miner is charged the average emissions of the grid where it sits; contracts, off-grid plants and curtailed power are not credited unless stated.",
        "cite_title": "How to cite these numbers",
        "cite_text": "Quote the best guess with its bounds and the year, and call it an estimate: “Bitcoin mining used about {v1_best:.0f} TWh of electricity in {year} (range {v1_lower:.0f}–{v1_upper:.0f} TWh) and emitted about {emissions:.0f} Mt CO2e (location-based), according to hashcarbon {version} (data to {last_day}).” Model forecasts (sections e and f) are scenarios, not predictions: quote their range and the scenario. Published figures in section (g) should be cited to their own sources.",
        "energy_text": "Three estimators run on the daily network data: CBECI methodology v1 (lower bound = most efficient hardware, upper = least efficient still profitable at {price} USD/kWh, best = average of the profitable basket), its 2023 revision (age-weighted basket), and an economic model estimate (revenue spent on electricity). The last full year is {year}: best {v1_best:.1f} TWh (v1), {v23_best:.1f} TWh (2023 revision), {eco:.1f} TWh (economic model). The highest full year so far is {peak_year} ({peak_twh:.1f} TWh). Rows marked partial cover only part of a year.",
        "where_text": "Monthly shares of network hash rate by country, with China split by province. Before Sep 2019 and after Jan 2022 the shares come from dated published points and Cambridge's historical rule (see the methods table); China's province split is a seasonal profile built from Cambridge's 2020 figures. In {latest_month} the largest region is {top_region} ({top_share_pct:.1f} %).",
        "carbon_text": "Location-based emissions: each region's grid mix (OWID/Ember) times Cambridge's 2022 emission factors, weighted by hash-rate share. In {year}: {emissions_q} (bounds {emissions_lower:.1f}–{emissions_upper:.1f} Mt), {intensity:.0f} gCO2e/kWh vs world grid {iea_world:.0f} (IEA) / {ccaf_world:.0f} (Cambridge-factor world coefficient, last data year held); 2021: {intensity_2021:.0f} vs {iea_2021:.0f} / {ccaf_2021:.0f}. Annual emissions peak in {peak_em_year}; intensity is highest in {peak_int_year}.",
        "flows_text": "Electricity of the {year} network ({energy_q}) by mining region and energy source, and the CO2 of each source ({emissions_from_sources_q} from source factors; {emissions_q} in the estimate). China's provinces are added up into one block; regions under 3 % of the electricity are in 'Other'. Coal gives {coal_mt_q} ({coal_pct:.0f} % of the CO2).",
        "bbce_text": "The BBCE model re-implemented on hashcarbon.sd, four scenarios (benchmark, market access, site regulation, carbon tax), the nine series of the paper's Fig. 4 (annual). Benchmark peak: {peak_year}, {peak_twh:.1f} TWh and {peak_mt:.1f} Mt, as published. Our estimate of China's energy (China's hash-rate share × network energy, CBECI v1) in {peak_year} is {project:.1f} TWh (upper bound {project_upper:.1f}); China's share then was {china_share_pct:.1f} %. The paper assumed no intervention; the 2021 ban intervened, so the gap mixes model error with the policy's effect.",
        "bbce_reading": "<b>Which reading this is.</b> The paper's supplementary data were not available, so the equations were read from its Methods and two unknowns were calibrated to reproduce the headline (docs/bbce.md). That reading needs a power usage effectiveness (PUE) of <b>{pue:.2f}</b>, below the physical minimum of 1: the PUE absorbs the error of an exponential hash-rate fit that reaches {hr_model_at_peak:,.0f} EH/s in {peak_year}, against {hr_obs_at_peak:,.0f} EH/s observed. It also <b>inverts the paper's policy ranking</b>: cumulative emissions to {cum_end} under market access are {ma_over_bm:.2f}x the benchmark, where the paper has market access raising them (site regulation {sr_over_bm:.2f}x, carbon tax {ct_over_bm:.2f}x). With PUE = 1.0 (the physically plausible reading) the benchmark peaks in {pue1_peak_year} at {pue1_peak_twh:.0f} TWh. Read the BBCE curves as a replication of the paper's mechanism, not as a forecast.",
        "policy_text": "The world policy simulator, {n_runs} runs (seed {seed}; after {last_history_month} the BTC price is a random walk). Panels show the median and P5–P95 of annual world totals; the table gives cumulative 2021–2030 energy and emissions and the run-by-run differences from the {baseline}.",
        "policy_drop": "<b>Why every scenario falls after {drop_from}.</b> In all scenarios the median emissions fall {drop_min_pct:.0f}–{drop_max_pct:.0f} % from {drop_from} to {drop_to}. This is not a policy effect. After the last data month the model's BTC price has no drift (its median stays at the level of {price_month}, {price_change_pct:+.0f} % against the {drop_from} average), and the block subsidy halves in 2028: miners' revenue per block in {drop_to} is then {rev_ratio_pct:.0f} % of its {drop_from} level, which accounts for most of the fall; the rest is the model's investment and retirement response to thinner margins (docs/world.md). If the BTC price rises, as it has after past halvings, the fall would be smaller; the differences between scenarios are more robust than the level.",
        "policy_na": "The world policy model (hashcarbon.models.world) is not available in this version of hashcarbon, so this section has no numbers. The code path that builds it from world.run / world.compare output is in hashcarbon.report.sections.policy_section.",
        "claims_text": "Each claim is quoted in its original wording (the seed documents are Chinese), with our number, the best published number and its source, and a verdict from the stated rule. A claim about a future year is 'unresolved' until that year has data; the trend is stated.",
        "provenance_text": "Everything above is computed at report time from the data tables listed below with these parameters. Re-running with the same version, data and seed gives the same numbers.",
        "font_note": "No font with Chinese glyphs is installed, so the figures keep English labels. Install fonts-noto-cjk (Debian/Ubuntu: apt-get install fonts-noto-cjk) and rebuild.",
        "col_claim": "Claim",
        "col_quote": "Quote (source)",
        "col_project": "Our number",
        "col_published": "Published number (source)",
        "col_verdict": "Verdict",
        "col_reason": "Reason (rule)",
        "supported": "supported",
        "partly-supported": "partly supported",
        "contradicted": "contradicted",
        "unresolved": "unresolved",
        "provisional": "provisional",
        "tab_yearly": "Yearly values",
        "tab_shares": "Shares of hash rate at selected months",
        "tab_methods": "How the shares were obtained",
        "tab_regions": "Regions",
        "tab_sources": "Energy sources",
        "tab_peaks": "BBCE peaks by scenario",
        "tab_forecast": "BBCE benchmark vs our China estimate",
        "tab_cumulative": "Cumulative 2021-2030 by scenario",
        "tab_joint": "Joint uncertainty: Δ cumulative emissions 2021–2030 against the ban and against no ban",
        "tab_drivers": "What decides the difference: top inputs by first-order effect",
        "joint_text": "<b>Joint uncertainty.</b> The table below samples every uncertain input at once ({joint_runs} runs, Sobol design, seed {joint_seed}: model parameters within their sourced or hindcast ranges, the cap kinds, the emission factor set, average or marginal accounting, the grid projection and the BTC price path; docs/uncertainty.md) and keeps the {joint_kept} runs that reproduce the record before June 2021 (history matching). Each row is a run-by-run difference with P(Δ &lt; 0); a difference whose P5–P95 contains 0 is labelled “not distinguishable”. The exemption emits less than the ban in {ex_p_neg_pct:.0f} % of these runs (P5–P95 {ex_p5:+.0f} to {ex_p95:+.0f} Mt CO2e: {ex_verdict}); {ex_driver} First-order effects are estimated from the same runs (correlation ratio; an input with no effect scores about the noise floor).",
        "joint_driver_clear": "the input that decides it most is <code>{ex_top_driver}</code> (first-order effect {ex_top_eta:.2f}, next input {ex_second_eta:.2f}, noise floor {ex_noise:.2f}).",
        "joint_driver_unclear": "in these {joint_kept} runs no input stands out: the largest first-order effect, {ex_top_eta:.2f} for <code>{ex_top_driver}</code>, is within the sampling noise of the next ({ex_second_eta:.2f}) or of the noise floor ({ex_noise:.2f}); the Sobol indices in docs/uncertainty.md, from tens of thousands of runs, rank the inputs.",
        "tab_parameters": "Parameters and software",
        "tab_data": "Data tables and versions",
        "fig": "Figure",
        "src": "Source",
        "fig_energy_title": "Bitcoin's electricity use, three estimators",
        "fig_energy_take": "Best guess {v1_best:.0f} TWh in {year}, the highest full year so far being {peak_year}; shaded bands are lower–upper bounds, dashed lines the halvings, red the 2021 China ban.",
        "fig_energy_src": "hashcarbon estimate from network data (hash rate, price, fees) and the hardware catalogue; CBECI methodology (Cambridge).",
        "fig_where_title": "Where Bitcoin is mined (China by province)",
        "fig_where_take": "China held {pre_ban:.0f} % of hash rate in April 2021, {ban:.0f} % in July 2021 after the ban, and {latest:.0f} % in {latest_month}.",
        "fig_where_src": "Cambridge mining map (Sep 2019–Jan 2022) and dated published points; China's provinces from Cambridge's 2020 profile.",
        "fig_map_title": "Share of hash rate by country, before the ban and now",
        "fig_map_take": "In {latest_month} the largest region is {top_region} with {top_share:.0f} % of hash rate.",
        "fig_map_src": "Same shares as the figure above, by country (China's provinces summed); one tile per country, placed roughly where it lies (no borders, so the page works offline).",
        "fig_emissions_title": "Emissions of Bitcoin mining",
        "fig_emissions_take": "Emissions peaked in {peak_em_year} ({peak_em:.0f} Mt); {year}: {emissions:.0f} Mt CO2e. The axis starts at zero.",
        "fig_emissions_src": "hashcarbon location-based estimate: CBECI v1 electricity × grid mix where the hash rate is (OWID/Ember) × Cambridge 2022 emission factors.",
        "fig_intensity_title": "Carbon intensity: Bitcoin against the world grid",
        "fig_intensity_take": "In {year} Bitcoin's electricity emitted {intensity:.0f} g per kWh, against {iea_world:.0f} for the world grid (IEA). The axis starts at zero.",
        "fig_intensity_src": "hashcarbon estimate; world grid: IEA Electricity 2025 (CC BY 4.0) and Cambridge factors applied to the world mix.",
        "fig_mix_title": "Where the electricity came from",
        "fig_mix_take": "In {year}: {sustainable_pct:.0f} % sustainable (including nuclear), {coal_pct:.0f} % coal, {gas_pct:.0f} % gas.",
        "fig_mix_src": "Grid mix of each mining location (OWID/Ember; China by province), weighted by hash-rate share.",
        "fig_flows_title": "From where, to which source, to how much CO2 ({year})",
        "fig_flows_take": "Coal produced {coal_mt:.0f} Mt, {coal_pct:.0f} % of the CO2; China's provinces together emitted {china_mt:.0f} Mt ({china_pct:.0f} %).",
        "fig_flows_src": "hashcarbon estimate by region (CBECI v1, location-based) and Cambridge 2022 emission factors per source.",
        "fig_bbce_series_title": "BBCE model: the nine series of the paper's Fig. 4, four scenarios",
        "fig_bbce_series_take": "Under this reading market access cuts cumulative emissions to {ma_over_bm:.2f}x the benchmark, the opposite of the paper's ranking.",
        "fig_bbce_series_src": "hashcarbon re-implementation of Jiang et al. 2021, Nat. Commun. 12:1938, doi:10.1038/s41467-021-22256-3.",
        "fig_bbce_vs_estimate_title": "China's mining electricity: BBCE forecast against our estimate",
        "fig_bbce_vs_estimate_take": "The headline reading peaks at {peak_twh:.0f} TWh in {peak_year} (the star is the paper's number); with PUE 1.0 it peaks at {pue1_peak_twh:.0f} TWh in {pue1_peak_year}; our estimate for China in {peak_year} is {project:.0f} TWh.",
        "fig_bbce_vs_estimate_src": "BBCE: Jiang et al. 2021 (re-implemented); our estimate: China's share (Cambridge map, published points) × CBECI v1 network electricity.",
        "fig_policy_emissions_title": "World emissions by policy scenario, 2021–2030",
        "fig_policy_emissions_take": "Every scenario's median falls {drop_min_pct:.0f}–{drop_max_pct:.0f} % from {drop_from} to {drop_to}: the 2028 halving under a BTC price without drift (see the text), not a policy effect.",
        "fig_policy_emissions_src": "hashcarbon world model, {n_runs} runs per scenario; bands are 90 % of runs.",
        "fig_policy_energy_title": "World electricity use by policy scenario, 2021–2030",
        "fig_policy_energy_take": "Electricity follows the same fall after the 2028 halving; bans move mining rather than stop it.",
        "fig_policy_energy_src": "hashcarbon world model, {n_runs} runs per scenario; bands are 90 % of runs.",
        "interactive": "Interactive: hover for values, click the legend to hide a series.",
    },
    "zh": {
        "html_lang": "zh-CN",
        "title": "hashcarbon 报告：比特币挖矿的电力、能源结构与碳排放",
        "other_lang": "English",
        "generated": "由 hashcarbon {version} 基于{layer}生成（数据截至 {last_day}）；随机种子 {seed}，世界模型运行 {runs} 次。",
        "layer_embedded": "内置数据",
        "changed_with_update": "因数据更新而变化（{what}）",
        "layer_updated": "内置数据及 {date} 通过 hashcarbon data update 更新的数据",
        "toc": "目录",
        "summary": "摘要",
        "sec_energy": "（a）用电量：2014年至 {last_day}",
        "sec_where": "（b）挖矿地点",
        "sec_carbon": "（c）碳排放：排放量、强度与电力结构",
        "sec_flows": "（d）碳排放流向（{year}年）",
        "sec_bbce": "（e）BBCE 模型复现（Jiang 等，2021）",
        "sec_policy": "（f）政策比较（世界模型）",
        "sec_claims": "（g）说法与证据对照",
        "sec_provenance": "（h）假设与数据来源",
        "sum_energy": "{year}年比特币挖矿用电约 <b>{v1_best_q}</b>（下界至上界 {v1_lower_q} 至 {v1_upper_q}），平均负荷 {power_gw_q}。",
        "sum_carbon": "相应排放约 <b>{emissions_q}二氧化碳当量</b>，排放强度 <b>{intensity:.0f} 克/千瓦时</b>；全球电网平均为 {iea_world:.0f}（IEA）至 {ccaf_world:.0f}（剑桥因子）克/千瓦时；可持续能源（可再生能源与核电）占 {sustainable_pct:.0f}%。",
        "sum_survey": "为何本项目 {survey_year}年排放是剑桥大学2025年行业调查的 {em_ratio:.1f} 倍（{survey_year}年 {survey_twh_q}、{survey_mt_q}）：本项目 {survey_year}年估算为 {our_twh_q}、{our_mt_q}，用电量是调查的 {energy_ratio:.2f} 倍，排放强度是其 {int_ratio:.2f} 倍（{our_int:.0f} 对 {survey_int:.0f} 克/千瓦时）。该调查询问了约占全网算力48%的49家企业（其中四分之三位于美国）自报的电力结构；本项目则对全部算力按所在地电网平均排放计算。两者是用不同方法对同一事物的估算。",
        "sum_where": "中国算力占比由 <b>{pre_ban_pct:.0f}%</b>（2021年4月）降至 {ban_pct:.0f}%（2021年7月），2021年9月回升至 {after_pct:.0f}%，{latest_month} 为 {latest_pct:.0f}%。",
        "sum_bbce": "BBCE 论文的无干预预测（{peak_year}年达峰，中国 {peak_twh_q}）是本项目对当年中国实际用电估计（{project_q}）的 {ratio:.1f} 倍；其结论需要 {pue:.2f} 的电能利用效率（PUE），低于物理下限 1。",
        "sum_policy": "在 {period} 期间，相对于“{baseline}”，减排最多的情景为“{best_scenario}”：{best_delta_mt_q}（{best_delta_pct:+.0f}%；运行 {n_runs} 次）。",
        "sum_policy_na": "本版本尚无世界政策模型，因此不显示政策数字。",
        "sum_claims": "源文件及媒体引用的 {n} 条说法中：{supported} 条得到支持，{partly} 条部分支持，{contradicted} 条被否定，{unresolved} 条尚无定论。",
        "more": "详情",
        "defs_title": "本报告用语说明",
        "def_sustainable": "<b>可持续能源</b>：水电、风电、太阳能、其他可再生能源<i>以及核电</i>（比特币矿业委员会和剑桥大学的定义）。<b>可再生能源</b>不含核电。",
        "def_intensity": "<b>碳排放强度</b>：每使用一千瓦时电力排放的二氧化碳当量（克/千瓦时）。排放量 = 用电量 × 排放强度。",
        "def_bounds": "<b>下界与上界（CBECI）</b>：剑桥比特币电力消耗指数的方法。下界假设所有矿工都使用最高效的矿机；上界假设使用在0.05美元/千瓦时电价下仍能盈利的最低效矿机；最佳估计介于两者之间。真实值很可能在上下界之内，但不一定接近最佳估计。",
        "def_bbce": "<b>BBCE 模型</b>：Jiang 等人（《自然·通讯》，2021）用于预测无干预情况下中国比特币能耗的模型。本项目依据论文公式重建了该模型（第 e 节）。",
        "def_scenarios": "<b>情景</b>：“不禁止”是中国从未禁止挖矿的反事实情景；“中国2021年禁令”是实际发生的情况；其余情景在禁令基础上增加一项政策。<b>P5–P95</b>：包含90%模型运行结果的区间。",
        "def_location": "<b>按所在地核算</b>：每个矿场按其所在电网的平均排放计算；除特别说明外，不计购电协议、离网电厂和弃电的抵扣。<b>单位</b>：1 太瓦时（TWh）= 10 亿千瓦时；1 百万吨（Mt）= 100 万吨；1 亿吨 = 100 百万吨；1 吉瓦（GW）= 100 万千瓦。",
        "cite_title": "如何引用这些数字",
        "cite_text": "请引用最佳估计及其上下界和年份，并注明为估算：“据 hashcarbon {version}（数据截至 {last_day}）估算，{year}年比特币挖矿用电约 {v1_best_q}（区间 {v1_lower_q} 至 {v1_upper_q}），按所在地核算排放约 {emissions_q}二氧化碳当量。”模型预测（第 e、f 节）是情景而非预言，请引用其区间和情景名称。第 g 节中的已发表数字请引用其原始来源。",
        "energy_text": "基于每日网络数据运行三种估算方法：CBECI 方法 v1（下界 = 最高效矿机；上界 = 在 {price} 美元/千瓦时电价下仍盈利的最低效矿机；最佳估计 = 盈利矿机的平均值）、其 2023 年修订版（按机龄加权），以及经济模型估算（按收入中用于电费的部分推算）。最近完整年份为 {year}年：最佳估计 {v1_best_q}（v1）、{v23_best_q}（2023 修订版）、{eco_q}（经济模型估算）。迄今最高的完整年份为 {peak_year}年（{peak_twh_q}）。标为“不完整年份”的行只覆盖一年中的一部分。",
        "where_text": "各国（中国细分到省）每月占全网算力的份额。2019年9月之前及2022年1月之后的份额来自有日期的公开数据点和剑桥的历史规则（见方法表）；中国分省份额是依据剑桥 2020 年数据构建的季节性分布。{latest_month} 份额最大的地区为{top_region}（{top_share_pct:.1f}%）。",
        "carbon_text": "按所在地核算的排放：各地区电网结构（OWID/Ember）乘以剑桥 2022 年排放因子，按算力份额加权。{year}年：{emissions_q}（上下界 {emissions_lower_q} 至 {emissions_upper_q}），强度 {intensity:.0f} 克/千瓦时，全球电网 {iea_world:.0f}（IEA）/ {ccaf_world:.0f}（剑桥因子世界系数，沿用最后数据年份）；2021年：{intensity_2021:.0f}，对比 {iea_2021:.0f} / {ccaf_2021:.0f}。年排放量在 {peak_em_year}年最高；强度在 {peak_int_year}年最高。",
        "flows_text": "{year}年全网用电（{energy_q}）按挖矿地区和能源来源分解，以及各能源对应的二氧化碳（按来源因子计 {emissions_from_sources_q}；估算值 {emissions_q}）。中国各省合并为一块；用电不足3%的地区归入“其他地区”。煤电排放 {coal_mt_q}（占二氧化碳的 {coal_pct:.0f}%）。",
        "bbce_text": "在 hashcarbon.sd 上重新实现的 BBCE 模型，四种情景（基准、市场准入、场地监管、碳税），论文图 4 的九条序列（年度）。基准情景峰值：{peak_year}年，{peak_twh_q}，{peak_mt_q}，与论文一致。本项目对 {peak_year}年中国用电的估计（中国算力份额 × 全网用电，CBECI v1）为 {project_q}（上界 {project_upper_q}）；当时中国份额 {china_share_pct:.1f}%。论文预测假设无干预；2021 年禁令改变了情况，因此差距同时包含模型误差和政策影响。",
        "bbce_reading": "<b>这是哪一种读法。</b>论文的补充数据无法获得，因此模型公式取自论文“方法”部分，并校准两个未知参数以重现论文结论（见 docs/bbce.md）。这种读法需要 <b>{pue:.2f}</b> 的电能利用效率（PUE），低于物理下限 1：PUE 吸收了指数型算力拟合的误差——该拟合在 {peak_year}年达到 {hr_model_at_peak:,.0f} EH/s，而实际观测为 {hr_obs_at_peak:,.0f} EH/s。它还<b>颠倒了论文的政策排序</b>：到 {cum_end}年的累计排放，市场准入情景为基准情景的 {ma_over_bm:.2f} 倍，而论文中市场准入会增加排放（场地监管 {sr_over_bm:.2f} 倍，碳税 {ct_over_bm:.2f} 倍）。若取 PUE = 1.0（物理上合理的读法），基准情景在 {pue1_peak_year}年达峰，为 {pue1_peak_twh_q}。请把 BBCE 曲线看作对论文机制的复现，而不是预测。",
        "policy_text": "世界政策模拟器，运行 {n_runs} 次（种子 {seed}；{last_history_month} 之后比特币价格为随机游走）。各分图显示全球年度总量的中位数及 P5–P95；表格给出 2021–2030 年累计用电和排放，以及逐次运行相对“{baseline}”的差值。",
        "policy_drop": "<b>为何所有情景在 {drop_from}年后都下降。</b>所有情景的排放中位数从 {drop_from}年到 {drop_to}年下降 {drop_min_pct:.0f}%–{drop_max_pct:.0f}%。这不是政策效果。在最后数据月份之后，模型中的比特币价格没有趋势（中位数保持在 {price_month} 的水平，比 {drop_from}年均价变化 {price_change_pct:+.0f}%），而区块补贴将于2028年减半：{drop_to}年矿工每个区块的收入仅为 {drop_from}年的 {rev_ratio_pct:.0f}%，这解释了大部分降幅；其余来自模型中投资和淘汰对利润收窄的反应（见 docs/world.md）。如果比特币价格像以往减半后那样上涨，降幅会更小；情景之间的差异比绝对水平更可靠。",
        "policy_na": "本版本 hashcarbon 尚无世界政策模型（hashcarbon.models.world），本节没有数字。由 world.run / world.compare 输出构建本节的代码见 hashcarbon.report.sections.policy_section。",
        "claims_text": "每条说法均引用原文（种子文件为中文），并列出本项目的数字、已发表的最佳数字及其来源，以及按所述规则得出的结论。关于未来年份的说法在该年份有数据之前为“尚无定论”，并说明趋势。",
        "provenance_text": "以上所有内容均在生成报告时由下列数据表和参数计算得出。使用相同版本、数据和种子重新运行会得到相同的数字。",
        "font_note": "系统未安装含中文字形的字体，因此图中标签使用英文。请安装 fonts-noto-cjk（Debian/Ubuntu：apt-get install fonts-noto-cjk）后重新生成报告。",
        "col_claim": "说法",
        "col_quote": "原文（来源）",
        "col_project": "本项目数字",
        "col_published": "已发表数字（来源）",
        "col_verdict": "结论",
        "col_reason": "理由（规则）",
        "supported": "支持",
        "partly-supported": "部分支持",
        "contradicted": "否定",
        "unresolved": "尚无定论",
        "provisional": "初步",
        "tab_yearly": "年度数值",
        "tab_shares": "选定月份的算力份额",
        "tab_methods": "份额的获得方式",
        "tab_regions": "地区",
        "tab_sources": "能源来源",
        "tab_peaks": "各情景的 BBCE 峰值",
        "tab_forecast": "BBCE 基准情景与本项目中国估计对比",
        "tab_cumulative": "各情景 2021–2030 年累计值",
        "tab_joint": "联合不确定性：2021–2030 年累计排放相对禁令和相对不禁止的差值",
        "tab_drivers": "决定差值的因素：一阶效应最大的输入",
        "joint_text": "<b>联合不确定性。</b>下表同时抽样所有不确定输入（{joint_runs} 次运行，Sobol 设计，种子 {joint_seed}：模型参数取其有来源或历史回测的范围，另有容量上限类型、排放因子集、平均或边际核算、电网预测方法和比特币价格路径；见 docs/uncertainty.md），并只保留能重现 2021年6月之前历史记录的 {joint_kept} 次运行（历史匹配）。每行是逐次运行的差值及 P(Δ &lt; 0)；P5–P95 区间包含 0 的差值标为“无法区分”。在这些运行中，豁免方案的排放低于禁令的比例为 {ex_p_neg_pct:.0f}%（P5–P95 为 {ex_p5:+.0f} 至 {ex_p95:+.0f} Mt CO2e：{ex_verdict}）；{ex_driver}一阶效应由同一组运行估计（相关比；无影响的输入约等于噪声下限）。",
        "joint_driver_clear": "最具决定性的输入是 <code>{ex_top_driver}</code>（一阶效应 {ex_top_eta:.2f}，次位输入 {ex_second_eta:.2f}，噪声下限 {ex_noise:.2f}）。",
        "joint_driver_unclear": "在这 {joint_kept} 次运行中没有哪个输入突出：最大的一阶效应（<code>{ex_top_driver}</code>，{ex_top_eta:.2f}）与次位输入（{ex_second_eta:.2f}）或噪声下限（{ex_noise:.2f}）的差别在抽样噪声之内；各输入的排序见 docs/uncertainty.md 中基于数万次运行的 Sobol 指数。",
        "tab_parameters": "参数与软件",
        "tab_data": "数据表及版本",
        "fig": "图",
        "src": "来源",
        "fig_energy_title": "比特币用电量：三种估算方法",
        "fig_energy_take": "{year}年最佳估计 {v1_best_q}，迄今最高的完整年份为 {peak_year}年；阴影为上下界，虚线为减半，红色为2021年中国禁令。",
        "fig_energy_src": "hashcarbon 依据网络数据（算力、币价、手续费）和矿机目录估算；剑桥 CBECI 方法。",
        "fig_where_title": "比特币在哪里挖矿（中国细分到省）",
        "fig_where_take": "中国算力份额2021年4月为 {pre_ban:.0f}%，禁令后2021年7月为 {ban:.0f}%，{latest_month} 为 {latest:.0f}%。",
        "fig_where_src": "剑桥挖矿地图（2019年9月至2022年1月）及有日期的公开数据点；中国分省依据剑桥2020年分布。",
        "fig_map_title": "各国算力份额：禁令前与现在",
        "fig_map_take": "{latest_month} 份额最大的地区为{top_region}，占全网算力 {top_share:.0f}%。",
        "fig_map_src": "与上图相同的份额，按国家汇总（中国各省合计）；每个国家一个方块，大致按地理位置排列（不绘边界，页面可离线使用）。",
        "fig_emissions_title": "比特币挖矿的碳排放",
        "fig_emissions_take": "排放在 {peak_em_year}年达到最高（{peak_em_q}）；{year}年为 {emissions_q}二氧化碳当量。纵轴从零开始。",
        "fig_emissions_src": "hashcarbon 按所在地核算：CBECI v1 用电量 × 算力所在地电网结构（OWID/Ember）× 剑桥2022年排放因子。",
        "fig_intensity_title": "碳排放强度：比特币与全球电网对比",
        "fig_intensity_take": "{year}年比特币用电每千瓦时排放 {intensity:.0f} 克，全球电网为 {iea_world:.0f} 克（IEA）。纵轴从零开始。",
        "fig_intensity_src": "hashcarbon 估算；全球电网：IEA《电力2025》（CC BY 4.0）及剑桥因子应用于全球电力结构。",
        "fig_mix_title": "电力从何而来",
        "fig_mix_take": "{year}年：可持续能源（含核电）占 {sustainable_pct:.0f}%，煤电 {coal_pct:.0f}%，气电 {gas_pct:.0f}%。",
        "fig_mix_src": "各挖矿地点的电网结构（OWID/Ember；中国分省），按算力份额加权。",
        "fig_flows_title": "从哪里、用什么电、排放多少二氧化碳（{year}年）",
        "fig_flows_take": "煤电排放 {coal_mt_q}，占二氧化碳的 {coal_pct:.0f}%；中国各省合计排放 {china_mt_q}（{china_pct:.0f}%）。",
        "fig_flows_src": "hashcarbon 分地区估算（CBECI v1，按所在地核算）及剑桥2022年分来源排放因子。",
        "fig_bbce_series_title": "BBCE 模型：论文图 4 的九条序列，四种情景",
        "fig_bbce_series_take": "在这种读法下，市场准入使累计排放降至基准情景的 {ma_over_bm:.2f} 倍，与论文的排序相反。",
        "fig_bbce_series_src": "hashcarbon 对 Jiang 等（2021）《自然·通讯》12:1938 的重新实现，doi:10.1038/s41467-021-22256-3。",
        "fig_bbce_vs_estimate_title": "中国挖矿用电：BBCE 预测与本项目估计对比",
        "fig_bbce_vs_estimate_take": "原文读法在 {peak_year}年达峰，为 {peak_twh_q}（星号为论文数字）；PUE 取 1.0 时在 {pue1_peak_year}年达峰，为 {pue1_peak_twh_q}；本项目估计中国 {peak_year}年用电 {project_q}。",
        "fig_bbce_vs_estimate_src": "BBCE：Jiang 等（2021），本项目重新实现；本项目估计：中国份额（剑桥地图、公开数据点）× CBECI v1 全网用电。",
        "fig_policy_emissions_title": "各政策情景下的全球排放，2021–2030年",
        "fig_policy_emissions_take": "所有情景的中位数从 {drop_from}年到 {drop_to}年下降 {drop_min_pct:.0f}%–{drop_max_pct:.0f}%：这是比特币价格无趋势假设下2028年减半的结果（见正文），而非政策效果。",
        "fig_policy_emissions_src": "hashcarbon 世界模型，每个情景运行 {n_runs} 次；色带为90%的运行结果。",
        "fig_policy_energy_title": "各政策情景下的全球用电量，2021–2030年",
        "fig_policy_energy_take": "用电量在2028年减半后同样下降；禁令使挖矿迁移，而不是停止。",
        "fig_policy_energy_src": "hashcarbon 世界模型，每个情景运行 {n_runs} 次；色带为90%的运行结果。",
        "interactive": "交互图：悬停查看数值，点击图例可隐藏序列。",
    },
}


def t(lang: str, key: str, **kw) -> str:
    """The text ``key`` in ``lang``, formatted with ``kw``."""
    text = STRINGS[lang][key]
    return text.format(**kw) if kw else text


#: Chinese labels of the table columns (the canonical, unit-carrying names of
#: ``docs/glossary.md`` stay under each label, so a reader can match them to the CSV/JSON).
COLUMN_LABELS_ZH: dict[str, str] = {
    "year": "年份",
    "region": "地区",
    "scenario": "情景",
    "source": "能源来源",
    "method": "方法",
    "partial": "不完整年份",
    "parameter": "参数",
    "value": "取值",
    "table": "数据表",
    "version": "版本",
    "licence": "许可",
    "min": "最早",
    "max": "最晚",
    "ratio": "倍数",
    "cbeci_v1_lower_twh": "CBECI v1 下限 [TWh]",
    "cbeci_v1_best_twh": "CBECI v1 最佳估计 [TWh]",
    "cbeci_v1_upper_twh": "CBECI v1 上限 [TWh]",
    "cbeci_2023_lower_twh": "CBECI 2023 下限 [TWh]",
    "cbeci_2023_best_twh": "CBECI 2023 最佳估计 [TWh]",
    "cbeci_2023_upper_twh": "CBECI 2023 上限 [TWh]",
    "economic_twh": "经济法估计 [TWh]",
    "energy_twh": "电力消耗 [TWh]",
    "energy_twh_best": "电力消耗 最佳估计 [TWh]",
    "emissions_mt": "排放 [Mt CO2e]",
    "emissions_mt_best": "排放 最佳估计 [Mt CO2e]",
    "emissions_mt_lower": "排放 下限 [Mt CO2e]",
    "emissions_mt_upper": "排放 上限 [Mt CO2e]",
    "emissions_at_peak_mt": "峰值年排放 [Mt CO2e]",
    "intensity_g_per_kwh": "碳强度 [gCO2e/kWh]",
    "iea_world": "全球电网 (IEA) [gCO2e/kWh]",
    "ccaf_world": "全球电网 (CCAF 系数) [gCO2e/kWh]",
    "sustainable_share": "可持续能源占比",
    "renewable_share": "可再生能源占比",
    "coal_share": "煤电占比",
    "gas_share": "气电占比",
    "hydro_share": "水电占比",
    "nuclear_share": "核电占比",
    "wind_share": "风电占比",
    "solar_share": "光伏占比",
    "china_share": "中国算力份额",
    "peak_year": "峰值年份",
    "peak_energy_twh": "峰值年电力消耗 [TWh]",
    "bbce_twh": "BBCE 电力消耗 [TWh]",
    "bbce_mt": "BBCE 排放 [Mt CO2e]",
    "project_twh": "本项目估计 [TWh]",
    "project_twh_lower": "本项目估计 下限 [TWh]",
    "project_twh_upper": "本项目估计 上限 [TWh]",
    "project_mt": "本项目估计排放 [Mt CO2e]",
    "delta_energy_twh": "电力消耗差值 [TWh]",
    "delta_emissions_mt": "排放差值 [Mt CO2e]",
    "delta_emissions_mt_p5": "排放差值 P5 [Mt CO2e]",
    "delta_emissions_mt_p95": "排放差值 P95 [Mt CO2e]",
    "delta_emissions_share": "排放相对变化",
    "vs": "对照情景",
    "delta_emissions_mt_p50": "排放差值 P50 [Mt CO2e]",
    "p_delta_negative": "P(Δ < 0)",
    "verdict": "结论",
    "input": "输入",
    "first_order": "一阶效应",
    "spearman_rho": "Spearman 秩相关",
    "noise_floor": "噪声下限",
}

#: Suffixes of ensemble columns (``energy_twh_p50`` ...), labelled after their base name.
_QUANTILE_SUFFIXES = ("_p5", "_p50", "_p95")


def column_label(lang: str, name: str) -> str | None:
    """The translated label of table column ``name`` in ``lang``, or None (English, dates).

    Month columns (``2021-07``) and unknown names return None; ensemble quantile columns
    reuse their base name's label (``energy_twh_p50`` -> label of ``energy_twh`` + P50).
    """
    if lang != "zh":
        return None
    if name in COLUMN_LABELS_ZH:
        return COLUMN_LABELS_ZH[name]
    for suffix in _QUANTILE_SUFFIXES:
        base = name[: -len(suffix)]
        if name.endswith(suffix) and base in COLUMN_LABELS_ZH:
            return f"{COLUMN_LABELS_ZH[base]} {suffix[1:].upper()}"
    return None
