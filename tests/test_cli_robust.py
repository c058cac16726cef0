"""Robustness of the command line: bad input is one line naming the flag or file, exit 2, no
traceback, and no file changed or clobbered unless --fix."""

from __future__ import annotations

import os

import pytest
from helpers import copy_repo, lintgate

# --- --output -------------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["app.py", "./app.py", "link.py", "hard.py"])
def test_output_refuses_to_overwrite_a_checked_file(tmp_path, target):
    repo = copy_repo("both", tmp_path / "repo")
    before = (repo / "app.py").read_bytes()
    (repo / "link.py").symlink_to("app.py")
    os.link(repo / "app.py", repo / "hard.py")
    proc = lintgate(repo, "--output", f"json={target}")
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr == (
        f"lintgate: --output: {target}: is a file being checked; not overwriting it\n"
    )
    assert (repo / "app.py").read_bytes() == before


def test_output_to_a_named_file_being_checked_is_refused_with_fix_too(tmp_path):
    repo = copy_repo("both", tmp_path / "repo")
    before = (repo / "app.py").read_bytes()
    proc = lintgate(repo, "--fix", "--output", "json=app.py", "app.py")
    assert (proc.returncode, proc.stdout) == (2, "")
    assert (
        proc.stderr == "lintgate: --output: app.py: is a file being checked; not overwriting it\n"
    )
    assert (repo / "app.py").read_bytes() == before


def test_output_dash_is_stdout(tmp_path):
    repo = copy_repo("both", tmp_path / "repo")
    proc = lintgate(repo, "--output", "gometalinter=-")
    assert proc.returncode == 1
    assert proc.stdout == (
        "app.py:1:1:warning: imports are incorrectly sorted and/or formatted (isort)\n"
        "app.py:2:1:warning: would reformat line 2 (black)\n"
    )
    assert not (repo / "-").exists()
    both = lintgate(repo, "--output", "json=-", "--output", "sarif")
    assert both.returncode == 2
    assert both.stderr == (
        "lintgate: --output: json and sarif both write to stdout; "
        "give each report its own place (NAME=PATH)\n"
    )


@pytest.mark.parametrize(
    "value, message",
    [
        (
            "json=/nonexistent/dir/x.json",
            "/nonexistent/dir/x.json: no such directory: /nonexistent/dir",
        ),
        ("json=app.py/x.json", "app.py/x.json: not a directory: app.py"),
        ("json=sub", "sub: is a directory"),
    ],
)
def test_output_to_an_unwritable_place_fails_before_linting(tmp_path, value, message):
    repo = copy_repo("both", tmp_path / "repo")
    (repo / "sub").mkdir()
    proc = lintgate(repo, "--output", value)
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == f"lintgate: --output: {message}\n"
