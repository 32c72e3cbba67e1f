"""``hashcarbon simulate`` and ``hashcarbon export-mdl``: run the models."""

from __future__ import annotations

import pandas as pd
import typer

from hashcarbon import dates
from hashcarbon.cli import app
from hashcarbon.cli._common import check_choice, check_out, check_runs
from hashcarbon.cli._format import DEFAULT_COLUMNS, emit, quiet_numpy, runs_note
from hashcarbon.errors import ParameterError

BBCE_TABLE_COLUMNS = [
    "scenario",
    "period",
    "energy_twh",
    "emissions_mt",
    "hashrate_ehs",
    "cumulative_profit_usd",
    "carbon_per_gdp_kg_per_usd",
]


def parse_params(pairs: list[str], parameters, closures) -> tuple[dict[str, float], dict[str, str]]:
    """Split ``NAME=VALUE`` strings into numeric parameters and closure choices.

    Unknown names or bad values raise a one-line :class:`ParameterError` that
    lists the valid names.
    """
    params: dict[str, float] = {}
    chosen: dict[str, str] = {}
    valid = ", ".join([*parameters, *closures])
    for pair in pairs:
        if "=" not in pair:
            raise ParameterError(f"--param: expected NAME=VALUE, got {pair!r}")
        name, value = (s.strip() for s in pair.split("=", 1))
        if name in closures:
            if value not in closures[name]:
                raise ParameterError(
                    f"--param {name}: expected one of {', '.join(closures[name])}, got {value!r}"
                )
            chosen[name] = value
        elif name in parameters:
            try:
                params[name] = float(value)
            except ValueError:
                raise ParameterError(f"--param {name}: expected a number, got {value!r}") from None
        else:
            raise ParameterError(f"--param: unknown name {name!r}; valid names: {valid}")
    return params, chosen


UNC_HELP = (
    "Joint ensemble of --runs runs under common random numbers: price, parameters or all "
    "(priors from the parameter tables; docs/uncertainty.md)."
)
WORKERS_HELP = "Run chunks of runs on a local dask cluster of N workers (127.0.0.1)."
SCHEDULER_HELP = "Run chunks of runs on this dask scheduler, tcp://HOST:PORT."

WORLD_TABLE_COLUMNS = [
    "scenario",
    "period",
    "region",
    "hashrate_ehs",
    "power_gw",
    "energy_twh",
    "emissions_mt",
    "intensity_g_per_kwh",
    "sustainable_share",
    "energy_twh_p5",
    "energy_twh_p95",
    "emissions_mt_p5",
    "emissions_mt_p95",
]


def _write_netcdf(ds, out: str) -> None:
    from hashcarbon._io import write_netcdf

    write_netcdf(ds, out)


def _check_runs(runs: int, seed: int) -> None:
    check_runs(runs, seed)


@app.command("simulate")
def simulate(
    scenario: str = typer.Argument(
        ...,
        help="bbce-bm|bbce-ma|bbce-sr|bbce-ct, a world scenario (no-ban, china-ban-2021, "
        "clean-exemption, site-regulation, market-access, carbon-tax) or FILE.toml.",
    ),
    start: str | None = typer.Option(None, "--start", help="First month (world model), YYYY-MM."),
    end: str | None = typer.Option(None, "--end", help="Last month (world model), YYYY-MM."),
    freq: str = typer.Option("year", "--freq", help="month or year."),
    by: str = typer.Option("none", "--by", help="none or region (world model)."),
    runs: int = typer.Option(1, "--runs", help="Ensemble size (adds _p5/_p50/_p95 columns)."),
    seed: int = typer.Option(
        0, "--seed", help="Random seed; identical seeds give identical results."
    ),
    param: list[str] = typer.Option(
        [], "--param", help="Override a model parameter or closure: NAME=VALUE (repeatable)."
    ),
    fmt: str = typer.Option("table", "--format", help="table, csv or json."),
    out: str | None = typer.Option(
        None, "--out", help="FILE.nc: write the full result as netCDF; other names: the records."
    ),
    columns: int = typer.Option(
        DEFAULT_COLUMNS, "--columns", help="Width of --format table [characters]."
    ),
    uncertainty: str | None = typer.Option(None, "--uncertainty", help=UNC_HELP),
    workers: int | None = typer.Option(None, "--workers", help=WORKERS_HELP),
    scheduler: str | None = typer.Option(None, "--scheduler", help=SCHEDULER_HELP),
) -> None:
    """Run a model scenario and print its records."""
    check_choice("--freq", freq, ("month", "year"))
    check_choice("--format", fmt, ("table", "csv", "json"))
    check_choice("--by", by, ("none", "region"))
    _check_runs(runs, seed)
    check_out(out)
    if uncertainty is not None or workers or scheduler:
        from hashcarbon.cli.sensitivity_cmd import joint_ensemble

        if param:
            raise ParameterError("--param: not combined with --uncertainty (priors vary inputs)")
        ds = joint_ensemble([scenario], runs, uncertainty or "price", seed, workers, scheduler, out)
        if ds is not None:
            from hashcarbon.uncertainty import summary_table

            emit(summary_table(ds), fmt, out, None, columns)
        return
    nc = out is not None and out.endswith(".nc")
    if scenario.startswith("bbce-"):
        from hashcarbon.models import bbce

        check_choice("SCENARIO", scenario, tuple(bbce.SCENARIOS))
        params, closures = parse_params(param, bbce.PARAMETERS, bbce.CLOSURES)
        ds = bbce.run(
            scenario, params=params or None, closures=closures or None, n_runs=runs, seed=seed
        )
        if nc:
            _write_netcdf(ds, out)
            return
        frame = pd.DataFrame(bbce.to_records(ds, freq))
        if runs == 1:
            frame = frame.drop(columns=["run"], errors="ignore")
        emit(frame, fmt, out, BBCE_TABLE_COLUMNS, columns)
        return
    from hashcarbon.models import world

    params, _ = parse_params(param, world.DEFAULTS, {})
    lo = None if start is None else dates.first_month(start, "--start")
    hi = None if end is None else dates.last_month(end, "--end")
    dates.check_order(lo, hi, "--start", "--end")
    ds = world.run(scenario, start=lo, end=hi, n_runs=runs, seed=seed, parameters=params or None)
    if nc:
        _write_netcdf(ds, out)
        return
    with quiet_numpy():
        frame = world.to_records(ds, freq=freq, by=by)
    emit(frame, fmt, out, WORLD_TABLE_COLUMNS, columns)


@app.command("compare")
def compare(
    scenarios: list[str] = typer.Argument(
        ..., help="Two or more world scenarios or TOML files; deltas against the first."
    ),
    start: str = typer.Option("2021", "--start", help="First month or year of the cumulation."),
    end: str = typer.Option("2030", "--end", help="Last month or year of the cumulation."),
    runs: int = typer.Option(1, "--runs", help="Ensemble size (adds P5/P50/P95)."),
    seed: int = typer.Option(0, "--seed", help="Random seed."),
    fmt: str = typer.Option("table", "--format", help="table, csv or json."),
    out: str | None = typer.Option(None, "--out", help="Write to this file instead of stdout."),
    columns: int = typer.Option(
        DEFAULT_COLUMNS, "--columns", help="Width of --format table [characters]."
    ),
    uncertainty: str | None = typer.Option(None, "--uncertainty", help=UNC_HELP),
    workers: int | None = typer.Option(None, "--workers", help=WORKERS_HELP),
    scheduler: str | None = typer.Option(None, "--scheduler", help=SCHEDULER_HELP),
) -> None:
    """Cumulative energy and emissions of world scenarios, and deltas against the first.

    States its run count on stderr, with a warning below a stable ensemble size.
    """
    from hashcarbon.models import world

    check_choice("--format", fmt, ("table", "csv", "json"))
    _check_runs(runs, seed)
    check_out(out)
    if len(scenarios) < 2:
        raise ParameterError("SCENARIOS: expected at least two scenarios to compare")
    dates.check_order(
        dates.first_month(start, "--start"), dates.last_month(end, "--end"), "--start", "--end"
    )
    if uncertainty is not None or workers or scheduler:
        from hashcarbon.cli.sensitivity_cmd import joint_ensemble
        from hashcarbon.uncertainty import compare_table

        ds = joint_ensemble(scenarios, runs, uncertainty or "price", seed, workers, scheduler, out)
        if ds is not None:
            emit(compare_table(ds), fmt, out, None, columns)
        return
    with quiet_numpy():
        frame = world.compare(scenarios, start=start, end=end, n_runs=runs, seed=seed)
    typer.echo(f"{runs} run(s) per scenario, seed {seed}; deltas are taken run by run", err=True)
    note = runs_note(runs, seed)
    if note:
        typer.echo(note, err=True)
    emit(frame, fmt, out, None, columns)


@app.command("export-mdl")
def export_mdl(
    model: str = typer.Argument(..., help="Model to export: bbce."),
    path: str = typer.Argument(..., help="Output .mdl file."),
    scenario: str = typer.Option(
        "bbce-bm", "--scenario", help="Scenario whose levers are written."
    ),
) -> None:
    """Export a model to a Vensim .mdl file (runs in PySD and pysimlin)."""
    check_choice("MODEL", model, ("bbce",))
    check_out(path, "PATH")
    from hashcarbon.models import bbce

    check_choice("--scenario", scenario, tuple(bbce.SCENARIOS))
    written = bbce.write_mdl(path, scenario=scenario)
    typer.echo(f"wrote {written}")
