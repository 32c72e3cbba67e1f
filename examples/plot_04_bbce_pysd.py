"""Export the BBCE model to Vensim and run it in PySD
=================================================

The BBCE model of Jiang et al. (2021, Nat. Commun. 12:1938, doi:10.1038/s41467-021-22256-3)
runs on ``hashcarbon.sd``. ``export-mdl`` writes the same model as a Vensim ``.mdl`` file,
so an independent engine (PySD) can check every number.
"""

import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pysd

from hashcarbon.models import bbce

ours = bbce.run("bbce-bm").isel(run=0)
with tempfile.TemporaryDirectory() as tmp:
    mdl = bbce.write_mdl(Path(tmp) / "bbce.mdl", scenario="bbce-bm")
    theirs = pysd.read_vensim(str(mdl)).run(return_columns=["energy_twh"])

a = ours["energy_twh"].to_numpy()
b = theirs["energy_twh"].to_numpy()
rel = np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-12))
print(f"months: {a.size}; max relative difference hashcarbon.sd vs PySD: {rel:.1e}")
peak = int(np.argmax(a))
print(f"peak month: {str(ours['time'].values[peak])[:7]}, {a[peak]:.2f} TWh (monthly)")

fig, ax = plt.subplots(figsize=(6, 3.5))
t = ours["time"].to_numpy()
ax.plot(t, a, lw=2.5, label="hashcarbon.sd")
ax.plot(t, b, "--", color="k", label="PySD on the exported .mdl")
ax.set_ylabel("China's mining electricity [TWh/month]")
ax.set_title("BBCE benchmark scenario: two engines, one model")
ax.legend()
fig.tight_layout()
fig.savefig("bbce_pysd.png", dpi=110)
