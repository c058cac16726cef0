"""`junit`: JUnit XML, as CI systems (GitLab, Jenkins, Azure) show test reports.

One `<testsuites>` holding one `<testsuite>` named after the tool; one `<testcase>` per
checked file (classname the tool, name the path), passing when the file has no finding;
one `<failure>` per finding: `message` the finding's message, `type` the linter, the text the
gometalinter line. `tests` counts files, `failures` counts findings (as junitparser counts
them). No times: the same findings give the same bytes. Control characters other than tab,
newline and CR are escaped (report.terminal): XML 1.0 does not allow them.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from lintgate.diagnostic import Diagnostic, render_gometalinter
from lintgate.report import ReportContext
from lintgate.report.terminal import escape_controls

_XML_KEEPS = "\t\n\r"


def render(diagnostics: list[Diagnostic], context: ReportContext) -> str:
    """The JUnit document: files in context order, then any other path that has findings."""
    # paths as ReportContext.place prints them (--path-mode, --path-prefix)
    by_path: dict[str, list[Diagnostic]] = {context.place(path): [] for path in context.files}
    for d in diagnostics:
        place = context.place(d.path)
        by_path.setdefault(place, []).append(d._replace(path=place))
    counts = {
        "tests": str(len(by_path)),
        "failures": str(len(diagnostics)),
        "errors": "0",
        "skipped": "0",
    }
    root = ET.Element("testsuites", {"name": context.tool_name, **counts})
    suite = ET.SubElement(root, "testsuite", {"name": context.tool_name, **counts})
    for path, ds in by_path.items():
        case = ET.SubElement(
            suite,
            "testcase",
            {"classname": context.tool_name, "name": _xml(path), "file": _xml(path)},
        )
        for d in ds:
            attrs = {"message": _xml(d.message), "type": _xml(d.linter)}
            failure = ET.SubElement(case, "failure", attrs)
            failure.text = _xml(render_gometalinter(d))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _xml(text: str) -> str:
    return escape_controls(text, keep=_XML_KEEPS)
