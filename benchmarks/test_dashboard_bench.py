"""Benchmarks of ``hashcarbon dashboard`` (issue 14).

1. Cold start to first chart: ``hashcarbon dashboard`` started in a subprocess; times to
   the open port and to the first session's first Plotly chart (Streamlit protocol over
   the WebSocket, as the browser receives it) and to the end of that first run.
2. A 1,000-run policy-lab run, through the page (AppTest, the baseline already cached as
   it is after a first visit), against the direct Python API call ``world.run(...,
   n_runs=1000)`` - the world model's benchmark call - measured in the same process right
   after.  Budget: 5 s or the world call's time, whichever is larger, with 25 % allowance
   for what the page adds (yearly reduction, Δ table, fan, flows, rendering) and for the
   load of a shared machine between the two measurements.
3. 20 concurrent sessions on 127.0.0.1 (``benchmarks/dashboard_load.py``): 0 errors,
   latencies reported.

Run with ``python -m pytest benchmarks/test_dashboard_bench.py -s``; figures are printed
and stored in pytest-benchmark's ``extra_info``.
"""

from __future__ import annotations

import asyncio
import time

import pytest

pytest.importorskip("streamlit")
pytest.importorskip("websockets")

from tests.dashboard._server import OUTPUT, Server

from benchmarks.dashboard_load import one_session, run_load, summarise

pytestmark = pytest.mark.slow

#: Allowance over the direct world.run time measured in the same process. [-]
POLICY_ALLOWANCE = 1.25
LOAD_SESSIONS = 20
LOAD_TIMEOUT_S = 300.0


@pytest.fixture(scope="module")
def server():
    OUTPUT.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    srv = Server(log=OUTPUT / "bench_server.log")
    srv.cold_port_s = time.perf_counter() - t0
    yield srv
    srv.stop()


async def _first_chart(port: int, timeout_s: float = 300.0) -> tuple[float, float]:
    """Seconds to the first plotly_chart element and to the end of the first run."""
    import websockets
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    from benchmarks.dashboard_load import _rerun

    t0 = time.perf_counter()
    first = None
    async with asyncio.timeout(timeout_s):
        async with websockets.connect(
            f"ws://127.0.0.1:{port}/_stcore/stream", subprotocols=["streamlit"], max_size=2**28
        ) as ws:
            await ws.send(_rerun("today"))
            async for raw in ws:
                fm = ForwardMsg()
                fm.ParseFromString(raw)
                kind = fm.WhichOneof("type")
                if (
                    first is None
                    and kind == "delta"
                    and fm.delta.WhichOneof("type") == "new_element"
                    and fm.delta.new_element.WhichOneof("type") == "plotly_chart"
                ):
                    first = time.perf_counter() - t0
                if kind == "script_finished":
                    assert ForwardMsg.ScriptFinishedStatus.Name(fm.script_finished) == (
                        "FINISHED_SUCCESSFULLY"
                    )
                    assert first is not None, "the first page drew no chart"
                    return first, time.perf_counter() - t0
    raise AssertionError("no script_finished")


def test_cold_start_to_first_chart(server, benchmark):
    first_s, run_s = benchmark.pedantic(
        lambda: asyncio.run(_first_chart(server.port)), rounds=1, iterations=1
    )
    info = {
        "process_start_to_port_s": server.cold_port_s,
        "session_to_first_chart_s": first_s,
        "session_to_first_run_done_s": run_s,
        "process_start_to_first_chart_s": server.cold_port_s + first_s,
    }
    benchmark.extra_info.update(info)
    print("\ncold start:", {k: round(v, 2) for k, v in info.items()})
    # a second session on the warm server reuses the cached estimate
    warm = asyncio.run(one_session(server.port, "today", 120.0))
    assert warm.ok, warm.error
    benchmark.extra_info["warm_session_s"] = warm.seconds
    print(f"warm session: {warm.seconds:.2f} s (cold {run_s:.2f} s)")


def test_load_20_sessions(server, benchmark):
    asyncio.run(one_session(server.port, "where", 120.0))  # warm the caches once
    results = benchmark.pedantic(
        lambda: asyncio.run(run_load(server.port, LOAD_SESSIONS, "where", LOAD_TIMEOUT_S)),
        rounds=1,
        iterations=1,
    )
    summary = summarise(results)
    benchmark.extra_info.update(summary)
    print("\n20 sessions (where page):", {k: round(v, 2) for k, v in summary.items()})
    errors = [r.error for r in results if not r.ok]
    assert summary["errors"] == 0, errors
    assert all(r.elements.get("plotly_chart", 0) == 2 for r in results)


def test_policy_lab_1000_runs(benchmark):
    from streamlit.testing.v1 import AppTest

    from hashcarbon.dashboard import _data, app_path
    from hashcarbon.models import world

    world.history()
    at = AppTest.from_file(str(app_path()), default_timeout=900).run()
    at.switch_page("_pages/policy.py").run()
    # first visit: the baseline (china-ban-2021) is computed and cached
    at.selectbox(key="pl_builtin").set_value("china-ban-2021").run()
    at.number_input(key="pl_runs").set_value(1000)
    t0 = time.perf_counter()
    next(b for b in at.button if b.label == "Run").click().run()
    baseline_s = time.perf_counter() - t0
    assert not at.exception
    # the timed policy-lab run: an edited scenario against the cached baseline
    at.selectbox(key="pl_builtin").set_value("clean-exemption").run()
    at.number_input(key="lever_0_metering_leak").set_value(0.3)
    at.number_input(key="pl_runs").set_value(1000)

    def page_run():
        next(b for b in at.button if b.label == "Run").click().run()
        return at

    benchmark.pedantic(page_run, rounds=1, iterations=1)
    assert not at.exception, [e.value for e in at.exception]
    assert any(m.label.startswith("Δ emissions") for m in at.metric)
    page_s = float(benchmark.stats.stats.max) if benchmark.stats else float("nan")
    table = _data.builtin_toml("clean-exemption")
    table["policy"][0]["metering_leak"] = 0.3
    scen = _data.validate(table)
    t0 = time.perf_counter()
    ds = world.run(scen, n_runs=1000, seed=0)
    direct_s = time.perf_counter() - t0
    assert ds.sizes["run"] == 1000
    del ds
    ratio = page_s / direct_s
    benchmark.extra_info.update(
        page_1000_runs_s=page_s,
        direct_world_run_1000_s=direct_s,
        ratio_page_over_direct=ratio,
        first_visit_with_baseline_s=baseline_s,
        budget_s=max(5.0, POLICY_ALLOWANCE * direct_s),
    )
    print(
        f"\npolicy lab, 1000 runs: page {page_s:.1f} s, direct world.run {direct_s:.1f} s, "
        f"ratio {ratio:.2f}; first visit (scenario = baseline) {baseline_s:.1f} s"
    )
    if benchmark.stats is not None:
        assert page_s < max(5.0, POLICY_ALLOWANCE * direct_s)
