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


def _markers(fig: go.Figure, lg: str) -> None:
    for ts in _data.halving_dates():
        fig.add_vline(x=ts, line_dash="dot", line_color="#777", line_width=1)
        fig.add_annotation(
            x=ts,
            y=1,
            yref="paper",
            text="halving" if lg == "en" else "减半",
            showarrow=False,
            font={"size": 10, "color": "#555"},
            yanchor="bottom",
        )
    for day, _label in _data.BAN_DATES:
        fig.add_vline(x=pd.Timestamp(day), line_dash="dash", line_color="#c0392b", line_width=1)
    fig.add_annotation(
        x=pd.Timestamp("2021-06-18"),
        y=1,
        yref="paper",
        text="ban 2021" if lg == "en" else "2021 禁令",
        showarrow=False,
        font={"size": 10, "color": "#c0392b"},
        yanchor="bottom",
        xanchor="left",
    )


def _band(frame: pd.DataFrame, prefix: str, title: str, unit: str, lg: str) -> go.Figure:
    x = frame["month"]
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=x,
            y=frame[f"{prefix}_upper"],
            name=column(lg, "upper") if lg == "zh" else "upper bound",
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
    full = frame[frame["month"] < frame["month"].max()]  # the last month may be partial
    last = full.iloc[-1]
    month = f"{last['month']:%Y-%m}"
    m1, m2, m3 = st.columns(3)
    m1.metric(tr(lg, "lower_metric", month=month), f"{last['annualised_twh_lower']:.1f}")
    m2.metric(tr(lg, "best_metric", month=month), f"{last['annualised_twh_best']:.1f}")
    m3.metric(tr(lg, "bound_metric", month=month), f"{last['annualised_twh_upper']:.1f}")
    st.caption(_methods_sentence(lg, price))

    plot = frame[
        ["period", "month", "annualised_twh_lower", "annualised_twh_best", "annualised_twh_upper"]
    ]
    fig = _band(plot, "annualised_twh", tr(lg, "bounds_title"), "TWh/yr", lg)
    _ui.chart(fig, plot.drop(columns="month"), "electricity", lg)
    st.caption(tr(lg, "markers_note"))

    em = frame[["period", "month", "emissions_mt_lower", "emissions_mt_best", "emissions_mt_upper"]]
    fig = _band(em, "emissions_mt", tr(lg, "emissions_title"), "Mt CO2e", lg)
    _ui.chart(fig, em.drop(columns="month"), "emissions", lg)
    st.caption(ACCOUNTING_NOTE[accounting] if lg == "en" else f"{accounting}")

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
    _ui.chart(fig, inten[cols], "intensity", lg)
    st.caption(tr(lg, "grid_note"))
