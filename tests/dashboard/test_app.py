"""Every dashboard page driven by Streamlit's AppTest (no browser).

The expected numbers come from the package's Python API (``carbon.estimate``,
``world.compare``, ``bbce``), computed in the test, never typed in.
"""

from __future__ import annotations

import pytest

pytest.importorskip("streamlit")

from streamlit.testing.v1 import AppTest

from hashcarbon.dashboard import _data, app_path

TIMEOUT_S = 600


def _new() -> AppTest:
    at = AppTest.from_file(str(app_path()), default_timeout=TIMEOUT_S)
    return at.run()


def _no_errors(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _metric(at: AppTest, startswith: str) -> float:
    for m in at.metric:
        if m.label.startswith(startswith):
            return float(m.value.split("/")[0].replace("+", ""))
    raise AssertionError(f"no metric {startswith!r} in {[m.label for m in at.metric]}")


@pytest.fixture(scope="module")
def app() -> AppTest:
    return _new()


def test_today_price_slider_moves_the_upper_bound(app):
    at = app
    _no_errors(at)
    assert at.title[0].value == "Today and history"
    upper_5 = _metric(at, "Upper bound")
    lower_5 = _metric(at, "Lower bound")
    at.slider(key="today_price").set_value(0.10).run()
    _no_errors(at)
    upper_10 = _metric(at, "Upper bound")
    # a higher price makes fewer machines profitable: the upper bound falls, the lower stays
    assert upper_10 < upper_5
    assert _metric(at, "Lower bound") == pytest.approx(lower_5)
    frame = _data.estimate("cbeci-v1", 0.10, "ccaf", "average")
    last = frame[~frame["partial"]].iloc[-1]
    assert upper_10 == pytest.approx(round(last["annualised_twh_upper"], 1), abs=0.051)
    assert len(at.get("plotly_chart")) == 4
    assert len(at.download_button) >= 4  # one CSV per chart


def test_today_method_and_accounting_switches(app):
    at = app
    at.selectbox(key="today_method").set_value("economic").run()
    _no_errors(at)
    # the economic estimate has one value: its bounds coincide
    assert _metric(at, "Upper bound") == pytest.approx(_metric(at, "Lower bound"))
    at.selectbox(key="today_accounting").set_value("marginal").run()
    _no_errors(at)
    at.selectbox(key="today_method").set_value("cbeci-v1").run()


def test_where_month_slider_and_flags(app):
    at = app.switch_page("_pages/where.py").run()
    _no_errors(at)
    import pandas as pd

    from hashcarbon.dashboard._i18n import tr

    shares = _data.shares()
    for month in ("2020-04", "2020-10", "2016-06"):
        at.select_slider(key="where_month").set_value(month).run()
        _no_errors(at)
        flag = _data.month_flag(shares[shares["date"] == pd.Timestamp(f"{month}-01")])
        boxes = at.info if flag == "observed" else at.warning  # observed: info, else a warning
        assert any(tr("en", f"method_{flag}") in b.value for b in boxes), (month, flag)
    assert flag == "assumed"
    charts = at.get("plotly_chart")
    assert len(charts) == 2
    assert "2016-06" in charts[0].proto.spec  # the map's title names the month


def test_policy_lab_edit_lever_run_and_delta(app):
    at = app.switch_page("_pages/policy.py").run()
    _no_errors(at)
    at.number_input(key="lever_0_metering_leak").set_value(0.5)
    at.number_input(key="pl_runs").set_value(8)
    next(b for b in at.button if b.label == "Run").click().run()
    _no_errors(at)
    assert not at.error, [e.value for e in at.error]
    shown = _metric(at, "Δ emissions, median")
    p_below = _metric(at, "P(Δ < 0)")
    from hashcarbon.models import world

    table = _data.builtin_toml("clean-exemption")
    table["policy"][0]["metering_leak"] = 0.5
    cmp = world.compare(
        ["china-ban-2021", _data.validate(table)], start="2021", end="2030", n_runs=8, seed=0
    )
    assert shown == pytest.approx(float(cmp["delta_emissions_mt_p50"].iloc[1]), abs=0.051)
    assert 0.0 <= p_below <= 1.0
    delta = at.dataframe[-1].value
    assert {"delta_p5", "delta_p50", "delta_p95", "p_delta_below_0"} <= set(delta.columns)
    # dropping the file's own policies leaves its base (the baseline): Δ is exactly 0 in
    # every run, because runs with the same seed share their price paths
    at.checkbox(key="lever_0_keep").uncheck()
    at.checkbox(key="lever_1_keep").uncheck()
    next(b for b in at.button if b.label == "Run").click().run()
    _no_errors(at)
    assert _metric(at, "Δ emissions, median") == 0.0
    delta = at.dataframe[-1].value
    assert (delta[["delta_p5", "delta_p50", "delta_p95"]].abs().to_numpy() < 1e-9).all()
    assert (delta["p_delta_below_0"] == 0.0).all()


def test_policy_lab_invalid_lever_is_one_line():
    at = _new().switch_page("_pages/policy.py").run()
    at.text_input(key="lever_0_start").set_value("June")
    next(b for b in at.button if b.label == "Run").click().run()
    _no_errors(at)
    assert len(at.error) == 1
    msg = at.error[0].value
    assert "\n" not in msg
    assert "policy[0].start" in msg
    assert "Traceback" not in msg


def test_policy_lab_malformed_upload_is_one_line():
    at = _new().switch_page("_pages/policy.py").run()
    at.radio(key="pl_source").set_value("upload").run()
    at.file_uploader(key="pl_upload").set_value(
        ("bad.toml", b"[scenario\nname = 'x'\n", "application/toml")
    ).run()
    _no_errors(at)
    assert len(at.error) == 1
    msg = at.error[0].value
    assert "\n" not in msg
    assert msg.count("bad.toml") == 1
    assert "not valid TOML" in msg
    # valid TOML, invalid field: the validator of the CLI names the field
    at.file_uploader(key="pl_upload").set_value(
        (
            "field.toml",
            b'[scenario]\nname = "x"\n[[policy]]\ntype = "ban"\nregions = ["CN-SC"]\n'
            b'start = "2021-06"\nrelocate_share = 2\n',
            "application/toml",
        )
    ).run()
    _no_errors(at)
    assert len(at.error) == 1
    assert "policy[0].relocate_share" in at.error[0].value


def test_policy_lab_valid_upload_runs():
    at = _new().switch_page("_pages/policy.py").run()
    at.radio(key="pl_source").set_value("upload").run()
    text = _data.to_toml(_data.builtin_toml("carbon-tax")).encode()
    at.file_uploader(key="pl_upload").set_value(("mine.toml", text, "application/toml")).run()
    _no_errors(at)
    assert not at.error
    at.number_input(key="pl_runs").set_value(4)
    next(b for b in at.button if b.label == "Run").click().run()
    _no_errors(at)
    assert any(m.label.startswith("Δ emissions") for m in at.metric)


def test_policy_lab_joint_parameters_delta_equals_compare_table(tmp_path):
    """``parameters``: the Δ row shown is uncertainty.compare_table of the same ensemble."""
    from hashcarbon import uncertainty as unc
    from hashcarbon.scenario import BUILTIN_DIR

    at = _new().switch_page("_pages/policy.py").run()
    at.number_input(key="lever_0_metering_leak").set_value(0.5)
    # 32 runs: history matching keeps the few that reproduce the record (~15 %)
    at.number_input(key="pl_runs").set_value(32)
    at.number_input(key="pl_seed").set_value(3)
    at.selectbox(key="pl_mode_en").set_value("parameters")
    next(b for b in at.button if b.label == "Run").click().run()
    _no_errors(at)
    assert not at.error, [e.value for e in at.error]
    shown = next(d.value for d in at.dataframe if "p_delta_negative" in d.value.columns)
    # the same inputs, computed here through the uncertainty module's public functions
    table = _data.builtin_toml("clean-exemption")
    table["policy"][0]["metering_leak"] = 0.5
    from importlib import resources

    base = tmp_path / "base.toml"
    base.write_text(
        (resources.files("hashcarbon") / BUILTIN_DIR / "china-ban-2021.toml").read_text("utf-8")
    )
    scen = tmp_path / "scen.toml"
    scen.write_text(_data.to_toml(table))
    ds = unc.run_ensemble([str(base), str(scen)], 32, uncertainty="parameters", seed=3)
    assert 2 <= int(ds["behavioural"].sum()) < 32
    expected = unc.compare_table(ds).set_index("output")
    assert list(shown["vs"]) == ["china-ban-2021"] * 2
    assert set(shown["output"]) == {"emissions_mt", "energy_twh"}
    for _, row in shown.iterrows():
        exp = expected.loc[row["output"]]
        for col in ("delta_p5", "delta_p50", "delta_p95", "p_delta_negative"):
            assert row[col] == pytest.approx(float(exp[col]), rel=1e-12, abs=1e-9), col
        assert row["verdict"] == exp["verdict"]
    em = expected.loc["emissions_mt"]
    assert _metric(at, "Δ emissions, P50") == pytest.approx(float(em["delta_p50"]), abs=0.051)
    # sampled parameters spread Δ over the runs (not a single deterministic run)
    assert em["delta_p5"] < em["delta_p95"]
    assert any(b.label == "Δ table (CSV)" for b in at.get("download_button"))


def test_policy_lab_joint_too_many_runs_is_one_line():
    at = _new().switch_page("_pages/policy.py").run()
    at.selectbox(key="pl_mode_en").set_value("all")
    at.number_input(key="pl_runs").set_value(_data.JOINT_MAX_RUNS + 1)
    next(b for b in at.button if b.label == "Run").click().run()
    _no_errors(at)
    assert len(at.error) == 1
    msg = at.error[0].value
    assert "\n" not in msg
    assert "Traceback" not in msg
    assert msg.startswith("Scenario error: runs:")
    assert str(_data.JOINT_MAX_RUNS) in msg
    assert not [d for d in at.dataframe if "p_delta_negative" in d.value.columns]


def test_bbce_closures_toggle_and_reading(app):
    at = app.switch_page("_pages/bbce.py").run()
    _no_errors(at)
    text = " ".join(m.value for m in at.markdown)
    assert "PUE = 0.78" in text
    assert "inverts the paper's policy ranking" in text
    at.radio(key="bbce_ma_placement").set_value("level")
    at.radio(key="bbce_profit_costs").set_value("energy").run()
    _no_errors(at)
    text = " ".join(m.value for m in at.markdown)
    assert "matches the paper's policy ranking" in text
    table = at.dataframe[-1].value
    expected = _data.bbce_ranking(
        {**_bbce_defaults(), "ma_placement": "level", "profit_costs": "energy"}
    )
    assert table["relative_to_bm"].round(6).tolist() == expected["relative_to_bm"].round(6).tolist()


def _bbce_defaults() -> dict[str, str]:
    from hashcarbon.models import bbce

    return dict(bbce.DEFAULT_CLOSURES)


def test_claims_table_and_links(app):
    at = app.switch_page("_pages/claims.py").run()
    _no_errors(at)
    table = at.dataframe[0].value
    assert {"id", "verdict", "reason", "rule", "link"} <= set(table.columns)
    assert len(table) == len(at.get("page_link"))
    assert set(_data.CLAIM_PAGES) >= set(table["id"])


def test_language_switch_on_every_page():
    at = _new()
    at.radio(key="lang").set_value("zh").run()
    _no_errors(at)
    assert at.title[0].value == "当前与历史"
    for page, title in (
        ("where", "挖矿地点"),
        ("policy", "政策实验室"),
        ("bbce", "BBCE 模型复现"),
        ("claims", "说法核查"),
    ):
        at.switch_page(f"_pages/{page}.py").run()
        _no_errors(at)
        assert at.title[0].value == title
        assert at.sidebar.radio(key="lang").value == "zh"
