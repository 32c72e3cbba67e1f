"""``hashcarbon sensitivity``: which uncertain inputs decide an output (SALib)."""

from __future__ import annotations

import numpy as np
import typer

from hashcarbon.cli import app
from hashcarbon.cli._common import check_choice
from hashcarbon.cli._format import emit
from hashcarbon.errors import InputError

SOBOL_COLUMNS = ["input", "S1", "S1_conf", "ST", "ST_conf"]
MORRIS_COLUMNS = ["input", "mu_star", "mu_star_conf", "mu", "sigma"]


def check_ensemble_options(workers: int | None, scheduler: str | None) -> None:
    """One-line errors for ``--workers`` / ``--scheduler`` before any work starts."""
    from hashcarbon.uncertainty import check_scheduler

    if workers is not None and workers < 0:
        raise InputError(f"--workers: expected an integer >= 0, got {workers}")
    if workers and scheduler:
        raise InputError("--workers and --scheduler: give one of them, not both")
    if scheduler is not None:
        check_scheduler(scheduler)


def joint_ensemble(scenarios, runs, uncertainty, seed, workers, scheduler, out):
    """``--uncertainty`` of simulate/compare: the ensemble Dataset, or None once written
    to ``out`` (``.nc`` or ``.json``: the sampled inputs and every run's outputs)."""
    from hashcarbon import uncertainty as unc

    check_choice("--uncertainty", uncertainty, ("price", "parameters", "all"))
    check_ensemble_options(workers, scheduler)
    ad = unc.adapter_for(scenarios[0])
    for s in scenarios:
        if unc.adapter_for(s).model != ad.model:
            raise InputError(f"SCENARIO: {s!r} belongs to another model than {scenarios[0]!r}")
        ad.check_scenario(s)
    ex = unc.make_executor(workers, scheduler)
    try:
        ds = unc.run_ensemble(
            list(scenarios), runs, uncertainty=uncertainty, seed=seed, executor=ex, adapter=ad
        )
    finally:
        ex.close()
    if "history_matching" in ds.attrs:
        kept = int(ds["behavioural"].sum()) if "behavioural" in ds else runs
        # runs needed for ~200 kept runs at this run's kept fraction, in powers of 2
        need = 2 ** int(np.ceil(np.log2(200 * runs / max(kept, 1))))
        rough = (
            f"; fewer than 100 kept runs: P5/P95 are rough ({100 * kept / runs:.0f} % of runs "
            f"are kept; --runs {need:,} keeps about 200)"
            if kept < 100
            else ""
        )
        typer.echo(
            f"history matching: {ds.attrs['history_matching']}; the tables use these runs" + rough,
            err=True,
        )
    if out is not None and out.endswith((".nc", ".json")):
        unc.write_result(ds, out)
        typer.echo(f"wrote {out}")
        return None
    return ds


def bar_chart(frame, path: str) -> None:
    """Horizontal bars of the indices with their 95 % intervals, written atomically."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from hashcarbon._io import atomic_path

    a = frame.attrs
    names = list(frame["input"])[::-1]
    y = range(len(names))
    fig, ax = plt.subplots(figsize=(7.0, 0.45 * len(names) + 1.6))
    if "ST" in frame:
        h = 0.38
        ax.barh(
            [i + h / 2 for i in y],
            frame["ST"][::-1],
            h,
            xerr=frame["ST_conf"][::-1],
            label="total order ST",
            color="#3b6ea8",
        )
        ax.barh(
            [i - h / 2 for i in y],
            frame["S1"][::-1],
            h,
            xerr=frame["S1_conf"][::-1],
            label="first order S1",
            color="#9cc3e6",
        )
        ax.set_xlabel("Sobol index (bars: 95 % bootstrap interval)")
        ax.legend(loc="lower right")
    else:
        ax.barh(list(y), frame["mu_star"][::-1], xerr=frame["mu_star_conf"][::-1], color="#3b6ea8")
        ax.set_xlabel(f"Morris mu* [{a.get('unit', '')}] (bars: 95 % interval)")
    ax.set_yticks(list(y), names)
    target = a.get("output", "")
    if a.get("baseline"):
        target = f"{target}: {a['scenario']} - {a['baseline']}"
    else:
        target = f"{target}: {a.get('scenario', '')}"
    ax.set_title(
        f"{a.get('method', '').title()} sensitivity of {target}\n"
        f"{a.get('model', '')} {a.get('window', '')}, n = {a.get('n', '')}",
        fontsize=10,
    )
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=120)
    plt.close(fig)


@app.command("sensitivity")
def sensitivity(
    scenario: str = typer.Argument(
        ..., help="Scenario (bbce-bm|bbce-ma|bbce-sr|bbce-ct or a world scenario)."
    ),
    vs: str | None = typer.Option(None, "--vs", help="Baseline: analyse SCENARIO - BASELINE."),
    output: str = typer.Option(
        ..., "--output", help="emissions_mt or energy_twh (cumulative over the model's window)."
    ),
    n: int | None = typer.Option(
        None,
        "--n",
        help="Base samples (Sobol: a power of 2, default 1024; Morris trajectories, default 100).",
    ),
    method: str = typer.Option("sobol", "--method", help="sobol or morris."),
    uncertainty: str = typer.Option("all", "--uncertainty", help="price, parameters or all."),
    fmt: str = typer.Option("table", "--format", help="table, csv or json."),
    out: str | None = typer.Option(
        None,
        "--out",
        help="FILE.png: bar chart; FILE.nc: netCDF; other names: the table in --format.",
    ),
    workers: int | None = typer.Option(
        None, "--workers", help="Run chunks on a local dask cluster of N workers (127.0.0.1)."
    ),
    scheduler: str | None = typer.Option(
        None, "--scheduler", help="Run chunks on this dask scheduler, tcp://HOST:PORT."
    ),
    seed: int = typer.Option(0, "--seed", help="Seed of the sampler and the bootstrap."),
) -> None:
    """Sobol (first and total order, 95 % intervals) or Morris indices of one output."""
    from hashcarbon import uncertainty as unc

    check_choice("--method", method, ("sobol", "morris"))
    check_choice("--format", fmt, ("table", "csv", "json"))
    check_choice("--uncertainty", uncertainty, ("price", "parameters", "all"))
    if seed < 0:
        raise InputError(f"--seed: expected an integer >= 0, got {seed}")
    n = n if n is not None else (1024 if method == "sobol" else 100)
    if n < 1:
        raise InputError(f"--n: expected a positive integer, got {n}")
    if method == "sobol" and n & (n - 1):
        raise InputError(f"--n: Sobol (Saltelli) sampling needs a power of 2, got {n}")
    check_ensemble_options(workers, scheduler)
    ad = unc.adapter_for(scenario)
    ad.check_scenario(scenario)
    if vs is not None:
        if unc.adapter_for(vs).model != ad.model:
            raise InputError(f"--vs: {vs!r} belongs to another model than {scenario!r}")
        ad.check_scenario(vs)
    if output not in ad.outputs:
        raise InputError(
            f"--output: unknown output {output!r}; expected one of {', '.join(ad.outputs)}"
        )
    if out is not None and out.endswith(".png") and fmt != "table":
        raise InputError("--format: a .png --out is a chart; leave --format at table")
    ex = unc.make_executor(workers, scheduler)
    try:
        frame = unc.sensitivity(
            scenario,
            output,
            baseline=vs,
            n=n,
            method=method,
            seed=seed,
            uncertainty=uncertainty,
            executor=ex,
            adapter=ad,
        )
    finally:
        ex.close()
    if out is not None and out.endswith(".png"):
        bar_chart(frame, out)
        typer.echo(f"wrote {out}")
        return
    if out is not None and out.endswith(".nc"):
        from hashcarbon._io import atomic_path

        ds = frame.set_index("input").to_xarray()
        ds.attrs.update({k: v for k, v in frame.attrs.items()})
        with atomic_path(out) as tmp:
            ds.to_netcdf(tmp, engine="h5netcdf")
        typer.echo(f"wrote {out}")
        return
    a = frame.attrs
    cols = SOBOL_COLUMNS if method == "sobol" else MORRIS_COLUMNS
    shown = frame[cols].copy()
    if fmt == "table" and out is None:
        target = f"{a['scenario']} - {a['baseline']}" if a["baseline"] else a["scenario"]
        typer.echo(
            f"# {a['method']} sensitivity of {a['output']} [{a['unit']}] over {a['window']}, "
            f"{target}: mean {a['output_mean']:.4g}, variance {a['output_variance']:.4g}; "
            f"n = {a['n']}, {a['rows_evaluated']} runs"
        )
    emit(shown, fmt, out, cols)
