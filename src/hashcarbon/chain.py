r"""Protocol economics of Bitcoin: subsidy schedule, difficulty and hash rate, revenue, hashprice.

Everything here is a pure, vectorised function of its arguments.  The block
subsidy follows Bitcoin Core's ``GetBlockSubsidy`` exactly (integer satoshis,
a right shift per halving); the difficulty to hash-rate conversion is the one
used by Coin Metrics (``HashRate``) and by the Cambridge Bitcoin Electricity
Consumption Index (CBECI): a block at difficulty :math:`D` needs on average
:math:`D \cdot 2^{32}` hashes.

References
----------
.. [1] S. Nakamoto, "Bitcoin: A Peer-to-Peer Electronic Cash System", 2008.
   https://bitcoin.org/bitcoin.pdf
.. [2] Bitcoin Core, ``src/validation.cpp``, function ``GetBlockSubsidy``;
   ``src/kernel/chainparams.cpp``, ``consensus.nSubsidyHalvingInterval = 210000``.
   https://github.com/bitcoin/bitcoin
.. [3] Coin Metrics, "Network Data: HashRate" (mean hash rate implied by the
   day's blocks and their difficulty). https://docs.coinmetrics.io
.. [4] Luxor Technology, "Hashprice", Hashrate Index documentation.
   https://docs.luxor.tech/hashrateindex/hashprice

Examples
--------
>>> from hashcarbon import chain
>>> float(chain.subsidy_btc(840_000))
3.125
>>> round(float(chain.hashrate_ths_from_difficulty(1.0)) * 1e12)  # 2**32 / 600 H/s
7158279
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from hashcarbon import _check
from hashcarbon.errors import InputError
from hashcarbon.units import (
    BLOCK_INTERVAL_S,
    H_PER_TH,
    HASHES_PER_DIFFICULTY,
    SECONDS_PER_DAY,
    TH_PER_EH,
)

#: Blocks between two subsidy halvings (Bitcoin Core ``nSubsidyHalvingInterval``). [blocks]
SUBSIDY_HALVING_INTERVAL: int = 210_000

#: Subsidy of the first epoch, in satoshis (``50 * COIN``). [sat]
INITIAL_SUBSIDY_SAT: int = 50 * 100_000_000

#: Satoshis per bitcoin (``COIN`` in Bitcoin Core). [sat/BTC]
SAT_PER_BTC: int = 100_000_000

#: Number of halvings after which ``GetBlockSubsidy`` returns 0 (a shift of >= 64 bits is undefined). [-]
MAX_HALVINGS: int = 64

#: Halvings that have happened: height, UTC timestamp of the block header, subsidy
#: after the halving and the source.  Timestamps are the block-header times of
#: blocks 210000, 420000, 630000 and 840000 as shown by any block explorer (e.g.
#: https://mempool.space/block/<height>); the UTC day also matches the day on which
#: the per-block subsidy falls in the Bitcoin Visuals daily issuance series
#: (``shared/data/targeted_nakamoto/blockreward.csv``).
HALVINGS: pd.DataFrame = pd.DataFrame(
    {
        "height": [210_000, 420_000, 630_000, 840_000],
        "timestamp_utc": pd.to_datetime(
            [
                "2012-11-28 15:24:38",
                "2016-07-09 16:46:13",
                "2020-05-11 19:23:43",
                "2024-04-20 00:09:27",
            ]
        ),
        "subsidy_btc": [25.0, 12.5, 6.25, 3.125],
        "source": [
            "block 210000 header time (Bitcoin blockchain; mempool.space/block/210000)",
            "block 420000 header time (Bitcoin blockchain; mempool.space/block/420000)",
            "block 630000 header time (Bitcoin blockchain; mempool.space/block/630000)",
            "block 840000 header time (Bitcoin blockchain; mempool.space/block/840000)",
        ],
    }
)


def _as_array(value: Any, name: str) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise InputError(f"{name}: expected a number or an array of numbers") from None
    return arr


def _result(arr: np.ndarray, like: Any) -> Any:
    """Return ``arr`` shaped like ``like``: a Series keeps its index, a scalar stays scalar."""
    if isinstance(like, pd.Series):
        return pd.Series(arr, index=like.index)
    if np.ndim(arr) == 0:
        return arr[()]
    return arr


def subsidy_sat(height: Any) -> Any:
    """Block subsidy in satoshis at block ``height``, exactly as Bitcoin Core computes it.

    Parameters
    ----------
    height : int or array-like of int
        Block height (the genesis block is height 0). [-]

    Returns
    -------
    subsidy_sat : int64 or ndarray of int64
        New coins the block may create. [sat]

    Raises
    ------
    hashcarbon.errors.InputError
        If a height is negative or not an integer.

    Notes
    -----
    ``halvings = height // 210000``; the subsidy is ``(50 * COIN) >> halvings``
    and 0 once ``halvings >= 64`` [2]_.  Integer arithmetic, so the result is
    exact: the last non-zero subsidy is 1 satoshi (``5e9 >> 32``, heights
    6,720,000 to 6,929,999); from height 6,930,000 (33 halvings) it is 0.

    References
    ----------
    .. [2] Bitcoin Core, ``src/validation.cpp``, ``GetBlockSubsidy``.

    Examples
    --------
    >>> subsidy_sat([0, 209_999, 210_000, 6_929_999, 6_930_000]).tolist()
    [5000000000, 5000000000, 2500000000, 1, 0]
    """
    arr = np.asarray(height)
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)) or np.any(arr != np.floor(arr)):
            raise InputError("height: expected whole block heights (integers >= 0)")
        arr = arr.astype(np.int64)
    elif arr.dtype.kind not in "iu":
        raise InputError("height: expected whole block heights (integers >= 0)")
    arr = arr.astype(np.int64)
    if np.any(arr < 0):
        raise InputError("height: expected block heights >= 0")
    halvings = arr // SUBSIDY_HALVING_INTERVAL
    shift = np.minimum(halvings, MAX_HALVINGS - 1)
    out = np.where(halvings >= MAX_HALVINGS, 0, np.right_shift(INITIAL_SUBSIDY_SAT, shift))
    return _result(out.astype(np.int64), height)


def subsidy_btc(height: Any) -> Any:
    """Block subsidy at block ``height``. [BTC]

    Parameters
    ----------
    height : int or array-like of int
        Block height (genesis = 0). [-]

    Returns
    -------
    subsidy_btc : float or ndarray
        ``subsidy_sat(height) / 1e8`` -- exact in binary floating point down to
        the last satoshis, since every value is an integer number of satoshis. [BTC]

    See Also
    --------
    subsidy_sat : the exact integer version.

    Examples
    --------
    >>> subsidy_btc([0, 209_999, 210_000, 420_000, 630_000, 840_000]).tolist()
    [50.0, 50.0, 25.0, 12.5, 6.25, 3.125]
    >>> float(subsidy_btc(6_930_000))
    0.0
    """
    sat = np.asarray(subsidy_sat(height))
    return _result(sat / SAT_PER_BTC, height)


def total_supply_btc(height: Any) -> Any:
    """Coins created by blocks 0 .. ``height`` inclusive, if every block claims its full subsidy. [BTC]

    Parameters
    ----------
    height : int or array-like of int
        Last block height included. [-]

    Returns
    -------
    supply_btc : float or ndarray
        Cumulative subsidy (the upper bound of the circulating supply; the
        genesis coinbase and under-claimed blocks are not spendable or were
        never created). [BTC]

    Notes
    -----
    Summed exactly in satoshis per complete epoch of 210,000 blocks, then the
    partial epoch.

    Examples
    --------
    >>> float(total_supply_btc(209_999))
    10500000.0
    >>> float(total_supply_btc(10_000_000))
    20999999.9769
    """
    arr = np.asarray(height)
    if arr.dtype.kind == "f":
        arr = arr.astype(np.int64)
    arr = arr.astype(np.int64)
    if np.any(arr < 0):
        raise InputError("height: expected block heights >= 0")
    n = arr + 1
    epochs_full = n // SUBSIDY_HALVING_INTERVAL
    remainder = n % SUBSIDY_HALVING_INTERVAL
    k = np.arange(MAX_HALVINGS, dtype=np.int64)
    per_epoch = np.right_shift(INITIAL_SUBSIDY_SAT, k) * SUBSIDY_HALVING_INTERVAL
    cum = np.concatenate([[0], np.cumsum(per_epoch)])
    full = cum[np.minimum(epochs_full, MAX_HALVINGS)]
    partial_rate = np.where(
        epochs_full >= MAX_HALVINGS,
        0,
        np.right_shift(INITIAL_SUBSIDY_SAT, np.minimum(epochs_full, MAX_HALVINGS - 1)),
    )
    total_sat = full + remainder * partial_rate
    return _result(total_sat / SAT_PER_BTC, height)


def _to_timestamps(date: Any, name: str) -> pd.DatetimeIndex:
    raw = date if isinstance(date, (pd.Series, pd.Index)) else np.atleast_1d(date)
    try:
        values = pd.DatetimeIndex(pd.to_datetime(raw, format="mixed"))
    except (TypeError, ValueError):
        raise InputError(f"{name}: expected dates (YYYY-MM-DD or datetime)") from None
    if values.tz is not None:
        values = values.tz_convert("UTC").tz_localize(None)
    return values


def halving_timestamps(
    n_halvings: int = 33, block_interval_s: float = BLOCK_INTERVAL_S
) -> pd.DatetimeIndex:
    """UTC timestamps of halvings 1 .. ``n_halvings``: observed ones, then projected.

    Parameters
    ----------
    n_halvings : int, default 33
        How many halvings to return (the subsidy is 0 from halving 33 on). [-]
    block_interval_s : float, default 600
        Mean block interval assumed for halvings not yet observed. The
        protocol targets 600 s [1]_; the realised mean has been shorter
        (about 575 s per block from 2009-01-03 to block 840000) because hash rate grows between
        retargets, so the default is an assumption, swappable here. [s]

    Returns
    -------
    timestamps : pandas.DatetimeIndex
        Observed header times from :data:`HALVINGS`, then the last observed
        one plus ``k * 210000 * block_interval_s`` seconds.
    """
    if not np.isfinite(block_interval_s) or block_interval_s <= 0:
        raise InputError(
            f"block_interval_s: expected a positive number of seconds, got {block_interval_s!r}"
        )
    observed = pd.DatetimeIndex(HALVINGS["timestamp_utc"])
    if n_halvings <= len(observed):
        return observed[:n_halvings]
    k = np.arange(1, n_halvings - len(observed) + 1)
    projected = observed[-1] + pd.to_timedelta(
        k * SUBSIDY_HALVING_INTERVAL * block_interval_s, unit="s"
    )
    return observed.append(pd.DatetimeIndex(projected))


def subsidy_btc_per_block_on(date: Any, block_interval_s: float = BLOCK_INTERVAL_S) -> Any:
    """Subsidy per block in effect at an instant (a date means 00:00 UTC of that day). [BTC]

    Parameters
    ----------
    date : date-like or array-like of dates
        UTC instant(s).  A plain date is its midnight, so on a halving day the
        *previous* subsidy is returned (blocks of that day carry both values);
        2024-04-20 gives 6.25 although block 840000 came at 00:09 UTC.
    block_interval_s : float, default 600
        Mean block interval used to project halvings after the last observed
        one (see :func:`halving_timestamps`). [s]

    Returns
    -------
    subsidy_btc : float or ndarray
        ``50 / 2**k`` where ``k`` is the number of halvings before the instant;
        0 after the 64th. [BTC]

    Notes
    -----
    Dates before 2009-01-03 return 50 (the protocol did not exist then; the
    value is the first epoch's).

    Examples
    --------
    >>> subsidy_btc_per_block_on(["2012-11-28", "2012-11-29", "2024-04-21"]).tolist()
    [50.0, 25.0, 3.125]
    """
    ts = _to_timestamps(date, "date")
    edges = halving_timestamps(MAX_HALVINGS, block_interval_s)
    k = np.searchsorted(edges.values, ts.values, side="right")
    out = np.where(k >= MAX_HALVINGS, 0.0, INITIAL_SUBSIDY_SAT / SAT_PER_BTC / 2.0**k)
    if np.ndim(date) == 0 and not isinstance(date, (list, tuple, np.ndarray, pd.Series, pd.Index)):
        return float(out[0])
    if isinstance(date, pd.Series):
        return pd.Series(out, index=date.index)
    return out


def mean_block_interval_s(blocks_per_day: Any) -> float:
    """Mean time between blocks over a run of days. [s]

    Parameters
    ----------
    blocks_per_day : array-like
        Blocks mined on each of ``n`` consecutive UTC days. [blocks/day]

    Returns
    -------
    interval_s : float
        ``n * 86400 / sum(blocks)``. [s]

    Examples
    --------
    >>> mean_block_interval_s([144, 144, 144])
    600.0
    """
    arr = _as_array(blocks_per_day, "blocks_per_day")
    arr = arr[np.isfinite(arr)]
    if arr.size == 0 or arr.sum() <= 0:
        raise InputError("blocks_per_day: expected at least one day with blocks")
    return float(arr.size * SECONDS_PER_DAY / arr.sum())


def next_halving_date(
    current_height: int, current_time: Any, block_interval_s: float = BLOCK_INTERVAL_S
) -> pd.Timestamp:
    """Projected UTC time of the next halving after block ``current_height``.

    Parameters
    ----------
    current_height : int
        Height of the latest block. [-]
    current_time : date-like
        UTC time of that block. [-]
    block_interval_s : float, default 600
        Mean block interval assumed for the remaining blocks.  Method: the
        remaining blocks to the next multiple of 210,000 times this interval.
        Pass the recent realised mean (e.g. ``mean_block_interval_s`` of the
        last 90 days of ``network_daily.blocks``) for a better projection than
        the 600 s target. [s]

    Returns
    -------
    pandas.Timestamp
        Projected UTC time of block ``(current_height // 210000 + 1) * 210000``.

    Examples
    --------
    >>> next_halving_date(839_999, "2024-04-19 23:59:27")
    Timestamp('2024-04-20 00:09:27')
    """
    if int(current_height) < 0:
        raise InputError(f"current_height: expected a block height >= 0, got {current_height!r}")
    if not np.isfinite(block_interval_s) or block_interval_s <= 0:
        raise InputError(
            f"block_interval_s: expected a positive number of seconds, got {block_interval_s!r}"
        )
    ts = _to_timestamps(current_time, "current_time")[0]
    target = (int(current_height) // SUBSIDY_HALVING_INTERVAL + 1) * SUBSIDY_HALVING_INTERVAL
    return ts + pd.to_timedelta((target - int(current_height)) * block_interval_s, unit="s")


def hashrate_ths_from_difficulty(difficulty: Any, block_interval_s: Any = BLOCK_INTERVAL_S) -> Any:
    r"""Hash rate that finds one block per ``block_interval_s`` at a difficulty. [TH/s]

    Parameters
    ----------
    difficulty : float or array-like
        Bitcoin difficulty. [-]
    block_interval_s : float or array-like, default 600
        Mean time between blocks. [s]

    Returns
    -------
    hashrate_ths : float or array-like
        :math:`H = D \cdot 2^{32} / T / 10^{12}`. [TH/s]

    Notes
    -----
    A block at difficulty :math:`D` needs on average :math:`D \cdot 2^{32}`
    hashes (difficulty 1 corresponds to target ``0x00000000FFFF << 208``, i.e.
    about :math:`2^{32}` hashes; the exact factor is :math:`2^{256}/(\text{target}_1+1)`
    :math:`= 2^{32}\cdot 65536/65535`, which Coin Metrics, Blockchain.com and CBECI all
    round to :math:`2^{32}` and so do we) [1]_ [3]_.

    Examples
    --------
    >>> float(hashrate_ths_from_difficulty(1.0) * 1e12) == 2**32 / 600
    True
    """
    d = _as_array(difficulty, "difficulty")
    t = _as_array(block_interval_s, "block_interval_s")
    if np.any(t <= 0):
        raise InputError("block_interval_s: expected a positive number of seconds")
    out = d * HASHES_PER_DIFFICULTY / t / H_PER_TH
    return _result(out, difficulty)


def difficulty_from_hashrate_ths(
    hashrate_ths: Any, block_interval_s: Any = BLOCK_INTERVAL_S
) -> Any:
    r"""Difficulty at which ``hashrate_ths`` finds one block per ``block_interval_s``. [-]

    The inverse of :func:`hashrate_ths_from_difficulty`:
    :math:`D = H \cdot 10^{12} \cdot T / 2^{32}`.

    Parameters
    ----------
    hashrate_ths : float or array-like
        Hash rate. [TH/s]
    block_interval_s : float or array-like, default 600
        Mean time between blocks. [s]

    Returns
    -------
    difficulty : float or array-like
        [-]

    Examples
    --------
    >>> round(float(difficulty_from_hashrate_ths(hashrate_ths_from_difficulty(8.0e13))))
    80000000000000
    """
    h = _as_array(hashrate_ths, "hashrate_ths")
    t = _as_array(block_interval_s, "block_interval_s")
    if np.any(t <= 0):
        raise InputError("block_interval_s: expected a positive number of seconds")
    out = h * H_PER_TH * t / HASHES_PER_DIFFICULTY
    return _result(out, hashrate_ths)


def implied_hashrate_ths(difficulty: Any, blocks_per_day: Any) -> Any:
    r"""Daily mean hash rate implied by the day's blocks and their mean difficulty. [TH/s]

    Parameters
    ----------
    difficulty : float or array-like
        Mean difficulty of the day's blocks (Coin Metrics ``DiffMean``). [-]
    blocks_per_day : float or array-like
        Blocks mined that UTC day (Coin Metrics ``BlkCnt``). [blocks/day]

    Returns
    -------
    hashrate_ths : float or array-like
        :math:`H = D \cdot 2^{32} \cdot n / 86400 / 10^{12}`, the quantity Coin
        Metrics publishes as ``HashRate`` and CBECI uses as network hash rate [3]_.

    Examples
    --------
    >>> float(implied_hashrate_ths(1.0, 144)) == float(hashrate_ths_from_difficulty(1.0))
    True
    """
    d = _as_array(difficulty, "difficulty")
    n = _as_array(blocks_per_day, "blocks_per_day")
    out = d * HASHES_PER_DIFFICULTY * n / SECONDS_PER_DAY / H_PER_TH
    return _result(out, difficulty)


def revenue_usd_per_day(subsidy_btc_per_day: Any, fees_btc_per_day: Any, btc_usd: Any) -> Any:
    """Miners' revenue: new coins plus fees, valued at the BTC price. [USD/day]

    Parameters
    ----------
    subsidy_btc_per_day : float or array-like
        Subsidy issued that day. [BTC/day]
    fees_btc_per_day : float or array-like
        Transaction fees paid to miners that day. [BTC/day]
    btc_usd : float or array-like
        BTC price. [USD/BTC]

    Returns
    -------
    revenue_usd_per_day : float or array-like
        ``(subsidy + fees) * price`` (Coin Metrics ``IssTotUSD + FeeTotUSD``). [USD/day]

    Examples
    --------
    >>> revenue_usd_per_day(450.0, 5.0, 80_000.0)
    36400000.0
    """
    s = _as_array(subsidy_btc_per_day, "subsidy_btc_per_day")
    f = _as_array(fees_btc_per_day, "fees_btc_per_day")
    p = _as_array(btc_usd, "btc_usd")
    out = (s + f) * p
    like = next(
        (x for x in (subsidy_btc_per_day, fees_btc_per_day, btc_usd) if isinstance(x, pd.Series)),
        subsidy_btc_per_day,
    )
    res = _result(out, like)
    return float(res) if np.ndim(res) == 0 else res


def hashprice_usd_per_th_day(revenue_usd_per_day: Any, hashrate_ths: Any) -> Any:
    r"""Miners' revenue per unit of hash rate (Luxor's "hashprice"). [USD/(TH/s)/day]

    Parameters
    ----------
    revenue_usd_per_day : float or array-like
        Miners' revenue. [USD/day]
    hashrate_ths : float or array-like
        Network hash rate over the same day. [TH/s]

    Returns
    -------
    hashprice_usd_per_th_day : float or array-like
        :math:`R / H`; ``NaN`` where the hash rate is 0. [USD/(TH/s)/day]

    Notes
    -----
    With the implied hash rate :math:`H = D\,2^{32} n/86400` the block count
    :math:`n` cancels, so this equals Luxor's definition (reward per block times
    price over :math:`D\,2^{32}/86400`) up to the price and fee averaging [4]_.

    Examples
    --------
    >>> round(hashprice_usd_per_th_day(36_400_000.0, 800e6), 6)
    0.0455
    """
    r = _as_array(revenue_usd_per_day, "revenue_usd_per_day")
    h = _as_array(hashrate_ths, "hashrate_ths")
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(h > 0, r / np.where(h > 0, h, 1.0), np.nan)
    like = revenue_usd_per_day if isinstance(revenue_usd_per_day, pd.Series) else hashrate_ths
    res = _result(out, like)
    return float(res) if np.ndim(res) == 0 else res


def hashprice(network_frame: pd.DataFrame) -> pd.Series:
    """Daily hashprice from a ``network_daily``-like frame. [USD/(TH/s)/day]

    Parameters
    ----------
    network_frame : pandas.DataFrame
        Needs columns ``revenue_usd`` [USD/day] and ``hashrate_ehs`` [EH/s];
        ``date`` becomes the index when present (e.g. ``hashcarbon.data.network()``).

    Returns
    -------
    hashprice_usd_per_th_day : pandas.Series
        Named ``hashprice_usd_per_th_day``. [USD/(TH/s)/day]

    Raises
    ------
    hashcarbon.errors.InputError
        If a needed column is missing.

    Examples
    --------
    >>> frame = pd.DataFrame({"date": pd.to_datetime(["2024-06-24"]),
    ...                       "revenue_usd": [27.5e6], "hashrate_ehs": [600.0]})
    >>> round(float(hashprice(frame).iloc[0]), 4)
    0.0458
    """
    if not isinstance(network_frame, pd.DataFrame):
        raise InputError(
            "network_frame: expected a pandas DataFrame like hashcarbon.data.network()"
        )
    missing = [c for c in ("revenue_usd", "hashrate_ehs") if c not in network_frame.columns]
    if missing:
        raise InputError(
            f"network_frame: missing column(s) {', '.join(missing)}; expected revenue_usd [USD/day] and hashrate_ehs [EH/s]"
        )
    frame = network_frame.set_index("date") if "date" in network_frame.columns else network_frame
    out = hashprice_usd_per_th_day(
        frame["revenue_usd"].astype(float), frame["hashrate_ehs"].astype(float) * TH_PER_EH
    )
    return pd.Series(np.asarray(out), index=frame.index, name="hashprice_usd_per_th_day")


__all__ = [
    "HALVINGS",
    "INITIAL_SUBSIDY_SAT",
    "MAX_HALVINGS",
    "SAT_PER_BTC",
    "SUBSIDY_HALVING_INTERVAL",
    "difficulty_from_hashrate_ths",
    "halving_timestamps",
    "hashprice",
    "hashprice_usd_per_th_day",
    "hashrate_ths_from_difficulty",
    "implied_hashrate_ths",
    "mean_block_interval_s",
    "next_halving_date",
    "revenue_usd_per_day",
    "subsidy_btc",
    "subsidy_btc_per_block_on",
    "subsidy_sat",
    "total_supply_btc",
]


# Argument checks by name and unit (one line naming the argument); keep last.
_check.guard(globals(), __all__)
