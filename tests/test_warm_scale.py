"""The warm path at size: a run whose inputs are all unchanged is answered from one lookup
(lintgate/engine/whole.py), and every change a git work tree can hold gives the output of a
run without the cache, byte for byte.

The tree is benchmarks/monorepo.py's synthetic monorepo at 200 files, its files
dated an hour back (so that no file is racily clean and the one-lookup answer is used).
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import lintgate

GENERATOR = Path(__file__).resolve().parent.parent / "benchmarks" / "monorepo.py"
WHOLE = '{"key"%'  # a whole-run answer in the memo table (lintgate/engine/whole.py)
HOUR_AGO = time.time_ns() - 3600 * 10**9
GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@example", "-c", "commit.gpgsign=false"]


def _backdate(path: Path) -> None:
    os.utime(path, ns=(HOUR_AGO, HOUR_AGO))


@pytest.fixture
def monorepo(tmp_path: Path) -> Path:
    repo = tmp_path / "mono"
    subprocess.run(
        [
            sys.executable,
            str(GENERATOR),
            "--files",
            "200",
            "--dirty",
            "0.06",
            "--no-git",
            str(repo),
        ],
        check=True,
        capture_output=True,
    )
    for p in repo.rglob("*"):
        _backdate(p)
    subprocess.run([*GIT, "init", "-q"], cwd=repo, check=True)
    subprocess.run([*GIT, "add", "-A"], cwd=repo, check=True)
    subprocess.run([*GIT, "commit", "-qm", "mono", "--no-verify"], cwd=repo, check=True)
    return repo


def _summary_free(stderr: str) -> str:
    """stderr without the summary line's cache count and seconds."""
    return re.sub(r", \d+ from cache, \d+\.\d\ds", "", stderr)


def _same_as_uncached(repo: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run with the cache and without; assert the same stdout, stderr (but the summary's
    cache count and time) and exit status; return the cached run."""
    cached = lintgate(repo, env=env)
    plain = lintgate(repo, "--no-cache", env={"LINTGATE_GIT_INDEX_FILES": "1000000"})
    assert cached.stdout == plain.stdout
    assert _summary_free(cached.stderr) == _summary_free(plain.stderr)
    assert cached.returncode == plain.returncode
    return cached


def _whole_rows(cache: Path) -> int:
    with contextlib.closing(sqlite3.connect(cache / "results.sqlite3")) as conn:
        return int(
            conn.execute("SELECT count(*) FROM memo WHERE value LIKE ?", (WHOLE,)).fetchone()[0]
        )


def _forget_results(cache: Path) -> None:
    """Empty the per-file tables: only the one-lookup answer is left to give the output."""
    with contextlib.closing(sqlite3.connect(cache / "results.sqlite3")) as conn:
        conn.execute("DELETE FROM results")
        conn.execute("DELETE FROM stat")
        conn.execute("DELETE FROM memo WHERE value NOT LIKE ?", (WHOLE,))
        conn.commit()


@pytest.mark.parametrize(
    "git_index",
    [True, pytest.param(False, marks=pytest.mark.slow)],  # the stat path: test_cold_warm too
    ids=["git-index", "stat"],
)
def test_unchanged_run_is_one_lookup_and_every_change_is_seen(
    monorepo: Path, tmp_path: Path, git_index: bool
):
    """With git's index vouching for the unchanged tracked files (LINTGATE_GIT_INDEX_FILES=0:
    lintgate.gitindex on a small tree), and with lintgate's own stats."""
    cache = tmp_path / "cache"
    env = {
        "LINTGATE_CACHE_DIR": str(cache),
        "LINTGATE_GIT_INDEX_FILES": "0" if git_index else "1000000",
    }
    cold = _same_as_uncached(monorepo, env)
    assert cold.returncode == 1 and cold.stdout.count("\n") >= 5
    assert ", 0 from cache, " in cold.stderr  # nothing known yet
    warm = _same_as_uncached(monorepo, env)  # answered per file; stores the whole run
    assert _whole_rows(cache) == 1
    _forget_results(cache)
    again = lintgate(monorepo, env=env)  # one lookup: no per-file row is left to ask
    assert (again.stdout, again.returncode) == (warm.stdout, warm.returncode)
    assert re.sub(r"\d+\.\d\ds", "", again.stderr) == re.sub(r"\d+\.\d\ds", "", warm.stderr)

    mods = sorted(monorepo.glob("pkg0001/mod*.py"))
    # one file changed (unstaged), dated back so that its stat is settled
    mods[0].write_text(mods[0].read_text() + "import os\n")
    _backdate(mods[0])
    assert "pkg0001/" + mods[0].name in _same_as_uncached(monorepo, env).stdout
    _same_as_uncached(monorepo, env)
    # a staged change
    mods[1].write_text("import sys\nimport os\n")
    _backdate(mods[1])
    subprocess.run(["git", "add", str(mods[1])], cwd=monorepo, check=True)
    assert "pkg0001/" + mods[1].name in _same_as_uncached(monorepo, env).stdout
    # an untracked file, and one git ignores
    (monorepo / "pkg0001" / "new.py").write_text("import json\n")
    (monorepo / ".gitignore").write_text("ignored.py\n")
    (monorepo / "pkg0001" / "ignored.py").write_text("import json\n")
    for p in ("pkg0001/new.py", ".gitignore", "pkg0001/ignored.py"):
        _backdate(monorepo / p)
    out = _same_as_uncached(monorepo, env).stdout
    assert "pkg0001/new.py" in out and "ignored.py" not in out
    # a deleted file
    mods[2].unlink()
    _same_as_uncached(monorepo, env)
    # the config changed: black's line length
    (monorepo / "pyproject.toml").write_text(
        '[tool.isort]\nprofile = "black"\n\n[tool.black]\nline-length = 40\n'
    )
    _backdate(monorepo / "pyproject.toml")
    changed = _same_as_uncached(monorepo, env)
    assert changed.stdout.count("(black)") > out.count("(black)")
    _same_as_uncached(monorepo, env)
    # an Exclude setting in lintgate's own config
    (monorepo / "lintgate.json").write_text('{"Exclude": ["black\\\\)$"]}\n')
    _backdate(monorepo / "lintgate.json")
    excluded = _same_as_uncached(monorepo, env)
    assert "(black)" not in excluded.stdout


def test_a_file_modified_just_now_is_not_answered_from_the_run(monorepo: Path, tmp_path: Path):
    """Racily clean (modified within the stat index's 2 s): the run is not stored, and a
    same-size rewrite of it is still seen."""
    cache = tmp_path / "cache"
    env = {"LINTGATE_CACHE_DIR": str(cache)}
    lintgate(monorepo, env=env)
    target = sorted(monorepo.glob("pkg0002/mod*.py"))[0]
    text = target.read_text()
    target.write_text(text)  # now: racy
    lintgate(monorepo, env=env)
    lintgate(monorepo, env=env)
    assert _whole_rows(cache) == 0
    st = target.stat()
    target.write_text(text.replace("total = value", "total  =value", 1))  # same size
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert "would reformat" in _same_as_uncached(monorepo, env).stdout.split(target.name)[1]
