r"""Electricity use of Bitcoin mining: CBECI-compatible bottom-up estimators and a top-down one.

Three estimators share one output layout:

``cbeci-v1``
    The Cambridge Bitcoin Electricity Consumption Index model of July 2019 as computed by
    Cambridge's API v1.3.1 (equal-weight basket, 5-year cap, manufacturer rows only),
    which produced the "old model" figures of 104 TWh (2021) and 105.3 TWh (2022) [1]_ [2]_.
``cbeci-2023``
    The revision of August 2023 (API v1.4.0/v1.5.0): the best guess weights each profitable
    model by its age, counted in calendar months from two months after release [2]_ [3]_.
``economic``
    Digiconomist-style top-down estimate: a share of miners' revenue is assumed to be spent on
    electricity at a given price [4]_ [5]_.

Every rule below is taken from Cambridge's published code (repository
``CambridgeAltFin/ccaf_cbeci_api``; file and function named in each docstring) and the
methodology text of the CBECI front-end (``dektox/mining_energy_consumption``,
``frontend/components/methodology/Model.vue``).  Where the code and the text differ, the code
is followed and the text's reading is offered as a named option.

The core functions work on plain arrays (dates, hash rate, revenue, release dates,
efficiencies), so they do not depend on the shipped tables; :func:`estimate` loads the
tables and runs one estimator end to end.

References
----------
.. [1] Cambridge Centre for Alternative Finance, "CBECI methodology",
   https://ccaf.io/cbnsi/cbeci/methodology (front-end text in
   https://github.com/dektox/mining_energy_consumption, ``Model.vue``).
.. [2] Cambridge Centre for Alternative Finance, CBECI API source code,
   https://github.com/CambridgeAltFin/ccaf_cbeci_api (``data_fetch_calc.py``;
   ``api/components/energy_consumption/``: ``energy_consumption_calculator.py``,
   ``v1_1_1/energy_consumption_service.py``, ``v1_3_1/energy_consumption_service.py``,
   ``energy_consumption_service.py`` and ``energy_consumption_repository.py`` of v1.4.0/v1.5.0).
.. [3] Decrypt, "Cambridge updates Bitcoin mining index", 2023,
   https://decrypt.co/154593/cambridge-updates-bitcoin-mining-index-reveal-true-power-consumption
.. [4] A. de Vries, "Bitcoin's Growing Energy Problem", Joule 2(5):801-805, 2018,
   https://doi.org/10.1016/j.joule.2018.04.016
.. [5] Digiconomist, "Bitcoin Energy Consumption Index",
   https://digiconomist.net/bitcoin-energy-consumption ; critique of its parameters by
   M. Bevand, "Serious faults in Digiconomist's Bitcoin Energy Consumption Index", 2017,
   http://blog.zorinaq.com/serious-faults-in-beci/
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from hashcarbon.errors import DataError, InputError, ParameterError
from hashcarbon.units import HOURS_PER_YEAR, J_PER_KWH, SECONDS_PER_DAY
from hashcarbon.vocabulary import ESTIMATOR_METHODS

__all__ = [
    "AGE_WEIGHTS_2023",
    "CBECI_MAX_AGE_DAYS",
    "CBECI_REFERENCE_PRICE_USD_PER_KWH",
    "DIGICONOMIST_ELECTRICITY_SHARE",
    "METHODS",
    "age_weights_2023",
    "aggregate",
    "cbeci",
    "cbeci_price_sweep",
    "economic",
    "eligible_models",
    "estimate",
    "profitability_threshold_j_per_th",
    "to_dataset",
    "trailing_mean",
]

#: Price at which Cambridge computes and stores the profitability threshold; other prices
#: scale it by ``0.05 / price`` (``default_price = 0.05`` in every CBECI service class,
#: ``DEFAULT_ELECTRICITY_PRICE = 0.05`` in ``data_fetch_calc.py``). [USD/kWh]
CBECI_REFERENCE_PRICE_USD_PER_KWH: float = 0.05

#: Age cap of CBECI v1.3.1 and later: ``unix_date_of_release + 157680000`` seconds
#: (``v1_3_1`` and v1.4.0 ``energy_consumption_repository.py``), i.e. 5 x 365 days. [day]
CBECI_MAX_AGE_DAYS: int = 157_680_000 // 86_400

#: Age weights of the 2023 model by whole years since release + 2 months
#: (``weight_map = {0: 1, 1: 0.8, 2: 0.6, 3: 0.4, 4: 0.2, "False": 0}``). [-]
AGE_WEIGHTS_2023: tuple[float, ...] = (1.0, 0.8, 0.6, 0.4, 0.2)

#: Share of miners' revenue spent on electricity in Digiconomist's index and in
#: de Vries (2018), after earlier values of 100 % and 65 % (Bevand 2017). [-]
DIGICONOMIST_ELECTRICITY_SHARE: float = 0.60

#: Method names accepted by :func:`estimate` (short names ``"v1"``/``"2023"`` also work).
METHODS: tuple[str, ...] = ESTIMATOR_METHODS

_BOUNDS = ("lower", "best", "upper")
_FREQS = ("day", "month", "year")
_CARRY = ("power", "equipment")

#: Units of the output columns (also the ``units`` attribute in :func:`to_dataset`).
UNITS: dict[str, str] = {
    **{f"power_gw_{b}": "GW" for b in _BOUNDS},
    **{f"annualised_twh_{b}": "TWh/yr" for b in _BOUNDS},
    **{f"energy_twh_{b}": "TWh" for b in _BOUNDS},
    **{f"efficiency_j_per_th_{b}": "J/TH" for b in _BOUNDS},
    "threshold_j_per_th": "J/TH",
    "n_eligible": "1",
    "price_usd_per_kwh": "USD/kWh",
    "hashrate_ths": "TH/s",
    "carried_forward": "1",
    "carried_forward_days": "day",
    "n_days": "day",
}


# --------------------------------------------------------------------------------------------
# input checks
# --------------------------------------------------------------------------------------------
def _as_days(values: Any, field: str) -> np.ndarray:
    """Dates -> int64 days since 1970-01-01 (UTC calendar days)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # dateutil fallback notice
            parsed = pd.to_datetime(np.atleast_1d(np.asarray(values)))
        arr = np.asarray(parsed).astype("datetime64[D]")
    except (ValueError, TypeError) as err:
        first = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise InputError(f"{field}: expected dates (YYYY-MM-DD or datetime64), {first}") from None
    if np.isnat(arr).any():
        raise InputError(f"{field}: missing date at position {int(np.isnat(arr).argmax())}")
    return arr.astype(np.int64)


def _as_float(
    values: Any,
    field: str,
    n: int | None = None,
    *,
    positive: bool = False,
    nonnegative: bool = False,
) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=float)
    except (ValueError, TypeError):
        raise InputError(f"{field}: expected numbers") from None
    arr = np.atleast_1d(arr)
    if arr.ndim != 1:
        raise InputError(f"{field}: expected a 1-D array, got shape {arr.shape}")
    if n is not None and arr.size != n:
        raise InputError(f"{field}: expected {n} values (one per date), got {arr.size}")
    bad = ~np.isfinite(arr)
    if positive:
        bad |= ~(arr > 0)
        what = "finite and > 0"
    elif nonnegative:
        bad |= ~(arr >= 0)
        what = "finite and >= 0"
    else:
        what = "finite"
    if bad.any():
        i = int(bad.argmax())
        raise InputError(f"{field}: expected values {what}, got {float(arr[i])!r} at position {i}")
    return arr


def _price_matrix(price_usd_per_kwh: Any, n_days: int) -> np.ndarray:
    """Scalar or per-date price -> shape (1, n_days)."""
    arr = (
        np.asarray(price_usd_per_kwh, dtype=float)
        if not isinstance(price_usd_per_kwh, pd.Series)
        else price_usd_per_kwh.to_numpy(dtype=float)
    )
    if arr.ndim == 0:
        arr = np.full(n_days, float(arr))
    return _as_float(arr, "price_usd_per_kwh", n_days, positive=True)[None, :]


def _check_window(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ParameterError(f"{field}: expected an integer number of days >= 1, got {value!r}")
    return int(value)


def _check_pue(value: Any, field: str) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ParameterError(f"{field}: expected a number >= 1, got {value!r}") from None
    if not np.isfinite(v) or v < 1.0:
        raise ParameterError(f"{field}: expected a number >= 1, got {value!r}")
    return v


def _normalise_method(method: str) -> str:
    aliases = {
        "v1": "cbeci-v1",
        "2023": "cbeci-2023",
        "cbeci-v1": "cbeci-v1",
        "cbeci-2023": "cbeci-2023",
        "economic": "economic",
    }
    if method not in aliases:
        raise ParameterError(
            f"method: expected one of {', '.join(METHODS)} (or 'v1', '2023'), got {method!r}"
        )
    return aliases[method]


# --------------------------------------------------------------------------------------------
# building blocks
# --------------------------------------------------------------------------------------------
def trailing_mean(values: Any, window_days: int) -> np.ndarray:
    r"""Trailing moving average that averages the available values at the start of a series.

    Parameters
    ----------
    values : array-like
        Daily values, one per consecutive day. [any unit]
    window_days : int
        Window length, the current day included. [day]

    Returns
    -------
    mean : numpy.ndarray
        :math:`\bar x_t = \frac{1}{n_t}\sum_{s=t-n_t+1}^{t} x_s` with
        :math:`n_t = \min(t+1, w)`. [same unit as ``values``]

    Notes
    -----
    Equals ``pandas.Series.rolling(window=w, min_periods=1).mean()``, which CBECI uses for
    the 14-day threshold and the 7-day output averages (``_get_prof_thresholds_dataframe`` and
    ``_data_to_energy_dataframe`` in ``v1_1_1/energy_consumption_service.py`` [2]_).  The sum
    runs oldest to newest, one addition per day, so it is bitwise reproducible by a plain loop.
    Works along the last axis of 2-D input.

    Examples
    --------
    >>> trailing_mean([1.0, 2.0, 3.0, 4.0], 2)
    array([1. , 1.5, 2.5, 3.5])
    """
    w = _check_window(window_days, "window_days")
    x = np.asarray(values, dtype=float)
    n = x.shape[-1]
    acc = np.zeros_like(x)
    for k in range(min(w, n) - 1, -1, -1):  # oldest term first
        acc[..., k:] += x[..., : n - k]
    count = np.minimum(np.arange(1, n + 1), w)
    return acc / count


def profitability_threshold_j_per_th(revenue_usd_per_day, hashrate_ths, price_usd_per_kwh=0.05):
    r"""Most energy per hash a machine may use and still cover its electricity.

    Parameters
    ----------
    revenue_usd_per_day : array-like
        Miners' revenue, subsidy plus fees. [USD/day]
    hashrate_ths : array-like
        Network hash rate. [TH/s]
    price_usd_per_kwh : float or array-like, default 0.05
        Electricity price. [USD/kWh]

    Returns
    -------
    threshold_j_per_th : numpy.ndarray
        Break-even efficiency θ. [J/TH]

    Notes
    -----
    :math:`\theta = \frac{R / (86400\,H)}{p / 3.6\times10^{6}}`, revenue per hash divided by
    the price of a joule (CBECI methodology [1]_; coded as
    ``(miners_revenue / (hash_rate * 60 * 60 * 24)) / (price / 3.6e+06) / 1000`` in J/GH in
    ``data_fetch_calc.py`` [2]_; here without the ``/ 1000``, i.e. in J/TH).

    Examples
    --------
    >>> float(profitability_threshold_j_per_th(86_400.0, 1.0, 0.05))
    72000000.0
    """
    rev = np.asarray(revenue_usd_per_day, dtype=float)
    h = np.asarray(hashrate_ths, dtype=float)
    p = np.asarray(price_usd_per_kwh, dtype=float)
    return (rev / (h * SECONDS_PER_DAY)) / (p / J_PER_KWH)


def _smoothed_threshold(revenue, hashrate_ths, price_matrix, window_days):
    """CBECI order: θ at 0.05 USD/kWh, 14-day mean, then × 0.05/price (per date)."""
    theta_ref = profitability_threshold_j_per_th(
        revenue, hashrate_ths, CBECI_REFERENCE_PRICE_USD_PER_KWH
    )
    theta_ref_ma = trailing_mean(theta_ref, window_days)
    return theta_ref_ma[None, :] * (CBECI_REFERENCE_PRICE_USD_PER_KWH / price_matrix)


def _month_index(days: np.ndarray) -> np.ndarray:
    """Days since epoch -> months since 1970-01 (calendar months)."""
    return days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)


def age_weights_2023(
    dates, release_dates, *, lag_months: int = 2, weights: Sequence[float] = AGE_WEIGHTS_2023
) -> np.ndarray:
    r"""Age weight of each model on each date in the 2023 CBECI model.

    Parameters
    ----------
    dates : array-like of dates
        Days of the estimate, length T.
    release_dates : array-like of dates
        Release date of each model, length M.
    lag_months : int, default 2
        Delivery lag added to the release date before counting age (Cambridge's
        ``to_timestamp(unix_date_of_release) + interval '2 months'``). [month]
    weights : sequence of float, default (1, 0.8, 0.6, 0.4, 0.2)
        Weight for age 0, 1, 2, ... whole years; 0 beyond the last entry. [-]

    Returns
    -------
    weight : numpy.ndarray, shape (T, M)
        Age weight. [-]

    Notes
    -----
    Age is counted in calendar months, ignoring the day of the month:
    :math:`a = 12(y_t - y_r) + (m_t - m_r)` with :math:`(y_r, m_r)` the year and month of
    release + ``lag_months``; weight ``weights[a // 12]`` for :math:`0 \le a < 12\,\mathrm{len}`,
    else 0 (``__calculate_years`` and ``weight_map`` in the v1.4.0/v1.5.0
    ``energy_consumption_service.py`` [2]_).  A model released on 15 May is thus weighted
    from 1 July (not 15 July) and has weight 0 in May and June.

    Examples
    --------
    >>> age_weights_2023(["2020-06-30", "2020-07-01", "2021-07-01"], ["2020-05-15"])[:, 0]
    array([0. , 1. , 0.8])
    """
    return _age_weights_days(
        _as_days(dates, "dates"), _as_days(release_dates, "release_dates"), int(lag_months), weights
    )


def _age_weights_days(days, release_days, lag_months, weights):
    t = _month_index(days)
    r = _month_index(release_days) + lag_months
    table = np.asarray((*tuple(weights), 0.0), dtype=float)
    age = t[:, None] - r[None, :]
    years = np.where(age >= 0, age // 12, len(table) - 1)
    years = np.minimum(years, len(table) - 1)
    return table[years]


def _date_valid(days, release_days, max_age_days):
    """release < t (strict) and t < release + max_age_days (strict), per (day, model)."""
    valid = days[:, None] > release_days[None, :]
    if max_age_days is not None:
        valid &= days[:, None] < release_days[None, :] + int(max_age_days)
    return valid


def eligible_models(
    dates,
    release_dates,
    efficiencies_j_per_th,
    threshold_j_per_th,
    *,
    max_age_days: int | None = CBECI_MAX_AGE_DAYS,
) -> np.ndarray:
    r"""Which models CBECI counts as profitable on each date.

    Parameters
    ----------
    dates : array-like of dates
        Days, length T.
    release_dates : array-like of dates
        Release date of each model, length M.
    efficiencies_j_per_th : array-like
        Efficiency of each model, length M. [J/TH]
    threshold_j_per_th : array-like
        Profitability threshold per day (already smoothed and price-scaled), length T. [J/TH]
    max_age_days : int or None, default 1825
        Models are dropped once this old; ``None`` keeps them forever (API v1.0-v1.2). [day]

    Returns
    -------
    eligible : numpy.ndarray of bool, shape (T, M)

    Notes
    -----
    ``release < t < release + 157680000 s and threshold > efficiency`` with strict inequalities
    (``_get_equipment_list`` in ``v1_3_1/energy_consumption_service.py`` [2]_).  Release
    timestamps are midnight UTC, days are midnight UTC, so a model counts from the day after its
    release date.

    Examples
    --------
    >>> eligible_models(["2020-05-01", "2020-05-02"], ["2020-05-01"], [30.0], [31.0, 30.0])
    array([[False],
           [False]])
    """
    days = _as_days(dates, "dates")
    rel = _as_days(release_dates, "release_dates")
    eff = _as_float(efficiencies_j_per_th, "efficiencies_j_per_th", rel.size, positive=True)
    theta = _as_float(threshold_j_per_th, "threshold_j_per_th", days.size)
    return _date_valid(days, rel, max_age_days) & (theta[:, None] > eff[None, :])


# --------------------------------------------------------------------------------------------
# vectorised CBECI core
# --------------------------------------------------------------------------------------------
def _cbeci_core(
    days,
    hashrate_ths,
    revenue,
    release_days,
    eff,
    price_matrix,
    *,
    method,
    pues,
    threshold_window_days,
    output_window_days,
    max_age_days,
    lag_months,
    weights,
    carry_forward,
):
    """Vectorised CBECI over prices x days x models. Returns dict of (P, T) arrays."""
    n_days = days.size
    theta = _smoothed_threshold(revenue, hashrate_ths, price_matrix, threshold_window_days)

    # Models sorted by efficiency: "eff < θ" selects a prefix of the sorted list, so each
    # day's eligible set is the date-valid models in that prefix.
    order = np.argsort(eff, kind="stable")
    eff_s = eff[order]
    rel_s = release_days[order]
    n_models = eff_s.size

    # The date-valid set (and, in the 2023 model, the age weights) only change on a few days:
    # the day after a release, the day a model turns max_age_days old, and (2023) the first of
    # each month.  Evaluate them once per segment between such days, not once per day.
    breaks = [days[:1], rel_s + 1]
    if max_age_days is not None:
        breaks.append(rel_s + int(max_age_days))
    if method == "cbeci-2023":
        months = np.arange(_month_index(days[:1])[0], _month_index(days[-1:])[0] + 1)
        breaks.append(months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64))
    starts = np.unique(np.concatenate(breaks))
    starts = starts[(starts >= days[0]) & (starts <= days[-1])]
    seg = np.searchsorted(starts, days, side="right") - 1  # (T,)

    valid = _date_valid(starts, rel_s, max_age_days)  # (S, M)
    if method == "cbeci-2023":
        w = _age_weights_days(starts, rel_s, lag_months, weights)
        valid &= w > 0  # v1.5.0: `[m for m in equipment_list if m['weight'] > 0]`
        w = np.where(valid, w, 0.0)
    else:
        w = valid.astype(float)
    n_seg = starts.size
    zeros_col = np.zeros((n_seg, 1))
    cum_n = np.concatenate([zeros_col.astype(np.int64), np.cumsum(valid, axis=1)], axis=1)
    cum_w = np.concatenate([zeros_col, np.cumsum(w, axis=1)], axis=1)
    cum_we = np.concatenate([zeros_col, np.cumsum(w * eff_s[None, :], axis=1)], axis=1)
    # index of the last valid model among the first j sorted models (-1 if none)
    idx = np.where(valid, np.arange(n_models)[None, :], -1)
    last_valid = np.concatenate(
        [np.full((n_seg, 1), -1), np.maximum.accumulate(idx, axis=1)], axis=1
    )
    if n_models:
        first_valid = np.where(valid.any(axis=1), valid.argmax(axis=1), 0)
    else:
        first_valid = np.zeros(n_seg, dtype=np.int64)

    k = np.searchsorted(eff_s, theta, side="left")  # (P, T): number of models with eff < θ
    rows = seg[None, :]
    n_elig = cum_n[rows, k]
    has = n_elig > 0
    eff_s_pad = np.append(eff_s, np.nan) if n_models else np.array([np.nan])
    eff_low = np.where(has, eff_s_pad[first_valid[seg]][None, :], np.nan)
    eff_up = np.where(has, eff_s_pad[last_valid[rows, k]], np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        eff_best = np.where(has, cum_we[rows, k] / cum_w[rows, k], np.nan)

    # Assumption 2: no profitable hardware -> last known values (0 before any).
    pos = np.where(has, np.arange(n_days)[None, :], -1)
    last = np.maximum.accumulate(pos, axis=1)
    seen = last >= 0
    last_c = np.maximum(last, 0)
    take = np.take_along_axis
    effs = {"lower": eff_low, "best": eff_best, "upper": eff_up}
    out: dict[str, np.ndarray] = {
        "threshold_j_per_th": theta,
        "n_eligible": n_elig,
        "carried_forward": ~has,
    }
    for b in _BOUNDS:
        e_cf = np.where(seen, take(effs[b], last_c, axis=1), np.nan)
        out[f"efficiency_j_per_th_{b}"] = e_cf
        if carry_forward == "power":
            # CBECI code (`_smooth_data`): the previous day's power, at the previous day's
            # hash rate.
            raw = np.where(has, effs[b] * hashrate_ths[None, :] * 1e-9 * pues[b], 0.0)
            power = np.where(seen, take(raw, last_c, axis=1), 0.0)
        else:
            # Methodology text: the last known equipment, at today's hash rate.
            power = np.where(seen, e_cf * hashrate_ths[None, :] * 1e-9 * pues[b], 0.0)
        power = trailing_mean(power, output_window_days)
        out[f"power_gw_{b}"] = power
        out[f"annualised_twh_{b}"] = power * HOURS_PER_YEAR / 1000.0
        out[f"energy_twh_{b}"] = power * 24.0 / 1000.0
    return out


_DAILY_COLUMNS = (
    [f"power_gw_{b}" for b in _BOUNDS]
    + [f"annualised_twh_{b}" for b in _BOUNDS]
    + [f"energy_twh_{b}" for b in _BOUNDS]
    + [f"efficiency_j_per_th_{b}" for b in _BOUNDS]
    + ["threshold_j_per_th", "n_eligible", "carried_forward", "price_usd_per_kwh", "hashrate_ths"]
)


def _prepare(dates, hashrate_ths, revenue_usd_per_day, release_dates, efficiencies_j_per_th):
    days = _as_days(dates, "dates")
    if days.size == 0:
        raise InputError("dates: expected at least one date")
    steps = np.diff(days)
    if (steps != 1).any():
        i = int(np.argmax(steps != 1))
        raise InputError(
            f"dates: expected consecutive days in increasing order, break after position {i}"
        )
    h = _as_float(hashrate_ths, "hashrate_ths", days.size, positive=True)
    rev = _as_float(revenue_usd_per_day, "revenue_usd_per_day", days.size, nonnegative=True)
    rel = _as_days(release_dates, "release_dates")
    eff = _as_float(efficiencies_j_per_th, "efficiencies_j_per_th", rel.size, positive=True)
    return days, h, rev, rel, eff


def _cbeci_options(
    method,
    pue_lower,
    pue_best,
    pue_upper,
    threshold_window_days,
    output_window_days,
    max_age_days,
    lag_months,
    age_weights,
    carry_forward,
):
    method = _normalise_method(method)
    if method == "economic":
        raise ParameterError("method: cbeci() takes 'v1' or '2023'; use economic() for 'economic'")
    pues = {
        "lower": _check_pue(pue_lower, "pue_lower"),
        "best": _check_pue(pue_best, "pue_best"),
        "upper": _check_pue(pue_upper, "pue_upper"),
    }
    if max_age_days is not None:
        max_age_days = _check_window(max_age_days, "max_age_days")
    if (
        isinstance(lag_months, bool)
        or not isinstance(lag_months, (int, np.integer))
        or lag_months < 0
    ):
        raise ParameterError(f"lag_months: expected an integer >= 0, got {lag_months!r}")
    weights = tuple(float(x) for x in age_weights)
    if not weights or any(not np.isfinite(x) or x < 0 for x in weights):
        raise ParameterError("age_weights: expected a non-empty sequence of numbers >= 0")
    if carry_forward not in _CARRY:
        raise ParameterError(
            f"carry_forward: expected one of {', '.join(_CARRY)}, got {carry_forward!r}"
        )
    return dict(
        method=method,
        pues=pues,
        threshold_window_days=_check_window(threshold_window_days, "threshold_window_days"),
        output_window_days=_check_window(output_window_days, "output_window_days"),
        max_age_days=max_age_days,
        lag_months=int(lag_months),
        weights=weights,
        carry_forward=carry_forward,
    )


def cbeci(
    dates,
    hashrate_ths,
    revenue_usd_per_day,
    release_dates,
    efficiencies_j_per_th,
    *,
    method: str = "v1",
    price_usd_per_kwh=CBECI_REFERENCE_PRICE_USD_PER_KWH,
    pue_lower: float = 1.01,
    pue_best: float = 1.10,
    pue_upper: float = 1.20,
    threshold_window_days: int = 14,
    output_window_days: int = 7,
    max_age_days: int | None = CBECI_MAX_AGE_DAYS,
    lag_months: int = 2,
    age_weights: Sequence[float] = AGE_WEIGHTS_2023,
    carry_forward: str = "power",
) -> pd.DataFrame:
    r"""Daily electricity use of the Bitcoin network by the CBECI bottom-up model.

    Parameters
    ----------
    dates : array-like of dates
        Consecutive days (UTC), length T.
    hashrate_ths : array-like
        Network hash rate per day (not smoothed, as in CBECI). [TH/s]
    revenue_usd_per_day : array-like
        Miners' revenue per day, subsidy plus fees. [USD/day]
    release_dates : array-like of dates
        Release date of each hardware model, length M.
    efficiencies_j_per_th : array-like
        Efficiency of each model, length M. [J/TH]
    method : {"v1", "2023"}, default "v1"
        ``"v1"``: equal-weight mean of the profitable models (API v1.3.1).  ``"2023"``:
        age-weighted mean (API v1.4.0/v1.5.0), see :func:`age_weights_2023`.
    price_usd_per_kwh : float or array-like, default 0.05
        Electricity price, one value or one per date (CBECI "Assumption 1": 0.05). [USD/kWh]
    pue_lower, pue_best, pue_upper : float, default 1.01, 1.10, 1.20
        Power usage effectiveness of each bound (``min_coefficient``, ``guess_coefficient``,
        ``max_coefficient`` in ``energy_consumption_calculator.py``; Assumptions 4a-4c). [-]
    threshold_window_days : int, default 14
        Trailing mean of the threshold (CBECI: 14). [day]
    output_window_days : int, default 7
        Trailing mean of the daily power (CBECI: 7). [day]
    max_age_days : int or None, default 1825
        Drop models older than this (v1.3.1 on: ``+ 157680000`` s); ``None`` for v1.0-v1.2. [day]
    lag_months : int, default 2
        2023 model only: delivery lag before a model is weighted. [month]
    age_weights : sequence of float, default (1, 0.8, 0.6, 0.4, 0.2)
        2023 model only: weight by whole years of age. [-]
    carry_forward : {"power", "equipment"}, default "power"
        On days with no profitable model: ``"power"`` repeats the previous day's power as
        CBECI's code does (``_smooth_data``); ``"equipment"`` applies the last profitable set to
        the day's hash rate, as the methodology text words Assumption 2.  Before any
        profitable day the power is 0 (CBECI) and the efficiencies are NaN.

    Returns
    -------
    pandas.DataFrame
        One row per date: ``date``, ``power_gw_{lower,best,upper}`` [GW],
        ``annualised_twh_*`` [TWh/yr], ``energy_twh_*`` (energy used that day) [TWh],
        ``efficiency_j_per_th_*`` (fleet efficiency of the day's eligible set, before the
        output mean) [J/TH], ``threshold_j_per_th`` [J/TH], ``n_eligible``,
        ``carried_forward`` (bool), ``price_usd_per_kwh``, ``hashrate_ths``.

    Notes
    -----
    Threshold (CBECI methodology [1]_, ``data_fetch_calc.py`` [2]_):
    :math:`\theta_t = \overline{\theta^{0.05}}_{14}(t)\times 0.05/p_t`, the 14-day trailing
    mean of the threshold at 0.05 USD/kWh, scaled to the price (``prof_threshold_value *
    price_coefficient`` with ``price_coefficient = default_price / price``).

    Eligible set :math:`S_t`: ``release < t < release + 1825 d`` and :math:`\theta_t > e_i`
    (see :func:`eligible_models`); the 2023 model also drops models of weight 0.

    Bounds (``energy_consumption_calculator.py``): lower :math:`\min_{S_t} e \cdot H_t \cdot
    10^{-9}\cdot 1.01`, upper :math:`\max_{S_t} e\cdot H_t\cdot 10^{-9}\cdot 1.20` [GW];
    best :math:`\bar e\, H_t\, 10^{-9}\cdot 1.10` with :math:`\bar e` the plain mean (v1) or
    :math:`\sum w_i e_i / \sum w_i` (2023).  Annualised: power × 8766 h / 1000.  Then the
    7-day trailing mean of each daily series (``_data_to_energy_dataframe``).

    Examples
    --------
    >>> df = cbeci(["2020-06-01", "2020-06-02"], [1e8, 1e8], [1e7, 1e7],
    ...            ["2020-05-01", "2019-01-01"], [30.0, 60.0])
    >>> df[["power_gw_lower", "power_gw_best", "power_gw_upper"]].round(3).to_numpy().tolist()
    [[3.03, 4.95, 7.2], [3.03, 4.95, 7.2]]
    """
    days, h, rev, rel, eff = _prepare(
        dates, hashrate_ths, revenue_usd_per_day, release_dates, efficiencies_j_per_th
    )
    opts = _cbeci_options(
        method,
        pue_lower,
        pue_best,
        pue_upper,
        threshold_window_days,
        output_window_days,
        max_age_days,
        lag_months,
        age_weights,
        carry_forward,
    )
    prices = _price_matrix(price_usd_per_kwh, days.size)
    out = _cbeci_core(days, h, rev, rel, eff, prices, **opts)
    out = {name: arr[0] for name, arr in out.items()}
    out["price_usd_per_kwh"] = prices[0]
    out["hashrate_ths"] = h
    return _frame(days, out)


def _frame(days: np.ndarray, out: dict[str, np.ndarray]) -> pd.DataFrame:
    columns: dict[str, Any] = {"date": days.astype("datetime64[D]").astype("datetime64[s]")}
    for col in _DAILY_COLUMNS:
        columns[col] = out[col]
    columns["n_eligible"] = np.asarray(columns["n_eligible"], dtype=np.int64)
    columns["carried_forward"] = np.asarray(columns["carried_forward"], dtype=bool)
    return pd.DataFrame(columns)


def cbeci_price_sweep(
    dates,
    hashrate_ths,
    revenue_usd_per_day,
    release_dates,
    efficiencies_j_per_th,
    prices_usd_per_kwh,
    **options,
):
    r"""CBECI at several constant prices at once (as Cambridge pre-computes 0.01-0.20 USD/kWh).

    Parameters
    ----------
    dates, hashrate_ths, revenue_usd_per_day, release_dates, efficiencies_j_per_th
        As in :func:`cbeci`.
    prices_usd_per_kwh : array-like
        Constant prices to run, length P. [USD/kWh]
    **options
        Keyword options of :func:`cbeci` (``method``, PUEs, windows, ...), except the price.

    Returns
    -------
    xarray.Dataset
        Dims ``(price, time)``; the variables of :func:`cbeci` with units in attributes.

    Notes
    -----
    The eligible sets at all prices come from one pass over the models sorted by efficiency
    (for each day a prefix sum over the date-valid models), so P prices cost little more than
    one.  Equal, price by price, to calling :func:`cbeci` P times.

    Examples
    --------
    >>> ds = cbeci_price_sweep(["2020-06-01"], [1e8], [1e7], ["2020-05-01"], [30.0],
    ...                        [0.05, 0.10])
    >>> ds["n_eligible"].values.tolist()
    [[1], [1]]
    """
    import xarray as xr

    if "price_usd_per_kwh" in options:
        raise ParameterError("price_usd_per_kwh: use prices_usd_per_kwh in cbeci_price_sweep")
    days, h, rev, rel, eff = _prepare(
        dates, hashrate_ths, revenue_usd_per_day, release_dates, efficiencies_j_per_th
    )
    defaults = dict(
        method="v1",
        pue_lower=1.01,
        pue_best=1.10,
        pue_upper=1.20,
        threshold_window_days=14,
        output_window_days=7,
        max_age_days=CBECI_MAX_AGE_DAYS,
        lag_months=2,
        age_weights=AGE_WEIGHTS_2023,
        carry_forward="power",
    )
    unknown = set(options) - set(defaults)
    if unknown:
        raise ParameterError(f"{sorted(unknown)[0]}: unknown option of cbeci_price_sweep")
    opts = _cbeci_options(**(defaults | options))
    p = _as_float(prices_usd_per_kwh, "prices_usd_per_kwh", positive=True)
    prices = np.repeat(p[:, None], days.size, axis=1)
    out = _cbeci_core(days, h, rev, rel, eff, prices, **opts)
    time = days.astype("datetime64[D]").astype("datetime64[ns]")
    data_vars = {
        name: (("price", "time"), arr, {"units": UNITS.get(name, "1")}) for name, arr in out.items()
    }
    ds = xr.Dataset(data_vars, coords={"price": ("price", p, {"units": "USD/kWh"}), "time": time})
    ds["hashrate_ths"] = ("time", h, {"units": "TH/s"})
    ds.attrs.update(_provenance(opts["method"], opts, price="sweep"))
    return ds


# --------------------------------------------------------------------------------------------
# economic (top-down) estimate
# --------------------------------------------------------------------------------------------
def economic(
    dates,
    revenue_usd_per_day,
    hashrate_ths,
    *,
    electricity_share: float = DIGICONOMIST_ELECTRICITY_SHARE,
    price_usd_per_kwh=CBECI_REFERENCE_PRICE_USD_PER_KWH,
    revenue_window_days: int = 1,
    share_lower: float | None = None,
    share_upper: float | None = None,
) -> pd.DataFrame:
    r"""Top-down electricity use: the revenue share miners spend on electricity, at a price.

    Parameters
    ----------
    dates : array-like of dates
        Consecutive days, length T.
    revenue_usd_per_day : array-like
        Miners' revenue, subsidy plus fees. [USD/day]
    hashrate_ths : array-like
        Network hash rate, used only for the implied fleet efficiency. [TH/s]
    electricity_share : float, default 0.60
        Share of revenue spent on electricity, best guess (Digiconomist / de Vries 2018 [4]_
        [5]_; earlier 1.00 and 0.65). [-]
    price_usd_per_kwh : float or array-like, default 0.05
        Electricity price (Digiconomist: 0.05). [USD/kWh]
    revenue_window_days : int, default 1
        Trailing mean of the revenue.  Digiconomist smooths with a moving average whose
        window varied from 60 to 439 days (Bevand 2017 [5]_) and is not published as a fixed
        value; the default 1 (no smoothing) is this package's choice.  [day]
    share_lower, share_upper : float or None
        Shares for the lower and upper columns; ``None`` uses ``electricity_share`` (the
        source gives no range). [-]

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`cbeci`.  ``efficiency_j_per_th_*`` is the implied fleet
        efficiency power / hash rate; ``threshold_j_per_th`` the break-even efficiency from
        the same (smoothed) revenue; ``n_eligible`` is 0 (no hardware list).

    Notes
    -----
    :math:`P = \frac{s\,\bar R}{p}\cdot\frac{1}{24}\cdot 10^{-6}` [GW] with :math:`\bar R` the
    smoothed revenue [USD/day], :math:`s` the share and :math:`p` the price; energy
    :math:`P\times 24/1000` TWh per day.  The implied efficiency is exactly
    :math:`s\,\theta`: the method assumes the fleet runs at a fixed fraction of break-even.

    Examples
    --------
    >>> df = economic(["2021-01-01"], [50e6], [150e6])
    >>> round(float(df["power_gw_best"].iloc[0]), 3)
    25.0
    """
    days = _as_days(dates, "dates")
    if days.size == 0:
        raise InputError("dates: expected at least one date")
    if (np.diff(days) != 1).any():
        raise InputError("dates: expected consecutive days in increasing order")
    rev = _as_float(revenue_usd_per_day, "revenue_usd_per_day", days.size, nonnegative=True)
    h = _as_float(hashrate_ths, "hashrate_ths", days.size, positive=True)
    price = _price_matrix(price_usd_per_kwh, days.size)[0]
    shares = {}
    for name, val in (("lower", share_lower), ("best", electricity_share), ("upper", share_upper)):
        v = electricity_share if val is None else val
        field = "electricity_share" if name == "best" else f"share_{name}"
        try:
            v = float(v)
        except (TypeError, ValueError):
            raise ParameterError(f"{field}: expected a number in (0, 1], got {v!r}") from None
        if not (0 < v <= 1):
            raise ParameterError(f"{field}: expected a number in (0, 1], got {v!r}")
        shares[name] = v
    if not shares["lower"] <= shares["best"] <= shares["upper"]:
        raise ParameterError(
            "share_lower, electricity_share, share_upper: expected lower <= best <= upper"
        )
    rev_s = trailing_mean(rev, _check_window(revenue_window_days, "revenue_window_days"))
    theta = profitability_threshold_j_per_th(rev_s, h, price)
    out: dict[str, np.ndarray] = {
        "threshold_j_per_th": theta,
        "n_eligible": np.zeros(days.size, dtype=np.int64),
        "carried_forward": np.zeros(days.size, dtype=bool),
        "price_usd_per_kwh": price,
        "hashrate_ths": h,
    }
    for b in _BOUNDS:
        power = shares[b] * rev_s / price / 24.0 * 1e-6
        out[f"power_gw_{b}"] = power
        out[f"annualised_twh_{b}"] = power * HOURS_PER_YEAR / 1000.0
        out[f"energy_twh_{b}"] = power * 24.0 / 1000.0
        out[f"efficiency_j_per_th_{b}"] = power * 1e9 / h
    return _frame(days, out)


# --------------------------------------------------------------------------------------------
# aggregation and xarray output
# --------------------------------------------------------------------------------------------
def aggregate(daily: pd.DataFrame, freq: str = "month") -> pd.DataFrame:
    r"""Aggregate a daily estimate to calendar months or years.

    Parameters
    ----------
    daily : pandas.DataFrame
        Output of :func:`cbeci` or :func:`economic`.
    freq : {"day", "month", "year"}, default "month"
        Period length.

    Returns
    -------
    pandas.DataFrame
        One row per period: ``period`` (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``), ``start``
        (first day), ``n_days``, ``energy_twh_*`` summed, everything else averaged over the
        days present, ``carried_forward_days``.

    Notes
    -----
    CBECI forms monthly totals as Σ daily best-guess power (after the 7-day mean) × 24 / 1000
    and yearly totals as the sum of the months (``calc_monthly_data`` and
    ``calc_yearly_data`` in ``v1_1_1/energy_consumption_service.py`` [2]_); one version
    rounds the months to 0.01 TWh, which is not done here.  Periods cut by the ends of the
    series are kept; check ``n_days``.

    Examples
    --------
    >>> df = economic(["2021-01-31", "2021-02-01"], [24e6, 24e6], [1e8, 1e8])
    >>> aggregate(df, "month")[["period", "n_days", "energy_twh_best"]].to_numpy().tolist()
    [['2021-01', 1, 0.288], ['2021-02', 1, 0.288]]
    """
    if freq not in _FREQS:
        raise InputError(f"freq: expected one of {', '.join(_FREQS)}, got {freq!r}")
    if "date" not in daily.columns:
        raise InputError("daily: expected the output of cbeci() or economic() (a 'date' column)")
    fmt = {"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}[freq]
    dates = pd.to_datetime(daily["date"])
    key = dates.dt.strftime(fmt)
    sums = [c for c in daily.columns if c.startswith("energy_twh_")]
    means = [c for c in daily.columns if c not in sums and c not in ("date", "carried_forward")]
    grouped = daily.assign(_key=key.to_numpy()).groupby("_key", sort=True)
    out = pd.DataFrame({"period": grouped.size().index.astype(str)})
    out["start"] = grouped["date"].min().to_numpy()
    out["n_days"] = grouped.size().to_numpy().astype(np.int64)
    for c in daily.columns:
        if c in sums:
            out[c] = grouped[c].sum().to_numpy()
        elif c in means:
            out[c] = grouped[c].mean().to_numpy()
    if "carried_forward" in daily.columns:
        out["carried_forward_days"] = grouped["carried_forward"].sum().to_numpy().astype(np.int64)
    return out


def _provenance(method, opts, *, price, catalogue="user-supplied", data_versions=None):
    import hashcarbon

    attrs = {
        "method": method,
        "price_usd_per_kwh": price,
        "hashcarbon_version": hashcarbon.__version__,
        "catalogue": catalogue,
        "data_versions": data_versions or "user-supplied arrays",
    }
    if method != "economic":
        attrs.update(
            {
                "pue_lower": opts["pues"]["lower"],
                "pue_best": opts["pues"]["best"],
                "pue_upper": opts["pues"]["upper"],
                "threshold_window_days": opts["threshold_window_days"],
                "output_window_days": opts["output_window_days"],
                "max_age_days": "none" if opts["max_age_days"] is None else opts["max_age_days"],
                "carry_forward": opts["carry_forward"],
                "source": "CBECI, CambridgeAltFin/ccaf_cbeci_api (see hashcarbon.energy docs)",
            }
        )
        if method == "cbeci-2023":
            attrs["lag_months"] = opts["lag_months"]
            attrs["age_weights"] = ", ".join(f"{x:g}" for x in opts["weights"])
    else:
        attrs.update({k: v for k, v in opts.items()})
        attrs["source"] = "Digiconomist BECI / de Vries 2018, doi:10.1016/j.joule.2018.04.016"
    return attrs


def to_dataset(frame: pd.DataFrame, **attrs: Any):
    """Turn an output frame (daily or aggregated) into an :class:`xarray.Dataset`.

    Parameters
    ----------
    frame : pandas.DataFrame
        Output of :func:`cbeci`, :func:`economic` or :func:`aggregate`.
    **attrs
        Provenance attributes to attach (method, price, PUEs, catalogue, data versions, ...).

    Returns
    -------
    xarray.Dataset
        Dim ``time`` (the day, or the first day of the period, with a ``period`` label
        coordinate for aggregated frames); each variable carries ``units``.

    Examples
    --------
    >>> ds = to_dataset(economic(["2021-01-01"], [50e6], [150e6]), method="economic")
    >>> ds["power_gw_best"].attrs["units"], ds.attrs["method"]
    ('GW', 'economic')
    """
    import xarray as xr

    if "date" in frame.columns:
        time = pd.to_datetime(frame["date"]).to_numpy()
        coords: dict[str, Any] = {"time": time}
        skip = {"date"}
    elif "start" in frame.columns and "period" in frame.columns:
        time = pd.to_datetime(frame["start"]).to_numpy()
        coords = {"time": time, "period": ("time", frame["period"].astype(str).to_numpy())}
        skip = {"start", "period"}
    else:
        raise InputError("frame: expected a 'date' column or 'period' and 'start' columns")
    data_vars = {
        c: ("time", frame[c].to_numpy(), {"units": UNITS.get(c, "1")})
        for c in frame.columns
        if c not in skip
    }
    ds = xr.Dataset(data_vars, coords=coords)
    ds.attrs.update(
        {k: (str(v) if not isinstance(v, (int, float, str)) else v) for k, v in attrs.items()}
    )
    return ds


# --------------------------------------------------------------------------------------------
# convenience: run on the shipped tables
# --------------------------------------------------------------------------------------------
def _load_catalogue(catalogue: str, manufacturer_only: bool) -> pd.DataFrame:
    """Hardware rows with ``release_date`` and ``efficiency_j_per_th`` for the estimators.

    ``"cbeci"``: the 90 rows of Cambridge's Dec-2019 list (``in_cbeci_2019``) with the release
    dates and efficiencies Cambridge stored (``cbeci_*`` columns).  ``"full"``: every row of the
    package catalogue with a known release date, with the package's own efficiencies.  Rows
    without a release date cannot enter a date-based model and are dropped (``attrs["dropped"]``).
    """
    if catalogue not in ("full", "cbeci"):
        raise InputError(f"catalogue: expected 'full' or 'cbeci', got {catalogue!r}")
    from hashcarbon import data

    table = data.hardware()
    for col in ("release_date", "efficiency_j_per_th", "kind", "in_cbeci_2019"):
        if col not in table.columns:
            raise DataError(f"hardware: column {col!r} is missing")
    if catalogue == "cbeci":
        table = table[table["in_cbeci_2019"].astype(bool)].copy()
        for col in ("release_date", "efficiency_j_per_th"):
            if f"cbeci_{col}" in table.columns:
                table[col] = table[f"cbeci_{col}"].where(table[f"cbeci_{col}"].notna(), table[col])
    if manufacturer_only:
        # CBECI v1.3.1 on: `WHERE is_active is true AND is_manufacturer = 1`, which drops the
        # CPU/GPU/FPGA/early-ASIC placeholder rows.
        table = table[table["kind"].astype(str) != "placeholder"]
    eff = pd.to_numeric(table["efficiency_j_per_th"], errors="coerce")
    usable = table["release_date"].notna() & np.isfinite(eff) & (eff > 0)
    dropped = int((~usable).sum())
    table = table[usable].reset_index(drop=True)
    table["release_date"] = pd.to_datetime(table["release_date"])
    table.attrs["dropped"] = dropped
    return table


def _data_versions() -> str:
    from hashcarbon import data

    try:
        src = data.sources()
    except DataError:
        return "unknown"
    parts = []
    for name in ("network_daily", "hardware"):
        entry = src.get(name, {})
        parts.append(f"{name}={entry.get('version', 'unknown')}")
    return "; ".join(parts)


def estimate(
    method: str = "cbeci-v1",
    price_usd_per_kwh=CBECI_REFERENCE_PRICE_USD_PER_KWH,
    start=None,
    end=None,
    freq: str = "day",
    catalogue: str = "full",
    *,
    manufacturer_only: bool = True,
    as_dataset: bool = False,
    **options,
):
    r"""Run one estimator on the shipped network and hardware tables.

    Parameters
    ----------
    method : {"cbeci-v1", "cbeci-2023", "economic"}, default "cbeci-v1"
    price_usd_per_kwh : float or pandas.Series, default 0.05
        One price, or a Series indexed by date covering every day of the network table
        (per-region prices come from the carbon/location layer). [USD/kWh]
    start, end : date-like, optional
        Inclusive range of the output.  The estimate is computed on the whole history first,
        so the moving averages at ``start`` see the days before it.
    freq : {"day", "month", "year"}, default "day"
        Output period (see :func:`aggregate`).
    catalogue : {"full", "cbeci"}, default "full"
        Hardware list: the package's full catalogue or the rows of Cambridge's Dec-2019 list.
    manufacturer_only : bool, default True
        Drop placeholder (CPU/GPU/FPGA/early-ASIC) rows, as CBECI v1.3.1 on does.
    as_dataset : bool, default False
        Return an :class:`xarray.Dataset` with units and provenance instead of a DataFrame.
    **options
        Passed to :func:`cbeci` or :func:`economic`.

    Returns
    -------
    pandas.DataFrame or xarray.Dataset
    """
    from hashcarbon import data

    method = _normalise_method(method)
    if freq not in _FREQS:
        raise InputError(f"freq: expected one of {', '.join(_FREQS)}, got {freq!r}")
    net = data.network().sort_values("date").reset_index(drop=True)
    for col in ("date", "hashrate_ehs", "revenue_usd"):
        if col not in net.columns:
            raise DataError(f"network_daily: column {col!r} is missing")
    dates = pd.to_datetime(net["date"])
    hashrate_ths = net["hashrate_ehs"].to_numpy(dtype=float) * 1e6
    revenue = net["revenue_usd"].to_numpy(dtype=float)
    if isinstance(price_usd_per_kwh, pd.Series):
        idx = pd.to_datetime(price_usd_per_kwh.index)
        price = pd.Series(price_usd_per_kwh.to_numpy(dtype=float), index=idx).reindex(dates)
        if price.isna().any():
            missing = dates[price.isna().to_numpy()].iloc[0]
            raise InputError(f"price_usd_per_kwh: no price for {missing:%Y-%m-%d}")
        price_arg: Any = price.to_numpy()
        price_attr: Any = "per-date series"
    else:
        price_arg = price_usd_per_kwh
        price_attr = float(price_usd_per_kwh)
    if method == "economic":
        daily = economic(dates, revenue, hashrate_ths, price_usd_per_kwh=price_arg, **options)
        opts = {k: (v if v is not None else "none") for k, v in options.items()}
        cat = "none"
    else:
        hw = _load_catalogue(catalogue, manufacturer_only)
        daily = cbeci(
            dates,
            hashrate_ths,
            revenue,
            pd.to_datetime(hw["release_date"]),
            hw["efficiency_j_per_th"].to_numpy(dtype=float),
            method=method,
            price_usd_per_kwh=price_arg,
            **options,
        )
        opts = _cbeci_options(
            method,
            options.get("pue_lower", 1.01),
            options.get("pue_best", 1.10),
            options.get("pue_upper", 1.20),
            options.get("threshold_window_days", 14),
            options.get("output_window_days", 7),
            options.get("max_age_days", CBECI_MAX_AGE_DAYS),
            options.get("lag_months", 2),
            options.get("age_weights", AGE_WEIGHTS_2023),
            options.get("carry_forward", "power"),
        )
        cat = (
            f"{catalogue} ({len(hw)} models with a release date"
            f"{', manufacturer rows only' if manufacturer_only else ''}"
            f"; {hw.attrs.get('dropped', 0)} rows dropped)"
        )
    if start is not None:
        daily = daily[daily["date"] >= pd.Timestamp(start)]
    if end is not None:
        daily = daily[daily["date"] <= pd.Timestamp(end)]
    if daily.empty:
        raise InputError(f"start, end: no data between {start} and {end}")
    daily = daily.reset_index(drop=True)
    result = daily if freq == "day" else aggregate(daily, freq)
    if not as_dataset:
        return result
    prov = _provenance(
        method, opts, price=price_attr, catalogue=cat, data_versions=_data_versions()
    )
    prov["freq"] = freq
    return to_dataset(result, **prov)
