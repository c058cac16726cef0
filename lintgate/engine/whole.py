"""The whole-run answer: a run whose inputs are all unchanged is answered from one lookup.

A warm run over N files otherwise asks the store 3N-4N questions (the stat index, the
exclusion verdicts, each linter's result), each row checksummed. The run key is one sha256
over everything the engine's output depends on: lintgate's version and this format, the
enabled linters (and their engines' versions), the Project (root, working directory, named
files, walks, MaxFileSize), WarnUnmatchedDirective, each linter's config digest for every
directory holding a file (the same digests the per-file keys use), and, for every file in
order, its display path and its contents' identity. The stored value is the run's per-file
results; lintgate.cache's memo table holds it (origin `local`; an imported one is never
served, as for exclusion verdicts).

The identity of a file's contents is its stat (size, mtime, inode, ctime: the stat index's
trust, as git's index) — or the blob id and stat validation git already did
(lintgate.engine.gitindex) when the files are tracked and unchanged.

A run is stored only when it is the answer a warm run gives: nothing new was computed (every
linter's outcome came from the cache, so the `from cache` count is a warm run's), no error,
no file left unchecked or lost, and no file racily clean (modified within RACY_NS of the stat,
which a later same-size write could hide; such a run is keyed afresh next time).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Iterable, Sequence

from lintgate import __version__ as LINTGATE_VERSION
from lintgate import bounds, linters
from lintgate.engine.plan import Planner
from lintgate.engine.records import SYNTAX

FORMAT = "whole-run 2"
RACY_NS = 2_000_000_000  # lintgate.cache.statindex.RACY_NS (no sqlite import here)


class Identities:
    """The contents' identity of each file of a run (`ids`, by absolute path, as text), and
    whether all of them are settled (`stable`: no stat failed, none racily clean)."""

    def __init__(self) -> None:
        self.ids: dict[str, str] = {}
        self.stable = True


def stat_identities(
    files: Iterable[str], now_ns: int, known: dict[str, str] | None = None
) -> Identities:
    """Each file's identity: `known`'s (git's blob id, lintgate.gitindex), else its stat,
    "size:mtime_ns:inode:ctime_ns"; a file modified within RACY_NS of `now_ns`, or that
    cannot be stat'ed, makes the set unstable."""
    out = Identities()
    limit = now_ns - RACY_NS
    stat = os.stat
    known = known or {}
    ids = out.ids
    for path in files:
        identity = known.get(path)
        if identity is not None:
            ids[path] = identity
            continue
        try:
            st = stat(path)
        except OSError:
            out.stable = False
            out.ids[path] = "?"
            continue
        if st.st_mtime_ns >= limit:
            out.stable = False
        out.ids[path] = f"{st.st_size}:{st.st_mtime_ns}:{st.st_ino}:{st.st_ctime_ns}"
    return out


def settings_key(planner: Planner, files: list[str], warn_unmatched: bool) -> str:
    """The settings key (sha256 hex) of checking `files` (absolute paths): all the run key
    covers but the files' own identities (lintgate.engine.wholerun adds those)."""
    project = planner.project
    h = hashlib.sha256()

    def part(*texts: object) -> None:
        for text in texts:
            h.update(str(text).encode("utf-8", "surrogateescape") + b"\0")

    part(FORMAT, LINTGATE_VERSION, bounds.VERSION, os.getcwd(), warn_unmatched)
    part(project.root, project.cwd, project.settings_path, project.base, project.max_file_size)
    part(repr(sorted(project.named)), repr(project.walks))
    judge = linters.syntax_judge()  # its parser runs alone only when it is not enabled
    names = [*planner.enabled, *([SYNTAX] if judge and judge not in planner.enabled else [])]
    for name in names:
        part(name, planner.version(name))
    # the directories as plan.directory names them (os.path.dirname), without its cost
    sep = os.sep
    directories = sorted({p.rpartition(sep)[0] or sep for p in files} | {str(project.root)})
    for directory in directories:
        part(directory, *(planner.config_digest(name, directory) for name in names))
    return h.hexdigest()


def paths_of(files: Sequence[Path]) -> list[str]:
    """The run's files as text (the key and the identities are over text)."""
    from lintgate.filelist import texts_of

    return texts_of(files)
