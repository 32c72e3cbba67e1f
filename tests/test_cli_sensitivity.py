"""CLI: sensitivity, and simulate/compare --uncertainty — outputs and one-line errors."""

from __future__ import annotations

import json

import pytest

from hashcarbon.cli import main


def run(capsys, *args):
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (["--n", "0"], "--n: expected a positive integer, got 0"),
        (["--n", "100"], "--n: Sobol (Saltelli) sampling needs a power of 2"),
        (["--output", "nope"], "--output: unknown output 'nope'"),
        (["--workers", "-1"], "--workers: expected an integer >= 0, got -1"),
        (["--scheduler", "tcp://127.0.0.1:9"], "--scheduler: cannot connect to"),
        (["--scheduler", "localhost"], "--scheduler: expected tcp://HOST:PORT"),
        (["--method", "fast"], "--method: expected one of sobol, morris"),
        (["--vs", "bbce-bm"], "--vs: the baseline must differ"),
        (["--vs", "no-ban"], "--vs: 'no-ban' belongs to another model"),
        (["--workers", "2", "--scheduler", "tcp://h:1"], "give one of them"),
    ],
)
def test_sensitivity_bad_options_exit_2(capsys, args, match):
    base = ["sensitivity", "bbce-bm", "--output", "emissions_mt", "--n", "16"]
    code, out, err = run(capsys, *base, *args)
    assert code == 2
    assert match in err
    assert err.count("\n") == 1
    assert out == ""


def test_sensitivity_unknown_scenario(capsys):
    code, _, err = run(capsys, "sensitivity", "bbce-xx", "--output", "emissions_mt")
    assert code == 2
    assert "SCENARIO: unknown bbce scenario 'bbce-xx'" in err


def test_sensitivity_json_and_png(capsys, tmp_path):
    code, out, _ = run(
        capsys,
        "sensitivity",
        "bbce-ct",
        "--vs",
        "bbce-bm",
        "--output",
        "emissions_mt",
        "--n",
        "32",
        "--format",
        "json",
    )
    assert code == 0
    rows = json.loads(out)
    assert {"input", "S1", "S1_conf", "ST", "ST_conf"} <= set(rows[0])
    assert rows[0]["ST"] >= rows[-1]["ST"]
    png = tmp_path / "s.png"
    code, out, _ = run(
        capsys,
        "sensitivity",
        "bbce-bm",
        "--output",
        "energy_twh",
        "--method",
        "morris",
        "--n",
        "8",
        "--out",
        str(png),
    )
    assert code == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_compare_uncertainty_prints_deltas_and_verdicts(capsys):
    code, out, err = run(
        capsys,
        "compare",
        "bbce-bm",
        "bbce-ct",
        "--uncertainty",
        "all",
        "--runs",
        "64",
        "--format",
        "json",
    )
    assert code == 0, err
    rows = json.loads(out)
    em = next(r for r in rows if r["output"] == "emissions_mt")
    assert (em["scenario"], em["vs"]) == ("bbce-ct", "bbce-bm")
    assert em["delta_p5"] <= em["delta_p50"] <= em["delta_p95"]
    assert 0.0 <= em["p_delta_negative"] <= 1.0
    assert em["verdict"] in ("lower", "higher", "not distinguishable")


def test_simulate_uncertainty_writes_json(capsys, tmp_path):
    path = tmp_path / "e.json"
    code, out, _ = run(
        capsys, "simulate", "bbce-ma", "--uncertainty", "price", "--runs", "8", "--out", str(path)
    )
    assert code == 0
    data = json.loads(path.read_text())
    assert list(data["inputs"]) == ["btc_usd_after_data"]
    assert len(data["outputs"]["emissions_mt"]["by_scenario"]["bbce-ma"]) == 8


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (["simulate", "bbce-bm", "--uncertainty", "bogus"], "--uncertainty: expected one of"),
        (
            ["compare", "bbce-bm", "bbce-ct", "--uncertainty", "all", "--workers", "-1"],
            "--workers: expected an integer >= 0",
        ),
        (["compare", "bbce-bm", "no-ban", "--uncertainty", "all"], "belongs to another model"),
        (
            ["simulate", "bbce-bm", "--uncertainty", "all", "--param", "pue=1"],
            "--param: not combined with --uncertainty",
        ),
    ],
)
def test_simulate_compare_uncertainty_errors(capsys, args, match):
    code, _, err = run(capsys, *args)
    assert code == 2
    assert match in err
    assert err.count("\n") == 1


def test_scheduler_option_identical_to_local(capsys, tmp_path):
    """--scheduler tcp://127.0.0.1:PORT of a running (loopback) cluster: same numbers."""
    from distributed import LocalCluster

    args = ["compare", "bbce-bm", "bbce-sr", "--uncertainty", "all", "--runs", "32"]
    code, local, _ = run(capsys, *args, "--format", "csv")
    assert code == 0
    with LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=False,
        protocol="tcp://",
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        code, remote, err = run(
            capsys, *args, "--format", "csv", "--scheduler", cluster.scheduler_address
        )
    assert code == 0, err
    assert remote == local


def test_sensitivity_netcdf(capsys, tmp_path):
    import xarray as xr

    path = tmp_path / "s.nc"
    code, _, _ = run(
        capsys,
        "sensitivity",
        "bbce-bm",
        "--output",
        "emissions_mt",
        "--n",
        "16",
        "--out",
        str(path),
    )
    assert code == 0
    ds = xr.open_dataset(path, engine="h5netcdf")
    assert set(ds.data_vars) == {"S1", "S1_conf", "ST", "ST_conf"}
    assert ds.attrs["output"] == "emissions_mt"
    ds.close()
