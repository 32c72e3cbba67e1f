"""Streamlit page script: see :mod:`hashcarbon.dashboard.bbce`."""

from hashcarbon.dashboard import bbce

bbce.render()
