"""Outcomes as the result cache stores them: the only module that knows the stored shape.

The store keeps a list of findings per entry (lintgate.cache.findings). A linter's parse error
is stored as one finding whose message starts with NUL (no linter message does); the entry of
a file's decoding holds its decode error, or, for a text holding `nolint`, one finding whose
message is SOH + "nolint". Both shapes are internal to this module: the engine sees `Outcome`
and `Decoding` records only.
"""

from __future__ import annotations

from lintgate.diagnostic import Finding
from lintgate.engine.records import Decoding, Outcome

_PARSE_MARK = "\0"
_NOLINT = Finding(0, 0, "\1nolint")


def store_outcome(outcome: Outcome) -> list[Finding]:
    """The findings to store for a linter's `outcome`."""
    if outcome.syntax is not None:
        return [outcome.syntax._replace(message=_PARSE_MARK + outcome.syntax.message)]
    return outcome.findings


def load_outcome(findings: list[Finding]) -> Outcome:
    """The inverse of `store_outcome`."""
    if len(findings) == 1 and findings[0].message.startswith(_PARSE_MARK):
        return Outcome([], findings[0]._replace(message=findings[0].message[1:]))
    return Outcome(findings)


def store_decoding(decoding: Decoding) -> list[Finding]:
    """The findings to store for a file's `decoding`."""
    if decoding.error is not None:
        return [decoding.error]
    return [_NOLINT] if decoding.nolint else []


def load_decoding(findings: list[Finding]) -> Decoding:
    """The inverse of `store_decoding`."""
    if findings == [_NOLINT]:
        return Decoding(None, nolint=True)
    return Decoding(findings[0] if findings else None)
