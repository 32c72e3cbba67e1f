"""The compiled fast path of the world model equals the numpy reference (issue 11 item 5).

Hypothesis draws every ``per_run`` parameter within its table bounds (as per-run arrays or
as scalars), the structural switches (retirement profile, energy accounting, cap kinds) and
one of six policy settings; both engines run the same runs and every output and flow must
agree within the stated tolerance (can fail: any equation of :mod:`~hashcarbon.models.
world.fast` that departs from :mod:`~hashcarbon.models.world.steps` shows here).

Tolerance: ``rtol = 1e-6`` plus ``atol = 1e-9`` (in the variable's unit) plus 1e-5 of the
month's world total (regional outputs) or installed fleet (flows).  The two engines add the
same terms in different orders (numpy's pairwise sums and BLAS against sequential and
reassociated loops), ~1e-13 relative on the float64 flows; the outputs are stored as
float32 (~6e-8).  Two things need the world-relative part, both found by this test:

* a region emptied by a policy keeps remnants (1e-30 EH/s in one engine, 3e-8 in the other,
  in a collapsing 0.9 EH/s network), differences of world-scale terms;
* in the oscillating corner of the priors (``invest_rate_per_month`` near 1 with 1-2 month
  expectations: orders swing by +-1,500 EH/s from month to month) the order loop amplifies
  rounding ~10-100x a month, and the engines part by ~2e-6 of the fleet by 2024 (the
  reference alone, perturbed by 1e-13, moves too).

The draws are derandomised for CI; 60 further random draws passed at this tolerance.  The
two ratios (intensity, sustainable share) are compared where the region's energy exceeds
1e-6 TWh: where a policy emptied a region its energy is a float32 remnant (~1e-40 TWh) and
the ratio of two remnants is noise in either engine (energy and emissions themselves are
compared everywhere).
"""

from __future__ import annotations

import multiprocessing as mp
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from hashcarbon.errors import InputError
from hashcarbon.models import world
from hashcarbon.models.world import model
from hashcarbon.models.world.params import DEFAULTS

RTOL, ATOL = 1e-6, 1e-9
#: and 1e-5 of the month's world total (regions) or fleet (flows)
WORLD_RTOL = 1e-5
PER_RUN = [k for k, p in DEFAULTS.items() if p.per_run]
SCENARIOS = [
    "no-ban",  # the history, then no policy
    "china-ban-2021",
    "clean-exemption",
    "site-regulation",
    "market-access",
    "carbon-tax",
]
N = 3


#: ratios of two outputs (emissions / energy): compared where the energy is not a float32
#: remnant (a region emptied by a policy keeps ~1e-40 TWh, whose ratio is noise)
RATIOS = ("intensity_g_per_kwh", "sustainable_share")
MIN_ENERGY_TWH = 1e-6


def _assert_same(fast, ref):
    assert set(fast.data_vars) == set(ref.data_vars)
    live = ref["energy_twh"].values > MIN_ENERGY_TWH
    stock = np.abs(ref["flow_stock_end_ehs"].values)  # (time, run) [EH/s]
    for v in ref.data_vars:
        a, b = fast[v].values, ref[v].values
        tol = RTOL * np.abs(b) + ATOL
        if ref[v].dims == ("time", "region", "run"):
            # a region's value may be the remnant of a difference of world-scale terms;
            # sustainable energy is a part of the energy, so its scale is the world energy
            # (a corner with every parameter at a bound of the round-4 priors differs by
            # 1.4e-5 of the world's sustainable energy, 0.7e-5 of its energy, in one
            # emptied region-month while the world totals agree to 7e-7)
            scale = ref["energy_twh"] if v == "sustainable_energy_twh" else ref[v]
            tol = tol + WORLD_RTOL * np.abs(scale).sum("region").values[:, None, :]
        elif v.startswith("flow_"):
            tol = tol + WORLD_RTOL * stock
        if v in RATIOS:
            a, b, tol = a[live], b[live], tol[live]
        same = (np.abs(a - b) <= tol) | (np.isnan(a) & np.isnan(b))
        if not same.all():
            i = np.argwhere(~same)[0]
            raise AssertionError(
                f"{v}: {int((~same).sum())} values differ, first at {tuple(i)}: "
                f"fast {a[tuple(i)]!r}, reference {b[tuple(i)]!r}"
            )


@st.composite
def draws(draw):
    scenario = draw(st.sampled_from(SCENARIOS))
    seed = draw(st.integers(0, 2**16))
    unit = draw(st.lists(st.floats(0.0, 1.0), min_size=len(PER_RUN) * N, max_size=len(PER_RUN) * N))
    as_array = draw(st.lists(st.booleans(), min_size=len(PER_RUN), max_size=len(PER_RUN)))
    pars: dict[str, object] = {}
    u = np.asarray(unit).reshape(len(PER_RUN), N)
    for i, name in enumerate(PER_RUN):
        p = DEFAULTS[name]
        v = p.low + u[i] * (p.high - p.low)
        if p.integer:
            v = np.round(v)
        pars[name] = v if as_array[i] else float(v[0])
    pars["retirement_profile"] = float(draw(st.sampled_from([0, 1])))
    pars["fleet_accounting"] = float(draw(st.sampled_from([0, 1])))
    pars["use_measured_caps"] = float(draw(st.sampled_from([0, 1])))
    pars["use_hosting_limit"] = float(draw(st.sampled_from([0, 1])))
    end = draw(st.sampled_from(["2024-12", "2029-12"]))
    return scenario, seed, pars, end


@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,  # the same draws in every CI run (exploration: see the module doc)
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)
@given(draws())
def test_fast_equals_reference_on_random_draws(case):
    scenario, seed, pars, end = case
    kw = {"end": end, "n_runs": N, "seed": seed, "parameters": pars}
    fast = world.run(scenario, engine="fast", **kw)
    ref = world.run(scenario, engine="reference", **kw)
    try:
        _assert_same(fast, ref)
    except AssertionError:
        # Where the model decides a threshold by rounding, the reference itself moves as
        # far when one parameter is nudged by 1e-12 (a corner of the round-4 priors:
        # site regulation, 1-month expectations, slow strand exit, no measured caps,
        # see test_some_corners_are_sensitive_to_rounding_in_either_engine); such a
        # draw says nothing about the engines and is replaced by another.
        ref2 = world.run(scenario, engine="reference", **(kw | {"parameters": _nudged(pars)}))
        try:
            _assert_same(ref2, ref)
        except AssertionError:
            assume(False)
        raise


def _nudged(pars: dict) -> dict:
    """``pars`` with ``alloc_cost_sensitivity`` multiplied by 1 + 1e-12."""
    out = dict(pars)
    out["alloc_cost_sensitivity"] = np.asarray(out["alloc_cost_sensitivity"]) * (1 + 1e-12)
    return out


CORNER = {
    "pue": 1.01,
    "invest_rate_per_month": 0.119,
    "hurdle_margin": 0.505,
    "expectation_months": 1.0,
    "delivery_delay_months": 2.0,
    "supply_adjust_months": 3.29,
    "supply_growth_max_per_month": 0.155,
    "shortage_growth_max_per_month": 0.0,
    "presale_months": 5.32,
    "alloc_cost_sensitivity": 28.5,
    "cn_seasonal_mobility": 0.75,
    "strand_exit_per_month": 0.025,
    "relocation_delay_months": 3.0,
    "underground_delay_months": 2.0,
    "underground_access": 0.0,
    "scrap_idle_per_month": 0.0,
    "curtailed_access_share": 0.4,
    "exempt_intensity_g_per_kwh": 0.0,
    "initial_install_share_per_month": 0.01,
    "site_relocate_share": 0.6,
    "market_access_relocate_share": 0.5,
    "retirement_profile": 0.0,
    "fleet_accounting": 0.0,
    "use_measured_caps": 0.0,
}


def test_some_corners_are_sensitive_to_rounding_in_either_engine():
    # the kind of draw that the hypothesis test replaces: in this corner (site regulation,
    # placement by the weights alone, as when round 4 found it; placed within the
    # headroom, the shipped siting since round 6, it no longer moves) a split of 0.001
    # EH/s in Apr 2022 grows to 5-8 EH/s in Xinjiang by 2027.  Which way the split goes
    # is decided by rounding: the reference nudged by 1e-11..1e-9 parts from itself as far
    # as the fast engine parts from it, so the difference is the model's, not the
    # engine's.  Where the knife edge sits moves with the data (round 7 moved it from an
    # access share of 0.4 to 0.6-0.65), so two access shares are checked, each against
    # the largest move of six nudges.
    kw = {"end": "2029-12", "n_runs": 1, "seed": 0}
    d_ref_max = 0.0
    for access in (0.4, 0.6):
        corner = {
            **CORNER,
            "site_within_headroom": 0,
            "malaysia_illegal_power": 0,
            "curtailed_access_share": access,
        }
        ref = world.run("site-regulation", engine="reference", parameters=corner, **kw)
        fast = world.run("site-regulation", engine="fast", parameters=corner, **kw)
        d_ref = 0.0
        for f in (1e-11, -1e-11, 1e-10, -1e-10, 1e-9, -1e-9):
            nudged = {**corner, "curtailed_access_share": access * (1 + f)}
            ref2 = world.run("site-regulation", engine="reference", parameters=nudged, **kw)
            d_ref = max(d_ref, float(np.abs(ref2["hashrate_ehs"] - ref["hashrate_ehs"]).max()))
        d_fast = float(np.abs(fast["hashrate_ehs"] - ref["hashrate_ehs"]).max())
        assert d_fast <= 2 * d_ref + 1e-3, access
        d_ref_max = max(d_ref_max, d_ref)
    assert d_ref_max > 0.1  # the reference alone moves by more than 0.1 EH/s somewhere


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_fast_equals_reference_at_the_defaults(scenario):
    kw = {"end": "2035-12", "n_runs": 4, "seed": 7}
    _assert_same(
        world.run(scenario, engine="fast", **kw),
        world.run(scenario, **kw | {"engine": "reference"}),
    )


#: the hosting build-out limit where it binds: the US regions at the listed miners' price
#: (cheap, so they would take most new capacity) with the sourced Texas site loads
HOSTING = {"use_hosting_limit": 1, "us_miner_price": 2, "use_site_load_caps": 1}


@pytest.mark.parametrize("scenario", ["china-ban-2021", "no-ban"])
def test_fast_equals_reference_with_the_hosting_limit(scenario):
    kw = {"end": "2030-12", "n_runs": 3, "seed": 5, "parameters": HOSTING}
    fast = world.run(scenario, engine="fast", **kw)
    _assert_same(fast, world.run(scenario, engine="reference", **kw))
    # and the limit binds (else this test would not test it)
    free = world.run(scenario, engine="fast", **kw | {"parameters": {"us_miner_price": 2}})
    us = ["US-GA", "US-KY", "US-OT"]
    sel = {"region": us, "time": slice("2019-01", "2021-05")}
    assert float(fast["hashrate_ehs"].sel(**sel).sum()) < 0.8 * float(
        free["hashrate_ehs"].sel(**sel).sum()
    )


@pytest.mark.parametrize("scenario", ["china-ban-2021", "market-access"])
def test_fast_equals_reference_with_the_continuous_siting_scale(scenario):
    """siting_scale_depth_share > 0 (round 10): both engines take the logit's scale from
    the cheapest q x network load of headroom, relocation with the new machines' scale."""
    kw = {"end": "2026-12", "n_runs": 3, "seed": 3}
    pars = {"siting_scale_depth_share": np.array([0.02, 0.05, 0.1])}
    fast = world.run(scenario, engine="fast", parameters=pars, **kw)
    _assert_same(fast, world.run(scenario, engine="reference", parameters=pars, **kw))
    base = world.run(scenario, engine="fast", **kw)
    assert not np.allclose(fast["hashrate_ehs"].values, base["hashrate_ehs"].values)


def test_fast_equals_reference_for_a_ramped_ban_on_uncapped_regions(tmp_path):
    """ban_partial_months (round 11): a partial ban stops its share of an uncapped
    region's load in both engines (before round 11 it scaled the cap only, ``inf``, and a
    ramp did nothing until its last month), and a ban from the 20th bans 11/30 of its
    first month."""
    from hashcarbon.scenario import parse_scenario

    scen = parse_scenario(
        {
            "scenario": {"name": "ramp", "extends": "no-ban", "end": "2020-12"},
            "policy": [
                {
                    "type": "ban",
                    "regions": ["CN-XJ", "CN-NM", "US-OT"],
                    "start": "2019-06-20",
                    "ramp_months": 4,
                    "relocate_share": 0.6,
                    "underground_share": 0.0,
                }
            ],
        },
        "ramp.toml",
    )
    kw = {"end": "2020-12", "n_runs": 3, "seed": 4}
    regions = ["CN-XJ", "CN-NM", "US-OT"]

    def load(ds):
        return ds["hashrate_ehs"].sel(region=regions).sum(["region", "run"]).to_series()

    base = load(world.run("no-ban", **kw))
    share = {}
    for on in (0, 1):
        pars = {"ban_partial_months": on}
        fast = world.run(scen, engine="fast", parameters=pars, **kw)
        _assert_same(fast, world.run(scen, engine="reference", parameters=pars, **kw))
        share[on] = (load(fast) / base).loc["2019-05":"2019-10"].round(3)
    old, new = share[0].to_numpy(), share[1].to_numpy()  # May ... Oct 2019
    assert old[0] == new[0] == 1.0
    # rounds 1-10: the start rounds to July and the ramp does nothing until its last
    # month (October)
    assert (old[1:4] > 0.95).all()
    assert old[5] == 0.0
    # round 11: 11/30 x 1/4 of June banned, then 2/4, 3/4 of the load before the ban (a
    # linear ramp, not 1/4 of what is left: policies.ban_share_of_load), all by September
    # (measured 0.885, 0.579, 0.309 of the unbanned run)
    assert 0.85 < new[1] < 0.95
    assert 0.45 < new[2] < 0.65
    assert 0.2 < new[3] < 0.4
    assert new[4] == new[5] == 0.0


def test_totals_equal_the_regional_sums():
    kw = {"end": "2030-12", "n_runs": 5, "seed": 2}
    full = world.run("china-ban-2021", **kw)
    for engine in model.ENGINES:
        tot = world.run_totals("china-ban-2021", engine=engine, **kw)
        for v in ("energy_twh", "emissions_mt", "hashrate_ehs", "power_gw"):
            np.testing.assert_allclose(
                tot[v].values, full[v].sum("region").values, rtol=1e-6, err_msg=f"{engine} {v}"
            )


def _child_energy(seed):
    return float(world.run_totals("no-ban", end="2016-12", n_runs=2, seed=seed).energy_twh.sum())


@pytest.mark.skipif("fork" not in mp.get_all_start_methods(), reason="needs fork")
def test_a_forked_child_can_run_the_kernel_after_the_parent():
    here = _child_energy(1)  # the parent runs the parallel kernel first
    with ProcessPoolExecutor(1, mp_context=mp.get_context("fork")) as ex:
        # under GNU OpenMP's layer the child aborts: BrokenProcessPool
        there = ex.submit(_child_energy, 1).result(timeout=300)
    assert there == here


def test_engine_is_chosen_by_keyword_or_environment(monkeypatch):
    monkeypatch.setenv("HASHCARBON_WORLD_ENGINE", "reference")
    assert model.engine() == "reference"
    assert model.engine("fast") == "fast"
    monkeypatch.setenv("HASHCARBON_WORLD_ENGINE", "turbo")
    with pytest.raises(InputError, match="HASHCARBON_WORLD_ENGINE: expected fast or reference"):
        world.run("no-ban", end="2015-01")
    with pytest.raises(InputError, match="engine: expected fast or reference"):
        model.engine("warp")
