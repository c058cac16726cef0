"""Whether `--fix` repairs a finding: what a linter's fixer leaves on purpose, for
`--statistics` (lintgate.report.statistics). Kept beside the linters: it names them."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from lintgate.diagnostic import Diagnostic

_PACKAGE_INITS = ("__init__.py", "__init__.pyi")
_UNUSED = " imported but unused"
# ruff's concise line: `F401 [*] ...` when its safe fix (what `--fix-only` applies) exists
_RUFF_FIXABLE = re.compile(r"[A-Z]+[0-9]+ \[\*\] ")


def fixable(diagnostic: Diagnostic, fixing: set[str] | frozenset[str]) -> bool:
    """Whether `--fix` repairs `diagnostic`: its linter is one of `fixing` (the linters with a
    fixer) and it is none of the `imports` findings its fixer leaves (docs/fix.md)."""
    if diagnostic.linter not in fixing:
        return False
    if diagnostic.linter == "ruff":  # ruff marks what `ruff check --fix` repairs itself
        return _RUFF_FIXABLE.match(diagnostic.message) is not None
    if diagnostic.linter != "imports":
        return True
    from lintgate.linters.imports import LATE_FUTURE

    if diagnostic.message == LATE_FUTURE:
        return False
    in_init = PurePosixPath(diagnostic.path).name in _PACKAGE_INITS
    return not (in_init and diagnostic.message.endswith(_UNUSED))
