r"""The monthly step of the world model: a state and one pure function per sub-step.

Notation (all per run :math:`n`; most also per region :math:`r` and vintage slot
:math:`a`):

=====================  ==========================================================  ===========
symbol                 meaning                                                     unit
=====================  ==========================================================  ===========
:math:`K_{nra}`        installed capacity (``State.cap``)                          EH/s
:math:`S_{nra}`        machines shipped abroad, in transit (``State.transit``)     EH/s
:math:`U_{nla}`        machines re-entering China underground, ``l`` = arrival     EH/s
                       month mod the delay (``State.ug_transit``)
:math:`B_n`            order backlog (``State.backlog``)                           EH/s
:math:`I_n`            installation capacity (``State.install_gw``)                GW/month
:math:`\hat R_n`       expected revenue (``State.exp_rev``)                        USD/day
:math:`\varepsilon_a`  efficiency of slot ``a`` (``State.eff_slot``)               J/TH
:math:`g_a`            power per hash rate :math:`\varepsilon_a\,PUE\,10^{-3}`     GW per EH/s
=====================  ==========================================================  ===========

Every flow of month :math:`t` is computed from the states at its start and applied
before the next sub-step (Euler, :math:`\Delta t` = 1 month), in the order of
:func:`hashcarbon.models.world.model.step_month`.  Functions take arrays and return
new arrays; they never modify their arguments.  Parameters come as a mapping ``P``
whose values are floats or, for the ``per_run`` rows of ``parameters.csv``, arrays of
shape ``(N,)`` over the runs of the chunk: every function broadcasts over the run axis.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from hashcarbon.units import KWH_PER_THS_DAY_PER_J_PER_TH

__all__ = [
    "State",
    "allowed_power",
    "basket_scale",
    "deliver",
    "dispatch",
    "displace",
    "fill_within_headroom",
    "hosting_limit",
    "order",
    "outputs",
    "relocate",
    "retire",
    "scrap",
    "seasonal_moves",
    "site",
    "site_caps",
    "siting_scale",
    "siting_weights",
    "underground_limit",
]

_EPS = 1e-12
#: Least headroom a region needs to take new or relocated machines [GW] (1 W).  Below it
#: the headroom is rounding: a cap filled exactly (seasonal moves fill to the cap) leaves
#: +-1e-13 GW, and a region with such a remnant would take every new machine when it is
#: the only open one, a switch decided by the order of floating-point sums.
HEADROOM_MIN_GW = 1e-9


def col(value, ndim: int):
    """A per-run parameter as a column that broadcasts against an array of ``ndim`` dims
    with runs first; a scalar is returned unchanged."""
    if isinstance(value, np.ndarray) and value.ndim == 1:
        return value.reshape((-1,) + (1,) * (ndim - 1))
    return value


def gw(x: np.ndarray, g_per: np.ndarray) -> np.ndarray:
    r"""Power of a capacity array: :math:`\sum_a x_{\dots a}\, g_a` [GW] for ``x`` in EH/s.

    ``g_per`` is (A,) or, with a per-run ``pue``, (N, A) [GW per EH/s]; ``x`` is
    (N, R, A).
    """
    if g_per.ndim == 2:
        # stacked matmul: bitwise the same sums as ``x[n] @ g_per[n]`` of a scalar run
        return np.matmul(x, g_per[:, :, None])[..., 0]
    return x @ g_per


def ring_index(t: int, delay):
    """Slot ``t mod L`` of the underground pipeline: an int, or (N,) ints for per-run
    delays ``L`` (``underground_delay_months``)."""
    return t % delay


def ring_take(ug: np.ndarray, slot) -> np.ndarray:
    """The (N, A) row ``slot`` of each run of ``ug`` (N, L, A); ``slot`` int or (N,)."""
    if np.ndim(slot) == 0:
        return ug[:, slot, :]
    return ug[np.arange(ug.shape[0]), slot, :]


def outflow(stock, delay_months):
    r"""Monthly outflow of a first-order delay, limited by the stock.

    .. math:: F = S / \tau \ \text{ for } \tau \ge 1,\qquad F = S \ \text{ for }
              \tau < 1

    With an Euler step of one month, :math:`S/\tau` exceeds the stock when
    :math:`\tau` < 1 month and the stock would turn negative (issue 16 item 2); the
    outflow is therefore capped by the stock.  ``delay_months`` may be a scalar or a
    per-run column.
    """
    return np.where(delay_months >= 1.0, stock / np.maximum(delay_months, 1.0), stock)


@dataclass(frozen=True)
class State:
    """Stocks of one chunk of runs at the start of a month (see the module table)."""

    cap: np.ndarray  # (N, R, A) EH/s
    eff_slot: np.ndarray  # (A,) J/TH
    transit: np.ndarray  # (N, R, A) EH/s
    ug_transit: np.ndarray  # (N, L, A) EH/s
    backlog: np.ndarray  # (N,) EH/s
    install_gw: np.ndarray  # (N,) GW/month
    exp_rev: np.ndarray  # (N,) USD/day


# ---------------------------------------------------------------- 1. retire
def survival_retire_fraction(max_age_months: int, weights=None) -> np.ndarray:
    r"""Share of a vintage's remaining stock retired at each age [-], shape (A,).

    With ``weights`` :math:`w_0, w_1, \dots` per whole year of age (CBECI 2023:
    1, 0.8, 0.6, 0.4, 0.2, :data:`hashcarbon.energy.AGE_WEIGHTS_2023`), the stock of a
    vintage follows :math:`w_{\lfloor k/12 \rfloor}` of its purchase: at age
    :math:`k = 12j` the share :math:`1 - w_j / w_{j-1}` of what is left retires, and all of
    it at ``max_age_months``.  ``weights=None`` is the CBECI v1 rule (all machines kept
    for ``max_age_months``, then retired at once).
    """
    A = int(max_age_months)
    f = np.zeros(A)
    f[0] = 1.0  # age A == age 0 of the ring: the slot is emptied for the month's purchases
    if weights is not None:
        w = list(weights)
        for j in range(1, len(w)):
            k = 12 * j
            if k < A:
                f[k] = 1.0 - w[j] / w[j - 1] if w[j - 1] > 0 else 1.0
    return f


def retire(st: State, t: int, eff_new_t: float, retire_frac: np.ndarray | None = None):
    r"""Age retirement: machines leave by age; the slot bought ``A`` months ago is reused.

    .. math:: k_a = (t - a) \bmod A,\quad Q_{n} = \sum_{r,a} f_{k_a}\,(K_{nra} + S_{nra})
              + \sum_{l,a} f_{k_a} U_{nla},\quad X \leftarrow (1 - f_{k_a}) X,\quad
              \varepsilon_{t \bmod A} \leftarrow \varepsilon^{new}_t

    with :math:`f` from :func:`survival_retire_fraction` (``retire_frac``; default: only
    age :math:`A`, :math:`f_0 = 1`).  Units: EH/s.  Source: CBECI counts machines for at
    most 5 years (``max_age_months``) and, in its 2023 model, weights them 1, 0.8, 0.6,
    0.4, 0.2 by year of age (Cambridge CBECI methodology,
    https://ccaf.io/cbnsi/cbeci/methodology; :func:`hashcarbon.energy.age_weights_2023`).

    Returns
    -------
    state : State
    retired_ehs, retired_in_transit_ehs : (N,) arrays [EH/s]
    """
    A = st.eff_slot.shape[0]
    s = t % A
    cap, transit, ug = st.cap.copy(), st.transit.copy(), st.ug_transit.copy()
    if retire_frac is None or not retire_frac[1:].any():
        gone_transit = st.transit[:, :, s].sum(axis=1) + st.ug_transit[:, :, s].sum(axis=1)
        retired = st.cap[:, :, s].sum(axis=1) + gone_transit
        cap[:, :, s] = 0.0
        transit[:, :, s] = 0.0
        ug[:, :, s] = 0.0
    else:
        f = retire_frac[(t - np.arange(A)) % A]  # (A,) by slot
        q_cap, q_tr, q_ug = cap * f, transit * f, ug * f
        gone_transit = q_tr.sum(axis=(1, 2)) + q_ug.sum(axis=(1, 2))
        retired = q_cap.sum(axis=(1, 2)) + gone_transit
        cap -= q_cap
        transit -= q_tr
        ug -= q_ug
        cap[:, :, s] = 0.0  # exact zero for the reused slot
        transit[:, :, s] = 0.0
        ug[:, :, s] = 0.0
    eff = st.eff_slot.copy()
    eff[s] = eff_new_t
    return replace(st, cap=cap, transit=transit, ug_transit=ug, eff_slot=eff), retired, gone_transit


# ---------------------------------------------------------------- power allowed by policy
def allowed_power(
    inst_gw, base_cap_t, policy_cap_t, ban_t, mode_t, curt_gw_t, leak_t, sust_share, of_load=False
):
    r"""Power each region may draw before site caps [GW], shape (N, R).

    .. math:: \bar P_{nr} = C_r (1 - b_r) + b_r \min\big(C_r,\; X_{nr} (1 + \ell_r)\big)

    with :math:`C_r = \min(\text{cap}_r, \text{policy cap}_r)` [GW] (``inf`` when
    uncapped), ban fraction :math:`b_r`, exempt supply :math:`X` = the curtailed hydro
    reachable by miners (curtailed exemption) or the sustainable share of the installed
    load (clean exemption) and metering leak :math:`\ell_r`.  Policy semantics:
    :mod:`hashcarbon.models.world.policies`.
    """
    N = inst_gw.shape[0]
    # (R,) rows, or (N, R) with a per-run curtailed_access_share
    base = np.atleast_2d(base_cap_t)
    curt = np.atleast_2d(curt_gw_t)
    pol_cap = np.minimum(base, policy_cap_t[None, :])
    b = ban_t
    ex_gw = np.where(mode_t[None, :] == 1, curt, 0.0) * np.ones((N, 1))
    ex_gw = np.where((mode_t == 2)[None, :], sust_share[None, :] * inst_gw, ex_gw)
    ex_allow = ex_gw * (1.0 + leak_t)[None, :]
    ref = pol_cap
    if of_load:
        ref = np.where(b[None, :] > 0.0, np.minimum(pol_cap, inst_gw), pol_cap)
    with np.errstate(invalid="ignore"):
        keep = np.where(b[None, :] < 1.0, ref * (1.0 - b[None, :]), 0.0)  # inf stays inf
    return keep + b[None, :] * np.minimum(pol_cap, ex_allow), ex_gw


def hosting_limit(allowed, inst_gw, trans_gw, mask, growth, floor_gw):
    r"""Hosting build-out limit: a region's power may grow only as fast as sites are built.

    .. math:: \bar P_{nr} \leftarrow \min\Big(\bar P_{nr},\;
              \max\big((1 + g_n)\,L_{nr},\; L_{nr} + a_n\big)\Big),\quad r \in M

    with :math:`L_{nr} = P^{inst}_{nr} + P^{transit}_{nr}` [GW] the hosting space in use or
    committed at the start of the month (installed machines, idle or not, and machines
    shipped to the region), growth :math:`g` = ``hosting_growth_per_month`` [1/month],
    floor :math:`a` = ``hosting_floor_gw_per_month`` [GW/month] (lets a region with no
    load start) and :math:`M` the regions it applies to (with ``use_hosting_limit`` = 1,
    the regions outside China without a capacity row:
    :func:`hashcarbon.models.world.model.hosting_mask`).  Where ``mask`` also holds a
    capped region the smaller limit holds.

    Proposal P1 of docs/notes/hosting_buildout.md: 6-12 months from decision to
    energised MW in 2020-22; growth in MW of Greenidge 6.0 %/month (2020-21, U11),
    Core Scientific 5.8 %/month in EH/s (Dec 2021 - Apr 2022, SEC filings, U7), Texas
    4.7 %/month (2022, A2), Kazakhstan 12 %/month (2021, K3).  Because the limit follows
    the load, unused capacity does not accumulate while a region is uncompetitive.

    Parameters
    ----------
    allowed : (N, R) array
        Power allowed by the other caps and policies [GW] (``inf`` = uncapped).
    inst_gw, trans_gw : (N, R) arrays
        Installed and in-transit load at the start of the month [GW].
    mask : (R,) or (N, R) bool array
        Regions the limit applies to (per run with per-run cap kinds).
    growth : float or (N,) array
        ``hosting_growth_per_month`` [1/month].
    floor_gw : float or (N,) array
        ``hosting_floor_gw_per_month`` [GW/month].

    Returns
    -------
    allowed : (N, R) array [GW]
    """
    load = inst_gw + trans_gw
    lim = np.maximum((1.0 + col(growth, 2)) * load, load + col(floor_gw, 2))
    m = mask if mask.ndim == 2 else mask[None, :]
    return np.where(m, np.minimum(allowed, lim), allowed)


def underground_limit(headroom, inst_gw, trans_gw, ug_index, on, growth, floor_gw):
    r"""Hosting build-out limit of China's underground region, on the month's new machines.

    .. math:: h_{nu} \leftarrow \min\big(h_{nu},\; \max(g_n L_{nu},\; a_n)\big)
              \quad \text{where } o_n = 1

    with :math:`u` the underground region, :math:`h` [GW] the headroom the month's new
    machines are placed within (:func:`fill_within_headroom`), :math:`L_{nu} =
    P^{inst}_{nu} + P^{transit}_{nu}` [GW] its load at the start of the month, growth
    :math:`g` = ``underground_growth_per_month`` [1/month], floor :math:`a` =
    ``hosting_floor_gw_per_month`` [GW/month] and :math:`o` = ``use_underground_limit``.
    The siting weights are computed before the limit (the underground keeps its logit
    weight; what exceeds the limit goes to the other regions by the water filling), and
    displaced machines returning underground through the underground pipeline are not
    limited.  Hidden sites are assumed to be built no faster than visible ones: the
    default and range are those of ``hosting_growth_per_month`` (docs/notes/
    hosting_buildout.md: Greenidge 6.0 %/month, Core Scientific 5.8 %/month, Texas 4.7
    %/month, Kazakhstan 12 %/month).  No source states the underground load; the limit
    replaces the uncapped region of rounds 3-7, which reached 26 % of the network in Oct
    2025 against Hashrate Index's ~14 % (docs/world.md, round 8).

    Parameters
    ----------
    headroom : (N, R) array
        Headroom for new machines [GW] (``inf`` = uncapped).
    inst_gw, trans_gw : (N, R) arrays
        Installed and in-transit load at the start of the month [GW].
    ug_index : int
        Column of the underground region, -1 if none (``headroom`` is returned as is).
    on : float or (N,) array
        ``use_underground_limit`` (> 0.5 = on).
    growth : float or (N,) array
        ``underground_growth_per_month`` [1/month].
    floor_gw : float or (N,) array
        ``hosting_floor_gw_per_month`` [GW/month].

    Returns
    -------
    headroom : (N, R) array [GW], a new array when the limit applies
    """
    N = headroom.shape[0]
    on_n = np.broadcast_to(np.asarray(on, dtype=float), (N,)) > 0.5
    if ug_index < 0 or not on_n.any():
        return headroom
    h = headroom.copy()
    load = inst_gw[:, ug_index] + trans_gw[:, ug_index]
    g = np.broadcast_to(np.asarray(growth, dtype=float), (N,))
    a = np.broadcast_to(np.asarray(floor_gw, dtype=float), (N,))
    lim = np.minimum(h[:, ug_index], np.maximum(g * load, a))
    h[:, ug_index] = np.where(on_n, lim, h[:, ug_index])
    return h


def site_caps(allowed, inst_gw, caps, t):
    r"""Site regulation: the listed regions together may hold ``share`` of their group's load.

    .. math:: \bar P_{nr} \leftarrow \min\Big(\bar P_{nr},\; s\, G_n\,
              \frac{L_{nr}}{\sum_{r' \in coal} L_{nr'}}\Big),\ r \in coal

    with :math:`L = \min(\text{installed}, \bar P)` [GW] and :math:`G_n` the group's load.
    The limit is split among the listed regions in proportion to their load (equally when
    they hold none).  Jiang et al. 2021 (doi:10.1038/s41467-021-22256-3) define the lever
    as the share of miners sited in coal regions.
    """
    for coal, group, share, on in caps:
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


# ---------------------------------------------------------------- 3. site
def _open_least_cost(c, headroom_gw, access):
    """Regions that may take machines (access > 0 and more than :data:`HEADROOM_MIN_GW`
    of headroom), (N, R) bool, and their least cost :math:`c_{min}` [USD/kWh], (N, 1)
    (1 where none is open); ``fast._cmin`` is the kernel's twin."""
    ok = (access > 0) & (headroom_gw > HEADROOM_MIN_GW)
    cmin = np.min(np.where(ok, c[None, :], np.inf), axis=1, keepdims=True)
    return ok, np.where(np.isfinite(cmin), cmin, 1.0)


def siting_scale(cost_usd_per_kwh, headroom_gw, network_gw, access, c_ref=0.0, depth=0.0):
    r"""Cost scale :math:`s` of the siting logit [USD/kWh], shape (N, 1).

    - ``c_ref`` > 0 (``siting_cost_reference_usd_per_kwh``): that fixed scale (at least
      1e-6 USD/kWh, as every scale here);
    - else ``depth`` :math:`q` > 0 (``siting_scale_depth_share``): the mean cost of the
      cheapest :math:`Q = q P` GW of headroom (:math:`P` the network load [GW]), filled in
      order of cost over the regions that may take machines,

      .. math:: s = \frac{\sum_r c_r x_r}{\sum_r x_r}, \quad
                x_r = \min\big(h_r, \max(Q - \textstyle\sum_{c_k < c_r} h_k, 0)\big),

      the cost at which the cheapest sites could host a block of the network's size.  It
      moves continuously as headroom opens or fills: a region with a few MW left
      weighs by those MW (round 10: with the least cost, 4 MW of Malaysian headroom set the
      scale of every region's weight, and J stepped by up to 9 % between physically
      equivalent parameter values, docs/world.md);
    - else (``depth`` 0, rounds 3-9): the least cost :math:`c_{min}` of the regions that
      may take machines, which jumps when the cheapest region's headroom opens or fills.

    The same rule for every run; ``c_ref`` and ``depth`` may be (N,) arrays.
    """
    c = np.asarray(cost_usd_per_kwh, dtype=float)
    acc = np.broadcast_to(np.asarray(access, dtype=float), headroom_gw.shape)
    ok, cmin = _open_least_cost(c, headroom_gw, acc)
    scale = np.maximum(cmin, 1e-6)
    q = col(depth, 2)
    if np.any(q > 0):
        order = np.argsort(c, kind="stable")
        h = np.where(ok, headroom_gw, 0.0)[:, order]
        # headroom of the cheaper regions (exclusive sum; inf once an uncapped one is passed)
        prev = np.concatenate([np.zeros((h.shape[0], 1)), np.cumsum(h, axis=1)[:, :-1]], axis=1)
        Q = q * np.asarray(network_gw, dtype=float)[:, None]
        x = np.minimum(h, np.maximum(Q - prev, 0.0))
        took = x.sum(axis=1, keepdims=True)
        mean = (x * c[order][None, :]).sum(axis=1, keepdims=True) / np.where(took > 0, took, 1.0)
        scale = np.where((q > 0) & (took > 0), np.maximum(mean, 1e-6), scale)
    ref = col(c_ref, 2)
    # every scale is floored at 1e-6 USD/kWh (a subnormal c_ref would overflow the ratio)
    return np.where(ref > 0, np.maximum(ref, 1e-6), scale)


def siting_weights(
    cost_usd_per_kwh, headroom_gw, network_gw, access, beta, c_ref=0.0, depth=0.0, scale=None
):
    r"""Share of new or relocated capacity going to each region.

    .. math:: w_r \propto a_r \, e^{-\beta (c_r - c_{min}) / s} \,
              \frac{h_r}{h_r + P}

    with cost :math:`c_r` [USD/kWh] (electricity + carbon), headroom :math:`h_r` [GW]
    (``inf`` for an uncapped region, whose last factor is then 1; a region with less than
    :data:`HEADROOM_MIN_GW` takes nothing), network load
    :math:`P` [GW] and access :math:`a_r` (0 where policy forbids).  A logit siting rule
    on relative cost with a saturating capacity term; the functional form is an
    assumption (the sources give costs and caps, not siting behaviour), ``beta``
    (``alloc_cost_sensitivity``) is fitted.  :math:`c_{min}` (the least cost of the regions
    that may take machines) cancels in the normalisation; the cost scale :math:`s`
    [USD/kWh] is :func:`siting_scale` of ``c_ref`` and ``depth``, or ``scale`` (N, 1) when
    given (relocation uses the new machines' scale).

    Parameters
    ----------
    cost_usd_per_kwh : (R,) array
    headroom_gw : (N, R) array, >= 0 or inf
    network_gw : (N,) array
    access : (R,) or (N, R) array in [0, 1]
    beta : float or (N,) array
    c_ref : float or (N,) array [USD/kWh], 0 for no fixed scale
    depth : float or (N,) array [-], ``siting_scale_depth_share``
    scale : (N, 1) array [USD/kWh], optional

    Returns
    -------
    w : (N, R) array, rows sum to 1 (or 0 when no region can take capacity)
    """
    c = np.asarray(cost_usd_per_kwh, dtype=float)
    acc = np.broadcast_to(np.asarray(access, dtype=float), headroom_gw.shape)
    ok, cmin = _open_least_cost(c, headroom_gw, acc)
    if scale is None:
        scale = siting_scale(c, headroom_gw, network_gw, acc, c_ref, depth)
    rel = (c[None, :] - cmin) / scale
    finite = np.where(np.isinf(headroom_gw), 0.0, headroom_gw)
    h = np.where(
        np.isinf(headroom_gw), 1.0, finite / (finite + np.maximum(network_gw[:, None], 1e-3))
    )
    w = np.where(ok, acc * np.exp(-col(beta, 2) * np.clip(rel, 0, 50)) * h, 0.0)
    tot = w.sum(axis=1, keepdims=True)
    return np.where(tot > 0, w / np.where(tot > 0, tot, 1.0), 0.0)


def fill_within_headroom(w, amount_gw, headroom_gw):
    r"""Placement shares of a month's new machines that respect each region's headroom.

    Water filling: :math:`x_r = \min(h_r, \lambda w_r)` [GW] with :math:`\lambda` such
    that :math:`\sum_r x_r = A` (``amount_gw``), i.e. the amount is spread by the siting
    weights :math:`w_r`, a region that would get more than its headroom :math:`h_r` is
    filled, and the rest is spread again over the others by their weights.  Only when
    every region with weight is full does the remainder go by the weights beyond the
    headroom (so no machine is lost; the next month's displacement moves it).  Without
    this step a region whose weight dominates (a cheap region with a little headroom)
    takes the whole month's deliveries, far beyond its cap (docs/world.md, round 6).

    Parameters
    ----------
    w : (N, R) siting weights, rows summing to 1 or 0
    amount_gw : (N,) power of the month's new machines [GW]
    headroom_gw : (N, R) headroom [GW], ``inf`` where uncapped

    Returns
    -------
    (N, R) shares, rows summing to 1 (``w`` where the amount or the weights are 0)
    """
    w = np.asarray(w, dtype=float)
    amount = np.broadcast_to(np.asarray(amount_gw, dtype=float), w.shape[:1])
    room = np.where(w > 0, np.asarray(headroom_gw, dtype=float), 0.0)
    alloc = np.zeros_like(w)
    left = amount.copy()
    active = w > 0
    for _ in range(w.shape[1]):
        wa = np.where(active, w, 0.0)
        ws = wa.sum(axis=1)
        go = (left > 0) & (ws > 0)
        if not go.any():
            break
        give = np.where(go[:, None], left[:, None] * wa / np.where(ws > 0, ws, 1.0)[:, None], 0.0)
        over = active & (give >= room - alloc) & go[:, None]
        # rows where nothing overflows take their whole share; elsewhere the overflowing
        # regions are filled and the rest is spread again
        none_over = go & ~over.any(axis=1)
        alloc = np.where(none_over[:, None], alloc + give, alloc)
        filled = np.where(over, room - alloc, 0.0)
        alloc = alloc + filled
        left = np.where(none_over, 0.0, left - filled.sum(axis=1))
        active = active & ~over
    # every region with weight is full: the remainder goes by the weights, beyond headroom
    rest = np.maximum(left, 0.0)
    alloc = alloc + rest[:, None] * w
    ok = (amount > 0) & (w.sum(axis=1) > 0)
    return np.where(ok[:, None], alloc / np.where(amount > 0, amount, 1.0)[:, None], w)


def site(
    site_cost_t,
    allowed,
    inst_gw,
    trans_gw,
    open_r,
    new_ok,
    ug_index,
    ug_access,
    beta,
    c_ref=0.0,
    depth=0.0,
):
    r"""Siting weights of the month's new machines and where relocated ones may go.

    Access :math:`a_{nr} = [\bar P_{nr} > 0]\,[\text{open}_r]\,[\varepsilon^{new} \le
    \varepsilon^{max}_r]`, the underground region weighted ``underground_access`` once
    it has opened; headroom :math:`h_{nr} = \max(\bar P_{nr} - P^{inst}_{nr} -
    P^{transit}_{nr}, 0)` [GW]; weights by :func:`siting_weights`.

    Returns
    -------
    w_new : (N, R) weights of new machines
    access, headroom : (N, R) arrays (reused by relocation in :func:`displace`)
    scale : (N, 1) cost scale of the logit (:func:`siting_scale`; relocation uses it
        when ``depth`` > 0)
    """
    access = (allowed > 0).astype(float) * open_r[None, :]
    access = access * new_ok[None, :]
    if ug_index >= 0:
        access[:, ug_index] = ug_access
    headroom = np.maximum(allowed - inst_gw - trans_gw, 0.0)
    net_gw = inst_gw.sum(axis=1)
    scale = siting_scale(site_cost_t, headroom, net_gw, access, c_ref, depth)
    w = siting_weights(site_cost_t, headroom, net_gw, access, beta, scale=scale)
    return w, access, headroom, scale


# ---------------------------------------------------------------- 2. deliver
def deliver(
    st: State,
    t: int,
    w_new,
    gw_per_ehs,
    g_per,
    D,
    relocation_delay,
    ug_index,
    ug_delay=None,
    headroom_gw=None,
):
    r"""Arrivals of shipped machines and deliveries of new ones, each with its own constraint.

    .. math::
        A_{nra} = S_{nra} / \max(\tau_{rel}, 1)\quad(\text{all of } S \text{ when }
        \tau_{rel} < 1)

        D_n = [\textstyle\sum_r w_{nr} > 0]\,\min\big(B_n / d,\; I_n / g^{new}\big)

    Relocated machines are limited by shipping and hosting space only, through their
    first-order delay :math:`\tau_{rel}` = ``relocation_delay_months`` (inferred from >2
    million machines moved and ~700,000 still in warehouses in Nov 2021, 5 months after
    the shutdowns, regional_inputs.md §5).  New machines are limited by the ASIC supply
    :math:`I_n` [GW/month] (:func:`order`; throttled in the 2021-22 chip shortage) and
    the shortest order-to-delivery time :math:`d` = ``delivery_delay_months``; they are
    placed by the siting weights :math:`w_{nr}` into this month's slot.  The two flows no
    longer share one installation capacity (issue 10: sharing it made July-August 2021
    too low or 2022-25 too high).  Underground machines re-enter China after a fixed
    delay, unlimited (small scattered sites): slot :math:`t \bmod L_n` of the pipeline,
    :math:`L_n` = ``ug_delay`` (``underground_delay_months``, int or (N,) per run;
    default the pipeline's length).  ``D`` and ``gw_per_ehs`` may be per run (N,).
    ``headroom_gw`` ((N, R) [GW], ``inf`` where uncapped; ``site_within_headroom``):
    the new machines are placed within it (:func:`fill_within_headroom`); None places
    them by the weights alone.  Units: EH/s per month.

    Returns
    -------
    state : State
    flows : dict of (N,) arrays ``relocated_in``, ``delivered``, ``underground_in``
    placed_share : (N, R) shares of the month's new machines by region (``w_new``, or
        its filling within ``headroom_gw``)
    """
    A = st.eff_slot.shape[0]
    s = t % A
    arr = outflow(st.transit, col(relocation_delay, 3))
    transit = st.transit - arr
    cap = st.cap + arr
    can_site = w_new.sum(axis=1) > 0
    d = np.where(can_site, np.minimum(st.backlog / D, st.install_gw / gw_per_ehs), 0.0)
    backlog = st.backlog - d
    if headroom_gw is not None:  # site_within_headroom: see fill_within_headroom
        w_new = fill_within_headroom(w_new, d * gw_per_ehs, headroom_gw)
    placed = d[:, None] * w_new
    cap[:, :, s] += placed
    flows = {"relocated_in": arr.sum(axis=(1, 2)), "delivered": placed.sum(axis=1)}
    ug = st.ug_transit
    if ug_index >= 0:
        L = ug.shape[1] if ug_delay is None else ug_delay
        slot = ring_index(t, L)
        ug = ug.copy()
        ug_arr = ring_take(ug, slot).copy()
        if np.ndim(slot) == 0:
            ug[:, slot, :] = 0.0
        else:
            ug[np.arange(ug.shape[0]), slot, :] = 0.0
        cap[:, ug_index, :] += ug_arr
        flows["underground_in"] = ug_arr.sum(axis=1)
    return replace(st, cap=cap, transit=transit, ug_transit=ug, backlog=backlog), flows, w_new


# ---------------------------------------------------------------- 4. seasonal moves
def seasonal_moves(cap, inst_gw, allowed, price_t, pool_idx, mobility):
    r"""Seasonal moves between the provinces of China's pool; returns the new ``cap``.

    Push: power above a province's allowed cap moves to the other pool provinces that
    may run, in proportion to their load and within their headroom:
    :math:`M^{push}_{ij} = \max(P_i - \bar P_i, 0)\, \frac{P_j}{\sum_{k} P_k}`,
    capped by :math:`j`'s headroom.  Pull: a province :math:`j` cheaper than the
    load-weighted pool price with headroom :math:`h_j` pulls
    :math:`m \min(h_j, \sum_i L_i)` from dearer donors :math:`i`, in proportion to
    their remaining load :math:`L_i`; each donor sends the same fraction of every slot.
    A province receives pushed load only with more than :data:`HEADROOM_MIN_GW` of room.
    Units: GW, converted per slot.  :math:`m` = ``cn_seasonal_mobility`` (assumption;
    Cambridge's 2020 wet-season swing Sichuan 14.9 % -> 61.1 % of China,
    estimators.md §2.3, is the evidence for large monthly moves).
    """
    cap = cap.copy()
    N = cap.shape[0]
    Pp = inst_gw[:, pool_idx]  # (N, K)
    Ap = allowed[:, pool_idx]
    pr = price_t[pool_idx]
    K = len(pool_idx)
    move = np.zeros((N, K, K))  # GW from i to j
    # push excess
    excess = np.maximum(Pp - Ap, 0.0)
    room = np.where(np.isinf(Ap), np.inf, np.maximum(Ap - Pp, 0.0))
    recv = (room > HEADROOM_MIN_GW) & (Ap > 0)  # 1 W: below it the room is rounding
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
    amount = np.where(cheaper, col(mobility, 2) * np.minimum(finite_room, dsum), 0.0)
    frac = np.where(dsum > 0, amount / np.where(dsum > 0, dsum, 1.0), 0.0)
    move += (dload * frac[:, :, None]).transpose(0, 2, 1)
    out_gw = move.sum(axis=2)  # (N, K)
    frac_out = np.where(Pp > 0, np.minimum(out_gw / np.where(Pp > 0, Pp, 1.0), 1.0), 0.0)
    sub = cap[:, pool_idx, :]  # (N, K, A) copy
    sent = sub * frac_out[:, :, None]
    dest_share = np.where(
        out_gw[:, :, None] > 0, move / np.where(out_gw > 0, out_gw, 1.0)[:, :, None], 0.0
    )
    received = np.einsum("nia,nij->nja", sent, dest_share)
    cap[:, pool_idx, :] = sub - sent + received
    return cap


# ---------------------------------------------------------------- 5. displace
@dataclass(frozen=True)
class DisplaceRules:
    """Month-``t`` rows of the policy levers that :func:`displace` needs, shape (R,)."""

    min_eff_max: np.ndarray  # J/TH
    exit_rate: np.ndarray  # 1/month, nan = no displacing policy
    exempt_idle: np.ndarray  # bool
    policy_cap_gw: np.ndarray
    cap_idle: np.ndarray  # bool
    reloc_share: np.ndarray
    ug_share: np.ndarray
    mode: np.ndarray  # exemption mode
    pool: np.ndarray  # bool, China's seasonal pool


def displace(cap, eff_slot, g_per, allowed, rules: DisplaceRules, strand_exit):
    r"""The most efficient machines get the allowed power; stranded capacity leaves.

    Per region, units in increasing :math:`\varepsilon_a` run while their cumulative
    power fits :math:`\bar P_{nr}` (machines above an efficiency standard never run):

    .. math:: \rho_{nra} = K_{nra}\,\mathrm{clip}\Big(\frac{\bar P_{nr} -
              \sum_{a' \prec a} K_{nra'} g_{a'}}{K_{nra} g_a}, 0, 1\Big),\quad
              X_{nra} = (K_{nra} - \rho_{nra})\, x_r

    with exit rate :math:`x_r` [1/month] = 1/``exit_months`` of a ban, site cap or
    market access; ``strand_exit_per_month`` under a falling cap; 0 where stranded
    capacity waits (China's pool, seasonal bans, dry-season exemption, idle caps).
    Leavers split into relocation abroad (share :math:`\sigma^{rel}_r`), underground
    (:math:`\sigma^{ug}_r`) and scrap.  Only regions where the cap binds or a standard
    applies are computed.

    Returns
    -------
    cap : (N, R, A) after the leavers left [EH/s]
    runnable : (N, R, A) capacity that may run this month [EH/s]
    to_relocate, to_underground : (N, A) leavers by slot, summed over regions [EH/s]
    flows : dict of (N,) ``scrapped_policy``, ``underground_out``, ``relocated_out``
    """
    N, _R, A = cap.shape
    bad_all = eff_slot[None, :] > rules.min_eff_max[:, None]  # (R, A)
    inst_now = gw(cap, g_per)
    need = (allowed < inst_now * (1.0 + 1e-12)).any(axis=0) | bad_all.any(axis=1)
    idx = np.flatnonzero(need)
    runnable = cap.copy()
    if not idx.size:
        zero, z = np.zeros((N, A)), np.zeros(N)
        flows = {"scrapped_policy": z, "underground_out": z.copy(), "relocated_out": z.copy()}
        return cap, runnable, zero, zero.copy(), flows
    cap = cap.copy()
    order_ = np.argsort(eff_slot, kind="stable")
    c_sub = cap[:, idx, :]
    bad = bad_all[idx]
    g3 = g_per[:, None, :] if g_per.ndim == 2 else g_per[None, None, :]
    pw_ok = np.where(bad[None], 0.0, c_sub * g3)  # GW
    cum = np.cumsum(pw_ok[:, :, order_], axis=2)
    before = np.empty_like(cum)
    before[:, :, order_] = cum - pw_ok[:, :, order_]
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        frac = np.clip(
            (allowed[:, idx, None] - before) / np.where(pw_ok > 0, pw_ok, 1.0),
            0.0,
            1.0,
        )
    frac = np.where(bad[None], 0.0, frac)
    run_sub = c_sub * frac
    stranded = c_sub - run_sub
    # exit rates: ban/site/market access (policy arrays), falling caps, idle
    ex = rules.exit_rate[idx]  # nan where no displacing policy
    rate = np.where(((rules.mode > 0) & rules.exempt_idle)[idx], 0.0, ex)
    pol_capped = np.isfinite(rules.policy_cap_gw[idx]) & np.isnan(rate)
    strand = col(strand_exit, 2)
    rate = np.where(pol_capped, np.where(rules.cap_idle[idx], 0.0, strand), rate)
    rate = np.where(np.isnan(rate) & rules.pool[idx], 0.0, rate)  # pool: seasonal moves
    rate = np.where(np.isnan(rate), strand, rate)
    rate = np.atleast_2d(rate)  # (1 or N, |idx|)
    # reloc_share is (R,) or (N, R) (per-run site / market-access relocate shares)
    reloc = np.atleast_2d(np.where(np.isnan(ex), 1.0, rules.reloc_share[..., idx]))
    ugs = np.where(np.isnan(ex), 0.0, rules.ug_share[idx])
    leave = stranded * rate[:, :, None]
    c_sub = c_sub - leave
    cap[:, idx, :] = c_sub
    runnable[:, idx, :] = np.minimum(run_sub, c_sub)
    l_rel = leave * reloc[:, :, None]
    l_ug = leave * ugs[None, :, None]
    l_scrap = leave - l_rel - l_ug
    rel_tot = l_rel.sum(axis=1)
    flows = {
        "scrapped_policy": l_scrap.sum(axis=(1, 2)),
        "underground_out": l_ug.sum(axis=(1, 2)),
        "relocated_out": rel_tot.sum(axis=1),
    }
    return cap, runnable, rel_tot, l_ug.sum(axis=1), flows


def relocate(transit, ug_transit, t, to_relocate, to_underground, w_rel, flows, ug_delay=None):
    r"""Ship the leavers: abroad by the siting weights, or into China's underground pipeline.

    .. math:: S_{nra} \leftarrow S_{nra} + w^{rel}_{nr}\, Q^{rel}_{na},\qquad
              U_{n, t \bmod L, a} \leftarrow U_{n, t \bmod L, a} + Q^{ug}_{na}

    :math:`w^{rel}` are :func:`siting_weights` with the underground region closed
    (machines go abroad legally); where no region can take them they are scrapped.
    Units: EH/s.

    Returns
    -------
    transit, ug_transit : new arrays
    flows : ``flows`` with ``scrapped_policy`` and ``relocated_out`` updated
    """
    flows = dict(flows)
    if ug_transit.shape[1] and to_underground is not None:
        ug_transit = ug_transit.copy()
        slot = ring_index(t, ug_transit.shape[1] if ug_delay is None else ug_delay)
        if np.ndim(slot) == 0:
            ug_transit[:, slot, :] += to_underground
        else:
            ug_transit[np.arange(ug_transit.shape[0]), slot, :] += to_underground
    if to_relocate.any():
        nowhere = w_rel.sum(axis=1) == 0
        transit = transit + w_rel[:, :, None] * to_relocate[:, None, :]
        # nowhere to go: the shipped machines are scrapped
        lost = np.where(nowhere, to_relocate.sum(axis=1), 0.0)
        flows["scrapped_policy"] = flows["scrapped_policy"] + lost
        flows["relocated_out"] = flows["relocated_out"] - lost
    return transit, ug_transit, flows


# ---------------------------------------------------------------- 6. dispatch
def dispatch(runnable, eff_slot, pue, cost_t, revenue_t):
    r"""Merit order: which runnable capacity runs, given the month's revenue.

    Unit cost of (region, slot) :math:`k`:
    :math:`c_k = \varepsilon_a\,PUE\,0.024\,(p_r + \tau_r I_r 10^{-6})`
    [USD/(TH/s)/day] (0.024 kWh per TH/s-day per J/TH, :mod:`hashcarbon.units`).  Units
    run in increasing cost while :math:`c_k H_k \le R` with :math:`H_k` the cumulative
    running hash rate [TH/s] and :math:`R` the revenue [USD/day]: the hashprice
    :math:`R/H` that the difficulty adjustment implies must cover the unit's cost.  The
    marginal unit runs in part, :math:`R/c_k - H_{k-1}`.  Difficulty is implied: it
    follows the running hash rate (:mod:`hashcarbon.chain`).

    Returns
    -------
    run : (N, R, A) running hash rate [EH/s]
    """
    N, R, A = runnable.shape
    if np.ndim(pue) == 0:
        unit_cost = (eff_slot[None, :] * pue * KWH_PER_THS_DAY_PER_J_PER_TH) * cost_t[:, None]
        flat_cost = unit_cost.ravel()
        k_ord = np.argsort(flat_cost, kind="stable")
        c_sorted = flat_cost[k_ord]
    else:
        # a per-run PUE scales every unit cost of a run alike: the merit order is that of
        # PUE = 1, the sorted costs are each run's own (N, R*A)
        k_ord = np.argsort(
            ((eff_slot[None, :] * KWH_PER_THS_DAY_PER_J_PER_TH) * cost_t[:, None]).ravel(),
            kind="stable",
        )
        pue = np.asarray(pue, dtype=float)
        unit_cost = (
            eff_slot[None, None, :] * pue[:, None, None] * KWH_PER_THS_DAY_PER_J_PER_TH
        ) * cost_t[None, :, None]
        c_sorted = unit_cost.reshape(N, R * A)[:, k_ord]
    ths = runnable.reshape(N, R * A)[:, k_ord] * 1e6
    cum_h = np.cumsum(ths, axis=1)
    rev = revenue_t[:, None]
    # c_sorted and cum_h are non-decreasing, so c * cum_h is too (rounding is monotone)
    # and the units that run in full are a prefix of k_full units
    c2 = np.atleast_2d(c_sorted)  # (1 or N, R*A)
    k_full = np.count_nonzero(c2 * cum_h <= rev, axis=1)
    cols = np.arange(R * A)
    run_sorted = np.where(cols[None, :] < k_full[:, None], ths, 0.0)
    rows = np.flatnonzero(k_full < R * A)
    if rows.size:
        km = k_full[rows]
        th_m = ths[rows, km]
        prev_m = cum_h[rows, km] - th_m
        c_m = c2[rows if c2.shape[0] > 1 else 0, km]
        rev_m = rev[rows, 0]
        part = np.clip(rev_m / c_m - prev_m, 0.0, th_m)
        run_sorted[rows, km] = np.where(prev_m * c_m < rev_m, part, 0.0)
    run = np.empty_like(run_sorted)
    run[:, k_ord] = run_sorted
    return run.reshape(N, R, A) * 1e-6


def basket_scale(run, eff_slot, basket_eff_j_per_th):
    r"""Ratio of the energy module's basket efficiency to the hash-weighted efficiency of
    the running vintages, per run [-], shape (N,).

    .. math:: \bar\varepsilon^{hash}_n = \frac{\sum_{r,a} \text{run}_{nra}
              \varepsilon_a}{\sum_{r,a} \text{run}_{nra}},\qquad
              s_n = \bar\varepsilon^{bsk}_n / \bar\varepsilon^{hash}_n

    with :math:`\bar\varepsilon^{bsk}_n` the CBECI-2023 basket of the catalogue at the
    run's own profitability threshold
    (:meth:`hashcarbon.models.world.inputs.Basket.efficiency`): every profitable model
    released within 5 years counts with its age weight 1, 0.8, 0.6, 0.4, 0.2 whatever its
    sales, the accounting of :func:`hashcarbon.energy.estimate` (``cbeci-2023``).  With
    ``fleet_accounting = 1`` the power of every region is multiplied by :math:`s_n`, so
    the world energy is running hash rate x basket efficiency x PUE as in ``estimate``;
    regional differences of the vintage mix are kept.  1 where either is undefined.
    Source: Cambridge CBECI 2023 methodology (https://ccaf.io/cbnsi/cbeci/methodology).
    """
    r_a = run.sum(axis=1)  # (N, A)
    h = r_a.sum(axis=1)
    e_hash = (r_a @ eff_slot) / np.maximum(h, _EPS)
    ok = (h > _EPS) & np.isfinite(basket_eff_j_per_th)
    return np.where(ok, np.nan_to_num(basket_eff_j_per_th) / np.maximum(e_hash, _EPS), 1.0)


def outputs(
    run,
    g_per,
    hours_t,
    ban_t,
    ex_gw,
    intensity_t,
    sust_share,
    exempt_intensity,
    scale=None,
    curt_gw_t=None,
    marginal=0.0,
    curtailed_intensity=0.0,
):
    r"""Power, energy, emissions and sustainable energy of the running machines.

    .. math:: P_{nr} = s_n \sum_a \text{run}_{nra} g_a,\quad E_{nr} = P_{nr} h_t 10^{-3},
              \quad \text{CO2}_{nr} = E_{nr}\,\big[(1-x_{nr}) I^{acc}_{nr} + x_{nr}
              I^{ex}\big]\,10^{-3}

    with :math:`s_n` = ``scale`` (:func:`basket_scale`; 1 when ``None``: the
    hash-weighted vintage fleet)
    with :math:`x_{nr} = \min(P_{nr}, X_{nr}) / P_{nr}` the exempt share of a banned
    region's load, :math:`I^{ex}` = ``exempt_intensity_g_per_kwh`` (CCAF's hydro
    lifecycle factor, estimators.md §2.4).

    Accounting of the non-exempt load (``marginal_accounting`` :math:`m`, 0 or 1 per run):
    grid average :math:`I^{acc}_{nr} = I_{rt}` (:math:`m = 0`; ``estimate --accounting
    average``), or marginal (:math:`m = 1`): the curtailed hydro miners can reach,
    :math:`C_{nr}` = ``curt_gw_t`` (after ``curtailed_access_share``), less what the
    exempt load uses first, supplies the fraction

    .. math:: f_{nr} = \min\Big(1,\ \frac{\max(C_{nr} - x_{nr} P_{nr},\,0)}
              {(1 - x_{nr}) P_{nr}}\Big),\qquad
              I^{acc}_{nr} = (1 - f_{nr}) I_{rt} + f_{nr} I^{curt}

    at :math:`I^{curt}` = ``curtailed_intensity_g_per_kwh`` (~0: spilled water, china_policy.md
    §3.4), the formula of :func:`hashcarbon.pipeline.region_intensity_g_per_kwh`
    (``accounting="marginal"``) with the world's own load and reachable curtailment.  The
    sustainable share counts that fraction as sustainable.  Units: GW, TWh, Mt CO2e.
    """
    p_run = gw(run, g_per)
    if scale is not None:
        p_run = p_run * scale[:, None]
    e_twh = p_run * hours_t * 1e-3
    exempt_gw_nom = np.where(ban_t[None, :] > 0, np.minimum(p_run, ex_gw), 0.0)
    exempt_share = np.where(p_run > 0, exempt_gw_nom / np.maximum(p_run, _EPS), 0.0)
    grid_int = intensity_t[None, :]
    grid_sust = sust_share[None, :]
    m = np.asarray(marginal, dtype=float)
    if curt_gw_t is not None and np.any(m > 0.5):
        left = np.maximum(np.atleast_2d(curt_gw_t) - exempt_gw_nom, 0.0)
        rest = p_run - exempt_gw_nom
        f = np.where(rest > 0, np.minimum(1.0, left / np.maximum(rest, _EPS)), 0.0)
        f = f * col(m > 0.5, 2)
        grid_int = (1 - f) * grid_int + f * col(curtailed_intensity, 2)
        grid_sust = (1 - f) * grid_sust + f
    inten = (1 - exempt_share) * grid_int + exempt_share * col(exempt_intensity, 2)
    sust = (1 - exempt_share) * grid_sust + exempt_share
    return p_run, e_twh, e_twh * inten * 1e-3, e_twh * sust


# ---------------------------------------------------------------- 7. scrap
def scrap(cap, runnable, run, scrap_rate):
    r"""Economic scrapping of runnable but unprofitable capacity.

    .. math:: K_{nra} \leftarrow \max\big(K_{nra} - \sigma\,\max(\rho_{nra} -
              \text{run}_{nra}, 0),\ 0\big)

    :math:`\sigma` = ``scrap_idle_per_month`` [1/month] (assumption: 'retirement by
    lasting unprofitability').  Returns the new ``cap`` and the scrapped (N,) [EH/s].
    """
    idle_econ = np.maximum(runnable - run, 0.0)
    scr = idle_econ * col(scrap_rate, 3)
    cap = cap - scr
    np.maximum(cap, 0.0, out=cap)
    return cap, scr.sum(axis=(1, 2))


# ---------------------------------------------------------------- 8. order
def order(st: State, revenue_t, c_new, gw_per_ehs, g_per, g_max, D, P, install_floor_gw=0.0):
    r"""Orders and the installation capacity (stock adjustment, Sterman 2000 ch. 17).

    .. math::
        \hat R \leftarrow \hat R + (R_t - \hat R)/\tau_{exp},\qquad
        H^{*} = \frac{\hat R\,(1 - \eta)}{c^{new}}\,10^{-6}

        O = \min\big(\max(\kappa (H^{*} - K - S - U - B), -B),\;
            \max(m\,I/g^{new} - B, 0)\big),\qquad B \leftarrow B + O

        I \leftarrow I + \min\Big(\frac{B g^{new}/d - I}{\tau_I}, \gamma_t I\Big)

    :math:`I` is the ASIC supply [GW of new machines per month]; relocated machines do
    not use it (:func:`deliver`).  :math:`c^{new}` [USD/(TH/s)/day] is the running cost of a new machine at the
    siting-weighted cost, :math:`\eta` = ``hurdle_margin``, :math:`\kappa` =
    ``invest_rate_per_month``, :math:`m` = ``presale_months``, :math:`\tau_I` =
    ``supply_adjust_months``, :math:`\gamma_t` the growth limit (``
    shortage_growth_max_per_month`` during the chip shortage).  Units: EH/s, GW/month.

    Returns
    -------
    state : State
    orders : (N,) [EH/s per month]
    """
    exp_rev = st.exp_rev + (revenue_t - st.exp_rev) / col(P["expectation_months"], 1)
    hp_required = c_new / (1.0 - col(P["hurdle_margin"], 1))
    h_star = exp_rev / hp_required * 1e-6  # EH/s
    supply_line = (
        st.cap.sum(axis=(1, 2)) + st.transit.sum(axis=(1, 2)) + st.ug_transit.sum(axis=(1, 2))
    )
    orders = col(P["invest_rate_per_month"], 1) * (h_star - supply_line - st.backlog)
    orders = np.maximum(orders, -st.backlog)
    max_backlog = col(P["presale_months"], 1) * st.install_gw / gw_per_ehs
    orders = np.minimum(orders, np.maximum(max_backlog - st.backlog, 0.0))
    backlog = st.backlog + orders
    want_gw = backlog / D * gw_per_ehs
    dk = (want_gw - st.install_gw) / col(P["supply_adjust_months"], 1)
    install_gw = st.install_gw + np.minimum(dk, g_max * st.install_gw)
    # the supply never falls below its Jan-2014 level: growth is limited in proportion
    # to it, so a supply of 0 (an empty backlog with a 1-month adjustment) would never
    # restart
    install_gw = np.maximum(install_gw, install_floor_gw)
    return replace(st, exp_rev=exp_rev, backlog=backlog, install_gw=install_gw), orders
