"""Hypothesis strategies of the fuzz campaign: scenario files, CLI argument lists, API
arguments and damaged tables (all shrinkable and reproducible)."""

from __future__ import annotations

import datetime as dt
import json
import math
import tomllib
from importlib import resources
from typing import Any

from hypothesis import strategies as st

# -- a tiny TOML writer (enough for fuzzing: no tomli_w in the test dependencies) ----------


def toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return (
            "{" + ", ".join(f"{json.dumps(str(k))} = {toml_value(x)}" for k, x in v.items()) + "}"
        )
    return json.dumps(str(v))


def to_toml(doc: dict[str, Any]) -> str:
    lines = []
    for k, v in doc.items():
        if (
            not isinstance(v, (dict, list))
            or (isinstance(v, list) and not all(isinstance(x, dict) for x in v))
            or (isinstance(v, list) and not v)
        ):
            lines.append(f"{json.dumps(str(k))} = {toml_value(v)}")
    for k, v in doc.items():
        if isinstance(v, dict):
            lines.append(f"[{json.dumps(str(k))}]")
            lines += [f"{json.dumps(str(kk))} = {toml_value(vv)}" for kk, vv in v.items()]
        elif isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
            for item in v:
                lines.append(f"[[{json.dumps(str(k))}]]")
                lines += [f"{json.dumps(str(kk))} = {toml_value(vv)}" for kk, vv in item.items()]
    return "\n".join(lines) + "\n"


# -- scenario files --------------------------------------------------------------------------

BUILTINS = {
    p.name[:-5]: tomllib.loads(p.read_text(encoding="utf-8"))
    for p in (resources.files("hashcarbon") / "scenarios").iterdir()
    if p.name.endswith(".toml")
}
TRICKY_STRINGS = [
    "",
    " ",
    "2021-13",
    "2021-02-30",
    "0000-01",
    "-2021",
    "9999-12",
    "2200-01",
    "2013-12",
    "June",
    "_history",
    "no-ban",
    "china-ban-2021",
    "/etc/hostname.toml",
    "/abs/path",
    "../../x.toml",
    "../x",
    "a" * 300,
    "a" * 300 + ".toml",
    "x.toml",
    "ban",
    "cap",
    "all",
    "CN-SC",
    "ZZ",
    "\x00",
    "é中文",
    "nan",
    "true",
]
POLICY_TYPES = [
    "ban",
    "clean_exemption",
    "site_cap",
    "min_efficiency",
    "carbon_tax",
    "tariff",
    "cap",
    "unknown",
    "",
]

scalars = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.sampled_from([0, 1, -1, 12, 13, 2021, 2050, 2051, 10**18]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 0.5, 1.0, 1.0000001, -1e-9, 1e308, math.nan, math.inf]),
    st.text(max_size=20),
    st.sampled_from(TRICKY_STRINGS),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(["a", "type", "regions", "start", "x"]), inner, max_size=3),
    ),
    max_leaves=6,
)
FIELDS = {
    "scenario": ["name", "description", "extends", "start", "end", "zzz"],
    "price": ["path", "drift_per_yr", "vol_per_yr", "fees_btc_per_day", "zzz"],
    "parameters": ["pue", "relocation_delay_months", "invest_rate_per_month", "unknown_param"],
    "policy": [
        "type",
        "regions",
        "start",
        "end",
        "months",
        "source",
        "ramp_months",
        "relocate_share",
        "underground_share",
        "exit_months",
        "supply",
        "metering_leak",
        "dry_season",
        "group",
        "max_share",
        "max_j_per_th",
        "usd_per_t",
        "add_usd_per_kwh",
        "cap_gw",
        "idle",
        "zzz",
    ],
}


@st.composite
def scenario_docs(draw) -> dict[str, Any]:
    """A built-in scenario with 1-4 random edits (set, delete, add, retype)."""
    import copy

    doc = copy.deepcopy(BUILTINS[draw(st.sampled_from(sorted(BUILTINS)))])
    doc.setdefault("scenario", {})
    for _ in range(draw(st.integers(1, 4))):
        table = draw(st.sampled_from([*FIELDS, "top"]))
        op = draw(st.sampled_from(["set", "set", "set", "delete", "type"]))
        if table == "top":
            key = draw(st.sampled_from(["scenario", "price", "parameters", "policy", "zzz"]))
            if op == "delete":
                doc.pop(key, None)
            else:
                doc[key] = draw(values)
            continue
        if table == "policy":
            pols = doc.get("policy")
            if not isinstance(pols, list) or not pols or not isinstance(pols[0], dict):
                doc["policy"] = pols = [{"type": "ban", "regions": ["CN-SC"], "start": "2021-06"}]
            target = pols[draw(st.integers(0, len(pols) - 1))]
            if not isinstance(target, dict):
                continue
        else:
            target = doc.get(table)
            if not isinstance(target, dict):
                target = doc[table] = {}
        key = draw(st.sampled_from(FIELDS[table]))
        if op == "delete":
            target.pop(key, None)
        elif op == "type" and table == "policy":
            target["type"] = draw(st.sampled_from(POLICY_TYPES))
        else:
            target[key] = draw(values)
    return doc


@st.composite
def scenario_texts(draw) -> tuple[str, str]:
    """(kind, TOML text): edited built-ins, raw text damage, deep nesting."""
    kind = draw(st.sampled_from(["edit"] * 8 + ["damage", "nesting"]))
    if kind == "edit":
        return kind, to_toml(draw(scenario_docs()))
    if kind == "nesting":
        depth = draw(st.sampled_from([100, 1000, 5000]))
        opener, closer = draw(st.sampled_from([("[", "]"), ("{a=", "}")]))
        return kind, '[scenario]\nname = "n"\nx = ' + opener * depth + closer * depth + "\n"
    base = to_toml(BUILTINS[draw(st.sampled_from(sorted(BUILTINS)))])
    cut = draw(st.integers(0, len(base)))
    noise = draw(st.text(max_size=10))
    return kind, base[:cut] + noise + base[cut + draw(st.integers(0, 40)) :]
