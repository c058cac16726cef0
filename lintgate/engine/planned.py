"""A run's first phases, in the parent, for a list of files (a whole run, a chunk of one, or
the files --fix checks): which linters apply to each file (lintgate.engine.plan) and what the
cache knows of its bytes (lintgate.engine.answer)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, NamedTuple, Sequence

from lintgate import bounds
from lintgate.diagnostic import ERROR, Diagnostic
from lintgate.engine import external
from lintgate.engine.answer import answer
from lintgate.engine.check import Checker
from lintgate.engine.dispatch import file_size, relative_to
from lintgate.engine.guard import CacheGuard
from lintgate.engine.plan import FilePlan, Planner
from lintgate.engine.records import ENCODING, FileResult
from lintgate.engine.whole import paths_of
from lintgate.linters.base import Project

if TYPE_CHECKING:
    from lintgate.cache.digests import Digests


class Planned(NamedTuple):
    """A run planned and answered from the cache: the `plans` of the files read, the results
    of the files over MaxFileSize (`large`, by display path), the run's `checker`, `cache`
    and `planner` (to plan the run's next chunk with)."""

    plans: list[FilePlan]
    large: dict[str, FileResult]
    checker: Checker
    cache: CacheGuard
    planner: Planner


def plan_and_answer(
    files: Sequence[Path],
    project: Project,
    enabled: list[str],
    warn_unmatched: bool,
    store: Any,
    warn: Callable[[str], None] | None,
    display: Callable[[Any], str] | None = None,
    planner: Planner | None = None,
) -> Planned:
    """The first phases of a run (`run`'s arguments): which linters apply to each file, and
    what the cache knows of its bytes. `planner`: the Planner of the run's chunk before (its
    checker, cache and memos go on), None to make one."""
    enabled = external.in_process(enabled)  # the external ones: lintgate.engine.external
    show = display or relative_to(str(project.cwd))
    if planner is None:
        cache = CacheGuard(store, warn)
        checker = Checker(project, enabled, warn_unmatched)
        planner = Planner(project, enabled, checker, cache)
    cache, checker = planner.cache, planner.checker
    texts = paths_of(files)
    rels = _rels(texts, project)
    found = None
    if cache.store is not None:  # one stat per file gives both the size and the stat index
        from lintgate.cache import file_digests

        root, limit = project.root, project.max_file_size
        found = cache(lambda store: file_digests(store, root, rels, limit))
    large = _too_large(texts, rels, project, show, found)
    plans = []
    for p, rel in zip(texts, rels):
        shown = show(p)
        if shown not in large:
            plans.append(FilePlan(p, shown, rel))
    planner.plan(plans)
    if cache.store is not None and found is not None:
        answer(planner, plans, found)
    return Planned(plans, large, checker, cache, planner)


def _too_large(
    files: list[str],
    rels: list[str],
    project: Project,
    display: Callable[[Any], str],
    found: Digests | None,
) -> dict[str, FileResult]:
    """The results of the files over MaxFileSize: measured (by `found`'s stat when the cache
    took one), never read (nor hashed, nor cached); by display path."""
    results = {}
    for p, rel in zip(files, rels):
        if found is not None:
            size = found.large.get(rel, 0)
        elif project.max_file_size:
            size = file_size(p)
        else:
            continue
        large = bounds.too_large(size, project.max_file_size)
        if large is not None:
            d = Diagnostic(display(p), 1, 1, ENCODING, large, ERROR)
            results[d.path] = FileResult(d.path, [d])
    return results


def _rels(files: list[str], project: Project) -> list[str]:
    """Each file's root-relative `/`-separated path (the stat index's)."""
    root = str(project.root).rstrip(os.sep) + os.sep
    rels = []
    for path in files:
        rel = path[len(root) :] if path.startswith(root) else path
        rels.append(rel.replace(os.sep, "/"))
    return rels
