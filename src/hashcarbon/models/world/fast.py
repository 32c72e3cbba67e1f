r"""The compiled fast path of the world model: one numba kernel over runs and months.

The equations are those of :mod:`hashcarbon.models.world.steps`, applied in the order of
:func:`hashcarbon.models.world.model.step_month` (the numpy stepper, kept as the
reference: ``HASHCARBON_WORLD_ENGINE=reference``).  The kernel loops over runs (outer,
:func:`numba.prange`; no reduction crosses runs, so a run's result does not depend on the
thread count or on which other runs share the call) and months, and fuses the sub-steps
of one run into scalar loops over regions and vintage slots.  What is the same for every
run of a month is computed once outside the kernel: the vintage efficiencies by slot, the
merit order of dispatch (unit costs are (R,) x (A,); a per-run PUE scales every cost of a
run alike) and the efficiency order of displacement.

Every parameter is passed as an (N,) array (scalars broadcast).  State is float64
(float32 state was measured: slower, 2.15 against 1.32 ms per run, because of the
conversions, and 0.7 % off on regional outputs, 4e-5 on world totals, outside the tolerance
below).

What keeps a run cheap (docs/world.md, performance, gives the profile): the orders are
unsigned (uint32), so the gathers of the merit-order scan and the displacement skip numba's
negative-index wraparound; a block of the merit order is checked against a run-independent
upper bound of its dearest unit's cost (:func:`month_tables`), so the scan only gathers and
sums; displacement takes the shares in efficiency order first and the leavers slot by slot
(contiguous, vectorised); rows of regions that hold no capacity skip the passes over slots
(their terms are exact zeros); seasonal moves sum over donor provinces only; relocation
reuses the new machines' siting weights when the least cost is the same.

Tolerance against the reference: the sums over regions and slots are taken in another
order (sequential or reassociated here, pairwise and BLAS in numpy), ~1e-13 relative on the
float64 flows; the float32 outputs are mostly bitwise equal.  ``tests/models/
test_world_fast.py`` requires ``rtol = 1e-6`` plus ``atol = 1e-9`` plus 1e-5 of the month's
world total (regions) or fleet (flows), over random parameter draws in six policy settings
(why the world-relative part: its module docstring).  The hindcast report and the scenario
table of ``python -m hashcarbon.models.world.calibration --scenarios`` are byte for byte the
same with both engines (docs/world.md, performance).

Modes: ``full`` fills the (T, N, R) float32 outputs of :class:`~hashcarbon.models.world.
model.Simulation`; ``totals`` keeps only the world monthly totals (T, N) of each output
(float64), so memory does not grow with runs x months x regions.
"""

from __future__ import annotations

import functools
import os

import numba
import numpy as np

# A fork-safe threading layer (TBB if installed, else numba's workqueue): the project forks
# worker processes (the reference engine's chunks, executors of the uncertainty analysis),
# and GNU OpenMP, numba's default where present, aborts a forked child that runs a parallel
# kernel ("fork() called from a process already using GNU OpenMP").  A user's
# NUMBA_THREADING_LAYER wins.
if "NUMBA_THREADING_LAYER" not in os.environ:
    numba.config.THREADING_LAYER = "forksafe"

from hashcarbon.models.world.steps import HEADROOM_MIN_GW
from hashcarbon.units import J_PER_KWH, KWH_PER_THS_DAY_PER_J_PER_TH, SECONDS_PER_DAY

__all__ = ["PER_RUN", "kernel", "month_tables"]

_EPS = 1e-12
#: reassociation lets the compiler vectorise the sums over slots (no nnan/ninf: inf and
#: nan are meaningful values here)
_FM = {"reassoc", "nsz", "contract"}
#: units of the merit order scanned at once by the dispatch
_BLOCK = 16
_SECONDS_PER_DAY = float(SECONDS_PER_DAY)
_J_PER_KWH = float(J_PER_KWH)

#: Parameters passed to the kernel as (N,) arrays, in this order (rows of parameters.csv).
PER_RUN = (
    "pue",
    "delivery_delay_months",
    "underground_delay_months",
    "curtailed_access_share",
    "initial_install_share_per_month",
    "site_relocate_share",
    "market_access_relocate_share",
    "relocation_delay_months",
    "underground_access",
    "alloc_cost_sensitivity",
    "cn_seasonal_mobility",
    "strand_exit_per_month",
    "scrap_idle_per_month",
    "exempt_intensity_g_per_kwh",
    "expectation_months",
    "hurdle_margin",
    "invest_rate_per_month",
    "presale_months",
    "supply_adjust_months",
    "supply_growth_max_per_month",
    "shortage_growth_max_per_month",
    "marginal_accounting",
    "curtailed_intensity_g_per_kwh",
    "siting_cost_reference_usd_per_kwh",
    "site_within_headroom",
    "use_underground_limit",
    "underground_growth_per_month",
    "hosting_floor_gw_per_month",
    "siting_scale_depth_share",
)


def month_tables(eff_pre, eff_new, cost, pue_for_order):
    """Run-independent tables by month: slot efficiencies (T, A) after the month's
    retirement, the efficiency order of the slots (T, A), the merit order (T, R*A) and
    an upper bound of the unit cost at PUE = 1 over each block of ``_BLOCK`` units of it.

    ``pue_for_order``: the chunk's one PUE when every run has it (the reference sorts
    with it), else None: PUE = 1 (the reference's order for per-run PUE).  Cached on the
    inputs' bytes: every call of an ensemble shares them.
    """
    eff_pre = np.ascontiguousarray(eff_pre, dtype=float)
    eff_new = np.ascontiguousarray(eff_new, dtype=float)
    cost = np.ascontiguousarray(cost, dtype=float)
    key = (
        eff_pre.tobytes(),
        eff_new.tobytes(),
        cost.tobytes(),
        cost.shape,
        None if pue_for_order is None else float(pue_for_order),
    )
    return _month_tables_cached(key)


@functools.lru_cache(maxsize=8)
def _month_tables_cached(key):
    b_pre, b_new, b_cost, shape, pue = key
    eff_pre = np.frombuffer(b_pre)
    eff_new = np.frombuffer(b_new)
    cost = np.frombuffer(b_cost).reshape(shape)
    A, T, R = len(eff_pre), len(eff_new), shape[1]
    eff = np.empty(A)
    for j in range(A):
        eff[(-A + j) % A] = eff_pre[j]
    eff_t = np.empty((T, A))
    for t in range(T):
        eff[t % A] = eff_new[t]
        eff_t[t] = eff
    eff_order = np.argsort(eff_t, axis=1, kind="stable").astype(np.uint32)
    if pue is None:
        unit = (eff_t[:, None, :] * KWH_PER_THS_DAY_PER_J_PER_TH) * cost[:, :, None]
    else:
        unit = (eff_t[:, None, :] * pue * KWH_PER_THS_DAY_PER_J_PER_TH) * cost[:, :, None]
    merit = np.argsort(unit.reshape(T, R * A), axis=1, kind="stable")
    merit_eff = np.take_along_axis(eff_t, merit % A, axis=1)
    merit_cost = np.take_along_axis(cost, merit // A, axis=1)
    merit = merit.astype(np.uint32)
    # an upper bound of the unit cost over each block of the merit order, per unit PUE
    # (the kernel's own product of three roundings stays below it by the margin)
    n_blk = -(-(R * A) // _BLOCK)
    c_unit = np.zeros((T, n_blk * _BLOCK))
    c_unit[:, : R * A] = merit_eff * KWH_PER_THS_DAY_PER_J_PER_TH * merit_cost
    blk = c_unit.reshape(T, n_blk, _BLOCK).max(axis=2)
    blk_cost_max = blk + np.abs(blk) * 1e-13
    out = (eff_t, eff_order, merit, merit_eff, merit_cost, eff_t.max(axis=1), blk_cost_max)
    for a in out:
        a.setflags(write=False)
    return out


@numba.njit(cache=True, inline="always", error_model="numpy")
def _cmin(c, headroom, access):
    """Least cost of the regions that may take machines (1 if none)."""
    cmin = np.inf
    for r in range(c.shape[0]):
        if access[r] > 0 and headroom[r] > HEADROOM_MIN_GW and c[r] < cmin:
            cmin = c[r]
    if not np.isfinite(cmin):
        cmin = 1.0
    return cmin


@numba.njit(cache=True, inline="always", error_model="numpy")
def _scale(c, headroom, access, net_gw, c_ref, depth, cmin, order):
    """:func:`hashcarbon.models.world.steps.siting_scale` for one run; ``order``: the
    regions by cost (stable), ``cmin``: :func:`_cmin` of ``access``."""
    if c_ref > 0:
        return max(c_ref, 1e-6)
    if depth > 0:
        rem = depth * net_gw
        tot = 0.0
        took = 0.0
        for k in range(order.shape[0]):
            if rem <= 0:
                break
            r = order[k]
            if access[r] > 0 and headroom[r] > HEADROOM_MIN_GW:
                x = min(headroom[r], rem)
                tot += x * c[r]
                took += x
                rem -= x
        if took > 0:
            return max(tot / took, 1e-6)
    return max(cmin, 1e-6)


@numba.njit(cache=True, inline="always", error_model="numpy")
def _siting_weights(c, headroom, net_gw, access, beta, scale, w, raw):
    """:func:`hashcarbon.models.world.steps.siting_weights` for one run with the cost
    scale ``scale`` (:func:`_scale`), into ``w``; the weights before normalisation into
    ``raw``.  Returns the least cost (:func:`_cmin`)."""
    R = c.shape[0]
    cmin = _cmin(c, headroom, access)
    net = max(net_gw, 1e-3)
    tot = 0.0
    for r in range(R):
        if access[r] > 0 and headroom[r] > HEADROOM_MIN_GW:
            rel = (c[r] - cmin) / scale
            rel = min(max(rel, 0.0), 50.0)
            h = 1.0 if np.isinf(headroom[r]) else headroom[r] / (headroom[r] + net)
            w[r] = access[r] * np.exp(-beta * rel) * h
        else:
            w[r] = 0.0
        raw[r] = w[r]
        tot += w[r]
    for r in range(R):
        w[r] = w[r] / tot if tot > 0 else 0.0
    return cmin


@numba.njit(cache=True, error_model="numpy")
def _fill_within_headroom(w, amount, headroom, alloc, active):
    """:func:`hashcarbon.models.world.steps.fill_within_headroom` for one run: ``w`` is
    replaced by the placement shares (water filling within the headroom).  Not inlined and
    compiled without fast-math: its sums are then the same in every specialisation of the
    kernel (a chunk of runs and a single run add in the same order)."""
    R = w.shape[0]
    for r in range(R):
        alloc[r] = 0.0
        active[r] = w[r] > 0
    left = amount
    for _ in range(R):
        ws = 0.0
        for r in range(R):
            if active[r]:
                ws += w[r]
        if not (left > 0 and ws > 0):
            break
        # fill the regions whose share exceeds their room; if none does, spread the rest
        n_full = 0
        filled = 0.0
        for r in range(R):
            if active[r] and left * w[r] / ws >= headroom[r] - alloc[r]:
                f = headroom[r] - alloc[r]
                alloc[r] += f
                filled += f
                active[r] = False
                n_full += 1
        if n_full == 0:
            for r in range(R):
                if active[r]:
                    alloc[r] += left * w[r] / ws
            left = 0.0
            break
        left -= filled
    if left > 0:
        for r in range(R):
            alloc[r] += left * w[r]
    for r in range(R):
        w[r] = alloc[r] / amount


@numba.njit(cache=True, parallel=True, fastmath=_FM, error_model="numpy")
def kernel(
    full,
    T,
    h0,
    share0,
    k0,
    eff_t,
    eff_order,
    merit,
    merit_eff,
    merit_cost,
    eff_new,
    retire_frac,
    multi_retire,
    hours,
    price,
    intensity,
    cost,
    site_cost,
    cost_order,
    base_cap,
    curt,
    revenue,
    in_shortage,
    sust_share,
    pool_idx,
    in_pool,
    not_ug,
    cn_ug,
    ban,
    ban_of_load,
    exit_rate,
    reloc_share,
    reloc_kind,
    ug_share,
    mode,
    leak,
    exempt_idle,
    policy_cap,
    cap_idle,
    min_eff,
    eff_max,
    theta_cap,
    ug_open,
    sc_coal,
    sc_group,
    sc_share,
    sc_on,
    use_basket,
    b_eff,
    b_cum_w,
    b_cum_we,
    b_first,
    prm,
    l_max,
    out_full,
    out_tot,
    hash_reg,
    flows,
    cap_var,
    host_mask,
    host_g,
    host_floor,
    blk_cost_max,
):
    """All months of every run; see the module docstring.  Writes ``out_full`` (6, T, N, R)
    float32 when ``full`` else ``out_tot`` (6, T, N) and, for the first
    ``hash_reg.shape[0]`` months, the running hash rate by region ``hash_reg`` (T_r, N, R)
    float32; and ``flows`` (13, T, N).  ``blk_cost_max`` (T, blocks): an upper bound of the
    unit cost at PUE = 1 over each block of the merit order (:func:`month_tables`)."""
    N = revenue.shape[1]
    R = base_cap.shape[2]  # (V, T, R): one array per combination of cap kinds
    A = eff_t.shape[1]
    K = pool_idx.shape[0]
    S = sc_share.shape[0]
    KWH = KWH_PER_THS_DAY_PER_J_PER_TH
    # positions in the merit order are unsigned (no negative-index wraparound in the scan)
    n_units = np.uint64(R * A)
    for n in numba.prange(N):
        pue = prm[0, n]
        cv = cap_var[n]  # the run's cap kinds
        D = max(np.floor(prm[1, n]), 1.0)
        L = int(max(np.round(prm[2, n]), 1.0))
        acc = prm[3, n]
        init_share = prm[4, n]
        site_rel = prm[5, n]
        ma_rel = prm[6, n]
        reloc_delay = prm[7, n]
        # arrivals of a first-order delay (steps.outflow): a product, not a division per
        # unit (differs from the reference's quotient by at most one rounding)
        inv_delay = 1.0 / max(reloc_delay, 1.0) if reloc_delay >= 1.0 else 1.0
        ug_acc = prm[8, n]
        beta = prm[9, n]
        mobility = prm[10, n]
        strand = prm[11, n]
        scrap_rate = prm[12, n]
        ex_int = prm[13, n]
        exp_months = prm[14, n]
        hurdle = prm[15, n]
        invest = prm[16, n]
        presale = prm[17, n]
        sup_adjust = prm[18, n]
        sup_growth = prm[19, n]
        short_growth = prm[20, n]
        marginal = prm[21, n] > 0.5
        curt_int = prm[22, n]
        c_ref = prm[23, n]
        within = prm[24, n] > 0.5
        ug_limit = prm[25, n] > 0.5 and cn_ug >= 0
        ug_growth = prm[26, n]
        ug_floor = prm[27, n]
        depth = prm[28, n]
        cap = np.zeros((R, A))
        transit = np.zeros((R, A))
        ug = np.zeros((l_max, A))
        run = np.zeros((R, A))
        runnable = np.zeros((R, A))
        run_f = run.reshape(R * A)  # flat views, in merit-order units
        rnb_f = runnable.reshape(R * A)
        g = np.empty(A)
        inst = np.empty(R)
        inst2 = np.empty(R)  # load after deliveries and seasonal moves
        need = np.zeros(R, dtype=np.bool_)
        trans_gw = np.empty(R)
        allowed_pre = np.empty(R)
        allowed = np.empty(R)
        ex_gw = np.empty(R)
        access = np.empty(R)
        headroom = np.empty(R)
        w_new = np.empty(R)
        w_rel = np.empty(R)
        raw = np.empty(R)
        alloc = np.empty(R)
        active = np.empty(R, dtype=np.bool_)
        acc_rel = np.empty(R)
        rel_tot = np.zeros(A)
        frb = np.empty(A)  # share of each slot that gets power
        ug_tot = np.zeros(A)
        sbuf = np.empty((8, K))
        move = np.zeros((K, K))
        sent = np.empty((K, A))
        rec = np.empty(A)
        # rows (regions) whose vintage slots may hold capacity: an empty row stays empty
        # until machines are delivered, arrive from transit (tr_live: the row has received
        # relocated machines), come back underground or move in China's pool (those rows are
        # always live); empty rows skip the passes over slots, whose terms there are zeros
        live = np.ones(R, dtype=np.bool_)
        always = np.zeros(R, dtype=np.bool_)
        tr_live = np.zeros(R, dtype=np.bool_)
        rnb_zero = np.ones(R, dtype=np.bool_)  # the row of runnable is all zero
        for i in range(K):
            always[pool_idx[i]] = True
        if cn_ug >= 0:
            always[cn_ug] = True
        # initial state (model.initial_state)
        ssum = 0.0
        for r in range(R):
            ssum += share0[r]
        for j in range(k0):
            slot = (j - k0) % A
            for r in range(R):
                cap[r, slot] = h0 / float(k0) * (share0[r] / ssum)
        install = init_share * h0 * eff_new[0] * pue * 1e-3
        floor = install
        backlog = 0.0
        exp_rev = revenue[0, n]
        has_transit = False
        ages = np.empty(A, dtype=np.int64)
        n_ages = 0
        for k in range(A):
            if retire_frac[k] != 0.0:
                ages[n_ages] = k
                n_ages += 1
        for t in range(T):
            eff = eff_t[t]
            s = t % A
            # 1. retire (the slot bought A months ago is reused)
            retired = 0.0
            gone = 0.0
            if multi_retire:
                for kk in range(n_ages):  # only the ages at which a share retires
                    f = retire_frac[ages[kk]]
                    a = (t - ages[kk]) % A
                    for r in range(R):
                        if live[r]:  # (an empty row retires nothing)
                            q = cap[r, a] * f
                            retired += q
                            cap[r, a] -= q
                    if has_transit:
                        for r in range(R):
                            if tr_live[r]:
                                q = transit[r, a] * f
                                gone += q
                                transit[r, a] -= q
                    for j in range(l_max):
                        q = ug[j, a] * f
                        gone += q
                        ug[j, a] -= q
            else:
                for r in range(R):
                    retired += cap[r, s] + transit[r, s]
                    gone += transit[r, s]
                for j in range(l_max):
                    gone += ug[j, s]
                    retired += ug[j, s]
            if multi_retire:
                retired += gone
            for r in range(R):
                cap[r, s] = 0.0
                transit[r, s] = 0.0
            for j in range(l_max):
                ug[j, s] = 0.0
            for a in range(A):
                g[a] = eff[a] * pue * 1e-3
            # load before the month's flows; arrivals of shipped machines fused in (they
            # do not depend on the siting computed from the load before them)
            net_gw = 0.0
            rel_in = 0.0
            tr_sum = 0.0
            for r in range(R):
                x = 0.0
                y = 0.0
                x2 = 0.0
                if not (live[r] or always[r] or (has_transit and tr_live[r])):
                    inst[r] = 0.0
                    trans_gw[r] = 0.0
                    inst2[r] = 0.0
                    continue
                live[r] = True
                if has_transit and tr_live[r]:
                    for a in range(A):
                        c = cap[r, a]
                        tr = transit[r, a]
                        x += c * g[a]
                        y += tr * g[a]
                        arr = tr * inv_delay
                        transit[r, a] = tr - arr
                        tr_sum += tr - arr
                        c = c + arr
                        cap[r, a] = c
                        rel_in += arr
                        x2 += c * g[a]
                else:
                    for a in range(A):
                        x += cap[r, a] * g[a]
                    x2 = x
                inst[r] = x
                trans_gw[r] = y
                inst2[r] = x2
                net_gw += x
            # 2. power allowed by policy and caps
            for r in range(R):
                bc = base_cap[cv, t, r]
                cu = acc * curt[cv, t, r]
                if np.isfinite(bc):
                    bc = bc - (1.0 - acc) * curt[cv, t, r]
                pol = min(bc, policy_cap[t, r])
                b = ban[t, r]
                e = cu if mode[t, r] == 1 else 0.0
                if mode[t, r] == 2:
                    e = sust_share[t, r] * inst[r]
                ex_gw[r] = e
                ref = pol
                if ban_of_load and b > 0.0:  # the banned share of the region's load
                    ref = min(pol, inst[r])
                keep = ref * (1.0 - b) if b < 1.0 else 0.0
                allowed_pre[r] = keep + b * min(pol, e * (1.0 + leak[t, r]))
                if host_mask[cv, r]:  # hosting build-out limit (steps.hosting_limit)
                    ld = inst[r] + trans_gw[r]
                    lim = max((1.0 + host_g[n]) * ld, ld + host_floor[n])
                    allowed_pre[r] = min(allowed_pre[r], lim)
                allowed[r] = allowed_pre[r]
            for k in range(S):
                if sc_on[k, t]:
                    _site_cap(allowed, inst, sc_coal[k], sc_group[k], sc_share[k])
            # 3. siting weights
            opened = cn_ug >= 0 and t >= L and ug_open[t - L]
            for r in range(R):
                ok = 1.0 if allowed[r] > 0 else 0.0
                if not (ban[t, r] < 1.0 or mode[t, r] > 0):
                    ok = 0.0
                if not eff_new[t] <= min_eff[t, r]:
                    ok = 0.0
                access[r] = ok
                headroom[r] = max(allowed[r] - inst[r] - trans_gw[r], 0.0)
            if cn_ug >= 0:
                access[cn_ug] = ug_acc if opened else 0.0
            cmin_new = _cmin(site_cost[t], headroom, access)
            order = cost_order[t]
            scale_new = _scale(
                site_cost[t], headroom, access, net_gw, c_ref, depth, cmin_new, order
            )
            _siting_weights(site_cost[t], headroom, net_gw, access, beta, scale_new, w_new, raw)
            # deliveries within the ASIC supply, into this month's slot
            gw_per_ehs = eff_new[t] * pue * 1e-3
            wsum = 0.0
            for r in range(R):
                wsum += w_new[r]
            d = min(backlog / D, install / gw_per_ehs) if wsum > 0 else 0.0
            backlog = backlog - d
            if within and d > 0:
                h_ug = 0.0
                if ug_limit:  # steps.underground_limit: on the placement, not the weights
                    h_ug = headroom[cn_ug]
                    ld = inst[cn_ug] + trans_gw[cn_ug]
                    headroom[cn_ug] = min(h_ug, max(ug_growth * ld, ug_floor))
                _fill_within_headroom(w_new, d * gw_per_ehs, headroom, alloc, active)
                if ug_limit:
                    headroom[cn_ug] = h_ug
            delivered = 0.0
            for r in range(R):
                placed = d * w_new[r]
                if placed != 0.0:
                    live[r] = True
                cap[r, s] += placed
                inst2[r] += placed * g[s]
                delivered += placed
            ug_in = 0.0
            if cn_ug >= 0:
                sl = t % L
                for a in range(A):
                    u = ug[sl, a]
                    cap[cn_ug, a] += u
                    inst2[cn_ug] += u * g[a]
                    ug_in += u
                    ug[sl, a] = 0.0
            # 4. seasonal moves in China's pool
            if K > 1:
                _seasonal(cap, g, allowed, price[t], pool_idx, mobility, sbuf, move, sent, rec)
                for i in range(K):
                    r = pool_idx[i]
                    x = 0.0
                    for a in range(A):
                        x += cap[r, a] * g[a]
                    inst2[r] = x
            if S > 0:
                for r in range(R):
                    allowed[r] = allowed_pre[r]
                for k in range(S):
                    if sc_on[k, t]:
                        _site_cap(allowed, inst2, sc_coal[k], sc_group[k], sc_share[k])
            # 5. displacement (regions where the allowed power binds or a standard applies)
            scr_pol = 0.0
            ug_out = 0.0
            rel_out = 0.0
            any_rel = False
            any_ug = False
            disp_init = False
            for r in range(R):
                if not live[r]:  # an empty row: nothing runs, nothing leaves
                    if not rnb_zero[r]:
                        for a in range(A):
                            runnable[r, a] = 0.0
                        rnb_zero[r] = True
                    continue
                rnb_zero[r] = False
                me = min_eff[t, r]
                need[r] = allowed[r] < inst2[r] * (1.0 + 1e-12) or eff_max[t] > me
                if not need[r]:
                    for a in range(A):
                        runnable[r, a] = cap[r, a]
                    continue
                ex = exit_rate[t, r]
                rate = ex
                if mode[t, r] > 0 and exempt_idle[t, r]:
                    rate = 0.0
                if np.isfinite(policy_cap[t, r]) and np.isnan(rate):
                    rate = 0.0 if cap_idle[t, r] else strand
                if np.isnan(rate) and in_pool[r]:
                    rate = 0.0
                if np.isnan(rate):
                    rate = strand
                if np.isnan(ex):
                    reloc = 1.0
                    ugs = 0.0
                else:
                    kind = reloc_kind[t, r]
                    reloc = site_rel if kind == 1 else (ma_rel if kind == 2 else reloc_share[t, r])
                    ugs = ug_share[t, r]
                # the share of each slot that gets power, in the efficiency order ...
                cum = 0.0
                alw = allowed[r]
                for i in range(A):
                    a = eff_order[t, i]
                    c = cap[r, a]
                    bad = eff[a] > me
                    pw = 0.0 if bad else c * g[a]
                    cum += pw
                    before = cum - pw
                    # clip((allowed - before) / pw, 0, 1) without the division where the
                    # clip decides (the same value)
                    room_ = alw - before
                    if bad or room_ <= 0.0:
                        fr = 0.0
                    elif room_ >= pw:
                        fr = 1.0
                    else:
                        fr = min(max(room_ / (pw if pw > 0 else 1.0), 0.0), 1.0)
                    frb[a] = fr
                # ... then the stranded part leaves, slot by slot (a slot that runs in
                # full has no leavers: zero terms)
                if not disp_init:
                    for a in range(A):
                        rel_tot[a] = 0.0
                        ug_tot[a] = 0.0
                    disp_init = True
                n_rel = 0
                n_ug = 0
                for a in range(A):
                    c = cap[r, a]
                    rs = c * frb[a]
                    leave = (c - rs) * rate
                    c2 = c - leave
                    cap[r, a] = c2
                    runnable[r, a] = min(rs, c2)
                    lr = leave * reloc
                    lu = leave * ugs
                    scr_pol += leave - lr - lu
                    ug_out += lu
                    rel_out += lr
                    rel_tot[a] += lr
                    ug_tot[a] += lu
                    n_rel += 1 if lr != 0.0 else 0
                    n_ug += 1 if lu != 0.0 else 0
                if n_rel > 0:
                    any_rel = True
                if n_ug > 0:
                    any_ug = True
            # relocation of the leavers: abroad by the siting weights, or underground
            if cn_ug >= 0 and any_ug:
                sl = t % L
                for a in range(A):
                    ug[sl, a] += ug_tot[a]
            if any_rel:
                for r in range(R):
                    acc_rel[r] = access[r] * (1.0 if not_ug[r] else 0.0)
                cmin_rel = _cmin(site_cost[t], headroom, acc_rel)
                if depth <= 0 and cmin_rel == cmin_new:
                    # the same weights as the new machines' where relocation may go (its
                    # access is theirs there): normalised again, no exponentials
                    tot = 0.0
                    for r in range(R):
                        wr = raw[r] if acc_rel[r] > 0 else 0.0
                        w_rel[r] = wr
                        tot += wr
                    for r in range(R):
                        w_rel[r] = w_rel[r] / tot if tot > 0 else 0.0
                else:
                    # depth > 0: the new machines' scale; 0: the least cost of where
                    # relocation may go (steps.siting_scale)
                    sc = scale_new
                    if depth <= 0:
                        sc = _scale(
                            site_cost[t], headroom, acc_rel, net_gw, c_ref, 0.0, cmin_rel, order
                        )
                    _siting_weights(site_cost[t], headroom, net_gw, acc_rel, beta, sc, w_rel, raw)
                ws = 0.0
                for r in range(R):
                    ws += w_rel[r]
                if ws > 0:
                    for r in range(R):
                        wr = w_rel[r]
                        if wr == 0.0:
                            continue
                        tr_live[r] = True
                        for a in range(A):
                            add = wr * rel_tot[a]
                            transit[r, a] = transit[r, a] + add
                            tr_sum += add
                    has_transit = True
                else:
                    lost = 0.0
                    for a in range(A):
                        lost += rel_tot[a]
                    scr_pol += lost
                    rel_out -= lost
            # 6. dispatch by merit order (units that cannot run are zero: skipped)
            rev = revenue[t, n]
            # (run is all zero here: the outputs pass of the last month cleared it; units
            # after the marginal one stay idle)
            cum_h = 0.0
            hh = 0.0
            he = 0.0
            i0 = np.uint64(0)
            blk = 0
            while i0 < n_units:
                i1 = min(i0 + np.uint64(_BLOCK), n_units)
                # every unit of the block is run in full, then checked at once: the block
                # stands if its dearest unit runs at the block's cumulative hash rate
                # (costs and cumulative hash rate rise along the merit order; the dearest
                # unit's cost is bounded by the month's table, so the check is
                # conservative: a block that fails it is taken unit by unit)
                bs = 0.0
                hb = 0.0
                eb = 0.0
                for i in range(i0, i1):
                    k = merit[t, i]
                    th = rnb_f[k] * 1e6
                    x = th * 1e-6
                    run_f[k] = x
                    bs += th
                    hb += x
                    eb += x * merit_eff[t, i]
                c_last = blk_cost_max[t, blk] * pue
                blk += 1
                if c_last * (cum_h + bs) <= rev * (1.0 - 1e-12):
                    cum_h += bs
                    hh += hb
                    he += eb
                    i0 = i1
                    continue
                # the block holds the marginal unit: unit by unit, the rest of it idle
                stop = False
                for i in range(i0, i1):
                    k = merit[t, i]
                    if stop:
                        run_f[k] = 0.0
                        continue
                    v = rnb_f[k]
                    if v == 0.0:
                        continue
                    th = v * 1e6
                    cum_h += th
                    c = merit_eff[t, i] * pue * KWH * merit_cost[t, i]
                    if c * cum_h <= rev:
                        x = th * 1e-6
                    else:
                        prev = cum_h - th
                        part = min(max(rev / c - prev, 0.0), th)
                        x = (part if prev * c < rev else 0.0) * 1e-6
                        stop = True
                    run_f[k] = x
                    hh += x
                    he += x * merit_eff[t, i]
                if stop:
                    break
                i0 = i1
            scale = 1.0
            if use_basket:
                h_ths = max(hh * 1e6, 1e-9)
                theta = (rev / (h_ths * _SECONDS_PER_DAY)) / (0.05 / _J_PER_KWH)
                theta = min(theta, theta_cap[t])
                thr = np.inf if np.isnan(theta) else theta
                kk = np.searchsorted(b_eff, thr)
                wb = b_cum_w[t, kk]
                beff = b_cum_we[t, kk] / wb if wb > 0 else b_first[t]
                e_hash = he / max(hh, _EPS)
                if hh > _EPS and np.isfinite(beff):
                    scale = beff / max(e_hash, _EPS)
            # outputs, 7. economic scrapping and the stocks, in one pass
            scr_econ = 0.0
            st_cap = 0.0
            s_h = 0.0
            s_i = 0.0
            s_p = 0.0
            s_e = 0.0
            s_m = 0.0
            s_s = 0.0
            for r in range(R):
                x = 0.0
                hr = 0.0
                ir = 0.0
                if live[r]:  # (an empty row's run is zero: its runnable was)
                    st_r = 0.0
                    for a in range(A):
                        rn = run[r, a]
                        run[r, a] = 0.0  # for the next month's dispatch
                        c = cap[r, a]
                        x += rn * g[a]
                        hr += rn
                        ir += c
                        q = max(runnable[r, a] - rn, 0.0) * scrap_rate
                        scr_econ += q
                        c = max(c - q, 0.0)
                        cap[r, a] = c
                        st_r += c
                    st_cap += st_r
                    live[r] = st_r != 0.0  # (no slot is negative after the max)
                p = x * scale
                e = p * hours[t] * 1e-3
                nom = min(p, ex_gw[r]) if ban[t, r] > 0 else 0.0
                xs = nom / max(p, _EPS) if p > 0 else 0.0
                g_int = intensity[t, r]
                g_su = sust_share[t, r]
                if marginal:  # steps.outputs: curtailed hydro left after the exempt load
                    rest = p - nom
                    fc = 0.0
                    if rest > 0:
                        fc = min(1.0, max(acc * curt[cv, t, r] - nom, 0.0) / max(rest, _EPS))
                    g_int = (1 - fc) * g_int + fc * curt_int
                    g_su = (1 - fc) * g_su + fc
                inten = (1 - xs) * g_int + xs * ex_int
                su = (1 - xs) * g_su + xs
                em = e * inten * 1e-3
                se = e * su
                if full:
                    out_full[0, t, n, r] = hr
                    out_full[1, t, n, r] = ir
                    out_full[2, t, n, r] = p
                    out_full[3, t, n, r] = e
                    out_full[4, t, n, r] = em
                    out_full[5, t, n, r] = se
                else:
                    if t < hash_reg.shape[0]:
                        hash_reg[t, n, r] = hr
                    s_h += hr
                    s_i += ir
                    s_p += p
                    s_e += e
                    s_m += em
                    s_s += se
            if not full:
                out_tot[0, t, n] = s_h
                out_tot[1, t, n] = s_i
                out_tot[2, t, n] = s_p
                out_tot[3, t, n] = s_e
                out_tot[4, t, n] = s_m
                out_tot[5, t, n] = s_s
            # 8. orders
            c_inv = 0.0
            cmin = np.inf
            for r in range(R):
                c_inv += w_new[r] * site_cost[t, r]
                cmin = min(cmin, site_cost[t, r])
            if not c_inv > 0:
                c_inv = cmin
            c_new = eff_new[t] * pue * KWH * c_inv
            g_max = min(short_growth, sup_growth) if in_shortage[t] else sup_growth
            exp_rev = exp_rev + (rev - exp_rev) / exp_months
            h_star = exp_rev / (c_new / (1.0 - hurdle)) * 1e-6
            st_tr = tr_sum if has_transit else 0.0
            for j in range(l_max):
                for a in range(A):
                    st_tr += ug[j, a]
            orders = invest * (h_star - (st_cap + st_tr) - backlog)
            orders = max(orders, -backlog)
            orders = min(orders, max(presale * install / gw_per_ehs - backlog, 0.0))
            backlog = backlog + orders
            dk = (backlog / D * gw_per_ehs - install) / sup_adjust
            install = install + min(dk, g_max * install)
            install = max(install, floor)
            flows[0, t, n] = orders
            flows[1, t, n] = delivered
            flows[2, t, n] = backlog
            flows[3, t, n] = retired
            flows[4, t, n] = scr_econ
            flows[5, t, n] = scr_pol
            flows[6, t, n] = rel_out
            flows[7, t, n] = rel_in
            flows[8, t, n] = ug_out
            flows[9, t, n] = ug_in
            flows[10, t, n] = st_cap + st_tr
            flows[11, t, n] = st_tr
            flows[12, t, n] = gone


@numba.njit(cache=True, error_model="numpy")
def _site_cap(allowed, inst, coal, group, share):
    """:func:`hashcarbon.models.world.steps.site_caps` of one rule for one run."""
    R = allowed.shape[0]
    G = 0.0
    C = 0.0
    ncoal = 0
    for r in range(R):
        load = min(inst[r], allowed[r])
        if group[r]:
            G += load
        if coal[r]:
            C += load
            ncoal += 1
    limit = share * G
    for r in range(R):
        if coal[r]:
            load = min(inst[r], allowed[r])
            split = load / max(C, _EPS) if C > 0 else 1.0 / max(ncoal, 1)
            allowed[r] = min(allowed[r], limit * split)


@numba.njit(cache=True, error_model="numpy")
def _seasonal(cap, g, allowed, price_t, pool_idx, mobility, buf, move, sent, rec):
    """:func:`hashcarbon.models.world.steps.seasonal_moves` for one run (``cap`` in place).

    ``buf`` (8, K), ``move`` (K, K), ``sent`` (K, A) and ``rec`` (A,) are work buffers."""
    K = pool_idx.shape[0]
    A = g.shape[0]
    pp, ap, pr, room, share, left, out_gw, frac_out = (
        buf[0],
        buf[1],
        buf[2],
        buf[3],
        buf[4],
        buf[5],
        buf[6],
        buf[7],
    )
    wsum = 0.0
    for i in range(K):
        r = pool_idx[i]
        x = 0.0
        for a in range(A):
            x += cap[r, a] * g[a]
        pp[i] = x
        ap[i] = allowed[r]
        pr[i] = price_t[r]
        room[i] = np.inf if np.isinf(ap[i]) else max(ap[i] - pp[i], 0.0)
        share[i] = pp[i] + 1e-6 if (room[i] > HEADROOM_MIN_GW and ap[i] > 0) else 0.0
        wsum += share[i]
    for j in range(K):
        share[j] = share[j] / wsum if wsum > 0 else 0.0
    # push the excess
    for i in range(K):
        excess = max(pp[i] - ap[i], 0.0)
        lf = 0.0
        for j in range(K):
            m = min(excess * share[j], room[j]) if i != j else 0.0
            move[i, j] = m
            lf += m
        left[i] = pp[i] - lf
    # pull by cheaper provinces with finite headroom from dearer donors
    tot = 0.0
    wp = 0.0
    for i in range(K):
        tot += pp[i]
        wp += pp[i] * pr[i]
    avg = wp / max(tot, _EPS)
    for j in range(K):
        dsum = 0.0
        for i in range(K):
            if pr[i] > pr[j] and i != j:
                dsum += max(left[i], 0.0)
        fr_room = 0.0 if np.isinf(room[j]) else room[j]
        amount = mobility * min(fr_room, dsum) if pr[j] < avg else 0.0
        frac = amount / dsum if dsum > 0 else 0.0
        for i in range(K):
            if pr[i] > pr[j] and i != j:
                move[i, j] += max(left[i], 0.0) * frac
            else:
                move[i, j] += 0.0
    for i in range(K):
        o = 0.0
        for j in range(K):
            o += move[i, j]
        out_gw[i] = o
        frac_out[i] = min(o / pp[i], 1.0) if pp[i] > 0 else 0.0
    moving = False
    for i in range(K):
        r = pool_idx[i]
        for a in range(A):
            sent[i, a] = cap[r, a] * frac_out[i]
        for j in range(K):
            move[i, j] = move[i, j] / out_gw[i] if out_gw[i] > 0 else 0.0  # destination share
        if frac_out[i] > 0:
            moving = True
    if not moving:
        return
    # what each province receives, summed over the donors in order (the other terms are
    # zeros: no share or nothing sent)
    for j in range(K):
        rj = pool_idx[j]
        for a in range(A):
            rec[a] = 0.0
        for i in range(K):
            m = move[i, j]
            if m != 0.0 and frac_out[i] > 0:
                for a in range(A):
                    rec[a] += sent[i, a] * m
        for a in range(A):
            cap[rj, a] = cap[rj, a] - sent[j, a] + rec[a]


def _hosting_args(inp, V: int, R: int, N: int):
    """Kernel arguments of the hosting build-out limit: the (V, R) region mask, one row
    per cap variant (all False when ``use_hosting_limit`` = 0), and the (N,) growth
    [1/month] and floor [GW/month]."""
    mask = getattr(inp, "host_mask", None)
    if mask is None:
        mask = np.zeros((V, R), dtype=np.bool_)
    mask = np.broadcast_to(np.asarray(mask, dtype=np.bool_).reshape(-1, R), (V, R))
    P = inp.P
    g = np.broadcast_to(np.asarray(P.get("hosting_growth_per_month", 0.0), dtype=float), (N,))
    a = np.broadcast_to(np.asarray(P.get("hosting_floor_gw_per_month", 0.0), dtype=float), (N,))
    return _c(mask, np.bool_), _c(g[:N]), _c(a[:N])


def _c(x, dtype=None):
    return np.ascontiguousarray(x, dtype=dtype)


def run(inp, n_runs: int, full: bool = True, regional_hash_months: int = 0):
    """Run the kernel for the ``n_runs`` runs of ``inp`` (a chunk's or the ensemble's
    :class:`~hashcarbon.models.world.model.Inputs`).

    ``regional_hash_months`` [month] (totals mode only): also keep the running hash rate
    by region of the first that many months (history matching needs country shares).

    Returns
    -------
    out : (6, T, N, R) float32 (``full``) or (6, T, N) float64 world monthly totals, in the
        order of :data:`hashcarbon.models.world.model.OUT_NAMES`
    flows : (13, T, N) float64, in the order of :data:`~hashcarbon.models.world.model.FLOW_NAMES`
    hash_reg : (regional_hash_months, N, R) float32 [EH/s], only when
        ``regional_hash_months`` > 0 and not ``full``
    """
    P, lv = inp.P, inp.lv
    N = int(n_runs)
    if not 0 < N <= inp.revenue.shape[1]:  # the kernel does not check bounds
        raise ValueError(f"n_runs: expected 1..{inp.revenue.shape[1]}, got {N}")
    T, R = inp.base_cap.shape[-2:]
    if inp.cap_variant is None:  # every run has the same cap kinds: one variant
        base_cap, curt_gw = inp.base_cap[None], inp.curt_gw[None]
        cap_var = np.zeros(N, dtype=np.int64)
    else:
        base_cap, curt_gw = inp.base_cap, inp.curt_gw
        cap_var = np.ascontiguousarray(inp.cap_variant[:N], dtype=np.int64)
    prm = np.empty((len(PER_RUN), N))
    for i, name in enumerate(PER_RUN):
        prm[i] = np.broadcast_to(np.asarray(P[name], dtype=float), (N,))
    # the reference sorts the merit order with a scalar PUE, with PUE = 1 for per-run ones
    pue_order = None if isinstance(P["pue"], np.ndarray) else float(P["pue"])
    # slot efficiencies, the orders, and the efficiency and price of each unit in merit
    # order (sequential reads in the kernel)
    eff_t, eff_order, merit, merit_eff, merit_cost, eff_max, blk_cost_max = month_tables(
        inp.eff_pre, inp.eff_new, inp.cost, pue_order
    )
    l_max = int(np.max(np.maximum(np.round(prm[2]), 1.0)))
    S = len(lv.site_caps)
    sc_coal = np.zeros((S, R), dtype=np.bool_)
    sc_group = np.zeros((S, R), dtype=np.bool_)
    sc_share = np.zeros(S)
    sc_on = np.zeros((S, T), dtype=np.bool_)
    for k, (coal, group, share, on) in enumerate(lv.site_caps):
        sc_coal[k], sc_group[k], sc_share[k], sc_on[k] = coal, group, share, on
    theta_cap = np.max(lv.min_eff_max_j_per_th, axis=1)
    b = inp.basket
    if b is None:
        b_eff, b_cw, b_cwe, b_first = np.zeros(1), np.zeros((T, 2)), np.zeros((T, 2)), np.zeros(T)
    else:
        b_eff, b_cw, b_cwe, b_first = b.eff_sorted, b.cum_w, b.cum_we, b.first_eff
    if full:
        out = np.zeros((6, T, N, R), dtype=np.float32)
        tot = np.zeros((6, 1, 1))
    else:
        out = np.zeros((6, 1, 1, 1), dtype=np.float32)
        tot = np.zeros((6, T, N))
    t_reg = 0 if full else max(0, min(int(regional_hash_months), T))
    hash_reg = np.zeros((t_reg, N, R) if t_reg else (0, 1, 1), dtype=np.float32)
    flows = np.zeros((13, T, N))
    kernel(
        bool(full),
        T,
        float(inp.h0_ehs),
        _c(inp.initial_share, float),
        int(P["initial_fleet_purchase_months"]),
        eff_t,
        eff_order,
        merit,
        merit_eff,
        merit_cost,
        _c(inp.eff_new, float),
        _c(inp.retire_frac, float),
        bool(np.any(inp.retire_frac[1:])),
        _c(inp.hours, float),
        _c(inp.price, float),
        _c(inp.intensity, float),
        _c(inp.cost, float),
        _c(inp.site_cost, float),
        # regions by siting cost each month (stable, as steps.siting_scale)
        _c(np.argsort(inp.site_cost, axis=1, kind="stable"), np.int64),
        _c(base_cap, float),
        _c(curt_gw, float),
        _c(inp.revenue[:, :N], float),
        _c(inp.in_shortage, np.bool_),
        _c(inp.sust_share, float),
        _c(inp.pool_idx, np.uint32),
        _c(inp.pool, np.bool_),
        _c(inp.not_ug, np.bool_),
        int(inp.cn_ug),
        _c(lv.ban_frac, float),
        bool(lv.ban_of_load),
        _c(lv.exit_rate, float),
        _c(lv.reloc_share, float),
        _c(lv.reloc_kind, np.int8),
        _c(lv.ug_share, float),
        _c(lv.exempt_mode, np.int8),
        _c(lv.exempt_leak, float),
        _c(lv.exempt_idle, np.bool_),
        _c(lv.policy_cap_gw, float),
        _c(lv.cap_idle, np.bool_),
        _c(lv.min_eff_max_j_per_th, float),
        eff_max,
        _c(theta_cap, float),
        _c(lv.ug_open, np.bool_),
        sc_coal,
        sc_group,
        sc_share,
        sc_on,
        b is not None,
        _c(b_eff, float),
        _c(b_cw, float),
        _c(b_cwe, float),
        _c(b_first, float),
        prm,
        l_max,
        out,
        tot,
        hash_reg,
        flows,
        cap_var,
        *_hosting_args(inp, base_cap.shape[0], R, N),
        blk_cost_max,
    )
    if t_reg:
        return tot, flows, hash_reg
    return (out if full else tot), flows
