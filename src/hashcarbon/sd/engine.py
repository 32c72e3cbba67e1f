"""Vectorised Euler integration of :class:`hashcarbon.sd.Model` with Vensim's semantics.

The model is analysed once (names checked, hidden stocks of ``SMOOTH`` and
``DELAY1`` created, auxiliaries sorted topologically) and cached on the model.
Each :func:`run` then turns every expression into a numpy closure, folding
everything that does not change in time (constants, per-run parameters and
what depends only on them) into arrays once, and integrates all runs together:
one numpy operation per expression node and time step acts on all runs.

Order of evaluation in each time step (Vensim Reference Manual, "Euler
integration"; PySD 3.14 ``Model._euler_step``):

1. all auxiliaries and flows are computed from the stocks at time :math:`t`;
2. the values at :math:`t` are recorded (every ``saveper``);
3. every stock is updated, :math:`S_{t+\\Delta t} = S_t + \\Delta t\\,\\dot S_t`.

At the initial time the stocks take their initial values, which are
evaluated once in dependency order (they may read auxiliaries at that time).
Time is computed as ``start + i * dt`` (PySD accumulates ``time + dt``; both
agree exactly when ``dt`` is a power of two or an integer).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import xarray as xr

from hashcarbon import provenance
from hashcarbon.errors import InputError, ParameterError
from hashcarbon.sd.expr import (
    BinOp,
    Call,
    Const,
    Expr,
    LookupCall,
    Ref,
    Stateful,
    Time,
    UnOp,
    walk,
)
from hashcarbon.sd.model import (
    Aux,
    Constant,
    DataSeries,
    Lookup,
    Model,
    Stock,
    _suggest,
)

__all__ = ["TimeGrid", "interp_rows", "run"]

ENGINE = "hashcarbon.sd (vectorised Euler, Vensim order of evaluation)"


# ---------------------------------------------------------------------------
# time grid


@dataclass(frozen=True)
class TimeGrid:
    """Integration and output times.

    Attributes
    ----------
    start, stop, dt, saveper : float
        ``INITIAL TIME``, ``FINAL TIME``, ``TIME STEP``, ``SAVEPER``. [time unit]
    n_steps : int
        Number of Euler steps, ``(stop - start) / dt``.
    save_every : int
        Output every ``save_every`` steps, ``saveper / dt``.
    """

    start: float
    stop: float
    dt: float
    saveper: float
    n_steps: int
    save_every: int

    @classmethod
    def make(cls, start, stop, dt, saveper=None) -> TimeGrid:
        """Validate the control values; :class:`InputError` if inconsistent."""
        vals = {}
        for label, val in (("start", start), ("stop", stop), ("dt", dt), ("saveper", saveper)):
            if val is None and label == "saveper":
                continue
            try:
                vals[label] = float(val)
            except (TypeError, ValueError):
                raise InputError(f"{label}: expected a number, got {val!r}") from None
            if not math.isfinite(vals[label]):
                raise InputError(f"{label}: expected a finite number, got {val!r}")
        start, stop, dt = vals["start"], vals["stop"], vals["dt"]
        saveper = vals.get("saveper", dt)
        if dt <= 0:
            raise InputError(f"dt: expected a positive time step, got {dt}")
        if stop < start:
            raise InputError(f"stop: expected >= start ({start}), got {stop}")
        steps = (stop - start) / dt
        n_steps = round(steps)
        if abs(steps - n_steps) > 1e-9 * max(1.0, steps):
            raise InputError(
                f"dt: (stop - start) / dt must be a whole number of steps, got {steps:.6g}"
            )
        ratio = saveper / dt
        save_every = round(ratio)
        if save_every < 1 or abs(ratio - save_every) > 1e-9 * max(1.0, ratio):
            raise InputError(f"saveper: expected a positive multiple of dt={dt}, got {saveper}")
        return cls(start, stop, dt, saveper, int(n_steps), int(save_every))

    @property
    def times(self) -> np.ndarray:
        """Output times, ``start + k * saveper`` up to ``stop``. [time unit]"""
        idx = np.arange(0, self.n_steps + 1, self.save_every)
        return self.start + idx * self.dt


# ---------------------------------------------------------------------------
# analysis (cached per model)


_HIDDEN_PREFIX = "#"  # cannot clash with user names (identifiers)


@dataclass
class _StockSpec:
    name: str
    initial: Expr
    net: Expr
    hidden: bool


@dataclass
class _Plan:
    slots: dict[str, int]
    constants: list[str]
    stocks: list[_StockSpec]
    aux_exprs: dict[str, Expr]  # lowered; includes data series
    static_order: list[str]
    dynamic_order: list[str]
    init_order: list[str]  # auxes and stocks (incl. hidden)
    tables: dict[str, tuple[np.ndarray, np.ndarray]]  # lookups and data series
    deps: dict[str, set[str]]  # aux/stock -> names its expressions read (stocks: net + initial)

    def needed(self, names: Iterable[str]) -> set[str]:
        """Every variable that must be computed to know ``names`` (their dependency closure)."""
        seen: set[str] = set()
        stack = list(names)
        while stack:
            n = stack.pop()
            if n in seen:
                continue
            seen.add(n)
            stack.extend(self.deps.get(n, ()))
        return seen


def _check_refs(model: Model, owner: str, expr: Expr) -> None:
    defs = model.variables
    for node in walk(expr):
        if isinstance(node, Ref):
            d = defs.get(node.name)
            if d is None:
                raise ParameterError(
                    f"variable {owner!r} refers to unknown variable {node.name!r}"
                    f"{_suggest(node.name, defs)}"
                )
            if isinstance(d, Lookup):
                raise ParameterError(
                    f"variable {owner!r} uses lookup {node.name!r} as a value; call it, "
                    f"e.g. {node.name}(x)"
                )
        elif isinstance(node, LookupCall):
            d = defs.get(node.name)
            if d is None:
                raise ParameterError(
                    f"variable {owner!r} calls unknown lookup {node.name!r}"
                    f"{_suggest(node.name, defs)}"
                )
            if not isinstance(d, Lookup):
                raise ParameterError(
                    f"variable {owner!r} calls {node.name!r}, which is a {d.kind}, not a lookup"
                )


class _Lowering:
    """Replace SMOOTH/DELAY1 calls by references to hidden stocks."""

    def __init__(self) -> None:
        self.hidden: list[_StockSpec] = []

    def __call__(self, e: Expr) -> Expr:
        if isinstance(e, (Const, Time, Ref)):
            return e
        if isinstance(e, BinOp):
            return BinOp(e.op, self(e.left), self(e.right))
        if isinstance(e, UnOp):
            return UnOp(e.op, self(e.operand))
        if isinstance(e, Call):
            return Call(e.func, tuple(self(a) for a in e.args))
        if isinstance(e, LookupCall):
            return LookupCall(e.name, self(e.arg))
        if isinstance(e, Stateful):
            args = [self(a) for a in e.args]
            name = f"{_HIDDEN_PREFIX}{e.func.lower()}{len(self.hidden)}"
            x, tau = args[0], args[1]
            level = Ref(name)
            if e.func in ("SMOOTH", "SMOOTHI"):
                init = x if e.func == "SMOOTH" else args[2]
                net = (x - level) / tau
                out: Expr = level
            else:  # DELAY1, DELAY1I
                init = (x if e.func == "DELAY1" else args[2]) * tau
                net = x - level / tau
                out = level / tau
            self.hidden.append(_StockSpec(name, init, net, hidden=True))
            return out
        raise TypeError(f"unknown expression node {type(e).__name__}")  # pragma: no cover


def _deps(expr: Expr) -> set[str]:
    return {n.name for n in walk(expr) if isinstance(n, Ref)}


def _has_time(expr: Expr) -> bool:
    return any(
        isinstance(n, Time) or (isinstance(n, Call) and n.func in ("STEP", "RAMP", "PULSE"))
        for n in walk(expr)
    )


def _toposort(nodes: Iterable[str], edges: Mapping[str, set[str]], what: str) -> list[str]:
    """Depth-first topological sort; ParameterError naming a cycle if there is one."""
    order: list[str] = []
    state: dict[str, int] = {}  # 1 = on stack, 2 = done
    for root in nodes:
        if state.get(root) == 2:
            continue
        stack: list[tuple[str, Iterable[str]]] = [(root, iter(sorted(edges.get(root, ()))))]
        path = [root]
        state[root] = 1
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                stack.pop()
                path.pop()
                state[node] = 2
                order.append(node)
                continue
            s = state.get(nxt)
            if s == 2:
                continue
            if s == 1:
                cyc = [*path[path.index(nxt) :], nxt]
                shown = " -> ".join(
                    c if not c.startswith(_HIDDEN_PREFIX) else "(SMOOTH/DELAY)" for c in cyc
                )
                raise ParameterError(f"circular {what}: {shown}")
            state[nxt] = 1
            path.append(nxt)
            stack.append((nxt, iter(sorted(edges.get(nxt, ())))))
    return order


def _plan(model: Model) -> _Plan:
    cached = getattr(model, "_compiled", None)
    if cached is not None:
        return cached
    defs = model.variables
    lower = _Lowering()
    constants: list[str] = []
    stocks: list[_StockSpec] = []
    aux_exprs: dict[str, Expr] = {}
    tables: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    from hashcarbon.sd.functions import TIME

    for name, d in defs.items():
        if isinstance(d, Constant):
            constants.append(name)
        elif isinstance(d, Stock):
            for label, flows in (("inflow", d.inflows), ("outflow", d.outflows)):
                for f in flows:
                    fd = defs.get(f)
                    if fd is None:
                        raise ParameterError(
                            f"stock {name!r}: unknown {label} {f!r}{_suggest(f, defs)}"
                        )
                    if not (isinstance(fd, Aux) and fd.role == "flow"):
                        raise ParameterError(
                            f"stock {name!r}: {label} {f!r} is a {fd.kind}; define it with "
                            "Model.flow"
                        )
            _check_refs(model, name, d.initial)
            net = d.net_flow_expr()
            _check_refs(model, name, net)
            stocks.append(_StockSpec(name, lower(d.initial), lower(net), hidden=False))
        elif isinstance(d, Aux):
            _check_refs(model, name, d.expr)
            aux_exprs[name] = lower(d.expr)
        elif isinstance(d, Lookup):
            tables[name] = (d.x, d.y)
        elif isinstance(d, DataSeries):
            tables[name] = (d.time, d.values)
            aux_exprs[name] = LookupCall(name, TIME)
    stocks.extend(lower.hidden)

    stock_names = {s.name for s in stocks}
    # auxiliaries: order, and which are constant in time
    aux_edges = {a: {r for r in _deps(e) if r in aux_exprs} for a, e in aux_exprs.items()}
    aux_order = _toposort(list(aux_exprs), aux_edges, "definition")
    static: set[str] = set()
    for a in aux_order:
        e = aux_exprs[a]
        refs = _deps(e)
        if (
            not _has_time(e)
            and not (refs & stock_names)
            and all(r in static or r in constants for r in refs if r in aux_exprs or r in constants)
        ):
            static.add(a)
    static_order = [a for a in aux_order if a in static]
    dynamic_order = [a for a in aux_order if a not in static]

    # initial values: stocks' initial expressions may read auxiliaries at start time
    init_edges: dict[str, set[str]] = {}
    for a in dynamic_order:
        init_edges[a] = {r for r in _deps(aux_exprs[a]) if r in stock_names or r in aux_exprs}
    for s in stocks:
        init_edges[s.name] = {r for r in _deps(s.initial) if r in stock_names or r in aux_exprs}
    init_nodes = [*dynamic_order, *(s.name for s in stocks)]
    init_order = [n for n in _toposort(init_nodes, init_edges, "initial values") if n not in static]

    names = [*constants, *(s.name for s in stocks), *aux_exprs]
    deps = {a: _deps(e) for a, e in aux_exprs.items()}
    deps.update({s.name: _deps(s.net) | _deps(s.initial) for s in stocks})
    plan = _Plan(
        slots={n: i for i, n in enumerate(names)},
        constants=constants,
        stocks=stocks,
        aux_exprs=aux_exprs,
        static_order=static_order,
        dynamic_order=dynamic_order,
        init_order=init_order,
        tables=tables,
        deps=deps,
    )
    model._compiled = plan
    return plan


# ---------------------------------------------------------------------------
# numerics


def interp_rows(x, xp: np.ndarray, fp: np.ndarray) -> np.ndarray:
    """Piecewise-linear interpolation with a different table per run.

    Parameters
    ----------
    x : float or numpy.ndarray of shape (n_runs,)
        Points to evaluate. [unit of the table's input]
    xp : numpy.ndarray of shape (n_points,)
        Strictly increasing table inputs, shared by all runs. [unit of the table's input]
    fp : numpy.ndarray of shape (n_runs, n_points)
        Table outputs, one row per run. [unit of the table's output]

    Returns
    -------
    numpy.ndarray of shape (n_runs,)
        ``numpy.interp(x[i], xp, fp[i])`` for every run ``i``: linear between
        points, clamped to the first/last value beyond them.
    """
    n_runs, n_points = fp.shape
    if np.ndim(x) == 0:  # e.g. a data series at the current time: one segment for all runs
        xs = float(x)
        if xs <= xp[0]:
            return fp[:, 0].copy()
        if xs >= xp[-1]:
            return fp[:, -1].copy()
        k = int(np.searchsorted(xp, xs, side="right")) - 1
        y0 = fp[:, k]
        return (fp[:, k + 1] - y0) / (xp[k + 1] - xp[k]) * (xs - xp[k]) + y0
    xb = np.broadcast_to(np.asarray(x, dtype=float), (n_runs,))
    j = np.clip(np.searchsorted(xp, xb, side="right") - 1, 0, n_points - 2)
    rows = np.arange(n_runs)
    x0 = xp[j]
    y0 = fp[rows, j]
    y1 = fp[rows, j + 1]
    slope = (y1 - y0) / (xp[j + 1] - x0)
    out = slope * (xb - x0) + y0
    out = np.where(xb <= xp[0], fp[:, 0], out)
    return np.where(xb >= xp[-1], fp[:, -1], out)


_BIN = {
    "+": np.add,
    "-": np.subtract,
    "*": np.multiply,
    "/": np.divide,
    "^": np.power,
}
_CMP = {
    "<": np.less,
    "<=": np.less_equal,
    ">": np.greater,
    ">=": np.greater_equal,
    "==": np.equal,
    "!=": np.not_equal,
    "and": np.logical_and,
    "or": np.logical_or,
}
_UNARY_FUNCS = {"ABS": np.abs, "EXP": np.exp, "LN": np.log, "SQRT": np.sqrt}
_F64 = np.float64


class _Static:
    """A value known before the time loop (scalar or per-run array)."""

    __slots__ = ("value",)

    def __init__(self, value) -> None:
        self.value = value


Compiled = _Static | Callable


class _Compiler:
    def __init__(self, v: list, static_slots: set[int], slots, tables, dt: float) -> None:
        self.v = v
        self.static_slots = static_slots
        self.slots = slots
        self.tables = tables
        self.dt = _F64(dt)

    def fn(self, e: Expr) -> Callable:
        """Compile to a closure ``f(v, t)`` (static values become constant closures)."""
        c = self.compile(e)
        if isinstance(c, _Static):
            val = c.value
            return lambda v, t: val
        return c

    def compile(self, e: Expr, as_bool: bool = False) -> Compiled:
        if isinstance(e, Const):
            return _Static(_F64(e.value))
        if isinstance(e, Time):
            return lambda v, t: t
        if isinstance(e, Ref):
            i = self.slots[e.name]
            if i in self.static_slots:
                return _Static(self.v[i])
            return lambda v, t: v[i]
        if isinstance(e, BinOp):
            if e.op in _BIN:
                return self._binary(_BIN[e.op], e.left, e.right, False)
            ufunc = _CMP[e.op]
            sub_bool = e.op in ("and", "or")
            c = self._binary(ufunc, e.left, e.right, sub_bool)
            return c if as_bool else self._to_float(c)
        if isinstance(e, UnOp):
            if e.op == "-":
                return self._map(np.negative, self.compile(e.operand))
            c = self._map(np.logical_not, self.compile(e.operand, as_bool=True))
            return c if as_bool else self._to_float(c)
        if isinstance(e, Call):
            return self._call(e)
        if isinstance(e, LookupCall):
            xp, fp = self.tables[e.name]
            if fp.ndim == 1:

                def interp(x, xp=xp, fp=fp):
                    return np.interp(x, xp, fp)

            else:

                def interp(x, xp=xp, fp=fp):
                    return interp_rows(x, xp, fp)

            return self._map(interp, self.compile(e.arg))
        raise TypeError(f"cannot compile {type(e).__name__}")  # pragma: no cover

    @staticmethod
    def _to_float(c: Compiled) -> Compiled:
        if isinstance(c, _Static):
            return _Static(np.asarray(c.value, dtype=_F64) if np.ndim(c.value) else _F64(c.value))
        return lambda v, t: np.asarray(c(v, t), dtype=_F64)

    @staticmethod
    def _map(f, c: Compiled) -> Compiled:
        if isinstance(c, _Static):
            return _Static(f(c.value))
        return lambda v, t: f(c(v, t))

    def _binary(self, f, left: Expr, right: Expr, as_bool: bool) -> Compiled:
        a = self.compile(left, as_bool)
        b = self.compile(right, as_bool)
        if isinstance(a, _Static) and isinstance(b, _Static):
            return _Static(f(a.value, b.value))
        if isinstance(a, _Static):
            av = a.value
            return lambda v, t: f(av, b(v, t))
        if isinstance(b, _Static):
            bv = b.value
            return lambda v, t: f(a(v, t), bv)
        return lambda v, t: f(a(v, t), b(v, t))

    def _call(self, e: Call) -> Compiled:
        fname = e.func
        if fname in _UNARY_FUNCS:
            return self._map(_UNARY_FUNCS[fname], self.compile(e.args[0]))
        if fname in ("MIN", "MAX"):
            return self._binary(np.minimum if fname == "MIN" else np.maximum, *e.args, False)
        if fname == "IF THEN ELSE":
            cs = [self.compile(e.args[0], as_bool=True), *map(self.compile, e.args[1:])]
            if all(isinstance(c, _Static) for c in cs):
                return _Static(np.where(cs[0].value, cs[1].value, cs[2].value))
            cf, af, bf = (self._as_fn(c) for c in cs)
            return lambda v, t: np.where(cf(v, t), af(v, t), bf(v, t))
        half = self.dt / 2
        dt = self.dt
        args = [self._as_fn(self.compile(a)) for a in e.args]
        if fname == "STEP":
            hf, t0f = args
            # Vensim/PySD: height * (time + TIME STEP/2 > step time)
            return lambda v, t: hf(v, t) * (t + half > t0f(v, t))
        if fname == "RAMP":
            sf, t0f, t1f = args
            # PySD: (time > start) * slope * (MIN(end, time) - start)

            def ramp(v, t):
                t0 = t0f(v, t)
                return (t > t0) * sf(v, t) * (np.minimum(t1f(v, t), t) - t0)

            return ramp
        if fname == "PULSE":
            t0f, wf = args

            def pulse(v, t):
                t0 = t0f(v, t)
                w = wf(v, t)
                w = np.where(w == 0, dt, w)  # Vensim: width 0 means TIME STEP
                return np.logical_and(t + half > t0, t + half < t0 + w).astype(_F64)

            return pulse
        raise TypeError(f"unknown function {fname}")  # pragma: no cover

    @staticmethod
    def _as_fn(c: Compiled) -> Callable:
        if isinstance(c, _Static):
            val = c.value
            return lambda v, t: val
        return c


# ---------------------------------------------------------------------------
# parameters


def _resolve_params(model: Model, plan: _Plan, params, n_runs):
    params = {} if params is None else params
    if not isinstance(params, Mapping):
        raise ParameterError(
            f"params: expected a mapping of name -> value, got {type(params).__name__}"
        )
    defs = model.variables
    arrays: dict[str, np.ndarray] = {}
    for key, val in params.items():
        d = defs.get(key)
        if d is None:
            raise ParameterError(f"params: unknown parameter {key!r}{_suggest(str(key), defs)}")
        if not isinstance(d, (Constant, Lookup, DataSeries)):
            raise ParameterError(
                f"params: {key!r} is a {d.kind}; only constants, lookups and data series can be set"
            )
        try:
            a = np.array(val, dtype=float)
        except (TypeError, ValueError):
            raise ParameterError(f"params: {key!r} must be numeric") from None
        if not np.all(np.isfinite(a)):
            raise ParameterError(f"params: {key!r} must be finite")
        arrays[key] = a

    inferred: dict[str, int] = {}
    for key, a in arrays.items():
        d = defs[key]
        if isinstance(d, Constant):
            if a.ndim > 1:
                raise ParameterError(
                    f"params: {key!r} must be a scalar or a 1-D array of one value per run, "
                    f"got shape {a.shape}"
                )
            if a.ndim == 1:
                inferred[key] = a.shape[0]
        else:
            n_pts = plan.tables[key][0].size
            if a.ndim not in (1, 2) or a.shape[-1] != n_pts:
                raise ParameterError(
                    f"params: {key!r} must have shape ({n_pts},) or (n_runs, {n_pts}) "
                    f"(one value per table point), got {a.shape}"
                )
            if a.ndim == 2:
                inferred[key] = a.shape[0]
    if n_runs is not None:
        if isinstance(n_runs, bool) or not isinstance(n_runs, (int, np.integer)) or n_runs < 1:
            raise ParameterError(f"n_runs: expected a positive integer, got {n_runs!r}")
        n_runs = int(n_runs)
    for key, n in inferred.items():
        if n_runs is None:
            n_runs = n
        elif n != n_runs:
            raise ParameterError(
                f"params: {key!r} has {n} values per run axis, expected n_runs={n_runs}"
            )
    return arrays, (1 if n_runs is None else n_runs)


# ---------------------------------------------------------------------------
# run


def _saveper(model: Model, dt, saveper):
    if saveper is not None:
        return saveper
    if dt is not None and model.saveper == model.dt:
        return dt  # output every step stays every step
    return model.saveper


def run(
    model: Model,
    params: Mapping[str, object] | None = None,
    *,
    n_runs: int | None = None,
    start: float | None = None,
    stop: float | None = None,
    dt: float | None = None,
    saveper: float | None = None,
    outputs: Iterable[str] | None = None,
) -> xr.Dataset:
    r"""Simulate ``model`` for ``n_runs`` parameter sets at once (Euler, Vensim order).

    Parameters
    ----------
    model : Model
        The stock-flow model.
    params : mapping, optional
        Overrides by name.  A constant takes a scalar (all runs) or an array
        of shape ``(n_runs,)``; a lookup or data series takes new ``y`` values
        of shape ``(n_points,)`` or ``(n_runs, n_points)`` at the same ``x``.
    n_runs : int, optional
        Number of runs; inferred from per-run arrays if omitted (else 1).
    start, stop, dt, saveper : float, optional
        Override the model's ``INITIAL TIME``, ``FINAL TIME``, ``TIME STEP``
        and ``SAVEPER``. [time unit]
    outputs : iterable of str, optional
        Variables to return (default: all constants, stocks, flows,
        auxiliaries and data series).  Given, only these variables and what
        they depend on are computed and recorded: fewer outputs use less
        time and memory, and their values are the same as in a full run.

    Returns
    -------
    xarray.Dataset
        Dimensions ``time`` (output times) and ``run``.  Stocks, flows,
        auxiliaries and data series have dims ``(time, run)``, constants
        ``(run,)``.  Each variable carries ``units``, ``kind`` and
        ``description`` attributes; the Dataset carries the engine, package
        version, model name, time settings and the overridden parameters.
        Values that do not vary by run or time may be read-only broadcast
        views.

    Raises
    ------
    ParameterError
        Unknown or circular variables, unknown parameter names, bad shapes.
    InputError
        Inconsistent time settings.

    Notes
    -----
    Euler integration, :math:`S_{t+\Delta t} = S_t + \Delta t\,(\sum
    \mathrm{inflows}_t - \sum \mathrm{outflows}_t)` (Sterman 2000, ch. 6
    appendix), with all auxiliaries and flows computed from the stocks at
    :math:`t` before any stock moves, as Vensim does.  Floating-point
    warnings (division by zero, ``LN`` of a negative number in a branch of
    ``IF THEN ELSE`` that is not taken) are silenced; the results then hold
    ``inf``/``nan`` where the model divides by zero.
    """
    plan = _plan(model)
    grid = TimeGrid.make(
        model.start if start is None else start,
        model.stop if stop is None else stop,
        model.dt if dt is None else dt,
        _saveper(model, dt, saveper),
    )
    arrays, n = _resolve_params(model, plan, params, n_runs)
    defs = model.variables

    if outputs is None:
        out_names = [name for name, d in defs.items() if not isinstance(d, Lookup)]
    else:
        if isinstance(outputs, str):
            outputs = [outputs]
        out_names = []
        for name in outputs:
            d = defs.get(name)
            if d is None:
                raise ParameterError(
                    f"outputs: unknown variable {name!r}{_suggest(str(name), defs)}"
                )
            if isinstance(d, Lookup):
                raise ParameterError(f"outputs: {name!r} is a lookup table, not a variable")
            out_names.append(name)

    # Compute only what the requested outputs depend on (all of it when outputs=None).
    keep = None if outputs is None else plan.needed(out_names)
    static_order = [a for a in plan.static_order if keep is None or a in keep]
    dynamic_order = [a for a in plan.dynamic_order if keep is None or a in keep]
    init_order = [a for a in plan.init_order if keep is None or a in keep]
    stocks = [s for s in plan.stocks if keep is None or s.name in keep]

    slots = plan.slots
    v: list = [None] * len(slots)
    for c in plan.constants:
        v[slots[c]] = arrays[c] if c in arrays else _F64(defs[c].value)
    tables = {}
    for name, (xp, fp) in plan.tables.items():
        tables[name] = (xp, arrays.get(name, fp))

    static_slots = {slots[c] for c in plan.constants}
    comp = _Compiler(v, static_slots, slots, tables, grid.dt)
    t0 = _F64(grid.start)
    with np.errstate(all="ignore"):
        for a in static_order:
            c = comp.compile(plan.aux_exprs[a])
            assert isinstance(c, _Static)
            v[slots[a]] = c.value
            static_slots.add(slots[a])

        aux_fns = [(slots[a], comp.fn(plan.aux_exprs[a])) for a in dynamic_order]
        stock_by_name = {s.name: s for s in stocks}
        for name in init_order:
            if name in stock_by_name:
                v[slots[name]] = comp.fn(stock_by_name[name].initial)(v, t0)
            else:
                v[slots[name]] = comp.fn(plan.aux_exprs[name])(v, t0)
        stock_slots = [slots[s.name] for s in stocks]
        net_fns = [comp.fn(s.net) for s in stocks]

        times = grid.times
        n_save = times.size
        record: list[tuple[int, np.ndarray]] = []
        buffers: dict[str, np.ndarray] = {}
        for name in out_names:
            d = defs[name]
            if isinstance(d, Constant) or slots[name] in static_slots:
                continue
            buf = np.empty((n_save, n), dtype=_F64)
            buffers[name] = buf
            record.append((slots[name], buf))

        dtv = _F64(grid.dt)
        every = grid.save_every
        row = 0
        for i in range(grid.n_steps + 1):
            t = _F64(grid.start + i * grid.dt)
            for slot, f in aux_fns:
                v[slot] = f(v, t)
            if i % every == 0:
                for slot, buf in record:
                    buf[row] = v[slot]
                row += 1
            if i == grid.n_steps:
                break
            nets = [f(v, t) for f in net_fns]
            for slot, net in zip(stock_slots, nets, strict=True):
                v[slot] = v[slot] + dtv * net

    coords = {
        "time": ("time", times, {"units": model.time_units, "long_name": "model time"}),
        "run": ("run", np.arange(n)),
    }
    data_vars = {}
    for name in out_names:
        d = defs[name]
        attrs = {"units": d.units, "kind": d.kind, "description": d.doc}
        if name in buffers:
            data_vars[name] = (("time", "run"), buffers[name], attrs)
        elif isinstance(d, Constant):
            data_vars[name] = (
                ("run",),
                np.broadcast_to(np.asarray(v[slots[name]], _F64), (n,)),
                attrs,
            )
        else:
            data_vars[name] = (
                ("time", "run"),
                np.broadcast_to(np.asarray(v[slots[name]], _F64), (n_save, n)),
                attrs,
            )
    overrides = {}
    for key, a in arrays.items():
        if a.ndim == 0:
            overrides[key] = float(a)
        elif isinstance(defs[key], Constant):
            overrides[key] = "per run (see variable)"
        else:
            overrides[key] = "per run table" if a.ndim == 2 else [float(x) for x in a]
    attrs = {
        "model": model.name,
        "engine": ENGINE,
        **provenance.software(),
        "integration_method": "Euler",
        "initial_time": grid.start,
        "final_time": grid.stop,
        "time_step": grid.dt,
        "saveper": grid.saveper,
        "time_units": model.time_units,
        "n_runs": n,
        "parameters": json.dumps(overrides, sort_keys=True),
    }
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)
