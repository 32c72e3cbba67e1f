"""Argument checks of the public functions, driven by the naming convention.

hashcarbon's argument names carry their units (``price_usd_per_kwh``, ``energy_twh``,
``efficiency_j_per_th``, ``*_share``, ``start``, ``years`` ...; see docs/glossary.md).
:func:`guard` wraps every public function of a domain module so that each argument is
checked by its name *before* the function runs: a number that is NaN, infinite,
negative where the unit cannot be, a share outside 0-1, a year or date outside the
range the data cover, a string where a list is meant, and so on, gives one line
naming the function and the argument (:class:`hashcarbon.errors.InputError`, also a
``ValueError``) instead of a raw ``TypeError`` deep inside numpy or pandas, or a
silently wrong result (NaN taken as zero).

Each module ends with ``_check.guard(globals(), __all__)``.  The checks only refuse
values that no function of the package can use; the functions keep their own,
more specific checks (valid choices, table coverage).

Examples
--------
>>> from hashcarbon import carbon
>>> carbon.emissions_mt(1.0, float("nan"))
Traceback (most recent call last):
...
hashcarbon.errors.InputError: carbon.emissions_mt: intensity_g_per_kwh: expected a finite number >= 0, got nan
"""

from __future__ import annotations

import functools
import inspect
import math
import os
import re
import warnings
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from hashcarbon.errors import InputError, ParameterError

__all__ = ["check_argument", "guard"]

#: Whole-number arguments by name: (lowest, highest) allowed.
_WHOLE = {
    "n_halvings": (0, 64),
    "current_height": (0, 2**32),
    "window_days": (1, 100_000),
    "trend_years": (1, 200),
    "max_fallback_years": (0, 200),
    "mix_fallback_years": (0, 200),
    "lag_months": (0, 600),
    "max_age_days": (0, 100_000),
    "revenue_window_days": (1, 100_000),
    "output_window_days": (1, 100_000),
    "threshold_window_days": (1, 100_000),
    "dry_anchor_month": (1, 12),
    "peak_month": (1, 12),
    "wet_end_month": (1, 12),
    "n_runs": (1, 2**40),  # the models check their own memory limits
    "seed": (0, 2**63 - 1),
}
#: Numeric arguments that may also be a dict of numbers (by region, source, ...).
_NUMBER_MAPPINGS = (
    "dry_share_of_china",
    "peak_share_of_china",
    "fixed_share_of_china",
)
#: Scalar-only numbers.
_SCALARS = ("block_interval_s",)
#: Numeric arrays (at least one dimension): name -> (lowest, highest).
_ARRAYS = {
    "mix": (0.0, 1.0 + 1e-6),
    "location_share": (0.0, 1.0 + 1e-6),
    "region_mix": (0.0, 1.0 + 1e-6),
    "values": (-math.inf, math.inf),
    "factors_g_per_kwh": (0.0, math.inf),
}
#: Numbers by unit suffix or name: (lowest, highest, lowest is open).
_NUMBER_RULES: list[tuple[re.Pattern, tuple[float, float, bool]]] = [
    (re.compile(r"^pue(_\w+)?$"), (1.0, 10.0, False)),
    (re.compile(r"(^|_)share(_lower|_upper)?$|^fraction$"), (0.0, 1.0, False)),
    (re.compile(r"_s$"), (0.0, 1e9, True)),
    (
        re.compile(
            r"(_twh|_ths|_j_per_th|_usd_per_kwh|_g_per_kwh|_usd_per_day|_btc_per_day"
            r"|_usd_per_th_day|_twh_per_year)$|^(btc_usd|difficulty|blocks_per_day)$"
        ),
        (0.0, math.inf, False),
    ),
]
_HEIGHT = ("height",)
_SCALAR_DATES = ("start", "end", "date", "current_time")
_DATE_ARRAYS = ("dates", "months", "release_dates")
_STRINGS = (
    "method",
    "freq",
    "by",
    "accounting",
    "catalogue",
    "basis",
    "before",
    "after",
    "season_model",
    "china_season_model",
    "projection",
    "source",
    "which",
    "kind",
    "entity",
    "province",
    "state",
    "region",
    "thermal_as",
    "carry_forward",
    "on_missing",
)
_STRING_LISTS = ("countries", "regions", "sources", "vintages", "mix_vintages", "world_mix_regions")
_FRAMES = (
    "cat",
    "map_table",
    "points_table",
    "profile",
    "table",
    "location",
    "daily",
    "frame",
    "network_frame",
)
_MAPPINGS = ("geography_options", "mix_options", "energy_options")
_BOOLS = ("include_placeholders", "manufacturer_only", "as_dataset")
_INT_LISTS = {"wet_months": (1, 12)}
_YEAR_RANGE = (1900, 2100)


#: Arguments that are model parameters (refused with ParameterError, not InputError).
_PARAMETER_RE = re.compile(
    r"^(pue(_\w+)?|\w*_window_days|factor_set|factors|electricity_share|share_lower"
    r"|share_upper|lag_months|max_age_days|weights|age_weights|trend_years"
    r"|wet_season_hydro_share|block_interval_s|n_halvings)$"
)
#: Arguments for which ``None`` is meaningful even when it is not the default.
_NONE_OK = (
    "max_fallback_years",
    "mix_fallback_years",
    "max_age_days",
    "share_lower",
    "share_upper",
    "wet_season_hydro_share",
    "seed",
    "entity",
    "kind",
    "countries",
    "years",
    "params",
    "closures",
    "curtailed_twh_per_year",
    "geography_options",
    "mix_options",
    "energy_options",
    "data_dir",
    "exits",
)


def _error(name: str, message: str) -> InputError:
    base = name.split("[", 1)[0]
    return (ParameterError if _PARAMETER_RE.match(base) else InputError)(message)


def _bad(where: str, name: str, expected: str, value: Any) -> InputError:
    shown = repr(value)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return _error(name, f"{where}: {name}: expected {expected}, got {shown}")


def _is_bool(value: Any) -> bool:
    return isinstance(value, (bool, np.bool_))


def _number_rule(name: str) -> tuple[float, float, bool] | None:
    for pattern, rule in _NUMBER_RULES:
        if pattern.search(name):
            return rule
    return None


def _range_text(lo: float, hi: float, lo_open: bool) -> str:
    if hi == math.inf:
        return f"{'>' if lo_open else '>='} {lo:g}"
    return f"from {lo:g} to {hi:g}" + (" (exclusive of the lower bound)" if lo_open else "")


def _check_numbers(where: str, name: str, value: Any, rule, mapping: bool = False) -> None:
    lo, hi, lo_open = rule
    if isinstance(value, Mapping) and mapping:
        for k, v in value.items():
            _check_numbers(where, f"{name}[{k!r}]", v, rule)
        return
    if _is_bool(value) or isinstance(value, (str, bytes, Mapping)) or value is None:
        raise _bad(where, name, f"a number {_range_text(lo, hi, lo_open)}", value)
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError, OverflowError):
        raise _bad(where, name, f"numbers {_range_text(lo, hi, lo_open)}", value) from None
    if arr.ndim == 0:
        v = float(arr)
        if not math.isfinite(v) or v < lo or v > hi or (lo_open and v == lo):
            raise _bad(where, name, f"a finite number {_range_text(lo, hi, lo_open)}", value)
        return
    if arr.size == 0:
        return  # empty arrays: the function decides (an empty catalogue is legitimate)
    finite = arr[~np.isnan(arr)]
    if np.isinf(finite).any():
        raise _error(name, f"{where}: {name}: expected finite values, got an infinite value")
    if finite.size and (
        finite.min() < lo or finite.max() > hi or (lo_open and (finite == lo).any())
    ):
        raise _error(
            name,
            f"{where}: {name}: expected values {_range_text(lo, hi, lo_open)}, "
            f"got {finite.min():g} to {finite.max():g}",
        )


def _check_whole(where: str, name: str, value: Any, lo: int, hi: int) -> None:
    if _is_bool(value) or not isinstance(value, (int, np.integer)):
        if isinstance(value, (float, np.floating)) and float(value).is_integer():
            value = int(value)
        else:
            raise _bad(where, name, f"a whole number from {lo} to {hi:,}", value)
    if not lo <= int(value) <= hi:
        raise _bad(where, name, f"a whole number from {lo} to {hi:,}", value)


def _check_year(where: str, name: str, value: Any) -> None:
    lo, hi = _YEAR_RANGE
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, (list, tuple, np.ndarray, pd.Index, pd.Series, range)):
        if len(value) == 0:
            raise _bad(where, name, "at least one year", value)
        for v in value:
            _check_year(where, name, v)
        return
    _check_whole(where, name, value, lo, hi)


def _check_date_array(where: str, name: str, value: Any) -> None:
    if value is None or _is_bool(value) or isinstance(value, (Mapping, bytes)):
        raise _bad(where, name, "dates such as '2021-06-01'", value)
    if isinstance(value, (int, float, np.number)) and not isinstance(value, np.datetime64):
        raise _bad(where, name, "dates such as '2021-06-01' (not a bare number)", value)
    try:
        values = np.atleast_1d(np.asarray(value, dtype=object))
        if values.ndim != 1:
            raise ValueError("not one-dimensional")
        for v in values:
            if _is_bool(v) or (isinstance(v, (int, float, np.number)) and not pd.isna(v)):
                raise ValueError("bare number")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # "could not infer format"
                idx = pd.DatetimeIndex(pd.to_datetime(values))
        except ValueError:  # e.g. "2024-04-20" beside "2024-04-20 01:00"
            idx = pd.DatetimeIndex(pd.to_datetime(values, format="mixed"))
    except (TypeError, ValueError, OverflowError, pd.errors.OutOfBoundsDatetime):
        raise _bad(where, name, "dates such as '2021-06-01'", value) from None
    if len(idx) == 0 and name != "release_dates":
        raise _bad(where, name, "at least one date", value)
    if name != "release_dates" and idx.hasnans:
        raise _bad(where, name, "dates such as '2021-06-01' (a value is missing)", value)


def _check_scalar_date(where: str, name: str, value: Any) -> None:
    from hashcarbon import dates

    if isinstance(value, (list, tuple, np.ndarray, pd.Index, pd.Series)):
        if name in ("start", "end"):
            raise _bad(where, name, "one date such as '2021-06' (not a list)", value)
        _check_date_array(where, name, value)
        return
    if name in ("start", "end"):
        dates.parse_period(value, f"{where}: {name}")
    elif isinstance(value, str):
        # instants (a block time, "2024-04-19 23:59:27"); the chain's schedule runs to the
        # last halving (2140) and pandas stops in 2262
        try:
            ts = pd.Timestamp(value)
        except (ValueError, TypeError, OverflowError, pd.errors.OutOfBoundsDatetime):
            raise _bad(where, name, "a date such as '2021-06-01'", value) from None
        if pd.isna(ts) or not 2009 <= ts.year <= 2261:
            raise _bad(where, name, "a date from 2009 to 2261", value)
    else:
        dates.parse_period(value, f"{where}: {name}", hi=pd.Timestamp("2261-12-01"))


def check_argument(where: str, name: str, value: Any, default: Any = inspect.Parameter.empty):
    """Check one argument by its name; raise a one-line :class:`InputError`.

    ``None`` passes where it is the parameter's default.  Unknown names pass unchecked.
    """
    if value is None and (default is None or name in _NONE_OK):
        return
    if value is default and default is not inspect.Parameter.empty:
        return  # the function's own default is valid by construction
    if name in _WHOLE:
        _check_whole(where, name, value, *_WHOLE[name])
    elif name in ("year", "years"):
        _check_year(where, name, value)
    elif name in _SCALAR_DATES:
        _check_scalar_date(where, name, value)
    elif name in _DATE_ARRAYS:
        _check_date_array(where, name, value)
    elif name in _HEIGHT:
        _check_numbers(where, name, value, (0.0, 2.0**40, False))
    elif name in _STRINGS:
        if not isinstance(value, str):
            raise _bad(where, name, "a name (text)", value)
    elif name in _STRING_LISTS:
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, (list, tuple, pd.Index, np.ndarray, pd.Series)) or not all(
            isinstance(v, str) for v in items
        ):
            raise _bad(where, name, "a name or a list of names", value)
        if len(items) == 0:
            raise _bad(where, name, "at least one name", value)
    elif name in _FRAMES:
        if not isinstance(value, pd.DataFrame):
            raise _bad(where, name, "a pandas DataFrame", value)
    elif name in _MAPPINGS:
        if not isinstance(value, Mapping):
            raise _bad(where, name, "a dict of options", value)
    elif name in _BOOLS:
        if not _is_bool(value):
            raise _bad(where, name, "True or False", value)
    elif name in _INT_LISTS:
        lo, hi = _INT_LISTS[name]
        if isinstance(value, (str, bytes, Mapping)) or not hasattr(value, "__iter__"):
            raise _bad(where, name, f"a list of whole numbers from {lo} to {hi}", value)
        for v in value:
            _check_whole(where, name, v, lo, hi)
    elif name in ("factor_set", "factors"):
        if not isinstance(value, str):
            if not isinstance(value, Mapping) or not value:
                raise _bad(where, name, "a factor-set name or a dict of factors", value)
            _check_numbers(where, name, value, (0.0, math.inf, False), mapping=True)
    elif name == "exits":
        if not isinstance(value, (str, Mapping)):
            raise _bad(where, name, "'sourced', 'none' or a dict of exit dates", value)
    elif name == "data_dir":
        if not isinstance(value, (str, os.PathLike)):
            raise _bad(where, name, "a directory path", value)
    elif name in ("weights", "age_weights"):
        _check_numbers(where, name, value, (0.0, math.inf, False))
    elif name in _NUMBER_MAPPINGS:
        _check_numbers(where, name, value, (0.0, math.inf, False), mapping=True)
    elif name in _ARRAYS:
        lo, hi = _ARRAYS[name]
        try:
            arr = np.asarray(value, dtype=float)
        except (TypeError, ValueError, OverflowError):
            raise _bad(where, name, "an array of numbers", value) from None
        if arr.ndim == 0 or arr.size == 0:
            raise _bad(where, name, "an array of numbers (at least one dimension)", value)
        _check_numbers(where, name, arr, (lo, hi, False))
    elif name in ("curtailed_twh_per_year", "params"):
        if not isinstance(value, Mapping):
            raise _bad(where, name, "a dict of name -> number", value)
        if name == "curtailed_twh_per_year":
            _check_numbers(where, name, value, (0.0, math.inf, False), mapping=True)
    elif name == "closures":
        if not isinstance(value, Mapping) or not all(isinstance(v, str) for v in value.values()):
            raise _bad(where, name, "a dict of closure name -> choice", value)
    elif name == "scenario":
        if value is None or isinstance(
            value, (bool, int, float, list, tuple, dict, bytes, np.ndarray, np.generic)
        ):
            raise _bad(where, name, "a scenario name or file", value)
    elif name == "price_usd_per_kwh" and where.endswith(".estimate"):
        # the estimators take one price or a per-date pandas Series
        if not isinstance(value, pd.Series) and np.ndim(value) != 0:
            raise _bad(where, name, "one price or a pandas Series indexed by date", value)
        _check_numbers(where, name, value, (0.0, math.inf, True))
    elif (rule := _number_rule(name)) is not None:
        if name in _SCALARS and np.ndim(value) != 0:
            raise _bad(where, name, "one number", value)
        _check_numbers(where, name, value, rule, mapping=name in _NUMBER_MAPPINGS)


def _wrap(func: Callable, module: str) -> Callable:
    sig = inspect.signature(func)
    where = f"{module.rsplit('.', 1)[-1]}.{func.__name__}"
    params = sig.parameters

    @functools.wraps(func)
    def checked(*args, **kwargs):
        try:
            bound = sig.bind(*args, **kwargs)
        except TypeError as exc:
            raise InputError(f"{where}: {exc}") from None
        for name, value in bound.arguments.items():
            p = params[name]
            # ``**options`` are passed on to other checked functions or are metadata
            if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL):
                check_argument(where, name, value, p.default)
        try:
            return func(*args, **kwargs)
        except ValueError as exc:
            # arrays of the right kinds whose shapes do not fit together (numpy's message)
            if isinstance(exc, InputError) or "could not be broadcast" not in str(exc):
                raise
            shapes = ", ".join(
                f"{n} {np.shape(v)}"
                for n, v in bound.arguments.items()
                if isinstance(v, (list, tuple, np.ndarray, pd.Series)) and np.ndim(v) > 0
            )
            raise InputError(f"{where}: array arguments of different lengths ({shapes})") from None

    checked.__hashcarbon_checked__ = True  # type: ignore[attr-defined]
    return checked


def guard(namespace: dict[str, Any], names=None) -> None:
    """Wrap the public functions ``names`` of a module's ``namespace`` with argument checks.

    ``names=None``: every function defined in the module whose name has no leading ``_``.
    """
    module = namespace["__name__"]
    if names is None:
        names = [n for n in list(namespace) if not n.startswith("_")]
    for name in names:
        func = namespace.get(name)
        if (
            inspect.isfunction(func)
            and func.__module__ == module
            and not getattr(func, "__hashcarbon_checked__", False)
        ):
            namespace[name] = _wrap(func, module)
