"""Behavioural and technical parameters of the world model, each with its source.

Every parameter has a default, bounds, a unit, a status (``stated`` by the source,
``inferred`` from sourced numbers, ``assumption`` where the sources are silent, or
``fitted`` to 2014-2021 history by :mod:`hashcarbon.models.world.calibration`) and a
source.  A scenario's ``[parameters]`` table overrides any of them by name.

Examples
--------
>>> from hashcarbon.models.world.params import DEFAULTS, resolve
>>> DEFAULTS["pue"].value
1.1
>>> resolve({"pue": 1.05})["pue"]
1.05
"""

from __future__ import annotations

from dataclasses import dataclass

from hashcarbon.errors import ScenarioError

__all__ = ["DEFAULTS", "Param", "check_parameters", "resolve", "table"]


@dataclass(frozen=True)
class Param:
    """One named, swappable parameter."""

    value: float
    lo: float
    hi: float
    unit: str
    status: str
    source: str


#: All parameters of the world model. Fitted values come from
#: ``python -m hashcarbon.models.world.calibration`` (2014-2021 only); see docs/world.md.
DEFAULTS: dict[str, Param] = {
    # --- technical -------------------------------------------------------------------
    "pue": Param(
        1.10,
        1.0,
        1.5,
        "-",
        "stated",
        "CBECI best-guess PUE 1.10 (estimators.md §1.1; https://ccaf.io/cbnsi/cbeci/methodology)",
    ),
    "max_age_months": Param(
        60,
        12,
        120,
        "month",
        "stated",
        "CBECI counts machines for at most 5 years (regional_inputs.md §4.2; "
        "https://github.com/CambridgeAltFin/ccaf_cbeci_api)",
    ),
    "new_eff_window_months": Param(
        12,
        1,
        36,
        "month",
        "assumption",
        "new machines have the equal-weighted mean efficiency of catalogue models released in "
        "the preceding window (CBECI-style equal weighting, estimators.md §1.1); window length "
        "is an assumption",
    ),
    # --- investment ------------------------------------------------------------------
    "invest_rate_per_month": Param(
        0.3858,
        0.0,
        1.0,
        "1/month",
        "fitted",
        "stock adjustment (Sterman 2000, Business Dynamics, ch. 17): orders per month = rate x "
        "(desired capacity - installed - in transit - on order); fitted to monthly hash rate "
        "2014-2021 (calibration.py)",
    ),
    "hurdle_margin": Param(
        0.58,
        0.0,
        0.95,
        "-",
        "inferred",
        "gross margin a new machine must earn over its electricity (+ carbon) cost; desired "
        "capacity = expected revenue / (c_new / (1 - hurdle)). Listed miners 2024: cash cost "
        "47-49.5 kUSD/BTC vs 96.1 kUSD with depreciation and stock compensation, so those are "
        "~48 % of full cost (regional_inputs.md §1.1, https://beeeye.xyz/news/detail/12560604311062); "
        "energy > 80 % of operating cost (Cambridge 2025, regional_inputs.md §1.1): electricity "
        "~ 0.52 x 0.8 = 0.42 of full cost, hurdle = 1 - 0.42 = 0.58 (I). Not fitted",
    ),
    "expectation_months": Param(
        3,
        1,
        24,
        "month",
        "assumption",
        "expected revenue = exponential smoothing of past revenue with this time constant",
    ),
    "delivery_delay_months": Param(
        3,
        1,
        12,
        "month",
        "assumption",
        "shortest order-to-delivery time (the backlog is delivered at most at backlog / this "
        "rate); 3 months as in the project's blind probe (task brief); not stated by a source",
    ),
    "supply_adjust_months": Param(
        5.8258,
        1.0,
        60.0,
        "month",
        "fitted",
        "installation capacity (ASIC supply and sites, GW of machines per month; relocated "
        "machines use it too) adjusts toward the backlog's delivery rate with this time "
        "constant (capacity acquisition, Sterman 2000 ch. 17). Evidence that supply bound in "
        "2021: TSMC throttled mining-chip output after Bitmain cut orders in the 2018-19 bear "
        "market (https://btctimes.com/tsmc-limits-mining-silicon-supply), Bitmain sold out "
        "until Aug 2021 (Reuters via https://fastcrypto.trade/bitcoin-miners-facing-chip-"
        "shortage-amid-skyrocketing-demand), ASIC price 119.25 USD/TH in May 2021 "
        "(regional_inputs.md §4.1); 'lack of space' after the ban (regional_inputs.md §5). "
        "Fitted to 2014-2021",
    ),
    "supply_growth_max_per_month": Param(
        0.2352,
        0.0,
        0.5,
        "1/month",
        "fitted",
        "largest monthly growth of the installation capacity (same sources as "
        "supply_adjust_months); no source states the value. Fitted to 2014-2021",
    ),
    "shortage_growth_max_per_month": Param(
        0.0986,
        0.0,
        0.5,
        "1/month",
        "fitted",
        "growth limit of the installation capacity during the 2021-22 chip shortage "
        "(model.CHIP_SHORTAGE: Jan 2021 - Dec 2022; TSMC throttled mining-chip supply, "
        "https://btctimes.com/tsmc-limits-mining-silicon-supply). Fitted on 2021 only (in "
        "sample); 2022 is out of sample",
    ),
    "presale_months": Param(
        7.0,
        1.0,
        24.0,
        "month",
        "inferred",
        "order book limit: manufacturers pre-sell at most this many months of capacity. In "
        "Jan 2021 Bitmain was sold out until Aug 2021 and Nov-2020 pre-orders shipped in May "
        "2021 (Reuters via https://fastcrypto.trade/bitcoin-miners-facing-chip-shortage-amid-"
        "skyrocketing-demand ; https://btctimes.com/tsmc-limits-mining-silicon-supply): ~7 "
        "months (I). Orders may also be cancelled (negative orders, same adjustment rate)",
    ),
    # --- siting ----------------------------------------------------------------------
    "alloc_cost_sensitivity": Param(
        28.3717,
        0.0,
        50.0,
        "-",
        "fitted",
        "logit weight of new and relocated capacity on relative electricity+carbon cost "
        "exp(-beta (c_r - c_min) / c_min) x saturating headroom; fitted to the Cambridge map "
        "Sep 2019 - Apr 2021 (calibration.py)",
    ),
    "cn_seasonal_mobility": Param(
        0.5,
        0.0,
        1.0,
        "1/month",
        "assumption",
        "share of the gap to the seasonal cap moved between Chinese provinces each month; "
        "Cambridge: Sichuan 14.9 % -> 61.1 % of China's hash rate within the 2020 wet season "
        "(estimators.md §2.3)",
    ),
    "strand_exit_per_month": Param(
        0.5,
        0.0,
        1.0,
        "1/month",
        "assumption",
        "rate at which capacity stranded by a falling (non-policy) regional cap leaves for "
        "another region",
    ),
    "relocation_delay_months": Param(
        4.0,
        0.5,
        24.0,
        "month",
        "inferred",
        "mean of the first-order shipping delay (before installation capacity limits): "
        ">2 million machines moved and ~700,000 still in warehouses in Nov 2021, 5 months after "
        "the shutdowns (regional_inputs.md §5): exp(-5/tau) = 0.7/2.7 -> tau ~ 3.7 months (I); "
        "fastest case 1-2 weeks (BIT Mining to Kazakhstan)",
    ),
    "underground_delay_months": Param(
        3,
        1,
        24,
        "month",
        "inferred",
        "fixed delay before displaced machines re-enter China underground: the map shows China "
        "at 0 % in Jul-Aug 2021 and 22.3 % in Sep 2021, ~3 months after the June shutdowns "
        "(china_policy.md §2.1, https://trtworld.com/magazine/"
        "china-remerges-as-major-bitcoin-mining-hub-despite-ban-57241)",
    ),
    "underground_access": Param(
        0.296,
        0.0,
        1.0,
        "-",
        "fitted",
        "weight of China's underground region in the siting of new capacity after a ban, "
        "relative to a legal region of equal cost and headroom; fitted with the others (its "
        "only in-sample information is the Sep-Dec 2021 map)",
    ),
    "scrap_idle_per_month": Param(
        0.10,
        0.0,
        1.0,
        "1/month",
        "assumption",
        "share of unprofitable (idle) capacity scrapped per month ('retirement by lasting "
        "unprofitability')",
    ),
    "curtailed_access_share": Param(
        0.55,
        0.0,
        1.0,
        "-",
        "inferred",
        "share of the curtailed hydro (curtailed.csv) that miners can reach. Cambridge's 2020 "
        "wet-season peak: Sichuan 61.1 % of China's hash rate (estimators.md §2.3) x China "
        "~67 % x ~125 EH/s x ~55 J/TH x PUE 1.1 ~ 3.1 GW, of which 0.5 GW is the dry-season "
        "base; Sichuan's 2020 spill of 20.2 TWh over May-Oct is 4.6 GW: (3.1 - 0.5) / 4.6 ~ "
        "0.55 (I)",
    ),
    # --- accounting ------------------------------------------------------------------
    "exempt_intensity_g_per_kwh": Param(
        21.0,
        0.0,
        1000.0,
        "gCO2e/kWh",
        "stated",
        "hydro lifecycle factor used by CCAF's GHG index (estimators.md §2.4); marginal "
        "spilled hydro is ~0 (china_policy.md §3.4) - set 0 for marginal accounting",
    ),
    # --- cap switches (sensitivity) --------------------------------------------------
    "use_measured_caps": Param(
        1,
        0,
        1,
        "-",
        "assumption",
        "1: apply capacity caps of kind 'measured_load' (which partly contain the answer); "
        "0: treat those regions as uncapped",
    ),
    "use_resource_caps": Param(
        1,
        0,
        1,
        "-",
        "assumption",
        "1: apply caps of kind 'resource' (curtailed hydro, dry-season limits)",
    ),
    "use_policy_caps": Param(
        1,
        0,
        1,
        "-",
        "assumption",
        "1: apply caps of kind 'policy' (stated allocations such as Hydro-Québec's 668 MW)",
    ),
}

_INTEGER = {
    "max_age_months",
    "new_eff_window_months",
    "delivery_delay_months",
    "underground_delay_months",
}


def check_parameters(overrides: dict[str, float]) -> None:
    """Raise ScenarioError (``NAME: ...``) for an unknown name or an out-of-range value."""
    for name, value in overrides.items():
        if name not in DEFAULTS:
            raise ScenarioError(
                f"{name}: unknown parameter (expected one of {', '.join(sorted(DEFAULTS))})"
            )
        p = DEFAULTS[name]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ScenarioError(f"{name}: expected a number, got {value!r}")
        if not (p.lo <= float(value) <= p.hi):
            raise ScenarioError(
                f"{name}: expected a value in [{p.lo}, {p.hi}] {p.unit}, got {value}"
            )
        if name in _INTEGER and float(value) != int(value):
            raise ScenarioError(f"{name}: expected a whole number of months, got {value}")


def resolve(overrides: dict[str, float] | None = None) -> dict[str, float]:
    """Defaults updated with ``overrides`` (validated)."""
    overrides = dict(overrides or {})
    check_parameters(overrides)
    out = {k: float(p.value) for k, p in DEFAULTS.items()}
    out.update({k: float(v) for k, v in overrides.items()})
    return out


def table() -> list[dict[str, object]]:
    """The parameter table as records (name, value, bounds, unit, status, source)."""
    return [
        {
            "name": k,
            "value": p.value,
            "lo": p.lo,
            "hi": p.hi,
            "unit": p.unit,
            "status": p.status,
            "source": p.source,
        }
        for k, p in DEFAULTS.items()
    ]
