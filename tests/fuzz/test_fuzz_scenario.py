"""Fuzz surface 1: scenario TOML files (hashcarbon.scenario.load_scenario).

Every generated file is either accepted (and then no TOML boolean was taken as a number)
or refused with one :class:`ScenarioError` line naming the file.
"""

from __future__ import annotations

import pytest
from hypothesis import given

from hashcarbon.errors import HashcarbonError, ScenarioError
from hashcarbon.scenario import Scenario, load_scenario
from tests.fuzz.conftest import FUZZ, Hang, time_limit
from tests.fuzz.strategies import scenario_texts


def _bools_taken_as_numbers(raw, loaded, path="") -> list[str]:
    """Paths where the file had ``true``/``false`` and the model holds a number."""
    out = []
    if isinstance(raw, dict) and isinstance(loaded, dict):
        for k, v in raw.items():
            if k in loaded:
                out += _bools_taken_as_numbers(v, loaded[k], f"{path}.{k}")
    elif (
        isinstance(raw, bool) and isinstance(loaded, (int, float)) and not isinstance(loaded, bool)
    ):
        out.append(path)
    return out


@pytest.fixture(scope="module")
def case_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("scenarios")


@FUZZ
@given(case=scenario_texts())
def test_scenario_files_never_traceback(case, case_dir, tally):
    import tomllib

    row = tally("scenario TOML")
    kind, text = case
    path = case_dir / "case.toml"
    path.write_text(text, encoding="utf-8")
    row["cases"] += 1
    try:
        with time_limit():
            scen = load_scenario(path)
    except Hang:
        row["hangs"] += 1
        raise
    except ScenarioError as exc:
        row["rejected"] += 1
        message = str(exc)
    except HashcarbonError as exc:
        row["rejected"] += 1
        message = f"{path}: {exc}"
    except Exception:
        row["tracebacks"] += 1
        raise
    else:
        message = None
    if message is not None:
        assert "\n" not in message
        assert message.startswith(str(path)), message
        return
    row["accepted"] += 1
    assert isinstance(scen, Scenario)
    raw = tomllib.loads(text)
    dumped = scen.model_dump()
    loose = _bools_taken_as_numbers(
        {k: raw.get(k) for k in ("scenario", "price", "parameters") if k in raw}, dumped
    )
    assert not loose, f"TOML booleans taken as numbers at {loose}"
