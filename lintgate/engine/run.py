"""A check run: plan -> answer from the cache -> dispatch -> merge -> record.

The parent decides what each file needs (lintgate.engine.plan) and what the cache already
knows about its bytes (lintgate.engine.answer); only the linters the cache could not answer
run, on the executor (lintgate.engine.dispatch); each worker decodes a file once and gives
the same text to every linter it runs (lintgate.engine.check). The answers are merged with
what the cache knew, and what is new is recorded in the cache.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, NamedTuple, Sequence

from lintgate import bounds, progress
from lintgate.context import run_scope
from lintgate.diagnostic import ERROR, Diagnostic
from lintgate.engine import external
from lintgate.engine.answer import answer, missing, resolved
from lintgate.engine.check import Checker
from lintgate.engine.dispatch import check_on_pool, file_size, relative_to
from lintgate.engine.guard import CacheGuard
from lintgate.engine.plan import FilePlan, Planner
from lintgate.engine.records import ENCODING, Decoding, Done, FileResult, RunResult, Work
from lintgate.engine.remote import remote_work
from lintgate.engine.stored import store_decoding, store_outcome
from lintgate.engine.whole import paths_of
from lintgate.engine.wholerun import run_whole
from lintgate.external import registry
from lintgate.linters.base import Project

if TYPE_CHECKING:
    from lintgate.cache.digests import Digests


class _Pending:
    """What the run sent to the workers: the `plans` by display path, the `items`, and the
    display paths sent only to read `nolint` (`answered`: nothing left to lint)."""

    def __init__(self) -> None:
        self.plans: dict[str, FilePlan] = {}
        self.items: list[Work] = []
        self.answered: set[str] = set()


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

        def per_file(subset: Sequence[Path], store: Any) -> tuple[RunResult, bool, bool]:
            planned = plan_and_answer(
                subset, project, enabled, warn_unmatched, store, warn, display
            )
            answered_at = time.monotonic()
            checker = planned.checker
            ext = external.hook(
                planned.plans,
                enabled,
                checker,
                planned.cache,
                limit,
                warn,
                _other_plans(others, project, planned.cache, display),
            )
            answered, pending = _answered(planned.plans)
            results = [*planned.large.values(), *answered]
            if progress.showing():  # the files the cache settled: done before any worker starts
                progress.advance(len(results), sum(len(r.diagnostics) for r in results))
            slots = ext.start(concurrency, any(w.names for w in pending.items))
            remote = remote_work(executor, checker)
            done = check_on_pool(checker, pending.items, slots, limit, file_deadline, remote)
            ext.before_merge(pending.plans, done)
            fresh = _merge(checker, pending, done, results) + ext.after_merge(results)
            if fresh:
                planned.cache(lambda store: store.put_results(fresh))
            result = ext.amend(_result(results, pending, start))
            result.cache_hits = cache_hits(planned.plans)
            result.phases = {"planning and cache": answered_at - start}
            result.phases["linting"] = time.monotonic() - answered_at
            return result, bool(fresh), planned.cache.store is not None

        # The whole-run answer keys on the in-process linters' settings only: a run with an
        # external linter (whose config and version it does not see) goes file by file.
        if whole and store is not None and not any(registry.is_external(n) for n in enabled):
            result = run_whole(
                files, project, enabled, warn_unmatched, store, warn, display, per_file
            )
            result.seconds = time.monotonic() - start
            return result
        return per_file(files, store)[0]


def _other_plans(
    others: Sequence[Path], project: Project, cache: CacheGuard, display: Any
) -> list[FilePlan]:
    """The plans (no linters) of the other shards' files, for shard 1's whole-program linters."""
    if not others:
        return []
    from lintgate.engine.external_others import other_plans

    return other_plans(others, project, cache, display or relative_to(str(project.cwd)))


def cache_hits(plans: list[FilePlan]) -> dict[str, tuple[int, int]]:
    """Per linter (pipeline order): (files the cache answered, files it applies to)."""
    hits: dict[str, list[int]] = {}
    for plan in plans:
        for name in plan.names:
            counts = hits.setdefault(name, [0, 0])
            counts[0] += name in plan.known
            counts[1] += 1
    return {name: (hit, total) for name, (hit, total) in hits.items()}


class Planned(NamedTuple):
    """A run planned and answered from the cache: the `plans` of the files read, the results
    of the files over MaxFileSize (`large`, by display path), the run's `checker` and
    `cache`."""

    plans: list[FilePlan]
    large: dict[str, FileResult]
    checker: Checker
    cache: CacheGuard


def plan_and_answer(
    files: Sequence[Path],
    project: Project,
    enabled: list[str],
    warn_unmatched: bool,
    store: Any,
    warn: Callable[[str], None] | None,
    display: Callable[[Any], str] | None = None,
) -> Planned:
    """The first phases of a run (`run`'s arguments): which linters apply to each file, and
    what the cache knows of its bytes."""
    enabled = external.in_process(enabled)  # the external ones: lintgate.engine.external
    show = display or relative_to(str(project.cwd))
    cache = CacheGuard(store, warn)
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
    checker = Checker(project, enabled, warn_unmatched)
    planner = Planner(project, enabled, checker, cache)
    planner.plan(plans)
    if cache.store is not None and found is not None:
        answer(planner, plans, found)
    return Planned(plans, large, checker, cache)


def to_record(plan: FilePlan, done: Done) -> list[tuple[Any, Any]]:
    """The (cache entry, stored result) pairs of a worker's answer about the bytes the plan
    was keyed on; none when it checked other bytes (changed meanwhile) or none at all."""
    if done.digest is None or done.digest != plan.digest:
        return []
    decoding = Decoding(done.encoding, done.nolint_text is not None)
    fresh: list[tuple[Any, Any]] = [(plan.keys[ENCODING], store_decoding(decoding))]
    fresh += [
        (plan.keys[n], store_outcome(o))
        for n, o in done.outcomes.items()
        if n in plan.keys and n not in done.uncached
    ]
    return fresh


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


def _answered(plans: list[FilePlan]) -> tuple[list[FileResult], _Pending]:
    """The results of the files the plan settles (unreadable, answered by the cache), and the
    work for the others."""
    results: list[FileResult] = []
    pending = _Pending()
    for plan in plans:
        if plan.unreadable:
            results.append(FileResult(plan.display, [], [plan.unreadable]))
            continue
        diagnostics = resolved(plan)
        if diagnostics is not None:
            results.append(FileResult(plan.display, diagnostics, plan.errors, not plan.errors))
            continue
        pending.plans[plan.display] = plan
        names = missing(plan)
        pending.items.append(Work(plan.spath, plan.display, plan.raw, names))
        if not names and plan.decoding is not None and not plan.errors:
            pending.answered.add(plan.display)
        plan.raw = None  # the worker has it now
    return results, pending


def _merge(
    checker: Checker, pending: _Pending, done: list[Done], results: list[FileResult]
) -> list[tuple[Any, Any]]:
    """Add the workers' answers to `results` (merged with what the cache knew of the same
    bytes); returns the (cache entry, stored result) pairs to record. The plans answered
    leave `pending.plans`: what stays there the deadline left unchecked."""
    fresh: list[tuple[Any, Any]] = []
    for d in done:
        plan = pending.plans.pop(d.display)
        same = d.digest is not None and d.digest == plan.digest
        if d.encoding is not None:
            e = d.encoding
            diagnostics = [Diagnostic(plan.display, e.line, e.col, ENCODING, e.message, ERROR)]
        else:
            outcomes = {**plan.known, **d.outcomes} if same else d.outcomes
            diagnostics = checker.diagnose(plan.display, plan.names, outcomes, d.nolint_text)
        cached = same and d.display in pending.answered and not d.errors
        results.append(
            FileResult(plan.display, diagnostics, plan.errors + d.errors, cached, d.lost)
        )
        fresh += to_record(plan, d)
    return fresh


def _result(results: list[FileResult], pending: _Pending, start: float) -> RunResult:
    diagnostics = sorted(d for r in results for d in r.diagnostics)
    errors = list(dict.fromkeys(e for r in sorted(results, key=lambda r: r.path) for e in r.errors))
    unchecked = [w.display for w in pending.items if w.display in pending.plans]
    lost = sorted(r.path for r in results if r.lost)
    paths = [r.path for r in results if not r.lost]
    seconds = time.monotonic() - start
    cached = sum(r.cached for r in results)
    return RunResult(
        len(paths), paths, diagnostics, errors, unchecked, seconds, cached, results, lost
    )
