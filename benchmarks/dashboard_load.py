"""Bounded load script: N concurrent Streamlit sessions against a dashboard on loopback.

Each session speaks Streamlit's own protocol, as the browser does: it opens the
WebSocket ``/_stcore/stream`` (subprotocol ``streamlit``), asks for a page with a
``BackMsg.rerun_script``, and reads ``ForwardMsg``s until ``script_finished``.  A session
fails if the connection breaks, the run does not finish with ``FINISHED_SUCCESSFULLY``,
the page shows an exception element, or it takes longer than its time bound.

Bounds: only ``127.0.0.1`` is accepted as host; at most 50 sessions; each session has a
time limit and the whole run an overall one.

Usage::

    python benchmarks/dashboard_load.py PORT [--sessions 20] [--page where]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from dataclasses import dataclass, field

MAX_SESSIONS = 50
HOST = "127.0.0.1"
#: Page name -> url path of the dashboard (``""`` = the default page).
PAGES = {"today": "", "where": "where", "bbce": "bbce", "claims": "claims", "policy": "policy"}


@dataclass
class Result:
    ok: bool
    seconds: float
    messages: int = 0
    error: str = ""
    elements: dict[str, int] = field(default_factory=dict)


def _rerun(page: str) -> bytes:
    from streamlit.proto.BackMsg_pb2 import BackMsg

    msg = BackMsg()
    msg.rerun_script.query_string = ""
    msg.rerun_script.page_name = PAGES[page]
    return msg.SerializeToString()


async def one_session(port: int, page: str, timeout_s: float) -> Result:
    """Open a session, run ``page`` once, and time it until the script finished."""
    import websockets
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    t0 = time.perf_counter()
    n = 0
    kinds: dict[str, int] = {}
    try:
        async with asyncio.timeout(timeout_s):
            async with websockets.connect(
                f"ws://{HOST}:{port}/_stcore/stream",
                subprotocols=["streamlit"],
                max_size=2**28,
                open_timeout=timeout_s,
            ) as ws:
                await ws.send(_rerun(page))
                async for raw in ws:
                    if isinstance(raw, str):
                        continue
                    fm = ForwardMsg()
                    fm.ParseFromString(raw)
                    n += 1
                    kind = fm.WhichOneof("type")
                    if kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                        el = fm.delta.new_element.WhichOneof("type")
                        kinds[el] = kinds.get(el, 0) + 1
                        if el == "exception":
                            return Result(False, time.perf_counter() - t0, n, "exception", kinds)
                    if kind == "script_finished":
                        status = ForwardMsg.ScriptFinishedStatus.Name(fm.script_finished)
                        ok = status == "FINISHED_SUCCESSFULLY"
                        return Result(ok, time.perf_counter() - t0, n, "" if ok else status, kinds)
        return Result(False, time.perf_counter() - t0, n, "connection closed", kinds)
    except TimeoutError:
        return Result(False, time.perf_counter() - t0, n, f"timeout after {timeout_s:.0f} s", kinds)
    except Exception as exc:  # a failed session is counted, not raised
        return Result(False, time.perf_counter() - t0, n, f"{type(exc).__name__}: {exc}", kinds)


async def run_load(
    port: int, sessions: int = 20, page: str = "where", timeout_s: float = 300.0
) -> list[Result]:
    """Start ``sessions`` sessions at once on ``127.0.0.1:port``; all results."""
    if not 1 <= sessions <= MAX_SESSIONS:
        raise ValueError(f"sessions: expected 1 to {MAX_SESSIONS}, got {sessions}")
    if page not in PAGES:
        raise ValueError(f"page: expected one of {', '.join(PAGES)}, got {page!r}")
    tasks = [one_session(port, page, timeout_s) for _ in range(sessions)]
    async with asyncio.timeout(timeout_s + 30):
        return list(await asyncio.gather(*tasks))


def summarise(results: list[Result]) -> dict[str, float]:
    times = sorted(r.seconds for r in results if r.ok)
    out = {"sessions": len(results), "errors": sum(not r.ok for r in results)}
    if times:
        out.update(
            min_s=times[0],
            median_s=statistics.median(times),
            p95_s=times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
            max_s=times[-1],
        )
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("port", type=int)
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--page", default="where", choices=sorted(PAGES))
    ap.add_argument("--timeout", type=float, default=300.0)
    args = ap.parse_args()
    results = asyncio.run(run_load(args.port, args.sessions, args.page, args.timeout))
    for r in results:
        if not r.ok:
            print(f"error: {r.error}")
    print(summarise(results))
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
