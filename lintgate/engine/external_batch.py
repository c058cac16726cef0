"""The external linters' batches on threads: start them (each its own process group, under
the run's deadline) and collect what each gave (lintgate.engine.external)."""

from __future__ import annotations

import queue
import threading
from concurrent.futures import FIRST_COMPLETED, Future, wait
from typing import Callable, NamedTuple, Sequence

from lintgate.external.batches import Batch, command_line
from lintgate.external.definition import ExternalDefinition
from lintgate.external.process import Ran, kill_group, run_batch

TICK = 0.1  # seconds between the progress line's ticks while batches run


class Target(NamedTuple):
    """A file an external linter checks: root-relative `rel`, `display` path, content `digest`
    (None without a cache) and absolute `directory`."""

    rel: str
    display: str
    digest: str | None
    directory: str


class BatchResult(NamedTuple):
    """What one batch gave: the process's `ran`, or `error` when it could not start."""

    batch: Batch
    definition: ExternalDefinition
    ran: Ran | None
    error: str = ""

    @property
    def lost(self) -> bool:
        """The deadline killed it or came before its turn: its files are not (all) checked."""
        return self.ran is not None and (self.ran.killed or not self.ran.started)


Job = tuple[Batch, ExternalDefinition, dict[str, str]]


class Batches:
    """The batches of a run on up to `threads` daemon threads (a daemon thread does not keep
    lintgate alive after an interruption; `kill` then ends the tools' process groups).
    `share`: each tool's JobsFlag value; `limit`: the run's deadline (time.monotonic())."""

    def __init__(self, root: str, share: int, limit: float | None) -> None:
        self.root = root
        self.share = share
        self.limit = limit
        self.live: set[int] = set()  # the process groups running now

    def run_one(self, job: Job) -> BatchResult:
        """Run one batch (its tool's parallelism held to `share`) in the project root."""
        batch, definition, env = job
        argv = command_line(definition, batch.args, self.share)
        try:
            ran = run_batch(argv, self.root, env, self.limit, self.live)
        except OSError as e:
            why = e.strerror or str(e)
            return BatchResult(
                batch, definition, None, f"{definition.name}: cannot run {argv[0]!r}: {why}"
            )
        return BatchResult(batch, definition, ran)

    def start(self, jobs: Sequence[Job], threads: int) -> list[Future[BatchResult]]:
        """Start every batch: on `threads` daemon threads, or here and now for 0."""
        futures: list[Future[BatchResult]] = [Future() for _ in jobs]
        if threads == 0:
            for job, future in zip(jobs, futures):
                future.set_result(self.run_one(job))
            return futures
        todo: queue.SimpleQueue[int] = queue.SimpleQueue()
        for i in range(len(jobs)):
            todo.put(i)

        def work() -> None:
            while True:
                try:
                    i = todo.get_nowait()
                except queue.Empty:
                    return
                try:
                    futures[i].set_result(self.run_one(jobs[i]))
                except BaseException as e:  # a bug: the parent's collect raises it
                    futures[i].set_exception(e)

        for _ in range(min(threads, len(jobs))):
            threading.Thread(target=work, name="lintgate-external", daemon=True).start()
        return futures

    def kill(self) -> None:
        """End the process groups still running (lintgate is being interrupted)."""
        for pid in list(self.live):
            kill_group(pid)


def collect(
    futures: Sequence[Future[BatchResult]],
    tick: Callable[[list[BatchResult]], None] | None = None,
) -> list[BatchResult]:
    """The results of `futures`, in their order (each batch keeps to the deadline itself).
    `tick(finished)`: called while waiting, at least every TICK seconds, with the batches
    finished since its last call (maybe none): the progress line's."""
    if tick is not None:
        waiting = set(futures)
        while waiting:
            done, waiting = wait(waiting, timeout=TICK, return_when=FIRST_COMPLETED)
            tick([f.result() for f in done])
    return [f.result() for f in futures]
