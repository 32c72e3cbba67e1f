"""Figures of docs/uncertainty.md: priors tables, Sobol indices with an N-doubling check,
and the joint-uncertainty comparison of scenarios.

Run::

    python tools/uncertainty_docs.py bbce  [--n 1024] [--runs 1024]  > /tmp/bbce.md
    python tools/uncertainty_docs.py world [--n 1024] [--runs 1000] [--workers N] > /tmp/world.md
    python tools/uncertainty_docs.py profile > /tmp/profile.md   # the world hindcast profile

Each Sobol table is computed at ``n`` and ``2 n`` base samples (Saltelli scheme, first and
total order, 95 % bootstrap intervals); the check reports the largest change of any index.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np
import pandas as pd

from hashcarbon import uncertainty as unc
from hashcarbon.models.world.calibration import FITTED
from hashcarbon.report.sections import BBCE_SCENARIOS, DRIVER_PAIRS, JOINT_SCENARIOS

TARGETS = {
    "bbce": [
        ("bbce-bm", None, "emissions_mt"),
        ("bbce-ct", "bbce-bm", "emissions_mt"),
        ("bbce-ma", "bbce-bm", "emissions_mt"),
        ("bbce-sr", "bbce-bm", "emissions_mt"),
    ],
    # the differences whose drivers the report shows (section f)
    "world": [(scen, base, "emissions_mt") for scen, base in DRIVER_PAIRS],
}
#: the scenarios of the report's tables (the joint table: all six world scenarios)
SCENARIOS = {"bbce": list(BBCE_SCENARIOS), "world": list(JOINT_SCENARIOS)}


def _md(frame: pd.DataFrame, floatfmt: str = "{:.3f}") -> str:
    cols = list(frame.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for row in frame.itertuples(index=False):
        cells = [floatfmt.format(v) if isinstance(v, float) else str(v) for v in row]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def sobol_section(model: str, n: int, seed: int, executor) -> str:
    out = []
    for scen, base, output in TARGETS[model]:
        t0 = time.perf_counter()
        # world: parameters and structural choices at the median BTC path (a stochastic
        # path adds noise the indices would attribute to the inputs; section 1)
        mode = "parameters" if model == "world" else "all"
        kw = {"baseline": base, "seed": seed, "executor": executor, "uncertainty": mode}
        a = unc.sensitivity(scen, output, n=n, **kw)
        b = unc.sensitivity(scen, output, n=2 * n, **kw)
        secs = time.perf_counter() - t0
        m = a.merge(b, on="input", suffixes=("", "_2n"))
        m["max_change"] = np.maximum(abs(m["S1"] - m["S1_2n"]), abs(m["ST"] - m["ST_2n"]))
        worst = float(m["max_change"].max())
        target = f"{scen} − {base}" if base else scen
        at = a.attrs
        cmd = f"hashcarbon sensitivity {scen}" + (f" --vs {base}" if base else "")
        cmd += f" --output {output} --n {n} --seed {seed}"
        if mode != "all":
            cmd += f" --uncertainty {mode}"
        out.append(
            f"### {output}: {target}\n\n"
            f"`{cmd}` (and `--n {2 * n}`); window {at['window']}; mean "
            f"{at['output_mean']:.2f} {at['unit']}, standard deviation "
            f"{at['output_variance'] ** 0.5:.2f} {at['unit']}; {at['rows_evaluated']} + "
            f"{b.attrs['rows_evaluated']} runs in {secs:.1f} s.\n\n"
            + _md(m[["input", "S1", "S1_conf", "ST", "ST_conf", "S1_2n", "ST_2n", "max_change"]])
            + f"\nLargest change of any index from N = {n} to {2 * n}: **{worst:.3f}** "
            f"({'stable within ±0.05' if worst <= 0.05 else 'NOT stable within ±0.05'}).\n"
        )
    return "\n".join(out)


def compare_section(model: str, runs: int, seed: int, executor) -> str:
    t0 = time.perf_counter()
    ds = unc.run_ensemble(SCENARIOS[model], runs, uncertainty="all", seed=seed, executor=executor)
    secs = time.perf_counter() - t0
    tab = unc.compare_table(ds, "emissions_mt")
    tab = tab[
        [
            "scenario",
            "vs",
            "delta_p5",
            "delta_p50",
            "delta_p95",
            "p_delta_negative",
            "verdict",
            "n_runs",
        ]
    ]
    summ = unc.summary_table(ds)
    summ = summ[summ["period"] == ds.attrs["window"]][
        [
            "scenario",
            "emissions_mt_p5",
            "emissions_mt_p50",
            "emissions_mt_p95",
            "energy_twh_p5",
            "energy_twh_p50",
            "energy_twh_p95",
        ]
    ]
    cmd = f"hashcarbon compare {' '.join(SCENARIOS[model])} --uncertainty all --runs {runs} "
    cmd += f"--seed {seed}"
    hm = ds.attrs.get("history_matching", "")
    return (
        f"`{cmd}` ({secs:.1f} s); cumulative over {ds.attrs['window']}"
        + (f"; history matching: {hm}" if hm else "")
        + ".\n\n"
        + _md(summ, "{:.1f}")
        + "\nDifferences Δ = scenario − vs [Mt CO2], run by run:\n\n"
        + _md(tab, "{:.2f}")
    )


#: the fitted parameters, then the assumptions the hindcast profile bounds
PROFILED = (
    *FITTED,
    "pue",
    "hurdle_margin",
    "expectation_months",
    "delivery_delay_months",
    "presale_months",
    "cn_seasonal_mobility",
    "strand_exit_per_month",
    "relocation_delay_months",
    "underground_delay_months",
    "curtailed_access_share",
    "initial_install_share_per_month",
)


def profile_section(tolerances=(0.1, 0.25, 0.5)) -> str:
    """The world hindcast profile at several tolerances beside the priors used."""
    from hashcarbon.models.world import calibration
    from hashcarbon.models.world.params import DEFAULTS

    t0 = time.perf_counter()
    prof = {
        t: calibration.profile_bounds(PROFILED, tolerance=t).set_index("name") for t in tolerances
    }
    secs = time.perf_counter() - t0
    j0 = float(next(iter(prof.values()))["j_default"].iloc[0])

    def rng(lo, hi, clip_lo, clip_hi):
        a = f"{lo:.3g}" + ("*" if clip_lo else "")
        b = f"{hi:.3g}" + ("*" if clip_hi else "")
        return f"{a} – {b}"

    rows = []
    for name in PROFILED:
        spec = DEFAULTS[name]
        row = {
            "name": f"`{name}`",
            "status": spec.status,
            "default": f"{spec.default:.4g}",
            "valid": f"{spec.min:g} – {spec.max:g}",
        }
        for t, fr in prof.items():
            r = fr.loc[name]
            row[f"J <= {1 + t:g} J0"] = rng(
                r["low"], r["high"], r["low_clipped"], r["high_clipped"]
            )
        row["prior (low – high)"] = f"{spec.distribution} {spec.low:g} – {spec.high:g}"
        rows.append(row)
    return (
        f"`python tools/uncertainty_docs.py profile` ({secs:.0f} s); J0 = {j0:.4f} at the "
        "defaults; * = the range reached the valid bound.\n\n" + _md(pd.DataFrame(rows))
    )


def main(argv=None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    if argv[:1] == ["profile"]:
        sys.stdout.write(profile_section())
        return 0
    ap = argparse.ArgumentParser()
    ap.add_argument("model", choices=("bbce", "world"))
    ap.add_argument("--n", type=int, default=1024)
    ap.add_argument("--runs", type=int, default=1024)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--skip-sobol", action="store_true")
    a = ap.parse_args(argv)
    ad = unc.BBCEAdapter() if a.model == "bbce" else unc.WorldAdapter()
    ex = unc.make_executor(a.workers, None)
    try:
        parts = [f"## Priors ({a.model})\n", unc.priors_markdown(ad.priors())]
        parts += [f"## Joint ensemble ({a.model})\n", compare_section(a.model, a.runs, a.seed, ex)]
        if not a.skip_sobol:
            parts += [f"## Sobol indices ({a.model})\n", sobol_section(a.model, a.n, a.seed, ex)]
    finally:
        ex.close()
    sys.stdout.write("\n".join(parts))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
