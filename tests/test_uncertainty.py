"""Joint uncertainty: priors, designs, run keys, chunking, dask, SALib, compare verdicts."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from hashcarbon import uncertainty as unc
from hashcarbon.errors import InputError, ParameterError

# ---------------------------------------------------------------------------------------
# priors


def _row(**kw):
    base = {"name": "x", "unit": "-", "default": 1.0, "low": 0.0, "high": 2.0}
    base.update(kw)
    return base


def _prior(**kw) -> unc.Prior:
    return unc.priors_from_table(pd.DataFrame([_row(**kw)]))[0]


U = np.linspace(0.0, 1.0, 41)


def test_uniform_loguniform_ppf():
    np.testing.assert_allclose(_prior(distribution="uniform").ppf(U), 2.0 * U)
    p = _prior(distribution="loguniform", low=1.0, high=100.0, default=10.0)
    np.testing.assert_allclose(p.ppf(U), 10.0 ** (2.0 * U))


def test_triangular_matches_scipy():
    from scipy import stats

    p = _prior(distribution="triangular", low=1.0, default=1.1, high=1.5)
    ref = stats.triang(c=0.1 / 0.5, loc=1.0, scale=0.5).ppf(U)
    np.testing.assert_allclose(p.ppf(U), ref, rtol=1e-12)


def test_truncated_normal_matches_scipy():
    from scipy import stats

    p = _prior(distribution="normal_trunc:0.5", low=0.2, default=1.0, high=2.0)
    a, b = (0.2 - 1.0) / 0.5, (2.0 - 1.0) / 0.5
    ref = stats.truncnorm(a, b, loc=1.0, scale=0.5).ppf(U)
    np.testing.assert_allclose(p.ppf(U), ref, rtol=1e-9, atol=1e-12)


def test_uniform_rel_uses_given_default_and_clips():
    p = _prior(distribution="uniform_rel:0.1", default=1.0, low=0.0, high=1.05)
    np.testing.assert_allclose(p.ppf([0.0, 0.5, 1.0]), [0.9, 1.0, 1.05])
    np.testing.assert_allclose(p.ppf([0.0, 1.0], default=0.5), [0.45, 0.55])


def test_choice_frequencies_and_weights():
    p = _prior(distribution="choice:ccaf|ipcc", default="ccaf", low=math.nan, high=math.nan)
    assert p.discrete
    assert p.choices == ("ccaf", "ipcc")
    vals = p.ppf((np.arange(1000) + 0.5) / 1000)
    assert (vals == "ccaf").sum() == 500
    w = _prior(distribution="choice:average=0.7|marginal=0.3", low=math.nan, high=math.nan)
    vals = w.ppf((np.arange(1000) + 0.5) / 1000)
    assert (vals == "average").sum() == 700
    assert w.describe() == "choice(average 0.7 | marginal 0.3)"


def test_integer_prior_rounds_within_bounds():
    p = _prior(distribution="uniform", low=1.0, high=12.0, default=3.0, integer="true")
    v = p.ppf(U)
    assert np.all(v == np.rint(v))
    assert (v.min(), v.max()) == (1.0, 12.0)


@pytest.mark.parametrize(
    ("row", "match"),
    [
        (_row(distribution="gamma"), r"row 1 \(x\): distribution 'gamma': expected one of"),
        (_row(distribution="uniform", low=3.0), r"row 1 \(x\): low 3 > high 2"),
        (_row(distribution="loguniform", low=0.0), "loguniform needs low > 0"),
        (_row(distribution="uniform_rel:abc"), "expected uniform_rel:NUMBER"),
        (_row(distribution="normal_trunc:-1"), "must be > 0"),
        (_row(distribution="choice:a"), "at least two values"),
        (_row(distribution="triangular", default=5.0), "mode 5 outside"),
        (_row(distribution="uniform", low="abc"), "column 'low': expected a number"),
    ],
)
def test_bad_table_rows_one_line(row, match):
    with pytest.raises(ParameterError, match=match) as err:
        unc.priors_from_table(pd.DataFrame([row]))
    assert "\n" not in str(err.value)


def test_missing_column_and_duplicates():
    with pytest.raises(ParameterError, match="missing column"):
        unc.priors_from_table(pd.DataFrame([{"name": "x"}]))
    with pytest.raises(ParameterError, match="duplicate name 'x'"):
        unc.priors_from_table(pd.DataFrame([_row(distribution="fixed")] * 2))


def test_modes_select_groups():
    priors = unc.BBCEAdapter().priors()
    assert [p.name for p in unc.select(priors, "price")] == ["btc_usd_after_data"]
    params = {p.name for p in unc.select(priors, "parameters")}
    assert "btc_usd_after_data" not in params
    assert "efficiency_series" in params
    assert unc.select(priors, "none") == []
    with pytest.raises(InputError, match="--uncertainty"):
        unc.select(priors, "everything")


def test_bbce_priors_markdown_lists_sources():
    md = unc.priors_markdown(unc.BBCEAdapter().priors())
    assert "| `pue` | - | uniform(default x (1 +- 0.1))" in md
    assert "choice(frontier / profitable_mean)" in md


# ---------------------------------------------------------------------------------------
# design and run keys


def test_run_keys_equal_spawned_children():
    kids = np.random.SeedSequence(42).spawn(10)
    keys = unc.run_keys(42, 3, 10)
    for a, b in zip(kids[3:], keys, strict=True):
        np.testing.assert_array_equal(a.generate_state(4), b.generate_state(4))


def test_designs_reproducible_and_space_filling():
    a = unc.sample_unit(64, 3, "sobol", seed=5)
    np.testing.assert_array_equal(a, unc.sample_unit(64, 3, "sobol", seed=5))
    assert not np.array_equal(a, unc.sample_unit(64, 3, "sobol", seed=6))
    assert a.min() >= 0.0
    assert a.max() < 1.0
    # a scrambled Sobol set of 2^6 points has one point in each 1/64 slice of every axis
    for j in range(3):
        assert sorted(np.floor(a[:, j] * 64).astype(int)) == list(range(64))
    lhs = unc.sample_unit(50, 4, "lhs", seed=1)
    for j in range(4):
        assert sorted(np.floor(lhs[:, j] * 50).astype(int)) == list(range(50))
    with pytest.raises(InputError, match="sampling"):
        unc.sample_unit(4, 2, "grid")


# ---------------------------------------------------------------------------------------
# ensembles: chunking, common random numbers, dask


def _same(a, b):
    assert list(a.data_vars) == list(b.data_vars)
    for v in a.data_vars:
        np.testing.assert_array_equal(a[v].values, b[v].values, err_msg=v)


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # shrinking a failure is slow
)
@given(
    n=st.integers(3, 24),
    seed=st.integers(0, 2**31),
    mode=st.sampled_from(["price", "parameters"]),
)
def test_ensemble_identical_for_1_2_3_chunks(n, seed, mode):
    runs = [
        unc.run_ensemble(
            ["bbce-bm", "bbce-ct"], n, uncertainty=mode, seed=seed, chunk_runs=-(-n // k)
        )
        for k in (1, 2, 3)
    ]
    _same(runs[0], runs[1])
    _same(runs[0], runs[2])


def test_common_random_numbers_across_scenarios():
    both = unc.run_ensemble(["bbce-bm", "bbce-ct"], 16, uncertainty="parameters", seed=3)
    ct = unc.run_ensemble(["bbce-ct"], 16, uncertainty="parameters", seed=3)
    np.testing.assert_array_equal(both["input_pue"].values, ct["input_pue"].values)
    np.testing.assert_array_equal(
        both["emissions_mt"].sel(scenario="bbce-ct").values,
        ct["emissions_mt"].sel(scenario="bbce-ct").values,
    )
    # the sampled inputs vary, and enter: outputs differ between runs
    assert np.unique(both["input_price_usd_per_kwh"].values).size == 16
    assert np.unique(both["emissions_mt"].sel(scenario="bbce-bm").values).size == 16


def test_bbce_ensemble_matches_direct_model_run():
    """A chunk result equals bbce.run with the stored inputs (no hidden transformation)."""
    from hashcarbon.models import bbce

    ds = unc.run_ensemble(["bbce-ma"], 8, uncertainty="parameters", seed=11)
    i = int(np.flatnonzero(ds["input_efficiency_series"].values == "frontier")[0])
    names = [v.removeprefix("input_") for v in ds.data_vars if v.startswith("input_")]
    params = {k: float(ds[f"input_{k}"].values[i]) for k in names if k != "efficiency_series"}
    one = bbce.run("bbce-ma", params, closures={"efficiency_series": "frontier"})
    flow = one["carbon_flow_mt"].isel(run=0).to_series()
    want = flow[(flow.index >= "2021-01-01") & (flow.index <= "2029-12-01")].sum()
    assert ds["emissions_mt"].values[0, i] == pytest.approx(want, rel=1e-12)


def test_dask_localcluster_identical_to_local():
    local = unc.run_ensemble(["bbce-bm", "bbce-sr"], 40, seed=9, chunk_runs=7)
    ex = unc.DaskExecutor(workers=2, processes=False)
    try:
        assert "127.0.0.1" in ex.client.scheduler.address
        dist = unc.run_ensemble(["bbce-bm", "bbce-sr"], 40, seed=9, chunk_runs=7, executor=ex)
    finally:
        ex.close()
    _same(local, dist)
    assert local.attrs == dist.attrs


def test_unreachable_scheduler_one_line():
    with pytest.raises(InputError, match=r"--scheduler: cannot connect to tcp://127.0.0.1:9"):
        unc.make_executor(scheduler="tcp://127.0.0.1:9")
    with pytest.raises(InputError, match="expected tcp://HOST:PORT"):
        unc.make_executor(scheduler="http://x")
    with pytest.raises(InputError, match="--workers: expected an integer >= 0"):
        unc.make_executor(workers=-1)


def test_compare_table_verdicts():
    import xarray as xr

    rng = np.random.default_rng(0)
    base = rng.normal(100, 5, 1000)
    ds = xr.Dataset(
        {
            "emissions_mt": (
                ("scenario", "run"),
                np.vstack(
                    [base, base - 10 + rng.normal(0, 1, 1000), base + rng.normal(0, 3, 1000)]
                ),
                {"units": "Mt"},
            ),
            "annual_emissions_mt": (("scenario", "year", "run"), np.zeros((3, 1, 1000))),
        },
        coords={"scenario": ["ban", "exempt", "tax"], "run": np.arange(1000), "year": [2021]},
    )
    t = unc.compare_table(ds).set_index(["scenario", "vs"])
    assert len(t) == 3
    assert t.loc[("exempt", "ban"), "verdict"] == "lower"
    assert t.loc[("exempt", "ban"), "p_delta_negative"] == 1.0
    assert t.loc[("tax", "ban"), "verdict"] == "not distinguishable"
    assert 0.3 < t.loc[("tax", "ban"), "p_delta_negative"] < 0.7
    assert t.loc[("tax", "exempt"), "verdict"] == "higher"


def test_compare_and_summary_use_behavioural_runs_only():
    import xarray as xr

    # runs 0-9 behave (exemption always lower); runs 10-19 do not (exemption higher)
    ban = np.full(20, 100.0)
    exempt = np.r_[np.full(10, 90.0), np.full(10, 120.0)]
    ds = xr.Dataset(
        {
            "emissions_mt": (("scenario", "run"), np.vstack([ban, exempt]), {"units": "Mt"}),
            "annual_emissions_mt": (
                ("scenario", "year", "run"),
                np.vstack([ban, exempt])[:, None, :],
            ),
            "behavioural": (("run",), np.arange(20) < 10),
        },
        coords={"scenario": ["ban", "exempt"], "run": np.arange(20), "year": [2021]},
    )
    row = unc.compare_table(ds).iloc[0]
    assert row["verdict"] == "lower"
    assert row["n_runs"] == 10
    assert row["p_delta_negative"] == 1.0
    summ = unc.summary_table(ds).set_index(["scenario", "period"])
    assert summ.loc[("exempt", "2021"), "emissions_mt_p95"] == 90.0
    ds["behavioural"][:] = False
    with pytest.raises(InputError, match="history matching: no run"):
        unc.compare_table(ds)


def test_drivers_rank_the_input_that_decides_a_difference():
    import xarray as xr

    rng = np.random.default_rng(1)
    n = 800
    a, b = rng.uniform(0, 1, n), rng.uniform(0, 1, n)
    kind = np.where(rng.uniform(size=n) < 0.5, "x", "y")
    ban = rng.normal(100, 1, n)
    exempt = ban - 20 * a + 0.5 * b + np.where(kind == "x", 5.0, 0.0)
    ds = xr.Dataset(
        {
            "emissions_mt": (("scenario", "run"), np.vstack([ban, exempt])),
            "input_a": (("run",), a),
            "input_b": (("run",), b),
            "input_kind": (("run",), kind),
        },
        coords={"scenario": ["ban", "exempt"], "run": np.arange(n)},
    )
    d = unc.drivers(ds, "exempt", "ban").set_index("input")
    assert d.index[0] == "a"
    # analytic S1: var(20 a) / total = 33.3 / (33.3 + 0.02 + 6.25 + ~2) ~ 0.80
    assert 0.7 < d.loc["a", "first_order"] < 0.9
    assert d.loc["a", "spearman_rho"] < -0.9
    assert 0.1 < d.loc["kind", "first_order"] < 0.2  # 6.25 / 41.6 = 0.15
    assert d.loc["b", "first_order"] < 3 * d.loc["b", "noise_floor"]


def test_world_history_matching_keeps_the_defaults_and_drops_a_bad_fit():
    from hashcarbon.models import world

    ad = unc.WorldAdapter()
    rate = world.DEFAULTS["invest_rate_per_month"]
    ds = world.run(
        "china-ban-2021",
        start=ad.history_start,
        end=ad.history_end,
        n_runs=3,
        parameters={"invest_rate_per_month": [rate.default, rate.min + 0.002, rate.high]},
    )
    keep = ad.behavioural("china-ban-2021", ds)
    # defaults pass; a nearly frozen order book cannot reproduce 2016-2021
    assert keep.tolist()[:2] == [True, False]


def test_write_result_netcdf_and_json(tmp_path):
    import xarray as xr

    ds = unc.run_ensemble(["bbce-bm", "bbce-ct"], 8, seed=1)
    nc = unc.write_result(ds, tmp_path / "e.nc")
    back = xr.open_dataset(nc, engine="h5netcdf")
    np.testing.assert_array_equal(back["emissions_mt"].values, ds["emissions_mt"].values)
    assert list(back["input_efficiency_series"].values) == list(
        ds["input_efficiency_series"].values
    )
    back.close()
    unc.write_result(ds, tmp_path / "e.json")
    js = json.loads((tmp_path / "e.json").read_text())
    assert js["inputs"]["pue"] == ds["input_pue"].values.tolist()
    assert {p["name"] for p in js["priors"]} >= {"pue", "efficiency_series"}
    assert js["attrs"]["seed"] == 1
    with pytest.raises(InputError, match=r"--out: expected a .nc or .json"):
        unc.write_result(ds, tmp_path / "e.txt")
    # a history-matched ensemble keeps its flags in both formats
    ds["behavioural"] = ("run", np.arange(8) % 2 == 0)
    back = xr.open_dataset(unc.write_result(ds, tmp_path / "h.nc"), engine="h5netcdf")
    assert back["behavioural"].values.tolist() == [True, False] * 4
    back.close()
    unc.write_result(ds, tmp_path / "h.json")
    js = json.loads((tmp_path / "h.json").read_text())
    assert js["behavioural"] == [True, False] * 4
    assert "behavioural" not in js["outputs"]


# ---------------------------------------------------------------------------------------
# SALib on analytic functions


class _Analytic(unc.Adapter):
    """Ishigami (a=7, b=0.1) or a linear function as a model for the machinery."""

    model = "analytic"
    outputs = {"y": ("-", "function value")}  # noqa: RUF012
    window = ("", "")
    years = ()

    def __init__(self, kind: str = "ishigami") -> None:
        self.kind = kind

    def scenarios(self):
        return ("f",)

    def priors(self):
        if self.kind == "ishigami":
            rows = [
                _row(name=f"x{i}", low=-math.pi, high=math.pi, default=0.0, distribution="uniform")
                for i in (1, 2, 3)
            ]
        else:
            rows = [
                _row(name=f"x{i}", low=0.0, high=1.0, default=0.5, distribution="uniform")
                for i in (1, 2, 3)
            ]
        return unc.priors_from_table(pd.DataFrame(rows))

    def evaluate(self, scenario, priors, unit, start, seed, mode):
        x = [p.ppf(unit[:, j]) for j, p in enumerate(priors)]
        if self.kind == "ishigami":
            y = np.sin(x[0]) + 7.0 * np.sin(x[1]) ** 2 + 0.1 * x[2] ** 4 * np.sin(x[0])
        else:
            y = 1.0 * x[0] + 2.0 * x[1] + 0.0 * x[2]
        return unc.ChunkResult({"y": y}, {"y": np.empty((0, y.size))})


def test_sobol_ishigami_known_indices():
    """Analytic values: S1 = (0.3139, 0.4424, 0), ST = (0.5576, 0.4424, 0.2437)
    (Ishigami & Homma 1990; Saltelli et al. 2010, doi:10.1016/j.cpc.2009.09.018)."""
    r = unc.sensitivity("f", "y", n=4096, seed=1, adapter=_Analytic()).set_index("input")
    np.testing.assert_allclose(r["S1"].loc[["x1", "x2", "x3"]], [0.3139, 0.4424, 0.0], atol=0.03)
    np.testing.assert_allclose(r["ST"].loc[["x1", "x2", "x3"]], [0.5576, 0.4424, 0.2437], atol=0.03)
    assert (r["ST_conf"] > 0).all()
    assert (r["ST_conf"] < 0.1).all()
    assert r.attrs["rows_evaluated"] == 4096 * 5


def test_morris_linear_function_exact():
    r = unc.sensitivity("f", "y", n=20, method="morris", seed=2, adapter=_Analytic("lin"))
    r = r.set_index("input")
    np.testing.assert_allclose(r["mu_star"].loc[["x1", "x2", "x3"]], [1.0, 2.0, 0.0], atol=1e-9)
    np.testing.assert_allclose(r["sigma"], 0.0, atol=1e-9)


def test_sensitivity_bad_options():
    ad = _Analytic()
    with pytest.raises(InputError, match="--output: unknown output 'z'"):
        unc.sensitivity("f", "z", adapter=ad)
    with pytest.raises(InputError, match="--n: expected an integer from 1"):
        unc.sensitivity("f", "y", n=0, adapter=ad)
    with pytest.raises(InputError, match="power of 2"):
        unc.sensitivity("f", "y", n=100, adapter=ad)
    with pytest.raises(InputError, match="unknown analytic scenario 'g'"):
        unc.sensitivity("g", "y", adapter=ad)


def test_bbce_sobol_difference_runs():
    r = unc.sensitivity("bbce-ct", "emissions_mt", baseline="bbce-bm", n=64, seed=0)
    assert set(r["input"]) == {p.name for p in unc.select(unc.BBCEAdapter().priors(), "all")}
    assert r.attrs["output_mean"] < 0  # the carbon tax lowers China's emissions
    assert np.isfinite(r[["S1", "ST"]].to_numpy()).all()
