"""The engine's hook for external linters (issue 14): answered from the cache in the parent,
the rest run as subprocess batches on threads beside the in-process pool, under the one
Concurrency limit and the one Deadline; their outcomes join each file's before `nolint`
directives, Exclude and the reports apply (lintgate.engine.run).

Sharing the slots: with in-process work pending, the batches get half the slots (the pool the
rest); alone they get them all; with one slot and both kinds of work they run first, then the
pool. A tool's own parallelism (JobsFlag) is held to its batches' share of those slots.
Threads, not the fork pool: a batch is a wait on another process, and its output must be kept
when the deadline kills it (a forked worker killed at the deadline would lose it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Protocol

from lintgate.engine.records import Done, FileResult, RunResult
from lintgate.external import registry

if TYPE_CHECKING:
    from lintgate.diagnostic import StoredResult
    from lintgate.engine.check import Checker
    from lintgate.engine.guard import CacheGuard
    from lintgate.engine.plan import FilePlan


def in_process(enabled: list[str]) -> list[str]:
    """The names of `enabled` that are not external linters (what the pool runs)."""
    return [n for n in enabled if not registry.is_external(n)]


class Hook(Protocol):
    """What lintgate.engine.run calls, in this order (NoExternal documents each)."""

    def start(self, concurrency: int, pool_work: bool) -> int: ...

    def before_merge(self, plans: dict[str, FilePlan], done: list[Done]) -> None: ...

    def after_merge(self, results: list[FileResult]) -> list[tuple[Any, StoredResult]]: ...

    def amend(self, result: RunResult) -> RunResult: ...


class NoExternal:
    """The hook of a run without external linters: changes nothing."""

    def start(self, concurrency: int, pool_work: bool) -> int:
        """Start the batches; returns the slots left for the in-process pool."""
        return concurrency

    def before_merge(self, plans: dict[str, FilePlan], done: list[Done]) -> None:
        """Wait for the batches; add their outcomes to the workers' answers."""

    def after_merge(self, results: list[FileResult]) -> list[tuple[Any, StoredResult]]:
        """Add their outcomes to the files the cache answered; the cache entries to record."""
        return []

    def amend(self, result: RunResult) -> RunResult:
        """The run's result with the batches' errors and unchecked files."""
        return result


def hook(
    plans: list[FilePlan],
    enabled: list[str],
    checker: Checker,
    cache: CacheGuard,
    limit: float | None,
    warn: Callable[[str], None] | None,
    others: list[FilePlan] | None = None,
) -> Hook:
    """The hook of a run whose `enabled` linters may include external ones (NoExternal else);
    looks up what the store knows of their outcomes now, in the parent. `others`: shard 1's
    plans of the other shards' files, which the whole-program linters check too
    (lintgate.engine.external_others)."""
    names = [n for n in enabled if registry.is_external(n)]
    if not names:
        return NoExternal()
    from lintgate.engine.external_run import External  # threads, subprocess: only when needed

    return External(plans, names, checker, cache, limit, warn, others or [])
