"""`# nolint` suppression comments, after gometalinter's `// nolint` directives.

A directive is a comment `# nolint` (every linter) or `# nolint: isort, imports` (those
linters), possibly after other text in the same comment (`# noqa: F401  # nolint: imports`).
What it covers:

- the line it is on;
- on the first line of a compound statement (def, class, if, for, while, try, with, match,
  async forms; for a decorated def or class, its first decorator line or its `def`/`class`
  line) or of an import that spans several lines (parenthesised), the whole statement;
- on a line of its own, directly above a statement that starts at the comment's column, the
  comment line and that whole statement (gometalinter's rule for a comment above a node).

A finding is silenced by the narrowest directive covering its line that names its linter (or
names none); that directive is then matched. Directives that silenced nothing are
"unmatched": `warn_unmatched` reports them (gometalinter's `WarnUnmatchedDirective`), and
`warn_unknown` the linter names no linter has (golangci-lint warns about those too).
Comments are found with `tokenize`, statements with `ast`; a file that does not tokenize keeps
the directives found before the error, one that does not parse gets line scopes only.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from typing import NamedTuple

from lintgate.diagnostic import WARNING, Diagnostic

__all__ = [
    "LINTER",
    "UNMATCHED_MESSAGE",
    "Directive",
    "parse",
    "suppress",
    "warn_unknown",
    "warn_unmatched",
]

LINTER = "nolint"
UNMATCHED_MESSAGE = "nolint directive did not match any issue"

_DIRECTIVE = re.compile(r"#\s*nolint(?![\w-])(?:\s*:\s*([\w.-]+(?:\s*,\s*[\w.-]+)*))?")
_COMPOUND = tuple(
    getattr(ast, name)
    for name in (
        "FunctionDef",
        "AsyncFunctionDef",
        "ClassDef",
        "If",
        "For",
        "AsyncFor",
        "While",
        "Try",
        "TryStar",
        "With",
        "AsyncWith",
        "Match",
    )
    if hasattr(ast, name)  # TryStar: 3.11+
)


class Directive(NamedTuple):
    """One `nolint` comment and the lines it covers.

    line, col: where the comment's `#` is (1-based); start, end: the covered lines, inclusive
    (1-based); linters: the linter names it lists, () for every linter.
    """

    line: int
    col: int
    start: int
    end: int
    linters: tuple[str, ...] = ()

    def covers(self, d: Diagnostic) -> bool:
        """True when this directive silences `d` (same file assumed)."""
        return self.start <= d.line <= self.end and (not self.linters or d.linter in self.linters)


def _comments(text: str) -> list[tuple[int, int, str, bool]]:
    """(line, 0-based col, comment text, alone on its line) for each comment token."""
    found = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.COMMENT:
                alone = not tok.line[: tok.start[1]].strip()
                found.append((tok.start[0], tok.start[1], tok.string, alone))
    except (tokenize.TokenError, SyntaxError):
        pass  # keep what was found before the error
    return found


def _statements(text: str) -> list[tuple[int, int, int, set[int], bool]]:
    """(first line, 0-based col, last line, header lines, expands-on-header) per statement.
    A decorated def's decorators sit at its column, so the def's col_offset serves for both.
    """
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return []
    out = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.stmt):
            continue
        decorators = getattr(node, "decorator_list", [])
        first = min([node.lineno, *(dec.lineno for dec in decorators)])
        end = node.end_lineno or node.lineno
        multiline_import = isinstance(node, (ast.Import, ast.ImportFrom)) and end > node.lineno
        expands = isinstance(node, _COMPOUND) or multiline_import
        out.append((first, node.col_offset, end, {first, node.lineno}, expands))
    return out


def parse(text: str) -> list[Directive]:
    """The nolint directives of a decoded source (`Source.text`), in line order, with their
    scopes expanded as the module docstring describes. Never raises for bad source."""
    statements = _statements(text)
    directives = []
    for line, col, comment, alone in _comments(text):
        m = _DIRECTIVE.search(comment)
        if not m:
            continue
        linters = tuple(name.strip() for name in m.group(1).split(",")) if m.group(1) else ()
        start = end = line
        for first, stmt_col, last, headers, expands in statements:
            on_header = expands and line in headers
            above = alone and first == line + 1 and stmt_col == col
            if on_header or above:
                start, end = min(start, first), max(end, last)
        directives.append(Directive(line, col + 1, start, end, linters))
    return directives


def suppress(diagnostics: list[Diagnostic], text: str) -> tuple[list[Diagnostic], list[Directive]]:
    """Drop the diagnostics of one file that its nolint directives silence.

    `diagnostics`: all findings of one file; `text`: its decoded text (`Source.text`).
    Returns (kept diagnostics in their given order, unmatched directives in line order).
    Mirrors gometalinter's directives.go: each finding marks the one narrowest covering
    directive as matched.
    """
    directives = parse(text)
    if not directives:
        return list(diagnostics), []
    by_width = sorted(directives, key=lambda r: (r.end - r.start, r.line))
    matched: set[Directive] = set()
    kept = []
    for d in diagnostics:
        hit = next((r for r in by_width if r.covers(d)), None)
        if hit is None:
            kept.append(d)
        else:
            matched.add(hit)
    return kept, [r for r in directives if r not in matched]


def warn_unmatched(path: str, unmatched: list[Directive]) -> list[Diagnostic]:
    """The findings `WarnUnmatchedDirective: true` adds: one warning of the linter `nolint` at
    each unmatched directive's comment, message "nolint directive did not match any issue".
    `path` is the file's report path (relative, `/`-separated)."""
    return [Diagnostic(path, r.line, r.col, LINTER, UNMATCHED_MESSAGE, WARNING) for r in unmatched]


def warn_unknown(path: str, text: str) -> list[Diagnostic]:
    """The findings `WarnUnmatchedDirective: true` adds for names in directives that no linter
    has (`# nolint: imprts` silences nothing): one warning of the linter `nolint` per unknown
    name at its directive's comment, `nolint directive names an unknown linter 'imprts' (did
    you mean 'imports'?)`, worded as the config file's and the flags' errors. `path` as for
    `warn_unmatched`; `text` the decoded source."""
    from lintgate.config.keys import REPORTING_ONLY, all_linter_names, unknown_linter

    known = [*all_linter_names(), *REPORTING_ONLY]  # the run's external linters too
    return [
        Diagnostic(
            path,
            r.line,
            r.col,
            LINTER,
            f"nolint directive names an {unknown_linter(name, known)}",
            WARNING,
        )
        for r in parse(text)
        for name in r.linters
        if name not in known
    ]
