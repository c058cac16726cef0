"""The Dask executor: a check's per-file work on a Dask cluster the user already runs (issue
15, item 7), through the cluster's concurrent.futures Executor
(`distributed.Client(address).get_executor()`); docs/dask.md.

It implements lintgate.executor's Executor protocol, as ForkPool does, with the same promises
where Dask allows them:

- at most one item in flight per worker thread of the cluster (as ForkPool keeps one per
  worker process), so that an item's time on the cluster is measured from its submission;
- an item whose task raised, or whose worker died more often than Dask's
  `distributed.scheduler.allowed-failures`, is answered with a `Lost` naming the cause (a
  scheduler lost during the run, which cancels every future, is an ExecutorUnavailable);
- an item that takes longer than `task_limit` seconds is answered with a `Lost` and its
  future cancelled; Dask cannot stop a task already running, so its worker thread counts as
  busy for the rest of the run (one slot fewer);
- at the `deadline` the map stops; the items not answered are not yielded (the caller names
  them unchecked) and their futures are cancelled, on any way out (an interrupt too).

What cannot run at all is an ExecutorUnavailable, one line: `distributed` not installed, a
scheduler that cannot be reached (within Dask's `distributed.comm.timeouts.connect`, and the
run's deadline), a cluster without workers, or workers whose lintgate or tools differ from
this process's (their verdicts would be cached as this version's).
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import logging
import re
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Generic, TypeVar

from lintgate.workers import Lost

Item = TypeVar("Item")
Result = TypeVar("Result")

LOCAL = "local"  # the Executor value of the fork pool on this machine (the default)
EXTRA = "dask"  # pyproject.toml's optional extra that installs distributed
# A Dask scheduler's address: dask://HOST:PORT (lintgate's spelling of Dask's tcp://), or
# Dask's own tcp:// and tls:// (as `dask scheduler` prints it); an IPv6 host in brackets.
ADDRESS = re.compile(r"(dask|tcp|tls)://(\[[0-9A-Fa-f:.]+\]|[^\s/:\[\]@]+):[0-9]{1,5}")
CLOSE_SECONDS = 5.0  # how long closing the client may take at the end of a run
POLL_SECONDS = 1.0  # how often a map without answers asks whether the cluster has workers
WORKERLESS_SECONDS = 10.0  # how long a cluster may have no worker before the run gives up


class ExecutorUnavailable(Exception):
    """The executor cannot run the work at all; `str(error)` is the one line to report."""


def is_remote(value: str) -> bool:
    """Whether the Executor value `value` names a Dask scheduler (not `local`, not empty)."""
    return bool(value) and value != LOCAL


def scheduler_address(value: str) -> str:
    """The address Dask connects to for the Executor value `value`: `dask://` becomes
    Dask's `tcp://`, `tcp://` and `tls://` are Dask's own."""
    scheme, sep, rest = value.partition("://")
    return f"tcp://{rest}" if sep and scheme == "dask" else value


class DaskExecutor(Generic[Item, Result]):
    """Runs `work(item)` on the Dask cluster whose scheduler is at `address` (an Executor
    value, see ADDRESS). `work` must pickle (Dask sends it to the workers: a forked worker's
    inherited state does not travel) and the items too. `task_limit`: seconds one item may
    take, None for no limit. Connects on the first `map_unordered` with items, and closes
    the connection when that map ends."""

    def __init__(
        self, address: str, work: Callable[[Item], Result], task_limit: float | None = None
    ) -> None:
        self.address = address
        self.work = work
        self.task_limit = task_limit if task_limit and task_limit > 0 else None

    def map_unordered(
        self, items: Sequence[Item], deadline: float | None = None
    ) -> Iterator[tuple[int, Result | Lost]]:
        """(index in `items`, result or Lost) as the cluster answers; `deadline`: a
        time.monotonic() value after which no more results are yielded. Raises
        ExecutorUnavailable (before any result) when the cluster cannot run the work."""
        if not items or (deadline is not None and time.monotonic() >= deadline):
            return
        with quiet():
            client = connect(self.address, deadline)
            try:
                slots = check_workers(client, self.address)
                pool = client.get_executor(pure=False)

                def lost() -> str | None:
                    if client.nthreads():
                        return None
                    return f"the Dask scheduler at {self.address} has no workers left"

                try:
                    yield from map_futures(
                        pool, self.work, items, slots, self.task_limit, deadline, lost
                    )
                except ExecutorUnavailable:
                    raise
                except Exception as e:  # the scheduler went away (or cancelled the work)
                    raise ExecutorUnavailable(
                        f"lost the Dask scheduler at {self.address} (Executor) during the run: "
                        f"{one_line(e)}"
                    ) from None
            finally:
                with contextlib.suppress(Exception):
                    client.close(timeout=CLOSE_SECONDS)


def connect(address: str, deadline: float | None) -> Any:
    """A distributed.Client of the scheduler at `address` (an Executor value), waiting for it
    no longer than Dask's connect timeout and the `deadline` (monotonic). Raises
    ExecutorUnavailable when distributed is missing or the scheduler cannot be reached."""
    try:
        import dask
        import distributed
    except ImportError:
        raise ExecutorUnavailable(
            f"Executor {address}: the Dask executor needs distributed, which is not "
            f"installed: install lintgate with its '{EXTRA}' extra (lintgate[{EXTRA}]), or "
            "pip install 'dask[distributed]' beside it"
        ) from None
    from dask.utils import parse_timedelta

    timeout = float(parse_timedelta(dask.config.get("distributed.comm.timeouts.connect")))
    if deadline is not None:  # Dask's message names it: "after 1.75 s"
        timeout = round(max(0.01, min(timeout, deadline - time.monotonic())), 2)
    client: Any = distributed.Client  # untyped
    try:
        return client(scheduler_address(address), timeout=timeout, set_as_default=False)
    except Exception as e:  # OSError, TimeoutError, a bad TLS setup: one line, no traceback
        raise ExecutorUnavailable(
            f"cannot reach the Dask scheduler at {address} (Executor): {one_line(e)}"
        ) from None


def check_workers(client: Any, address: str) -> int:
    """The worker threads of the cluster (the items to keep in flight), once every worker is
    known to run this lintgate with these tools (lintgate.versions.version_line: the cache
    keys their verdicts as this process's). Raises ExecutorUnavailable."""
    from lintgate.versions import version_line

    try:
        theirs = client.run(version_line)
        threads = client.nthreads()
    except Exception as e:  # e.g. lintgate not importable on a worker
        raise ExecutorUnavailable(
            f"the Dask workers of {address} cannot run lintgate: {one_line(e)}"
        ) from None
    if not theirs:
        raise ExecutorUnavailable(f"the Dask scheduler at {address} has no workers")
    ours = version_line()
    for worker, line in sorted(theirs.items()):
        if line != ours:
            raise ExecutorUnavailable(
                f"Dask worker {worker} runs {line}, this run {ours}: "
                "install the same versions on the workers"
            )
    return max(1, int(sum(threads.values())))


def map_futures(
    pool: cf.Executor,
    work: Callable[[Item], Result],
    items: Sequence[Item],
    slots: int,
    task_limit: float | None,
    deadline: float | None,
    lost: Callable[[], str | None] | None = None,
    grace: float = WORKERLESS_SECONDS,
) -> Iterator[tuple[int, Result | Lost]]:
    """`work` over `items` on the concurrent.futures Executor `pool`, `slots` at a time, in
    the items' order; yields (index, result or Lost) as they finish, until the `deadline`
    (monotonic). `lost()`: why the pool can answer nothing more (a cluster whose workers all
    left), or None; asked every POLL_SECONDS without an answer, it ends the map with
    ExecutorUnavailable once it has said so for `grace` seconds (a worker may be on its way
    back), where the map would otherwise wait for ever. The futures not done are cancelled,
    and the pool shut down, on any way out."""
    alone_since: float | None = None
    todo = list(range(len(items)))
    todo.reverse()  # pop() from the end gives the items in their order
    running: dict[cf.Future[Result], tuple[int, float]] = {}
    try:
        while todo or running:
            while todo and len(running) < slots:
                index = todo.pop()
                running[pool.submit(work, items[index])] = (index, time.monotonic())
            ends = [] if deadline is None else [deadline]
            if task_limit is not None:
                ends += [since + task_limit for _, since in running.values()]
            timeout = max(0.0, min(ends) - time.monotonic()) if ends else None
            if lost is not None:
                timeout = POLL_SECONDS if timeout is None else min(timeout, POLL_SECONDS)
            done, _ = cf.wait(running, timeout, return_when=cf.FIRST_COMPLETED)
            if lost is not None and running and not done:
                why = lost()
                alone_since = None if why is None else alone_since or time.monotonic()
                if why is not None and time.monotonic() - (alone_since or 0.0) >= grace:
                    raise ExecutorUnavailable(
                        f"{why} (Executor): stopped waiting after {grace:g} s"
                    )
            for future in done:
                index = running.pop(future)[0]
                got = answer(future)
                yield index, got
            now = time.monotonic()
            for future, (index, since) in list(running.items()):
                if task_limit is not None and now - since >= task_limit:
                    future.cancel()
                    del running[future]
                    slots = max(1, slots - 1)  # its thread runs on: Dask cannot stop a task
                    yield index, Lost(f"took longer than {_seconds(task_limit)} (FileDeadline)")
            if deadline is not None and time.monotonic() >= deadline:
                return
    finally:
        with contextlib.suppress(Exception):  # a client closed under us cannot cancel
            for future in running:
                future.cancel()
            pool.shutdown(wait=False)


def answer(future: cf.Future[Result]) -> Result | Lost:
    """The result of a finished `future`, or a Lost naming why there is none. Raises
    concurrent.futures.CancelledError for a future cancelled by the cluster, not by the map
    (the scheduler went away): no file of the run can be answered then."""
    if future.cancelled():
        raise cf.CancelledError("the cluster cancelled the work")
    error = future.exception()
    if error is None:
        return future.result()
    if type(error).__name__ == "KilledWorker":  # distributed.scheduler.KilledWorker
        return Lost(f"worker died (Dask: {one_line(error)})")
    return Lost(f"internal error: {one_line(error)}")


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """No log record and no warning on stderr while Dask works (distributed logs its
    connection attempts and version notes there): what goes wrong is lintgate's one line."""
    previous = logging.root.manager.disable
    logging.disable(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logging.disable(previous)


def one_line(error: BaseException) -> str:
    """`TYPE: first line of the message` (the type alone when there is no message)."""
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0]}" if lines else type(error).__name__


def _seconds(value: float) -> str:
    from lintgate.config.duration import format_duration  # as FileDeadline is written

    return format_duration(value)
