"""Build the geography tables from ../shared/data and the curated ``geography_points.csv``.

Tables written (``src/hashcarbon/data/tables``):

* ``mining_map.csv`` -- Cambridge's monthly country shares, Sep 2019 - Jan 2022, from
  ``cbeci_mining_map/mining_countries_export.csv`` (CCAF export, via
  Mccalabrese/Bitcoin-Hashrate-simulations-MonteCarlo @ aa26d805).
* ``mining_map_points.csv`` -- dated, sourced shares outside that window
  (every row of ``geography_points.csv`` except the provincial anchors).
* ``china_province_profile.csv`` -- month-of-year provincial split of China's hash
  rate: before the ban, CCAF's 2020 dry/wet anchors moved by the sourced hydro
  calendar ``china_hydro_calendar.csv`` (:func:`hashcarbon.geography.calendar_profile`);
  from Jul 2021, the sourced post-ban split ``china_post_ban_split.csv``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from build._common import write_table
from hashcarbon.geography import MAP_COUNTRIES, PROVINCES, calendar_profile, scale_remaining

HERE = Path(__file__).resolve().parent
POINTS = HERE / "geography_points.csv"
#: Month-by-month hydro calendar of south-west China, each month with its source.
CALENDAR = HERE / "china_hydro_calendar.csv"
#: Post-ban (Jul 2021 on) provincial split with a low- and high-carbon end, each row sourced.
POST_BAN = HERE / "china_post_ban_split.csv"
#: Source of the dry and wet anchors (CCAF), prefixed to each month's calendar source.
ANCHOR_SOURCE = (
    "anchors: CCAF launch view Apr 2020 (https://fintechzoom.com/fintech_news_bitcoin-news/"
    "bitcoin-hash-rate-65-is-concentrated-in-china/) and CCAF blog 15 Jul 2021 "
    "(https://www.jbs.cam.ac.uk/insight/2021/new-data-reveals-timeline-of-chinas-bitcoin-mining-exodus/)"
)

#: CCAF export names -> canonical English names; asterisked names are VPN/proxy suspects.
COUNTRY_NAMES = {
    "Mainland China": "China",
    "United States": "United States",
    "Russian Federation": "Russia",
    "Kazakhstan": "Kazakhstan",
    "Malaysia": "Malaysia",
    "Iran, Islamic Rep.": "Iran",
    "Canada": "Canada",
    "Germany *": "Germany",
    "Ireland *": "Ireland",
    "Other": "Other",
}
ISO3 = dict(MAP_COUNTRIES) | {
    "Norway": "NOR",
    "Iceland": "ISL",
    "Paraguay": "PRY",
    "Ethiopia": "ETH",
}


def build_mining_map(shared_data: Path) -> pd.DataFrame:
    raw = pd.read_csv(shared_data / "cbeci_mining_map" / "mining_countries_export.csv", dtype=str)
    unknown = sorted(set(raw["country"]) - set(COUNTRY_NAMES))
    if unknown:
        raise ValueError(f"mining_countries_export.csv: unknown country names {unknown}")
    out = pd.DataFrame(
        {
            "date": pd.to_datetime(raw["date"], format="%Y-%m-%d"),
            "country": raw["country"].map(COUNTRY_NAMES),
            "iso3": raw["country"].map(COUNTRY_NAMES).map(ISO3),
            "share": raw["monthly_hashrate_%"].str.rstrip("%").astype(float) / 100.0,
            "hashrate_ehs": raw["monthly_absolute_hashrate_EH/S"].astype(float),
            "vpn_suspect": raw["country"].str.endswith("*"),
        }
    )
    order = {c: i for i, (c, _) in enumerate(MAP_COUNTRIES)}
    out["_o"] = out["country"].map(order)
    out = out.sort_values(["date", "_o"]).drop(columns="_o").reset_index(drop=True)
    out["share"] = out["share"].round(6)
    return out


def read_points() -> pd.DataFrame:
    pts = pd.read_csv(POINTS, dtype={"note": str, "source": str})
    pts["date"] = pd.to_datetime(pts["date"], format="%Y-%m-%d")
    return pts


def build_points(pts: pd.DataFrame) -> pd.DataFrame:
    out = pts[pts["kind"] != "province_anchor"].rename(columns={"region": "country"}).copy()
    known = {c for c, _ in MAP_COUNTRIES}
    bad = out[(out["kind"] == "country_estimate") & ~out["country"].isin(known)]
    if len(bad):
        raise ValueError(
            f"geography_points.csv: country_estimate for a country outside the map: {bad.country.tolist()}"
        )
    out.insert(3, "iso3", out["country"].map(ISO3).fillna(""))
    out["note"] = out["note"].fillna("")
    order = [
        "kind",
        "date",
        "country",
        "iso3",
        "share",
        "share_low",
        "share_high",
        "basis",
        "source",
        "status",
        "note",
    ]
    return out[order].sort_values(["kind", "date", "country"], kind="stable").reset_index(drop=True)


def province_anchors(pts: pd.DataFrame) -> tuple[dict[str, float], dict[str, float]]:
    """Dry (Apr 2020) and peak (wet season 2020) provincial shares of China's hash rate."""
    a = pts[pts["kind"] == "province_anchor"]
    launch = a[a["basis"] == "share_of_network"].set_index("region")["share"]
    china = a[a["basis"] == "share_of_china"]
    dry_date = china["date"].min()
    stated_dry = china[china["date"] == dry_date].set_index("region")["share"].to_dict()
    stated_peak = china[china["date"] == china["date"].max()].set_index("region")["share"].to_dict()
    # Launch view (% of global) / China's launch-view share -> % of China, for provinces
    # without a stated share-of-China figure; the rest of China is the residual.
    dry = {p: stated_dry.get(p, launch.get(p, 0.0) / launch["China"]) for p in PROVINCES[:-1]}
    dry["Rest of China"] = 1.0 - sum(dry.values())
    dry = {p: round(s, 6) for p, s in dry.items()}
    dry["Rest of China"] = round(1.0 - sum(v for k, v in dry.items() if k != "Rest of China"), 6)
    peak = scale_remaining(dry, stated_peak)
    peak = {p: round(s, 6) for p, s in peak.items()}
    peak["Rest of China"] = round(1.0 - sum(v for k, v in peak.items() if k != "Rest of China"), 6)
    return dry, peak


def _close(prof: pd.DataFrame, column: str) -> None:
    """Round to 1e-6 and put the rounding residue on "Rest of China" (exact closure)."""
    prof[column] = prof[column].round(6)
    rest = prof["province"] == "Rest of China"
    others = prof[~rest].groupby("month")[column].sum()
    prof.loc[rest, column] = (1.0 - prof.loc[rest, "month"].map(others)).round(6).to_numpy()


def build_profile(pts: pd.DataFrame) -> pd.DataFrame:
    """Pre-ban calendar profile (72 rows) and post-ban split (72 rows), each row sourced."""
    dry, peak = province_anchors(pts)
    cal = pd.read_csv(CALENDAR)
    if sorted(cal["month"]) != list(range(1, 13)):
        raise ValueError("china_hydro_calendar.csv: expected one row per month 1-12")
    weights = dict(zip(cal["month"], cal["wet_weight"], strict=True))
    methods = dict(zip(cal["month"], cal["method"], strict=True))
    pre = calendar_profile(dry, peak, weights, methods)
    _close(pre, "share_of_china")
    pre["share_low_carbon"] = pre["share_of_china"]
    pre["share_high_carbon"] = pre["share_of_china"]
    src = dict(zip(cal["month"], cal["source"], strict=True))
    pre["source"] = pre["month"].map(lambda m: f"calendar: {src[m]}; {ANCHOR_SOURCE}")
    pre.insert(0, "regime", "pre_ban")

    split = pd.read_csv(POST_BAN)
    if sorted(split["province"]) != sorted(PROVINCES):
        raise ValueError(f"china_post_ban_split.csv: expected the provinces {PROVINCES}")
    post = pd.concat([split.assign(month=m) for m in range(1, 13)], ignore_index=True)
    post = post.rename(columns={"share_central": "share_of_china"})
    for col in ("share_of_china", "share_low_carbon", "share_high_carbon"):
        _close(post, col)
    post["wet_weight"] = float("nan")
    post["method"] = "post_ban"
    post["source"] = post["source"] + "; " + post["note"]
    post.insert(0, "regime", "post_ban")
    cols = [
        "regime",
        "month",
        "province",
        "share_of_china",
        "share_low_carbon",
        "share_high_carbon",
        "wet_weight",
        "method",
        "source",
    ]
    order = {p: i for i, p in enumerate(PROVINCES)}
    out = pd.concat([pre[cols], post[cols]], ignore_index=True)
    out["_o"] = out["province"].map(order)
    out = out.sort_values(["regime", "month", "_o"], ascending=[False, True, True], kind="stable")
    return out.drop(columns="_o").reset_index(drop=True)


def build(shared_data: Path, out_dir: Path) -> list[Path]:
    """Write the geography tables into out_dir and return their paths."""
    pts = read_points()
    return [
        write_table(build_mining_map(shared_data), out_dir, "mining_map.csv", float_format="%.6g"),
        write_table(build_points(pts), out_dir, "mining_map_points.csv", float_format="%.9g"),
        write_table(build_profile(pts), out_dir, "china_province_profile.csv", float_format="%.6f"),
    ]
