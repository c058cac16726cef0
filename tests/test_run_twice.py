"""`lintgate.cli.main` run twice in one process, with a tool's config changed in between,
gives what two processes give (issue 13): no memo of a run (black's and isort's settings,
config walks, TOML reads, the git top) outlives it.
"""

from __future__ import annotations

import subprocess

import pytest
from helpers import lintgate, normalize_stderr

from lintgate.cli import main

LONG = "x = [" + ", ".join(f'"item{i}"' for i in range(9)) + "]\n"  # 85 characters


def _repo(tmp_path, config: str):
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / "pyproject.toml").write_text(config)
    (repo / "mod.py").write_text("import os\nimport sys\n\nprint(os, sys)\n" + LONG)
    return repo


def _in_process(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, normalize_stderr(err)


def _fresh(repo, *argv: str, cache=None) -> tuple[int, str, str]:
    env = {"LINTGATE_CACHE_DIR": str(cache)} if cache else None
    done = lintgate(repo, *argv, env=env)
    return done.returncode, done.stdout, normalize_stderr(done.stderr)


CONFIGS = [
    # black's line length, read from pyproject.toml
    ("[tool.black]\nline-length = 100\n", "[tool.black]\nline-length = 79\n"),
    # isort's settings, from the same file
    (
        "[tool.isort]\nprofile = 'black'\n",
        "[tool.isort]\nprofile = 'black'\nforce_single_line = true\nforce_sort_within_sections"
        " = true\nreverse_sort = true\n",
    ),
    # a config that becomes unreadable
    ("[tool.black]\nline-length = 100\n", "[tool.black\nline-length = 100\n"),
]


@pytest.mark.parametrize("cached", [False, True], ids=["no-cache", "cache"])
@pytest.mark.parametrize("before, after", CONFIGS, ids=["black", "isort", "broken"])
def test_main_twice_in_one_process_equals_two_processes(
    tmp_path, monkeypatch, capsys, before, after, cached
):
    repo = _repo(tmp_path, before)
    monkeypatch.chdir(repo)
    cache = tmp_path / "cache"
    monkeypatch.setenv("LINTGATE_CACHE_DIR", str(cache))
    argv = ["-j", "2"] if cached else ["-j", "2", "--no-cache"]
    first = _in_process(capsys, *argv)
    assert first == _fresh(repo, *argv, cache=tmp_path / "cache-fresh")
    (repo / "pyproject.toml").write_text(after)
    second = _in_process(capsys, *argv)
    expected = _fresh(repo, *argv, cache=tmp_path / "cache-fresh")
    assert second == expected
    assert second != first  # the change shows


def test_fix_twice_in_one_process_follows_the_config(tmp_path, monkeypatch, capsys):
    repo = _repo(tmp_path, "[tool.black]\nline-length = 100\n")
    monkeypatch.chdir(repo)
    monkeypatch.setenv("LINTGATE_CACHE_DIR", str(tmp_path / "cache"))
    assert _in_process(capsys, "--fix", "-j", "1")[0] == 0
    assert (repo / "mod.py").read_text().endswith(LONG)
    (repo / "pyproject.toml").write_text("[tool.black]\nline-length = 79\n")
    status, out, err = _in_process(capsys, "--fix", "-j", "1")
    assert (status, out) == (0, "")
    assert "lintgate: 1 file(s) fixed\n" in err
    assert '    "item0",\n' in (repo / "mod.py").read_text()
