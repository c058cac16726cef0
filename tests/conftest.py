"""Shared fixtures of the test suite: the Django source distribution (downloaded once into the
git-ignored .downloads/, skipped with the reason when PyPI cannot be reached), one cold
`lintgate` run on it per test run (its output and filled cache reused by every test that needs
Django linted), and fixture-repository copies.

Markers (registered in pyproject.toml): `slow` for the runs that take more than about 20
seconds on 2 cores (corpus runs, Django, the standard library at size, pre-commit and virtual
environment builds). The default run (`pytest -q`) leaves them out; `pytest -q -m slow`, `make
test-all` and CI run them.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import ColdRun, copy_repo, copy_tree, lintgate

ROOT = Path(__file__).resolve().parent.parent
DOWNLOADS = ROOT / ".downloads"
DJANGO = "5.2.8"


def download_sdist(name: str, version: str) -> Path:
    """The unpacked source distribution of `name`==`version` from PyPI, downloaded once into
    .downloads/ (kept across runs). Skips the test, with pip's last line as the reason, when
    it cannot be downloaded (no network, no PyPI)."""
    target = DOWNLOADS / f"{name.lower()}-{version}"
    if target.is_dir():
        return target
    DOWNLOADS.mkdir(exist_ok=True)
    pip = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--no-binary",
            ":all:",
            f"{name}=={version}",
            "-d",
            str(DOWNLOADS),
        ],
        capture_output=True,
        text=True,
    )
    if pip.returncode != 0:
        last = (pip.stderr.strip().splitlines() or ["(no output)"])[-1]
        pytest.skip(f"cannot download {name}=={version} from PyPI: {last}")
    partial = DOWNLOADS / f".{target.name}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    with tarfile.open(DOWNLOADS / f"{name.lower()}-{version}.tar.gz") as tar:
        tar.extractall(partial, filter="data")
    # renamed into place whole, so an interrupted unpacking is not taken for a complete one
    (partial / target.name).rename(target)
    shutil.rmtree(partial)
    return target


@pytest.fixture(scope="session")
def django_source() -> Path:
    """The unpacked Django source distribution (read-only by convention: copy it to change it)."""
    return download_sdist("Django", DJANGO)


@pytest.fixture(scope="session")
def django_cold(tmp_path_factory, django_source) -> ColdRun:
    """One cold `lintgate` run (default linters, text format) on a fresh copy of Django, with
    its own cache directory, shared by every test of the run that needs Django linted. Tests
    may change files of `root` but must put them back; they copy `cache` before writing to it
    unless they mean to warm it (see tests/test_cache_django.py)."""
    base = tmp_path_factory.mktemp("django-cold")
    root = copy_tree(django_source, base / "django")
    cache = base / "cache"
    proc = lintgate(root, env={"LINTGATE_CACHE_DIR": str(cache)})
    assert proc.returncode == 1, proc.stderr[-2000:]
    cold = ColdRun(root, cache, proc)
    assert cold.files > 2700 and cold.findings > 0
    assert (
        cold.stderr
        == f"lintgate: {cold.files} files checked, {cold.findings} findings, 0 from cache, N.NNs\n"
    )
    return cold


@pytest.fixture
def fixture_repo(tmp_path) -> Callable[..., Path]:
    """copy_repo into this test's tmp_path: `fixture_repo(name, git=True)` -> the copy."""

    def copy(name: str, git: bool = True) -> Path:
        return copy_repo(name, tmp_path / name, git=git)

    return copy
