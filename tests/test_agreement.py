"""Agreement with the real tools: lintgate's verdicts equal those of `isort --check-only .` and
`black --check .` run at the same root with the same configuration.

- the files with a `syntax` or `encoding` finding are exactly those black cannot format;
- for every other file, "has an isort finding" and "has a black finding" equal the tools' verdicts;
- the line ranges of a file's black findings are the changed hunks (`diff -U1`) between the file
  and what `black .` writes for it, in a copy of the tree: lintgate's check runs black's first
  formatting pass only, black its full pipeline.

The default run takes a fixed sample of the running Python's standard library (every k-th file
under 40 KB, plus the test suite's deliberately broken files) and the whole Django source
distribution (downloaded from PyPI into the git-ignored `.downloads/`, and linted once per test
run: tests/conftest.py), and waitress's; a test skips when it cannot download. All are marked
slow. `make agreement` (LINTGATE_AGREEMENT_FULL=1) takes every file of the standard library and
adds black's, isort's and pyramid's source distributions, which configure isort and black
themselves (`PROJECTS`); there, and on waitress, the whole gate's `syntax` findings (the
`imports` linter's parser included) must equal black's failures too.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import download_sdist
from helpers import STDLIB, copy_stdlib, lintgate, stdlib_files

from lintgate.linters.hunks import changed_hunks
from lintgate.source import decode

SAMPLE = 300
FULL = bool(os.environ.get("LINTGATE_AGREEMENT_FULL"))
BIN = Path(sys.executable).parent


def stdlib_sample() -> list[Path]:
    """Relative paths of the standard library files to copy (fixed for a given Python)."""
    files = stdlib_files()
    if FULL:
        return files
    broken = [p for p in files if p.name.startswith(("bad", "badsyntax"))]
    small = [p for p in files if (STDLIB / p).stat().st_size < 40_000]
    step = max(1, len(small) // SAMPLE)
    return sorted(set(small[::step]) | set(broken))


def verdicts_of_tools(root: Path, tmp: Path) -> tuple[set, set, set, Path]:
    """(files isort flags, files black reformats, files black fails on), relative to root, and
    the copy of `root` that `black .` reformatted (its verdicts are those of `black --check .`,
    which runs the same pipeline and writes nothing)."""
    env = dict(os.environ, BLACK_CACHE_DIR=str(tmp / "black-cache"))
    isort = subprocess.run(
        [str(BIN / "isort"), "--check-only", "."], cwd=root, env=env, capture_output=True, text=True
    )
    formatted = tmp / "black-formatted"
    shutil.copytree(root, formatted, symlinks=True)
    black = subprocess.run([str(BIN / "black"), "."], cwd=formatted, env=env, capture_output=True)
    black_stderr = black.stderr.decode("utf-8", "surrogateescape")

    def rel(path: str, base: Path = root) -> str:
        return os.path.relpath(os.path.join(base, path), base).replace(os.sep, "/")

    isort_bad = {
        rel(m)
        for m in re.findall(
            r"^ERROR: (.+) Imports are incorrectly sorted and/or formatted\.$", isort.stderr, re.M
        )
    }
    black_bad = {rel(m, formatted) for m in re.findall(r"^reformatted (.+)$", black_stderr, re.M)}
    # black 26 says "cannot parse: PATH:LINE:COL" for a file its parser rejects (lib2to3's test
    # data), "cannot format PATH: ..." otherwise
    failed = r"^error: cannot (?:format (.+?): |parse: (.+?):\d+:\d+$)"
    black_err = {rel(a or b, formatted) for a, b in re.findall(failed, black_stderr, re.M)}
    assert black.returncode in (0, 123), black_stderr[-2000:]
    return isort_bad, black_bad, black_err, formatted


def black_hunks(before: Path, after: Path) -> list[tuple[int, int]]:
    """The changed hunks between a file and black's output for it, both decoded as black does."""
    return changed_hunks(decode(before.read_bytes()).text, decode(after.read_bytes()).text)


def verdicts_of_lintgate(root: Path, env: dict | None = None) -> tuple[set, set, set, int, dict]:
    """(files with isort findings, with black findings, with syntax or encoding findings), the
    number of files checked, and {path: [(first, last) line range of each black finding]}.
    `env`: as helpers.lintgate's (a LINTGATE_CACHE_DIR to answer from)."""
    proc = lintgate(
        root, "--disable-all", "-E", "isort", "-E", "black", "--format", "json", env=env
    )
    assert "Traceback" not in proc.stderr
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    by_linter: dict[str, set] = {"isort": set(), "black": set(), "syntax": set(), "encoding": set()}
    ranges: dict[str, list] = {}
    for finding in json.loads(proc.stdout):
        by_linter[finding["linter"]].add(finding["path"])
        if finding["linter"] == "black":
            m = re.fullmatch(r"would reformat lines? (\d+)(?:-(\d+))?", finding["message"])
            assert m, finding
            first = int(m.group(1))
            ranges.setdefault(finding["path"], []).append((first, int(m.group(2) or first)))
    checked = int(re.search(r"(\d+) files? checked", proc.stderr).group(1))
    return (
        by_linter["isort"],
        by_linter["black"],
        by_linter["syntax"] | by_linter["encoding"],
        checked,
        ranges,
    )


def gate_syntax(root: Path) -> set[str]:
    """The files with a `syntax` or `encoding` finding when every linter runs (the `imports`
    linter parses the files isort checks, with Python's own parser)."""
    proc = lintgate(root, "--format", "json")
    assert "Traceback" not in proc.stderr
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    return {f["path"] for f in json.loads(proc.stdout) if f["linter"] in ("syntax", "encoding")}


def assert_agreement(root: Path, tmp: Path, gate: bool = False, env: dict | None = None) -> int:
    """Assert lintgate agrees with isort and black on `root` (see the module doc); with `gate`,
    also that the whole gate (every linter) finds syntax errors exactly where black does. `env`: for lintgate's
    runs (a cache directory).
    Returns the number of files lintgate checked."""
    isort_bad, black_bad, black_err, formatted = verdicts_of_tools(root, tmp)
    if gate:
        found = gate_syntax(root)
        assert found == black_err, {
            "lintgate only": sorted(found - black_err),
            "black only": sorted(black_err - found),
        }
    l_isort, l_black, l_broken, checked, ranges = verdicts_of_lintgate(root, env)
    assert l_broken == black_err, {
        "lintgate only": sorted(l_broken - black_err),
        "black only": sorted(black_err - l_broken),
    }
    assert l_black == black_bad, {
        "lintgate only": sorted(l_black - black_bad),
        "black only": sorted(black_bad - l_black),
    }
    wrong = {
        path: (found, expected)
        for path, found in sorted(ranges.items())
        if found != (expected := black_hunks(root / path, formatted / path))
    }
    assert not wrong, wrong
    isort_bad -= black_err
    assert l_isort == isort_bad, {
        "lintgate only": sorted(l_isort - isort_bad),
        "isort only": sorted(isort_bad - l_isort),
    }
    return checked


@pytest.mark.slow
def test_agreement_on_the_standard_library(tmp_path):
    files = stdlib_sample()
    root = copy_stdlib(files, tmp_path / "stdlib")
    checked = assert_agreement(root, tmp_path)
    # Every copied file is checked, but those under directories both tools leave out (venv/).
    assert checked == sum(1 for rel in files if "venv" not in rel.parts)
    assert checked >= SAMPLE


@pytest.mark.slow
def test_agreement_on_django(tmp_path, django_source, django_cold):
    # A copy outside this repository, where .downloads/ is git-ignored. lintgate's verdicts
    # come from a copy of the cache of the session's one cold run on Django (conftest.py).
    root = tmp_path / "django"
    shutil.copytree(django_source, root)
    cache = shutil.copytree(django_cold.cache, tmp_path / "cache")
    checked = assert_agreement(root, tmp_path, env={"LINTGATE_CACHE_DIR": str(cache)})
    assert checked == django_cold.files


# Projects whose source distributions configure isort and black themselves (their
# pyproject.toml has [tool.isort] and [tool.black]): name, version, files lintgate checks.
# black's sets `skip_glob = ["tests/data", "profiling"]` and `atomic = true` over test data of
# invalid code; isort's skips a CRLF test file; pyramid's and waitress's skip `docs/*`.
PROJECTS = [
    ("black", "25.1.0", 274),
    ("isort", "6.0.1", 113),
    ("pyramid", "2.0.2", 557),
]
SMALL_PROJECT = ("waitress", "3.0.2", 46)  # in the default run


@pytest.mark.slow
@pytest.mark.parametrize(
    "name,version,files",
    [SMALL_PROJECT]
    + [
        pytest.param(*p, marks=pytest.mark.skipif(not FULL, reason="LINTGATE_AGREEMENT_FULL"))
        for p in PROJECTS
    ],
    ids=lambda v: str(v),
)
def test_agreement_on_projects_configuring_isort_and_black(tmp_path, name, version, files):
    root = tmp_path / name
    shutil.copytree(download_sdist(name, version), root)
    assert assert_agreement(root, tmp_path, gate=True) == files
