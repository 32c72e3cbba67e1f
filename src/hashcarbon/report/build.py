"""Build the HTML report: compute the sections, draw the figures, render, move into place.

Output directory layout (``--out DIR``)::

    DIR/report.html        English  (--lang en or both)
    DIR/report.zh.html     Chinese  (--lang zh or both); with both, each links to the other
    DIR/fig_*.png          every figure, also embedded (base64) in the HTML
    DIR/claims.json        the claims table (section g)

Everything is written into a temporary sibling directory and renamed to ``DIR`` at the
end, so a failure leaves either the old ``DIR`` or nothing, never a half-written report.
"""

from __future__ import annotations

import base64
import contextlib
import html
import json
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
import numpy as np
import pandas as pd

from hashcarbon._io import check_output, temp_dir_for
from hashcarbon.errors import InputError
from hashcarbon.report import claims as claims_mod
from hashcarbon.report import figures, sections
from hashcarbon.report.i18n import LANGS, column_label, t

LANG_CHOICES = ("en", "zh", "both")
DEFAULT_RUNS = 50
HTML_NAME = {"en": "report.html", "zh": "report.zh.html"}

STEPS: list[tuple[str, Callable]] = [
    ("energy", sections.section_energy),
    ("where", sections.section_where),
    ("carbon", sections.section_carbon),
    ("flows", sections.section_flows),
    ("bbce", sections.section_bbce),
    ("policy", sections.section_policy),
]


def check_options(lang: str, runs: Any, seed: Any, flow_year: Any) -> None:
    """One-line :class:`InputError` for a bad option."""
    if lang not in LANG_CHOICES:
        raise InputError(f"--lang: expected one of {', '.join(LANG_CHOICES)}, got {lang!r}")
    if isinstance(runs, bool) or not isinstance(runs, (int, np.integer)) or not 1 <= runs <= 10_000:
        raise InputError(f"--runs: expected a whole number from 1 to 10000, got {runs!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise InputError(f"--seed: expected a whole number >= 0, got {seed!r}")
    if (
        isinstance(flow_year, bool)
        or not isinstance(flow_year, (int, np.integer))
        or not (2014 <= flow_year <= 2025)
    ):
        raise InputError(f"--flow-year: expected a year from 2014 to 2025, got {flow_year!r}")


def _fmt(v: Any) -> str:
    if isinstance(v, (bool, np.bool_)):
        return "partial" if v else ""
    if isinstance(v, (float, np.floating)):
        if not np.isfinite(v):
            return "–"
        a = abs(v)
        if a == 0:
            return "0"
        if a >= 1e6:
            return f"{v:.3g}"
        if a >= 100:
            return f"{v:,.0f}"
        if a >= 1:
            return f"{v:.2f}"
        return f"{v:.3f}"
    return str(v)


def _th(name, lang: str) -> str:
    label = column_label(lang, str(name))
    if label is None:
        return f"<th>{html.escape(str(name))}</th>"
    return f"<th>{html.escape(label)}<br><code>{html.escape(str(name))}</code></th>"


def table_html(frame: pd.DataFrame, lang: str = "en") -> str:
    """An HTML table; in Chinese each header is its label above the canonical column name."""
    head = "".join(_th(c, lang) for c in frame.columns)
    rows = []
    for rec in frame.itertuples(index=False):
        cells = []
        for v in rec:
            cls = ' class="l"' if isinstance(v, str) else ""
            cells.append(f"<td{cls}>{_fmt(v)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"


TABLE_TITLES = {
    "yearly": "tab_yearly",
    "shares": "tab_shares",
    "methods": "tab_methods",
    "regions": "tab_regions",
    "sources": "tab_sources",
    "peaks": "tab_peaks",
    "forecast_vs_estimate": "tab_forecast",
    "cumulative": "tab_cumulative",
    "parameters": "tab_parameters",
    "data": "tab_data",
}


def _pcts(numbers: dict[str, Any], keys: list[str]) -> dict[str, Any]:
    return {f"{k}_pct": 100 * numbers[k] for k in keys if k in numbers}


def _texts(key: str, sec: sections.Section, lang: str, ctx: sections.Context) -> list[str]:
    n = sec.numbers
    if key == "energy":
        return [t(lang, "energy_text", price=sections.PRICE, **n)]
    if key == "where":
        return [t(lang, "where_text", **n, **_pcts(n, ["top_share"]))]
    if key == "carbon":
        return [t(lang, "carbon_text", **n)]
    if key == "flows":
        return [t(lang, "flows_text", coal_pct=100 * n["coal_share_of_co2"], **n)]
    if key == "bbce":
        return [
            t(
                lang,
                "bbce_text",
                project=n["project_at_peak"],
                project_upper=n["project_upper_at_peak"],
                china_share_pct=100 * n["china_share_at_peak"],
                **n,
            )
        ]
    if key == "policy":
        return [t(lang, "policy_text", **n)] if sec.available else [t(lang, "policy_na")]
    if key == "claims":
        return [t(lang, "claims_text")]
    if key == "provenance":
        return [t(lang, "provenance_text")]
    return []


def _title(key: str, lang: str, ctx: sections.Context) -> str:
    return t(lang, f"sec_{key}", last_day=f"{ctx.last_day:%Y-%m-%d}", year=ctx.flow_year)


def _summary(secs: dict[str, sections.Section], claims: list, lang: str) -> list[dict[str, str]]:
    e, c, w, b, p = (secs[k].numbers for k in ("energy", "carbon", "where", "bbce", "policy"))
    items = [
        {"href": "energy", "text": t(lang, "sum_energy", **e)},
        {
            "href": "carbon",
            "text": t(lang, "sum_carbon", sustainable_pct=100 * c["sustainable"], **c),
        },
        {
            "href": "where",
            "text": t(lang, "sum_where", **w, **_pcts(w, ["pre_ban", "ban", "after", "latest"])),
        },
        {
            "href": "bbce",
            "text": t(
                lang, "sum_bbce", project=b["project_at_peak"], ratio=b["ratio_at_peak"], **b
            ),
        },
    ]
    if secs["policy"].available:
        items.append(
            {
                "href": "policy",
                "text": t(lang, "sum_policy", best_delta_pct=100 * p["best_delta_share"], **p),
            }
        )
    else:
        items.append({"href": "policy", "text": t(lang, "sum_policy_na")})
    counts = {v: sum(1 for cl in claims if cl.verdict == v) for v in claims_mod.VERDICTS}
    items.append({"href": "claims", "text": t(lang, "sum_claims", n=len(claims), **counts)})
    return items


def render(secs, claims, ctx, lang: str, fig_files: dict[str, str], other_href: str | None) -> str:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("hashcarbon.report", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
    )
    tmpl = env.get_template("report.html.j2")
    import hashcarbon

    order = ["energy", "where", "carbon", "flows", "bbce", "policy", "claims", "provenance"]
    out = []
    for key in order:
        sec = secs[key]
        item = {
            "id": key,
            "title": _title(key, lang, ctx),
            "paragraphs": _texts(key, sec, lang, ctx),
            "figures": [],
            "tables": [],
            "claims": None,
        }
        for name, png in sec.figures.items():
            item["figures"].append(
                {
                    "name": name,
                    "file": fig_files[name],
                    "b64": base64.b64encode(png).decode("ascii"),
                }
            )
        for name, frame in sec.tables.items():
            if name.startswith("_"):
                continue
            item["tables"].append(
                {
                    "title": t(lang, TABLE_TITLES.get(name, "tab_yearly")),
                    "html": table_html(frame, lang),
                }
            )
        if key == "claims":
            recs = []
            for cl in claims:
                r = cl.record()
                r["claim"] = cl.claim_zh if lang == "zh" else cl.claim_en
                r["reason"] = cl.reason_zh if (lang == "zh" and cl.reason_zh) else cl.reason
                r["verdict_text"] = t(lang, cl.verdict)
                if lang == "zh" and cl.rule_zh:
                    r["rule"] = cl.rule_zh
                recs.append(r)
            item["claims"] = recs
        out.append(item)
    generated = t(
        lang,
        "generated",
        version=hashcarbon.__version__,
        last_day=f"{ctx.last_day:%Y-%m-%d}",
        seed=ctx.seed,
        runs=ctx.runs,
    )
    return tmpl.render(
        T=lambda k: t(lang, k),
        generated=generated,
        other_href=other_href,
        font_note=t(lang, "font_note") if figures.cjk_font() is None else "",
        summary=_summary(secs, claims, lang),
        sections=out,
    )


class _NoProgress:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def add_task(self, *a, **k):
        return 0

    def update(self, *a, **k):
        pass

    def advance(self, *a, **k):
        pass


def _progress(enabled: bool):
    if not enabled:
        return _NoProgress()
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("{task.description:<28}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
    )


def compute(
    runs: int = DEFAULT_RUNS, seed: int = 0, flow_year: int = 2021, progress: bool = False
) -> tuple[dict, list, sections.Context]:
    """Compute every section and the claims; returns ``(sections, claims, context)``."""
    check_options("en", runs, seed, flow_year)
    secs: dict[str, sections.Section] = {}
    with _progress(progress) as bar:
        task = bar.add_task("estimates", total=len(STEPS) + 3)
        ctx = sections.prepare(runs, seed, flow_year)
        bar.advance(task)
        for key, fn in STEPS:
            bar.update(task, description=f"section {key}")
            secs[key] = fn(ctx)
            bar.advance(task)
        bar.update(task, description="section claims")
        claims = claims_mod.evaluate(claims_mod.project_numbers(ctx, runs=runs, seed=seed))
        secs["claims"] = sections.Section("claims")
        bar.advance(task)
        bar.update(task, description="section provenance")
        secs["provenance"] = sections.section_provenance(ctx)
        bar.advance(task)
    return secs, claims, ctx


def build_report(
    out: str | Path = "report",
    lang: str = "en",
    runs: int = DEFAULT_RUNS,
    seed: int = 0,
    flow_year: int = 2021,
    progress: bool = False,
) -> list[Path]:
    """Write the report into ``out`` (a directory); returns the HTML paths.

    Parameters
    ----------
    out : path, default "report"
        Output directory; its parent must exist.  An existing report there is replaced
        only once the new one is complete.
    lang : {"en", "zh", "both"}
        Language; ``both`` writes ``report.html`` and ``report.zh.html``.
    runs, seed : int
        World-model ensemble size and seed (section f and the 2031 claim).
    flow_year : int, default 2021
        Year of the emission-flow diagram (section d).
    progress : bool
        Show a Rich progress bar on stderr.
    """
    check_options(lang, runs, seed, flow_year)
    out = check_output(out, "--out", kind="dir")  # before computing; sweeps stale temps
    t0 = time.perf_counter()
    secs, claims, ctx = compute(runs, seed, flow_year, progress)
    langs = list(LANGS) if lang == "both" else [lang]
    tmp = temp_dir_for(out)
    try:
        fig_files: dict[str, str] = {}
        for sec in secs.values():
            for name, png in sec.figures.items():
                fig_files[name] = f"fig_{name}.png"
                (tmp / fig_files[name]).write_bytes(png)
        recs = [c.record() for c in claims]
        (tmp / "claims.json").write_text(
            json.dumps(recs, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        for lg in langs:
            other = next((HTML_NAME[o] for o in langs if o != lg), None)
            html = render(secs, claims, ctx, lg, fig_files, other)
            (tmp / HTML_NAME[lg]).write_text(html, encoding="utf-8")
        tmp.chmod(0o755)
        backup = None
        if out.exists():
            backup = out.with_name(f".{out.name}.old-{int(time.time() * 1000)}")
            out.rename(backup)
        tmp.rename(out)
        if backup is not None:
            shutil.rmtree(backup, ignore_errors=True)
    except BaseException:
        with contextlib.suppress(Exception):
            shutil.rmtree(tmp)
        raise
    build_report.last_seconds = time.perf_counter() - t0  # type: ignore[attr-defined]
    return [out / HTML_NAME[lg] for lg in langs]
