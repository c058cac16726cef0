"""`--statistics`: the findings counted per linter and message, and how many `--fix` can repair.

Like flake8's `--statistics` (count, code, message) and ruff's (count, rule, `[*]` for a
fixable rule), with the linter's name before the message. The numbers that are words of their
own are written `N`, so that black's "would reformat line 2" and "... line 9" count together;
digits inside a word are kept, so an external linter's rule code (flake8's `E302`, pylint's
`C0114`, bandit's `B101`, first in its message) keeps its rows apart, one per rule, as
flake8's and ruff's statistics count per code. Printed on stderr (before the summary line), so
stdout stays the report in any format.

A finding counts as fixable (ruff's `[*]`) when its linter has a fixer (an in-process
linter's Capabilities.fix, an external linter's FixCommand: the caller names them), except
(lintgate.linters.fixable, where the linters' names may be spelled):
- a `ruff` finding counts only when ruff marked it `[*]` itself (a rule with a safe fix, what
  its `--fix-only` applies);
- the `imports` findings its fixer leaves on purpose (docs/fix.md): an unused import in a
  package's `__init__.py`/`__init__.pyi` (a likely re-export) and a misplaced `__future__`
  import. An unused import probing for a module (`try: ... except ImportError`) is left by
  `--fix` too but still counts: its diagnostic does not say where it stands.
`--fix` may still leave some (isort and black can disagree on a file); a `syntax` or
`encoding` finding is never fixable.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Iterable

from lintgate.diagnostic import Diagnostic
from lintgate.linters.fixable import fixable

__all__ = ["FIXABLE_MARK", "fixable", "fixable_summary", "statistics_lines"]

FIXABLE_MARK = "[*]"
# a number standing alone (`line 320`, `(12 > 10)`, `3-4`), never the digits of `E302`
_NUMBER = re.compile(r"\b\d+\b")


def statistics_lines(diagnostics: Iterable[Diagnostic], fixers: Iterable[str]) -> list[str]:
    """One line per (linter, message with its stand-alone numbers as N): `COUNT  LINTER  [*] MESSAGE`,
    the columns aligned, `[*]` when the findings of the line are `fixable` with `fixers` (the
    linters with a fixer), else three spaces; a message with fixable and unfixable findings
    (`imports` in and outside `__init__.py`) gets a line for each. The most frequent first,
    then by linter and message."""
    fixing = set(fixers)
    counts = Counter(
        (d.linter, _NUMBER.sub("N", d.message), fixable(d, fixing)) for d in diagnostics
    )
    if not counts:
        return []
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    count_width = len(str(rows[0][1]))
    linter_width = max(len(linter) for linter, _, _ in counts)
    lines = []
    for (linter, message, can_fix), count in rows:
        mark = FIXABLE_MARK if can_fix else " " * len(FIXABLE_MARK)
        lines.append(f"{count:>{count_width}}  {linter:<{linter_width}}  {mark} {message}")
    return lines


def fixable_summary(diagnostics: list[Diagnostic], fixers: Iterable[str]) -> str:
    """`N of M findings fixable with --fix ([*]), K not`: how many findings are `fixable` with
    `fixers` (the linters with a fixer) and how many are not."""
    fixing = set(fixers)
    repaired = sum(fixable(d, fixing) for d in diagnostics)
    rest = len(diagnostics) - repaired
    return (
        f"{repaired} of {len(diagnostics)} findings fixable with --fix ({FIXABLE_MARK}), {rest} not"
    )
