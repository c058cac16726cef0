"""`lintgate --fix` and `lintgate --diff` through the check's engine and result cache
(imports and exports included): plan, answer from the cache, then the fixer
(lintgate.fix.Fixer) on the executor for every file the cache does not settle, and the
fixer's check of the bytes it read recorded in the cache.

A file is settled by the cache when it answers all the file needs and that answer holds no
error and no finding the run keeps of an enabled linter that fixes (or a `syntax` or
`encoding` finding: never touched); it is then reported as cached, without a worker. Every
other file, every symbolic link (the fixer says when it will not follow one) and the other
paths of the same files go to the fixer, which checks, fixes, checks again and writes once.
"""

from __future__ import annotations

import copy
import os
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, BinaryIO, Sequence, TextIO

from lintgate import fixwatch
from lintgate.commands.common import (
    Invocation,
    filter_options,
    finish_cache,
    open_run,
    report,
)
from lintgate.config import Config, effective_concurrency
from lintgate.console import stdout_writes, warn, write_all
from lintgate.context import run_scope
from lintgate.engine.dispatch import file_size, map_unordered
from lintgate.engine.records import FileResult, RunResult
from lintgate.linters.base import Project
from lintgate.workers import Lost


@dataclass
class FixRun(RunResult):
    """A whole --fix or --diff run: RunResult's fields (diagnostics: what remains), plus
    `fixed` (display paths whose bytes changed, or would), `diffs` (in path order, --diff),
    `notes` (stderr lines that are not errors), `write` (False for --diff)."""

    fixed: list[str] = field(default_factory=list)
    diffs: list[bytes] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    write: bool = True


def fix(inv: Invocation) -> int:
    """Run --fix (or --diff: compute, write nothing); returns the exit status. With -v, what
    it used and its timings go to stderr too (lintgate.verbose)."""
    opened = open_run(inv)
    if isinstance(opened, int):
        return opened
    trace, prepared, cache, start = opened
    store = getattr(cache, "store", None)
    with trace.phase("fixing"):
        result = fix_run(prepared.files, prepared.project, inv.config, store, not inv.args.diff)
    with stdout_writes():  # what remains is reported as usual; --diff owns stdout
        prepared.status |= emit(result, sys.stdout.buffer, sys.stderr)
    fixwatch.forget()  # their `fixed` lines are printed: an interruption now adds none
    with trace.phase("cache export"):
        prepared.status |= finish_cache(cache)
    result.seconds = time.monotonic() - start  # the cache import and export included
    report_to = sys.stderr if inv.args.diff else sys.stdout
    # --diff: bit 1 means "there is a diff" (emit)
    with trace.phase("reporting"):
        status = report(inv, prepared, result, report_to, counts=not inv.args.diff)
    trace.describe_result({})
    return status


def fix_run(
    files: Sequence[Path], project: Project, config: Config, store: Any, write: bool
) -> FixRun:
    """Fix `files` (absolute paths): plan and answer from the cache (`store`, or None) as the
    check does; the files the cache answers with nothing to fix keep that answer, the others
    go to the fixer, whose check of the bytes it read is recorded in the cache."""
    from lintgate import fix
    from lintgate.engine import run as engine

    with run_scope():
        planned = engine.plan_and_answer(
            files, project, config.enabled, config.warn_unmatched_directive, store, warn
        )
        settled = {**planned.large, **_settled(planned.plans, config)}
        show = {str(p): _display(p, project) for p in files}
        chosen = [p for p in files if show[str(p)] not in settled or os.path.islink(p)]
        same = {os.path.realpath(p) for p in chosen}
        chosen = [p for p in files if os.path.realpath(p) in same]
        fixes, unchecked = fix_files(chosen, project, config, write)
        by_display = {plan.display: plan for plan in planned.plans}
        fresh = [
            entry
            for f in fixes
            if f.path in by_display
            for entry in _to_record(by_display[f.path], f.checked, f.written)
        ]
        if fresh:
            planned.cache(lambda s: s.put_results(fresh))
    paths = {show[str(p)] for p in chosen}
    results = [r for r in settled.values() if r.path not in paths] + fixes
    left = set(external_findings(results, files, project, config, store))
    unchecked = sorted(set(unchecked) | left)
    results.sort(key=lambda r: r.path)
    fixed = [r for r in results if isinstance(r, fix.FileFix)]
    return FixRun(
        files=sum(not r.lost and r.path not in left for r in results),
        paths=[r.path for r in results if not r.lost and r.path not in left],
        diagnostics=sorted(d for r in results for d in r.diagnostics),
        errors=list(dict.fromkeys(e for r in results for e in r.errors)),
        unchecked=unchecked,
        seconds=0.0,
        cached=sum(r.cached for r in results),
        lost=[r.path for r in results if r.lost],
        fixed=[r.path for r in fixed if r.changed],
        diffs=[r.diff for r in fixed if r.diff],
        notes=[n for r in fixed for n in r.notes],
        write=write,
    )


def external_findings(
    results: list[Any], files: Sequence[Path], project: Project, config: Config, store: Any
) -> list[str]:
    """Add to `results` (FileResults by display path) what the enabled external linters find
    in the files as they are now (fixed, with --fix; as they were, with --diff), from the
    cache or by running them (lintgate.engine.external), and their errors (issue 14).
    Returns the display paths the deadline left them unchecked (not counted as checked)."""
    from lintgate.engine import run as engine
    from lintgate.external import registry

    names = [n for n in config.enabled if registry.is_external(n)]
    if not names:
        return []
    checked = engine.run(
        files,
        project,
        names,
        effective_concurrency(config),
        config.deadline,
        store=store,
        warn=warn,
        file_deadline=config.file_deadline,
    )
    by_path = {r.path: r for r in results}
    for r in checked.results:
        own = by_path.get(r.path)
        if own is not None:
            own.diagnostics += [d for d in r.diagnostics if registry.is_external(d.linter)]
    if results and checked.errors:
        results[0].errors += checked.errors
    return checked.unchecked


def _to_record(plan: Any, checked: Any, written: Any) -> list[tuple[Any, Any]]:
    """The cache entries of a fixer's checks: of the bytes it read (`checked`, keyed as the
    plan is), and of the bytes it wrote (`written`, keyed on their own digest, so the check
    after a fix is answered from the cache, and bytes changed after the write are not)."""
    from lintgate.engine import run as engine

    fresh = engine.to_record(plan, checked) if checked is not None else []
    if written is not None and written.digest is not None and plan.keys:
        after = copy.copy(plan)
        after.digest = written.digest
        after.keys = {n: e._replace(content_digest=written.digest) for n, e in plan.keys.items()}
        fresh += engine.to_record(after, written)
    return fresh


def _display(path: Path, project: Project) -> str:
    return os.path.relpath(path, project.cwd).replace(os.sep, "/")


def _settled(plans: list[Any], config: Config) -> dict[str, FileResult]:
    """The results the cache answers wholly with nothing to fix, by display path: no error,
    no finding the run keeps of an enabled linter that fixes (a file with a `syntax` or
    `encoding` finding is never touched: settled too)."""
    from lintgate import filters, fix, linters
    from lintgate.engine.answer import resolved
    from lintgate.external.fixer import fixers as external_fixers

    options = replace(filter_options(config), aggregate=False, sort=("none",))
    fixers = set(linters.fixers(config.enabled))
    settled: dict[str, FileResult] = {}
    if external_fixers(config.enabled):  # they run on every file (lintgate.external.fixer)
        return settled
    for plan in plans:
        if plan.unreadable or plan.errors:
            continue
        found = resolved(plan)
        if found is None:
            continue
        broken = any(d.linter in fix.BROKEN for d in found)
        if broken or not any(d.linter in fixers for d in filters.apply(found, options)):
            settled[plan.display] = FileResult(plan.display, found, [], cached=True)
    return settled


def fix_files(
    files: Sequence[Path], project: Project, config: Config, write: bool
) -> tuple[list[Any], list[str]]:
    """Fix `files` (absolute paths) with the linters `config` enables, on the check's
    executor and under `config.deadline`; `write=False` (--diff) computes the diffs and writes
    nothing. Returns the FileFix results and the display paths the deadline left."""
    from lintgate import fix

    items = [(str(p), _display(p, project)) for p in files]
    args = (
        project,
        tuple(config.enabled),
        config.warn_unmatched_directive,
        filter_options(config),
        write,
        os.getpid(),
        (fix.deadline_instant(config.deadline), config.file_deadline),
    )
    # A link and its target (or two links to one file) are one file: fixed once, through the
    # first path that is not a link (else the first path), and reported under every path.
    # Fixing both at once would race (one write sees the other's bytes) and diff twice.
    same: dict[str, list[int]] = {}
    for i, (path, _) in enumerate(items):
        same.setdefault(os.path.realpath(path), []).append(i)
    lead: dict[int, list[int]] = {}  # index fixed -> the other indexes of the same file
    for group in same.values():
        first = next((i for i in group if not os.path.islink(items[i][0])), group[0])
        lead[first] = [i for i in group if i != first]
    order = sorted(lead)
    if write:  # an interrupted run names the files written so far (lintgate.cli)
        fixwatch.watch([items[i] for i in order])
    done = map_unordered(
        fix.Fixer,
        args,
        [items[i] for i in order],
        effective_concurrency(config),
        config.deadline,
        cost=lambda item: file_size(item[0]),
        task_limit=config.file_deadline,
    )
    finished = {order[j] for j in done}
    results: list[Any] = []
    for j, result in done.items():
        if isinstance(result, Lost):  # its worker died or ran over FileDeadline
            shown = items[order[j]][1]
            result = fix.FileFix(shown, errors=[f"{shown}: {result.cause} while fixing"], lost=True)
        results.append(result)
        for other in lead[order[j]]:
            shown = items[other][1]
            copied = [d._replace(path=shown) for d in result.diagnostics]
            results.append(fix.FileFix(shown, copied, lost=result.lost))
            finished.add(other)
    unchecked = [shown for i, (_, shown) in enumerate(items) if i not in finished]
    return results, unchecked


def emit(result: FixRun, stdout: BinaryIO, stderr: TextIO) -> int:
    """Print what a fix run did: the diffs (bytes) on `stdout` (a binary stream), the notes,
    `lintgate: fixed PATH` (`would fix PATH`; PATH quoted as in a finding, diagnostic.quote_path)
    for each file in path order, as black names each file it reformats, and `lintgate: N file(s) fixed` (or `would be fixed`) on `stderr` (a
    text stream).
    Returns the exit bit it adds: 1 when --diff shows a diff, else 0 (with --diff this is the
    only source of bit 1: what would remain does not set it)."""
    write_all(stdout, b"".join(result.diffs))
    from lintgate.report.terminal import escape_controls  # a note may quote a linter's text

    for note in result.notes:
        print(f"lintgate: {escape_controls(note)}", file=stderr)
    from lintgate.diagnostic import quote_path  # quoted as a finding's path is

    for path in result.fixed:
        done = "fixed" if result.write else "would fix"
        print(f"lintgate: {done} {quote_path(path)}", file=stderr)
    verb = "fixed" if result.write else "would be fixed"
    print(f"lintgate: {len(result.fixed)} file(s) {verb}", file=stderr)
    return 0 if result.write or not result.diffs else 1
