"""Streamlit page script: see :mod:`hashcarbon.dashboard.today`."""

from hashcarbon.dashboard import today

today.render()
