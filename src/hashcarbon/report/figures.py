"""Figures of the report, drawn per language: PNG bytes (matplotlib, Agg) and Plotly figures.

Every figure function takes ``lang`` ("en" or "zh"). Chinese labels need a font with
CJK glyphs; :func:`cjk_font` finds one with ``fc-match`` (fontconfig) or in the usual
font folders, registers the *file* with ``matplotlib.font_manager.fontManager.addfont``
(so matplotlib's possibly stale font cache does not matter) and checks that the font
really has the glyphs. Without one, Chinese figures fall back to English labels and
:data:`NO_CJK_FONT_HINT` says what to install.

Names (regions, sources, scenarios, methods) come from the terminology table
(:func:`hashcarbon.report.i18n.term`).
"""

from __future__ import annotations

import functools
import glob
import io
import os
import shutil
import subprocess

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator

from hashcarbon.report.i18n import quantity, term

NO_CJK_FONT_HINT = (
    "No font with Chinese glyphs was found, so the figures of the Chinese report keep English "
    "labels. Install one (Debian/Ubuntu: `apt-get install fonts-noto-cjk`; Fedora: "
    "`dnf install google-noto-sans-cjk-fonts`; macOS/Windows have one) and rebuild the report."
)

#: Font files searched when fontconfig is absent (globs).
CJK_FONT_GLOBS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/**/NotoSansCJK*.tt[cf]",
    "/usr/share/fonts/**/NotoSansSC*.[ot]tf",
    "/usr/share/fonts/**/SourceHanSans*.tt[cf]",
    "/usr/share/fonts/**/wqy-*.tt[cf]",
    "/usr/share/fonts/**/*CJK*.tt[cf]",
    "/System/Library/Fonts/PingFang.ttc",
    "/Library/Fonts/Arial Unicode.ttf",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simhei.ttf",
)

SOURCE_COLOURS = {
    "coal": "#3b3b3b",
    "gas": "#d9822b",
    "oil": "#8c564b",
    "nuclear": "#9467bd",
    "hydro": "#1f77b4",
    "wind": "#17becf",
    "solar": "#f2c500",
    "bioenergy": "#2ca02c",
    "other_renewables": "#98df8a",
    "curtailed_hydro": "#aec7e8",
    "other_sources": "#8c8c8c",
}

#: Events marked on time series: (date, kind). Halvings from ``hashcarbon.chain.HALVINGS``;
#: the ban: State Council Financial Stability committee statement of 21 May 2021 and the
#: NDRC / PBoC notices of 24 Sep 2021 (``shared/research/china_policy.md``).
BAN_DATES = (pd.Timestamp("2021-05-21"), pd.Timestamp("2021-09-24"))
#: Next halving, estimated at 210,000 blocks x 10 min after block 840,000 (Apr 2024) [I].
NEXT_HALVING = pd.Timestamp("2028-04-01")

LABELS = {
    "en": {
        "annualised": "TWh/yr (annualised)",
        "share": "share of network hash rate",
        "halving": "halving",
        "ban": "China's ban (May–Sep 2021)",
        "emissions": "Mt CO2e/yr",
        "intensity": "gCO2e/kWh",
        "bitcoin_int": "Bitcoin (location-based mix)",
        "ccaf_world": "world grid, Cambridge factors",
        "iea_world": "world grid, IEA",
        "mix_share": "share of electricity",
        "best": "best guess",
        "bounds": "lower–upper bound",
        "median": "median",
        "band": "90 % of runs (P5–P95)",
        "bbce_bm": "BBCE benchmark, headline reading (PUE 0.78)",
        "bbce_pue1": "BBCE benchmark, PUE 1.0 (physical minimum)",
        "paper": "paper's published peak (2024: 296.59 TWh)",
        "project_cn": "our estimate: China share × network energy",
        "twh": "TWh/yr",
        "co2": "CO2",
        "share_pct": "share of hash rate [%]",
        "estimated": "estimated months (interpolated, assumed or carried; not observed)",
        "tile_note": "tiles placed at each region's location; colour = share",
        "later_halving": "halving (2028, expected)",
    },
    "zh": {
        "annualised": "亿千瓦时/年（年化）",
        "share": "占全网算力份额",
        "halving": "减半",
        "ban": "中国禁令（2021年5–9月）",
        "emissions": "百万吨 CO2e/年（1 百万吨 = 100 万吨）",
        "intensity": "克 CO2e/千瓦时",
        "bitcoin_int": "比特币（按所在地电网结构）",
        "ccaf_world": "全球电网，剑桥因子",
        "iea_world": "全球电网，IEA",
        "mix_share": "电力来源占比",
        "best": "最佳估计",
        "bounds": "下界–上界",
        "median": "中位数",
        "band": "90% 的运行结果（P5–P95）",
        "bbce_bm": "BBCE 基准情景，原文读法（PUE 0.78）",
        "bbce_pue1": "BBCE 基准情景，PUE 1.0（物理下限）",
        "paper": "论文公布的峰值（2024年：2,965.9 亿千瓦时）",
        "project_cn": "本项目估计：中国份额 × 全网用电",
        "twh": "亿千瓦时/年",
        "co2": "二氧化碳",
        "share_pct": "算力份额 [%]",
        "estimated": "估算月份（插值、假设或沿用，非观测）",
        "tile_note": "方块位于各地区所在位置；颜色 = 份额",
        "later_halving": "减半（预计2028年）",
    },
}


def scale(unit: str, lang: str, browser: bool = False) -> tuple[float, str]:
    """Factor and axis label to show a quantity in ``unit`` to a reader of ``lang``.

    Chinese axes use the units of Chinese statistics: 万吨 (1 Mt = 100 万吨) and
    亿千瓦时 (1 TWh = 10 亿千瓦时).
    """
    zh = lang == "zh" and (browser or cjk_font() is not None)
    table = {
        "Mt": (100.0, "万吨 CO2e/年") if zh else (1.0, "Mt CO2e/yr"),
        "TWh": (10.0, "亿千瓦时/年") if zh else (1.0, "TWh/yr"),
    }
    return table[unit]


def _lab(lang: str, key: str) -> str:
    return LABELS["zh" if lang == "zh" and cjk_font() else "en"][key]


def _name(key: str, lang: str, kind: str | None = None) -> str:
    return term(key, "zh" if lang == "zh" and cjk_font() else "en", kind)


def _has_cjk_glyphs(path: str) -> bool:
    try:
        from matplotlib.ft2font import FT2Font

        font = FT2Font(path)
        return all(font.get_char_index(ord(c)) != 0 for c in "中国碳排放")
    except Exception:
        return False


def _fc_match() -> list[str]:
    exe = shutil.which("fc-match")
    if exe is None:
        return []
    out = []
    for pattern in ("sans-serif:lang=zh-cn", ":lang=zh"):
        try:
            res = subprocess.run(
                [exe, "-f", "%{file}\n", pattern], capture_output=True, text=True, timeout=10
            )
        except (OSError, subprocess.SubprocessError):
            continue
        out += [line.strip() for line in res.stdout.splitlines() if line.strip()]
    return out


@functools.cache
def cjk_font_path() -> str | None:
    """Path of an installed font file with Chinese glyphs (fontconfig first), or ``None``.

    ``HASHCARBON_NO_CJK_FONT=1`` hides every font (to test the fallback).
    """
    if os.environ.get("HASHCARBON_NO_CJK_FONT"):
        return None
    candidates = _fc_match()
    for pattern in CJK_FONT_GLOBS:
        candidates += sorted(glob.glob(pattern, recursive=True))
    for path in candidates:
        if os.path.isfile(path) and _has_cjk_glyphs(path):
            return path
    return None


@functools.cache
def cjk_font() -> str | None:
    """Family name of a CJK font registered with matplotlib from its file, or ``None``."""
    from matplotlib import font_manager

    path = cjk_font_path()
    if path is None:
        return None
    font_manager.fontManager.addfont(path)
    return font_manager.FontProperties(fname=path).get_name()


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def _style(lang: str) -> None:
    plt.rcParams.update(
        {"font.size": 10, "axes.grid": True, "grid.alpha": 0.3, "axes.titlesize": 10}
    )
    font = cjk_font() if lang == "zh" else None
    plt.rcParams["font.sans-serif"] = [font, "DejaVu Sans"] if font else ["DejaVu Sans"]
    plt.rcParams["font.family"] = "sans-serif"
    plt.rcParams["axes.unicode_minus"] = False


def halving_dates() -> list[pd.Timestamp]:
    """Dates of the past halvings (``hashcarbon.chain.HALVINGS``)."""
    from hashcarbon.chain import HALVINGS

    return [pd.Timestamp(t).normalize() for t in HALVINGS["timestamp_utc"]]


def _mark_events(ax, lang: str, start, end, yearly: bool = False) -> None:
    """Dashed lines at halvings, a shaded span for the ban (only inside [start, end])."""
    conv = (lambda d: d.year + (d.day_of_year - 1) / 365.25) if yearly else (lambda d: d)
    lo, hi = pd.Timestamp(start), pd.Timestamp(end)
    first = True
    for d in [*halving_dates(), NEXT_HALVING]:
        if lo <= d <= hi:
            ax.axvline(
                conv(d),
                color="#777",
                ls="--",
                lw=0.9,
                label=_lab(lang, "halving") if first else None,
            )
            first = False
    if lo <= BAN_DATES[0] <= hi:
        ax.axvspan(
            conv(BAN_DATES[0]),
            conv(BAN_DATES[1]),
            color="#d62728",
            alpha=0.12,
            lw=0,
            label=_lab(lang, "ban"),
        )


# ---------------------------------------------------------------- (a) electricity
def energy_bounds(monthly: dict[str, pd.DataFrame], lang: str = "en") -> bytes:
    """Annualised electricity [TWh/yr] by month: CBECI bounds, best guesses, economic model."""
    _style(lang)
    fig, ax = plt.subplots(figsize=(8, 4.2))
    colours = {"cbeci-v1": "#1f77b4", "cbeci-2023": "#2ca02c", "economic": "#d62728"}
    k = 8.766 * scale("TWh", lang)[0]  # GW -> TWh/yr (x10 for 亿千瓦时/年)
    t_all = []
    for method, frame in monthly.items():
        t = pd.to_datetime(frame["period"].astype(str))
        t_all.append(t)
        if method != "economic":
            ax.fill_between(
                t,
                frame["power_gw_lower"] * k,
                frame["power_gw_upper"] * k,
                color=colours[method],
                alpha=0.12,
                lw=0,
            )
        ax.plot(
            t,
            frame["power_gw_best"] * k,
            color=colours[method],
            lw=1.4,
            label=_name(method, lang, "method"),
        )
    t = pd.concat(t_all)
    _mark_events(ax, lang, t.min(), t.max())
    ax.set_ylim(bottom=0)
    ax.set_ylabel(_lab(lang, "annualised"))
    ax.legend(loc="upper left", fontsize=8)
    return _png(fig)


def energy_plotly(monthly: dict[str, pd.DataFrame], lang: str = "en"):
    import plotly.graph_objects as go

    colours = {"cbeci-v1": "31,119,180", "cbeci-2023": "44,160,44", "economic": "214,39,40"}
    fig = go.Figure()
    k = 8.766 * scale("TWh", lang, browser=True)[0]
    for method, frame in monthly.items():
        t = pd.to_datetime(frame["period"].astype(str))
        name = term(method, lang, "method")
        if method != "economic":
            fig.add_trace(
                go.Scatter(
                    x=t,
                    y=frame["power_gw_upper"] * k,
                    line={"width": 0},
                    showlegend=False,
                    hoverinfo="skip",
                )
            )
            fig.add_trace(
                go.Scatter(
                    x=t,
                    y=frame["power_gw_lower"] * k,
                    fill="tonexty",
                    fillcolor=f"rgba({colours[method]},0.12)",
                    line={"width": 0},
                    showlegend=False,
                    hoverinfo="skip",
                )
            )
        fig.add_trace(
            go.Scatter(
                x=t,
                y=(frame["power_gw_best"] * k).round(1),
                name=name,
                line={"color": f"rgb({colours[method]})", "width": 1.6},
            )
        )
    fig.update_traces(mode="lines", selector={"type": "scatter"})
    _plotly_events(fig, lang)
    fig.update_yaxes(title=LABELS[lang]["annualised"], rangemode="tozero")
    return _plotly_layout(fig)


def _plotly_events(fig, lang: str, yearly: bool = False) -> None:
    for d in halving_dates():
        x = d.year + (d.day_of_year - 1) / 365.25 if yearly else d
        fig.add_vline(x=x, line_dash="dash", line_color="#777", line_width=1)
    x0, x1 = BAN_DATES
    if yearly:
        x0, x1 = 2021.39, 2021.73
    fig.add_vrect(
        x0=x0,
        x1=x1,
        fillcolor="#d62728",
        opacity=0.12,
        line_width=0,
        annotation_text=LABELS[lang]["ban"],
        annotation_position="top left",
        annotation_font_size=10,
    )


def _plotly_layout(fig, height: int = 420):
    fig.update_layout(
        height=height,
        margin={"l": 50, "r": 10, "t": 20, "b": 10},
        template="plotly_white",
        legend={"orientation": "h", "y": -0.15, "x": 0},
        font={"size": 12},
        hovermode="x unified",
    )
    return fig


# ---------------------------------------------------------------- (b) where
def _region_colours(columns, china_regions) -> list:
    blues = plt.get_cmap("Blues")
    others = plt.get_cmap("tab20")
    n_cn = max(1, sum(1 for c in columns if c in china_regions))
    out, i_cn, i_o = [], 0, 0
    for c in columns:
        if c in china_regions:
            out.append(blues(0.9 - 0.6 * i_cn / max(1, n_cn - 1)))
            i_cn += 1
        elif c == "Other":
            out.append((0.75, 0.75, 0.75, 1.0))
        else:
            out.append(others((2 * i_o + 2) % 20))
            i_o += 1
    return out


def estimated_spans(flags: pd.Series | None) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """Runs of months whose geography is not observed (``geography.month_flags``).

    Parameters
    ----------
    flags : pandas.Series, optional
        Evidence flag by month (``observed``, ``interpolated``, ``assumed``, ``carried``).

    Returns
    -------
    list of (start, end)
        First day of the first month and first day of the month after the last.
    """
    if flags is None or flags.empty:
        return []
    est = (flags != "observed").to_numpy()
    idx = pd.DatetimeIndex(flags.index)
    spans, start = [], None
    for i, e in enumerate(est):
        if e and start is None:
            start = idx[i]
        if start is not None and (not e or i == len(est) - 1):
            stop = idx[i] if not e else idx[i] + pd.offsets.MonthBegin(1)
            spans.append((start, stop))
            start = None
    return spans


def stacked_shares(
    shares: pd.DataFrame, lang: str = "en", china_regions=(), flags: pd.Series | None = None
) -> bytes:
    """Stacked area of monthly hash-rate shares (columns = regions, index = month).

    Months whose shares are not observed (``flags``, from :func:`hashcarbon.geography.month_flags`)
    are hatched, so estimated geography is not read as measured.
    """
    _style(lang)
    fig, ax = plt.subplots(figsize=(8, 4.6))
    colours = _region_colours(shares.columns, set(china_regions))
    ax.stackplot(
        shares.index,
        *[shares[c].to_numpy() for c in shares.columns],
        labels=[_name(c, lang, "region") for c in shares.columns],
        colors=colours,
    )
    for k, (a, b) in enumerate(estimated_spans(flags)):
        ax.axvspan(
            a,
            b,
            facecolor="none",
            edgecolor="0.25",
            hatch="///",
            linewidth=0,
            alpha=0.35,
            label=_lab(lang, "estimated") if k == 0 else None,
        )
    _mark_events(ax, lang, shares.index.min(), shares.index.max())
    ax.set_ylim(0, 1)
    ax.set_ylabel(_lab(lang, "share"))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=4, fontsize=7.5)
    return _png(fig)


def shares_plotly(
    shares: pd.DataFrame, lang: str = "en", china_regions=(), flags: pd.Series | None = None
):
    import plotly.graph_objects as go
    from matplotlib.colors import to_hex

    colours = _region_colours(shares.columns, set(china_regions))
    fig = go.Figure()
    for c, col in zip(shares.columns, colours, strict=True):
        fig.add_trace(
            go.Scatter(
                x=shares.index,
                y=(100 * shares[c]).round(1),
                name=term(c, lang, "region"),
                stackgroup="one",
                line={"width": 0.5, "color": to_hex(col)},
            )
        )
    for k, (a, b) in enumerate(estimated_spans(flags)):
        fig.add_vrect(
            x0=a,
            x1=b,
            fillcolor="white",
            opacity=0.35,
            line_width=0,
            layer="above",
            annotation_text=LABELS[lang]["estimated"] if k == 0 else None,
            annotation_position="top left",
            annotation_font_size=10,
        )
    _plotly_events(fig, lang)
    fig.update_yaxes(title=LABELS[lang]["share_pct"], range=[0, 100])
    return _plotly_layout(fig, 460)


#: Tile-grid map [I]: each country is one cell of a 3 x 6 grid placed roughly as on a world
#: map (row 0 = north, column 0 = west), so the map stays readable on a phone and offline.
TILE_GRID = {
    "Canada": (0, 0),
    "Ireland": (0, 2),
    "Germany": (0, 3),
    "Russia": (0, 5),
    "United States": (1, 0),
    "Iran": (1, 3),
    "Kazakhstan": (1, 4),
    "China": (1, 5),
    "Other": (2, 2),
    "Malaysia": (2, 5),
}
TILE_ROWS, TILE_COLS = 3, 6


def _tile_arrays(s: pd.Series, lang: str, browser: bool = False):
    z = np.full((TILE_ROWS, TILE_COLS), np.nan)
    text = np.full((TILE_ROWS, TILE_COLS), "", dtype=object)
    for region, v in s.items():
        if region in TILE_GRID:
            r, c = TILE_GRID[region]
            z[r, c] = 100 * float(v)
            name = term(region, lang, "region") if browser else _name(region, lang, "region")
            text[r, c] = name
    return z, text


def tile_map(shares: dict[str, pd.Series], lang: str = "en") -> bytes:
    """Share of hash rate by country at two dates, as a tile-grid map (one cell per country).

    A choropleth without borders: country outlines are not among the embedded data, so each
    country is a cell placed roughly where it lies and coloured by its share.
    """
    _style(lang)
    fig, axes = plt.subplots(len(shares), 1, figsize=(8, 2.9 * len(shares)))
    axes = np.atleast_1d(axes)
    cmap = plt.get_cmap("YlOrRd")
    vmax = max(100 * float(s.max()) for s in shares.values())
    for ax, (label, s) in zip(axes, shares.items(), strict=True):
        z, text = _tile_arrays(s, lang)
        for r in range(TILE_ROWS):
            for c in range(TILE_COLS):
                if np.isnan(z[r, c]):
                    continue
                frac = z[r, c] / vmax if vmax else 0
                ax.add_patch(Rectangle((c + 0.04, -r - 0.96), 0.92, 0.92, color=cmap(frac)))
                colour = "white" if frac > 0.6 else "black"
                ax.text(
                    c + 0.5,
                    -r - 0.4,
                    text[r, c],
                    ha="center",
                    va="center",
                    fontsize=8,
                    color=colour,
                )
                ax.text(
                    c + 0.5,
                    -r - 0.68,
                    f"{z[r, c]:.0f}%",
                    ha="center",
                    va="center",
                    fontsize=10,
                    fontweight="bold",
                    color=colour,
                )
        ax.set_xlim(0, TILE_COLS)
        ax.set_ylim(-TILE_ROWS, 0)
        ax.set_title(label)
        ax.axis("off")
    sm = plt.cm.ScalarMappable(cmap=cmap, norm=plt.Normalize(0, vmax))
    fig.colorbar(sm, ax=list(axes), shrink=0.6, label=_lab(lang, "share_pct"))
    return _png(fig)


def tile_map_plotly(shares: dict[str, pd.Series], lang: str = "en"):
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    fig = make_subplots(rows=len(shares), cols=1, subplot_titles=list(shares), vertical_spacing=0.1)
    vmax = max(100 * float(s.max()) for s in shares.values())
    for i, s in enumerate(shares.values(), start=1):
        z, names = _tile_arrays(s, lang, browser=True)
        text = np.where(
            np.isnan(z),
            "",
            [
                [f"{n}<br><b>{v:.0f}%</b>" for n, v in zip(rn, rz, strict=True)]
                for rn, rz in zip(names, np.nan_to_num(z), strict=True)
            ],
        )
        fig.add_trace(
            go.Heatmap(
                z=z,
                text=text,
                texttemplate="%{text}",
                textfont={"size": 11},
                colorscale="YlOrRd",
                zmin=0,
                zmax=vmax,
                xgap=4,
                ygap=4,
                showscale=i == 1,
                colorbar={"title": "%", "thickness": 12},
                hovertemplate="%{text}<extra></extra>",
            ),
            row=i,
            col=1,
        )
        fig.update_xaxes(visible=False, row=i, col=1)
        fig.update_yaxes(visible=False, autorange="reversed", row=i, col=1)
    fig.update_layout(
        height=230 * len(shares) + 40,
        margin={"l": 5, "r": 5, "t": 30, "b": 5},
        template="plotly_white",
    )
    return fig


# ---------------------------------------------------------------- (c) carbon
def _year_axis(ax) -> None:
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def emissions_chart(yearly: pd.DataFrame, lang: str = "en") -> bytes:
    """Annual emissions with CBECI bounds [Mt CO2e/yr], axis from zero."""
    _style(lang)
    fig, ax = plt.subplots(figsize=(8, 3.8))
    y = yearly["period"].astype(int)
    k, ylabel = scale("Mt", lang)
    ax.fill_between(
        y,
        k * yearly["emissions_mt_lower"],
        k * yearly["emissions_mt_upper"],
        alpha=0.18,
        label=_lab(lang, "bounds"),
    )
    ax.plot(y, k * yearly["emissions_mt_best"], marker="o", ms=4, label=_lab(lang, "best"))
    _mark_events(ax, lang, f"{y.min()}-01-01", f"{y.max()}-12-31", yearly=True)
    ax.set_ylim(bottom=0)
    ax.set_ylabel(ylabel)
    _year_axis(ax)
    ax.legend(fontsize=8, loc="upper left")
    return _png(fig)


def intensity_chart(yearly: pd.DataFrame, world: pd.DataFrame, lang: str = "en") -> bytes:
    """Bitcoin's intensity against the world grid [gCO2e/kWh], axis from zero."""
    _style(lang)
    fig, ax = plt.subplots(figsize=(8, 3.8))
    y = yearly["period"].astype(int)
    ax.plot(
        y, yearly["intensity_g_per_kwh"], marker="o", ms=4, lw=2, label=_lab(lang, "bitcoin_int")
    )
    for col, style in (("ccaf_world", "--"), ("iea_world", ":")):
        sub = world.dropna(subset=[col])
        ax.plot(sub["year"], sub[col], style, lw=1.5, label=_lab(lang, col))
    ax.set_ylim(0, max(700, float(yearly["intensity_g_per_kwh"].max()) * 1.1))
    ax.set_ylabel(_lab(lang, "intensity"))
    _year_axis(ax)
    ax.legend(fontsize=8, loc="lower left")
    return _png(fig)


def mix_chart(yearly: pd.DataFrame, lang: str = "en") -> bytes:
    """Electricity mix by source, with the sustainable share (incl. nuclear) as a line."""
    _style(lang)
    fig, ax = plt.subplots(figsize=(8, 4))
    y = yearly["period"].astype(int)
    bottom = np.zeros(len(y))
    for src, colour in SOURCE_COLOURS.items():
        col = f"{src}_share"
        if col in yearly:
            vals = yearly[col].fillna(0).to_numpy()
            ax.bar(
                y, vals, bottom=bottom, color=colour, label=_name(src, lang, "source"), width=0.8
            )
            bottom += vals
    ax.plot(y, yearly["sustainable_share"], "w-", lw=3)
    ax.plot(
        y,
        yearly["sustainable_share"],
        "k--o",
        ms=3,
        lw=1.3,
        label=_name("sustainable", lang, "source"),
    )
    ax.set_ylim(0, 1)
    ax.set_ylabel(_lab(lang, "mix_share"))
    _year_axis(ax)
    ax.legend(fontsize=7.5, loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=4)
    return _png(fig)


# ---------------------------------------------------------------- (d) flows
def flow_plotly(energy: pd.DataFrame, emissions_by_source: pd.Series, lang: str = "en"):
    """Sankey region -> energy source -> CO2 (link width = TWh, then Mt)."""
    import plotly.graph_objects as go
    from matplotlib.colors import to_rgba

    regions = list(energy.index)
    sources = list(energy.columns)
    labels = [
        f"{term(r, lang, 'region')} {quantity(energy.loc[r].sum(), 'TWh', lang)}" for r in regions
    ]
    labels += [
        f"{term(s, lang, 'source')} {quantity(energy[s].sum(), 'TWh', lang)}" for s in sources
    ]
    total = float(emissions_by_source.sum())
    labels.append(f"{LABELS[lang]['co2']} {quantity(total, 'Mt', lang)}")
    src, tgt, val, col, hover = [], [], [], [], []
    for i, r in enumerate(regions):
        for j, s in enumerate(sources):
            v = float(energy.loc[r, s])
            if v > 0:
                src.append(i)
                tgt.append(len(regions) + j)
                val.append(v)
                rgba = to_rgba(SOURCE_COLOURS.get(s, "#888"), 0.45)
                col.append(
                    f"rgba({int(255 * rgba[0])},{int(255 * rgba[1])},{int(255 * rgba[2])},0.45)"
                )
                hover.append(quantity(v, "TWh", lang))
    for j, s in enumerate(sources):
        m = float(emissions_by_source.get(s, 0.0))
        if m > 0:
            src.append(len(regions) + j)
            tgt.append(len(regions) + len(sources))
            # Right-hand links carry Mt; scaled to the TWh total so both columns are equal height.
            val.append(m / total * float(energy.values.sum()) if total else 0)
            col.append("rgba(80,80,80,0.35)")
            hover.append(quantity(m, "Mt", lang))
    node_col = (
        ["#6baed6"] * len(regions) + [SOURCE_COLOURS.get(s, "#888") for s in sources] + ["#555"]
    )
    fig = go.Figure(
        go.Sankey(
            arrangement="snap",
            node={"label": labels, "color": node_col, "pad": 14, "thickness": 14},
            link={
                "source": src,
                "target": tgt,
                "value": val,
                "color": col,
                "customdata": hover,
                "hovertemplate": "%{customdata}<extra></extra>",
            },
        )
    )
    fig.update_layout(height=520, margin={"l": 5, "r": 5, "t": 10, "b": 10}, font={"size": 11})
    return fig


def flow_diagram(energy: pd.DataFrame, emissions_by_source: pd.Series, lang: str = "en") -> bytes:
    """Region -> energy source -> CO2 as three stacked columns with labelled blocks (print)."""
    _style(lang)
    fig, axes = plt.subplots(1, 3, figsize=(9, 5.2), gridspec_kw={"width_ratios": [1, 1, 0.8]})
    reg = energy.sum(axis=1)
    src = energy.sum(axis=0)
    em = emissions_by_source.reindex(src.index).fillna(0)
    cols = [
        (
            reg,
            [plt.get_cmap("Blues")(0.3 + 0.6 * i / max(1, len(reg) - 1)) for i in range(len(reg))],
            "region",
            "TWh",
        ),
        (src, [SOURCE_COLOURS.get(s, "#888") for s in src.index], "source", "TWh"),
        (em[em > 0], [SOURCE_COLOURS.get(s, "#888") for s in em[em > 0].index], "source", "Mt"),
    ]
    heads = {
        "en": ("Where (TWh)", "Source (TWh)", "CO2 (Mt)"),
        "zh": ("地区（亿千瓦时）", "能源来源（亿千瓦时）", "二氧化碳"),
    }
    use = "zh" if lang == "zh" and cjk_font() else "en"
    for ax, (ser, colours, kind, unit), head in zip(axes, cols, heads[use], strict=True):
        total = float(ser.sum())
        top = 1.0
        for (k, v), c in zip(ser.items(), colours, strict=True):
            h = v / total if total else 0
            ax.add_patch(Rectangle((0, top - h), 1, h, color=c, ec="white", lw=1))
            if h > 0.035:
                txt = f"{_name(k, lang, kind)}  {quantity(v, unit, use)}"
                dark = (
                    sum(c[:3]) < 1.5
                    if isinstance(c, tuple)
                    else c in ("#3b3b3b", "#1f77b4", "#8c564b", "#9467bd")
                )
                ax.text(
                    0.04,
                    top - h / 2,
                    txt,
                    va="center",
                    fontsize=7.5,
                    color="white" if dark else "black",
                )
            top -= h
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.axis("off")
        ax.set_title(head, fontsize=9)
    fig.tight_layout()
    return _png(fig)


# ---------------------------------------------------------------- (e) BBCE
def small_multiples(
    series: dict[str, pd.DataFrame], names: list[str], units: dict[str, str], lang: str = "en"
) -> bytes:
    """3x3 grid: one panel per Fig. 4 series, one line per BBCE scenario (annual values)."""
    _style(lang)
    fig, axes = plt.subplots(3, 3, figsize=(10, 8), sharex=True)
    for ax, name in zip(axes.ravel(), names, strict=False):
        for scen, frame in series.items():
            ax.plot(
                frame["period"].astype(int),
                frame[name],
                label=_name(scen, lang, "scenario"),
                lw=1.2,
            )
        ax.set_title(f"{name} [{units.get(name, '')}]", fontsize=8)
        ax.ticklabel_format(axis="y", style="sci", scilimits=(-3, 4))
        ax.xaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=2, fontsize=8, bbox_to_anchor=(0.5, -0.04))
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return _png(fig)


def model_vs_estimate(
    frame: pd.DataFrame,
    plausible: pd.DataFrame | None = None,
    paper_points: dict[int, float] | None = None,
    lang: str = "en",
) -> bytes:
    """BBCE China energy (two readings) and the paper's point against our China estimate."""
    _style(lang)
    fig, ax = plt.subplots(figsize=(8, 4))
    y = frame["year"].astype(int)
    k = scale("TWh", lang)[0]
    ax.plot(y, k * frame["bbce_twh"], "o-", color="#d62728", label=_lab(lang, "bbce_bm"))
    if plausible is not None:
        ax.plot(
            plausible["year"],
            k * plausible["energy_twh"],
            "o--",
            color="#ff9896",
            label=_lab(lang, "bbce_pue1"),
        )
    for yr, v in (paper_points or {}).items():
        ax.plot(
            [yr], [k * v], marker="*", ms=15, color="black", ls="none", label=_lab(lang, "paper")
        )
    ax.fill_between(
        y,
        k * frame["project_twh_lower"],
        k * frame["project_twh_upper"],
        alpha=0.2,
        color="#1f77b4",
    )
    ax.plot(y, k * frame["project_twh"], "s-", color="#1f77b4", label=_lab(lang, "project_cn"))
    _mark_events(ax, lang, f"{y.min()}-01-01", f"{y.max()}-12-31", yearly=True)
    ax.set_ylim(bottom=0)
    ax.set_ylabel(_lab(lang, "twh"))
    _year_axis(ax)
    ax.legend(fontsize=7.5, loc="upper left")
    return _png(fig)


# ---------------------------------------------------------------- (f) policy
def fan_chart(fans: dict[str, pd.DataFrame], var: str, unit: str, lang: str = "en") -> bytes:
    """One panel per scenario: median line and light P5-P95 band; shared axis from zero."""
    _style(lang)
    n = len(fans)
    ncol = 2
    nrow = int(np.ceil(n / ncol))
    fig, axes = plt.subplots(nrow, ncol, figsize=(8, 2.4 * nrow), sharex=True, sharey=True)
    axes = np.atleast_1d(axes).ravel()
    cmap = plt.get_cmap("tab10")
    k, unit = scale("Mt" if var.startswith("emissions") else "TWh", lang)
    fans = {
        sc: f.assign(**{c: k * f[c] for c in (f"{var}_p5", f"{var}_p50", f"{var}_p95")})
        for sc, f in fans.items()
    }
    ymax = max(float(f[f"{var}_p95"].max()) for f in fans.values())
    for i, (ax, (scen, f)) in enumerate(zip(axes, fans.items(), strict=False)):
        y = f["year"].astype(int)
        ax.fill_between(
            y,
            f[f"{var}_p5"],
            f[f"{var}_p95"],
            color=cmap(i),
            alpha=0.18,
            lw=0,
            label=_lab(lang, "band"),
        )
        ax.plot(y, f[f"{var}_p50"], color=cmap(i), lw=1.8, label=_lab(lang, "median"))
        for d in [*halving_dates(), NEXT_HALVING]:
            if y.min() <= d.year <= y.max():
                ax.axvline(d.year + (d.day_of_year - 1) / 365.25, color="#777", ls="--", lw=0.8)
        ax.set_title(_name(scen, lang, "scenario"), fontsize=9)
        ax.set_ylim(0, ymax * 1.05)
        # half-width panels: at most about five year labels, or they run into each other
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
    for ax in axes[n:]:
        ax.axis("off")
    axes[0].legend(fontsize=7, loc="upper right")
    fig.supylabel(unit, fontsize=9)
    fig.tight_layout()
    return _png(fig)


def fan_plotly(fans: dict[str, pd.DataFrame], var: str, unit: str, lang: str = "en"):
    """Lines with light bands and a legend (click a scenario to hide it)."""
    import plotly.graph_objects as go
    from matplotlib.colors import to_rgb

    cmap = plt.get_cmap("tab10")
    k = scale("Mt" if var.startswith("emissions") else "TWh", lang, browser=True)[0]
    fans = {
        sc: f.assign(**{c: k * f[c] for c in (f"{var}_p5", f"{var}_p50", f"{var}_p95")})
        for sc, f in fans.items()
    }
    fig = go.Figure()
    for i, (scen, f) in enumerate(fans.items()):
        r, g, b = (int(255 * c) for c in to_rgb(cmap(i)))
        name = term(scen, lang, "scenario")
        fig.add_trace(
            go.Scatter(
                x=f["year"],
                y=f[f"{var}_p95"].round(1),
                line={"width": 0},
                legendgroup=f"{scen}-band",
                showlegend=False,
                hoverinfo="skip",
                visible=True if i == 0 else "legendonly",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=f["year"],
                y=f[f"{var}_p5"].round(1),
                fill="tonexty",
                fillcolor=f"rgba({r},{g},{b},0.15)",
                line={"width": 0},
                legendgroup=f"{scen}-band",
                name=f"{name}: P5–P95",
                showlegend=True,
                hoverinfo="skip",
                visible=True if i == 0 else "legendonly",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=f["year"],
                y=f[f"{var}_p50"].round(1),
                name=name,
                legendgroup=scen,
                line={"color": f"rgb({r},{g},{b})", "width": 2},
            )
        )
    for d in [*halving_dates(), NEXT_HALVING]:
        x = d.year + (d.day_of_year - 1) / 365.25
        if 2021 <= x <= 2031:
            fig.add_vline(
                x=x,
                line_dash="dash",
                line_color="#777",
                line_width=1,
                annotation_text=LABELS[lang]["halving"],
                annotation_font_size=10,
            )
    fig.update_traces(mode="lines", selector={"type": "scatter"})
    fig.update_yaxes(title=unit, rangemode="tozero")
    return _plotly_layout(fig, 440)
