"""Page 4, BBCE replication: the four scenarios of Jiang et al. (2021), closures as toggles."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from hashcarbon.dashboard import _ui
from hashcarbon.dashboard._i18n import tr

COLOURS = {"bbce-bm": "#333333", "bbce-ma": "#1f77b4", "bbce-sr": "#2ca02c", "bbce-ct": "#d62728"}
#: The paper's claims about the ranking (Jiang et al. 2021, abstract and Results).
PAPER_RANKING = {
    "bbce-ma": "paper: market access raises emissions",
    "bbce-sr": "paper: site regulation is the most effective",
    "bbce-ct": "paper: carbon tax is relatively ineffective",
}
PAPER_RANKING_ZH = {
    "bbce-ma": "论文：市场准入增加排放",
    "bbce-sr": "论文：场地监管最有效",
    "bbce-ct": "论文：碳税相对无效",
}


def _pue(closures: dict[str, str]) -> float:
    from hashcarbon.models import bbce

    ds = bbce.run("bbce-bm", closures=closures or None)
    return float(np.asarray(ds["pue"]).ravel()[0])


def reading(lg: str, closures: dict[str, str], ranking: pd.DataFrame, pue: float) -> str:
    """The reading used, stated plainly, with the numbers of the current closures."""
    from hashcarbon.models import bbce

    rel = ranking.set_index("scenario")["relative_to_bm"]
    bm = ranking.set_index("scenario").loc["bbce-bm"]
    head_ok = (
        int(bm["peak_year"]) == bbce.HEADLINE["peak_year"]
        and abs(float(bm["peak_energy_twh"]) - bbce.HEADLINE["energy_twh"])
        <= 0.01 * bbce.HEADLINE["energy_twh"]
    )
    paper_order = rel["bbce-ma"] >= 1.0 and rel["bbce-sr"] < min(rel["bbce-ma"], rel["bbce-ct"])
    chosen = "; ".join(f"{k} = {v}" for k, v in closures.items())
    if lg == "zh":
        return (
            f"**采用的闭合假设**：{chosen}。基准情景峰值 {int(bm['peak_year'])}年 "
            f"{bm['peak_energy_twh']:.2f} TWh（论文：2024年 296.59 TWh）——"
            f"{'复现了论文标题数字' if head_ok else '未复现论文标题数字'}。"
            f"该结果需要 **PUE = {pue:.2f}**（校准得到；低于物理下限 1，CBECI 范围 1.01–1.20），"
            "即“PUE”吸收了外推的水平误差。"
            f"2014–2029 年累计排放相对基准：市场准入 {rel['bbce-ma']:.2f} 倍、场地监管 {rel['bbce-sr']:.2f} 倍、碳税 {rel['bbce-ct']:.2f} 倍；"
            + (
                "与论文的政策排序一致。"
                if paper_order
                else "**与论文的政策排序相反**（论文：市场准入增加排放，场地监管最有效，碳税相对无效）。"
            )
            + " 论文只公布了基准情景的标题数字，各政策情景的数值未公布。详见 docs/bbce.md。"
        )
    return (
        f"**Reading used**: {chosen}. Benchmark peak {int(bm['peak_year'])}, "
        f"{bm['peak_energy_twh']:.2f} TWh (paper: 2024, 296.59 TWh) — the headline is "
        f"{'reproduced' if head_ok else 'not reproduced'}. It needs **PUE = {pue:.2f}** "
        "(calibrated; below the physical bound of 1, CBECI's range is 1.01-1.20): the 'PUE' absorbs "
        "the level error of the extrapolation. Cumulative emissions 2014-2029 relative to the "
        f"benchmark: market access {rel['bbce-ma']:.2f}x, site regulation {rel['bbce-sr']:.2f}x, "
        f"carbon tax {rel['bbce-ct']:.2f}x; "
        + (
            "this matches the paper's policy ranking."
            if paper_order
            else "**this inverts the paper's policy ranking** (paper: market access raises emissions, site regulation is the most effective, the carbon tax relatively ineffective)."
        )
        + " The paper publishes only the benchmark's headline point; the policy scenarios' values were not published. Details: docs/bbce.md."
    )


def render() -> None:
    from hashcarbon.models import bbce

    lg = _ui.lang()
    st.title(tr(lg, "page_bbce"))
    st.caption(bbce.PAPER)
    closures: dict[str, str] = {}
    with st.expander(tr(lg, "bbce_closures"), expanded=True):
        cols = st.columns(3)
        for i, (name, options) in enumerate(bbce.CLOSURES.items()):
            closures[name] = cols[i % 3].radio(
                name,
                options,
                index=options.index(bbce.DEFAULT_CLOSURES[name]),
                key=f"bbce_{name}",
                horizontal=True,
            )
    items = tuple(sorted(closures.items()))
    ranking = _ui.bbce_ranking(items)
    st.markdown(reading(lg, closures, ranking, _pue(closures)))
    series = st.selectbox(tr(lg, "bbce_series"), bbce.FIG4_SERIES, key="bbce_series")
    long = _ui.bbce_series(items)
    plot = long[["scenario", "period", series]].copy()
    fig = go.Figure()
    for s, g in sorted(plot.groupby("scenario", sort=False), key=lambda sg: sg[0] == "bbce-bm"):
        fig.add_trace(
            go.Scatter(
                x=g["period"].astype(int),
                y=g[series],
                name=s,
                line={
                    "color": COLOURS.get(s),
                    "width": 3 if s == "bbce-bm" else 2,
                    "dash": "dash" if s == "bbce-bm" else "solid",
                },
            )
        )
    published = None
    if series == "energy_twh":
        published = bbce.HEADLINE["energy_twh"]
    elif series == "carbon_flow_mt":
        published = bbce.HEADLINE["emissions_mt"]
    if published is not None:
        fig.add_trace(
            go.Scatter(
                x=[bbce.HEADLINE["peak_year"]],
                y=[published],
                mode="markers",
                name=tr(lg, "bbce_headline"),
                marker={
                    "symbol": "star",
                    "size": 16,
                    "color": "#ff7f0e",
                    "line": {"color": "#000", "width": 1},
                },
            )
        )
        plot = pd.concat(
            [
                plot,
                pd.DataFrame(
                    [
                        {
                            "scenario": "published (Jiang et al. 2021, abstract)",
                            "period": str(bbce.HEADLINE["peak_year"]),
                            series: published,
                        }
                    ]
                ),
            ],
            ignore_index=True,
        )
    unit = long.attrs.get("units", {}).get(series, "")
    fig.update_layout(
        title=tr(lg, "bbce_title", series=series),
        yaxis_title=f"{series} [{unit}]" if unit else series,
        height=420,
        hovermode="x unified",
    )
    _ui.chart(fig, plot, f"bbce_{series}", lg)
    st.subheader(tr(lg, "bbce_ranking"))
    tab = ranking.copy()
    notes = PAPER_RANKING_ZH if lg == "zh" else PAPER_RANKING
    tab["paper"] = [notes.get(s, "") for s in tab["scenario"]]
    st.dataframe(tab, hide_index=True, key="bbce_table")
