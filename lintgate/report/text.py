"""`text`: the default format of DESIGN.md, `path:line:col: ⚠️ message (linter)` per line.

Control characters in messages are escaped (report.terminal); to a stream that cannot encode
the signs, `warning:` and `error:` stand in for ⚠️ and ❌.
"""

from __future__ import annotations

from lintgate.diagnostic import Diagnostic, render_text
from lintgate.report import ReportContext
from lintgate.report.terminal import printable, signs_for


def render(diagnostics: list[Diagnostic], context: ReportContext) -> str:
    """One `render_text` line per diagnostic, each ended by a newline; "" when none."""
    signs = signs_for(context.encoding)
    return "".join(render_text(printable(d), signs) + "\n" for d in diagnostics)
