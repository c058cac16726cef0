"""lintgate's own temporary copies of a source file, written beside it (same directory, so a
tool that finds its configuration from the file's location finds the same one): the copy an
external FixCommand rewrites (lintgate.external.fixer) and the copy of `--stdin-filename`'s
text the external linters read (lintgate.commands.stdin). Their names,
`STEM__lintgate_fix_PID.SUFFIX` and `STEM__lintgate_stdin_PID.SUFFIX`, are valid module names
when STEM is one (a tool that judges the module name, such as ruff's N999, says of the copy
what it says of the file), follow a pattern no user file is expected to have, and discovery
never picks such a file up (lintgate.discovery), so a copy that a concurrent run sees, or one
a killed run left, is never linted or copied again."""

from __future__ import annotations

import os
import re
from pathlib import Path

MARK = "__lintgate_"  # in every copy's name: the cheap test before the pattern
_PATTERN = re.compile(r".+__lintgate_(?:fix|stdin)_[0-9]+(?:\.[^.]*)?")


def copy_path(path: Path, purpose: str) -> Path:
    """The temporary copy of `path` beside it for `purpose` ("fix" or "stdin")."""
    return path.with_name(f"{path.stem}__lintgate_{purpose}_{os.getpid()}{path.suffix}")


def is_copy(path: str) -> bool:
    """Whether the file at `path` (any form) is named as one of lintgate's temporary copies."""
    if MARK not in path:
        return False
    return _PATTERN.fullmatch(os.path.basename(path)) is not None
