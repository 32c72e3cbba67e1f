"""Fuzz surface 3: the Python API (public functions of the domain modules and bbce.run).

One or two arguments of a valid call are replaced by generated values (numbers including
NaN, infinities and huge integers, text, dates, lists, dicts, arrays, None, booleans).
Every call returns or raises the project's own error (also a ``ValueError``/``OSError``);
a raw ``TypeError``/``KeyError``/... is a traceback.
"""

from __future__ import annotations

import inspect
import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from hashcarbon._check import check_argument
from hashcarbon.errors import HashcarbonError
from tests.fuzz.api_cases import EXPENSIVE, baselines
from tests.fuzz.conftest import FUZZ, Hang, time_limit
from tests.fuzz.strategies import TRICKY_STRINGS, scalars

BASE = baselines()
FUNCS = sorted(BASE, key=lambda f: (f.__module__, f.__name__))

api_values = st.one_of(
    scalars,
    st.sampled_from(
        [
            None,
            [],
            {},
            (),
            [1, 2],
            [math.nan],
            ["2021-01-01", None],
            np.array([]),
            np.array([np.nan]),
            np.array([[1.0, -1.0]]),
            np.array([1, 2], dtype=np.int8),
            pd.Series([1.0, np.inf]),
            pd.DataFrame(),
            pd.NaT,
            np.datetime64("NaT"),
            object(),
            b"bytes",
            10**30,
            -(10**30),
            True,
            "2021",
            2021,
            -2021,
            2200,
        ]
    ),
    st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=4),
    st.lists(st.sampled_from(TRICKY_STRINGS), max_size=3),
)


def _name(fn) -> str:
    return f"{fn.__module__.rsplit('.', 1)[-1]}.{fn.__name__}"


def _guard_refuses(fn, kwargs) -> bool:
    sig = inspect.signature(fn)
    try:
        for k, v in kwargs.items():
            check_argument(_name(fn), k, v, sig.parameters[k].default)
    except HashcarbonError:
        return True
    return False


@st.composite
def api_cases(draw):
    fn = draw(st.sampled_from(FUNCS))
    params = [
        p.name
        for p in inspect.signature(fn).parameters.values()
        if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL) and p.name != "cat"
    ]
    kwargs = dict(BASE[fn])
    changed = {}
    for name in draw(st.lists(st.sampled_from(params), min_size=1, max_size=2, unique=True)):
        changed[name] = kwargs[name] = draw(api_values)
    return fn, kwargs, changed


@FUZZ
@given(case=api_cases())
def test_api_never_raises_a_raw_error(case, tally):
    fn, kwargs, changed = case
    name = _name(fn)
    if name in EXPENSIVE:
        assume(_guard_refuses(fn, changed))
    row = tally("Python API")
    row["cases"] += 1
    try:
        with time_limit(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fn(**kwargs)
    except Hang:
        row["hangs"] += 1
        raise
    except HashcarbonError as exc:
        row["rejected"] += 1
        message = str(exc)
    except Exception as exc:
        row["tracebacks"] += 1
        pytest.fail(f"{name}({changed!r:.200}): raw {type(exc).__name__}: {exc}")
    else:
        row["accepted"] += 1
        return
    assert "\n" not in message
