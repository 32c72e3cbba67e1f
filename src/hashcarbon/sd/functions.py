"""Vensim built-in functions for :mod:`hashcarbon.sd` expressions.

Each function returns an expression node; nothing is computed until
:meth:`hashcarbon.sd.Model.run`.  The numerical definitions follow the
Vensim Reference Manual [1]_ and, where the manual is silent, PySD 3.14 [2]_,
which is the engine the exported ``.mdl`` files are checked against.

References
----------
.. [1] Ventana Systems, "Vensim Reference Manual: Functions",
   https://www.vensim.com/documentation/functions.html
.. [2] J. Martin-Martinez, E. Samsó, R. Houghton et al., "PySD: System Dynamics
   Modeling in Python", *Journal of Open Source Software* 7(78), 4329 (2022),
   https://doi.org/10.21105/joss.04329
"""

from __future__ import annotations

from hashcarbon.sd.expr import BinOp, Call, Expr, Stateful, Time, UnOp, as_expr

__all__ = [
    "TIME",
    "abs",
    "delay1",
    "delay1i",
    "exp",
    "if_then_else",
    "ln",
    "logical_and",
    "logical_not",
    "logical_or",
    "maximum",
    "minimum",
    "pulse",
    "ramp",
    "smooth",
    "smoothi",
    "sqrt",
    "step",
]

#: Model time (``Time`` in Vensim), in the model's time unit.
TIME: Expr = Time()


def if_then_else(condition, value_if_true, value_if_false) -> Expr:
    """Vensim ``IF THEN ELSE(condition, value_if_true, value_if_false)``.

    Both branches are evaluated (element-wise ``numpy.where``), as in Vensim,
    so a branch that is not taken may produce ``inf`` or ``nan`` silently.
    """
    return Call("IF THEN ELSE", (condition, value_if_true, value_if_false))


def minimum(a, b) -> Expr:
    """Vensim ``MIN(a, b)``, the smaller of two values (``numpy.minimum``)."""
    return Call("MIN", (a, b))


def maximum(a, b) -> Expr:
    """Vensim ``MAX(a, b)``, the larger of two values (``numpy.maximum``)."""
    return Call("MAX", (a, b))


def abs(x) -> Expr:
    """Vensim ``ABS(x)``; Python's built-in ``abs(expr)`` gives the same node."""
    return Call("ABS", (x,))


def exp(x) -> Expr:
    """Vensim ``EXP(x)``, :math:`e^x`."""
    return Call("EXP", (x,))


def ln(x) -> Expr:
    """Vensim ``LN(x)``, the natural logarithm (``nan`` for ``x < 0``)."""
    return Call("LN", (x,))


def sqrt(x) -> Expr:
    """Vensim ``SQRT(x)``."""
    return Call("SQRT", (x,))


def step(height, step_time) -> Expr:
    r"""Vensim ``STEP(height, step_time)``: 0 before ``step_time``, ``height`` from then on.

    Notes
    -----
    Computed as Vensim and PySD do, :math:`h \cdot [t + \Delta t/2 > t_0]`, so
    that the step is taken at the first time step at or after :math:`t_0`
    despite rounding of ``Time``.  For a ``step_time`` on the time grid this is
    exactly ``time >= step_time``.
    """
    return Call("STEP", (height, step_time))


def ramp(slope, start_time, end_time) -> Expr:
    r"""Vensim ``RAMP(slope, start_time, end_time)``.

    0 until ``start_time``, then rises with ``slope`` [unit/time] until
    ``end_time`` and holds: :math:`s \cdot (\min(t, t_1) - t_0)` for
    :math:`t > t_0`, else 0.
    """
    return Call("RAMP", (slope, start_time, end_time))


def pulse(start_time, width) -> Expr:
    r"""Vensim ``PULSE(start_time, width)``: 1 during ``[start_time, start_time + width)``.

    Notes
    -----
    Computed as :math:`[t + \Delta t/2 > t_0] \cdot [t + \Delta t/2 < t_0 + w]`
    (the half-step tolerance of ``STEP``).  The Vensim manual says a width of
    0 means one ``TIME STEP``; that is what this engine does.  PySD 3.14 then
    returns 0 throughout, so avoid ``width = 0`` in models you cross-check.
    """
    return Call("PULSE", (start_time, width))


def smooth(input, delay_time) -> Expr:
    r"""Vensim ``SMOOTH(input, delay_time)``: first-order exponential smoothing.

    Notes
    -----
    A hidden stock :math:`S` with :math:`dS/dt = (x - S)/\tau` and
    :math:`S(t_0) = x(t_0)` (Sterman 2000, ch. 11.3, first-order information
    delay).  The smoothed value starts at the input's initial value.
    """
    return Stateful("SMOOTH", (input, delay_time))


def smoothi(input, delay_time, initial) -> Expr:
    r"""Vensim ``SMOOTHI(input, delay_time, initial)``: :func:`smooth` starting at ``initial``."""
    return Stateful("SMOOTHI", (input, delay_time, initial))


def delay1(input, delay_time) -> Expr:
    r"""Vensim ``DELAY1(input, delay_time)``: first-order material delay.

    Notes
    -----
    A hidden stock :math:`L` with :math:`dL/dt = x - L/\tau`,
    :math:`L(t_0) = x(t_0)\,\tau(t_0)`; the output is :math:`L/\tau`
    (Sterman 2000, ch. 11.2).
    """
    return Stateful("DELAY1", (input, delay_time))


def delay1i(input, delay_time, initial) -> Expr:
    r"""Vensim ``DELAY1I(input, delay_time, initial)``: :func:`delay1` whose output starts at ``initial``."""
    return Stateful("DELAY1I", (input, delay_time, initial))


def logical_and(a, b) -> Expr:
    """Vensim ``a :AND: b`` (same as ``a & b``)."""
    return BinOp("and", as_expr(a), as_expr(b))


def logical_or(a, b) -> Expr:
    """Vensim ``a :OR: b`` (same as ``a | b``)."""
    return BinOp("or", as_expr(a), as_expr(b))


def logical_not(a) -> Expr:
    """Vensim ``:NOT: a`` (same as ``~a``)."""
    return UnOp("not", as_expr(a))
