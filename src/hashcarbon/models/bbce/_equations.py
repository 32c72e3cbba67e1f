r"""The BBCE equations as :mod:`hashcarbon.sd` expressions, one closure set at a time.

Status tags used below: **[S]** stated in Jiang et al. (2021) [1]_ (Methods,
eqs. 1-11, Table 1, Fig. 4 caption, as recovered in ``docs/bbce.md``);
**[I]** an assumption of this re-implementation where the paper is silent.
Every [I] is either a parameter in :data:`hashcarbon.models.bbce.PARAMETERS`
or a closure option in :data:`hashcarbon.models.bbce.CLOSURES`.

Time is in months since January 2014 (``Time = 0``), Euler with ``dt = 1``
month, final time 192 (January 2030) [S: Fig. 4 caption].

References
----------
.. [1] Jiang S. et al., Nature Communications 12, 1938 (2021),
   doi:10.1038/s41467-021-22256-3.
"""

from __future__ import annotations

from hashcarbon import units
from hashcarbon.sd import functions as f
from hashcarbon.sd.expr import Ref
from hashcarbon.sd.model import Model

#: Hours in an average month (8766 h / 12). [h/month]
HOURS_PER_MONTH = units.HOURS_PER_YEAR / 12.0
#: Blocks in an average month at the 600 s target (6 per hour). [blocks/month]
BLOCKS_PER_MONTH = HOURS_PER_MONTH * 3600.0 / units.BLOCK_INTERVAL_S


class _Writer:
    """Adds definitions to a :class:`hashcarbon.Model` with one call shape."""

    def __init__(self, model: Model) -> None:
        self.model = model

    def add(self, kind: str, name: str, value, units: str, doc: str = "") -> Ref:
        m = self.model
        if kind == "constant":
            return m.constant(name, value, units=units, doc=doc)
        if kind in ("aux", "flow"):
            return getattr(m, kind)(name, value, units=units, doc=doc)
        if kind == "lookup":
            x, y = value
            return m.lookup(name, x, y, units=units, x_units="Month", doc=doc)
        initial, inflows, outflows, net_flow = value
        return m.stock(
            name,
            initial,
            inflows=inflows,
            outflows=outflows,
            net_flow=net_flow,
            units=units,
            doc=doc,
        )


def build(
    model: Model,
    params: dict[str, float],
    closures: dict[str, str],
    btc_history_usd: list[float],
    halving_months: list[int],
) -> Model:
    """Write the BBCE equations for one closure set into ``model``.

    Parameters
    ----------
    params : dict
        Parameter name -> default value (the constants of the model; a run may
        override them per run).
    closures : dict
        Closure option name -> choice (see ``CLOSURES``).
    btc_history_usd : list of float
        Monthly mean BTC price from Time 0 to the last month of the fit window,
        used as a lookup on Time. [USD/BTC]
    halving_months : list of int
        Model month from which each halving's lower subsidy applies.

    Returns
    -------
    hashcarbon.Model
        ``model``, filled.
    """
    s = _Writer(model)
    p = {
        name: s.add("constant", name, float(value), unit, "")
        for name, (value, unit) in ((n, (v, _UNITS.get(n, "dmnl"))) for n, v in params.items())
    }
    t = f.TIME

    # (1) [S] investment intensity grows linearly with time.
    inv = s.add(
        "flow",
        "investment_intensity_usd",
        p["alpha1_usd_per_month2"] * t,
        "USD/Month",
        "(1) [S] I = alpha1 * Time (Jiang et al. 2021, Methods eq. 1).",
    )
    # Recovered coefficients: only alpha1*alpha2 and alpha1*alpha4 are identified.
    alpha2 = s.add(
        "aux",
        "alpha2_per_usd",
        p["hashrate_log_slope_per_month"] / p["alpha1_usd_per_month2"],
        "1/(USD/Month)",
        "[I] alpha2 = fitted slope of ln(hash rate) on Time / alpha1.",
    )
    alpha4 = s.add(
        "aux",
        "alpha4_per_usd",
        p["efficiency_log_slope_per_month"] / p["alpha1_usd_per_month2"],
        "1/(USD/Month)",
        "[I] alpha4 = fitted slope of ln(efficiency) on Time / alpha1.",
    )
    # (3) [S] hash rate, log-linear in investment.
    hashrate = s.add(
        "aux",
        "hashrate_ehs",
        f.exp(p["hashrate_log_intercept"] + alpha2 * inv),
        "EH/s",
        "(3) [S] H = exp(beta1 + alpha2 * I).",
    )
    # (4) [S] form; [I] block size replaced by fees per block (its economic role).
    fees = s.add(
        "aux",
        "fees_btc_per_block",
        f.exp(p["fee_log_intercept"] + p["fee_log_slope_per_month"] * t),
        "BTC/block",
        "(4) [S] form B = exp(beta2 + alpha3 * Time); [I] fitted on fees per block.",
    )
    # (2) [S] cumulative profits: inflow profit rate, outflow investment intensity.
    cum_profit = Ref("cumulative_profit_usd")
    # (5) [S] share of Chinese miners; the time unit of Time is a closure.
    s0, d = p["china_share_initial"], p["china_share_decline_per_time"]
    loss = cum_profit < 0
    rule = closures["share_time_unit"]
    if rule == "month":
        declined = f.maximum(0, s0 - d * t)
    elif rule == "year":
        declined = f.maximum(0, s0 - d * t / 12.0)
    else:  # months_since_loss
        months_in_loss = Ref("months_in_loss")
        declined = f.maximum(0, s0 - d * (months_in_loss + 1))
    share = s.add(
        "aux",
        "china_share",
        f.if_then_else(loss, declined, s0),
        "dmnl",
        "(5) [S] IF cumulative profit < 0 THEN 0.7 - 0.01 Time ELSE 0.7; "
        f"[I] Time read in '{rule}', clipped at 0.",
    )
    # (6) [S] energy per hash, market access multiplies the investment term.
    ma = p["market_access_share"]
    placement = closures["ma_placement"]
    if placement == "exponent":
        eff = f.exp(p["efficiency_log_intercept"] + alpha4 * inv * ma)
    elif placement == "exponent_inverse":
        eff = f.exp(p["efficiency_log_intercept"] + alpha4 * inv / ma)
    else:  # level
        eff = f.exp(p["efficiency_log_intercept"] + alpha4 * inv) * ma
    eff = s.add(
        "aux",
        "efficiency_j_per_th",
        eff,
        "J/TH",
        f"(6) [S] e = exp(beta3 + alpha4 * I * MA); [I] MA placement '{placement}'.",
    )
    # (7) [S] mining power; EH/s x J/TH = 1e6 W = 1e-3 GW.
    power = s.add("aux", "network_power_gw", hashrate * eff * 1e-3, "GW", "(7) [S] P = H * e.")
    # (8) [S] energy with PUE; [I] monthly energy over an average month.
    net_energy = s.add(
        "aux",
        "network_energy_twh",
        power * p["pue"] * (HOURS_PER_MONTH / 1000.0),
        "TWh/Month",
        "(8) [S] E = P * PUE; [I] x 730.5 h per month.",
    )
    energy = s.add(
        "aux",
        "energy_twh",
        net_energy * share,
        "TWh/Month",
        "[I] China's energy = network energy x china_share.",
    )
    # (9) [S] carbon flow from coal- and hydro-based regions; [I] linear split with EFs.
    site = p["coal_site_share"]
    carbon = s.add(
        "flow",
        "carbon_flow_mt",
        energy * (site * p["ef_coal_kg_per_kwh"] + (1 - site) * p["ef_hydro_kg_per_kwh"]),
        "Mt/Month",
        "(9) [S] coal- plus hydro-based flows; [I] c = E_CN (site EF_coal + (1-site) EF_hydro), "
        "TWh x kg/kWh = Mt.",
    )
    # [I] revenue: halvings, BTC price path, fees from eq. (4).
    subsidy = 25.0
    drop = 12.5
    for month in halving_months:
        subsidy = subsidy - f.step(drop, month)
        drop /= 2.0
    subsidy = s.add(
        "aux",
        "subsidy_btc_per_block",
        subsidy,
        "BTC/block",
        "[I] protocol subsidy 25 BTC halving at the given months (hashcarbon.chain).",
    )
    last = len(btc_history_usd) - 1
    s.add(
        "lookup",
        "btc_usd_history",
        (list(range(len(btc_history_usd))), [float(v) for v in btc_history_usd]),
        "USD/BTC",
        "Monthly mean BTC price over the fit window (network_daily table).",
    )
    price = s.add(
        "aux",
        "btc_usd",
        f.if_then_else(t > last, p["btc_usd_after_data"], Ref("btc_usd_history")(t)),
        "USD/BTC",
        "[I] observed monthly mean until the end of the fit window, then btc_usd_after_data.",
    )
    revenue = s.add(
        "aux",
        "revenue_usd",
        share * BLOCKS_PER_MONTH * (subsidy + fees) * price,
        "USD/Month",
        "[I] China's miners' revenue = share x blocks x (subsidy + fees) x price.",
    )
    # (10) [S] carbon per GDP; [I] GDP = Chinese miners' revenue.
    cpg = s.add(
        "aux",
        "carbon_per_gdp_kg_per_usd",
        f.if_then_else(revenue > 0, carbon * 1e9 / f.maximum(revenue, 1e-9), 0),
        "kg/USD",
        "(10) [S] carbon emission / GDP; [I] GDP = revenue_usd, monthly flows.",
    )
    # (11) [S] carbon tax; [I] unit USD per kg CO2.
    tax = s.add(
        "aux",
        "carbon_tax_usd_per_kg",
        p["carbon_tax_base_usd_per_kg"]
        * f.if_then_else(cpg > p["carbon_tax_threshold_kg_per_usd"], p["carbon_tax_multiplier"], 1),
        "USD/kg",
        "(11) [S] 0.01 x IF CE/GDP > 2 THEN 2 ELSE 1; Table 1 multiplier 2 (BM) or 4 (CT).",
    )
    ecost = s.add(
        "aux",
        "energy_cost_usd",
        energy * 1e9 * p["price_usd_per_kwh"],
        "USD/Month",
        "[I] energy cost = E_CN x electricity price.",
    )
    ccost = s.add(
        "aux",
        "carbon_cost_usd",
        carbon * 1e9 * tax,
        "USD/Month",
        "[I] carbon cost = carbon flow x carbon tax.",
    )
    costs = closures["profit_costs"]
    profit = revenue
    if costs in ("energy+carbon", "energy"):
        profit = profit - ecost
    if costs in ("energy+carbon", "carbon"):
        profit = profit - ccost
    s.add(
        "flow",
        "profit_rate_usd",
        profit,
        "USD/Month",
        f"[I] profit rate = revenue minus costs '{costs}'.",
    )
    s.add(
        "aux",
        "difficulty",
        hashrate * (1e18 * units.BLOCK_INTERVAL_S / units.HASHES_PER_DIFFICULTY),
        "dmnl",
        "[I] D = H x 600 s / 2^32 (protocol identity, panel f).",
    )
    s.add(
        "stock",
        "cumulative_profit_usd",
        (p["initial_profit_usd"], ["profit_rate_usd"], ["investment_intensity_usd"], None),
        "USD",
        "(2) [S] INTEG(profit rate - investment intensity); [I] initial value.",
    )
    s.add(
        "stock",
        "cumulative_emissions_mt",
        (0.0, ["carbon_flow_mt"], (), None),
        "Mt",
        "(9) [S] total carbon emission = INTEG(carbon flow).",
    )
    if rule == "months_since_loss":
        s.add(
            "stock",
            "months_in_loss",
            (0.0, (), (), f.if_then_else(loss, 1, 0)),
            "Month",
            "[I] months so far with cumulative profit < 0 (share rule 'months_since_loss').",
        )
    return model


_UNITS = {
    "alpha1_usd_per_month2": "USD/(Month*Month)",
    "hashrate_log_intercept": "dmnl",
    "hashrate_log_slope_per_month": "1/Month",
    "efficiency_log_intercept": "dmnl",
    "efficiency_log_slope_per_month": "1/Month",
    "fee_log_intercept": "dmnl",
    "fee_log_slope_per_month": "1/Month",
    "china_share_initial": "dmnl",
    "china_share_decline_per_time": "dmnl",
    "market_access_share": "dmnl",
    "coal_site_share": "dmnl",
    "carbon_tax_multiplier": "dmnl",
    "carbon_tax_base_usd_per_kg": "USD/kg",
    "carbon_tax_threshold_kg_per_usd": "kg/USD",
    "pue": "dmnl",
    "price_usd_per_kwh": "USD/kWh",
    "ef_coal_kg_per_kwh": "kg/kWh",
    "ef_hydro_kg_per_kwh": "kg/kWh",
    "btc_usd_after_data": "USD/BTC",
    "initial_profit_usd": "USD",
}
