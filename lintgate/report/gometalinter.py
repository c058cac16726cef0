"""`gometalinter`: gometalinter's default template, byte for byte, one line per diagnostic."""

from __future__ import annotations

from lintgate.diagnostic import Diagnostic, render_gometalinter
from lintgate.report import ReportContext


def render(diagnostics: list[Diagnostic], context: ReportContext) -> str:
    """One `render_gometalinter` line per diagnostic, each ended by a newline; "" when none."""
    return "".join(render_gometalinter(d) + "\n" for d in diagnostics)
