"""Cross-checks: the numpy engine against PySD 3.14 and pysimlin 0.8.5 on exported ``.mdl`` files.

Each model is built once with :mod:`hashcarbon.sd`, written with
:func:`hashcarbon.sd.write_mdl`, read back by the two independent engines and
compared variable by variable.  Skipped, with the reason, when an engine is
not installed (both are in the ``test`` extra).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose

from hashcarbon import sd

RTOL = 1e-9


def _import_or_skip(name: str, dist: str):
    try:
        return pytest.importorskip(name, reason=f"{dist} is not installed (pip install '.[test]')")
    except pytest.skip.Exception:
        raise
    except Exception as exc:  # pragma: no cover - broken installation
        pytest.skip(f"{dist} cannot be imported: {exc}")


def reference_model() -> sd.Model:
    """Stocks, flows, a lookup, a data series and every supported built-in function."""
    m = sd.Model("cross_check", stop=24.0, dt=0.25, saveper=0.5, time_units="Month")
    r = m.constant("growth_rate", 0.05, units="1/Month", doc="Fractional growth of the fleet.")
    cap = m.constant("capacity_ehs", 400.0, units="EH/s")
    price0 = m.constant("price_usd_per_kwh", 0.05, units="USD/kWh")
    crowd = m.lookup(
        "crowding_effect",
        [0.0, 0.5, 1.0, 1.5],
        [1.0, 0.8, 0.2, 0.0],
        units="Dmnl",
        x_units="Dmnl",
        doc="Growth multiplier against load; clamped beyond 1.5.",
    )
    m.data("btc_usd", [0.0, 6.0, 12.0, 24.0], [30e3, 60e3, 20e3, 45e3], units="USD/BTC")
    h = m.stock(
        "hashrate_ehs",
        100.0,
        inflows=["installs_ehs_per_month"],
        outflows=["retirements_ehs_per_month"],
        units="EH/s",
        doc="Network hash rate.",
    )
    m.flow(
        "installs_ehs_per_month",
        h * r * crowd(h / cap)
        + sd.step(20.0, 6.0)
        + sd.ramp(2.0, 3.0, 9.0)
        + 5 * sd.pulse(8.0, 1.0),
        units="EH/s/Month",
    )
    m.flow(
        "retirements_ehs_per_month",
        sd.minimum(h / 30, 8.0)
        * sd.if_then_else((m["btc_usd"] < 25e3) & (sd.TIME <= 20), 2.0, 1.0),
        units="EH/s/Month",
    )
    m.aux("energy_twh", h * 0.03 * (1 + price0) - -1.0 + abs(h - 150) / 1e3, units="TWh")
    m.aux("smoothed_price_usd", sd.smooth(m["btc_usd"], 3.0), units="USD/BTC")
    m.aux("delayed_installs", sd.delay1(m["installs_ehs_per_month"], 2.0), units="EH/s/Month")
    m.aux(
        "misc",
        sd.maximum(sd.ln(h), sd.sqrt(h) / 2)
        + sd.exp(-h / cap)
        + (h / cap) ** 1.5
        + sd.smoothi(m["energy_twh"], 1.5, 0.0) * 0
        + sd.delay1i(m["retirements_ehs_per_month"], 1.0, 3.0)
        + sd.if_then_else((sd.TIME == 4) | ~(sd.TIME != 5), 1.0, 0.0),
    )
    m.stock("cumulative_energy_twh", 0.0, net_flow=m["energy_twh"], units="TWh")
    return m


def _engine_series(ds, name: str) -> np.ndarray:
    da = ds[name].isel(run=0)
    if "time" not in da.dims:
        return np.full(ds.sizes["time"], float(da))
    return da.to_numpy()


def test_reference_model_in_pysd(tmp_path):
    pysd = _import_or_skip("pysd", "PySD")
    m = reference_model()
    ds = m.run()
    for spaces in (False, True):
        path = sd.write_mdl(m, tmp_path / f"ref_{int(spaces)}.mdl", spaces=spaces)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            df = pysd.read_vensim(str(path)).run()
        assert_allclose(df.index.to_numpy(), ds.time.to_numpy(), rtol=0, atol=1e-12)
        for name, d in m.variables.items():
            if d.kind == "lookup":
                continue
            col = name.replace("_", " ") if spaces else name
            assert_allclose(
                _engine_series(ds, name),
                df[col].to_numpy(dtype=float),
                rtol=RTOL,
                atol=0,
                err_msg=f"{name} differs from PySD",
            )


def test_reference_model_in_pysimlin(tmp_path):
    simlin = _import_or_skip("simlin", "pysimlin")
    m = reference_model()
    ds = m.run()
    path = sd.write_mdl(m, tmp_path / "ref.mdl")
    model = simlin.load(path)
    with model.simulate() as sim:
        sim.run_to_end()
        for name, d in m.variables.items():
            if d.kind == "lookup":
                continue
            assert_allclose(
                _engine_series(ds, name),
                sim.get_series(name.lower()),
                rtol=RTOL,
                atol=0,
                err_msg=f"{name} differs from pysimlin",
            )


def test_ensemble_of_200_draws_matches_pysimlin(tmp_path):
    simlin = _import_or_skip("simlin", "pysimlin")
    m = reference_model()
    rng = np.random.default_rng(2021)
    n = 200
    draws = {
        "growth_rate": rng.uniform(0.0, 0.15, n),
        "capacity_ehs": rng.uniform(150.0, 800.0, n),
        "price_usd_per_kwh": rng.uniform(0.02, 0.1, n),
    }
    ens = m.run(draws)
    model = simlin.load(sd.write_mdl(m, tmp_path / "ens.mdl"))
    names = ["hashrate_ehs", "energy_twh", "misc", "cumulative_energy_twh"]
    for i in range(n):
        overrides = {k: float(v[i]) for k, v in draws.items()}
        with model.simulate(overrides=overrides) as sim:
            sim.run_to_end()
            for name in names:
                assert_allclose(
                    ens[name].isel(run=i).to_numpy(),
                    sim.get_series(name),
                    rtol=RTOL,
                    atol=0,
                    err_msg=f"{name}, draw {i}",
                )


# ---------------------------------------------------------------------------
# operator precedence of the export, fuzzed


def _random_expr(rng: np.random.Generator, depth: int) -> sd.Expr:
    leaves = [lambda: sd.Ref("a"), lambda: sd.Ref("b"), lambda: sd.Ref("c"), lambda: sd.TIME]
    if depth == 0 or rng.random() < 0.2:
        if rng.random() < 0.3:
            from hashcarbon.sd.expr import Const

            return Const(float(rng.choice([-3.0, -0.5, 0.25, 2.0, 7.0])))
        return leaves[rng.integers(len(leaves))]()
    kind = rng.integers(10)
    x = _random_expr(rng, depth - 1)
    y = _random_expr(rng, depth - 1)
    if kind == 0:
        return x + y
    if kind == 1:
        return x - y
    if kind == 2:
        return x * y
    if kind == 3:
        return x / (abs(y) + 1.0)
    if kind == 4:
        from hashcarbon.sd.expr import Const

        if rng.random() < 0.5:  # PySD raises on 0.0 ** -1 (Python floats): no negative powers here
            return x ** float(rng.choice([2.0, 3.0]))
        return Const(float(rng.choice([-3.0, -2.0, 2.0]))) ** float(rng.choice([2.0, 3.0, -1.0]))
    if kind == 5:
        return -x
    if kind == 6:
        op = rng.integers(6)
        return [x < y, x <= y, x > y, x >= y, x == y, x != y][op]
    if kind == 7:
        return sd.if_then_else((x > y) & ~(x < 0) | (y == 1), x, y)
    if kind == 8:
        return sd.minimum(x, y) - sd.maximum(-x, y)
    return -(x**2.0) + (-x) ** 2.0


def _fuzz_model() -> sd.Model:
    rng = np.random.default_rng(12345)
    m = sd.Model("fuzz", stop=4.0)
    m.constant("a", 1.7)
    m.constant("b", -0.6)
    m.constant("c", 2.3)
    for k in range(60):
        m.aux(f"e{k}", _random_expr(rng, 4))
    return m


def test_export_precedence_fuzz_pysimlin(tmp_path):
    simlin = _import_or_skip("simlin", "pysimlin")
    m = _fuzz_model()
    ds = m.run()
    model = simlin.load(sd.write_mdl(m, tmp_path / "fuzz.mdl"))
    with model.simulate() as sim:
        sim.run_to_end()
        for name in m.variables:
            assert_allclose(
                _engine_series(ds, name),
                sim.get_series(name),
                rtol=RTOL,
                equal_nan=True,
                err_msg=f"{name} = {sd.expr_to_vensim(m.expression_of(name)) if name.startswith('e') else ''}",
            )


def test_export_precedence_fuzz_pysd(tmp_path):
    pysd = _import_or_skip("pysd", "PySD")
    m = _fuzz_model()
    ds = m.run()
    path = sd.write_mdl(m, tmp_path / "fuzz.mdl")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        df = pysd.read_vensim(str(path)).run()
    for name in m.variables:
        assert_allclose(
            _engine_series(ds, name),
            df[name].to_numpy(dtype=float),
            rtol=RTOL,
            equal_nan=True,
            err_msg=f"{name} = {sd.expr_to_vensim(m.expression_of(name)) if name.startswith('e') else ''}",
        )
