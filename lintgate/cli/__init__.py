"""The `lintgate` command: parse the arguments, pick a command, return its exit status; the
one error handler.

Exit status is a bitmask, as gometalinter's: 0 clean, bit 1 findings were printed, bit 2
lintgate or a linter could not do its job (bad config, unreadable file, a linter crashed, the
deadline passed). Usage errors exit 2 before anything runs. SIGTERM and SIGINT end the
worker pool and exit 143 and 130. Each call of `main` is one run with its own RunContext
(lintgate.context): calling it twice in one process gives what two processes give.
"""

from __future__ import annotations

import atexit
import json
import os
import signal
import sys
from pathlib import Path
from types import FrameType
from typing import Any

from lintgate.cli.options import load_config, parse_outputs
from lintgate.cli.parser import build_parser
from lintgate.cli.terminal import check_terminal_options, exit_status, issues_exit_code
from lintgate.commands.common import FAILURE, FINDINGS, Invocation, check_reports_spare_sources
from lintgate.config import ConfigError, shadowed_config_files
from lintgate.config.pyproject import label as config_label
from lintgate.config.usage import UsageError
from lintgate.console import StdoutFailed, internal_error, say, stdout_writes, tolerant_streams
from lintgate.console import warn as _warn
from lintgate.context import RunContext, run_scope

__all__ = [
    "FAILURE",
    "FINDINGS",
    "build_parser",
    "check_reports_spare_sources",
    "load_config",
    "main",
    "parse_outputs",
]


def main(argv: list[str] | None = None, record: bool = False) -> int:
    """Run lintgate; returns the exit status (never raises for bad input). With `record` (the
    console script's run), a check whose answer is settled leaves a replay record
    (lintgate.replay).

    `lintgate cache ...` (a first argument `cache`) manages the result cache, `lintgate config
    ...` checks a config file, `lintgate merge ...` joins shards' result files; a path named
    `cache`, `config` or `merge` is given as `./cache`.
    """
    restore = tolerant_streams()
    try:
        with run_scope(RunContext()):  # every memo of this run goes with it
            if record:
                from lintgate.replay import capture

                capture.start(sys.argv[1:] if argv is None else argv)
            return _main(argv)
    except UsageError as e:
        say(e.line(), prefix="")
        return FAILURE
    except BrokenPipeError:
        # the reader went away (`lintgate | head`): stop quietly, as Unix filters do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return FAILURE
    except StdoutFailed as e:  # e.g. `lintgate > /dev/full`
        say(f"stdout: cannot write: {e}")
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing left to flush
        return FAILURE
    except Exception as e:  # a bug: one line, and the traceback only when asked for
        internal_error(e)
        return FAILURE
    finally:
        restore()


def _main(argv: list[str] | None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["cache"]:
        from lintgate.cache.command import cache_main

        return cache_main(argv[1:])
    if argv[:1] == ["completion"]:
        from lintgate.cli.helptext import completion_main

        return completion_main(argv[1:], build_parser())
    if argv[:1] == ["config"]:
        from lintgate.config.command import config_main

        return config_main(argv[1:])
    if argv[:1] == ["linters"]:  # a path named `linters` is given as `./linters`
        return _linters(argv[1:])
    if argv[:1] == ["merge"]:
        from lintgate.shards.merge import merge_main

        return merge_main(argv[1:])
    args = build_parser().parse_args(argv)
    cwd = Path(os.getcwd())
    try:
        inv = _invocation(args, cwd)
    except ConfigError as e:
        say(str(e))
        return FAILURE
    if args.print_config:
        from lintgate.report.terminal import is_utf

        with stdout_writes():
            utf = is_utf(getattr(sys.stdout, "encoding", None))  # else \u escapes: valid JSON
            print(json.dumps(inv.config.to_file(), indent=2, ensure_ascii=not utf))
            sys.stdout.flush()
        return 0
    from lintgate.cache.command import CacheRun, CacheUsageError

    try:
        args.cache_specs = CacheRun.parse(args)
    except CacheUsageError as e:
        say(str(e))
        return FAILURE
    return _command(inv)


def _linters(argv: list[str]) -> int:
    """`lintgate linters`: lintgate.commands.linters."""
    from lintgate.commands.linters import linters_main

    try:
        return linters_main(argv, Path(os.getcwd()))
    except ConfigError as e:
        say(str(e))
        return FAILURE


def _invocation(args: Any, cwd: Path) -> Invocation:
    """The effective configuration of the command line; raises ConfigError."""
    config, root = load_config(args, cwd)
    if config.path is not None and not args.config:
        for other in shadowed_config_files(config.path):
            used = os.path.relpath(config.path, cwd)
            shadowed = config_label(other, os.path.relpath(other, cwd))
            _warn(f"{used} and {shadowed} both exist; using {used}")
    if not config.enabled:  # a run that checks nothing would pass every file
        raise ConfigError("no linter enabled (enable one with -E/--enable or Enable)")
    from lintgate.shards.hooks import check_no_result, read_options

    read_options(args)  # --shard, --output result=PATH
    check_no_result(args)
    outputs = parse_outputs(args.output, config.format)
    if args.new_from_rev and args.new_from_patch:
        raise ConfigError("--new-from-rev and --new-from-patch cannot be used together")
    if (args.fix or args.diff) and (args.new_from_rev or args.new_from_patch):
        raise ConfigError("--fix and --diff fix whole files: not with --new-from-rev/-patch")
    check_terminal_options(args)
    return Invocation(args, config, root, cwd, outputs)


def _command(inv: Invocation) -> int:
    """Run the command the arguments ask for, ending it on SIGTERM and SIGINT."""
    previous = _stop_on_signals()
    from lintgate.dask_executor import ExecutorUnavailable

    try:
        if inv.args.stdin_filename is not None:
            from lintgate.commands.stdin import stdin_run

            return exit_status(stdin_run(inv), issues_exit_code(inv.args))
        if inv.args.fix or inv.args.diff:
            from lintgate.commands.fix import fix

            return exit_status(fix(inv), issues_exit_code(inv.args))
        from lintgate.commands.check import check

        status = exit_status(check(inv), issues_exit_code(inv.args))
        from lintgate.replay.record import leave

        leave(inv, status)
        return status
    except ExecutorUnavailable as e:  # the Executor's cluster cannot check the files
        say(str(e))
        return FAILURE
    except (KeyboardInterrupt, _Stopped) as e:
        signum = e.signum if isinstance(e, _Stopped) else signal.SIGINT
        for other in previous:  # the run is ending: another signal adds nothing, even
            signal.signal(other, signal.SIG_IGN)  # after this returns (a Python default
        previous = {}  # handler would end the process by the signal, not with 128 + N)
        _say_stopped(signum)
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


def _say_stopped(signum: int) -> None:
    """The lines of a run ended by `signum`: with --fix, `fixed PATH` for each file written
    so far (lintgate.fixwatch), as a whole run names them, then `terminated` or
    `interrupted`."""
    from lintgate import fixwatch

    for line in fixwatch.lines():
        say(line)
    say("terminated" if signum == signal.SIGTERM else "interrupted")


def _on_stop_signal(signum: int, frame: FrameType | None) -> None:
    for other in (signal.SIGTERM, signal.SIGINT):  # a second one ends lintgate at once
        signal.signal(other, _on_second_signal)
    raise _Stopped(signum)


def _on_second_signal(signum: int, frame: FrameType | None) -> None:
    """A stop signal while the first is being handled (Ctrl-C pressed again; GNU `timeout -s
    INT` signals lintgate, then its whole process group): end at once, without the rest of
    the unwinding, but only once the workers are gone (lintgate.executor.stop_live: a write
    in progress completes first), so that the files named are all the files written."""
    from lintgate.executor import stop_live

    for other in (signal.SIGTERM, signal.SIGINT):
        signal.signal(other, signal.SIG_IGN)
    try:
        stop_live()
        _say_stopped(signum)
        sys.stderr.flush()
        atexit._run_exitfuncs()  # e.g. the external tools' process groups are ended
    finally:
        os._exit(128 + signum)


def _stop_on_signals() -> dict[int, Any]:
    """Make SIGTERM and SIGINT raise _Stopped in this (the parent) process, so the run unwinds
    and the pool's `finally` ends its workers (lintgate.executor.ForkPool: SIGTERM, SIGKILL
    after a grace): they would otherwise go on (and write files, with --fix) after lintgate
    is gone. Workers reset both signals. Returns the previous handlers ({} off the main
    thread)."""
    previous: dict[int, Any] = {}
    for signum in (signal.SIGTERM, signal.SIGINT):
        try:
            previous[signum] = signal.signal(signum, _on_stop_signal)
        except ValueError:  # not the main thread of the main interpreter: leave them
            break
    return previous
