"""Issue 14, item 4: `--fix` with an external linter's FixCommand: run on a temporary copy,
its result goes through the fixer's pipeline (then black) and the file is written once."""

from __future__ import annotations

import json
from pathlib import Path

from external_fakes import install_tool, starts, tool_env
from helpers import lintgate, normalize_stderr


def setup(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    (root / ".git").mkdir()
    (root / "a.py").write_text("x=1  # TODO fix\n")
    (root / "b.py").write_text("y = 2\n")
    config = {
        "DisableAll": True,
        "Enable": ["todo", "black"],
        "Linters": {
            "todo": {
                "Command": "todo",
                "Pattern": "PATH:LINE:COL:MESSAGE",
                "FixCommand": "todo --fix",
            }
        },
    }
    (root / "lintgate.json").write_text(json.dumps(config))
    install_tool(tmp_path / "bin")
    return root


def test_fix_runs_the_external_fixer_then_black_and_writes_once(tmp_path):
    root = setup(tmp_path)
    proc = lintgate(root, "--fix", "-j", "1", env=tool_env(tmp_path / "bin", tmp_path / "log"))
    assert (root / "a.py").read_text() == "x = 1  # DONE fix\n"
    assert (root / "b.py").read_text() == "y = 2\n"
    assert (proc.returncode, proc.stdout) == (0, ""), proc.stderr
    assert normalize_stderr(proc.stderr) == (
        "lintgate: fixed a.py\n"
        "lintgate: 1 file(s) fixed\n"
        "lintgate: 2 files checked, 0 findings, 0 from cache, N.NNs\n"
    )
    assert sorted(p.name for p in root.iterdir()) == [".git", "a.py", "b.py", "lintgate.json"]
    fixes = [s for s in starts(tmp_path / "log") if s.startswith("--fix")]
    assert sorted(s.split()[1].split(".")[1] for s in fixes) == ["a", "b"]  # temporary copies


def test_diff_shows_the_external_fix_and_writes_nothing(tmp_path):
    root = setup(tmp_path)
    proc = lintgate(root, "--diff", env=tool_env(tmp_path / "bin", tmp_path / "log"))
    assert (root / "a.py").read_text() == "x=1  # TODO fix\n"
    assert proc.stdout == (
        "diff --git a/a.py b/a.py\n--- a/a.py\n+++ b/a.py\n@@ -1 +1 @@\n"
        "-x=1  # TODO fix\n+x = 1  # DONE fix\n"
    )
    assert proc.returncode == 1


def test_a_failing_fixer_leaves_the_file_and_says_why(tmp_path):
    root = setup(tmp_path)
    config = json.loads((root / "lintgate.json").read_text())
    config["Linters"]["todo"]["FixCommand"] = "todo --crash"
    (root / "lintgate.json").write_text(json.dumps(config))
    proc = lintgate(root, "--fix", env=tool_env(tmp_path / "bin", tmp_path / "log"))
    assert (root / "a.py").read_text() == "x=1  # TODO fix\n"
    assert proc.returncode == 3
    why = (
        "not fixed: todo failed: RuntimeError: exited with status 2: "
        "Traceback (most recent call last): | File x | ValueError: boom"
    )
    assert proc.stdout == (
        "a.py:1:1: ⚠️ would reformat line 1 (black)\n"
        f"a.py:1:1: ❌ {why} (fix)\n"
        "a.py:1:8: ⚠️ found a TODO (todo)\n"
        f"b.py:1:1: ❌ {why} (fix)\n"
    )
    assert f"lintgate: a.py: {why}\n" in proc.stderr
