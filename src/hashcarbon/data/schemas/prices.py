"""Schemas of the prices tables."""

from __future__ import annotations

SPECS: list = []
