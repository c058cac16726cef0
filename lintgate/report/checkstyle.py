"""`checkstyle`: checkstyle 5.0 XML as gometalinter writes it.

`<checkstyle version="5.0">`, one `<file name="...">` per path (in order of first appearance),
one `<error column line message severity source>` per diagnostic, `source` the linter name;
the paths are ReportContext.place's (--path-mode, --path-prefix).
The bytes mirror Go's `encoding/xml` as gometalinter's checkstyle.go uses it: the XML header
line, then the document on one line with attributes in that order, empty elements written as
`<error ...></error>`, Go's attribute escaping; a final newline.
"""

from __future__ import annotations

import re

from lintgate.diagnostic import Diagnostic
from lintgate.report import ReportContext

HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n'
_ESCAPES = {
    '"': "&#34;",
    "'": "&#39;",
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    "\t": "&#x9;",
    "\n": "&#xA;",
    "\r": "&#xD;",
}
# Characters XML 1.0 cannot hold; Go's encoder writes U+FFFD for them.
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def escape(value: str) -> str:
    """Escape `value` for an XML attribute as Go's `xml.EscapeText` does."""
    value = _INVALID.sub("\ufffd", value)
    return "".join(_ESCAPES.get(c, c) for c in value)


def render(diagnostics: list[Diagnostic], context: ReportContext) -> str:
    """The checkstyle document for `diagnostics`, grouped by path; files without findings are
    left out (as gometalinter does)."""
    by_path: dict[str, list[Diagnostic]] = {}
    for d in diagnostics:
        by_path.setdefault(context.place(d.path), []).append(d)
    out = ['<checkstyle version="5.0">']
    for path, ds in by_path.items():
        out.append(f'<file name="{escape(path)}">')
        for d in ds:
            out.append(
                f'<error column="{d.col}" line="{d.line}" message="{escape(d.message)}" '
                f'severity="{escape(d.severity)}" source="{escape(d.linter)}"></error>'
            )
        out.append("</file>")
    out.append("</checkstyle>")
    return HEADER + "".join(out) + "\n"
