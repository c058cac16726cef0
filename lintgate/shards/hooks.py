"""Where sharding meets a run: the `--shard` and `--output result=PATH` options read
(`read_options`), the shard's share of the discovered files (`pick`, called by
lintgate.commands.common.prepare) and the result file written (`write`, called by
lintgate.commands.common.report). Kept here so the commands gain three calls only."""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from lintgate.config import ConfigError
from lintgate.diagnostic import Diagnostic
from lintgate.engine.records import RunResult

__all__ = ["ShardRun", "pick", "read_options", "write"]


def read_options(args: argparse.Namespace) -> None:
    """Move `--output result=PATH` out of `args.output` into `args.result_output` (None
    without one) and parse `--shard` into `args.shard_spec` (a partition.Shard, or None).
    Raises ConfigError (one line) for a bad value or a CI without shard variables."""
    from lintgate.shards.partition import ShardError, parse
    from lintgate.shards.resultfile import ResultError, split_result_output

    try:
        args.output, args.result_output = split_result_output(list(args.output))
        args.shard_spec = parse(args.shard) if getattr(args, "shard", None) else None
    except (ShardError, ResultError) as e:
        raise ConfigError(str(e)) from None


@dataclass
class ShardRun:
    """What the result file says of the discovery: the `shard` (K, N), the number of files
    `discovered` by the whole run and their digest (resultfile.discovered_digest)."""

    shard: tuple[int, int]
    discovered: int
    digest: str


def pick(args: argparse.Namespace, root: Path, files: Sequence[Path]) -> tuple[Sequence[Path], Any]:
    """The files this run checks (its shard's share of `files`, all of them without
    --shard) and the ShardRun to record (None without a result file)."""
    spec = getattr(args, "shard_spec", None)
    run = None
    if getattr(args, "result_output", None):
        from lintgate.shards.resultfile import discovered_digest

        shard = (spec.index, spec.total) if spec else (1, 1)
        run = ShardRun(shard, len(files), discovered_digest(files, root))
    if spec is None or spec.total == 1:
        return files, run
    from lintgate.filelist import FileList
    from lintgate.shards.partition import select

    chosen = FileList(str(p) for p in select(list(files), root, spec))
    if isinstance(files, FileList):  # git's word on unchanged files goes with them
        chosen.identities = {t: files.identities[t] for t in chosen.texts if t in files.identities}
    return chosen, run


def write(inv: Any, prepared: Any, result: RunResult, diagnostics: list[Diagnostic]) -> list[str]:
    """Write the result file of `inv.args.result_output`, if any, with the `diagnostics` of
    `result` after new-code selection (before the filters); returns one-line errors."""
    path = getattr(inv.args, "result_output", None)
    run = getattr(prepared, "shard_run", None)
    if not path or run is None:
        return []
    from lintgate.config.inputs import open_report
    from lintgate.shards.resultfile import render, settings_of

    args = inv.args
    # every option of new-code selection: shards must agree on all of them
    whole = "whole-files" if getattr(args, "whole_files", False) else None
    new_code = [
        args.new_from_rev,
        args.new_from_patch,
        getattr(args, "new_from_merge_base", None),
        whole,
    ]
    cwd = os.path.relpath(inv.cwd, inv.root).replace(os.sep, "/")
    settings = settings_of(inv.config.to_file(), list(args.paths), cwd, new_code)
    text = render(
        result,
        diagnostics,
        settings,
        run.shard,
        (run.discovered, run.digest),
        prepared.status,
        list(getattr(prepared, "problems", [])),
        inv.config.format,
        [str(e) for e in getattr(prepared, "errors", [])],
    )
    try:
        with open_report(path) as f:
            f.write(text)
    except OSError as e:
        return [f"{path}: cannot write the result file: {e.strerror}"]
    return []


def check_no_result(args: argparse.Namespace) -> None:
    """Raises ConfigError when a result file is asked of a run that cannot write one."""
    if getattr(args, "result_output", None) and (args.fix or args.diff):
        raise ConfigError("--output result=PATH is for checks, not with --fix or --diff")
