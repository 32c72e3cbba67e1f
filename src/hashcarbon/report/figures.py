"""Matplotlib figures for the report, returned as PNG bytes (Agg backend, no display).

Figure labels use a CJK-capable font when one is installed (``fc-list :lang=zh``);
otherwise they stay in English so no glyph is lost, and the report says so.
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path as MPath
from matplotlib.ticker import MaxNLocator

CJK_CANDIDATES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
    "AR PL UMing CN",
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
}


def cjk_font() -> str | None:
    """Name of an installed font with Chinese glyphs, or ``None``."""
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    for cand in CJK_CANDIDATES:
        if cand in names:
            return cand
    return None


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def _style() -> None:
    font = cjk_font()
    plt.rcParams.update({"font.size": 9, "axes.grid": True, "grid.alpha": 0.3})
    if font:
        plt.rcParams["font.sans-serif"] = [font, "DejaVu Sans"]


def energy_bounds(monthly: dict[str, pd.DataFrame]) -> bytes:
    """Annualised electricity [TWh/yr] by month: CBECI bounds and the economic estimate."""
    _style()
    fig, ax = plt.subplots(figsize=(8, 4))
    colours = {"cbeci-v1": "#1f77b4", "cbeci-2023": "#2ca02c", "economic": "#d62728"}
    for method, frame in monthly.items():
        t = pd.to_datetime(frame["period"].astype(str))
        k = 8.766  # GW -> TWh/yr
        if method != "economic":
            ax.fill_between(
                t,
                frame["power_gw_lower"] * k,
                frame["power_gw_upper"] * k,
                color=colours[method],
                alpha=0.15,
                lw=0,
            )
        ax.plot(t, frame["power_gw_best"] * k, color=colours[method], lw=1.3, label=method)
    ax.set_ylabel("TWh/yr (annualised)")
    ax.set_title("Bitcoin network electricity: bounds (shaded) and best guesses")
    ax.legend(loc="upper left")
    return _png(fig)


def stacked_shares(shares: pd.DataFrame) -> bytes:
    """Stacked area of monthly hash-rate shares (columns = regions, index = month)."""
    _style()
    fig, ax = plt.subplots(figsize=(8, 4.2))
    cmap = plt.get_cmap("tab20")
    ax.stackplot(
        shares.index,
        *[shares[c].to_numpy() for c in shares.columns],
        labels=list(shares.columns),
        colors=[cmap(i % 20) for i in range(len(shares.columns))],
    )
    ax.set_ylim(0, 1)
    ax.set_ylabel("share of network hash rate")
    ax.set_title("Where Bitcoin is mined (China by province)")
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=7)
    return _png(fig)


def carbon_panels(yearly: pd.DataFrame, world: pd.DataFrame) -> bytes:
    """Emissions with bounds, intensity vs the world grid, mix and sustainable share."""
    _style()
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.8))
    y = yearly["period"].astype(int)
    ax = axes[0]
    ax.fill_between(y, yearly["emissions_mt_lower"], yearly["emissions_mt_upper"], alpha=0.2)
    ax.plot(y, yearly["emissions_mt_best"], marker="o", ms=3)
    ax.set_title("Emissions [Mt CO2e/yr]")
    for a in axes:
        a.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax = axes[1]
    ax.plot(y, yearly["intensity_g_per_kwh"], marker="o", ms=3, label="Bitcoin (cbeci-v1 mix)")
    for col, style in (("ccaf_world", "--"), ("iea_world", ":")):
        sub = world.dropna(subset=[col])
        ax.plot(sub["year"], sub[col], style, label=col.replace("_", " "))
    ax.set_title("Intensity [gCO2e/kWh]")
    ax.legend(fontsize=7)
    ax = axes[2]
    bottom = np.zeros(len(y))
    for src, colour in SOURCE_COLOURS.items():
        col = f"{src}_share"
        if col in yearly:
            vals = yearly[col].fillna(0).to_numpy()
            ax.bar(y, vals, bottom=bottom, color=colour, label=src, width=0.8)
            bottom += vals
    ax.plot(y, yearly["sustainable_share"], "k--o", ms=3, lw=1.2, label="sustainable")
    ax.set_ylim(0, 1)
    ax.set_title("Electricity mix (share)")
    ax.legend(fontsize=6, loc="center left", bbox_to_anchor=(1.0, 0.5))
    fig.tight_layout()
    return _png(fig)


def _band(ax, x0, x1, y0a, y0b, y1a, y1b, colour, alpha=0.45):
    """A curved band from [y0a, y0b] at x0 to [y1a, y1b] at x1."""
    xm = (x0 + x1) / 2
    verts = [
        (x0, y0a),
        (xm, y0a),
        (xm, y1a),
        (x1, y1a),
        (x1, y1b),
        (xm, y1b),
        (xm, y0b),
        (x0, y0b),
        (x0, y0a),
    ]
    codes = [MPath.MOVETO, MPath.CURVE4, MPath.CURVE4, MPath.CURVE4, MPath.LINETO]
    codes += [MPath.CURVE4, MPath.CURVE4, MPath.CURVE4, MPath.CLOSEPOLY]
    ax.add_patch(PathPatch(MPath(verts, codes), fc=colour, ec="none", alpha=alpha))


def flow_diagram(energy: pd.DataFrame, emissions_by_source: pd.Series, year: int) -> bytes:
    """Region -> energy source -> CO2 flows (a Sankey drawn with polygons).

    ``energy`` is a region x source table of energy [TWh]; ``emissions_by_source``
    the emissions of each source [Mt].  Left links are scaled by energy, right links
    by emissions (each column normalised to the same height; the labels carry units).
    """
    _style()
    regions = energy.sum(axis=1).sort_values(ascending=False)
    sources = energy.sum(axis=0)
    sources = sources[sources > 0].sort_values(ascending=False)
    energy = energy.loc[regions.index, sources.index]
    total_e = float(regions.sum())
    total_m = float(emissions_by_source.reindex(sources.index).fillna(0).sum())
    gap = 0.012
    h = 1.0 - gap * (max(len(regions), len(sources)) - 1)
    fig, ax = plt.subplots(figsize=(9, 5.5))
    cmap = plt.get_cmap("tab20")

    def stack(values, total):
        pos, y = {}, 1.0
        for k, v in values.items():
            hh = h * v / total if total > 0 else 0
            pos[k] = [y - hh, y]
            y -= hh + gap
        return pos

    rpos = stack(regions, total_e)
    spos = stack(sources, total_e)
    xr_, xs, xc = 0.0, 1.0, 2.0
    w = 0.06
    s_in = {k: v[1] for k, v in spos.items()}
    for i, (r, (r0, r1)) in enumerate(rpos.items()):
        colour = cmap(i % 20)
        ax.add_patch(Rectangle((xr_ - w, r0), w, r1 - r0, color=colour))
        ax.text(
            xr_ - w - 0.02,
            (r0 + r1) / 2,
            f"{r} {regions[r]:.1f} TWh",
            ha="right",
            va="center",
            fontsize=7,
        )
        top = r1
        for s in sources.index:
            v = energy.loc[r, s]
            if v <= 0:
                continue
            hh = h * v / total_e
            _band(ax, xr_, xs, top, top - hh, s_in[s], s_in[s] - hh, colour)
            top -= hh
            s_in[s] -= hh
    em = emissions_by_source.reindex(sources.index).fillna(0)
    c_top = 1.0
    c_height = h
    for s, (s0, s1) in spos.items():
        colour = SOURCE_COLOURS.get(s, "grey")
        ax.add_patch(Rectangle((xs, s0), w, s1 - s0, color=colour))
        ax.text(
            xs + w / 2,
            s1 + 0.004,
            f"{s} {sources[s]:.1f} TWh",
            ha="center",
            va="bottom",
            fontsize=6.5,
        )
        hh = c_height * em[s] / total_m if total_m > 0 else 0
        if hh > 0:
            _band(ax, xs + w, xc, s1, s1 - (s1 - s0), c_top, c_top - hh, colour, alpha=0.55)
            if em[s] >= 0.02 * total_m:
                ax.text(
                    xc + w + 0.02, c_top - hh / 2, f"{s}: {em[s]:.1f} Mt", va="center", fontsize=6.5
                )
        c_top -= hh
    ax.add_patch(Rectangle((xc, 1.0 - c_height), w, c_height, color="#555555"))
    ax.text(xc + w / 2, 1.01, f"CO2 {total_m:.1f} Mt", ha="center", va="bottom", fontsize=8)
    small = em[em < 0.02 * total_m]
    if len(small):
        ax.text(
            xc + w + 0.02,
            1.0 - c_height - 0.02,
            f"others: {small.sum():.1f} Mt",
            va="top",
            fontsize=6.5,
        )
    ax.set_xlim(-0.9, 2.6)
    ax.set_ylim(-0.05, 1.08)
    ax.axis("off")
    ax.set_title(f"Carbon emission flows {year}: region -> energy source -> CO2")
    return _png(fig)


def small_multiples(
    series: dict[str, pd.DataFrame], names: list[str], units: dict[str, str]
) -> bytes:
    """3x3 grid: one panel per series, one line per scenario (annual values)."""
    _style()
    fig, axes = plt.subplots(3, 3, figsize=(11, 8), sharex=True)
    for ax, name in zip(axes.ravel(), names, strict=False):
        for scen, frame in series.items():
            ax.plot(frame["period"].astype(int), frame[name], label=scen, lw=1.2)
        ax.set_title(f"{name} [{units.get(name, '')}]", fontsize=8)
        ax.ticklabel_format(axis="y", style="sci", scilimits=(-3, 4))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes[0, 0].legend(fontsize=7)
    fig.tight_layout()
    return _png(fig)


def model_vs_estimate(frame: pd.DataFrame) -> bytes:
    """BBCE China energy (benchmark) against the project's estimate of China's energy."""
    _style()
    fig, ax = plt.subplots(figsize=(7, 3.8))
    y = frame["year"].astype(int)
    ax.plot(y, frame["bbce_twh"], "o-", label="BBCE benchmark (Jiang et al. 2021)")
    ax.fill_between(y, frame["project_twh_lower"], frame["project_twh_upper"], alpha=0.2)
    ax.plot(y, frame["project_twh"], "s-", label="China share x network energy (cbeci-v1)")
    ax.set_ylabel("TWh/yr")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title("China's mining electricity: forecast vs estimate")
    ax.legend(fontsize=7)
    return _png(fig)


def fan_chart(fans: dict[str, pd.DataFrame], var: str, unit: str) -> bytes:
    """Median and P5-P95 band per scenario over years."""
    _style()
    fig, ax = plt.subplots(figsize=(8, 4))
    cmap = plt.get_cmap("tab10")
    for i, (scen, f) in enumerate(fans.items()):
        y = f["year"].astype(int)
        ax.fill_between(y, f[f"{var}_p5"], f[f"{var}_p95"], color=cmap(i), alpha=0.12, lw=0)
        ax.plot(y, f[f"{var}_p50"], color=cmap(i), lw=1.5, label=scen)
    ax.set_ylabel(unit)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(f"World model: {var} by scenario (median, P5-P95)")
    ax.legend(fontsize=7)
    return _png(fig)
