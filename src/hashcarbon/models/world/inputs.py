"""Inputs of the world model, built by the project's own modules.

* Regions: the world-model rows of the one region registry
  (:func:`hashcarbon.vocabulary.world_region_codes`; code, map country, name).
* Grid intensity and sustainable share by month and region:
  :func:`hashcarbon.pipeline.region_intensity_g_per_kwh` (the same factor set and
  projection as ``estimate``) and :mod:`hashcarbon.grid`'s mixes.
* Curtailed hydro by month and region: :func:`hashcarbon.pipeline.region_curtailed_twh`
  (the one curtailment table).
* Electricity price by month and region: :func:`hashcarbon.pipeline.region_price_usd_per_kwh`
  (table ``electricity_prices``, seasonal rows and surcharges included).
* Efficiency of the month's purchases:
  :func:`hashcarbon.pipeline.new_machine_efficiency_j_per_th` (the energy module's
  catalogue and CBECI-2023 newest cohort).

One table ships beside this module, every row with a status and a source:

``capacity.csv``
    Dated anchor points of the power available to mining per region [GW], linearly
    interpolated and held after the last point; each row has a *kind*: ``resource``
    (dry-season limits), ``policy`` (a stated allocation), ``measured_load`` (an observed
    load, which partly contains the answer), ``assumption``, ``site_load`` (the sum of
    the stated sites' loads in a region, extra anchor points applied only when the
    ``use`` mapping asks for them: parameter ``use_site_load_caps``) or ``us_state_load``
    (sourced loads of the US hosting states Georgia, Kentucky and New York, 2019-2021:
    stated sites and Cambridge's Dec 2021 state split; applied only with
    ``use_us_state_load_caps``, and then they replace the region's ``assumption`` rows).
    Regions without rows are uncapped.

The network history (hash rate, BTC price, subsidy and fees per day) comes from
:func:`hashcarbon.data.network`.
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
    "georgia_miner_price_usd_per_kwh",
    "grid_paths",
    "load_history",
    "malaysia_miner_price_usd_per_kwh",
    "region_codes",
    "region_table",
    "us_miner_price_usd_per_kwh",
]

_HERE = "hashcarbon.models.world"
KINDS = (
    "resource",
    "policy",
    "measured_load",
    "assumption",
    "site_load",
    "us_state_load",
    "dry_load",
)
STATUSES = ("stated", "inferred", "assumption")
#: Cap kinds applied unless the ``use`` mapping says otherwise: every kind but
#: ``site_load`` (sums of stated sites' loads, an option: ``use_site_load_caps``) and
#: ``us_state_load`` (the US hosting states, an option: ``use_us_state_load_caps``).
#: ``dry_load`` (the measured dry-season loads of Sichuan and Yunnan, Apr 2020; on by
#: default since round 8: ``use_dry_load_caps``) is on unless switched off.
KINDS_ON_BY_DEFAULT = {"site_load": False, "us_state_load": False}
#: Kinds whose rows, when applied, replace the region's ``assumption`` rows (New York's
#: assumed 0.5 GW of Jun 2021 gives way to its sourced loads).
KINDS_REPLACING_ASSUMPTIONS = ("us_state_load",)


def _read(name: str) -> pd.DataFrame:
    path = resources.files(_HERE) / name
    try:
        with path.open("r", encoding="utf-8") as fh:
            return pd.read_csv(fh)
    except FileNotFoundError:
        raise DataError(f"{name}: world-model input table is missing from the package") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise DataError(
            f"{name}: world-model input table is damaged ({type(exc).__name__})"
        ) from None


@dataclass(frozen=True)
class RegionTable:
    """Region attributes in model order (from the registry, :mod:`hashcarbon.vocabulary`)."""

    codes: tuple[str, ...]
    country: tuple[str, ...]  # Cambridge map country
    pool: tuple[str, ...]  # "CN" for the legal Chinese provinces (seasonal moves)
    name: tuple[str, ...]
    frame: pd.DataFrame = field(repr=False)

    def index(self, code: str) -> int:
        return self.codes.index(code)


#: The region that only fills after a ban (China's underground mining).
UNDERGROUND = "CN-UG"


@functools.cache
def region_table() -> RegionTable:
    """The world model's regions: the registry rows with ``world_model = true``."""
    from hashcarbon import vocabulary

    codes = tuple(vocabulary.world_region_codes())
    country = tuple(vocabulary.map_country(c) for c in codes)
    pool = tuple("CN" if vocabulary.parent(c) == "CN" and c != UNDERGROUND else "" for c in codes)
    names = tuple(vocabulary.name_en(c) for c in codes)
    frame = pd.DataFrame({"region": codes, "country": country, "pool": pool, "name": names})
    return RegionTable(codes=codes, country=country, pool=pool, name=names, frame=frame)


#: Grid options of the world model, as ``estimate``'s: factor set and the projection
#: after a region's last data year (:func:`hashcarbon.grid.project_intensity`).
GRID_DEFAULTS = {"factor_set": "ccaf", "projection": "hold"}


@functools.cache
def _sustainable_history(code: str) -> pd.Series:
    """Sustainable share of a registry region's grid by data year [-] (hashcarbon.grid)."""
    from hashcarbon import grid, pipeline, vocabulary

    source, key = vocabulary.grid_key(code)
    years = np.arange(2010, 2031)
    if source == "owid":
        sh = grid.mix_shares(key, None, vintages=tuple(pipeline.DEFAULT_MIX_VINTAGES))
        return pd.Series(
            np.asarray(grid.sustainable_share(sh), dtype=float), index=sh["year"].astype(int)
        )
    if source == "eia_state":
        # one call over the state's data years (the loop below is the fallback for gaps)
        from hashcarbon.data import load_table

        tab = load_table("us_state_mix")
        have = tab.loc[tab["state"] == str(key).upper(), "year"]
        if len(have):
            ys = years[(years >= int(have.min())) & (years <= int(have.max()))]
            try:
                sh = grid.us_state_shares(key, ys.tolist(), max_fallback_years=0)
                return pd.Series(
                    np.asarray(grid.sustainable_share(sh), dtype=float), index=ys.astype(int)
                )
            except Exception:  # a gap in the years: year by year below
                pass
    vals = {}
    for y in years:
        try:
            if source == "eia_state":
                sh = grid.us_state_shares(key, [int(y)], max_fallback_years=0)
                vals[int(y)] = float(np.asarray(grid.sustainable_share(sh))[0])
            else:
                sh = grid.china_province_shares(key, int(y), max_fallback_years=0)
                vals[int(y)] = float(grid.sustainable_share(sh))
        except Exception:  # no data for the year: filled from the nearest year below
            continue
    return pd.Series(vals, dtype=float)


@functools.cache
def _grid_paths_cached(codes: tuple, first: str, n: int, factor_set: str, projection: str):
    from hashcarbon import pipeline

    time = pd.date_range(first, periods=n, freq="MS")
    intensity = pipeline.region_intensity_g_per_kwh(
        list(codes), time, factor_set=factor_set, projection=projection
    )
    years = time.year.to_numpy()
    sust = np.empty((n, len(codes)))
    for j, code in enumerate(codes):
        hist = _sustainable_history(code).dropna().sort_index()
        if hist.empty:
            raise DataError(f"grid: no generation mix for region {code}")
        full = hist.reindex(range(int(hist.index.min()), int(hist.index.max()) + 1)).ffill()
        yy = np.clip(years, full.index.min(), full.index.max())  # held outside the data
        sust[:, j] = full.loc[yy].to_numpy()
    curt_twh, price = _curtailment_and_price(codes, first, n)
    return intensity, sust, curt_twh, price


def _price_axis(time: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """Months on which prices are looked up: ``time`` widened to at least 2014-2035, so
    that the pipeline's held prices reach back and forth from the table's rows (a short
    axis before the first row would otherwise get no price to hold)."""
    return pd.date_range(
        min(time[0], pd.Timestamp("2014-01-01")),
        max(time[-1], pd.Timestamp("2035-12-01")),
        freq="MS",
    )


@functools.cache
def _curtailment_and_price(codes: tuple, first: str, n: int):
    """Curtailed TWh and electricity price (T, R): the same for every factor set and
    projection, so computed once per time axis."""
    from hashcarbon import pipeline

    time = pd.date_range(first, periods=n, freq="MS")
    curt_twh = pipeline.region_curtailed_twh(list(codes), time)
    wide = _price_axis(time)
    with np.errstate(invalid="ignore"):
        price = pipeline.region_price_usd_per_kwh(list(codes), wide)[wide.get_indexer(time)]
    if not np.isfinite(price).all() or (price <= 0).any():
        raise DataError("electricity_prices: a world-model region has no positive price")
    for a in (curt_twh, price):
        a.setflags(write=False)
    return curt_twh, price


def gross_power_cost_delta_usd_per_kwh(time: pd.DatetimeIndex) -> np.ndarray:
    """Gross minus net company power cost by month and region [USD/kWh], shape (T, R).

    Non-zero only in regions priced from company rows (US-TX: Riot, whose gross cost
    is 0.0135-0.023 USD/kWh above its net cost of resale credits): what
    ``company_gross_power_cost = 1`` adds to the pipeline's price (rounds 3-9, where the
    table's order picked the gross rows; :data:`hashcarbon.pipeline.COMPANY_COST_KINDS`).
    """
    return _gross_delta_cached(region_table().codes, f"{time[0]:%Y-%m-01}", len(time))


@functools.cache
def _gross_delta_cached(codes: tuple, first: str, n: int) -> np.ndarray:
    from hashcarbon import pipeline

    time = pd.date_range(first, periods=n, freq="MS")
    wide = _price_axis(time)
    at = wide.get_indexer(time)
    with np.errstate(invalid="ignore"):
        net = pipeline.region_price_usd_per_kwh(list(codes), wide, include_addons=False)[at]
        gross = pipeline.region_price_usd_per_kwh(
            list(codes), wide, include_addons=False, company_cost="gross"
        )[at]
    out = gross - net
    out.setflags(write=False)
    return out


def grid_paths(time: pd.DatetimeIndex, factor_set: str = "ccaf", projection: str = "hold"):
    """Monthly inputs by region from the project's modules (cached per time axis).

    Returns
    -------
    intensity_g_per_kwh : (T, R) [gCO2e/kWh]
        :func:`hashcarbon.pipeline.region_intensity_g_per_kwh` (average accounting).
    sustainable_share : (T, R) [-]
        Hydro + nuclear + wind + solar + other renewables of the region's grid
        (:func:`hashcarbon.grid.sustainable_share`), held after the last data year.
    curtailed_twh : (T, R) [TWh per month]
        :func:`hashcarbon.pipeline.region_curtailed_twh`.
    price_usd_per_kwh : (T, R) [USD/kWh]
        :func:`hashcarbon.pipeline.region_price_usd_per_kwh`.
    """
    codes = region_table().codes
    # computed once on an axis from the first month to at least Dec 2035 (every horizon
    # of the model's runs), then cut to the months asked
    first = pd.Timestamp(time[0]).to_period("M").to_timestamp()
    last = max(pd.Timestamp(time[-1]), pd.Timestamp("2035-12-01"))
    n = (last.year - first.year) * 12 + last.month - first.month + 1
    full = _grid_paths_cached(codes, f"{first:%Y-%m-01}", n, factor_set, projection)
    return tuple(a[: len(time)] for a in full)


#: Regions priced from their parent "United States" (the EIA industrial average) that
#: take the miners' own power cost with ``us_miner_price = 1``.
US_MINER_PRICE_REGIONS = ("US-GA", "US-KY", "US-OT")


@functools.cache
def _us_miner_price_cached(first: str, n: int, held_back: bool) -> np.ndarray:
    from hashcarbon import data, geography

    time = pd.date_range(first, periods=n, freq="MS")
    table = data.electricity_prices()
    p = geography.electricity_price(
        "United States", time, kind="public_miner_average", table=table
    )["price_usd_per_kwh"].to_numpy(dtype=float)
    held = pd.Series(p, index=time).ffill()  # NaN before the first row
    held = (held.bfill() if held_back else held).to_numpy()
    if not np.isfinite(held[-1]):
        raise DataError("electricity_prices: no public_miner_average row for United States")
    return held


def us_miner_price_usd_per_kwh(time: pd.DatetimeIndex, held_back: bool = False) -> np.ndarray:
    """Power cost of the US listed miners by month [USD/kWh], shape (T,).

    The ``public_miner_average`` rows of the ``electricity_prices`` table (average power
    cost of Riot, Marathon, Core Scientific and peers from their 10-Q/10-K filings,
    quarterly 2021-2023: 0.035-0.041 USD/kWh; tabulated by Krisp140/TargetedNakomoto),
    held after the last row (a price persists until a source says otherwise, the
    pipeline's rule); NaN before the first row (Jan 2021): no source gives the price
    the few US miners paid earlier, and holding the 2021 contracts back would price the
    whole uncapped US below Xinjiang from 2014, when the hosting sites that had these
    contracts did not exist yet (``held_back=True`` does so, as a sensitivity).  Corroboration: regional_inputs.md §7 (US
    public-miner / industry average 0.040-0.045 USD/kWh 2022-24, K33; Cambridge 2025
    survey median delivered 0.045).  Used for :data:`US_MINER_PRICE_REGIONS`, which
    otherwise take the EIA industrial average of all US industry (0.067-0.093 USD/kWh),
    a price that miners, who contract below it, do not pay.
    """
    return _us_miner_price_cached(f"{time[0]:%Y-%m-01}", len(time), bool(held_back))


#: First month of the Georgia miners' price (``georgia_miner_price = 1``): the date of its
#: source, Mawson's Sandersville site "operational" at 0.04 USD/kWh in Jul-Aug 2021
#: (docs/notes/region_loads_2019_2022.md G4: https://www.theblock.co/linked/114651/mawson-bitcoin-mining-300-mw-georgia).
GEORGIA_MINER_PRICE_FROM = "2021-07-01"


def georgia_miner_price_usd_per_kwh(
    time: pd.DatetimeIndex, price_usd_per_kwh: float, held_back: bool = False
) -> np.ndarray:
    """Georgia miners' power price by month [USD/kWh], shape (T,); NaN where not applied.

    ``price_usd_per_kwh`` (parameter ``georgia_miner_price_usd_per_kwh``, 0.04: Mawson,
    Sandersville GA, 100 MW allocated and 400 MW negotiated at 0.04 USD/kWh, Jul-Aug
    2021, note G4; CleanSpark College Park GA pays "about half" the utility price, G6)
    from :data:`GEORGIA_MINER_PRICE_FROM`, held after (a price persists until a source
    says otherwise, the pipeline's rule); NaN before, where the region keeps the
    pipeline's price (its parent's, the EIA industrial average).  ``held_back=True``
    applies it from the first month (a sensitivity: no source gives the price of the
    few Georgia sites before 2021).
    """
    p = float(price_usd_per_kwh)
    if not np.isfinite(p) or p <= 0:
        raise DataError(f"georgia_miner_price_usd_per_kwh: expected a price > 0, got {p}")
    out = np.full(len(time), p)
    if not held_back:
        out[np.asarray(time < pd.Timestamp(GEORGIA_MINER_PRICE_FROM))] = np.nan
    return out


#: Largest accepted ``malaysia_theft_share``: at 1 the price would be 0, and the siting
#: logit (:func:`hashcarbon.models.world.steps.siting_weights`) is relative to the least
#: cost, so a region at zero cost would take every new machine whatever its weight.
MALAYSIA_THEFT_SHARE_MAX = 0.95


def malaysia_miner_price_usd_per_kwh(tariff_usd_per_kwh, theft_share: float) -> np.ndarray:
    r"""Average power price of Malaysia's miners [USD/kWh], same shape as the tariff.

    .. math:: p^{MY}_t = (1 - s)\,p^{tariff}_t

    ``tariff_usd_per_kwh`` is the pipeline's Malaysian price (the ``electricity_prices``
    rows for Malaysia: household tariff 0.053 USD/kWh, 2022, held back; business tariff
    0.092, Dec 2021) and :math:`s` = ``malaysia_theft_share`` the share of the Malaysian
    mining load on stolen power, which pays no tariff (regional_inputs.md §7: "illegal
    (stolen) power, effective cost about 0", I).  The share comes from the utility's
    losses (regional_inputs.md §2, S): TNB lost RM2.3bn to mining theft in 2018-21 and
    RM4.6bn at 13,827 premises in Jan 2020 - Aug 2025, i.e. 1.5-3.5 TWh a year at
    0.053-0.092 USD/kWh and 4.1-4.5 MYR/USD, against a Malaysian mining load of 0.3-0.4 GW
    (2.6-3.5 TWh a year: the map's 3-6 % of 2019-21, BitRiver's ~300 MW of 2023): 0.43-1
    of the load; its per-year figures (RM140.4m in 2021, 124.9m in 2022) give 0.1-0.24
    (inferred).  The seizure risk and bribes of stolen power are not priced.
    """
    s = float(theft_share)
    if not np.isfinite(s) or not 0.0 <= s <= MALAYSIA_THEFT_SHARE_MAX:
        raise DataError(
            f"malaysia_theft_share: expected a share in [0, {MALAYSIA_THEFT_SHARE_MAX}], got {s}"
        )
    return (1.0 - s) * np.asarray(tariff_usd_per_kwh, dtype=float)


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


@functools.lru_cache(maxsize=64)
def _interpolated_caps(first: str, n: int, use: tuple) -> np.ndarray:
    """The capacity rows of ``capacity.csv`` interpolated to months (T, R) [GW], ``inf``
    where uncapped (cached: an uncertainty ensemble asks for a few ``use`` sets many
    times)."""
    use_d = dict(use)
    rt = region_table()
    time = pd.date_range(first, periods=n, freq="MS")
    cap = np.full((n, len(rt.codes)), np.inf)
    caps = capacity_table()
    t_ns = time.to_numpy(dtype="datetime64[ns]").astype(np.int64)
    for r, code in enumerate(rt.codes):
        rows = caps[caps["region"] == code]
        if not use_d.get("measured_load", True) and (rows["kind"] == "measured_load").any():
            rows = rows[
                ~rows["kind"].isin(["measured_load", "assumption", "site_load", "us_state_load"])
            ]
        rows = rows[rows["kind"].map(lambda k: use_d.get(k, KINDS_ON_BY_DEFAULT.get(k, True)))]
        if rows.empty:
            continue
        if rows["kind"].isin(KINDS_REPLACING_ASSUMPTIONS).any():
            rows = rows[rows["kind"] != "assumption"]
        x = rows["date"].to_numpy(dtype="datetime64[ns]").astype(np.int64)
        cap[:, r] = np.interp(t_ns, x, rows["cap_gw"].to_numpy(dtype=float))
    cap.flags.writeable = False
    return cap


def base_caps_gw(
    time: pd.DatetimeIndex, use: dict[str, bool], curtailed_twh: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Power available to mining before policies, by month and region.

    ``use`` maps a cap kind to whether it applies.  Switching ``measured_load`` off makes
    every region that has a measured-load row uncapped (its assumption rows go too).

    Returns ``(cap_gw, curtailed_gw)`` with shape (T, R).  Uncapped regions
    have ``inf``.  ``curtailed_gw`` is the curtailed-hydro power (already included in
    ``cap_gw`` of capped regions).

    Notes
    -----
    Power from curtailment [GW] = the month's curtailed TWh x 1000 / hours in the month
    (:func:`hashcarbon.pipeline.region_curtailed_twh`: the one curtailment table spread
    over the wet season; regional_inputs.md §3, "spill-limited mining capacity = TWh /
    wet-season hours").
    """
    rt = region_table()
    T, R = len(time), len(rt.codes)
    key = tuple(sorted((k, bool(v)) for k, v in use.items()))
    cap = _interpolated_caps(f"{time[0]:%Y-%m-01}", T, key).copy()
    if curtailed_twh is None:
        curtailed_twh = grid_paths(time)[2]
    hours = (time + pd.offsets.MonthBegin(1) - time).total_seconds().to_numpy() / 3600.0
    curt = np.asarray(curtailed_twh, dtype=float) * 1000.0 / hours[:, None]
    if not use.get("resource", True):
        curt = np.zeros((T, R))
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


def new_machine_efficiency(time: pd.DatetimeIndex, cohort_months: int = 12) -> np.ndarray:
    """Efficiency of machines bought in each month [J/TH].

    :func:`hashcarbon.pipeline.new_machine_efficiency_j_per_th`: the newest cohort of the
    energy module's CBECI-2023 basket (models released within ``cohort_months`` before
    the month, after a 2-month delivery lag, profitable at 0.05 USD/kWh; equally
    weighted), so that the world fleet is built from the estimator's catalogue.  Months
    before the catalogue's first ASIC take the CBECI best GPU/FPGA placeholder rows
    (:func:`hashcarbon.hardware.frontier_efficiency_j_per_th`); those machines retire
    before 2019.
    """
    return _new_eff_cached(f"{time[0]:%Y-%m-01}", len(time), int(cohort_months)).copy()


@functools.cache
def _new_eff_cached(first: str, n: int, cohort_months: int) -> np.ndarray:
    from hashcarbon import pipeline

    time = pd.date_range(first, periods=n, freq="MS")
    out = np.asarray(
        pipeline.new_machine_efficiency_j_per_th(time, cohort_months=cohort_months), dtype=float
    )
    gap = ~np.isfinite(out)
    if gap.any():
        # before the catalogue's first ASIC: the CBECI "best GPU/FPGA" placeholder rows
        from hashcarbon import hardware

        full = hardware.catalogue("full", include_placeholders=True)
        out[gap] = hardware.frontier_efficiency_j_per_th(time[gap], full)
    if not np.isfinite(out).all():
        raise DataError("hardware catalogue: no machine delivered before the model's first month")
    return out


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


@dataclass(frozen=True)
class Basket:
    """The energy module's CBECI-2023 basket by month, as prefix sums over models sorted
    by efficiency (:func:`basket_table`)."""

    eff_sorted: np.ndarray  # (M,) J/TH, increasing
    cum_w: np.ndarray  # (T, M + 1) sum of age weights of the first j models
    cum_we: np.ndarray  # (T, M + 1) sum of weight x efficiency of the first j models
    first_eff: np.ndarray  # (T,) most efficient model with weight > 0 (nan: none)

    def efficiency(self, t: int, threshold_j_per_th) -> np.ndarray:
        r"""Basket efficiency in month ``t`` at the thresholds :math:`\theta_n` [J/TH]:

        .. math:: \bar\varepsilon_n = \frac{\sum_m w_{tm} [\varepsilon_m < \theta_n]
                  \varepsilon_m}{\sum_m w_{tm} [\varepsilon_m < \theta_n]}

        the most efficient model with weight when none is below the threshold (the
        estimator carries its last value forward; the nearest stand-in here)."""
        thr = np.asarray(threshold_j_per_th, dtype=float)
        k = np.searchsorted(self.eff_sorted, np.where(np.isnan(thr), np.inf, thr), side="left")
        w = self.cum_w[t, k]
        with np.errstate(invalid="ignore", divide="ignore"):
            e = self.cum_we[t, k] / w
        return np.where(w > 0, e, self.first_eff[t])


def basket_table(time: pd.DatetimeIndex, catalogue: str = "full") -> Basket:
    """The CBECI-2023 basket of the energy module by month: the catalogue of
    :func:`hashcarbon.energy.estimate` (``catalogue``, manufacturer rows) with the age
    weights of :func:`hashcarbon.energy.age_weights_2023` (1, 0.8, 0.6, 0.4, 0.2 by year
    after release + 2 months, 0 from 5 years) on the 15th of each month [-].  Models
    enter by efficiency below a threshold (:meth:`Basket.efficiency`)."""
    return _basket_cached(f"{time[0]:%Y-%m-01}", len(time), catalogue)


@functools.cache
def _basket_cached(first: str, n: int, catalogue: str) -> Basket:
    from hashcarbon import energy

    time = pd.date_range(first, periods=n, freq="MS")
    hw = energy._load_catalogue(catalogue, True)
    eff = hw["efficiency_j_per_th"].to_numpy(dtype=float)
    order = np.argsort(eff, kind="stable")
    eff_s = eff[order]
    rel = pd.to_datetime(hw["release_date"]).to_numpy()[order]
    w = energy.age_weights_2023(time + pd.Timedelta(days=14), rel)  # (T, M)
    z = np.zeros((n, 1))
    cum_w = np.concatenate([z, np.cumsum(w, axis=1)], axis=1)
    cum_we = np.concatenate([z, np.cumsum(w * eff_s[None, :], axis=1)], axis=1)
    has = (w > 0).any(axis=1)
    first = np.where(has, eff_s[np.argmax(w > 0, axis=1)], np.nan)
    return Basket(eff_s, cum_w, cum_we, first)
