r"""Location-based carbon accounting: where the hash rate is × what its grid emits.

The functional core here is independent of any data table: it combines

* location shares ``share[t, r]`` of the hash rate (countries and China's
  provinces; :mod:`hashcarbon.geography`),
* generation mixes ``mix[t, r, s]`` of each region's grid by source
  (:mod:`hashcarbon.grid`), and
* an emission-factor set ``factor[s]`` (Cambridge 2022 or IPCC AR5 lifecycle),

into Bitcoin's electricity mix, average intensity, emissions and sustainable
share, following the Cambridge Bitcoin Electricity Consumption Index GHG
methodology [1]_: the monthly Bitcoin coefficient is the share-weighted sum of
regional coefficients, and each regional coefficient is the mix-weighted sum
of per-source factors.

Two accountings are offered:

``average``
    Every kWh counts at its grid's average factor (Cambridge's method).
``marginal``
    Mining that a region's curtailed renewable volume could supply counts at
    ``curtailed_intensity_g_per_kwh`` (default 0): the energy would otherwise
    have been spilled, so the marginal emissions of using it are about zero.
    This is the argument of the clean-energy exemption; Cambridge does not
    make it.  The rest counts at the grid average.  Which volume and which
    months count as curtailed are named inputs, not hidden constants.

References
----------
.. [1] Cambridge Centre for Alternative Finance, "Cambridge Bitcoin Electricity
   Consumption Index: greenhouse-gas emissions methodology" (Sep 2022),
   https://ccaf.io/cbnsi/cbeci/ghg/methodology; code in
   ``CambridgeAltFin/ccaf_cbeci_api`` (``calc_co2_coefficient.py``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from hashcarbon.errors import InputError
from hashcarbon.vocabulary import (
    CURTAILED_SOURCE,
    RENEWABLE_WITH_CURTAILED,
    SUSTAINABLE_WITH_CURTAILED,
)

#: Sources that count as sustainable / renewable here: the grid's plus curtailed hydro
#: (defined in :mod:`hashcarbon.vocabulary`). [-]
SUSTAINABLE_SOURCES: tuple[str, ...] = SUSTAINABLE_WITH_CURTAILED
RENEWABLE_SOURCES: tuple[str, ...] = RENEWABLE_WITH_CURTAILED


def _check_shares(name: str, arr: np.ndarray, axis: int, atol: float = 1e-6) -> None:
    if np.any(arr < -atol):
        raise InputError(f"{name}: shares must be >= 0")
    sums = arr.sum(axis=axis)
    if not np.allclose(sums, 1.0, atol=atol):
        worst = float(np.max(np.abs(sums - 1.0)))
        raise InputError(
            f"{name}: shares must sum to 1 along the last axis (worst deviation {worst:.3g})"
        )


def location_mix(location_share, region_mix) -> np.ndarray:
    r"""Electricity mix of the hash rate: the share-weighted mix of the regions' grids.

    Parameters
    ----------
    location_share : array-like, shape (T, R)
        Share of the hash rate in each region at each time; rows sum to 1. [-]
    region_mix : array-like, shape (T, R, S) or (R, S)
        Share of each source in each region's generation; sums to 1 over S. [-]

    Returns
    -------
    mix : numpy.ndarray, shape (T, S)
        Share of each source in the electricity used for mining. [-]

    Notes
    -----
    :math:`m_{t,s} = \sum_r w_{t,r}\,g_{t,r,s}` (Cambridge GHG methodology [1]_ of
    :mod:`hashcarbon.carbon`).

    Examples
    --------
    >>> location_mix([[0.5, 0.5]], [[1.0, 0.0], [0.2, 0.8]]).round(3).tolist()
    [[0.6, 0.4]]
    """
    w = np.asarray(location_share, dtype=float)
    g = np.asarray(region_mix, dtype=float)
    if w.ndim != 2:
        raise InputError("location_share: expected a (time, region) array")
    if g.ndim == 2:
        g = np.broadcast_to(g, (w.shape[0], *g.shape))
    if g.ndim != 3 or g.shape[:2] != w.shape:
        raise InputError(
            f"region_mix: expected shape (time, region, source) matching {w.shape}, got {g.shape}"
        )
    _check_shares("location_share", w, axis=1)
    _check_shares("region_mix", g, axis=2)
    return np.einsum("tr,trs->ts", w, g)


def intensity_from_mix(mix, factors_g_per_kwh) -> np.ndarray:
    r"""Average carbon intensity of a mix: :math:`\sum_s m_s f_s`.

    Parameters
    ----------
    mix : array-like, shape (..., S)
        Share of each source. [-]
    factors_g_per_kwh : array-like, shape (S,)
        Emission factor of each source. [gCO2e/kWh]

    Returns
    -------
    intensity_g_per_kwh : numpy.ndarray, shape (...)
        [gCO2e/kWh]

    Examples
    --------
    >>> float(intensity_from_mix([0.5, 0.5], [1001.0, 21.0]))
    511.0
    """
    m = np.asarray(mix, dtype=float)
    f = np.asarray(factors_g_per_kwh, dtype=float)
    if m.shape[-1] != f.shape[-1]:
        raise InputError(f"factors_g_per_kwh: expected {m.shape[-1]} sources, got {f.shape[-1]}")
    return m @ f


def emissions_mt(energy_twh, intensity_g_per_kwh) -> np.ndarray:
    r"""Emissions of an amount of electricity at an intensity.

    :math:`E\,[\mathrm{Mt}] = Q\,[\mathrm{TWh}] \times 10^{9}\,\mathrm{kWh/TWh}
    \times I\,[\mathrm{g/kWh}] \times 10^{-12}\,\mathrm{Mt/g} = 10^{-3}\,Q\,I`.

    Parameters
    ----------
    energy_twh : array-like
        Electricity consumed. [TWh]
    intensity_g_per_kwh : array-like
        Carbon intensity. [gCO2e/kWh]

    Returns
    -------
    emissions_mt : numpy.ndarray
        [Mt CO2e]

    Examples
    --------
    >>> float(emissions_mt(100.0, 500.0))
    50.0
    """
    return np.asarray(energy_twh, dtype=float) * np.asarray(intensity_g_per_kwh, dtype=float) * 1e-3


def curtailed_fraction(region_energy_twh, curtailed_twh) -> np.ndarray:
    r"""Fraction of each region's mining energy that curtailed renewables could supply.

    :math:`f_{t,r} = \min\!\left(1, \frac{C_{t,r}}{Q_{t,r}}\right)` with
    :math:`f = 0` where :math:`Q = 0`.

    Parameters
    ----------
    region_energy_twh : array-like, shape (T, R)
        Mining electricity in each region and period. [TWh]
    curtailed_twh : array-like, shape (T, R)
        Curtailed renewable volume available in that region and period. [TWh]

    Returns
    -------
    fraction : numpy.ndarray, shape (T, R)
        [-], in 0-1.

    Examples
    --------
    >>> curtailed_fraction([[2.0, 0.0, 4.0]], [[1.0, 5.0, 8.0]]).tolist()
    [[0.5, 0.0, 1.0]]
    """
    q = np.asarray(region_energy_twh, dtype=float)
    c = np.asarray(curtailed_twh, dtype=float)
    if np.any(q < 0) or np.any(c < 0):
        raise InputError("region_energy_twh, curtailed_twh: must be >= 0")
    # c / q overflows to inf for tiny q; the fraction is clipped to 1 anyway
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        f = np.where(q > 0, c / np.where(q > 0, q, 1.0), 0.0)
    return np.clip(f, 0.0, 1.0)


def with_curtailed_source(
    region_mix, fraction, sources: Sequence[str]
) -> tuple[np.ndarray, list[str]]:
    r"""Re-express regional mixes so that a fraction comes from curtailed hydro.

    The mix of region *r* becomes :math:`(1-f_{t,r})\,g_{t,r,s}` for the grid
    sources plus :math:`f_{t,r}` for the pseudo-source ``curtailed_hydro``.

    Parameters
    ----------
    region_mix : array-like, shape (T, R, S)
        Grid mixes. [-]
    fraction : array-like, shape (T, R)
        Curtailed fraction from :func:`curtailed_fraction`. [-]
    sources : sequence of str
        Names of the S grid sources.

    Returns
    -------
    mix : numpy.ndarray, shape (T, R, S + 1)
        [-]
    sources : list of str
        ``sources`` followed by ``"curtailed_hydro"``.
    """
    g = np.asarray(region_mix, dtype=float)
    f = np.asarray(fraction, dtype=float)[..., None]
    out = np.concatenate([(1.0 - f) * g, f], axis=-1)
    return out, [*sources, CURTAILED_SOURCE]


def sustainable_share(mix, sources: Sequence[str], which: str = "sustainable") -> np.ndarray:
    """Share of ``mix`` from sustainable (or, with ``which="renewable"``, renewable) sources.

    Sustainable follows Cambridge's definition (hydro, nuclear, wind, solar,
    other renewables); renewable excludes nuclear (de Vries et al. 2022,
    doi:10.1016/j.joule.2022.02.005). Curtailed hydro counts as both.

    Parameters
    ----------
    mix : array-like, shape (..., S)
        [-]
    sources : sequence of str
        Names of the S sources.
    which : {"sustainable", "renewable"}

    Returns
    -------
    share : numpy.ndarray, shape (...)
        [-]

    Examples
    --------
    >>> float(sustainable_share([0.5, 0.2, 0.3], ["coal", "nuclear", "hydro"]))
    0.5
    >>> float(sustainable_share([0.5, 0.2, 0.3], ["coal", "nuclear", "hydro"], "renewable"))
    0.3
    """
    if which not in ("sustainable", "renewable"):
        raise InputError(f"which: expected 'sustainable' or 'renewable', got {which!r}")
    keep = SUSTAINABLE_SOURCES if which == "sustainable" else RENEWABLE_SOURCES
    mask = np.array([s in keep for s in sources], dtype=float)
    return np.asarray(mix, dtype=float) @ mask


# ---------------------------------------------------------------------------
# The orchestration on the shipped tables (location x grids x energy) lives in
# :mod:`hashcarbon.pipeline`; these names are kept so that existing code keeps working.
# ---------------------------------------------------------------------------
_MOVED = (
    "BY",
    "CHINA_NATIONAL_MIX_REGIONS",
    "WORLD_MIX_REGIONS",
    "curtailed_volumes_twh",
    "estimate",
    "location_table",
    "monthly_accounting",
    "region_mixes",
)


def __getattr__(name: str):
    """``carbon.estimate`` and friends: see :mod:`hashcarbon.pipeline`, where they live."""
    if name in _MOVED:
        from hashcarbon import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'hashcarbon.carbon' has no attribute {name!r}")
