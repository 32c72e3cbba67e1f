"""The one date parser of hashcarbon: years, months and days given by a user.

Every CLI option and public function that takes a date goes through this module, so
``2021``, ``"2021"``, ``"2021-06"``, ``"2021-06-09"``, a :class:`datetime.date`, a
:class:`pandas.Timestamp` or a :class:`numpy.datetime64` mean the same thing
everywhere, and a bad value gives one line naming the field
(:class:`hashcarbon.errors.InputError`).

A value names a *period*: a year (``2021``), a month (``2021-06``) or a day
(``2021-06-09``).  :func:`first_day` / :func:`first_month` give its start,
:func:`last_day` / :func:`last_month` its end, so ``--start 2021 --end 2021`` covers
the whole year.

Bounds: :data:`FIRST_MONTH` (2009-01, the Bitcoin genesis block) to :data:`LAST_MONTH`
(2050-12, where the scenario files and grid projections stop).  Anything outside,
including years such as ``0000``, ``-2021``, ``2200`` or ``9999`` that pandas cannot
represent or that no model covers, is refused with the bounds in the message.

Examples
--------
>>> from hashcarbon import dates
>>> dates.first_month(2021, "start")
Timestamp('2021-01-01 00:00:00')
>>> dates.last_day("2021-02", "end")
Timestamp('2021-02-28 00:00:00')
>>> dates.last_month("2021", "end")
Timestamp('2021-12-01 00:00:00')
>>> dates.first_day("2200", "end")
Traceback (most recent call last):
...
hashcarbon.errors.InputError: end: expected a date from 2009-01 to 2050-12, got '2200'
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any, Literal, NamedTuple

import numpy as np
import pandas as pd

from hashcarbon.errors import InputError

__all__ = [
    "FIRST_MONTH",
    "LAST_MONTH",
    "Period",
    "check_order",
    "first_day",
    "first_month",
    "last_day",
    "last_month",
    "parse_period",
]

#: First month any model or table covers (the genesis block, 2009-01-03).
FIRST_MONTH = pd.Timestamp("2009-01-01")
#: Last month any scenario or projection covers (scenario files stop at 2050-12).
LAST_MONTH = pd.Timestamp("2050-12-01")

_TEXT_RE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_EXPECTED = "a date YYYY, YYYY-MM or YYYY-MM-DD"


class Period(NamedTuple):
    """A year, month or day named by a user: its first and last day."""

    first: pd.Timestamp
    last: pd.Timestamp
    precision: Literal["year", "month", "day"]


def _bounds_text(lo: pd.Timestamp, hi: pd.Timestamp) -> str:
    return f"a date from {lo:%Y-%m} to {hi:%Y-%m}"


def _from_parts(
    year: int, month: int | None, day: int | None, field: str, raw: Any, lo, hi
) -> Period:
    if not (lo.year <= year <= hi.year):
        raise InputError(f"{field}: expected {_bounds_text(lo, hi)}, got {raw!r}")
    try:
        if month is None:
            first = pd.Timestamp(year=year, month=1, day=1)
            p = Period(first, pd.Timestamp(year=year, month=12, day=31), "year")
        elif day is None:
            first = pd.Timestamp(year=year, month=month, day=1)
            p = Period(first, first + pd.offsets.MonthEnd(0), "month")
        else:
            first = pd.Timestamp(year=year, month=month, day=day)
            p = Period(first, first, "day")
    except (ValueError, OverflowError):
        raise InputError(f"{field}: expected a valid calendar date, got {raw!r}") from None
    if p.first < lo.to_period("M").to_timestamp() or p.first > hi + pd.offsets.MonthEnd(0):
        raise InputError(f"{field}: expected {_bounds_text(lo, hi)}, got {raw!r}")
    return p


def parse_period(
    value: Any,
    field: str,
    *,
    lo: pd.Timestamp = FIRST_MONTH,
    hi: pd.Timestamp = LAST_MONTH,
) -> Period:
    """Parse a year, month or day into a :class:`Period`.

    Parameters
    ----------
    value : int, str, datetime.date, pandas.Timestamp or numpy.datetime64
        ``2021``, ``"2021"``, ``"2021-06"``, ``"2021-06-09"`` or a date object.
        Booleans, floats, NaN/NaT and anything else are refused.
    field : str
        Name of the option or argument, used in the error message (``"--start"``).
    lo, hi : pandas.Timestamp
        First and last allowed month (default :data:`FIRST_MONTH`, :data:`LAST_MONTH`).

    Returns
    -------
    Period
        ``first`` and ``last`` day of the period and its ``precision``.

    Raises
    ------
    InputError
        One line naming ``field`` when the value is not a date or lies outside the bounds.
    """
    raw = value
    if isinstance(value, np.datetime64):
        if np.isnat(value):
            raise InputError(f"{field}: expected {_EXPECTED}, got NaT")
        value = pd.Timestamp(value)
    if isinstance(value, (_dt.datetime, _dt.date)):  # includes pandas.Timestamp
        if value is pd.NaT or pd.isna(value):
            raise InputError(f"{field}: expected {_EXPECTED}, got NaT")
        return _from_parts(value.year, value.month, value.day, field, raw, lo, hi)
    if isinstance(value, (bool, np.bool_)):
        raise InputError(f"{field}: expected {_EXPECTED}, got {raw!r}")
    if isinstance(value, (int, np.integer)):
        return _from_parts(int(value), None, None, field, raw, lo, hi)
    if not isinstance(value, str):
        raise InputError(f"{field}: expected {_EXPECTED}, got {type(raw).__name__} {raw!r}")
    m = _TEXT_RE.match(value.strip())
    if m is None:
        shown = raw if len(raw) <= 40 else raw[:37] + "..."
        raise InputError(f"{field}: expected {_EXPECTED}, got {shown!r}")
    year = int(m.group(1))
    month = int(m.group(2)) if m.group(2) else None
    day = int(m.group(3)) if m.group(3) else None
    return _from_parts(year, month, day, field, raw, lo, hi)


def first_day(value: Any, field: str, **bounds) -> pd.Timestamp:
    """First day of the period named by ``value`` (``2021`` -> 2021-01-01)."""
    return parse_period(value, field, **bounds).first


def last_day(value: Any, field: str, **bounds) -> pd.Timestamp:
    """Last day of the period named by ``value`` (``2021`` -> 2021-12-31)."""
    return parse_period(value, field, **bounds).last


def first_month(value: Any, field: str, **bounds) -> pd.Timestamp:
    """First month of the period, as its first day (``2021-06-09`` -> 2021-06-01)."""
    return parse_period(value, field, **bounds).first.to_period("M").to_timestamp()


def last_month(value: Any, field: str, **bounds) -> pd.Timestamp:
    """Last month of the period, as its first day (``2021`` -> 2021-12-01)."""
    return parse_period(value, field, **bounds).last.to_period("M").to_timestamp()


def check_order(
    start: pd.Timestamp | None,
    end: pd.Timestamp | None,
    start_field: str = "start",
    end_field: str = "end",
) -> None:
    """Raise a one-line :class:`InputError` when ``start`` is after ``end``."""
    if start is not None and end is not None and start > end:
        raise InputError(f"{start_field}: {start:%Y-%m-%d} is after {end_field} {end:%Y-%m-%d}")
