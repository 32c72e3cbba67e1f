"""Dashboard text in English and Chinese.

Terms shared with the report (column labels, verdicts, section titles) are READ from
:mod:`hashcarbon.report.i18n` through :func:`report_text` and :func:`column`, the only
two places this package touches the report's translations; the dashboard's own
controls (buttons, page names, hints) are in :data:`UI` below.
"""

from __future__ import annotations

LANGS = ("en", "zh")
LANG_NAMES = {"en": "English", "zh": "中文"}


def report_text(lang: str, key: str, default: str = "", **kw) -> str:
    """A string of the report's translation table, or ``default`` when it has none."""
    from hashcarbon.report import i18n

    try:
        return i18n.t(lang, key, **kw)
    except (KeyError, AttributeError, IndexError, ValueError):
        return default


def column(lang: str, name: str) -> str:
    """Label of table column ``name`` in ``lang`` (the report's label, else the name itself)."""
    from hashcarbon.report import i18n

    label = None
    fn = getattr(i18n, "column_label", None)
    if fn is not None:
        try:
            label = fn(lang, name)
        except (KeyError, ValueError):
            label = None
    return label or name


UI: dict[str, dict[str, str]] = {
    "en": {
        "app_title": "hashcarbon dashboard",
        "language": "Language",
        "data_layer": "Data: {layer}",
        "page_today": "Today and history",
        "page_where": "Where",
        "page_policy": "Policy lab",
        "page_bbce": "BBCE replication",
        "page_claims": "Claims",
        "download_csv": "CSV of this chart",
        "method": "Method",
        "price": "Electricity price [USD/kWh]",
        "factors": "Emission factors",
        "accounting": "Accounting",
        "start_year": "From year",
        "bounds_title": "Electricity use, monthly (annualised) [TWh/yr]",
        "bound_metric": "Upper bound, {month} [TWh/yr]",
        "best_metric": "Best guess, {month} [TWh/yr]",
        "lower_metric": "Lower bound, {month} [TWh/yr]",
        "emissions_title": "Emissions, monthly [Mt CO2e]",
        "intensity_title": "Carbon intensity of the mining electricity vs the world grid [gCO2e/kWh]",
        "markers_note": "Dotted lines: halvings (block header dates); dashed: China's 2021 ban steps (Inner Mongolia 9 Mar, State Council 21 May, Sichuan 18 Jun, NDRC 1283 24 Sep).",
        "grid_note": "World grid: IEA series and the world coefficient of Cambridge's factors on OWID/Ember mixes (last data year held).",
        "mix_title": "Sustainable and renewable share of the mining electricity [0-1]",
        "mix_note": "Location-based: each region's grid mix weighted by its hash-rate share (the evidence of the sustainable-share claims).",
        "map_title": "Share of network hash rate, {month}",
        "month": "Month",
        "method_observed": "observed (Cambridge mining map)",
        "method_interpolated": "interpolated between dated published points",
        "method_assumed": "assumed (Cambridge's historical rule before Sep 2019)",
        "method_carried": "carried forward from the last dated point",
        "method_anchor": "province split at Cambridge's 2020 seasonal anchor months (profile, not this month's data)",
        "method_exit": "province set to zero by a sourced exit order",
        "month_flag": "This month's shares are **{flag}**.",
        "stacked_title": "Shares of hash rate by region [0-1]",
        "shade_note": "Shaded months are not observed: grey = assumed (before Sep 2019), yellow = interpolated, orange = carried forward, blue = China's province split taken from the 2020 seasonal anchors, purple = a province set to zero by an exit order.",
        "scenario_source": "Scenario",
        "builtin": "Built-in scenario",
        "upload": "Upload a scenario TOML",
        "baseline": "Baseline",
        "levers": "Levers",
        "price_path": "BTC price path",
        "policy_n": "Policy {i}: {type}",
        "runs": "Runs",
        "seed": "Seed",
        "uncertainty": "Uncertainty mode",
        "unc_price": "price (stochastic BTC price paths after the last data month)",
        "unc_parameters": "parameters (joint: sampled model parameters and structural choices)",
        "unc_all": "all (joint: parameters and the stochastic BTC price path)",
        "joint_title": "Δ {scenario} − {baseline}, cumulative {window}, run by run "
        "(common random numbers; uncertainty '{mode}')",
        "joint_delta": "Δ emissions, P50 [Mt CO2e]",
        "joint_verdict": "Emissions verdict",
        "not distinguishable": "not distinguishable",
        "lower": "lower",
        "higher": "higher",
        "joint_caption": "Δ = scenario − baseline in each run; P5/P50/P95 over the runs; "
        "'not distinguishable' when the P5–P95 interval of Δ contains 0 "
        "(hashcarbon.uncertainty.compare_table; docs/uncertainty.md).",
        "download_delta": "Δ table (CSV)",
        "run": "Run",
        "running": "Running {n} runs of '{scenario}' and '{baseline}'...",
        "fan_title": "World emissions per year, P5-P95 band and median [Mt CO2e/yr]",
        "delta_title": "Cumulative {period}, run by run against '{baseline}'",
        "delta_median": "Δ emissions, median [Mt CO2e]",
        "p_below": "P(Δ < 0)",
        "flow_year": "Year of the flows",
        "flows_title": "Region → source → CO2, {year} (median run) [TWh, then Mt CO2e]",
        "download_toml": "Scenario (TOML)",
        "download_results": "Results (CSV)",
        "download_nc": "Results (netCDF)",
        "press_run": "Edit the levers and press Run.",
        "edited": "(edited)",
        "scenario_error": "Scenario error: {msg}",
        "bbce_closures": "Closures (the paper's ambiguities)",
        "bbce_series": "Series",
        "bbce_title": "BBCE, China, four scenarios ({series})",
        "bbce_headline": "Paper's published point (2024: 296.59 TWh, 130.50 Mt)",
        "bbce_reading": "Reading used",
        "bbce_ranking": "Cumulative emissions 2014-2029 relative to the benchmark",
        "claims_intro": "Each claim with the project's number, the published number, the verdict and the rule; the last column opens the page with its evidence.",
        "evidence_page": "Evidence",
        "claims_runs": "World-model runs for the forecast claims",
        "no_updated": "No updated data layer is available in this version; showing the embedded data.",
    },
    "zh": {
        "app_title": "hashcarbon 仪表板",
        "language": "语言",
        "data_layer": "数据：{layer}",
        "page_today": "当前与历史",
        "page_where": "挖矿地点",
        "page_policy": "政策实验室",
        "page_bbce": "BBCE 模型复现",
        "page_claims": "说法核查",
        "download_csv": "下载本图数据（CSV）",
        "method": "估算方法",
        "price": "电价 [美元/kWh]",
        "factors": "排放因子",
        "accounting": "核算方式",
        "start_year": "起始年份",
        "bounds_title": "用电量，按月（年化）[TWh/年]",
        "bound_metric": "上限，{month} [TWh/年]",
        "best_metric": "最佳估计，{month} [TWh/年]",
        "lower_metric": "下限，{month} [TWh/年]",
        "emissions_title": "排放量，按月 [百万吨 CO2e]",
        "intensity_title": "挖矿用电碳强度与全球电网对比 [gCO2e/kWh]",
        "markers_note": "点线：减半（区块头日期）；虚线：2021 年中国禁令各步骤（内蒙古 3月9日、国务院金融委 5月21日、四川 6月18日、发改委 1283 号文 9月24日）。",
        "grid_note": "全球电网：IEA 序列，以及剑桥排放因子作用于 OWID/Ember 电力结构得到的世界系数（最后数据年份延用）。",
        "mix_title": "挖矿用电中可持续与可再生能源占比 [0-1]",
        "mix_note": "基于地点：各地区电网结构按算力份额加权（可持续能源占比类说法的证据）。",
        "map_title": "全网算力份额，{month}",
        "month": "月份",
        "method_observed": "观测值（剑桥挖矿地图）",
        "method_interpolated": "在有日期的公开数据点之间插值",
        "method_assumed": "假设值（2019年9月之前采用剑桥历史规则）",
        "method_carried": "沿用最后一个有日期的数据点",
        "method_anchor": "分省份额取自剑桥 2020 年季节性锚点月份（剖面，非当月数据）",
        "method_exit": "依据有来源的退出令将该省设为零",
        "month_flag": "本月份额为**{flag}**。",
        "stacked_title": "各地区算力份额 [0-1]",
        "shade_note": "阴影月份非观测值：灰 = 假设（2019年9月前），黄 = 插值，橙 = 沿用，蓝 = 中国分省份额取自 2020 年季节性锚点，紫 = 依退出令设为零的省份。",
        "scenario_source": "情景",
        "builtin": "内置情景",
        "upload": "上传情景 TOML 文件",
        "baseline": "基准情景",
        "levers": "政策杠杆",
        "price_path": "比特币价格路径",
        "policy_n": "政策 {i}：{type}",
        "runs": "运行次数",
        "seed": "随机种子",
        "uncertainty": "不确定性模式",
        "unc_price": "价格（最后数据月之后的随机比特币价格路径）",
        "unc_parameters": "参数（联合：抽样的模型参数与结构选择）",
        "unc_all": "全部（联合：参数与随机比特币价格路径）",
        "joint_title": "差值 {scenario} − {baseline}，{window} 累计，逐次运行"
        "（公共随机数；不确定性“{mode}”）",
        "joint_delta": "排放差值 P50 [百万吨 CO2e]",
        "joint_verdict": "排放结论",
        "not distinguishable": "无法区分",
        "lower": "更低",
        "higher": "更高",
        "joint_caption": "差值 = 情景 − 基准（每次运行）；P5/P50/P95 取自各次运行；"
        "若差值的 P5–P95 区间包含 0，则为“无法区分”"
        "（hashcarbon.uncertainty.compare_table；docs/uncertainty.md）。",
        "download_delta": "差值表 (CSV)",
        "run": "运行",
        "running": "正在运行“{scenario}”与“{baseline}”各 {n} 次……",
        "fan_title": "全球年排放量，P5–P95 区间与中位数 [百万吨 CO2e/年]",
        "delta_title": "{period} 累计值，逐次运行相对“{baseline}”的差值",
        "delta_median": "排放差值中位数 [百万吨 CO2e]",
        "p_below": "P(差值 < 0)",
        "flow_year": "碳流年份",
        "flows_title": "地区 → 能源 → CO2，{year}年（中位运行）[TWh，随后百万吨 CO2e]",
        "download_toml": "情景（TOML）",
        "download_results": "结果（CSV）",
        "download_nc": "结果（netCDF）",
        "press_run": "修改政策杠杆后点击“运行”。",
        "edited": "（已修改）",
        "scenario_error": "情景错误：{msg}",
        "bbce_closures": "闭合假设（论文未明确之处）",
        "bbce_series": "序列",
        "bbce_title": "BBCE，中国，四种情景（{series}）",
        "bbce_headline": "论文公布的数据点（2024年：296.59 TWh，130.50 百万吨）",
        "bbce_reading": "采用的解读",
        "bbce_ranking": "2014–2029 年累计排放相对基准情景",
        "claims_intro": "每条说法列出本项目数字、已发表数字、结论及规则；最后一列打开展示其证据的页面。",
        "evidence_page": "证据",
        "claims_runs": "预测类说法使用的世界模型运行次数",
        "no_updated": "本版本没有更新数据层；显示内置数据。",
    },
}


def tr(lang: str, key: str, **kw) -> str:
    """Dashboard text ``key`` in ``lang`` (English if a Chinese string is missing)."""
    table = UI.get(lang, UI["en"])
    text = table.get(key, UI["en"].get(key, key))
    return text.format(**kw) if kw else text
