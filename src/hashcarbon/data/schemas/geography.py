"""Schemas of the geography tables."""

from __future__ import annotations

SPECS: list = []
