"""Declarative stock-flow models (Sterman 2000, *Business Dynamics*, ch. 6).

A :class:`Model` holds named constants, stocks, flows, auxiliaries, lookup
tables and exogenous data series.  It is run by :mod:`hashcarbon.sd.engine`
(vectorised Euler integration with Vensim's order of evaluation) and exported
to Vensim by :mod:`hashcarbon.sd.vensim`.

Example
-------
>>> from hashcarbon import sd
>>> m = sd.Model("savings", stop=3.0, time_units="Year")
>>> rate = m.constant("interest_rate", 0.1, units="1/Year")
>>> balance = m.stock("balance_usd", 100.0, inflows=["interest_usd_per_year"], units="USD")
>>> interest = m.flow("interest_usd_per_year", balance * rate, units="USD/Year")
>>> ds = m.run()
>>> [round(float(x), 6) for x in ds["balance_usd"].isel(run=0)]
[100.0, 110.0, 121.0, 133.1]
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from hashcarbon.errors import ParameterError
from hashcarbon.sd.expr import Expr, Ref, as_expr

__all__ = [
    "Aux",
    "Constant",
    "DataSeries",
    "Lookup",
    "Model",
    "Stock",
]

_NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")

#: Names that would clash with Vensim's control variables or function names.
RESERVED_NAMES: frozenset[str] = frozenset(
    {
        "time",
        "initial_time",
        "final_time",
        "time_step",
        "saveper",
        "if_then_else",
        "min",
        "max",
        "abs",
        "exp",
        "ln",
        "log",
        "sqrt",
        "step",
        "ramp",
        "pulse",
        "pulse_train",
        "smooth",
        "smoothi",
        "smooth3",
        "smooth3i",
        "delay1",
        "delay1i",
        "delay3",
        "delay3i",
        "delay_fixed",
        "integ",
        "with_lookup",
        "lookup",
        "integer",
        "modulo",
        "pi",
        "and",
        "or",
        "not",
        "xidz",
        "zidz",
        "random_uniform",
        "random_normal",
        "initial",
        "active_initial",
        "sum",
        "power",
    }
)


def _check_text(kind: str, name: str, text: str | None) -> str:
    if text is None:
        return ""
    if not isinstance(text, str):
        raise ParameterError(f"{kind} of {name!r}: expected a string, got {type(text).__name__}")
    if any(c in text for c in "~|"):
        raise ParameterError(
            f"{kind} of {name!r}: must not contain '~' or '|' (Vensim field separators)"
        )
    if kind == "units" and any(c in text for c in "[]\n"):
        raise ParameterError(f"units of {name!r}: must be one line without '[' or ']'")
    return text


@dataclass(frozen=True, eq=False)
class _Definition:
    name: str
    units: str
    doc: str


@dataclass(frozen=True, eq=False)
class Constant(_Definition):
    """A parameter, constant in time, overridable per run. ``value`` in ``units``."""

    value: float

    kind = "constant"


@dataclass(frozen=True, eq=False)
class Stock(_Definition):
    """A stock (level): ``INTEG(sum(inflows) - sum(outflows) [+ net_flow], initial)``."""

    initial: Expr
    inflows: tuple[str, ...] = ()
    outflows: tuple[str, ...] = ()
    net_flow: Expr | None = None

    kind = "stock"

    def net_flow_expr(self) -> Expr:
        """The stock's rate of change as one expression [units/time]."""
        terms: Expr | None = self.net_flow
        for name in self.inflows:
            terms = Ref(name) if terms is None else terms + Ref(name)
        for name in self.outflows:
            terms = -Ref(name) if terms is None else terms - Ref(name)
        return as_expr(0.0) if terms is None else terms


@dataclass(frozen=True, eq=False)
class Aux(_Definition):
    """An auxiliary, or a flow when ``role == "flow"``: a function of other variables."""

    expr: Expr
    role: str = "aux"

    @property
    def kind(self) -> str:  # type: ignore[override]
        return self.role


@dataclass(frozen=True, eq=False)
class Lookup(_Definition):
    """A piecewise-linear table ``y(x)``, clamped at both ends like Vensim lookups."""

    x: np.ndarray = field(repr=False)
    y: np.ndarray = field(repr=False)
    x_units: str = ""

    kind = "lookup"


@dataclass(frozen=True, eq=False)
class DataSeries(_Definition):
    """An exogenous input given at ``time`` points, interpolated linearly, held at the ends."""

    time: np.ndarray = field(repr=False)
    values: np.ndarray = field(repr=False)

    kind = "data"


def _table(name: str, x, y, xlabel: str, ylabel: str) -> tuple[np.ndarray, np.ndarray]:
    try:
        xa = np.asarray(x, dtype=float)
        ya = np.asarray(y, dtype=float)
    except (TypeError, ValueError):
        raise ParameterError(f"{name}: {xlabel} and {ylabel} must be numeric") from None
    if xa.ndim != 1 or ya.ndim != 1 or xa.size != ya.size or xa.size < 2:
        raise ParameterError(
            f"{name}: {xlabel} and {ylabel} must be 1-D of the same length >= 2, "
            f"got shapes {xa.shape} and {ya.shape}"
        )
    if not (np.all(np.isfinite(xa)) and np.all(np.isfinite(ya))):
        raise ParameterError(f"{name}: {xlabel} and {ylabel} must be finite")
    if np.any(np.diff(xa) <= 0):
        raise ParameterError(f"{name}: {xlabel} must be strictly increasing")
    xa.setflags(write=False)
    ya.setflags(write=False)
    return xa, ya


class Model:
    """A stock-flow model: named variables with units, run by a vectorised Euler engine.

    Parameters
    ----------
    name : str
        Model name, written into results and the ``.mdl`` header.
    start, stop : float
        Default ``INITIAL TIME`` and ``FINAL TIME``. [time_units]
    dt : float
        Default ``TIME STEP``. [time_units]
    saveper : float, optional
        Default output interval, a multiple of ``dt`` (default ``dt``). [time_units]
    time_units : str
        Unit of ``Time``, e.g. ``"Month"``.
    doc : str
        Free-text description.

    Notes
    -----
    Variables are added with :meth:`constant`, :meth:`stock`, :meth:`flow`,
    :meth:`aux`, :meth:`lookup` and :meth:`data`; each returns a reference that
    combines with Python operators into expressions.  ``m["name"]`` refers to a
    variable that may be defined later; names are checked when the model is
    run or exported.  Names are identifiers (letters, digits, ``_``), unique
    ignoring case (Vensim and Simlin are case-insensitive).

    The stock-flow semantics are those of Sterman (2000) [1]_, ch. 6: a stock
    is the integral of its inflows minus outflows from its initial value.

    References
    ----------
    .. [1] J. D. Sterman, *Business Dynamics: Systems Thinking and Modeling for
       a Complex World*, Irwin/McGraw-Hill, 2000. ISBN 0-07-231135-5.
    """

    def __init__(
        self,
        name: str,
        *,
        start: float = 0.0,
        stop: float = 100.0,
        dt: float = 1.0,
        saveper: float | None = None,
        time_units: str = "Month",
        doc: str = "",
    ) -> None:
        if not isinstance(name, str) or not name.strip() or any(c in name for c in "~|\n{}"):
            raise ParameterError(f"model name {name!r}: expected a one-line non-empty string")
        self.name = name
        self.time_units = _check_text("units", "time_units", time_units)
        self.doc = _check_text("doc", name, doc)
        from hashcarbon.sd.engine import TimeGrid

        # validated once here, again (with overrides) in run()
        TimeGrid.make(start, stop, dt, saveper)
        self.start = float(start)
        self.stop = float(stop)
        self.dt = float(dt)
        self.saveper = float(dt if saveper is None else saveper)
        self._defs: dict[str, _Definition] = {}
        self._lower: dict[str, str] = {}
        self._compiled = None

    # -- definitions -------------------------------------------------------------
    def _add(self, definition: _Definition) -> Ref:
        name = definition.name
        if not isinstance(name, str) or not _NAME_RE.match(name):
            raise ParameterError(
                f"variable name {name!r}: expected an identifier of letters, digits and '_' "
                "starting with a letter"
            )
        low = name.lower()
        if low in RESERVED_NAMES:
            raise ParameterError(
                f"variable name {name!r}: reserved (a Vensim function or control variable)"
            )
        if low in self._lower:
            raise ParameterError(
                f"variable {name!r}: already defined as {self._lower[low]!r} "
                "(names are case-insensitive)"
            )
        self._defs[name] = definition
        self._lower[low] = name
        self._compiled = None
        return Ref(name)

    def constant(self, name: str, value: float, *, units: str | None = None, doc: str = "") -> Ref:
        """Add a constant (a parameter that :meth:`run` can override per run).

        Parameters
        ----------
        name : str
            Variable name.
        value : float
            Default value. [units]
        units : str, optional
            Unit string, written to results and the ``.mdl``.
        doc : str
            Description.

        Returns
        -------
        Ref
            A reference to use in expressions.
        """
        try:
            v = float(value)
        except (TypeError, ValueError):
            raise ParameterError(
                f"constant {name!r}: expected a number, got {type(value).__name__}"
            ) from None
        if not math.isfinite(v):
            raise ParameterError(f"constant {name!r}: expected a finite number, got {v}")
        return self._add(
            Constant(name, _check_text("units", name, units), _check_text("doc", name, doc), v)
        )

    def stock(
        self,
        name: str,
        initial,
        *,
        inflows: Iterable[str | Ref] = (),
        outflows: Iterable[str | Ref] = (),
        net_flow=None,
        units: str | None = None,
        doc: str = "",
    ) -> Ref:
        """Add a stock, the integral of its inflows minus outflows.

        Parameters
        ----------
        name : str
            Variable name.
        initial : float or Expr
            Initial value, evaluated once at the start time (it may read other
            variables at that time). [units]
        inflows, outflows : iterable of str or Ref
            Flows (defined with :meth:`flow`) that add to / subtract from the stock.
        net_flow : Expr, optional
            A rate expression added to ``sum(inflows) - sum(outflows)``. [units/time]
        units : str, optional
            Unit of the stock.
        doc : str
            Description.

        Returns
        -------
        Ref
            A reference to the stock.
        """

        def names(items, label):
            if isinstance(items, (str, Ref)):
                items = [items]
            out = []
            for it in items:
                if isinstance(it, Ref):
                    out.append(it.name)
                elif isinstance(it, str):
                    out.append(it)
                else:
                    raise ParameterError(
                        f"stock {name!r}: {label} must be flow names or references, "
                        f"got {type(it).__name__}"
                    )
            return tuple(out)

        return self._add(
            Stock(
                name,
                _check_text("units", name, units),
                _check_text("doc", name, doc),
                as_expr(initial),
                names(inflows, "inflows"),
                names(outflows, "outflows"),
                None if net_flow is None else as_expr(net_flow),
            )
        )

    def aux(self, name: str, expr, *, units: str | None = None, doc: str = "") -> Ref:
        """Add an auxiliary variable, ``name = expr``, recomputed every time step.

        Parameters
        ----------
        name : str
            Variable name.
        expr : Expr or float
            Definition, an expression of other variables, ``sd.TIME`` and
            built-in functions. [units]
        units : str, optional
            Unit of the variable.
        doc : str
            Description.

        Returns
        -------
        Ref
            A reference to the variable.
        """
        return self._add(
            Aux(
                name,
                _check_text("units", name, units),
                _check_text("doc", name, doc),
                as_expr(expr),
            )
        )

    def flow(self, name: str, expr, *, units: str | None = None, doc: str = "") -> Ref:
        """Add a flow (a rate that stocks list as inflow or outflow); see :meth:`aux`."""
        return self._add(
            Aux(
                name,
                _check_text("units", name, units),
                _check_text("doc", name, doc),
                as_expr(expr),
                role="flow",
            )
        )

    def lookup(
        self,
        name: str,
        x: Sequence[float],
        y: Sequence[float],
        *,
        units: str | None = None,
        x_units: str | None = None,
        doc: str = "",
    ) -> Ref:
        """Add a lookup table; call the returned reference to use it, ``table(x_expr)``.

        Parameters
        ----------
        name : str
            Table name.
        x : sequence of float
            Strictly increasing input points. [x_units]
        y : sequence of float
            Output at each point. [units]
        units, x_units : str, optional
            Units of the output and of the input.
        doc : str
            Description.

        Returns
        -------
        Ref
            A callable reference: ``table(expr)`` is an expression.

        Notes
        -----
        Piecewise-linear between points and constant beyond the first and last
        point, as Vensim lookups and ``numpy.interp``.  :meth:`run` can replace
        ``y`` (same ``x``), also by a different table per run.
        """
        xa, ya = _table(name, x, y, "x", "y")
        return self._add(
            Lookup(
                name,
                _check_text("units", name, units),
                _check_text("doc", name, doc),
                xa,
                ya,
                _check_text("units", name, x_units),
            )
        )

    def data(
        self,
        name: str,
        time: Sequence[float],
        values: Sequence[float],
        *,
        units: str | None = None,
        doc: str = "",
    ) -> Ref:
        """Add an exogenous time series, interpolated linearly and held beyond its ends.

        Parameters
        ----------
        name : str
            Variable name.
        time : sequence of float
            Strictly increasing model times. [time_units]
        values : sequence of float
            Values at those times. [units]
        units : str, optional
            Unit of the values.
        doc : str
            Description.

        Returns
        -------
        Ref
            A reference to the series' current value.

        Notes
        -----
        Equivalent to a lookup of ``Time`` and exported as
        ``WITH LOOKUP(Time, ...)``.  :meth:`run` can replace ``values`` (same
        ``time``), also by a different path per run, e.g. a BTC price path per
        Monte Carlo draw.
        """
        ta, va = _table(name, time, values, "time", "values")
        return self._add(
            DataSeries(
                name, _check_text("units", name, units), _check_text("doc", name, doc), ta, va
            )
        )

    # -- access ------------------------------------------------------------------
    def __getitem__(self, name: str) -> Ref:
        if not isinstance(name, str):
            raise ParameterError(f"model variable name: expected a string, got {name!r}")
        return Ref(name)

    def __contains__(self, name: object) -> bool:
        return name in self._defs

    def __len__(self) -> int:
        return len(self._defs)

    @property
    def variables(self) -> Mapping[str, _Definition]:
        """All definitions by name, in the order they were added (read-only view)."""
        from types import MappingProxyType

        return MappingProxyType(self._defs)

    @property
    def time(self) -> Expr:
        """Model time, ``Time``."""
        from hashcarbon.sd.functions import TIME

        return TIME

    def expression_of(self, name: str) -> Expr:
        """The defining expression of an auxiliary/flow, or the net flow of a stock."""
        d = self.definition(name)
        if isinstance(d, Aux):
            return d.expr
        if isinstance(d, Stock):
            return d.net_flow_expr()
        raise ParameterError(f"variable {name!r}: a {d.kind} has no expression")

    def definition(self, name: str) -> _Definition:
        """The definition of ``name``; :class:`~hashcarbon.errors.ParameterError` if unknown."""
        try:
            return self._defs[name]
        except KeyError:
            raise ParameterError(
                f"model {self.name!r}: unknown variable {name!r}{_suggest(name, self._defs)}"
            ) from None

    # -- running -----------------------------------------------------------------
    def run(
        self,
        params: Mapping[str, object] | None = None,
        *,
        n_runs: int | None = None,
        start: float | None = None,
        stop: float | None = None,
        dt: float | None = None,
        saveper: float | None = None,
        outputs: Iterable[str] | None = None,
    ):
        """Simulate the model for one or many parameter sets at once.

        See :func:`hashcarbon.sd.engine.run` for parameters and the returned
        :class:`xarray.Dataset`.
        """
        from hashcarbon.sd.engine import run

        return run(
            self,
            params,
            n_runs=n_runs,
            start=start,
            stop=stop,
            dt=dt,
            saveper=saveper,
            outputs=outputs,
        )

    def to_mdl(self, *, spaces: bool = False) -> str:
        """Vensim ``.mdl`` text of this model; see :func:`hashcarbon.sd.vensim.to_mdl`."""
        from hashcarbon.sd.vensim import to_mdl

        return to_mdl(self, spaces=spaces)

    def __repr__(self) -> str:
        counts: dict[str, int] = {}
        for d in self._defs.values():
            counts[d.kind] = counts.get(d.kind, 0) + 1
        parts = ", ".join(f"{v} {k}" for k, v in counts.items())
        return f"<sd.Model {self.name!r}: {parts or 'empty'}>"


def _suggest(name: str, names: Iterable[str]) -> str:
    import difflib

    close = difflib.get_close_matches(name, list(names), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
