"""Read a netCDF ensemble with xarray
=================================

``hashcarbon simulate SCENARIO --runs N --out FILE.nc`` (or ``world.run`` in Python) gives an
:class:`xarray.Dataset` with dims ``time x region x run``, units in each variable's attributes
and provenance (package version, scenario, seed) in the dataset's attributes. Here we write
one to netCDF, read it back and draw the P5-P95 band of the yearly emissions.
"""

import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import xarray as xr

from hashcarbon.models import world

ds = world.run("clean-exemption", start="2021-01", end="2030-12", n_runs=20, seed=1)
with tempfile.TemporaryDirectory() as tmp:
    path = Path(tmp) / "exemption.nc"
    ds.to_netcdf(path, engine="h5netcdf")
    back = xr.load_dataset(path, engine="h5netcdf")

print("dims:", dict(back.sizes))
print("emissions unit:", back["emissions_mt"].attrs.get("units"))
print("provenance attributes:", ", ".join(sorted(back.attrs)))
print("scenario:", back.attrs["scenario"], "| version:", back.attrs["hashcarbon_version"])

yearly = back["emissions_mt"].sum("region").resample(time="YS").sum()
q = yearly.quantile([0.05, 0.5, 0.95], dim="run")
years = yearly["time"].dt.year.to_numpy()
for y, lo, mid, hi in zip(years, *q.to_numpy(), strict=True):
    print(f"{y}: {mid:6.1f} Mt (P5 {lo:5.1f} - P95 {hi:5.1f})")

fig, ax = plt.subplots(figsize=(6, 3.5))
ax.fill_between(years, q[0], q[2], alpha=0.3, label="P5-P95 of 20 price paths")
ax.plot(years, q[1], lw=2, label="median")
ax.set_ylim(bottom=0)
ax.set_ylabel("emissions [Mt CO2e/yr]")
ax.set_title("Clean-energy exemption scenario, world total")
ax.legend()
fig.tight_layout()
fig.savefig("netcdf_ensemble.png", dpi=110)
