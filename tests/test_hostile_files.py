"""Per-file content that must not break a run (issue 11): odd coding cookies, absurd nesting,
huge files, long lines. Each such file gets one finding; the other files are reported as
usual, the warm run (from the cache) says exactly what the cold one said, and neither
`--fix` nor `--diff` touches the file."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from helpers import lintgate, normalize_stderr

# A file every run must still report, next to the hostile ones.
GOOD = b"import os\n"
GOOD_LINE = "good.py:1:8:warning: 'os' imported but unused (imports)\n"


def _repo(tmp_path: Path, files: dict[str, bytes]) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / ".git").mkdir()  # the project root, without running git
    for name, data in {"good.py": GOOD, **files}.items():
        (repo / name).write_bytes(data)
    return repo


def _cold_warm_fix_diff(repo: Path, *args: str) -> tuple[str, str, int]:
    """Run the check cold, warm, then --diff and --fix; assert the warm run is the cold one
    and that the hostile files' bytes never change. Returns (stdout, stderr, status)."""
    before = {p.name: p.read_bytes() for p in repo.iterdir() if p.is_file()}
    env = {"LINTGATE_CACHE_DIR": str(repo.parent / "cache")}
    cold = lintgate(repo, "--format", "gometalinter", *args, env=env, timeout=120)
    warm = lintgate(repo, "--format", "gometalinter", *args, env=env, timeout=120)
    assert (warm.stdout, warm.returncode) == (cold.stdout, cold.returncode)
    assert normalize_stderr(warm.stderr).replace(", 1 from cache", ", 0 from cache").replace(
        ", 2 from cache", ", 0 from cache"
    ) == normalize_stderr(cold.stderr)
    diff = lintgate(repo, "--diff", "--format", "gometalinter", *args, env=env, timeout=120)
    assert "diff --git a/hostile" not in diff.stdout
    fix = lintgate(repo, "--fix", "--format", "gometalinter", *args, env=env, timeout=120)
    assert "Traceback" not in diff.stderr + fix.stderr
    for name, data in before.items():
        if name != "good.py":
            assert (repo / name).read_bytes() == data, name
    return cold.stdout, normalize_stderr(cold.stderr), cold.returncode


# --- 1. coding cookies ------------------------------------------------------------------------

# cookie -> the one `encoding` finding (black refuses every one of these files too)
COOKIES = {
    "punycode": "hostile.py:1:1:error: cannot decode as punycode: Invalid extended code point "
    "'#' (encoding)",
    "undefined": "hostile.py:1:1:error: cannot decode as undefined: undefined encoding "
    "(encoding)",
    "rot13": "hostile.py:1:1:error: cannot decode: 'rot13' is not a text encoding (encoding)",
    "uu_codec": "hostile.py:1:1:error: cannot decode: 'uu_codec' is not a text encoding "
    "(encoding)",
    "zlib_codec": "hostile.py:1:1:error: cannot decode: 'zlib_codec' is not a text encoding "
    "(encoding)",
    "no-such-codec": "hostile.py:1:1:error: cannot decode: unknown encoding: no-such-codec "
    "(encoding)",
}


@pytest.mark.parametrize("cookie", sorted(COOKIES))
def test_a_coding_cookie_that_cannot_decode_is_one_encoding_error(tmp_path, cookie):
    repo = _repo(tmp_path, {"hostile.py": f"# coding: {cookie}\nx = 1\n".encode()})
    stdout, stderr, status = _cold_warm_fix_diff(repo)
    assert stdout == GOOD_LINE + COOKIES[cookie] + "\n"
    assert stderr == "lintgate: 2 files checked, 2 findings, 0 from cache, N.NNs\n"
    assert status == 1


def test_a_coding_cookie_on_the_second_line_is_located_there(tmp_path):
    repo = _repo(tmp_path, {"hostile.py": b"#!/usr/bin/env python\n# coding: rot13\nx = 1\n"})
    stdout, _, status = _cold_warm_fix_diff(repo)
    assert stdout.splitlines()[1] == (
        "hostile.py:2:1:error: cannot decode: 'rot13' is not a text encoding (encoding)"
    )
    assert status == 1
