"""Changed hunks between a file's text and a tool's output, as 1-based line ranges."""

from __future__ import annotations

from lintgate.source import split_lines


def changed_hunks(before: str, after: str) -> list[tuple[int, int]]:
    """The changed hunks of `before` (LF-only text) against `after`, as (first, last) 1-based
    line numbers of `before`, in order; an insertion is placed on the line it goes before.

    Hunks are those of a unified diff with one line of context (`diff -U1`): changes at most
    two unchanged lines apart are one hunk; `first` and `last` are its first and last changed
    lines (context excluded). Computed as difflib's SequenceMatcher (no junk heuristic) does,
    within a bounded cost (lintgate.linediff).
    """
    from lintgate.linediff import grouped_opcodes  # not on a warm run, answered from the cache

    a, b = split_lines(before), split_lines(after)
    hunks = []
    for group in grouped_opcodes(a, b, 1, autojunk=False):
        changes = [(i1, i2) for tag, i1, i2, _j1, _j2 in group if tag != "equal"]
        first = min(changes[0][0] + 1, max(len(a), 1))
        last = max(first, changes[-1][1])
        hunks.append((first, last))
    return hunks


def describe(first: int, last: int) -> str:
    """ "line 12" or "lines 12-15"."""
    return f"line {first}" if first == last else f"lines {first}-{last}"
