"""``hashcarbon data update``: respx replay of recorded responses, fault injection, layering.

Fixtures (tests/data/fixtures, see README.md there) hold real values from
../shared/data in each provider's documented response format.  The embedded
table is cut before each fixture's span (monkeypatched) so that the update
extends it, exactly as it would extend the shipped table after 2026-02-13.
"""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import httpx
import numpy as np
import pandas as pd
import pytest
import respx

from hashcarbon import data
from hashcarbon.data import _registry as registry
from hashcarbon.data import layers, update
from hashcarbon.data.iotools import _http
from hashcarbon.data.iotools import network as net_io
from hashcarbon.errors import DataError

FIX = Path(__file__).with_name("fixtures")
REAL_EMBEDDED = registry.embedded_table

#: Where each source's fixture span needs the embedded table cut.
CUTS = {
    "coinmetrics": ("network_daily", "2019-09-30"),
    "mempool": ("network_daily", "2019-09-30"),
    "blockchain_com": ("network_daily", "2025-03-31"),
    "ember": ("grid_mix", 2019),
    "owid_energy": ("grid_mix", 2019),
}


def _fx(name: str) -> bytes:
    return (FIX / name).read_bytes()


# --------------------------------------------------------------------------- fixtures
@pytest.fixture
def udir(tmp_path, monkeypatch):
    root = tmp_path / "user"
    monkeypatch.setenv("HASHCARBON_DATA_DIR", str(root))
    monkeypatch.delenv("HASHCARBON_DATA", raising=False)
    monkeypatch.setattr(_http, "sleep", lambda s: None)
    layers._merged_cached.cache_clear()
    yield root
    layers._merged_cached.cache_clear()


def cut_embedded(monkeypatch, source: str) -> pd.DataFrame:
    """Make the embedded table of ``source``'s target end before the fixture's span."""
    table, upto = CUTS[source]

    def fake(name, data_dir_override=None):
        frame = REAL_EMBEDDED(name, data_dir_override)
        if name == table:
            col = "date" if table == "network_daily" else "year"
            frame = frame[
                frame[col] <= (pd.Timestamp(upto) if col == "date" else upto)
            ].reset_index(drop=True)
        return frame

    monkeypatch.setattr(update, "embedded_table", fake)
    monkeypatch.setattr(layers, "embedded_table", fake)
    monkeypatch.setattr(registry, "embedded_table", fake)
    layers._merged_cached.cache_clear()
    return fake(table)


def routes(
    mock: respx.MockRouter, overrides: dict[str, object] | None = None
) -> dict[str, respx.Route]:
    """Register every source's recorded responses; ``overrides`` maps route name -> side effect."""
    overrides = overrides or {}
    spec = {
        "cm_page2": (
            r"https://community-api\.coinmetrics\.io/v4/timeseries/asset-metrics\?next_page_token=.*",
            "coinmetrics_page2.json",
        ),
        "cm_page1": (
            r"https://community-api\.coinmetrics\.io/v4/timeseries/asset-metrics\?assets=btc.*",
            "coinmetrics_page1.json",
        ),
        "bc_hash-rate": (
            r"https://api\.blockchain\.info/charts/hash-rate.*",
            "blockchain_hash-rate.json",
        ),
        "bc_difficulty": (
            r"https://api\.blockchain\.info/charts/difficulty.*",
            "blockchain_difficulty.json",
        ),
        "bc_market-price": (
            r"https://api\.blockchain\.info/charts/market-price.*",
            "blockchain_market-price.json",
        ),
        "bc_transaction-fees": (
            r"https://api\.blockchain\.info/charts/transaction-fees.*",
            "blockchain_transaction-fees.json",
        ),
        "mp_hashrate": (
            r"https://mempool\.space/api/v1/mining/hashrate/.*",
            "mempool_hashrate.json",
        ),
        "mp_fees": (r"https://mempool\.space/api/v1/mining/blocks/fees/.*", "mempool_fees.json"),
        "mp_price": (r"https://mempool\.space/api/v1/historical-price.*", "mempool_price.json"),
        "ember": (
            r"https://storage\.googleapis\.com/emb-prod-bkt-publicdata/.*",
            "ember_yearly_long.csv",
        ),
        "owid": (
            r"https://owid-public\.owid\.io/data/energy/owid-energy-data\.csv",
            "owid_energy.csv",
        ),
    }
    out = {}
    for name, (pattern, fixture) in spec.items():
        route = mock.get(url__regex=pattern)
        effect = overrides.get(name)
        if effect is None:
            route.mock(return_value=httpx.Response(200, content=_fx(fixture)))
        else:
            route.mock(side_effect=effect)
        out[name] = route
    return out


SOURCE_ROUTES = {
    "coinmetrics": ["cm_page1", "cm_page2"],
    "blockchain_com": ["bc_hash-rate", "bc_difficulty", "bc_market-price", "bc_transaction-fees"],
    "mempool": ["mp_hashrate", "mp_fees", "mp_price"],
    "ember": ["ember"],
    "owid_energy": ["owid"],
}


def run(source: str, **kw) -> update.Outcome:
    with _http.client() as http:
        return update.run_update([source], http=http, **kw)[0]


# --------------------------------------------------------------------------- replay
def test_coinmetrics_replay_extends_the_table_and_matches_the_build(udir, monkeypatch):
    cut = cut_embedded(monkeypatch, "coinmetrics")
    with respx.mock(assert_all_called=False) as mock:
        r = routes(mock)
        out = run("coinmetrics")
        assert r["cm_page1"].call_count == 1
        assert r["cm_page2"].call_count == 1  # followed next_page_url
        ua = r["cm_page1"].calls[0].request.headers["User-Agent"]
    assert ua.startswith("hashcarbon/")
    assert out.status == "updated", out.line()
    assert out.tables["network_daily"]["last"] == "2019-10-20"
    assert out.tables["network_daily"]["new_rows"] == 20
    merged = data.load_table("network_daily")
    assert merged["date"].max() == pd.Timestamp("2019-10-20")
    assert len(merged) == len(cut) + 20
    # the fetched Coin Metrics days equal the embedded build's Coin Metrics days
    full = REAL_EMBEDDED("network_daily").set_index("date")
    got = merged.set_index("date").loc["2019-10-01":"2019-10-20"]
    for col in ("blocks", "difficulty", "hashrate_ehs", "subsidy_btc", "fees_btc"):
        np.testing.assert_allclose(got[col], full.loc["2019-10-01":"2019-10-20", col], rtol=1e-8)
    prov = data.provenance()["network_daily"]
    assert prov["layer"] == "updated"
    assert prov["last"] == "2026-02-13"  # the real embedded table still ends later
    assert prov["fetched_at"].endswith("Z")
    with data.use_data("embedded"):
        assert len(data.load_table("network_daily")) == len(cut)
        assert data.provenance()["network_daily"]["layer"] == "embedded"


def test_blockchain_com_replay_reproduces_the_embedded_tail(udir, monkeypatch):
    cut_embedded(monkeypatch, "blockchain_com")
    with respx.mock(assert_all_called=False) as mock:
        r = routes(mock)
        out = run("blockchain_com")
        assert "rollingAverage=7days" in str(r["bc_hash-rate"].calls[0].request.url)
        assert "rollingAverage" not in str(r["bc_transaction-fees"].calls[0].request.url)
    assert out.status == "updated", out.line()
    assert out.tables["network_daily"]["last"] == "2025-04-28"
    merged = data.load_table("network_daily").set_index("date")
    full = REAL_EMBEDDED("network_daily").set_index("date")
    new = merged.loc["2025-04-01":"2025-04-28"]
    assert (new["hashrate_flag"] == "interpolated_7d").all()
    # the embedded rows of 2025-03-09..04-28 were built the same way (7-day averages centred and
    # interpolated; fees interpolated from the same transaction-fees samples)
    for col in ("hashrate_ehs", "difficulty", "fees_btc"):
        np.testing.assert_allclose(
            new[col], full.loc["2025-04-01":"2025-04-28", col], rtol=1e-6, atol=1e-6
        )
    # their daily prices (bitinfocharts / Yahoo) outrank the 7-day interpolated price: kept
    assert (merged.loc["2025-02-18":"2025-03-31", "price_flag"] != "interpolated_7d").all()
    rel = (new["btc_usd"] / full.loc["2025-04-01":"2025-04-28", "btc_usd"] - 1).abs().median()
    assert rel < 0.03  # 7-day centred price vs daily average


def test_mempool_replay(udir, monkeypatch):
    cut_embedded(monkeypatch, "mempool")
    with respx.mock(assert_all_called=False) as mock:
        routes(mock)
        out = run("mempool")
    assert out.status == "updated", out.line()
    merged = data.load_table("network_daily").set_index("date")
    full = REAL_EMBEDDED("network_daily").set_index("date")
    new = merged.loc["2019-10-01":"2019-10-20"]
    assert (new["hashrate_flag"] == "mempool").all()
    assert (merged.loc[:"2019-09-30", "hashrate_flag"] == "coinmetrics").all()  # observed rows kept
    np.testing.assert_allclose(
        new["hashrate_ehs"], full.loc["2019-10-01":"2019-10-20", "hashrate_ehs"], rtol=1e-8
    )
    np.testing.assert_allclose(
        new["btc_usd"].sum(), full.loc["2019-10-01":"2019-10-20", "btc_usd"].sum(), rtol=0.02
    )


@pytest.mark.parametrize(
    ("source", "vintage"), [("ember", "ember_yearly_update"), ("owid_energy", "owid_energy_update")]
)
def test_grid_replay(udir, monkeypatch, source, vintage):
    cut_embedded(monkeypatch, source)
    with respx.mock(assert_all_called=False) as mock:
        routes(mock)
        out = run(source)
    assert out.status == "updated", out.line()
    mix = data.load_table("grid_mix")
    new = mix[mix["vintage"] == vintage]
    assert sorted(new["year"].unique()) == [2020, 2021]
    full = REAL_EMBEDDED("grid_mix")
    # the fixture holds OWID 2022 values: compare with the embedded rows of that vintage
    full = full[full["vintage"] == "owid_bp_ember_2022"].set_index(["country", "year", "source"])[
        "generation_twh"
    ]
    got = new.set_index(["country", "year", "source"])["generation_twh"]
    common = got.index.intersection(full.index)
    assert len(common) > 40
    np.testing.assert_allclose(got[common], full[common], rtol=1e-6, atol=1e-6)
    inten = data.load_table("grid_intensity")
    mine = inten[inten["vintage"] == vintage].set_index(["country", "year"])["intensity_g_per_kwh"]
    ref = inten[inten["vintage"] == "ember_2022_combustion"].set_index(["country", "year"])[
        "intensity_g_per_kwh"
    ]
    both = mine.index.intersection(ref.index)
    assert len(both) >= 20
    np.testing.assert_allclose(mine[both], ref[both], rtol=1e-5)


def test_dry_run_writes_nothing(udir, monkeypatch):
    cut_embedded(monkeypatch, "coinmetrics")
    with respx.mock(assert_all_called=False) as mock:
        routes(mock)
        out = run("coinmetrics", dry_run=True)
    assert out.status == "would update"
    assert "network_daily to 2019-10-20" in out.line()
    assert not udir.exists()


def test_second_run_is_unchanged(udir, monkeypatch):
    cut_embedded(monkeypatch, "coinmetrics")
    with respx.mock(assert_all_called=False) as mock:
        routes(mock)
        assert run("coinmetrics").status == "updated"
        again = run("coinmetrics")
    assert again.status == "unchanged"


def test_since_limits_the_rows(udir, monkeypatch):
    cut_embedded(monkeypatch, "coinmetrics")
    with respx.mock(assert_all_called=False) as mock:
        r = routes(mock)
        out = run("coinmetrics", since=pd.Timestamp("2019-10-01").date())
        assert "start_time=2019-10-01" in str(r["cm_page1"].calls[0].request.url)
    assert out.tables["network_daily"]["new_rows"] == 20
    assert out.tables["network_daily"]["changed_rows"] == 0


def test_gap_after_the_table_is_refused(udir, monkeypatch):
    cut_embedded(monkeypatch, "coinmetrics")
    with respx.mock(assert_all_called=False) as mock:
        routes(mock)
        out = run("coinmetrics", since=pd.Timestamp("2019-10-05").date())
    assert out.status == "failed"
    assert out.detail.startswith("gap: the table ends 2019-09-30")


# --------------------------------------------------------------------------- faults
class _Fake:
    def __init__(self, body: bytes) -> None:
        self.body = body
        self.sha256 = "0" * 64

    def read(self) -> bytes:
        return self.body


def _prestate(source: str, root: Path) -> dict[str, bytes]:
    """Write a layer from half of the source's own rows; return a byte snapshot of the user dir."""
    src = update.SOURCES[source]
    if source == "coinmetrics":
        parsed = src.parse(
            [_Fake(_fx("coinmetrics_page1.json")), _Fake(_fx("coinmetrics_page2.json"))]
        )
    elif source == "blockchain_com":
        parsed = src.parse([_Fake(_fx(f"blockchain_{c}.json")) for c in net_io.BLOCKCHAIN_CHARTS])
    elif source == "mempool":
        parsed = src.parse(
            {k: _Fake(_fx(f"mempool_{k}.json")) for k in ("hashrate", "fees", "price")}
        )
    else:
        parsed = src.parse(
            [_Fake(_fx("ember_yearly_long.csv" if source == "ember" else "owid_energy.csv"))]
        )
    tables = {}
    for name, rows in src.rows(parsed).items():
        base = update.current_table(name)
        rows = update.combine(name, base, rows)
        if name == "network_daily":
            rows = rows[rows["date"] <= rows["date"].min() + pd.Timedelta(days=len(rows) // 2)]
        elif name == "grid_mix":
            rows = rows[rows["year"] == rows["year"].min()]
        else:
            rows = rows[rows["year"] <= rows["year"].min() + 1]
        tables[name] = (rows, {"source": source, "fetched_at": "2026-01-01T00:00:00Z"})
    layers.write_layers(tables, root)
    return snapshot(root)


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def _json_fault(kind: str, body: bytes) -> bytes:
    doc = json.loads(body)
    if kind == "wrong_schema":
        return json.dumps({"result": [{"t": 1, "v": 2}]}).encode()
    # the list of daily records inside this document
    if isinstance(doc, list):
        seq = doc
    elif "data" in doc:
        seq = doc["data"]
    elif "hashrates" in doc:
        seq = doc["hashrates"]
    elif "prices" in doc:
        seq = doc["prices"]
    elif "values" in doc:
        seq = doc["values"]
    else:
        seq = next(v for v in doc.values() if isinstance(v, list))
    mid = len(seq) // 2
    if kind == "duplicated_day":
        seq.insert(mid, dict(seq[mid]))
    elif kind == "missing_day":
        del seq[mid : mid + 3]
    return json.dumps(doc).encode()


def _csv_fault(kind: str, body: bytes) -> bytes:
    lines = body.decode().splitlines(keepends=True)
    if kind == "wrong_schema":
        return b"a,b,c\n1,2,3\n"
    if kind == "duplicated_day":
        return "".join([*lines, lines[5]]).encode()
    # missing year: drop every row of one country-year in the middle of the span
    return "".join(ln for ln in lines if not ("Germany" in ln and ",2019," in ln)).encode()


FAULTS = (
    "timeout",
    "connection_reset",
    "http_429",
    "http_500",
    "truncated_body",
    "wrong_schema",
    "duplicated_day",
    "missing_day",
    "disk_full",
)
#: Which route carries the data-shaped faults for each source.
DATA_ROUTE = {
    "coinmetrics": ("cm_page2", "coinmetrics_page2.json"),
    "blockchain_com": ("bc_hash-rate", "blockchain_hash-rate.json"),
    "mempool": ("mp_hashrate", "mempool_hashrate.json"),
    "ember": ("ember", "ember_yearly_long.csv"),
    "owid_energy": ("owid", "owid_energy.csv"),
}

FAULT_LOG: list[dict[str, object]] = []


def _effect(kind: str, source: str):
    route, fixture = DATA_ROUTE[source]
    body = _fx(fixture)
    is_csv = fixture.endswith(".csv")
    if kind == "timeout":
        return route, httpx.ReadTimeout("read timed out")
    if kind == "connection_reset":
        return route, httpx.ReadError("[Errno 104] Connection reset by peer")
    if kind == "http_429":
        return route, httpx.Response(429, headers={"Retry-After": "1"})
    if kind == "http_500":
        return route, httpx.Response(500)
    if kind == "truncated_body":
        return route, httpx.Response(200, content=body[: len(body) // 2 + 7])
    if kind in ("wrong_schema", "duplicated_day", "missing_day"):
        bad = _csv_fault(kind, body) if is_csv else _json_fault(kind, body)
        return route, httpx.Response(200, content=bad)
    return None, None


@pytest.mark.parametrize("kind", FAULTS)
@pytest.mark.parametrize("source", sorted(SOURCE_ROUTES))
def test_fault_keeps_old_data(udir, monkeypatch, source, kind):
    cut_embedded(monkeypatch, source)
    before = _prestate(source, udir)
    assert before  # a previous good layer exists
    loaded_before = {t: data.load_table(t) for t in update.SOURCES[source].tables}
    route, effect = _effect(kind, source)
    real_replace = os.replace

    def full_disk(src, dst, *a, **k):
        if str(udir) in str(dst):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_replace(src, dst, *a, **k)

    if kind == "disk_full":
        monkeypatch.setattr(os, "replace", full_disk)
    with respx.mock(assert_all_called=False) as mock:
        r = routes(mock, {route: effect} if route else None)
        out = run(source)
        calls = r[route].call_count if route else 0
    after = snapshot(udir)
    partial = sorted(set(after) ^ set(before)) + [k for k in before if after.get(k) != before[k]]
    FAULT_LOG.append(
        {
            "source": source,
            "fault": kind,
            "status": out.status,
            "partial": len(partial),
            "line": out.line(),
        }
    )
    assert out.status == "failed", out.line()
    assert "\n" not in out.line()
    assert partial == [], partial
    monkeypatch.setattr(os, "replace", real_replace)
    layers._merged_cached.cache_clear()
    for t, frame in loaded_before.items():
        pd.testing.assert_frame_equal(data.load_table(t), frame)
    if kind in ("timeout", "connection_reset", "http_429", "http_500"):
        assert calls == _http.ATTEMPTS  # retried with backoff, then gave up
        assert (
            kind.split("_")[-1] in out.detail
            or "timeout" in out.detail
            or "connection" in out.detail
        )
    if kind == "disk_full":
        assert out.detail.startswith("disk full")


def test_retry_then_success_and_retry_after(udir, monkeypatch):
    cut_embedded(monkeypatch, "coinmetrics")
    waits: list[float] = []
    monkeypatch.setattr(_http, "sleep", waits.append)
    effect = [
        httpx.Response(429, headers={"Retry-After": "3"}),
        httpx.Response(503),
        httpx.Response(200, content=_fx("coinmetrics_page1.json")),
    ]
    with respx.mock(assert_all_called=False) as mock:
        r = routes(mock, {"cm_page1": effect})
        out = run("coinmetrics")
        assert r["cm_page1"].call_count == 3
    assert out.status == "updated"
    assert waits == [3.0, 2.0]  # Retry-After, then backoff 1 s x 2**1


def test_content_length_mismatch_is_truncation(udir, tmp_path):
    with respx.mock() as mock:
        mock.get("https://example.org/x").mock(
            return_value=httpx.Response(200, content=b"12345", headers={"Content-Length": "10"})
        )
        with httpx.Client() as http, pytest.raises((_http.FetchError, httpx.HTTPError)):
            _http.download(http, "x", "https://example.org/x", tmp_path)
    assert not list(tmp_path.glob(".download.*"))


def test_unknown_source_is_an_input_error():
    with pytest.raises(Exception, match="--source: unknown nope"):
        update.resolve_sources(["nope"])


def test_damaged_layer_fails_in_one_line(udir, monkeypatch):
    cut_embedded(monkeypatch, "coinmetrics")
    with respx.mock(assert_all_called=False) as mock:
        routes(mock)
        assert run("coinmetrics").status == "updated"
    f = next((udir / "tables").glob("network_daily.*.csv"))
    f.write_bytes(f.read_bytes()[:-200])
    layers._merged_cached.cache_clear()
    with pytest.raises(DataError) as err:
        data.load_table("network_daily")
    msg = str(err.value)
    assert "\n" not in msg
    assert f.name in msg
    assert "truncated" in msg
    with data.use_data("embedded"):
        data.load_table("network_daily")  # --data embedded still works


def test_fault_figures_for_the_docs():
    """Summary of the fault-injection matrix above (runs after it in file order)."""
    if len(FAULT_LOG) < len(FAULTS) * len(SOURCE_ROUTES):
        pytest.skip("run the whole file to collect the figures")
    failed = sum(1 for f in FAULT_LOG if f["status"] == "failed")
    partial = sum(int(f["partial"]) for f in FAULT_LOG)
    print(f"\nfaults injected: {len(FAULT_LOG)}, refused: {failed}, partial writes: {partial}")
    for f in FAULT_LOG:
        print(f"| {f['source']} | {f['fault']} | {f['line'].split(': failed: ', 1)[-1]} |")
    assert failed == len(FAULT_LOG)
    assert partial == 0


@pytest.mark.network
@pytest.mark.skipif(
    os.environ.get("HASHCARBON_NETWORK_TESTS") != "1",
    reason="needs the network: HASHCARBON_NETWORK_TESTS=1 pytest -m network",
)
def test_live_sources_dry_run(tmp_path, monkeypatch):
    """Against the real providers (needs the network; skipped unless asked, so CI stays offline)."""
    monkeypatch.setenv("HASHCARBON_DATA_DIR", str(tmp_path / "user"))
    outcomes = update.run_update(dry_run=True)
    assert [o.status for o in outcomes if o.status == "failed"] == [], [o.line() for o in outcomes]
