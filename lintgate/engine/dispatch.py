"""Dispatch: work items to the executor (lintgate.executor: the fork pool by default), under
one concurrency limit, one deadline and a per-item limit; for the check and the fixer."""

from __future__ import annotations

import os
import time
from typing import Any, Callable, Sequence

from lintgate import progress
from lintgate.engine.records import Done, Work
from lintgate.workers import Lost


def relative_to(cwd: str) -> Callable[[Any], str]:
    """A function: absolute path (str or Path) -> its display path, relative to `cwd` (absolute)
    and `/`-separated, as `os.path.relpath` gives it (a prefix cut for the files below `cwd`:
    the common case, and the hot one on a warm run)."""
    prefix = os.path.join(cwd, "")

    def display(path: Any) -> str:
        path = str(path)
        rel = path[len(prefix) :] if path.startswith(prefix) else os.path.relpath(path, cwd)
        return rel.replace(os.sep, "/")

    return display


def file_size(path: str) -> int:
    """The size of the file at `path` in bytes, 0 when it cannot be stat'ed."""
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def lost_message(display: str, lost: Lost) -> str:
    """The error line of a file no worker answered for (lintgate.executor.Lost)."""
    return f"{display}: {lost.cause} while checking"


def found(answer: Any) -> int:
    """The findings in a worker's answer (a Done: its linters' findings and parse errors, its
    decode error), for the progress line; 0 for any other answer."""
    if not isinstance(answer, Done):
        return 0
    outcomes = answer.outcomes.values()
    parsed = sum(len(o.findings) + (o.syntax is not None) for o in outcomes)
    return parsed + (answer.encoding is not None)


def work_size(work: Work) -> int:
    """What a work item costs, for the pool's order: its size in bytes."""
    return len(work.raw) if work.raw is not None else file_size(work.path)


class CheckPool:
    """The check's workers for a whole run (lintgate.engine.run plans it in chunks): made at
    the first chunk with work, from the parent as it is then (its first chunk's plans only),
    kept for the next chunks' work, ended by `close()` (or by a chunk the deadline cuts short).
    `file_limit`: seconds one file may take, 0 for none (FileDeadline). `keep`: False to end
    the workers after each call (a run with external linters: a worker kept alive would hold
    the pipes of the batches its parent was running when it forked, and they would never end).
    """

    def __init__(self, file_limit: float, keep: bool = True) -> None:
        self.file_limit = file_limit
        self.keep = keep
        self._pool: Any = None

    def check(
        self,
        checker: Callable[[Work], Done],
        items: list[Work],
        concurrency: int,
        limit: float | None,
        upto: int,
        remote: tuple[str, Callable[[Work], Done]] | None = None,
    ) -> list[Done]:
        """The answers for `items` that came before `limit` (a monotonic time, or None), from
        `checker` (the worker object: the workers forked at the first call inherit it, with
        the settings the parent built for exclusions so far); an item whose worker died or ran
        over the file limit is answered with a Done holding one error naming the file and the
        cause, and no digest (nothing cached). `upto`: how many items the run may still send,
        these included (caps the workers). `remote`: (a Dask scheduler's address, the
        picklable check) for the cluster's executor instead (lintgate.engine.remote)."""
        if not items:
            return []
        if self._pool is None:
            from lintgate import executor

            self._pool = executor.make_executor(
                lambda: checker,
                concurrency,
                upto,
                self.file_limit or None,
                remote=remote,
                keep=self.keep,
            )
        deadline = 0.0 if limit is None else max(limit - time.monotonic(), 1e-9)
        done = map_unordered(
            lambda: checker, (), items, concurrency, deadline, cost=work_size, pool=self._pool
        )
        return [
            (
                Done(
                    items[i].display,
                    None,
                    None,
                    {},
                    [lost_message(items[i].display, answer)],
                    lost=True,
                )
                if isinstance(answer, Lost)
                else answer
            )
            for i, answer in done.items()
        ]

    def close(self) -> None:
        """End the workers (when any were started)."""
        close = getattr(self._pool, "close", None)
        self._pool = None
        if close is not None:
            close()


def check_on_pool(
    checker: Callable[[Work], Done],
    items: list[Work],
    concurrency: int,
    limit: float | None,
    file_limit: float,
    remote: tuple[str, Callable[[Work], Done]] | None = None,
) -> list[Done]:
    """CheckPool.check on a pool of its own, for one list of `items`: the workers' answers
    that came before `limit`. The forked workers inherit `checker` (and the settings the
    parent built for exclusions). `remote`: (a Dask scheduler's address, the picklable
    check) to check on that cluster instead (lintgate.engine.remote)."""
    pool = CheckPool(file_limit)
    try:
        return pool.check(checker, items, concurrency, limit, len(items), remote)
    finally:
        pool.close()


def map_unordered(
    factory: Callable[..., Callable[[Any], Any]],
    args: tuple[Any, ...],
    items: Sequence[Any],
    concurrency: int,
    deadline: float = 0.0,
    worker: Callable[[Any], Any] | None = None,
    cost: Callable[[Any], int] | None = None,
    task_limit: float = 0.0,
    pool: Any = None,
) -> dict[int, Any]:
    """Call `factory(*args)(item)` for every item of `items` on up to `concurrency` worker
    processes (lintgate.executor.make_executor; capped by the items and the CPUs), one worker
    object per process (so its memos last the whole run).
    `cost`: item -> a number; the pool takes the costliest items first, so that a large file
    does not end a run alone on one core while the others idle.

    `worker`: such an object the caller already has; forked processes inherit it instead of
    building their own. `deadline`: seconds for the whole run, 0 for none. `task_limit`:
    seconds one item may take, 0 for none. `pool`: an executor to use (CheckPool's, kept
    between calls) instead of one made for the call. Returns {index in items: result, or an
    executor.Lost when its worker died, ran over `task_limit` or raised} for the items
    answered before the deadline, in the order they finished.
    """
    from lintgate import executor

    limit = time.monotonic() + deadline if deadline > 0 else None
    order = list(range(len(items)))
    if cost is not None:
        order.sort(key=lambda i: cost(items[i]), reverse=True)
    ordered = [items[i] for i in order]

    def make_worker() -> Callable[[Any], Any]:
        if worker is not None:
            return worker
        return factory(*args)

    if pool is None:
        pool = executor.make_executor(make_worker, concurrency, len(items), task_limit or None)
    done: dict[int, Any] = {}
    if not items:
        return done
    answers = pool.map_unordered(ordered, limit)
    try:
        for position, answer in answers:
            done[order[position]] = answer
            progress.advance(1, found(answer))
    finally:  # ends the workers (the pool's generator's `finally`), at a deadline too
        close = getattr(answers, "close", None)
        if close is not None:
            close()
    return done
