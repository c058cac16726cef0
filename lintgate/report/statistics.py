"""`--statistics`: the findings counted per linter and message, and how many `--fix` can repair.

Like flake8's `--statistics` (count, code, message) and ruff's (count, rule, `[*]` for a
fixable rule), with the linter's name before the message. The numbers that are words of their
own are written `N`, so that black's "would reformat line 2" and "... line 9" count together;
digits inside a word are kept, so an external linter's rule code (flake8's `E302`, pylint's
`C0114`, bandit's `B101`, first in its message) keeps its rows apart, one per rule, as
flake8's and ruff's statistics count per code. Printed on stderr (before the summary line), so stdout stays the report in
any format. A finding counts as fixable when its linter has a fixer (Capabilities.fix), as
ruff's `[*]`; `--fix` may still leave some (isort and black can disagree on a file:
docs/fix.md), and a `syntax` or `encoding` finding is never fixable.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Iterable

from lintgate.diagnostic import Diagnostic

__all__ = ["FIXABLE_MARK", "fixable_summary", "statistics_lines"]

FIXABLE_MARK = "[*]"
# a number standing alone (`line 320`, `(12 > 10)`, `3-4`), never the digits of `E302`
_NUMBER = re.compile(r"\b\d+\b")


def statistics_lines(diagnostics: Iterable[Diagnostic], fixers: Iterable[str]) -> list[str]:
    """One line per (linter, message with its stand-alone numbers as N): `COUNT  LINTER  [*] MESSAGE`,
    the columns aligned, `[*]` when the linter is one of `fixers` (else three spaces); the
    most frequent first, then by linter and message."""
    fixing = set(fixers)
    counts = Counter((d.linter, _NUMBER.sub("N", d.message)) for d in diagnostics)
    if not counts:
        return []
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    count_width = len(str(rows[0][1]))
    linter_width = max(len(linter) for linter, _ in counts)
    lines = []
    for (linter, message), count in rows:
        mark = FIXABLE_MARK if linter in fixing else " " * len(FIXABLE_MARK)
        lines.append(f"{count:>{count_width}}  {linter:<{linter_width}}  {mark} {message}")
    return lines


def fixable_summary(diagnostics: list[Diagnostic], fixers: Iterable[str]) -> str:
    """`N of M findings fixable with --fix ([*]), K not`: how many findings belong to a linter
    of `fixers` (those `--fix` repairs) and how many do not."""
    fixing = set(fixers)
    fixable = sum(d.linter in fixing for d in diagnostics)
    rest = len(diagnostics) - fixable
    return (
        f"{fixable} of {len(diagnostics)} findings fixable with --fix ({FIXABLE_MARK}), {rest} not"
    )
