"""`--fix` with external linters that fix (`FixCommand`, e.g. `ruff check --fix --exit-zero`):
a step of the fixer's pipeline (lintgate.engine.fixcore.Step) that runs the command on a
temporary copy of the text beside the file (same directory, so the tool finds the same
configuration; lintgate.external.tempcopy) as its own process group, killed at the deadline,
and takes the copy's new text; the file itself is written once, by the fixer,
as for the in-process fixers. External fixers run first (before imports, isort and black,
which then format their result), in their definitions' order; each runs on every file sent
to the fixer and applies all its fixes (its own rules: `nolint` and Exclude shape only the
report)."""

from __future__ import annotations

import os
import shlex
import signal
import time
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Callable, Iterator

from lintgate.engine.fixcore import Step
from lintgate.external import registry
from lintgate.external.definition import ExternalDefinition
from lintgate.external.process import STDERR_LINES, quoted, run_batch, tool_env
from lintgate.external.tempcopy import copy_path

FIX_SECONDS = 120.0  # one file's fix; FileDeadline bounds the worker too


def fixers(enabled: list[str] | tuple[str, ...]) -> list[ExternalDefinition]:
    """The enabled external linters that have a FixCommand, in `enabled`'s order."""
    found = [registry.get(n) for n in enabled]
    return [d for d in found if d is not None and d.fix_command]


def steps(
    enabled: list[str] | tuple[str, ...], path: Path, root: Path, limit: float | None = None
) -> list[Step]:
    """The pipeline steps of the external fixers for the file at `path` (absolute) in the
    project `root` (Python files only). `limit`: the time.monotonic() instant by which a fix
    must be done (the run's Deadline, the file's FileDeadline; None: FIX_SECONDS only)."""
    if path.suffix not in (".py", ".pyi"):
        return []
    return [Step(d.name, _fixer(d, path, root, limit), lambda text: True) for d in fixers(enabled)]


def _fixer(
    d: ExternalDefinition, path: Path, root: Path, limit: float | None
) -> Callable[[str], str]:
    def fix(text: str) -> str:
        return fix_text(d, path, root, text, limit)

    return fix


class _Terminated(BaseException):
    """SIGTERM reached a worker while its FixCommand ran (the run's deadline or its end)."""


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise _Terminated(signum)


@contextmanager
def _terminable() -> Iterator[None]:
    """While the block runs, SIGTERM raises _Terminated where its action is the default (a
    worker of the pool, lintgate.executor, which the pool stops with SIGTERM at the deadline
    and on SIGINT/SIGTERM of lintgate): so the FixCommand's process group is killed and the
    temporary copy removed on the way out. Elsewhere (lintgate itself, which raises on
    SIGTERM already; a thread) nothing changes."""
    try:
        previous = signal.getsignal(signal.SIGTERM)
        if previous != signal.SIG_DFL:
            previous = None
        else:
            signal.signal(signal.SIGTERM, _on_sigterm)
    except ValueError:  # not the main thread
        previous = None
    try:
        yield
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def fix_text(
    d: ExternalDefinition, path: Path, root: Path, text: str, limit: float | None = None
) -> str:
    """`text` after `d.fix_command` ran on a temporary copy of it beside `path`
    (lintgate.external.tempcopy), run from the project root, as its own process group
    (lintgate.external.process.run_batch). At `limit` (time.monotonic(); None: none) or after
    FIX_SECONDS, and when lintgate is stopped (SIGINT, SIGTERM), the whole group is killed;
    the copy is removed whatever happens. Raises RuntimeError (one line) when the command
    fails (an exit status outside {0} and FindingsExitCodes), cannot start or did not finish:
    the file is then left as it is."""
    copy = copy_path(path, "fix")
    until = time.monotonic() + FIX_SECONDS
    limit = until if limit is None else min(limit, until)
    try:
        with _terminable():
            copy.write_text(text, encoding="utf-8", errors="surrogateescape", newline="\n")
            rel = os.path.relpath(copy, root)
            argv = [*shlex.split(d.fix_command), rel]
            env = tool_env(dict(d.env))
            try:
                ran = run_batch(argv, str(root), env, limit)
            except OSError as e:
                raise RuntimeError(f"cannot run {argv[0]!r}: {e}") from None
            if ran.status is None:
                raise RuntimeError("did not finish before the deadline (Deadline, FileDeadline)")
            if ran.status != 0 and ran.status not in d.findings_exit_codes:
                said = quoted(ran)[-STDERR_LINES:]
                raise RuntimeError(f"exited with status {ran.status}: {' | '.join(said)}")
            fixed = copy.read_bytes().decode("utf-8", "surrogateescape")
    finally:
        try:
            copy.unlink()
        except OSError:
            pass
    return fixed.replace("\r\n", "\n")
