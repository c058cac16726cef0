"""--fix and a concurrent edit: a change made to a file while lintgate fixes it is never
overwritten (fix.write_atomic checks the file's identity and bytes, then exchanges it with
the new one and checks the old one again); a worker whose lintgate is gone writes nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from lintgate import atomic, fix
from lintgate.filters import FilterOptions
from lintgate.linters.base import Project

UNSORTED = b"import sys\nimport os\nx=(os,sys)\n"
EDIT = b"import sys\nimport os\nx=(os,sys)  # an edit made meanwhile\n"
LINUX = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="renameat2 is Linux's")


def fixer_on(tmp_path: Path, parent: int | None = None) -> tuple[fix.Fixer, Path]:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "a.py").write_bytes(UNSORTED)
    project = Project(tmp_path, tmp_path)
    fixer = fix.Fixer(project, ("isort", "black"), False, FilterOptions(), True, parent)
    return fixer, tmp_path / "a.py"


@LINUX
def test_an_edit_between_the_last_check_and_the_rename_is_kept(tmp_path, monkeypatch):
    # the window that a check followed by os.replace leaves open: the edit lands after the
    # check; before, it was overwritten and the file reported fixed
    path = tmp_path / "a.py"
    path.write_bytes(UNSORTED)
    real = atomic._exchange
    calls = []

    def edit_first(a, b):
        if not calls:
            path.write_bytes(EDIT)
        calls.append(a)
        return real(a, b)

    monkeypatch.setattr(atomic, "_exchange", edit_first)
    with pytest.raises(fix.ChangedMeanwhile):
        fix.write_atomic(path, b"new\n", UNSORTED)
    assert len(calls) == 2  # exchanged, found the edit, exchanged back
    assert path.read_bytes() == EDIT
    assert sorted(os.listdir(tmp_path)) == ["a.py"]


def test_a_file_rewritten_with_the_same_bytes_meanwhile_is_left_alone(tmp_path):
    path = tmp_path / "a.py"
    path.write_bytes(UNSORTED)
    _, identity = fix.read_with_identity(path)
    os.unlink(path)
    path.write_bytes(UNSORTED)  # another inode: another writer's file
    with pytest.raises(fix.ChangedMeanwhile):
        fix.write_atomic(path, b"new\n", UNSORTED, identity)
    assert path.read_bytes() == UNSORTED
    assert sorted(os.listdir(tmp_path)) == ["a.py"]


def test_an_edit_while_fixing_is_kept_and_reported(tmp_path, monkeypatch):
    fixer, path = fixer_on(tmp_path)
    real = fix.run_pipeline

    def edit_meanwhile(text, steps):
        path.write_bytes(EDIT)
        return real(text, steps)

    monkeypatch.setattr(fix, "run_pipeline", edit_meanwhile)
    result = fixer.fix(path, "a.py")
    assert path.read_bytes() == EDIT
    assert result.errors == ["a.py: changed while being fixed, left as it is now"]
    assert not result.changed
    assert sorted(p.name for p in tmp_path.iterdir()) == [".git", "a.py"]


def test_a_worker_whose_lintgate_is_gone_writes_nothing(tmp_path):
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    fixer, path = fixer_on(tmp_path, parent=int(gone.stdout))  # not this process's parent
    with pytest.raises(SystemExit):
        fixer.fix(path, "a.py")
    assert path.read_bytes() == UNSORTED


def test_the_parent_itself_still_writes(tmp_path):
    fixer, path = fixer_on(tmp_path, parent=os.getpid())  # the serial executor: in-process
    assert fixer.fix(path, "a.py").changed
    assert path.read_bytes() == b"import os\nimport sys\n\nx = (os, sys)\n"
