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
        "generated": "Generated by hashcarbon {version} from its embedded data (last data day {last_day}); seed {seed}, {runs} world-model runs.",
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
        "sum_energy": "In {year} Bitcoin mining used <b>{v1_best:.0f} TWh</b> of electricity (CBECI-style bounds {v1_lower:.0f}-{v1_upper:.0f} TWh; an average load of {power_gw:.1f} GW).",
        "sum_carbon": "That emitted about <b>{emissions:.0f} Mt CO2e</b> at <b>{intensity:.0f} gCO2e/kWh</b>, against a world grid of {iea_world:.0f} (IEA) to {ccaf_world:.0f} (CCAF factors); {sustainable_pct:.0f} % of the electricity was sustainable.",
        "sum_where": "China's share of hash rate fell from <b>{pre_ban_pct:.0f} %</b> (Apr 2021) to {ban_pct:.0f} % (Jul 2021), came back to {after_pct:.0f} % (Sep 2021) and is {latest_pct:.0f} % in {latest_month}.",
        "sum_bbce": "BBCE's no-intervention forecast (peak {peak_year}: {peak_twh:.0f} TWh in China) is {ratio:.1f}x the project's estimate of China's actual use that year ({project:.0f} TWh).",
        "sum_policy": "Over {period}, against '{baseline}', the scenario with the largest cut is '{best_scenario}': {best_delta_mt:+.0f} Mt CO2e ({best_delta_pct:+.0f} %).",
        "sum_policy_na": "The world policy model is not available in this version; no policy numbers are shown.",
        "sum_claims": "Of {n} claims in the source documents: {supported} supported, {contradicted} contradicted, {unresolved} unresolved.",
        "more": "details",
        "energy_text": "Three estimators run on the daily network data: CBECI methodology v1 (lower bound = most efficient hardware, upper = least efficient still profitable at {price} USD/kWh, best = average of the profitable basket), its 2023 revision (age-weighted basket), and an economic estimate. The last full year is {year}: best {v1_best:.1f} TWh (v1), {v23_best:.1f} TWh (2023 revision), {eco:.1f} TWh (economic). The highest full year so far is {peak_year} ({peak_twh:.1f} TWh). Rows marked partial cover only part of a year.",
        "where_text": "Monthly shares of network hash rate by country, with China split by province. Before Sep 2019 and after Jan 2022 the shares come from dated published points and Cambridge's historical rule (see the methods table); China's province split is a seasonal profile built from Cambridge's 2020 figures. In {latest_month} the largest region is {top_region} ({top_share_pct:.1f} %).",
        "carbon_text": "Location-based emissions: each region's grid mix (OWID/Ember) times Cambridge's 2022 emission factors, weighted by hash-rate share. In {year}: {emissions:.1f} Mt (bounds {emissions_lower:.1f}-{emissions_upper:.1f}), {intensity:.0f} gCO2e/kWh vs world grid {iea_world:.0f} (IEA) / {ccaf_world:.0f} (CCAF-factor world coefficient, last data year held); 2021: {intensity_2021:.0f} vs {iea_2021:.0f} / {ccaf_2021:.0f}. Annual emissions peak in {peak_em_year}; intensity is highest in {peak_int_year}.",
        "flows_text": "Electricity of the {year} network ({energy:.1f} TWh) by mining region and energy source, and the CO2 of each source ({emissions_from_sources:.1f} Mt from source factors; {emissions:.1f} Mt in the estimate). Coal gives {coal_mt:.1f} Mt ({coal_pct:.0f} % of the CO2). The largest emitter is {top_region} ({top_region_mt:.1f} Mt). Left links are scaled by TWh, right links by Mt.",
        "bbce_text": "The BBCE model re-implemented on hashcarbon.sd, four scenarios (benchmark, market access, site regulation, carbon tax), the nine series of the paper's Fig. 4 (annual). Benchmark peak: {peak_year}, {peak_twh:.1f} TWh and {peak_mt:.1f} Mt. The project's estimate of China's energy (China's hash-rate share x network energy, cbeci-v1) in {peak_year} is {project:.1f} TWh (upper bound {project_upper:.1f}); China's share then was {china_share_pct:.1f} %. The paper's forecast assumed no intervention; the 2021 ban intervened, so the gap mixes model error with the policy's effect.",
        "policy_text": "The world policy simulator, {n_runs} runs (seed {seed}; stochastic BTC price after {last_history_month}). Fan charts show the median and P5-P95 of annual world totals; the table gives cumulative 2021-2030 energy and emissions and the run-by-run differences from '{baseline}'.",
        "policy_na": "The world policy model (hashcarbon.models.world) is not available in this version of hashcarbon, so this section has no numbers. The code path that builds it from world.run / world.compare output is in hashcarbon.report.sections.policy_section.",
        "claims_text": "Each claim is quoted from the seed documents (Chinese original), with the project's number, the best published number and its source, and a verdict from the stated rule.",
        "provenance_text": "Everything above is computed at report time from the data tables listed below with these parameters. Re-running with the same version, data and seed gives the same numbers.",
        "font_note": "No CJK font is installed, so figure labels are in English.",
        "col_claim": "Claim",
        "col_quote": "Quote (source)",
        "col_project": "Project's number",
        "col_published": "Published number (source)",
        "col_verdict": "Verdict",
        "col_reason": "Reason (rule)",
        "supported": "supported",
        "contradicted": "contradicted",
        "unresolved": "unresolved",
        "tab_yearly": "Yearly values",
        "tab_shares": "Shares of hash rate at selected months",
        "tab_methods": "How the shares were obtained",
        "tab_regions": "Regions",
        "tab_sources": "Energy sources",
        "tab_peaks": "BBCE peaks by scenario",
        "tab_forecast": "BBCE benchmark vs the project's China estimate",
        "tab_cumulative": "Cumulative 2021-2030 by scenario",
        "tab_parameters": "Parameters and software",
        "tab_data": "Data tables and versions",
        "fig": "Figure",
    },
    "zh": {
        "html_lang": "zh-CN",
        "title": "hashcarbon 报告：比特币挖矿的电力、能源结构与碳排放",
        "other_lang": "English",
        "generated": "由 hashcarbon {version} 基于内置数据生成（数据截至 {last_day}）；随机种子 {seed}，世界模型运行 {runs} 次。",
        "toc": "目录",
        "summary": "摘要",
        "sec_energy": "（a）用电量：2014年至 {last_day}",
        "sec_where": "（b）挖矿地点",
        "sec_carbon": "（c）碳排放：排放量、强度与电力结构",
        "sec_flows": "（d）碳排放流（{year}年）",
        "sec_bbce": "（e）BBCE 模型复现（Jiang 等，2021）",
        "sec_policy": "（f）政策比较（世界模型）",
        "sec_claims": "（g）说法与证据对照",
        "sec_provenance": "（h）假设与数据来源",
        "sum_energy": "{year}年比特币挖矿用电 <b>{v1_best:.0f} TWh</b>（CBECI 式上下界 {v1_lower:.0f}–{v1_upper:.0f} TWh；平均负荷 {power_gw:.1f} GW）。",
        "sum_carbon": "相应排放约 <b>{emissions:.0f} 百万吨 CO2e</b>，强度 <b>{intensity:.0f} gCO2e/kWh</b>；全球电网平均为 {iea_world:.0f}（IEA）至 {ccaf_world:.0f}（CCAF 因子）；可持续电力占 {sustainable_pct:.0f}%。",
        "sum_where": "中国算力占比由 <b>{pre_ban_pct:.0f}%</b>（2021年4月）降至 {ban_pct:.0f}%（2021年7月），2021年9月回升至 {after_pct:.0f}%，{latest_month} 为 {latest_pct:.0f}%。",
        "sum_bbce": "BBCE 无干预预测（{peak_year}年达峰，中国 {peak_twh:.0f} TWh）是本项目对当年中国实际用电估计（{project:.0f} TWh）的 {ratio:.1f} 倍。",
        "sum_policy": "在 {period} 期间，相对于“{baseline}”，减排最多的情景为“{best_scenario}”：{best_delta_mt:+.0f} 百万吨 CO2e（{best_delta_pct:+.0f}%）。",
        "sum_policy_na": "本版本尚无世界政策模型，因此不显示政策数字。",
        "sum_claims": "源文件中共 {n} 条说法：{supported} 条得到支持，{contradicted} 条被否定，{unresolved} 条无定论。",
        "more": "详情",
        "energy_text": "基于每日网络数据运行三种估算方法：CBECI 方法 v1（下界 = 最高效矿机；上界 = 在 {price} 美元/kWh 电价下仍盈利的最低效矿机；最佳估计 = 盈利矿机的平均值）、其 2023 年修订版（按机龄加权），以及经济学估算。最近完整年份为 {year}年：最佳估计 {v1_best:.1f} TWh（v1）、{v23_best:.1f} TWh（2023 修订）、{eco:.1f} TWh（经济学）。迄今最高的完整年份为 {peak_year}年（{peak_twh:.1f} TWh）。标为“部分”的行只覆盖一年中的一部分。",
        "where_text": "各国（中国细分到省）每月占全网算力的份额。2019年9月之前及2022年1月之后的份额来自有日期的公开数据点和剑桥的历史规则（见方法表）；中国分省份额是依据剑桥 2020 年数据构建的季节性剖面。{latest_month} 份额最大的地区为 {top_region}（{top_share_pct:.1f}%）。",
        "carbon_text": "基于地点的排放：各地区电网结构（OWID/Ember）乘以剑桥 2022 年排放因子，按算力份额加权。{year}年：{emissions:.1f} 百万吨（上下界 {emissions_lower:.1f}–{emissions_upper:.1f}），{intensity:.0f} gCO2e/kWh，全球电网 {iea_world:.0f}（IEA）/ {ccaf_world:.0f}（CCAF 因子世界系数，最后数据年份延用）；2021年：{intensity_2021:.0f}，对比 {iea_2021:.0f} / {ccaf_2021:.0f}。年排放量在 {peak_em_year}年最高；强度在 {peak_int_year}年最高。",
        "flows_text": "{year}年全网用电（{energy:.1f} TWh）按挖矿地区和能源来源分解，以及各能源的 CO2（按来源因子计 {emissions_from_sources:.1f} 百万吨；估算值 {emissions:.1f} 百万吨）。煤电贡献 {coal_mt:.1f} 百万吨（占 CO2 的 {coal_pct:.0f}%）。排放最多的地区为 {top_region}（{top_region_mt:.1f} 百万吨）。左侧流宽按 TWh，右侧按百万吨。",
        "bbce_text": "在 hashcarbon.sd 上重新实现的 BBCE 模型，四种情景（基准、市场准入、场地监管、碳税），论文图 4 的九条序列（年度）。基准情景峰值：{peak_year}年，{peak_twh:.1f} TWh，{peak_mt:.1f} 百万吨。本项目对 {peak_year}年中国用电的估计（中国算力份额 × 全网用电，cbeci-v1）为 {project:.1f} TWh（上界 {project_upper:.1f}）；当时中国份额 {china_share_pct:.1f}%。论文预测假设无干预；2021 年禁令改变了情况，因此差距同时包含模型误差和政策影响。",
        "policy_text": "世界政策模拟器，运行 {n_runs} 次（种子 {seed}；{last_history_month} 之后比特币价格为随机路径）。扇形图显示全球年度总量的中位数及 P5–P95；表格给出 2021–2030 年累计用电和排放，以及逐次运行相对“{baseline}”的差值。",
        "policy_na": "本版本 hashcarbon 尚无世界政策模型（hashcarbon.models.world），本节没有数字。由 world.run / world.compare 输出构建本节的代码见 hashcarbon.report.sections.policy_section。",
        "claims_text": "每条说法均引自源文件（中文原文），并列出本项目的数字、已发表的最佳数字及其来源，以及按所述规则得出的结论。",
        "provenance_text": "以上所有内容均在生成报告时由下列数据表和参数计算得出。使用相同版本、数据和种子重新运行会得到相同的数字。",
        "font_note": "系统未安装中文字体，因此图中标签使用英文。",
        "col_claim": "说法",
        "col_quote": "原文（来源）",
        "col_project": "本项目数字",
        "col_published": "已发表数字（来源）",
        "col_verdict": "结论",
        "col_reason": "理由（规则）",
        "supported": "支持",
        "contradicted": "否定",
        "unresolved": "无定论",
        "tab_yearly": "年度数值",
        "tab_shares": "选定月份的算力份额",
        "tab_methods": "份额的获得方式",
        "tab_regions": "地区",
        "tab_sources": "能源来源",
        "tab_peaks": "各情景的 BBCE 峰值",
        "tab_forecast": "BBCE 基准情景与本项目中国估计对比",
        "tab_cumulative": "各情景 2021–2030 年累计值",
        "tab_parameters": "参数与软件",
        "tab_data": "数据表及版本",
        "fig": "图",
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
