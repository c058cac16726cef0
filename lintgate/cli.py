"""The `lintgate` command: argument parsing, config discovery and exit codes only.

Exit status is a bitmask, as gometalinter's: 0 clean, bit 1 findings were printed, bit 2
lintgate or a linter could not do its job (bad config, unreadable file, a linter crashed, the
deadline passed). Usage errors exit 2 before anything runs.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

from lintgate import __version__
from lintgate.config import (
    FORMATS,
    Config,
    ConfigError,
    apply_file,
    apply_linter_flags,
    effective_concurrency,
    find_config_file,
    read_config_file,
)
from lintgate.config.duration import parse_duration
from lintgate.diagnostic import Diagnostic, render_gometalinter, render_text

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
    """The argument parser of `lintgate` (flags mirror the config keys, gometalinter style)."""
    p = argparse.ArgumentParser(
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
        "-j", "--concurrency", metavar="N", type=int, help="worker processes (default: CPUs)"
    )
    p.add_argument("--format", choices=FORMATS, help="output format (default: text)")
    from lintgate.cache.command import add_arguments as add_cache_arguments

    add_cache_arguments(p)
    p.set_defaults(linter_actions=[])
    return p


def _git_top(directory: Path) -> Path | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            cwd=directory,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return Path(out.stdout.rstrip("\n"))


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
        display = os.path.relpath(path, cwd) if path.is_absolute() else str(path)
        apply_file(config, read_config_file(cwd / path, display))
        config.path = path
    root = root or _git_top(cwd) or cwd
    apply_linter_flags(config, args.linter_actions)
    config.skip += args.skip
    config.exclude += _check_regexes(args.exclude, "--exclude")
    config.include += _check_regexes(args.include, "--include")
    if args.vendor is not None:
        config.vendor = args.vendor
    if args.deadline is not None:
        try:
            config.deadline = parse_duration(args.deadline)
        except ValueError as e:
            raise ConfigError(f"--deadline: {e}") from None
    if args.concurrency is not None:
        if args.concurrency < 0:
            raise ConfigError("--concurrency: expected a whole number >= 0 (0: one per CPU)")
        config.concurrency = args.concurrency
    if args.format is not None:
        config.format = args.format
    return config, Path(os.path.realpath(root))


def _check_regexes(patterns: list[str], flag: str) -> list[str]:
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as e:
            raise ConfigError(f"{flag}: invalid regular expression {pattern!r}: {e}") from None
    return patterns


def select(diagnostics: list[Diagnostic], config: Config) -> list[Diagnostic]:
    """Apply `Severity`, then `Include` and `Exclude` (gometalinter: regular expressions
    searched in each finding's gometalinter line)."""
    out = []
    include = [re.compile(p) for p in config.include]
    exclude = [re.compile(p) for p in config.exclude]
    for d in diagnostics:
        if d.linter in config.severity:
            d = d._replace(severity=config.severity[d.linter])
        line = render_gometalinter(d)
        if include and not any(p.search(line) for p in include):
            continue
        if any(p.search(line) for p in exclude):
            continue
        out.append(d)
    return out


def main(argv: list[str] | None = None) -> int:
    """Run lintgate; returns the exit status (never raises for bad input).

    `lintgate cache ...` (a first argument `cache`) manages the result cache; a path named
    `cache` is given as `./cache`.
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["cache"]:
        from lintgate.cache.command import cache_main

        return cache_main(argv[1:])
    args = build_parser().parse_args(argv)
    cwd = Path(os.getcwd())
    try:
        config, root = load_config(args, cwd)
    except ConfigError as e:
        print(f"lintgate: {e}", file=sys.stderr)
        return FAILURE
    from lintgate.cache.command import CacheRun, CacheUsageError

    try:
        args.cache_specs = CacheRun.parse(args)
    except CacheUsageError as e:
        print(f"lintgate: {e}", file=sys.stderr)
        return FAILURE
    try:
        return _run(args, config, root, cwd)
    except KeyboardInterrupt:
        print("lintgate: interrupted", file=sys.stderr)
        return 130


def _warn(message: str) -> None:
    print(f"lintgate: warning: {message}", file=sys.stderr)


def _run(args: argparse.Namespace, config: Config, root: Path, cwd: Path) -> int:
    from lintgate import discovery, runner
    from lintgate.cache.command import CacheRun
    from lintgate.linters.base import Project

    project = Project(root, cwd)
    found = discovery.discover(args.paths, root, cwd, config.skip, config.vendor)
    status = 0
    for note in found.notes:
        print(f"lintgate: {note}", file=sys.stderr)
    for missing in found.missing:
        print(f"lintgate: {missing}: no such file or directory", file=sys.stderr)
        status |= FAILURE
    imports, exports, deprecations = args.cache_specs
    for message in deprecations:
        _warn(message)
    trees = [root] + [cwd / p for p in args.paths if (cwd / p).is_dir()]
    cache = CacheRun.open(args, imports, exports, trees, _warn)
    result = runner.run(
        found.files,
        project,
        config.enabled,
        effective_concurrency(config),
        config.deadline,
        store=cache.store,
        warn=_warn,
    )
    for error in cache.finish():
        print(f"lintgate: {error}", file=sys.stderr)
        status |= FAILURE
    diagnostics = select(result.diagnostics, config)
    render = render_gometalinter if config.format == "gometalinter" else render_text
    out = sys.stdout
    for d in diagnostics:
        out.write(render(d) + "\n")
    out.flush()
    for error in result.errors:
        print(f"lintgate: {error}", file=sys.stderr)
    if result.errors:
        status |= FAILURE
    if result.unchecked:
        print(
            f"lintgate: deadline passed after {result.seconds:.2f}s; "
            f"{len(result.unchecked)} file(s) not checked:",
            file=sys.stderr,
        )
        for path in result.unchecked:
            print(f"  {path}", file=sys.stderr)
        status |= FAILURE
    if diagnostics:
        status |= FINDINGS
    print(
        f"lintgate: {result.files} files checked, {len(diagnostics)} findings, "
        f"{result.cached} from cache, {result.seconds:.2f}s",
        file=sys.stderr,
    )
    return status
