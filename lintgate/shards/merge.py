"""`lintgate merge RESULT...`: the result files of the shards of one run (`--shard K/N
--output result=PATH`) reported as that run would have been, unsharded: the same reports, byte
for byte, and the same exit status (docs/ci.md, "Merging").

The files must come from one lintgate version (this one) and one settings digest, discovered
the same files, and be shards 1..N of one N, each once. The findings are joined and sorted as
the engine sorts them; the filters that the shards left (MessageOverride, Severity, Exclude,
Include, Aggregate, Sort, Errors) run once here, with the recorded settings; the reports go
through the same code as a run's (lintgate.commands.common.report).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from lintgate import __version__
from lintgate.config import KEYS, Config, ConfigError
from lintgate.console import say
from lintgate.diagnostic import Diagnostic
from lintgate.engine.records import RunResult
from lintgate.shards.places import PlaceError
from lintgate.shards.resultfile import ResultError, ShardResult, read_result

__all__ = ["MergeError", "check_set", "merge_main", "merged_run", "whole_program_part"]

FAILURE = 2  # lintgate.commands.common.FAILURE (not imported: that module imports the engine)


class MergeError(ValueError):
    """Result files that cannot be merged; `str(error)` is the one-line message."""


# The terminal options (lintgate.cli.terminal) that are not about the reports or the exit
# status: each shard applies them (new-code selection) or they have no merge to act on.
_SHARD_ONLY = (
    ("stdin_filename", "--stdin-filename"),
    ("new_from_merge_base", "--new-from-merge-base"),
    ("whole_files", "--whole-files"),
    ("verbose", "--verbose"),
)


def build_parser() -> argparse.ArgumentParser:
    """The arguments of `lintgate merge`: the result files and a run's report and exit
    options, added by the run parser's own functions (--format, --output, --path-mode,
    --path-prefix, --color, --statistics, --exit-zero, --issues-exit-code)."""
    from lintgate.cli.parser import _add_ci_report_paths
    from lintgate.cli.terminal import add_terminal_arguments
    from lintgate.config.usage import OneLineParser

    p = OneLineParser(
        prog="lintgate merge",
        description="Report the result files of sharded runs (--shard K/N --output "
        "result=PATH) as one run.",
    )
    p.add_argument("results", nargs="+", metavar="RESULT", help="the shards' result files")
    p.add_argument("--format", metavar="NAME", help="the stdout format (default: the runs')")
    p.add_argument(
        "--output",
        metavar="NAME[=PATH]",
        action="append",
        default=[],
        help="also write this format, to PATH or stdout (no PATH, or -) (repeatable)",
    )
    _add_ci_report_paths(p)
    add_terminal_arguments(p)
    p.epilog = None  # the run's (lintgate.cli.helptext)
    return p


def _merge_options(args: argparse.Namespace) -> int:
    """The exit status findings give (--exit-zero, --issues-exit-code: as a run's). Raises
    ConfigError for those two together, a bad N, or an option that is each shard's."""
    from lintgate.cli.terminal import issues_exit_code

    for attr, flag in _SHARD_ONLY:
        if getattr(args, attr, None) not in (None, False):
            raise ConfigError(f"{flag} is an option of the shards' runs, not of lintgate merge")
    return issues_exit_code(args)


def merge_main(argv: list[str]) -> int:
    """Run `lintgate merge`; returns the exit status (a run's bits: 1 findings, 2 failure)."""
    args = build_parser().parse_args(argv)
    try:
        findings_code = _merge_options(args)
        shards = [read_result(path) for path in args.results]
        check_set(shards)
        inv, prepared, result = _as_run(args, shards)
    except (ResultError, MergeError, ConfigError, PlaceError) as e:
        say(str(e))
        return FAILURE
    from lintgate.cli.terminal import exit_status
    from lintgate.commands.common import report

    for line in prepared.problems:
        say(line)
    return exit_status(report(inv, prepared, result, sys.stdout, counts=True), findings_code)


def check_set(shards: list[ShardResult]) -> None:
    """Raises MergeError unless `shards` are the shards 1..N of one run of this lintgate:
    one version, one settings digest, one discovered file list, each K once, none missing,
    no file checked by two of them."""
    first = shards[0]
    for s in shards:
        if s.document["lintgate_version"] != __version__:
            raise MergeError(
                f"{s.name}: written by lintgate {s.document['lintgate_version']}, "
                f"this is lintgate {__version__}: merge with the version that ran the shards"
            )
    for key, what in (("settings_digest", "settings"), ("discovered", "discovered files")):
        for s in shards[1:]:
            if s.document[key] != first.document[key]:
                raise MergeError(
                    f"{s.name} and {first.name}: different {what}: not shards of one run"
                )
    _check_coverage(shards)


def _check_coverage(shards: list[ShardResult]) -> None:
    """Raises MergeError for shard counts that differ, a shard given twice, a shard missing,
    or a file in two shards."""
    total = shards[0].shard[1]
    seen: dict[int, str] = {}
    for s in shards:
        k, n = s.shard
        if n != total:
            raise MergeError(f"{s.name} is shard {k}/{n}, {shards[0].name} is of {total} shards")
        if k in seen:
            raise MergeError(f"{seen[k]} and {s.name} are both shard {k}/{n}")
        seen[k] = s.name
    missing = [f"{k}/{total}" for k in range(1, total + 1) if k not in seen]
    if missing:
        raise MergeError(f"shard {', '.join(missing)} missing: give every shard's result file")
    owner: dict[str, str] = {}
    for s in shards:
        for path in [*s.document["checked"], *s.document["unchecked"], *s.document["lost"]]:
            if path in owner and owner[path] != s.name:
                raise MergeError(f"{owner[path]} and {s.name} both checked {path}")
            owner[path] = s.name


def merged_run(shards: list[ShardResult]) -> RunResult:
    """The RunResult of the union, as the engine of an unsharded run gives it: diagnostics
    sorted, errors in path order without repeats, the longest shard's seconds; with shard 1's
    whole-program findings on the other shards' files (`whole_program_part`)."""
    pairs = sorted((pair for s in shards for pair in s.errors), key=lambda pair: pair[0])
    # stable: a file's own order; then the lines of no one file (a tool that cannot run), as
    # the engine appends them (lintgate.engine.external_run), each once, first shard first
    messages = [message for _, message in pairs] + [e for s in shards for e in s.run_errors]
    errors = list(dict.fromkeys(messages))
    late = {p for s in shards for p in s.others_unchecked}  # the whole-program tool's deadline
    checked = sorted(p for s in shards for p in s.document["checked"] if p not in late)
    unchecked = sorted({p for s in shards for p in s.document["unchecked"]} | late)
    lost = sorted(p for s in shards for p in s.document["lost"])
    return RunResult(
        files=len(checked),
        paths=checked,
        diagnostics=sorted(whole_program_part(shards)),
        errors=errors,
        unchecked=unchecked,
        seconds=max(float(s.document["seconds"]) for s in shards),
        cached=sum(int(s.document["cached"]) for s in shards),
        lost=lost,
    )


def whole_program_part(shards: list[ShardResult]) -> list[Diagnostic]:
    """The shards' findings joined with shard 1's whole-program findings on the other shards'
    files, as the unsharded run combines them per file (lintgate.engine.check): those on a file
    whose owner found a parse or decode error (`broken`), or left unchecked or lost, are not
    reported; a `nolint` directive that the owner reports as unmatched but that a
    whole-program finding matched is not either (gometalinter's WarnUnmatchedDirective looks
    at every linter's findings)."""
    from lintgate.nolint import LINTER, UNMATCHED_MESSAGE

    gone: set[str] = set()
    for s in shards:
        for key in ("broken", "unchecked", "lost"):
            gone.update(s.document[key])
    matched = {m for s in shards for m in s.matched}
    found = [
        d
        for s in shards
        for d in s.diagnostics
        if not (
            matched
            and d.linter == LINTER
            and d.message == UNMATCHED_MESSAGE
            and (d.path, d.line, d.col) in matched
        )
    ]
    return found + [d for s in shards for d in s.others if d.path not in gone]


def _config(settings: dict[str, Any], where: str) -> Config:
    """The Config of the recorded settings: the linters and the filters (all a report reads)."""
    config = Config()
    recorded = settings["config"]
    try:
        # the run's own linter definitions first, as read_config_file reads `Linters` first:
        # Enable, Severity and the reports may name them
        KEYS["Linters"](recorded.get("Linters", {}), f"{where}: Linters")
        config.enabled = list(KEYS["Enable"](recorded["Enable"], f"{where}: Enable"))
        config.exclude = KEYS["Exclude"](recorded["Exclude"], f"{where}: Exclude")
        config.include = KEYS["Include"](recorded["Include"], f"{where}: Include")
        config.severity = KEYS["Severity"](recorded["Severity"], f"{where}: Severity")
        config.message_override = KEYS["MessageOverride"](
            recorded["MessageOverride"], f"{where}: MessageOverride"
        )
        config.sort = KEYS["Sort"](recorded["Sort"], f"{where}: Sort")
        config.aggregate = bool(recorded["Aggregate"])
        config.errors = bool(recorded["Errors"])
        config.path_mode = KEYS["PathMode"](recorded["PathMode"], f"{where}: PathMode")
        config.path_prefix = KEYS["PathPrefix"](recorded["PathPrefix"], f"{where}: PathPrefix")
    except (KeyError, TypeError) as e:
        raise ResultError(f"{where}: malformed result file: settings: {e}") from None
    return config


def _run_args(merge: argparse.Namespace) -> argparse.Namespace:
    """The arguments of a `lintgate` run with the merge's report and exit options (every other
    option at its default), which the report code reads."""
    from lintgate.cli.parser import build_parser

    args = build_parser().parse_args([])
    args.result_output = None
    args.shard_spec = None
    for name in ("color", "statistics", "exit_zero", "issues_exit_code"):
        setattr(args, name, getattr(merge, name))
    return args


def _as_run(args: argparse.Namespace, shards: list[ShardResult]) -> tuple[Any, Any, RunResult]:
    """The (Invocation, Prepared, RunResult) that lintgate.commands.common.report takes, for
    the union of `shards`. Raises ConfigError for a bad --format or --output."""
    from lintgate.cli.options import parse_outputs
    from lintgate.commands.common import Invocation, Prepared

    first = shards[0]
    config = _config(first.document["settings"], first.name)
    if any(v.partition("=")[0] == "result" for v in args.output) or args.format == "result":
        raise ConfigError("lintgate merge writes reports, not result files (--output result)")
    default = first.document["format"]
    if args.format is not None:
        default = KEYS["Format"](args.format, "--format")
    config.format = default
    if args.path_mode is not None:  # the merge's flags over the runs' settings, as in a run
        config.path_mode = KEYS["PathMode"](args.path_mode, "--path-mode")
    if args.path_prefix is not None:
        config.path_prefix = KEYS["PathPrefix"](args.path_prefix, "--path-prefix")
    outputs = parse_outputs(args.output, default)
    from lintgate.shards.places import run_places

    checked = [p for s in shards for p in s.document["checked"]]
    root, cwd = run_places(
        first.document["settings"]["cwd"], checked, Path(os.getcwd()), first.name
    )
    inv = Invocation(_run_args(args), config, root, cwd, outputs)
    status = 0
    for s in shards:
        status |= int(s.document["status"])
    problems = list(dict.fromkeys(p for s in shards for p in s.document["problems"]))
    said = list(dict.fromkeys(str(e) for s in shards for e in s.document["prepared_errors"]))
    prepared = Prepared(status, [], None, None, said, problems=[str(p) for p in problems])  # type: ignore[arg-type]
    return inv, prepared, merged_run(shards)
