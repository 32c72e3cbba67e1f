"""``hashcarbon dashboard``: a Streamlit explorer and policy lab in the browser.

Five pages (one module each): :mod:`~hashcarbon.dashboard.today` (electricity
bounds with a price slider, emissions, intensity), :mod:`~hashcarbon.dashboard.where`
(choropleth by country and Chinese province, month slider), :mod:`~hashcarbon.dashboard.policy`
(scenario levers in forms generated from :mod:`hashcarbon.scenario`, world-model runs,
fan chart, Δ table, flows, downloads), :mod:`~hashcarbon.dashboard.bbce` (the BBCE
replication with its closures as toggles) and :mod:`~hashcarbon.dashboard.claims`.
The computations live in :mod:`hashcarbon.dashboard._data` (no Streamlit), so tests and
benchmarks call the same code as the pages.

Start it with ``hashcarbon dashboard`` (see :mod:`hashcarbon.cli.dashboard_cmd`) or
``python -m streamlit run <app_path()>``.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["app_path"]


def app_path() -> Path:
    """Path of the Streamlit entry script."""
    return Path(__file__).resolve().parent / "app.py"
