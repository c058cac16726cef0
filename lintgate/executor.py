"""The executor: runs one function over many items on worker processes, and survives them.

`ForkPool` is a small fork-based pool with one socket pair per worker and one task in flight
per worker, so that the parent always knows which item a worker holds. It is used instead of
multiprocessing.Pool (which never notices a dead worker: its task is never answered and the
run hangs) and concurrent.futures.ProcessPoolExecutor (where one dead worker breaks the whole
pool). What it guarantees:

- a worker that dies (a signal such as SIGSEGV from a native parser, the OOM killer, kill -9)
  is replaced; its item is answered with a `Lost` naming the cause, and the run goes on;
- an item that takes longer than `task_limit` seconds is answered with a `Lost`; its worker is
  killed and replaced;
- at the `deadline` (a time.monotonic() value) the map stops; items not answered are not
  yielded (the caller names them unchecked);
- on any way out (the end, the deadline, an exception such as the parent's SIGTERM handler's)
  the workers are asked to stop (SIGTERM), and killed after `GRACE` seconds;
- workers die with the parent (Linux: prctl PR_SET_PDEATHSIG; elsewhere `parent_alive`).

`SerialExecutor` runs in-process (tests, platforms without fork); lintgate.dask_executor's
`DaskExecutor` on a Dask cluster (the Executor setting); `make_executor` chooses.
"""

from __future__ import annotations

import faulthandler
import os
import pickle
import signal
import socket
import struct
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Generic, Protocol, TypeVar, cast

from lintgate.context import current
from lintgate.workers import Lost, parent_alive

Item = TypeVar("Item")
Result = TypeVar("Result")
Item_contra = TypeVar("Item_contra", contravariant=True)
Result_co = TypeVar("Result_co", covariant=True)

GRACE = 1.0  # seconds a stopping worker gets between SIGTERM and SIGKILL
CPU_FACTOR = 4  # at most this many workers per CPU, whatever -j asks
STOP_SIGNALS = {signal.SIGTERM, signal.SIGINT}
_HEADER = struct.Struct("!Q")  # the length of each pickled message
_LIVE = "lintgate.executor.live"  # the run's memo {id: ForkPool with workers} (stop_live)


class Executor(Protocol[Item_contra, Result_co]):
    """Maps a function over items, yielding (index in items, result or Lost) as they finish."""

    def map_unordered(
        self, items: Sequence[Item_contra], deadline: float | None = None
    ) -> Iterator[tuple[int, Result_co | Lost]]:
        """`deadline`: a time.monotonic() value after which no more results are yielded."""
        ...


def pool_size(requested: int, items: int) -> int:
    """The workers worth starting: no more than `requested`, the `items` to do, and
    CPU_FACTOR per CPU (more would only share the same cores); at least 1."""
    cpus = os.cpu_count() or 1
    return max(1, min(requested, items, CPU_FACTOR * cpus))


def make_executor(
    make_worker: Callable[[], Callable[[Item], Result]],
    processes: int,
    items: int,
    task_limit: float | None = None,
    remote: tuple[str, Callable[[Item], Result]] | None = None,
    keep: bool = False,
) -> Executor[Item, Result]:
    """The executor for a run of `items` items on `processes` requested workers: a ForkPool
    where fork exists (even for one worker: a parent stuck in native code could not honour
    SIGTERM, and a crash or a runaway file must not take the run down), else SerialExecutor.
    `remote`: (a Dask scheduler's address, the picklable work) for the cluster's executor
    instead (lintgate.dask_executor; its workers, not `processes`, decide the parallelism).
    `keep`: the ForkPool's workers outlive each map that answers all its items, for the next
    one, until its `close()` (a run dispatching its work in chunks)."""
    if remote is not None:
        from lintgate.dask_executor import DaskExecutor

        return DaskExecutor(remote[0], remote[1], task_limit)
    if not hasattr(os, "fork"):
        return SerialExecutor(make_worker)
    return ForkPool(make_worker, pool_size(processes, items), task_limit, keep)


class SerialExecutor(Generic[Item, Result]):
    """Runs the items in this process, in order; an exception becomes a Lost. The deadline
    is checked between items; there is no per-item limit."""

    def __init__(self, make_worker: Callable[[], Callable[[Item], Result]]) -> None:
        self.make_worker = make_worker

    def map_unordered(
        self, items: Sequence[Item], deadline: float | None = None
    ) -> Iterator[tuple[int, Result | Lost]]:
        worker = self.make_worker()
        for index, item in enumerate(items):
            if deadline is not None and time.monotonic() >= deadline:
                return
            try:
                yield index, worker(item)
            except Exception as e:
                yield index, Lost(f"internal error: {_one_line(e)}")


class _Worker:
    """One forked worker: its `pid`, the parent's end of its socket pair, the item it holds
    (`index`, None when idle) and when it took it (`since`, time.monotonic())."""

    def __init__(self, pid: int, conn: socket.socket) -> None:
        self.pid = pid
        self.conn = conn
        self.index: int | None = None
        self.since = 0.0


class ForkPool(Generic[Item, Result]):
    """A fork-based pool of `processes` workers, each built by `make_worker()` in the child
    (after the fork, so it inherits what the parent has loaded) and given one item at a time,
    sent to it pickled (so a worker forked early can take items the parent made later).
    `task_limit`: seconds one item may take (None: no limit). `keep`: a map that answered all
    its items leaves its workers for the next map (else each map ends them); `close()` ends
    them, as does any map that ends early (deadline, exception)."""

    def __init__(
        self,
        make_worker: Callable[[], Callable[[Item], Result]],
        processes: int,
        task_limit: float | None = None,
        keep: bool = False,
    ) -> None:
        self.make_worker = make_worker
        self.processes = max(1, processes)
        self.task_limit = task_limit if task_limit and task_limit > 0 else None
        self.keep = keep
        self._workers: list[_Worker] = []

    def map_unordered(
        self, items: Sequence[Item], deadline: float | None = None
    ) -> Iterator[tuple[int, Result | Lost]]:
        todo = list(range(len(items)))
        todo.reverse()  # pop() from the end gives the items in their order
        current().memo(_LIVE)[id(self)] = self  # a second stop signal ends it too (stop_live)
        waiting = len(items)
        try:
            while len(self._workers) < min(self.processes, len(items)):
                self._workers.append(self._spawn())
            while waiting:
                for worker in self._workers:
                    if worker.index is None and todo:
                        self._give(worker, todo.pop(), items)
                for index, answer in self._collect(deadline, todo):
                    waiting -= 1
                    yield index, answer
                if deadline is not None and time.monotonic() >= deadline:
                    return
        finally:
            if waiting or not self.keep:
                self._stop()

    def close(self) -> None:
        """End the workers a `keep` pool kept (nothing when none are left)."""
        self._stop()

    # --- the parent's side ---

    def _spawn(self) -> _Worker:
        parent_end, child_end = socket.socketpair()
        parent = os.getpid()
        # Held while forking: a signal then waits for the parent's handler, not a copy of it
        # in the child (which resets both before letting them through).
        before = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        try:
            pid = os.fork()
            if pid == 0:  # pragma: no cover - the child; it never returns
                parent_end.close()
                for other in self._workers:
                    other.conn.close()
                self._child(child_end, parent)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, before)
        child_end.close()
        return _Worker(pid, parent_end)

    def _give(self, worker: _Worker, index: int, items: Sequence[Item]) -> None:
        worker.index, worker.since = index, time.monotonic()
        try:
            _send(worker.conn, items[index])
        except OSError:
            pass  # it died: its end reads as EOF in _collect, which reports it

    def _collect(self, deadline: float | None, todo: list[int]) -> list[tuple[int, Result | Lost]]:
        """Wait (until the deadline or the first item over its limit) for answers; replace the
        workers that died or ran over. Returns the answers that came."""
        from multiprocessing.connection import wait

        busy = [w for w in self._workers if w.index is not None]
        timeout = self._timeout(busy, deadline)
        ready = wait([w.conn for w in busy], timeout)
        answers: list[tuple[int, Result | Lost]] = []
        now = time.monotonic()
        for worker in busy:
            index = worker.index
            assert index is not None
            answer: Result | Lost
            if worker.conn in ready:
                try:
                    answer = cast(Result, _receive(worker.conn))
                except (EOFError, OSError, pickle.UnpicklingError):
                    answer = Lost(self._death(worker))
                else:
                    worker.index = None
                    answers.append((index, answer))
                    continue
            elif self.task_limit is not None and now - worker.since >= self.task_limit:
                self._kill(worker)
                answer = Lost(f"took longer than {_seconds(self.task_limit)} (FileDeadline)")
            else:
                continue
            answers.append((index, answer))
            self._workers.remove(worker)
            if todo:
                self._workers.append(self._spawn())
        return answers

    def _timeout(self, busy: list[_Worker], deadline: float | None) -> float | None:
        ends = [] if deadline is None else [deadline]
        if self.task_limit is not None:
            ends += [w.since + self.task_limit for w in busy]
        return max(0.0, min(ends) - time.monotonic()) if ends else None

    def _death(self, worker: _Worker) -> str:
        """Reap a worker whose socket closed; its cause of death, one line."""
        worker.conn.close()
        _, status = os.waitpid(worker.pid, 0)
        if os.WIFSIGNALED(status):
            number = os.WTERMSIG(status)
            try:
                name = signal.Signals(number).name
            except ValueError:
                name = str(number)
            return f"worker died (signal {name})"
        return f"worker died (exit status {os.waitstatus_to_exitcode(status)})"

    def _kill(self, worker: _Worker) -> None:
        worker.conn.close()
        try:
            os.kill(worker.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(worker.pid, 0)

    def _stop(self) -> None:
        """End every worker: EOF on its socket (an idle worker exits), SIGTERM (a busy one;
        a write in progress finishes first, see lintgate.fix.write_atomic), then SIGKILL
        for what is left after GRACE seconds; reap them all. The stop signals are held
        meanwhile, and a second stop (stop_live, from lintgate.cli's handler of a second
        signal, which may run here all the same) ends the same workers: the files lintgate
        then names as written include every write in progress."""
        before = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        try:
            self._reap()
        finally:
            current().memo(_LIVE).pop(id(self), None)
            signal.pthread_sigmask(signal.SIG_SETMASK, before)

    def _reap(self) -> None:
        workers = list(self._workers)  # cleared only once they are all gone (see _stop)
        for worker in workers:
            worker.conn.close()
            if worker.index is not None:
                _signal(worker.pid, signal.SIGTERM)
        end = time.monotonic() + GRACE
        alive = {w.pid for w in workers}
        while alive and time.monotonic() < end:
            for pid in list(alive):
                if _reaped(pid, os.WNOHANG):
                    alive.discard(pid)
            if alive:
                time.sleep(0.005)
        for pid in alive:
            _signal(pid, signal.SIGKILL)
            _reaped(pid, 0)
        self._workers = []

    # --- the child's side ---

    def _child(self, conn: socket.socket, parent: int) -> None:
        """The worker's life: set up signals, then answer one item at a time until EOF.
        Never returns; nothing is printed (the parent reports everything)."""
        code = 0
        try:
            _die_with_parent()
            if not parent_alive(parent):
                os._exit(0)
            # SIGTERM keeps its default action, so stopping a worker works even in native
            # code; SIGINT (Ctrl-C reaches the whole process group) is the parent's to handle.
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
            faulthandler.disable()  # a crash is the parent's one line, not a dump on stderr
            work = self.make_worker()
            while True:
                try:
                    item = cast(Item, _receive(conn))
                except EOFError:
                    break
                try:
                    answer: object = work(item)
                except Exception as e:
                    answer = Lost(f"internal error: {_one_line(e)}")
                _send(conn, answer)
        except BaseException:  # the parent is gone or stopping us: leave quietly
            code = 1
        finally:
            os._exit(code)


def stop_live() -> None:
    """End the workers of every pool of the active run still mapping (ForkPool._stop), e.g.
    on a second SIGINT, so that what lintgate then reports was written before it ends."""
    for pool in list(current().memo(_LIVE).values()):
        pool._stop()


def _die_with_parent() -> None:
    """Linux: have the kernel send this process SIGTERM when its parent dies (SIGTERM, not
    SIGKILL, so that a file write in progress, which holds SIGTERM back, completes)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGTERM), 0, 0, 0)  # 1: PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _send(conn: socket.socket, obj: object) -> None:
    data = pickle.dumps(obj, pickle.HIGHEST_PROTOCOL)
    conn.sendall(_HEADER.pack(len(data)) + data)


def _receive(conn: socket.socket) -> object:
    (size,) = _HEADER.unpack(_read(conn, _HEADER.size))
    return pickle.loads(_read(conn, size))


def _read(conn: socket.socket, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = conn.recv(min(left, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _reaped(pid: int, options: int) -> bool:
    """os.waitpid(pid, options): whether the worker `pid` is gone (reaped now or before)."""
    try:
        return bool(os.waitpid(pid, options)[0])
    except ChildProcessError:  # reaped already, by a second stop
        return True


def _signal(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass


def _seconds(value: float) -> str:
    from lintgate.config.duration import format_duration  # as FileDeadline is written

    return format_duration(value)


def _one_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0]}" if lines else type(error).__name__
