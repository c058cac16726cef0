"""A check run: plan -> answer from the cache -> dispatch -> merge -> record.

The parent decides what each file needs (lintgate.engine.plan) and what the cache already
knows about its bytes (lintgate.engine.answer); only the linters the cache could not answer
run, on the executor (lintgate.engine.dispatch); each worker decodes a file once and gives
the same text to every linter it runs (lintgate.engine.check). The answers are merged with
what the cache knew, and what is new is recorded in the cache; chunk by chunk
(lintgate.engine.chunked), so that a run's memory does not grow with every file's plan.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Callable, Sequence

from lintgate.context import run_scope
from lintgate.engine.chunked import Args, cache_hits, check_files, to_record
from lintgate.engine.planned import Planned, plan_and_answer
from lintgate.engine.records import RunResult
from lintgate.engine.whole import paths_of
from lintgate.engine.wholerun import run_whole
from lintgate.external import registry
from lintgate.linters.base import Project

__all__ = ["Planned", "cache_hits", "plan_and_answer", "run", "to_record"]


def run(
    files: Sequence[Path],
    project: Project,
    enabled: list[str],
    concurrency: int,
    deadline: float = 0.0,
    display: Callable[[Any], str] | None = None,
    warn_unmatched: bool = False,
    store: Any = None,
    warn: Callable[[str], None] | None = None,
    file_deadline: float = 0.0,
    whole: bool = True,
    others: Sequence[Path] = (),
    executor: str = "",
) -> RunResult:
    """Check `files` (absolute paths) with the `enabled` linters on `concurrency` processes.

    `deadline`: seconds for the whole run, 0 for none; when it passes, the files not yet
    checked are listed in `unchecked` and the findings so far are kept.
    `display(path) -> str` gives each file's output path.
    `warn_unmatched`: report `nolint` directives that silenced nothing (WarnUnmatchedDirective).
    `store`: a lintgate.cache.Store to answer from and fill (None: no cache); `warn(message)`
    reports a cache failure (one line), after which the run goes on without the cache.
    `file_deadline`: seconds one file may take on a worker, 0 for none (FileDeadline).
    `whole`: answer an unchanged run from one lookup (lintgate.engine.whole); off when the
    caller needs the store to know every entry the run used (a `mode=min` export).
    `others`: shard 1 of a sharded run, the other shards' files, which the whole-program
    external linters check too (lintgate.engine.external_others; `result.others`).
    `executor`: the Executor setting: "" or "local" for the fork pool, else a Dask scheduler's
    address to check the files on (lintgate.engine.remote; raises
    lintgate.dask_executor.ExecutorUnavailable when that cluster cannot run them).
    Joins the active RunContext (lintgate.context), or makes one for the call.
    """
    with run_scope():
        start = time.monotonic()
        limit = start + deadline if deadline > 0 else None
        args = Args(
            project,
            enabled,
            concurrency,
            display,
            warn_unmatched,
            warn,
            file_deadline,
            others,
            executor,
        )

        def per_file(subset: Sequence[Path], store: Any) -> tuple[RunResult, bool, bool]:
            return check_files(paths_of(subset), args, store, start, limit)

        # The whole-run answer keys on the in-process linters' settings only: a run with an
        # external linter (whose config and version it does not see) goes file by file.
        if whole and store is not None and not any(registry.is_external(n) for n in enabled):
            result = run_whole(
                files, project, enabled, warn_unmatched, store, warn, display, per_file
            )
            result.seconds = time.monotonic() - start
            return result
        return per_file(files, store)[0]
