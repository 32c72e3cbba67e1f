"""Carbon accounting core: hand-computed cases and invariants."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from hashcarbon import carbon
from hashcarbon.errors import InputError

CCAF = {
    "coal": 1001,
    "gas": 486,
    "oil": 840,
    "nuclear": 13,
    "hydro": 21,
    "wind": 13,
    "solar": 35.5,
    "other_renewables": 32.3,
}


def _simplex(shape, seed):
    rng = np.random.default_rng(seed)
    x = rng.random(shape) + 1e-9
    return x / x.sum(axis=-1, keepdims=True)


def test_location_mix_hand_case():
    share = np.array([[0.25, 0.75]])
    mix = np.array([[[1.0, 0.0], [0.0, 1.0]]])
    assert carbon.location_mix(share, mix).tolist() == [[0.25, 0.75]]


def test_intensity_of_pure_coal_is_coal_factor():
    sources = list(CCAF)
    mix = np.zeros(len(sources))
    mix[sources.index("coal")] = 1.0
    assert carbon.intensity_from_mix(mix, list(CCAF.values())) == 1001


def test_emissions_units():
    # 1 TWh at 1000 g/kWh = 1e9 kWh * 1 kg = 1 Mt
    assert carbon.emissions_mt(1.0, 1000.0) == pytest.approx(1.0)


def test_bad_shares_raise_one_line():
    with pytest.raises(InputError, match="location_share"):
        carbon.location_mix([[0.5, 0.6]], [[1.0, 0.0], [0.0, 1.0]])
    with pytest.raises(InputError, match="region_mix"):
        carbon.location_mix([[0.5, 0.5]], [[1.0, 0.1], [0.0, 1.0]])


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 6), st.integers(1, 5), st.integers(2, 9), st.integers(0, 2**32 - 1))
def test_mix_shares_sum_to_one(t, r, s, seed):
    w = _simplex((t, r), seed)
    g = _simplex((t, r, s), seed + 1)
    m = carbon.location_mix(w, g)
    np.testing.assert_allclose(m.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    assert (m >= 0).all()


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 6), st.integers(1, 5), st.integers(0, 2**32 - 1), st.floats(0.0, 1e3))
def test_zero_intensity_grids_give_zero_emissions(t, r, seed, energy):
    w = _simplex((t, r), seed)
    g = _simplex((t, r, 8), seed + 1)
    inten = carbon.intensity_from_mix(carbon.location_mix(w, g), np.zeros(8))
    assert np.all(carbon.emissions_mt(energy, inten) == 0.0)


@settings(max_examples=50, deadline=None)
@given(
    arrays(float, (3, 4), elements=st.floats(0, 100)),
    arrays(float, (3, 4), elements=st.floats(0, 100)),
)
def test_curtailed_fraction_bounded(q, c):
    f = carbon.curtailed_fraction(q, c)
    assert ((f >= 0) & (f <= 1)).all()
    assert np.all(f[q == 0] == 0)


def test_marginal_accounting_lowers_intensity_and_keeps_shares():
    sources = list(CCAF)
    factors = np.array(list(CCAF.values()))
    g = _simplex((2, 3, len(sources)), 1)
    f = np.array([[0.0, 0.5, 1.0], [0.2, 0.0, 0.0]])
    g2, names = carbon.with_curtailed_source(g, f, sources)
    np.testing.assert_allclose(g2.sum(axis=-1), 1.0, atol=1e-12)
    w = _simplex((2, 3), 2)
    i_avg = carbon.intensity_from_mix(carbon.location_mix(w, g), factors)
    i_marg = carbon.intensity_from_mix(carbon.location_mix(w, g2), np.append(factors, 0.0))
    assert np.all(i_marg <= i_avg + 1e-12)
    # region fully curtailed contributes nothing: hand check for t=0
    expected = w[0, 0] * g[0, 0] @ factors + w[0, 1] * 0.5 * (g[0, 1] @ factors)
    assert i_marg[0] == pytest.approx(expected)
    assert (
        carbon.sustainable_share(carbon.location_mix(w, g2), names).min()
        >= carbon.sustainable_share(carbon.location_mix(w, g), sources).min() - 1e-12
    )
