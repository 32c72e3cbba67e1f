"""``hashcarbon data info``, ``data show TABLE`` and ``data update`` (the only command that uses the network)."""

from __future__ import annotations

import sys
from datetime import date

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from hashcarbon import data
from hashcarbon._io import FORMATS, format_frame
from hashcarbon.cli import app
from hashcarbon.errors import DataError, InputError

data_app = typer.Typer(
    help="Inspect the curated data tables and update them from public sources.",
    no_args_is_help=True,
)
app.add_typer(data_app, name="data")


def info_frame() -> pd.DataFrame:
    """One row per table: name, layer, last date, fetch time, file, rows, coverage, origin, version, licence."""
    srcs = data.sources()
    prov = data.provenance()
    rows = []
    for name in data.table_names():
        spec = data.get_spec(name)
        frame = data.load_table(name)
        src = srcs.get(name, {})
        p = prov.get(name, {})
        rows.append(
            {
                "table": name,
                "layer": p.get("layer", "embedded"),
                "last": "" if p.get("last") is None else str(p.get("last")),
                "fetched_at": p.get("fetched_at") or "",
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
    for col in ("table", "layer", "last", "fetched (UTC)", "rows", "coverage"):
        table.add_column(col, overflow="fold", justify="right" if col == "rows" else "left")
    for row in frame.itertuples():
        table.add_row(row.table, row.layer, row.last, row.fetched_at, f"{row.rows:,}", row.coverage)
    console.print(table)
    console.print(
        f"Data mode: {data.data_mode()} (--data embedded ignores updates); updated layer: {data.user_dir()}"
    )
    console.print(
        "Origins, licences, gap filling and column units: `hashcarbon data info --format json`, docs/data.md."
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


def _parse_since(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"--since: expected a date YYYY-MM-DD, got {value!r}") from None


@data_app.command("update")
def update(
    source: list[str] = typer.Option(
        None,
        "--source",
        help="Source(s) to fetch (repeatable): blockchain_com, mempool, coinmetrics, owid_energy, ember. Default: all.",
    ),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Fetch and check; print what would change; write nothing."
    ),
    since: str = typer.Option(
        None,
        "--since",
        help="First day to fetch (YYYY-MM-DD); default: 14 days before the table's last day.",
    ),
) -> None:
    """Fetch fresh network, price and grid data into your user data folder (never a broken copy).

    Each source is downloaded to a temporary file, checksummed, parsed, validated
    against the table's schema and for continuity, then swapped in atomically;
    on any failure the old data stay.  One line per source.
    """
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from hashcarbon.data import update as upd

    srcs = upd.resolve_sources(source)
    when = _parse_since(since)
    out = Console(highlight=False)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=out,
        transient=True,
    ) as bar:
        task = bar.add_task("data update", total=len(srcs))

        def progress(name: str, outcome) -> None:
            if outcome is None:
                bar.update(task, description=f"fetching {name}")
            else:
                bar.advance(task)
                bar.console.print(outcome.line(), highlight=False, markup=False)

        outcomes = upd.run_update(
            [s.name for s in srcs], since=when, dry_run=dry_run, on_progress=progress
        )
    if dry_run:
        typer.echo("dry run: nothing written")
    failed = [o.source for o in outcomes if o.status == "failed"]
    if failed:
        raise DataError(
            f"data update: {len(failed)} of {len(outcomes)} source(s) failed ({', '.join(failed)}); "
            "their old data were kept"
        )
