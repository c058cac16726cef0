"""Which arguments each run of an external tool gets: its partition (gometalinter's
PartitionStrategy), the command line with the paths in place, kept under the OS's limit on
the size of arguments and environment.

`files`: the files, in sorted order, split into up to `slots` batches of consecutive files
(and more when one would pass the size limit); only the files the cache did not answer are
run, so a changed file reruns one batch of one file, whatever the boundaries. `directories`:
one batch per directory holding a file to check, given that directory (the tool finds the
files in it; what it says of other files is dropped). `project`: one batch of every file
(or of `.` when the list would pass the limit).
"""

from __future__ import annotations

import os
import shlex
from typing import NamedTuple, Sequence

from lintgate.external.definition import ExternalDefinition

PLACEHOLDERS = ("{path}", "{paths}")  # gometalinter's: where the paths go (else at the end)
HEADROOM = 32 * 1024  # bytes left for what the OS and the tool's own exec may add


class Batch(NamedTuple):
    """One run of a tool: its `name`, the `args` naming paths (relative to the project root,
    `/`-separated), and the `files` (root-relative) whose verdict it gives."""

    name: str
    args: tuple[str, ...]
    files: tuple[str, ...]


def arg_budget(env: dict[str, str]) -> int:
    """The bytes the paths of one command line may take: the OS limit (SC_ARG_MAX) less the
    environment and HEADROOM, halved (some tools re-exec themselves with more)."""
    try:
        limit = int(os.sysconf("SC_ARG_MAX"))
    except (ValueError, OSError, AttributeError):
        limit = 128 * 1024
    used = sum(len(k) + len(v) + 2 + 8 for k, v in env.items())
    return max((limit - used - HEADROOM) // 2, 4096)


def _cost(arg: str) -> int:
    return len(arg.encode("utf-8", "surrogateescape")) + 1 + 8  # the NUL and the pointer


def as_arg(rel: str) -> str:
    """A root-relative path as an argument no tool takes for an option (`./-x.py`)."""
    return "./" + rel if rel.startswith("-") else rel


def partition(
    definition: ExternalDefinition, files: Sequence[str], slots: int, budget: int
) -> list[Batch]:
    """The batches that give the verdicts on `files` (root-relative, `/`-separated)."""
    name = definition.name
    ordered = sorted(files)
    if not ordered:
        return []
    if definition.partition == "project":
        args = [as_arg(f) for f in ordered]
        if sum(map(_cost, args)) > budget:
            args = ["."]
        return [Batch(name, tuple(args), tuple(ordered))]
    if definition.partition == "directories":
        by_dir: dict[str, list[str]] = {}
        for f in ordered:
            by_dir.setdefault(os.path.dirname(f) or ".", []).append(f)
        return [Batch(name, (as_arg(d),), tuple(fs)) for d, fs in sorted(by_dir.items())]
    per = -(-len(ordered) // max(slots, 1))  # ceil: `slots` batches of consecutive files
    batches: list[Batch] = []
    for start in range(0, len(ordered), per):
        chunk: list[str] = []
        size = 0
        for f in ordered[start : start + per]:
            if chunk and size + _cost(f) > budget:
                batches.append(Batch(name, tuple(map(as_arg, chunk)), tuple(chunk)))
                chunk, size = [], 0
            chunk.append(f)
            size += _cost(f)
        batches.append(Batch(name, tuple(map(as_arg, chunk)), tuple(chunk)))
    return batches


def command_line(definition: ExternalDefinition, args: Sequence[str], jobs: int) -> list[str]:
    """The argv of one batch: the command split as a shell would (shlex), the jobs flag with
    `jobs` (when the definition has one) before the paths, and the paths in place of a word
    `{path}`/`{paths}` (gometalinter's placeholder), else at the end."""
    words = shlex.split(definition.command)
    if definition.jobs_flag:
        words += shlex.split(definition.jobs_flag.replace("{n}", str(max(jobs, 1))))
    for i, word in enumerate(words):
        if word in PLACEHOLDERS:
            return words[:i] + list(args) + words[i + 1 :]
    return words + list(args)
