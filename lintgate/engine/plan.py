"""Planning, in the parent: which enabled linters apply to each file (`FilePlan`), from the
tools' own exclusions, kept in the store's memo table where there is a store.

Exclusion verdicts are path-dependent, so they are memoized on the absolute path and the
linter's config digest (exports carry them, so a fresh checkout at the same path with an
imported cache needs no settings). A run answered wholly from the cache builds no settings,
so it imports neither isort nor black.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from lintgate import __version__ as LINTGATE_VERSION
from lintgate import filesets, linters
from lintgate.engine.check import Checker, needs_syntax, settings_owner, usable
from lintgate.engine.guard import CacheGuard
from lintgate.engine.records import (
    SYNTAX,
    Decoding,
    Outcome,
    SettingsFailure,
    one_line,
)
from lintgate.filesets import is_python
from lintgate.linters.base import Project

Where = tuple[int, str]  # (index of the file's plan, linter name)


class FilePlan:
    """One file's plan: the linters that apply (`names`, pipeline order, maybe SYNTAX), the
    cache keys of its decoding and of each of them (`keys`), what the cache answered
    (`known`, `decoding`), the bytes read while hashing (`raw`) and why it is `unreadable`."""

    __slots__ = (
        "_path",
        "spath",
        "directory",
        "display",
        "rel",
        "names",
        "errors",
        "digest",
        "keys",
        "known",
        "decoding",
        "raw",
        "unreadable",
    )

    def __init__(self, path: Path | str, display: str, rel: str) -> None:
        self._path = path if isinstance(path, Path) else None
        self.spath = str(path)
        self.directory = os.path.dirname(self.spath)
        self.display = display
        self.rel = rel
        self.names: list[str] = []
        self.errors: list[str] = []
        self.digest: str | None = None
        self.keys: dict[str, Any] = {}  # name (or ENCODING) -> cache Entry
        self.known: dict[str, Outcome] = {}
        self.decoding: Decoding | None = None  # the cached decoding, None when not known
        self.raw: bytes | None = None
        self.unreadable: str | None = None

    @property
    def path(self) -> Path:
        """The file's absolute path, made when first asked for (a warm run asks for few)."""
        if self._path is None:
            self._path = Path(self.spath)
        return self._path


class Planner:
    """Decides, in the parent, which linters apply to each file; with a store, builds the
    cache keys from engine-free config digests and keeps exclusion verdicts in its memo."""

    def __init__(
        self, project: Project, enabled: list[str], checker: Checker, cache: CacheGuard
    ) -> None:
        self.project = project
        self.enabled = enabled
        self.checker = checker
        self.cache = cache
        self.versions: dict[str, str] = {}
        self._digests: dict[tuple[str, str], str | None] = {}
        self._paths: dict[str, Path] = {}  # directory -> its Path, made once
        # What this run's earlier chunks recorded in the store (lintgate.engine.chunked), which
        # its later chunks do not take from it: a run answers from what the store knew when
        # it began, as when it was planned at once (a copy of a file in a later chunk is
        # checked again, and "from cache" counts the same). The first 64 bits of the content
        # digests the store knew nothing of, and of the entry keys recorded for the others.
        self.recorded: set[int] = set()

    def version(self, name: str) -> str:
        """The version of linter `name`'s engine, asked once per run."""
        if name not in self.versions:
            self.versions[name] = linters.lookup(name).version()
        return self.versions[name]

    def config_digest(self, name: str, directory: str) -> str | None:
        """The linter's config digest for `directory`: its cheap, engine-free `config_digest`
        (for SYNTAX the judge's `parse_digest`), else the digest of its built settings; None
        if those fail to build."""
        key = (name, directory)
        if key not in self._digests:
            linter = linters.lookup(name)
            where = self._paths.get(directory)
            if where is None:
                where = self._paths[directory] = Path(directory)
            digest = linter.config_digest(self.project, where)
            if digest is None:
                try:
                    settings = self.checker.settings(settings_owner(name), where)
                    digest = linter.settings_digest(settings)
                except SettingsFailure:
                    digest = None
            self._digests[key] = digest
        return self._digests[key]

    def plan(self, plans: list[FilePlan]) -> None:
        """Fill each plan's `names` and `errors`."""
        verdicts = self.exclusions(plans)
        # the same few answers for every file: asked once per (failed, names, Python or not)
        syntax: dict[tuple[tuple[str, ...], tuple[str, ...], bool], bool] = {}
        for i, plan in enumerate(plans):
            failed: list[str] = []
            for name in self.enabled:
                verdict = verdicts[i, name]
                if isinstance(verdict, str):
                    plan.errors.append(verdict)
                    failed.append(name)
                elif not verdict:
                    plan.names.append(name)
            key = (tuple(failed), tuple(plan.names), is_python(plan.spath))
            needed = syntax.get(key)
            if needed is None:
                needed = needs_syntax(usable(self.enabled, failed), plan.names, plan.spath)
                syntax[key] = needed
            if needed:
                plan.names.append(SYNTAX)

    def exclusions(self, plans: list[FilePlan]) -> dict[Where, bool | str]:
        """{(plan index, linter): excluded?, or the settings error message} for every enabled
        linter; from the store's memo where it has them, else by building the settings."""
        memo_keys = self._memo_keys(plans) if self.cache.store is not None else {}
        verdicts = self._remembered(memo_keys)
        fresh: dict[str, str] = {}
        for i, plan in enumerate(plans):
            for name in self.enabled:
                if (i, name) in verdicts:
                    continue
                verdicts[i, name] = verdict = self._decide(plan, name)
                if (i, name) in memo_keys and not isinstance(verdict, str):
                    fresh[memo_keys[i, name]] = "1" if verdict else "0"
        if fresh:
            self.cache(lambda store: store.memo_put_many(fresh))
        return verdicts

    def _decide(self, plan: FilePlan, name: str) -> bool | str:
        """Whether linter `name` excludes the file, by its settings; or the error line."""
        try:
            settings = self.checker.settings(name, plan.path.parent)
            return filesets.excluded(name, plan.path, settings, self.checker.settings, self.project)
        except SettingsFailure as e:
            return f"{name}: {e}"
        except Exception as e:
            return f"{plan.display}: {name}: internal error: {one_line(e)}"

    def _remembered(self, memo_keys: dict[Where, str]) -> dict[Where, bool | str]:
        """The verdicts the store's memo holds for `memo_keys`."""
        if not memo_keys:
            return {}
        memo = self.cache(lambda store: store.memo_get_many(memo_keys.values())) or {}
        missing = [key for key in memo_keys.values() if key not in memo]
        if missing:  # imported verdicts are hints (docs/cache.md, "Trust model: local store"):
            # "not excluded" hides nothing and is taken; "excluded" is decided here again
            hints = self.cache(lambda store: store.memo_hints(missing)) or {}
            taken = {key: value for key, value in hints.items() if value == "0"}
            self.cache(lambda store: store.memo_used.update(taken))
            memo.update(taken)
        return {where: memo[key] == "1" for where, key in memo_keys.items() if key in memo}

    def _memo_keys(self, plans: list[FilePlan]) -> dict[Where, str]:
        """The memo key of each (plan, linter) whose config digest is known: sha256 of
        "exclude", the linter, its version, lintgate's version (black's is_excluded is
        lintgate's own code), the config digest, the project root (black's digest places its
        root relative to it), the absolute path (isort matches `skip` against it, and against
        the path relative to the config directory its own search finds) and what else the
        linter's exclusion depends on (`exclusion_inputs` of the linter whose file set it
        follows, else its own: for isort the working directory, the directory walks, its
        config digest and whether the file was named; for black whether it was named),
        NUL-separated; one hash state per config, copied."""
        root = str(self.project.root)
        prefixes: dict[tuple[str, str], Any] = {}  # (linter, config digest) -> hash state
        rows: dict[str, list[tuple[str, Any]]] = {}  # directory -> [(linter, hash state)]
        deciders = {name: _decider(name) for name in self.enabled}
        keys: dict[Where, str] = {}
        for i, plan in enumerate(plans):
            row = rows.get(plan.directory)
            if row is None:
                row = rows[plan.directory] = []
                for name in self.enabled:
                    cd = self.config_digest(name, plan.directory)
                    if cd is None:
                        continue
                    prefix = prefixes.get((name, cd))
                    if prefix is None:
                        parts = (
                            "exclude",
                            name,
                            self.version(name),
                            LINTGATE_VERSION,
                            cd,
                            root,
                            "",
                        )
                        prefix = hashlib.sha256("\0".join(parts).encode("utf-8", "surrogateescape"))
                        prefixes[name, cd] = prefix
                    row.append((name, prefix))
            path = plan.spath.encode("utf-8", "surrogateescape")
            for name, prefix in row:
                h = prefix.copy()
                h.update(path)
                h.update(deciders[name].exclusion_inputs(plan.path, self.project))
                keys[i, name] = h.hexdigest()
        return keys


def _decider(name: str) -> Any:
    """The Linter whose exclusion decides linter `name`'s file set: the one it follows
    (Capabilities.follows: `imports` follows isort), else itself."""
    follows = linters.lookup(name).capabilities.follows
    return linters.lookup(follows or name)
