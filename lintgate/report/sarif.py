"""`sarif`: SARIF 2.1.0 (OASIS), as GitHub code scanning and other viewers read it.

One run; `tool.driver` gives the name, version and information URI and one rule per linter
(the enabled linters in the context's order, then any other linter that reported, such as
`syntax` or `nolint`, in order of appearance), with the linter's description (and help URI,
when it has one) from its Capabilities (lintgate.linters). Each result has `ruleId`/`ruleIndex`, `level`
(`warning` or `error`), the message text, and one location: the path as a relative URI
(percent-encoded, against `%SRCROOT%`) and a region with `startLine` and `startColumn`
(left out when the column is unknown, 0). Columns count Unicode code points.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from lintgate import linters
from lintgate.diagnostic import Diagnostic
from lintgate.report import ReportContext

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)


def build(diagnostics: list[Diagnostic], context: ReportContext) -> dict[str, Any]:
    """The SARIF log as a JSON-ready dict (see the module docstring for its shape)."""
    rule_ids = list(dict.fromkeys([*context.linters, *(d.linter for d in diagnostics)]))
    index = {rule: i for i, rule in enumerate(rule_ids)}
    rules = []
    for rule in rule_ids:
        entry: dict[str, Any] = {"id": rule}
        text = linters.description(rule)  # the linter's Capabilities, or a pseudo-linter's
        if text is not None:
            entry["shortDescription"] = {"text": text}
        uri = linters.help_uri(rule)
        if uri:
            entry["helpUri"] = uri
        rules.append(entry)
    results = []
    for d in diagnostics:
        region: dict[str, int] = {"startLine": max(d.line, 1)}
        if d.col:
            region["startColumn"] = d.col
        results.append(
            {
                "ruleId": d.linter,
                "ruleIndex": index[d.linter],
                "level": "error" if d.severity == "error" else "warning",
                "message": {"text": d.message},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {
                                "uri": quote(d.path, errors="surrogateescape"),
                                "uriBaseId": "%SRCROOT%",
                            },
                            "region": region,
                        }
                    }
                ],
            }
        )
    driver = {
        "name": context.tool_name,
        "version": context.tool_version,
        "informationUri": context.information_uri,
        "rules": rules,
    }
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": driver},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def render(diagnostics: list[Diagnostic], context: ReportContext) -> str:
    """The SARIF log of `diagnostics`, as JSON indented by 2, UTF-8 unescaped, newline-ended."""
    return json.dumps(build(diagnostics, context), indent=2, ensure_ascii=False) + "\n"
