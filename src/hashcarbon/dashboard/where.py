"""Page 2, where: hash-rate shares by country and Chinese province, month by month."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from hashcarbon.dashboard import _data, _ui
from hashcarbon.dashboard._i18n import report_text, tr

FLAG_COLOURS = {
    "interpolated": "#f1c40f",
    "assumed": "#95a5a6",
    "carried": "#e67e22",
    "anchor": "#3498db",
    "exit": "#8e44ad",
}


def map_frame(shares: pd.DataFrame, month: pd.Timestamp, feature_ids: set[str]) -> pd.DataFrame:
    """The rows drawn on the map for ``month`` (regions with an outline), share in percent."""
    sel = shares[shares["date"] == month]
    out = sel[["region", "country", "share", "method", "province_method", "flag"]].copy()
    out.insert(0, "month", f"{month:%Y-%m}")
    out["share_pct"] = 100.0 * out["share"]
    out["on_map"] = out["region"].isin(feature_ids)
    return out.reset_index(drop=True)


def split_geo(geo: dict, regions) -> tuple[dict, dict]:
    """(outlines of ``regions``, outlines of every other country) as two collections."""
    keep = set(regions)
    mine = [f for f in geo["features"] if f["id"] in keep]
    rest = [f for f in geo["features"] if f["id"] not in keep]
    return (
        {"type": "FeatureCollection", "features": mine},
        {"type": "FeatureCollection", "features": rest},
    )


def choropleth(frame: pd.DataFrame, geo: dict, title: str, lg: str) -> go.Figure:
    """Shares on the map: one trace for the mining regions, the other countries as a layer.

    The background countries are a MapLibre fill layer, not a second trace, so the page
    sends each outline once (about 370 kB in all).
    """
    drawn = frame[frame["on_map"]]
    mine, rest = split_geo(geo, drawn["region"])
    hover = "%{location}: %{z:.1f} %<br>%{customdata}<extra></extra>"
    trace = go.Choroplethmap(
        geojson=mine,
        locations=drawn["region"],
        z=drawn["share_pct"],
        featureidkey="id",
        colorscale="YlOrRd",
        zmin=0,
        zmax=max(40.0, float(drawn["share_pct"].max())),
        marker_line_color="#555",
        marker_line_width=0.5,
        customdata=drawn["flag"],
        hovertemplate=hover,
        colorbar={"title": {"text": "%" if lg == "en" else "份额 %"}, "thickness": 12},
    )
    # MapLibre with a blank style: no tiles or outlines are fetched from the network (the
    # outlines are the package's own geojson), so the map works offline.
    layout = go.Layout(
        map={
            "style": "white-bg",
            "center": {"lat": 30, "lon": 20},
            "zoom": 0.75,
            "layers": [
                {
                    "sourcetype": "geojson",
                    "source": rest,
                    "type": "fill",
                    "color": "#e6e6e6",
                    "below": "traces",
                },
                {
                    "sourcetype": "geojson",
                    "source": rest,
                    "type": "line",
                    "color": "#ffffff",
                    "line": {"width": 0.5},
                    "below": "traces",
                },
            ],
        },
        title=title,
        height=480,
        hovermode="closest",
    )
    return go.Figure(data=[trace], layout=layout)


def stacked(shares: pd.DataFrame, lg: str) -> tuple[go.Figure, pd.DataFrame]:
    wide = shares.pivot_table(index="date", columns="region", values="share", aggfunc="sum")
    mean = wide.mean().sort_values(ascending=False)
    china = set(shares.loc[shares["country"] == "China", "region"])
    order = [c for c in mean.index if c in china] + [
        c for c in mean.index if c not in china and c != "Other"
    ]
    order += ["Other"] if "Other" in wide else []
    wide = wide[order].fillna(0.0)
    fig = go.Figure()
    palette = px.colors.qualitative.Dark24
    for i, reg in enumerate(order):
        fig.add_trace(
            go.Scatter(
                x=wide.index,
                y=wide[reg],
                name=reg,
                stackgroup="one",
                mode="lines",
                line={"width": 0.5, "color": palette[i % len(palette)]},
                hovertemplate="%{y:.1%}",
            )
        )
    flags = shares.groupby("date")["flag"].agg(
        lambda m: _data.month_flag(pd.DataFrame({"flag": m}))
    )
    runs = (flags != flags.shift()).cumsum()
    for _, seg in flags.groupby(runs):
        f = seg.iloc[0]
        if f in FLAG_COLOURS:
            fig.add_vrect(
                x0=seg.index.min(),
                x1=seg.index.max() + pd.offsets.MonthBegin(1),
                fillcolor=FLAG_COLOURS[f],
                opacity=0.18,
                line_width=0,
                layer="above",
            )
    fig.update_layout(
        title=tr(lg, "stacked_title"),
        yaxis={"range": [0, 1], "tickformat": ".0%"},
        height=460,
        hovermode="x unified",
    )
    out = wide.reset_index().rename(columns={"date": "month"})
    out["month"] = out["month"].dt.strftime("%Y-%m")
    out["flag"] = flags.to_numpy()
    return fig, out


@st.cache_resource(show_spinner=False, max_entries=64)
def _map(chosen: str, lg: str):
    """Map figure and its frame for month ``chosen`` (built once, shared between sessions)."""
    shares = _ui.shares()
    geo = _ui.geojson()
    frame = map_frame(shares, pd.Timestamp(f"{chosen}-01"), {f["id"] for f in geo["features"]})
    flag = _data.month_flag(frame)
    title = tr(lg, "map_title", month=chosen)
    if flag != "observed":
        title += f" — {tr(lg, f'method_{flag}')}"
    fig = _ui.style(choropleth(frame, geo, title, lg))
    return fig, frame, flag


@st.cache_resource(show_spinner=False, max_entries=4)
def _stacked(lg: str):
    fig, wide = stacked(_ui.shares(), lg)
    return _ui.style(fig), wide


def render() -> None:
    lg = _ui.lang()
    st.title(tr(lg, "page_where"))
    shares = _ui.shares()
    labels = [f"{pd.Timestamp(m):%Y-%m}" for m in sorted(shares["date"].unique())]
    default = "2021-04" if "2021-04" in labels else labels[-1]
    chosen = st.select_slider(tr(lg, "month"), options=labels, value=default, key="where_month")
    fig, frame, flag = _map(chosen, lg)
    _ui.chart(fig, frame.drop(columns=["on_map"]), f"map_{chosen}", lg, styled=True)
    msg = tr(lg, "month_flag", flag=tr(lg, f"method_{flag}"))
    (st.info if flag == "observed" else st.warning)(msg)
    other = frame.loc[~frame["on_map"], "share"].sum()
    if other > 0:
        st.caption(
            f"'Other' (not drawn): {100 * other:.1f} %"
            if lg == "en"
            else f"“其他”（未绘出）：{100 * other:.1f}%"
        )
    fig2, wide = _stacked(lg)
    _ui.chart(fig2, wide, "shares", lg, styled=True)
    st.caption(tr(lg, "shade_note"))
    latest = shares[shares["date"] == shares["date"].max()].sort_values("share", ascending=False)
    text = report_text(
        lg,
        "where_text",
        "",
        latest_month=labels[-1],
        top_region=str(latest["region"].iloc[0]),
        top_share_pct=100 * float(latest["share"].iloc[0]),
    )
    if text:
        st.caption(text)
