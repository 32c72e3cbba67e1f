"""``hashcarbon`` console script and ``python -m hashcarbon``.

A Ctrl-C while the command modules are being imported (numpy, pandas, xarray: about a
second) exits at once with one line and code 130; :func:`hashcarbon.cli.main` then
restores Python's handler so that a Ctrl-C during a command raises KeyboardInterrupt,
writers remove their temporary files and the CLI prints one line and exits 130.
"""

from __future__ import annotations

import os
import signal
import sys


def _interrupted_while_starting(signum, frame):  # pragma: no cover - timing dependent
    os.write(2, b"error: interrupted (Ctrl-C) before anything was computed\n")
    os._exit(130)


def run() -> None:
    """Entry point of the ``hashcarbon`` console script."""
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _interrupted_while_starting)
    from hashcarbon.cli import main

    sys.exit(main(console=True))


if __name__ == "__main__":
    run()
