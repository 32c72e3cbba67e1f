"""Parameters of the world model: the rows of ``parameters.csv`` beside this module.

The table (name, unit, default, low, high, distribution, status, per_run, integer,
source) is read and validated by :mod:`hashcarbon.models.parameters`, the one loader
shared with the BBCE model.  Fitted values come from
``python -m hashcarbon.models.world.calibration`` (2014-2021 only); see docs/world.md.
A scenario's ``[parameters]`` table or ``--param NAME=VALUE`` overrides any of them.

Examples
--------
>>> from hashcarbon.models.world.params import DEFAULTS, resolve
>>> DEFAULTS["pue"].value
1.1
>>> resolve({"pue": 1.05})["pue"]
1.05
"""

from __future__ import annotations

from collections.abc import Mapping

from hashcarbon.errors import ParameterError, ScenarioError
from hashcarbon.models.parameters import ParameterSpec, ParameterTable, load

__all__ = ["DEFAULTS", "Param", "check_parameters", "resolve", "table"]

#: Kept for callers of the former dataclass; a row of the table.
Param = ParameterSpec

#: All parameters of the world model (a read-only mapping name -> row).
DEFAULTS: ParameterTable = load("world")


def check_parameters(overrides: Mapping[str, object], n_runs: int | None = None) -> None:
    """Raise ScenarioError (``NAME: ...``) for an unknown name or an out-of-range value."""
    try:
        DEFAULTS.check(overrides, n_runs)
    except ParameterError as exc:
        raise ScenarioError(str(exc)) from None


def resolve(overrides: Mapping[str, object] | None = None, n_runs: int | None = None) -> dict:
    """Defaults updated with ``overrides`` (validated): floats, or ``(n_runs,)`` arrays
    for ``per_run`` parameters."""
    try:
        return DEFAULTS.resolve(overrides, n_runs)
    except ParameterError as exc:
        raise ScenarioError(str(exc)) from None


def table() -> list[dict[str, object]]:
    """The parameter table as records (name, unit, default, low, high, ... source)."""
    return DEFAULTS.records()
