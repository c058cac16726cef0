"""The external linters' batches on threads: start them (each its own process group, under
the run's deadline) and collect what each gave (lintgate.engine.external)."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from typing import NamedTuple, Sequence

from lintgate.external.batches import Batch, command_line
from lintgate.external.definition import ExternalDefinition
from lintgate.external.process import Ran, run_batch


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


def run_one(job: Job, root: str, jobs: int, limit: float | None) -> BatchResult:
    """Run one batch (its tool's parallelism held to `jobs`) in the project `root`."""
    batch, definition, env = job
    argv = command_line(definition, batch.args, jobs)
    try:
        return BatchResult(batch, definition, run_batch(argv, root, env, limit))
    except OSError as e:
        why = e.strerror or str(e)
        return BatchResult(
            batch, definition, None, f"{definition.name}: cannot run {argv[0]!r}: {why}"
        )


def start_batches(
    pool: ThreadPoolExecutor | None,
    jobs: Sequence[Job],
    root: str,
    share: int,
    limit: float | None,
) -> list[Future[BatchResult]]:
    """Submit every batch to `pool` (None: run them here, one after the other, now)."""
    futures: list[Future[BatchResult]] = []
    for job in jobs:
        if pool is None:
            done: Future[BatchResult] = Future()
            done.set_result(run_one(job, root, share, limit))
            futures.append(done)
        else:
            futures.append(pool.submit(run_one, job, root, share, limit))
    return futures


def collect(futures: Sequence[Future[BatchResult]]) -> list[BatchResult]:
    """The results of `futures`, in their order (each batch keeps to the deadline itself)."""
    return [f.result() for f in futures]
