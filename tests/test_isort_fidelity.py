"""lintgate's isort verdicts against the real `isort --check-only` (and `black --check`) run on
the same tree: directory-level skip settings, code isort refuses (`atomic = true`), Cython
files, mixed line endings, and the `imports` linter on the files isort leaves out."""

from __future__ import annotations

import pytest
from helpers import lintgate
from isort_trees import UNSORTED, black_verdict, isort_verdict, lintgate_findings, write_tree

ISORT_ONLY = ("--disable-all", "-E", "isort")

SKIP_TREE = {
    "pyproject.toml": (
        "[tool.isort]\n"
        'skip_glob = ["src/vendored_lib", "tests/data"]\n'
        'extend_skip_glob = ["*/migrations"]\n'
        'skip = ["src/gen"]\n'
        'extend_skip = ["legacy_dir"]\n'
    ),
    "src/main.py": UNSORTED,
    "src/vendored_lib/a.py": UNSORTED,
    "src/vendored_lib/deep/b.py": UNSORTED,
    "src/gen/g.py": UNSORTED,
    "tests/test_x.py": UNSORTED,
    "tests/data/c.py": UNSORTED,
    "app/models.py": UNSORTED,
    "app/migrations/0001_initial.py": UNSORTED,
    "app/legacy_dir/old.py": UNSORTED,
}


@pytest.mark.parametrize("git", [True, False], ids=["git-ls-files", "walk"])
def test_skip_settings_naming_a_directory_leave_out_everything_below(tmp_path, git):
    root = write_tree(tmp_path / "repo", SKIP_TREE, git=git)
    status, flagged, refused = isort_verdict(root)
    assert (status, flagged, refused) == (
        1,
        {"src/main.py", "tests/test_x.py", "app/models.py"},
        set(),
    )
    code, by_linter, rows, stderr = lintgate_findings(root, *ISORT_ONLY)
    assert by_linter == {"isort": flagged}
    assert code == 1
    assert stderr.splitlines()[0].startswith("lintgate: 9 files checked, 3 findings")


def test_skip_directory_walks_start_at_each_path_argument(tmp_path):
    # isort tests the directories below the one it is given, not that one: `isort
    # src/vendored_lib` checks its files. A warm cache from a `.` run must not answer it.
    root = write_tree(tmp_path / "repo", SKIP_TREE)
    cache = {"LINTGATE_CACHE_DIR": str(tmp_path / "cache")}
    assert lintgate_findings(root, *ISORT_ONLY, env=cache)[1] == {
        "isort": {"src/main.py", "tests/test_x.py", "app/models.py"}
    }
    for args in (
        ["src"],
        ["src/vendored_lib"],
        ["app", "src/vendored_lib/deep"],
        [".", "tests/data/c.py"],  # found in a walk that skips it, and named: checked
    ):
        status, flagged, _ = isort_verdict(root, *args)
        code, by_linter, _, _ = lintgate_findings(root, *ISORT_ONLY, *args, env=cache)
        assert by_linter.get("isort", set()) == flagged, args
        assert code == status
    assert isort_verdict(root, "src/vendored_lib")[1] == {
        "src/vendored_lib/a.py",
        "src/vendored_lib/deep/b.py",
    }


def test_named_files_keep_isorts_filter_files_verdict(tmp_path):
    root = write_tree(tmp_path / "repo", SKIP_TREE)
    # a file named in a skipped directory: isort --filter-files tests only its own path
    code, by_linter, _, _ = lintgate_findings(
        root, *ISORT_ONLY, "src/vendored_lib/a.py", "tests/data/c.py"
    )
    assert (code, by_linter) == (1, {"isort": {"src/vendored_lib/a.py", "tests/data/c.py"}})


def test_the_imports_linter_and_syntax_follow_isorts_skip_settings(tmp_path):
    tree = {
        "pyproject.toml": (
            '[tool.isort]\nprofile = "black"\nskip_glob = ["tests/data", "docs"]\n'
            '[tool.black]\nextend-exclude = "^/(tests/data|docs)/"\n'
        ),
        "tests/data/py2.py": "print 'hello'\n",
        "tests/data/unused.py": "import os\n",
        "docs/conf_old.py": "exec 'x = 1'\n",
        "pkg/__init__.py": "",
        "pkg/mod.py": "import os\n\nprint(os)\n",
    }
    root = write_tree(tmp_path / "repo", tree)
    assert isort_verdict(root) == (0, set(), set())
    assert black_verdict(root) == (0, set(), set())
    code, by_linter, rows, stderr = lintgate_findings(root)
    assert (code, rows) == (0, [])
    assert stderr.startswith("lintgate: 5 files checked, 0 findings")


def test_a_syntax_error_of_another_parser_names_it(tmp_path):
    # CPython rejects `del (a := [1])`, black's parser accepts it
    root = write_tree(tmp_path / "repo", {"a.py": "del (a := [1])\n"})
    assert black_verdict(root) == (0, set(), set())
    code, _, rows, _ = lintgate_findings(root)
    assert (code, rows) == (
        1,
        [
            (
                "a.py",
                1,
                6,
                "syntax",
                "cannot parse: cannot delete named expression"
                " (rejected by Python's ast parser, for the imports linter; black parses it)",
            )
        ],
    )


ATOMIC_TREE = {
    "pyproject.toml": "[tool.isort]\natomic = true\n",
    "walrus_del.py": "import sys\nimport os\n\ndel (a := [1])\n",
    "broken.py": "import os\ndef f(:\n",
    "fine.py": "import os\n\nprint(os)\n",
}


@pytest.mark.parametrize("name", ["walrus_del.py", "broken.py", "fine.py"])
def test_isort_refusing_code_that_does_not_compile_is_one_syntax_error(tmp_path, name):
    root = write_tree(tmp_path / "repo", ATOMIC_TREE)
    # isort stops at the first file it refuses: ask it about each file alone
    status, flagged, refused = isort_verdict(root, name)
    code, by_linter, rows, stderr = lintgate_findings(root, *ISORT_ONLY, name)
    assert "internal error" not in stderr and "Passed in content" not in stderr
    assert code == status
    assert by_linter.get("syntax", set()) == refused
    assert by_linter.get("isort", set()) == flagged
    expected = {
        "walrus_del.py": [
            (
                "walrus_del.py",
                4,
                6,
                "syntax",
                "cannot compile: cannot delete named expression"
                " (rejected by Python's compiler, for isort's atomic = true)",
            )
        ],
        "broken.py": [
            (
                "broken.py",
                2,
                7,
                "syntax",
                "cannot compile: invalid syntax"
                " (rejected by Python's compiler, for isort's atomic = true)",
            )
        ],
        "fine.py": [],
    }
    assert rows == expected[name]


def test_with_every_linter_a_refused_file_gets_one_error(tmp_path):
    root = write_tree(tmp_path / "repo", ATOMIC_TREE)
    code, _, rows, stderr = lintgate_findings(root)
    assert "internal error" not in stderr
    assert code == 1
    assert rows == [
        ("broken.py", 2, 7, "syntax", "cannot parse: bad input"),
        (
            "walrus_del.py",
            4,
            6,
            "syntax",
            "cannot parse: cannot delete named expression"
            " (rejected by Python's ast parser, for the imports linter; black parses it)",
        ),
    ]


CYTHON = "import sys\nimport os\n\ncdef int x = 1\nprint(os, sys)\n"
CYTHON_TREE = {
    "pyproject.toml": "[tool.isort]\natomic = true\n",
    "pkg/fast.pyx": CYTHON,
    "pkg/fast.pxd": "from libc.math cimport sqrt\nfrom libc.math cimport cos\n",
    "pkg/inc.pxi": CYTHON,
    "pkg/sorted.pyx": "import os\nimport sys\n\n\ncdef int y = 2\n",
    "pkg/mod.py": "import os\n\nprint(os)\n",
}


@pytest.mark.parametrize("extensions", [None, '["py", "pyi", "pyx", "pxd", "pxi"]'])
def test_cython_files_are_checked_by_isort_only(tmp_path, extensions):
    tree = dict(CYTHON_TREE)
    if extensions:  # (`atomic` refuses Cython syntax in a `.pxi`: not one of its CYTHON_EXTENSIONS)
        tree["pyproject.toml"] = f"[tool.isort]\nsupported_extensions = {extensions}\n"
    root = write_tree(tmp_path / "repo", tree)
    status, flagged, refused = isort_verdict(root)
    expected = {"pkg/fast.pyx", "pkg/fast.pxd"} | ({"pkg/inc.pxi"} if extensions else set())
    assert (status, flagged, refused) == (1, expected, set())
    assert black_verdict(root) == (0, set(), set())
    for args in ((), ISORT_ONLY, ("-D", "black")):
        code, by_linter, rows, stderr = lintgate_findings(root, *args)
        assert (code, by_linter) == (1, {"isort": flagged}), args
        assert [r[:4] for r in rows if r[0] == "pkg/fast.pyx"] == [("pkg/fast.pyx", 1, 1, "isort")]
        assert stderr.startswith(f"lintgate: 5 files checked, {len(flagged)} findings")


MIXED_TREE = {
    "crlf_first.py": b"import os\r\nimport sys\n\nprint(os, sys)\n",
    "lf_first.py": b"import os\nimport sys\r\n\r\nprint(os, sys)\r\n",
    "no_imports.py": b"x = 1\r\ny = 2\n",
    "crlf_only.py": b"import os\r\nimport sys\r\n\r\nprint(os, sys)\r\n",
    "outside_imports.py": b"import os\n\nprint(os)\r\n",
}


def test_mixed_line_endings_fail_isorts_check(tmp_path):
    root = write_tree(tmp_path / "repo", MIXED_TREE)
    status, flagged, _ = isort_verdict(root)
    assert (status, flagged) == (1, {"crlf_first.py", "lf_first.py", "outside_imports.py"})
    black_status, would, _ = black_verdict(root)
    code, by_linter, rows, _ = lintgate_findings(root, "--disable-all", "-E", "isort")
    assert by_linter == {"isort": flagged}
    assert code == status
    assert rows == [
        (
            "crlf_first.py",
            2,
            1,
            "isort",
            "imports are incorrectly sorted and/or formatted: mixed line endings (CRLF and LF);"
            " isort ends this line with CRLF",
        ),
        (
            "lf_first.py",
            1,
            1,
            "isort",
            "imports are incorrectly sorted and/or formatted: mixed line endings (LF and CRLF);"
            " isort ends this line with CRLF",
        ),
        (
            "outside_imports.py",
            1,
            1,
            "isort",
            "imports are incorrectly sorted and/or formatted: mixed line endings (LF and CRLF);"
            " isort ends this line with CRLF",
        ),
    ]
    code, by_linter, _, _ = lintgate_findings(root, "--disable-all", "-E", "black")
    assert by_linter.get("black", set()) == would


def _big_tree(skip_glob: str) -> dict[str, str]:
    tree = {
        "pyproject.toml": (
            f"[tool.isort]\nskip_glob = {skip_glob}\n"
            '[tool.black]\nextend-exclude = "^/vendored/|/migrations/"\n'
        )
    }
    for i in range(30):
        for j in range(5):
            tree[f"pkg{i}/mod{j}.py"] = UNSORTED if j == 0 else "import os\n\nprint(os)\n"
        for j in range(3):
            tree[f"pkg{i}/migrations/000{j}_auto.py"] = UNSORTED
        tree[f"vendored/lib{i}/old.py"] = "print 'python 2'\n"
    return tree


def test_hundreds_of_files_with_workers_cold_and_warm(tmp_path):
    root = write_tree(tmp_path / "repo", _big_tree('["*/migrations", "vendored"]'))
    status, flagged, _ = isort_verdict(root)
    assert len(flagged) == 30 and status == 1
    assert black_verdict(root) == (0, set(), set())
    cache = {"LINTGATE_CACHE_DIR": str(tmp_path / "cache")}
    runs = [lintgate_findings(root, "-j", "4", env=cache) for _ in ("cold", "warm")]
    for code, by_linter, rows, stderr in runs:
        assert (code, by_linter) == (1, {"isort": flagged})
    assert runs[0][2] == runs[1][2]
    assert runs[1][3].startswith("lintgate: 270 files checked, 30 findings, 270 from cache")
    # isort's skip settings change: the imports linter (Python's parser) now reads vendored/,
    # whose Python 2 code black still excludes; a warm run must not answer from the old verdicts
    (root / "pyproject.toml").write_text(_big_tree('["*/migrations"]')["pyproject.toml"])
    assert isort_verdict(root)[1] == flagged  # (no imports in vendored/ to sort)
    code, by_linter, rows, _ = lintgate_findings(root, "-j", "4", env=cache)
    assert (code, by_linter["isort"]) == (1, flagged)
    syntax = [r for r in rows if r[3] == "syntax"]
    assert len(syntax) == 30
    assert syntax[0] == (
        "vendored/lib0/old.py",
        1,
        1,
        "syntax",
        "cannot parse: Missing parentheses in call to 'print'. Did you mean print(...)?"
        " (rejected by Python's ast parser, for the imports linter)",
    )


def test_skip_directories_from_a_subdirectory(tmp_path):
    # run in src/: isort's config is the root's, its skip_glob relative to the root, but its
    # `skip = ["src/gen"]` made absolute against the working directory (src/src/gen)
    root = write_tree(tmp_path / "repo", SKIP_TREE)
    status, flagged, _ = isort_verdict(root / "src")
    assert (status, flagged) == (1, {"main.py", "gen/g.py"})
    code, by_linter, _, _ = lintgate_findings(root / "src", *ISORT_ONLY)
    assert (code, by_linter) == (1, {"isort": flagged})


def test_fix_leaves_the_files_isort_skips_untouched(tmp_path):
    tree = {
        "pyproject.toml": '[tool.isort]\nskip_glob = ["tests/data"]\n',
        "tests/data/u.py": "import sys\nimport os\n",
        "app.py": "import sys\nimport os\n\nprint(os)\n",
    }
    root = write_tree(tmp_path / "repo", tree)
    proc = lintgate(root, "--fix", "--disable", "black")
    assert proc.returncode == 0, proc.stderr
    assert (root / "tests/data/u.py").read_text() == tree["tests/data/u.py"]
    assert (root / "app.py").read_text() == "import os\n\nprint(os)\n"
