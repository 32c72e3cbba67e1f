"""Streamlit page script: see :mod:`hashcarbon.dashboard.claims`."""

from hashcarbon.dashboard import claims

claims.render()
