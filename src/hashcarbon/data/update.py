"""``hashcarbon data update``: fetch public sources, validate, swap in atomically.

For each source: download every response to a temporary file (sha256 taken),
parse it with a pure ``parse_*`` function, turn it into table rows, validate
the rows and the merged table with the table's pandera schema, check
continuity with the table in use (no gap, no jump beyond the limits stated in
``data/sources/updates.toml``), and only then replace the user's layer
atomically (:func:`hashcarbon.data.layers.write_layers`).  On any failure the
old data stay as they were and the source's line says why.

This is the only module of hashcarbon that touches the network.
"""

from __future__ import annotations

import tempfile
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from hashcarbon.data import layers
from hashcarbon.data._registry import SOURCES_DIR, embedded_table, get_spec, validate_frame
from hashcarbon.data.integrity import now_utc
from hashcarbon.data.iotools import _http
from hashcarbon.data.iotools import grid as grid_io
from hashcarbon.data.iotools import network as net_io
from hashcarbon.data.iotools.network import ParseError
from hashcarbon.errors import DataError, InputError

UPDATES_FILE = SOURCES_DIR / "updates.toml"

#: Quality score of a row's origin, per flag column: a fetched row replaces an
#: existing row with the same key only when its total score is at least as high
#: (observed 3 > daily estimate or sample 2 > interpolation 1).  So a newer
#: vintage of the same method replaces the old one, while a 7-day interpolation
#: never replaces observed days, and Ember outranks OWID for new mix years.
ROW_RANK: dict[str, dict[str, dict[str, int]]] = {
    "network_daily": {
        "hashrate_flag": {
            "coinmetrics": 3,
            "bitcoinvisuals": 3,
            "mempool": 2,
            "interpolated_7d": 1,
        },
        "price_flag": {
            "coinmarketcap": 3,
            "bitinfocharts": 3,
            "yahoo_mid": 3,
            "coinmetrics_refrate": 3,
            "mempool": 2,
            "interpolated_7d": 1,
        },
        "fees_flag": {
            "observed": 3,
            "observed_sample": 2,
            "mempool_avg_per_block": 2,
            "interpolated": 1,
            "derived_revenue_minus_subsidy": 1,
        },
    },
    "grid_mix": {
        "vintage": {
            "owid_bp_ember_2022": 9,
            "owid_ccaf_repo_2024": 9,
            "ember_yearly_update": 2,
            "owid_energy_update": 1,
        }
    },
}


def update_config() -> dict[str, dict[str, Any]]:
    """``[updates.NAME]`` sections of ``sources/updates.toml`` (URL, licence, rhythm, limits)."""
    try:
        with UPDATES_FILE.open("rb") as fh:
            return tomllib.load(fh).get("updates", {})
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise DataError(
            f"sources/updates.toml: cannot be read ({str(err).splitlines()[0]})"
        ) from None


@dataclass
class Source:
    """One updatable public source."""

    name: str
    tables: tuple[str, ...]
    fetch: Callable[[Any, Path, date], Any]
    parse: Callable[[Any], Any]
    rows: Callable[[Any], dict[str, pd.DataFrame]]
    available: bool = True


def _bodies(payloads: Any) -> Any:
    if isinstance(payloads, dict):
        return {k: p.read() for k, p in payloads.items()}
    return [p.read() for p in payloads]


def _blockchain_bodies(payloads: list) -> dict[str, bytes]:
    return dict(zip(net_io.BLOCKCHAIN_CHARTS, (p.read() for p in payloads), strict=True))


def _grid_rows(vintage: str):
    def rows(parsed):
        gen, inten = parsed
        return grid_io.grid_rows(gen, inten, vintage, embedded_table("grid_mix"))

    return rows


SOURCES: dict[str, Source] = {
    "blockchain_com": Source(
        "blockchain_com",
        ("network_daily",),
        net_io.fetch_blockchain_com,
        lambda p: net_io.parse_blockchain_com(_blockchain_bodies(p)),
        lambda obs: {"network_daily": net_io.blockchain_com_rows(obs)},
    ),
    "mempool": Source(
        "mempool",
        ("network_daily",),
        net_io.fetch_mempool,
        lambda p: net_io.parse_mempool(_bodies(p)),
        lambda obs: {"network_daily": net_io.mempool_rows(obs)},
    ),
    "coinmetrics": Source(
        "coinmetrics",
        ("network_daily",),
        net_io.fetch_coinmetrics,
        lambda p: net_io.parse_coinmetrics(_bodies(p)),
        lambda obs: {"network_daily": net_io.coinmetrics_rows(obs)},
    ),
    "owid_energy": Source(
        "owid_energy",
        ("grid_mix", "grid_intensity"),
        lambda http, tmp, since: grid_io.fetch_owid(http, tmp),
        lambda p: grid_io.parse_owid(p[0].read()),
        _grid_rows("owid_energy_update"),
    ),
    "ember": Source(
        "ember",
        ("grid_mix", "grid_intensity"),
        lambda http, tmp, since: grid_io.fetch_ember(http, tmp),
        lambda p: grid_io.parse_ember(p[0].read()),
        _grid_rows("ember_yearly_update"),
    ),
}
#: Order of ``data update`` without ``--source``: lower-ranked sources first.
DEFAULT_ORDER = ("blockchain_com", "mempool", "coinmetrics", "owid_energy", "ember")


@dataclass
class Outcome:
    """Result of one source: ``status`` is updated, unchanged, would update or failed."""

    source: str
    status: str
    detail: str = ""
    tables: dict[str, dict[str, Any]] = field(default_factory=dict)

    def line(self) -> str:
        """One line for the terminal."""
        if self.status == "failed":
            return f"{self.source}: failed: {self.detail}"
        if self.status in ("updated", "would update"):
            parts = [
                f"{t} to {v['last']} (+{v['new_rows']:,} new, {v['changed_rows']:,} changed rows)"
                for t, v in self.tables.items()
            ]
            return f"{self.source}: {self.status} " + "; ".join(parts)
        return f"{self.source}: unchanged{(' (' + self.detail + ')') if self.detail else ''}"


# --------------------------------------------------------------------------- checks
def current_table(name: str) -> pd.DataFrame:
    """The table as loaded now (embedded + user layer)."""
    merged = layers.merged_table(name)
    return merged if merged is not None else embedded_table(name)


def current_layer_rows(name: str, root: Path | None = None) -> pd.DataFrame | None:
    """The user's update rows of ``name`` (validated), or None."""
    found = layers.layer_file(name, root)
    if found is None or not found[0].is_file():
        return None
    from hashcarbon.data._registry import parse_table

    spec = get_spec(name)
    return validate_frame(parse_table(found[0], spec), spec, found[0].name)


def _limits(source: str) -> dict[str, float]:
    return update_config().get(source, {}).get("limits", {})


def check_continuity(
    name: str, base: pd.DataFrame, rows: pd.DataFrame, limits: dict[str, float]
) -> None:
    """Refuse rows that leave a gap after ``base`` or jump beyond ``limits``.

    network_daily: the first new day is at most one day after the table's last
    day; on overlapping days the median relative difference of ``hashrate_ehs``
    and ``btc_usd`` stays within ``overlap_hashrate`` / ``overlap_price``; inside
    the new rows, day-to-day ratios of ``difficulty`` and ``btc_usd`` stay within
    ``daily_ratio_difficulty`` / ``daily_ratio_price``.  Grid tables: each country's
    years are consecutive and the World total changes by at most
    ``world_change`` per year.

    Raises
    ------
    ParseError
        One line naming the check, the value and the limit.
    """
    if rows.empty:
        return
    if name == "network_daily":
        last = base["date"].max()
        first = rows["date"].min()
        if first > last + pd.Timedelta(days=1):
            raise ParseError(
                f"gap: the table ends {last:%Y-%m-%d}, the new rows start {first:%Y-%m-%d}; "
                f"pass --since {last + pd.Timedelta(days=1):%Y-%m-%d} or earlier"
            )
        gaps = rows["date"].diff().dropna()
        if (gaps != pd.Timedelta(days=1)).any():
            where = rows["date"].iloc[
                int(np.flatnonzero((gaps != pd.Timedelta(days=1)).to_numpy())[0]) + 1
            ]
            raise ParseError(
                f"gap or duplicate: the new rows are not consecutive days at {where:%Y-%m-%d}"
            )
        both = base.merge(rows, on="date", suffixes=("_old", "_new"))
        for col, key, default in (
            ("hashrate_ehs", "overlap_hashrate", 0.5),
            ("btc_usd", "overlap_price", 0.1),
        ):
            if len(both):
                rel = float(np.median(np.abs(both[f"{col}_new"] / both[f"{col}_old"] - 1.0)))
                lim = float(limits.get(key, default))
                if rel > lim:
                    raise ParseError(
                        f"jump: {col} differs by {rel:.0%} (median) from the table on {len(both)} overlapping days "
                        f"(limit {lim:.0%})"
                    )
        for col, key, default in (
            ("difficulty", "daily_ratio_difficulty", 4.0),
            ("btc_usd", "daily_ratio_price", 2.0),
        ):
            seq = pd.concat([base[base["date"] < first].tail(1)[col], rows[col]]).to_numpy(
                dtype=float
            )
            if len(seq) > 1:
                ratio = seq[1:] / seq[:-1]
                lim = float(limits.get(key, default))
                bad = (ratio > lim) | (ratio < 1.0 / lim)
                if bad.any():
                    i = int(np.flatnonzero(bad)[0])
                    day = rows["date"].iloc[i + 1 - (len(seq) - len(rows))]
                    raise ParseError(
                        f"jump: {col} changes x{ratio[i]:.3g} in one day near {day:%Y-%m-%d} (limit x{lim:g})"
                    )
        return
    # yearly grid tables
    for country, years in rows.groupby("country")["year"]:
        ys = np.unique(years.to_numpy())
        if len(ys) > 1 and (np.diff(ys) > 1).any():
            gap = ys[int(np.flatnonzero(np.diff(ys) > 1)[0])] + 1
            raise ParseError(f"gap: {country} has no row for {gap} inside {ys[0]}-{ys[-1]}")
    if name == "grid_mix":
        world = (
            rows[rows["iso3"].astype(str) == "OWID_WRL"]
            .groupby("year")["generation_twh"]
            .sum()
            .sort_index()
        )
        value_col = None
    else:
        world = (
            rows[rows["iso3"].astype(str) == "OWID_WRL"]
            .set_index("year")["intensity_g_per_kwh"]
            .sort_index()
        )
        value_col = "intensity_g_per_kwh"
    lim = float(limits.get("world_change", 0.2))
    if len(world) > 1:
        change = (world / world.shift(1) - 1.0).dropna().abs()
        if (change > lim).any():
            yr = int(change.idxmax())
            raise ParseError(
                f"jump: World {value_col or 'generation'} changes {change.max():.0%} in {yr} (limit {lim:.0%})"
            )


def _rank(name: str, frame: pd.DataFrame) -> np.ndarray | None:
    if name not in ROW_RANK:
        return None
    total = np.zeros(len(frame))
    for col, ranks in ROW_RANK[name].items():
        total += frame[col].map(ranks).fillna(0).to_numpy(dtype=float)
    return total


def combine(name: str, existing: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Lay ``new`` over ``existing`` (the table in use), dropping new rows of a lower rank."""
    key = list(layers.UPDATE_KEYS[name])
    new_r = _rank(name, new)
    if new_r is not None and not existing.empty:
        old = existing.set_index(key)
        old_r = pd.Series(_rank(name, existing), index=old.index)
        idx = pd.MultiIndex.from_frame(new[key]) if len(key) > 1 else pd.Index(new[key[0]])
        prev = old_r.reindex(idx).to_numpy()
        keep = np.isnan(prev) | (new_r >= np.nan_to_num(prev, nan=-1))
        new = new[keep]
    return new.reset_index(drop=True)


# --------------------------------------------------------------------------- one source
def _since_for(src: Source, since: date | None) -> date:
    if since is not None:
        return since
    if "network_daily" in src.tables:
        last = current_table("network_daily")["date"].max()
        return (last - pd.Timedelta(days=14)).date()
    return date(2000, 1, 1)


def update_source(
    src: Source,
    http,
    *,
    since: date | None = None,
    dry_run: bool = False,
    root: Path | None = None,
) -> Outcome:
    """Fetch, parse, validate and (unless ``dry_run``) swap in one source; never raises for data faults."""
    root = root or layers.user_dir()
    if not src.available:
        return Outcome(src.name, "failed", "not available")
    limits = _limits(src.name)
    cfg = update_config().get(src.name, {})
    try:
        with tempfile.TemporaryDirectory(prefix="hashcarbon-update-") as tmp:
            start = _since_for(src, since)
            payloads = src.fetch(http, Path(tmp), start)
            listed = list(payloads.values()) if isinstance(payloads, dict) else list(payloads)
            digests = ",".join(p.sha256[:12] for p in listed)
            parsed = src.parse(payloads)
        produced = src.rows(parsed)
        to_write: dict[str, tuple[pd.DataFrame, dict[str, Any]]] = {}
        report: dict[str, dict[str, Any]] = {}
        for name, rows in produced.items():
            spec = get_spec(name)
            key = list(layers.UPDATE_KEYS[name])
            if since is not None and spec.coverage_column == "date":
                rows = rows[rows["date"] >= pd.Timestamp(since)]
            if rows.empty:
                continue
            rows = validate_frame(rows.reset_index(drop=True), spec, f"{src.name} rows for {name}")
            base = current_table(name)
            rows = combine(name, base, rows)
            if rows.empty:
                continue
            check_continuity(name, base, rows, limits)
            old_layer = current_layer_rows(name, root)
            layer_rows = (
                layers.merge_layers(old_layer, rows, tuple(key)) if old_layer is not None else rows
            )
            merged = layers.merge_layers(embedded_table(name), layer_rows, tuple(key))
            validate_frame(merged, spec, f"{spec.filename} (embedded + {src.name})")
            new_keys, changed = _diff(base, rows, key)
            if new_keys == 0 and changed == 0:
                continue
            cov = spec.coverage_column
            last = merged[cov].max()
            last_s = f"{last:%Y-%m-%d}" if isinstance(last, pd.Timestamp) else str(last)
            first_l = layer_rows[cov].min()
            report[name] = {"last": last_s, "new_rows": new_keys, "changed_rows": changed}
            to_write[name] = (
                layer_rows,
                {
                    "first": f"{first_l:%Y-%m-%d}"
                    if isinstance(first_l, pd.Timestamp)
                    else str(first_l),
                    "last": last_s,
                    "fetched_at": now_utc(),
                    "source": src.name,
                    "url": cfg.get("url", ""),
                    "payload_sha256": digests,
                },
            )
        if not to_write:
            return Outcome(src.name, "unchanged", "no new or changed rows")
        if dry_run:
            return Outcome(src.name, "would update", tables=report)
        layers.write_layers(to_write, root)
        return Outcome(src.name, "updated", tables=report)
    except _http.FetchError as err:
        return Outcome(src.name, "failed", str(err))
    except (ParseError, DataError) as err:
        return Outcome(src.name, "failed", " ".join(str(err).split()))
    except OSError as err:
        what = "disk full" if getattr(err, "errno", None) == 28 else "write error"
        return Outcome(src.name, "failed", f"{what} ({err.strerror or err}); old data kept")
    except (KeyError, TypeError, ValueError, IndexError, OverflowError) as err:
        # a response shape no parser check anticipated: still one line, old data kept
        first = str(err).splitlines()[0] if str(err) else ""
        return Outcome(
            src.name, "failed", f"unexpected response ({type(err).__name__}: {first[:120]})"
        )


def _diff(base: pd.DataFrame, rows: pd.DataFrame, key: list[str]) -> tuple[int, int]:
    """(rows whose key is new, rows that change an existing row)."""
    cols = [c for c in rows.columns if c in base.columns]
    joined = rows[cols].merge(base[cols], on=key, how="left", suffixes=("", "_old"), indicator=True)
    new = int((joined["_merge"] == "left_only").sum())
    both = joined[joined["_merge"] == "both"]
    changed = 0
    if len(both):
        diff = np.zeros(len(both), dtype=bool)
        for c in cols:
            if c in key:
                continue
            a, b = both[c], both[f"{c}_old"]
            if pd.api.types.is_float_dtype(a) and pd.api.types.is_float_dtype(b):
                diff |= ~np.isclose(
                    a.to_numpy(float), b.to_numpy(float), rtol=1e-9, atol=0.0, equal_nan=True
                )
            else:
                diff |= (a.astype(str) != b.astype(str)).to_numpy()
        changed = int(diff.sum())
    return new, changed


# --------------------------------------------------------------------------- all sources
def resolve_sources(names: Sequence[str] | None) -> list[Source]:
    """The sources to run, in :data:`DEFAULT_ORDER`; unknown names raise InputError."""
    if not names:
        return [SOURCES[n] for n in DEFAULT_ORDER]
    unknown = [n for n in names if n not in SOURCES]
    if unknown:
        raise InputError(
            f"--source: unknown {', '.join(unknown)}; expected one of {', '.join(DEFAULT_ORDER)}"
        )
    return [SOURCES[n] for n in DEFAULT_ORDER if n in names]


def run_update(
    names: Sequence[str] | None = None,
    *,
    since: date | None = None,
    dry_run: bool = False,
    http=None,
    root: Path | None = None,
    on_progress: Callable[[str, Outcome | None], None] | None = None,
) -> list[Outcome]:
    """Update the user's layer from the chosen sources; one :class:`Outcome` per source.

    Parameters
    ----------
    names : sequence of str, optional
        Source names (default: all, in :data:`DEFAULT_ORDER`).
    since : datetime.date, optional
        First day (network sources) to fetch and replace; default: 14 days
        before the table's last day.
    dry_run : bool
        Fetch and check, print what would change, write nothing.
    http : httpx.Client, optional
        Client to use (default :func:`hashcarbon.data.iotools._http.client`).
    root : path, optional
        User data folder (default :func:`hashcarbon.data.layers.user_dir`).
    on_progress : callable, optional
        Called with ``(source, None)`` before and ``(source, outcome)`` after each source.
    """
    srcs = resolve_sources(names)
    if since is not None and since > date.today() + timedelta(days=1):
        raise InputError(f"--since: {since} is in the future")
    own = http is None
    http = http or _http.client()
    out = []
    try:
        for src in srcs:
            if on_progress:
                on_progress(src.name, None)
            res = update_source(src, http, since=since, dry_run=dry_run, root=root)
            out.append(res)
            if on_progress:
                on_progress(src.name, res)
    finally:
        if own:
            http.close()
    return out
