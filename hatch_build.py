"""Hatchling build hook: record the git commit in the wheel (``hashcarbon/_build_info.json``).

Read by :func:`hashcarbon.provenance.git_commit`, so an installed copy can say which commit
its numbers came from. Outside a git checkout nothing is recorded.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CustomBuildHook(BuildHookInterface):
    def initialize(self, version, build_data):
        try:
            proc = subprocess.run(
                ["git", "-C", self.root, "rev-parse", "HEAD"],
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            return
        commit = proc.stdout.strip()
        if proc.returncode != 0 or len(commit) != 40:
            return
        out = Path(tempfile.mkdtemp(prefix="hashcarbon-build-")) / "_build_info.json"
        out.write_text(json.dumps({"git_commit": commit}), encoding="utf-8")
        build_data["force_include"][str(out)] = "hashcarbon/_build_info.json"
