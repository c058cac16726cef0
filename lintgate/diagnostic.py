"""The Diagnostic record, its ordering, and the two line formats of DESIGN.md.

A linter's pure check returns `Finding`s (no path: the same bytes give the same findings at any
path, which is what the result cache stores); the runner turns them into `Diagnostic`s.
"""

from __future__ import annotations

from typing import NamedTuple

WARNING = "warning"
ERROR = "error"
SEVERITIES = (WARNING, ERROR)


class Finding(NamedTuple):
    """One problem a linter found in a file's contents.

    `line` and `col` are 1-based; `col` is 0 when the linter knows no column.
    `severity` is "warning" or "error". `end_line` is the last line of the hunk a formatter
    would change (0 when the finding is about `line` alone).
    """

    line: int
    col: int
    message: str
    severity: str = WARNING
    end_line: int = 0


class Diagnostic(NamedTuple):
    """A finding placed in a file: what lintgate prints.

    `path` is relative to the directory lintgate runs from and `/`-separated; `line` and `col`
    are 1-based (`col` 0 when unknown; `end_line` as in Finding). The field order is the default sort order of DESIGN.md:
    path, line, column, linter, message, so `sorted(diagnostics)` is the deterministic order.
    """

    path: str
    line: int
    col: int
    linter: str
    message: str
    severity: str = WARNING
    end_line: int = 0

    @classmethod
    def from_finding(cls, path: str, linter: str, finding: Finding) -> Diagnostic:
        """Place `finding` of `linter` in the file at `path` (relative, `/`-separated)."""
        return cls(
            path,
            finding.line,
            finding.col,
            linter,
            finding.message,
            finding.severity,
            finding.end_line,
        )


def render_text(d: Diagnostic) -> str:
    """`path:line:col: ⚠️ message (linter)`, or ❌ for an error: the default `text` line."""
    mark = "\u274c" if d.severity == ERROR else "\u26a0\ufe0f"
    return f"{d.path}:{d.line}:{d.col}: {mark} {d.message} ({d.linter})"


def render_gometalinter(d: Diagnostic) -> str:
    """gometalinter's default template, byte for byte:
    `{{.Path}}:{{.Line}}:{{if .Col}}{{.Col}}{{end}}:{{.Severity}}: {{.Message}} ({{.Linter}})`.
    """
    col = str(d.col) if d.col else ""
    return f"{d.path}:{d.line}:{col}:{d.severity}: {d.message} ({d.linter})"
