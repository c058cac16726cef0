"""Issue 14, item 4: `--fix` with an external linter's FixCommand: run on a temporary copy,
its result goes through the fixer's pipeline (then black) and the file is written once."""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path

import pytest
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
    # copies; a.py's fixer runs again on black's output, to see that the two agree (fix.py)
    assert sorted(s.split()[1].split("__lintgate_fix_")[0] for s in fixes) == ["a", "a", "b"]


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


SLOW_WHY = (
    "not fixed: todo failed: RuntimeError: "
    "did not finish before the deadline (Deadline, FileDeadline)"
)
SLOWFIX = '#!/bin/sh\necho $$ >> "$SLOWFIX_PIDS"\nsleep 600\n'


def slow_setup(tmp_path: Path) -> tuple[Path, dict]:
    """A repository whose `todo` FixCommand is `slowfix` (a shell that starts `sleep 600`
    and records its pid, the id of its process group, in $SLOWFIX_PIDS)."""
    root = setup(tmp_path)
    (root / "b.py").unlink()
    slow = tmp_path / "bin" / "slowfix"
    slow.write_text(SLOWFIX)
    slow.chmod(0o755)
    config = json.loads((root / "lintgate.json").read_text())
    config["Linters"]["todo"]["FixCommand"] = "slowfix"
    config["Enable"] = ["todo"]
    (root / "lintgate.json").write_text(json.dumps(config))
    env = tool_env(tmp_path / "bin", tmp_path / "log")
    env["SLOWFIX_PIDS"] = str(tmp_path / "pids")
    return root, env


def groups_alive(pids: Path) -> list[int]:
    """The process groups named in `pids` that still have a process (after a moment)."""
    import os
    import time

    groups = [int(line) for line in pids.read_text().split()]
    end = time.monotonic() + 3
    while True:
        alive = []
        for group in groups:
            try:
                os.killpg(group, 0)
                alive.append(group)
            except ProcessLookupError:
                pass
        if not alive or time.monotonic() > end:
            return alive
        time.sleep(0.05)


def test_a_fixer_over_the_file_deadline_is_killed_with_its_group_and_leaves_no_copy(tmp_path):
    root, env = slow_setup(tmp_path)
    proc = lintgate(root, "--fix", "--file-deadline", "2s", env=env, timeout=60)
    why = SLOW_WHY
    assert (root / "a.py").read_text() == "x=1  # TODO fix\n"
    assert sorted(p.name for p in root.iterdir()) == [".git", "a.py", "lintgate.json"]
    assert groups_alive(tmp_path / "pids") == []
    assert proc.returncode == 3, proc.stderr
    assert proc.stdout == f"a.py:1:1: ❌ {why} (fix)\na.py:1:8: ⚠️ found a TODO (todo)\n"
    assert normalize_stderr(proc.stderr) == (
        "lintgate: 0 file(s) fixed\n"
        f"lintgate: a.py: {why}\n"
        "lintgate: 1 file checked, 2 findings, 0 from cache, N.NNs\n"
    )


def test_a_fixer_at_the_deadline_is_killed_with_its_group_and_leaves_no_copy(tmp_path):
    root, env = slow_setup(tmp_path)
    proc = lintgate(root, "--fix", "--deadline", "2s", env=env, timeout=60)
    assert (root / "a.py").read_text() == "x=1  # TODO fix\n"
    assert sorted(p.name for p in root.iterdir()) == [".git", "a.py", "lintgate.json"]
    assert groups_alive(tmp_path / "pids") == []
    assert proc.returncode == 3, proc.stderr
    assert proc.stdout == f"a.py:1:1: ❌ {SLOW_WHY} (fix)\na.py:1:8: ⚠️ found a TODO (todo)\n"
    assert normalize_stderr(proc.stderr) == (
        "lintgate: 0 file(s) fixed\n"
        f"lintgate: a.py: {SLOW_WHY}\n"
        "lintgate: 1 file checked, 2 findings, 0 from cache, N.NNs\n"
    )


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_stopped_fix_run_kills_the_fixers_group_and_leaves_no_copy(tmp_path, signum):
    import os
    import subprocess
    import sys
    import time

    root, env = slow_setup(tmp_path)
    script = Path(sys.executable).parent / "lintgate"
    full = {**os.environ, **env, "LINTGATE_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.Popen(
        [str(script), "--fix"], cwd=root, env=full, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    pids = tmp_path / "pids"
    end = time.monotonic() + 30
    while not (pids.exists() and pids.read_text().strip()) and time.monotonic() < end:
        time.sleep(0.05)
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 128 + signum, err
    word = "terminated" if signum == signal.SIGTERM else "interrupted"
    assert err.endswith(f"lintgate: {word}\n")
    assert groups_alive(pids) == []
    assert (root / "a.py").read_text() == "x=1  # TODO fix\n"
    assert sorted(p.name for p in root.iterdir()) == [".git", "a.py", "lintgate.json"]


def test_discovery_never_picks_up_lintgate_temporary_copies(tmp_path):
    root = setup(tmp_path)
    (root / "a__lintgate_fix_603.py").write_text("# TODO left by a killed run\n")
    (root / "a__lintgate_stdin_604.pyi").write_text("# TODO left by a killed run\n")
    (root / "a__lintgate_fix.py").write_text("# TODO not one of the copies\n")
    proc = lintgate(root, "-E", "todo", env=tool_env(tmp_path / "bin", tmp_path / "log"))
    assert proc.stdout == (
        "a.py:1:1: ⚠️ would reformat line 1 (black)\n"
        "a.py:1:8: ⚠️ found a TODO (todo)\n"
        "a__lintgate_fix.py:1:3: ⚠️ found a TODO (todo)\n"
    )


# --- an external fixer and an in-process one undo each other ---------------------------------

RUFF = Path(sys.executable).parent / "ruff"
FIGHT = (
    "from _csv import QUOTE_ALL, Error, writer\n"
    "from _csv import Dialect as _Dialect\n"
    "\n"
    "print(QUOTE_ALL, Error, writer, _Dialect)\n"
)


@pytest.mark.skipif(not RUFF.exists(), reason="ruff is not installed (pip install -e '.[test]')")
def test_ruff_and_isort_that_undo_each_other_leave_the_file_and_say_so(tmp_path):
    # ruff's I001 joins the `from _csv import` lines isort (profile black) splits around the
    # `as` import: fixing for one breaks the other, as isort and black can (docs/fix.md)
    root = tmp_path / "repo"
    root.mkdir()
    (root / ".git").mkdir()
    (root / "a.py").write_text(FIGHT)
    (root / "pyproject.toml").write_text(
        '[tool.isort]\nprofile = "black"\n\n[tool.ruff.lint]\nselect = ["I"]\n'
    )
    env = {"PATH": os.pathsep.join([str(RUFF.parent), os.environ.get("PATH", "")])}
    proc = lintgate(root, "--no-config", "-E", "ruff", "--fix", env=env)
    assert (root / "a.py").read_text() == FIGHT  # left as it was
    assert proc.stdout == (
        "a.py:1:1: ❌ not fixed: ruff and isort disagree (ruff would change isort's output "
        "again); make their settings agree (fix)\n"
        "a.py:1:1: ⚠️ imports are incorrectly sorted and/or formatted (isort)\n"
    )
    assert proc.returncode == 1, proc.stderr  # linters that disagree: a finding, not an error
    assert normalize_stderr(proc.stderr) == (
        "lintgate: 0 file(s) fixed\nlintgate: 1 file checked, 2 findings, 0 from cache, N.NNs\n"
    )
