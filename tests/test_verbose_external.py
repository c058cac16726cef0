"""`-v` with external linters: each tool's version line (the one the cache keys on) and its
cache hits beside the in-process linters'."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
from helpers import lintgate

BIN = Path(sys.executable).parent


def test_verbose_names_external_versions_and_cache_hits(tmp_path: Path) -> None:
    if not (BIN / "ruff").exists():
        pytest.skip("ruff is not installed (pip install -e '.[test]')")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "a.py").write_text("import os\n")
    (repo / "b.py").write_text("x = 1\n")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    env = {
        "LINTGATE_CACHE_DIR": str(tmp_path / "cache"),
        "PATH": os.pathsep.join([str(BIN), os.environ.get("PATH", "")]),
    }
    for hits in ("0/2", "2/2"):  # cold, then warm
        proc = lintgate(repo, "-E", "ruff", "-v", env=env)
        assert proc.returncode == 1, proc.stderr
        lines = proc.stderr.splitlines()
        at = lines.index(f"lintgate: ruff: version: ruff {version('ruff')}")
        assert lines[at + 1] == (
            f"lintgate: cache hits: imports {hits}, isort {hits}, black {hits}, ruff {hits}"
        )
        assert lines[at + 2].startswith("lintgate: timings: ")
    quiet = lintgate(repo, "-E", "ruff", env=env)
    assert "version" not in quiet.stderr and "cache hits" not in quiet.stderr
