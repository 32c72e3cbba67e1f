"""Page 1, today and history: electricity bounds with a price slider, emissions, intensity."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from hashcarbon.dashboard import _data, _ui
from hashcarbon.dashboard._i18n import column, report_text, tr

ACCOUNTING_NOTE = {
    "average": "average: the grid mix of each location",
    "marginal": "marginal: curtailed hydro counted as its own zero-carbon source",
}


ACCOUNTING_NOTE_ZH = {
    "average": "平均：各地点的电网结构",
    "marginal": "边际：弃水电作为单独的零碳来源计入",
}


def _markers(fig: go.Figure, lg: str) -> None:
    """Halvings (dotted) and China's 2021 ban steps (dashed), set in one layout update."""
    shapes, notes = [], []

    def vline(x, colour, dash):
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": x,
                "x1": x,
                "y0": 0,
                "y1": 1,
                "line": {"color": colour, "dash": dash, "width": 1},
            }
        )

    for ts in _data.halving_dates():
        vline(ts, "#777", "dot")
        notes.append(
            {
                "x": ts,
                "y": 1,
                "yref": "paper",
                "text": "halving" if lg == "en" else "减半",
                "showarrow": False,
                "font": {"size": 10, "color": "#555"},
                "yanchor": "bottom",
            }
        )
    for day, _label in _data.BAN_DATES:
        vline(pd.Timestamp(day), "#c0392b", "dash")
    notes.append(
        {
            "x": pd.Timestamp("2021-06-18"),
            "y": 1,
            "yref": "paper",
            "text": "ban 2021" if lg == "en" else "2021 禁令",
            "showarrow": False,
            "font": {"size": 10, "color": "#c0392b"},
            "yanchor": "bottom",
            "xanchor": "left",
        }
    )
    fig.update_layout(shapes=shapes, annotations=notes)


def _band(frame: pd.DataFrame, prefix: str, title: str, unit: str, lg: str) -> go.Figure:
    x = frame["month"]
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=x,
            y=frame[f"{prefix}_upper"],
            name="upper bound" if lg == "en" else "上限",
            line={"color": "#d62728", "width": 1},
        )
    )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=frame[f"{prefix}_best"],
            name="best guess" if lg == "en" else "最佳估计",
            line={"color": "#1f77b4", "width": 2},
        )
    )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=frame[f"{prefix}_lower"],
            name="lower bound" if lg == "en" else "下限",
            line={"color": "#2ca02c", "width": 1},
        )
    )
    fig.update_layout(title=title, yaxis_title=unit, height=380)
    _markers(fig, lg)
    return fig


def _methods_sentence(lg: str, price: float) -> str:
    """The report's description of the three estimators (its first sentence)."""
    mark = "\x00"
    text = report_text(
        lg,
        "energy_text",
        "",
        price=f"{price:.3f}",
        year=mark,
        v1_best=0,
        v23_best=0,
        eco=0,
        peak_year=mark,
        peak_twh=0,
    )
    head = text.split(mark)[0]
    stop = max(head.rfind(". "), head.rfind("。"))
    return head[: stop + 1] if stop > 0 else ""


@st.cache_resource(show_spinner=False, max_entries=64)
def _figures(method: str, price: float, factors: str, accounting: str, lg: str):
    """The three charts and their frames (built once per choice, shared between sessions)."""
    frame = _ui.estimate(method, price, factors, accounting)
    frame = frame[~frame["partial"]]  # a month the data cover only in part is left out
    out = []
    plot = frame[
        ["period", "month", "annualised_twh_lower", "annualised_twh_best", "annualised_twh_upper"]
    ]
    fig = _band(plot, "annualised_twh", tr(lg, "bounds_title"), "TWh/yr", lg)
    out.append((_ui.style(fig), plot.drop(columns="month"), "electricity"))

    em = frame[["period", "month", "emissions_mt_lower", "emissions_mt_best", "emissions_mt_upper"]]
    fig = _band(em, "emissions_mt", tr(lg, "emissions_title"), "Mt CO2e", lg)
    out.append((_ui.style(fig), em.drop(columns="month"), "emissions"))

    years = tuple(sorted({int(m.year) for m in frame["month"]}))
    grid = _ui.world_grid(years)
    inten = frame[["period", "month", "intensity_g_per_kwh", "sustainable_share"]].copy()
    inten["year"] = inten["month"].dt.year
    inten = inten.merge(grid[["year", "iea_world", "ccaf_world"]], on="year", how="left")
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=inten["month"],
            y=inten["intensity_g_per_kwh"],
            name=column(lg, "intensity_g_per_kwh") if lg == "zh" else "Bitcoin mining",
            line={"color": "#1f77b4", "width": 2},
        )
    )
    fig.add_trace(
        go.Scatter(
            x=inten["month"],
            y=inten["iea_world"],
            name=column(lg, "iea_world") if lg == "zh" else "world grid (IEA)",
            line={"color": "#555", "dash": "dot", "shape": "hv"},
        )
    )
    fig.add_trace(
        go.Scatter(
            x=inten["month"],
            y=inten["ccaf_world"],
            name=column(lg, "ccaf_world") if lg == "zh" else "world grid (CCAF factors)",
            line={"color": "#999", "dash": "dash", "shape": "hv"},
        )
    )
    fig.update_layout(title=tr(lg, "intensity_title"), yaxis_title="gCO2e/kWh", height=380)
    _markers(fig, lg)
    cols = ["period", "intensity_g_per_kwh", "iea_world", "ccaf_world"]
    out.append((_ui.style(fig), inten[cols], "intensity"))

    mix = frame[["period", "month", "sustainable_share", "renewable_share"]]
    fig = go.Figure()
    for col, colour, en in (
        ("sustainable_share", "#2ca02c", "sustainable (hydro, wind, solar, nuclear; CCAF)"),
        ("renewable_share", "#17becf", "renewable (without nuclear)"),
    ):
        fig.add_trace(
            go.Scatter(
                x=mix["month"],
                y=mix[col],
                name=en if lg == "en" else column(lg, col),
                line={"color": colour, "width": 2},
            )
        )
    fig.update_layout(
        title=tr(lg, "mix_title"), yaxis={"range": [0, 1], "tickformat": ".0%"}, height=340
    )
    _markers(fig, lg)
    out.append((_ui.style(fig), mix.drop(columns="month"), "sustainable"))
    return out


def render() -> None:
    lg = _ui.lang()
    st.title(tr(lg, "page_today"))
    c1, c2, c3, c4 = st.columns([1.2, 2, 1, 1])
    method = c1.selectbox(tr(lg, "method"), _data.METHODS, key="today_method")
    price = c2.slider(
        tr(lg, "price"),
        min_value=0.01,
        max_value=0.20,
        value=0.05,
        step=0.005,
        format="%.3f",
        key="today_price",
    )
    factors = c3.selectbox(tr(lg, "factors"), _data.FACTOR_SETS, key="today_factors")
    accounting = c4.selectbox(tr(lg, "accounting"), _data.ACCOUNTINGS, key="today_accounting")
    frame = _ui.estimate(method, float(price), factors, accounting)
    full = frame[~frame["partial"]]
    last = full.iloc[-1]
    month = f"{last['month']:%Y-%m}"
    m1, m2, m3 = st.columns(3)
    m1.metric(tr(lg, "lower_metric", month=month), f"{last['annualised_twh_lower']:.1f}")
    m2.metric(tr(lg, "best_metric", month=month), f"{last['annualised_twh_best']:.1f}")
    m3.metric(tr(lg, "bound_metric", month=month), f"{last['annualised_twh_upper']:.1f}")
    st.caption(_methods_sentence(lg, price))

    figs = _figures(method, float(price), factors, accounting, lg)
    notes = [
        tr(lg, "markers_note"),
        (ACCOUNTING_NOTE if lg == "en" else ACCOUNTING_NOTE_ZH)[accounting],
        tr(lg, "grid_note"),
        tr(lg, "mix_note"),
    ]
    for (fig, data, key), note in zip(figs, notes, strict=True):
        _ui.chart(fig, data, key, lg, styled=True)
        st.caption(note)
