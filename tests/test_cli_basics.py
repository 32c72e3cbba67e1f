"""CLI basics: help, version, and one-line errors with exit code 2."""

from __future__ import annotations

from hashcarbon import __version__
from hashcarbon.cli import main


def test_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"hashcarbon {__version__}"


def test_unknown_table_is_one_line_exit_2(capsys):
    assert main(["data", "show", "no_such_table"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "no_such_table" in err


def test_bad_format_is_one_line_exit_2(capsys):
    assert main(["data", "info", "--format", "xml"]) == 2
    err = capsys.readouterr().err.strip()
    assert "--format" in err
    assert "\n" not in err


def test_missing_argument_exit_2(capsys):
    assert main(["data", "show"]) == 2
    assert "Missing argument" in capsys.readouterr().err
