"""Command-line interface: ``hashcarbon COMMAND ...``.

Each command lives in its own module and registers itself on :data:`app`.
User-fixable errors (:class:`hashcarbon.errors.HashcarbonError`) become one
line on stderr and exit code 2; anything else is a bug and shows a traceback.
"""

from __future__ import annotations

import sys

import typer

from hashcarbon import __version__
from hashcarbon.errors import HashcarbonError

app = typer.Typer(
    name="hashcarbon",
    help="Electricity use, energy sources and carbon emissions of Bitcoin mining, and the policies that regulate it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"hashcarbon {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Electricity use, energy sources and carbon emissions of Bitcoin mining."""


def _register() -> None:
    # Import for their side effect of registering commands on ``app``.
    import hashcarbon.cli.sensitivity_cmd  # noqa: F401
    from hashcarbon.cli import data_cmd, estimate_cmd, report_cmd, simulate_cmd  # noqa: F401


_register()


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point; returns the exit code."""
    try:
        app(args=argv, prog_name="hashcarbon", standalone_mode=False)
    except HashcarbonError as err:
        typer.echo(f"error: {err}", err=True)
        return 2
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        typer.echo("aborted", err=True)
        return 1
    except Exception as exc:
        # Click's exceptions (bundled inside Typer in recent versions) carry
        # ``format_message`` and ``exit_code``; usage errors exit with 2.
        if hasattr(exc, "format_message") and hasattr(exc, "exit_code"):
            msg = " ".join(exc.format_message().split())
            ctx = getattr(exc, "ctx", None)
            where = f"{ctx.command_path}: " if ctx is not None else ""
            typer.echo(f"error: {where}{msg}", err=True)
            return int(exc.exit_code)
        raise
    return 0


def run() -> None:  # pragma: no cover - thin wrapper
    sys.exit(main())
