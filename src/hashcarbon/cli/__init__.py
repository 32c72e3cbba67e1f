"""Command-line interface: ``hashcarbon COMMAND ...``.

Each command lives in its own module and registers itself on :data:`app`.
User-fixable errors (:class:`hashcarbon.errors.HashcarbonError`) become one
line on stderr and exit code 2 (other OS errors 1, Ctrl-C 130); anything else
is a bug and shows a traceback.
"""

from __future__ import annotations

import contextlib
import errno
import signal
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


def _data_mode(value: str | None) -> str | None:
    if value is not None:
        from hashcarbon.data import set_data_mode

        set_data_mode(value)  # DataError (exit 2) unless embedded / updated
    return value


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
    data_layer: str = typer.Option(
        None,
        "--data",
        callback=_data_mode,
        metavar="embedded|updated",
        help="Data layer: 'updated' (default when `data update` has run) or 'embedded' (ignore updates).",
    ),
) -> None:
    """Electricity use, energy sources and carbon emissions of Bitcoin mining."""


def _register() -> None:
    # Import for their side effect of registering commands on ``app``.
    import hashcarbon.cli.dashboard_cmd
    import hashcarbon.cli.sensitivity_cmd  # noqa: F401
    from hashcarbon.cli import data_cmd, estimate_cmd, report_cmd, simulate_cmd  # noqa: F401


_register()


def _say(message: str) -> None:
    with contextlib.suppress(OSError):  # stderr closed or full: the exit code still tells
        typer.echo(f"error: {' '.join(str(message).split())}", err=True)


def main(argv: list[str] | None = None, *, console: bool = False) -> int:
    """Console-script entry point; returns the exit code.

    The one error boundary of the command line: a :class:`HashcarbonError` (bad input, an
    unwritable output, a full disk: exit 2), any other :class:`OSError` (exit 1) and Ctrl-C
    (exit 130) each become one line on stderr; anything else is a bug and shows a
    traceback.

    ``console`` (the console script): once the command has finished (its output complete
    and in place), a late Ctrl-C is ignored, so one that arrives while the process exits
    cannot turn a finished run into a silent death by SIGINT.
    """
    # From here on Ctrl-C raises KeyboardInterrupt, so writers remove their temp files
    # (``hashcarbon.__main__`` exits at once on a Ctrl-C during the imports before).
    if getattr(signal.getsignal(signal.SIGINT), "__name__", "") == "_interrupted_while_starting":
        signal.signal(signal.SIGINT, signal.default_int_handler)
    from hashcarbon import _io

    n_committed = len(_io.COMMITTED)
    try:
        rv = app(args=argv, prog_name="hashcarbon", standalone_mode=False)
        if console:  # finished: nothing left to interrupt (see the docstring)
            signal.signal(signal.SIGINT, signal.SIG_IGN)
    except HashcarbonError as err:
        _say(err)
        return 2
    except typer.Exit as exc:
        return _interrupted(n_committed) if exc.exit_code == 130 else exc.exit_code
    except typer.Abort:
        _say("aborted")
        return 1
    except KeyboardInterrupt:
        return _interrupted(n_committed)
    except RecursionError:
        _say("input is nested too deeply")
        return 2
    except MemoryError:
        _say("out of memory; try fewer --runs or a shorter period")
        return 1
    except OSError as exc:
        if exc.errno == errno.EPIPE:  # `hashcarbon ... | head`
            return 1
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        reason = exc.strerror or type(exc).__name__
        if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS):
            # every writer goes through a temporary file and a rename
            reason += "; no output was replaced (the previous output is kept)"
        _say(f"{where}{reason}")
        return 1
    except Exception as exc:
        # Click's exceptions (bundled inside Typer in recent versions) carry
        # ``format_message`` and ``exit_code``; usage errors exit with 2.
        if type(exc).__name__ == "NoArgsIsHelpError":  # `hashcarbon`, `hashcarbon data`
            with contextlib.suppress(OSError):
                typer.echo(exc.format_message(), err=True)
            return int(getattr(exc, "exit_code", 2))
        if hasattr(exc, "format_message") and hasattr(exc, "exit_code"):
            msg = " ".join(exc.format_message().split())
            ctx = getattr(exc, "ctx", None)
            where = f"{ctx.command_path}: " if ctx is not None else ""
            _say(f"{where}{msg}")
            return int(exc.exit_code)
        raise
    # In non-standalone mode Typer *returns* the exit code of a caught Ctrl-C (130) or
    # of an explicit ``typer.Exit``; commands themselves return None.
    if isinstance(rv, int) and not isinstance(rv, bool) and rv != 0:
        return _interrupted(n_committed) if rv == 130 else rv
    return 0


def _interrupted(n_committed: int | None = None) -> int:
    """Exit code and line of a Ctrl-C.  ``n_committed``: the length of
    :data:`hashcarbon._io.COMMITTED` when the command started; if an output was put in
    place since, the Ctrl-C came after the command's output was complete, so the run
    counts as finished (exit 0, as a Ctrl-C after the return does) and says so."""
    from hashcarbon import _io

    if n_committed is not None and len(_io.COMMITTED) > n_committed:
        with contextlib.suppress(OSError):
            typer.echo(
                f"note: Ctrl-C after {_io.COMMITTED[-1]} was written; it is complete", err=True
            )
        return 0
    _say("interrupted (Ctrl-C); no output was written or the previous output is kept")
    return 130


def run() -> None:  # pragma: no cover - thin wrapper
    sys.exit(main(console=True))
