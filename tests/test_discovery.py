"""Discovery outside git: the walk honours nested `.gitignore` files as git does. Each tree is
built twice: git's answer comes from a work tree (`git ls-files --others --exclude-standard`,
what lintgate uses inside git), lintgate's from a copy without `.git`."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from lintgate.discovery import discover

# Each tree: relative path -> contents. Every `.py` file's expected fate is git's, not ours.
TREES = {
    "reinclude-by-file": {
        ".gitignore": "*_pb2.py\n",
        "pkg/.gitignore": "!api_pb2.py\n",
        "pkg/api_pb2.py": "",
        "pkg/other_pb2.py": "",
        "pkg/deep/api_pb2.py": "",
        "top_pb2.py": "",
    },
    "reinclude-a-directory": {
        ".gitignore": "cache/\n",
        "pkg/.gitignore": "!cache/\n",
        "pkg/cache/c.py": "",
        "cache/c.py": "",
        "other/cache/c.py": "",
    },
    "no-reinclude-inside-an-excluded-directory": {
        ".gitignore": "gen/\nlogs\n",
        "gen/.gitignore": "!*.py\n",
        "gen/a.py": "",
        "logs/.gitignore": "!keep.py\n",
        "logs/keep.py": "",
        "src/gen/b.py": "",
        "src/main.py": "",
    },
    "relative-to-their-directory": {
        "a/.gitignore": "/b.py\nsub/\nlocal.py\n",
        "a/b.py": "",
        "a/c/b.py": "",
        "a/sub/x.py": "",
        "a/c/sub/x.py": "",
        "a/local.py": "",
        "a/c/local.py": "",
        "b.py": "",
        "sub/x.py": "",
        "local.py": "",
    },
    "the-deepest-file-decides": {
        "m/.gitignore": "*.py\n",
        "m/n/.gitignore": "!*.py\nbad.py\n",
        "m/a.py": "",
        "m/n/a.py": "",
        "m/n/bad.py": "",
        "m/n/o/a.py": "",
        "m/n/o/bad.py": "",
        "m/p/a.py": "",
    },
    "star-then-reinclude": {
        "x/.gitignore": "*\n!.gitignore\n!keep.py\n!*/\n",
        "x/keep.py": "",
        "x/other.py": "",
        "x/y/keep.py": "",
        "x/y/z.py": "",
        "logs/.gitignore": "/*\n!/keep/\n",
        "logs/keep/k.py": "",
        "logs/drop/d.py": "",
        "logs/k.py": "",
    },
    "a-parent-pattern-still-applies-inside-a-reincluded-directory": {
        ".gitignore": "*_gen.py\nc/\n",
        "sub/.gitignore": "!b/\n",
        "sub/b/x_gen.py": "",
        "sub/b/c/y.py": "",
        "sub/b/ok.py": "",
    },
    "wildmatch": {
        ".gitignore": (
            "*.py[co]\n"
            "[!m]*_tmp.py\n"
            "**/gen/**\n"
            "/only_top/\n"
            "a/**/z.py\n"
            "docs/*.py\n"
            "\\#hash.py\n"
            "sp\\ ace.py\n"
            "trailing.py   \n"
            "[[:digit:]]*.py\n"
            "ab?.py\n"
            "q[a-c]?.py\n"
            "**/deep/*.py\n"
            "x/**/\n"
            "# comment.py\n"
            "unclosed[.py\n"
            "crlf.py\r\n"
        ),
        "keep.py": "",
        "a_tmp.py": "",
        "m_tmp.py": "",
        "gen/g.py": "",
        "p/gen/q/g.py": "",
        "gen.py": "",
        "only_top/t.py": "",
        "p/only_top/t.py": "",
        "a/z.py": "",
        "a/b/c/z.py": "",
        "b/a/z.py": "",
        "docs/d.py": "",
        "docs/sub/d.py": "",
        "#hash.py": "",
        "sp ace.py": "",
        "trailing.py": "",
        "1st.py": "",
        "abc.py": "",
        "abcd.py": "",
        "qbz.py": "",
        "qdz.py": "",
        "r/deep/e.py": "",
        "deep/e.py": "",
        "deep/f/e.py": "",
        "x/y.py": "",
        "x/w/y.py": "",
        "# comment.py": "",
        "unclosed[.py": "",
        "crlf.py": "",
    },
    "byte-order-mark-and-crlf": {
        ".gitignore": "\ufeffbom.py\r\n!bom_kept.py\r\n*_kept.py\r\n",
        "bom.py": "",
        "bom_kept.py": "",
        "other.py": "",
    },
    "negation-order-within-a-file": {
        ".gitignore": "!first.py\n*.py\n!last.py\n",
        "first.py": "",
        "last.py": "",
        "d/first.py": "",
        "d/last.py": "",
        "d/.gitignore": "last.py\n",
    },
    "whitespace-and-line-ends": {
        # git splits at LF only, drops one CR before it and unescaped trailing spaces, keeps a
        # trailing tab; a trailing backslash matches nothing
        ".gitignore": "tab.py\t\ntb\\\ncr.py\r\r\nsp\\ \\   \nesc\\\\.py\n",
        "sub/.gitignore": "\\#h.py\r\n\\!b.py  \n",
        "tab.py": "",
        "tb/x.py": "",
        "cr.py": "",
        "sp  /s.py": "",
        "sp /s.py": "",
        "esc\\.py": "",
        "sub/#h.py": "",
        "sub/!b.py": "",
        "sub/k.py": "",
    },
    "pattern-corners": {
        ".gitignore": (
            "!\n/\nfoo//\ncls[[:punct:]][[:alpha:]][![:digit:]].py\n\\[[:digit:]]x.py\n**/gen/**\n"
        ),
        "foo/f.py": "",
        "[d]x.py": "",  # `\[` then the bracket `[:digit:]` (no class)
        "[1]x.py": "",
        "cls!a_.py": "",
        "cls!a1.py": "",
        "cls_b-.py": "",
        "gen/.gitignore": "!g.py\n",  # `**/gen/**` leaves gen itself in
        "gen/g.py": "",
        "gen/h.py": "",
        # relative to a directory whose name holds pattern characters
        "[w]e*ird/.gitignore": "*_pb2.py\n!keep_pb2.py\nx/**/\n",
        "[w]e*ird/a_pb2.py": "",
        "[w]e*ird/keep_pb2.py": "",
        "[w]e*ird/x/y.py": "",
        "[w]e*ird/x/w/y.py": "",
        "we_ird/a_pb2.py": "",
        "s/.gitignore": "/\n!\n**/\n",
        "s/t.py": "",
        "s/u/t.py": "",
    },
    # bracket expressions pathspec reads otherwise than git (PATHSPEC_DIFFERS)
    "negated-bracket-and-slash": {
        ".gitignore": "a[!b]c.py\n",
        "a/c.py": "",
        "axc.py": "",
        "abc.py": "",
    },
    "reversed-range": {
        ".gitignore": "[z-a]x.py\n",
        "zx.py": "",
        "ax.py": "",
    },
    "escape-in-a-bracket": {
        ".gitignore": "[\\]]x.py\n",
        "]x.py": "",
        "\\x.py": "",
    },
}
# Where pathspec's matching differs from git's: the tree stays, as a known failure (strict: it
# shows when pathspec catches up).
PATHSPEC_DIFFERS = {
    "negated-bracket-and-slash": "pathspec lets `[!b]` match `/`: `a[!b]c.py` ignores a/c.py",
    "reversed-range": "git reads `[z-a]` as `z`; pathspec cannot compile it: it matches nothing",
    "escape-in-a-bracket": "git reads `[\\]]` as `]`; pathspec as a backslash, then `]`",
}


def _build(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)


def git_answer(tree: Path, *paths: str) -> list[str]:
    """The `.py` files git does not ignore in `tree` (a fresh repository, no user config), or
    under `paths` in it."""
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", "init", "-q", str(tree)], check=True, env=env)
    out = subprocess.run(
        ["git", "ls-files", "-z", "--others", "--exclude-standard", "--", *paths],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return sorted(n for n in out.split("\0") if n.endswith(".py"))


def lintgate_answer(tree: Path, *paths: str) -> list[str]:
    root = tree.resolve()
    found = discover(list(paths), root, root, [], False)
    return sorted(p.relative_to(root).as_posix() for p in found.files)


def _trees():
    for name in sorted(TREES):
        reason = PATHSPEC_DIFFERS.get(name)
        xfail = pytest.mark.xfail(raises=AssertionError, reason=reason, strict=True)
        yield pytest.param(name, marks=[xfail] if reason else [])


@pytest.mark.parametrize("name", list(_trees()))
def test_the_walk_outside_git_agrees_with_git(name, tmp_path):
    with_git, without = tmp_path / "git", tmp_path / "plain"
    _build(with_git, TREES[name])
    shutil.copytree(with_git, without)
    expected = git_answer(with_git)
    assert not (without / ".git").exists()
    assert lintgate_answer(without) == expected


def test_git_answer_of_a_reinclusion(tmp_path):
    # what the comparison rests on, written out once: a nested `!` brings a file back, but not
    # from inside a directory a parent excluded
    _build(tmp_path, TREES["reinclude-by-file"])
    assert git_answer(tmp_path) == ["pkg/api_pb2.py", "pkg/deep/api_pb2.py"]
    plain = tmp_path.parent / "plain"
    _build(plain, TREES["no-reinclude-inside-an-excluded-directory"])
    assert lintgate_answer(plain) == ["src/main.py"]


@pytest.mark.parametrize("named", ["out", "pkg", "pkg/out"])
def test_a_walk_from_a_named_directory_agrees_with_git(named, tmp_path):
    # the `.gitignore` files above a directory named on the command line apply to it, even when
    # they exclude it: then nothing is checked, as inside git
    tree = {
        ".gitignore": "out/\n*_gen.py\n",
        "out/x.py": "",
        "pkg/.gitignore": "!out/\n",
        "pkg/a_gen.py": "",
        "pkg/b.py": "",
        "pkg/out/c.py": "",
        "pkg/out/d_gen.py": "",
    }
    with_git, without = tmp_path / "git", tmp_path / "plain"
    _build(with_git, tree)
    shutil.copytree(with_git, without)
    expected = git_answer(with_git, named)
    assert lintgate_answer(without, named) == expected
    assert expected == {"out": [], "pkg": ["pkg/b.py", "pkg/out/c.py"]}.get(named, ["pkg/out/c.py"])
