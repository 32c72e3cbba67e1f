"""``hashcarbon data info`` and ``hashcarbon data show TABLE``."""

from __future__ import annotations

import sys

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from hashcarbon import data
from hashcarbon._io import FORMATS, format_frame
from hashcarbon.cli import app
from hashcarbon.errors import InputError

data_app = typer.Typer(
    help="Inspect the curated data tables shipped with hashcarbon.", no_args_is_help=True
)
app.add_typer(data_app, name="data")


def info_frame() -> pd.DataFrame:
    """One row per table: name, file, rows, coverage, origin, version, licence."""
    srcs = data.sources()
    rows = []
    for name in data.table_names():
        spec = data.get_spec(name)
        frame = data.load_table(name)
        src = srcs.get(name, {})
        rows.append(
            {
                "table": name,
                "file": spec.filename,
                "rows": len(frame),
                "coverage": data.coverage(name, frame),
                "description": spec.description,
                "origin": src.get("origin", ""),
                "version": src.get("version", ""),
                "licence": src.get("licence", ""),
                "gaps": src.get("gaps", ""),
            }
        )
    return pd.DataFrame(rows)


@data_app.command("info")
def info(
    fmt: str = typer.Option("table", "--format", help="table, csv or json."),
) -> None:
    """List every table with its rows, coverage and source."""
    if fmt not in FORMATS:
        raise InputError(f"--format: expected one of {', '.join(FORMATS)}, got {fmt!r}")
    frame = info_frame()
    if fmt != "table":
        sys.stdout.write(format_frame(frame, fmt))
        return
    console = Console(width=max(Console().width, 140))
    table = Table(title=f"hashcarbon data tables ({len(frame)})", show_lines=False)
    for col in ("table", "rows", "coverage", "origin", "version"):
        table.add_column(col, overflow="fold", justify="right" if col == "rows" else "left")
    for row in frame.itertuples():
        table.add_row(row.table, f"{row.rows:,}", row.coverage, row.origin, row.version)
    console.print(table)
    console.print(
        "Licences, gap filling and column units: `hashcarbon data info --format json`, docs/data.md."
    )


@data_app.command("show")
def show(
    table: str = typer.Argument(..., help="Table name (see `hashcarbon data info`)."),
    fmt: str = typer.Option("table", "--format", help="table, csv or json."),
) -> None:
    """Print one table."""
    if fmt not in FORMATS:
        raise InputError(f"--format: expected one of {', '.join(FORMATS)}, got {fmt!r}")
    frame = data.load_table(table)
    for col in data.get_spec(table).date_columns:
        frame[col] = frame[col].dt.strftime("%Y-%m-%d")
    sys.stdout.write(format_frame(frame, fmt))
