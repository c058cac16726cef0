"""`gitlab`: GitLab Code Quality, the subset of the Code Climate issue format GitLab reads.

A JSON array, one object per finding: `description` (the message and, as in the text format,
the linter in parentheses: GitLab's merge request widget shows the description alone),
`check_name` (the linter),
`fingerprint` (lintgate.report.fingerprint: 32 hex digits, unique in the report, kept when
lines move), `severity` (`major` for an error, `minor` for a warning, of GitLab's info, minor,
major, critical, blocker) and `location` with `path` (ReportContext.place: relative to the
repository by default) and `lines.begin` (and `lines.end` when the finding spans lines: a
black or isort hunk). Each object is what GitLab's schema (app/validators/json_schemas/
codeclimate.json) accepts; GitLab keys the findings by fingerprint, so no two are equal.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from lintgate.diagnostic import Diagnostic
from lintgate.report import ReportContext
from lintgate.report.fingerprint import fingerprints

SEVERITY = {"error": "major", "warning": "minor"}


def build(diagnostics: list[Diagnostic], context: ReportContext) -> list[dict[str, Any]]:
    """The report as JSON-ready objects, in the diagnostics' order."""
    places = [context.place(d.path) for d in diagnostics]
    issues = []
    for d, place, (digest, n) in zip(
        diagnostics, places, fingerprints(diagnostics, places, context.lines)
    ):
        lines = {"begin": max(d.line, 1)}
        if d.end_line > d.line:
            lines["end"] = d.end_line
        issues.append(
            {
                "type": "issue",
                "description": f"{d.message} ({d.linter})",
                "check_name": d.linter,
                "fingerprint": _unique(digest, n),
                "severity": SEVERITY.get(d.severity, "minor"),
                "location": {"path": place, "lines": lines},
            }
        )
    return issues


def _unique(digest: str, occurrence: int) -> str:
    # the first occurrence keeps the digest itself; later ones hash it with their number
    if occurrence == 1:
        return digest
    return hashlib.sha256(f"{digest}:{occurrence}".encode("ascii")).hexdigest()[:32]


def render(diagnostics: list[Diagnostic], context: ReportContext) -> str:
    """The Code Quality report: a JSON array indented by 2, UTF-8 unescaped, newline-ended
    (`[]` when there is no finding)."""
    return json.dumps(build(diagnostics, context), indent=2, ensure_ascii=False) + "\n"
