"""Vensim text produced by hashcarbon.sd.vensim (the engines' verdict is in test_cross_engines)."""

from __future__ import annotations

import pytest

from hashcarbon import sd
from hashcarbon.errors import InputError
from hashcarbon.sd.expr import Const

a, b, c = sd.Ref("a"), sd.Ref("b"), sd.Ref("c")


@pytest.mark.parametrize(
    ("expr", "text"),
    [
        (a + b + c, "a + b + c"),
        (a + (b + c), "a + (b + c)"),  # kept: float addition is not associative
        (a - (b - c), "a - (b - c)"),
        ((a + b) * c, "(a + b) * c"),
        (a / (b * c), "a / (b * c)"),
        (-(a * b), "-(a * b)"),
        ((-a) ** 2, "(-a) ^ 2"),
        (-(a**2), "-a ^ 2"),
        (Const(-3.0) ** 2, "(0 - 3) ^ 2"),
        ((-Const(3.0)) ** 2, "(0 - 3) ^ 2"),
        (a ** (b + 1), "a ^ (b + 1)"),
        (a * -b, "a * -b"),
        (~(a > b), ":NOT: (a > b)"),
        ((a > 1) & (b <= 2) | (c == 0), "((a > 1) :AND: (b <= 2)) :OR: (c = 0)"),
        (a != b, "a <> b"),
        (
            sd.if_then_else(a > b, sd.minimum(a, 1e-5), sd.maximum(b, 2.5e20)),
            "IF THEN ELSE(a > b, MIN(a, 1e-05), MAX(b, 2.5e+20))",
        ),
        (
            sd.step(1, 2) + sd.ramp(1, 2, 3) + sd.pulse(1, 2),
            "STEP(1, 2) + RAMP(1, 2, 3) + PULSE(1, 2)",
        ),
        (sd.smooth(a, 3) * sd.delay1(b, 2), "SMOOTH(a, 3) * DELAY1(b, 2)"),
        (sd.ln(sd.exp(a)) + sd.sqrt(abs(b)), "LN(EXP(a)) + SQRT(ABS(b))"),
        (sd.TIME * 0.1, "Time * 0.1"),
        (sd.Ref("tbl")(a / 2), "tbl(a / 2)"),
    ],
)
def test_expression_text(expr, text):
    assert sd.expr_to_vensim(expr) == text


def test_spaces_option():
    assert sd.expr_to_vensim(sd.Ref("hashrate_ehs") * 2, spaces=True) == "hashrate ehs * 2"


def _model() -> sd.Model:
    m = sd.Model("text", start=2014.0, stop=2030.0, dt=0.25, saveper=1.0, time_units="Year")
    m.constant("rate", 0.5, units="1/Year", doc="First line.\nSecond line.")
    m.lookup("tbl", [0, 1], [2, 3.5], units="dimensionless", x_units="EH/s")
    m.data("btc_usd", [2014, 2020], [500, 30000], units="USD/BTC")
    s = m.stock("stock_twh", 1.0, inflows=["inflow_twh"], outflows=["outflow_twh"], units="TWh")
    m.flow("inflow_twh", m["rate"] * m["tbl"](s), units="TWh/Year")
    m.flow("outflow_twh", s * 0.1, units="TWh/Year")
    return m


def test_mdl_structure():
    text = _model().to_mdl()
    assert text.startswith("{UTF-8}\n")
    assert "rate = 0.5\n\t~\t1/Year\n\t~\tFirst line.\n\t\tSecond line.\n\t|" in text
    assert "tbl(\n\t[(0,2)-(1,3.5)],(0,2),(1,3.5))\n\t~\tDmnl\n\t~\tinput in EH/s\n\t|" in text
    assert (
        "btc_usd = WITH LOOKUP(Time, ([(2014,500)-(2020,30000)],(2014,500),(2020,30000)))" in text
    )
    assert "stock_twh = INTEG(inflow_twh - outflow_twh, 1)\n\t~\tTWh" in text
    assert "inflow_twh = rate * tbl(stock_twh)" in text
    for line in ("FINAL TIME  = 2030", "INITIAL TIME  = 2014", "SAVEPER  = 1", "TIME STEP  = 0.25"):
        assert line in text
    assert "\t~\tYear\n" in text
    assert "\\\\\\---/// Sketch information" in text


def test_stock_with_net_flow_and_mixed_flows():
    m = sd.Model("net")
    m.flow("f", 1.0)
    m.stock("s", 0.0, outflows=["f"], net_flow=sd.TIME)
    assert "s = INTEG(Time - f, 0)" in m.to_mdl()
    m2 = sd.Model("empty")
    m2.stock("s", 3.0)
    assert "s = INTEG(0, 3)" in m2.to_mdl()


def test_write_mdl_atomic(tmp_path):
    m = _model()
    path = sd.write_mdl(m, tmp_path / "x.mdl")
    assert path.read_text(encoding="utf-8") == m.to_mdl()
    assert [p.name for p in tmp_path.iterdir()] == ["x.mdl"]
    with pytest.raises(InputError, match="does not exist"):
        sd.write_mdl(m, tmp_path / "missing" / "x.mdl")


def test_repr_shows_vensim_text():
    assert repr(a + 1) == "<sd.Expr a + 1>"
    assert "2 constant" in repr(_model_with_two_constants())


def _model_with_two_constants() -> sd.Model:
    m = sd.Model("r")
    m.constant("x", 1)
    m.constant("y", 2)
    return m
