"""Schemas of the hardware tables."""

from __future__ import annotations

SPECS: list = []
