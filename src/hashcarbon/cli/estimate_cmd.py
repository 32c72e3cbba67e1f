"""``hashcarbon estimate``: electricity and emissions of Bitcoin mining from the embedded data."""

from __future__ import annotations

import typer

from hashcarbon.cli import app
from hashcarbon.cli._common import check_choice, emit, end_of, parse_date
from hashcarbon.errors import InputError
from hashcarbon.vocabulary import ACCOUNTINGS, CATALOGUES, FACTOR_SETS, FREQS
from hashcarbon.vocabulary import BREAKDOWNS as BYS
from hashcarbon.vocabulary import ESTIMATOR_METHODS as METHODS

FACTORS = FACTOR_SETS

TABLE_COLUMNS = [
    "period",
    "region",
    "hashrate_share",
    "power_gw_best",
    "energy_twh_lower",
    "energy_twh_best",
    "energy_twh_upper",
    "emissions_mt_best",
    "intensity_g_per_kwh",
    "sustainable_share",
    "renewable_share",
]


@app.command("estimate")
def estimate(
    method: str = typer.Option("cbeci-v1", "--method", help="cbeci-v1, cbeci-2023 or economic."),
    price: float = typer.Option(
        0.05, "--price", help="Electricity price [USD/kWh] (CBECI default 0.05)."
    ),
    start: str | None = typer.Option(
        None, "--start", help="First day, YYYY-MM-DD (or YYYY-MM, YYYY)."
    ),
    end: str | None = typer.Option(None, "--end", help="Last day, YYYY-MM-DD (or YYYY-MM, YYYY)."),
    freq: str = typer.Option("year", "--freq", help="day, month or year."),
    factors: str = typer.Option(
        "ccaf", "--factors", help="Emission factors: ccaf (Cambridge 2022) or ipcc."
    ),
    accounting: str = typer.Option(
        "average", "--accounting", help="average (grid factors) or marginal (curtailed hydro ~0)."
    ),
    by: str = typer.Option("none", "--by", help="none, country, or region (China by province)."),
    catalogue: str = typer.Option(
        "full", "--catalogue", help="Hardware list: full or cbeci (Cambridge's 2019 list)."
    ),
    fmt: str = typer.Option("table", "--format", help="table, csv or json."),
    out: str | None = typer.Option(None, "--out", help="Write to this file instead of stdout."),
) -> None:
    """Electricity (lower/best/upper), emissions, intensity and mix of Bitcoin mining."""
    from hashcarbon import pipeline

    check_choice("--method", method, METHODS)
    check_choice("--freq", freq, FREQS)
    check_choice("--factors", factors, FACTORS)
    check_choice("--accounting", accounting, ACCOUNTINGS)
    check_choice("--by", by, BYS)
    check_choice("--catalogue", catalogue, CATALOGUES)
    check_choice("--format", fmt, ("table", "csv", "json"))
    if not price > 0 or price > 10:
        raise InputError(f"--price: expected a price in USD/kWh between 0 and 10, got {price!r}")
    lo, hi = parse_date("--start", start), end_of("--end", end)
    if lo is not None and hi is not None and lo > hi:
        raise InputError(f"--start: {start} is after --end {end}")
    frame = pipeline.estimate(
        method,
        price,
        start=lo,
        end=hi,
        freq=freq,
        factors=factors,
        accounting=accounting,
        by=by,
        catalogue=catalogue,
    )
    emit(frame, fmt, out, TABLE_COLUMNS)
