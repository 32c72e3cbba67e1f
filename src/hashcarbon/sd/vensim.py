"""Export :class:`hashcarbon.sd.Model` to Vensim ``.mdl`` text.

The output is the subset of the Vensim modelling language [1]_ that PySD 3.14
and pysimlin 0.8.5 both read and run identically (checked in
``tests/sd/test_cross_engines.py``):

* constants ``name = 0.05``, auxiliaries and flows ``name = expression``;
* stocks ``name = INTEG(inflow - outflow, initial)``;
* lookups as standalone definitions ``name([(x0,y0)-(x1,y1)],(x,y),...)``,
  called as ``name(x)``;
* data series as ``name = WITH LOOKUP(Time, ([...],(t,v),...))``;
* ``IF THEN ELSE``, ``MIN``, ``MAX``, ``ABS``, ``EXP``, ``LN``, ``SQRT``,
  ``STEP``, ``RAMP``, ``PULSE``, ``SMOOTH``, ``SMOOTHI``, ``DELAY1``,
  ``DELAY1I``, ``Time``, ``^``, comparisons ``= <> < <= > >=`` and
  ``:AND: :OR: :NOT:``;
* units and descriptions in the ``~ units ~ comment |`` fields, and the
  ``INITIAL TIME``/``FINAL TIME``/``TIME STEP``/``SAVEPER`` control section.

Binary operations are parenthesised so that every engine evaluates them in
the same order as numpy does (``a + (b + c)`` is kept, since floating-point
addition is not associative).  Per-run parameter arrays are not part of the
file: it holds the defaults, and ensembles override constants by name.

References
----------
.. [1] Ventana Systems, "Vensim Reference Manual: Model file format",
   https://www.vensim.com/documentation/ref_model_file_format.html
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from hashcarbon._io import write_atomic
from hashcarbon.sd.expr import BinOp, Call, Const, Expr, LookupCall, Ref, Stateful, Time, UnOp
from hashcarbon.sd.model import Aux, Constant, DataSeries, Lookup, Model, Stock

__all__ = ["expr_to_vensim", "to_mdl", "write_mdl"]

_ATOM = 10
_PREC = {
    "or": 1,
    "and": 2,
    "not": 3,
    "<": 4,
    "<=": 4,
    ">": 4,
    ">=": 4,
    "==": 4,
    "!=": 4,
    "+": 5,
    "-": 5,
    "*": 6,
    "/": 6,
    "neg": 7,
    "^": 8,
}
_VENSIM_OP = {
    "+": "+",
    "-": "-",
    "*": "*",
    "/": "/",
    "^": "^",
    "<": "<",
    "<=": "<=",
    ">": ">",
    ">=": ">=",
    "==": "=",
    "!=": "<>",
    "and": ":AND:",
    "or": ":OR:",
}


def _num(x: float) -> str:
    """Shortest text that round-trips the float (``repr``), integers without ``.0``."""
    x = float(x)
    if x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return repr(x)


def _name(name: str, spaces: bool) -> str:
    return name.replace("_", " ") if spaces else name


def _render(e: Expr, spaces: bool) -> tuple[str, int]:
    if isinstance(e, Const):
        if e.value < 0:
            return f"-{_num(-e.value)}", _PREC["neg"]
        return _num(e.value), _ATOM
    if isinstance(e, Time):
        return "Time", _ATOM
    if isinstance(e, Ref):
        return _name(e.name, spaces), _ATOM
    if isinstance(e, LookupCall):
        return f"{_name(e.name, spaces)}({_render(e.arg, spaces)[0]})", _ATOM
    if isinstance(e, (Call, Stateful)):
        args = ", ".join(_render(a, spaces)[0] for a in e.args)
        return f"{e.func}({args})", _ATOM
    if isinstance(e, UnOp):
        text, p = _render(e.operand, spaces)
        if e.op == "-":
            if isinstance(e.operand, Const) and e.operand.value < 0:
                text = f"(0 - {_num(-e.operand.value)})"
            elif p <= _PREC["neg"]:
                text = f"({text})"
            return f"-{text}", _PREC["neg"]
        if p < _ATOM:
            text = f"({text})"
        return f":NOT: {text}", _PREC["not"]
    if isinstance(e, BinOp):
        p = _PREC[e.op]
        lt, lp = _render(e.left, spaces)
        rt, rp = _render(e.right, spaces)
        if e.op == "^":
            # PySD 3.14 reads "(-3) ^ 2" as -(3 ^ 2): write a negative literal base as (0 - 3)
            base = e.left
            if isinstance(base, UnOp) and base.op == "-" and isinstance(base.operand, Const):
                base = Const(-base.operand.value)  # -(3) is exactly the literal -3
            if isinstance(base, Const) and base.value < 0:
                lt = f"(0 - {_num(-base.value)})"
            elif isinstance(base, Const):
                lt = _num(base.value)
            elif lp < _ATOM:
                lt = f"({lt})"
            if rp < _ATOM:
                rt = f"({rt})"
        elif p <= _PREC["=="]:
            # comparisons and logic: parenthesise any non-atomic operand
            lt = f"({lt})" if lp < _ATOM else lt
            rt = f"({rt})" if rp < _ATOM else rt
        else:
            lt = f"({lt})" if lp < p else lt
            rt = f"({rt})" if rp <= p else rt
        return f"{lt} {_VENSIM_OP[e.op]} {rt}", p
    raise TypeError(f"cannot export {type(e).__name__}")  # pragma: no cover


def expr_to_vensim(expr: Expr, *, spaces: bool = False) -> str:
    """Vensim text of one expression (variable names as given, or with spaces)."""
    return _render(expr, spaces)[0]


def _units(units: str) -> str:
    return "Dmnl" if units.strip().lower() in ("1", "dimensionless", "dmnl") else units


def _comment(doc: str) -> str:
    return "\n\t\t".join(line.strip() for line in doc.strip().splitlines()) if doc else ""


def _table_text(x: np.ndarray, y: np.ndarray) -> str:
    rng = f"[({_num(x.min())},{_num(y.min())})-({_num(x.max())},{_num(y.max())})]"
    pts = ",".join(f"({_num(a)},{_num(b)})" for a, b in zip(x, y, strict=True))
    return f"{rng},{pts}"


def _equation(lhs: str, rhs: str | None, units: str, doc: str) -> str:
    head = lhs if rhs is None else f"{lhs} = {rhs}"
    return f"{head}\n\t~\t{_units(units)}\n\t~\t{_comment(doc)}\n\t|\n"


def to_mdl(model: Model, *, spaces: bool = False) -> str:
    """Vensim ``.mdl`` text for ``model``.

    Parameters
    ----------
    model : Model
        The model to export; it is checked (names, cycles) first.
    spaces : bool
        Write ``hashrate ehs`` instead of ``hashrate_ehs``.  Vensim treats
        spaces and underscores in names alike; PySD reports columns under the
        names as written; Simlin always uses underscores.

    Returns
    -------
    str
        The model file, with the default parameter values, ``{UTF-8}``
        header, equations in definition order, control section and an empty
        sketch so that Vensim PLE opens it.
    """
    from hashcarbon.sd.engine import _plan

    _plan(model)  # validates names and cycles before anything is written
    parts = ["{UTF-8}\n"]
    for name, d in model.variables.items():
        lhs = _name(name, spaces)
        if isinstance(d, Constant):
            parts.append(_equation(lhs, _num(d.value), d.units, d.doc))
        elif isinstance(d, Stock):
            net = expr_to_vensim(d.net_flow_expr(), spaces=spaces)
            init = expr_to_vensim(d.initial, spaces=spaces)
            parts.append(_equation(lhs, f"INTEG({net}, {init})", d.units, d.doc))
        elif isinstance(d, Aux):
            parts.append(_equation(lhs, expr_to_vensim(d.expr, spaces=spaces), d.units, d.doc))
        elif isinstance(d, Lookup):
            doc = d.doc
            if d.x_units:
                doc = f"{doc} (input in {d.x_units})" if doc else f"input in {d.x_units}"
            parts.append(_equation(f"{lhs}(\n\t{_table_text(d.x, d.y)})", None, d.units, doc))
        elif isinstance(d, DataSeries):
            rhs = f"WITH LOOKUP(Time, ({_table_text(d.time, d.values)}))"
            parts.append(_equation(lhs, rhs, d.units, d.doc))
    tu = model.time_units
    parts.append(
        "********************************************************\n"
        "\t.Control\n"
        "********************************************************~\n"
        "\t\tSimulation Control Parameters\n"
        "\t|\n"
    )
    parts.append(
        _equation("FINAL TIME ", _num(model.stop), tu, "The final time for the simulation.")
    )
    parts.append(
        _equation("INITIAL TIME ", _num(model.start), tu, "The initial time for the simulation.")
    )
    parts.append(
        _equation("SAVEPER ", _num(model.saveper), tu, "The frequency with which output is stored.")
    )
    parts.append(_equation("TIME STEP ", _num(model.dt), tu, "The time step for the simulation."))
    parts.append(
        "\\\\\\---/// Sketch information - do not modify anything except names\n"
        "V300  Do not put anything below this section - it will be ignored\n"
        "*View 1\n"
        "$192-192-192,0,Times New Roman|12||0-0-0|0-0-0|0-0-255|-1--1--1|-1--1--1|96,96,100,0\n"
        "///---\\\\\\\n"
    )
    return "\n".join(parts)


def write_mdl(model: Model, path: str | os.PathLike[str], *, spaces: bool = False) -> Path:
    """Write :func:`to_mdl` text to ``path`` atomically; returns the path."""
    return write_atomic(path, to_mdl(model, spaces=spaces))
