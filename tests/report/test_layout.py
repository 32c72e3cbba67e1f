"""The report on a 400 px phone and a 1,400 px screen, both languages (headless chromium).

Screenshots go to ``test-output/report/``. Skipped with a reason when Debian chromium or
Playwright is absent (CI installs ``chromium``; see .ci/run).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import _browser

OUT = Path(__file__).resolve().parents[2] / "test-output" / "report"

pytestmark = [
    pytest.mark.skipif(
        _browser.chromium() is None, reason="chromium not installed (apt-get install chromium)"
    ),
    pytest.mark.skipif(
        importlib.util.find_spec("playwright") is None, reason="playwright not installed"
    ),
]


@pytest.mark.parametrize("width", [400, 1400])
@pytest.mark.parametrize(("lang", "name"), [("en", "report.html"), ("zh", "report.zh.html")])
def test_no_overflow_and_readable_verdicts(report_dir, lang, name, width):
    res = _browser.shoot(report_dir / name, OUT / f"{lang}_{width}.png", width)
    assert (OUT / f"{lang}_{width}.png").stat().st_size > 50_000
    assert res["bad"] == [], res["bad"]
    assert res["scrollWidth"] <= res["vw"]
    assert res["plots"], "no interactive figure rendered"
    assert all(w <= res["vw"] for w in res["plots"])
    assert res["verdicts"]
    # No verdict wrapped one character per line ("否/定").
    assert all(v["lines"] <= 1 for v in res["verdicts"]), res["verdicts"]


def test_zh_screenshot_has_cjk_figure_text(report_dir):
    """The zh PNG figures differ from the English ones (their labels are Chinese)."""
    from hashcarbon.report import figures

    if figures.cjk_font() is None:
        pytest.skip(figures.NO_CJK_FONT_HINT)
    for stem in ("fig_energy", "fig_emissions", "fig_policy_emissions"):
        en = (report_dir / f"{stem}.png").read_bytes()
        zh = (report_dir / f"{stem}.zh.png").read_bytes()
        assert en != zh, stem
