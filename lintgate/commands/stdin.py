"""`lintgate --stdin-filename PATH`: check the source read from stdin as if it were the file
PATH, as ruff's and black's `--stdin-filename` do (for editors and pre-commit-like hooks).

PATH need not exist (a directory is an error). lintgate's own config is found as for any
run (from the working directory). PATH decides everything a file's path decides: the isort and black
settings (found from PATH's directory, as with `lintgate PATH`), their exclusions of PATH,
lintgate's Skip and Vendor (a skipped PATH gets no findings), the Exclude/Include filters and
the path printed in the findings. The result cache is not used (the source is not a file).
External linters run on a temporary copy of the source beside PATH (`external_check`).
With `--fix` the fixed source is printed on stdout and nothing is written (ruff's
`--fix --stdin-filename`; black's `-`): the source unchanged when there is nothing to fix;
what remains goes to stderr as `--diff`'s report does. With `--diff`, the patch on stdout.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from lintgate.commands.common import (
    FAILURE,
    Invocation,
    Prepared,
    filter_options,
    new_code,
    report,
)
from lintgate.console import say, stdout_writes, write_all
from lintgate.engine.records import FileResult, RunResult
from lintgate.linters.base import Project, common_base
from lintgate.verbose import Verbose

__all__ = ["stdin_run"]


def stdin_run(inv: Invocation) -> int:
    """Check (or with --fix/--diff, fix) stdin's bytes as the file `--stdin-filename` names;
    returns the exit status."""
    args, config, cwd = inv.args, inv.config, inv.cwd
    if args.paths:
        say("--stdin-filename: no paths may be given (the source is read from stdin)")
        return FAILURE
    path = Path(os.path.abspath(os.path.join(cwd, args.stdin_filename)))
    if path.is_dir():
        say(f"--stdin-filename: {args.stdin_filename}: is a directory")
        return FAILURE
    display = os.path.relpath(path, cwd).replace(os.sep, "/")
    try:
        changes = new_code(args, cwd)
    except ValueError as e:
        say(str(e))
        return FAILURE
    limit = config.max_file_size
    raw = sys.stdin.buffer.read(limit + 1 if limit else -1)
    start = time.monotonic()
    near = _existing(path.parent)  # the settings searches start where PATH would be
    project = Project(
        inv.root, cwd, near, common_base([os.path.relpath(near, cwd)], cwd),
        frozenset({str(path)}), limit, (),
    )  # fmt: skip
    prepared = Prepared(0, [path], project, changes)
    trace = Verbose(args.verbose)
    trace.describe_run(config.path, inv.root, cwd)
    trace.describe_settings(config.enabled, project)
    fixing = args.fix or args.diff
    result = FileResult(display)
    fixed = None
    if not _skipped(path, inv):
        result, fixed = _fix(inv, project, path, display, raw) if fixing else (
            _check(inv, project, path, display, raw), None
        )  # fmt: skip
    unchecked: list[str] = []
    if not _skipped(path, inv):
        found = external_check(inv, project, path, display, raw if fixed is None else fixed)
        result.diagnostics += found.diagnostics
        result.errors += [e for e in found.errors if e not in result.errors]
        unchecked = found.unchecked
    checked = 0 if unchecked else 1
    run = RunResult(checked, [display], sorted(result.diagnostics), result.errors, unchecked, 0.0)
    run.seconds = trace.phases["linting"] = time.monotonic() - start
    status = 0
    with stdout_writes():
        if args.diff:
            from lintgate.engine.fixcore import unified_diff

            patch = unified_diff(raw, fixed, display) if fixed is not None else b""
            write_all(sys.stdout.buffer, patch)
            status |= 1 if patch else 0
        elif fixing:
            write_all(sys.stdout.buffer, raw if fixed is None else fixed)
    report_to = sys.stderr if fixing else sys.stdout
    with trace.phase("reporting"):
        status |= report(inv, prepared, run, report_to, counts=not args.diff)
    trace.describe_result({})
    return status


def _existing(directory: Path) -> Path:
    """`directory`, or its nearest ancestor that exists (PATH need not exist)."""
    while not directory.is_dir() and directory.parent != directory:
        directory = directory.parent
    return directory


def _skipped(path: Path, inv: Invocation) -> bool:
    """Whether lintgate's Skip patterns (relative to the project root) or Vendor skip PATH, as
    discovery skips a file named on the command line."""
    from lintgate.discovery import VENDOR_DIRS, skip_spec

    root = os.path.join(str(inv.root), "")
    rel = str(path)[len(root) :] if str(path).startswith(root) else None
    parts = (rel if rel is not None else str(path)).split(os.sep)[:-1]
    if inv.config.vendor and any(p in VENDOR_DIRS for p in parts):
        return True
    spec = skip_spec(inv.config.skip)
    return bool(spec and rel is not None and spec.match_file(rel.replace(os.sep, "/")))


def _check(inv: Invocation, project: Project, path: Path, display: str, raw: bytes) -> FileResult:
    """The enabled linters' check of `raw` at `path`, without the cache."""
    from lintgate.context import run_scope
    from lintgate.engine.check import Checker

    with run_scope():
        checker = Checker(project, list(inv.config.enabled), inv.config.warn_unmatched_directive)
        return checker.check_file(path, display, raw)


def _fix(
    inv: Invocation, project: Project, path: Path, display: str, raw: bytes
) -> tuple[FileResult, bytes | None]:
    """The fixer's result on `raw` at `path` (nothing written) and the fixed bytes (None:
    unchanged)."""
    from lintgate.context import run_scope
    from lintgate.fix import FileFix, Fixer, deadline_instant

    config = inv.config
    with run_scope():
        fixer = Fixer(
            project,
            config.enabled,
            config.warn_unmatched_directive,
            filter_options(config),
            False,
            limits=(deadline_instant(config.deadline), 0.0),  # an external FixCommand's
        )
        fixer.limit = fixer.limits[0]
        result = fixer.fix_bytes(path, display, raw, FileFix(display))
    return result, result.fixed


def external_check(
    inv: Invocation, project: Project, path: Path, display: str, raw: bytes
) -> RunResult:
    """What the enabled external linters (issue 14) find in `raw` as the file `path`: the bytes
    are written to a temporary copy beside PATH (in its nearest existing directory; so a tool
    finds the configuration it would find for PATH; lintgate.external.tempcopy), the tools
    run on the copy without the cache under the run's Deadline, and their findings, errors
    and unchecked files are reported as `display`'s. The copy is removed whatever happens.
    An empty result when no external linter is enabled or the copy cannot be written (then
    one error naming the linters)."""
    from lintgate.config import effective_concurrency
    from lintgate.engine import run as engine
    from lintgate.external import registry
    from lintgate.external.tempcopy import copy_path

    config = inv.config
    names = [n for n in config.enabled if registry.is_external(n)]
    nothing = RunResult(0, [], [], [], [], 0.0)
    if not names:
        return nothing
    copy = copy_path(_existing(path.parent) / path.name, "stdin")
    try:
        try:
            copy.write_bytes(raw)
        except OSError as e:
            why = f"{display}: cannot write a temporary copy for {', '.join(names)}: "
            nothing.errors.append(why + (e.strerror or str(e)))
            return nothing
        checked = engine.run(
            [copy],
            project,
            names,
            effective_concurrency(config),
            config.deadline,
            display=lambda _: display,
            file_deadline=config.file_deadline,
        )
    finally:
        try:
            copy.unlink()
        except OSError:
            pass
    checked.diagnostics = [d for d in checked.diagnostics if registry.is_external(d.linter)]
    return checked
