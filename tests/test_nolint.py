"""nolint directives: line, statement and import-block scopes, linter lists, unmatched ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from lintgate.diagnostic import Diagnostic, render_gometalinter
from lintgate.nolint import Directive, parse, suppress, warn_unknown, warn_unmatched

FIXTURES = Path(__file__).parent / "fixtures" / "nolint"
PATH = "tests/fixtures/nolint/scopes.py"


def text(name: str) -> str:
    return (FIXTURES / name).read_text("utf-8")


def d(line: int, col: int, linter: str, message: str) -> Diagnostic:
    return Diagnostic(PATH, line, col, linter, message)


# Findings a run could report on scopes.py, and whether its directives silence them.
FINDINGS = [
    (d(1, 1, "imports", "'os' imported but unused"), "silenced: line 1, every linter"),
    (
        d(1, 1, "isort", "imports are incorrectly sorted"),
        "silenced: line 1, every linter",
    ),
    (d(2, 1, "imports", "'sys' imported but unused"), "silenced: line 2 names imports"),
    (
        d(2, 1, "isort", "imports are incorrectly sorted"),
        "kept: line 2 names only imports",
    ),
    (
        d(5, 5, "imports", "'defaultdict' imported but unused"),
        "silenced: import block 3-6",
    ),
    (d(7, 1, "imports", "'re' imported but unused"), "kept: after the import block"),
    (d(12, 16, "black", "would reformat"), "silenced: def f, lines 10-13, black"),
    (
        d(12, 15, "flake8", "E271 multiple spaces after keyword"),
        "kept: def f names only black",
    ),
    (
        d(18, 5, "imports", "'json' imported but unused"),
        "silenced: comment above the import",
    ),
    (d(21, 9, "black", "would reformat"), "silenced: def g, every linter"),
    (
        d(26, 5, "imports", "'typing' imported but unused"),
        "silenced: decorated def h, 24-26",
    ),
    (
        d(30, 5, "black", "would reformat"),
        "kept: an assignment is not a compound statement",
    ),
]


def test_directives_and_their_scopes():
    assert parse(text("scopes.py")) == [
        Directive(1, 12, 1, 1, ()),
        Directive(2, 13, 2, 2, ("imports",)),
        Directive(3, 28, 3, 6, ("isort", "imports")),
        Directive(10, 12, 10, 13, ("black",)),
        Directive(17, 5, 17, 18, ("imports",)),
        Directive(20, 19, 20, 21, ()),
        Directive(24, 13, 24, 26, ("imports",)),
        Directive(29, 8, 29, 29, ("black",)),
        Directive(32, 17, 32, 32, ("mypy",)),  # the "# nolint" in the string is no directive
    ]


def test_suppress_line_statement_and_import_block_scopes():
    kept, unmatched = suppress([f for f, _ in FINDINGS], text("scopes.py"))
    assert kept == [f for f, why in FINDINGS if why.startswith("kept")]
    assert [r.line for r in unmatched] == [29, 32]


def test_unmatched_directive_warnings_exact_output():
    _, unmatched = suppress([f for f, _ in FINDINGS], text("scopes.py"))
    assert [render_gometalinter(w) for w in warn_unmatched(PATH, unmatched)] == [
        f"{PATH}:29:8:warning: nolint directive did not match any issue (nolint)",
        f"{PATH}:32:17:warning: nolint directive did not match any issue (nolint)",
    ]


def test_unknown_linter_names_are_reported_with_the_nearest_valid_name():
    source = "import os  # nolint: imports, ISORT\nx = 1  # nolint: syntax, fixx, zzz\n"
    assert [render_gometalinter(w) for w in warn_unknown("a.py", source)] == [
        "a.py:1:12:warning: nolint directive names an unknown linter 'ISORT'"
        " (did you mean 'isort'?) (nolint)",
        "a.py:2:8:warning: nolint directive names an unknown linter 'fixx'"
        " (did you mean 'fix'?) (nolint)",
        "a.py:2:8:warning: nolint directive names an unknown linter 'zzz' (expected one of:"
        " imports, isort, black, flake8, pyflakes, pycodestyle, pylint, mypy, ruff, bandit, syntax,"
        " encoding, nolint, fix) (nolint)",
    ]
    assert warn_unknown("a.py", "import os  # nolint\n") == []


def test_no_findings_leaves_every_directive_unmatched():
    kept, unmatched = suppress([], text("scopes.py"))
    assert kept == [] and unmatched == parse(text("scopes.py"))


def test_a_finding_matches_only_the_narrowest_directive():
    source = text("nested.py")
    inner = Diagnostic("nested.py", 3, 16, "black", "would reformat")
    kept, unmatched = suppress([inner], source)
    assert kept == []
    assert unmatched == [Directive(1, 11, 1, 3, ())]  # the class-wide one silenced nothing
    other = Diagnostic("nested.py", 3, 9, "imports", "x")
    assert suppress([inner, other], source) == ([], [])


def test_a_file_that_does_not_parse_gets_line_scopes_only():
    source = text("broken.py")
    findings = [
        Diagnostic("broken.py", 1, 1, "imports", "'os' imported but unused"),
        Diagnostic("broken.py", 2, 7, "syntax", "invalid syntax"),
        Diagnostic("broken.py", 3, 5, "imports", "'sys' imported but unused"),
    ]
    assert suppress(findings, source) == ([findings[2]], [])


def test_a_file_that_does_not_tokenize_keeps_earlier_directives():
    source = 'import os  # nolint\nx = """never closed\n# nolint\n'
    assert parse(source) == [Directive(1, 12, 1, 1, ())]


@pytest.mark.parametrize(
    "comment, linters",
    [
        ("# nolint", ()),
        ("#nolint", ()),
        ("# nolint:isort,imports", ("isort", "imports")),
        ("# nolint: isort , imports -- generated code", ("isort", "imports")),
        ("# noqa: F401  # nolint: imports", ("imports",)),
        ("# nolint: flake8-bugbear", ("flake8-bugbear",)),
        ("# nolint:", ()),
    ],
)
def test_directive_syntax(comment, linters):
    assert parse(f"x = 1  {comment}\n") == [Directive(1, 8, 1, 1, linters)]


@pytest.mark.parametrize("comment", ["# nolintx", "# not nolint", "# NOLINT", "# nolint-all"])
def test_not_a_directive(comment):
    assert parse(f"x = 1  {comment}\n") == []


def test_comment_above_must_be_at_the_statement_column_and_directly_above():
    source = "if True:\n    # nolint\n    x = 1\n# nolint\n\ny = 2\n"
    assert parse(source) == [Directive(2, 5, 2, 3, ()), Directive(4, 1, 4, 4, ())]
