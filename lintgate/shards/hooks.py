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


def pick(
    args: argparse.Namespace, root: Path, files: Sequence[Path]
) -> tuple[Sequence[Path], Any, Sequence[Path]]:
    """The files this run checks (its shard's share of `files`, all of them without
    --shard), the ShardRun to record (None without a result file), and the other shards'
    files when this is shard 1 of N > 1 (the whole-program linters' inputs too: `linters`),
    else none."""
    spec = getattr(args, "shard_spec", None)
    run = None
    if getattr(args, "result_output", None):
        from lintgate.shards.resultfile import discovered_digest

        shard = (spec.index, spec.total) if spec else (1, 1)
        run = ShardRun(shard, len(files), discovered_digest(files, root))
    if spec is None or spec.total == 1:
        return files, run, ()
    from lintgate.filelist import FileList, texts_of
    from lintgate.shards.partition import select

    chosen = FileList(str(p) for p in select(list(files), root, spec))
    if isinstance(files, FileList):  # git's word on unchanged files goes with them
        chosen.identities = {t: files.identities[t] for t in chosen.texts if t in files.identities}
    if spec.index != 1:
        return chosen, run, ()
    mine = set(chosen.texts)
    return chosen, run, FileList(t for t in texts_of(files) if t not in mine)


def whole_program(enabled: Sequence[str]) -> list[str]:
    """The whole-program external linters of `enabled` (FileLocal false: mypy, pylint)."""
    from lintgate.external import registry

    return [n for n in enabled if (d := registry.get(n)) is not None and not d.file_local]


def linters(args: argparse.Namespace, enabled: list[str]) -> tuple[list[str], bool]:
    """The linters the engine runs in this shard, and whether the whole-program ones among
    them run over the other shards' files too. Without --shard, or with N = 1: `enabled`,
    False. Shard 1 of N: `enabled`, True (they see every discovered file, as unsharded).
    Shard K > 1 of N: `enabled` less the whole-program linters (shard 1 reports them)."""
    spec = getattr(args, "shard_spec", None)
    if spec is None or spec.total == 1:
        return enabled, False
    if spec.index == 1:
        return enabled, bool(whole_program(enabled))
    skipped = set(whole_program(enabled))
    return [n for n in enabled if n not in skipped], False


def describe(args: argparse.Namespace, enabled: list[str], others: int) -> list[str]:
    """-v's lines on the whole-program linters of a sharded run (`others`: how many files
    the other shards check): where they run."""
    spec = getattr(args, "shard_spec", None)
    names = whole_program(enabled)
    if spec is None or spec.total == 1 or not names:
        return []
    if spec.index == 1:
        return [
            f"{name}: whole-program: run in this shard (1/{spec.total}) over every discovered "
            f"file, {others} of them the other shards'"
            for name in names
        ]
    return [
        f"{name}: whole-program: not run in this shard ({spec.index}/{spec.total}); "
        f"shard 1/{spec.total} runs it over every file"
        for name in names
    ]


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
