"""Each gometalinter filter with exact output, and `apply` in gometalinter's order."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lintgate import filters
from lintgate.diagnostic import Diagnostic, render_gometalinter
from lintgate.filters import FilterOptions

FINDINGS = [
    Diagnostic(*row)
    for row in json.loads(
        (Path(__file__).parent / "fixtures" / "filters" / "findings.json").read_text("utf-8")
    )
]


def lines(diagnostics: list[Diagnostic]) -> list[str]:
    return [render_gometalinter(d) for d in diagnostics]


def test_default_is_the_design_order():
    assert lines(filters.apply(FINDINGS, FilterOptions())) == [
        "pkg/a.py:3:1:warning: imports are incorrectly sorted (isort)",
        "pkg/a.py:4:1:warning: 'os' imported but unused (imports)",
        "pkg/a.py:4:1:error: 'os' imported but unused (pyflakes)",
        "pkg/a.py:20:3:error: Incompatible return value type (mypy)",
        "pkg/b.py:10:1:warning: would reformat (black)",
        "vendor/x.py:1::warning: E501 line too long (80 > 79 characters) (flake8)",
    ]


def test_exclude_matches_path_linter_or_message_in_the_gometalinter_line():
    kept = filters.exclude(FINDINGS, [r"^vendor/", r"\(black\)$", "incorrectly"])
    assert lines(kept) == [
        "pkg/a.py:4:1:warning: 'os' imported but unused (imports)",
        "pkg/a.py:4:1:error: 'os' imported but unused (pyflakes)",
        "pkg/a.py:20:3:error: Incompatible return value type (mypy)",
    ]


def test_exclude_sees_the_empty_column_of_the_gometalinter_line():
    assert lines(filters.exclude(FINDINGS, [r":\d+::"])) == lines(FINDINGS[:3] + FINDINGS[4:])


def test_include_keeps_only_matching_lines():
    kept = filters.include(FINDINGS, [r"\((imports|pyflakes)\)$", "^vendor/"])
    assert lines(kept) == [
        "pkg/a.py:4:1:warning: 'os' imported but unused (imports)",
        "vendor/x.py:1::warning: E501 line too long (80 > 79 characters) (flake8)",
        "pkg/a.py:4:1:error: 'os' imported but unused (pyflakes)",
    ]


def test_include_nothing_given_keeps_all():
    assert filters.include(FINDINGS, []) == FINDINGS


def test_severity_override():
    changed = filters.override_severity(FINDINGS, {"black": "error", "mypy": "warning"})
    assert [(d.linter, d.severity) for d in changed] == [
        ("black", "error"),
        ("isort", "warning"),
        ("imports", "warning"),
        ("flake8", "warning"),
        ("pyflakes", "error"),
        ("mypy", "warning"),
    ]


def test_message_override_in_both_template_syntaxes():
    changed = filters.override_message(
        FINDINGS,
        {
            "black": "{{.Message}}: run black {{.Path}}",
            "flake8": "[{linter}] {message}",
            "isort": "run isort",
        },
    )
    assert lines(changed) == [
        "pkg/b.py:10:1:warning: would reformat: run black pkg/b.py (black)",
        "pkg/a.py:3:1:warning: run isort (isort)",
        "pkg/a.py:4:1:warning: 'os' imported but unused (imports)",
        "vendor/x.py:1::warning: [flake8] E501 line too long (80 > 79 characters) (flake8)",
        "pkg/a.py:4:1:error: 'os' imported but unused (pyflakes)",
        "pkg/a.py:20:3:error: Incompatible return value type (mypy)",
    ]


def test_sort_by_keys_is_stable_over_the_default_order():
    ordered = filters.sort(FINDINGS, ["severity", "linter"])
    assert lines(ordered) == [
        "pkg/a.py:20:3:error: Incompatible return value type (mypy)",
        "pkg/a.py:4:1:error: 'os' imported but unused (pyflakes)",
        "pkg/b.py:10:1:warning: would reformat (black)",
        "vendor/x.py:1::warning: E501 line too long (80 > 79 characters) (flake8)",
        "pkg/a.py:4:1:warning: 'os' imported but unused (imports)",
        "pkg/a.py:3:1:warning: imports are incorrectly sorted (isort)",
    ]
    by_column = filters.sort(FINDINGS, ["column", "message"])
    assert [(d.col, d.message[:10]) for d in by_column] == [
        (0, "E501 line "),
        (1, "'os' impor"),
        (1, "'os' impor"),
        (1, "imports ar"),
        (1, "would refo"),
        (3, "Incompatib"),
    ]
    # ties keep the default order: imports before pyflakes
    assert [d.linter for d in by_column[1:3]] == ["imports", "pyflakes"]


def test_sort_none_keeps_the_given_order():
    assert filters.sort(FINDINGS, ["none"]) == FINDINGS


def test_aggregate_merges_linters_of_the_same_finding():
    merged = filters.aggregate(FINDINGS)
    assert lines(merged) == [
        "pkg/b.py:10:1:warning: would reformat (black)",
        "pkg/a.py:3:1:warning: imports are incorrectly sorted (isort)",
        "pkg/a.py:4:1:error: 'os' imported but unused (imports, pyflakes)",
        "vendor/x.py:1::warning: E501 line too long (80 > 79 characters) (flake8)",
        "pkg/a.py:20:3:error: Incompatible return value type (mypy)",
    ]


def test_aggregate_needs_the_same_column_and_message():
    ds = [
        Diagnostic("a.py", 1, 1, "x", "m"),
        Diagnostic("a.py", 1, 2, "y", "m"),
        Diagnostic("a.py", 1, 1, "z", "other"),
        Diagnostic("a.py", 1, 1, "x", "m"),
    ]
    assert filters.aggregate(ds) == [ds[0], ds[1], ds[2]]


def test_errors_keeps_only_errors():
    assert lines(filters.only_errors(FINDINGS)) == [
        "pkg/a.py:4:1:error: 'os' imported but unused (pyflakes)",
        "pkg/a.py:20:3:error: Incompatible return value type (mypy)",
    ]


def test_apply_runs_overrides_before_exclude_then_aggregate_sort_errors():
    options = FilterOptions.from_config(
        {
            "Severity": {"imports": "error", "black": "error"},
            "MessageOverride": {"mypy": "mypy: {{.Message}}"},
            "Exclude": [r": mypy: ", "^vendor/"],  # matches the overridden message only
            "Include": [r"^pkg/"],
            "Aggregate": True,
            "Sort": ["linter"],
            "Errors": True,
            "Enable": ["ignored here"],
        }
    )
    assert lines(filters.apply(FINDINGS, options)) == [
        "pkg/b.py:10:1:error: would reformat (black)",
        "pkg/a.py:4:1:error: 'os' imported but unused (imports, pyflakes)",
    ]
    # the mypy finding was excluded on its overridden message: without the override it stays
    without = filters.apply(FINDINGS, FilterOptions(exclude=(": mypy: ",), errors=True))
    assert [d.linter for d in without] == ["pyflakes", "mypy"]


@pytest.mark.parametrize(
    "options, message",
    [
        (
            FilterOptions(exclude=("(",)),
            "Exclude: bad regular expression '(': missing ), unterminated subpattern at position 0",
        ),
        (
            FilterOptions(include=("a[",)),
            "Include: bad regular expression 'a[': unterminated character set at position 1",
        ),
        (
            FilterOptions(severity={"black": "fatal"}),
            "Severity: 'black' has 'fatal', expected 'warning' or 'error'",
        ),
        (
            FilterOptions(message_override={"black": "{{.Msg}}"}),
            "MessageOverride: 'black': bad template '{{.Msg}}': unknown field .Msg (fields: .Path, .Line, .Col, .Severity, .Message, .Linter)",
        ),
        (
            FilterOptions(sort=("path", "col")),
            "Sort: unknown key 'col'; valid keys are path, line, column, severity, message, linter, or none",
        ),
    ],
)
def test_bad_options_are_one_line_errors_even_without_findings(options, message):
    with pytest.raises(ValueError) as info:
        filters.apply([], options)
    assert str(info.value) == message
