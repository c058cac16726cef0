"""The effective configuration of a run from the parsed arguments: the config file, the flags,
the project root and the reports to write (lintgate.config does the validation)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from lintgate.config import (
    KEYS,
    Config,
    ConfigError,
    apply_file,
    apply_linter_flags,
    define_flag_linters,
    find_config_file,
    read_config_file,
)
from lintgate.config.duration import parse_duration
from lintgate.gittop import git_top
from lintgate.report import STDERR


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
    flag_linters = getattr(args, "linter", None) or []
    define_flag_linters(flag_linters)  # first, so that the file's Enable may name them
    if path is not None:
        # --config FILE is named as given; a file found upwards, relative to the directory
        display = args.config if args.config else os.path.relpath(path, cwd)
        apply_file(config, read_config_file(cwd / path, display))
        config.path = path
    root = root or git_top(cwd) or cwd
    define_flag_linters(flag_linters)  # again: a flag overlays the file's definition
    apply_linter_flags(config, args.linter_actions)
    if getattr(args, "fast", False):  # after every definition and -E/-D: lintgate.external.fast
        from lintgate.external.fast import fast_only

        fast = fast_only(config.enabled)
        if config.enabled and not fast:
            raise ConfigError(
                f"--fast: none of the enabled linters is fast ({', '.join(config.enabled)})"
            )
        config.enabled = fast
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
    if args.path_mode is not None:
        config.path_mode = KEYS["PathMode"](args.path_mode, "--path-mode")
    if args.path_prefix is not None:
        config.path_prefix = KEYS["PathPrefix"](args.path_prefix, "--path-prefix")
    if args.sort:
        config.sort = KEYS["Sort"](args.sort, "--sort")
    if args.aggregate is not None:
        config.aggregate = args.aggregate
    if args.errors is not None:
        config.errors = args.errors
    if getattr(args, "executor", None) is not None:
        config.executor = KEYS["Executor"](args.executor, "--executor")
    return config, Path(os.path.realpath(root))


def parse_outputs(values: list[str], default_format: str) -> list[tuple[str, str | None]]:
    """The reports to write: (format or template, path or None for stdout), from `--output
    NAME[=PATH]` values; the path is what follows the last `=` unless that holds a brace
    (then the whole value is a template), `-` and `stdout` are stdout (as for most tools; the
    name as golangci-lint's output paths have it) and `stderr` is standard error
    (lintgate.report.STDERR); a file of either name is `./stdout`, `./stderr`. stdout gets
    `default_format` unless an `--output` to stdout claims it. Raises ConfigError for an
    unknown format or a bad template, for two reports to one place (stdout, or the same file),
    which would interleave, and for a PATH that cannot be written: its directory is missing,
    or it is a directory (checked now, so that a run does not end on it).
    """
    outputs = []
    claimed: dict[tuple[str, str], str] = {}  # where -> the format that writes there
    for value in values:
        name, sep, path = value.rpartition("=")
        if not sep or "{" in path or "}" in path:
            name, path = value, ""
        KEYS["Format"](name, "--output")
        if path in ("-", "stdout"):  # `stdout` as golangci-lint's output paths spell it
            path = ""
        if path == "stderr":
            path = STDERR
        elif path:
            _check_report_place(path)
        # a stream is keyed apart from a file of its name (`./stdout`, `./stderr`)
        if path == STDERR:
            where = ("stream", "stderr")
        elif path:
            where = ("file", os.path.normpath(path))
        else:
            where = ("stream", "stdout")
        if where in claimed:
            raise ConfigError(
                f"--output: {claimed[where]} and {name} both write to {where[1]}; "
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
