"""`github`: GitHub Actions workflow commands, which the runner turns into annotations.

`::warning file=PATH,line=LINE,col=COL,title=LINTER::MESSAGE` (`::error` for an error; `col`
left out when unknown, 0). Escaping mirrors @actions/core's command.ts: the message escapes
`%`, CR and LF; property values also escape `:` and `,`. Other control characters (ESC, ...)
are escaped as in every human-readable output (report.terminal).
"""

from __future__ import annotations

from lintgate.diagnostic import Diagnostic
from lintgate.report import ReportContext
from lintgate.report.terminal import escape_controls

_DATA = {"%": "%25", "\r": "%0D", "\n": "%0A"}
_PROPERTY = {**_DATA, ":": "%3A", ",": "%2C"}


def escape_data(value: str) -> str:
    """Escape a command's message: `%` -> %25, CR -> %0D, LF -> %0A, other controls as
    `escape_controls` does."""
    return escape_controls("".join(_DATA.get(c, c) for c in value))


def escape_property(value: str) -> str:
    """Escape a property value: as `escape_data`, and `:` -> %3A, `,` -> %2C."""
    return escape_controls("".join(_PROPERTY.get(c, c) for c in value))


def command(d: Diagnostic) -> str:
    """The workflow command line of one diagnostic (no newline)."""
    kind = "error" if d.severity == "error" else "warning"
    props = [("file", d.path), ("line", str(d.line))]
    if d.col:
        props.append(("col", str(d.col)))
    props.append(("title", d.linter))
    joined = ",".join(f"{key}={escape_property(value)}" for key, value in props)
    return f"::{kind} {joined}::{escape_data(d.message)}"


def render(diagnostics: list[Diagnostic], context: ReportContext) -> str:
    """One workflow command per diagnostic, each ended by a newline; "" when none."""
    return "".join(command(d) + "\n" for d in diagnostics)
