"""One report (both languages, 4 world runs) shared by the report tests of a session."""

from __future__ import annotations

import pytest

RUNS = 4
#: runs of the joint-uncertainty table (small: its machinery is tested in test_uncertainty;
#: history matching keeps ~3 % of the runs since round 7, so 32 could keep none)
JOINT_RUNS = 128


@pytest.fixture(scope="session")
def report_dir(tmp_path_factory):
    from hashcarbon.report import build

    out = tmp_path_factory.mktemp("rep") / "report"
    paths = build.build_report(out, lang="both", runs=RUNS, seed=7, joint_runs=JOINT_RUNS)
    assert [p.name for p in paths] == ["report.html", "report.zh.html"]
    return out
