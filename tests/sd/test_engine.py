"""Hand-computed cases, vectorisation, errors and invariants of the hashcarbon.sd engine."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from hashcarbon import sd
from hashcarbon.errors import HashcarbonError, InputError, ParameterError


def one(ds, name):
    """Time series of ``name`` in the first run."""
    return ds[name].isel(run=0).to_numpy()


# ---------------------------------------------------------------------------
# hand-computed cases


def test_exponential_growth_is_euler():
    m = sd.Model("exp", stop=10.0, dt=0.5)
    r = m.constant("r", 0.1)
    x = m.stock("x", 2.0, inflows=["growth"])
    m.flow("growth", x * r)
    got = one(m.run(), "x")
    # Euler, in the engine's order of operations: x_{n+1} = x_n + dt * (x_n * r)
    want = [2.0]
    for _ in range(20):
        want.append(want[-1] + 0.5 * (want[-1] * 0.1))
    assert_array_equal(got, want)
    # and the closed form x_n = x_0 (1 + r dt)^n
    assert_allclose(got, 2.0 * 1.05 ** np.arange(21), rtol=1e-13)
    assert_array_equal(m.run().time.to_numpy(), np.arange(21) * 0.5)


def test_stock_with_inflow_and_outflow():
    m = sd.Model("bathtub", stop=3.0)
    s = m.stock("water", 50.0, inflows=["tap"], outflows=["drain"], units="l")
    m.flow("tap", 10.0, units="l/Month")
    m.flow("drain", 0.1 * s, units="l/Month")
    ds = m.run()
    assert_allclose(one(ds, "water"), [50.0, 55.0, 59.5, 63.55], rtol=1e-15)
    assert_allclose(one(ds, "drain"), [5.0, 5.5, 5.95, 6.355], rtol=1e-15)
    assert_allclose(one(ds, "tap"), [10.0] * 4)
    assert ds["water"].attrs["units"] == "l"
    assert ds["water"].attrs["kind"] == "stock"
    assert ds["drain"].attrs["kind"] == "flow"


def test_outputs_at_saveper_only():
    m = sd.Model("save", stop=4.0, dt=0.25, saveper=1.0)
    x = m.stock("x", 0.0, inflows=["f"])
    m.flow("f", 1.0)
    ds = m.run()
    assert_array_equal(ds.time.to_numpy(), [0, 1, 2, 3, 4])
    assert_allclose(one(ds, "x"), [0, 1, 2, 3, 4], rtol=1e-15)
    assert x.name == "x"


def test_lookup_clamps_at_both_ends():
    m = sd.Model("clamp", start=-5.0, stop=15.0, dt=5.0)
    tbl = m.lookup("tbl", [0.0, 10.0], [1.0, 3.0])
    m.aux("y", tbl(sd.TIME))
    assert_allclose(one(m.run(), "y"), [1.0, 1.0, 2.0, 3.0, 3.0])


def test_data_series_interpolates_and_holds():
    m = sd.Model("data", stop=6.0)
    m.data("price", [1.0, 3.0, 5.0], [10.0, 30.0, 20.0], units="USD")
    assert_allclose(one(m.run(), "price"), [10, 10, 20, 30, 25, 20, 20])


def test_if_then_else_switches():
    m = sd.Model("ite", stop=4.0)
    m.aux("y", sd.if_then_else(sd.TIME >= 3, 10.0, 20.0))
    m.aux("z", sd.if_then_else((sd.TIME > 0) & ~(sd.TIME == 2), 1.0, 0.0))
    m.aux("w", (sd.TIME < 2) | (sd.TIME != 4))
    ds = m.run()
    assert_array_equal(one(ds, "y"), [20, 20, 20, 10, 10])
    assert_array_equal(one(ds, "z"), [0, 1, 0, 1, 1])
    assert_array_equal(one(ds, "w"), [1, 1, 1, 1, 0])


def test_step_ramp_pulse_timing():
    m = sd.Model("timing", stop=6.0)
    m.aux("s", sd.step(5.0, 3.0))
    m.aux("r", sd.ramp(2.0, 1.0, 3.0))
    m.aux("p", sd.pulse(2.0, 2.0))
    m.aux("p0", sd.pulse(4.0, 0.0))  # width 0 = one TIME STEP (Vensim manual)
    ds = m.run()
    assert_array_equal(one(ds, "s"), [0, 0, 0, 5, 5, 5, 5])
    assert_array_equal(one(ds, "r"), [0, 0, 2, 4, 4, 4, 4])
    assert_array_equal(one(ds, "p"), [0, 0, 1, 1, 0, 0, 0])
    assert_array_equal(one(ds, "p0"), [0, 0, 0, 0, 1, 0, 0])


def test_step_is_taken_at_first_step_at_or_after_step_time():
    m = sd.Model("step", stop=2.0, dt=0.25)
    m.aux("s", sd.step(1.0, 1.0))
    got = one(m.run(), "s")
    assert_array_equal(got, (np.arange(9) * 0.25 >= 1.0).astype(float))


def test_smooth_starts_at_input_and_follows():
    m = sd.Model("smooth", stop=3.0)
    x = m.aux("x", 5.0 + 2.0 * sd.TIME)
    m.aux("xs", sd.smooth(x, 2.0))
    m.aux("xi", sd.smoothi(x, 2.0, 0.0))
    ds = m.run()
    # S0 = x0 = 5; S1 = 5 + (5 - 5)/2 = 5; S2 = 5 + (7 - 5)/2 = 6; S3 = 6 + (9 - 6)/2 = 7.5
    assert_allclose(one(ds, "xs"), [5.0, 5.0, 6.0, 7.5])
    # SMOOTHI from 0: 0, 2.5, 2.5 + (7-2.5)/2 = 4.75, 4.75 + (9-4.75)/2 = 6.875
    assert_allclose(one(ds, "xi"), [0.0, 2.5, 4.75, 6.875])


def test_delay1_of_a_step():
    m = sd.Model("delay", stop=4.0)
    u = m.aux("u", sd.step(10.0, 1.0))
    m.aux("d", sd.delay1(u, 2.0))
    m.aux("di", sd.delay1i(u, 2.0, 4.0))
    ds = m.run()
    # L0 = 0; L1 = 0; L2 = 10; L3 = 10 + 10 - 5 = 15; L4 = 15 + 10 - 7.5 = 17.5; out = L/2
    assert_allclose(one(ds, "d"), [0.0, 0.0, 5.0, 7.5, 8.75])
    # L0 = 4*2 = 8: 4, then L1 = 8 - 4 = 4 -> 2, L2 = 4 + 10 - 2 = 12 -> 6, L3 = 12 + 10 - 6 = 16
    assert_allclose(one(ds, "di"), [4.0, 2.0, 6.0, 8.0, 9.0])


def test_stock_initial_reads_auxiliaries_at_start():
    m = sd.Model("init", start=2.0, stop=3.0)
    k = m.constant("k", 3.0)
    a = m.aux("a", k * sd.TIME)  # 6 at the start
    m.stock("s", a + 1.0, net_flow=a)
    assert_allclose(one(m.run(), "s"), [7.0, 13.0])


def test_forward_references_and_order_of_definition_do_not_matter():
    def build(order):
        m = sd.Model("fwd", stop=5.0)
        defs = {
            "c": lambda: m.aux("c", m["b"] * 2.0 + m["s"]),
            "b": lambda: m.aux("b", m["a"] + 1.0),
            "a": lambda: m.aux("a", sd.TIME * 0.5),
            "s": lambda: m.stock("s", 1.0, net_flow=m["c"] * 0.1),
        }
        for name in order:
            defs[name]()
        return m.run()

    x = build("abcs")
    y = build("scba")
    for name in "abcs":
        assert_array_equal(x[name], y[name])


def test_constants_and_static_auxiliaries_are_per_run():
    m = sd.Model("static", stop=2.0)
    k = m.constant("k", 2.0, units="1/Month")
    m.aux("k2", k * k)
    ds = m.run({"k": [1.0, 3.0]})
    assert ds["k"].dims == ("run",)
    assert_array_equal(ds["k"], [1.0, 3.0])
    assert ds["k2"].dims == ("time", "run")
    assert_array_equal(ds["k2"].isel(time=-1), [1.0, 9.0])


def test_time_overrides_and_outputs_selection():
    m = sd.Model("over", stop=10.0)
    x = m.stock("x", 0.0, inflows=["f"])
    m.flow("f", 2.0)
    m.aux("unused", x * 3)
    ds = m.run(stop=4.0, dt=0.5, saveper=2.0, outputs=["x"])
    assert list(ds.data_vars) == ["x"]
    assert_array_equal(ds.time, [0.0, 2.0, 4.0])
    assert_allclose(one(ds, "x"), [0.0, 4.0, 8.0])
    assert ds.attrs["time_step"] == 0.5
    assert ds.attrs["final_time"] == 4.0


def test_provenance_attributes():
    m = sd.Model("prov", stop=1.0, time_units="Year")
    m.constant("k", 1.0)
    ds = m.run({"k": 2.0})
    assert ds.attrs["model"] == "prov"
    assert "Euler" in ds.attrs["engine"]
    assert ds.attrs["parameters"] == '{"k": 2.0}'
    assert ds.time.attrs["units"] == "Year"
    import hashcarbon

    assert ds.attrs["hashcarbon_version"] == hashcarbon.__version__


# ---------------------------------------------------------------------------
# vectorisation


def _mixed_model() -> sd.Model:
    m = sd.Model("mixed", stop=24.0, dt=0.5, saveper=1.0)
    r = m.constant("r", 0.05)
    cap = m.constant("cap", 500.0)
    eff = m.lookup("crowding", [0.0, 0.5, 1.0, 1.5], [1.0, 0.8, 0.2, 0.0])
    m.data("price", [0.0, 12.0, 24.0], [10.0, 30.0, 5.0])
    p = m.stock("p", 10.0, inflows=["births"], outflows=["deaths"])
    m.flow("births", p * r * eff(p / cap) + sd.step(3.0, 6.0))
    m.flow("deaths", sd.if_then_else(m["price"] > 20, p * 0.02, sd.minimum(p * 0.01, 1.0)))
    m.aux("smoothed", sd.smooth(m["births"], 3.0) + sd.delay1(m["deaths"], 2.0))
    m.aux("log_p", sd.ln(p) + sd.exp(-p / cap) + sd.sqrt(p) ** 1.5 + abs(m["births"] - 5))
    return m


def test_ensemble_equals_single_runs():
    m = _mixed_model()
    rng = np.random.default_rng(7)
    n = 40
    params = {
        "r": rng.uniform(0.01, 0.2, n),
        "cap": rng.uniform(100, 1000, n),
        "crowding": rng.uniform(0, 1, (n, 4)),
        "price": rng.uniform(0, 40, (n, 3)),
    }
    ens = m.run(params)
    assert ens.sizes == {"time": 25, "run": n}
    for i in range(0, n, 7):
        single = m.run({k: v[i : i + 1] for k, v in params.items()})
        for name in ("p", "births", "deaths", "smoothed", "log_p", "price"):
            assert_allclose(single[name].isel(run=0), ens[name].isel(run=i), rtol=1e-15, atol=0)


def test_scalar_parameters_equal_one_run_arrays():
    m = _mixed_model()
    a = m.run({"r": 0.07, "cap": 300.0})
    b = m.run({"r": [0.07], "cap": [300.0]})
    for name in ("p", "births", "log_p"):
        assert_allclose(a[name], b[name], rtol=1e-15, atol=0)


def test_identical_inputs_give_identical_results():
    m = _mixed_model()
    params = {"r": np.linspace(0.01, 0.1, 5)}
    x = m.run(params)
    y = m.run(params)
    assert x.equals(y)


def test_n_runs_broadcasts_scalars():
    m = _mixed_model()
    ds = m.run(n_runs=3)
    assert ds.sizes["run"] == 3
    assert_array_equal(ds["p"].isel(run=0), ds["p"].isel(run=2))


def test_interp_rows_matches_numpy_interp():
    rng = np.random.default_rng(3)
    xp = np.array([0.0, 1.0, 2.5, 4.0])
    fp = rng.normal(size=(50, 4))
    x = rng.uniform(-1, 5, 50)
    want = np.array([np.interp(x[i], xp, fp[i]) for i in range(50)])
    assert_allclose(sd.interp_rows(x, xp, fp), want, rtol=1e-14, atol=1e-15)
    for xs in (0.0, 0.3, 1.0, 1.7, 3.9):  # one point for all runs (data series at time t)
        want = np.array([np.interp(xs, xp, fp[i]) for i in range(50)])
        assert_allclose(sd.interp_rows(xs, xp, fp), want, rtol=1e-14, atol=1e-15)
    assert_allclose(sd.interp_rows(4.0, xp, fp), fp[:, -1])
    assert_allclose(sd.interp_rows(-3.0, xp, fp), fp[:, 0])


# ---------------------------------------------------------------------------
# errors: one line, a HashcarbonError subclass, naming the culprit


def _one_line(exc: pytest.ExceptionInfo) -> str:
    msg = str(exc.value)
    assert "\n" not in msg
    assert isinstance(exc.value, HashcarbonError)
    return msg


def test_unknown_variable():
    m = sd.Model("err")
    m.constant("hashrate_ehs", 1.0)
    m.aux("energy", m["hashrate"] * 2)
    with pytest.raises(ParameterError) as exc:
        m.run()
    msg = _one_line(exc)
    assert "'energy'" in msg
    assert "'hashrate'" in msg
    assert "hashrate_ehs" in msg  # suggestion


def test_cycle_names_the_variables():
    m = sd.Model("err")
    m.aux("a", m["b"] + 1)
    m.aux("b", m["c"] * 2)
    m.aux("c", m["a"] - 1)
    m.aux("d", m["a"])
    with pytest.raises(ParameterError, match=r"circular definition: a -> b -> c -> a") as exc:
        m.run()
    _one_line(exc)
    with pytest.raises(ParameterError):
        m.to_mdl()


def test_cycle_through_a_stock_is_fine_but_initial_cycle_is_not():
    m = sd.Model("err", stop=2.0)
    s = m.stock("s", 1.0, net_flow=m["a"])
    m.aux("a", s * 0.5)
    assert_allclose(one(m.run(), "s"), [1.0, 1.5, 2.25])

    m2 = sd.Model("err")
    s2 = m2.stock("s", m2["a"], net_flow=m2["a"])
    m2.aux("a", s2 * 0.5)
    with pytest.raises(ParameterError, match=r"circular initial values: .*s") as exc:
        m2.run()
    _one_line(exc)


def test_bad_parameter_shape():
    m = sd.Model("err")
    m.constant("r", 1.0)
    m.lookup("tbl", [0, 1], [0, 1])
    with pytest.raises(ParameterError, match="'r'") as exc:
        m.run({"r": np.ones((2, 3))})
    _one_line(exc)
    with pytest.raises(ParameterError, match="'tbl'"):
        m.run({"tbl": [1, 2, 3]})
    with pytest.raises(ParameterError, match="n_runs=4"):
        m.run({"r": [1.0, 2.0]}, n_runs=4)
    with pytest.raises(ParameterError, match="'r'"):
        m.run({"r": [1.0, np.nan]})
    with pytest.raises(ParameterError, match="'r'"):
        m.run({"r": "fast"})


def test_bad_parameter_name_or_kind():
    m = sd.Model("err")
    m.constant("rate", 1.0)
    m.aux("a", m["rate"] * 2)
    with pytest.raises(ParameterError, match=r"'rat'.*'rate'"):
        m.run({"rat": 1.0})
    with pytest.raises(ParameterError, match="'a' is a aux"):
        m.run({"a": 1.0})
    with pytest.raises(ParameterError, match="outputs: unknown variable 'b'"):
        m.run(outputs=["b"])


@pytest.mark.parametrize(
    ("build", "pattern"),
    [
        (lambda m: m.constant("1x", 1.0), "variable name '1x'"),
        (lambda m: m.constant("time", 1.0), "reserved"),
        (lambda m: m.constant("MIN", 1.0), "reserved"),
        (lambda m: (m.constant("x", 1), m.constant("X", 2)), "already defined"),
        (lambda m: m.constant("x", float("inf")), "finite"),
        (lambda m: m.constant("x", 1, units="a~b"), "units of 'x'"),
        (lambda m: m.aux("x", np.ones(3)), "expected a number"),
        (lambda m: m.aux("x", True), "not a bool"),
        (lambda m: m.lookup("t", [0, 0], [1, 2]), "strictly increasing"),
        (lambda m: m.lookup("t", [0, 1, 2], [1, 2]), "same length"),
        (lambda m: m.data("d", [0, 1], [1, np.nan]), "finite"),
        (lambda m: sd.if_then_else(m["a"] > 1 and m["b"] > 2, 1, 0), "truth value"),
    ],
)
def test_definition_errors(build, pattern):
    m = sd.Model("err")
    with pytest.raises(ParameterError, match=pattern) as exc:
        build(m)
    _one_line(exc)


def test_lookup_misuse_and_flow_kind():
    m = sd.Model("err")
    t = m.lookup("tbl", [0, 1], [0, 1])
    m.aux("a", t * 2)
    with pytest.raises(ParameterError, match="lookup 'tbl' as a value"):
        m.run()
    m2 = sd.Model("err")
    m2.constant("k", 1.0)
    m2.aux("a", m2["k"](1.0))
    with pytest.raises(ParameterError, match="'k', which is a constant"):
        m2.run()
    m3 = sd.Model("err")
    m3.aux("f", 1.0)
    m3.stock("s", 0.0, inflows=["f"])
    with pytest.raises(ParameterError, match="inflow 'f' is a aux"):
        m3.run()
    m4 = sd.Model("err")
    m4.stock("s", 0.0, outflows=["g"])
    with pytest.raises(ParameterError, match="unknown outflow 'g'"):
        m4.run()


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"dt": 0.0}, "dt"),
        ({"stop": -1.0}, "stop"),
        ({"dt": 0.7}, "whole number"),
        ({"saveper": 0.75, "dt": 0.5}, "saveper"),
        ({"start": "a"}, "start"),
    ],
)
def test_time_settings_errors(kwargs, pattern):
    m = sd.Model("err", stop=3.0)
    m.constant("k", 1.0)
    with pytest.raises(InputError, match=pattern) as exc:
        m.run(**kwargs)
    _one_line(exc)


def test_wrong_number_of_arguments():
    from hashcarbon.sd.expr import Call

    with pytest.raises(ParameterError, match="MIN: expected 2 arguments"):
        Call("MIN", (sd.TIME,))


# ---------------------------------------------------------------------------
# invariants (hypothesis)

finite = st.floats(0.0, 1e3, allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None)
@given(
    initial=finite,
    inflow=st.lists(finite, min_size=2, max_size=12),
    drain_share=st.floats(0.0, 1.0),
    dt=st.sampled_from([0.25, 0.5, 1.0]),
)
def test_stock_with_non_negative_flows_stays_non_negative(initial, inflow, drain_share, dt):
    m = sd.Model("nonneg", stop=12.0, dt=dt)
    m.data("inflow_series", np.linspace(0, 12, len(inflow)), inflow)
    s = m.stock("s", initial, inflows=["fill"], outflows=["drain"])
    m.flow("fill", m["inflow_series"])
    # an outflow that never removes more than the stock holds in one step
    m.flow("drain", drain_share * s / dt)
    ds = m.run()
    assert np.all(ds["s"].to_numpy() >= 0.0)
    assert np.all(ds["drain"].to_numpy() >= 0.0)


@settings(max_examples=60, deadline=None)
@given(
    initial=st.floats(-1e3, 1e3),
    values=st.lists(st.floats(-1e3, 1e3), min_size=2, max_size=10),
    height=st.floats(-10, 10),
    dt=st.sampled_from([0.125, 0.5, 1.0]),
)
def test_cumulative_stock_is_sum_of_flow_times_dt(initial, values, height, dt):
    m = sd.Model("cum", stop=10.0, dt=dt)
    m.data("x", np.linspace(0, 10, len(values)), values)
    m.flow("f", sd.if_then_else(m["x"] > 0, m["x"], 0.5 * m["x"]) + sd.step(height, 5.0))
    m.stock("total", initial, inflows=["f"])
    ds = m.run()
    f = one(ds, "f")
    want = initial + np.concatenate([[0.0], np.cumsum(f[:-1] * dt)])
    assert_allclose(one(ds, "total"), want, rtol=1e-12, atol=1e-9)
