"""`text`: the default format of DESIGN.md, `path:line:col: ⚠️ message (linter)` per line."""

from __future__ import annotations

from lintgate.diagnostic import Diagnostic, render_text
from lintgate.report import ReportContext


def render(diagnostics: list[Diagnostic], context: ReportContext) -> str:
    """One `render_text` line per diagnostic, each ended by a newline; "" when none."""
    return "".join(render_text(d) + "\n" for d in diagnostics)
