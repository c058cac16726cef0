"""`sarif`: SARIF 2.1.0 (OASIS), as GitHub code scanning and other viewers read it.

One run. `tool.driver` gives the name, version and information URI and one rule per linter
(the enabled linters in the context's order, then any other linter that reported, such as
`syntax` or `nolint`, in order of appearance). A rule's data comes from the linter registry
(`lintgate.linters.description`, `help_uri`, `fixers`: each linter's Capabilities, whatever
the linter): `shortDescription` and `fullDescription` (its description), `help` (text and
Markdown: the description, whether `lintgate --fix` repairs it, the link) and `helpUri` (the
linter's own, else for lintgate's linters their section of docs/linters.md; none for a plugin
that names no page). Each result has `ruleId`/`ruleIndex`,
`level` (`warning` or `error`), the message text, one location (the path as a relative,
percent-encoded URI against `%SRCROOT%`, ReportContext.place's; a region with `startLine`,
`startColumn` when known and `endLine` for a hunk; columns count Unicode code points) and
`partialFingerprints` {"lintgate/v1": "HASH:N"} (lintgate.report.fingerprint). One
invocation says whether the run did its job (`executionSuccessful`) and carries each error
of the run (exit bit 2) as a `toolExecutionNotifications` entry. Past MAX_RESULTS findings
(GitHub's limit) the log keeps the errors first and says how many it left out.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from lintgate import linters
from lintgate.diagnostic import Diagnostic
from lintgate.report import ReportContext
from lintgate.report.fingerprint import fingerprints

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
# The key of lintgate's own fingerprint in partialFingerprints (versioned: a new hashing
# would be a new key). GitHub's upload-sarif adds its `primaryLocationLineHash` beside it.
FINGERPRINT_KEY = "lintgate/v1"
# GitHub code scanning rejects a run of more results than this (and shows the 5,000 most
# severe); a larger log keeps the errors first and says how many findings it leaves out.
MAX_RESULTS = 25_000


def rule(name: str) -> dict[str, Any]:
    """The reportingDescriptor of linter (or pseudo-linter) `name`, from the registry."""
    entry: dict[str, Any] = {"id": name}
    text = linters.description(name)  # the linter's Capabilities, or a pseudo-linter's
    uri = linters.help_uri(name)
    if text is not None:
        entry["shortDescription"] = {"text": text}
        entry["fullDescription"] = {"text": text}
        fix = " `lintgate --fix` repairs it." if name in linters.fixers() else ""
        entry["help"] = {
            "text": f"{text}{fix.replace('`', '')}" + (f" See {uri}" if uri else ""),
            "markdown": f"{text}{fix}" + (f" See [{name}]({uri})." if uri else ""),
        }
    if uri:
        entry["helpUri"] = uri
    return entry


def _result(d: Diagnostic, place: str, index: int, fingerprint: str) -> dict[str, Any]:
    region: dict[str, int] = {"startLine": max(d.line, 1)}
    if d.col:
        region["startColumn"] = d.col
    if d.end_line > d.line:
        region["endLine"] = d.end_line
    return {
        "ruleId": d.linter,
        "ruleIndex": index,
        "level": "error" if d.severity == "error" else "warning",
        "message": {"text": d.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {
                        "uri": quote(place, errors="surrogateescape"),
                        "uriBaseId": "%SRCROOT%",
                    },
                    "region": region,
                }
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
    }


def build(diagnostics: list[Diagnostic], context: ReportContext) -> dict[str, Any]:
    """The SARIF log as a JSON-ready dict (see the module docstring for its shape)."""
    rule_ids = list(dict.fromkeys([*context.linters, *(d.linter for d in diagnostics)]))
    index = {name: i for i, name in enumerate(rule_ids)}
    places = [context.place(d.path) for d in diagnostics]
    prints = fingerprints(diagnostics, places, context.lines)
    results = [
        _result(d, place, index[d.linter], f"{digest}:{n}")
        for d, place, (digest, n) in zip(diagnostics, places, prints)
    ]
    notes = [{"level": "error", "message": {"text": error}} for error in context.errors]
    if len(results) > MAX_RESULTS:
        results.sort(key=lambda r: r["level"] != "error")  # stable: the order kept otherwise
        left = len(results) - MAX_RESULTS
        del results[MAX_RESULTS:]
        text = (
            f"{left} of {left + MAX_RESULTS} findings left out: GitHub code scanning rejects "
            f"a run of more than {MAX_RESULTS} results (the other reports hold them all)"
        )
        notes.append({"level": "warning", "message": {"text": text}})
    driver = {
        "name": context.tool_name,
        "version": context.tool_version,
        "informationUri": context.information_uri,
        "rules": [rule(name) for name in rule_ids],
    }
    invocation: dict[str, Any] = {"executionSuccessful": not context.errors}
    if notes:
        invocation["toolExecutionNotifications"] = notes
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": driver},
                "invocations": [invocation],
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def render(diagnostics: list[Diagnostic], context: ReportContext) -> str:
    """The SARIF log of `diagnostics`, as JSON indented by 2, UTF-8 unescaped, newline-ended."""
    return json.dumps(build(diagnostics, context), indent=2, ensure_ascii=False) + "\n"
