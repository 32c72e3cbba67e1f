r"""Mining hardware: the ASIC catalogue, the efficiency frontier and break-even economics.

The catalogue is the shipped table ``hardware`` (``hardware_2026-11.csv``, see
``hashcarbon data info``).  Two views are offered:

* ``catalogue("cbeci")`` -- the 90 rows of CBECI's public hardware basket
  (``server_config/miners.csv`` of CambridgeAltFin/ccaf_cbeci_api), with CBECI's own names,
  release dates and efficiencies, unchanged, so that CBECI's estimator can be re-run on its
  exact list;
* ``catalogue("full")`` -- every curated model (CBECI, F2Pool 2020, asicminervalue 2025,
  Bitcoin Wiki and hand-curated rows, merged), with efficiencies from the specification
  sources (``power_w / hashrate_ths`` where both are known).

The economics use the exact unit algebra

.. math::

    E_{day} = \varepsilon \cdot 86\,400 / 3.6\times10^{6}
    \quad [\mathrm{kWh\,/\,(TH/s)\,/\,day}],

where :math:`\varepsilon` is the efficiency in J/TH (= W per TH/s): a machine delivering
1 TH/s for one day (86 400 s) at :math:`\varepsilon` J/TH uses :math:`86\,400\,\varepsilon` J,
and 1 kWh = 3.6e6 J.  The break-even electricity price is the hashprice divided by
:math:`E_{day}`; this is the profitability inequality of CBECI's model (efficiency x price of
electricity per joule <= revenue per hash) written per TH/s and per day.

References
----------
.. [1] Cambridge Centre for Alternative Finance, "Cambridge Bitcoin Electricity Consumption
   Index: methodology", https://ccaf.io/cbnsi/cbeci/methodology
.. [2] CambridgeAltFin/ccaf_cbeci_api, ``server_config/miners.csv`` at commit 0e28e81
   (2024-03-28).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hashcarbon import _check
from hashcarbon.errors import InputError
from hashcarbon.units import J_PER_KWH, SECONDS_PER_DAY

#: Energy one TH/s uses in a day per J/TH of efficiency: 86 400 s / 3.6e6 J/kWh. [kWh/(TH/s)/day per J/TH]
KWH_PER_TH_DAY_PER_J_PER_TH: float = SECONDS_PER_DAY / J_PER_KWH

_WHICH = ("full", "cbeci")


def catalogue(
    which: str = "full", include_placeholders: bool = False, data_dir=None
) -> pd.DataFrame:
    """The ASIC catalogue, as curated or as CBECI's exact 2019 basket.

    Parameters
    ----------
    which : {"full", "cbeci"}, default "full"
        ``"full"``: every curated model with efficiencies from specification sources.
        ``"cbeci"``: the 90 rows of CBECI's ``miners.csv`` with CBECI's names (column
        ``model``), release dates and efficiencies (converted from J/GH to J/TH, x1000),
        placeholders included.
    include_placeholders : bool, default False
        For ``which="full"``: keep CBECI's CPU/GPU/FPGA/"early ASICS" placeholder rows
        (``kind == "placeholder"``).  Ignored for ``"cbeci"`` (always kept).
    data_dir : path-like, optional
        Folder holding the tables instead of the package's (see
        :func:`hashcarbon.data.load_table`).

    Returns
    -------
    pandas.DataFrame
        For ``"full"``: the columns of the ``hardware`` table.  For ``"cbeci"``: ``model``
        (CBECI's name, verbatim), ``manufacturer``, ``kind``, ``release_date`` [date, UTC],
        ``release_unix_s`` [s], ``efficiency_j_per_th`` [J/TH], ``catalogue_model`` (the
        name of the same machine in the full catalogue).

    Raises
    ------
    hashcarbon.errors.InputError
        ``which`` is not one of the two views.

    Examples
    --------
    >>> cb = catalogue("cbeci")
    >>> len(cb)
    90
    >>> float(cb.loc[cb["model"] == "Bitmain Antminer S19 Pro (110Th)", "efficiency_j_per_th"].iloc[0])
    29.55
    >>> len(catalogue("full")) >= 150
    True
    """
    from hashcarbon.data import load_table

    if which not in _WHICH:
        raise InputError(f"which: {which!r} is not a catalogue; expected 'full' or 'cbeci'")
    table = load_table("hardware", data_dir)
    if which == "full":
        if not include_placeholders:
            table = table[table["kind"] != "placeholder"]
        return table.reset_index(drop=True)
    cb = table[table["in_cbeci_2019"]]
    out = pd.DataFrame(
        {
            "model": cb["cbeci_name"],
            "manufacturer": cb["manufacturer"],
            "kind": cb["kind"],
            "release_date": cb["cbeci_release_date"],
            "release_unix_s": cb["cbeci_release_unix_s"],
            "efficiency_j_per_th": cb["cbeci_efficiency_j_per_th"],
            "catalogue_model": cb["model"],
        }
    )
    return out.sort_values(["release_unix_s", "model"], kind="mergesort").reset_index(drop=True)


def _as_dates(dates, name: str = "dates") -> pd.DatetimeIndex:
    try:
        idx = pd.DatetimeIndex(pd.to_datetime(np.atleast_1d(dates)))
    except (ValueError, TypeError):
        raise InputError(f"{name}: expected dates such as '2021-06-30'; got {dates!r}") from None
    if idx.hasnans:
        raise InputError(f"{name}: expected dates such as '2021-06-30'; got a missing date")
    return idx


def _check_catalogue(cat: pd.DataFrame) -> None:
    missing = {"release_date", "efficiency_j_per_th"} - set(cat.columns)
    if missing:
        raise InputError(
            f"catalogue: missing column(s) {', '.join(sorted(missing))}; "
            "pass hashcarbon.hardware.catalogue()"
        )


def available(cat: pd.DataFrame, date) -> pd.DataFrame:
    """Models released on or before ``date``.

    Rows without a release date (``release_date`` empty, e.g. the undated Bitcoin Wiki rows)
    are never available: they are left out of every date-dependent use.

    Parameters
    ----------
    cat : pandas.DataFrame
        A catalogue from :func:`catalogue` (needs ``release_date``).
    date : str or datetime-like
        The day of interest; a model released that day counts as available.

    Returns
    -------
    pandas.DataFrame
        The rows of ``cat`` with ``release_date <= date``.

    Notes
    -----
    CBECI compares Unix timestamps (release < t).  Its ASIC rows are released at midnight on
    the first of a month, so on whole days "released on or before the day" is the same rule;
    only the six placeholder rows carry a time of day (use ``release_unix_s`` for them).

    Examples
    --------
    >>> cb = catalogue("cbeci")
    >>> available(cb, "2014-12-01")["model"].tolist()[-2:]
    ['Bitmain Antminer S3', 'Bitmain Antminer S5']
    """
    _check_catalogue(cat)
    day = _as_dates(date, "date")
    if len(day) != 1:
        raise InputError(f"date: expected one date; got {len(day)}")
    return cat[cat["release_date"].notna() & (cat["release_date"] <= day[0])]


def frontier_efficiency_j_per_th(dates, cat: pd.DataFrame) -> np.ndarray:
    """Best (lowest) efficiency among the models released on or before each date.

    Parameters
    ----------
    dates : date or array-like of dates
        Days at which to evaluate the frontier.
    cat : pandas.DataFrame
        A catalogue from :func:`catalogue` (needs ``release_date`` and
        ``efficiency_j_per_th``).  Undated rows are ignored.

    Returns
    -------
    frontier_j_per_th : numpy.ndarray of float
        Frontier efficiency at each date, NaN before the first dated release. [J/TH]

    Notes
    -----
    The frontier is the running minimum of efficiency over release dates; it never increases
    with time.  Specification values are nameplate figures (manufacturers state +-5-10 %).

    Examples
    --------
    >>> cb = catalogue("cbeci")
    >>> frontier_efficiency_j_per_th(["2014-06-30", "2020-06-01"], cb).round(2)
    array([10000.  ,    29.55])
    """
    _check_catalogue(cat)
    days = _as_dates(dates)
    dated = cat[cat["release_date"].notna()].sort_values("release_date", kind="mergesort")
    if dated.empty:
        return np.full(len(days), np.nan)
    release = dated["release_date"].to_numpy(dtype="datetime64[ns]")
    best = np.minimum.accumulate(dated["efficiency_j_per_th"].to_numpy(dtype=float))
    pos = np.searchsorted(release, days.to_numpy(dtype="datetime64[ns]"), side="right") - 1
    out = np.where(pos >= 0, best[np.clip(pos, 0, None)], np.nan)
    return out.astype(float)


def _nonnegative(name: str, value) -> np.ndarray:
    arr = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise InputError(f"{name}: expected finite values >= 0; got {value!r}")
    return arr


def _positive(name: str, value) -> np.ndarray:
    arr = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(arr)) or np.any(arr <= 0):
        raise InputError(f"{name}: expected finite values > 0; got {value!r}")
    return arr


def daily_electricity_cost_usd_per_th(price_usd_per_kwh, efficiency_j_per_th, pue=1.0):
    r"""Electricity cost of running 1 TH/s for one day.

    Parameters
    ----------
    price_usd_per_kwh : float or array-like
        Electricity price. [USD/kWh]
    efficiency_j_per_th : float or array-like
        Machine efficiency (energy per terahash = power per TH/s). [J/TH]
    pue : float or array-like, default 1.0
        Overhead factor (cooling, conversion) applied to the machine's power.  Named
        assumption: the machine alone (1.0); CBECI uses 1.01 / 1.10 / 1.20 for its lower
        bound / best guess / upper bound [1]_. [-]

    Returns
    -------
    cost_usd_per_th_day : numpy.ndarray or float
        Electricity cost per unit hash rate per day. [USD/(TH/s)/day]

    Notes
    -----
    :math:`c = p \cdot \varepsilon \cdot \mathrm{PUE} \cdot 86\,400 / 3.6\times10^{6}`:
    [USD/kWh] x [J/TH = J/s per TH/s] x [s/day] / [J/kWh] = [USD/(TH/s)/day].

    References
    ----------
    .. [1] Cambridge Centre for Alternative Finance, "CBECI methodology",
       https://ccaf.io/cbnsi/cbeci/methodology

    Examples
    --------
    >>> round(float(daily_electricity_cost_usd_per_th(0.05, 30.0)), 6)
    0.036
    """
    price = _nonnegative("price_usd_per_kwh", price_usd_per_kwh)
    eff = _positive("efficiency_j_per_th", efficiency_j_per_th)
    overhead = _positive("pue", pue)
    return price * eff * overhead * KWH_PER_TH_DAY_PER_J_PER_TH


def breakeven_price_usd_per_kwh(hashprice_usd_per_th_day, efficiency_j_per_th, pue=1.0):
    r"""Highest electricity price at which a machine's revenue still covers its electricity.

    Parameters
    ----------
    hashprice_usd_per_th_day : float or array-like
        Miners' revenue per unit hash rate (subsidy + fees). [USD/(TH/s)/day]
    efficiency_j_per_th : float or array-like
        Machine efficiency. [J/TH]
    pue : float or array-like, default 1.0
        Overhead factor (named assumption, see :func:`daily_electricity_cost_usd_per_th`). [-]

    Returns
    -------
    price_usd_per_kwh : numpy.ndarray or float
        Break-even electricity price. [USD/kWh]

    Notes
    -----
    :math:`p^* = h / (\varepsilon \cdot \mathrm{PUE} \cdot 86\,400 / 3.6\times10^{6})`:
    [USD/(TH/s)/day] / [kWh/(TH/s)/day] = [USD/kWh].  Equivalent to CBECI's profitability
    threshold (revenue per hash / price per joule) solved for the price [1]_.

    References
    ----------
    .. [1] Cambridge Centre for Alternative Finance, "CBECI methodology",
       https://ccaf.io/cbnsi/cbeci/methodology

    Examples
    --------
    30 J/TH at a hashprice of 0.05 USD/(TH/s)/day (0.72 kWh per TH/s per day):

    >>> round(float(breakeven_price_usd_per_kwh(0.05, 30.0)), 4)
    0.0694
    """
    hashprice = _nonnegative("hashprice_usd_per_th_day", hashprice_usd_per_th_day)
    eff = _positive("efficiency_j_per_th", efficiency_j_per_th)
    overhead = _positive("pue", pue)
    return hashprice / (eff * overhead * KWH_PER_TH_DAY_PER_J_PER_TH)


def profitable(hashprice_usd_per_th_day, price_usd_per_kwh, efficiency_j_per_th, pue=1.0):
    """Whether revenue covers electricity: ``hashprice >= daily electricity cost``.

    Parameters
    ----------
    hashprice_usd_per_th_day : float or array-like
        Miners' revenue per unit hash rate. [USD/(TH/s)/day]
    price_usd_per_kwh : float or array-like
        Electricity price. [USD/kWh]
    efficiency_j_per_th : float or array-like
        Machine efficiency. [J/TH]
    pue : float or array-like, default 1.0
        Overhead factor (named assumption). [-]

    Returns
    -------
    numpy.ndarray of bool or bool
        True where the machine at least breaks even on electricity (capital costs excluded,
        as in CBECI's eligibility rule).  Inputs broadcast against each other.

    Examples
    --------
    >>> profitable(0.05, [0.05, 0.10], 30.0).tolist()
    [True, False]
    """
    hashprice = _nonnegative("hashprice_usd_per_th_day", hashprice_usd_per_th_day)
    cost = daily_electricity_cost_usd_per_th(price_usd_per_kwh, efficiency_j_per_th, pue)
    return np.asarray(hashprice >= cost)


__all__ = [
    "KWH_PER_TH_DAY_PER_J_PER_TH",
    "available",
    "breakeven_price_usd_per_kwh",
    "catalogue",
    "daily_electricity_cost_usd_per_th",
    "frontier_efficiency_j_per_th",
    "profitable",
]


# Argument checks by name and unit (one line naming the argument); keep last.
_check.guard(globals(), __all__)
