"""The stored shape of lintgate's older caches (database schema 1 to 3, results layer v1),
read once to upgrade them: the only module that knows it.

Those stored a linter's parse error as its only finding, the message prefixed with NUL, and
for the `encoding` pseudo-linter the decode error as its only finding, or, for a text holding
`nolint`, the finding `(0, 0, SOH + "nolint")`. Schema 4 and layer v2 hold these as typed
fields (lintgate.cache.findings.StoredResult).
"""

from __future__ import annotations

from lintgate.cache.findings import StoredResult
from lintgate.diagnostic import Finding

ENCODING = "encoding"  # the pseudo-linter of a file's decoding (lintgate.linters.ENCODING)
_PARSE_MARK = "\0"
_NOLINT = Finding(0, 0, "\1nolint")


def upgrade(linter: str, findings: list[Finding]) -> StoredResult:
    """The StoredResult an older cache meant by `findings` stored for `linter`."""
    if linter == ENCODING:
        if findings == [_NOLINT]:
            return StoredResult(nolint=True)
        return StoredResult((), findings[0] if findings else None)
    if len(findings) == 1 and findings[0].message.startswith(_PARSE_MARK):
        return StoredResult((), findings[0]._replace(message=findings[0].message[1:]))
    return StoredResult(tuple(findings))
