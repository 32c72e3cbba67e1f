"""Schemas of the grid tables."""

from __future__ import annotations

SPECS: list = []
