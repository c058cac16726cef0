"""Line diffs with a bounded cost, for the hunks of findings and the patches of `--diff`.

difflib's SequenceMatcher gives the hunks lintgate has always reported, but its cost has no
bound: on lines that repeat (blank lines, `pass`, `)`), each search for the longest match
walks every occurrence, and the searches recurse once per matching block, so 2,000
alternating lines took a minute and a long file with many of them, hours (issue 11). Here the
matcher is charged for the work of each search (the occurrences it walks) and stops when a
budget proportional to the input is spent; the diff is then computed again on the lines
between the common head and tail only (what every diff agrees on), and if that overruns too,
those lines are one changed block. Below the budget, the result is difflib's, unchanged.
"""

from __future__ import annotations

import difflib
import itertools
from typing import Hashable, Sequence

Opcode = tuple[str, int, int, int, int]  # difflib's (tag, i1, i2, j1, j2)
# work units (occurrences walked) allowed per line of input, and at least
PER_LINE = 2_000
FLOOR = 2_000_000


class _OverBudget(Exception):
    pass


class _Charged(difflib.SequenceMatcher[Hashable]):
    """A SequenceMatcher whose longest-match searches draw on a budget of work units (one
    per candidate occurrence of a line they walk, plus the lines they scan); raises
    _OverBudget when it is spent."""

    def __init__(self, a: Sequence[Hashable], b: Sequence[Hashable], autojunk: bool, budget: int):
        self._budget = budget
        self._cost: list[int] | None = None
        super().__init__(None, a, b, autojunk=autojunk)

    def find_longest_match(
        self, alo: int = 0, ahi: int | None = None, blo: int = 0, bhi: int | None = None
    ) -> difflib.Match:  # noqa: D102 - difflib's
        # a, b and b2j are difflib's own attributes, which typeshed does not declare
        a: Sequence[Hashable] = self.a  # type: ignore[attr-defined]
        ahi = len(a) if ahi is None else ahi
        bhi = len(self.b) if bhi is None else bhi  # type: ignore[attr-defined]
        if self._cost is None:  # cumulative occurrences in b of a[:i], set once b2j is built
            b2j: dict[Hashable, list[int]] = self.b2j  # type: ignore[attr-defined]
            counts = (len(b2j.get(line, ())) + 1 for line in a)
            self._cost = [0, *itertools.accumulate(counts)]
        self._budget -= self._cost[ahi] - self._cost[alo] + (bhi - blo)
        if self._budget < 0:
            raise _OverBudget
        return super().find_longest_match(alo, ahi, blo, bhi)


def grouped_opcodes(
    a: Sequence[Hashable], b: Sequence[Hashable], context: int, autojunk: bool
) -> list[list[Opcode]]:
    """difflib.SequenceMatcher(None, a, b, autojunk).get_grouped_opcodes(context), as a list,
    when its cost stays within budget (always, on ordinary files); else the same computed on
    the lines between the common head and the common tail of `a` and `b`, or those lines as
    one replaced block. Linear in the input beyond the budget; empty when a == b."""
    if a == b:
        return []
    budget = max(FLOOR, PER_LINE * (len(a) + len(b)))
    try:
        return list(_Charged(a, b, autojunk, budget).get_grouped_opcodes(context))
    except _OverBudget:
        pass
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    mid_a, mid_b = a[head : len(a) - tail], b[head : len(b) - tail]
    try:
        codes = _Charged(mid_a, mid_b, autojunk, budget).get_opcodes()
        codes = [(t, i1 + head, i2 + head, j1 + head, j2 + head) for t, i1, i2, j1, j2 in codes]
    except _OverBudget:
        codes = [("replace", head, len(a) - tail, head, len(b) - tail)]
    if head:
        codes.insert(0, ("equal", 0, head, 0, head))
    if tail:
        codes.append(("equal", len(a) - tail, len(a), len(b) - tail, len(b)))
    return _grouped([c for c in codes if c[1] != c[2] or c[3] != c[4]], context)


def _grouped(codes: list[Opcode], context: int) -> list[list[Opcode]]:
    """Split opcodes (covering both sequences, at least one change) into hunks the way a
    unified diff with `context` lines does: an unchanged run longer than 2 * `context` ends
    one hunk and starts the next, each keeping `context` of its lines; the unchanged runs at
    either end keep only the `context` lines next to the changes."""
    if codes[0][0] == "equal":
        _, i1, i2, j1, j2 = codes[0]
        codes[0] = ("equal", max(i1, i2 - context), i2, max(j1, j2 - context), j2)
    if codes[-1][0] == "equal":
        _, i1, i2, j1, j2 = codes[-1]
        codes[-1] = ("equal", i1, min(i2, i1 + context), j1, min(j2, j1 + context))
    groups: list[list[Opcode]] = []
    hunk: list[Opcode] = []
    for tag, i1, i2, j1, j2 in codes:
        if tag == "equal" and i2 - i1 > 2 * context and hunk:
            hunk.append((tag, i1, i1 + context, j1, j1 + context))
            groups.append(hunk)
            hunk = []
            i1, j1 = i2 - context, j2 - context
        hunk.append((tag, i1, i2, j1, j2))
    if hunk and not (len(hunk) == 1 and hunk[0][0] == "equal"):
        groups.append(hunk)
    return groups
