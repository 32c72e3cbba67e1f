r"""Parameter tables of the models: one loader, validator and docs generator for all.

Each model keeps its parameters in a ``parameters.csv`` beside its code (PyPSA style:
the numbers live in a table, the code names them).  Columns:

``name``
    Canonical name (units in the name where it has one, e.g. ``pue``,
    ``relocation_delay_months``).
``unit``
    Unit in brackets-free text (``month``, ``1/month``, ``USD/kWh``, ``-``).
``default``
    Value used when nothing overrides it.  Empty only where the model fills it from its
    own stored calibration (BBCE's fitted values, ``bbce_presets/calibration.toml``); the
    ``source`` cell then says so.
``low``, ``high``
    The plausible range: the range of the parameter's distribution in an uncertainty
    analysis (its source or reason is in ``source``).  For a fitted parameter of the
    world model, the hindcast profile of
    :func:`hashcarbon.models.world.calibration.profile_bounds`.
``min``, ``max``
    The valid range: inclusive bounds of what the equations support.  A value outside
    them is refused with a one-line :class:`~hashcarbon.errors.ParameterError`; a value
    outside ``[low, high]`` but inside ``[min, max]`` is accepted (a user may explore
    beyond the plausible range).  ``min <= low <= default <= high <= max``.
``distribution``
    How an uncertainty analysis should draw the parameter: ``fixed`` (not sampled),
    ``uniform`` (over ``[low, high]``), ``triangular`` (``low``, mode ``default``,
    ``high``), ``loguniform`` (over ``[low, high]``, both > 0) or ``uniform_rel:F``
    (uniform over ``default x (1 +- F)``, clipped to the bounds).
``status``
    ``stated`` (the source gives the value), ``inferred`` (computed from sourced numbers),
    ``fitted`` (estimated on data by the model's calibration) or ``assumption`` (sources
    are silent; the range is the stated uncertainty).
``per_run``
    ``true`` if the model accepts an array with one value per run (see below).
``integer``
    ``true`` if the value must be a whole number.
``source``
    Paper + DOI, dataset + version, research-note section with URL, or the assumption.

Scalars or arrays over runs
---------------------------
:meth:`ParameterTable.resolve` returns ``{name: value}`` where each value is a ``float``
or, for a ``per_run`` parameter given as an array, a float array of shape ``(n_runs,)``.
The models' step functions broadcast over the run axis, so an uncertainty analysis can
draw every ``per_run`` parameter jointly per run (with common random numbers across
scenarios) and run the whole ensemble in one call::

    from hashcarbon.models import world
    from hashcarbon.models.parameters import load
    tab = load("world")
    r = tab["invest_rate_per_month"]
    draws = {"invest_rate_per_month": rng.uniform(r.low, r.high, 1000)}
    ds = world.run("china-ban-2021", n_runs=1000, parameters=draws)

A parameter that shapes the state (``max_age_months``, a delay held as a fixed pipeline)
or is applied before the run loop is ``per_run = false``: it takes one value.

Examples
--------
>>> from hashcarbon.models.parameters import load
>>> tab = load("world")
>>> tab["pue"].default, tab["pue"].unit
(1.1, '-')
>>> tab.resolve({"pue": 1.05})["pue"]
1.05
"""

from __future__ import annotations

import csv
import functools
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import resources

import numpy as np

from hashcarbon.errors import DataError, ParameterError

__all__ = [
    "COLUMNS",
    "DISTRIBUTIONS",
    "MODELS",
    "STATUSES",
    "ParameterSpec",
    "ParameterTable",
    "load",
    "markdown",
    "read_table",
]

#: Columns of every ``parameters.csv``, in order.
COLUMNS = (
    "name",
    "unit",
    "default",
    "low",
    "high",
    "min",
    "max",
    "distribution",
    "status",
    "per_run",
    "integer",
    "source",
)
STATUSES = ("stated", "inferred", "fitted", "assumption")
DISTRIBUTIONS = ("fixed", "uniform", "triangular", "loguniform", "uniform_rel")
#: Model name -> package holding its ``parameters.csv``.
MODELS = {"world": "hashcarbon.models.world", "bbce": "hashcarbon.models.bbce"}


@dataclass(frozen=True)
class ParameterSpec:
    """One row of a parameter table."""

    name: str
    unit: str
    default: float  # nan where the model fills it from its stored calibration
    low: float  # plausible range (the prior)
    high: float
    min: float  # valid range (checked)
    max: float
    distribution: str
    status: str
    per_run: bool
    integer: bool
    source: str

    @property
    def value(self) -> float:
        """The default (alias kept for the world model's former ``Param.value``)."""
        return self.default

    @property
    def lo(self) -> float:  # former ``Param.lo``: the valid lower bound
        return self.min

    @property
    def hi(self) -> float:  # former ``Param.hi``: the valid upper bound
        return self.max

    def check(self, value, n_runs: int | None = None, where: str = "") -> float | np.ndarray:
        """Validate one value; return a float or a ``(n_runs,)`` array.

        Raises :class:`ParameterError` with one line naming the parameter.
        """
        label = f"{where}{self.name}"
        if isinstance(value, (bool, str)):
            raise ParameterError(f"{label}: expected a number, got {value!r}")
        try:
            arr = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            raise ParameterError(f"{label}: expected a number, got {value!r}") from None
        if arr.ndim > 1 or (arr.ndim == 1 and arr.size == 0):
            raise ParameterError(f"{label}: expected a number or one value per run")
        if arr.ndim == 1 and arr.size != 1:
            if not self.per_run:
                raise ParameterError(
                    f"{label}: expected one number (this parameter cannot vary by run)"
                )
            if n_runs is not None and arr.size != n_runs:
                raise ParameterError(
                    f"{label}: expected a number or {n_runs} values (one per run), got {arr.size}"
                )
        if not np.all(np.isfinite(arr)):
            raise ParameterError(f"{label}: expected a finite number, got {value!r}")
        if np.any(arr < self.min) or np.any(arr > self.max):
            shown = value if arr.ndim == 0 else f"values from {arr.min():g} to {arr.max():g}"
            raise ParameterError(
                f"{label}: expected a value in [{self.min:g}, {self.max:g}] {self.unit}, "
                f"got {shown}"
            )
        if self.integer and np.any(arr != np.round(arr)):
            raise ParameterError(f"{label}: expected a whole number, got {value!r}")
        if arr.ndim == 0 or arr.size == 1:
            return float(arr.reshape(-1)[0]) if arr.ndim else float(arr)
        return arr.copy()


class ParameterTable(Mapping[str, ParameterSpec]):
    """The validated parameter table of one model (a read-only mapping name -> spec)."""

    def __init__(self, model: str, specs: Mapping[str, ParameterSpec]):
        self.model = model
        self._specs = dict(specs)

    def __getitem__(self, name: str) -> ParameterSpec:
        return self._specs[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._specs)

    def __len__(self) -> int:
        return len(self._specs)

    def check(self, overrides: Mapping[str, object], n_runs: int | None = None, where=""):
        """Validate ``overrides``; return them as floats or ``(n_runs,)`` arrays.

        Raises :class:`ParameterError` (one line: ``NAME: expected ...``) for an unknown
        name, a non-number, a value outside ``[low, high]``, a fraction where a whole
        number is needed, or an array for a parameter that cannot vary by run.
        """
        out = {}
        for name, value in dict(overrides or {}).items():
            if name not in self._specs:
                raise ParameterError(
                    f"{where}{name}: unknown {self.model} parameter "
                    f"(expected one of {', '.join(sorted(self._specs))})"
                )
            out[name] = self._specs[name].check(value, n_runs, where)
        return out

    def defaults(self) -> dict[str, float]:
        """Name -> default (nan where the model fills the value itself)."""
        return {k: p.default for k, p in self._specs.items()}

    def resolve(self, overrides: Mapping[str, object] | None = None, n_runs: int | None = None):
        """Defaults updated with validated ``overrides`` (floats or per-run arrays)."""
        out: dict[str, float | np.ndarray] = self.defaults()
        out.update(self.check(overrides or {}, n_runs))
        return out

    def records(self) -> list[dict[str, object]]:
        """The table as records (one dict per parameter, keys :data:`COLUMNS`)."""
        return [{c: getattr(p, c) for c in COLUMNS} for p in self._specs.values()]


def _bool(cell: str, where: str) -> bool:
    v = cell.strip().lower()
    if v not in ("true", "false"):
        raise DataError(f"{where}: expected true or false, got {cell!r}")
    return v == "true"


def _float(cell: str, where: str, allow_empty: bool = False) -> float:
    if cell.strip() == "" and allow_empty:
        return math.nan
    try:
        return float(cell)
    except ValueError:
        raise DataError(f"{where}: expected a number, got {cell!r}") from None


def read_table(text: str, model: str, filename: str = "parameters.csv") -> ParameterTable:
    """Parse and validate the text of a ``parameters.csv``.

    Raises :class:`DataError` naming the file, row and column of the first problem.
    """
    rows = list(csv.DictReader(text.splitlines()))
    if not rows:
        raise DataError(f"{filename}: no parameters")
    cols = tuple(rows[0].keys())
    if cols != COLUMNS:
        raise DataError(f"{filename}: expected columns {', '.join(COLUMNS)}, got {', '.join(cols)}")
    specs: dict[str, ParameterSpec] = {}
    for i, row in enumerate(rows, start=2):
        name = row["name"].strip()
        w = f"{filename} line {i} ({name})"
        if not name or name in specs:
            raise DataError(f"{w}: empty or duplicate name")
        p = ParameterSpec(
            name=name,
            unit=row["unit"].strip(),
            default=_float(row["default"], f"{w}: default", allow_empty=True),
            low=_float(row["low"], f"{w}: low"),
            high=_float(row["high"], f"{w}: high"),
            min=_float(row["min"], f"{w}: min"),
            max=_float(row["max"], f"{w}: max"),
            distribution=row["distribution"].strip(),
            status=row["status"].strip(),
            per_run=_bool(row["per_run"], f"{w}: per_run"),
            integer=_bool(row["integer"], f"{w}: integer"),
            source=row["source"].strip(),
        )
        if not p.unit:
            raise DataError(f"{w}: unit is empty (use '-' for dimensionless)")
        if p.status not in STATUSES:
            raise DataError(f"{w}: status {p.status!r}; expected one of {', '.join(STATUSES)}")
        kind, _, arg = p.distribution.partition(":")
        if kind not in DISTRIBUTIONS or (kind == "uniform_rel") != bool(arg):
            raise DataError(
                f"{w}: distribution {p.distribution!r}; expected fixed, uniform, triangular, "
                "loguniform or uniform_rel:F"
            )
        if kind == "uniform_rel":
            _float(arg, f"{w}: distribution")
        if kind == "loguniform" and p.low <= 0:
            raise DataError(f"{w}: loguniform needs low > 0")
        if not p.min <= p.low <= p.high <= p.max:
            raise DataError(
                f"{w}: expected min <= low <= high <= max, got {p.min:g}, {p.low:g}, "
                f"{p.high:g}, {p.max:g}"
            )
        if not math.isnan(p.default) and not p.low <= p.default <= p.high:
            raise DataError(f"{w}: default {p.default:g} outside [{p.low:g}, {p.high:g}]")
        if math.isnan(p.default) and p.status != "fitted" and p.status != "inferred":
            raise DataError(f"{w}: an empty default is allowed only for fitted/inferred values")
        if p.integer and not math.isnan(p.default) and p.default != round(p.default):
            raise DataError(f"{w}: default must be a whole number")
        if len(p.source) < 10:
            raise DataError(f"{w}: source is missing or too short")
        specs[name] = p
    return ParameterTable(model, specs)


@functools.cache
def load(model: str) -> ParameterTable:
    """The validated ``parameters.csv`` of ``model`` (``"world"`` or ``"bbce"``), cached."""
    if model not in MODELS:
        raise ParameterError(f"model: expected one of {', '.join(MODELS)}, got {model!r}")
    path = resources.files(MODELS[model]) / "parameters.csv"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(f"{model}/parameters.csv: missing from the package") from None
    return read_table(text, model, f"models/{model}/parameters.csv")


def markdown(model: str, values: Mapping[str, float] | None = None) -> str:
    """The parameter table of ``model`` as a Markdown table for the docs.

    ``values`` fills empty defaults (a model's stored calibration).
    """
    tab = load(model)
    lines = [
        "| name | unit | default | low | high | valid range | distribution | status | per run "
        "| source |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for p in tab.values():
        d = p.default
        if math.isnan(d) and values and p.name in values:
            d = float(values[p.name])
        src = p.source.replace("|", "\\|")
        lines.append(
            f"| `{p.name}` | {p.unit} | {d:.6g} | {p.low:g} | {p.high:g} | "
            f"[{p.min:g}, {p.max:g}] | {p.distribution} | "
            f"{p.status} | {'yes' if p.per_run else 'no'} | {src} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # python -m hashcarbon.models.parameters world
    import sys

    sys.stdout.write(markdown(sys.argv[1] if len(sys.argv) > 1 else "world"))
