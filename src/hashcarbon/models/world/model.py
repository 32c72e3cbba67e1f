r"""The world policy simulator: a vectorised monthly stock-flow stepper.

State (per run ``n``, region ``r``, vintage slot ``a``) is installed hash-rate capacity
[EH/s].  Vintage = purchase month; a ring of ``max_age_months`` slots holds every
machine younger than the CBECI 5-year cap, and the efficiency of a slot is that of
machines bought in its month (catalogue mean of recent releases).  Two more stocks hold
machines in transit: shipped abroad (destination region, slot) and re-entering China's
underground region (slot); an order pipeline holds ASICs ordered but not delivered.

Each month, with all flows computed from the states at the start of the month and then
applied (Euler, dt = 1 month, the same semantics as :mod:`hashcarbon.sd`), the runner
:func:`step_month` calls one pure function of :mod:`hashcarbon.models.world.steps` per
sub-step (each docstring holds its equation, units and source):

1. **Age retirement** - the slot bought ``max_age_months`` ago is scrapped.
2. **Deliveries** - the order backlog is delivered within ``delivery_delay_months``
   at most, limited by the ASIC supply capacity (a stock that adjusts toward the
   backlog's delivery rate with time constant ``supply_adjust_months``), and sited by
   :func:`siting_weights`.
3. **Arrivals** - first-order delays release shipped and underground machines.
4. **Seasonal moves in China** - excess above a pool province's cap (e.g. Sichuan in the
   dry season) moves to the other pool provinces; cheap provinces with headroom (Sichuan
   and Yunnan in the wet season) pull ``cn_seasonal_mobility`` of their headroom from
   dearer ones.
5. **Displacement** - in each region the most efficient machines get the available power
   (cap x (1 - ban) + exemption; site caps; market access); the rest is stranded and
   leaves at the policy's exit rate, split into relocation, underground and scrap, or
   waits idle.
6. **Dispatch** - merit order: with revenue :math:`R` [USD/day] and unit cost
   :math:`c_k = \varepsilon_a \cdot PUE \cdot 0.024\,(p_r + \tau_r I_r 10^{-6})`
   [USD/(TH/s)/day], units run in increasing cost while :math:`c_k \le R / H_k`
   (hashprice at the cumulative hash rate :math:`H_k`); the marginal unit runs in part.
   Difficulty is implied: it follows the running hash rate (``hashcarbon.chain``).
   Energy accounting (``fleet_accounting = 1``): the power of every region is multiplied
   by the run's ratio of the energy module's CBECI-2023 basket (at the run's own
   threshold) to the hash-weighted efficiency of the running vintages
   (:func:`hashcarbon.models.world.steps.basket_scale`), so world energy is on the
   accounting of ``estimate``.
7. **Economic scrapping** of runnable but unprofitable capacity (``scrap_idle_per_month``).
8. **Orders** - expected hashprice is smoothed; orders = ``invest_rate_per_month`` x
   installed x max(0, 1 - c_new / hashprice_expected - ``hurdle_margin``).

:mod:`hashcarbon.sd` (when present) is a scalar stock-flow engine; this model needs
subscripted (run x region x vintage) stocks and a merit-order solve inside the step, so
it is written as a numpy stepper with the same Euler semantics.

Two engines run these equations (:func:`engine`): ``fast`` (default), the compiled kernel
of :mod:`hashcarbon.models.world.fast`, and ``reference``, the numpy stepper
:func:`step_month` it is tested against (``tests/models/test_world_fast.py``; tolerance and
speed in docs/world.md, performance).
"""

from __future__ import annotations

import multiprocessing as mp
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from dataclasses import replace as dataclasses_replace

import numpy as np
import pandas as pd

from hashcarbon.energy import AGE_WEIGHTS_2023, profitability_threshold_j_per_th
from hashcarbon.errors import InputError
from hashcarbon.models.world import steps
from hashcarbon.models.world.inputs import (
    GRID_DEFAULTS,
    US_MINER_PRICE_REGIONS,
    Basket,
    History,
    RegionTable,
    base_caps_gw,
    basket_table,
    georgia_miner_price_usd_per_kwh,
    grid_paths,
    gross_power_cost_delta_usd_per_kwh,
    malaysia_miner_price_usd_per_kwh,
    new_machine_efficiency,
    region_table,
    us_miner_price_usd_per_kwh,
)
from hashcarbon.models.world.policies import Levers, compile_policies
from hashcarbon.models.world.steps import State, siting_weights
from hashcarbon.scenario import Scenario

__all__ = [
    "CHUNK_RUNS",
    "ENGINES",
    "Inputs",
    "Simulation",
    "Totals",
    "check_memory",
    "check_outputs",
    "memory_estimate_bytes",
    "simulate",
    "simulate_totals",
    "siting_weights",
    "step_month",
]

#: Runs per chunk; each chunk gets its own child of ``SeedSequence(seed)`` so run ``i``
#: is the same whatever ``n_runs`` is.
CHUNK_RUNS = 50

FLOW_NAMES = (
    "ordered",
    "delivered",
    "backlog_end",
    "retired_age",
    "scrapped_econ",
    "scrapped_policy",
    "relocated_out",
    "relocated_in",
    "underground_out",
    "underground_in",
    "stock_end",
    "in_transit_end",
    "retired_in_transit",
)
OUT_NAMES = ("hash", "inst", "power", "energy", "emis", "sust")


@dataclass
class Simulation:
    """Raw arrays of one simulation (time x run x region), before the xarray wrapping."""

    time: pd.DatetimeIndex
    regions: tuple[str, ...]
    hashrate_ehs: np.ndarray  # (T, N, R) running
    installed_ehs: np.ndarray  # (T, N, R)
    power_gw: np.ndarray
    energy_twh: np.ndarray
    emissions_mt: np.ndarray
    sustainable_twh: np.ndarray
    btc_usd: np.ndarray  # (T, N)
    revenue_usd_per_day: np.ndarray  # (T, N)
    flows: dict[str, np.ndarray]  # each (T, N) [EH/s per month]
    new_eff_j_per_th: np.ndarray  # (T,)
    last_history: pd.Timestamp


@dataclass(frozen=True)
class Inputs:
    """Everything a chunk of runs needs, computed once before the month loop.

    Arrays over (T, R) unless stated; ``revenue`` is (T, N) for the chunk's runs and
    per-run parameters in ``P`` are sliced to the chunk.  Passed to worker processes as
    an argument (pickled), never through a module global.
    """

    time: pd.DatetimeIndex
    hours: np.ndarray  # (T,) hours in the month
    eff_pre: np.ndarray  # (A,) J/TH of the purchases before Jan 2014
    eff_new: np.ndarray  # (T,) J/TH of the month's purchases
    price: np.ndarray  # USD/kWh
    intensity: np.ndarray  # gCO2e/kWh
    cost: np.ndarray  # USD/kWh incl. carbon tax
    site_cost: np.ndarray  # trailing mean of cost
    base_cap: np.ndarray  # GW, inf = uncapped; before the curtailed_access_share
    curt_gw: np.ndarray  # GW curtailed hydro; before the curtailed_access_share
    # per-run cap kinds: base_cap and curt_gw are (V, T, R) and run n uses variant
    # cap_variant[n]; None when every run has the same cap kinds ((T, R) arrays)
    cap_variant: np.ndarray | None
    revenue: np.ndarray  # (T, N) USD/day
    h0_ehs: float  # hash rate of Jan 2014
    in_shortage: np.ndarray  # (T,) bool
    initial_share: np.ndarray  # (R,)
    lv: Levers
    sust_share: np.ndarray  # (T, R)
    pool_idx: np.ndarray
    pool: np.ndarray  # (R,) bool
    not_ug: np.ndarray  # (R,) bool
    cn_ug: int  # index of the underground region, -1 if none
    retire_frac: np.ndarray  # (A,) share of a vintage retired at each age
    basket: Basket | None  # the energy module's basket (fleet_accounting = 1), or None
    install_floor_gw: float | np.ndarray  # lowest ASIC supply [GW/month], (N,) per run
    P: dict
    #: (R,) bool, or (V, R) with per-run cap kinds: regions under the hosting build-out
    #: limit (steps.hosting_limit), all False when ``use_hosting_limit`` = 0
    host_mask: np.ndarray | None = None


def _month_index(start: str, end: str) -> pd.DatetimeIndex:
    return pd.date_range(
        pd.Timestamp(start).to_period("M").to_timestamp(),
        pd.Timestamp(end).to_period("M").to_timestamp(),
        freq="MS",
    )


def _year_month(x: float) -> pd.Timestamp:
    """Decimal year (month start) -> Timestamp: 2021.0 -> 2021-01-01, 2021.5 -> 2021-07-01."""
    y = int(np.floor(x))
    m = round((x - y) * 12) + 1
    return pd.Timestamp(year=y + (m - 1) // 12, month=(m - 1) % 12 + 1, day=1)


def _price_paths(
    hist: History, scen: Scenario, time: pd.DatetimeIndex, n_runs: int, seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, pd.Timestamp]:
    """BTC price (T, N), subsidy and fees per day (T,) on the model's time axis."""
    from hashcarbon import chain

    hs = pd.Series(hist.btc_usd, index=hist.time)
    last = hist.time[-1]
    T = len(time)
    in_hist = time <= last
    btc = np.empty((T, n_runs))
    btc[in_hist] = hs.reindex(time[in_hist]).ffill().bfill().to_numpy()[:, None]
    subsidy = pd.Series(hist.subsidy_btc_per_day, index=hist.time).reindex(time).to_numpy().copy()
    fees = pd.Series(hist.fees_btc_per_day, index=hist.time).reindex(time).to_numpy().copy()
    fut = ~in_hist
    if fut.any():
        # Subsidy after the data: the halving schedule at 144 blocks/day (chain module).
        mid = time[fut] + pd.Timedelta(days=14)
        subsidy[fut] = np.asarray(chain.subsidy_btc_per_block_on(mid), dtype=float) * 144.0
        pp = scen.price
        tail = hist.fees_btc_per_day[-12:]
        fees[fut] = pp.fees_btc_per_day if pp.fees_btc_per_day is not None else float(np.mean(tail))
        p0 = float(hist.btc_usd[-1])
        k = np.arange(1, fut.sum() + 1)[:, None] / 12.0  # years after the last data month
        if pp.path == "flat":
            btc[fut] = p0
        elif pp.path == "trend":
            btc[fut] = p0 * np.exp(pp.drift_per_yr * k)
        else:
            dt = 1.0 / 12.0
            nf = int(fut.sum())
            z = np.empty((nf, n_runs))
            ss = np.random.SeedSequence(seed)
            n_chunks = -(-n_runs // CHUNK_RUNS)
            for c, child in enumerate(ss.spawn(n_chunks)):
                lo, hi = c * CHUNK_RUNS, min((c + 1) * CHUNK_RUNS, n_runs)
                rng = np.random.default_rng(child)
                z[:, lo:hi] = rng.standard_normal((nf, CHUNK_RUNS))[:, : hi - lo]
            mu, sig = pp.drift_per_yr, pp.vol_per_yr
            steps = (mu - 0.5 * sig**2) * dt + sig * np.sqrt(dt) * z
            btc[fut] = p0 * np.exp(np.cumsum(steps, axis=0))
    if np.isnan(subsidy).any() or np.isnan(fees).any():
        subsidy = pd.Series(subsidy).ffill().bfill().to_numpy()
        fees = pd.Series(fees).ffill().bfill().to_numpy()
    return btc, subsidy, fees, last


def region_paths(time: pd.DatetimeIndex, lv: Levers, factor_set="ccaf", projection="hold"):
    """Electricity price, intensity, sustainable share, curtailed TWh and cost (T, R).

    Price [USD/kWh] = :func:`hashcarbon.pipeline.region_price_usd_per_kwh` + the
    scenario's tariff (floored at 1e-4); intensity [gCO2e/kWh] and sustainable share
    from :func:`hashcarbon.models.world.inputs.grid_paths`; cost = price + carbon tax
    [USD/t] x intensity x 1e-6.
    """
    intensity, sust, curt_twh, price0 = grid_paths(time, factor_set, projection)
    price = np.maximum(price0 + lv.tariff_usd_per_kwh, 1e-4)
    cost = price + lv.carbon_tax_usd_per_t * intensity * 1e-6
    return price, intensity, sust, curt_twh, cost


def _replace_price(price, cost, j: int, base_usd_per_kwh, tariff_usd_per_kwh) -> None:
    """Set region ``j``'s electricity price (T, R) [USD/kWh] in place to ``base`` + the
    scenario's tariff (floored at 1e-4, as :func:`region_paths`) where ``base`` is finite
    (NaN keeps the pipeline's price), and move its cost (incl. carbon tax) by as much."""
    new = np.where(
        np.isfinite(base_usd_per_kwh),
        np.maximum(np.nan_to_num(base_usd_per_kwh) + tariff_usd_per_kwh[:, j], 1e-4),
        price[:, j],
    )
    cost[:, j] = cost[:, j] + new - price[:, j]
    price[:, j] = new


def initial_share(rt: RegionTable, P: dict) -> np.ndarray:
    """Regional split of the Jan-2014 fleet from the ``initial_share_*`` parameters."""
    share = np.zeros(len(rt.codes))
    for r, code in enumerate(rt.codes):
        key = "initial_share_" + code.lower().replace("-", "_")
        if key in P:
            share[r] = P[key]
    if share.sum() <= 0:
        raise InputError("initial_share_*: at least one initial regional share must be > 0")
    return share


def prepare(
    hist: History,
    scen: Scenario,
    n_runs: int,
    seed: int,
    P: dict,
    rt: RegionTable,
    grid: dict | None = None,
):
    """Inputs of the whole ensemble (before chunking), plus the BTC price paths.

    ``grid`` holds the grid options (``factor_set``, ``projection``; default
    :data:`hashcarbon.models.world.inputs.GRID_DEFAULTS`).
    """
    grid = {**GRID_DEFAULTS, **(grid or {})}
    time = _month_index("2014-01", max(scen.scenario.end, "2014-02"))
    A = int(P["max_age_months"])
    # per-run relocate shares are applied in the step (Levers.reloc_kind); the table is
    # compiled with the first run's value
    lv = compile_policies(
        scen,
        time,
        rt,
        site_relocate_share=_first(P["site_relocate_share"]),
        market_access_relocate_share=_first(P["market_access_relocate_share"]),
        ban_partial_months=_first(P["ban_partial_months"]) > 0.5,
    )
    price, intensity, sust, curt_twh, cost = region_paths(
        time, lv, grid["factor_set"], grid["projection"]
    )
    if P.get("company_gross_power_cost", 0) > 0.5:
        # rounds 3-9: Riot's gross power cost in Texas instead of its cost net of resale
        # credits (inputs.gross_power_cost_delta_usd_per_kwh)
        delta = gross_power_cost_delta_usd_per_kwh(time)
        price = price + delta
        cost = cost + delta
    if P.get("us_miner_price", 0) > 0.5:
        # US regions without their own price row pay the listed miners' power cost, not
        # the EIA industrial average (inputs.us_miner_price_usd_per_kwh)
        miner = us_miner_price_usd_per_kwh(time, held_back=P["us_miner_price"] > 1.5)
        for code in US_MINER_PRICE_REGIONS:
            if code in rt.codes:
                _replace_price(price, cost, rt.index(code), miner, lv.tariff_usd_per_kwh)
    if P.get("georgia_miner_price", 0) > 0.5 and "US-GA" in rt.codes:
        # Georgia's sourced miners' price (inputs.georgia_miner_price_usd_per_kwh) instead
        # of its parent's EIA industrial average (or the listed miners' cost above)
        ga = georgia_miner_price_usd_per_kwh(
            time,
            _first(P["georgia_miner_price_usd_per_kwh"]),
            held_back=P["georgia_miner_price"] > 1.5,
        )
        _replace_price(price, cost, rt.index("US-GA"), ga, lv.tariff_usd_per_kwh)
    if P.get("malaysia_illegal_power", 0) > 0.5 and "MY" in rt.codes:
        # part of Malaysia's mining runs on stolen power (inputs.malaysia_miner_price_usd_per_kwh)
        j = rt.index("MY")
        tariff = np.maximum(price[:, j] - lv.tariff_usd_per_kwh[:, j], 0.0)
        my = malaysia_miner_price_usd_per_kwh(tariff, _first(P["malaysia_theft_share"]))
        _replace_price(price, cost, j, my, lv.tariff_usd_per_kwh)
    # Siting uses the trailing mean cost over site_cost_window_months (adaptive
    # expectations, no foresight of policy changes). Assumption, see docs/world.md.
    win = int(P["site_cost_window_months"])
    csum = np.cumsum(np.vstack([np.zeros((1, cost.shape[1])), cost]), axis=0)
    lag = np.minimum(np.arange(len(time)) + 1, win)
    site_cost = (csum[np.arange(len(time)) + 1] - csum[np.arange(len(time)) + 1 - lag]) / lag[
        :, None
    ]
    # only part of the curtailed hydro is reachable by miners (grid and site
    # constraints): curtailed_access_share is applied in the step (access_caps), per run
    base_cap, curt_gw, cap_variant = cap_variants(time, P, curt_twh)
    btc, subsidy, fees, last = _price_paths(hist, scen, time, n_runs, seed)
    revenue = (subsidy + fees)[:, None] * btc  # (T, N) USD/day
    # efficiency of purchases, including the A months before 2014 for the initial fleet
    pre = pd.date_range(time[0] - pd.DateOffset(months=A), periods=A, freq="MS")
    eff_all = new_machine_efficiency(pre.append(time), int(P["new_eff_window_months"]))
    short = (_year_month(P["chip_shortage_start_year"]), _year_month(P["chip_shortage_end_year"]))
    h0 = float(np.interp(time[0].value, hist.time.asi8, hist.hashrate_ehs))
    cn_ug = rt.codes.index("CN-UG") if "CN-UG" in rt.codes else -1
    pool = np.array([p == "CN" for p in rt.pool])
    not_ug = np.ones(len(rt.codes), dtype=bool)
    if cn_ug >= 0:
        not_ug[cn_ug] = False
    inp = Inputs(
        time=time,
        hours=(time + pd.offsets.MonthBegin(1) - time).total_seconds().to_numpy() / 3600.0,
        eff_pre=eff_all[:A],
        eff_new=eff_all[A:],
        price=price,
        intensity=intensity,
        cost=cost,
        site_cost=site_cost,
        base_cap=base_cap,
        curt_gw=curt_gw,
        cap_variant=cap_variant,
        revenue=revenue,
        h0_ehs=h0,
        in_shortage=np.asarray((time >= short[0]) & (time < short[1])),
        initial_share=initial_share(rt, P),
        lv=lv,
        sust_share=sust,
        pool_idx=np.flatnonzero(pool),
        pool=pool,
        not_ug=not_ug,
        cn_ug=cn_ug,
        install_floor_gw=P["initial_install_share_per_month"] * h0 * eff_all[A] * P["pue"] * 1e-3,
        retire_frac=steps.survival_retire_fraction(
            A, AGE_WEIGHTS_2023 if P["retirement_profile"] == 1 else None
        ),
        basket=basket_table(time) if P["fleet_accounting"] == 1 else None,
        P=P,
        host_mask=hosting_mask(rt, P, base_cap),
    )
    return inp, btc, last


CAP_SWITCHES = (
    ("measured_load", "use_measured_caps"),
    ("resource", "use_resource_caps"),
    ("policy", "use_policy_caps"),
    ("site_load", "use_site_load_caps"),
    ("us_state_load", "use_us_state_load_caps"),
    ("dry_load", "use_dry_load_caps"),
)


def cap_variants(time: pd.DatetimeIndex, P: dict, curt_twh: np.ndarray):
    """Caps and curtailed-hydro power [GW] of the cap kinds that apply
    (:func:`~hashcarbon.models.world.inputs.base_caps_gw`), per run when the switches
    ``use_*_caps`` are per-run arrays.

    Returns ``(base_cap, curt_gw, None)`` with (T, R) arrays when every run has the same
    cap kinds, else ``(base_cap, curt_gw, variant)``: (V, T, R) arrays, one per distinct
    combination in order of first appearance, and ``variant`` (N,) int64 indices.
    """
    flags = [np.asarray(P[name], dtype=float) > 0.5 for _, name in CAP_SWITCHES]
    if all(f.ndim == 0 for f in flags):
        use = {kind: bool(f) for (kind, _), f in zip(CAP_SWITCHES, flags, strict=True)}
        base, curt = base_caps_gw(time, use, curt_twh)
        return base, curt, None
    n = max(f.size for f in flags)
    combos = np.stack([np.broadcast_to(f, (n,)) for f in flags], axis=1)  # (N, kinds)
    keys: dict[tuple, int] = {}
    variant = np.empty(n, dtype=np.int64)
    for i, row in enumerate(map(tuple, combos)):
        variant[i] = keys.setdefault(row, len(keys))
    pairs = [
        base_caps_gw(
            time, {k: bool(v) for (k, _), v in zip(CAP_SWITCHES, key, strict=True)}, curt_twh
        )
        for key in keys
    ]
    return np.stack([b for b, _ in pairs]), np.stack([c for _, c in pairs]), variant


def hosting_mask(rt: RegionTable, P: dict, base_cap: np.ndarray | None = None) -> np.ndarray:
    """Regions under the hosting build-out limit (:func:`steps.hosting_limit`), (R,) bool,
    or (V, R) for a (V, T, R) ``base_cap`` (per-run cap kinds: one mask per variant, so a
    run's mask depends on its own cap kinds only).

    With ``use_hosting_limit`` = 1: every region outside China that no capacity row caps
    in any month (``base_cap`` [GW], ``inf`` = uncapped; with the default caps US-GA,
    US-KY, US-OT and ROW), as proposal P1 of docs/notes/hosting_buildout.md puts it:
    regions with a dated cap keep it (Kazakhstan's and Russia's measured loads already
    carry their build rate).  China is left out: the build rates are those of sites
    outside China.  No region when ``use_hosting_limit`` = 0.
    """
    on = P.get("use_hosting_limit", 0) > 0.5
    m = np.array([on and c != "China" for c in rt.country], dtype=bool)
    if base_cap is None:
        return m
    uncapped = np.isinf(base_cap).all(axis=-2)  # (R,) or (V, R): uncapped in every month
    return m & uncapped


def _first(v):
    """A scalar parameter, or the first run's value of a per-run array."""
    return float(v[0]) if isinstance(v, np.ndarray) else v


def access_caps(base_cap_t, curt_gw_t, acc):
    r"""Caps after the share of curtailed hydro miners can reach [GW].

    .. math:: C'_{r} = C_r - (1 - s) X_r \ (C_r\ \text{finite}),\qquad X'_r = s X_r

    with :math:`s` = ``curtailed_access_share``.  ``base_cap_t`` and ``curt_gw_t`` are
    (R,) rows, or (N, R) with per-run cap kinds; with a scalar ``s`` and (R,) rows the
    result is (R,) rows, else (N, R).
    """
    if isinstance(acc, np.ndarray):
        a = acc[:, None]
        if np.ndim(curt_gw_t) == 1:
            curt_gw_t = curt_gw_t[None, :]
            base_cap_t = base_cap_t[None, :]
    else:
        a = acc
    base = np.where(np.isfinite(base_cap_t), base_cap_t - (1.0 - a) * curt_gw_t, base_cap_t)
    return base, a * curt_gw_t


def ug_delay_months(P: dict):
    """The underground pipeline delay: an int, or (N,) ints for a per-run parameter."""
    v = P["underground_delay_months"]
    if isinstance(v, np.ndarray):
        return np.maximum(np.round(v), 1).astype(np.int64)
    return max(round(v), 1)


def delivery_delay(P: dict):
    """``delivery_delay_months`` as an int >= 1, or (N,) such floats per run."""
    v = P["delivery_delay_months"]
    if isinstance(v, np.ndarray):
        return np.maximum(v.astype(np.int64), 1).astype(float)
    return max(int(v), 1)


def reloc_share_row(lv: Levers, t: int, P: dict):
    """Relocate shares of month ``t``: (R,), or (N, R) with per-run site / market-access
    shares (the cells :func:`compile_policies` marked in ``reloc_kind``)."""
    site, ma = P["site_relocate_share"], P["market_access_relocate_share"]
    if not (isinstance(site, np.ndarray) or isinstance(ma, np.ndarray)):
        return lv.reloc_share[t]
    k = lv.reloc_kind[t]
    N = max(np.size(site), np.size(ma))
    s = np.broadcast_to(np.asarray(site, dtype=float), (N,))[:, None]
    m = np.broadcast_to(np.asarray(ma, dtype=float), (N,))[:, None]
    return np.where(k[None, :] == 1, s, np.where(k[None, :] == 2, m, lv.reloc_share[t][None, :]))


def chunk_inputs(inp: Inputs, lo: int, hi: int) -> Inputs:
    """The inputs of runs ``lo..hi-1``: revenue and per-run parameters sliced."""
    P = {k: (v[lo:hi] if isinstance(v, np.ndarray) else v) for k, v in inp.P.items()}
    floor = inp.install_floor_gw
    if isinstance(floor, np.ndarray):
        floor = floor[lo:hi]
    var = None if inp.cap_variant is None else inp.cap_variant[lo:hi]
    return dataclasses_replace(
        inp, revenue=inp.revenue[:, lo:hi], P=P, install_floor_gw=floor, cap_variant=var
    )


def initial_state(inp: Inputs, N: int) -> State:
    r"""State of Jan 2014.

    The fleet of Jan 2014 (network hash rate :math:`H_0` [EH/s]) was bought in equal parts
    over the ``initial_fleet_purchase_months`` before, split by the ``initial_share_*``
    parameters; installation capacity starts at ``initial_install_share_per_month`` of
    its power per month; expected revenue at the observed one.
    """
    P = inp.P
    R = len(inp.initial_share)
    A = len(inp.eff_pre)
    cap = np.zeros((N, R, A))
    eff_slot = np.empty(A)
    # slot of purchase month m (index into time, may be negative) = m mod A
    for j in range(A):
        m = -A + j
        eff_slot[m % A] = inp.eff_pre[j]
    share = inp.initial_share / inp.initial_share.sum()
    k = int(P["initial_fleet_purchase_months"])
    recent = np.arange(-k, 0) % A  # fleet of Jan 2014 bought over the previous k months
    cap[:, :, recent] = inp.h0_ehs / float(k) * share[None, :, None]
    L_ug = int(np.max(ug_delay_months(P)))  # slots; a run uses the first L_n of them
    pue = P["pue"]
    return State(
        cap=cap,
        eff_slot=eff_slot,
        transit=np.zeros((N, R, A)),
        ug_transit=np.zeros((N, L_ug, A)),  # fixed-delay pipeline, index = arrival month mod L
        backlog=np.zeros(N),
        install_gw=np.full(
            N, P["initial_install_share_per_month"] * inp.h0_ehs * inp.eff_new[0] * pue * 1e-3
        ),
        exp_rev=inp.revenue[0].copy(),
    )


def step_month(st: State, t: int, inp: Inputs):
    """Advance one month: retire, site, deliver, seasonal moves, displace, dispatch,
    scrap, order (see :mod:`hashcarbon.models.world.steps`).

    Returns
    -------
    state : State
    out : dict of (N, R) arrays ``hash, inst, power, energy, emis, sust``
    flows : dict of (N,) arrays (:data:`FLOW_NAMES`)
    """
    P, lv = inp.P, inp.lv
    pue = P["pue"]
    D = delivery_delay(P)
    L_ug = ug_delay_months(P)
    flows: dict[str, np.ndarray] = {}
    # 1. retire the slot bought A months ago; it takes this month's purchases
    st, flows["retired_age"], flows["retired_in_transit"] = steps.retire(
        st, t, inp.eff_new[t], inp.retire_frac
    )
    if isinstance(pue, np.ndarray):
        g_per = st.eff_slot[None, :] * pue[:, None] * 1e-3  # (N, A) GW per EH/s
    else:
        g_per = st.eff_slot * pue * 1e-3  # GW per EH/s by slot
    if inp.cap_variant is None:
        base_t, curt_t = inp.base_cap[t], inp.curt_gw[t]
    else:  # per-run cap kinds: (N, R)
        base_t, curt_t = inp.base_cap[inp.cap_variant, t], inp.curt_gw[inp.cap_variant, t]
    base_cap_t, curt_gw_t = access_caps(base_t, curt_t, P["curtailed_access_share"])
    inst_gw = steps.gw(st.cap, g_per)
    trans_gw = steps.gw(st.transit, g_per)
    # power allowed by policy and caps (before the state-dependent site caps)
    allowed_pre_site, ex_gw = steps.allowed_power(
        inst_gw,
        base_cap_t,
        lv.policy_cap_gw[t],
        lv.ban_frac[t],
        lv.exempt_mode[t],
        curt_gw_t,
        lv.exempt_leak[t],
        inp.sust_share[t],
        lv.ban_of_load,
    )
    if inp.host_mask is not None and inp.host_mask.any():
        host = inp.host_mask
        if host.ndim == 2:  # per-run cap kinds: the mask of each run's variant, (N, R)
            host = host[inp.cap_variant]
        allowed_pre_site = steps.hosting_limit(
            allowed_pre_site,
            inst_gw,
            trans_gw,
            host,
            P["hosting_growth_per_month"],
            P["hosting_floor_gw_per_month"],
        )
    allowed = steps.site_caps(allowed_pre_site, inst_gw, lv.site_caps, t)
    # 3. siting weights (banned regions take no new machines, except up to an exemption)
    open_r = (lv.ban_frac[t] < 1.0) | (lv.exempt_mode[t] > 0)
    new_ok = inp.eff_new[t] <= lv.min_eff_max_j_per_th[t]
    if isinstance(L_ug, np.ndarray):
        back = t - L_ug
        opened = (inp.cn_ug >= 0) & (back >= 0) & lv.ug_open[np.maximum(back, 0)]
        ug_access = np.where(opened, P["underground_access"], 0.0)
    else:
        opened = inp.cn_ug >= 0 and t >= L_ug and lv.ug_open[t - L_ug]
        ug_access = P["underground_access"] if opened else 0.0
    depth = P["siting_scale_depth_share"]
    w_new, access, headroom, scale_new = steps.site(
        inp.site_cost[t],
        allowed,
        inst_gw,
        trans_gw,
        open_r,
        new_ok,
        inp.cn_ug,
        ug_access,
        P["alloc_cost_sensitivity"],
        P["siting_cost_reference_usd_per_kwh"],
        depth,
    )
    net_gw = inst_gw.sum(axis=1)
    # 2. arrivals and deliveries within the installation capacity
    gw_per_ehs = inp.eff_new[t] * pue * 1e-3
    within = np.broadcast_to(np.asarray(P["site_within_headroom"]) > 0.5, w_new.shape[:1])
    # the underground's hosting build-out limit acts on the placement, not the weights
    fill_room = steps.underground_limit(
        headroom,
        inst_gw,
        trans_gw,
        inp.cn_ug,
        P["use_underground_limit"],
        P["underground_growth_per_month"],
        P["hosting_floor_gw_per_month"],
    )
    # w_new becomes the month's placement (within the headroom where
    # site_within_headroom = 1): where the new machines went, and what their running cost
    # is priced at below
    st, f, w_new = steps.deliver(
        st,
        t,
        w_new,
        gw_per_ehs,
        g_per,
        D,
        P["relocation_delay_months"],
        inp.cn_ug,
        L_ug,
        # runs without site_within_headroom see no cap (inf headroom: the weights stand)
        headroom_gw=np.where(within[:, None], fill_room, np.inf) if within.any() else None,
    )
    flows.update(f)
    # 4. seasonal moves inside China's pool
    cap = st.cap
    if inp.pool_idx.size > 1:
        cap = steps.seasonal_moves(
            cap,
            steps.gw(cap, g_per),
            allowed,
            inp.price[t],
            inp.pool_idx,
            P["cn_seasonal_mobility"],
        )
    if lv.site_caps:  # site caps bind on the load after the seasonal moves
        allowed = steps.site_caps(allowed_pre_site, steps.gw(cap, g_per), lv.site_caps, t)
    # 5. displacement, then relocation of the leavers
    rules = steps.DisplaceRules(
        min_eff_max=lv.min_eff_max_j_per_th[t],
        exit_rate=lv.exit_rate[t],
        exempt_idle=lv.exempt_idle[t],
        policy_cap_gw=lv.policy_cap_gw[t],
        cap_idle=lv.cap_idle[t],
        reloc_share=reloc_share_row(lv, t, P),
        ug_share=lv.ug_share[t],
        mode=lv.exempt_mode[t],
        pool=inp.pool,
    )
    cap, runnable, to_rel, to_ug, f = steps.displace(
        cap, st.eff_slot, g_per, allowed, rules, P["strand_exit_per_month"]
    )
    w_rel = None
    if to_rel.any():
        acc_rel = access * inp.not_ug[None, :]
        # depth > 0: the new machines' scale (the cheapest sites of the month, the
        # underground included); depth 0: the least cost of where relocation may go
        scale_rel = steps.siting_scale(
            inp.site_cost[t],
            headroom,
            net_gw,
            acc_rel,
            P["siting_cost_reference_usd_per_kwh"],
        )
        scale_rel = np.where(steps.col(depth, 2) > 0, scale_new, scale_rel)
        w_rel = siting_weights(
            inp.site_cost[t],
            headroom,
            net_gw,
            acc_rel,
            P["alloc_cost_sensitivity"],
            scale=scale_rel,
        )
    transit, ug_transit, f = steps.relocate(
        st.transit,
        st.ug_transit,
        t,
        to_rel,
        to_ug if inp.cn_ug >= 0 else None,
        w_rel,
        f,
        L_ug,
    )
    flows.update(f)
    # 6. dispatch by merit order and the month's outputs
    run = steps.dispatch(runnable, st.eff_slot, pue, inp.cost[t], inp.revenue[t])
    scale = None
    if inp.basket is not None:  # fleet_accounting = 1: the energy module's basket
        h_ths = np.maximum(run.sum(axis=(1, 2)) * 1e6, 1e-9)
        theta = profitability_threshold_j_per_th(inp.revenue[t], h_ths, 0.05)
        # a standard in every region bounds the basket; a regional one does not (its
        # machines run elsewhere)
        theta = np.minimum(theta, np.max(lv.min_eff_max_j_per_th[t]))
        scale = steps.basket_scale(run, st.eff_slot, inp.basket.efficiency(t, theta))
    p_run, e_twh, emis, sust = steps.outputs(
        run,
        g_per,
        inp.hours[t],
        lv.ban_frac[t],
        ex_gw,
        inp.intensity[t],
        inp.sust_share[t],
        P["exempt_intensity_g_per_kwh"],
        scale,
        curt_gw_t,
        P["marginal_accounting"],
        P["curtailed_intensity_g_per_kwh"],
    )
    out = {"hash": run.sum(axis=2), "inst": cap.sum(axis=2), "power": p_run}
    out.update(energy=e_twh, emis=emis, sust=sust)
    # 7. economic scrapping
    cap, flows["scrapped_econ"] = steps.scrap(cap, runnable, run, P["scrap_idle_per_month"])
    st = State(
        cap=cap,
        eff_slot=st.eff_slot,
        transit=transit,
        ug_transit=ug_transit,
        backlog=st.backlog,
        install_gw=st.install_gw,
        exp_rev=st.exp_rev,
    )
    # 8. orders toward the capacity at which a new machine earns the hurdle margin
    c_inv = (w_new * inp.site_cost[t][None, :]).sum(axis=1)
    c_inv = np.where(c_inv > 0, c_inv, np.min(inp.site_cost[t]))
    c_new = inp.eff_new[t] * pue * steps.KWH_PER_THS_DAY_PER_J_PER_TH * c_inv
    sup = P["supply_growth_max_per_month"]
    g_max = np.minimum(P["shortage_growth_max_per_month"], sup) if inp.in_shortage[t] else sup
    st, flows["ordered"] = steps.order(
        st, inp.revenue[t], c_new, gw_per_ehs, g_per, g_max, D, P, inp.install_floor_gw
    )
    flows["backlog_end"] = st.backlog
    flows["in_transit_end"] = st.transit.sum(axis=(1, 2)) + st.ug_transit.sum(axis=(1, 2))
    flows["stock_end"] = st.cap.sum(axis=(1, 2)) + flows["in_transit_end"]
    if inp.cn_ug < 0:
        flows["underground_in"] = np.zeros_like(flows["ordered"])
    return st, out, flows


def run_chunk(inp: Inputs, lo: int, hi: int):
    """Run months 0..T-1 for runs ``lo..hi-1`` (a worker's whole job, given as arguments).

    Returns ``(lo, hi, out, flows)`` with ``out`` (T, n, R) float32 arrays and ``flows``
    (T, n) arrays.
    """
    c = chunk_inputs(inp, lo, hi)
    N, T, R = hi - lo, len(c.time), c.sust_share.shape[1]
    out = {k: np.zeros((T, N, R), dtype=np.float32) for k in OUT_NAMES}
    flows = {k: np.zeros((T, N)) for k in FLOW_NAMES}
    st = initial_state(c, N)
    for t in range(T):
        st, o, f = step_month(st, t, c)
        for k, v in o.items():
            out[k][t] = v
        for k, v in f.items():
            flows[k][t] = v
    return lo, hi, out, flows


#: Bytes per (month, run, region) cell of one ensemble, from :func:`simulate` to the
#: :func:`hashcarbon.models.world.run` Dataset: 6 float32 result arrays (24 B), their
#: pickled copies coming back from the workers (24 B), and the Dataset's 3 float32 and
#: 5 float64 variables (52 B).  Measured peak of a 1,000-run 2014-2035 ensemble: see
#: docs/world.md.
BYTES_PER_CELL = 100
#: Default memory limit of one ensemble [GB]; ``HASHCARBON_MEMORY_LIMIT_GB`` overrides it.
MEMORY_LIMIT_GB = 4.0


def memory_estimate_bytes(n_runs: int, n_months: int, n_regions: int) -> int:
    """Memory an ensemble needs [bytes]: runs x months x regions x :data:`BYTES_PER_CELL`."""
    return int(n_runs) * int(n_months) * int(n_regions) * BYTES_PER_CELL


def check_memory(n_runs: int, n_months: int, n_regions: int) -> None:
    """Refuse, before allocating, an ensemble whose estimate exceeds the memory limit.

    Raises :class:`InputError` with one line naming ``n_runs`` and the limit.
    """
    env = os.environ.get("HASHCARBON_MEMORY_LIMIT_GB", "").strip()
    try:
        limit_gb = float(env) if env else MEMORY_LIMIT_GB
    except ValueError:
        raise InputError(
            f"HASHCARBON_MEMORY_LIMIT_GB: expected a number of GB, got {env!r}"
        ) from None
    need = memory_estimate_bytes(n_runs, n_months, n_regions)
    if need > limit_gb * 1e9:
        raise InputError(
            f"n_runs: {n_runs} runs x {n_months} months x {n_regions} regions need about "
            f"{need / 1e9:.1f} GB, above the {limit_gb:g} GB limit "
            "(HASHCARBON_MEMORY_LIMIT_GB); use fewer runs or an earlier end"
        )


def check_outputs(sim) -> None:
    """The output boundary: every result is finite and no physical quantity is negative.

    Raises :class:`ParameterError` naming the first bad variable (a parameter set the
    equations cannot handle; with the defaults this is a bug).
    """
    from hashcarbon.errors import ParameterError

    for name in (
        "hashrate_ehs",
        "installed_ehs",
        "power_gw",
        "energy_twh",
        "emissions_mt",
        "sustainable_twh",
        "btc_usd",
        "revenue_usd_per_day",
    ):
        a = getattr(sim, name, None)
        if a is None:  # Totals carry no revenue
            continue
        bad = ~np.isfinite(a) | (a < 0)
        if bad.any():
            n = int(bad.sum())
            raise ParameterError(
                f"{name}: {n} non-finite or negative values in the world-model result "
                "(the parameter set is outside what the equations support)"
            )
    for k, v in sim.flows.items():
        if not np.isfinite(v).all():
            raise ParameterError(f"flow_{k}_ehs: non-finite values in the world-model result")


#: The two implementations of the monthly step: ``fast`` (the compiled kernel of
#: :mod:`hashcarbon.models.world.fast`, the default) and ``reference`` (the numpy stepper
#: :func:`step_month`, one function per sub-step).
ENGINES = ("fast", "reference")


def engine(name: str | None = None) -> str:
    """The engine to use: ``name``, else ``HASHCARBON_WORLD_ENGINE``, else ``fast``.

    Raises :class:`InputError` (one line) for an unknown name.
    """
    where = "engine"
    if name is None:
        name = os.environ.get("HASHCARBON_WORLD_ENGINE", "").strip() or "fast"
        where = "HASHCARBON_WORLD_ENGINE"
    if name not in ENGINES:
        raise InputError(f"{where}: expected fast or reference, got {name!r}")
    return name


@dataclass
class Totals:
    """World monthly totals of one simulation (summed over regions), (T, N) float64."""

    time: pd.DatetimeIndex
    hashrate_ehs: np.ndarray
    installed_ehs: np.ndarray
    power_gw: np.ndarray
    energy_twh: np.ndarray
    emissions_mt: np.ndarray
    sustainable_twh: np.ndarray
    btc_usd: np.ndarray  # (T, N)
    flows: dict[str, np.ndarray]  # each (T, N)
    last_history: pd.Timestamp
    #: running hash rate by region of the first months, (T_r, N, R) [EH/s], when asked for
    hashrate_by_region_ehs: np.ndarray | None = None


def simulate_totals(
    hist: History,
    scen: Scenario,
    n_runs: int = 1,
    seed: int = 0,
    params: dict | None = None,
    rt: RegionTable | None = None,
    grid: dict | None = None,
    engine_name: str | None = None,
    regional_hash_until: str | pd.Timestamp | None = None,
) -> Totals:
    """:func:`simulate`, keeping only the world monthly totals.

    The regional values are summed as they are computed (fast engine: inside the kernel,
    per run and month; reference engine: as each chunk of :data:`CHUNK_RUNS` runs
    finishes), so memory grows with runs x months, not runs x months x regions: about
    200 bytes per run and month (6 totals, 13 flows, price and revenue, float64).
    ``regional_hash_until`` (a month): also keep the running hash rate by region up to
    that month (``Totals.hashrate_by_region_ehs``; history matching needs it).
    """
    from hashcarbon.models.world import fast
    from hashcarbon.models.world.params import resolve

    P = resolve(scen.parameters, n_runs) if params is None else dict(params)
    rt = rt or region_table()
    N = int(n_runs)
    inp, btc, last = prepare(hist, scen, N, seed, P, rt, grid)
    T = len(inp.time)
    t_reg = 0
    if regional_hash_until is not None:
        last_m = pd.Timestamp(regional_hash_until).to_period("M").to_timestamp()
        t_reg = int(np.sum(inp.time <= last_m))
    hreg = None
    if engine(engine_name) == "fast":
        res = fast.run(inp, N, full=False, regional_hash_months=t_reg)
        tot, fl = res[0], res[1]
        hreg = res[2] if t_reg else None
        out = dict(zip(OUT_NAMES, tot, strict=True))
        flows = dict(zip(FLOW_NAMES, fl, strict=True))
    else:
        out = {k: np.zeros((T, N)) for k in OUT_NAMES}
        flows = {k: np.zeros((T, N)) for k in FLOW_NAMES}
        if t_reg:
            hreg = np.zeros((t_reg, N, len(rt.codes)), dtype=np.float32)
        chunks = [(lo, min(lo + CHUNK_RUNS, N)) for lo in range(0, N, CHUNK_RUNS)]
        for lo, hi, o, f in _map_chunks(inp, chunks):
            if t_reg:
                hreg[:, lo:hi] = o["hash"][:t_reg]
            for k, v in o.items():  # reduced as the chunk finishes
                out[k][:, lo:hi] = v.sum(axis=2, dtype=float)
            for k, v in f.items():
                flows[k][:, lo:hi] = v
    tot = Totals(
        time=inp.time,
        hashrate_ehs=out["hash"],
        installed_ehs=out["inst"],
        power_gw=out["power"],
        energy_twh=out["energy"],
        emissions_mt=out["emis"],
        sustainable_twh=out["sust"],
        btc_usd=btc,
        flows=flows,
        last_history=last,
        hashrate_by_region_ehs=hreg,
    )
    check_outputs(tot)
    return tot


def simulate(
    hist: History,
    scen: Scenario,
    n_runs: int = 1,
    seed: int = 0,
    params: dict | None = None,
    rt: RegionTable | None = None,
    grid: dict | None = None,
    engine_name: str | None = None,
) -> Simulation:
    """Run the world model from Jan 2014 to the scenario's end for ``n_runs`` runs.

    ``params`` is the full resolved parameter dict (see
    :func:`hashcarbon.models.world.params.resolve`): floats, or ``(n_runs,)`` arrays for
    ``per_run`` parameters.  ``grid``: ``factor_set`` (``"ccaf"``/``"ipcc"``) and
    ``projection`` of the grid intensities, as ``estimate``.  ``engine_name``: ``fast``
    or ``reference`` (:func:`engine`; default ``HASHCARBON_WORLD_ENGINE`` or ``fast``).
    Pure: the same inputs and seed give identical arrays.
    """
    from hashcarbon.models.world.params import resolve

    P = resolve(scen.parameters, n_runs) if params is None else dict(params)
    rt = rt or region_table()
    N = int(n_runs)
    check_memory(N, len(_month_index("2014-01", max(scen.scenario.end, "2014-02"))), len(rt.codes))
    inp, btc, last = prepare(hist, scen, N, seed, P, rt, grid)
    T, R = len(inp.time), len(rt.codes)
    if engine(engine_name) == "fast":
        from hashcarbon.models.world import fast

        o, f = fast.run(inp, N, full=True)
        out = dict(zip(OUT_NAMES, o, strict=True))
        flows = dict(zip(FLOW_NAMES, f, strict=True))
    else:
        out = {k: np.zeros((T, N, R), dtype=np.float32) for k in OUT_NAMES}
        flows = {k: np.zeros((T, N)) for k in FLOW_NAMES}
        chunks = [(lo, min(lo + CHUNK_RUNS, N)) for lo in range(0, N, CHUNK_RUNS)]
        for lo, hi, o, f in _map_chunks(inp, chunks):
            for k, v in o.items():
                out[k][:, lo:hi] = v
            for k, v in f.items():
                flows[k][:, lo:hi] = v
    sim = Simulation(
        time=inp.time,
        regions=rt.codes,
        hashrate_ehs=out["hash"],
        installed_ehs=out["inst"],
        power_gw=out["power"],
        energy_twh=out["energy"],
        emissions_mt=out["emis"],
        sustainable_twh=out["sust"],
        btc_usd=btc,
        revenue_usd_per_day=inp.revenue,
        flows=flows,
        new_eff_j_per_th=inp.eff_new,
        last_history=last,
    )
    check_outputs(sim)
    return sim


def _workers(n_chunks: int) -> int:
    """Worker processes for ``n_chunks`` chunks: one per usable core, at most one per chunk.

    ``HASHCARBON_WORKERS`` overrides the core count (``1`` runs everything in-process).
    """
    env = os.environ.get("HASHCARBON_WORKERS", "").strip()
    if env:
        try:
            cores = max(int(env), 1)
        except ValueError:
            raise InputError(
                f"HASHCARBON_WORKERS: expected a whole number of processes, got {env!r}"
            ) from None
    else:
        try:
            cores = len(os.sched_getaffinity(0))
        except AttributeError:  # not on Linux
            cores = os.cpu_count() or 1
    return max(1, min(n_chunks, cores))


def _map_chunks(inp: Inputs, chunks):
    """Run every chunk, in forked worker processes when that helps.

    Chunks are independent (each has its own random stream and writes only its runs), so
    the result does not depend on how they are scheduled.  The step loop is many small
    numpy operations that hold the GIL, so threads gain little (~1.3x on 2 cores) and
    processes are used instead.  Each worker gets its job as arguments: the inputs
    sliced to its runs.  Where ``fork`` is not available the chunks run in turn.
    """
    workers = _workers(len(chunks))
    if workers < 2 or "fork" not in mp.get_all_start_methods():
        return [run_chunk(inp, lo, hi) for lo, hi in chunks]
    jobs = [(chunk_inputs(inp, lo, hi), lo, hi) for lo, hi in chunks]
    with ProcessPoolExecutor(workers, mp_context=mp.get_context("fork")) as ex:
        return list(ex.map(_job, jobs))


def _job(args):
    """One worker job: ``(inputs of the chunk, lo, hi)`` -> :func:`run_chunk` result."""
    c, lo, hi = args
    _, _, out, flows = run_chunk(c, 0, hi - lo)
    return lo, hi, out, flows
