"""Build the HTML report: compute the sections, draw the figures, render, move into place.

Output directory layout (``--out DIR``)::

    DIR/report.html        English  (--lang en or both)
    DIR/report.zh.html     Chinese  (--lang zh or both); with both, each links to the other
    DIR/fig_*.png          every figure (English labels), also embedded (base64) in the HTML
    DIR/fig_*.zh.png       the same figures with Chinese labels (--lang zh or both)
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

from hashcarbon import provenance
from hashcarbon._io import check_output, committed, temp_dir_for
from hashcarbon.errors import InputError
from hashcarbon.report import claims as claims_mod
from hashcarbon.report import figures, sections
from hashcarbon.report.i18n import LANGS, column_label, has_term, quantity, t, term, translate

LANG_CHOICES = ("en", "zh", "both")
DEFAULT_RUNS = 50
#: Runs of the joint-uncertainty ensemble of section (f) (``--joint-runs``).
DEFAULT_JOINT_RUNS = 1024
HTML_NAME = {"en": "report.html", "zh": "report.zh.html"}

STEPS: list[tuple[str, Callable]] = [
    ("energy", sections.section_energy),
    ("where", sections.section_where),
    ("carbon", sections.section_carbon),
    ("flows", sections.section_flows),
    ("bbce", sections.section_bbce),
    ("policy", sections.section_policy),
]


def _updated_layer_in_use() -> bool:
    """Whether any table was loaded with rows fetched by ``hashcarbon data update``."""
    from hashcarbon import data

    return any(v.get("layer") == "updated" for v in data.provenance().values())


def _data_layer_text(lang: str) -> str:
    """Which data the report used: the embedded tables, or updated rows fetched on a date."""
    from hashcarbon import data

    fetched = sorted(
        str(v["fetched_at"])[:10]
        for v in data.provenance().values()
        if v.get("layer") == "updated" and v.get("fetched_at")
    )
    if not fetched:
        return t(lang, "layer_embedded")
    return t(lang, "layer_updated", date=fetched[-1])


def check_joint_runs(joint_runs: Any) -> None:
    """``--joint-runs``: 0 (no joint table) or a whole number from 16 to 100000."""
    bad = isinstance(joint_runs, bool) or not isinstance(joint_runs, (int, np.integer))
    if bad or not (joint_runs == 0 or 16 <= joint_runs <= 100_000):
        raise InputError(
            f"--joint-runs: expected 0 or a whole number from 16 to 100000, got {joint_runs!r}"
        )


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


def _fmt(v: Any, lang: str = "en") -> str:
    if isinstance(v, (bool, np.bool_)):
        return term("partial", lang) if v else ""
    if isinstance(v, str):
        if lang != "zh":
            return html.escape(v)
        if ", " in v:
            parts = v.split(", ")
            if all(has_term(p) for p in parts):
                return html.escape("、".join(term(p, lang) for p in parts))
        return html.escape(str(translate(v, lang)))
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
            cells.append(f"<td{cls}>{_fmt(v, lang)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f'<div class="tw"><table><tr>{head}</tr>{"".join(rows)}</table></div>'


TABLE_TITLES = {
    "yearly": "tab_yearly",
    "shares": "tab_shares",
    "methods": "tab_methods",
    "regions": "tab_regions",
    "sources": "tab_sources",
    "peaks": "tab_peaks",
    "forecast_vs_estimate": "tab_forecast",
    "cumulative": "tab_cumulative",
    "joint": "tab_joint",
    "drivers": "tab_drivers",
    "parameters": "tab_parameters",
    "data": "tab_data",
}


def _pcts(numbers: dict[str, Any], keys: list[str]) -> dict[str, Any]:
    return {f"{k}_pct": 100 * numbers[k] for k in keys if k in numbers}


#: Canonical unit of each number used in the report's sentences (``<key>_q`` is the
#: number written for the reader by :func:`hashcarbon.report.i18n.quantity`).
UNIT_OF = {
    **dict.fromkeys(
        (
            "emissions",
            "emissions_lower",
            "emissions_upper",
            "peak_em",
            "peak_mt",
            "coal_mt",
            "china_mt",
            "emissions_from_sources",
            "top_region_mt",
            "baseline_mt",
            "best_delta_mt",
            "ban_delta_mt",
            "survey_mt",
            "our_mt",
        ),
        "Mt",
    ),
    **dict.fromkeys(
        (
            "v1_best",
            "v1_lower",
            "v1_upper",
            "v23_best",
            "eco",
            "peak_twh",
            "energy",
            "project",
            "project_upper",
            "pue1_peak_twh",
            "survey_twh",
            "our_twh",
        ),
        "TWh",
    ),
    "power_gw": "GW",
}
#: String numbers that are names to translate (regions, scenarios).
NAME_KEYS = ("top_region", "baseline", "best_scenario")


def fill(numbers: dict[str, Any], lang: str) -> dict[str, Any]:
    """``numbers`` plus ``<key>_q`` quantity strings, with names translated for ``lang``."""
    out = dict(numbers)
    for k, v in numbers.items():
        if k in UNIT_OF and isinstance(v, (int, float, np.floating, np.integer)):
            q = quantity(float(v), UNIT_OF[k], lang)
            if k.startswith(("best_delta", "ban_delta")) and float(v) > 0:
                q = "+" + q
            out[f"{k}_q"] = q
        if k in NAME_KEYS and isinstance(v, str):
            out[k] = term(v, lang)
        if k == "period" and isinstance(v, str):
            out[k] = period_text(v, lang)
    return out


def period_text(period: str, lang: str) -> str:
    """``2021-01..2030-12`` as ``Jan 2021 to Dec 2030`` / ``2021年1月至2030年12月``."""
    import re

    m = re.fullmatch(r"(\d{4})-(\d{2})\.\.(\d{4})-(\d{2})", period)
    if not m:
        return period
    y0, m0, y1, m1 = (int(x) for x in m.groups())
    if lang == "zh":
        return f"{y0}年{m0}月至{y1}年{m1}月"
    a, b = pd.Timestamp(year=y0, month=m0, day=1), pd.Timestamp(year=y1, month=m1, day=1)
    return f"{a:%b %Y} to {b:%b %Y}"


def _joint_text(n: dict, lang: str) -> str:
    """The joint-uncertainty paragraph of section (f): it names the input that decides the
    exemption's difference only when that input stands out from the sampling noise
    (``ex_driver_clear``, :func:`hashcarbon.report.sections.joint_tables`)."""
    kw = dict(n, ex_verdict=term(n["ex_verdict"], lang) if lang == "zh" else n["ex_verdict"])
    which = "joint_driver_clear" if n.get("ex_driver_clear") else "joint_driver_unclear"
    kw["ex_driver"] = t(lang, which, **kw)
    return t(lang, "joint_text", **kw)


def _texts(key: str, sec: sections.Section, lang: str, ctx: sections.Context) -> list[str]:
    n = fill(sec.numbers, lang)
    if key == "energy":
        return [t(lang, "energy_text", price=sections.PRICE, **n)]
    if key == "where":
        return [t(lang, "where_text", **n, **_pcts(n, ["top_share"]))]
    if key == "carbon":
        return [t(lang, "carbon_text", **n)]
    if key == "flows":
        return [t(lang, "flows_text", coal_pct=100 * n["coal_share_of_co2"], **n)]
    if key == "bbce":
        kw = dict(n)
        kw.update(
            project=n["project_at_peak"],
            project_upper=n["project_upper_at_peak"],
            china_share_pct=100 * n["china_share_at_peak"],
        )
        kw = fill(kw, lang)
        return [t(lang, "bbce_text", **kw), t(lang, "bbce_reading", **kw)]
    if key == "policy":
        if not sec.available:
            return [t(lang, "policy_na")]
        out = [t(lang, "policy_text", **n)]
        if "drop_min_pct" in n and "rev_ratio_pct" in n:
            out.append(t(lang, "policy_drop", **n))
        if "ex_p_neg_pct" in n and "ex_top_driver" in n:
            out.append(_joint_text(n, lang))
        return out
    if key == "claims":
        return [t(lang, "claims_text")]
    if key == "provenance":
        return [t(lang, "provenance_text")]
    return []


def _title(key: str, lang: str, ctx: sections.Context) -> str:
    return t(lang, f"sec_{key}", last_day=f"{ctx.last_day:%Y-%m-%d}", year=ctx.flow_year)


def survey_numbers(secs: dict[str, sections.Section]) -> dict[str, Any]:
    """Our estimate for the Cambridge 2025 survey's year against the survey (its published numbers)."""
    surv = claims_mod.CAMBRIDGE_2025
    tab = secs["carbon"].tables["yearly"]
    row = tab[tab["year"] == surv["year"]]
    etab = secs["energy"].tables["yearly"]
    erow = etab[etab["year"] == surv["year"]]
    if not len(row) or not len(erow):
        return {}
    our_twh = float(erow["cbeci_v1_best_twh"].iloc[0])
    our_mt = float(row["emissions_mt_best"].iloc[0])
    our_int = float(row["intensity_g_per_kwh"].iloc[0])
    s_int = surv["emissions_mt"] / surv["energy_twh"] * 1e3
    return {
        "survey_year": surv["year"],
        "survey_twh": surv["energy_twh"],
        "survey_mt": surv["emissions_mt"],
        "survey_int": s_int,
        "our_twh": our_twh,
        "our_mt": our_mt,
        "our_int": our_int,
        "energy_ratio": our_twh / surv["energy_twh"],
        "em_ratio": our_mt / surv["emissions_mt"],
        "int_ratio": our_int / s_int,
    }


def _summary(secs: dict[str, sections.Section], claims: list, lang: str) -> list[dict[str, str]]:
    e, c, w, b, p = (
        fill(secs[k].numbers, lang) for k in ("energy", "carbon", "where", "bbce", "policy")
    )
    b = fill(
        {**secs["bbce"].numbers, "project": b["project_at_peak"], "ratio": b["ratio_at_peak"]},
        lang,
    )
    items = [
        {"href": "energy", "text": t(lang, "sum_energy", **e)},
        {
            "href": "carbon",
            "text": t(lang, "sum_carbon", sustainable_pct=100 * c["sustainable"], **c),
        },
    ]
    sv = survey_numbers(secs)
    if sv:
        items.append(
            {"href": "claim-cambridge-2025-survey", "text": t(lang, "sum_survey", **fill(sv, lang))}
        )
    items += [
        {
            "href": "where",
            "text": t(lang, "sum_where", **w, **_pcts(w, ["pre_ban", "ban", "after", "latest"])),
        },
        {"href": "bbce", "text": t(lang, "sum_bbce", **b)},
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
    counts["partly"] = counts.pop("partly-supported", 0)
    items.append({"href": "claims", "text": t(lang, "sum_claims", n=len(claims), **counts)})
    return items


def _fig_item(name: str, fig: sections.Fig, png: bytes, lang: str, fig_file: str) -> dict:
    n = fill(fig.numbers, lang)
    item = {
        "name": name,
        "file": fig_file,
        "title": t(lang, f"fig_{name}_title", **n),
        "take": t(lang, f"fig_{name}_take", **n) if _fillable(lang, f"fig_{name}_take", n) else "",
        "source": t(lang, f"fig_{name}_src", **n),
        "b64": base64.b64encode(png).decode("ascii"),
        "plotly": "",
    }
    if fig.plotly is not None:
        pfig = fig.plotly(lang)
        item["plotly"] = pfig.to_html(
            full_html=False,
            include_plotlyjs=False,
            div_id=f"plot-{name}",
            config={"responsive": True, "displaylogo": False},
            default_width="100%",
        )
    return item


def _fillable(lang: str, key: str, n: dict[str, Any]) -> bool:
    try:
        t(lang, key, **n)
    except (KeyError, ValueError, IndexError):
        return False
    return True


def render(
    secs,
    claims,
    ctx,
    lang: str,
    pngs: dict[str, bytes],
    fig_files: dict[str, str],
    other_href: str | None,
) -> str:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("hashcarbon.report", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
    )
    tmpl = env.get_template("report.html.j2")

    order = ["energy", "where", "carbon", "flows", "bbce", "policy", "claims", "provenance"]
    out = []
    has_plotly = False
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
        for name, fig in sec.figures.items():
            fi = _fig_item(name, fig, pngs[name], lang, fig_files[name])
            has_plotly = has_plotly or bool(fi["plotly"])
            item["figures"].append(fi)
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
                zh = lang == "zh"
                r["claim"] = cl.claim_zh if zh else cl.claim_en
                r["reason"] = cl.reason_zh if (zh and cl.reason_zh) else cl.reason
                r["verdict_text"] = t(lang, cl.verdict)
                r["project_number"] = cl.project_zh if (zh and cl.project_zh) else cl.project
                r["published_number"] = (
                    cl.published_zh if (zh and cl.published_zh) else cl.published
                )
                r["provisional_text"] = t(lang, "provisional") if cl.provisional else ""
                r["update_text"] = (
                    t(lang, "changed_with_update", what=cl.changed_with_update)
                    if cl.changed_with_update
                    else ""
                )
                if zh and cl.rule_zh:
                    r["rule"] = cl.rule_zh
                recs.append(r)
            item["claims"] = recs
        out.append(item)
    e = secs["energy"].numbers
    c = secs["carbon"].numbers
    cite = fill(
        {
            **e,
            "emissions": c["emissions"],
            "version": provenance.version_string(),
            "last_day": f"{ctx.last_day:%Y-%m-%d}",
        },
        lang,
    )
    generated = t(
        lang,
        "generated",
        version=provenance.version_string(),
        layer=_data_layer_text(lang),
        last_day=f"{ctx.last_day:%Y-%m-%d}",
        seed=ctx.seed,
        runs=ctx.runs,
    )
    plotly_js = ""
    if has_plotly:
        from plotly.offline import get_plotlyjs

        plotly_js = get_plotlyjs()
    return tmpl.render(
        T=lambda k: t(lang, k),
        lang=lang,
        generated=generated,
        other_href=other_href,
        font_note=t(lang, "font_note") if (lang == "zh" and figures.cjk_font() is None) else "",
        summary=_summary(secs, claims, lang),
        defs=[t(lang, k) for k in DEFINITIONS],
        cite=t(lang, "cite_text", **cite),
        sections=out,
        plotly_js=plotly_js,
    )


#: Plain-language definitions shown in the "Words used" box (i18n keys).
DEFINITIONS = (
    "def_sustainable",
    "def_intensity",
    "def_bounds",
    "def_bbce",
    "def_scenarios",
    "def_location",
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
    runs: int = DEFAULT_RUNS,
    seed: int = 0,
    flow_year: int = 2021,
    progress: bool = False,
    joint_runs: int = DEFAULT_JOINT_RUNS,
) -> tuple[dict, list, sections.Context]:
    """Compute every section and the claims; returns ``(sections, claims, context)``.

    ``joint_runs`` [runs]: size of the joint-uncertainty ensemble of section (f)
    (:func:`hashcarbon.uncertainty.run_ensemble`, ``--uncertainty all``); 0 leaves the
    table out.
    """
    check_options("en", runs, seed, flow_year)
    check_joint_runs(joint_runs)
    secs: dict[str, sections.Section] = {}
    with _progress(progress) as bar:
        task = bar.add_task("estimates", total=len(STEPS) + 3)
        ctx = sections.prepare(runs, seed, flow_year)
        ctx.joint_runs = int(joint_runs)
        bar.advance(task)
        for key, fn in STEPS:
            bar.update(task, description=f"section {key}")
            secs[key] = fn(ctx)
            bar.advance(task)
        bar.update(task, description="section claims")
        claims = claims_mod.evaluate(claims_mod.project_numbers(ctx, runs=runs, seed=seed))
        if _updated_layer_in_use():
            # which claims' evidence changed with the fetched data (issue 13): the same
            # claims on the embedded tables alone
            from hashcarbon import data

            with data.use_data("embedded"):
                embedded = claims_mod.evaluate(claims_mod.project_numbers(runs=runs, seed=seed))
            claims_mod.mark_changed(claims, embedded)
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
    joint_runs: int | None = None,
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
    joint_runs : int, optional
        Runs of the joint-uncertainty table of section (f) [runs]; default
        :data:`DEFAULT_JOINT_RUNS`, 0 leaves it out.
    """
    joint_runs = DEFAULT_JOINT_RUNS if joint_runs is None else joint_runs
    check_options(lang, runs, seed, flow_year)
    check_joint_runs(joint_runs)
    out = check_output(out, "--out", kind="dir")  # before computing; sweeps stale temps
    t0 = time.perf_counter()
    secs, claims, ctx = compute(runs, seed, flow_year, progress, joint_runs)
    langs = list(LANGS) if lang == "both" else [lang]
    tmp = temp_dir_for(out)
    try:
        recs = [c.record() for c in claims]
        (tmp / "claims.json").write_text(
            json.dumps(recs, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        for lg in langs:
            suffix = "" if lg == "en" else f".{lg}"
            pngs: dict[str, bytes] = {}
            fig_files: dict[str, str] = {}
            for sec in secs.values():
                for name, fig in sec.figures.items():
                    pngs[name] = fig.draw(lg)
                    fig_files[name] = f"fig_{name}{suffix}.png"
                    (tmp / fig_files[name]).write_bytes(pngs[name])
            other = next((HTML_NAME[o] for o in langs if o != lg), None)
            html = render(secs, claims, ctx, lg, pngs, fig_files, other)
            (tmp / HTML_NAME[lg]).write_text(html, encoding="utf-8")
        tmp.chmod(0o755)
        backup = None
        if out.exists():
            backup = out.with_name(f".{out.name}.old-{int(time.time() * 1000)}")
            out.rename(backup)
        tmp.rename(out)
        committed(out)  # the report is in place: a later Ctrl-C finds it complete
        if backup is not None:
            shutil.rmtree(backup, ignore_errors=True)
    except BaseException:
        with contextlib.suppress(Exception):
            shutil.rmtree(tmp)
        raise
    build_report.last_seconds = time.perf_counter() - t0  # type: ignore[attr-defined]
    return [out / HTML_NAME[lg] for lg in langs]
