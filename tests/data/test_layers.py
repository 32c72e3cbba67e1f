"""Layered storage: merge property, atomic swap, data mode, CLI, no network outside `data update`."""

from __future__ import annotations

import errno
import os
import socket

import httpx
import pandas as pd
import pytest
import respx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hashcarbon import data
from hashcarbon.cli import main
from hashcarbon.data import layers
from hashcarbon.data._registry import embedded_table, get_spec, validate_frame

NETWORK = embedded_table("network_daily")
MIX = embedded_table("grid_mix")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cut=st.integers(min_value=1, max_value=len(NETWORK) - 1),
    overlap=st.integers(min_value=0, max_value=400),
)
def test_merging_a_random_split_of_network_daily_equals_the_direct_build(cut, overlap):
    """Embedded = first `cut` days, update = the rest plus `overlap` days before: merge == table."""
    embedded = NETWORK.iloc[:cut]
    upd = NETWORK.iloc[max(cut - overlap, 0) :]
    merged = layers.merge_layers(embedded, upd, layers.UPDATE_KEYS["network_daily"])
    pd.testing.assert_frame_equal(merged, NETWORK.reset_index(drop=True))
    validate_frame(merged.iloc[-200:], get_spec("network_daily"), "merged")


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), frac=st.floats(0.05, 0.95), overlap=st.floats(0.0, 0.5))
def test_merging_a_random_partition_of_grid_mix_equals_the_direct_build(seed, frac, overlap):
    """Any rows may be in either layer (updates on top); sorted by key the merge is the table."""
    key = list(layers.UPDATE_KEYS["grid_mix"])
    in_emb = MIX.sample(frac=frac, random_state=seed % 2**32)
    rest = MIX.drop(in_emb.index)
    again = in_emb.sample(frac=overlap, random_state=(seed + 1) % 2**32)
    upd = pd.concat([rest, again]).sample(frac=1.0, random_state=(seed + 2) % 2**32)
    merged = layers.merge_layers(
        in_emb.reset_index(drop=True), upd.reset_index(drop=True), tuple(key)
    )
    direct = MIX.sort_values(key, kind="stable").reset_index(drop=True)
    pd.testing.assert_frame_equal(merged, direct)


def test_update_rows_replace_embedded_rows_with_the_same_key():
    emb = NETWORK.iloc[:10]
    upd = NETWORK.iloc[5:12].copy()
    upd["btc_usd"] = upd["btc_usd"] * 2
    merged = layers.merge_layers(emb, upd, ("date",))
    assert len(merged) == 12
    assert (merged["btc_usd"].iloc[5:12].to_numpy() == upd["btc_usd"].to_numpy()).all()
    assert (merged["btc_usd"].iloc[:5].to_numpy() == emb["btc_usd"].iloc[:5].to_numpy()).all()


@pytest.fixture
def udir(tmp_path, monkeypatch):
    monkeypatch.setenv("HASHCARBON_DATA_DIR", str(tmp_path / "user"))
    monkeypatch.delenv("HASHCARBON_DATA", raising=False)
    layers._merged_cached.cache_clear()
    yield tmp_path / "user"
    layers._merged_cached.cache_clear()


def _tail_update() -> pd.DataFrame:
    """The last 20 embedded days with a changed price: a valid overlapping update."""
    upd = NETWORK.iloc[-20:].copy()
    upd["btc_usd"] = (upd["btc_usd"] * 1.01).round(2)
    upd["revenue_usd"] = ((upd["subsidy_btc"] + upd["fees_btc"]) * upd["btc_usd"]).round(2)
    return upd


def test_write_layer_then_load_and_provenance(udir):
    layers.write_layer(
        "network_daily", _tail_update(), {"fetched_at": "2026-12-01T00:00:00Z", "source": "test"}
    )
    merged = data.load_table("network_daily")
    assert len(merged) == len(NETWORK)
    assert merged["btc_usd"].iloc[-1] == pytest.approx(NETWORK["btc_usd"].iloc[-1] * 1.01, abs=0.01)
    p = data.provenance()["network_daily"]
    assert p == {**p, "layer": "updated", "fetched_at": "2026-12-01T00:00:00Z", "source": "test"}
    assert data.provenance()["grid_mix"]["layer"] == "embedded"
    with data.use_data("embedded"):
        assert data.load_table("network_daily")["btc_usd"].iloc[-1] == NETWORK["btc_usd"].iloc[-1]
    assert layers.remove_layer("network_daily") == ["network_daily"]
    assert data.load_table("network_daily")["btc_usd"].iloc[-1] == NETWORK["btc_usd"].iloc[-1]


def test_disk_full_at_swap_keeps_the_previous_version(udir, monkeypatch):
    layers.write_layer("network_daily", _tail_update(), {"source": "v1"})
    before = {p: p.read_bytes() for p in udir.rglob("*") if p.is_file()}
    real = os.replace

    def full(src, dst, *a, **k):
        if str(dst).endswith("manifest.toml"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(src, dst, *a, **k)

    monkeypatch.setattr(os, "replace", full)
    upd = _tail_update()
    upd["btc_usd"] = (upd["btc_usd"] * 1.02).round(2)
    upd["revenue_usd"] = ((upd["subsidy_btc"] + upd["fees_btc"]) * upd["btc_usd"]).round(2)
    with pytest.raises(OSError, match="No space"):
        layers.write_layer("network_daily", upd, {"source": "v2"})
    monkeypatch.setattr(os, "replace", real)
    after = {p: p.read_bytes() for p in udir.rglob("*") if p.is_file()}
    assert after == before
    assert data.provenance()["network_daily"]["source"] == "v1"


def test_data_option_on_the_cli(udir, capsys):
    layers.write_layer(
        "network_daily", _tail_update(), {"fetched_at": "2026-12-01T00:00:00Z", "source": "test"}
    )
    assert main(["data", "info", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    line = next(ln for ln in out.splitlines() if ln.startswith("network_daily,"))
    assert ",updated,2026-02-13,2026-12-01T00:00:00Z," in line
    assert main(["--data", "embedded", "data", "info", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    line = next(ln for ln in out.splitlines() if ln.startswith("network_daily,"))
    assert ",embedded,2026-02-13,," in line
    os.environ.pop("HASHCARBON_DATA", None)
    assert main(["--data", "cached", "data", "info"]) == 2
    assert "--data: expected embedded or updated" in capsys.readouterr().err


def test_cli_update_dry_run_and_bad_arguments(udir, capsys, monkeypatch):
    from hashcarbon.data.iotools import _http

    monkeypatch.setattr(_http, "sleep", lambda s: None)
    with respx.mock(assert_all_called=False) as mock:
        mock.get(url__regex=r".*coinmetrics.*").mock(return_value=httpx.Response(500))
        assert main(["data", "update", "--source", "coinmetrics", "--dry-run"]) == 2
    cap = capsys.readouterr()
    out = cap.out
    assert "1 of 1 source(s) failed (coinmetrics); their old data were kept" in cap.err
    assert "coinmetrics: failed: HTTP 500 from community-api.coinmetrics.io after 4 attempts" in out
    assert "dry run: nothing written" in out
    assert not udir.exists()
    assert main(["data", "update", "--source", "nope"]) == 2
    assert "--source: unknown nope" in capsys.readouterr().err
    assert main(["data", "update", "--since", "2026-13-01"]) == 2
    assert "--since: expected a date" in capsys.readouterr().err


def test_no_command_but_data_update_touches_the_network(udir, monkeypatch, capsys):
    def refuse(*a, **k):
        raise AssertionError("network access outside `data update`")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(httpx.Client, "send", refuse)
    assert main(["data", "info", "--format", "json"]) == 0
    assert main(["data", "show", "hydro_curtailment", "--format", "csv"]) == 0
    capsys.readouterr()


def test_leftovers_of_a_killed_update_are_swept(udir):
    layers.write_layer("network_daily", _tail_update(), {"source": "v1"})
    (udir / "tables" / ".network_daily.deadbeef0000.csv.999999.tmp").write_bytes(b"partial")
    (udir / "tables" / "network_daily.deadbeef0000.csv").write_bytes(b"orphan, never committed")
    (udir / ".manifest.toml.999999.tmp").write_bytes(b"partial")
    upd = _tail_update()
    upd["btc_usd"] = (upd["btc_usd"] * 1.03).round(2)
    upd["revenue_usd"] = ((upd["subsidy_btc"] + upd["fees_btc"]) * upd["btc_usd"]).round(2)
    new = layers.write_layer("network_daily", upd, {"source": "v2"})
    left = sorted(p.name for p in udir.rglob("*") if p.is_file())
    assert left == sorted([".lock", "manifest.toml", new.name])
