"""Changed hunks between a file's text and a tool's output, as 1-based line ranges."""

from __future__ import annotations

import difflib

from lintgate.source import split_lines


def changed_hunks(before: str, after: str) -> list[tuple[int, int]]:
    """The changed regions of `before` (LF-only text) against `after`, as (first, last) 1-based
    line numbers of `before`, in order; an insertion is placed on the line it goes before.

    Every contiguous change is its own hunk (a unified diff with no context lines).
    """
    a, b = split_lines(before), split_lines(after)
    hunks = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, _j1, _j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        first = min(i1 + 1, max(len(a), 1))
        last = max(first, i2)
        hunks.append((first, last))
    return hunks


def describe(first: int, last: int) -> str:
    """"line 12" or "lines 12-15"."""
    return f"line {first}" if first == last else f"lines {first}-{last}"
