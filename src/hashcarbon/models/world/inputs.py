"""Inputs of the world model: the curated regional tables and the network history.

Three small tables ship beside this module, every row with a status (stated /
inferred / assumption) and a source (research-note section and the URL it cites):

``regions.csv``
    One row per region: map country, seasonal pool, electricity price (and a seasonal
    alternative price with its months), grid intensity in 2020 and its annual rate of
    change, sustainable share of supply.
``capacity.csv``
    Dated anchor points of the power available to mining per region [GW], linearly
    interpolated and held after the last point; each row has a *kind*: ``resource``
    (curtailed hydro, dry-season limits), ``policy`` (a stated allocation),
    ``measured_load`` (an observed load, which partly contains the answer) or
    ``assumption``.  Regions without rows are uncapped.
``curtailed.csv``
    Curtailed hydro per year for Sichuan and Yunnan [TWh]; spread over the wet-season
    hours it is the extra wet-season power available to mining.

The network history (hash rate, BTC price, subsidy and fees per day) comes from
:func:`hashcarbon.data.network`, the hardware catalogue from
:func:`hashcarbon.hardware.catalogue`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from importlib import resources

import numpy as np
import pandas as pd

from hashcarbon.errors import DataError

__all__ = [
    "History",
    "RegionTable",
    "capacity_table",
    "curtailed_table",
    "load_history",
    "region_codes",
    "region_table",
]

_HERE = "hashcarbon.models.world"
KINDS = ("resource", "policy", "measured_load", "assumption")
STATUSES = ("stated", "inferred", "assumption")


def _read(name: str) -> pd.DataFrame:
    path = resources.files(_HERE) / name
    try:
        with path.open("r", encoding="utf-8") as fh:
            return pd.read_csv(fh)
    except FileNotFoundError:
        raise DataError(f"{name}: world-model input table is missing from the package") from None


def _months_spec(spec) -> tuple[int, ...]:
    """'5-10' -> (5, 6, 7, 8, 9, 10); '11-3' wraps; empty -> ()."""
    if spec is None or (isinstance(spec, float) and np.isnan(spec)) or str(spec).strip() == "":
        return ()
    a, b = (int(x) for x in str(spec).split("-"))
    if a <= b:
        return tuple(range(a, b + 1))
    return tuple(range(a, 13)) + tuple(range(1, b + 1))


@dataclass(frozen=True)
class RegionTable:
    """Region attributes as arrays in region order."""

    codes: tuple[str, ...]
    country: tuple[str, ...]
    pool: tuple[str, ...]
    name: tuple[str, ...]
    price_usd_per_kwh: np.ndarray
    price_alt_usd_per_kwh: np.ndarray
    alt_months: tuple[tuple[int, ...], ...]
    intensity_g_per_kwh_2020: np.ndarray
    intensity_change_per_yr: np.ndarray
    sustainable_share: np.ndarray
    frame: pd.DataFrame = field(repr=False)

    def index(self, code: str) -> int:
        return self.codes.index(code)


@functools.cache
def region_table() -> RegionTable:
    """The validated ``regions.csv`` (cached)."""
    df = _read("regions.csv")
    need = {
        "region",
        "country",
        "pool",
        "name",
        "price_usd_per_kwh",
        "price_alt_usd_per_kwh",
        "alt_months",
        "intensity_g_per_kwh_2020",
        "intensity_change_per_yr",
        "sustainable_share",
        "price_status",
        "price_source",
        "intensity_status",
        "intensity_source",
    }
    missing = need - set(df.columns)
    if missing:
        raise DataError(f"regions.csv: missing columns {sorted(missing)}")
    if df["region"].duplicated().any():
        raise DataError("regions.csv: duplicate region codes")
    for col in ("price_status", "intensity_status"):
        bad = set(df[col]) - set(STATUSES)
        if bad:
            raise DataError(f"regions.csv: {col} has values {sorted(bad)}; expected {STATUSES}")
    if (df["price_usd_per_kwh"] <= 0).any() or not df["sustainable_share"].between(0, 1).all():
        raise DataError("regions.csv: prices must be > 0 and sustainable_share in [0, 1]")
    if df["price_source"].isna().any() or df["intensity_source"].isna().any():
        raise DataError("regions.csv: every row needs a price_source and an intensity_source")
    alt = df["price_alt_usd_per_kwh"].to_numpy(dtype=float)
    base = df["price_usd_per_kwh"].to_numpy(dtype=float)
    return RegionTable(
        codes=tuple(df["region"]),
        country=tuple(df["country"]),
        pool=tuple("" if pd.isna(p) else str(p) for p in df["pool"]),
        name=tuple(df["name"]),
        price_usd_per_kwh=base,
        price_alt_usd_per_kwh=np.where(np.isnan(alt), base, alt),
        alt_months=tuple(_months_spec(s) for s in df["alt_months"]),
        intensity_g_per_kwh_2020=df["intensity_g_per_kwh_2020"].to_numpy(dtype=float),
        intensity_change_per_yr=df["intensity_change_per_yr"].to_numpy(dtype=float),
        sustainable_share=df["sustainable_share"].to_numpy(dtype=float),
        frame=df,
    )


def region_codes() -> tuple[str, ...]:
    """Region codes of the world model, in model order."""
    return region_table().codes


@functools.cache
def capacity_table() -> pd.DataFrame:
    """The validated ``capacity.csv`` anchor points."""
    df = _read("capacity.csv")
    codes = set(region_codes())
    if not set(df["region"]) <= codes:
        raise DataError(f"capacity.csv: unknown regions {sorted(set(df['region']) - codes)}")
    if not set(df["kind"]) <= set(KINDS) or not set(df["status"]) <= set(STATUSES):
        raise DataError("capacity.csv: kind or status outside the allowed values")
    if (df["cap_gw"] < 0).any() or df["source"].isna().any():
        raise DataError("capacity.csv: cap_gw must be >= 0 and every row needs a source")
    df["date"] = pd.to_datetime(df["date"])
    return df.sort_values(["region", "date"]).reset_index(drop=True)


@functools.cache
def curtailed_table() -> pd.DataFrame:
    """The validated ``curtailed.csv`` (curtailed hydro by region and year) [TWh]."""
    df = _read("curtailed.csv")
    if not set(df["region"]) <= set(region_codes()):
        raise DataError("curtailed.csv: unknown regions")
    if (df["curtailed_twh"] < 0).any() or df["source"].isna().any():
        raise DataError("curtailed.csv: curtailed_twh must be >= 0 and every row needs a source")
    return df


def base_caps_gw(time: pd.DatetimeIndex, use: dict[str, bool]) -> tuple[np.ndarray, np.ndarray]:
    """Power available to mining before policies, by month and region.

    ``use`` maps a cap kind to whether it applies.  Switching ``measured_load`` off makes
    every region that has a measured-load row uncapped (its assumption rows go too).

    Returns ``(cap_gw, curtailed_gw)`` with shape (T, R).  Uncapped regions
    have ``inf``.  ``curtailed_gw`` is the wet-season curtailed-hydro power (already
    included in ``cap_gw`` during the wet months).

    Notes
    -----
    Wet-season power from curtailment [GW] = annual curtailed TWh x 1000 / wet-season
    hours, with the region's ``alt_months`` as the wet season (regional_inputs.md §3,
    "spill-limited mining capacity = TWh / wet-season hours").
    """
    rt = region_table()
    T, R = len(time), len(rt.codes)
    cap = np.full((T, R), np.inf)
    caps = capacity_table()
    t_ns = time.to_numpy(dtype="datetime64[ns]").astype(np.int64)
    for r, code in enumerate(rt.codes):
        rows = caps[caps["region"] == code]
        if not use.get("measured_load", True) and (rows["kind"] == "measured_load").any():
            rows = rows[~rows["kind"].isin(["measured_load", "assumption"])]
        rows = rows[rows["kind"].map(lambda k: use.get(k, True))]
        if rows.empty:
            continue
        x = rows["date"].to_numpy(dtype="datetime64[ns]").astype(np.int64)
        cap[:, r] = np.interp(t_ns, x, rows["cap_gw"].to_numpy(dtype=float))
    curt = np.zeros((T, R))
    ct = curtailed_table()
    month = time.month.to_numpy()
    year = time.year.to_numpy()
    for r, code in enumerate(rt.codes):
        rows = ct[ct["region"] == code].sort_values("year")
        if rows.empty or not use.get("resource", True):
            continue
        wet = np.isin(month, rt.alt_months[r])
        hours = 730.5 * max(len(rt.alt_months[r]), 1)
        twh = np.interp(year, rows["year"].to_numpy(), rows["curtailed_twh"].to_numpy())
        curt[:, r] = np.where(wet, twh * 1000.0 / hours, 0.0)
    finite = np.isfinite(cap)
    cap = np.where(finite, cap + curt, cap)
    return cap, curt


@dataclass(frozen=True)
class History:
    """Monthly network history used to drive and check the model.

    Attributes are arrays over ``time`` (month starts).  ``new_eff_j_per_th`` is the
    efficiency of machines bought in each month (see
    :func:`new_machine_efficiency`).
    """

    time: pd.DatetimeIndex
    hashrate_ehs: np.ndarray
    btc_usd: np.ndarray
    subsidy_btc_per_day: np.ndarray
    fees_btc_per_day: np.ndarray
    versions: dict = field(default_factory=dict)


def new_machine_efficiency(
    time: pd.DatetimeIndex, window_months: int, max_frontier_ratio: float = 3.0
) -> np.ndarray:
    """Efficiency of machines bought in each month [J/TH].

    Equal-weighted mean of the ASIC models of the curated catalogue
    (:func:`hashcarbon.hardware.catalogue`, ``kind == "asic"``) released within the
    ``window_months`` before the month (CBECI weights its eligible models equally,
    estimators.md §1.1); months with no release in the window use the catalogue
    frontier.  Before the first ASIC the CBECI "best GPU/FPGA" rows apply.
    """
    from hashcarbon import hardware

    cat = hardware.catalogue("full")
    cat = cat[cat["release_date"].notna() & cat["efficiency_j_per_th"].notna()]
    asic = cat[cat["kind"] == "asic"]
    rel = asic["release_date"].to_numpy(dtype="datetime64[ns]")
    eff = asic["efficiency_j_per_th"].to_numpy(dtype=float)
    full = hardware.catalogue("full", include_placeholders=True)
    frontier = hardware.frontier_efficiency_j_per_th(time, full)
    if np.isnan(frontier).any():
        raise DataError("hardware catalogue: no machine released before the model's first month")
    out = np.empty(len(time))
    t64 = time.to_numpy(dtype="datetime64[ns]")
    for i, t in enumerate(t64):
        lo = t - np.timedelta64(int(window_months * 30.44 * 86400), "s")
        sel = (rel <= t) & (rel > lo)
        out[i] = eff[sel].mean() if sel.any() else frontier[i]
    # Mean of recent releases is never better than the frontier, never worse than
    # max_frontier_ratio x it (parameter new_eff_max_frontier_ratio).
    return np.clip(out, frontier, max_frontier_ratio * frontier)


def load_history() -> History:
    """Monthly means of the shipped daily network table (:func:`hashcarbon.data.network`)."""
    from hashcarbon import data

    net = data.network()
    need = {"date", "hashrate_ehs", "btc_usd", "subsidy_btc", "fees_btc"}
    if not need <= set(net.columns):
        raise DataError(f"network table: missing columns {sorted(need - set(net.columns))}")
    net = net[net["date"] >= "2013-01-01"].set_index("date")
    monthly = net[["hashrate_ehs", "btc_usd", "subsidy_btc", "fees_btc"]].resample("MS").mean()
    # Drop a trailing partial month (fewer than 28 days of data).
    counts = net["hashrate_ehs"].resample("MS").count()
    monthly = monthly[counts >= 28].dropna()
    try:
        src = data.sources()
        versions = {
            k: str(v.get("version", ""))
            for k, v in (src.items() if isinstance(src, dict) else [])
            if k in ("network_daily", "hardware")
        }
    except Exception:  # provenance is best-effort; the data themselves were validated
        versions = {}
    return History(
        time=pd.DatetimeIndex(monthly.index),
        hashrate_ehs=monthly["hashrate_ehs"].to_numpy(),
        btc_usd=monthly["btc_usd"].to_numpy(),
        subsidy_btc_per_day=monthly["subsidy_btc"].to_numpy(),
        fees_btc_per_day=monthly["fees_btc"].to_numpy(),
        versions=versions,
    )
