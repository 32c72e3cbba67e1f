"""Builders of the curated tables, one module per domain (see tools/build_data.py)."""
