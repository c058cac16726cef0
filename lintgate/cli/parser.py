"""The argument parser of `lintgate` (flags mirror the config keys, gometalinter style)."""

from __future__ import annotations

import argparse
import re
import sys
from typing import Any, Sequence

from lintgate.config.usage import OneLineParser


class _LinterAction(argparse.Action):
    """Records -E/-D/--enable-all/--disable-all in command-line order."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        actions = list(getattr(namespace, "linter_actions", None) or [])
        names = values.split(",") if isinstance(values, str) else [None]
        actions.extend((self.const, n.strip() if n else None) for n in names)
        namespace.linter_actions = actions


class _VersionAction(argparse.Action):
    """`--version` among other arguments (alone, lintgate.__main__ answers it first): the line
    of lintgate.versions.version_line, computed only when asked for."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        from lintgate.versions import version_line

        sys.stdout.write(version_line() + "\n")
        sys.stdout.flush()
        parser.exit(0)


# The flags taking a duration, and a value argparse would take for an option: a negative
# duration (`-1s`, `-.5h`), which the duration parser then refuses in its own words.
DURATION_FLAGS = ("--deadline", "--file-deadline")
_NEGATIVE = re.compile(r"-[0-9.]")


def join_negative_durations(argv: Sequence[str]) -> list[str]:
    """`argv` with each `--deadline -1s` (a DURATION_FLAGS flag, then a value starting with a
    minus sign and a digit or dot) joined as `--deadline=-1s`: argparse takes such a value for
    an unknown option ("expected one argument"), the `=` form reaches the duration parser.
    Nothing after `--` is touched."""
    joined: list[str] = []
    items = iter(argv)
    for arg in items:
        if arg == "--":
            joined.append(arg)
            joined.extend(items)
            break
        if arg in DURATION_FLAGS:
            value = next(items, None)
            if value is not None and _NEGATIVE.match(value):
                joined.append(f"{arg}={value}")
                continue
            joined.append(arg)
            if value is not None:
                joined.append(value)
            continue
        joined.append(arg)
    return joined


class _Parser(OneLineParser):
    """OneLineParser, with a negative duration after its flag taken as its value."""

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        args = join_negative_durations(sys.argv[1:] if args is None else args)
        return super().parse_known_args(args, namespace)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `lintgate` (flags mirror the config keys, gometalinter style).
    Its usage errors raise UsageError."""
    p = _Parser(
        prog="lintgate",
        description="Check a Python repository with isort and black (and more) in one run.",
    )
    p.add_argument("paths", nargs="*", help="files or directories (default: the working directory)")
    p.add_argument(
        "--version",
        nargs=0,
        action=_VersionAction,
        help="print lintgate's version and those of isort, black and libcst, and exit",
    )
    p.add_argument(
        "--config", metavar="FILE", help="use this config file instead of discovering one"
    )
    p.add_argument("--no-config", action="store_true", help="use no config file")
    _add_selection(p)
    _add_reports(p)
    _add_ci_report_paths(p)
    from lintgate.cache.command import add_arguments as add_cache_arguments

    add_cache_arguments(p)
    _add_sharding(p)
    # Repair (issue 4): lintgate.fix.
    p.add_argument("--fix", action="store_true", help="fix what the enabled linters find, in place")
    p.add_argument(
        "--diff",
        action="store_true",
        help="print what --fix would change, as a patch; write nothing",
    )
    # Terminal (issue 16): -v, colour, statistics, exit statuses, stdin, merge base.
    from lintgate.cli.terminal import add_terminal_arguments

    add_terminal_arguments(p)
    _add_external_flags(p)
    _add_fast_flag(p)
    _add_executor_flag(p)
    p.set_defaults(linter_actions=[])
    return p


def _add_external_flags(p: argparse.ArgumentParser) -> None:
    """External linters (issue 14): lintgate.external."""
    p.add_argument(
        "--linter",
        metavar="NAME:COMMAND:PATTERN",
        action="append",
        default=[],
        help="define an external linter, gometalinter style (repeatable; enable it with -E)",
    )


def _add_fast_flag(p: argparse.ArgumentParser) -> None:
    """--fast (issue 14): lintgate.external.fast."""
    p.add_argument(
        "--fast",
        action="store_true",
        help="run only the fast ones of the enabled linters (not mypy or pylint)",
    )


def _add_executor_flag(p: argparse.ArgumentParser) -> None:
    """--executor (issue 15, item 7): lintgate.dask_executor, docs/dask.md."""
    p.add_argument(
        "--executor",
        metavar="ADDRESS",
        help='where files are checked: "local" (default) or a Dask scheduler, dask://HOST:PORT',
    )


def _add_selection(p: argparse.ArgumentParser) -> None:
    """The flags that choose the files, the time and the workers (and the linters)."""
    _add_linter_flags(p)
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


def _add_reports(p: argparse.ArgumentParser) -> None:
    """The flags of the reports and of what counts (issue 7)."""
    p.add_argument(
        "--format",
        metavar="NAME",
        help="text (default), gometalinter, json, checkstyle, sarif, github, junit, gitlab, "
        "or a template",
    )
    p.add_argument(
        "--output",
        metavar="NAME[=PATH]",
        action="append",
        default=[],
        help="also write this format, to PATH, stdout (no PATH, - or stdout) or stderr "
        "(repeatable)",
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


def _add_ci_report_paths(p: argparse.ArgumentParser) -> None:
    """Where the CI formats' paths start (issue 16, lintgate.report.paths): golangci-lint's
    --path-prefix and relative-path-mode."""
    p.add_argument(
        "--path-mode",
        metavar="MODE",
        help="paths in github, sarif, gitlab, junit and checkstyle reports are relative to: "
        "gitroot (default: the top of the git work tree), root (the project root) or wd "
        "(the working directory)",
    )
    p.add_argument(
        "--path-prefix",
        metavar="PREFIX",
        help="put PREFIX before every path of those reports (after --path-mode)",
    )


def _add_linter_flags(p: argparse.ArgumentParser) -> None:
    """-E/-D/--enable-all/--disable-all, recorded in command-line order."""
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


def _add_sharding(p: argparse.ArgumentParser) -> None:
    """--shard (issue 15; lintgate.shards, docs/ci.md). Its result file is `--output
    result=PATH`, read by `lintgate merge`."""
    p.add_argument(
        "--shard",
        metavar="K/N",
        help="check shard K of N (1-based) of the files, or auto: from GitLab's, CircleCI's or "
        "Buildkite's variables (docs/ci.md)",
    )
