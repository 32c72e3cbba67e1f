"""Streamlit entry script of ``hashcarbon dashboard``: navigation, language, data layer."""

from __future__ import annotations

import streamlit as st

from hashcarbon.dashboard import _ui
from hashcarbon.dashboard._i18n import tr

ICONS = {
    "today": ":material/bolt:",
    "where": ":material/map:",
    "policy": ":material/science:",
    "bbce": ":material/show_chart:",
    "claims": ":material/fact_check:",
}


def main() -> None:
    """Navigation, language switch and data layer; runs the chosen page."""
    st.set_page_config(page_title="hashcarbon", layout="wide")

    lang = _ui.lang()
    pages = [
        st.Page(
            f"_pages/{key}.py",
            title=tr(lang, f"page_{key}"),
            icon=ICONS[key],
            url_path=key,
            default=key == "today",
        )
        for key in _ui.PAGES
    ]
    nav = st.navigation(pages)
    st.sidebar.markdown(f"**{tr(lang, 'app_title')}**")
    _ui.language_switch()
    layer = _ui.data_layer()
    st.sidebar.caption(tr(lang, "data_layer", layer=layer))
    if layer == "updated" and not _ui.updated_layer_available():
        st.sidebar.caption(tr(lang, "no_updated"))
    nav.run()


# Streamlit runs this file as ``__main__``; importing it (doctests, tools) does nothing.
if __name__ == "__main__":
    main()
