"""The external linters of a run (lintgate.engine.external): keys and cache answers in the
parent, batches on threads, their outcomes merged into the files' results."""

from __future__ import annotations

import atexit
import hashlib
import os
from concurrent.futures import Future
from typing import Any, Callable

from lintgate import progress
from lintgate.diagnostic import StoredResult
from lintgate.engine.check import Checker, combine
from lintgate.engine.external_batch import Batches, BatchResult, Target, collect
from lintgate.engine.guard import CacheGuard
from lintgate.engine.plan import FilePlan
from lintgate.engine.records import Done, FileResult, Outcome, RunResult
from lintgate.engine.stored import load_outcome, store_outcome
from lintgate.external import registry
from lintgate.external.batches import Batch, arg_budget, partition
from lintgate.external.definition import ExternalDefinition
from lintgate.external.keys import (
    VERSION_MARK,
    ConfigDigests,
    definition_digest,
    resolve,
    tool_version,
)
from lintgate.external.process import tool_env
from lintgate.filesets import is_python


class External:
    """The external linters `names` on the Python files of `plans` (see the module docstring)."""

    def __init__(
        self,
        plans: list[FilePlan],
        names: list[str],
        checker: Checker,
        cache: CacheGuard,
        limit: float | None,
        warn: Callable[[str], None] | None,
        others: list[FilePlan] | None = None,
    ) -> None:
        self.checker = checker
        self.cache = cache
        self.limit = limit
        self.warn = warn
        self.root = str(checker.project.root)
        self.targets = {
            p.rel: Target(p.rel, p.display, p.digest, p.directory)
            for p in plans
            if p.unreadable is None and is_python(p.spath)
        }
        self.own = sorted(self.targets)  # the file-local linters' files
        # shard 1 of N: the other shards' files, for the whole-program linters only
        self.others = [p for p in others or [] if p.unreadable is None and is_python(p.spath)]
        for p in self.others:
            self.targets[p.rel] = Target(p.rel, p.display, p.digest, p.directory)
        self.whole = [n for n in names if not _file_local(n)]
        self.plans = {p.display: p for p in plans}
        self.outcomes: dict[str, dict[str, Outcome]] = {}  # display -> name -> outcome
        self.fresh_names: set[str] = set()  # displays with an outcome not from the cache
        self.entries: dict[tuple[str, str], Any] = {}  # (name, rel) -> cache Entry
        self.errors: list[str] = []
        self.unchecked: list[str] = []
        self.misses: dict[str, tuple[ExternalDefinition, list[str], dict[str, str]]] = {}
        self.futures: list[Future[BatchResult]] = []
        self.running: Batches | None = None
        self.results: list[BatchResult] = []
        self.record: list[tuple[Any, StoredResult]] = []
        # name -> the output lines its pattern did not match (for -v; counted on stderr)
        self.unmatched: dict[str, list[str]] = {}
        self.merged: set[str] = set()  # displays whose worker's answer got the outcomes
        self.versions: dict[str, str] = {}  # name -> version line (-v)
        self.hits: dict[str, tuple[int, int]] = {}  # name -> (from the cache, files) (-v)
        for name in names:
            definition = registry.get(name)
            if definition is not None:
                self._prepare(definition)

    def _prepare(self, d: ExternalDefinition) -> None:
        """Resolve the tool, key and look up its outcomes; keep the files left to run."""
        env = tool_env(dict(d.env))
        path = resolve(d, env)
        if path is None:
            hint = f"; install it: {d.install_hint}" if d.install_hint else ""
            word = d.command.split()[0] if d.command.split() else d.command
            self.errors.append(f"{d.name}: cannot run {word!r}: command not found{hint}")
            return
        rels = self.own if d.file_local or not self.others else sorted(self.targets)
        if self.cache.store is not None and rels:
            version = tool_version(d, path, self.root, env, self.cache, self.limit)
            if version:  # a tool that does not say its version is run, never cached
                self.versions[d.name] = version
                self._key(d, VERSION_MARK + version, rels)
        keyed = {rel: self.entries[d.name, rel] for rel in rels if (d.name, rel) in self.entries}
        hits = self.cache(lambda store: store.get_results({e.key for e in keyed.values()})) or {}
        if (
            not d.file_local
            and len(keyed) == len(rels)
            and all(e.key in hits for e in keyed.values())
        ):
            left: list[str] = []
        elif not d.file_local:
            left = rels
        else:
            left = [rel for rel in rels if rel not in keyed or keyed[rel].key not in hits]
        for rel, entry in keyed.items():
            if entry.key in hits and rel not in left:
                display = self.targets[rel].display
                self.outcomes.setdefault(display, {})[d.name] = load_outcome(hits[entry.key])
        if left:
            self.misses[d.name] = (d, left, env)
        self.hits[d.name] = (len(rels) - len(left), len(rels))

    def _key(self, d: ExternalDefinition, version: str, rels: list[str]) -> None:
        """The cache Entry of each file's outcome (the module docstring of
        lintgate.external.keys): none for a file without a digest (or, whole-program, for all)."""
        from lintgate.cache import Entry

        configs = ConfigDigests(d.config_files)
        prefix = definition_digest(d)
        if d.file_local:
            for rel in rels:
                t = self.targets[rel]
                if t.digest is None:
                    continue
                cd = f"{prefix}\0{configs.chain(t.directory)}\0{rel}"
                self.entries[d.name, rel] = Entry(t.digest, d.name, version, _sha(cd))
            return
        if any(self.targets[rel].digest is None for rel in rels):
            return
        h = hashlib.sha256(f"{prefix}\0{version}\0".encode())
        for rel in rels:
            t = self.targets[rel]
            h.update(
                f"{rel}\0{t.digest}\0{configs.chain(t.directory)}\0".encode(
                    "utf-8", "surrogateescape"
                )
            )
        inputs = h.hexdigest()
        for rel in rels:
            self.entries[d.name, rel] = Entry(_sha(f"{inputs}\0{rel}"), d.name, version, inputs)

    def start(self, concurrency: int, pool_work: bool) -> int:
        """Start the batches of what the cache did not answer; returns the slots left for the
        pool (the sharing rule: lintgate.engine.external's docstring)."""
        slots = concurrency // 2 if pool_work else concurrency
        batches: list[tuple[Batch, ExternalDefinition, dict[str, str]]] = []
        for d, left, env in self.misses.values():
            for batch in partition(d, left, max(slots, 1), arg_budget(env)):
                batches.append((batch, d, env))
        if not batches:
            return concurrency
        progress.expect_external(sum(len(batch.files) for batch, _, _ in batches))
        jobs = max(1, max(slots, 1) // len(batches))
        running = Batches(self.root, jobs, self.limit)
        if slots == 0:  # one slot for both kinds of work: the batches first
            self.results = collect(running.start(batches, 0), _tick)
            return concurrency
        self.running = running
        self.futures = running.start(batches, slots)
        atexit.register(running.kill)  # interrupted: the tools must not outlive lintgate
        return max(concurrency - slots, 1)

    def before_merge(self, plans: dict[str, FilePlan], done: list[Done]) -> None:
        """Wait for the batches, parse what they printed, and give each worker's answer the
        external outcomes of its file (so that its `nolint` directives apply to them)."""
        if self.running is not None:
            self.results = collect(self.futures, _tick if progress.showing() else None)
            atexit.unregister(self.running.kill)
        self._read_results()
        for d in done:
            extra = self.outcomes.get(d.display)
            plan = plans.get(d.display)
            if extra and plan is not None and not d.lost and d.encoding is None:
                self.merged.add(d.display)
                plan.names.extend(n for n in extra if n not in plan.names)
                d.outcomes.update(extra)

    def _read_results(self) -> None:
        from lintgate.external.parse import attribute

        by_path = {os.path.normpath(os.path.join(self.root, rel)): rel for rel in self.targets}
        for r in self.results:
            found, error, unmatched = attribute(r, by_path, self.root, self.limit)
            if error:
                self.errors.append(error)
            if r.lost:
                self.unchecked += [self.targets[rel].display for rel in r.batch.files]
            if not error:  # a failed batch's error line quotes its output already
                self.unmatched.setdefault(r.batch.name, []).extend(unmatched)
            for rel in r.batch.files:
                display = self.targets[rel].display
                outcome = Outcome(sorted(found.get(rel, [])))
                self.outcomes.setdefault(display, {})[r.batch.name] = outcome
                self.fresh_names.add(display)
                entry = self.entries.get((r.batch.name, rel))
                if entry is not None and not error and not r.lost:
                    self.record.append((entry, store_outcome(outcome)))
        self._keep_unchanged()
        for name, lines in self.unmatched.items():
            if lines and self.warn is not None:  # -v shows them (docs/external.md)
                self.warn(f"{name}: {len(lines)} output line(s) did not match its pattern")

    def _keep_unchanged(self) -> None:
        """Drop from `record` the outcomes of files whose bytes changed since they were keyed
        (the tool may have read the new bytes), and every outcome of a whole-program tool
        when one of the files changed. Reads again only the files whose outcome is recorded."""
        if not self.record:
            return
        rel_of = {id(entry): rel for (_, rel), entry in self.entries.items()}
        now: dict[str, str | None] = {}
        for entry, _ in self.record:
            rel = rel_of.get(id(entry))
            if rel is not None and rel not in now:
                now[rel] = _digest(self.root, rel)
        changed = {rel for rel, digest in now.items() if digest != self.targets[rel].digest}
        if not changed:
            return
        whole = {d.name for d, _, _ in self.misses.values() if not d.file_local}
        self.record = [
            (entry, stored)
            for entry, stored in self.record
            if rel_of.get(id(entry)) not in changed and entry.linter not in whole
        ]

    def after_merge(self, results: list[FileResult]) -> list[tuple[Any, StoredResult]]:
        """Add the external outcomes to the files the cache answered (they hold no `nolint`:
        else a worker read them); returns the cache entries to record."""
        for result in results:
            extra = self.outcomes.get(result.path)
            plan = self.plans.get(result.path)
            if result.path in self.fresh_names:
                result.cached = False
            if not extra or plan is None or result.path in self.merged:
                continue  # none, or a worker's answer (merged already)
            if plan.decoding is None or plan.decoding.error is not None:
                continue  # not answered by the cache, or undecodable (its only finding)
            names = [*plan.names, *extra]
            result.diagnostics = combine(result.path, names, {**plan.known, **extra})
        for display in self.merged:  # the plans name their in-process linters only again
            plan = self.plans[display]
            plan.names = [n for n in plan.names if n not in self.outcomes[display]]
        return self.record

    def amend(self, result: RunResult) -> RunResult:
        """`result` with the batches' errors and the files a deadline left unchecked (no
        longer counted as checked: an in-process verdict alone is not the file's)."""
        result.errors = list(dict.fromkeys(result.errors + self.errors))
        result.unchecked = sorted(set(result.unchecked) | set(self.unchecked))
        left = set(self.unchecked)
        result.paths = [p for p in result.paths if p not in left]
        result.files = len(result.paths)
        result.unmatched = {name: lines for name, lines in self.unmatched.items() if lines}
        result.tool_versions = dict(self.versions)
        result.external_hits = dict(self.hits)
        if self.others:
            self._add_others(result)
        return result

    def _add_others(self, result: RunResult) -> None:
        """Shard 1: add the whole-program linters' findings on the other shards' files
        (lintgate.engine.external_others) to `result`, and what the merge needs of them."""
        from lintgate.engine.external_others import other_findings

        displays = {p.display for p in self.others}
        left = [d for d in self.unchecked if d in displays]
        found, result.others = other_findings(
            self.others, self.whole, self.outcomes, self.cache, left
        )
        result.diagnostics = sorted(result.diagnostics + found)


def _file_local(name: str) -> bool:
    """Whether external linter `name` is file-local (FileLocal; unknown ones count as such)."""
    definition = registry.get(name)
    return definition is None or definition.file_local


def _tick(finished: list[BatchResult]) -> None:
    """The progress line: the files of the `finished` batches (none: the time ticks)."""
    progress.advance(0, 0, sum(len(r.batch.files) for r in finished))


def _digest(root: str, rel: str) -> str | None:
    """sha256 hex of the file's bytes now, None when it cannot be read."""
    try:
        with open(os.path.join(root, rel), "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()
    except OSError:
        return None


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()
