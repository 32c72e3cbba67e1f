"""Models built on the functional core: :mod:`hashcarbon.models.bbce` (Jiang et al. 2021)
and :mod:`hashcarbon.models.world` (the world policy simulator)."""
