"""The run replay (lintgate/replay/): a warm run whose inputs are all unchanged is answered
from its record before the engine is imported, with the bytes a run without the cache prints;
and every change of an input is seen.

A replay is told from a normal run by deleting the result database first: a replay does not
open it (it is not made again) and still says every file came from the cache.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

import pytest

from tests.helpers import lintgate, rewrite_keeping_size_and_mtime

GENERATOR = Path(__file__).resolve().parent.parent / "benchmarks" / "monorepo.py"
GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@example", "-c", "commit.gpgsign=false"]
FILES = 150


def _settle(tree: Path) -> None:
    """Date every file and directory of `tree` (git's too) a minute back, so that none is
    racily clean and a run may leave its record."""
    past = time.time_ns() - 60 * 10**9
    for path in [*tree.rglob("*"), tree]:
        os.utime(path, ns=(past, past), follow_symlinks=False)


def _git(repo: Path, *args: str) -> None:
    subprocess.run([*GIT, *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """benchmarks/monorepo.py's tree at FILES files, a directory without Python files
    (`assets/`), an empty one (`empty/`), an untracked file with a finding, committed."""
    return _make_repo(tmp_path, FILES)


@pytest.fixture
def small_repo(tmp_path: Path) -> Path:
    """`repo` at 40 files: each change case runs lintgate cold twice."""
    return _make_repo(tmp_path, 40)


def _make_repo(tmp_path: Path, files: int) -> Path:
    repo = tmp_path / "mono"
    subprocess.run(
        [sys.executable, str(GENERATOR), "--files", str(files), "--dirty", "0.1", "--no-git"]
        + [str(repo)],
        check=True,
        capture_output=True,
    )
    (repo / "assets").mkdir()
    (repo / "assets" / "logo.txt").write_text("logo\n")
    (repo / "empty").mkdir()
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "mono", "--no-verify")
    (repo / "scratch.py").write_text("import os\n")  # untracked, not ignored
    _settle(repo)
    return repo


def _env(tmp_path: Path) -> dict[str, str]:
    return {"LINTGATE_CACHE_DIR": str(tmp_path / "cache")}


def _recorded(repo: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run until the run's record is left (a cold run, a warm one that stores the whole-run
    answer, one answered by it that leaves the record); returns the last run."""
    for _ in range(3):
        last = lintgate(repo, *args, env=env)
    assert _records(env), last.stderr
    return last


def _records(env: dict[str, str]) -> list[Path]:
    return sorted((Path(env["LINTGATE_CACHE_DIR"]) / "replay").glob("*"))


def _without_database(
    repo: Path, env: dict[str, str], *args: str
) -> subprocess.CompletedProcess[str]:
    """A run after the result database is deleted: only a replay still answers from the cache."""
    cache = Path(env["LINTGATE_CACHE_DIR"])
    for name in ("results.sqlite3", "results.sqlite3-wal", "results.sqlite3-shm"):
        (cache / name).unlink(missing_ok=True)
    return lintgate(repo, *args, env=env)


def _seconds_free(stderr: str) -> str:
    return re.sub(r"\d+\.\d\ds$", "", stderr, flags=re.M)


def test_an_unchanged_run_is_replayed_with_the_same_bytes(repo: Path, tmp_path: Path):
    env = _env(tmp_path)
    plain = lintgate(repo, "--no-cache", "-j", "2")
    warm = _recorded(repo, env, "-j", "2")
    assert (warm.stdout, warm.returncode) == (plain.stdout, 1)
    assert warm.stdout.count("\n") >= 10
    replayed = _without_database(repo, env, "-j", "2")
    assert not (tmp_path / "cache" / "results.sqlite3").exists()  # never opened
    assert (replayed.stdout, replayed.returncode) == (warm.stdout, warm.returncode)
    assert _seconds_free(replayed.stderr) == _seconds_free(warm.stderr)
    checked = re.search(r"(\d+) files checked, ", plain.stderr)
    assert checked and int(checked[1]) > 100
    assert f", {checked[1]} from cache, " in replayed.stderr


def test_each_invocation_has_its_own_record(repo: Path, tmp_path: Path):
    """Other arguments, environment or working directory: another record, not this one's."""
    env = _env(tmp_path)
    _recorded(repo, env)
    as_json = _recorded(repo, env, "--format", "json")
    assert len(_records(env)) == 2
    assert _without_database(repo, env, "--format", "json").stdout == as_json.stdout
    other_env = _without_database(repo, {**env, "NO_COLOR": "1"})
    assert ", 0 from cache, " in other_env.stderr
    inside = _without_database(repo / "pkg0001", env)
    assert ", 0 from cache, " in inside.stderr


def _rewrite_same_size(repo: Path) -> None:
    target = sorted(repo.glob("pkg0000/mod*.py"))[0]
    data = target.read_bytes()
    changed = data.replace(b"import", b"imporx", 1)
    assert changed != data
    rewrite_keeping_size_and_mtime(target, changed)


def _add_file_beside_no_python(repo: Path) -> None:
    (repo / "assets" / "tool.py").write_text("import sys\n")


def _add_file_in_empty_directory(repo: Path) -> None:
    (repo / "empty" / "mod.py").write_text("import json\n")


def _add_nested_directory(repo: Path) -> None:
    (repo / "pkg0000" / "deep" / "er").mkdir(parents=True)
    (repo / "pkg0000" / "deep" / "er" / "mod.py").write_text("import json\n")


def _delete_file(repo: Path) -> None:
    sorted(repo.glob("pkg0000/sub/mod*.py"))[0].unlink()


def _ignore_in_gitignore(repo: Path) -> None:
    (repo / ".gitignore").write_text("scratch.py\n")


def _ignore_in_info_exclude(repo: Path) -> None:
    with open(repo / ".git" / "info" / "exclude", "a") as f:
        f.write("scratch.py\n")


def _black_config(repo: Path) -> None:
    with open(repo / "pyproject.toml", "a") as f:
        f.write("\n[tool.black]\nline-length = 40\n")


def _isort_config(repo: Path) -> None:
    (repo / "setup.cfg").write_text("[isort]\nforce_single_line = true\n")


def _lintgate_config(repo: Path) -> None:
    (repo / "lintgate.json").write_text('{"Exclude": ["imported but unused"]}\n')


def _untrack_ignored_file(repo: Path) -> None:
    _git(repo, "rm", "-q", "--cached", "ignored_but_tracked.py")


CHANGES: dict[str, Callable[[Path], None]] = {
    "same-size rewrite, mtime kept": _rewrite_same_size,
    "file beside no Python file": _add_file_beside_no_python,
    "file in an empty directory": _add_file_in_empty_directory,
    "new nested directory": _add_nested_directory,
    "deleted file": _delete_file,
    ".gitignore": _ignore_in_gitignore,
    ".git/info/exclude": _ignore_in_info_exclude,
    "black's config": _black_config,
    "isort's config": _isort_config,
    "lintgate's config": _lintgate_config,
    "git rm --cached of an ignored file": _untrack_ignored_file,
}


@pytest.mark.parametrize("change", list(CHANGES), ids=list(CHANGES))
def test_every_change_is_seen(small_repo: Path, tmp_path: Path, change: str):
    """After each change (dated back, so a new record may follow), the run prints what a run
    without the cache prints, and the next unchanged run is replayed again."""
    repo = small_repo
    (repo / "ignored_but_tracked.py").write_text("import os\n")
    with open(repo / ".gitignore", "a") as f:
        f.write("ignored_but_tracked.py\n")
    _git(repo, "add", "-f", "ignored_but_tracked.py", ".gitignore")
    _settle(repo)
    env = _env(tmp_path)
    before = _recorded(repo, env)
    CHANGES[change](repo)
    _settle(repo)
    plain = lintgate(repo, "--no-cache")
    after = lintgate(repo, env=env)
    assert (after.stdout, after.returncode) == (plain.stdout, plain.returncode)
    assert (after.stdout, _seconds_free(after.stderr)) != (
        before.stdout,
        _seconds_free(before.stderr),
    )
    assert _seconds_free(after.stderr).split(" from cache")[0].rsplit(",", 1)[0] == (
        _seconds_free(plain.stderr).split(" from cache")[0].rsplit(",", 1)[0]
    )
    _recorded(repo, env)
    assert _without_database(repo, env).stdout == plain.stdout


def test_config_above_a_tree_outside_git(tmp_path: Path):
    """Outside git black looks for its pyproject.toml above the working directory: one made
    there after the record changes the answer."""
    outer = tmp_path / "outer"
    tree = outer / "tree"
    tree.mkdir(parents=True)
    (tree / "a.py").write_text("x = [1111111111, 2222222222, 3333333333]\n")
    _settle(outer)
    env = _env(tmp_path)
    before = _recorded(tree, env)
    assert before.returncode == 0
    (outer / "pyproject.toml").write_text("[tool.black]\nline-length = 20\n")
    _settle(outer)
    after = lintgate(tree, env=env)
    assert after.returncode == 1 and "a.py:1:1: " in after.stdout
    assert after.stdout == lintgate(tree, "--no-cache").stdout


@pytest.mark.parametrize(
    "args, env",
    [
        (["-v"], {}),
        (["--output", "json=report.json"], {}),
        (["--no-cache"], {}),
        ([], {"LINTGATE_REPLAY": "0"}),
    ],
    ids=["verbose", "report-file", "no-cache", "LINTGATE_REPLAY=0"],
)
def test_runs_that_leave_no_record(
    small_repo: Path, tmp_path: Path, args: list[str], env: dict[str, str]
):
    repo = small_repo
    full = {**_env(tmp_path), **env}
    for _ in range(3):
        lintgate(repo, *args, env=full)
    assert _records(full) == []


def test_a_racily_clean_file_leaves_no_record(small_repo: Path, tmp_path: Path):
    """A file modified within 2 s of the run could change again unseen: no record. (Its
    mtime is an hour ahead, so it stays racily clean however long the runs take.)"""
    repo = small_repo
    env = _env(tmp_path)
    target = sorted(repo.glob("pkg0000/mod*.py"))[0]
    ahead = time.time_ns() + 3600 * 10**9
    os.utime(target, ns=(ahead, ahead))
    for _ in range(3):
        lintgate(repo, env=env)
    assert _records(env) == []


def test_a_warning_leaves_no_record(small_repo: Path, tmp_path: Path):
    repo = small_repo
    (repo / "lintgate.json").write_text("{}\n")
    (repo / ".lintgate.json").write_text("{}\n")
    _settle(repo)
    env = _env(tmp_path)
    for _ in range(3):
        run = lintgate(repo, env=env)
    assert "lintgate: warning: lintgate.json and .lintgate.json both exist" in run.stderr
    assert _records(env) == []


def test_a_damaged_record_is_not_used_and_is_written_again(small_repo: Path, tmp_path: Path):
    repo = small_repo
    env = _env(tmp_path)
    warm = _recorded(repo, env)
    (record,) = _records(env)
    record.write_bytes(b"not a record")
    again = lintgate(repo, env=env)
    assert (again.stdout, again.returncode) == (warm.stdout, warm.returncode)
    assert record.read_bytes().startswith(b'{"format": "replay 1"')


def test_cache_clean_removes_the_records(small_repo: Path, tmp_path: Path):
    repo = small_repo
    env = _env(tmp_path)
    _recorded(repo, env)
    cleaned = lintgate(repo, "cache", "clean", env=env)
    assert cleaned.returncode == 0, cleaned.stderr
    assert _records(env) == []


def test_at_most_256_records_the_oldest_go(small_repo: Path, tmp_path: Path):
    """One record per invocation (pre-commit's file lists make many): a new record evicts the
    oldest beyond 256."""
    env = _env(tmp_path)
    folder = tmp_path / "cache" / "replay"
    folder.mkdir(parents=True)
    past = time.time_ns() - 3600 * 10**9
    for i in range(300):
        old = folder / f"{i:064x}"
        old.write_bytes(b"old")
        os.utime(old, ns=(past + i, past + i))
    warm = _recorded(small_repo, env)
    kept = _records(env)
    assert len(kept) == 256
    assert folder / f"{0:064x}" not in kept and folder / f"{299:064x}" in kept
    assert (_without_database(small_repo, env).stdout, warm.returncode) == (warm.stdout, 1)


def test_a_file_included_by_git_config_is_witnessed(small_repo: Path, tmp_path: Path):
    """`include.path` pulls a file into git's config: a core.excludesFile set there later
    changes what git lists, and the next run sees it."""
    repo = small_repo
    included = tmp_path / "included.gitconfig"
    included.write_text("[core]\n")
    excludes = tmp_path / "excludes"
    excludes.write_text("scratch.py\n")
    _git(repo, "config", "include.path", str(included))
    _settle(repo)
    _settle(tmp_path)
    env = _env(tmp_path)
    before = _recorded(repo, env)
    assert "scratch.py:1:8: " in before.stdout
    included.write_text(f"[core]\n\texcludesFile = {excludes}\n")
    after = lintgate(repo, env=env)
    assert "scratch.py" not in after.stdout
    assert (after.stdout, after.returncode) == (
        lintgate(repo, "--no-cache").stdout,
        lintgate(repo, "--no-cache").returncode,
    )
