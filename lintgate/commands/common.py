"""What the check and the fix commands share: the invocation, the preparation of a run
(changed lines, discovery, the project, the config checks), the cache around it and the
reports after it. Exit status bits: FINDINGS (1), FAILURE (2)."""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple, Sequence, TextIO

from lintgate.config import Config, ConfigError
from lintgate.console import say, stdout_writes, unusable_paths, warn, write_all
from lintgate.engine.records import RunResult
from lintgate.gittop import git_top
from lintgate.linters.base import Project
from lintgate.report.ci import ci_fields
from lintgate.verbose import Verbose

FINDINGS = 1
FAILURE = 2

Outputs = list[tuple[str, str | None]]


@dataclass
class Invocation:
    """A parsed command line: `args` (argparse), the effective `config`, the project `root`,
    the working directory `cwd` and the reports to write (`outputs`: (format, path or None))."""

    args: argparse.Namespace
    config: Config
    root: Path
    cwd: Path
    outputs: Outputs


@dataclass
class Prepared:
    """A run ready to go: the exit `status` so far, the `files` to check (absolute), the
    `project`, the `changes` --new-from-rev/-patch select (None: every line), the
    `errors` found so far (said already; the sarif report carries them), `shard_run`: what a
    result file records of the discovery (lintgate.shards.hooks), and `problems`: the lines
    the preparation said (a bad path, discovery's notes and errors)."""

    status: int
    files: Sequence[Path]  # a discovery.FileList
    project: Project
    changes: Any
    errors: list[str] = dataclasses.field(default_factory=list)  # said already; for sarif
    shard_run: Any = None
    problems: list[str] = dataclasses.field(default_factory=list)
    # shard 1 of N > 1: the other shards' files (the whole-program linters check them too)
    others: Sequence[Path] = ()


def prepare(inv: Invocation) -> Prepared | int:
    """Find the files and build the project; report what is wrong (one line each). Returns
    the Prepared run, or the exit status when nothing can run."""
    args, config, root, cwd = inv.args, inv.config, inv.root, inv.cwd
    try:
        changes = new_code(args, cwd)
    except ValueError as e:
        say(str(e))
        return FAILURE
    status = 0
    errors = list(unusable_paths(args, cwd))
    problems = list(errors)
    for message in errors:
        say(message)
        status |= FAILURE
    if status and not args.paths:
        return status
    from lintgate import discovery
    from lintgate.linters.base import common_base

    settings_path = None
    if args.paths:  # as isort/main.py: the first path, made absolute; a file's directory
        first = os.path.abspath(os.path.join(cwd, args.paths[0]))
        settings_path = Path(first if os.path.isdir(first) else os.path.dirname(first))
    found = discovery.discover(args.paths, root, cwd, config.skip, config.vendor)
    # black's own project root and config are found from the paths given (see black.py)
    base = common_base(args.paths, cwd)
    named = frozenset(found.named)
    walks = tuple(found.walks)
    project = Project(root, cwd, settings_path, base, named, config.max_file_size, walks)
    if _broken_pyprojects(config, root, cwd, found.files):
        return FAILURE
    try:
        result_file = getattr(args, "result_output", None)
        extra: Outputs = [("result", result_file)] if result_file else []
        check_reports_spare_sources(inv.outputs + extra, found.files)
    except ConfigError as e:
        say(str(e))
        return FAILURE
    for note in found.notes:
        say(str(note))
        problems.append(str(note))
    for error in found.errors:
        say(str(error))
        errors.append(str(error))
        problems.append(str(error))
        status |= FAILURE
    from lintgate.shards.hooks import pick

    files, shard_run, others = pick(args, root, found.files)  # --shard K/N: this job's share
    return Prepared(status, files, project, changes, errors, shard_run, problems, others)


def _broken_pyprojects(config: Config, root: Path, cwd: Path, files: Sequence[Path]) -> bool:
    """Report each pyproject.toml an enabled linter's tool would read (isort's, black's) and
    cannot parse (a config error); whether there was one."""
    from lintgate import linters

    if not linters.reads_config_file(config.enabled, "pyproject.toml"):
        return False
    from lintgate.filelist import texts_of
    from lintgate.linters.configs import broken_pyprojects

    dirs = dict.fromkeys([str(root), *(os.path.dirname(f) for f in texts_of(files))])
    broken = broken_pyprojects(dirs, lambda path: os.path.relpath(path, cwd))
    for error in broken:
        say(str(error))
    return bool(broken)


class Opened(NamedTuple):
    """A run past its preparation: the -v trace, the prepared files, the cache around the run
    (open_cache) and when the cache import began (time.monotonic() seconds: the summary's
    seconds count the import and export too)."""

    trace: Verbose
    prepared: Prepared
    cache: Any
    start: float


def open_run(inv: Invocation) -> Opened | int:
    """What a check and a fix do first: -v's run lines, discovery (`prepare`), -v's settings,
    the cache imports. Returns the exit status instead when the preparation stops the run."""
    trace = Verbose(inv.args.verbose)
    trace.describe_run(inv.config.path, inv.root, inv.cwd)
    with trace.phase("discovery"):
        prepared = prepare(inv)
    if isinstance(prepared, int):
        return prepared
    trace.describe_settings(inv.config.enabled, prepared.project)
    start = time.monotonic()
    with trace.phase("cache import"):
        cache = open_cache(inv)
    return Opened(trace, prepared, cache, start)


def open_cache(inv: Invocation) -> Any:
    """The cache around the run (lintgate.cache.command.CacheRun): the imports done, the
    store open (or None), the exports to do in `finish()`."""
    from lintgate.cache.command import CacheRun

    imports, exports, deprecations = inv.args.cache_specs
    for message in deprecations:
        warn(message)
    trees = [inv.root] + [inv.cwd / p for p in inv.args.paths if (inv.cwd / p).is_dir()]
    return CacheRun.open(
        inv.args,
        imports,
        exports,
        trees,
        warn,
        trusted_keys=inv.config.cache_trusted_keys,
        root=inv.root,
    )


def finish_cache(cache: Any) -> int:
    """Do the cache's exports and close it; FAILURE when one failed (each said), else 0."""
    status = 0
    for error in cache.finish():
        say(str(error))
        status |= FAILURE
    return status


def report(
    inv: Invocation, prepared: Prepared, result: RunResult, report_to: TextIO, counts: bool
) -> int:
    """Filter the diagnostics of `result` (new code, Exclude/Include and the rest), write the
    reports (those without a path to `report_to`), the errors, the files the deadline left
    and the summary line; returns the exit status (`prepared.status` and what this adds;
    FINDINGS for diagnostics only when `counts`)."""
    from lintgate import filters, newcode
    from lintgate.report import ReportContext
    from lintgate.report.colour import use_color

    status = prepared.status
    diagnostics = result.diagnostics
    if prepared.changes is not None:
        spans = {(d.path, d.line, d.linter): d.end_line for d in diagnostics if d.end_line}
        diagnostics = newcode.keep_new(diagnostics, prepared.changes, spans)
    from lintgate.shards.hooks import write as write_result

    result_errors = write_result(inv, prepared, result, diagnostics)  # before the filters
    try:
        diagnostics = filters.apply(diagnostics, filter_options(inv.config))
    except ValueError as e:  # an Exclude or Include expression that backtracks without end
        say(str(e))
        return status | FAILURE
    unchecked = set(result.unchecked) | set(result.lost)
    deadline = (
        f"deadline passed after {result.seconds:.2f}s; "
        f"{len(result.unchecked)} file(s) not checked:"
    )
    context = ReportContext(
        files=tuple(sorted(p for p in result.paths if p not in unchecked)),
        linters=tuple(inv.config.enabled),
        **ci_fields(
            inv.outputs,
            inv.config,
            (inv.cwd, inv.root),
            diagnostics,
            [*prepared.errors, *result.errors, *([deadline] if result.unchecked else [])],
        ),
    )
    color = use_color(inv.args.color, report_to)
    errors = result.errors + write_reports(inv.outputs, diagnostics, context, report_to, color)
    errors += result_errors
    for error in errors:
        say(str(error))
    if errors:
        status |= FAILURE
    if result.unchecked:
        say(deadline)
        for path in result.unchecked:
            say(f"  {path}", prefix="")
        status |= FAILURE
    if diagnostics and counts:
        status |= FINDINGS
    if inv.args.statistics:
        print_statistics(diagnostics, inv.config.enabled)
    # the files without a verdict (the deadline's, FileDeadline's, a dead worker's) are
    # not among those checked: the summary says how many there are
    missing = f"{len(unchecked)} not checked, " if unchecked else ""
    say(
        f"{plural(result.files, 'file')} checked, {missing}{plural(len(diagnostics), 'finding')}, "
        f"{result.cached} from cache, {result.seconds:.2f}s"
    )
    return status


def print_statistics(diagnostics: list[Any], enabled: list[str]) -> None:
    """--statistics: the lines of lintgate.report.statistics on stderr, then how many of the
    findings the `enabled` linters' fixers can repair (nothing when there are none): the
    in-process linters' (Capabilities.fix) and the external ones with a FixCommand (this
    run's definitions, lintgate.external.registry)."""
    if not diagnostics:
        return
    from lintgate import linters
    from lintgate.external import registry
    from lintgate.report.statistics import fixable_summary, statistics_lines

    external = [n for n in enabled if (d := registry.get(n)) is not None and d.fix_command]
    fixers = [*linters.fixers(enabled), *external]
    for line in statistics_lines(diagnostics, fixers):
        say(line, prefix="")
    say(fixable_summary(diagnostics, fixers))


def plural(n: int, noun: str) -> str:
    """`1 file`, `2 files`, `0 files`: a count and its noun, as English (and ruff's and
    black's summaries) have it."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def filter_options(config: Config) -> Any:
    """The lintgate.filters.FilterOptions of `config` (through getattr: Config's method is
    typed on the linters-contract branch, not yet here)."""
    return getattr(config, "filter_options")()


def new_code(args: argparse.Namespace, cwd: Path) -> Any:
    """The changed lines that --new-from-rev / --new-from-patch / --new-from-merge-base
    select (every line of a changed file with --whole-files), or None.
    Raises ValueError (one line) when git or the patch cannot be read."""
    changes = _changes(args, cwd)
    if changes is not None and getattr(args, "whole_files", False):
        return changes.whole_files()
    return changes


def _changes(args: argparse.Namespace, cwd: Path) -> Any:
    from lintgate import newcode

    if args.new_from_rev:
        return newcode.changes_from_rev(args.new_from_rev, cwd)
    if getattr(args, "new_from_merge_base", None) is not None:
        return newcode.changes_from_merge_base(args.new_from_merge_base, cwd)
    if args.new_from_patch:
        try:  # git diff's paths are relative to the top of the work tree
            return newcode.read_patch(Path(args.new_from_patch), top=git_top(cwd), cwd=cwd)
        except ValueError as e:
            raise ValueError(f"--new-from-patch: {e}") from None
    return None


def write_reports(
    outputs: Outputs,
    diagnostics: list[Any],
    context: Any,
    stdout: TextIO | None = None,
    color: bool = False,
) -> list[str]:
    """Render every report (`stdout`: where the pathless ones go, default sys.stdout; the
    text format there in colour with `color`: lintgate.report.colour); returns one-line
    errors for report files that cannot be written."""
    from lintgate.config.inputs import open_report
    from lintgate.report import get_renderer
    from lintgate.report.terminal import for_stream

    outputs = write_stderr_reports(outputs, diagnostics, context)
    errors = []
    stdout = stdout or sys.stdout
    to_stdout = dataclasses.replace(context, encoding=getattr(stdout, "encoding", None))
    for name, path in outputs:
        render = get_renderer(name)
        if color and path is None and name == "text":
            from lintgate.report import colour

            render = colour.render
        text = render(diagnostics, context if path else to_stdout)
        if path is None:
            with stdout_writes():
                write_all(stdout, for_stream(text, name, to_stdout.encoding))
            continue
        try:
            with open_report(path) as f:
                f.write(text)
        except OSError as e:
            errors.append(f"{path}: cannot write report: {e.strerror}")
    return errors


def write_stderr_reports(outputs: Outputs, diagnostics: list[Any], context: Any) -> Outputs:
    """Write the reports of `outputs` bound for stderr (`--output text=stderr`: readable lines
    in a CI log beside the annotations); returns the others."""
    from lintgate.report import STDERR, get_renderer
    from lintgate.report.terminal import for_stream

    to_stderr = dataclasses.replace(context, encoding=getattr(sys.stderr, "encoding", None))
    for name, path in outputs:
        if path == STDERR:
            text = get_renderer(name)(diagnostics, to_stderr)
            sys.stderr.write(for_stream(text, name, to_stderr.encoding))
            sys.stderr.flush()
    return [(name, path) for name, path in outputs if path != STDERR]


def check_reports_spare_sources(outputs: Outputs, files: Sequence[Path]) -> None:
    """Raises ConfigError when a report file of `outputs` ((format, path or None) pairs) is
    one of `files`, the files to check: writing it would replace a source file. Compared by
    device and inode, so a symbolic or hard link to a checked file counts too; only a report
    path that exists already costs a stat of each file."""
    from lintgate.report import STDERR

    existing: dict[tuple[int, int], str] = {}
    for _, path in outputs:
        if path is None or path == STDERR:
            continue
        try:
            st = os.stat(path)
        except OSError:
            continue  # not there yet (or unreadable): it cannot be a file to check
        existing[(st.st_dev, st.st_ino)] = path
    if not existing:
        return
    for file in files:
        try:
            st = os.stat(file)
        except OSError:
            continue
        path = existing.get((st.st_dev, st.st_ino))
        if path is not None:
            raise ConfigError(f"--output: {path}: is a file being checked; not overwriting it")
