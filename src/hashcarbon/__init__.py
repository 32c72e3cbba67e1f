"""hashcarbon: electricity, energy sources and carbon emissions of Bitcoin mining.

The package is organised as a functional core of pure, vectorised functions by
domain (:mod:`hashcarbon.chain`, :mod:`hashcarbon.hardware`,
:mod:`hashcarbon.energy`, :mod:`hashcarbon.grid`, :mod:`hashcarbon.carbon`,
:mod:`hashcarbon.sd`), models built on them (:mod:`hashcarbon.models`), and
faces (:mod:`hashcarbon.cli`, :mod:`hashcarbon.report`).  Curated data tables
ship inside :mod:`hashcarbon.data`.
"""

__version__ = "0.2.0"

__all__ = ["__version__"]
