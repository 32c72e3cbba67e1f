"""Computations behind the dashboard pages, free of Streamlit.

Every function here calls the package's public APIs (``pipeline.estimate``,
``geography.country_province_shares``, ``models.world.run``, ``models.bbce.run``,
``report.claims``) and returns plain pandas / xarray objects, so the pages, the tests
and the benchmarks use the same code.  Streamlit caching is added in
:mod:`hashcarbon.dashboard._cache`.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from hashcarbon.errors import HashcarbonError, ScenarioError

METHODS = ("cbeci-v1", "cbeci-2023", "economic")
FACTOR_SETS = ("ccaf", "ipcc")
ACCOUNTINGS = ("average", "marginal")
#: Uncertainty modes of the policy lab; the page's selector is built from this.
#: ``price``: stochastic BTC price paths after the last data month (the random input of
#: :func:`hashcarbon.models.world.run`; :func:`run_summary`).  ``parameters`` / ``all``:
#: the joint ensemble of :func:`hashcarbon.uncertainty.run_ensemble` (sampled model
#: parameters and structural choices; ``all`` adds the stochastic price path), run on
#: the edited scenario and its baseline under common random numbers (:func:`joint_compare`).
UNCERTAINTY_MODES = ("price", "parameters", "all")
#: Modes that run the joint ensemble of :mod:`hashcarbon.uncertainty`.
JOINT_MODES = ("parameters", "all")
#: Largest run count of a joint mode in the dashboard (each run samples a full parameter
#: set; the CLI ``--uncertainty`` has no such cap).  Assumption: keeps one click under
#: about 1.5 minutes (measured 2026-12-05 on a shared, busy 2-core machine, scenario
#: clean-exemption vs china-ban-2021: 100 runs 40-52 s, 200 runs 80-82 s). [runs]
JOINT_MAX_RUNS = 200
#: Cumulation period of the policy lab's Δ table (as ``world.compare``'s default).
DELTA_START, DELTA_END = 2021, 2030
#: Largest scenario upload accepted. [bytes]
MAX_UPLOAD_BYTES = 1_000_000

#: China's 2021 ban steps (date, label); sources in shared/research/china_policy.md §1.
BAN_DATES = (
    ("2021-03-09", "Inner Mongolia exit order"),
    ("2021-05-21", "State Council FSDC: crack down on mining"),
    ("2021-06-18", "Sichuan clearance notice"),
    ("2021-09-24", "NDRC notice 1283"),
)


def halving_dates() -> list[pd.Timestamp]:
    """Dates of the subsidy halvings (block header times, :data:`hashcarbon.chain.HALVINGS`)."""
    from hashcarbon.chain import HALVINGS

    return [pd.Timestamp(t).normalize() for t in HALVINGS["timestamp_utc"]]


# ---------------------------------------------------------------- today and history
def estimate(method: str, price_usd_per_kwh: float, factors: str, accounting: str) -> pd.DataFrame:
    """Monthly electricity, emissions and intensity (``pipeline.estimate``, from 2014).

    Adds ``annualised_twh_{lower,best,upper}``: the monthly mean power times 8766 h
    [TWh/yr], the annualised figure CBECI plots, and ``partial``: True for a last month
    the data do not cover to its end (its sums are not comparable with full months).
    """
    from hashcarbon import data, pipeline

    frame = pipeline.estimate(
        method=method,
        price_usd_per_kwh=float(price_usd_per_kwh),
        start="2014-01-01",
        freq="month",
        factors=factors,
        accounting=accounting,
    )
    frame = frame.copy()
    frame["month"] = pd.to_datetime(frame["period"].astype(str))
    for b in ("lower", "best", "upper"):
        frame[f"annualised_twh_{b}"] = frame[f"power_gw_{b}"] * 8.766
    last_day = pd.Timestamp(data.network()["date"].max())
    frame["partial"] = (frame["month"] == last_day.to_period("M").to_timestamp()) & (
        not last_day.is_month_end
    )
    return frame


def world_grid(years) -> pd.DataFrame:
    """World grid intensity by year: IEA and CCAF-factor series (the report's function)."""
    from hashcarbon.report.sections import world_grid as _wg

    return _wg(years)


# ---------------------------------------------------------------- where
def shares() -> pd.DataFrame:
    """Monthly hash-rate shares by country and Chinese province, 2014 to the last data month.

    Adds ``flag``: ``observed`` when both the country and (in China) the province
    shares are observed, otherwise the first non-observed of the two methods.
    """
    from hashcarbon import data, geography

    last = pd.Timestamp(data.network()["date"].max()).to_period("M").to_timestamp()
    months = pd.date_range("2014-01-01", last, freq="MS")
    out = geography.country_province_shares(months)
    prov = out["province_method"].fillna("").astype(str)
    out["flag"] = np.where(
        (out["method"] != "observed") | (prov == "") | (prov == "observed"), out["method"], prov
    )
    return out


#: Non-observed flags, most serious first (``geography``'s country ``method`` and
#: ``province_method`` values).
FLAG_ORDER = ("assumed", "interpolated", "carried", "anchor", "exit")


def month_flag(frame: pd.DataFrame) -> str:
    """One flag for a month's shares: ``observed`` only when every row is observed."""
    col = "flag" if "flag" in frame else "method"
    flags = set(frame[col].astype(str))
    for f in FLAG_ORDER:
        if f in flags:
            return f
    return "observed" if flags <= {"observed"} else sorted(flags)[0]


# ---------------------------------------------------------------- policy lab
def builtin_toml(name: str) -> dict[str, Any]:
    """The raw table of a built-in scenario file (its own policies; ``extends`` unresolved)."""
    from hashcarbon.scenario import BUILTIN_DIR, builtin_names

    if name not in builtin_names():
        raise ScenarioError(f"scenario {name!r}: unknown built-in scenario")
    res = resources.files("hashcarbon") / BUILTIN_DIR / f"{name}.toml"
    return tomllib.loads(res.read_text(encoding="utf-8"))


def inherited_policies(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Policies a scenario table inherits through ``scenario.extends`` (read-only in the page)."""
    from hashcarbon.scenario import _merge_extends

    own = data.get("policy", []) or []
    merged = _merge_extends(data, "scenario").get("policy", []) or []
    return list(merged[: len(merged) - len(own)])


def read_upload(name: str, payload: bytes) -> dict[str, Any]:
    """Parse and validate an uploaded scenario file; one-line :class:`ScenarioError` if bad."""
    from hashcarbon.scenario import parse_scenario

    where = name or "upload.toml"
    if len(payload) > MAX_UPLOAD_BYTES:
        raise ScenarioError(f"{where}: file is larger than {MAX_UPLOAD_BYTES // 1000} kB")
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError:
        raise ScenarioError(f"{where}: not UTF-8 text") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{where}: not valid TOML ({' '.join(str(exc).split())})") from None
    parse_scenario(data, where)
    return data


def validate(data: dict[str, Any], where: str = "scenario"):
    """The :class:`~hashcarbon.scenario.Scenario` of a table, validated as the CLI does."""
    from hashcarbon.scenario import parse_scenario

    return parse_scenario(data, where)


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        return repr(float(v))
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    raise ScenarioError(f"cannot write {type(v).__name__} to TOML")


def to_toml(data: dict[str, Any]) -> str:
    """Write a scenario table (tables of scalars/lists and ``[[policy]]``) as TOML text."""
    lines: list[str] = []
    for table in ("scenario", "price", "parameters"):
        body = data.get(table)
        if not body:
            continue
        lines.append(f"[{table}]")
        lines += [f"{k} = {_toml_value(v)}" for k, v in body.items() if v is not None]
        lines.append("")
    for pol in data.get("policy", []) or []:
        lines.append("[[policy]]")
        lines += [f"{k} = {_toml_value(v)}" for k, v in pol.items() if v is not None]
        lines.append("")
    return "\n".join(lines)


def scenario_hash(data: dict[str, Any], n_runs: int, seed: int, mode: str) -> str:
    """Cache key: SHA-256 of the validated scenario, the run count, seed and mode."""
    scen = validate(data)
    text = json.dumps(
        {"s": json.loads(scen.model_dump_json()), "n": n_runs, "seed": seed, "mode": mode},
        sort_keys=True,
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def run_summary(data: dict[str, Any], n_runs: int, seed: int, mode: str = "price") -> xr.Dataset:
    """Run the world model on a scenario table and keep the yearly totals the page needs.

    Returns
    -------
    xarray.Dataset
        Dims ``year x region x run``: ``energy_twh``, ``emissions_mt``,
        ``sustainable_energy_twh`` [TWh, MtCO2e; sums over the year's months]; attrs
        carry the model's provenance plus ``scenario_toml`` and ``uncertainty_mode``.
    """
    from hashcarbon.models import world

    if mode != "price":
        raise ScenarioError(f"uncertainty: expected 'price' here, got {mode!r}")
    scen = validate(data)
    ds = world.run(scen, n_runs=int(n_runs), seed=int(seed))
    keep = ["energy_twh", "emissions_mt", "sustainable_energy_twh"]
    yearly = ds[keep].groupby("time.year").sum("time")
    yearly = yearly.assign_coords(
        region_name=("region", ds["region_name"].values), country=("region", ds["country"].values)
    )
    for k in keep:
        yearly[k].attrs.update(ds[k].attrs)
        yearly[k].attrs["aggregation"] = "sum over the months of the year"
    yearly.attrs.update(ds.attrs)
    yearly.attrs["scenario_toml"] = to_toml(data)
    yearly.attrs["uncertainty_mode"] = mode
    del ds
    return yearly


def check_joint(mode: str, n_runs: int) -> None:
    """One-line :class:`ScenarioError` for a joint mode / run count the lab does not run."""
    if mode not in JOINT_MODES:
        raise ScenarioError(f"uncertainty: expected one of {', '.join(JOINT_MODES)}, got {mode!r}")
    if not 1 <= int(n_runs) <= JOINT_MAX_RUNS:
        raise ScenarioError(
            f"runs: uncertainty {mode!r} takes 1 to {JOINT_MAX_RUNS} runs in the dashboard, "
            f"got {int(n_runs)} (use `hashcarbon compare --uncertainty {mode}` for more)"
        )


def joint_labels(data: dict[str, Any], baseline: str) -> tuple[str, str]:
    """Names of the baseline and the edited scenario in the joint Δ table (distinct)."""
    name = str((data.get("scenario") or {}).get("name", "scenario"))
    return baseline, (name if name != baseline else f"{name} (edited)")


def joint_compare(
    data: dict[str, Any], baseline: str, n_runs: int, seed: int, mode: str
) -> tuple[xr.Dataset, pd.DataFrame]:
    """Joint-uncertainty ensemble of an edited scenario and a built-in baseline, and its Δ.

    Both are written as TOML files in a temporary directory (the edited table through
    :func:`to_toml`, the baseline as its built-in file) and run through
    :func:`hashcarbon.uncertainty.run_ensemble` exactly as ``--uncertainty`` of
    ``hashcarbon compare`` does (``cli.sensitivity_cmd.joint_ensemble``: adapter of
    the first scenario, ``check_scenario`` of each, in-process executor): run ``i`` of
    both uses design row ``i`` and run key ``SeedSequence(seed).spawn(n)[i]`` (common
    random numbers), so Δ is taken run by run.

    Returns
    -------
    (xarray.Dataset, pandas.DataFrame)
        The ensemble (``scenario`` coordinate relabelled with :func:`joint_labels`) and
        :func:`hashcarbon.uncertainty.compare_table` of it: edited − baseline, Δ P5 /
        P50 / P95 [Mt CO2e, TWh; cumulative over the window 2021-01..2030-12],
        ``p_delta_negative`` and ``verdict`` (``not distinguishable`` when P5..P95 of Δ
        contains 0).
    """
    import os
    import tempfile

    from hashcarbon import uncertainty as unc
    from hashcarbon.scenario import BUILTIN_DIR, builtin_names

    check_joint(mode, n_runs)
    if baseline not in builtin_names():
        raise ScenarioError(f"baseline: unknown built-in scenario {baseline!r}")
    validate(data)
    base_text = (resources.files("hashcarbon") / BUILTIN_DIR / f"{baseline}.toml").read_text(
        encoding="utf-8"
    )
    with tempfile.TemporaryDirectory(prefix="hashcarbon-lab-") as tmp:
        paths = [os.path.join(tmp, "baseline.toml"), os.path.join(tmp, "scenario.toml")]
        for path, text in zip(paths, (base_text, to_toml(data)), strict=True):
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(text)
        ad = unc.adapter_for(paths[0])
        for p in paths:
            ad.check_scenario(p)
        ex = unc.make_executor(None, None)
        try:
            ds = unc.run_ensemble(
                paths, int(n_runs), uncertainty=mode, seed=int(seed), executor=ex, adapter=ad
            )
        finally:
            ex.close()
    ds = ds.assign_coords(scenario=list(joint_labels(data, baseline)))
    ds.attrs["scenario_toml"] = to_toml(data)
    return ds, unc.compare_table(ds)


def fan(summary: xr.Dataset, var: str = "emissions_mt") -> pd.DataFrame:
    """World totals of ``var`` by year: P5, P50, P95 over the runs."""
    tot = summary[var].sum("region")
    q = np.percentile(tot.to_numpy(), [5, 50, 95], axis=1)
    return pd.DataFrame(
        {"year": tot["year"].to_numpy(), f"{var}_p5": q[0], f"{var}_p50": q[1], f"{var}_p95": q[2]}
    )


def delta_table(
    summary: xr.Dataset, baseline: xr.Dataset, start: int = DELTA_START, end: int = DELTA_END
) -> pd.DataFrame:
    """Cumulative energy and emissions over ``start``-``end`` and run-by-run Δ vs ``baseline``.

    Runs with the same seed share their BTC price path (common random numbers), so
    Δ is taken run by run, as :func:`hashcarbon.models.world.compare` does; the
    P5/P50/P95 and ``p_delta_below_0`` (share of runs with Δ < 0, where |Δ| under
    1e-9 of the baseline counts as 0) come from those per-run differences.
    """
    rows = []
    for name, ds in (("baseline", baseline), ("scenario", summary)):
        sel = ds.sel(year=slice(start, end))
        rows.append(
            {
                "role": name,
                "scenario": ds.attrs.get("scenario", name),
                "energy": sel["energy_twh"].sum(("year", "region")).to_numpy(),
                "emissions": sel["emissions_mt"].sum(("year", "region")).to_numpy(),
            }
        )
    base, scen = rows
    if base["energy"].shape != scen["energy"].shape:
        raise HashcarbonError("runs: the scenario and its baseline need the same number of runs")
    out = []
    for var, unit in (("energy", "twh"), ("emissions", "mt")):
        d = scen[var] - base[var]
        # floating-point noise (different summation order) is not a change: |Δ| below
        # 1e-9 of the baseline counts as 0 in P(Δ < 0)
        tol = 1e-9 * max(float(np.abs(base[var]).max()), 1.0)
        p5, p50, p95 = np.percentile(d, [5, 50, 95])
        out.append(
            {
                "variable": f"{var}_{unit}",
                "period": f"{start}-{end}",
                "baseline": base["scenario"],
                "scenario": scen["scenario"],
                "baseline_mean": float(base[var].mean()),
                "scenario_mean": float(scen[var].mean()),
                "delta_p5": float(p5),
                "delta_p50": float(p50),
                "delta_p95": float(p95),
                "delta_mean": float(d.mean()),
                "p_delta_below_0": float((d < -tol).mean()),
                "runs": int(d.size),
            }
        )
    return pd.DataFrame(out)


def flows(summary: xr.Dataset, year: int) -> pd.DataFrame:
    """Region -> source -> CO2 links of one year, from the run closest to the median.

    The world model tracks each region's energy, its sustainable part (hydro, wind,
    solar, nuclear; CCAF definition) and its emissions; the source level is therefore
    ``sustainable`` vs ``grid, non-sustainable``, and all CO2 flows from the latter
    (location-based accounting charges zero to sustainable supply).
    """
    if year not in set(summary["year"].to_numpy().tolist()):
        raise HashcarbonError(f"year: expected one of the run's years, got {year}")
    one = summary.sel(year=year)
    tot = one["emissions_mt"].sum("region").to_numpy()
    run = int(np.argmin(np.abs(tot - np.median(tot))))
    r = one.isel(run=run)
    names = r["region_name"].to_numpy()
    energy = r["energy_twh"].to_numpy()
    sust = np.minimum(r["sustainable_energy_twh"].to_numpy(), energy)
    em = r["emissions_mt"].to_numpy()
    rows = []
    for i, name in enumerate(names):
        if energy[i] <= 1e-9:
            continue
        rows.append({"source": str(name), "target": "sustainable", "value": sust[i], "unit": "TWh"})
        rows.append(
            {
                "source": str(name),
                "target": "grid, non-sustainable",
                "value": energy[i] - sust[i],
                "unit": "TWh",
            }
        )
    rows.append(
        {
            "source": "grid, non-sustainable",
            "target": "CO2",
            "value": float(em.sum()),
            "unit": "Mt CO2e",
        }
    )
    frame = pd.DataFrame(rows)
    frame.insert(0, "year", year)
    frame["run"] = run
    return frame[frame["value"] > 1e-9].reset_index(drop=True)


def records(summary: xr.Dataset) -> pd.DataFrame:
    """Yearly world totals of every run, for the CSV download."""
    tot = summary[["energy_twh", "emissions_mt", "sustainable_energy_twh"]].sum("region")
    frame = tot.to_dataframe().reset_index()
    frame.insert(0, "scenario", summary.attrs.get("scenario", ""))
    return frame


def to_netcdf_bytes(summary: xr.Dataset) -> bytes:
    """The summary as netCDF (h5netcdf), attrs made netCDF-safe."""
    import os
    import tempfile

    ds = summary.copy()
    for key, value in list(ds.attrs.items()):
        if not isinstance(value, (str, int, float)):
            ds.attrs[key] = json.dumps(value, default=str)
    for name in ("region_name", "country"):
        if name in ds.coords:
            ds = ds.assign_coords({name: ("region", [str(x) for x in ds[name].to_numpy()])})
    fd, path = tempfile.mkstemp(suffix=".nc")
    os.close(fd)
    try:
        ds.to_netcdf(path, engine="h5netcdf")
        with open(path, "rb") as fh:
            return fh.read()
    finally:
        os.unlink(path)


# ---------------------------------------------------------------- BBCE
def bbce_series(closures: dict[str, str]) -> pd.DataFrame:
    """Annual series of the four BBCE scenarios under ``closures`` (long format)."""
    from hashcarbon.models import bbce

    frames = []
    units: dict[str, str] = {}
    for s in bbce.SCENARIOS:
        ds = bbce.run(s, closures=closures or None)
        units = {v: str(ds[v].attrs.get("units", "")) for v in bbce.FIG4_SERIES if v in ds}
        rec = pd.DataFrame(bbce.to_records(ds, "year"))
        if "carbon_flow_mt" not in rec and "emissions_mt" in rec:
            rec["carbon_flow_mt"] = rec["emissions_mt"]
        rec["scenario"] = s
        frames.append(rec)
    out = pd.concat(frames, ignore_index=True)
    # yearly sums of monthly flows (to_records, calendar_sum)
    units["energy_twh"] = "TWh/yr"
    units["carbon_flow_mt"] = "Mt CO2/yr"
    out.attrs["units"] = units
    return out


def bbce_ranking(closures: dict[str, str]) -> pd.DataFrame:
    """Cumulative emissions Jan 2014 - Dec 2029 of each scenario relative to the benchmark."""
    from hashcarbon.models import bbce

    cum = {}
    for s in bbce.SCENARIOS:
        ds = bbce.run(s, closures=closures or None)
        sel = ds.sel(time=ds["time"] <= np.datetime64("2029-12-31"))
        cum[s] = float(np.asarray(sel["carbon_flow_mt"].sum("time")).ravel()[0])
    pk = {s: bbce.peak(bbce.run(s, closures=closures or None)) for s in bbce.SCENARIOS}
    return pd.DataFrame(
        [
            {
                "scenario": s,
                "cumulative_emissions_mt": cum[s],
                "relative_to_bm": cum[s] / cum["bbce-bm"],
                "peak_year": int(pk[s]["year"][0]),
                "peak_energy_twh": float(pk[s]["energy_twh"][0]),
            }
            for s in bbce.SCENARIOS
        ]
    )


# ---------------------------------------------------------------- claims
#: Page holding the evidence of each claim (by claim id); unknown ids go to "today".
CLAIM_PAGES = {
    "bmc-56-sustainable-q2-2021": "today",
    "intensity-418-vs-grid-463": "today",
    "forecast-2026-200-vs-321": "policy",
    "forecast-2031-zero-vs-220": "policy",
    "carbon-peak-2020": "today",
    "ban-abroad-or-underground": "where",
    "clean-mining-absorbs-curtailed-hydro": "policy",
    "bbce-peak-2024": "bbce",
    "cambridge-2025-survey": "today",
    "bmc-later-sustainable": "today",
}


def claims_table(runs: int = 20, seed: int = 0) -> pd.DataFrame:
    """The report's claims table (:mod:`hashcarbon.report.claims`) with an evidence page per row."""
    from hashcarbon.report import claims as cm

    frame = cm.claims_frame(cm.evaluate(cm.project_numbers(runs=runs, seed=seed)))
    frame["page"] = [CLAIM_PAGES.get(i, "today") for i in frame["id"]]
    return frame
