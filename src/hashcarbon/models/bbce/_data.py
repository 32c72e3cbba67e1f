r"""Data preparation and regressions of the BBCE model (monthly series, OLS fits).

Everything here is computed from the project's own curated tables
(:func:`hashcarbon.data.network`, :func:`hashcarbon.data.hardware`,
:func:`hashcarbon.data.china_grid_factors`); nothing is typed in by hand.

The regressions follow Jiang et al. (2021) [1]_, eqs. (3), (4), (6), which are
log-linear in the investment intensity :math:`I = \alpha_1 t` and so log-linear
in time: only the products :math:`\alpha_1\alpha_2` and :math:`\alpha_1\alpha_4`
are identified by data (``docs/bbce.md`` §2).  The paper's regression
coefficients (Supplementary Information) were not available; these are our own
OLS fits on public data over a named window.

References
----------
.. [1] Jiang S. et al., "Policy assessments for the carbon emission flows and
   sustainability of Bitcoin blockchain operation in China", Nature
   Communications 12, 1938 (2021), doi:10.1038/s41467-021-22256-3.
.. [2] Cambridge Centre for Alternative Finance, "CBECI methodology",
   https://ccaf.io/cbnsi/cbeci/methodology (profitability threshold, equal
   weights of profitable machines, 0.05 USD/kWh).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from hashcarbon.errors import ParameterError

#: First month of the model (Time = 0). [S] Fig. 4 caption of Jiang et al. (2021).
START_MONTH = "2014-01"
#: Number of monthly Euler steps, Jan 2014 -> Jan 2030. [S] Fig. 4 caption.
N_MONTHS = 192

#: Named fit windows (first month, last month), inclusive.  The paper fits on
#: "historical" data up to 2020 (submitted 2020); the exact window is not stated.
FIT_WINDOWS: dict[str, tuple[str, str]] = {
    "2014-2020": ("2014-01", "2020-12"),
    "2016-2020": ("2016-01", "2020-12"),
    "2014-2019": ("2014-01", "2019-12"),
}

#: Efficiency series the energy-per-hash regression (eq. 6) is fitted on.
EFFICIENCY_SERIES = ("frontier", "profitable_mean")

#: Electricity price CBECI uses to decide which machines are profitable. [USD/kWh] ([2])
CBECI_PRICE_USD_PER_KWH = 0.05


def model_months(n_months: int = N_MONTHS) -> pd.DatetimeIndex:
    """First day of each model month, Time = 0 .. n_months (Jan 2014 .. Jan 2030)."""
    return pd.date_range(START_MONTH + "-01", periods=n_months + 1, freq="MS")


def monthly_network() -> pd.DataFrame:
    """Monthly means of the daily network table.

    Returns
    -------
    DataFrame
        Indexed by month start, columns ``hashrate_ehs`` [EH/s], ``btc_usd``
        [USD/BTC], ``fees_btc_per_block`` [BTC/block], ``revenue_usd`` [USD/day],
        ``blocks`` [blocks/day].
    """
    from hashcarbon import data

    net = data.network()
    net = net.assign(date=pd.to_datetime(net["date"])).set_index("date")
    monthly = net[["hashrate_ehs", "btc_usd", "revenue_usd", "blocks", "fees_btc"]].resample("MS")
    out = monthly.mean()
    out["fees_btc_per_block"] = monthly["fees_btc"].sum() / monthly["blocks"].sum()
    return out.drop(columns="fees_btc")


def efficiency_series(kind: str, months: pd.DatetimeIndex, network: pd.DataFrame) -> np.ndarray:
    r"""Energy per hash of the fleet by month, from the hardware catalogue.

    Parameters
    ----------
    kind : {"frontier", "profitable_mean"}
        ``frontier``: the best (lowest) efficiency among machines released by the
        end of the month.  ``profitable_mean``: CBECI-style [2]_ equal-weighted
        mean of the machines released by the end of the month whose efficiency
        is below the profitability threshold
        :math:`\theta = \frac{R / (86400\,H)}{p / 3.6\times10^6}` at
        ``p = 0.05`` USD/kWh (all released machines if none is profitable).
    months : DatetimeIndex
        Month starts.
    network : DataFrame
        Output of :func:`monthly_network` (for the threshold).

    Returns
    -------
    efficiency_j_per_th : ndarray
        [J/TH]
    """
    from hashcarbon import data

    if kind not in EFFICIENCY_SERIES:
        raise ParameterError(
            f"efficiency_series: expected one of {', '.join(EFFICIENCY_SERIES)}, got {kind!r}"
        )
    hw = data.hardware()
    hw = hw[hw["kind"] == "asic"]  # CBECI CPU/GPU/FPGA placeholder rows excluded
    release = pd.to_datetime(hw["release_date"]).to_numpy()
    eff = hw["efficiency_j_per_th"].to_numpy(dtype=float)
    month_end = (months + pd.offsets.MonthEnd(0)).to_numpy()
    released = release[None, :] <= month_end[:, None]  # month x machine
    if kind == "frontier":
        return np.where(released, eff[None, :], np.inf).min(axis=1)
    net = network.reindex(months)
    hashrate_ths = net["hashrate_ehs"].to_numpy() * 1e6
    revenue_usd_per_day = net["revenue_usd"].to_numpy()
    threshold = (revenue_usd_per_day / (86_400.0 * hashrate_ths)) / (
        CBECI_PRICE_USD_PER_KWH / 3.6e6
    )
    profitable = released & (eff[None, :] <= threshold[:, None])
    use = np.where(profitable.any(axis=1)[:, None], profitable, released)
    return (np.where(use, eff[None, :], 0.0).sum(axis=1)) / use.sum(axis=1)


@dataclass(frozen=True)
class Fit:
    """An OLS fit ``ln y = intercept + slope * t`` with t in months since Jan 2014."""

    intercept: float
    slope_per_month: float
    r2: float
    n: int


def ols_log_linear(t_month: np.ndarray, y: np.ndarray) -> Fit:
    """Ordinary least squares of ``ln y`` on ``t`` (numpy ``lstsq``)."""
    t = np.asarray(t_month, dtype=float)
    ly = np.log(np.asarray(y, dtype=float))
    design = np.column_stack([np.ones_like(t), t])
    coef, *_ = np.linalg.lstsq(design, ly, rcond=None)
    resid = ly - design @ coef
    r2 = 1.0 - float(resid @ resid) / float(((ly - ly.mean()) ** 2).sum())
    return Fit(float(coef[0]), float(coef[1]), r2, int(t.size))


@dataclass(frozen=True)
class Inputs:
    """Everything the BBCE equations take from data for one (window, efficiency) choice."""

    fit_window: str
    efficiency_series: str
    hashrate: Fit  # eq. (3): ln H = beta1 + (alpha1 alpha2) t, H in EH/s
    efficiency: Fit  # eq. (6): ln e = beta3 + (alpha1 alpha4) t, e in J/TH
    fees: Fit  # eq. (4) substitute: ln(fees per block) = beta2 + alpha3 t, BTC/block
    btc_usd_history: np.ndarray  # monthly mean price, Time = 0 .. last fit month [USD/BTC]
    btc_usd_observed: np.ndarray  # monthly mean price, Time = 0 .. last data month [USD/BTC]
    ef_hydro_kg_per_kwh: float  # MEE 2021 mean of Sichuan and Yunnan [kg/kWh]
    ef_fossil_kg_per_kwh: float  # MEE 2021 national fossil-fuel electricity [kg/kWh]
    data_versions: str


def prepare(fit_window: str = "2014-2020", efficiency: str = "frontier") -> Inputs:
    """Fit the BBCE regressions on the project's tables.

    Parameters
    ----------
    fit_window : str
        A key of :data:`FIT_WINDOWS`.
    efficiency : str
        One of :data:`EFFICIENCY_SERIES`.

    Returns
    -------
    Inputs
    """
    from hashcarbon import data

    if fit_window not in FIT_WINDOWS:
        raise ParameterError(
            f"fit_window: expected one of {', '.join(FIT_WINDOWS)}, got {fit_window!r}"
        )
    first, last = FIT_WINDOWS[fit_window]
    net = monthly_network()
    months = pd.date_range(first + "-01", last + "-01", freq="MS")
    origin = pd.Timestamp(START_MONTH + "-01")
    t = np.array([(m.year - origin.year) * 12 + (m.month - origin.month) for m in months], float)
    win = net.reindex(months)
    eff = efficiency_series(efficiency, months, net)
    hist_months = pd.date_range(origin, last + "-01", freq="MS")
    obs = net["btc_usd"].dropna()
    obs = obs[obs.index >= origin]
    factors = data.china_grid_factors()
    f2021 = factors[factors["year"] == 2021].set_index("name_en")["intensity_g_per_kwh"]
    ef_hydro = float(f2021.loc[["Sichuan", "Yunnan"]].mean()) / 1000.0
    ef_fossil = float(f2021.loc["China fossil-fuel electricity"]) / 1000.0
    versions = "; ".join(
        f"{name}: {data.sources().get(name, {}).get('version', '?')}"
        for name in ("network_daily", "hardware", "china_grid_factors")
    )
    return Inputs(
        fit_window=fit_window,
        efficiency_series=efficiency,
        hashrate=ols_log_linear(t, win["hashrate_ehs"].to_numpy()),
        efficiency=ols_log_linear(t, eff),
        fees=ols_log_linear(t, win["fees_btc_per_block"].to_numpy()),
        btc_usd_history=net["btc_usd"].reindex(hist_months).to_numpy(dtype=float),
        btc_usd_observed=obs.to_numpy(dtype=float),
        ef_hydro_kg_per_kwh=ef_hydro,
        ef_fossil_kg_per_kwh=ef_fossil,
        data_versions=versions,
    )
