"""Which shard checks which file: `--shard K/N` and `--shard auto`.

A file's shard is chosen by rendezvous (highest random weight) hashing over the shard
numbers, bounded by load: files are placed largest first (ties broken by the path's hash),
each on the first shard of its own hash order whose load stays under the cap, CAP times the
mean load (a file's load is its size in bytes plus FILE_COST). The hash order alone never
moves a file when unrelated files are added (rendezvous hashing's property); the cap evens out
what the hashes leave uneven, at the price of the few files that overflow their first shard,
which can move when the loads change. See docs/ci.md, "How files are split".
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

__all__ = [
    "CAP",
    "FILE_COST",
    "MAX_SHARDS",
    "Shard",
    "ShardError",
    "assign",
    "from_env",
    "parse",
    "select",
]

# A file's fixed cost in bytes beyond its size (opening, hashing, a worker's round trip).
FILE_COST = 2048
# A shard's load may reach CAP times the mean before its files overflow to their next shard.
CAP = 1.05

# The most shards of one run: `--shard K/N`, `--shard auto`, a result file's shard, and a cache
# import's `shards=N` (lintgate.cache.oci.spec: one manifest fetch each). The partition hashes
# each file once per shard, so N bounds the work per file. GitLab's `parallel:` stops at 200.
MAX_SHARDS = 256

# The CI variables `--shard auto` reads: (index, total, whether the index is 0-based), in the
# order they are tried. GitHub Actions sets none (use a matrix: --shard ${{ matrix.shard }}/N).
CI_VARIABLES = (
    ("CI_NODE_INDEX", "CI_NODE_TOTAL", False),  # GitLab `parallel:` (1-based)
    ("CIRCLE_NODE_INDEX", "CIRCLE_NODE_TOTAL", True),  # CircleCI `parallelism:`
    ("BUILDKITE_PARALLEL_JOB", "BUILDKITE_PARALLEL_JOB_COUNT", True),  # Buildkite `parallelism:`
)


class ShardError(ValueError):
    """A bad `--shard` value or CI variable; `str(error)` is the one-line message."""


@dataclass(frozen=True)
class Shard:
    """Shard `index` (1-based, as GitLab's CI_NODE_INDEX) of `total`."""

    index: int
    total: int

    def __str__(self) -> str:
        return f"{self.index}/{self.total}"


def parse(value: str, env: Mapping[str, str] | None = None) -> Shard:
    """The shard of a `--shard` value: `K/N` (1 <= K <= N) or `auto` (from_env(env); env
    defaults to os.environ). Raises ShardError."""
    if value == "auto":
        return from_env(os.environ if env is None else env)
    index, sep, total = value.partition("/")
    if not sep or not _digits(index) or not _digits(total):
        raise ShardError(f"--shard: expected K/N (e.g. 2/4) or auto, got {value!r}")
    return _checked(index, total, f"--shard {_cut(value)}")


def _cut(text: str) -> str:
    """`text` for a one-line message: cut at 40 characters."""
    return text if len(text) <= 40 else text[:37] + "..."


def _digits(text: str) -> bool:
    """Whether `text` is a whole number in ASCII digits (str.isdigit takes other scripts')."""
    return text.isascii() and text.isdigit()


def _checked(index_text: str, total_text: str, where: str, offset: int = 0) -> Shard:
    """The Shard of two digit strings (`offset` added to the index: 1 for a 0-based CI).
    Numbers too long for MAX_SHARDS are refused before int() (which refuses over 4,300
    digits) and before anything sized by them. Raises ShardError."""
    width = len(str(MAX_SHARDS))
    if len(total_text.lstrip("0")) > width or int(total_text) > MAX_SHARDS:
        raise ShardError(f"{where}: at most {MAX_SHARDS} shards")
    total = int(total_text)
    if total < 1:
        raise ShardError(f"{where}: the number of shards must be at least 1")
    if len(index_text.lstrip("0")) > width:
        raise ShardError(f"{where}: shard {_cut(index_text)} is not between 1 and {total}")
    index = int(index_text) + offset
    if not 1 <= index <= total:
        raise ShardError(f"{where}: shard {index} is not between 1 and {total}")
    return Shard(index, total)


def from_env(env: Mapping[str, str]) -> Shard:
    """The shard the CI's variables name (CI_VARIABLES: GitLab, CircleCI, Buildkite; the
    0-based indexes made 1-based). Raises ShardError when none is set or a value is bad."""
    for index_name, total_name, zero_based in CI_VARIABLES:
        index, total = env.get(index_name), env.get(total_name)
        if index is None and total is None:
            continue
        where = f"--shard auto: {index_name}={_cut(index or '')}, {total_name}={_cut(total or '')}"
        if not _digits(index or "") or not _digits(total or ""):
            raise ShardError(f"{where}: expected two whole numbers")
        return _checked(index or "0", total or "0", where, int(zero_based))
    names = ", ".join(f"{i}/{t}" for i, t, _ in CI_VARIABLES)
    raise ShardError(f"--shard auto: no CI shard variables set ({names}); give --shard K/N")


def _rank(path: str, total: int) -> list[int]:
    """The shards (0-based) in `path`'s rendezvous order: highest hash of (shard, path) first."""
    data = path.encode("utf-8", "surrogateescape")
    scores = [
        (hashlib.blake2b(data, digest_size=8, salt=k.to_bytes(8, "little")).digest(), k)
        for k in range(total)
    ]
    return [k for _, k in sorted(scores, reverse=True)]


def assign(weights: Mapping[str, int], total: int) -> dict[str, int]:
    """{path: shard (0-based)} for files of `weights` ({root-relative `/`-separated path:
    load}) over `total` shards: bounded-load rendezvous hashing (the module's docstring).
    Deterministic: depends on the paths and loads only, not on the mapping's order. Raises
    ValueError for a `total` outside 1..MAX_SHARDS."""
    if not 1 <= total <= MAX_SHARDS:  # the work per file grows with it
        raise ValueError(f"{total} shards: from 1 to {MAX_SHARDS}")
    if total == 1:
        return dict.fromkeys(weights, 0)
    ranks = {path: _rank(path, total) for path in weights}
    cap = CAP * sum(weights.values()) / total
    loads = [0] * total
    placed: dict[str, int] = {}
    for path in sorted(weights, key=lambda p: (-weights[p], ranks[p], p)):
        weight = weights[path]
        fits = [k for k in ranks[path] if loads[k] + weight <= cap]
        k = fits[0] if fits else min(range(total), key=lambda s: (loads[s], s))
        loads[k] += weight
        placed[path] = k
    return placed


def select(files: list[Path], root: Path, shard: Shard) -> list[Path]:
    """The files of `files` (absolute paths, as discovered) that `shard` checks, in their
    given order. A file's key is its path relative to `root` (so every job agrees, wherever
    it is checked out) and its load its size (an unreadable file weighs FILE_COST)."""
    if shard.total == 1:
        return list(files)
    prefix = str(root).rstrip(os.sep) + os.sep
    keys = {}
    weights = {}
    for f in files:
        path = str(f)
        key = (path[len(prefix) :] if path.startswith(prefix) else path).replace(os.sep, "/")
        try:
            size = os.stat(path).st_size
        except OSError:
            size = 0
        keys[path] = key
        weights[key] = size + FILE_COST
    placed = assign(weights, shard.total)
    return [f for f in files if placed[keys[str(f)]] == shard.index - 1]
