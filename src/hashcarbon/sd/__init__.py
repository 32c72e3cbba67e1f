"""Stock-flow (system dynamics) models: vectorised numpy engine and Vensim export.

Build a model with :class:`Model`, combine variables with Python operators and
the Vensim functions below, run many parameter sets at once with
:meth:`Model.run` (an :class:`xarray.Dataset` with dims ``time`` and ``run``),
and write the model as a Vensim ``.mdl`` with :func:`write_mdl` for PySD,
pysimlin or Vensim itself.

>>> from hashcarbon import sd
>>> m = sd.Model("growth", stop=2.0, time_units="Year")
>>> r = m.constant("growth_rate", 0.5, units="1/Year")
>>> x = m.stock("x", 1.0, inflows=["growth"], units="t")
>>> g = m.flow("growth", x * r, units="t/Year")
>>> ds = m.run({"growth_rate": [0.5, 1.0]})
>>> ds["x"].sel(time=2.0).values.tolist()
[2.25, 4.0]
"""

from hashcarbon.sd.engine import TimeGrid, interp_rows, run
from hashcarbon.sd.expr import Expr, Ref
from hashcarbon.sd.functions import (
    TIME,
    abs,
    delay1,
    delay1i,
    exp,
    if_then_else,
    ln,
    logical_and,
    logical_not,
    logical_or,
    maximum,
    minimum,
    pulse,
    ramp,
    smooth,
    smoothi,
    sqrt,
    step,
)
from hashcarbon.sd.model import Model
from hashcarbon.sd.vensim import expr_to_vensim, to_mdl, write_mdl

__all__ = [
    "TIME",
    "Expr",
    "Model",
    "Ref",
    "TimeGrid",
    "abs",
    "delay1",
    "delay1i",
    "exp",
    "expr_to_vensim",
    "if_then_else",
    "interp_rows",
    "ln",
    "logical_and",
    "logical_not",
    "logical_or",
    "maximum",
    "minimum",
    "pulse",
    "ramp",
    "run",
    "smooth",
    "smoothi",
    "sqrt",
    "step",
    "to_mdl",
    "write_mdl",
]
