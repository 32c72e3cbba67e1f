r"""The world policy simulator: a vectorised monthly stock-flow stepper.

State (per run ``n``, region ``r``, vintage slot ``a``) is installed hash-rate capacity
[EH/s].  Vintage = purchase month; a ring of ``max_age_months`` slots holds every
machine younger than the CBECI 5-year cap, and the efficiency of a slot is that of
machines bought in its month (catalogue mean of recent releases).  Two more stocks hold
machines in transit: shipped abroad (destination region, slot) and re-entering China's
underground region (slot); an order pipeline holds ASICs ordered but not delivered.

Each month, with all flows computed from the states at the start of the month and then
applied (Euler, dt = 1 month, the same semantics as :mod:`hashcarbon.sd`):

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
7. **Economic scrapping** of runnable but unprofitable capacity (``scrap_idle_per_month``).
8. **Orders** - expected hashprice is smoothed; orders = ``invest_rate_per_month`` x
   installed x max(0, 1 - c_new / hashprice_expected - ``hurdle_margin``).

:mod:`hashcarbon.sd` (when present) is a scalar stock-flow engine; this model needs
subscripted (run x region x vintage) stocks and a merit-order solve inside the step, so
it is written as a numpy stepper with the same Euler semantics.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd

from hashcarbon.errors import InputError
from hashcarbon.models.world.inputs import (
    History,
    RegionTable,
    base_caps_gw,
    new_machine_efficiency,
    region_table,
)
from hashcarbon.models.world.policies import Levers, compile_policies
from hashcarbon.scenario import Scenario

__all__ = ["CHUNK_RUNS", "INITIAL_SHARES", "Simulation", "simulate", "siting_weights"]

#: Runs per chunk; each chunk gets its own child of ``SeedSequence(seed)`` so run ``i``
#: is the same whatever ``n_runs`` is.
CHUNK_RUNS = 50

#: Regional split of the (small) Jan-2014 fleet. Assumption: no map exists before Sep 2019;
#: every machine of this fleet retires by age before 2019, so the split does not reach the
#: calibration window (2016-2021 hash rate is dominated by later vintages).
INITIAL_SHARES = {
    "CN-XJ": 0.2,
    "CN-SC": 0.1,
    "CN-NM": 0.1,
    "CN-OT": 0.2,
    "US-OT": 0.15,
    "RU": 0.05,
    "NORDICS": 0.05,
    "ROW": 0.15,
}

#: Months of the 2021-22 chip shortage, when the growth of the installation capacity is
#: limited by ``shortage_growth_max_per_month``. Start: "the chips shortage began in January
#: 2021" (https://newsprees.com/chips-shortage-may-be-exacerbated-by-mining-giant-bitmain-order/);
#: TSMC limited mining-chip output in Mar 2021 (https://btctimes.com/tsmc-limits-mining-silicon-
#: supply). End: assumption (no source in the notes; end of 2022).
CHIP_SHORTAGE = (pd.Timestamp("2021-01-01"), pd.Timestamp("2023-01-01"))

#: kWh per (TH/s) per day per J/TH: 86400 s / 3.6e6 J/kWh.
KWH_PER_THS_DAY = 0.024
_EPS = 1e-12


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


def _month_index(start: str, end: str) -> pd.DatetimeIndex:
    return pd.date_range(
        pd.Timestamp(start).to_period("M").to_timestamp(),
        pd.Timestamp(end).to_period("M").to_timestamp(),
        freq="MS",
    )


def siting_weights(cost_usd_per_kwh, headroom_gw, network_gw, access, beta):
    r"""Share of new or relocated capacity going to each region.

    .. math:: w_r \propto a_r \, e^{-\beta (c_r - c_{min}) / c_{min}} \,
              \frac{h_r}{h_r + P}

    with cost :math:`c_r` [USD/kWh] (electricity + carbon), headroom :math:`h_r` [GW]
    (``inf`` for an uncapped region, whose last factor is then 1), network load
    :math:`P` [GW] and access :math:`a_r` (0 where policy forbids).  A logit siting rule
    on relative cost with a saturating capacity term; the functional form is an
    assumption (the sources give costs and caps, not siting behaviour), ``beta`` is
    fitted.

    Parameters
    ----------
    cost_usd_per_kwh : (R,) array
    headroom_gw : (N, R) array, >= 0 or inf
    network_gw : (N,) array
    access : (R,) or (N, R) array in [0, 1]
    beta : float

    Returns
    -------
    w : (N, R) array, rows sum to 1 (or 0 when no region can take capacity)
    """
    c = np.asarray(cost_usd_per_kwh, dtype=float)
    acc = np.broadcast_to(np.asarray(access, dtype=float), headroom_gw.shape)
    ok = (acc > 0) & (headroom_gw > 0)
    cmin = np.min(np.where(ok, c[None, :], np.inf), axis=1, keepdims=True)
    cmin = np.where(np.isfinite(cmin), cmin, 1.0)
    rel = (c[None, :] - cmin) / np.maximum(cmin, 1e-6)
    finite = np.where(np.isinf(headroom_gw), 0.0, headroom_gw)
    h = np.where(
        np.isinf(headroom_gw), 1.0, finite / (finite + np.maximum(network_gw[:, None], 1e-3))
    )
    w = np.where(ok, acc * np.exp(-beta * np.clip(rel, 0, 50)) * h, 0.0)
    tot = w.sum(axis=1, keepdims=True)
    return np.where(tot > 0, w / np.where(tot > 0, tot, 1.0), 0.0)


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


def _region_paths(rt: RegionTable, time: pd.DatetimeIndex, lv: Levers):
    """Electricity price [USD/kWh], intensity [g/kWh], carbon-inclusive cost (T, R)."""
    month = time.month.to_numpy()
    R = len(rt.codes)
    alt = np.zeros((len(time), R), dtype=bool)
    for r in range(R):
        alt[:, r] = np.isin(month, rt.alt_months[r])
    price = np.where(alt, rt.price_alt_usd_per_kwh[None, :], rt.price_usd_per_kwh[None, :])
    price = np.maximum(price + lv.tariff_usd_per_kwh, 1e-4)
    years = (time.year.to_numpy() + (month - 1) / 12.0 - 2020.0)[:, None]
    intensity = (
        rt.intensity_g_per_kwh_2020[None, :] * (1.0 + rt.intensity_change_per_yr[None, :]) ** years
    )
    cost = price + lv.carbon_tax_usd_per_t * intensity * 1e-6
    return price, intensity, cost, alt


def simulate(
    hist: History,
    scen: Scenario,
    n_runs: int = 1,
    seed: int = 0,
    params: dict[str, float] | None = None,
    rt: RegionTable | None = None,
) -> Simulation:
    """Run the world model from Jan 2014 to the scenario's end for ``n_runs`` runs.

    ``params`` is the full resolved parameter dict (see
    :func:`hashcarbon.models.world.params.resolve`).  Pure: the same inputs and seed
    give identical arrays.
    """
    from hashcarbon.models.world.params import resolve

    P = resolve(scen.parameters) if params is None else params
    rt = rt or region_table()
    time = _month_index("2014-01", max(scen.scenario.end, "2014-02"))
    T, R, N = len(time), len(rt.codes), int(n_runs)
    A = int(P["max_age_months"])
    lv = compile_policies(scen, time, rt)
    price, intensity, cost, _alt = _region_paths(rt, time, lv)
    # Siting uses the trailing 12-month mean cost (machines run all year; adaptive
    # expectations, no foresight of policy changes). Assumption, see docs/world.md.
    csum = np.cumsum(np.vstack([np.zeros((1, cost.shape[1])), cost]), axis=0)
    lag = np.minimum(np.arange(len(time)) + 1, 12)
    site_cost = (csum[np.arange(len(time)) + 1] - csum[np.arange(len(time)) + 1 - lag]) / lag[
        :, None
    ]
    use = {
        "measured_load": P["use_measured_caps"] > 0.5,
        "resource": P["use_resource_caps"] > 0.5,
        "policy": P["use_policy_caps"] > 0.5,
    }
    base_cap, curt_gw = base_caps_gw(time, use)
    # only part of the curtailed hydro is reachable by miners (grid and site constraints)
    acc = P["curtailed_access_share"]
    base_cap = np.where(np.isfinite(base_cap), base_cap - (1.0 - acc) * curt_gw, base_cap)
    curt_gw = acc * curt_gw
    btc, subsidy, fees, last = _price_paths(hist, scen, time, N, seed)
    revenue = (subsidy + fees)[:, None] * btc  # (T, N) USD/day

    # efficiency of purchases, including the A months before 2014 for the initial fleet
    pre = pd.date_range(time[0] - pd.DateOffset(months=A), periods=A, freq="MS")
    eff_all = new_machine_efficiency(pre.append(time), int(P["new_eff_window_months"]))
    eff_pre, eff_new = eff_all[:A], eff_all[A:]

    pue = P["pue"]
    # 2021-22 semiconductor shortage: mining-chip supply throttled (CHIP_SHORTAGE)
    in_short = (time >= CHIP_SHORTAGE[0]) & (time < CHIP_SHORTAGE[1])
    g_max_path = np.where(
        in_short,
        min(P["shortage_growth_max_per_month"], P["supply_growth_max_per_month"]),
        P["supply_growth_max_per_month"],
    )
    D = max(int(P["delivery_delay_months"]), 1)
    cn_ug = rt.codes.index("CN-UG") if "CN-UG" in rt.codes else -1
    pool = np.array([p == "CN" for p in rt.pool])
    pool_idx = np.flatnonzero(pool)
    not_ug = np.ones(R, dtype=bool)
    if cn_ug >= 0:
        not_ug[cn_ug] = False

    out = {
        k: np.zeros((T, N, R), dtype=np.float32)
        for k in ("hash", "inst", "power", "energy", "emis", "sust")
    }
    flow_names = (
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
    )
    flows = {k: np.zeros((T, N)) for k in flow_names}
    flows["stock_end"] = np.zeros((T, N))
    flows["in_transit_end"] = np.zeros((T, N))
    flows["retired_in_transit"] = np.zeros((T, N))

    def _chunk(lo: int, hi: int) -> None:
        # runs lo..hi-1; chunks keep the (run, region, vintage) arrays in cache
        N = hi - lo
        revenue_c = revenue[:, lo:hi]
        # ---- initial state --------------------------------------------------------------
        h0 = float(np.interp(time[0].value, hist.time.asi8, hist.hashrate_ehs))
        cap = np.zeros((N, R, A))
        eff_slot = np.empty(A)
        # slot of purchase month m (index into time, may be negative) = m mod A
        for j in range(A):
            m = -A + j
            eff_slot[m % A] = eff_pre[j]
        init_share = np.zeros(R)
        for code, s in INITIAL_SHARES.items():
            init_share[rt.codes.index(code)] = s
        init_share /= init_share.sum()
        recent = np.arange(-12, 0) % A  # fleet of Jan 2014 bought over the previous year
        cap[:, :, recent] = h0 / 12.0 * init_share[None, :, None]
        transit = np.zeros((N, R, A))
        L_ug = max(round(P["underground_delay_months"]), 1)
        ug_transit = np.zeros((N, L_ug, A))  # fixed-delay pipeline, index = arrival month mod L
        backlog = np.zeros(N)  # ordered, not delivered [EH/s]
        # Installation capacity, GW of machines per month (ASIC supply and sites; a newer chip
        # delivers more TH/s for the same power): assumption, 10 % of the Jan-2014 fleet's
        # power per month at the start, then it adapts to demand (supply_adjust_months)
        install_gw = np.full(N, 0.1 * h0 * eff_new[0] * pue * 1e-3)
        # expected revenue starts at the observed one
        exp_rev = revenue_c[0].copy()

        tau_exp = P["expectation_months"]
        beta = P["alloc_cost_sensitivity"]
        hours = (time + pd.offsets.MonthBegin(1) - time).total_seconds().to_numpy() / 3600.0
        cols = np.arange(R * A)
        for t in range(T):
            s = t % A
            # 1. age retirement of the slot bought A months ago (also in transit)
            gone_transit = transit[:, :, s].sum(axis=1) + ug_transit[:, :, s].sum(axis=1)
            flows["retired_age"][t, lo:hi] = cap[:, :, s].sum(axis=1) + gone_transit
            flows["retired_in_transit"][t, lo:hi] = gone_transit
            cap[:, :, s] = 0.0
            transit[:, :, s] = 0.0
            ug_transit[:, :, s] = 0.0
            eff_slot[s] = eff_new[t]
            g_per = eff_slot * pue * 1e-3  # GW per EH/s by slot

            inst_gw = cap @ g_per
            trans_gw = transit @ g_per
            net_gw = inst_gw.sum(axis=1)

            # allowed power by region before state-dependent policies
            pol_cap = np.minimum(base_cap[t], lv.policy_cap_gw[t])  # (R,)
            b = lv.ban_frac[t]
            mode = lv.exempt_mode[t]
            ex_gw = np.where(mode == 1, curt_gw[t], 0.0)[None, :] * np.ones((N, 1))
            ex_gw = np.where((mode == 2)[None, :], rt.sustainable_share[None, :] * inst_gw, ex_gw)
            ex_allow = ex_gw * (1.0 + lv.exempt_leak[t])[None, :]
            with np.errstate(invalid="ignore"):
                keep = np.where(b < 1.0, pol_cap * (1.0 - b), 0.0)  # (R,); inf stays inf
            allowed = keep[None, :] + b[None, :] * np.minimum(pol_cap[None, :], ex_allow)
            allowed_pre_site = allowed
            allowed = _site_caps(allowed_pre_site, inst_gw, lv.site_caps, t)

            # banned regions take no new machines, except up to an exemption's supply
            open_r = (b < 1.0) | (mode > 0)
            access = (allowed > 0).astype(float) * open_r[None, :]
            access = access * (eff_new[t] <= lv.min_eff_max_j_per_th[t])[None, :]
            if cn_ug >= 0:
                # the underground opens to new machines once the first displaced ones re-enter
                opened = t >= L_ug and lv.ug_open[t - L_ug]
                access[:, cn_ug] = P["underground_access"] if opened else 0.0
            headroom = np.maximum(allowed - inst_gw - trans_gw, 0.0)

            # 2. relocated machines arrive (first-order delay) and new machines are delivered
            #    from the backlog; both need installation capacity (sites, power hook-ups,
            #    ASIC supply), relocated machines first. What cannot be installed waits.
            gw_per_ehs = eff_new[t] * pue * 1e-3
            arr_want = transit / P["relocation_delay_months"]
            arr_gw = (arr_want @ g_per).sum(axis=1)
            f_arr = np.where(arr_gw > install_gw, install_gw / np.maximum(arr_gw, _EPS), 1.0)
            arr = arr_want * f_arr[:, None, None]
            transit -= arr
            cap += arr
            flows["relocated_in"][t, lo:hi] = arr.sum(axis=(1, 2))
            room_gw = np.maximum(install_gw - arr_gw * f_arr, 0.0)
            w_new = siting_weights(site_cost[t], headroom, net_gw, access, beta)
            can_site = w_new.sum(axis=1) > 0
            deliver = np.where(can_site, np.minimum(backlog / D, room_gw / gw_per_ehs), 0.0)
            backlog = backlog - deliver
            placed = deliver[:, None] * w_new
            cap[:, :, s] += placed
            flows["delivered"][t, lo:hi] = placed.sum(axis=1)
            # underground re-entry: small scattered sites, not limited (fixed delay)
            if cn_ug >= 0:
                ug_arr = ug_transit[:, t % L_ug, :].copy()
                ug_transit[:, t % L_ug, :] = 0.0
                cap[:, cn_ug, :] += ug_arr
                flows["underground_in"][t, lo:hi] = ug_arr.sum(axis=1)

            # 4. seasonal moves inside China's pool
            if pool_idx.size > 1:
                inst_gw = cap @ g_per
                _pool_moves(cap, inst_gw, allowed, price[t], pool_idx, P["cn_seasonal_mobility"])

            if lv.site_caps:  # site caps bind on the load after the seasonal moves
                inst_gw = cap @ g_per
                allowed = _site_caps(allowed_pre_site, inst_gw, lv.site_caps, t)
            # 5. displacement: most efficient machines get the allowed power; only regions
            #    where the cap binds or a standard applies are computed
            bad_all = eff_slot[None, :] > lv.min_eff_max_j_per_th[t][:, None]  # (R, A)
            inst_now = cap @ g_per
            need = (allowed < inst_now * (1.0 + 1e-12)).any(axis=0) | bad_all.any(axis=1)
            idx = np.flatnonzero(need)
            runnable = cap.copy()
            flows["scrapped_policy"][t, lo:hi] = 0.0
            flows["underground_out"][t, lo:hi] = 0.0
            flows["relocated_out"][t, lo:hi] = 0.0
            if idx.size:
                order = np.argsort(eff_slot, kind="stable")
                c_sub = cap[:, idx, :]
                bad = bad_all[idx]
                pw_ok = np.where(bad[None], 0.0, c_sub * g_per[None, None, :])  # GW
                cum = np.cumsum(pw_ok[:, :, order], axis=2)
                before = np.empty_like(cum)
                before[:, :, order] = cum - pw_ok[:, :, order]
                with np.errstate(invalid="ignore", divide="ignore"):
                    frac = np.clip(
                        (allowed[:, idx, None] - before) / np.where(pw_ok > 0, pw_ok, 1.0),
                        0.0,
                        1.0,
                    )
                frac = np.where(bad[None], 0.0, frac)
                run_sub = c_sub * frac
                stranded = c_sub - run_sub
                # exit rates: ban/site/market access (policy arrays), falling caps, idle
                ex = lv.exit_rate[t][idx]  # nan where no displacing policy
                rate = np.where(((mode > 0) & lv.exempt_idle[t])[idx], 0.0, ex)
                pol_capped = np.isfinite(lv.policy_cap_gw[t][idx]) & np.isnan(rate)
                rate = np.where(
                    pol_capped,
                    np.where(lv.cap_idle[t][idx], 0.0, P["strand_exit_per_month"]),
                    rate,
                )
                rate = np.where(np.isnan(rate) & pool[idx], 0.0, rate)  # pool: step 4 moves it
                rate = np.where(np.isnan(rate), P["strand_exit_per_month"], rate)
                reloc = np.where(np.isnan(ex), 1.0, lv.reloc_share[t][idx])
                ugs = np.where(np.isnan(ex), 0.0, lv.ug_share[t][idx])
                leave = stranded * rate[None, :, None]
                c_sub = c_sub - leave
                cap[:, idx, :] = c_sub
                runnable[:, idx, :] = np.minimum(run_sub, c_sub)
                l_rel = leave * reloc[None, :, None]
                l_ug = leave * ugs[None, :, None]
                l_scrap = leave - l_rel - l_ug
                flows["scrapped_policy"][t, lo:hi] = l_scrap.sum(axis=(1, 2))
                flows["underground_out"][t, lo:hi] = l_ug.sum(axis=(1, 2))
                if cn_ug >= 0:
                    ug_transit[:, t % L_ug, :] += l_ug.sum(axis=1)  # arrives L_ug months later
                rel_tot = l_rel.sum(axis=1)  # (N, A)
                flows["relocated_out"][t, lo:hi] = rel_tot.sum(axis=1)
                if rel_tot.any():
                    acc_rel = access * not_ug[None, :]
                    w_rel = siting_weights(site_cost[t], headroom, net_gw, acc_rel, beta)
                    nowhere = w_rel.sum(axis=1) == 0
                    transit += w_rel[:, :, None] * rel_tot[:, None, :]
                    # nowhere to go: the shipped machines are scrapped
                    lost = np.where(nowhere, rel_tot.sum(axis=1), 0.0)
                    flows["scrapped_policy"][t, lo:hi] += lost
                    flows["relocated_out"][t, lo:hi] -= lost

            # 6. dispatch by merit order
            unit_cost = (eff_slot[None, :] * pue * KWH_PER_THS_DAY) * cost[t][
                :, None
            ]  # (R, A) USD/(TH/s)/day
            flat_cost = unit_cost.ravel()
            k_ord = np.argsort(flat_cost, kind="stable")
            c_sorted = flat_cost[k_ord]
            ths = runnable.reshape(N, R * A)[:, k_ord] * 1e6
            cum_h = np.cumsum(ths, axis=1)
            rev = revenue_c[t][:, None]
            # c_sorted and cum_h are non-decreasing, so c * cum_h is too (rounding is
            # monotone) and the units that run in full are a prefix of k_full units
            k_full = np.count_nonzero(c_sorted[None, :] * cum_h <= rev, axis=1)
            run_sorted = np.where(cols[None, :] < k_full[:, None], ths, 0.0)
            # the marginal unit runs in part: what the revenue still pays for
            rows = np.flatnonzero(k_full < R * A)
            if rows.size:
                km = k_full[rows]
                th_m = ths[rows, km]
                prev_m = cum_h[rows, km] - th_m
                c_m = c_sorted[km]
                rev_m = rev[rows, 0]
                part = np.clip(rev_m / c_m - prev_m, 0.0, th_m)
                run_sorted[rows, km] = np.where(prev_m * c_m < rev_m, part, 0.0)
            run = np.empty_like(run_sorted)
            run[:, k_ord] = run_sorted
            run = run.reshape(N, R, A) * 1e-6  # EH/s
            h_run = run.sum(axis=2)  # (N, R)

            # 7. outputs
            p_run = run @ g_per
            e_twh = p_run * hours[t] * 1e-3
            exempt_gw_nom = np.where(b[None, :] > 0, np.minimum(p_run, ex_gw), 0.0)
            exempt_share = np.where(p_run > 0, exempt_gw_nom / np.maximum(p_run, _EPS), 0.0)
            inten = (1 - exempt_share) * intensity[t][None, :] + exempt_share * P[
                "exempt_intensity_g_per_kwh"
            ]
            sust = (1 - exempt_share) * rt.sustainable_share[None, :] + exempt_share
            out["hash"][t, lo:hi] = h_run
            out["inst"][t, lo:hi] = cap.sum(axis=2)
            out["power"][t, lo:hi] = p_run
            out["energy"][t, lo:hi] = e_twh
            out["emis"][t, lo:hi] = e_twh * inten * 1e-3
            out["sust"][t, lo:hi] = e_twh * sust

            # 8. economic scrapping of runnable but unprofitable capacity
            idle_econ = np.maximum(runnable - run, 0.0)
            scr = idle_econ * P["scrap_idle_per_month"]
            cap -= scr
            np.maximum(cap, 0.0, out=cap)
            flows["scrapped_econ"][t, lo:hi] = scr.sum(axis=(1, 2))

            # 9. orders: stock adjustment toward the capacity at which a new machine just
            #    earns the hurdle margin on expected revenue
            exp_rev = exp_rev + (revenue_c[t] - exp_rev) / tau_exp
            c_inv = (w_new * site_cost[t][None, :]).sum(axis=1)
            c_inv = np.where(c_inv > 0, c_inv, np.min(site_cost[t]))
            c_new = eff_new[t] * pue * KWH_PER_THS_DAY * c_inv  # USD/(TH/s)/day
            hp_required = c_new / (1.0 - P["hurdle_margin"])
            h_star = exp_rev / hp_required * 1e-6  # EH/s
            supply_line = (
                cap.sum(axis=(1, 2)) + transit.sum(axis=(1, 2)) + ug_transit.sum(axis=(1, 2))
            )
            # orders adjust the backlog toward the gap (negative = cancellations), and
            # manufacturers pre-sell at most presale_months of their capacity
            orders = P["invest_rate_per_month"] * (h_star - supply_line - backlog)
            orders = np.maximum(orders, -backlog)
            max_backlog = P["presale_months"] * install_gw / gw_per_ehs
            orders = np.minimum(orders, np.maximum(max_backlog - backlog, 0.0))
            backlog = backlog + orders
            # supply capacity moves toward the backlog's delivery rate, but cannot grow faster
            # than supply_growth_max_per_month (foundry allocations, assembly lines)
            want_gw = (
                backlog / D * gw_per_ehs
                + (transit @ g_per).sum(axis=1) / P["relocation_delay_months"]
            )
            dk = (want_gw - install_gw) / P["supply_adjust_months"]
            g_max = g_max_path[t]
            install_gw = install_gw + np.minimum(dk, g_max * install_gw)
            flows["ordered"][t, lo:hi] = orders
            flows["backlog_end"][t, lo:hi] = backlog
            flows["in_transit_end"][t, lo:hi] = transit.sum(axis=(1, 2)) + ug_transit.sum(
                axis=(1, 2)
            )
            flows["stock_end"][t, lo:hi] = cap.sum(axis=(1, 2)) + flows["in_transit_end"][t, lo:hi]

    chunks = [(lo, min(lo + CHUNK_RUNS, N)) for lo in range(0, N, CHUNK_RUNS)]

    def _job(bounds: tuple[int, int]):
        lo, hi = bounds
        _chunk(lo, hi)
        return (
            lo,
            hi,
            {k: v[:, lo:hi] for k, v in out.items()},
            {k: v[:, lo:hi] for k, v in flows.items()},
        )

    for lo, hi, o, f in _map_chunks(_job, chunks):
        for k, v in o.items():
            out[k][:, lo:hi] = v
        for k, v in f.items():
            flows[k][:, lo:hi] = v

    return Simulation(
        time=time,
        regions=rt.codes,
        hashrate_ehs=out["hash"],
        installed_ehs=out["inst"],
        power_gw=out["power"],
        energy_twh=out["energy"],
        emissions_mt=out["emis"],
        sustainable_twh=out["sust"],
        btc_usd=btc,
        revenue_usd_per_day=revenue,
        flows=flows,
        new_eff_j_per_th=eff_new,
        last_history=last,
    )


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


#: The chunk job of the simulation being run by forked workers (set only while the
#: pool exists; a forked child inherits it, so the closure need not be pickled).
_FORK_JOB = None
_FORK_LOCK = threading.Lock()


def _forked(bounds):
    return _FORK_JOB(bounds)


def _map_chunks(job, chunks):
    """Run ``job`` on every chunk, in forked worker processes when that helps.

    Chunks are independent (each has its own random stream and writes only its runs), so
    the result does not depend on how they are scheduled.  The step loop is many small
    numpy operations that hold the GIL, so threads gain little (~1.3x on 2 cores) and
    processes are used instead.  Where ``fork`` is not available the chunks run in turn.
    """
    global _FORK_JOB
    workers = _workers(len(chunks))
    if workers < 2 or "fork" not in mp.get_all_start_methods():
        return [job(c) for c in chunks]
    if not _FORK_LOCK.acquire(blocking=False):  # another simulation owns the workers
        return [job(c) for c in chunks]
    try:
        _FORK_JOB = job
        with ProcessPoolExecutor(workers, mp_context=mp.get_context("fork")) as ex:
            return list(ex.map(_forked, chunks))
    finally:
        _FORK_JOB = None
        _FORK_LOCK.release()


def _site_caps(allowed, inst_gw, site_caps, t):
    """Site regulation: the listed regions together may hold ``share`` of their group's load.

    The limit is split among the listed regions in proportion to their load (equally when
    they hold none).  Jiang et al. 2021 (doi:10.1038/s41467-021-22256-3) define the lever as
    the share of miners sited in coal regions.
    """
    for coal, group, share, on in site_caps:
        if not on[t]:
            continue
        load = np.minimum(inst_gw, allowed)  # load that may run before the site cap
        G = (load * group[None, :]).sum(axis=1)
        C = (load * coal[None, :]).sum(axis=1)
        limit = share * G
        split = np.where(
            C[:, None] > 0, load / np.maximum(C, _EPS)[:, None], 1.0 / max(int(coal.sum()), 1)
        )
        allowed = np.where(coal[None, :], np.minimum(allowed, limit[:, None] * split), allowed)
    return allowed


def _pool_moves(cap, inst_gw, allowed, price_t, pool_idx, mobility):
    """Seasonal moves between the provinces of China's pool (in place on ``cap``).

    Push: power above a province's allowed cap moves to the other pool provinces that
    are allowed to run, in proportion to their load and within their headroom.
    Pull: a province cheaper than the load-weighted pool price with headroom pulls
    ``mobility`` x headroom from dearer provinces, in proportion to their load.
    (Assumption; Cambridge's 2020 wet-season swing Sichuan 14.9 % -> 61.1 % of China,
    estimators.md §2.3, is the evidence for large monthly moves.)
    """
    N = cap.shape[0]
    Pp = inst_gw[:, pool_idx]  # (N, K)
    Ap = allowed[:, pool_idx]
    pr = price_t[pool_idx]
    K = len(pool_idx)
    move = np.zeros((N, K, K))  # GW from i to j
    # push excess
    excess = np.maximum(Pp - Ap, 0.0)
    room = np.where(np.isinf(Ap), np.inf, np.maximum(Ap - Pp, 0.0))
    recv = (room > 0) & (Ap > 0)
    wload = np.where(recv, Pp + 1e-6, 0.0)
    wsum = wload.sum(axis=1, keepdims=True)
    share = np.where(wsum > 0, wload / np.where(wsum > 0, wsum, 1.0), 0.0)
    push = excess[:, :, None] * share[:, None, :]  # (N, i, j)
    push = np.minimum(push, np.where(np.isinf(room), np.inf, room)[:, None, :])
    diag = np.arange(K)
    push[:, diag, diag] = 0.0
    move += push
    # pull by cheaper provinces j with finite headroom from dearer donors i (all j at once)
    tot = Pp.sum(axis=1)
    avg = (Pp * pr[None, :]).sum(axis=1) / np.maximum(tot, _EPS)
    finite_room = np.where(np.isinf(room), 0.0, room)  # (N, j)
    cheaper = pr[None, :] < avg[:, None]  # (N, j)
    donors = (pr[None, :] > pr[:, None]) & (diag[None, :] != diag[:, None])  # (j, i)
    left = Pp - push.sum(axis=2)  # (N, i) load not pushed away
    dload = np.maximum(np.where(donors[None, :, :], left[:, None, :], 0.0), 0.0)  # (N, j, i)
    dsum = dload.sum(axis=2)  # (N, j)
    amount = np.where(cheaper, mobility * np.minimum(finite_room, dsum), 0.0)
    frac = np.where(dsum > 0, amount / np.where(dsum > 0, dsum, 1.0), 0.0)
    move += (dload * frac[:, :, None]).transpose(0, 2, 1)
    out_gw = move.sum(axis=2)  # (N, K)
    frac_out = np.where(Pp > 0, np.minimum(out_gw / np.where(Pp > 0, Pp, 1.0), 1.0), 0.0)
    # per-vintage transfer: each donor sends the same fraction of every slot
    sub = cap[:, pool_idx, :]  # (N, K, A) copy
    sent = sub * frac_out[:, :, None]
    dest_share = np.where(
        out_gw[:, :, None] > 0, move / np.where(out_gw > 0, out_gw, 1.0)[:, :, None], 0.0
    )
    received = np.einsum("nia,nij->nja", sent, dest_share)
    cap[:, pool_idx, :] = sub - sent + received
    del N
