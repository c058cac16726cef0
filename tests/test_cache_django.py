"""The result cache on the Django source distribution (issue 6).

One cold run of the whole distribution (module fixture) fills a cache; then: a warm run prints
the same bytes, answers every file from the cache and imports neither isort, black nor libcst;
changing one file's contents relints exactly that file; the cache exported from one directory
and imported into an empty one answers every file of a fresh copy of the tree (new mtimes).
A small part of the distribution (a few packages with findings, a black-excluded file with a
syntax error) serves the tests that need cold runs: two runs at once on one cache, a damaged
cache, and a `[tool.black] line-length` change, which invalidates black's results and nothing
else.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ColdRun, copy_tree, lintgate, lintgate_traced, normalize_stderr, summary

SMALL = [
    "django/contrib/sessions",
    "tests/forms_tests/widget_tests",
    "tests/test_runner_apps/tagged",
]
CONFIGS = ["pyproject.toml", "setup.cfg", "tox.ini"]


_copy = copy_tree


@pytest.fixture(scope="module")
def django(django_cold):
    """The session's one cold run on Django (tests/conftest.py)."""
    return django_cold


@pytest.fixture(scope="module")
def small(tmp_path_factory, django_source):
    """A part of the distribution, with its own filled cache and the output of a run
    without the cache (what every run on it must print)."""
    base = tmp_path_factory.mktemp("django-small")
    source = django_source
    root = base / "small"
    for rel in SMALL:
        _copy(source / rel, root / rel)
    for name in CONFIGS:
        shutil.copyfile(source / name, root / name)
    reference = lintgate(root, "--no-cache")
    assert reference.returncode == 1 and "Traceback" not in reference.stderr
    proc = lintgate(root, env={"LINTGATE_CACHE_DIR": str(base / "cache")})
    assert proc.stdout == reference.stdout
    return ColdRun(root, base / "cache", proc)


@pytest.mark.slow
def test_a_warm_run_prints_the_same_bytes_from_the_cache_alone(django):
    proc = lintgate_traced(django.root, env=django.env)
    assert proc.stdout == django.stdout
    assert normalize_stderr(proc.stderr) == django.stderr_with(django.files) + "heavy: []\n"
    assert proc.returncode == 1


@pytest.mark.slow
def test_changing_one_file_relints_exactly_that_file(django):
    rel = "django/contrib/auth/apps.py"
    target = django.root / rel
    original = target.read_bytes()
    try:
        target.write_bytes(original + b"import sys, os\n")
        proc = lintgate(django.root, env=django.env)
        alone = lintgate(django.root, "--no-cache", rel)
    finally:
        target.write_bytes(original)
    assert alone.stdout  # the change gives findings
    lines = django.stdout.splitlines(True)
    expected = (
        [line for line in lines if line.split(":")[0] < rel]
        + alone.stdout.splitlines(True)
        + [line for line in lines if line.split(":")[0] > rel]
    )
    assert proc.stdout == "".join(expected)
    assert normalize_stderr(proc.stderr) == django.stderr_with(
        django.files - 1, findings=len(expected)
    )


@pytest.mark.slow
def test_export_import_round_trip_answers_a_fresh_copy(django, tmp_path):
    export = tmp_path / "export"
    proc = lintgate(django.root, "--export-cache", f"type=local,dest={export}", env=django.env)
    assert proc.stdout == django.stdout
    assert normalize_stderr(proc.stderr) == django.stderr_with(django.files)
    copy = _copy(django.root, tmp_path / "copy")
    env = {"LINTGATE_CACHE_DIR": str(tmp_path / "empty-cache")}
    proc = lintgate(copy, "--import-cache", f"type=local,src={export}", env=env)
    assert proc.stdout == django.stdout
    assert normalize_stderr(proc.stderr) == django.stderr_with(django.files)


@pytest.mark.slow
def test_a_fresh_checkout_at_the_same_path_lints_nothing(django, django_source, tmp_path):
    # Issue 8's case: the tree checked out again where it was (new inodes, mtimes, ctimes),
    # an empty cache and the import. The imported exclusion verdicts are hints (docs/cache.md,
    # "Trust model: local store"): "not excluded" is taken, an "excluded" one is decided again
    # (building that linter's settings), nothing is linted; the next run imports no engine.
    export = tmp_path / "export"
    proc = lintgate(django.root, "--export-cache", f"type=local,dest={export}", env=django.env)
    assert proc.stdout == django.stdout
    shutil.rmtree(django.root)
    _copy(django_source, django.root)
    env = {"LINTGATE_CACHE_DIR": str(tmp_path / "empty-cache")}
    proc = lintgate_traced(django.root, "--import-cache", f"type=local,src={export}", env=env)
    assert proc.stdout == django.stdout
    stderr = normalize_stderr(proc.stderr)
    assert stderr.startswith(django.stderr_with(django.files) + "heavy: [")
    assert "libcst" not in stderr  # the imports linter ran on nothing
    assert proc.returncode == 1
    again = lintgate_traced(django.root, env=env)
    assert normalize_stderr(again.stderr) == django.stderr_with(django.files) + "heavy: []\n"


def test_two_runs_at_once_on_one_cache_are_both_right(small, tmp_path):
    env = {"LINTGATE_CACHE_DIR": str(tmp_path / "cache")}
    script = Path(sys.executable).parent / "lintgate"
    runs = [
        subprocess.Popen(
            [str(script)],
            cwd=small.root,
            env={**os.environ, **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        for _ in range(2)
    ]
    for run in runs:
        out, err = run.communicate(timeout=600)
        assert out == small.stdout
        files, findings, _ = summary(err)
        assert (files, findings) == (small.files, small.findings)
        assert re.fullmatch(r"lintgate: .*\n", err), err  # the summary alone: no warning
        assert run.returncode == 1
    proc = lintgate(small.root, env=env)
    assert proc.stdout == small.stdout
    assert normalize_stderr(proc.stderr) == small.stderr_with(small.files)


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_a_damaged_cache_is_one_warning_and_the_output_is_right(small, tmp_path, damage):
    cache = tmp_path / "cache"
    shutil.copytree(small.cache, cache)
    db = cache / "results.sqlite3"
    data = db.read_bytes()
    db.write_bytes(b"garbage!" * 1000 if damage == "garbage" else data[: len(data) // 2 + 100])
    reason = "not an SQLite database" if damage == "garbage" else "truncated"
    proc = lintgate(small.root, env={"LINTGATE_CACHE_DIR": str(cache)})
    assert proc.stdout == small.stdout
    assert normalize_stderr(proc.stderr) == (
        f"lintgate: warning: cache database {db} was damaged ({reason}); moved it to "
        "results.sqlite3.corrupt and started a new one\n" + small.stderr
    )
    proc = lintgate(small.root, env={"LINTGATE_CACHE_DIR": str(cache)})
    assert proc.stdout == small.stdout
    assert normalize_stderr(proc.stderr) == small.stderr_with(small.files)


def test_line_length_invalidates_black_results_only(small, tmp_path):
    root = _copy(small.root, tmp_path / "small")
    cache = tmp_path / "cache"
    shutil.copytree(small.cache, cache)
    env = {"LINTGATE_CACHE_DIR": str(cache)}
    # With black (and imports, which parses) disabled, black's parser still finds the syntax
    # error of the file black's config excludes: its result is cached too (it depends on the
    # target versions only).
    no_black = lintgate(root, "-D", "black", "-D", "imports", env=env)
    assert summary(no_black.stderr)[2] == 0
    assert "tests_syntax_error.py:" in no_black.stdout
    pyproject = root / "pyproject.toml"
    text = pyproject.read_text()
    assert "[tool.black]\n" in text
    pyproject.write_text(text.replace("[tool.black]\n", "[tool.black]\nline-length = 60\n"))
    proc = lintgate(root, "-D", "black", "-D", "imports", env=env)
    assert proc.stdout == no_black.stdout
    assert summary(proc.stderr)[2] == small.files  # isort's results and the parses: all cached
    reference = lintgate(root, "--no-cache")
    assert reference.stdout != small.stdout  # a shorter line length: more to reformat
    proc = lintgate(root, env=env)
    assert proc.stdout == reference.stdout
    # Every file is linted again but the one black's config excludes (isort's result alone).
    assert normalize_stderr(proc.stderr) == normalize_stderr(reference.stderr).replace(
        " 0 from cache", " 1 from cache"
    )
    proc = lintgate(root, "-D", "isort", env=env)
    assert summary(proc.stderr)[2] == small.files
