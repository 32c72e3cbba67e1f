#!/usr/bin/env python3
"""Run every example in ``examples/`` and write its gallery page for the documentation site.

Each ``examples/plot_*.py`` runs in a fresh process in its own temporary folder (matplotlib's
Agg backend). Its docstring becomes the page's text, its code and printed output are shown,
and the PNG figures it writes are copied to ``docs/examples/img/``. A failing example stops
the build with one line naming it (exit 1), so CI fails when an example breaks.

Usage::

    python tools/build_examples.py            # all examples -> docs/examples/
    python tools/build_examples.py plot_01    # only the examples whose name contains plot_01
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
OUT = ROOT / "docs" / "examples"
TIMEOUT_S = 600


def examples(pattern: str = "") -> list[Path]:
    return sorted(p for p in EXAMPLES.glob("plot_*.py") if pattern in p.stem)


def title_and_text(path: Path) -> tuple[str, str]:
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or path.stem
    lines = doc.splitlines()
    title = lines[0].strip()
    body = [ln for ln in lines[1:] if not set(ln.strip()) <= {"="}]
    return title, "\n".join(body).strip()


def code_without_docstring(path: Path) -> str:
    src = path.read_text(encoding="utf-8")
    tree = ast.parse(src)
    first = tree.body[0]
    if isinstance(first, ast.Expr) and isinstance(getattr(first, "value", None), ast.Constant):
        src = "\n".join(src.splitlines()[first.end_lineno :])
    return src.strip() + "\n"


def run_one(path: Path, img_dir: Path) -> tuple[str, list[str], float]:
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONHASHSEED="0")
    with tempfile.TemporaryDirectory(prefix=f"hc-{path.stem}-") as tmp:
        t0 = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, str(path)],
            cwd=tmp,
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
            check=False,
        )
        seconds = time.perf_counter() - t0
        if proc.returncode != 0:
            last = (proc.stderr.strip().splitlines() or ["(no output)"])[-1]
            raise RuntimeError(f"{path.name}: exit {proc.returncode}: {last}")
        figures = []
        for png in sorted(Path(tmp).glob("*.png")):
            name = f"{path.stem}__{png.name}"
            shutil.copyfile(png, img_dir / name)
            figures.append(name)
    return proc.stdout, figures, seconds


def page(path: Path, stdout: str, figures: list[str], seconds: float) -> str:
    title, text = title_and_text(path)
    parts = [
        f"# {title}",
        "",
        text,
        "",
        f"Source: `examples/{path.name}` (ran in {seconds:.1f} s).",
    ]
    parts += ["", "```python", code_without_docstring(path).rstrip(), "```", ""]
    if stdout.strip():
        parts += ["Output:", "", "```text", stdout.rstrip(), "```", ""]
    for fig in figures:
        parts += [f"![{title}](img/{fig})", ""]
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    pattern = argv[0] if argv else ""
    todo = examples(pattern)
    if not todo:
        print(f"no example matches {pattern!r} in {EXAMPLES}", file=sys.stderr)
        return 1
    img_dir = OUT / "img"
    img_dir.mkdir(parents=True, exist_ok=True)
    rows = []
    for path in todo:
        try:
            stdout, figures, seconds = run_one(path, img_dir)
        except (RuntimeError, subprocess.TimeoutExpired) as exc:
            print(f"example failed: {exc}", file=sys.stderr)
            return 1
        (OUT / f"{path.stem}.md").write_text(page(path, stdout, figures, seconds), encoding="utf-8")
        title, _ = title_and_text(path)
        rows.append(f"| [{title}]({path.stem}.md) | `examples/{path.name}` | {seconds:.1f} s |")
        print(f"{path.name}: ok ({seconds:.1f} s, {len(figures)} figure(s))")
    if not pattern:
        (OUT / "index.md").write_text(
            "# Examples\n\nShort scripts that run in CI (`python tools/build_examples.py`); each "
            "page shows the code, what it printed and its figures, from the last build.\n\n"
            "| example | script | run time |\n|---|---|---|\n" + "\n".join(rows) + "\n",
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
