"""Outcomes as the result cache stores them: the engine's records to and from the store's
typed StoredResult (lintgate.cache.findings).

A linter's outcome is its findings, or its parse error; a file's decoding (pseudo-linter
`encoding`) is its decode error, held as the result's parse error, and whether its text holds
`nolint`. The engine sees `Outcome` and `Decoding` records only.
"""

from __future__ import annotations

from lintgate.diagnostic import StoredResult
from lintgate.engine.records import Decoding, Outcome


def store_outcome(outcome: Outcome) -> StoredResult:
    """The result to store for a linter's `outcome`."""
    return StoredResult(tuple(outcome.findings), outcome.syntax)


def load_outcome(stored: StoredResult) -> Outcome:
    """The inverse of `store_outcome`."""
    return Outcome(list(stored.findings), stored.parse_error)


def store_decoding(decoding: Decoding) -> StoredResult:
    """The result to store for a file's `decoding`."""
    return StoredResult((), decoding.error, decoding.nolint)


def load_decoding(stored: StoredResult) -> Decoding:
    """The inverse of `store_decoding`."""
    return Decoding(stored.parse_error, stored.nolint)
