"""The check of one file on a Dask worker (lintgate.dask_executor; docs/dask.md).

A forked worker inherits the parent's Checker; a Dask worker gets only what pickles. So the
work sent is a `RemoteCheck`: the run's Project, its in-process linters, its
WarnUnmatchedDirective, the linter plugins the parent loaded (LINTGATE_PLUGINS) and a token
naming the run. The worker rebuilds the run's Checker from them on its first item and keeps
it for the run's other items (its settings per directory are then read once per worker, as
in a forked worker); a later run's token replaces it.
"""

from __future__ import annotations

import importlib
import os
import threading
from typing import Any, Callable

from lintgate.context import RunContext, run_scope
from lintgate.engine.check import Checker
from lintgate.engine.records import Done, Work
from lintgate.linters.base import Project

# On a Dask worker only: the Checker of the run it serves, by token (one run at a time; a
# new token drops the last run's). lintgate's own process never fills it.
_SERVING: dict[str, Checker] = {}
_LOCK = threading.Lock()  # a worker may run several threads (`--nthreads`)


class RemoteCheck:
    """The work of a Dask worker: `check(work) -> Done`, as the fork pool's Checker. Pickles
    (Project and the names are plain data). `plugins`: the module names of LINTGATE_PLUGINS
    to import on the worker; `token`: the run's (uuid4 hex); `versions`: the run's
    lintgate.versions.version_line, which the worker's must be (a worker that joined the
    cluster after lintgate checked them all gives no verdict, rather than a wrong one cached
    under this version)."""

    def __init__(
        self,
        project: Project,
        enabled: list[str],
        warn_unmatched: bool,
        plugins: tuple[str, ...],
        token: str,
        versions: str,
    ) -> None:
        self.project = project
        self.enabled = enabled
        self.warn_unmatched = warn_unmatched
        self.plugins = plugins
        self.token = token
        self.versions = versions

    def __repr__(self) -> str:  # the name of its tasks on the cluster's dashboard
        return "lintgate-check"

    def __call__(self, work: Work) -> Done:
        checker = self._checker()
        with run_scope(checker.context):
            return checker(work)

    def _checker(self) -> Checker:
        with _LOCK:
            checker = _SERVING.get(self.token)
            if checker is None:
                from lintgate.versions import version_line

                if version_line() != self.versions:
                    raise RuntimeError(
                        f"this worker runs {version_line()}, the run {self.versions}"
                    )
                for module in self.plugins:  # each registers its linters once, on import
                    importlib.import_module(module)
                _SERVING.clear()
                with run_scope(RunContext()):
                    checker = Checker(self.project, self.enabled, self.warn_unmatched)
                _SERVING[self.token] = checker
            return checker


def remote_work(executor: str, checker: Checker) -> tuple[str, Callable[[Work], Any]] | None:
    """What the pool needs to send `checker`'s work to the Executor `executor` (a Dask
    scheduler's address): (address, RemoteCheck); None for the fork pool (`local`, "")."""
    import uuid

    from lintgate.dask_executor import is_remote
    from lintgate.versions import version_line

    if not is_remote(executor):
        return None
    plugins = os.environ.get("LINTGATE_PLUGINS", "").split(",")
    names = tuple(m.strip() for m in plugins if m.strip())
    token = uuid.uuid4().hex
    remote = RemoteCheck(
        checker.project, checker.enabled, checker.warn_unmatched, names, token, version_line()
    )
    return executor, remote
