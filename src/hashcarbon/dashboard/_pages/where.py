"""Streamlit page script: see :mod:`hashcarbon.dashboard.where`."""

from hashcarbon.dashboard import where

where.render()
