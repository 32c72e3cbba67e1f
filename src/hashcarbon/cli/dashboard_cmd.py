"""``hashcarbon dashboard``: start the Streamlit explorer and policy lab."""

from __future__ import annotations

import ipaddress
import os
import subprocess
import sys

import typer

from hashcarbon.cli import app
from hashcarbon.cli._common import check_choice
from hashcarbon.errors import InputError

DATA_LAYERS = ("embedded", "updated")


def check_host(host: str) -> str:
    """An IP address or ``localhost``; one-line :class:`InputError` otherwise."""
    if host == "localhost":
        return host
    try:
        ipaddress.ip_address(host)
    except ValueError:
        raise InputError(
            f"--host: expected an IP address such as 127.0.0.1 (or localhost), got {host!r}"
        ) from None
    return host


def check_port(port: int) -> int:
    if not 1 <= port <= 65535:
        raise InputError(f"--port: expected an integer from 1 to 65535, got {port}")
    return port


def streamlit_command(host: str, port: int) -> list[str]:
    """The command that serves the app (``python -m streamlit run APP ...``)."""
    from hashcarbon.dashboard import app_path

    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app_path()),
        "--server.address",
        host,
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--global.developmentMode",
        "false",
        "--client.toolbarMode",
        "minimal",
    ]


@app.command("dashboard")
def dashboard(
    host: str = typer.Option(
        "127.0.0.1", "--host", help="Address to bind (loopback by default; 0.0.0.0 exposes it)."
    ),
    port: int = typer.Option(8501, "--port", help="Port to listen on."),
    data_layer: str = typer.Option(
        "embedded", "--data", help="embedded (shipped tables) or updated (after data update)."
    ),
) -> None:
    """Start the interactive dashboard in the browser (Streamlit) and print its URL."""
    check_host(host)
    check_port(port)
    check_choice("--data", data_layer, DATA_LAYERS)
    try:
        import streamlit  # noqa: F401
    except ImportError:
        raise InputError(
            "dashboard: streamlit is not installed (pip install 'hashcarbon[dashboard]')"
        ) from None
    shown = "localhost" if host in ("127.0.0.1", "::1", "localhost") else host
    typer.echo(f"hashcarbon dashboard: http://{shown}:{port}  (data: {data_layer}; Ctrl+C stops)")
    from hashcarbon.data._registry import DATA_MODE_ENV

    env = {**os.environ, DATA_MODE_ENV: data_layer}
    proc = subprocess.Popen(streamlit_command(host, port), env=env)
    try:
        code = proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        try:
            code = proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            code = proc.wait()
    if code not in (0, -2, -15):
        raise typer.Exit(code)
