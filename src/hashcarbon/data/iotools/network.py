"""Daily Bitcoin network data: Coin Metrics community API, Blockchain.com charts, mempool.space.

Fetch is split from parse (pvlib's ``iotools`` habit): each ``fetch_*``
downloads raw responses (``hashcarbon data update`` only) and each ``parse_*``
is a pure function of the response bytes returning a daily frame; the
``*_rows`` functions turn that frame into rows of the ``network_daily`` table
(same columns, same flag vocabulary as the embedded build, see
``data/schemas/network.py``).  URLs, licences and update rhythms are in
``data/sources/updates.toml``.

Units: ``hashrate_ehs`` [EH/s], ``difficulty`` [-], ``blocks`` [blocks/day],
``btc_usd`` [USD/BTC], ``subsidy_btc`` and ``fees_btc`` [BTC/day].
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from hashcarbon import chain
from hashcarbon.data.iotools._http import Payload, download
from hashcarbon.data.schemas.network import COLUMNS as NETWORK_COLUMNS
from hashcarbon.units import HASHES_PER_DIFFICULTY, SECONDS_PER_DAY

COLUMNS = NETWORK_COLUMNS  # defined once, by the table's schema

COINMETRICS_URL = "https://community-api.coinmetrics.io/v4/timeseries/asset-metrics"
COINMETRICS_METRICS = ("BlkCnt", "DiffMean", "IssTotNtv", "FeeTotNtv", "PriceUSD")
BLOCKCHAIN_URL = "https://api.blockchain.info/charts/{chart}"
BLOCKCHAIN_CHARTS = ("hash-rate", "difficulty", "market-price", "transaction-fees")
MEMPOOL_URL = "https://mempool.space/api/v1"
#: Blockchain.com 7-day averages dated d cover days d-7..d-1; their centre is d-4
#: (same constant as tools/build/network.py).
BC_7D_CENTRE_LAG_DAYS = 4
#: Largest spacing of a Blockchain.com series, in multiples of its median spacing
#: (the full 2009-2026 hash-rate export has one 7-day step among 1,561 4-day steps).
MAX_SPACING_FACTOR = 2.0


class ParseError(ValueError):
    """A response does not have the documented shape; one line naming what is wrong."""


# --------------------------------------------------------------------------- helpers
def _json(body: bytes, what: str) -> Any:
    try:
        return json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ParseError(
            f"{what}: not valid JSON ({err.msg if hasattr(err, 'msg') else err}; truncated body?)"
        ) from None


#: Plausible range of timestamps in a response (Bitcoin's genesis to 2100). [unix s]
_T_MIN, _T_MAX = 1_230_768_000, 4_102_444_800


def _check_times(seconds: np.ndarray, what: str) -> None:
    """Refuse missing, non-finite or implausible timestamps."""
    if not np.all(np.isfinite(seconds)) or seconds.min() < _T_MIN or seconds.max() > _T_MAX:
        raise ParseError(f"{what}: a timestamp is missing or outside 2009-2100")


def _check_values(values: np.ndarray, what: str) -> None:
    if not np.all(np.isfinite(values)):
        raise ParseError(f"{what}: a value is missing or not finite")


def _daily_index(frame: pd.DataFrame, what: str) -> pd.DataFrame:
    """Sort by date, refuse duplicated days."""
    frame = frame.sort_values("date").reset_index(drop=True)
    dup = frame["date"].duplicated()
    if dup.any():
        raise ParseError(f"{what}: duplicated day {frame.loc[dup, 'date'].iloc[0]:%Y-%m-%d}")
    return frame


def _round_sig(values: pd.Series, digits: int) -> pd.Series:
    arr = values.to_numpy(dtype=float)
    out = arr.copy()
    ok = np.isfinite(arr) & (arr != 0)
    mag = np.floor(np.log10(np.abs(arr[ok])))
    scale = 10.0 ** (digits - 1 - mag)
    out[ok] = np.round(arr[ok] * scale) / scale
    return pd.Series(out, index=values.index)


def finish_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Round like the embedded build and compute hash rate and revenue from the stored columns.

    ``frame`` has ``date, blocks, difficulty, btc_usd, subsidy_btc, fees_btc`` and the
    four flag columns; ``hashrate_ehs = difficulty * 2**32 * blocks / 86400 / 1e18``
    and ``revenue_usd = (subsidy_btc + fees_btc) * btc_usd``.
    """
    out = frame.copy()
    out["blocks"] = out["blocks"].astype(float).round(6)
    out["difficulty"] = _round_sig(out["difficulty"].astype(float), 10)
    out["hashrate_ehs"] = (
        out["difficulty"] * HASHES_PER_DIFFICULTY * out["blocks"] / SECONDS_PER_DAY / 1e18
    )
    out["btc_usd"] = _round_sig(out["btc_usd"].astype(float), 10)
    out["subsidy_btc"] = out["subsidy_btc"].astype(float).round(8)
    out["fees_btc"] = out["fees_btc"].astype(float).clip(lower=0.0).round(6)
    out["revenue_usd"] = ((out["subsidy_btc"] + out["fees_btc"]) * out["btc_usd"]).round(2)
    return out[COLUMNS].reset_index(drop=True)


def scheduled_subsidy_btc(dates: pd.Series, blocks: pd.Series) -> pd.Series:
    """Blocks x the subsidy in effect at 12:00 UTC of each day. [BTC/day]"""
    per_block = chain.subsidy_btc_per_block_on(pd.DatetimeIndex(dates) + pd.Timedelta(hours=12))
    return (blocks.astype(float).round(6) * np.asarray(per_block, dtype=float)).round(6)


def _blocks_from(hashrate_hs: pd.Series, difficulty: pd.Series) -> pd.Series:
    return hashrate_hs * SECONDS_PER_DAY / (difficulty * HASHES_PER_DIFFICULTY)


# --------------------------------------------------------------------------- Coin Metrics
def fetch_coinmetrics(http, tmp_dir: Path, start: date, max_pages: int = 20) -> list[Payload]:
    """Download Coin Metrics community daily BTC metrics from ``start`` (all pages).

    ``GET /v4/timeseries/asset-metrics?assets=btc&metrics=...&frequency=1d&start_time=...``;
    pages are followed through ``next_page_url``.
    """
    params: dict[str, Any] | None = {
        "assets": "btc",
        "metrics": ",".join(COINMETRICS_METRICS),
        "frequency": "1d",
        "start_time": start.isoformat(),
        "page_size": 10000,
        "paging_from": "start",
    }
    url = COINMETRICS_URL
    pages = []
    for i in range(max_pages):
        page = download(http, f"coinmetrics{i}", url, tmp_dir, params)
        pages.append(page)
        doc = _json(page.read(), "coinmetrics")
        nxt = doc.get("next_page_url") if isinstance(doc, dict) else None
        if not nxt:
            break
        url, params = nxt, None
    return pages


def parse_coinmetrics(bodies: list[bytes]) -> pd.DataFrame:
    """Coin Metrics asset-metrics pages -> daily ``date, blocks, difficulty, subsidy_btc, fees_btc, btc_usd``.

    Values arrive as strings (``"BlkCnt": "150"``); ``time`` is the UTC day start.
    The latest day may lack metrics that are not final yet: incomplete days at
    the end are dropped, an incomplete day inside is an error.
    """
    rows: list[dict[str, Any]] = []
    for body in bodies:
        doc = _json(body, "coinmetrics")
        data = doc.get("data") if isinstance(doc, dict) else None
        if not isinstance(data, list):
            raise ParseError("coinmetrics: response has no 'data' list")
        rows.extend(data)
    if not rows:
        raise ParseError("coinmetrics: empty 'data' list")
    frame = pd.DataFrame(rows)
    missing = [c for c in ("time", *COINMETRICS_METRICS) if c not in frame.columns]
    if missing:
        raise ParseError(f"coinmetrics: field(s) {', '.join(missing)} missing from the response")
    if "asset" in frame.columns and set(frame["asset"].dropna()) - {"btc"}:
        raise ParseError("coinmetrics: response holds an asset other than btc")
    try:
        # Coin Metrics sends ISO 8601 times; a fixed format parses every row the same way
        # (no per-element dateutil fallback) and rejects a damaged one
        dates = pd.to_datetime(frame["time"], utc=True, format="ISO8601")
        dates = dates.dt.tz_localize(None).dt.normalize()
        values = frame[list(COINMETRICS_METRICS)].apply(pd.to_numeric, errors="raise")
    except (ValueError, TypeError) as err:
        raise ParseError(
            f"coinmetrics: bad time or non-numeric value ({str(err).splitlines()[0]})"
        ) from None
    out = pd.DataFrame(
        {
            "date": dates,
            "blocks": values["BlkCnt"],
            "difficulty": values["DiffMean"],
            "subsidy_btc": values["IssTotNtv"],
            "fees_btc": values["FeeTotNtv"],
            "btc_usd": values["PriceUSD"],
        }
    )
    out = _daily_index(out, "coinmetrics")
    return _drop_incomplete_tail(out, "coinmetrics")


def _drop_incomplete_tail(frame: pd.DataFrame, what: str) -> pd.DataFrame:
    ok = frame.drop(columns="date").notna().all(axis=1).to_numpy()
    if not ok.any():
        raise ParseError(f"{what}: no complete day in the response")
    last_ok = int(np.flatnonzero(ok)[-1])
    head = frame.iloc[: last_ok + 1]
    bad = ~ok[: last_ok + 1]
    if bad.any():
        day = head.loc[bad, "date"].iloc[0]
        raise ParseError(f"{what}: day {day:%Y-%m-%d} lacks a metric")
    return head.reset_index(drop=True)


def coinmetrics_rows(obs: pd.DataFrame) -> pd.DataFrame:
    """Observed Coin Metrics days -> ``network_daily`` rows (all columns observed).

    Flags: ``hashrate_flag='coinmetrics'`` (``DiffMean * 2**32 * BlkCnt / 86400``),
    ``blocks_flag='observed'``, ``fees_flag='observed'`` and
    ``price_flag='coinmetrics_refrate'`` (Coin Metrics' end-of-day reference rate,
    0.98 % median difference from a daily average, see sources/network.toml).
    """
    frame = obs.assign(
        hashrate_flag="coinmetrics",
        blocks_flag="observed",
        price_flag="coinmetrics_refrate",
        fees_flag="observed",
    )
    return finish_rows(frame)


# --------------------------------------------------------------------------- Blockchain.com
def fetch_blockchain_com(http, tmp_dir: Path, start: date) -> list[Payload]:
    """Download the four Blockchain.com charts (JSON) covering ``start`` to today.

    Hash rate, difficulty and market price are requested as 7-day rolling averages
    (``rollingAverage=7days``, the series the embedded build centres and
    interpolates); transaction fees as daily values.
    """
    days = max((date.today() - start).days + 30, 60)
    out = []
    for chart in BLOCKCHAIN_CHARTS:
        params = {"timespan": f"{days}days", "format": "json", "sampled": "false"}
        if chart != "transaction-fees":
            params["rollingAverage"] = "7days"
        out.append(
            download(
                http, f"blockchain_{chart}", BLOCKCHAIN_URL.format(chart=chart), tmp_dir, params
            )
        )
    return out


def parse_blockchain_chart(body: bytes, chart: str) -> pd.Series:
    """One Blockchain.com chart -> Series of values indexed by UTC day.

    Accepts the documented API shape ``{"status": "ok", "values": [{"x": unix_s, "y": v}]}``
    and the site's export shape ``{"<chart>": [{"x": unix_ms, "y": v}], "average": "7D"}``.
    """
    doc = _json(body, f"blockchain.com {chart}")
    if not isinstance(doc, dict):
        raise ParseError(f"blockchain.com {chart}: expected a JSON object")
    points = doc.get("values", doc.get(chart))
    if not isinstance(points, list) or not points:
        raise ParseError(f"blockchain.com {chart}: no 'values' list")
    try:
        x = np.array([p["x"] for p in points], dtype=float)
        y = np.array([p["y"] for p in points], dtype=float)
    except (KeyError, TypeError, ValueError):
        raise ParseError(f"blockchain.com {chart}: points are not {{x, y}} numbers") from None
    unit = "ms" if np.nanmax(np.abs(x)) > 1e11 else "s"
    _check_times(x / 1000.0 if unit == "ms" else x, f"blockchain.com {chart}")
    _check_values(y, f"blockchain.com {chart}")
    idx = pd.to_datetime(x, unit=unit).normalize()
    s = pd.Series(y, index=idx, name=chart)
    if s.index.duplicated().any():
        raise ParseError(
            f"blockchain.com {chart}: duplicated day {s.index[s.index.duplicated()][0]:%Y-%m-%d}"
        )
    s = s.sort_index()
    if len(s) > 2:
        step = np.diff(s.index.to_numpy()).astype("timedelta64[D]").astype(float)
        limit = MAX_SPACING_FACTOR * float(np.median(step))
        if step.max() > limit:
            at = s.index[int(np.argmax(step)) + 1]
            raise ParseError(
                f"blockchain.com {chart}: {step.max():.0f} days without a value before {at:%Y-%m-%d} "
                f"(limit {limit:.0f}: missing samples)"
            )
    return s


def parse_blockchain_com(bodies: dict[str, bytes]) -> pd.DataFrame:
    """The four charts -> daily ``date, hashrate_ths, difficulty, btc_usd, fees_btc`` (7-day averages centred and interpolated).

    Blockchain.com's hash rate, difficulty and price are 7-day trailing averages
    published every few days: each is moved to its window centre (4 days back)
    and interpolated linearly in time, as in the embedded build; the daily
    transaction-fees samples are interpolated linearly.  Days outside the span
    every series covers are dropped.
    """
    missing = [c for c in BLOCKCHAIN_CHARTS if c not in bodies]
    if missing:
        raise ParseError(f"blockchain.com: chart(s) {', '.join(missing)} missing")
    series = {c: parse_blockchain_chart(bodies[c], c) for c in BLOCKCHAIN_CHARTS}
    centred = {}
    for c in ("hash-rate", "difficulty", "market-price"):
        s = series[c][series[c] > 0]
        s.index = s.index - pd.Timedelta(days=BC_7D_CENTRE_LAG_DAYS)
        centred[c] = s
    centred["transaction-fees"] = series["transaction-fees"][series["transaction-fees"] >= 0]
    lo = max(s.index.min() for s in centred.values())
    hi = min(s.index.max() for s in centred.values())
    if hi < lo:
        raise ParseError("blockchain.com: the charts do not overlap in time")
    days = pd.date_range(lo, hi, freq="D")

    def interp(s: pd.Series) -> pd.Series:
        union = s.index.union(days)
        return s.reindex(union).interpolate(method="time", limit_area="inside").reindex(days)

    out = pd.DataFrame(
        {
            "date": days,
            "hashrate_ths": interp(centred["hash-rate"]).to_numpy(),
            "difficulty": interp(centred["difficulty"]).to_numpy(),
            "btc_usd": interp(centred["market-price"]).to_numpy(),
            "fees_btc": interp(centred["transaction-fees"]).to_numpy(),
        }
    )
    return out.dropna().reset_index(drop=True)


def blockchain_com_rows(obs: pd.DataFrame) -> pd.DataFrame:
    """Blockchain.com daily frame -> ``network_daily`` rows (flags as the embedded tail)."""
    blocks = _blocks_from(obs["hashrate_ths"] * 1e12, obs["difficulty"])
    frame = pd.DataFrame(
        {
            "date": obs["date"],
            "blocks": blocks,
            "difficulty": obs["difficulty"],
            "btc_usd": obs["btc_usd"],
            "subsidy_btc": scheduled_subsidy_btc(obs["date"], blocks),
            "fees_btc": obs["fees_btc"],
            "hashrate_flag": "interpolated_7d",
            "blocks_flag": "derived_7d",
            "price_flag": "interpolated_7d",
            "fees_flag": "interpolated",
        }
    )
    return finish_rows(frame)


# --------------------------------------------------------------------------- mempool.space
def _mempool_period(start: date) -> str:
    days = (date.today() - start).days
    for period, n in (("1m", 30), ("3m", 90), ("6m", 180), ("1y", 365), ("2y", 730), ("3y", 1095)):
        if days <= n - 2:
            return period
    return "all"


def fetch_mempool(http, tmp_dir: Path, start: date) -> dict[str, Payload]:
    """Download mempool.space hash rate + difficulty, block fees and BTC prices."""
    period = _mempool_period(start)
    return {
        "hashrate": download(
            http, "mempool_hashrate", f"{MEMPOOL_URL}/mining/hashrate/{period}", tmp_dir
        ),
        "fees": download(
            http, "mempool_fees", f"{MEMPOOL_URL}/mining/blocks/fees/{period}", tmp_dir
        ),
        "price": download(
            http, "mempool_price", f"{MEMPOOL_URL}/historical-price", tmp_dir, {"currency": "USD"}
        ),
    }


def parse_mempool(bodies: dict[str, bytes]) -> pd.DataFrame:
    """mempool.space responses -> daily ``date, hashrate_hs, difficulty, fees_sat_per_block, btc_usd``.

    ``/mining/hashrate/:period``: ``{"hashrates": [{"timestamp": s, "avgHashrate": H/s}],
    "difficulty": [{"time": s, "height", "difficulty", "adjustment"}], ...}``;
    ``/mining/blocks/fees/:period``: ``[{"avgHeight", "timestamp": s, "avgFees": sat/block, "USD"}]``;
    ``/historical-price?currency=USD``: ``{"prices": [{"time": s, "USD": v}], "exchangeRates": {...}}``.
    The difficulty of a day is the one in effect at its 00:00 UTC; fees per block
    and prices are averaged per day, then interpolated linearly onto the hash-rate days.
    """
    for key in ("hashrate", "fees", "price"):
        if key not in bodies:
            raise ParseError(f"mempool.space: {key} response missing")
    hr = _json(bodies["hashrate"], "mempool.space hashrate")
    if (
        not isinstance(hr, dict)
        or not isinstance(hr.get("hashrates"), list)
        or not isinstance(hr.get("difficulty"), list)
    ):
        raise ParseError("mempool.space hashrate: expected 'hashrates' and 'difficulty' lists")
    fees = _json(bodies["fees"], "mempool.space fees")
    if not isinstance(fees, list):
        raise ParseError("mempool.space fees: expected a list of {avgHeight, timestamp, avgFees}")
    price = _json(bodies["price"], "mempool.space price")
    if not isinstance(price, dict) or not isinstance(price.get("prices"), list):
        raise ParseError("mempool.space price: expected a 'prices' list")
    try:
        h = pd.DataFrame(hr["hashrates"])[["timestamp", "avgHashrate"]].astype(float)
        d = pd.DataFrame(hr["difficulty"])[["time", "difficulty"]].astype(float)
        f = pd.DataFrame(fees)[["timestamp", "avgFees"]].astype(float)
        p = pd.DataFrame(price["prices"])[["time", "USD"]].astype(float)
    except (KeyError, TypeError, ValueError) as err:
        raise ParseError(
            f"mempool.space: field missing or not a number ({str(err).splitlines()[0]})"
        ) from None
    if h.empty or d.empty or f.empty or p.empty:
        raise ParseError("mempool.space: an empty series in the response")
    for frame, tcol, vcol, what in (
        (h, "timestamp", "avgHashrate", "hashrate"),
        (d, "time", "difficulty", "difficulty"),
        (f, "timestamp", "avgFees", "fees"),
        (p, "time", "USD", "price"),
    ):
        _check_times(frame[tcol].to_numpy(), f"mempool.space {what}")
        _check_values(frame[vcol].to_numpy(), f"mempool.space {what}")
    h["date"] = pd.to_datetime(h["timestamp"], unit="s").dt.normalize()
    h = _daily_index(h[["date", "avgHashrate"]], "mempool.space hashrate")
    d = d.sort_values("time")
    day_start = (h["date"] - pd.Timestamp(0)).dt.total_seconds().to_numpy()
    pos = np.searchsorted(d["time"].to_numpy(), day_start, side="right") - 1
    diff = np.where(pos >= 0, d["difficulty"].to_numpy()[np.clip(pos, 0, None)], np.nan)

    def daily(frame: pd.DataFrame, tcol: str, vcol: str) -> pd.Series:
        s = (
            frame.assign(day=pd.to_datetime(frame[tcol], unit="s").dt.normalize())
            .groupby("day")[vcol]
            .mean()
        )
        union = s.index.union(h["date"])
        return s.reindex(union).interpolate(method="time", limit_area="inside").reindex(h["date"])

    out = pd.DataFrame(
        {
            "date": h["date"].to_numpy(),
            "hashrate_hs": h["avgHashrate"].to_numpy(),
            "difficulty": diff,
            "fees_sat_per_block": daily(f, "timestamp", "avgFees").to_numpy(),
            "btc_usd": daily(p[p["USD"] > 0], "time", "USD").to_numpy(),
        }
    )
    return out.dropna().reset_index(drop=True)


def mempool_rows(obs: pd.DataFrame) -> pd.DataFrame:
    """mempool.space daily frame -> ``network_daily`` rows.

    ``blocks = avgHashrate * 86400 / (difficulty * 2**32)`` (flag ``derived_daily``;
    mempool's daily hash rate is itself estimated from the day's blocks),
    subsidy = blocks x scheduled subsidy, fees = mean fees per block x blocks.
    """
    blocks = _blocks_from(obs["hashrate_hs"], obs["difficulty"])
    frame = pd.DataFrame(
        {
            "date": obs["date"],
            "blocks": blocks,
            "difficulty": obs["difficulty"],
            "btc_usd": obs["btc_usd"],
            "subsidy_btc": scheduled_subsidy_btc(obs["date"], blocks),
            "fees_btc": obs["fees_sat_per_block"] * blocks.round(6) / 1e8,
            "hashrate_flag": "mempool",
            "blocks_flag": "derived_daily",
            "price_flag": "mempool",
            "fees_flag": "mempool_avg_per_block",
        }
    )
    return finish_rows(frame)
