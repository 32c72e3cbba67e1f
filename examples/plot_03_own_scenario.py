"""Write your own scenario file
===========================

Scenarios are TOML files validated by pydantic models (``hashcarbon.scenario``). A file can
``extends`` a built-in scenario and add policies. Here: the 2021 ban, plus a carbon tax of
50 USD/t CO2 in Texas, Kazakhstan and Russia from 2025. A misspelt field gives one line naming it.
"""

import tempfile
from pathlib import Path

from hashcarbon.errors import ScenarioError
from hashcarbon.models import world
from hashcarbon.scenario import load_scenario

text = """
[scenario]
name = "ban-plus-tax"
description = "China's 2021 ban, then a 50 USD/t carbon tax in Texas, Kazakhstan and Russia from 2025"
extends = "china-ban-2021"

[[policy]]
type = "carbon_tax"
regions = ["US-TX", "KZ", "RU"]
usd_per_t = 50.0
start = "2025-01-01"
source = "illustration only"
"""

with tempfile.TemporaryDirectory() as tmp:
    path = Path(tmp) / "ban-plus-tax.toml"
    path.write_text(text, encoding="utf-8")
    scen = load_scenario(path)
    print(f"loaded {scen.scenario.name!r} with {len(scen.policy)} policies")
    table = world.compare(["china-ban-2021", scen], start="2021", end="2030", n_runs=5).set_index(
        "scenario"
    )
    print(table[["emissions_mt", "delta_emissions_mt"]].round(1).to_string())

    bad = Path(tmp) / "bad.toml"
    bad.write_text(text.replace("usd_per_t =", "usd_per_tonne ="), encoding="utf-8")
    try:
        load_scenario(bad)
    except ScenarioError as exc:
        print("error:", exc)
