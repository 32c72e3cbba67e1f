"""Reproduce one claim's verdict
============================

The report checks public claims against the project's numbers. This example rebuilds one
verdict by hand: the Bitcoin Mining Council's "56 % sustainable in Q2 2021", against the
energy-weighted sustainable share of the project's location x grid estimate for April-June
2021 (CBECI v1 energy, Cambridge mining map, CCAF emission factors).
"""

from hashcarbon import carbon
from hashcarbon.report import claims

monthly = carbon.estimate("cbeci-v1", 0.05, start="2021-04-01", end="2021-06-30", freq="month")
weights = monthly["energy_twh_best"]
share = float((monthly["sustainable_share"] * weights).sum() / weights.sum())
print(monthly[["period", "energy_twh_best", "sustainable_share"]].round(3).to_string(index=False))
print(f"energy-weighted sustainable share, Q2 2021: {share:.1%}")
verdict = claims.value_verdict(share, 0.56, 0.05)
print(f"claim 56 %: {verdict} (rule: within 5 points supported, 10 or more away contradicted)")
