"""Streamlit page script: see :mod:`hashcarbon.dashboard.policy`."""

from hashcarbon.dashboard import policy

policy.render()
