"""Estimate the 2021 footprint at another electricity price
========================================================

Cambridge's CBECI assumes miners pay 0.05 USD/kWh. Here we ask what the 2021 electricity use
and emissions would be if they paid 0.03 or 0.07 USD/kWh instead: a lower price keeps older,
less efficient machines profitable, so the best guess rises.

Method: CBECI v1 rules (``hashcarbon.energy``), Cambridge's location x grid accounting with CCAF
emission factors (``hashcarbon.carbon``). Data: the package's curated tables.
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from hashcarbon import carbon

rows = []
for price in (0.03, 0.05, 0.07):
    df = carbon.estimate("cbeci-v1", price, start="2021-01-01", end="2021-12-31", freq="year")
    r = df.iloc[0]
    rows.append((price, r["energy_twh_best"], r["emissions_mt_best"], r["intensity_g_per_kwh"]))
    print(
        f"price {price:.2f} USD/kWh: {r['energy_twh_best']:6.1f} TWh "
        f"({r['energy_twh_lower']:.1f}-{r['energy_twh_upper']:.1f}), "
        f"{r['emissions_mt_best']:5.1f} Mt CO2e at {r['intensity_g_per_kwh']:.0f} g/kWh"
    )

fig, ax = plt.subplots(figsize=(6, 3.5))
prices = [r[0] for r in rows]
ax.bar([f"{p:.2f}" for p in prices], [r[2] for r in rows], color="#7a5c3a")
ax.set_xlabel("electricity price [USD/kWh]")
ax.set_ylabel("2021 emissions, best guess [Mt CO2e]")
ax.set_title("Bitcoin mining 2021: emissions by assumed electricity price")
fig.tight_layout()
fig.savefig("footprint_2021_by_price.png", dpi=110)
