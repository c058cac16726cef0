"""The terminal options of `lintgate` (issue 16): -v, --color, --statistics, --exit-zero and
--issues-exit-code, --stdin-filename, --new-from-merge-base and --whole-files, the help
epilog and `lintgate completion`; and the exit status rule of --exit-zero/--issues-exit-code.
"""

from __future__ import annotations

import argparse

from lintgate.config import ConfigError

__all__ = [
    "COLOR_CHOICES",
    "add_terminal_arguments",
    "check_terminal_options",
    "exit_status",
    "issues_exit_code",
]

COLOR_CHOICES = ("auto", "always", "never")

# An --issues-exit-code above this would read as a shell's (126, 127) or a signal's (128+N).
ISSUES_EXIT_CODE_MAX = 125


def add_terminal_arguments(p: argparse.ArgumentParser) -> None:
    """Add the terminal options to `p` (one block, so that merges stay simple), and the
    epilog of --help (lintgate.cli.helptext)."""
    from lintgate.cli.helptext import epilog

    p.epilog = epilog()
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    p.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="on stderr: the config, the project root, isort's and black's settings and where "
        "they came from, cache hits per linter, timings, tool versions",
    )
    p.add_argument(
        "--color",
        choices=COLOR_CHOICES,
        default="auto",
        help="colour the text report: auto (default: on a terminal, unless NO_COLOR is set; "
        "FORCE_COLOR forces it), always or never",
    )
    p.add_argument(
        "--statistics",
        action="store_true",
        help="on stderr: the findings counted per linter and message, and how many --fix "
        "can repair",
    )
    p.add_argument(
        "--exit-zero",
        action="store_true",
        help="exit 0 even with findings (bit 2 still says lintgate or a linter failed)",
    )
    p.add_argument(
        "--issues-exit-code",
        metavar="N",
        type=int,
        help="exit status when there are findings (default 1), ORed with 2 for failures",
    )
    p.add_argument(
        "--stdin-filename",
        metavar="PATH",
        help="check the source read from stdin as if it were PATH (with --fix: print the "
        "fixed source, write nothing)",
    )
    p.add_argument(
        "--new-from-merge-base",
        metavar="REF",
        help="only findings on lines changed since `git merge-base REF HEAD`",
    )
    p.add_argument(
        "--whole-files",
        action="store_true",
        help="with --new-from-*: every finding of a changed file, not only changed lines",
    )


def issues_exit_code(args: argparse.Namespace) -> int:
    """The exit status that findings give (bit 1 by default): 0 with --exit-zero (as ruff's),
    N with --issues-exit-code N (as golangci-lint's and gometalinter's). Raises ConfigError
    for both together and for an N outside 0-125."""
    code: int | None = args.issues_exit_code
    if code is None:
        return 0 if args.exit_zero else 1
    if args.exit_zero:
        raise ConfigError("--exit-zero and --issues-exit-code cannot be used together")
    if not 0 <= code <= ISSUES_EXIT_CODE_MAX:
        raise ConfigError(
            f"--issues-exit-code: {code} is not from 0 to {ISSUES_EXIT_CODE_MAX} "
            "(higher statuses are the shell's and the signals')"
        )
    return code


def exit_status(status: int, findings_code: int) -> int:
    """The exit status of a run whose bitmask is `status` (bit 1 findings, bit 2 failure):
    `findings_code` when there were findings (0 without), ORed with 2 when lintgate or a linter
    failed, so a report-only job (`--exit-zero`) still fails on a real failure."""
    findings = status & 1
    failure = status & 2
    return (findings_code if findings else 0) | failure


def check_terminal_options(args: argparse.Namespace) -> None:
    """Refuse the terminal options that do not go together (ConfigError, one line)."""
    issues_exit_code(args)
    if args.new_from_merge_base is not None and (args.new_from_rev or args.new_from_patch):
        raise ConfigError(
            "--new-from-merge-base cannot be used with --new-from-rev or --new-from-patch"
        )
    news = args.new_from_rev or args.new_from_patch or args.new_from_merge_base
    if (args.fix or args.diff) and args.new_from_merge_base:
        raise ConfigError("--fix and --diff fix whole files: not with --new-from-merge-base")
    if args.stdin_filename is not None and not args.stdin_filename.strip():
        raise ConfigError("--stdin-filename: the path is empty")
    if args.stdin_filename is not None and (
        getattr(args, "shard", None) or getattr(args, "result_output", None)
    ):  # one text from stdin is no shard of a tree, and has no result file to merge
        raise ConfigError("--stdin-filename: not with --shard or --output result=PATH")
    if args.whole_files and not news:
        raise ConfigError(
            "--whole-files needs --new-from-rev, --new-from-patch or --new-from-merge-base"
        )
