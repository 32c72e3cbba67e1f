"""Page 3, policy lab: edit a scenario's levers, run the world model, compare with a baseline."""

from __future__ import annotations

import copy
import hashlib
import json

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from hashcarbon.dashboard import _data, _forms, _ui
from hashcarbon.dashboard._i18n import tr
from hashcarbon.errors import HashcarbonError
from hashcarbon.models.world.inputs import region_codes
from hashcarbon.scenario import PricePath, builtin_names

DEFAULT_SCENARIO = "clean-exemption"
DEFAULT_RUNS = 100
MAX_RUNS = 1000


def _source_table(lg: str) -> tuple[dict | None, str]:
    """The scenario table chosen (built-in or upload) and a name; None after a bad upload."""
    c1, c2 = st.columns([1, 2])
    kind = c1.radio(
        tr(lg, "scenario_source"),
        ("builtin", "upload"),
        format_func=lambda k: tr(lg, k),
        key="pl_source",
    )
    if kind == "builtin":
        names = builtin_names()
        name = c2.selectbox(
            tr(lg, "builtin"), names, index=names.index(DEFAULT_SCENARIO), key="pl_builtin"
        )
        return _data.builtin_toml(name), name
    up = c2.file_uploader(tr(lg, "upload"), type=["toml"], key="pl_upload")
    if up is None:
        return None, ""
    try:
        return _data.read_upload(up.name, up.getvalue()), up.name
    except HashcarbonError as exc:
        _ui.error_line(tr(lg, "scenario_error", msg=str(exc)))
        return None, up.name


def _working_table(table: dict, name: str) -> dict:
    """The table being edited, reset (with its lever widgets) when the source changes."""
    ident = hashlib.sha256(json.dumps(table, sort_keys=True, default=str).encode()).hexdigest()
    if st.session_state.get("pl_ident") != ident:
        for k in [k for k in st.session_state if str(k).startswith("lever_")]:
            del st.session_state[k]
        st.session_state["pl_ident"] = ident
        st.session_state["pl_table"] = copy.deepcopy(table)
        st.session_state.pop("pl_result", None)
    return st.session_state["pl_table"]


def _levers(table: dict, lg: str, codes: list[str]) -> tuple[dict, bool, int, int, str]:
    """The lever form; returns (edited table, submitted, runs, seed, mode)."""
    models = _forms.policy_models()
    with st.form("levers"):
        st.subheader(tr(lg, "levers"))
        with st.expander(tr(lg, "price_path"), expanded=False):
            price = _forms.model_form(PricePath, table.get("price", {}), "lever_price", codes)
        policies = []
        for i, pol in enumerate(table.get("policy", []) or []):
            kind = pol.get("type")
            st.markdown(
                f"**{tr(lg, 'policy_n', i=i, type=kind)}** — {'regions' if lg == 'en' else '地区'} "
                f"{', '.join(pol.get('regions', []))}"
            )
            if kind not in models:
                policies.append(pol)
                continue
            with st.container(border=True):
                edited = _forms.model_form(models[kind], pol, f"lever_{i}", codes)
                keep = st.checkbox(
                    "keep" if lg == "en" else "保留", value=True, key=f"lever_{i}_keep"
                )
            if keep:
                policies.append({"type": kind, **edited})
        c1, c2, c3 = st.columns(3)
        runs = c1.number_input(tr(lg, "runs"), 1, MAX_RUNS, DEFAULT_RUNS, step=50, key="pl_runs")
        seed = c2.number_input(tr(lg, "seed"), 0, 2**31 - 1, 0, step=1, key="pl_seed")
        mode = c3.selectbox(
            tr(lg, "uncertainty"),
            _data.UNCERTAINTY_MODES,
            format_func=lambda m: tr(lg, f"unc_{m}"),
            key=f"pl_mode_{lg}",  # per language: the browser keeps option labels of a key
        )
        submitted = st.form_submit_button(tr(lg, "run"), type="primary")
    out = {k: v for k, v in table.items() if k not in ("price", "policy")}
    out["price"] = price
    out["policy"] = policies
    return out, submitted, int(runs), int(seed), str(mode)


def _add_policy(lg: str) -> None:
    models = _forms.policy_models()
    c1, c2 = st.columns([2, 1])
    kind = c1.selectbox(
        "add a policy" if lg == "en" else "添加政策", list(models), key="pl_add_kind"
    )
    if c2.button("+ add" if lg == "en" else "+ 添加", key="pl_add"):
        table = st.session_state["pl_table"]
        table.setdefault("policy", []).append(_forms.new_policy(kind))
        st.session_state.pop("pl_result", None)


def fan_figure(fans: pd.DataFrame, title: str) -> go.Figure:
    fig = go.Figure()
    colours = {"baseline": "#7f7f7f", "scenario": "#d62728"}
    for role, g in fans.groupby("role", sort=False):
        c = colours.get(role, "#1f77b4")
        name = str(g["scenario"].iloc[0])
        fig.add_trace(
            go.Scatter(
                x=g["year"],
                y=g["emissions_mt_p95"],
                mode="lines",
                line={"width": 0},
                showlegend=False,
                hoverinfo="skip",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=g["year"],
                y=g["emissions_mt_p5"],
                fill="tonexty",
                mode="lines",
                line={"width": 0},
                fillcolor=_rgba(c, 0.2),
                name=f"{name} P5-P95",
                hoverinfo="skip",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=g["year"],
                y=g["emissions_mt_p50"],
                name=f"{name} P50",
                mode="lines",
                line={"color": c, "width": 2},
            )
        )
    fig.update_layout(title=title, yaxis_title="Mt CO2e/yr", height=420)
    return fig


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


#: Supply node names of :func:`hashcarbon.dashboard._data.flows` in Chinese.
SUPPLY_ZH = {"sustainable": "可持续电力", "grid, non-sustainable": "电网（非可持续）"}


def sankey(links: pd.DataFrame, title: str, sustainable: str = "sustainable") -> go.Figure:
    """Three columns: regions (by energy), supply (sustainable / grid), CO2."""
    nodes = list(dict.fromkeys([*links["source"], *links["target"]]))
    idx = {n: i for i, n in enumerate(nodes)}
    supply = set(links.loc[links["target"] != "CO2", "target"])
    regions = [n for n in nodes if n not in supply and n != "CO2"]
    out_twh = links[links["target"].isin(supply)].groupby("source")["value"].sum()
    total = float(out_twh.sum()) or 1.0
    x, y, colours = [], [], []
    pos, acc = {}, 0.0
    for n in regions:  # stacked top to bottom in proportion to their energy
        h = float(out_twh.get(n, 0.0)) / total
        pos[n] = 0.02 + 0.96 * (acc + h / 2)
        acc += h
    for n in nodes:
        if n in pos:
            x.append(0.01)
            y.append(pos[n])
            colours.append("#1f77b4")
        elif n == sustainable:
            x.append(0.5)
            y.append(0.15)
            colours.append("#2ca02c")
        elif n in supply:
            x.append(0.5)
            y.append(0.65)
            colours.append("#7f7f7f")
        else:
            x.append(0.99)
            y.append(0.65)
            colours.append("#d62728")
    fig = go.Figure(
        go.Sankey(
            arrangement="snap",
            node={"label": nodes, "color": colours, "pad": 6, "thickness": 14, "x": x, "y": y},
            link={
                "source": [idx[s] for s in links["source"]],
                "target": [idx[t] for t in links["target"]],
                "value": links["value"],
                "customdata": links["unit"],
                "color": "rgba(120,120,120,0.25)",
                "hovertemplate": "%{source.label} → %{target.label}: %{value:.2f} %{customdata}"
                "<extra></extra>",
            },
            textfont={"color": "#111", "size": 11},
        )
    )
    fig.update_layout(title=title, height=560, hovermode=False)
    return fig


def render() -> None:
    lg = _ui.lang()
    st.title(tr(lg, "page_policy"))
    codes = list(region_codes())
    table, name = _source_table(lg)
    if table is None:
        st.info(tr(lg, "press_run"))
        return
    work = _working_table(table, name)
    names = builtin_names()
    ext = (work.get("scenario") or {}).get("extends")
    base_default = ext if ext in names else "no-ban"
    baseline = st.selectbox(
        tr(lg, "baseline"), names, index=names.index(base_default), key="pl_baseline"
    )
    inherited = _data.inherited_policies(work)
    if inherited:
        with st.expander(
            f"{len(inherited)} policies inherited from '{ext}' (read-only)"
            if lg == "en"
            else f"继承自“{ext}”的 {len(inherited)} 项政策（只读）"
        ):
            st.dataframe(pd.DataFrame(inherited).astype(str), hide_index=True)
    _add_policy(lg)
    edited, submitted, runs, seed, mode = _levers(work, lg, codes)
    if submitted:
        try:
            _data.validate(edited, where=f"{name} {tr(lg, 'edited')}")
        except HashcarbonError as exc:
            _ui.error_line(tr(lg, "scenario_error", msg=str(exc)))
            st.session_state.pop("pl_result", None)
            return
        st.session_state["pl_table"] = edited
        st.session_state["pl_result"] = {
            "table": edited,
            "runs": runs,
            "seed": seed,
            "mode": mode,
            "baseline": baseline,
        }
    res = st.session_state.get("pl_result")
    if not res:
        st.info(tr(lg, "press_run"))
        return
    show_results(res, lg)


def show_joint(res: dict, lg: str) -> None:
    """Joint uncertainty (``parameters`` / ``all``): the Δ table of ``compare_table``."""
    table, runs, seed, mode = res["table"], res["runs"], res["seed"], res["mode"]
    scen_name = table["scenario"]["name"]
    try:
        _data.check_joint(mode, runs)
        with st.spinner(tr(lg, "running", n=runs, scenario=scen_name, baseline=res["baseline"])):
            ds, delta, key = _ui.joint(table, res["baseline"], runs, seed, mode)
    except HashcarbonError as exc:
        _ui.error_line(tr(lg, "scenario_error", msg=str(exc)))
        return
    em = delta[delta["output"] == "emissions_mt"].iloc[0]
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(
        tr(lg, "joint_delta"),
        f"{em['delta_p50']:+.1f}",
        help=f"{ds.attrs.get('window', '')}, {runs} runs, seed {seed}, {mode}, key {key}",
    )
    c2.metric("P5 / P95 [Mt CO2e]", f"{em['delta_p5']:+.1f} / {em['delta_p95']:+.1f}")
    c3.metric(tr(lg, "p_below"), f"{em['p_delta_negative']:.2f}")
    c4.metric(tr(lg, "joint_verdict"), tr(lg, str(em["verdict"])))
    st.subheader(
        tr(
            lg,
            "joint_title",
            scenario=em["scenario"],
            baseline=em["vs"],
            window=ds.attrs.get("window", ""),
            mode=mode,
        )
    )
    shown = delta.assign(verdict=[tr(lg, str(v)) for v in delta["verdict"]])
    st.dataframe(
        shown,
        hide_index=True,
        key="pl_joint_delta",
        column_config={
            c: st.column_config.NumberColumn(c, format="%.2f")
            for c in ("delta_p5", "delta_p50", "delta_p95", "p_delta_negative")
        },
    )
    st.caption(tr(lg, "joint_caption"))
    d1, d2 = st.columns(2)
    d1.download_button(
        tr(lg, "download_delta"),
        delta.to_csv(index=False).encode("utf-8"),
        file_name=f"{scen_name}_delta_{mode}.csv",
        mime="text/csv",
        key="dl_joint_csv",
    )
    d2.download_button(
        tr(lg, "download_toml"),
        _data.to_toml(table).encode(),
        file_name=f"{scen_name}.toml",
        mime="application/toml",
        key="dl_toml",
    )


def show_results(res: dict, lg: str) -> None:
    table, runs, seed, mode = res["table"], res["runs"], res["seed"], res["mode"]
    if mode in _data.JOINT_MODES:
        show_joint(res, lg)
        return
    scen_name = table["scenario"]["name"]
    with st.spinner(tr(lg, "running", n=runs, scenario=scen_name, baseline=res["baseline"])):
        try:
            summary, key = _ui.summary(table, runs, seed, mode)
            base, _ = _ui.summary(_data.builtin_toml(res["baseline"]), runs, seed, mode)
        except HashcarbonError as exc:
            _ui.error_line(tr(lg, "scenario_error", msg=str(exc)))
            return
    delta = _data.delta_table(summary, base)
    em = delta[delta["variable"] == "emissions_mt"].iloc[0]
    c1, c2, c3 = st.columns(3)
    c1.metric(
        tr(lg, "delta_median"),
        f"{em['delta_p50']:+.1f}",
        help=f"{em['period']}, {runs} runs, seed {seed}, key {key}",
    )
    c2.metric("P5 / P95 [Mt CO2e]", f"{em['delta_p5']:+.1f} / {em['delta_p95']:+.1f}")
    c3.metric(tr(lg, "p_below"), f"{em['p_delta_below_0']:.2f}")
    fans = pd.concat(
        [
            _data.fan(base).assign(role="baseline", scenario=res["baseline"]),
            _data.fan(summary).assign(role="scenario", scenario=scen_name),
        ],
        ignore_index=True,
    )
    fans = fans[(fans["year"] >= 2018)]
    _ui.chart(fan_figure(fans, tr(lg, "fan_title")), fans, "policy_fan", lg)
    st.subheader(tr(lg, "delta_title", period=em["period"], baseline=res["baseline"]))
    st.dataframe(
        delta,
        hide_index=True,
        key="pl_delta",
        column_config={
            c: st.column_config.NumberColumn(c, format="%.2f")
            for c in delta.columns
            if c != "runs" and pd.api.types.is_float_dtype(delta[c])
        },
    )
    years = [int(y) for y in summary["year"].to_numpy()]
    year = st.select_slider(
        tr(lg, "flow_year"),
        options=years,
        value=2025 if 2025 in years else years[-1],
        key="pl_flow_year",
    )
    links = _data.flows(summary, int(year))
    sust = "sustainable"
    if lg == "zh":
        links = links.replace({"source": SUPPLY_ZH, "target": SUPPLY_ZH})
        sust = SUPPLY_ZH["sustainable"]
    fig = sankey(links, tr(lg, "flows_title", year=year), sustainable=sust)
    _ui.chart(fig, links, f"policy_flows_{year}", lg)
    st.caption(
        "Left: energy [TWh] by region and supply (sustainable = hydro, wind, solar, nuclear, CCAF definition); right: CO2 [Mt CO2e] of the non-sustainable supply. The run shown is the one closest to the median emissions of that year."
        if lg == "en"
        else "左侧：各地区按供电类型的用电量 [TWh]（可持续 = 水电、风电、光伏、核电，CCAF 定义）；右侧：非可持续电力的 CO2 [百万吨]。所示为当年排放最接近中位数的一次运行。"
    )
    d1, d2, d3 = st.columns(3)
    d1.download_button(
        tr(lg, "download_toml"),
        _data.to_toml(table).encode(),
        file_name=f"{scen_name}.toml",
        mime="application/toml",
        key="dl_toml",
    )
    csv = pd.concat([_data.records(base), _data.records(summary)], ignore_index=True)
    d2.download_button(
        tr(lg, "download_results"),
        csv.to_csv(index=False).encode(),
        file_name=f"{scen_name}_runs.csv",
        mime="text/csv",
        key="dl_csv",
    )
    d3.download_button(
        tr(lg, "download_nc"),
        _nc(key, summary),
        file_name=f"{scen_name}.nc",
        mime="application/x-netcdf",
        key="dl_nc",
    )


@st.cache_data(show_spinner=False, max_entries=4)
def _nc(key: str, _summary) -> bytes:
    return _data.to_netcdf_bytes(_summary)
