"""`github`: GitHub Actions workflow commands, which the runner turns into annotations.

`::warning file=PATH,line=LINE,endLine=END,col=COL,title=LINTER (PATH:LINE)::MESSAGE`
(`::error` for an error; `endLine` only for a finding spanning lines, a black or isort hunk;
`col` left out when unknown, 0). The path is ReportContext.place's (relative to the top of the
repository by default, where GitHub looks for it); the title names the linter and the
location, since GitHub's summary of annotations shows the title. Escaping mirrors @actions/core's command.ts: the message escapes
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


def command(d: Diagnostic, place: str | None = None) -> str:
    """The workflow command line of one diagnostic (no newline); `place` is the path to
    print (default `d.path`)."""
    kind = "error" if d.severity == "error" else "warning"
    path = d.path if place is None else place
    props = [("file", path), ("line", str(d.line))]
    lines = str(d.line)
    if d.end_line > d.line:
        props.append(("endLine", str(d.end_line)))
        lines = f"{d.line}-{d.end_line}"
    if d.col:
        props.append(("col", str(d.col)))
    props.append(("title", f"{d.linter} ({path}:{lines})"))
    joined = ",".join(f"{key}={escape_property(value)}" for key, value in props)
    return f"::{kind} {joined}::{escape_data(d.message)}"


def render(diagnostics: list[Diagnostic], context: ReportContext) -> str:
    """One workflow command per diagnostic, each ended by a newline; "" when none."""
    return "".join(command(d, context.place(d.path)) + "\n" for d in diagnostics)
