"""Schemas of the network tables."""

from __future__ import annotations

SPECS: list = []
