"""Build the ``network_daily`` table from ``../shared/data``.

One row per UTC day from the first day with a BTC price (2010-07-17) to the
last day every column can be filled (mid-February 2026).  Sources, in order of
preference for each column (the flag columns say which one filled each row):

* blocks, difficulty, hash rate: Coin Metrics community ``BlkCnt``/``DiffMean``
  (to 2019-10-20), then Bitcoin Visuals daily implied hash rate and block count
  (``targeted_nakamoto``, to 2025-03-08), then Blockchain.com 7-day averages
  (every 4 days), moved to the centre of their window and interpolated.
* price: CoinMarketCap daily average (``targeted_nakamoto/price.csv``), then
  bitinfocharts daily average, then Yahoo (open + close) / 2, then the
  Blockchain.com 7-day average market price (centred, interpolated).
* subsidy: Coin Metrics ``IssTotNtv``, then Bitcoin Visuals issuance, then
  blocks x halving schedule.
* fees: Coin Metrics ``FeeTotNtv`` (daily), then Blockchain.com single-day
  ``transaction-fees`` samples every 4 days (linear interpolation between), then
  Blockchain.com miners' revenue (cost-per-transaction x transactions) minus
  subsidy, bias-corrected and smoothed.

The gap-filling steps are the small pure functions below; ``build`` chains them.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from build._common import write_table
from hashcarbon import chain
from hashcarbon.data.schemas.network import COLUMNS as NETWORK_COLUMNS

FILENAME = "network_daily.csv"
#: First day of the table: the first day with a BTC price (CoinMarketCap via Bitcoin Visuals).
START = pd.Timestamp("2010-07-17")
#: Blockchain.com's 7-day averages at day d cover days d-7 .. d-1 (measured: median
#: relative difference 1e-4 against the rolling mean of the daily implied hash rate,
#: 2016-2025); their centre is d-4.
BC_7D_CENTRE_LAG_DAYS = 4

COLUMNS = NETWORK_COLUMNS  # defined once, by the table's schema


# --------------------------------------------------------------------------- readers


def _read_bitcoinvisuals(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(path, encoding="utf-8-sig")
    frame["DateTime"] = pd.to_datetime(frame["DateTime"]).dt.normalize()
    return frame.set_index("DateTime").sort_index()


def read_sources(shared_data: Path) -> dict[str, pd.Series]:
    """Read every raw series the table needs, as date-indexed Series in table units."""
    tn = shared_data / "targeted_nakamoto"
    bv_hr = _read_bitcoinvisuals(tn / "hashrate.csv")["Hash Rate"]
    bv_speed = _read_bitcoinvisuals(tn / "block_speed.csv")["Block Speed"]
    bv_reward = _read_bitcoinvisuals(tn / "blockreward.csv")["BTC"]
    cmc = _read_bitcoinvisuals(tn / "price.csv")["Price"]

    cm = pd.read_csv(shared_data / "coinmetrics_community_2019" / "btc.csv")
    cm["date"] = pd.to_datetime(cm["date"])
    cm = cm.set_index("date").sort_index()

    long = pd.read_csv(shared_data / "blockchain_com_charts" / "blockchain_com_7d_avg_long.csv")
    long["date_utc"] = pd.to_datetime(long["date_utc"])
    bc = long.pivot(index="date_utc", columns="metric", values="value").sort_index()

    fees = pd.read_csv(shared_data / "blockchain_com_fees" / "transaction_fees_btc_per_day.csv")
    fees["date_utc"] = pd.to_datetime(fees["date_utc"])
    fees = fees.set_index("date_utc")["fees_btc_per_day"].sort_index()

    bi = pd.read_csv(
        shared_data / "math331_crypto" / "market_price_2015_to_present_bitinfocharts.csv"
    )
    bi["Date"] = pd.to_datetime(bi["Date"])
    bi_price = bi.set_index("Date")["Bitcoin"].sort_index()

    yahoo = pd.read_csv(shared_data / "blockchain_com_charts" / "btc_usd_daily_yahoo_2015_2025.csv")
    yahoo["date"] = pd.to_datetime(yahoo["date"])
    yahoo = yahoo.set_index("date").sort_index()

    return {
        "bv_hashrate_ths": bv_hr / 1e12,
        "bv_blocks": (1440.0 / bv_speed).round(),
        "bv_subsidy_btc": bv_reward,
        "cmc_btc_usd": cmc,
        "cm_blocks": cm["BlkCnt"],
        "cm_difficulty": cm["DiffMean"],
        "cm_subsidy_btc": cm["IssTotNtv"],
        "cm_fees_btc": cm["FeeTotNtv"],
        "cm_btc_usd": cm["PriceUSD"],
        "bc_hashrate_ths_7d": bc["hash-rate"].dropna(),
        "bc_difficulty_7d": bc["difficulty"].dropna(),
        "bc_btc_usd_7d": bc["market-price"].dropna(),
        "bc_cost_per_tx_usd_7d": bc["cost-per-transaction"].dropna(),
        "bc_n_tx_7d": bc["n-transactions"].dropna(),
        "bc_fees_btc_sample": fees,
        "bitinfocharts_btc_usd": bi_price,
        "yahoo_mid_btc_usd": (yahoo["open_usd"] + yahoo["close_usd"]) / 2.0,
    }


# --------------------------------------------------------------------------- gap filling


def centre_trailing_average(samples: pd.Series, lag_days: int = BC_7D_CENTRE_LAG_DAYS) -> pd.Series:
    """Move trailing-window averages to the centre of their window.

    A Blockchain.com 7-day average dated ``d`` is the mean over days ``d-7 .. d-1``;
    its centre is ``d - lag_days`` with ``lag_days = 4``.
    """
    out = samples.dropna().copy()
    out.index = out.index - pd.Timedelta(days=lag_days)
    return out


def interpolate_daily(samples: pd.Series, index: pd.DatetimeIndex) -> pd.Series:
    """Linear-in-time interpolation of sparse samples onto daily ``index``.

    Values on sample days are kept exactly; days outside the first..last sample
    stay NaN (no extrapolation).
    """
    samples = samples.dropna()
    if samples.empty:
        return pd.Series(np.nan, index=index)
    union = samples.index.union(index)
    filled = samples.reindex(union).interpolate(method="time", limit_area="inside")
    return filled.reindex(index)


def combine_by_priority(
    index: pd.DatetimeIndex, candidates: list[tuple[pd.Series, str]]
) -> tuple[pd.Series, pd.Series]:
    """First non-missing value among ``candidates`` per day, and the flag of the one used.

    Parameters
    ----------
    index : DatetimeIndex
        Days of the table.
    candidates : list of (Series, flag)
        In order of preference.

    Returns
    -------
    values, flags : Series, Series
        ``flags`` is NaN (object) where no candidate has a value.
    """
    values = pd.Series(np.nan, index=index, dtype=float)
    flags = pd.Series(pd.NA, index=index, dtype=object)
    for series, flag in candidates:
        aligned = series.reindex(index)
        take = values.isna() & aligned.notna()
        values[take] = aligned[take]
        flags[take] = flag
    return values, flags


def fill_fees_by_interpolation(
    daily: pd.Series, samples: pd.Series, index: pd.DatetimeIndex
) -> tuple[pd.Series, pd.Series]:
    """Daily fees from complete daily data, then every-4-days samples, linearly interpolated.

    Method: ``daily`` wins where it exists (flag ``observed``); on sample days
    the single-day sample is kept (``observed_sample``); days between two known
    values are linear in time between them (``interpolated``), including the
    bridge from the last daily value to the first sample.

    Justification (measured on Coin Metrics 2014-01 .. 2019-10, daily truth
    subsampled on Blockchain.com's 4-day grid): linear interpolation gives a
    mean absolute daily error of 12.7 % against 16.4 % for a centred 3-sample
    rolling mean and 15.5 % for carrying forward; errors of 30-day sums are
    3.9 %, 4.0 % and 4.4 %.  It also keeps the observed samples exact.
    """
    daily = daily.reindex(index)
    samples = samples.dropna()
    samples = samples[samples.index > daily.last_valid_index()] if daily.notna().any() else samples
    known = pd.concat([daily.dropna(), samples]).sort_index()
    values = interpolate_daily(known, index)
    flags = pd.Series(pd.NA, index=index, dtype=object)
    flags[values.notna()] = "interpolated"
    flags[index.isin(samples.index)] = "observed_sample"
    flags[daily.notna()] = "observed"
    return values, flags


def revenue_btc_bias(
    revenue_btc: pd.Series,
    subsidy_btc: pd.Series,
    fees_btc: pd.Series,
    end: pd.Timestamp,
    calibration_days: int = 365,
) -> float:
    """Median relative bias of a 7-day revenue series against subsidy + fees.

    ``median(revenue_btc / (sub7 + fees7) - 1)`` over the ``calibration_days``
    days ending at ``end``, where ``sub7`` and ``fees7`` are centred 7-day means.
    Blockchain.com's revenue (cost-per-transaction x transactions / market price)
    runs about 1-2 % above Coin Metrics/Blockchain.com subsidy + fees
    (quarterly medians 2019-2025: +0.4 % to +2.5 %).
    """
    total7 = (subsidy_btc + fees_btc).rolling(7, center=True).mean()
    ratio = (revenue_btc / total7 - 1.0).loc[end - pd.Timedelta(days=calibration_days - 1) : end]
    ratio = ratio.dropna()
    if ratio.empty:
        raise ValueError("no overlap between revenue and subsidy + fees to calibrate the bias")
    return float(ratio.median())


def derive_fees_from_revenue(
    revenue_btc: pd.Series,
    subsidy_btc: pd.Series,
    bias_share: float,
    smooth_days: int = 28,
) -> pd.Series:
    """Fees as revenue minus subsidy, bias-corrected, smoothed and floored at 0. [BTC/day]

    ``fees = rolling_mean_{smooth_days, centred}(revenue_btc / (1 + bias_share) - sub7)``,
    clipped at 0, where ``sub7`` is the centred 7-day mean of ``subsidy_btc``.

    Fees are ~1 % of revenue, so the daily difference is dominated by the ~2 %
    noise of the revenue series; a 28-day mean cuts it.  Back-tests (fit the bias
    on the year before a cut-off, fill the next 150 days, cut-offs 2023-06,
    2024-01, 2024-09, 2024-12): mean absolute daily error 8.6, 55.8, 4.9, 3.4
    BTC/day against 11.2, 89.6, 6.9, 4.4 for carrying the last 90-day median and
    19.4, 44.4, 10.0, 9.8 for the raw difference.
    """
    sub7 = subsidy_btc.rolling(7, center=True, min_periods=1).mean()
    raw = revenue_btc / (1.0 + bias_share) - sub7
    smooth = raw.rolling(smooth_days, center=True, min_periods=1).mean()
    return smooth.clip(lower=0.0)


def derive_blocks(hashrate_ths: pd.Series, difficulty: pd.Series) -> pd.Series:
    """Blocks per day implied by hash rate and difficulty: ``H * 86400 / (D * 2**32)``."""
    return hashrate_ths * 1e12 * 86_400.0 / (difficulty * 2.0**32)


def round_significant(values: pd.Series, digits: int) -> pd.Series:
    """Round to ``digits`` significant digits (NaN and 0 kept)."""
    arr = values.to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        mag = np.where(np.isfinite(arr) & (arr != 0), np.floor(np.log10(np.abs(arr))), 0.0).astype(
            int
        )
    out = np.array(
        [
            round(v, int(digits - 1 - m)) if np.isfinite(v) else v
            for v, m in zip(arr, mag, strict=True)
        ]
    )
    return pd.Series(out, index=values.index)


# --------------------------------------------------------------------------- assembly


def assemble(src: dict[str, pd.Series]) -> pd.DataFrame:
    """Combine the raw series into the ``network_daily`` frame (before rounding)."""
    bc_hr = centre_trailing_average(src["bc_hashrate_ths_7d"])
    bc_diff = centre_trailing_average(src["bc_difficulty_7d"])
    bc_price = centre_trailing_average(src["bc_btc_usd_7d"])
    bc_cpt = centre_trailing_average(src["bc_cost_per_tx_usd_7d"])
    bc_ntx = centre_trailing_average(src["bc_n_tx_7d"])
    end = min(bc_hr.index.max(), bc_diff.index.max(), bc_price.index.max())
    end = min(end, bc_cpt.index.max(), bc_ntx.index.max())
    index = pd.date_range(START, end, freq="D", name="date")

    # --- hash rate, difficulty, blocks
    cm_ok = src["cm_blocks"].notna() & src["cm_difficulty"].notna()
    cm_blocks = src["cm_blocks"][cm_ok]
    cm_diff = src["cm_difficulty"][cm_ok]
    cm_hr = chain.implied_hashrate_ths(cm_diff, cm_blocks)
    bv_hr = src["bv_hashrate_ths"]
    bv_blocks = src["bv_blocks"].reindex(bv_hr.index)
    bv_diff = chain.difficulty_from_hashrate_ths(bv_hr * 86_400.0 / bv_blocks, 1.0)
    bc_hr_daily = interpolate_daily(bc_hr, index)
    bc_diff_daily = interpolate_daily(bc_diff, index)
    hashrate_ths, hr_flag = combine_by_priority(
        index,
        [(cm_hr, "coinmetrics"), (bv_hr, "bitcoinvisuals"), (bc_hr_daily, "interpolated_7d")],
    )
    difficulty, _ = combine_by_priority(
        index, [(cm_diff, "coinmetrics"), (bv_diff, "bitcoinvisuals"), (bc_diff_daily, "x")]
    )
    blocks_obs, _ = combine_by_priority(index, [(cm_blocks, "observed"), (bv_blocks, "observed")])
    blocks = blocks_obs.fillna(derive_blocks(hashrate_ths, difficulty))
    blocks_flag = pd.Series(np.where(blocks_obs.notna(), "observed", "derived_7d"), index=index)

    # --- subsidy: observed issuance, else blocks x schedule (subsidy in effect at 12:00 UTC)
    schedule = chain.subsidy_btc_per_block_on(index + pd.Timedelta(hours=12))
    subsidy, _ = combine_by_priority(
        index, [(src["cm_subsidy_btc"][cm_ok], "cm"), (src["bv_subsidy_btc"], "bv")]
    )
    subsidy = subsidy.fillna(blocks * schedule)

    # --- price
    btc_usd, price_flag = combine_by_priority(
        index,
        [
            (src["cmc_btc_usd"], "coinmarketcap"),
            (src["bitinfocharts_btc_usd"], "bitinfocharts"),
            (src["yahoo_mid_btc_usd"], "yahoo_mid"),
            (interpolate_daily(bc_price, index), "interpolated_7d"),
        ],
    )

    # --- fees
    fees, fees_flag = fill_fees_by_interpolation(
        src["cm_fees_btc"][src["cm_fees_btc"].notna()], src["bc_fees_btc_sample"], index
    )
    revenue_btc_bc = (
        interpolate_daily(bc_cpt, index)
        * interpolate_daily(bc_ntx, index)
        / interpolate_daily(bc_price, index)
    )
    last_fee = fees.last_valid_index()
    bias = revenue_btc_bias(revenue_btc_bc, subsidy, fees, last_fee - pd.Timedelta(days=3))
    derived = derive_fees_from_revenue(revenue_btc_bc, subsidy, bias)
    gap = fees.isna()
    fees[gap] = derived[gap]
    fees_flag[gap & derived.notna()] = "derived_revenue_minus_subsidy"

    frame = pd.DataFrame(
        {
            "date": index,
            "blocks": blocks.to_numpy(),
            "difficulty": difficulty.to_numpy(),
            "hashrate_ehs": (hashrate_ths / 1e6).to_numpy(),
            "btc_usd": btc_usd.to_numpy(),
            "subsidy_btc": subsidy.to_numpy(),
            "fees_btc": fees.to_numpy(),
            "hashrate_flag": hr_flag.to_numpy(),
            "blocks_flag": blocks_flag.to_numpy(),
            "price_flag": price_flag.to_numpy(),
            "fees_flag": fees_flag.to_numpy(),
        }
    )
    frame.attrs["fees_revenue_bias_share"] = bias
    return frame


def finish(frame: pd.DataFrame) -> pd.DataFrame:
    """Round to the stored precision and compute revenue from the rounded columns."""
    out = frame.copy()
    derived = out["blocks_flag"] != "observed"
    out["blocks"] = out["blocks"].round(6)
    out["difficulty"] = round_significant(out["difficulty"], 10)
    out["hashrate_ehs"] = round_significant(out["hashrate_ehs"], 10)
    out["btc_usd"] = round_significant(out["btc_usd"], 10)
    # derived rows: subsidy = rounded blocks x scheduled subsidy (at 12:00 UTC), kept consistent
    schedule = chain.subsidy_btc_per_block_on(
        pd.DatetimeIndex(out["date"]) + pd.Timedelta(hours=12)
    )
    out["subsidy_btc"] = (
        out["subsidy_btc"].round(8).where(~derived, (out["blocks"] * schedule).round(6))
    )
    out["fees_btc"] = out["fees_btc"].round(6)
    out["revenue_usd"] = ((out["subsidy_btc"] + out["fees_btc"]) * out["btc_usd"]).round(2)
    return out[COLUMNS]


def build(shared_data: Path, out_dir: Path) -> list[Path]:
    """Write ``network_daily.csv`` into ``out_dir`` and return its path."""
    frame = finish(assemble(read_sources(shared_data)))
    return [write_table(frame, out_dir, FILENAME, float_format="%.12g")]


# --------------------------------------------------------------------------- cross-checks


def cross_checks(shared_data: Path, table: pd.DataFrame) -> dict[str, float]:
    """Agreement of the table with the sources it does not use for the same rows.

    Returns median absolute relative differences (fractions) and counts; used by
    the build tests and quoted in ``sources/network.toml``.
    """
    src = read_sources(shared_data)
    t = table.set_index("date")
    out: dict[str, float] = {}

    def mard(a: pd.Series, b: pd.Series) -> tuple[float, int]:
        both = pd.concat([a, b], axis=1, join="inner").dropna()
        both = both[both.iloc[:, 1] != 0]
        r = (both.iloc[:, 0] / both.iloc[:, 1] - 1.0).abs()
        return float(r.median()), len(r)

    cm_rows = t["hashrate_flag"] == "coinmetrics"
    hr_cm = t.loc[cm_rows, "hashrate_ehs"] * 1e6
    out["hashrate_cm_vs_bitcoinvisuals_mard"], _ = mard(hr_cm, src["bv_hashrate_ths"])
    both = pd.concat([hr_cm, src["bv_hashrate_ths"]], axis=1, join="inner").dropna()
    out["hashrate_cm_vs_bitcoinvisuals_equal_share"] = float(
        ((both.iloc[:, 0] / both.iloc[:, 1] - 1.0).abs() < 1e-6).mean()
    )
    daily_ths = t["hashrate_ehs"] * 1e6
    roll = daily_ths.rolling(7).mean().shift(1)
    obs = t["hashrate_flag"] != "interpolated_7d"
    out["hashrate_bc7d_vs_table_trailing7_mard"], _ = mard(
        src["bc_hashrate_ths_7d"], roll[obs].loc["2016":]
    )
    filled = interpolate_daily(centre_trailing_average(src["bc_hashrate_ths_7d"]), t.index)
    out["hashrate_bc7d_interp_vs_daily_mard_2020_2025"], _ = mard(
        filled.loc["2020":"2025-03-08"], daily_ths.loc["2020":"2025-03-08"]
    )
    out["hashrate_bc7d_interp_vs_centred7_mard_2020_2025"], _ = mard(
        filled.loc["2020":"2025-03-08"],
        daily_ths.rolling(7, center=True).mean().loc["2020":"2025-03-08"],
    )
    bi = pd.read_csv(shared_data / "math331_crypto" / "hashrates_2015_to_present_bitinfocharts.csv")
    bi["Date"] = pd.to_datetime(bi["Date"])
    bi_hr = bi.set_index("Date")["Bitcoin"] / 1e12
    out["hashrate_bitinfocharts_vs_table_mard"], out["hashrate_bitinfocharts_n"] = mard(
        bi_hr, daily_ths
    )
    out["blocks_cm_vs_bitcoinvisuals_max_abs"] = float(
        (src["cm_blocks"] - src["bv_blocks"]).dropna().abs().max()
    )
    out["price_cmc_vs_bitinfocharts_mard"], _ = mard(
        src["cmc_btc_usd"], src["bitinfocharts_btc_usd"]
    )
    out["price_cmc_vs_coinmetrics_mard"], _ = mard(
        src["cmc_btc_usd"].loc["2015":], src["cm_btc_usd"]
    )
    out["price_cmc_vs_yahoo_mid_mard"], _ = mard(src["cmc_btc_usd"], src["yahoo_mid_btc_usd"])
    ns = pd.read_csv(shared_data / "blockchain_com_networkstats_2017_2019" / "networkstats.csv")
    ns["date"] = pd.to_datetime(ns["date"], format="%d/%m/%Y")
    ns = ns.set_index("date")
    out["revenue_bc_networkstats_vs_table_mard_2017_2019"], _ = mard(
        ns["revenue"], t["revenue_usd"].loc["2017":"2019-10-20"]
    )
    out["hashrate_bc_networkstats_vs_table_mard_2017_2019"], _ = mard(
        ns["hashrate"], daily_ths.loc["2017":"2019-10-20"]
    )
    cm_fee = src["cm_fees_btc"]
    out["fees_bc_sample_vs_cm_mard"], out["fees_bc_sample_vs_cm_n"] = mard(
        src["bc_fees_btc_sample"].loc["2012":], cm_fee
    )
    return out


def _json_dump(stats: dict[str, float]) -> str:  # pragma: no cover - helper for the report
    return json.dumps(stats, indent=1, sort_keys=True)
