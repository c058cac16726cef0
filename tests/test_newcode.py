"""New code only: unified diffs, `git diff REV` in a real repository, and keep_new."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from lintgate.diagnostic import Diagnostic, render_gometalinter
from lintgate.newcode import Changes, changes_from_rev, keep_new, parse_diff, read_patch

FIXTURES = Path(__file__).parent / "fixtures" / "newcode"


def test_parse_git_diff():
    assert parse_diff((FIXTURES / "git.patch").read_text("utf-8")) == {
        "pkg/mod.py": frozenset({2, 4, 21}),  # an added line, a changed line, two lines made one
        "tést file.py": frozenset({1, 2}),  # a new file with a C-quoted name
    }  # the deleted file, the pure deletion and the binary file add nothing


def test_parse_gnu_diff_with_timestamps():
    assert read_patch(FIXTURES / "gnu.patch", strip=0) == Changes({"lib/util.py": frozenset({4})})


def test_read_patch_errors_are_one_line(tmp_path):
    with pytest.raises(
        ValueError,
        match=r"^cannot read patch .*missing\.patch: No such file or directory$",
    ):
        read_patch(tmp_path / "missing.patch")
    bad = tmp_path / "bad.patch"
    bad.write_text("--- a/x\n+++ b/x\n@@ -1 +one @@\n")
    with pytest.raises(ValueError) as info:
        read_patch(bad)
    assert str(info.value) == "malformed hunk header in diff: '@@ -1 +one @@'"


def test_keep_new_with_hunk_spans():
    changes = Changes({"a.py": frozenset({7})}, frozenset({"new.py"}))
    ds = [
        Diagnostic("a.py", 5, 1, "black", "would reformat"),  # hunk 5-8 contains line 7
        Diagnostic("a.py", 5, 1, "imports", "'x' imported but unused"),  # same line, no span
        Diagnostic("a.py", 7, 3, "imports", "'y' imported but unused"),
        Diagnostic("a.py", 8, 1, "isort", "imports are incorrectly sorted"),  # hunk 8-9
        Diagnostic("b.py", 7, 1, "imports", "'z' imported but unused"),
        Diagnostic("new.py", 40, 1, "black", "would reformat"),
    ]
    spans = {("a.py", 5, "black"): 8, ("a.py", 8, "isort"): 9}
    assert keep_new(ds, changes, spans) == [ds[0], ds[2], ds[5]]
    assert keep_new(ds, changes) == [ds[2], ds[5]]


# --- a real repository -------------------------------------------------------------------

OLD = """import os
import sys


def f():
    return sys.argv


def g():
    return 1
"""
# Two new findings (lines 2 and 10) and one old line changed (g's return, now line 12).
NEW = """import os
import json
import sys


def f():
    return sys.argv


def g():
    import re
    return 2
"""


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        [
            "git",
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "init.defaultBranch=main",
            *args,
        ],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


@pytest.fixture
def repo(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    root = tmp_path / "repo"
    (root / "pkg").mkdir(parents=True)
    git(root, "init", "-q")
    (root / ".gitignore").write_text("build/\n")
    (root / "pkg" / "mod.py").write_text(OLD)
    (root / "pkg" / "same.py").write_text("import os\n")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "old")
    (root / "pkg" / "mod.py").write_text(NEW)
    git(root, "commit", "-qam", "new")
    return root


# What a run on the new commit reports (paths relative to the repository root).
FINDINGS = [
    Diagnostic("pkg/mod.py", 1, 1, "imports", "'os' imported but unused"),  # old
    Diagnostic("pkg/mod.py", 2, 1, "imports", "'json' imported but unused"),  # new
    Diagnostic("pkg/mod.py", 11, 5, "imports", "'re' imported but unused"),  # new
    Diagnostic("pkg/mod.py", 12, 12, "flake8", "magic number"),  # old finding, changed line
    Diagnostic("pkg/same.py", 1, 1, "imports", "'os' imported but unused"),  # old
]


def test_new_from_rev_keeps_exactly_the_new_and_changed_findings(repo):
    changes = changes_from_rev("HEAD~1", repo)
    assert changes == Changes({"pkg/mod.py": frozenset({2, 11, 12})}, frozenset())
    assert [render_gometalinter(d) for d in keep_new(FINDINGS, changes)] == [
        "pkg/mod.py:2:1:warning: 'json' imported but unused (imports)",
        "pkg/mod.py:11:5:warning: 're' imported but unused (imports)",
        "pkg/mod.py:12:12:warning: magic number (flake8)",
    ]


def test_new_from_patch_agrees_with_new_from_rev(repo, tmp_path):
    patch = tmp_path / "change.patch"
    patch.write_text(git(repo, "diff", "HEAD~1", "HEAD"))
    assert keep_new(FINDINGS, read_patch(patch)) == keep_new(
        FINDINGS, changes_from_rev("HEAD~1", repo)
    )


def test_untracked_files_are_new_ignored_ones_are_not(repo):
    (repo / "pkg" / "fresh.py").write_text("import os\n")
    (repo / "build").mkdir()
    (repo / "build" / "gen.py").write_text("import os\n")
    (repo / "pkg" / "same.py").write_text("import os\nimport re\n")  # unstaged work counts too
    changes = changes_from_rev("HEAD", repo)
    assert changes == Changes({"pkg/same.py": frozenset({2})}, frozenset({"pkg/fresh.py"}))
    ds = [
        Diagnostic("build/gen.py", 1, 1, "imports", "'os' imported but unused"),
        Diagnostic("pkg/fresh.py", 1, 1, "imports", "'os' imported but unused"),
        Diagnostic("pkg/same.py", 1, 1, "imports", "'os' imported but unused"),
        Diagnostic("pkg/same.py", 2, 1, "imports", "'re' imported but unused"),
    ]
    assert keep_new(ds, changes) == ds[1:2] + ds[3:]


def test_paths_are_relative_to_the_run_directory(repo):
    (repo / "pkg" / "fresh.py").write_text("x = 1\n")
    changes = changes_from_rev("HEAD~1", repo / "pkg")
    assert changes == Changes({"mod.py": frozenset({2, 11, 12})}, frozenset({"fresh.py"}))


@pytest.mark.parametrize(
    "rev, message",
    [
        ("no-such-branch", "--new-from-rev: unknown revision 'no-such-branch'"),
        ("--output=x", "--new-from-rev: not a revision: '--output=x'"),
        ("", "--new-from-rev: not a revision: ''"),
    ],
)
def test_bad_revision_is_a_one_line_error(repo, rev, message):
    with pytest.raises(ValueError) as info:
        changes_from_rev(rev, repo)
    assert str(info.value) == message


def test_outside_a_repository_is_a_one_line_error(tmp_path, monkeypatch):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    with pytest.raises(ValueError) as info:
        changes_from_rev("HEAD", tmp_path)
    assert str(info.value).startswith("--new-from-rev: git rev-parse: fatal: not a git repository")
    assert "\n" not in str(info.value)
