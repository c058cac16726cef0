"""The per-file path of a check run, in chunks: each chunk of CHUNK files is planned and
answered from the cache (lintgate.engine.planned), its work sent to the run's one CheckPool
(lintgate.engine.dispatch), the answers merged with what the cache knew and recorded, before
the next chunk is planned. So the parent holds one chunk's plans (and at most
lintgate.cache.digests.KEEP_BYTES of the bytes read while hashing them) at a time, and the
workers, forked at the first chunk's work, inherit no plan of the others: a cold run's memory
does not grow with every file's plan (issue 15 item 5). What it keeps for the whole run is what
the report needs: each file's FileResult (display path, diagnostics, errors).
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any, Callable, NamedTuple, Sequence

from lintgate import progress
from lintgate.diagnostic import ERROR, Diagnostic
from lintgate.engine import external
from lintgate.engine.answer import missing, recording, resolved
from lintgate.engine.check import Checker
from lintgate.engine.dispatch import CheckPool, relative_to
from lintgate.engine.guard import CacheGuard
from lintgate.engine.plan import FilePlan, Planner
from lintgate.engine.planned import plan_and_answer
from lintgate.engine.records import ENCODING, Decoding, Done, FileResult, RunResult, Work
from lintgate.engine.remote import remote_work
from lintgate.engine.stored import store_decoding, store_outcome
from lintgate.external import registry
from lintgate.filelist import FileList
from lintgate.linters.base import Project

CHUNK = 2000  # files planned at once: what the parent holds, and what the workers inherit


def chunk_files() -> int:
    """The files planned at once: CHUNK, or LINTGATE_CHUNK_FILES when it is a positive whole
    number (the tests run small trees in many chunks; like LINTGATE_GIT_INDEX_FILES)."""
    text = os.environ.get("LINTGATE_CHUNK_FILES", "")
    return int(text) if text.isdigit() and int(text) > 0 else CHUNK


class _Pending:
    """What the run sent to the workers: the `plans` by display path, the `items`, and the
    display paths sent only to read `nolint` (`answered`: nothing left to lint)."""

    def __init__(self) -> None:
        self.plans: dict[str, FilePlan] = {}
        self.items: list[Work] = []
        self.answered: set[str] = set()


class Args(NamedTuple):
    """lintgate.engine.run.run's arguments that the per-file path passes on."""

    project: Project
    enabled: list[str]
    concurrency: int
    display: Callable[[Any], str] | None
    warn_unmatched: bool
    warn: Callable[[str], None] | None
    file_deadline: float
    others: Sequence[Path] = ()  # shard 1: the other shards' files (whole-program linters)
    executor: str = ""  # the Executor setting (lintgate.engine.remote)


def check_files(
    texts: list[str], args: Args, store: Any, start: float, limit: float | None
) -> tuple[RunResult, bool, bool]:
    """The per-file path (`run`) over `texts` (absolute paths), in chunks (`chunk_files()`): each
    chunk planned, answered from the cache, its work sent to the run's one CheckPool, merged
    and recorded before the next is planned, so that the parent never holds every file's plan
    (nor the bytes read while hashing them) and the workers, forked at the first chunk's work,
    do not inherit them. A run with an external linter is one chunk (their batches span the
    run). `limit`: the deadline (a monotonic time) or None; once it has passed, the chunks
    left are still answered from the cache (as when the run was planned at once) and their
    other files listed unchecked. Returns the result, whether anything new was recorded, and
    whether the store still works."""
    chunked = not any(registry.is_external(n) for n in args.enabled)
    size = chunk_files() if chunked else max(1, len(texts))
    run = _Chunks(args, store, limit, chunked)
    try:
        for lo in range(0, len(texts), size) or [0]:
            run.check(FileList(texts[lo : lo + size]), max(0, len(texts) - lo - size))
    finally:
        run.pool.close()
    usable = run.planner is not None and run.planner.cache.store is not None
    return run.result(start), run.fresh, usable


class _Chunks:
    """A run checked chunk by chunk: its `planner` (made at the first chunk) and `pool` (its
    workers forked at the first chunk with work, `keep`: kept for the next chunks), and
    what the chunks gave so far: each file's result, the files left unchecked (in file order),
    the cache hits, whether anything new was recorded (`fresh`), the last chunk's external
    hook (a run with external linters is one chunk) and the phases' seconds."""

    def __init__(self, args: Args, store: Any, limit: float | None, keep: bool) -> None:
        self.args = args
        self.store = store
        self.limit = limit
        self.planner: Planner | None = None
        self.pool = CheckPool(args.file_deadline, keep)
        self.results: list[FileResult] = []
        self.unchecked: list[str] = []
        self.hits: dict[str, list[int]] = {}
        self.fresh = False
        self.ext: external.Hook = external.NoExternal()
        self.planning = 0.0
        self.linting = 0.0

    def check(self, files: FileList, later: int) -> None:
        """Plan, answer, dispatch, merge and record one chunk of `files`; `later`: how many
        files the chunks after it hold. Keeps the chunk's results; its plans are dropped."""
        args, limit = self.args, self.limit
        chunk_start = time.monotonic()
        first = self.planner is None  # the run's first chunk (made the planner)
        planned = plan_and_answer(
            files,
            args.project,
            args.enabled,
            args.warn_unmatched,
            self.store,
            args.warn,
            args.display,
            self.planner,
        )
        self.planner, checker = planned.planner, planned.checker
        answered_at = time.monotonic()
        others = _other_plans(args, planned.cache) if first else []
        ext = external.hook(
            planned.plans, args.enabled, checker, planned.cache, limit, args.warn, others
        )
        answered, pending = _answered(planned.plans)
        results = [*planned.large.values(), *answered]
        if progress.showing():  # the files the cache settled: done before any worker starts
            progress.advance(len(results), sum(len(r.diagnostics) for r in results))
        slots = ext.start(args.concurrency, any(w.names for w in pending.items))
        past = limit is not None and time.monotonic() >= limit
        upto = len(pending.items) + later
        remote = remote_work(args.executor, checker)
        done = [] if past else self.pool.check(checker, pending.items, slots, limit, upto, remote)
        ext.before_merge(pending.plans, done)
        recorded = self.planner.recorded
        fresh = _merge(checker, pending, done, results, recorded) + ext.after_merge(results)
        if fresh:
            planned.cache(lambda store: store.put_results(fresh))
        self.results += results
        self.unchecked += [w.display for w in pending.items if w.display in pending.plans]
        count_hits(planned.plans, self.hits)
        self.fresh = self.fresh or bool(fresh)
        self.ext = ext
        self.planning += answered_at - chunk_start
        self.linting += time.monotonic() - answered_at

    def result(self, start: float) -> RunResult:
        """The run's result (the external hook's amendments applied)."""
        result = self.ext.amend(_result(self.results, self.unchecked, start))
        result.cache_hits = {name: (hit, total) for name, (hit, total) in self.hits.items()}
        result.phases = {"planning and cache": self.planning, "linting": self.linting}
        return result


def _other_plans(args: Args, cache: CacheGuard) -> list[FilePlan]:
    """The plans (no linters) of the other shards' files, for shard 1's whole-program linters
    (a run with external linters is one chunk)."""
    if not args.others:
        return []
    from lintgate.engine.external_others import other_plans

    show = args.display or relative_to(str(args.project.cwd))
    return other_plans(args.others, args.project, cache, show)


def cache_hits(plans: list[FilePlan]) -> dict[str, tuple[int, int]]:
    """Per linter (pipeline order): (files the cache answered, files it applies to)."""
    hits: dict[str, list[int]] = {}
    count_hits(plans, hits)
    return {name: (hit, total) for name, (hit, total) in hits.items()}


def count_hits(plans: list[FilePlan], hits: dict[str, list[int]]) -> None:
    """Add the `plans`' cache hits to `hits` (linter -> [answered, applies to])."""
    for plan in plans:
        for name in plan.names:
            counts = hits.setdefault(name, [0, 0])
            counts[0] += name in plan.known
            counts[1] += 1


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
    checker: Checker,
    pending: _Pending,
    done: list[Done],
    results: list[FileResult],
    recorded: set[int],
) -> list[tuple[Any, Any]]:
    """Add the workers' answers to `results` (merged with what the cache knew of the same
    bytes); returns the (cache entry, stored result) pairs to record, and adds what they are
    to `recorded` (Planner.recorded). The plans answered leave `pending.plans`: what stays
    there the deadline left unchecked."""
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
        entries = to_record(plan, d)
        fresh += entries
        recorded.update(recording(plan, entries))
    return fresh


def _result(results: list[FileResult], unchecked: list[str], start: float) -> RunResult:
    diagnostics = sorted(d for r in results for d in r.diagnostics)
    errors = list(dict.fromkeys(e for r in sorted(results, key=lambda r: r.path) for e in r.errors))
    lost = sorted(r.path for r in results if r.lost)
    paths = [r.path for r in results if not r.lost]
    seconds = time.monotonic() - start
    cached = sum(r.cached for r in results)
    return RunResult(
        len(paths), paths, diagnostics, errors, unchecked, seconds, cached, results, lost
    )
