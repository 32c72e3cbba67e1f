"""The dashboard in a real browser: Debian's chromium driven by PyPI playwright.

Starts ``hashcarbon dashboard`` on 127.0.0.1 (free port), waits for the port, opens every
page, changes a lever in the policy lab and runs it, reads the Δ median from the page and
checks it against :func:`hashcarbon.models.world.compare`, switches to Chinese and looks
for Chinese text, and saves full-page screenshots under ``test-output/dashboard/``.
``playwright install`` cannot download browsers here, so the system chromium is used;
the test is skipped (with the reason) when chromium or playwright is missing.
"""

from __future__ import annotations

import re
import shutil
import time

import pytest

from tests.dashboard._server import OUTPUT, Server

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def server():
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (apt-get install -y chromium fonts-noto-cjk)")
    pytest.importorskip("playwright.sync_api", reason="PyPI playwright is not installed")
    OUTPUT.mkdir(parents=True, exist_ok=True)
    srv = Server(log=OUTPUT / "server.log")
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def page(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        pg = browser.new_page(viewport={"width": 1400, "height": 900})
        pg.set_default_timeout(180_000)
        yield pg
        browser.close()


def _settle(pg) -> None:
    """Wait until Streamlit has finished the current run (no running indicator)."""
    pg.wait_for_timeout(500)
    pg.wait_for_function(
        "() => !document.querySelector('[data-testid=stStatusWidget]')", timeout=300_000
    )
    pg.wait_for_timeout(800)


def shot(pg, name: str) -> None:
    """Full-page screenshot: Streamlit scrolls inside its main block, so grow the viewport."""
    h = pg.evaluate(
        "() => Math.max(document.body.scrollHeight, ...[...document.querySelectorAll("
        "'[data-testid=stMain], [data-testid=stAppViewContainer], section')].map(e => e.scrollHeight))"
    )
    pg.set_viewport_size({"width": 1400, "height": min(int(h) + 40, 9000)})
    pg.wait_for_timeout(1200)
    pg.screenshot(path=str(OUTPUT / f"{name}.png"), full_page=True)
    pg.set_viewport_size({"width": 1400, "height": 900})


def _number(text: str) -> float:
    m = re.search(r"[-+−]?\d+(?:\.\d+)?", text.replace("−", "-"))
    assert m, f"no number in {text!r}"
    return float(m.group(0))


def test_pages_in_chromium(server, page):
    pg = page
    t0 = time.perf_counter()
    pg.goto(server.url)
    pg.wait_for_selector(".js-plotly-plot")
    first_chart_s = time.perf_counter() - t0
    _settle(pg)
    assert pg.get_by_text("Today and history").first.is_visible()
    shot(pg, "01_today_en")
    print(f"first chart {first_chart_s:.1f} s after the page was opened")

    for key, title in (("where", "Where"), ("bbce", "BBCE replication")):
        pg.goto(f"{server.url}/{key}")
        pg.wait_for_selector(".js-plotly-plot")
        _settle(pg)
        assert pg.get_by_role("heading", name=title).first.is_visible()
        shot(pg, f"02_{key}_en")
    assert pg.locator(".maplibregl-canvas, canvas").count() > 0  # the map drew

    # policy lab: change the clean exemption's metering leak, fewer runs, run
    pg.goto(f"{server.url}/policy")
    pg.get_by_label("metering_leak").wait_for()
    leak = pg.get_by_label("metering_leak")
    leak.fill("0.5")
    runs = pg.get_by_label("Runs")
    runs.fill("30")
    pg.get_by_role("button", name="Run").click()
    pg.wait_for_selector("[data-testid=stMetricValue]", timeout=600_000)
    _settle(pg)
    shown = pg.locator("[data-testid=stMetricValue]").first.inner_text()
    shot(pg, "03_policy_en")

    from hashcarbon.dashboard import _data
    from hashcarbon.models import world

    table = _data.builtin_toml("clean-exemption")
    table["policy"][0]["metering_leak"] = 0.5
    edited = _data.validate(table)
    cmp = world.compare(["china-ban-2021", edited], start="2021", end="2030", n_runs=30, seed=0)
    expected = float(cmp["delta_emissions_mt_p50"].iloc[1])
    assert _number(shown) == pytest.approx(expected, abs=0.051), (shown, expected)

    # Chinese
    pg.get_by_text("中文").first.click()
    _settle(pg)
    pg.get_by_role("heading", name="政策实验室").wait_for()
    body = pg.locator("body").inner_text()
    assert re.search(r"[\u4e00-\u9fff]{4,}", body)
    assert "政策杠杆" in body
    shot(pg, "04_policy_zh")
    pg.goto(f"{server.url}/claims?lang=zh")
    pg.wait_for_selector("[data-testid=stDataFrame]")
    _settle(pg)
    shot(pg, "05_claims_zh")
    pg.goto(f"{server.url}/?lang=zh")
    pg.wait_for_selector(".js-plotly-plot")
    _settle(pg)
    assert "当前与历史" in pg.locator("body").inner_text()
    shot(pg, "06_today_zh")
