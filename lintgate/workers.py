"""What a worker process and the engine share about one item of work, without the pool: the
Lost record, the parent-alive check before a write, and the test-only fault injection.
Kept apart from lintgate.executor so that a run answered from the cache imports neither the
pool nor what it needs (socket, pickle, faulthandler)."""

from __future__ import annotations

import os
import signal
import time
from typing import NamedTuple

FAULT_ENV = "LINTGATE_TEST_FAULT"  # test-only fault injection, see `injected_fault`


class Lost(NamedTuple):
    """An item no result came back for: `cause` is one line, e.g. "worker died (signal
    SIGSEGV)", "took longer than 2s (FileDeadline)", "internal error: ValueError: ..."."""

    cause: str


def parent_alive(parent: int) -> bool:
    """Whether the process `parent` (a pid) is still this process's parent: a worker checks
    before writing a file, where PR_SET_PDEATHSIG is not available."""
    return os.getppid() == parent


def injected_fault(name: str) -> None:
    """Test-only: when the environment variable LINTGATE_TEST_FAULT is `ACTION:NAME` and
    `name` (a display path) is NAME, do ACTION in this worker: `segv` (kill itself with
    SIGSEGV), `kill` (SIGKILL), `hang` (sleep for an hour), `stubborn` (ignore SIGTERM, then
    sleep), `raise` (RuntimeError)."""
    spec = os.environ.get(FAULT_ENV)
    if not spec or ":" not in spec:
        return
    action, _, target = spec.partition(":")
    if target != name:
        return
    if action == "segv":
        os.kill(os.getpid(), signal.SIGSEGV)
    elif action == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    elif action == "hang":
        time.sleep(3600)
    elif action == "stubborn":  # deaf to SIGTERM, as a worker stuck in native code may seem
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        time.sleep(3600)
    elif action == "raise":
        raise RuntimeError("injected fault")
