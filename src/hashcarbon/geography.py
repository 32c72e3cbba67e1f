r"""Where Bitcoin is mined: monthly hash-rate shares by country and by Chinese province.

Three pieces are combined, each row flagged with how it was obtained:

* **observed** -- Cambridge's mining map (CCAF CBECI), monthly country shares,
  Sep 2019 to Jan 2022 (table ``mining_map``).
* **assumed** -- before Sep 2019 no map exists.  The default reproduces the
  *historical interval* of CCAF's greenhouse-gas index: China's share in month
  *m* of any year is the share CCAF's files use for that calendar month (equal
  to Cambridge's 2020 map value for that month); the rest of the network is
  one block, "Other" (CCAF gives it the world-average grid mix).
* **interpolated** / **carried** -- after Jan 2022, the dated, sourced points in
  ``mining_map_points`` (kind ``country_estimate``) are joined to the last map
  month by straight lines in time (linear in months); after a country's last
  point its share is carried forward.  "Other" is the residual.

Inside China, hash rate moved with the seasons: to the hydro provinces
(Sichuan, Yunnan) in the wet season and back to the coal provinces (Xinjiang,
Inner Mongolia) in the dry season.  :func:`province_shares` applies the
month-of-year profile in ``china_province_profile`` (built by
:func:`seasonal_profile` from CCAF's 2020 anchors).

References
----------
.. [1] Cambridge Centre for Alternative Finance, "Bitcoin Mining Map",
   https://ccaf.io/cbnsi/cbeci/mining_map (monthly export Sep 2019 - Jan 2022).
.. [2] CCAF, "CBNSI greenhouse-gas methodology", https://ccaf.io/cbeci/ghg/methodology ;
   historical interval in CambridgeAltFin/ccaf_cbeci_api ``api/historical.csv``
   @ f9a583997f6fb004b528ed6f46ff8b8ce5b2c77e.
.. [3] M. Rauchs (CCAF), "New data reveals timeline of China's bitcoin mining
   exodus", 15 Jul 2021,
   https://www.jbs.cam.ac.uk/insight/2021/new-data-reveals-timeline-of-chinas-bitcoin-mining-exodus/
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from hashcarbon import _check
from hashcarbon.errors import InputError, ParameterError, ScenarioError
from hashcarbon.vocabulary import CHINA_PROFILE_REGIONS, MAP_COUNTRIES

#: First and last month of Cambridge's monthly map.
MAP_START = pd.Timestamp("2019-09-01")
MAP_END = pd.Timestamp("2022-01-01")
#: Range of months the functions accept (genesis block month to a far horizon).
FIRST_MONTH = pd.Timestamp("2009-01-01")
LAST_MONTH = pd.Timestamp("2050-12-01")
#: Provinces of the seasonal profile, in table order (registry names).
PROVINCES: tuple[str, ...] = CHINA_PROFILE_REGIONS
#: Sourced provincial exits: Inner Mongolia's energy dual-control order of 9 Mar 2021
#: required all mining to shut by end-April 2021 (china_policy research note, section 1;
#: http://innermongolia.chinadaily.com.cn/2021-04/01/c_608292.htm).
SOURCED_EXITS: dict[str, str] = {"Inner Mongolia": "2021-05-01"}
#: Kinds in ``electricity_prices`` that are add-ons, not prices; skipped when ``kind=None``.
NON_PRICE_KINDS: frozenset[str] = frozenset({"surcharge", "tax"})
#: First month of the post-ban provincial split: the provincial shutdown orders of
#: 9-25 Jun 2021 (china_policy research note, section 1); Cambridge's map has China
#: at 0 % in Jul-Aug 2021 and ~20 % "underground" from Sep 2021.
POST_BAN_START = pd.Timestamp("2021-07-01")
#: Post-ban provincial splits of ``china_province_profile`` (column per option).
POST_BAN_OPTIONS: dict[str, str] = {
    "central": "share_of_china",
    "low-carbon": "share_low_carbon",
    "high-carbon": "share_high_carbon",
}

_BEFORE = ("points", "cbeci-historical", "carry-back")
_AFTER = ("interpolate-points", "carry-forward")


def _months(dates: Any, name: str = "dates") -> pd.DatetimeIndex:
    """Parse ``dates`` into sorted, unique first-of-month timestamps."""
    try:
        idx = pd.DatetimeIndex(pd.to_datetime(np.atleast_1d(np.asarray(dates, dtype=object))))
    except (ValueError, TypeError) as err:
        raise InputError(f"{name}: expected dates such as '2020-07-01' ({err})") from None
    if idx.hasnans:
        raise InputError(f"{name}: contains a missing date; expected dates such as '2020-07-01'")
    months = idx.to_period("M").to_timestamp().unique().sort_values()
    if len(months) == 0:
        raise InputError(f"{name}: is empty; expected at least one date")
    if months[0] < FIRST_MONTH or months[-1] > LAST_MONTH:
        raise InputError(
            f"{name}: months must lie between {FIRST_MONTH:%Y-%m} and {LAST_MONTH:%Y-%m}"
        )
    return pd.DatetimeIndex(months)


def _month_number(ts: pd.DatetimeIndex | pd.Series) -> np.ndarray:
    ts = pd.DatetimeIndex(ts)
    return np.asarray(ts.year * 12 + ts.month - 1, dtype=float)


def seasonal_profile(
    dry_share_of_china: Mapping[str, float],
    peak_share_of_china: Mapping[str, float],
    *,
    dry_anchor_month: int = 4,
    peak_month: int = 8,
    wet_end_month: int = 10,
) -> pd.DataFrame:
    r"""Month-of-year split of China's hash rate by province, from a dry and a wet anchor.

    Parameters
    ----------
    dry_share_of_china : mapping of str to float
        Provincial shares of China's hash rate at the end of the dry season. [0-1]
    peak_share_of_china : mapping of str to float
        Provincial shares at the peak of the wet season (same provinces). [0-1]
    dry_anchor_month : int, default 4
        Month of the dry anchor.  Assumption: April, the last month of the map's
        launch view, whose ratios (Sichuan 9.66/65.08 = 0.148, Xinjiang
        35.76/65.08 = 0.549) match CCAF's "beginning of the wet season" figures [1]_.
    peak_month : int, default 8
        Month of the wet-season peak.  CCAF does not state it [1]_; August is the
        middle of the Jun-Oct high-flow season (丰水期) and follows the Jun-Aug
        rainfall peak of south-west China.
    wet_end_month : int, default 10
        Last month held at the peak.  The 2020 exodus from Sichuan was seen on
        25 Oct 2020 (network hash rate 151.1 -> 116.3 EH/s in a day) [2]_.

    Returns
    -------
    profile : pandas.DataFrame
        Columns ``month`` (1-12), ``province``, ``share_of_china`` [0-1], ``method``:
        ``anchor`` (the two anchor months), ``interpolated`` (linear between the
        dry anchor and the peak), ``assumed`` (held at an anchor: the dry anchor
        from ``wet_end_month + 1`` to ``dry_anchor_month - 1``, the peak from
        ``peak_month + 1`` to ``wet_end_month``).

    Notes
    -----
    For month :math:`m` between the anchors the share is
    :math:`s(m) = s_d + (s_p - s_d)\,(m - m_d)/(m_p - m_d)`; the shares sum to 1
    in every month because both anchors do.

    References
    ----------
    .. [1] CCAF, M. Rauchs, 15 Jul 2021 (see module references).
    .. [2] https://btcexpanse.com/chinas-seasonal-miner-migration-causes-slump-in-btc-hash-rate

    Examples
    --------
    >>> p = seasonal_profile({"A": 0.8, "B": 0.2}, {"A": 0.2, "B": 0.8})
    >>> p[p.province == "B"].share_of_china.round(2).tolist()
    [0.2, 0.2, 0.2, 0.2, 0.35, 0.5, 0.65, 0.8, 0.8, 0.8, 0.2, 0.2]
    """
    if not 1 <= dry_anchor_month < peak_month <= wet_end_month <= 12:
        raise ParameterError(
            "seasonal_profile: expected 1 <= dry_anchor_month < peak_month <= wet_end_month <= 12"
        )
    if set(dry_share_of_china) != set(peak_share_of_china):
        raise ParameterError(
            "seasonal_profile: dry_share_of_china and peak_share_of_china must name the same provinces"
        )
    for label, shares in (
        ("dry_share_of_china", dry_share_of_china),
        ("peak_share_of_china", peak_share_of_china),
    ):
        values = np.array(list(shares.values()), dtype=float)
        if np.any(values < 0) or abs(values.sum() - 1.0) > 1e-9:
            raise ParameterError(f"seasonal_profile: {label} must be non-negative and sum to 1")
    provinces = list(dry_share_of_china)
    dry = np.array([dry_share_of_china[p] for p in provinces], dtype=float)
    peak = np.array([peak_share_of_china[p] for p in provinces], dtype=float)
    rows = []
    for month in range(1, 13):
        if month == dry_anchor_month:
            w, method = 0.0, "anchor"
        elif month == peak_month:
            w, method = 1.0, "anchor"
        elif dry_anchor_month < month < peak_month:
            w, method = (month - dry_anchor_month) / (peak_month - dry_anchor_month), "interpolated"
        elif peak_month < month <= wet_end_month:
            w, method = 1.0, "assumed"
        else:
            w, method = 0.0, "assumed"
        share = dry + w * (peak - dry)
        rows += [(month, p, float(s), method) for p, s in zip(provinces, share, strict=True)]
    return pd.DataFrame(rows, columns=["month", "province", "share_of_china", "method"])


def calendar_profile(
    dry_share_of_china: Mapping[str, float],
    peak_share_of_china: Mapping[str, float],
    wet_weight: Mapping[int, float],
    methods: Mapping[int, str] | None = None,
) -> pd.DataFrame:
    r"""Month-of-year split of China's hash rate from a hydrological calendar.

    Parameters
    ----------
    dry_share_of_china, peak_share_of_china : mapping of str to float
        Provincial shares of China's hash rate in the dry season and at the
        wet-season peak (same provinces, each summing to 1). [0-1]
    wet_weight : mapping of int to float
        For each calendar month 1-12, how far the hash rate has moved from the
        dry to the wet split: 0 in the dry season (枯水期), 1 in the flood season
        (丰水期).  The shipped calendar (``tools/build/china_hydro_calendar.csv``)
        is Dec-Apr 0, May 0.5, Jun-Oct 1, Nov 0.5: south-west China's hydro
        calendar of dry (Dec-Apr), normal-flow (May, Nov) and flood (Jun-Oct)
        months, with half the move in the normal-flow months (an assumption,
        range 0.25-0.75). [0-1]
    methods : mapping of int to str, optional
        Flag per month (default ``"calendar"``).

    Returns
    -------
    profile : pandas.DataFrame
        Columns ``month``, ``province``, ``share_of_china`` [0-1], ``wet_weight``
        [0-1], ``method``.

    Notes
    -----
    :math:`s_p(m) = s_{p,d} + w(m)\,(s_{p,w} - s_{p,d})`; every month sums to 1
    because both anchors do.

    Examples
    --------
    >>> w = {m: 1.0 if 6 <= m <= 10 else 0.5 if m in (5, 11) else 0.0 for m in range(1, 13)}
    >>> p = calendar_profile({"A": 0.8, "B": 0.2}, {"A": 0.2, "B": 0.8}, w)
    >>> p[p.province == "B"].share_of_china.round(2).tolist()
    [0.2, 0.2, 0.2, 0.2, 0.5, 0.8, 0.8, 0.8, 0.8, 0.8, 0.5, 0.2]
    """
    if sorted(wet_weight) != list(range(1, 13)):
        raise ParameterError("wet_weight: expected one weight for each month 1-12")
    weights = np.array([float(wet_weight[m]) for m in range(1, 13)])
    if np.any(~np.isfinite(weights)) or np.any(weights < 0) or np.any(weights > 1):
        raise ParameterError("wet_weight: weights must lie in [0, 1]")
    if set(dry_share_of_china) != set(peak_share_of_china):
        raise ParameterError(
            "calendar_profile: dry_share_of_china and peak_share_of_china must name the same provinces"
        )
    for label, shares in (
        ("dry_share_of_china", dry_share_of_china),
        ("peak_share_of_china", peak_share_of_china),
    ):
        values = np.array(list(shares.values()), dtype=float)
        if np.any(values < 0) or abs(values.sum() - 1.0) > 1e-9:
            raise ParameterError(f"calendar_profile: {label} must be non-negative and sum to 1")
    provinces = list(dry_share_of_china)
    dry = np.array([dry_share_of_china[p] for p in provinces], dtype=float)
    peak = np.array([peak_share_of_china[p] for p in provinces], dtype=float)
    rows = []
    for month, w in zip(range(1, 13), weights, strict=True):
        share = dry + w * (peak - dry)
        method = (methods or {}).get(month, "calendar")
        rows += [
            (month, p, float(s), float(w), method) for p, s in zip(provinces, share, strict=True)
        ]
    return pd.DataFrame(
        rows, columns=["month", "province", "share_of_china", "wet_weight", "method"]
    )


def scale_remaining(
    dry_share_of_china: Mapping[str, float], fixed_share_of_china: Mapping[str, float]
) -> dict[str, float]:
    """Fill in the provinces not in ``fixed_share_of_china`` in proportion to their dry shares.

    Named assumption used for the wet-season peak, where CCAF states only Sichuan
    (61.1 %) and Xinjiang (9.6 %): the remaining 29.3 % is split among the other
    provinces in their dry-season proportions.  The result (Sichuan + Yunnan 0.69,
    Xinjiang + Inner Mongolia 0.22) lies inside the wet-season ranges of the
    china_policy research note (0.50-0.83 and 0.20-0.40).

    Examples
    --------
    >>> scale_remaining({"A": 0.5, "B": 0.3, "C": 0.2}, {"A": 0.1})
    {'A': 0.1, 'B': 0.54, 'C': 0.36}
    """
    unknown = set(fixed_share_of_china) - set(dry_share_of_china)
    if unknown:
        raise ParameterError(f"scale_remaining: unknown province(s) {', '.join(sorted(unknown))}")
    fixed_total = float(sum(fixed_share_of_china.values()))
    free = {p: s for p, s in dry_share_of_china.items() if p not in fixed_share_of_china}
    free_total = float(sum(free.values()))
    if not 0 <= fixed_total <= 1 or free_total <= 0:
        raise ParameterError(
            "scale_remaining: fixed shares must sum to at most 1 and leave provinces to scale"
        )
    factor = (1.0 - fixed_total) / free_total
    return {
        p: round(float(fixed_share_of_china[p]) if p in fixed_share_of_china else s * factor, 12)
        for p, s in dry_share_of_china.items()
    }


def _load(name: str, table: pd.DataFrame | None) -> pd.DataFrame:
    if table is not None:
        from hashcarbon.data._registry import get_spec

        # a table passed in must at least have the columns of the curated one (its
        # schema's); a missing column is one line naming the table, not a KeyError later
        if not isinstance(table, pd.DataFrame):
            raise InputError(
                f"{name}: expected a table (pandas.DataFrame), got {type(table).__name__}"
            )
        missing = [c for c in get_spec(name).schema.columns if c not in table.columns]
        if missing:
            raise InputError(f"{name}: the table passed lacks the column(s) {', '.join(missing)}")
        return table.copy()
    from hashcarbon.data import load_table

    return load_table(name)


def country_shares(
    dates: Any,
    *,
    before: str = "points",
    after: str = "interpolate-points",
    map_table: pd.DataFrame | None = None,
    points_table: pd.DataFrame | None = None,
) -> pd.DataFrame:
    r"""Monthly share of the network hash rate by country, for any month 2009-2050.

    Parameters
    ----------
    dates : array-like of date-like
        Months wanted (any day in the month; duplicates are dropped).
    before : {"points", "cbeci-historical", "carry-back"}, default "points"
        Assumption for months before Sep 2019.  ``"points"``: China's share is
        interpolated linearly in time between the dated, sourced China points of
        ``mining_map_points`` (kind ``pre_map_estimate``: CoinShares Nov 2018 and
        Jun 2019, 0.60) and the Sep 2019 map (0.7553), flagged ``interpolated``; before the
        first point it is carried back, flagged ``assumed``.  The other countries
        keep their Sep 2019 map proportions of the non-China remainder (so the
        US is not 0).  ``"cbeci-historical"``: China's
        share in calendar month *m* is the value CCAF's GHG index uses for *m*
        in its historical interval [2]_ (0.53-0.73; equal to Cambridge's 2020 map
        value for that month); everything else is "Other".  ``"carry-back"``: the
        Sep 2019 map, all countries.
    after : {"interpolate-points", "carry-forward"}, default "interpolate-points"
        Assumption for months after Jan 2022.  ``"interpolate-points"``: linear in
        time from the Jan 2022 map value to each dated ``country_estimate`` point
        of ``mining_map_points``, then carried forward; "Other" is the residual.
        ``"carry-forward"``: the Jan 2022 map, as CCAF's provisional interval does.
    map_table, points_table : pandas.DataFrame, optional
        Replacement ``mining_map`` / ``mining_map_points`` tables (default: shipped).

    Returns
    -------
    shares : pandas.DataFrame
        Tidy rows ``date``, ``country``, ``iso3``, ``share`` [0-1] and ``method``
        (``observed``, ``assumed``, ``interpolated``, ``carried``).  Shares sum to
        1 in every month.  Before Sep 2019 with ``"cbeci-historical"`` only China
        and Other are listed (the other countries are inside Other).

    Raises
    ------
    hashcarbon.errors.InputError
        Unparseable dates, or months outside 2009-01..2050-12.
    hashcarbon.errors.ParameterError
        Unknown ``before`` / ``after``.
    hashcarbon.errors.ScenarioError
        The dated points leave a negative residual for "Other".

    References
    ----------
    .. [1] CCAF mining map, https://ccaf.io/cbnsi/cbeci/mining_map
    .. [2] CCAF GHG methodology, https://ccaf.io/cbeci/ghg/methodology ;
       CambridgeAltFin/ccaf_cbeci_api ``api/historical.csv``.

    Examples
    --------
    >>> s = country_shares(["2021-07-01", "2025-10-01"])
    >>> s[s.country == "China"][["date", "share", "method"]].to_string(index=False)
    '      date  share       method\n2021-07-01   0.00     observed\n2025-10-01   0.14 interpolated'
    >>> float(s.groupby("date").share.sum().round(3).max())
    1.0
    """
    if before not in _BEFORE:
        raise ParameterError(
            f"before: unknown assumption {before!r}; expected one of {', '.join(_BEFORE)}"
        )
    if after not in _AFTER:
        raise ParameterError(
            f"after: unknown assumption {after!r}; expected one of {', '.join(_AFTER)}"
        )
    months = _months(dates)
    cmap = _load("mining_map", map_table)
    cols = ["date", "country", "iso3", "share", "method"]
    cmap["iso3"] = cmap["iso3"].fillna("")
    pieces: list[pd.DataFrame] = []

    inside = months[(months >= MAP_START) & (months <= MAP_END)]
    if len(inside):
        obs = cmap[cmap["date"].isin(inside)].copy()
        obs["method"] = "observed"
        pieces.append(obs[cols])

    early = months[months < MAP_START]
    if len(early):
        if before == "points":
            points = _load("mining_map_points", points_table)
            pieces.append(_interpolate_before(cmap, points, early)[cols])
        elif before == "carry-back":
            first = cmap[cmap["date"] == MAP_START]
            pieces.append(_repeat(first, early, "assumed")[cols])
        else:
            points = _load("mining_map_points", points_table)
            hist = points[(points["kind"] == "cbeci_historical") & (points["country"] == "China")]
            by_month = dict(zip(hist["date"].dt.month, hist["share"], strict=True))
            if sorted(by_month) != list(range(1, 13)):
                raise ScenarioError(
                    "mining_map_points: kind 'cbeci_historical' needs one China share per calendar month"
                )
            china = np.array([by_month[m] for m in early.month], dtype=float)
            pieces.append(
                pd.DataFrame(
                    {
                        "date": np.repeat(early.values, 2),
                        "country": np.tile(["China", "Other"], len(early)),
                        "iso3": np.tile(["CHN", ""], len(early)),
                        "share": np.column_stack([china, 1.0 - china]).ravel(),
                        "method": "assumed",
                    }
                )
            )

    late = months[months > MAP_END]
    if len(late):
        last = cmap[cmap["date"] == MAP_END]
        if after == "carry-forward":
            pieces.append(_repeat(last, late, "carried")[cols])
        else:
            points = _load("mining_map_points", points_table)
            pieces.append(_interpolate_after(last, points, late)[cols])

    out = pd.concat(pieces, ignore_index=True)
    order = {c: i for i, (c, _) in enumerate(MAP_COUNTRIES)}
    out["_o"] = out["country"].map(order)
    out = out.sort_values(["date", "_o"], kind="stable").drop(columns="_o").reset_index(drop=True)
    out["date"] = pd.to_datetime(out["date"])
    return out


def _interpolate_before(
    cmap: pd.DataFrame, points: pd.DataFrame, early: pd.DatetimeIndex
) -> pd.DataFrame:
    """China from dated pre-map points to the first map month; the rest in Sep-2019 proportions."""
    first = cmap[cmap["date"] == MAP_START]
    china0 = float(first.loc[first["country"] == "China", "share"].sum())
    est = points[
        (points["kind"] == "pre_map_estimate")
        & (points["country"] == "China")
        & (points["date"] < MAP_START)
    ].sort_values("date")
    t = _month_number(early)
    xs = np.concatenate([_month_number(est["date"]), _month_number(pd.DatetimeIndex([MAP_START]))])
    ys = np.concatenate([est["share"].to_numpy(dtype=float), [china0]])
    china = np.interp(t, xs, ys)  # constant before the first point = carried back
    method = np.where(t >= xs[0], "interpolated", "assumed")
    rest = first[first["country"] != "China"]
    rest_share = rest["share"].to_numpy(dtype=float)
    rest_share = rest_share / rest_share.sum()
    n = len(rest)
    frame = pd.DataFrame(
        {
            "date": np.repeat(early.values, n + 1),
            "country": np.tile(["China", *rest["country"]], len(early)),
            "iso3": np.tile(["CHN", *rest["iso3"]], len(early)),
            "share": np.column_stack([china, (1.0 - china)[:, None] * rest_share[None, :]]).ravel(),
            "method": np.repeat(method, n + 1),
        }
    )
    return frame


def _repeat(rows: pd.DataFrame, months: pd.DatetimeIndex, method: str) -> pd.DataFrame:
    n = len(rows)
    rep = pd.concat([rows] * len(months), ignore_index=True)
    rep["date"] = np.repeat(months.values, n)
    rep["method"] = method
    return rep


def _interpolate_after(
    last: pd.DataFrame, points: pd.DataFrame, late: pd.DatetimeIndex
) -> pd.DataFrame:
    est = points[(points["kind"] == "country_estimate") & (points["date"] > MAP_END)]
    t = _month_number(late)
    frames = []
    named = last[last["country"] != "Other"]
    total = np.zeros(len(late))
    last_point = _month_number(pd.DatetimeIndex([MAP_END]))[0]
    for _, row in named.iterrows():
        p = est[est["country"] == row["country"]].sort_values("date")
        xs = np.concatenate(
            [[_month_number(pd.DatetimeIndex([MAP_END]))[0]], _month_number(p["date"])]
        )
        ys = np.concatenate([[row["share"]], p["share"].to_numpy(dtype=float)])
        share = np.interp(t, xs, ys)  # constant beyond the last point = carried forward
        last_point = max(last_point, xs[-1])
        method = np.where(t <= xs[-1], "interpolated", "carried")
        total += share
        frames.append(
            pd.DataFrame(
                {
                    "date": late,
                    "country": row["country"],
                    "iso3": row["iso3"],
                    "share": share,
                    "method": method,
                }
            )
        )
    other = 1.0 - total
    if np.any(other < -1e-9):
        bad = late[np.argmax(other < -1e-9)]
        raise ScenarioError(
            f"mining_map_points: country shares for {bad:%Y-%m} sum to more than 1; check the country_estimate points"
        )
    frames.append(
        pd.DataFrame(
            {
                "date": late,
                "country": "Other",
                "iso3": "",
                "share": np.clip(other, 0.0, None),
                "method": np.where(t <= last_point, "interpolated", "carried"),
            }
        )
    )
    return pd.concat(frames, ignore_index=True)


def _resolve_exits(exits: str | Mapping[str, Any] | None) -> dict[str, pd.Timestamp]:
    if exits is None or exits == "none":
        return {}
    if exits == "sourced":
        exits = SOURCED_EXITS
    if isinstance(exits, str):
        raise ParameterError(
            f"exits: unknown option {exits!r}; expected 'sourced', 'none' or a mapping"
        )
    out = {}
    for province, when in exits.items():
        if province not in PROVINCES:
            raise ParameterError(
                f"exits: unknown province {province!r}; expected one of {', '.join(PROVINCES)}"
            )
        out[province] = _months([when], name=f"exits[{province!r}]")[0]
    return out


def province_shares(
    dates: Any,
    *,
    exits: str | Mapping[str, Any] | None = "sourced",
    profile: pd.DataFrame | None = None,
    post_ban: str = "central",
) -> pd.DataFrame:
    r"""Monthly split of China's hash rate by province (seasonal profile).

    Parameters
    ----------
    dates : array-like of date-like
        Months wanted.
    exits : {"sourced", "none"} or mapping of province to date, default "sourced"
        Provinces whose mining stops from a given month: their share becomes 0
        and the others are scaled up to sum to 1.  ``"sourced"`` applies
        Inner Mongolia's exit from May 2021 (dual-control order of 9 Mar 2021,
        deadline end-April 2021).  ``"none"`` keeps the pure seasonal profile.
    profile : pandas.DataFrame, optional
        A month-of-year profile (columns ``month``, ``province``, ``share_of_china``,
        ``method``), e.g. from :func:`calendar_profile` with another calendar;
        default: the shipped ``china_province_profile`` table.  A profile with a
        ``regime`` column supplies its ``post_ban`` rows for months from
        :data:`POST_BAN_START`; one without applies its rows to every month.
    post_ban : {"central", "low-carbon", "high-carbon", "seasonal"}, default "central"
        Provincial split of China's (underground) hash rate from Jul 2021: the
        sourced post-ban split of ``china_province_profile`` (Xinjiang 0.5,
        Sichuan 0.1, Yunnan 0.05, Inner Mongolia 0.05, rest of China 0.3, flat
        through the year), its ``low-carbon`` end (Xinjiang 0.3, Sichuan 0.25,
        Yunnan 0.15) or ``high-carbon`` end (Xinjiang 0.7, Inner Mongolia 0.15, no
        hydro provinces); ``"seasonal"`` keeps the pre-ban calendar (the
        behaviour before this option, unsupported by any source).  With a
        post-ban split, ``exits`` apply only before Jul 2021.

    Returns
    -------
    shares : pandas.DataFrame
        Rows ``date``, ``province``, ``share_of_china`` [0-1], ``method`` (the
        profile's method: ``anchor``, ``calendar``, ``assumed`` or ``post_ban``;
        ``exit`` for a province switched off).

    Notes
    -----
    The month-of-year calendar is anchored on CCAF's 2020 figures and applied to
    every pre-ban year (an assumption for 2009-2019 and the first half of 2021).

    Examples
    --------
    >>> p = province_shares(["2020-04-01", "2020-08-01"], exits="none")
    >>> p[p.province == "Sichuan"].share_of_china.tolist()
    [0.149, 0.611]
    """
    months = _months(dates)
    prof = _load("china_province_profile", profile)
    if not isinstance(post_ban, str) or post_ban not in (*POST_BAN_OPTIONS, "seasonal"):
        raise ParameterError(
            f"post_ban: unknown option {post_ban!r}; expected one of "
            f"{', '.join((*POST_BAN_OPTIONS, 'seasonal'))}"
        )
    exit_at = _resolve_exits(exits)
    moy = pd.DataFrame({"date": months, "month": months.month})
    cols = ["month", "province", "share_of_china", "method"]
    if "regime" in prof.columns:
        pre = prof[prof["regime"] == "pre_ban"][cols]
        if post_ban == "seasonal":
            post = pre
        else:
            post = prof[prof["regime"] == "post_ban"].copy()
            post["share_of_china"] = post[POST_BAN_OPTIONS[post_ban]]
            post = post[cols]
        late = moy["date"] >= POST_BAN_START
        out = pd.concat(
            [
                moy[~late].merge(pre, on="month", how="left"),
                moy[late].merge(post, on="month", how="left"),
            ],
            ignore_index=True,
        ).drop(columns="month")
        out = out.sort_values("date", kind="stable").reset_index(drop=True)
    else:
        out = moy.merge(prof[cols], on="month", how="left").drop(columns="month")
    exit_before = POST_BAN_START if ("regime" in prof.columns and post_ban != "seasonal") else None
    for province, when in exit_at.items():
        hit = (out["province"] == province) & (out["date"] >= when)
        if exit_before is not None:
            hit &= out["date"] < exit_before
        out.loc[hit, "share_of_china"] = 0.0
        out.loc[hit, "method"] = "exit"
    total = out.groupby("date")["share_of_china"].transform("sum")
    if np.any(total <= 0):
        raise ScenarioError(
            "exits: every province is switched off in some month; keep at least one"
        )
    out["share_of_china"] = out["share_of_china"] / total
    return out[["date", "province", "share_of_china", "method"]].reset_index(drop=True)


def country_province_shares(
    dates: Any,
    *,
    before: str = "points",
    after: str = "interpolate-points",
    exits: str | Mapping[str, Any] | None = "sourced",
    post_ban: str = "central",
) -> pd.DataFrame:
    """Location shares with China split into provinces: countries plus Chinese provinces.

    China's country share (:func:`country_shares`) is multiplied by the
    provincial split (:func:`province_shares`); the other countries are kept.

    Parameters
    ----------
    dates : array-like of date-like
        Months wanted.
    before, after : str
        Assumptions outside Cambridge's map window; see :func:`country_shares`.
    exits, post_ban : see :func:`province_shares`.

    Returns
    -------
    shares : pandas.DataFrame
        Rows ``date``, ``region`` (a province for China, else the country),
        ``country``, ``iso3``, ``share`` [0-1] of the network, ``method`` (the
        country-level flag) and ``province_method`` (blank outside China).
        Shares sum to 1 in every month.

    Examples
    --------
    >>> s = country_province_shares(["2020-08-01"])
    >>> round(float(s.share.sum()), 9)
    1.0
    >>> s[s.region == "Sichuan"].share.round(4).tolist()
    [0.4085]
    """
    countries = country_shares(dates, before=before, after=after)
    provinces = province_shares(countries["date"].unique(), exits=exits, post_ban=post_ban)
    china = countries[countries["country"] == "China"].merge(provinces, on="date")
    china["share"] = china["share"] * china["share_of_china"]
    china = china.rename(
        columns={"province": "region", "method_x": "method", "method_y": "province_method"}
    )
    rest = countries[countries["country"] != "China"].copy()
    rest["region"] = rest["country"]
    rest["province_method"] = ""
    cols = ["date", "region", "country", "iso3", "share", "method", "province_method"]
    out = pd.concat([china[cols], rest[cols]], ignore_index=True)
    return out.sort_values("date", kind="stable").reset_index(drop=True)


#: Month flags of :func:`month_flags`, from the best to the weakest evidence.
MONTH_FLAGS: tuple[str, ...] = ("observed", "interpolated", "carried", "assumed")


def month_flags(dates: Any, **options: Any) -> pd.DataFrame:
    """One evidence flag per month, for drawing observed and estimated months differently.

    Parameters
    ----------
    dates : array-like of date-like
        Months wanted.
    **options
        ``before``, ``after``, ``exits``, ``post_ban``: see :func:`country_province_shares`.

    Returns
    -------
    flags : pandas.DataFrame
        ``date``; ``flag``: the evidence of the month's country split
        (``observed`` = Cambridge's map, Sep 2019 - Jan 2022; ``interpolated`` =
        between dated, sourced points; ``carried`` = held after the last point,
        Oct 2025; ``assumed`` = before any point, i.e. before CoinShares' Nov 2018
        estimate);
        ``china_flag``: the provincial split's method (``anchor``, ``calendar``,
        ``assumed`` for the half-way months May and Nov, ``post_ban``, ``exit``).

    Examples
    --------
    >>> month_flags(["2017-01-01", "2019-07-01", "2020-05-01", "2024-01-01"]).flag.tolist()
    ['assumed', 'interpolated', 'observed', 'interpolated']
    """
    shares = country_province_shares(dates, **options)
    # the residual "Other" carries the month's evidence: it is observed on the map,
    # interpolated up to the last dated point, carried after it and assumed before any
    flag = shares[shares["country"] == "Other"].groupby("date")["method"].first()
    china = shares[shares["country"] == "China"].groupby("date")["province_method"]
    china_flag = china.agg(lambda m: "exit" if (m == "exit").all() else m[m != "exit"].iloc[0])
    out = pd.DataFrame({"date": flag.index, "flag": flag.to_numpy()})
    out["china_flag"] = out["date"].map(china_flag).fillna("")
    return out.reset_index(drop=True)


def electricity_price(
    region: str,
    dates: Any,
    kind: str | None = None,
    *,
    entity: str | None = None,
    table: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Electricity price paid by miners in ``region`` on each date, with its source.

    Parameters
    ----------
    region : str
        A region of the ``electricity_prices`` table (case-insensitive): a
        country ("United States"), a Chinese province ("Sichuan"), an ISO 3166-2
        code ("US-TX", "CA-QC", "RU-IRK") or "World".
    dates : array-like of date-like
        Dates wanted (any day; a row applies when ``start <= date <= end``,
        blank ``end`` = still in force).
    kind : str, optional
        Price kind (``cbeci_default``, ``industrial_tariff``, ``wet_season``,
        ``dry_season``, ``miner_power_cost``, ...).  Default: any kind except
        add-ons (``surcharge``, ``tax``).
    entity : str, optional
        A company for company-specific rows (e.g. "Riot Platforms"); default:
        region-wide rows only.
    table : pandas.DataFrame, optional
        Replacement ``electricity_prices`` table.

    Returns
    -------
    prices : pandas.DataFrame
        One row per date: ``date``, ``region``, ``kind``, ``entity``,
        ``price_usd_per_kwh``, ``price_low_usd_per_kwh``, ``price_high_usd_per_kwh``
        [USD/kWh], ``source``, ``status``.  When several rows apply, the one with
        the shortest period wins (a month beats a year), then table order; dates
        with no applicable row get NaN and an empty source.

    Raises
    ------
    hashcarbon.errors.InputError
        Unknown region, or a kind / entity the region does not have.

    Examples
    --------
    >>> p = electricity_price("United States", ["2021-06-30", "2022-07-15"], kind="industrial_tariff")
    >>> p.price_usd_per_kwh.tolist()
    [0.0718, 0.0931]
    >>> float(electricity_price("World", ["2020-01-01"], kind="cbeci_default").price_usd_per_kwh[0])
    0.05
    """
    prices = _load("electricity_prices", table)
    prices["entity"] = prices["entity"].fillna("")
    lookup = {r.lower(): r for r in prices["region"].unique()}
    if not isinstance(region, str) or region.lower() not in lookup:
        raise InputError(
            f"region: unknown {region!r}; expected one of {', '.join(sorted(lookup.values()))}"
        )
    name = lookup[region.lower()]
    rows = prices[(prices["region"] == name) & (prices["entity"] == (entity or ""))]
    if rows.empty:
        raise InputError(f"entity: {entity!r} has no prices in {name}")
    if kind is None:
        rows = rows[~rows["kind"].isin(NON_PRICE_KINDS)]
    else:
        if kind not in set(rows["kind"]):
            raise InputError(
                f"kind: {kind!r} not available for {name}; expected one of {', '.join(sorted(set(rows['kind'])))}"
            )
        rows = rows[rows["kind"] == kind]
    try:
        when = pd.DatetimeIndex(pd.to_datetime(np.atleast_1d(np.asarray(dates, dtype=object))))
    except (ValueError, TypeError) as err:
        raise InputError(f"dates: expected dates such as '2020-07-01' ({err})") from None
    start = rows["start"].to_numpy(dtype="datetime64[ns]")
    end = rows["end"].to_numpy(dtype="datetime64[ns]")
    t = when.to_numpy(dtype="datetime64[ns]")[:, None]
    applies = (t >= start[None, :]) & (np.isnat(end)[None, :] | (t <= end[None, :]))
    length = np.where(np.isnat(end), np.inf, (end - start).astype("timedelta64[D]").astype(float))
    score = np.where(applies, length[None, :], np.nan)
    has = applies.any(axis=1)
    pick = np.where(has, np.nanargmin(np.where(has[:, None], score, 0.0), axis=1), 0)
    cols = [
        "kind",
        "entity",
        "price_usd_per_kwh",
        "price_low_usd_per_kwh",
        "price_high_usd_per_kwh",
        "source",
        "status",
    ]
    chosen = rows.iloc[pick][cols].reset_index(drop=True)
    num = ["price_usd_per_kwh", "price_low_usd_per_kwh", "price_high_usd_per_kwh"]
    chosen.loc[~has, num] = np.nan
    chosen.loc[~has, ["kind", "entity", "source", "status"]] = ""
    chosen.insert(0, "region", name)
    chosen.insert(0, "date", when)
    return chosen


__all__ = [
    "FIRST_MONTH",
    "LAST_MONTH",
    "MAP_COUNTRIES",
    "MAP_END",
    "MAP_START",
    "MONTH_FLAGS",
    "NON_PRICE_KINDS",
    "POST_BAN_OPTIONS",
    "POST_BAN_START",
    "PROVINCES",
    "SOURCED_EXITS",
    "calendar_profile",
    "country_province_shares",
    "country_shares",
    "electricity_price",
    "month_flags",
    "province_shares",
    "scale_remaining",
    "seasonal_profile",
]


# Argument checks by name and unit (one line naming the argument); keep last.
_check.guard(globals(), __all__)
