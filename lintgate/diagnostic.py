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


class StoredResult(NamedTuple):
    """What one linter said about one file's bytes, as the result cache stores it
    (lintgate.cache.findings; the engine's records to and from it: lintgate.engine.stored).

    `findings`: what the linter found (empty when it could not parse the file);
    `parse_error`: the linter's parse error (a Finding, severity error) or None; for the
    `encoding` pseudo-linter, the decode error; `nolint`: for `encoding`, whether the text
    holds `nolint` (its directives are read from the text, lintgate.nolint). Typed fields, so
    that no fact hides in a finding's message (schema 4, results layer v2).
    """

    findings: tuple[Finding, ...] = ()
    parse_error: Finding | None = None
    nolint: bool = False


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


# C-style escapes of git's quote_c_style; other control characters are written in octal.
_ESCAPES = {"\a": "\\a", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\v": "\\v", "\f": "\\f"}
_ESCAPES.update({"\r": "\\r", '"': '\\"', "\\": "\\\\"})


def quote_path(path: str) -> str:
    """`path` as git prints a file name with `core.quotePath=false` (`git status`, `git diff`):
    unchanged, unless it holds a control character (newline, tab, ESC, DEL, ...), a `"` or a
    `\\`; then in double quotes with C-style escapes (`"a\\nb.py"`, octal `\\033` for others),
    so that one finding stays one line. Non-ASCII characters are kept as they are."""
    if not any(c < " " or c in '"\\\x7f' for c in path):
        return path
    escaped = "".join(
        _ESCAPES.get(c) or (f"\\{ord(c):03o}" if c < " " or c == "\x7f" else c) for c in path
    )
    return f'"{escaped}"'


def render_text(d: Diagnostic, signs: dict[str, str] | None = None) -> str:
    """`path:line:col: ⚠️ message (linter)`, or ❌ for an error: the default `text` line
    (the path quoted by `quote_path`). `signs` maps "warning" and "error" to other signs
    (lintgate.report.terminal.PLAIN_SIGNS for an output that cannot encode these)."""
    if signs is not None:
        mark = signs[ERROR if d.severity == ERROR else WARNING]
    else:
        mark = "\u274c" if d.severity == ERROR else "\u26a0\ufe0f"
    return f"{quote_path(d.path)}:{d.line}:{d.col}: {mark} {d.message} ({d.linter})"


def render_gometalinter(d: Diagnostic) -> str:
    """gometalinter's default template, byte for byte:
    `{{.Path}}:{{.Line}}:{{if .Col}}{{.Col}}{{end}}:{{.Severity}}: {{.Message}} ({{.Linter}})`,
    with the path quoted by `quote_path` (for a path that holds a control character, `"` or `\\`).
    """
    col = str(d.col) if d.col else ""
    return f"{quote_path(d.path)}:{d.line}:{col}:{d.severity}: {d.message} ({d.linter})"
