"""`gometalinter`: gometalinter's default template, byte for byte, one line per diagnostic
(control characters in messages escaped, report.terminal)."""

from __future__ import annotations

from lintgate.diagnostic import Diagnostic, render_gometalinter
from lintgate.report import ReportContext
from lintgate.report.terminal import printable


def render(diagnostics: list[Diagnostic], context: ReportContext) -> str:
    """One `render_gometalinter` line per diagnostic, each ended by a newline; "" when none."""
    return "".join(render_gometalinter(printable(d)) + "\n" for d in diagnostics)
