"""``hashcarbon report`` and ``hashcarbon claims``: the HTML report and its claims table."""

from __future__ import annotations

import sys
import time

import typer

from hashcarbon.cli import app
from hashcarbon.cli._common import check_choice


@app.command("report")
def report(
    out: str = typer.Option("report", "--out", help="Output directory (replaced when complete)."),
    lang: str = typer.Option("en", "--lang", help="en, zh or both (report.html / report.zh.html)."),
    runs: int = typer.Option(50, "--runs", help="World-model ensemble size."),
    seed: int = typer.Option(0, "--seed", help="Random seed of the world model."),
    flow_year: int = typer.Option(2021, "--flow-year", help="Year of the emission-flow diagram."),
    joint_runs: int = typer.Option(
        1024,
        "--joint-runs",
        help="Runs of the joint-uncertainty table of the policy section (0: leave it out).",
    ),
    quiet: bool = typer.Option(False, "--quiet", help="No progress bar."),
) -> None:
    """Self-contained HTML report (figures embedded; PNGs and claims.json beside it)."""
    from hashcarbon._io import check_output
    from hashcarbon.report.build import (
        LANG_CHOICES,
        build_report,
        check_joint_runs,
        check_options,
    )

    check_choice("--lang", lang, LANG_CHOICES)
    check_options(lang, runs, seed, flow_year)
    check_joint_runs(joint_runs)
    # a bad --out is one line, before the font warning (build_report checks it again and
    # sweeps stale temporary files)
    check_output(out, "--out", kind="dir")
    if lang in ("zh", "both"):
        from hashcarbon.report import figures

        if figures.cjk_font() is None:
            typer.echo(f"warning: {figures.NO_CJK_FONT_HINT}", err=True)
    t0 = time.perf_counter()
    paths = build_report(
        out,
        lang=lang,
        runs=runs,
        seed=seed,
        flow_year=flow_year,
        progress=not quiet,
        joint_runs=joint_runs,
    )
    for p in paths:
        typer.echo(str(p))
    typer.echo(f"done in {time.perf_counter() - t0:.1f} s", err=True)


@app.command("claims")
def claims(
    fmt: str = typer.Option("table", "--format", help="table or json."),
    runs: int = typer.Option(20, "--runs", help="World-model ensemble size for forecast claims."),
    seed: int = typer.Option(0, "--seed", help="Random seed of the world model."),
    lang: str = typer.Option("en", "--lang", help="en or zh (table format)."),
) -> None:
    """The seed documents' claims against the project's numbers (verdict and reason)."""
    from hashcarbon._io import format_frame
    from hashcarbon.report import claims as cm
    from hashcarbon.report.build import check_options
    from hashcarbon.report.i18n import term

    check_choice("--format", fmt, ("table", "json"))
    check_choice("--lang", lang, ("en", "zh"))
    check_options("en", runs, seed, 2021)
    frame = cm.claims_frame(cm.evaluate(cm.project_numbers(runs=runs, seed=seed)))
    if fmt == "json":
        sys.stdout.write(format_frame(frame, "json"))
        return
    zh = lang == "zh"
    labels = (
        ("本项目", "已发表", "理由", "规则") if zh else ("project", "published", "reason", "rule")
    )
    for rec in frame.to_dict(orient="records"):
        verdict = term(rec["verdict"], lang, "verdict")
        if rec.get("provisional"):
            verdict += f", {term('provisional', lang)}"
        claim = rec["claim_zh"] if zh else rec["claim"]
        typer.echo(f"[{verdict if zh else verdict.upper()}] {rec['id']}: {claim}")

        def pick(k: str, rec=rec) -> str:
            return (rec.get(f"{k}_zh") or rec[k]) if zh else rec[k]

        typer.echo(f"  {labels[0]}:   {pick('project_number')}")
        typer.echo(f"  {labels[1]}: {pick('published_number')} ({rec['published_source']})")
        typer.echo(f"  {labels[2]}:    {pick('reason')} [{labels[3]}: {pick('rule')}]")
