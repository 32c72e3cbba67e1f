"""pandera schemas of the curated tables, one module per domain.

Each domain module exposes ``SPECS``, a list of
:class:`hashcarbon.data._registry.TableSpec`.
"""

from __future__ import annotations

from hashcarbon.data.schemas import geography, grid, hardware, network, prices, regions

SPECS = [
    *network.SPECS,
    *hardware.SPECS,
    *geography.SPECS,
    *grid.SPECS,
    *prices.SPECS,
    *regions.SPECS,
]

__all__ = ["SPECS"]
