"""Schedules files x linters on a process pool, under a deadline.

Each worker reads a file once, decodes it once, and gives the same text to every enabled
linter; it keeps the settings it found per directory for the whole run. What can go wrong
with one file (unreadable, undecodable, unparsable, a linter crashing) is reported as data,
and the run goes on.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from lintgate import linters
from lintgate.diagnostic import ERROR, Diagnostic
from lintgate.linters.base import ParseError, Project
from lintgate.source import DecodeError, decode


@dataclass
class FileResult:
    """What checking one file gave: `diagnostics` (unsorted), `errors` (one-line messages for
    stderr, each setting exit bit 2)."""

    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class RunResult:
    """A whole run: `files` checked, `diagnostics` sorted, `errors` (deduplicated, in order),
    `unchecked` (display paths the deadline left unchecked), `seconds` of wall time."""

    files: int
    paths: list[str]
    diagnostics: list[Diagnostic]
    errors: list[str]
    unchecked: list[str]
    seconds: float


class Checker:
    """Checks files with the enabled linters; one per worker process.

    project: the run's Project; enabled: linter names in pipeline order.
    """

    def __init__(self, project: Project, enabled: list[str], warn_unmatched: bool = False) -> None:
        self.project = project
        self.enabled = enabled
        self.warn_unmatched = warn_unmatched
        self._settings: dict[tuple[str, Path], object] = {}
        self._settings_errors: dict[tuple[str, Path], str] = {}

    def settings(self, name: str, directory: Path):
        """The settings of linter `name` for `directory`, memoized; raises what the linter's
        settings_for raises (memoized too, so a bad config is reported once per directory)."""
        key = (name, directory)
        if key in self._settings_errors:
            raise _SettingsFailure(self._settings_errors[key])
        if key not in self._settings:
            try:
                self._settings[key] = linters.get(name).settings_for(directory, self.project)
            except Exception as e:  # a bad tool config is the user's input: one line, no traceback
                self._settings_errors[key] = _one_line(e)
                raise _SettingsFailure(self._settings_errors[key]) from None
        return self._settings[key]

    def check(self, path: Path, display: str, raw: bytes | None = None) -> FileResult:
        """Check the file at `path` (absolute); `display` is its path in the output.

        `raw`: the file's bytes when the caller has them already (the fixer checks its result
        before writing it); None reads `path`.
        """
        result = FileResult(display)
        try:
            raw = path.read_bytes() if raw is None else raw
        except OSError as e:
            result.errors.append(f"{display}: cannot read: {e.strerror or e}")
            return result
        try:
            source = decode(raw, is_stub=path.suffix == ".pyi")
        except DecodeError as e:
            result.diagnostics.append(Diagnostic(display, e.line, e.col, "encoding", str(e), ERROR))
            return result
        found: list[Diagnostic] = []
        parsed = False
        for name in self.enabled:
            module = linters.get(name)
            try:
                settings = self.settings(name, path.parent)
                if module.is_excluded(path, settings, self.project):
                    continue
                findings = module.check(source, settings)
            except ParseError as e:
                result.diagnostics = [
                    Diagnostic(display, e.line, e.col, "syntax", e.message, ERROR)
                ]
                return result
            except _SettingsFailure as e:
                result.errors.append(f"{name}: {e}")
                continue
            except Exception as e:  # never a traceback: name the file and the linter, go on
                result.errors.append(f"{display}: {name}: internal error: {_one_line(e)}")
                continue
            parsed = parsed or name in ("black", "imports")
            found.extend(Diagnostic.from_finding(display, name, f) for f in findings)
        if not parsed and self.enabled and "black" not in self.enabled:
            # isort does not parse: with black disabled, black's parser still decides what is
            # a syntax error (with black enabled, black's own exclusion is respected).
            try:
                linters.get("black").parse_only(source, self.settings("black", path.parent))
            except ParseError as e:
                found = [Diagnostic(display, e.line, e.col, "syntax", e.message, ERROR)]
            except Exception:
                pass
        result.diagnostics = self._suppress(found, source.text, display)
        return result

    def _suppress(self, found: list[Diagnostic], text: str, display: str) -> list[Diagnostic]:
        """Drop what the file's `# nolint` directives silence (lintgate.nolint)."""
        if "nolint" not in text:  # the common case costs one substring search
            return found
        from lintgate import nolint

        kept, unmatched = nolint.suppress(found, text)
        if self.warn_unmatched:
            kept += nolint.warn_unmatched(display, unmatched)
        return kept


class _SettingsFailure(Exception):
    pass


def _one_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__


# --- the process pool -------------------------------------------------------------------

_worker: Checker | None = None


def _init_worker(project: Project, enabled: list[str], warn_unmatched: bool) -> None:
    global _worker
    _worker = Checker(project, enabled, warn_unmatched)


def _check_in_worker(item: tuple[str, str]) -> FileResult:
    path, display = item
    return _worker.check(Path(path), display)


def run(
    files: list[Path],
    project: Project,
    enabled: list[str],
    concurrency: int,
    deadline: float = 0.0,
    display=None,
    warn_unmatched: bool = False,
) -> RunResult:
    """Check `files` (absolute paths) with the `enabled` linters on `concurrency` processes.

    `warn_unmatched`: report `nolint` directives that silenced nothing (WarnUnmatchedDirective).

    `deadline`: seconds for the whole run, 0 for none; when it passes, the files not yet
    checked are listed in `unchecked` and the findings so far are kept.
    `display(path) -> str` gives each file's output path.
    """
    start = time.monotonic()
    display = display or (lambda p: os.path.relpath(p, project.cwd).replace(os.sep, "/"))
    items = [(str(p), display(p)) for p in files]
    results: list[FileResult] = []
    limit = start + deadline if deadline > 0 else None
    done: set[str] = set()

    def expired() -> bool:
        return limit is not None and time.monotonic() >= limit

    if concurrency <= 1 or len(items) <= 1:
        checker = Checker(project, enabled, warn_unmatched)
        for path, shown in items:
            if expired():
                break
            results.append(checker.check(Path(path), shown))
            done.add(shown)
    else:
        ctx = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
        pool = ctx.Pool(
            min(concurrency, len(items)), _init_worker, (project, enabled, warn_unmatched)
        )
        try:
            chunk = max(1, min(16, len(items) // (concurrency * 8)))
            it = pool.imap_unordered(_check_in_worker, items, chunksize=chunk)
            while len(done) < len(items):
                timeout = None if limit is None else max(0.0, limit - time.monotonic())
                try:
                    result = it.next(timeout) if timeout is not None else next(it)
                except multiprocessing.TimeoutError:
                    break
                except StopIteration:
                    break
                results.append(result)
                done.add(result.path)
            pool.close() if len(done) == len(items) else pool.terminate()
        finally:
            pool.terminate()
            pool.join()

    diagnostics = sorted(d for r in results for d in r.diagnostics)
    errors = list(dict.fromkeys(e for r in sorted(results, key=lambda r: r.path) for e in r.errors))
    unchecked = [shown for _, shown in items if shown not in done]
    paths = [r.path for r in results]
    return RunResult(len(results), paths, diagnostics, errors, unchecked, time.monotonic() - start)


# --- a generic map on the same kind of pool (used by lintgate.fix) -----------------------

_task = None


def _init_task(factory, args: tuple) -> None:
    global _task
    _task = factory(*args)


def _run_task(indexed: tuple[int, object]) -> tuple[int, object]:
    index, item = indexed
    return index, _task(item)


def map_unordered(factory, args: tuple, items: list, concurrency: int, deadline: float = 0.0):
    """Call `factory(*args)(item)` for every item of `items` on `concurrency` processes, one
    worker object per process (so its memos last the whole run), as `run` does for the check.

    `factory` and `args` must be picklable when processes are spawned (a module-level class
    and plain data). `deadline`: seconds for the whole run, 0 for none.
    Returns {index in items: result} for the items finished before the deadline.
    """
    limit = time.monotonic() + deadline if deadline > 0 else None
    done: dict[int, object] = {}
    if concurrency <= 1 or len(items) <= 1:
        worker = factory(*args)
        for index, item in enumerate(items):
            if limit is not None and time.monotonic() >= limit:
                break
            done[index] = worker(item)
        return done
    ctx = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    pool = ctx.Pool(min(concurrency, len(items)), _init_task, (factory, args))
    try:
        chunk = max(1, min(16, len(items) // (concurrency * 8)))
        it = pool.imap_unordered(_run_task, list(enumerate(items)), chunksize=chunk)
        while len(done) < len(items):
            timeout = None if limit is None else max(0.0, limit - time.monotonic())
            try:
                index, result = it.next(timeout) if timeout is not None else next(it)
            except (multiprocessing.TimeoutError, StopIteration):
                break
            done[index] = result
        if len(done) == len(items):
            pool.close()
    finally:
        pool.terminate()
        pool.join()
    return done
