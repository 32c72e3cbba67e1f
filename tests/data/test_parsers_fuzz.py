"""Parsers of fetched responses: any bytes give a frame or a one-line ParseError, nothing else."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from hashcarbon.data.iotools import grid as grid_io
from hashcarbon.data.iotools import network as net_io
from hashcarbon.data.iotools.network import ParseError

FIX = Path(__file__).with_name("fixtures")
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=8)
)
json_values = st.recursive(
    scalars,
    lambda kids: st.one_of(
        st.lists(kids, max_size=4), st.dictionaries(st.text(max_size=12), kids, max_size=4)
    ),
    max_leaves=20,
)
#: Documented field names, so the fuzzer reaches past the first shape check.
FIELDS = [
    "data",
    "time",
    "BlkCnt",
    "DiffMean",
    "IssTotNtv",
    "FeeTotNtv",
    "PriceUSD",
    "asset",
    "values",
    "x",
    "y",
    "hash-rate",
    "hashrates",
    "timestamp",
    "avgHashrate",
    "difficulty",
    "avgFees",
    "prices",
    "USD",
]
records = st.lists(st.dictionaries(st.sampled_from(FIELDS), scalars, max_size=8), max_size=5)
docs = st.one_of(
    json_values, st.dictionaries(st.sampled_from(FIELDS), st.one_of(records, scalars), max_size=4)
)


def _only_parse_errors(fn, *args):
    message = ""
    try:
        fn(*args)
    except ParseError as err:
        message = str(err)
    assert "\n" not in message


def _mutations(body: bytes):
    return st.one_of(
        st.integers(0, len(body)).map(lambda n: body[:n]),
        st.tuples(st.integers(0, len(body) - 1), st.binary(min_size=1, max_size=3)).map(
            lambda t: body[: t[0]] + t[1] + body[t[0] + 1 :]
        ),
    )


@settings(max_examples=300, deadline=None)
@given(doc=docs)
def test_network_parsers_on_random_json(doc):
    body = json.dumps(doc).encode()
    _only_parse_errors(net_io.parse_coinmetrics, [body])
    _only_parse_errors(net_io.parse_blockchain_chart, body, "hash-rate")
    _only_parse_errors(net_io.parse_mempool, {"hashrate": body, "fees": body, "price": body})


@settings(max_examples=200, deadline=None)
@given(body=_mutations((FIX / "coinmetrics_page1.json").read_bytes()))
def test_coinmetrics_on_damaged_recording(body):
    _only_parse_errors(net_io.parse_coinmetrics, [body])


@settings(max_examples=200, deadline=None)
@given(body=_mutations((FIX / "mempool_hashrate.json").read_bytes()))
def test_mempool_on_damaged_recording(body):
    bodies = {k: (FIX / f"mempool_{k}.json").read_bytes() for k in ("fees", "price")}
    _only_parse_errors(net_io.parse_mempool, {**bodies, "hashrate": body})


@settings(max_examples=150, deadline=None)
@given(body=_mutations((FIX / "owid_energy.csv").read_bytes()))
def test_owid_on_damaged_recording(body):
    _only_parse_errors(grid_io.parse_owid, body)


@settings(max_examples=150, deadline=None)
@given(body=_mutations((FIX / "ember_yearly_long.csv").read_bytes()[:3000] + b"\n"))
def test_ember_on_damaged_recording(body):
    _only_parse_errors(grid_io.parse_ember, body)
