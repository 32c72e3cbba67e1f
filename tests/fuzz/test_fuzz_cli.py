"""Fuzz surface 2: command-line argument lists, run in-process through ``cli.main``.

The heavy computations are replaced by their cached real results (one real call each per
session) after their arguments have been checked exactly as the real function checks
them, so each case costs milliseconds; the parsing, validation, output-path checks and
writers are the real ones.  ``report``/``claims`` stop with a sentinel where the
computation would start: reaching it proves every check passed before computing.

Per case: the exit code is 0, 1, 2 or 130; a failure prints exactly one ``error:`` line;
no exception escapes ``main``; an output file is either absent, its previous content or
complete; no temporary file is left behind; nothing runs longer than 30 s.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hashcarbon import _check
from tests.fuzz.conftest import FUZZ, Hang, temp_leftovers, time_limit

PREVIOUS = "PREVIOUS OUTPUT\n"


class Reached(Exception):
    """The command passed every check and reached its computation (report, claims)."""


DATES = [
    "2021",
    "2021-06",
    "2021-06-09",
    "2019",
    "2030",
    "9999",
    "0000",
    "-2021",
    "2200",
    "2200-01",
    "2013-12",
    "2050-12",
    "2051",
    "x",
    "",
    "2021-13",
    "1e3",
    "2021-02-30",
]
INTS = [
    "1",
    "2",
    "3",
    "0",
    "-1",
    "100000",
    "10001",
    "10000",
    "99999999999999999999999",
    "nan",
    "1.5",
    "x",
    "",
]
PRICES = ["0.05", "0.1", "0", "-1", "nan", "inf", "-inf", "1e308", "x", "11", ""]
PARAMS = [
    "relocation_delay_months=0.5",
    "relocation_delay_months=2",
    "pue=true",
    "pue=1.1",
    "x",
    "=",
    "unknown=1",
    "a=b=c",
    "efficiency_series=frontier",
    "fit_window=x",
    "pue=nan",
    "pue=inf",
    "pue=-1",
]
OUTS = [
    "out.csv",
    "out.json",
    "sim.nc",
    "out.txt",
    ".",
    "..",
    "dir",
    "missing/x.csv",
    "lnk",
    "/dev/null",
    "fifo",
    "a" * 300,
    "",
    "out.csv/",
    "rep",
    "report_dir",
]
SCENARIOS = [
    "no-ban",
    "china-ban-2021",
    "carbon-tax",
    "bbce-bm",
    "bbce-ct",
    "bbce-xx",
    "_history",
    "unknown",
    "fifo",
    "dir",
    "../x.toml",
    "/etc/hostname",
    "good.toml",
    "bad.toml",
    "a" * 300,
    "",
]
CHOICES = {
    "--format": ["table", "csv", "json", "xml", ""],
    "--freq": ["day", "month", "year", "week"],
    "--by": ["none", "country", "region", "x"],
    "--method": ["cbeci-v1", "cbeci-2023", "economic", "x"],
    "--factors": ["ccaf", "ipcc", "x"],
    "--accounting": ["average", "marginal", "x"],
    "--catalogue": ["full", "cbeci", "x"],
    "--lang": ["en", "zh", "both", "fr"],
    "--scenario": ["bbce-bm", "bbce-ma", "x"],
}
COMMANDS = {
    "estimate": [
        "--method",
        "--price",
        "--start",
        "--end",
        "--freq",
        "--factors",
        "--accounting",
        "--by",
        "--catalogue",
        "--format",
        "--out",
    ],
    "simulate": [
        "--start",
        "--end",
        "--freq",
        "--by",
        "--runs",
        "--seed",
        "--param",
        "--format",
        "--out",
    ],
    "compare": ["--start", "--end", "--runs", "--seed", "--format", "--out"],
    "export-mdl": ["--scenario"],
    "report": ["--out", "--lang", "--runs", "--seed", "--flow-year", "--quiet"],
    "claims": ["--format", "--runs", "--seed"],
    "data": [],
}


def _value(option: str):
    if option in ("--start", "--end"):
        return st.sampled_from(DATES)
    if option in ("--runs", "--seed", "--flow-year"):
        return st.sampled_from([*INTS, "2021", "2013", "2026"])
    if option == "--price":
        return st.sampled_from(PRICES)
    if option == "--param":
        return st.sampled_from(PARAMS)
    if option == "--out":
        return st.sampled_from(OUTS)
    return st.sampled_from(CHOICES.get(option, ["x"]))


@st.composite
def argv_cases(draw) -> list[str]:
    cmd = draw(st.sampled_from(sorted(COMMANDS)))
    argv = [cmd]
    if cmd in ("simulate",):
        argv.append(draw(st.sampled_from(SCENARIOS)))
    elif cmd == "compare":
        argv += draw(st.lists(st.sampled_from(SCENARIOS[:3] + SCENARIOS[6:]), max_size=3))
    elif cmd == "export-mdl":
        argv += [draw(st.sampled_from(["bbce", "world", ""])), draw(st.sampled_from(OUTS))]
    elif cmd == "data":
        argv += draw(
            st.sampled_from(
                [
                    ["info"],
                    ["show", "mining_map"],
                    ["show", "nope"],
                    ["info", "--format", "xml"],
                    ["show", "hydro_curtailment", "--format", "csv"],
                    [],
                ]
            )
        )
    opts = COMMANDS[cmd]
    for opt in draw(st.lists(st.sampled_from(opts), max_size=4, unique=True)) if opts else []:
        if opt == "--quiet":
            argv.append(opt)
        else:
            argv += [opt, draw(_value(opt))]
    if draw(st.integers(0, 9)) == 0:  # junk: an unknown option or a stray argument
        argv.append(draw(st.sampled_from(["--bogus", "extra", "--runs", "-", "--", "--help"])))
    return argv


def _checked_call(real):
    """A stand-in for ``real`` that checks its arguments as ``real`` does, then raises."""
    import inspect

    sig = inspect.signature(real)
    where = f"{real.__module__.rsplit('.', 1)[-1]}.{real.__name__}"

    def check(*args, **kwargs):
        bound = sig.bind(*args, **kwargs)
        for k, v in bound.arguments.items():
            p = sig.parameters[k]
            if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL):
                _check.check_argument(where, k, v, p.default)

    return check


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory):
    """A working directory with awkward paths, and the heavy calls replaced by cached ones."""
    from hashcarbon import carbon
    from hashcarbon.models import bbce, world
    from hashcarbon.report import build, claims

    root = tmp_path_factory.mktemp("cli")
    (root / "dir").mkdir()
    (root / "ro").mkdir()
    (root / "ro").chmod(0o555)
    os.mkfifo(root / "fifo")
    (root / "target.csv").write_text(PREVIOUS)
    (root / "lnk").symlink_to(root / "target.csv")
    (root / "good.toml").write_text('[scenario]\nname = "good"\nextends = "no-ban"\n')
    (root / "bad.toml").write_text('[scenario]\nname = "bad"\n[parameters]\npue = true\n')

    est = carbon.estimate(start="2021-01-01", end="2021-03-31", freq="month")
    est_region = carbon.estimate(start="2021-01-01", end="2021-01-31", freq="month", by="region")
    ds_world = world.run("no-ban", start="2021-01", end="2021-12", n_runs=2, seed=0)
    ds_bbce = bbce.run("bbce-bm", n_runs=2)
    cmp_frame = world.compare(["no-ban", "carbon-tax"], start="2021", end="2021")

    check_est = _checked_call(carbon.estimate.__wrapped__)
    check_bbce = _checked_call(bbce.run.__wrapped__)

    def fake_estimate(*args, **kwargs):
        check_est(*args, **kwargs)
        return est_region if kwargs.get("by", "none") != "none" else est

    def fake_world_run(scenario, start=None, end=None, n_runs=1, seed=0, parameters=None):
        world.load_scenario(scenario)
        world._check_runs(n_runs, seed)
        if parameters:
            world.check_parameters(dict(parameters))
        return ds_world

    def fake_compare(scenarios, start="2021", end="2030", n_runs=1, seed=0):
        for s in scenarios:
            world.load_scenario(s)
        world._check_runs(n_runs, seed)
        return cmp_frame

    def fake_bbce(*args, **kwargs):
        check_bbce(*args, **kwargs)
        return ds_bbce

    def reached(*args, **kwargs):
        raise Reached

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(carbon, "estimate", fake_estimate)
        mp.setattr(world, "run", fake_world_run)
        mp.setattr(world, "compare", fake_compare)
        mp.setattr(bbce, "run", fake_bbce)
        mp.setattr(build, "compute", reached)
        mp.setattr(claims, "project_numbers", reached)
        yield root
    (root / "ro").chmod(0o755)


FIXED = {"dir", "ro", "fifo", "target.csv", "lnk", "good.toml", "bad.toml"}


def _complete(path: Path) -> bool:
    """Is ``path`` a whole output of hashcarbon (parseable to the end)?"""
    if path.is_dir():
        return True
    data = path.read_bytes()
    if data == PREVIOUS.encode() or data.rstrip().endswith(b"///---\\\\\\"):
        return True  # the previous output, or a whole Vensim model (export-mdl, any name)
    if data.startswith(b"\x89HDF"):
        import xarray as xr

        with xr.open_dataset(path, engine="h5netcdf") as ds:
            ds.load()
        return True
    if data[:1] in (b"[", b"{"):
        json.loads(data)
    return data.endswith(b"\n")


@FUZZ
@given(argv=argv_cases())
def test_cli_never_tracebacks(argv, cli_env, tally):
    from hashcarbon.cli import main

    row = tally("CLI options")
    root = cli_env
    for p in root.iterdir():  # fresh outputs; some targets hold a previous output
        if p.name not in FIXED:
            shutil.rmtree(p) if p.is_dir() and not p.is_symlink() else p.unlink()
    for name in ("out.csv", "sim.nc", "out.json"):
        (root / name).write_text(PREVIOUS)
    row["cases"] += 1
    out, err = io.StringIO(), io.StringIO()
    old = os.getcwd()
    os.chdir(root)
    try:
        with time_limit(), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
    except Reached:
        code = 0
    except Hang:
        row["hangs"] += 1
        raise
    except Exception:
        row["tracebacks"] += 1
        raise
    finally:
        os.chdir(old)
    lines = [line for line in err.getvalue().splitlines() if line.strip()]
    left = temp_leftovers(root)
    row["stale_temp_files"] += len(left)
    partial = []
    for p in root.iterdir():
        if p.name not in FIXED:
            try:
                ok = _complete(p)
            except Exception:
                ok = False
            if not ok:
                partial.append(p.name)
    row["partial_outputs"] += len(partial)
    row["accepted" if code == 0 else "rejected"] += 1
    assert not left, f"{argv}: temporary files left: {left}"
    assert not partial, f"{argv}: partial outputs {partial}"
    assert code in (0, 1, 2, 130), f"{argv}: exit {code}"
    if code != 0 and not (lines and lines[0].startswith("Usage:")):  # help for no command
        assert len(lines) == 1, f"{argv}: stderr {err.getvalue()!r}"
        assert lines[0].startswith("error: "), lines
    assert (root / "target.csv").read_text() == PREVIOUS, f"{argv}: symlink target replaced"
