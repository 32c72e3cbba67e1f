"""Run the docstring examples of every hashcarbon module (pvlib-style doctested examples)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import hashcarbon

MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(hashcarbon.__path__, prefix="hashcarbon.")
    if ".cli" not in m.name and not m.name.endswith("__main__")
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} doctest(s) failed in {name}"
