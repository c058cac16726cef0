"""Issue 14 with `--stdin-filename`: the external linters run on a temporary copy of the
source beside PATH and report it as PATH (no false clean), the copy removed afterwards."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from external_fakes import install_tool, starts, tool_env
from helpers import normalize_stderr

SCRIPT = Path(sys.executable).parent / "lintgate"


def from_stdin(cwd: Path, source: str, env: dict, *args: str) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory(prefix="lintgate-cache-") as cache:
        return subprocess.run(
            [str(SCRIPT), *args],
            cwd=cwd,
            input=source,
            capture_output=True,
            text=True,
            env={**os.environ, "LINTGATE_CACHE_DIR": cache, "FORCE_COLOR": "", **env},
        )


def setup(tmp_path: Path) -> tuple[Path, dict]:
    root = tmp_path / "repo"
    (root / "pkg").mkdir(parents=True)
    (root / ".git").mkdir()
    config = {"Linters": {"todo": {"Command": "todo", "Pattern": "PATH:LINE:COL:MESSAGE"}}}
    (root / "lintgate.json").write_text(json.dumps(config))
    install_tool(tmp_path / "bin")
    return root, tool_env(tmp_path / "bin", tmp_path / "log")


def listing(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if ".git" not in p.parts)


def test_external_linters_check_the_stdin_source_as_path(tmp_path):
    root, env = setup(tmp_path)
    source = "x = 1  # TODO here\n"
    proc = from_stdin(
        root, source, env, "--stdin-filename", "pkg/a.py", "--disable-all", "-E", "todo"
    )
    assert proc.stdout == "pkg/a.py:1:10: ⚠️ found a TODO (todo)\n", proc.stderr
    assert proc.returncode == 1
    assert (
        normalize_stderr(proc.stderr)
        == "lintgate: 1 file checked, 1 finding, 0 from cache, N.NNs\n"
    )
    (copy,) = [s for s in starts(tmp_path / "log") if s != "--version"]
    # a valid module name, as the file's (ruff's N999 judges the copy's name)
    assert re.fullmatch(r"pkg/a__lintgate_stdin_[0-9]+\.py", copy), copy
    assert listing(root) == ["lintgate.json", "pkg"]


def test_a_clean_stdin_source_is_clean_and_a_missing_directory_uses_the_nearest(tmp_path):
    root, env = setup(tmp_path)
    args = ("--stdin-filename", "new/dir/b.py", "--disable-all", "-E", "todo")
    proc = from_stdin(root, "y = 2\n", env, *args)
    assert (proc.returncode, proc.stdout) == (0, ""), proc.stderr
    (copy,) = [s for s in starts(tmp_path / "log") if s != "--version"]
    assert re.fullmatch(r"b__lintgate_stdin_[0-9]+\.py", copy), copy
    assert listing(root) == ["lintgate.json", "pkg"]


def test_stdin_fix_reports_what_the_external_linter_finds_in_the_fixed_source(tmp_path):
    root, env = setup(tmp_path)
    source = "import sys, os  # TODO\n"
    proc = from_stdin(
        root, source, env, "--stdin-filename", "a.py", "--disable-all", "-E", "todo,isort", "--fix"
    )
    assert proc.stdout == "import os\nimport sys  # TODO\n"
    assert proc.returncode == 1
    assert normalize_stderr(proc.stderr) == (
        "a.py:2:15: ⚠️ found a TODO (todo)\n"
        "lintgate: 1 file checked, 1 finding, 0 from cache, N.NNs\n"
    )
    assert listing(root) == ["lintgate.json", "pkg"]


def test_a_tool_failure_on_stdin_is_an_error(tmp_path):
    root, env = setup(tmp_path)
    config = json.loads((root / "lintgate.json").read_text())
    config["Linters"]["todo"]["Command"] = "todo --crash"
    (root / "lintgate.json").write_text(json.dumps(config))
    proc = from_stdin(
        root, "z = 3\n", env, "--stdin-filename", "a.py", "--disable-all", "-E", "todo"
    )
    assert proc.stdout == ""
    assert proc.returncode == 2
    assert normalize_stderr(proc.stderr) == (
        "lintgate: todo: the tool exited with status 2: "
        "Traceback (most recent call last): | File x | ValueError: boom\n"
        "lintgate: 1 file checked, 0 findings, 0 from cache, N.NNs\n"
    )
