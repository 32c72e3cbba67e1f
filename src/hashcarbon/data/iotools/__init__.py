"""Fetch and parse the public sources of ``hashcarbon data update`` (pvlib ``iotools`` habit).

One module per family of sources: :mod:`~hashcarbon.data.iotools.network`
(Coin Metrics community API, Blockchain.com charts, mempool.space: daily
network data and BTC price) and :mod:`~hashcarbon.data.iotools.grid` (Ember
yearly bulk CSV, Our World in Data energy dataset: mixes and carbon
intensity).  ``fetch_*`` functions download (only ``data update`` calls them);
``parse_*`` functions are pure and tested on recorded responses
(``tests/data/fixtures/``).
"""
