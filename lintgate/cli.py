"""The `lintgate` command: argument parsing, config discovery and exit codes only.

Exit status is a bitmask, as gometalinter's: 0 clean, bit 1 findings were printed, bit 2
lintgate or a linter could not do its job (bad config, unreadable file, a linter crashed, the
deadline passed). Usage errors exit 2 before anything runs. SIGTERM and SIGINT end the
worker pool and exit 143 and 130.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import os
import signal
import sys
from pathlib import Path

from lintgate import __version__
from lintgate.config import (
    KEYS,
    Config,
    ConfigError,
    apply_file,
    apply_linter_flags,
    effective_concurrency,
    find_config_file,
    read_config_file,
    shadowed_config_files,
)
from lintgate.config.duration import parse_duration
from lintgate.config.usage import OneLineParser, UsageError
from lintgate.console import internal_error
from lintgate.console import say as _say
from lintgate.console import tolerant_streams, unusable_paths
from lintgate.console import warn as _warn
from lintgate.discovery import git_top

FINDINGS = 1
FAILURE = 2


class _LinterAction(argparse.Action):
    """Records -E/-D/--enable-all/--disable-all in command-line order."""

    def __call__(self, parser, namespace, values, option_string=None):
        actions = list(getattr(namespace, "linter_actions", None) or [])
        names = values.split(",") if isinstance(values, str) else [None]
        actions.extend((self.const, n.strip() if n else None) for n in names)
        namespace.linter_actions = actions


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `lintgate` (flags mirror the config keys, gometalinter style).
    Its usage errors raise UsageError."""
    p = OneLineParser(
        prog="lintgate",
        description="Check a Python repository with isort and black (and more) in one run.",
    )
    p.add_argument("paths", nargs="*", help="files or directories (default: the working directory)")
    p.add_argument("--version", action="version", version=f"lintgate {__version__}")
    p.add_argument(
        "--config", metavar="FILE", help="use this config file instead of discovering one"
    )
    p.add_argument("--no-config", action="store_true", help="use no config file")
    p.add_argument(
        "-E",
        "--enable",
        metavar="LINTER",
        action=_LinterAction,
        const="enable",
        help="enable a linter (repeatable, or comma-separated)",
    )
    p.add_argument(
        "-D",
        "--disable",
        metavar="LINTER",
        action=_LinterAction,
        const="disable",
        help="disable a linter (repeatable, or comma-separated)",
    )
    p.add_argument(
        "--enable-all",
        nargs=0,
        action=_LinterAction,
        const="enable_all",
        help="enable every linter",
    )
    p.add_argument(
        "--disable-all",
        nargs=0,
        action=_LinterAction,
        const="disable_all",
        help="disable every linter (then -E picks some)",
    )
    p.add_argument(
        "--skip",
        metavar="PATTERN",
        action="append",
        default=[],
        help="skip a directory or glob, relative to the project root (repeatable)",
    )
    p.add_argument(
        "--vendor",
        action="store_true",
        default=None,
        help="skip vendor/ and third_party/ directories",
    )
    p.add_argument(
        "--exclude",
        metavar="REGEX",
        action="append",
        default=[],
        help="drop findings whose gometalinter line matches (repeatable)",
    )
    p.add_argument(
        "--include",
        metavar="REGEX",
        action="append",
        default=[],
        help="keep only findings whose gometalinter line matches (repeatable)",
    )
    p.add_argument("--deadline", metavar="DURATION", help='stop after this long, e.g. "90s", "8m"')
    p.add_argument(
        "--file-deadline",
        metavar="DURATION",
        help='stop checking one file after this long, "0" for never (default "120s")',
    )
    p.add_argument(
        "-j", "--concurrency", metavar="N", type=int, help="worker processes (default: CPUs)"
    )
    # Reports and what counts (issue 7).
    p.add_argument(
        "--format",
        metavar="NAME",
        help="text (default), gometalinter, json, checkstyle, sarif, github, junit, or a template",
    )
    p.add_argument(
        "--output",
        metavar="NAME[=PATH]",
        action="append",
        default=[],
        help="also write this format, to PATH or stdout (no PATH, or -) (repeatable)",
    )
    p.add_argument(
        "--sort", metavar="KEY", action="append", default=[], help="sort key (repeatable)"
    )
    p.add_argument("--aggregate", action="store_true", default=None, help="merge same findings")
    p.add_argument("--errors", action="store_true", default=None, help="report only errors")
    p.add_argument("--new-from-rev", metavar="REV", help="only findings on lines changed since REV")
    p.add_argument(
        "--new-from-patch", metavar="FILE", help="only findings on lines this patch adds"
    )
    p.add_argument(
        "--print-config", action="store_true", help="print the effective configuration and exit"
    )
    from lintgate.cache.command import add_arguments as add_cache_arguments

    add_cache_arguments(p)
    # Repair (issue 4): lintgate.fix.
    p.add_argument("--fix", action="store_true", help="fix what the enabled linters find, in place")
    p.add_argument(
        "--diff",
        action="store_true",
        help="print what --fix would change, as a patch; write nothing",
    )
    p.set_defaults(linter_actions=[])
    return p


def load_config(args: argparse.Namespace, cwd: Path) -> tuple[Config, Path]:
    """The effective Config (defaults, file, flags) and the project root.

    The project root is the directory of the discovered config file, else the top of the git
    work tree holding `cwd`, else `cwd`. Raises ConfigError.
    """
    config = Config()
    root = None
    path = None
    if args.config and args.no_config:
        raise ConfigError("--config and --no-config cannot be used together")
    if args.config:
        path = Path(args.config)
    elif not args.no_config:
        path = find_config_file(cwd)
        root = path.parent if path else None
    if path is not None:
        # --config FILE is named as given; a file found upwards, relative to the directory
        display = args.config if args.config else os.path.relpath(path, cwd)
        apply_file(config, read_config_file(cwd / path, display))
        config.path = path
    root = root or git_top(cwd) or cwd
    apply_linter_flags(config, args.linter_actions)
    config.skip += KEYS["Skip"](args.skip, "--skip")
    config.exclude += KEYS["Exclude"](args.exclude, "--exclude")
    config.include += KEYS["Include"](args.include, "--include")
    if args.vendor is not None:
        config.vendor = args.vendor
    if args.deadline is not None:
        try:
            config.deadline = parse_duration(args.deadline)
        except ValueError as e:
            raise ConfigError(f"--deadline: {e}") from None
    if args.file_deadline is not None:
        try:
            config.file_deadline = parse_duration(args.file_deadline)
        except ValueError as e:
            raise ConfigError(f"--file-deadline: {e}") from None
    if args.concurrency is not None:
        config.concurrency = KEYS["Concurrency"](args.concurrency, "--concurrency")
    if args.format is not None:
        config.format = KEYS["Format"](args.format, "--format")
    if args.sort:
        config.sort = KEYS["Sort"](args.sort, "--sort")
    if args.aggregate is not None:
        config.aggregate = args.aggregate
    if args.errors is not None:
        config.errors = args.errors
    return config, Path(os.path.realpath(root))


def parse_outputs(values: list[str], default_format: str) -> list[tuple[str, str | None]]:
    """The reports to write: (format or template, path or None for stdout), from `--output
    NAME[=PATH]` values; the path is what follows the last `=` unless that holds a brace
    (then the whole value is a template), and `-` is stdout (as for most tools). stdout gets
    `default_format` unless an `--output` without a path claims it. Raises ConfigError for an
    unknown format or a bad template, for two reports to one place (stdout, or the same file),
    which would interleave, and for a PATH that cannot be written: its directory is missing,
    or it is a directory (checked now, so that a run does not end on it).
    """
    outputs = []
    claimed: dict[str, str] = {}  # where -> the format that writes there
    for value in values:
        name, sep, path = value.rpartition("=")
        if not sep or "{" in path or "}" in path:
            name, path = value, ""
        KEYS["Format"](name, "--output")
        if path == "-":
            path = ""
        if path:
            _check_report_place(path)
        where = os.path.normpath(path) if path else "stdout"
        if where in claimed:
            raise ConfigError(
                f"--output: {claimed[where]} and {name} both write to {where}; "
                "give each report its own place (NAME=PATH)"
            )
        claimed[where] = name
        outputs.append((name, path or None))
    if not any(path is None for _, path in outputs):
        outputs.insert(0, (default_format, None))
    return outputs


def _check_report_place(path: str) -> None:
    """Raises ConfigError when the report file `path` could not be created: its directory is
    missing or not a directory, or `path` is a directory."""
    if os.path.isdir(path):
        raise ConfigError(f"--output: {path}: is a directory")
    parent = os.path.dirname(path) or "."
    if not os.path.isdir(parent):
        why = "not a directory" if os.path.exists(parent) else "no such directory"
        raise ConfigError(f"--output: {path}: {why}: {parent}")


def check_reports_spare_sources(outputs, files: list[Path]) -> None:
    """Raises ConfigError when a report file of `outputs` ((format, path or None) pairs) is
    one of `files`, the files to check: writing it would replace a source file. Compared by
    device and inode, so a symbolic or hard link to a checked file counts too; only a report
    path that exists already costs a stat of each file."""
    existing = {}
    for _, path in outputs:
        if path is None:
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


def main(argv: list[str] | None = None) -> int:
    """Run lintgate; returns the exit status (never raises for bad input).

    `lintgate cache ...` (a first argument `cache`) manages the result cache; a path named
    `cache` is given as `./cache`.
    """
    restore = tolerant_streams()
    try:
        return _main(argv)
    except UsageError as e:
        _say(e.line(), prefix="")
        return FAILURE
    except BrokenPipeError:
        # the reader went away (`lintgate | head`): stop quietly, as Unix filters do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return FAILURE
    except _StdoutFailed as e:  # e.g. `lintgate > /dev/full`
        _say(f"stdout: cannot write: {e}")
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing left to flush
        return FAILURE
    except Exception as e:  # a bug: one line, and the traceback only when asked for
        internal_error(e)
        return FAILURE
    finally:
        restore()


class _StdoutFailed(Exception):
    """Writing to stdout failed (not a closed pipe); `str(error)` is the system's reason."""


@contextlib.contextmanager
def _stdout_writes():
    """Turn an OSError of the writes to stdout inside into _StdoutFailed (a BrokenPipeError
    goes on as it is: main() ends quietly on it)."""
    try:
        yield
    except BrokenPipeError:
        raise
    except OSError as e:
        raise _StdoutFailed(e.strerror or str(e)) from None


def _main(argv: list[str] | None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["cache"]:
        from lintgate.cache.command import cache_main

        return cache_main(argv[1:])
    args = build_parser().parse_args(argv)
    cwd = Path(os.getcwd())
    try:
        config, root = load_config(args, cwd)
        if config.path is not None and not args.config:
            for other in shadowed_config_files(config.path):
                used = os.path.relpath(config.path, cwd)
                _warn(f"{used} and {os.path.relpath(other, cwd)} both exist; using {used}")
        if not config.enabled:  # a run that checks nothing would pass every file
            raise ConfigError("no linter enabled (enable one with -E/--enable or Enable)")
        outputs = parse_outputs(args.output, config.format)
        if args.new_from_rev and args.new_from_patch:
            raise ConfigError("--new-from-rev and --new-from-patch cannot be used together")
        if (args.fix or args.diff) and (args.new_from_rev or args.new_from_patch):
            raise ConfigError("--fix and --diff fix whole files: not with --new-from-rev/-patch")
    except ConfigError as e:
        _say(str(e))
        return FAILURE
    if args.print_config:
        from lintgate.report.terminal import is_utf

        with _stdout_writes():
            utf = is_utf(getattr(sys.stdout, "encoding", None))  # else \u escapes: valid JSON
            print(json.dumps(config.to_file(), indent=2, ensure_ascii=not utf))
            sys.stdout.flush()
        return 0
    from lintgate.cache.command import CacheRun, CacheUsageError

    try:
        args.cache_specs = CacheRun.parse(args)
    except CacheUsageError as e:
        _say(str(e))
        return FAILURE
    previous = _stop_on_signals()
    try:
        return _run(args, config, root, cwd, outputs)
    except (KeyboardInterrupt, _Stopped) as e:
        signum = e.signum if isinstance(e, _Stopped) else signal.SIGINT
        word = "terminated" if signum == signal.SIGTERM else "interrupted"
        _say(word)
        return 128 + signum
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


class _Stopped(BaseException):
    """SIGTERM or SIGINT reached lintgate (`signum`); a BaseException, so that no `except
    Exception` stops it on its way out through the `finally` that ends the worker pool."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _on_stop_signal(signum, frame):
    signal.signal(signum, signal.SIG_DFL)  # a second one ends lintgate at once
    raise _Stopped(signum)


def _stop_on_signals() -> dict:
    """Make SIGTERM and SIGINT raise _Stopped in this (the parent) process, so the run unwinds
    and the pool's `finally` ends its workers (lintgate.executor.ForkPool: SIGTERM, SIGKILL
    after a grace): they would otherwise go on (and write files, with --fix) after lintgate
    is gone. Workers reset both signals. Returns the previous handlers ({} off the main
    thread)."""
    previous = {}
    for signum in (signal.SIGTERM, signal.SIGINT):
        try:
            previous[signum] = signal.signal(signum, _on_stop_signal)
        except ValueError:  # not the main thread of the main interpreter: leave them
            break
    return previous


def _new_code(args: argparse.Namespace, cwd: Path):
    """The changed lines that --new-from-rev / --new-from-patch select, or None.
    Raises ValueError (one line) when git or the patch cannot be read."""
    from lintgate import newcode

    if args.new_from_rev:
        return newcode.changes_from_rev(args.new_from_rev, cwd)
    if args.new_from_patch:
        try:  # git diff's paths are relative to the top of the work tree
            return newcode.read_patch(Path(args.new_from_patch), top=git_top(cwd), cwd=cwd)
        except ValueError as e:
            raise ValueError(f"--new-from-patch: {e}") from None
    return None


def _write_reports(outputs, diagnostics, context, stdout=None) -> list[str]:
    """Render every report (`stdout`: where the pathless ones go, default sys.stdout);
    returns one-line errors for report files that cannot be written."""
    from lintgate.config.inputs import open_report
    from lintgate.report import get_renderer
    from lintgate.report.terminal import for_stream

    errors = []
    stdout = stdout or sys.stdout
    to_stdout = dataclasses.replace(context, encoding=getattr(stdout, "encoding", None))
    for name, path in outputs:
        text = get_renderer(name)(diagnostics, context if path else to_stdout)
        if path is None:
            with _stdout_writes():
                stdout.write(for_stream(text, name, to_stdout.encoding))
                stdout.flush()
            continue
        try:
            with open_report(path) as f:
                f.write(text)
        except OSError as e:
            errors.append(f"{path}: cannot write report: {e.strerror}")
    return errors


def _run(args, config: Config, root: Path, cwd: Path, outputs) -> int:
    from lintgate import discovery, filters, newcode, runner
    from lintgate.cache.command import CacheRun
    from lintgate.linters.base import Project, common_base
    from lintgate.report import ReportContext

    try:
        changes = _new_code(args, cwd)
    except ValueError as e:
        _say(str(e))
        return FAILURE
    status = 0
    for message in unusable_paths(args, cwd):
        _say(message)
        status |= FAILURE
    if status and not args.paths:
        return status
    settings_path = None
    if args.paths:  # as isort/main.py: the first path, made absolute; a file's directory
        first = os.path.abspath(os.path.join(cwd, args.paths[0]))
        settings_path = Path(first if os.path.isdir(first) else os.path.dirname(first))
    found = discovery.discover(args.paths, root, cwd, config.skip, config.vendor)
    # black's own project root and config are found from the paths given (see black.py)
    base = common_base(args.paths, cwd)
    project = Project(
        root,
        cwd,
        settings_path,
        base,
        frozenset(found.named),
        config.max_file_size,
        tuple(found.walks),
    )
    if {"isort", "black"} & set(config.enabled):  # a broken pyproject.toml: a config error
        from lintgate.linters.configs import broken_pyprojects

        dirs = dict.fromkeys([str(root), *(os.path.dirname(f) for f in found.files)])
        broken = broken_pyprojects(dirs, lambda path: os.path.relpath(path, cwd))
        for error in broken:
            _say(str(error))
        if broken:
            return FAILURE
    try:
        check_reports_spare_sources(outputs, found.files)
    except ConfigError as e:
        _say(str(e))
        return FAILURE
    for note in found.notes:
        _say(str(note))
    for error in found.errors:
        _say(str(error))
        status |= FAILURE
    if args.fix or args.diff:  # what remains is reported as usual; --diff owns stdout
        from lintgate import fix

        imports, exports, _ = args.cache_specs
        if exports:  # a CI step that expects the export must not pass without it
            _say("--export-cache: nothing exported: --fix and --diff do not use the cache")
            status |= FAILURE
        if imports:
            _warn("--import-cache: nothing imported: --fix and --diff do not use the cache")

        result = fix.run(found.files, project, config, write=not args.diff)
        with _stdout_writes():
            status |= fix.emit(result, sys.stdout.buffer, sys.stderr)
    else:
        imports, exports, deprecations = args.cache_specs
        for message in deprecations:
            _warn(message)
        trees = [root] + [cwd / p for p in args.paths if (cwd / p).is_dir()]
        cache = CacheRun.open(
            args, imports, exports, trees, _warn, trusted_keys=config.cache_trusted_keys, root=root
        )
        result = runner.run(
            found.files,
            project,
            config.enabled,
            effective_concurrency(config),
            config.deadline,
            warn_unmatched=config.warn_unmatched_directive,
            store=cache.store,
            warn=_warn,
            file_deadline=config.file_deadline,
        )
        for error in cache.finish():
            _say(str(error))
            status |= FAILURE
    diagnostics = result.diagnostics
    if changes is not None:
        spans = {(d.path, d.line, d.linter): d.end_line for d in diagnostics if d.end_line}
        diagnostics = newcode.keep_new(diagnostics, changes, spans)
    try:
        diagnostics = filters.apply(diagnostics, config.filter_options())
    except ValueError as e:  # an Exclude or Include expression that backtracks without end
        _say(str(e))
        return status | FAILURE
    unchecked = set(result.unchecked)
    context = ReportContext(
        files=tuple(sorted(p for p in result.paths if p not in unchecked)),
        linters=tuple(config.enabled),
    )
    report_to = sys.stderr if args.diff else sys.stdout
    errors = result.errors + _write_reports(outputs, diagnostics, context, report_to)
    for error in errors:
        _say(str(error))
    if errors:
        status |= FAILURE
    if result.unchecked:
        _say(
            f"deadline passed after {result.seconds:.2f}s; "
            f"{len(result.unchecked)} file(s) not checked:"
        )
        for path in result.unchecked:
            _say(f"  {path}", prefix="")
        status |= FAILURE
    if diagnostics and not args.diff:  # --diff: bit 1 means "there is a diff" (fix.emit)
        status |= FINDINGS
    _say(
        f"{result.files} files checked, {len(diagnostics)} findings, "
        f"{result.cached} from cache, {result.seconds:.2f}s"
    )
    return status
