"""What a replay record is found by and checked against: the invocation key, the record's
place, and the witnesses' digest. Imported before anything else of a run (lintgate.__main__),
so it imports os, sys and hashlib only."""

from __future__ import annotations

import hashlib
import os
import sys
from typing import Mapping, Sequence

from lintgate import __version__
from lintgate.replay import DIRECTORY, FORMAT

# Shell variables that change between two identical runs and that lintgate never reads.
_VOLATILE = frozenset({"OLDPWD"})
# The first arguments that name another command (lintgate.cli.main): never replayed.
_COMMANDS = frozenset({"cache", "completion", "config", "linters", "merge"})
RACY_NS = 2_000_000_000  # git's racy-clean window, as lintgate.engine.whole


def invocation_key(argv: Sequence[str], environ: Mapping[str, str]) -> str:
    """The sha256 hex of one invocation: the arguments, the working directory, the
    environment (all of it but _VOLATILE), which of stdin, stdout and stderr are terminals and
    their encodings, the interpreter and lintgate's version. Two runs with the same key and
    the same witnesses print the same output."""
    h = hashlib.sha256()
    streams = [
        (_isatty(s), getattr(s, "encoding", None)) for s in (sys.stdin, sys.stdout, sys.stderr)
    ]
    parts: list[object] = [FORMAT, __version__, sys.executable, sys.version, os.getcwd()]
    parts += [len(argv), *argv, repr(streams)]
    parts += [f"{k}={v}" for k, v in sorted(environ.items()) if k not in _VOLATILE]
    for part in parts:
        h.update(str(part).encode("utf-8", "surrogateescape") + b"\0")
    return h.hexdigest()


def _isatty(stream: object) -> bool | None:
    try:
        return bool(stream.isatty())  # type: ignore[attr-defined]
    except (AttributeError, ValueError, OSError):  # None, or closed
        return None


def record_path(argv: Sequence[str], environ: Mapping[str, str]) -> str | None:
    """Where the replay record of this invocation lives (`replay/KEY` in the cache directory),
    or None when it is never replayed: another command, --no-cache, LINTGATE_REPLAY=0.
    The cache directory is found as lintgate.cache.location finds it, from the arguments'
    `--cache-dir DIR` or `--cache-dir=DIR` (an abbreviation of the option is not recognised
    here: such a run is not replayed), $LINTGATE_CACHE_DIR, or the user cache directory."""
    if environ.get("LINTGATE_REPLAY") == "0" or (argv and argv[0] in _COMMANDS):
        return None
    explicit = None
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--no-cache":
            return None
        if arg == "--cache-dir" and i + 1 < len(argv):
            explicit = argv[i + 1]
        elif arg.startswith("--cache-dir="):
            explicit = arg.partition("=")[2]
    directory = explicit or environ.get("LINTGATE_CACHE_DIR") or _user_cache(environ)
    if directory is None:
        return None
    directory = os.path.abspath(os.path.expanduser(directory))
    return os.path.join(directory, DIRECTORY, invocation_key(argv, environ))


def _user_cache(environ: Mapping[str, str]) -> str | None:
    """platformdirs' user cache directory for lintgate on Linux ($XDG_CACHE_HOME, else
    ~/.cache), without importing it; None elsewhere (not replayed there)."""
    if not sys.platform.startswith("linux"):
        return None
    base = environ.get("XDG_CACHE_HOME", "")
    if not base.strip():
        base = os.path.expanduser("~/.cache")
    return os.path.join(base, "lintgate")


def witness_digest(paths: Sequence[str], racy_from_ns: int = 0) -> str | None:
    """The sha256 hex over the stat data of `paths` (mode, size, mtime, ctime, inode; the
    error number of a path that cannot be stat'ed, e.g. a missing config file). With
    `racy_from_ns`, None when a witness was modified at or after it: racily clean, as git's
    index calls an entry whose mtime is too recent to vouch that a later write would change
    it (an older mtime changes with any write)."""
    stat = os.stat
    lines = []
    for path in paths:
        try:
            s = stat(path)
        except OSError as e:
            lines.append(f"-{e.errno}")
            continue
        if racy_from_ns and s.st_mtime_ns >= racy_from_ns:
            return None
        lines.append(f"{s.st_mode} {s.st_size} {s.st_mtime_ns} {s.st_ctime_ns} {s.st_ino}")
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()
