"""The cache keys of external linters' results (docs/external.md, "Cache").

A file-local tool's outcome on one file is keyed on the file's content digest, the tool's
version (asked once, remembered in the store's memo by executable path, mtime and size), and a
digest of the definition (command, pattern, partition, severity, MessageOverride, environment),
the contents of its declared config files (`ConfigFiles`, looked for in the file's directory
and every directory above it: what flake8, mypy, pylint and ruff search between them) and the
file's root-relative path (per-file settings such as flake8's `per-file-ignores`).

A whole-program tool (FileLocal false) is keyed on every input at once: the sorted list of its
files with their digests, the config digests, the definition and the version; each file's
outcome is stored under that digest and its path, so one file changed reruns the tool.
"""

from __future__ import annotations

import hashlib
import os
import shlex
from typing import Any, Callable

from lintgate.cache.keys import EXTERNAL_VERSION_MARK
from lintgate.external.definition import ExternalDefinition
from lintgate.external.process import ask_version, executable

VERSION_MARK = EXTERNAL_VERSION_MARK  # linter_version prefix: the OCI export's own layers


def definition_digest(d: ExternalDefinition) -> str:
    """sha256 hex of what of `d` shapes its findings (not the jobs flag, hint, description)."""
    parts = (
        "external-definition-1",
        d.command,
        d.pattern,
        d.partition,
        d.severity,
        d.message_override,
        repr(sorted(d.findings_exit_codes)),
        repr(d.env),
        repr(d.config_files),
        "file-local" if d.file_local else "whole-program",
    )
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


class ConfigDigests:
    """The digest of the declared config files seen from each directory (memoized per run)."""

    def __init__(self, names: tuple[str, ...]) -> None:
        self.names = names
        self._dirs: dict[str, str] = {}

    def own(self, directory: str) -> str:
        """sha256 hex of the config files (by name, then content) in `directory` itself; ""
        when it holds none."""
        h = hashlib.sha256()
        found = False
        for name in self.names:
            path = os.path.join(directory, name)
            try:
                with open(path, "rb") as f:
                    data = f.read()
            except OSError:
                continue
            found = True
            h.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
        return h.hexdigest() if found else ""

    def chain(self, directory: str) -> str:
        """sha256 hex of the config files in `directory` and every directory above it; the
        directories without one add nothing, so the same files at another depth (a CI
        checkout under another path, with an imported cache) give the same digest."""
        if not self.names:
            return ""
        if directory not in self._dirs:
            parent = os.path.dirname(directory)
            above = self.chain(parent) if parent != directory else ""
            mine = self.own(directory)
            value = hashlib.sha256((mine + above).encode()).hexdigest() if mine else above
            self._dirs[directory] = value
        return self._dirs[directory]


def version_memo_key(path: str, d: ExternalDefinition) -> str | None:
    """The store memo key of the version of the program at `path` (absolute): its path, mtime,
    size and the version arguments; None when it cannot be stat'ed."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    parts = ("external-version-1", path, str(st.st_mtime_ns), str(st.st_size), *d.version_args)
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


def tool_version(
    d: ExternalDefinition,
    path: str,
    cwd: str,
    env: dict[str, str],
    cache: Callable[[Callable[[Any], Any]], Any],
    limit: float | None = None,
) -> str:
    """The version line of the tool at `path` (absolute): from the store's memo when it has it
    (a local row, else an imported hint: same path, mtime and size is the same program), else
    asked (`path` + version_args, by `limit`: the run's Deadline) and remembered. "" when the
    tool does not tell (then nothing of it is cached). `cache(op)` runs `op(store)`
    (CacheGuard)."""
    key = version_memo_key(path, d)
    if key is not None:
        known = cache(lambda store: store.memo_get_many([key])) or {}
        if key not in known:
            known = cache(lambda store: store.memo_hints([key])) or {}
            if key in known:
                cache(lambda store: store.memo_used.update({key: known[key]}))
        if key in known:
            return str(known[key])
    version = ask_version([path, *d.version_args], cwd, env, limit)
    if key is not None and version:
        cache(lambda store: store.memo_put_many({key: version}))
    return version


def resolve(d: ExternalDefinition, env: dict[str, str]) -> str | None:
    """The absolute path of the program `d.command` runs, None when it is not there."""
    words = shlex.split(d.command)
    return executable(words[0], env) if words else None
