"""Schemas of the network tables.

``network_daily`` -- one row per UTC day, 2010-07-17 to the last day every column
can be filled (2026-02-13 in the shipped build).

Columns
-------
date : date
    UTC day (``YYYY-MM-DD``); unique and consecutive.
blocks : float
    Blocks mined that day; an integer where ``blocks_flag == "observed"``, a
    7-day mean where ``"derived_7d"``. [blocks/day]
difficulty : float
    Mean difficulty of the day's blocks (Coin Metrics ``DiffMean``), or the one
    implied by the row's hash rate and blocks. [-]
hashrate_ehs : float
    Daily mean implied hash rate ``difficulty * 2**32 * blocks / 86400``. [EH/s]
btc_usd : float
    BTC price, daily average. [USD/BTC]
subsidy_btc : float
    New coins issued that day (actual issuance where observed, so blocks that
    under-claimed their subsidy count less). [BTC/day]
fees_btc : float
    Transaction fees paid to miners that day. [BTC/day]
revenue_usd : float
    ``(subsidy_btc + fees_btc) * btc_usd``. [USD/day]
hashrate_flag : str
    How hash rate and difficulty were obtained: ``coinmetrics`` (``DiffMean`` x
    ``BlkCnt``), ``bitcoinvisuals`` (daily implied hash rate; difficulty =
    hash rate x 86400 / (2**32 x blocks)), ``interpolated_7d`` (Blockchain.com
    7-day averages moved to their window centre and interpolated linearly).
blocks_flag : str
    ``observed`` (Coin Metrics / Bitcoin Visuals block count) or ``derived_7d``
    (hash rate x 86400 / (difficulty x 2**32) from the interpolated 7-day series;
    subsidy then = blocks x scheduled subsidy).
price_flag : str
    ``coinmarketcap`` (daily average via Bitcoin Visuals), ``bitinfocharts``
    (daily average), ``yahoo_mid`` ((open + close) / 2) or ``interpolated_7d``
    (Blockchain.com 7-day average market price, centred and interpolated).
fees_flag : str
    ``observed`` (Coin Metrics daily ``FeeTotNtv``), ``observed_sample``
    (Blockchain.com single-day value), ``interpolated`` (linear in time between
    known days) or ``derived_revenue_minus_subsidy`` (Blockchain.com miners'
    revenue / price, bias-corrected, minus subsidy, 28-day mean, floored at 0).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa

from hashcarbon.chain import subsidy_btc_per_block_on
from hashcarbon.data._registry import TableSpec
from hashcarbon.units import HASHES_PER_DIFFICULTY, SECONDS_PER_DAY

#: Allowed codes of the flag columns (documented in the module docstring and sources).
#: ``mempool``, ``derived_daily``, ``coinmetrics_refrate``, ``mempool`` and
#: ``mempool_avg_per_block`` occur only in rows fetched by ``hashcarbon data update``
#: (see ``hashcarbon.data.iotools.network``).
HASHRATE_FLAGS = ("coinmetrics", "bitcoinvisuals", "interpolated_7d", "mempool")
BLOCKS_FLAGS = ("observed", "derived_7d", "derived_daily")
PRICE_FLAGS = (
    "coinmarketcap",
    "bitinfocharts",
    "yahoo_mid",
    "interpolated_7d",
    "coinmetrics_refrate",
    "mempool",
)
FEES_FLAGS = (
    "observed",
    "observed_sample",
    "interpolated",
    "derived_revenue_minus_subsidy",
    "mempool_avg_per_block",
)

#: Largest shortfall of observed issuance below blocks x subsidy (under-claimed
#: coinbases, e.g. block 501726 on 2017-12-30 claimed nothing: -0.7 % that day;
#: day-boundary quirks of the halving days, -1.3 % on 2024-04-19). [-]
SUBSIDY_SHORTFALL_TOLERANCE = 0.02


def _consecutive_dates(df: pd.DataFrame) -> bool:
    dates = pd.to_datetime(df["date"])
    if len(dates) < 2:
        return True
    return bool((dates.diff().iloc[1:] == pd.Timedelta(days=1)).all())


def _subsidy_within_schedule(df: pd.DataFrame) -> bool:
    dates = pd.to_datetime(df["date"])
    start = subsidy_btc_per_block_on(pd.DatetimeIndex(dates))
    end = subsidy_btc_per_block_on(pd.DatetimeIndex(dates) + pd.Timedelta(days=1))
    blocks = df["blocks"].to_numpy(dtype=float)
    subsidy = df["subsidy_btc"].to_numpy(dtype=float)
    upper = blocks * start * (1 + 1e-9) + 1e-6
    lower = blocks * end * (1 - SUBSIDY_SHORTFALL_TOLERANCE) - 1e-6
    return bool(np.all((subsidy <= upper) & (subsidy >= lower)))


def _hashrate_matches_difficulty(df: pd.DataFrame) -> bool:
    implied_ehs = df["difficulty"] * HASHES_PER_DIFFICULTY * df["blocks"] / SECONDS_PER_DAY / 1e18
    return bool(np.all(np.isclose(df["hashrate_ehs"], implied_ehs, rtol=1e-6, atol=0.0)))


def _revenue_matches(df: pd.DataFrame) -> bool:
    expected = (df["subsidy_btc"] + df["fees_btc"]) * df["btc_usd"]
    return bool(np.all(np.isclose(df["revenue_usd"], expected, rtol=1e-8, atol=0.011)))


def _observed_blocks_whole(df: pd.DataFrame) -> bool:
    obs = df["blocks_flag"] == "observed"
    return bool((~obs | (df["blocks"] == np.round(df["blocks"]))).all())


NETWORK_DAILY = pa.DataFrameSchema(
    {
        "date": pa.Column("datetime64[ns]", unique=True, nullable=False, coerce=True),
        "blocks": pa.Column(float, pa.Check.in_range(0.0, 1000.0), nullable=False, coerce=True),
        "difficulty": pa.Column(float, pa.Check.gt(0.0), nullable=False, coerce=True),
        "hashrate_ehs": pa.Column(float, pa.Check.ge(0.0), nullable=False, coerce=True),
        "btc_usd": pa.Column(float, pa.Check.gt(0.0), nullable=False, coerce=True),
        "subsidy_btc": pa.Column(float, pa.Check.ge(0.0), nullable=False, coerce=True),
        "fees_btc": pa.Column(float, pa.Check.ge(0.0), nullable=False, coerce=True),
        "revenue_usd": pa.Column(float, pa.Check.ge(0.0), nullable=False, coerce=True),
        "hashrate_flag": pa.Column(str, pa.Check.isin(HASHRATE_FLAGS), nullable=False),
        "blocks_flag": pa.Column(str, pa.Check.isin(BLOCKS_FLAGS), nullable=False),
        "price_flag": pa.Column(str, pa.Check.isin(PRICE_FLAGS), nullable=False),
        "fees_flag": pa.Column(str, pa.Check.isin(FEES_FLAGS), nullable=False),
    },
    checks=[
        pa.Check(
            _consecutive_dates, name="dates_consecutive", error="dates are not consecutive days"
        ),
        pa.Check(
            _subsidy_within_schedule,
            name="subsidy_matches_halving_schedule",
            error="subsidy_btc outside blocks x halving-schedule subsidy",
        ),
        pa.Check(
            _hashrate_matches_difficulty,
            name="hashrate_equals_difficulty_x_2^32_x_blocks_per_86400",
            error="hashrate_ehs != difficulty * 2**32 * blocks / 86400",
        ),
        pa.Check(
            _revenue_matches,
            name="revenue_equals_subsidy_plus_fees_x_price",
            error="revenue_usd != (subsidy_btc + fees_btc) * btc_usd",
        ),
        pa.Check(
            _observed_blocks_whole,
            name="observed_blocks_are_whole",
            error="blocks not a whole number where blocks_flag is observed",
        ),
    ],
    strict=True,
    ordered=False,
)

#: Column order of table ``network_daily`` (the schema's declaration order), used by
#: every builder and parser of the table.
COLUMNS: list[str] = list(NETWORK_DAILY.columns)

SPECS: list = [
    TableSpec(
        name="network_daily",
        filename="network_daily.csv",
        schema=NETWORK_DAILY,
        description=(
            "Daily Bitcoin network: blocks, difficulty, hash rate, BTC price, subsidy, fees, "
            "revenue (Coin Metrics, Bitcoin Visuals, Blockchain.com; gaps flagged)"
        ),
        date_columns=("date",),
        coverage_column="date",
        dtypes={
            "hashrate_flag": str,
            "blocks_flag": str,
            "price_flag": str,
            "fees_flag": str,
        },
    )
]
