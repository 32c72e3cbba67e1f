"""cli/_format.py: significant figures, narrow tables, no numpy warnings, run-count warning."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from hashcarbon.cli import _format, main
from hashcarbon.errors import InputError


def test_round_sig_hand_cases():
    got = _format.round_sig([17.256001, 1121.034058, 0.000123456, 0.0, np.nan, -2.55e-3])
    np.testing.assert_allclose(got[:4], [17.26, 1121.0, 0.0001235, 0.0])
    assert np.isnan(got[4])
    assert got[5] == pytest.approx(-0.00255)


def test_float32_noise_removed_in_every_format():
    f = pd.DataFrame({"x": np.array([17.256, 1121.034], dtype=np.float32)})
    assert f["x"].astype(np.float64).iloc[0] != 17.256  # the noise is real
    clean = _format.clean_float32(f)
    assert clean["x"].tolist() == [17.256, 1121.034]


def test_table_fits_columns_and_repeats_keys():
    wide = pd.DataFrame(
        {"scenario": ["no-ban", "carbon-tax"], "period": ["2021", "2021"]}
        | {f"a_long_column_name_{i}_twh": [1234.5678 * i, 0.001234 * i] for i in range(12)}
    )
    text = _format.table_text(wide, 100)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 100
    assert sum(line.startswith("scenario") for line in lines) >= 2  # keys repeated per block
    assert "1,235" in text or "1235" in text
    assert "1234.5678" not in text
    narrow = _format.table_text(wide, 60)
    assert max(len(line) for line in narrow.splitlines()) <= 60
    with pytest.raises(InputError, match="--columns"):
        _format.table_text(wide, 10)


def test_quiet_numpy_hides_all_nan_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with _format.quiet_numpy():
            assert np.isnan(np.nanmedian(np.array([np.nan, np.nan])))


def test_runs_note():
    assert _format.runs_note(1, 0).startswith("warning: 1 run")
    assert _format.runs_note(_format.STABLE_RUNS, 0) is None


def test_compare_states_run_count(capsys):
    assert main(["compare", "no-ban", "carbon-tax", "--runs", "1", "--end", "2022"]) == 0
    cap = capsys.readouterr()
    assert "1 run(s) per scenario" in cap.err
    assert "warning" in cap.err
    assert max(len(line) for line in cap.out.splitlines()) <= 100


def test_simulate_by_region_no_warnings(recwarn, capsys):
    argv = ["simulate", "no-ban", "--by", "region", "--runs", "3", "--start", "2025-01"]
    assert main([*argv, "--end", "2025-03", "--columns", "80"]) == 0
    out = capsys.readouterr()
    assert "All-NaN" not in out.err
    assert not [w for w in recwarn if "All-NaN" in str(w.message)]
    assert max(len(line) for line in out.out.splitlines()) <= 80
