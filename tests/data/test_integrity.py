"""Integrity of shipped tables and package data files (issue 16 item 3)."""

from __future__ import annotations

import importlib.util
import shutil
import time
from pathlib import Path

import pytest

from hashcarbon import data
from hashcarbon.data import integrity
from hashcarbon.data._registry import TABLES_DIR, get_spec, integrity_entry, table_names
from hashcarbon.errors import DataError

#: the repository's build tool (beside tests/, not inside the installed package)
TOOLS = Path(__file__).resolve().parents[2] / "tools" / "build_data.py"


def _copy(tmp_path, name):
    src = TABLES_DIR / get_spec(name).filename
    dst = tmp_path / src.name
    shutil.copyfile(src, dst)
    return dst


def _one_line(err, filename):
    msg = str(err.value)
    assert "\n" not in msg
    assert filename in msg
    return msg


@pytest.mark.parametrize("name", table_names())
def test_every_table_has_an_integrity_entry_that_matches(name):
    entry, where = integrity_entry(name)
    assert entry is not None, f"{name}: run python tools/build_data.py --update-checksums"
    assert where.startswith("sources/")
    assert entry["rows"] == len(data.embedded_table(name))
    assert entry["sha256"] == integrity.file_sha256(TABLES_DIR / get_spec(name).filename)


@pytest.mark.parametrize("name", table_names())
def test_header_only_table_fails_naming_the_file(tmp_path, name):
    dst = _copy(tmp_path, name)
    header = dst.read_bytes().split(b"\n", 1)[0] + b"\n"
    dst.write_bytes(header)
    with pytest.raises(DataError) as err:
        data.load_table(name, tmp_path)
    msg = _one_line(err, dst.name)
    assert "0 data rows" in msg or "header only" in msg


@pytest.mark.parametrize("name", table_names())
def test_table_cut_at_a_row_boundary_fails(tmp_path, name):
    dst = _copy(tmp_path, name)
    rows = integrity_entry(name)[0]["rows"]
    frame = data.embedded_table(name)
    keep = max(1, rows // 2)
    # cut the raw text after `keep` records (quoted newlines: use pandas' own writer on a prefix)
    import pandas as pd

    raw = pd.read_csv(TABLES_DIR / dst.name, dtype=str, keep_default_na=False)
    raw.iloc[:keep].to_csv(dst, index=False, lineterminator="\n")
    assert len(frame) == rows
    with pytest.raises(DataError) as err:
        data.load_table(name, tmp_path)
    msg = _one_line(err, dst.name)
    assert f"{keep:,} data rows" in msg or "truncated" in msg


def test_table_cut_mid_row_names_the_truncation(tmp_path):
    dst = _copy(tmp_path, "network_daily")
    blob = dst.read_bytes()
    dst.write_bytes(blob[: len(blob) // 2])
    with pytest.raises(DataError) as err:
        data.load_table("network_daily", tmp_path)
    msg = _one_line(err, "network_daily.csv")
    assert "truncated" in msg


def test_altered_value_that_passes_the_schema_is_caught(tmp_path):
    dst = _copy(tmp_path, "grid_mix")
    text = dst.read_text(encoding="utf-8").splitlines(keepends=True)
    # a generation value changed by a little still passes every schema check
    parts = text[1].split(",")
    parts[4] = str(float(parts[4]) + 0.5)
    text[1] = ",".join(parts)
    dst.write_text("".join(text), encoding="utf-8")
    with pytest.raises(DataError) as err:
        data.load_table("grid_mix", tmp_path)
    msg = _one_line(err, "grid_mix.csv")
    assert "content altered" in msg
    assert "sources/grid.toml" in msg


def test_copy_with_its_own_manifest_is_accepted(tmp_path):
    dst = _copy(tmp_path, "hydro_curtailment")
    lines = dst.read_text(encoding="utf-8").splitlines(keepends=True)
    dst.write_text("".join(lines[:-1]), encoding="utf-8")  # a deliberate smaller copy
    with pytest.raises(DataError, match="truncated"):
        data.load_table("hydro_curtailment", tmp_path)
    spec = importlib.util.spec_from_file_location("build_data", TOOLS)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    mod.update_checksums(tmp_path)
    assert len(data.load_table("hydro_curtailment", tmp_path)) == len(lines) - 2


def test_package_manifest_covers_model_files_and_matches():
    manifest = integrity.package_manifest()
    assert "models/world/capacity.csv" in manifest
    assert "models/bbce_presets/calibration.toml" in manifest
    assert any(k.startswith("scenarios/") for k in manifest)
    assert sorted(manifest) == integrity.package_files()
    for rel in manifest:
        integrity.check_package_file(rel)


def test_package_file_damage_is_one_line(tmp_path):
    rel = "models/world/capacity.csv"
    copy = tmp_path / "capacity.csv"
    text = (integrity.PACKAGE_ROOT / rel).read_text(encoding="utf-8").splitlines(keepends=True)
    copy.write_text("".join(text[:5]), encoding="utf-8")
    with pytest.raises(DataError) as err:
        integrity.check_package_file(rel, copy)
    msg = _one_line(err, rel)
    assert "truncated: 4 data rows" in msg
    copy.write_text(text[0], encoding="utf-8")
    with pytest.raises(DataError, match="header only"):
        integrity.check_package_file(rel, copy)
    with pytest.raises(DataError, match="missing"):
        integrity.check_package_file(rel, tmp_path / "nope.csv")


def test_hash_is_computed_once_per_file_version(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(b"a\n" + b"1\n" * 200_000)
    integrity._digest_cached.cache_clear()
    integrity.file_sha256(path)
    t0 = time.perf_counter()
    for _ in range(200):
        integrity.file_sha256(path)
    per_call = (time.perf_counter() - t0) / 200
    assert integrity._digest_cached.cache_info().hits == 200
    assert per_call < 1e-3
    before = integrity.file_sha256(path)
    path.write_bytes(b"a\n1\n")  # new version (size changed) -> hashed again
    assert integrity.file_sha256(path) != before
    assert integrity._digest_cached.cache_info().misses == 2
