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


# --- 2. nesting deeper than CPython allows ----------------------------------------------------

TOO_DEEP = "cannot parse: too many nested parentheses"
RECURSION = "cannot parse: maximum recursion depth exceeded during ast construction"
# file -> (its text, its one `syntax` finding): black fails on every one of them too
DEEP = {
    "parens": ("x = " + "(" * 2000 + "1" + ")" * 2000 + "\n", f"1:205:error: {TOO_DEEP}"),
    "lists": ("x = " + "[" * 2000 + "]" * 2000 + "\n", f"1:205:error: {TOO_DEEP}"),
    "dicts": ("x = " + "{1: " * 1000 + "1" + "}" * 1000 + "\n", f"1:805:error: {TOO_DEEP}"),
    "calls": ("x = " + "f(" * 1500 + ")" * 1500 + "\n", f"1:406:error: {TOO_DEEP}"),
    "plus": ("x = " + "+".join(["1"] * 3000) + "\n", f"1:1:error: {RECURSION}"),
    "plus_lines": ("x = (\n" + "1 +\n" * 3000 + "1)\n", f"1:1:error: {RECURSION}"),
    "attributes": ("x = a" + ".b" * 3000 + "\n", f"1:1:error: {RECURSION}"),
    "minus": (
        "x = " + "-" * 10000 + "1\n",
        "1:1:error: cannot parse: too deeply nested (the parser's stack overflowed)",
    ),
    # PEP 701 f-strings in each other's fields: black's parser takes them, its formatter
    # overflowed the recursion limit (an internal error cold, none warm: fuzz reproducer)
    "fstrings": (
        "x = " + 'f"{' * 300 + "1" + '}"' * 300 + "\n",
        "1:452:error: cannot parse: too many nested f-strings",
    ),
    # syntax newer than the running Python first: the tokens decide, not `ast`
    "parens_after_new_syntax": (
        "type X = int\nx = " + "(" * 2000 + ")" * 2000 + "\n",
        f"2:205:error: {TOO_DEEP}",
    ),
    "minus_after_new_syntax": (
        "type X = int\nx = " + "-" * 10000 + "1\n",
        "2:2905:error: cannot parse: too deeply nested (a chain of operators too long)",
    ),
}


# every kind as the default linters see it; two kinds also through black's parser alone
# (imports disabled) and through the `syntax` pseudo-linter (black disabled too)
CASES = [(kind, ()) for kind in sorted(DEEP)] + [
    (kind, args)
    for kind in ("parens", "plus", "fstrings")
    for args in (("-D", "imports"), ("-D", "black,imports"))
]


@pytest.mark.parametrize("kind,args", CASES)
def test_nesting_too_deep_for_the_parsers_is_one_syntax_error(tmp_path, kind, args):
    text, finding = DEEP[kind]
    repo = _repo(tmp_path, {"hostile.py": text.encode()})
    start = time.monotonic()
    stdout, stderr, status = _cold_warm_fix_diff(repo, *args)
    assert time.monotonic() - start < 60
    good = GOOD_LINE if "imports" not in "".join(args) else ""
    assert stdout == good + f"hostile.py:{finding} (syntax)\n"
    assert (
        stderr
        == f"lintgate: 2 files checked, {1 + bool(good)} finding{'s' if good else ''}, 0 from cache, N.NNs\n"
    )
    assert status == 1


@pytest.mark.parametrize("kind", ["ifs", "defs"])
def test_nesting_python_allows_is_checked_as_usual(tmp_path, kind):
    head = "if a:\n" if kind == "ifs" else "def f():\n"
    text = "".join(" " * i + head for i in range(99)) + " " * 99 + "pass\n"
    repo = _repo(tmp_path, {"hostile.py": text.encode()})
    proc = lintgate(repo, "--format", "gometalinter")
    stdout, status = proc.stdout, proc.returncode
    assert stdout == GOOD_LINE + "hostile.py:2:1:warning: would reformat lines 2-100 (black)\n"
    assert status == 1


# --- 4. diffs with a bounded cost -------------------------------------------------------------


def test_grouped_opcodes_are_difflibs_on_ordinary_input():
    import difflib
    import random

    from lintgate.linediff import grouped_opcodes

    rng = random.Random(11)
    for _ in range(3000):
        a = [rng.choice("abc\n") for _ in range(rng.randint(0, 30))]
        b = [rng.choice("abc\n") for _ in range(rng.randint(0, 30))]
        for context, autojunk in ((1, False), (3, True)):
            matcher = difflib.SequenceMatcher(None, a, b, autojunk=autojunk)
            want = list(matcher.get_grouped_opcodes(context)) if a != b else []
            assert grouped_opcodes(a, b, context, autojunk) == want


def test_a_diff_of_repeated_lines_is_bounded():
    from lintgate.linediff import grouped_opcodes

    a = ["x=1\n", "\n"] * 20_000
    b = ["x = 1\n", "\n"] * 20_000
    start = time.monotonic()
    groups = grouped_opcodes(a, b, 1, autojunk=False)
    assert time.monotonic() - start < 10
    changed = [op for group in groups for op in group if op[0] != "equal"]
    assert (changed[0][1], changed[-1][2]) == (0, 39_999)  # every change, in order


def test_black_changing_every_other_line_is_checked_and_diffed_in_seconds(tmp_path):
    # 4,000 lines, blank lines between statements black respaces (difflib alone: minutes)
    repo = _repo(tmp_path, {"hostile.py": b"x=1\n\n" * 2000})
    start = time.monotonic()
    check = lintgate(repo, "--format", "gometalinter", timeout=120)
    assert (
        check.stdout == GOOD_LINE + "hostile.py:1:1:warning: would reformat lines 1-4000 (black)\n"
    )
    diff = lintgate(repo, "--diff", "-D", "imports", timeout=120)
    assert diff.returncode == 1
    assert diff.stdout.startswith(
        "diff --git a/hostile.py b/hostile.py\n--- a/hostile.py\n+++ b/hostile.py\n"
        "@@ -1,4000 +1,3999 @@\n-x=1\n-\n-x=1\n"  # difflib's: blank lines are junk there
    )
    assert time.monotonic() - start < 60
    assert (repo / "hostile.py").read_bytes() == b"x=1\n\n" * 2000
    import subprocess

    subprocess.run(["patch", "-s", "-p1"], input=diff.stdout.encode(), cwd=repo, check=True)
    assert (repo / "hostile.py").read_bytes() == b"x = 1\n\n" * 1999 + b"x = 1\n"


# --- 3. a size limit per file -----------------------------------------------------------------

BIG = b"x = 1\n" * 500_000  # 3,000,000 bytes: over the default 2 MiB
BIG_LINE = (
    "hostile.py:1:1:error: not checked: 3000000 bytes, over MaxFileSize "
    "(2097152 bytes) (encoding)\n"
)


def test_a_file_over_the_size_limit_is_one_finding_and_never_read(tmp_path):
    repo = _repo(tmp_path, {"hostile.py": BIG})
    start = time.monotonic()
    stdout, stderr, status = _cold_warm_fix_diff(repo)
    assert time.monotonic() - start < 60
    assert stdout == GOOD_LINE + BIG_LINE
    fix = lintgate(tmp_path / "repo", "--fix", "--format", "gometalinter")
    assert (fix.stdout, fix.returncode) == (BIG_LINE, 1)  # the size on disk, as the check says
    assert stderr == "lintgate: 2 files checked, 2 findings, 0 from cache, N.NNs\n"
    assert status == 1


def test_the_size_limit_is_a_config_key(tmp_path):
    repo = _repo(tmp_path, {"hostile.py": b"x=1\n" * 100})
    (repo / "lintgate.json").write_text('{"MaxFileSize": 300}')
    stdout, _, status = _cold_warm_fix_diff(repo)
    assert stdout == GOOD_LINE + (
        "hostile.py:1:1:error: not checked: 400 bytes, over MaxFileSize (300 bytes) (encoding)\n"
    )
    assert status == 1
    (repo / "lintgate.json").write_text('{"MaxFileSize": 0}')  # no limit
    proc = lintgate(repo, "--format", "gometalinter")
    # (good.py was fixed)
    assert proc.stdout == "hostile.py:1:1:warning: would reformat lines 1-100 (black)\n"


def test_the_size_limit_does_not_apply_to_a_fixers_result(tmp_path):
    # 34,895 bytes under a 40,000-byte limit; black's output (58,898 bytes) is over it but
    # parses: it is written, not reported as "does not parse"
    source = "x = [" + ", ".join(map(str, range(6000))) + "]\n"
    fixed = "x = [\n" + "".join(f"    {i},\n" for i in range(6000)) + "]\n"
    repo = _repo(tmp_path, {"longline.py": source.encode()})
    (repo / "lintgate.json").write_text('{"MaxFileSize": 40000}')
    proc = lintgate(repo, "--no-cache", "--fix", "longline.py")
    assert (proc.stdout, proc.returncode) == ("", 0)
    assert normalize_stderr(proc.stderr) == (
        "lintgate: fixed longline.py\n"
        "lintgate: 1 file(s) fixed\n"
        "lintgate: 1 file checked, 0 findings, 0 from cache, N.NNs\n"
    )
    assert (repo / "longline.py").read_text() == fixed
    assert len(fixed) == 58898
    check = lintgate(repo, "--format", "gometalinter", "longline.py")  # now over it on disk
    assert (check.stdout, check.returncode) == (
        "longline.py:1:1:error: not checked: 58898 bytes, over MaxFileSize (40000 bytes) "
        "(encoding)\n",
        1,
    )


@pytest.mark.parametrize("value", ["-1", '"2MiB"', "true", "1.5"])
def test_a_bad_size_limit_is_a_config_error(tmp_path, value):
    repo = _repo(tmp_path, {})
    (repo / "lintgate.json").write_text('{"MaxFileSize": %s}' % value)
    proc = lintgate(repo)
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == (
        "lintgate: lintgate.json: MaxFileSize: expected a whole number of bytes >= 0 "
        "(0: no limit)\n"
    )


def test_long_flat_expressions_are_not_refused():
    from lintgate.bounds import refusal

    items = ", ".join(["a + 1"] * 5000)
    for head in ("", "type X = int\n"):  # `ast` decides; with newer syntax, the tokens
        assert refusal(f"{head}x = [{items}]\n") is None
        assert refusal(f"{head}x = f(\n    {items},\n)\n") is None
        assert refusal(head + "x = '" + "(" * 5000 + "'  # " + ")" * 300 + "\n") is None


@pytest.mark.parametrize("depth,refused", [(149, None), (150, (1, 452)), (400, (1, 452))])
def test_fstrings_nest_as_deep_as_cpython_allows(depth, refused):
    from lintgate.bounds import fstring_refusal

    # strings, escapes and comments holding braces and quotes do not count
    noise = 'y = \'{\' + "\\"{" + f\'{{\' + f"{z}"  # f"{\n'
    error = fstring_refusal("x = " + 'f"{' * depth + "1" + '}"' * depth + "\n" + noise)
    assert (error and (error.line, error.col, error.message)) == (
        refused and (*refused, "cannot parse: too many nested f-strings")
    )
