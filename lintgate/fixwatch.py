"""The files a `--fix` run has written so far: the `fixed PATH` lines an interrupted run
prints before `lintgate: interrupted` (lintgate.cli), as a whole run prints them.

When SIGINT or SIGTERM ends a run, the answers the workers had not yet given (or had sent
and the parent had not read) are lost with the pool; the files are not. Every write is a
new file renamed over the old one (lintgate.atomic.write_atomic), so a file whose inode is
no longer the one it had when the fixer started was written by this run (an edit the fixer
refused was exchanged back: the old inode again). Reading the inodes once the workers are
gone names exactly the files written, whatever the workers managed to report.
"""

from __future__ import annotations

import os
from typing import Sequence

from lintgate.context import RunMemo

__all__ = ["forget", "lines", "watch", "written"]

# "files": {display path: (path, (st_dev, st_ino) before the fixer), in path order}
_WATCHED: RunMemo[str, dict[str, tuple[str, tuple[int, int]]]] = RunMemo("lintgate.fixwatch")


def _inode(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)  # through a symbolic link: the fixer writes its target
    except OSError:
        return None
    return st.st_dev, st.st_ino


def watch(items: Sequence[tuple[str, str]]) -> None:
    """Note the inode of each (absolute path, display path) of `items`, the files the fixer
    is about to be given, in the active run (lintgate.context); a file that cannot be
    stat'ed is left out (the fixer cannot write it either)."""
    files = _WATCHED.setdefault("files", {})
    for path, display in items:
        inode = _inode(path)
        if inode is not None:
            files[display] = (path, inode)


def forget() -> None:
    """Forget the watched files (their `fixed` lines were printed by the whole run)."""
    _WATCHED["files"] = {}


def written() -> list[str]:
    """The display paths, sorted, of the watched files whose inode changed: written by the
    fixer. Meaningful once no worker is left (a write in progress would be missed)."""
    files = _WATCHED.get("files") or {}
    return sorted(d for d, (path, inode) in files.items() if _inode(path) not in (None, inode))


def lines() -> list[str]:
    """The `fixed PATH` lines (without `lintgate: `) of `written()`, as commands.fix.emit
    prints them for a whole run."""
    from lintgate.diagnostic import quote_path

    return [f"fixed {quote_path(display)}" for display in written()]
