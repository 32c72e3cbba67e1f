"""Computing only the requested outputs gives the same numbers as a full run."""

from __future__ import annotations

import numpy as np
import pytest

from hashcarbon.models import bbce


@pytest.mark.parametrize("scenario", ["bbce-bm", "bbce-ct"])
def test_pruned_outputs_equal_full_run(scenario):
    full = bbce.ensemble(257, seed=3, scenario=scenario, outputs="all")
    for outputs in (bbce.ENSEMBLE_OUTPUTS, ("carbon_flow_mt",), ("hashrate_ehs", "difficulty")):
        part = bbce.ensemble(257, seed=3, scenario=scenario, outputs=outputs)
        assert set(outputs) <= set(part.data_vars)
        assert "revenue_usd" not in part.data_vars or "revenue_usd" in outputs
        for name in outputs:
            np.testing.assert_array_equal(part[name].values, full[name].values, err_msg=name)
        for name in bbce.UNCERTAIN:
            np.testing.assert_array_equal(part[f"param_{name}"], full[f"param_{name}"])


def test_pruning_skips_unused_work():
    """Fewer computed variables: the plan's dependency closure is smaller than the model."""
    from hashcarbon.sd.engine import _plan

    m = bbce.model()
    plan = _plan(m)
    need = plan.needed(["carbon_flow_mt"])
    assert "carbon_flow_mt" in need
    assert len(need) < len(plan.slots)
    # and an unknown output is a one-line error naming it
    from hashcarbon.errors import ParameterError

    with pytest.raises(ParameterError, match="outputs: unknown variable 'nope'"):
        bbce.run("bbce-bm", outputs=("nope",))
