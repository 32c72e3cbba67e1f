"""CLI: estimate, simulate (BBCE), export-mdl — records, formats and one-line errors."""

from __future__ import annotations

import json

import pytest

from hashcarbon.cli import main

REQUIRED = [
    "period",
    "power_gw_lower",
    "power_gw_best",
    "power_gw_upper",
    "energy_twh_lower",
    "energy_twh_best",
    "energy_twh_upper",
    "emissions_mt_best",
    "intensity_g_per_kwh",
    "sustainable_share",
    "renewable_share",
]


def run(capsys, *args):
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize(("freq", "length"), [("year", 4), ("month", 7), ("day", 10)])
def test_estimate_json_records(capsys, freq, length):
    code, out, err = run(
        capsys,
        "estimate",
        "--start",
        "2021-06-01",
        "--end",
        "2021-06-03",
        "--freq",
        freq,
        "--format",
        "json",
    )
    assert code == 0, err
    records = json.loads(out)
    assert records
    for rec in records:
        assert all(k in rec for k in REQUIRED)
        assert len(rec["period"]) == length


def test_estimate_by_country_csv_has_region(capsys):
    code, out, err = run(
        capsys, "estimate", "--start", "2021", "--end", "2021", "--by", "country", "--format", "csv"
    )
    assert code == 0, err
    header = out.splitlines()[0].split(",")
    assert "region" in header
    assert all(k in header for k in REQUIRED)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--method", "magic"], "--method"),
        (["--price", "-0.1"], "--price"),
        (["--start", "2021-02-30"], "--start"),
        (["--start", "2022", "--end", "2021"], "--start"),
        (["--freq", "week"], "--freq"),
        (["--factors", "epa"], "--factors"),
        (["--accounting", "x"], "--accounting"),
        (["--by", "planet"], "--by"),
        (["--format", "xml"], "--format"),
    ],
)
def test_estimate_bad_options_one_line_exit_2(capsys, args, needle):
    code, _out, err = run(capsys, "estimate", *args)
    assert code == 2
    assert err.count("\n") == 1
    assert needle in err
    assert "Traceback" not in err


def test_estimate_out_file_written_atomically(capsys, tmp_path):
    target = tmp_path / "e.csv"
    code, _, err = run(
        capsys,
        "estimate",
        "--start",
        "2020",
        "--end",
        "2020",
        "--format",
        "csv",
        "--out",
        str(target),
    )
    assert code == 0, err
    assert target.read_text().startswith("period,")
    bad = tmp_path / "missing" / "e.csv"
    code, _, err = run(capsys, "estimate", "--format", "csv", "--out", str(bad))
    assert code == 2
    assert not bad.exists()
    assert list(tmp_path.iterdir()) == [target]


def test_simulate_bbce_json(capsys):
    code, out, err = run(capsys, "simulate", "bbce-sr", "--format", "json")
    assert code == 0, err
    records = json.loads(out)
    assert {r["scenario"] for r in records} == {"bbce-sr"}
    assert {"period", "energy_twh", "emissions_mt", "hashrate_ehs"} <= set(records[0])
    assert [r["period"] for r in records][:2] == ["2014", "2015"]


def test_simulate_bbce_param_override_changes_result(capsys):
    _, base, _ = run(capsys, "simulate", "bbce-bm", "--format", "json")
    code, changed, err = run(
        capsys, "simulate", "bbce-bm", "--param", "ef_coal_kg_per_kwh=0.5", "--format", "json"
    )
    assert code == 0, err
    e0 = {r["period"]: r["emissions_mt"] for r in json.loads(base)}
    e1 = {r["period"]: r["emissions_mt"] for r in json.loads(changed)}
    assert e1["2020"] < e0["2020"]


@pytest.mark.parametrize(
    ("param", "needle"),
    [
        ("nope=1", "valid names"),
        ("pue", "NAME=VALUE"),
        ("pue=abc", "number"),
        ("share_time_unit=decade", "expected one of"),
    ],
)
def test_simulate_bad_param_one_line(capsys, param, needle):
    code, _, err = run(capsys, "simulate", "bbce-bm", "--param", param)
    assert code == 2
    assert needle in err
    assert err.count("\n") == 1


def test_simulate_unknown_scenario(capsys):
    code, _, err = run(capsys, "simulate", "bbce-xx")
    assert code == 2
    assert "bbce-bm" in err


def test_export_mdl(capsys, tmp_path):
    path = tmp_path / "bbce.mdl"
    code, _out, err = run(capsys, "export-mdl", "bbce", str(path))
    assert code == 0, err
    text = path.read_text()
    assert "INITIAL TIME" in text
    assert "FINAL TIME" in text


def test_simulate_world_json_with_runs(capsys):
    code, out, err = run(
        capsys,
        "simulate",
        "china-ban-2021",
        "--start",
        "2021-01",
        "--end",
        "2022-12",
        "--runs",
        "3",
        "--seed",
        "7",
        "--format",
        "json",
    )
    assert code == 0, err
    records = json.loads(out)
    assert [r["period"] for r in records] == ["2021", "2022"]
    for key in (
        "scenario",
        "hashrate_ehs",
        "power_gw",
        "energy_twh",
        "emissions_mt",
        "intensity_g_per_kwh",
        "sustainable_share",
    ):
        assert key in records[0]
        assert f"{key}_p5" in records[0] or key == "scenario"
    code2, out2, _ = run(
        capsys,
        "simulate",
        "china-ban-2021",
        "--start",
        "2021-01",
        "--end",
        "2022-12",
        "--runs",
        "3",
        "--seed",
        "7",
        "--format",
        "json",
    )
    assert out2 == out  # identical seed, identical output


def test_simulate_world_by_region_month(capsys):
    code, out, err = run(
        capsys,
        "simulate",
        "no-ban",
        "--start",
        "2020-01",
        "--end",
        "2020-02",
        "--freq",
        "month",
        "--by",
        "region",
        "--format",
        "csv",
    )
    assert code == 0, err
    lines = out.splitlines()
    assert "region" in lines[0].split(",")
    assert any(",2020-02," in line for line in lines[1:])


def test_simulate_world_netcdf_out(capsys, tmp_path):
    xr = pytest.importorskip("xarray")
    target = tmp_path / "run.nc"
    code, _, err = run(
        capsys, "simulate", "no-ban", "--start", "2021-01", "--end", "2021-06", "--out", str(target)
    )
    assert code == 0, err
    ds = xr.open_dataset(target, engine="h5netcdf")
    assert ds.attrs["scenario"] == "no-ban"
    assert "energy_twh" in ds
    ds.close()


def test_compare_world(capsys):
    code, out, err = run(capsys, "compare", "no-ban", "china-ban-2021", "--format", "json")
    assert code == 0, err
    rows = json.loads(out)
    assert [r["scenario"] for r in rows] == ["no-ban", "china-ban-2021"]
    assert rows[0]["delta_emissions_mt"] == 0
    assert rows[1]["delta_emissions_mt"] == pytest.approx(
        rows[1]["emissions_mt"] - rows[0]["emissions_mt"]
    )


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["simulate", "no-such-scenario"], "scenario"),
        (["simulate", "no-ban", "--runs", "0"], "--runs"),
        (["simulate", "no-ban", "--by", "planet"], "--by"),
        (["compare", "no-ban"], "at least two"),
    ],
)
def test_world_cli_errors_one_line(capsys, args, needle):
    code, _, err = run(capsys, *args)
    assert code == 2
    assert needle in err
    assert err.count("\n") == 1


def test_estimate_accounting_survey_is_labelled(capsys):
    code, out, err = run(
        capsys,
        "estimate",
        "--start",
        "2023",
        "--end",
        "2024",
        "--accounting",
        "survey",
        "--format",
        "json",
    )
    assert code == 0, err
    rows = {r["period"]: r for r in json.loads(out)}
    assert rows["2024"]["accounting_basis"] == "self-report"
    assert rows["2023"]["accounting_basis"] == "location-based"
    assert rows["2024"]["sustainable_share"] == pytest.approx(0.527, abs=0.001)
    code, _out, err = run(
        capsys,
        "estimate",
        "--start",
        "2024",
        "--end",
        "2024",
        "--accounting",
        "survey",
        "--by",
        "country",
    )
    assert code == 2
    assert err.count("\n") == 1
    assert "by" in err


def test_report_bad_out_is_one_line_without_a_cjk_font(capsys, tmp_path, monkeypatch):
    """A bad --out is rejected before the missing-font warning of a Chinese report, so the
    user sees one line (the CLI fuzz campaign found two on a machine without CJK fonts)."""
    from hashcarbon.report import figures

    monkeypatch.setattr(figures, "cjk_font", lambda: None)
    target = tmp_path / "out.csv"
    target.write_text("x")
    code, _out, err = run(capsys, "report", "--out", str(target), "--lang", "zh")
    assert code == 2
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1
    assert lines[0].startswith("error: --out:")
    assert target.read_text() == "x"
