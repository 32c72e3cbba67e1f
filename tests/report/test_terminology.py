"""The one terminology table (en -> zh) and the quantity formats of the Chinese report."""

from __future__ import annotations

import csv
import re
from importlib import resources

import pandas as pd
import pytest

from hashcarbon.report import claims, sections
from hashcarbon.report.i18n import TERM_KINDS, quantity, term, terminology


def test_table_is_well_formed():
    text = resources.files("hashcarbon.report").joinpath("terminology.csv").read_text("utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    assert rows
    keys = [(r["kind"], r["key"]) for r in rows]
    assert len(keys) == len(set(keys))
    for r in rows:
        assert r["kind"] in TERM_KINDS
        assert r["en"]
        assert r["zh"]
        assert re.search(r"[\u4e00-\u9fff]", r["zh"]), r  # every zh entry has Chinese characters


@pytest.mark.parametrize(
    ("key", "kind"),
    [(s, "source") for s in sections.SOURCES]
    + [(s, "scenario") for s in sections.POLICY_SCENARIOS + sections.BBCE_SCENARIOS]
    + [(m, "method") for m in sections.METHODS]
    + [(v, "verdict") for v in claims.VERDICTS],
)
def test_every_report_name_has_a_chinese_term(key, kind):
    assert term(key, "zh", kind) != key
    assert re.search(r"[\u4e00-\u9fff]", term(key, "zh", kind))


def test_every_region_has_a_chinese_term():
    from hashcarbon import geography
    from hashcarbon.models.world import region_table

    months = pd.date_range("2014-01-01", "2026-01-01", freq="MS")
    names = set(geography.country_province_shares(months)["region"])
    names |= set(geography.country_province_shares(months)["country"])
    names |= set(region_table().name)
    missing = [n for n in names if not re.search(r"[\u4e00-\u9fff]", term(n, "zh"))]
    assert missing == []


def test_quantities_in_chinese_units():
    # 1 Mt = 100 万吨; 100 Mt = 1 亿吨; 1 TWh = 10 亿千瓦时; 1 GW = 100 万千瓦 (hand computed)
    assert quantity(85, "Mt", "zh") == "8,500 万吨"
    assert quantity(39.8, "Mt", "zh") == "3,980 万吨"
    assert quantity(296.59, "Mt", "zh") == "2.97 亿吨"
    assert quantity(138, "TWh", "zh") == "1,380 亿千瓦时"
    assert quantity(2.33, "GW", "zh") == "233 万千瓦"
    assert quantity(85.3, "Mt", "en") == "85.3 Mt CO2e"
    assert quantity(float("nan"), "Mt", "zh") == "–"


def test_terminology_rows_and_kinds():
    assert {r["kind"] for r in terminology()} == set(TERM_KINDS)
    assert all(r["kind"] == "unit" for r in terminology("unit"))
    assert term("economic", "zh") == "经济模型估算"
    assert term("no such name", "zh") == "no such name"
    with pytest.raises(ValueError, match="lang"):
        term("coal", "fr")


def test_docs_show_the_terminology_table():
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "report.md").read_text("utf-8")
    for r in terminology():
        assert f"| {r['kind']} | `{r['key']}` | {r['en']} | {r['zh']} |" in doc, r
