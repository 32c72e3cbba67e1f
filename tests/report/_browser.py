"""Headless Debian chromium through Playwright: screenshots and overflow measurement."""

from __future__ import annotations

import shutil
from pathlib import Path

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

#: JavaScript returning every visible element whose right edge passes the viewport, unless
#: an ancestor scrolls horizontally or clips it (tables inside ``.tw`` may scroll).
OVERFLOW_JS = """
() => {
  const vw = document.documentElement.clientWidth;
  const bad = [];
  const clipped = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (['auto', 'scroll', 'hidden'].includes(s.overflowX)) return true;
    }
    return false;
  };
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (r.right > vw + 1 && !clipped(el)) {
      bad.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
               (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ')[0] : '') +
               ' right=' + Math.round(r.right));
    }
  }
  return {vw: vw, scrollWidth: document.documentElement.scrollWidth, bad: bad.slice(0, 20)};
}
"""

#: Heights of the verdict cells (a verdict wrapped one character per line is tall and narrow).
VERDICT_JS = """
() => Array.from(document.querySelectorAll('.claim div.v')).map(el => {
  const r = el.getBoundingClientRect();
  const lh = parseFloat(getComputedStyle(el).lineHeight) || 20;
  return {lines: Math.round(r.height / lh), text: el.textContent};
})
"""


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def shoot(html: Path, out_png: Path, width: int, height: int = 900) -> dict:
    """Open ``html`` at ``width`` px, save a full-page screenshot, return measurements."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(html.resolve().as_uri(), wait_until="load")
            page.wait_for_timeout(300)
            res = page.evaluate(OVERFLOW_JS)
            res["verdicts"] = page.evaluate(VERDICT_JS)
            res["plots"] = page.evaluate(
                "() => Array.from(document.querySelectorAll('.js-plotly-plot')).map("
                "e => Math.round(e.getBoundingClientRect().width))"
            )
            out_png.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(out_png), full_page=True)
        finally:
            browser.close()
    return res
