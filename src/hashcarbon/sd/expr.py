"""A tiny expression tree for stock-flow models.

Expressions are built with Python operators on references to model variables
(``m["hashrate_ehs"] * m["efficiency_j_per_th"]``) and with the functions of
:mod:`hashcarbon.sd.functions`.  The same tree is evaluated with numpy by
:mod:`hashcarbon.sd.engine` and written as Vensim text by
:mod:`hashcarbon.sd.vensim`, so the two can never drift apart.  No user string
is ever passed to :func:`eval`.

Operators map to Vensim as follows: ``+ - * /`` as such, ``**`` to ``^``,
``< <= > >=`` as such, ``==`` to ``=``, ``!=`` to ``<>``, ``&`` to
``:AND:``, ``|`` to ``:OR:`` and ``~`` to ``:NOT:``.  A comparison has the
value 1 when true and 0 when false, as in Vensim.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterator

import numpy as np

from hashcarbon.errors import ParameterError

__all__ = [
    "BinOp",
    "Call",
    "Const",
    "Expr",
    "LookupCall",
    "Ref",
    "Stateful",
    "Time",
    "UnOp",
    "as_expr",
    "walk",
]

#: Binary operators: Python spelling is the key, Vensim spelling the value.
BINARY_OPS: dict[str, str] = {
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

#: Pure (state-free) built-in functions and their number of arguments.
PURE_FUNCTIONS: dict[str, int] = {
    "IF THEN ELSE": 3,
    "MIN": 2,
    "MAX": 2,
    "ABS": 1,
    "EXP": 1,
    "LN": 1,
    "SQRT": 1,
    "STEP": 2,
    "RAMP": 3,
    "PULSE": 2,
}

#: Built-in functions that hold a hidden stock, and their number of arguments.
STATEFUL_FUNCTIONS: dict[str, int] = {
    "SMOOTH": 2,
    "SMOOTHI": 3,
    "DELAY1": 2,
    "DELAY1I": 3,
}


class Expr:
    """Base class of expression nodes; combine them with Python operators."""

    __slots__ = ()

    # arithmetic -----------------------------------------------------------
    def __add__(self, other):
        return BinOp("+", self, as_expr(other))

    def __radd__(self, other):
        return BinOp("+", as_expr(other), self)

    def __sub__(self, other):
        return BinOp("-", self, as_expr(other))

    def __rsub__(self, other):
        return BinOp("-", as_expr(other), self)

    def __mul__(self, other):
        return BinOp("*", self, as_expr(other))

    def __rmul__(self, other):
        return BinOp("*", as_expr(other), self)

    def __truediv__(self, other):
        return BinOp("/", self, as_expr(other))

    def __rtruediv__(self, other):
        return BinOp("/", as_expr(other), self)

    def __pow__(self, other):
        return BinOp("^", self, as_expr(other))

    def __rpow__(self, other):
        return BinOp("^", as_expr(other), self)

    def __neg__(self):
        return UnOp("-", self)

    def __pos__(self):
        return self

    def __abs__(self):
        return Call("ABS", (self,))

    # comparisons and logic ----------------------------------------------------
    def __lt__(self, other):
        return BinOp("<", self, as_expr(other))

    def __le__(self, other):
        return BinOp("<=", self, as_expr(other))

    def __gt__(self, other):
        return BinOp(">", self, as_expr(other))

    def __ge__(self, other):
        return BinOp(">=", self, as_expr(other))

    def __eq__(self, other):  # type: ignore[override]
        return BinOp("==", self, as_expr(other))

    def __ne__(self, other):  # type: ignore[override]
        return BinOp("!=", self, as_expr(other))

    def __and__(self, other):
        return BinOp("and", self, as_expr(other))

    def __rand__(self, other):
        return BinOp("and", as_expr(other), self)

    def __or__(self, other):
        return BinOp("or", self, as_expr(other))

    def __ror__(self, other):
        return BinOp("or", as_expr(other), self)

    def __invert__(self):
        return UnOp("not", self)

    __hash__ = object.__hash__

    def __bool__(self):
        raise ParameterError(
            "model expression used as a Python truth value; use sd.if_then_else(...) "
            "and the operators & | ~ instead of if/and/or/not"
        )

    # tree interface -------------------------------------------------------------
    def children(self) -> tuple[Expr, ...]:
        """Direct sub-expressions."""
        return ()

    def refs(self) -> set[str]:
        """Names of all model variables (and lookups) this expression reads."""
        out: set[str] = set()
        for node in walk(self):
            if isinstance(node, (Ref, LookupCall)):
                out.add(node.name)
        return out

    def __repr__(self) -> str:
        from hashcarbon.sd.vensim import expr_to_vensim

        return f"<sd.Expr {expr_to_vensim(self)}>"


class Const(Expr):
    """A literal number."""

    __slots__ = ("value",)

    def __init__(self, value: float) -> None:
        self.value = float(value)


class Time(Expr):
    """Model time ``Time`` in the model's time unit."""

    __slots__ = ()


class Ref(Expr):
    """A reference to a model variable by name.

    Calling a reference, ``table(x)``, evaluates the lookup ``table`` at ``x``.
    """

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, x) -> LookupCall:
        return LookupCall(self.name, as_expr(x))


class BinOp(Expr):
    """A binary operator (see :data:`BINARY_OPS`)."""

    __slots__ = ("left", "op", "right")

    def __init__(self, op: str, left: Expr, right: Expr) -> None:
        self.op = op
        self.left = left
        self.right = right

    def children(self) -> tuple[Expr, ...]:
        return (self.left, self.right)


class UnOp(Expr):
    """Unary minus (``"-"``) or logical not (``"not"``)."""

    __slots__ = ("op", "operand")

    def __init__(self, op: str, operand: Expr) -> None:
        self.op = op
        self.operand = operand

    def children(self) -> tuple[Expr, ...]:
        return (self.operand,)


class Call(Expr):
    """A pure built-in function call (see :data:`PURE_FUNCTIONS`)."""

    __slots__ = ("args", "func")

    def __init__(self, func: str, args: tuple[Expr, ...]) -> None:
        if len(args) != PURE_FUNCTIONS[func]:
            raise ParameterError(
                f"{func}: expected {PURE_FUNCTIONS[func]} arguments, got {len(args)}"
            )
        self.func = func
        self.args = tuple(as_expr(a) for a in args)

    def children(self) -> tuple[Expr, ...]:
        return self.args


class Stateful(Expr):
    """A built-in function with a hidden stock (see :data:`STATEFUL_FUNCTIONS`)."""

    __slots__ = ("args", "func")

    def __init__(self, func: str, args: tuple[Expr, ...]) -> None:
        if len(args) != STATEFUL_FUNCTIONS[func]:
            raise ParameterError(
                f"{func}: expected {STATEFUL_FUNCTIONS[func]} arguments, got {len(args)}"
            )
        self.func = func
        self.args = tuple(as_expr(a) for a in args)

    def children(self) -> tuple[Expr, ...]:
        return self.args


class LookupCall(Expr):
    """The lookup table ``name`` evaluated at ``arg``."""

    __slots__ = ("arg", "name")

    def __init__(self, name: str, arg: Expr) -> None:
        self.name = name
        self.arg = arg

    def children(self) -> tuple[Expr, ...]:
        return (self.arg,)


def as_expr(value) -> Expr:
    """Turn a Python number or an :class:`Expr` into an :class:`Expr`.

    Raises
    ------
    ParameterError
        If ``value`` is neither a finite real number nor an expression (arrays,
        strings and booleans are refused: put per-run values in a constant).
    """
    if isinstance(value, Expr):
        return value
    if isinstance(value, (bool, np.bool_)):
        raise ParameterError(
            f"expression operand {value!r}: expected a number or a model variable, not a bool"
        )
    if isinstance(value, numbers.Real) or (isinstance(value, np.ndarray) and value.ndim == 0):
        v = float(value)
        if not math.isfinite(v):
            raise ParameterError(f"expression operand {v!r}: expected a finite number")
        return Const(v)
    raise ParameterError(
        f"expression operand of type {type(value).__name__}: expected a number or a model "
        "variable (define arrays as a constant and pass per-run values to run())"
    )


def walk(expr: Expr) -> Iterator[Expr]:
    """Yield ``expr`` and all its sub-expressions, depth first."""
    stack = [expr]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.children()))
