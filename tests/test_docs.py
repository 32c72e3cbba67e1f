"""The documentation site: API reference coverage, docstring units, citation and version.

The site itself is built by ``mkdocs build --strict`` in ``.ci/run``; these tests keep its
inputs honest without needing MkDocs installed.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import sys
from pathlib import Path

import pytest

import hashcarbon

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import make_api_docs  # noqa: E402

MODULES = [m for m, _ in make_api_docs.PUBLIC_MODULES]

#: types in a numpydoc "name : type" line that make a parameter a number or array of numbers
_NUMERIC = re.compile(r"\b(float|int|array|ndarray|array-like|Series|number|scalar)\b")
#: types that are not quantities even when a number is involved
_NOT_QUANTITY = re.compile(r"\b(bool|str|dict|Mapping|callable|Path|seed|Dataset|DataFrame)\b")
#: parameter names that are counts, indices or seeds (dimensionless by nature)
_DIMENSIONLESS = re.compile(
    r"^(n_|seed|run|year|years|month|months|runs|workers|window|chunk|dates?$|release_dates"
    r"|season|wet_months|flow_year)"
)


def _public_functions(module):
    names = getattr(module, "__all__", None) or [n for n in vars(module) if not n.startswith("_")]
    for name in names:
        obj = getattr(module, name, None)
        if inspect.isfunction(obj) and obj.__module__.startswith("hashcarbon"):
            yield name, obj


def _parameters_section(doc: str) -> list[tuple[str, str, str]]:
    """(name, type, description) rows of a numpydoc Parameters section."""
    lines = doc.splitlines()
    out, i = [], 0
    while i < len(lines) and lines[i].strip() != "Parameters":
        i += 1
    i += 2  # heading and underline
    while i < len(lines):
        line = lines[i]
        if (
            line.strip()
            and not line.startswith(" ")
            and ":" not in line
            and i + 1 < len(lines)
            and set(lines[i + 1].strip()) == {"-"}
        ):
            break  # next section
        m = (
            re.match(r"^(\*{0,2}[\w, ]+?)\s*:\s*(.*)$", line.strip())
            if line and not line.startswith("    ")
            else None
        )
        if m and not line.startswith(" "):
            desc = []
            i += 1
            while i < len(lines) and (lines[i].startswith("    ") or not lines[i].strip()):
                if (
                    lines[i].strip() == ""
                    and i + 1 < len(lines)
                    and lines[i + 1]
                    and not lines[i + 1].startswith(" ")
                ):
                    break
                desc.append(lines[i].strip())
                i += 1
            out.append((m.group(1), m.group(2), " ".join(desc)))
            continue
        if line.strip() and not line.startswith(" ") and set(line.strip()) <= {"-"}:
            break
        i += 1
    return out


def test_every_public_module_is_in_the_reference():
    missing = []
    for info in pkgutil.walk_packages(hashcarbon.__path__, "hashcarbon."):
        name = info.name
        if any(part.startswith("_") for part in name.split(".")):
            continue
        if name.startswith(make_api_docs.NOT_API_PREFIXES) or name in make_api_docs.NOT_API_MODULES:
            continue
        parent = name.rsplit(".", 1)[0]
        # submodules of a documented package are documented through the package's API
        if parent in MODULES or any(name.startswith(m + ".") for m in MODULES):
            continue
        if name not in MODULES:
            missing.append(name)
    assert not missing, f"public modules without an API page (tools/make_api_docs.py): {missing}"


def test_api_pages_are_current_and_in_the_nav():
    assert make_api_docs.main(["--check"]) == 0
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for name in make_api_docs.pages():
        assert f"api/{name}" in nav, f"mkdocs.yml nav lacks api/{name}"
    for ex in sorted((ROOT / "examples").glob("plot_*.py")):
        assert f"examples/{ex.stem}.md" in nav, f"mkdocs.yml nav lacks examples/{ex.stem}.md"


@pytest.mark.parametrize("modname", MODULES)
def test_public_functions_have_docstrings_with_units(modname):
    module = importlib.import_module(modname)
    problems = []
    for name, fn in _public_functions(module):
        doc = inspect.getdoc(fn)
        if not doc or len(doc.strip()) < 10:
            problems.append(f"{modname}.{name}: no docstring")
            continue
        for pname, ptype, desc in _parameters_section(doc):
            if not _NUMERIC.search(ptype) or _NOT_QUANTITY.search(ptype):
                continue
            if any(_DIMENSIONLESS.match(p.strip()) for p in pname.split(",")):
                continue
            if "[" not in desc + ptype:
                problems.append(
                    f"{modname}.{name}({pname.strip()}): numeric parameter without [unit]"
                )
    assert not problems, "\n".join(problems)


def _changelog_version() -> str:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    m = re.search(r"^## \[(\d+\.\d+\.\d+)\] - \d{4}-\d{2}-\d{2}$", text, re.MULTILINE)
    assert m, "CHANGELOG.md has no released version heading '## [X.Y.Z] - YYYY-MM-DD'"
    return m.group(1)


def test_version_follows_changelog_and_citation():
    assert hashcarbon.__version__ == _changelog_version()
    cff = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert re.search(rf"^version: {re.escape(hashcarbon.__version__)}$", cff, re.MULTILINE)


def test_citation_file_is_valid_cff():
    yaml = pytest.importorskip("yaml")
    data = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert data["cff-version"] == "1.2.0"
    for key in ("message", "title", "authors", "version", "license", "references"):
        assert data.get(key), key
    assert any(r.get("doi") == "10.1038/s41467-021-22256-3" for r in data["references"])


def test_provenance_names_version_and_commit():
    from hashcarbon import provenance

    sw = provenance.software()
    assert sw["hashcarbon_version"] == hashcarbon.__version__
    c = sw["git_commit"]
    assert c == "unknown" or re.fullmatch(r"[0-9a-f]{40}(-dirty)?", c)
