"""Compile a scenario's policies into monthly lever arrays over (time, region).

Each policy is a time-dependent lever on a set of regions (``"all"`` for every
region).  A policy is active in the months from the month containing ``start`` (the
next month when ``start`` falls after the 15th) until the month before ``end``; with
``months`` it is active only in those calendar months.  With ``ban_partial_months``
a ban is active from the month containing its ``start`` whatever the day, and its
first month's banned fraction is scaled by the share of that month's days from
``start`` on (the month's mean of a ban that starts on that day), and ``Levers.ban_frac``
is then the share of the load at the start of each month that the month bans
(:func:`ban_share_of_load`).  Precedence for displaced
capacity: ban > site cap / market access > cap policy > the regional cap table.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from hashcarbon.models.world.inputs import RegionTable
from hashcarbon.scenario import (
    Ban,
    Cap,
    CarbonTax,
    CleanExemption,
    MinEfficiency,
    Scenario,
    SiteCap,
    Tariff,
)

__all__ = ["Levers", "compile_policies"]


@dataclass
class Levers:
    """Monthly policy arrays, shape (T, R) unless stated."""

    # share banned by each month of the load before the ban; with ban_of_load the share
    # of the load at the start of the month (ban_share_of_load)
    ban_frac: np.ndarray
    exit_rate: np.ndarray  # [1/month] for ban / site / market-access displacement; nan = none
    reloc_share: np.ndarray
    # which rule set a cell's relocate share: 0 ban / none, 1 site regulation
    # (site_relocate_share), 2 market access (market_access_relocate_share); the step
    # takes per-run values of the last two from the parameters
    reloc_kind: np.ndarray
    ug_share: np.ndarray
    exempt_mode: np.ndarray  # 0 none, 1 curtailed, 2 clean
    exempt_leak: np.ndarray
    exempt_idle: np.ndarray  # bool: stranded exempt-region capacity waits
    policy_cap_gw: np.ndarray
    cap_idle: np.ndarray  # bool
    min_eff_max_j_per_th: np.ndarray
    carbon_tax_usd_per_t: np.ndarray
    tariff_usd_per_kwh: np.ndarray
    site_caps: list  # [(coal_mask (R,), group_mask (R,), share, active (T,))]
    ug_open: np.ndarray  # (T,) bool
    # a partial ban stops that share of the region's load, not of its cap only
    # (steps.allowed_power; parameter ban_partial_months)
    ban_of_load: bool = False


def _active(time: pd.DatetimeIndex, pol, exact_start: bool = False) -> np.ndarray:
    start = pd.Timestamp(pol.start)
    first = start.to_period("M").to_timestamp()
    if start.day > 15 and not exact_start:
        first = first + pd.offsets.MonthBegin(1)
    on = time >= first
    if pol.end is not None:
        end = pd.Timestamp(pol.end)
        last = end.to_period("M").to_timestamp()
        if end.day > 15:
            last = last + pd.offsets.MonthBegin(1)
        on &= time < last
    if pol.months:
        on &= np.isin(time.month, pol.months)
    return np.asarray(on)


def first_month_day_share(start) -> float:
    r"""Share of the days of ``start``'s month on or after ``start`` [-].

    .. math:: f = (D - d + 1) / D

    with :math:`d` the day of ``start`` and :math:`D` the days of its month: the mean
    over that month of a lever that switches on at ``start`` (1 for the 1st).
    """
    s = pd.Timestamp(start)
    days = s.days_in_month
    return (days - s.day + 1) / days


def ban_share_of_load(ban_frac: np.ndarray) -> np.ndarray:
    r"""Banned share of the load at the start of each month [-], (T, R).

    .. math:: b'_t = 1 - \frac{1 - b_t}{1 - b_{t-1}}\quad (b_t \ge b_{t-1},\ b_{t-1} < 1),
              \qquad b'_t = b_t \text{ otherwise}

    :math:`b_t` is the share of the load before the ban that is banned by month
    :math:`t` (the ramp).  With ``ban_partial_months`` a month's share applies to the load
    still there (:func:`steps.allowed_power`), so a ramp of :math:`r` months leaves
    :math:`1 - k/r` of the load after :math:`k` months, not :math:`\prod (1 - j/r)`
    (displaced machines leave within the month at ``exit_months`` = 1; machines that wait
    longer are counted in the load and get their share again).
    """
    b = np.asarray(ban_frac, dtype=float)
    prev = np.vstack([np.zeros((1, b.shape[1])), b[:-1]])
    rising = (b >= prev) & (prev < 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        cond = 1.0 - (1.0 - b) / (1.0 - prev)
    return np.where(rising, np.clip(cond, 0.0, 1.0), b)


def _mask(rt: RegionTable, regions: list[str]) -> np.ndarray:
    if "all" in regions:
        return np.ones(len(rt.codes), dtype=bool)
    return np.isin(np.array(rt.codes), regions)


def compile_policies(
    scen: Scenario,
    time: pd.DatetimeIndex,
    rt: RegionTable,
    site_relocate_share: float = 0.8,
    market_access_relocate_share: float = 0.7,
    ban_partial_months: bool = False,
) -> Levers:
    """Turn the scenario's ``policy`` list into :class:`Levers` on the model's time axis.

    ``site_relocate_share`` and ``market_access_relocate_share`` are the shares of
    capacity displaced by site regulation / an efficiency standard that is shipped abroad
    (the rest is scrapped); the model passes the rows of ``parameters.csv`` of the same
    names (the keyword defaults equal them).  ``ban_partial_months`` (parameter of
    the same name): a ban's first month is the month of its ``start`` and its banned
    fraction there is :func:`first_month_day_share` x the ramp's first step, instead of
    rounding ``start`` to the nearest month start (rounds 1-10: a ban of 9 June emptied
    the whole of June, one of 18 June none of it).
    """
    T, R = len(time), len(rt.codes)
    lv = Levers(
        ban_frac=np.zeros((T, R)),
        exit_rate=np.full((T, R), np.nan),
        reloc_share=np.ones((T, R)),
        reloc_kind=np.zeros((T, R), dtype=np.int8),
        ug_share=np.zeros((T, R)),
        exempt_mode=np.zeros((T, R), dtype=np.int8),
        exempt_leak=np.zeros((T, R)),
        exempt_idle=np.zeros((T, R), dtype=bool),
        policy_cap_gw=np.full((T, R), np.inf),
        cap_idle=np.ones((T, R), dtype=bool),
        min_eff_max_j_per_th=np.full((T, R), np.inf),
        carbon_tax_usd_per_t=np.zeros((T, R)),
        tariff_usd_per_kwh=np.zeros((T, R)),
        site_caps=[],
        ug_open=np.zeros(T, dtype=bool),
        ban_of_load=bool(ban_partial_months),
    )
    cn_ug = rt.codes.index("CN-UG") if "CN-UG" in rt.codes else None
    site_or_ma = np.zeros((T, R), dtype=bool)
    for pol in scen.policy:
        partial = bool(ban_partial_months) and isinstance(pol, Ban)
        on = _active(time, pol, exact_start=partial)
        m = _mask(rt, pol.regions)
        if cn_ug is not None:
            m_nonug = m.copy()
            m_nonug[cn_ug] = False
        else:
            m_nonug = m
        sel = on[:, None] & m_nonug[None, :]
        if isinstance(pol, Ban):
            # ramp: fraction banned rises linearly over ramp_months from the first month
            k = np.cumsum(on) * on  # 1, 2, ... in active months
            frac = np.minimum(k / pol.ramp_months, 1.0)
            if partial:
                frac = np.where(k == 1, frac * first_month_day_share(pol.start), frac)
            lv.ban_frac = np.where(sel, np.maximum(lv.ban_frac, frac[:, None]), lv.ban_frac)
            lv.exit_rate = np.where(sel, 1.0 / pol.exit_months, lv.exit_rate)
            is_cn = np.array([c == "China" for c in rt.country])
            ug = np.where(is_cn & (cn_ug is not None), pol.underground_share, 0.0)
            # Outside China there is no underground region: that share is relocated.
            rel = pol.relocate_share + (pol.underground_share - ug)
            lv.reloc_share = np.where(sel, rel[None, :], lv.reloc_share)
            lv.ug_share = np.where(sel, ug[None, :], lv.ug_share)
            if pol.underground_share > 0 and (m & is_cn).any():
                lv.ug_open |= np.cumsum(on) > 0
        elif isinstance(pol, CleanExemption):
            code = 1 if pol.supply == "curtailed" else 2
            lv.exempt_mode = np.where(sel, code, lv.exempt_mode).astype(np.int8)
            lv.exempt_leak = np.where(sel, pol.metering_leak, lv.exempt_leak)
            lv.exempt_idle = np.where(sel, pol.dry_season == "idle", lv.exempt_idle)
        elif isinstance(pol, SiteCap):
            g = _mask(rt, pol.group)
            lv.site_caps.append((m_nonug, g, pol.max_share, on))
            site_or_ma |= sel
        elif isinstance(pol, MinEfficiency):
            lv.min_eff_max_j_per_th = np.where(
                sel, np.minimum(lv.min_eff_max_j_per_th, pol.max_j_per_th), lv.min_eff_max_j_per_th
            )
            site_or_ma |= sel
        elif isinstance(pol, CarbonTax):
            lv.carbon_tax_usd_per_t = np.where(
                on[:, None] & m[None, :],
                lv.carbon_tax_usd_per_t + pol.usd_per_t,
                lv.carbon_tax_usd_per_t,
            )
        elif isinstance(pol, Tariff):
            lv.tariff_usd_per_kwh = np.where(
                on[:, None] & m[None, :],
                lv.tariff_usd_per_kwh + pol.add_usd_per_kwh,
                lv.tariff_usd_per_kwh,
            )
        elif isinstance(pol, Cap):
            lv.policy_cap_gw = np.where(
                sel, np.minimum(lv.policy_cap_gw, pol.cap_gw), lv.policy_cap_gw
            )
            lv.cap_idle = np.where(sel, pol.idle, lv.cap_idle)
    # Site regulation and market access displace capacity like a ban where no ban applies.
    no_ban = np.isnan(lv.exit_rate) & site_or_ma
    lv.exit_rate = np.where(no_ban, 1.0, lv.exit_rate)
    share = np.where(
        np.isfinite(lv.min_eff_max_j_per_th), market_access_relocate_share, site_relocate_share
    )
    lv.reloc_share = np.where(no_ban, share, lv.reloc_share)
    kind = np.where(np.isfinite(lv.min_eff_max_j_per_th), 2, 1).astype(np.int8)
    lv.reloc_kind = np.where(no_ban, kind, 0).astype(np.int8)
    if ban_partial_months:
        lv.ban_frac = ban_share_of_load(lv.ban_frac)
    return lv
