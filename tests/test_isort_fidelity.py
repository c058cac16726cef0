"""lintgate's isort verdicts against the real `isort --check-only` (and `black --check`) run on
the same tree: directory-level skip settings, code isort refuses (`atomic = true`), Cython
files, mixed line endings, and the `imports` linter on the files isort leaves out."""

from __future__ import annotations

import pytest
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
    assert (status, flagged, refused) == (1, {"src/main.py", "tests/test_x.py", "app/models.py"}, set())
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
    for args in (["src"], ["src/vendored_lib"], ["app", "src/vendored_lib/deep"]):
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
