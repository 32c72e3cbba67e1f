"""``hashcarbon simulate`` and ``hashcarbon export-mdl``: run the models."""

from __future__ import annotations

import pandas as pd
import typer

from hashcarbon.cli import app
from hashcarbon.cli._common import check_choice, emit
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


def _simulate_bbce(scenario: str, freq: str, param: list[str]) -> pd.DataFrame:
    from hashcarbon.models import bbce

    check_choice("SCENARIO", scenario, tuple(bbce.SCENARIOS))
    params, closures = parse_params(param, bbce.PARAMETERS, bbce.CLOSURES)
    ds = bbce.run(scenario, params=params or None, closures=closures or None)
    frame = pd.DataFrame(bbce.to_records(ds, freq))
    return frame.drop(columns=["run"], errors="ignore")


@app.command("simulate")
def simulate(
    scenario: str = typer.Argument(
        ..., help="bbce-bm, bbce-ma, bbce-sr, bbce-ct, a world scenario, or FILE.toml."
    ),
    freq: str = typer.Option("year", "--freq", help="month or year."),
    param: list[str] = typer.Option(
        [], "--param", help="Override a model parameter or closure: NAME=VALUE (repeatable)."
    ),
    fmt: str = typer.Option("table", "--format", help="table, csv or json."),
    out: str | None = typer.Option(
        None, "--out", help="Write records to this file instead of stdout."
    ),
) -> None:
    """Run a model scenario and print its records."""
    check_choice("--freq", freq, ("month", "year"))
    check_choice("--format", fmt, ("table", "csv", "json"))
    if scenario.startswith("bbce-"):
        frame = _simulate_bbce(scenario, freq, param)
        emit(frame, fmt, out, BBCE_TABLE_COLUMNS)
        return
    raise ParameterError(
        f"SCENARIO: unknown scenario {scenario!r}; expected one of bbce-bm, bbce-ma, bbce-sr, bbce-ct"
    )


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
    from hashcarbon.models import bbce

    check_choice("--scenario", scenario, tuple(bbce.SCENARIOS))
    written = bbce.write_mdl(path, scenario=scenario)
    typer.echo(f"wrote {written}")
