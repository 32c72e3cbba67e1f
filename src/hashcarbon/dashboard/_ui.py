"""Streamlit helpers shared by the pages: language, cached computations, charts with CSV."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from hashcarbon.dashboard import _data
from hashcarbon.dashboard._i18n import LANG_NAMES, LANGS, tr

#: Environment variable naming the data layer (set by ``hashcarbon dashboard --data``).
#: the data layer switch of :mod:`hashcarbon.data` (``--data``), inherited from the CLI
DATA_ENV = "HASHCARBON_DATA"
PAGES = ("today", "where", "policy", "bbce", "claims")
#: Plotly settings shared by every chart (no logo, PNG export at 2x).
PLOTLY_CONFIG = {"displaylogo": False, "toImageButtonOptions": {"scale": 2}}
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf")


def lang() -> str:
    """The language chosen in the sidebar (``?lang=zh`` in the URL sets it on arrival)."""
    if "lang" not in st.session_state:
        q = st.query_params.get("lang", "en")
        st.session_state["lang"] = q if q in LANGS else "en"
    value = st.session_state.get("lang", "en")
    return value if value in LANGS else "en"


def language_switch() -> str:
    """The en/zh switch (sidebar, every page)."""
    current = lang()
    st.sidebar.radio(
        tr(current, "language"),
        LANGS,
        format_func=LANG_NAMES.get,
        key="lang",
        horizontal=True,
    )
    return lang()


def data_layer() -> str:
    from hashcarbon import data

    return data.data_mode()


def error_line(message: str) -> None:
    """One line in the page, never a traceback."""
    st.error(" ".join(str(message).split()), icon=None)


def style(fig):
    """The layout every chart shares (margins, legend under the plot, CJK-capable font)."""
    fig.update_layout(
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        legend={"orientation": "h", "yanchor": "top", "y": -0.08, "x": 0},
        font={"family": "Noto Sans CJK SC, Noto Sans, sans-serif"},
        hovermode=fig.layout.hovermode or "x unified",
    )
    return fig


def chart(fig, frame: pd.DataFrame, key: str, lg: str, styled: bool = False) -> None:
    """A Plotly chart and, under it, the CSV of exactly the frame it was drawn from.

    ``styled=True``: the figure already went through :func:`style` (cached figures are
    shared between sessions and must not be changed here).
    """
    if not styled:
        style(fig)
    st.plotly_chart(fig, key=f"chart_{key}", config=PLOTLY_CONFIG, width="stretch")
    st.download_button(
        tr(lg, "download_csv"),
        frame.to_csv(index=False).encode("utf-8"),
        file_name=f"hashcarbon_{key}.csv",
        mime="text/csv",
        key=f"csv_{key}",
    )


# ---------------------------------------------------------------- cached computations
# Keys are the arguments (Streamlit hashes them); the world runs are keyed by the
# scenario hash of :func:`hashcarbon.dashboard._data.scenario_hash`.
@st.cache_data(show_spinner=False, max_entries=32)
def estimate(method: str, price: float, factors: str, accounting: str) -> pd.DataFrame:
    return _data.estimate(method, price, factors, accounting)


@st.cache_data(show_spinner=False)
def world_grid(years: tuple[int, ...]) -> pd.DataFrame:
    return _data.world_grid(list(years))


@st.cache_data(show_spinner=False)
def shares() -> pd.DataFrame:
    return _data.shares()


@st.cache_data(show_spinner=False, max_entries=16)
def _summary(key: str, _table: dict[str, Any], n_runs: int, seed: int, mode: str):
    # ``_table`` is not hashed by Streamlit: ``key`` (the scenario hash) stands for it.
    return _data.run_summary(_table, n_runs, seed, mode)


def summary(data: dict[str, Any], n_runs: int, seed: int, mode: str):
    """World-model yearly summary, cached by the scenario hash (same scenario -> instant)."""
    key = _data.scenario_hash(data, n_runs, seed, mode)
    return _summary(key, data, n_runs, seed, mode), key


@st.cache_data(show_spinner=False, max_entries=8)
def _joint(key: str, baseline: str, _table: dict[str, Any], n_runs: int, seed: int, mode: str):
    # ``_table`` is not hashed: ``key`` (scenario hash with runs, seed and mode) stands for it
    return _data.joint_compare(_table, baseline, n_runs, seed, mode)


def joint(data: dict[str, Any], baseline: str, n_runs: int, seed: int, mode: str):
    """Joint-uncertainty ensemble and Δ table, cached by scenario hash + mode + runs + seed
    (and the baseline's name)."""
    _data.check_joint(mode, n_runs)
    key = _data.scenario_hash(data, n_runs, seed, mode)
    ds, delta = _joint(key, baseline, data, n_runs, seed, mode)
    return ds, delta, key


@st.cache_data(show_spinner=False, max_entries=16)
def bbce_series(closure_items: tuple[tuple[str, str], ...]) -> pd.DataFrame:
    return _data.bbce_series(dict(closure_items))


@st.cache_data(show_spinner=False, max_entries=16)
def bbce_ranking(closure_items: tuple[tuple[str, str], ...]) -> pd.DataFrame:
    return _data.bbce_ranking(dict(closure_items))


@st.cache_data(show_spinner=False, max_entries=4)
def claims_table(runs: int, seed: int) -> pd.DataFrame:
    return _data.claims_table(runs, seed)


@st.cache_data(show_spinner=False)
def geojson() -> dict:
    import json
    from importlib import resources

    res = resources.files("hashcarbon.dashboard") / "geo" / "regions.geojson"
    return json.loads(res.read_text(encoding="utf-8"))


def updated_layer_available() -> bool:
    """Whether the user has fetched an updated-data layer (``hashcarbon data update``)."""
    from hashcarbon.data import layers

    return bool(layers.layer_manifest())
