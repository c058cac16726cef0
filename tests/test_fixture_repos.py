"""Each fixture repository under tests/fixtures/repos/ with its exact stdout, stderr and exit
status (`expected.stdout`, `expected.stderr`, `case.json` holding `args` and `exit`).

A case may borrow another case's files (`"repo": "NAME"`) and add a `lintgate.json`
(`"config": {...}`), so one repository serves many cases (formats, filters).
"""

from __future__ import annotations

import json
import os

import pytest
from helpers import REPOS, copy_repo, lintgate, normalize_stderr

CASES = sorted(p.name for p in REPOS.iterdir() if (p / "case.json").is_file())


@pytest.mark.parametrize("name", CASES)
def test_fixture_repository(name, tmp_path):
    case = json.loads((REPOS / name / "case.json").read_text())
    repo = copy_repo(case.get("repo", name), tmp_path / "repo", git=case.get("git", True))
    if "config" in case:
        (repo / "lintgate.json").write_text(json.dumps(case["config"]))
    proc = lintgate(repo, *case.get("args", []))
    stderr = normalize_stderr(proc.stderr)
    if os.environ.get("LINTGATE_UPDATE_GOLDEN"):
        (REPOS / name / "expected.stdout").write_text(proc.stdout, encoding="utf-8")
        (REPOS / name / "expected.stderr").write_text(stderr, encoding="utf-8")
        case["exit"] = proc.returncode
        (REPOS / name / "case.json").write_text(json.dumps(case, indent=2) + "\n")
    assert proc.stdout == (REPOS / name / "expected.stdout").read_text(encoding="utf-8")
    assert stderr == (REPOS / name / "expected.stderr").read_text(encoding="utf-8")
    assert proc.returncode == case["exit"]
    assert "Traceback" not in proc.stderr
