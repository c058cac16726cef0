"""`json`: gometalinter's `--json` output.

An array of objects with gometalinter's `Issue` field names and order: `linter`, `severity`,
`path`, `line`, `col`, `message`. Laid out as gometalinter streams it: `[`, then one compact
object per line indented by two spaces and separated by `,`, then `]`.
"""

from __future__ import annotations

import json

from lintgate.diagnostic import Diagnostic
from lintgate.report import ReportContext


def as_object(d: Diagnostic) -> dict[str, object]:
    """The JSON object of one diagnostic, keys in gometalinter's order."""
    return {
        "linter": d.linter,
        "severity": d.severity,
        "path": d.path,
        "line": d.line,
        "col": d.col,
        "message": d.message,
    }


def render(diagnostics: list[Diagnostic], context: ReportContext) -> str:
    """The JSON array of `diagnostics` in their given order, UTF-8 kept unescaped.

    Mirrors gometalinter's output/json.go: "[\\n", items joined by ",\\n", "\\n]\\n".
    """
    items = ",\n".join(
        "  " + json.dumps(as_object(d), ensure_ascii=False, separators=(",", ":"))
        for d in diagnostics
    )
    return f"[\n{items}\n]\n"
