"""Shared fixtures: the ``../shared`` folder (tests that read it skip when it is absent)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def shared_path() -> Path:
    env = os.environ.get("HASHCARBON_SHARED")
    return Path(env) if env else ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data``; the test is skipped when it is not there (as on a user's machine)."""
    data = shared_path() / "data"
    if not data.is_dir():
        pytest.skip("../shared/data is not available")
    return data
