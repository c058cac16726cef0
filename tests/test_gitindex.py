"""git's index vouches for unchanged files (lintgate/gitindex.py) only when its stat check is
as strict as lintgate's: with core.trustctime false, a rewrite that keeps the size and mtime
passes git's check, so lintgate stats the files itself and sees the change."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from tests.helpers import lintgate, rewrite_keeping_size_and_mtime

GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@example", "-c", "commit.gpgsign=false"]


@pytest.mark.parametrize(
    "setting",
    [("core.trustctime", "false"), ("core.checkStat", "minimal"), ("core.ignoreStat", "true")],
    ids=["trustctime", "checkStat", "ignoreStat"],
)
def test_a_weaker_stat_check_in_git_is_not_taken(tmp_path: Path, setting: tuple[str, str]):
    repo = tmp_path / "repo"
    repo.mkdir()
    for i in range(20):
        (repo / f"m{i:02}.py").write_text(f"import os\n\nprint(os.sep, {i})\n")
    (repo / "target.py").write_text("import re;\n")
    past = time.time_ns() - 60 * 10**9
    for path in repo.iterdir():
        os.utime(path, ns=(past, past))
    subprocess.run([*GIT, "init", "-q"], cwd=repo, check=True)
    subprocess.run([*GIT, "config", *setting], cwd=repo, check=True)
    subprocess.run([*GIT, "add", "-A"], cwd=repo, check=True)
    subprocess.run([*GIT, "commit", "-qm", "x", "--no-verify"], cwd=repo, check=True)
    env = {"LINTGATE_CACHE_DIR": str(tmp_path / "cache"), "LINTGATE_GIT_INDEX_FILES": "0"}
    for _ in range(3):
        before = lintgate(repo, env=env)
    assert "target.py:1:1: ⚠️ would reformat line 1 (black)" in before.stdout  # the `;`
    rewrite_keeping_size_and_mtime(repo / "target.py", b"import re\n\n")
    after = lintgate(repo, env=env)
    plain = lintgate(repo, "--no-cache")
    assert (after.stdout, after.returncode) == (plain.stdout, plain.returncode)
    assert after.stdout != before.stdout
