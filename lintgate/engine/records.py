"""The records the engine's modules share (the lowest engine module: no lintgate import but
the diagnostic records): pseudo-linter names, a linter's outcome, a worker's work and answer,
and the results of a file and of a run."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import NamedTuple

from lintgate.diagnostic import Diagnostic, Finding
from lintgate.linters import ENCODING, SYNTAX

__all__ = [  # ENCODING and SYNTAX: the pseudo-linters (lintgate.linters), for the engine
    "ENCODING",
    "ENCODING_VERSION",
    "SYNTAX",
    "Decoding",
    "Done",
    "FileResult",
    "OtherShards",
    "Outcome",
    "RunResult",
    "SettingsFailure",
    "Work",
    "one_line",
    "unreadable",
]
ENCODING_VERSION = f"python{sys.version_info[0]}.{sys.version_info[1]}"  # codecs, tokenize


class Outcome(NamedTuple):
    """What one linter said about one file's bytes: `findings`, or `syntax`, the parse error
    (a Finding, severity error) when the linter could not parse the file."""

    findings: list[Finding]
    syntax: Finding | None = None


class Decoding(NamedTuple):
    """What decoding one file's bytes gave: `error` (the decode error as a Finding, severity
    error) or None, and `nolint`: whether the text holds `nolint` (then its directives have to
    be read: lintgate.nolint)."""

    error: Finding | None
    nolint: bool = False


@dataclass
class FileResult:
    """What checking one file gave: `diagnostics` (unsorted), `errors` (one-line messages for
    stderr, each setting exit bit 2), `cached`: every linter it needs answered from the cache;
    `lost`: no verdict, its worker died or ran over FileDeadline (not counted as checked)."""

    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    cached: bool = False
    lost: bool = False


@dataclass
class OtherShards:
    """What shard 1 of a sharded run (--shard 1/N) says of the other shards' files, over which
    it ran the whole-program external linters (lintgate.engine.external_others): their
    display `paths`, the `nolint` directives the findings there matched ((path, line, col) of
    the comment) and the files among them a deadline left `unchecked`."""

    paths: set[str]
    matched: list[tuple[str, int, int]]
    unchecked: list[str]


@dataclass
class RunResult:
    """A whole run: `files` checked, `diagnostics` sorted, `errors` (deduplicated, in order),
    `unchecked` (display paths the deadline left unchecked), `seconds` of wall time, `cached`
    (files all of whose enabled linters were answered from the cache); `paths`: the display
    paths of the files checked; `results`: each file's FileResult, unordered; `lost`: display
    paths whose worker died or ran over FileDeadline (named in `errors`, not in `files`)."""

    files: int
    paths: list[str]
    diagnostics: list[Diagnostic]
    errors: list[str]
    unchecked: list[str]
    seconds: float
    cached: int = 0
    results: list[FileResult] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    # -v (lintgate.verbose): linter -> (files answered by the cache, files it applies to),
    # and seconds per phase of the engine
    cache_hits: dict[str, tuple[int, int]] = field(default_factory=dict)
    phases: dict[str, float] = field(default_factory=dict)
    # external linter -> the lines of its output its pattern did not match (for -v; issue 14)
    unmatched: dict[str, list[str]] = field(default_factory=dict)
    # -v: external linter -> its version line (those asked: a run with a cache), and its
    # (files answered by the cache, files it applies to), as cache_hits for the in-process ones
    tool_versions: dict[str, str] = field(default_factory=dict)
    external_hits: dict[str, tuple[int, int]] = field(default_factory=dict)
    # answered wholly by the whole-run answer's one lookup (lintgate.engine.whole): the
    # settled warm answer a replay record may give again (lintgate.replay)
    one_lookup: bool = False
    # shard 1 of N > 1: the whole-program linters' word on the other shards' files (whose
    # findings are among `diagnostics`); None in any other run
    others: OtherShards | None = None


class Work(NamedTuple):
    """A file for a worker: absolute `path`, `display` path, `raw` bytes when the parent read
    them (else None), and the `names` of the linters (in pipeline order, maybe SYNTAX) to run.
    `bounded`: whether MaxFileSize applies; False for a fixer's result, which is checked in
    memory (the limit bounds reading files from disk, not what a fixer makes of them)."""

    path: str
    display: str
    raw: bytes | None
    names: tuple[str, ...]
    bounded: bool = True


class Done(NamedTuple):
    """A worker's answer: the `digest` (sha256 hex) of the bytes it checked (None if
    unreadable), `encoding` (the decode error as a Finding, or None), the `outcomes` of the
    linters it ran, `errors` (one-line messages), and the decoded text when it holds
    `nolint` (for the directives; else None)."""

    display: str
    digest: str | None
    encoding: Finding | None
    outcomes: dict[str, Outcome]
    errors: list[str]
    nolint_text: str | None = None
    uncached: tuple[str, ...] = ()  # outcomes not to cache (the `syntax` on black's defaults)
    lost: bool = False  # no worker answered (executor.Lost): the file got no verdict


class SettingsFailure(Exception):
    """A linter's settings could not be built; `str(error)` is the one-line reason."""


def one_line(error: BaseException) -> str:
    """`TYPE: first line of the message` (the type alone when there is no message)."""
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__


def unreadable(display: str, error: OSError) -> str:
    """The error line of a file that cannot be read."""
    return f"{display}: cannot read: {error.strerror or error}"
