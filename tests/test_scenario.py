"""Scenario files: built-ins validate; malformed files give one-line errors naming the field."""

from __future__ import annotations

import copy
import tomllib
from importlib import resources

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hashcarbon.errors import HashcarbonError, ScenarioError
from hashcarbon.scenario import Scenario, builtin_names, load_scenario, parse_scenario

SIX = {
    "no-ban",
    "china-ban-2021",
    "clean-exemption",
    "site-regulation",
    "market-access",
    "carbon-tax",
}

VALID = {
    "scenario": {"name": "mine", "start": "2014-01", "end": "2030-12"},
    "price": {"path": "trend", "drift_per_yr": 0.05},
    "parameters": {"pue": 1.05},
    "policy": [
        {
            "type": "ban",
            "regions": ["CN-XJ"],
            "start": "2021-06-09",
            "relocate_share": 0.5,
            "underground_share": 0.3,
        },
        {"type": "carbon_tax", "regions": ["all"], "start": "2025-01", "usd_per_t": 50},
        {"type": "cap", "regions": ["RU"], "start": "2024-12", "months": [12, 1, 2], "cap_gw": 0.5},
    ],
}


def test_builtins_are_the_six():
    assert set(builtin_names()) == SIX


@pytest.mark.parametrize("name", sorted(SIX))
def test_builtin_loads_and_every_policy_has_a_source(name):
    s = load_scenario(name)
    assert isinstance(s, Scenario)
    assert s.name == name
    assert s.policy, "every built-in scenario carries the historical policies"
    for p in s.policy:
        assert len(p.source) > 20, f"{name}: policy {p.type} {p.regions} has no source"


def test_counterfactuals_share_the_history():
    hist = {(p.type, tuple(p.regions), p.start) for p in load_scenario("no-ban").policy}
    for name in SIX - {"no-ban"}:
        mine = {(p.type, tuple(p.regions), p.start) for p in load_scenario(name).policy}
        assert hist <= mine, name
    ban = [p for p in load_scenario("china-ban-2021").policy if p.type == "ban"]
    assert {r for p in ban for r in p.regions} >= {"CN-XJ", "CN-SC", "CN-YN", "CN-NM", "CN-OT"}
    assert not [
        p for p in load_scenario("no-ban").policy if p.type == "ban" and "CN-XJ" in p.regions
    ]


def test_valid_dict_parses():
    s = parse_scenario(copy.deepcopy(VALID), "x.toml")
    assert s.scenario.start == "2014-01-01"
    assert s.policy[0].type == "ban"


def test_user_file_roundtrip(tmp_path):
    f = tmp_path / "mine.toml"
    f.write_text(
        '[scenario]\nname = "mine"\nextends = "china-ban-2021"\n\n[[policy]]\ntype = "tariff"\n'
        'regions = ["KZ"]\nstart = 2024-01-01\nadd_usd_per_kwh = 0.01\n',
        encoding="utf-8",
    )
    s = load_scenario(f)
    assert s.policy[-1].type == "tariff"
    assert len(s.policy) == len(load_scenario("china-ban-2021").policy) + 1


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda d: d["scenario"].pop("name"), "scenario.name"),
        (lambda d: d["scenario"].update(start="June"), "scenario.start"),
        (lambda d: d["scenario"].update(end="2010-01"), "scenario"),
        (lambda d: d["price"].update(path="moon"), "price.path"),
        (lambda d: d["price"].update(vol_per_yr=-1), "price.vol_per_yr"),
        (lambda d: d["parameters"].update(pue=9.0), "parameters.pue"),
        (lambda d: d["parameters"].update(warp=1.0), "parameters.warp"),
        (lambda d: d["policy"][0].update(type="nuke"), "policy[0]"),
        (lambda d: d["policy"][0].update(regions=["Atlantis"]), "policy[0].regions"),
        (lambda d: d["policy"][0].update(relocate_share=0.9), "policy[0]"),
        (lambda d: d["policy"][1].update(usd_per_t="lots"), "policy[1].usd_per_t"),
        (lambda d: d["policy"][2].update(months=[13]), "policy[2].months[0]"),
        (lambda d: d["policy"][2].update(colour="red"), "policy[2].colour"),
        (lambda d: d.update(extra=1), "extra"),
    ],
)
def test_malformed_names_the_field(mutate, field):
    d = copy.deepcopy(VALID)
    mutate(d)
    with pytest.raises(ScenarioError) as err:
        parse_scenario(d, "bad.toml")
    msg = str(err.value)
    assert "\n" not in msg
    assert msg.startswith("bad.toml: ")
    assert field in msg, msg


def test_file_errors_are_one_line(tmp_path):
    with pytest.raises(ScenarioError, match="file not found"):
        load_scenario(tmp_path / "none.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[scenario\nname = 1\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="not valid TOML") as err:
        load_scenario(bad)
    assert "\n" not in str(err.value)
    with pytest.raises(ScenarioError, match="unknown built-in scenario"):
        load_scenario("nope")
    ext = tmp_path / "ext.toml"
    ext.write_text('[scenario]\nname = "x"\nextends = "nope"\n', encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"scenario\.extends"):
        load_scenario(ext)


# ---- hypothesis: arbitrary damage to a valid scenario never escapes as a traceback ----

_junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True),
    st.text(max_size=12),
    st.lists(st.integers(-3, 20), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


def _paths(d, prefix=()):
    if isinstance(d, dict):
        for k, v in d.items():
            yield (*prefix, k)
            yield from _paths(v, (*prefix, k))
    elif isinstance(d, list):
        for i, v in enumerate(d):
            yield (*prefix, i)
            yield from _paths(v, (*prefix, i))


ALL_PATHS = list(_paths(VALID))


def _set(d, path, value, delete):
    cur = d
    for p in path[:-1]:
        cur = cur[p]
    if delete:
        if isinstance(cur, dict):
            cur.pop(path[-1], None)
        else:
            cur.pop(path[-1])
    else:
        cur[path[-1]] = value


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    edits=st.lists(
        st.tuples(st.sampled_from(ALL_PATHS), _junk, st.booleans()), min_size=1, max_size=3
    )
)
def test_damaged_scenarios_fail_cleanly(edits):
    d = copy.deepcopy(VALID)
    for path, value, delete in edits:
        try:
            _set(d, path, value, delete)
        except (KeyError, IndexError, TypeError, AttributeError):
            continue  # the path no longer exists after an earlier edit
    try:
        s = parse_scenario(d, "fuzz.toml")
    except ScenarioError as exc:
        msg = str(exc)
        assert "\n" not in msg
        assert msg.startswith("fuzz.toml: ")
        # the message names a field (or the top level) after the file name
        field = msg.split(": ", 2)[1]
        assert field, msg
    else:
        assert isinstance(s, Scenario)


@settings(max_examples=150, deadline=None)
@given(text=st.text(max_size=200))
def test_arbitrary_text_files_fail_cleanly(tmp_path_factory, text):
    f = tmp_path_factory.mktemp("fz") / "any.toml"
    f.write_text(text, encoding="utf-8")
    message = ""
    try:
        load_scenario(f)
    except HashcarbonError as exc:
        message = str(exc)
    assert "\n" not in message


def test_builtin_files_are_valid_toml_with_sources():
    folder = resources.files("hashcarbon") / "scenarios"
    for p in folder.iterdir():
        if p.name.endswith(".toml"):
            data = tomllib.loads(p.read_text(encoding="utf-8"))
            assert "scenario" in data


def test_errors_in_extending_files_use_the_files_own_index(tmp_path):
    f = tmp_path / "ext.toml"
    f.write_text(
        '[scenario]\nname = "x"\nextends = "china-ban-2021"\n\n[[policy]]\ntype = "tariff"\n'
        'regions = ["KZ"]\nstart = "2024-01"\nadd_usd_per_kwh = "cheap"\n',
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError, match=r"ext\.toml: policy\[0\]\.add_usd_per_kwh"):
        load_scenario(f)
    f.write_text(
        '[scenario]\nname = "x"\nextends = "no-ban"\n\n[[policy]]\ntype = "tariff"\n'
        'regions = ["Moon"]\nstart = "2024-01"\nadd_usd_per_kwh = 0.1\n',
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError, match=r"policy\[0\]\.regions: unknown region 'Moon'"):
        load_scenario(f)
