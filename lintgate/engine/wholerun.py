"""A run through the whole-run answer (lintgate.engine.whole): one lookup when nothing
changed, and when some files did, the per-file path for those files alone, merged with the
stored answer for the others.

The store keeps one answer per settings key (everything but the files' identities): the key
over every file's (display path, identity) it answers, its `from cache` count, the files with
findings or not from the cache, and the (display path, identity) pairs. When the run's key is
the stored one, that is the answer. Otherwise the files whose pair is not in the stored answer
(changed, new, racily clean) go the per-file way; the stored answer gives the others, as each
file's result depends on its bytes and the settings only. The merged answer is stored when a
warm run would give it again (whole.py's conditions).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Callable, NamedTuple, Sequence

from lintgate.engine.check import Checker
from lintgate.engine.dispatch import relative_to
from lintgate.engine.guard import CacheGuard
from lintgate.engine.plan import Planner
from lintgate.engine.records import FileResult, RunResult
from lintgate.engine.whole import settings_key, stat_identities
from lintgate.filelist import FileList, texts_of
from lintgate.linters.base import Project

# the per-file path on some files: (files, store) -> (result, anything new computed?, store
# still usable?)
PerFile = Callable[[FileList, Any], tuple[RunResult, bool, bool]]


class Stored(NamedTuple):
    """A stored answer: its run `key`, `cached` count, `rows` (display path -> FileResult of
    the files with findings or not from the cache), and the `pairs` it answers."""

    key: str
    cached: int
    rows: dict[str, FileResult]
    pairs: list[str]


def run_whole(
    files: Sequence[Any],
    project: Project,
    enabled: list[str],
    warn_unmatched: bool,
    store: Any,
    warn: Callable[[str], None] | None,
    display: Callable[[Any], str] | None,
    per_file: PerFile,
) -> RunResult:
    """The run's result through the whole-run answer; `per_file` checks what it does not
    answer (lintgate.engine.run)."""
    cache = CacheGuard(store, warn)
    texts = texts_of(files)
    identities = stat_identities(texts, store.now_ns(), getattr(files, "identities", None))
    planner = Planner(project, enabled, Checker(project, enabled, warn_unmatched), cache)
    show = display or relative_to(str(project.cwd))
    displays = [show(t) for t in texts]
    ids = identities.ids
    pairs = [f"{d}\0{ids[t]}" for d, t in zip(displays, texts)]
    skey = settings_key(planner, texts, warn_unmatched)
    key = hashlib.sha256("\0\0".join([skey, *pairs]).encode("utf-8", "surrogateescape")).hexdigest()
    found = cache(lambda s: s.memo_get_many([skey])) or {}
    if cache.store is None:  # it failed and said so: the run goes on without it
        return per_file(FileList(texts), None)[0]
    text = found.get(skey)
    prior = _load(text, key) if text is not None else None
    if prior is not None and prior.key == key:
        answer = _answer(prior, displays, [])
        answer.one_lookup = True
        return answer
    known = set(prior.pairs) if prior is not None else set()
    todo = [t for t, pair in zip(texts, pairs) if pair not in known]
    result, fresh, usable = per_file(FileList(todo), store)
    if prior is not None:
        result = _merge(prior, displays, result)
    if usable and identities.stable and not fresh and _settled(result):
        value = _dump(key, result, pairs)
        cache(lambda s: s.memo_put_many({skey: value}))
    return result


def _settled(result: RunResult) -> bool:
    """Whether a run's answer is the one a warm run gives again (no error, nothing lost or
    left unchecked)."""
    return not (result.errors or result.unchecked or result.lost)


def _answer(prior: Stored, displays: list[str], extra: list[FileResult]) -> RunResult:
    """The stored answer for `displays` (every one stored), with `extra` results."""
    results = [*prior.rows.values(), *extra]
    diagnostics = sorted(d for r in results for d in r.diagnostics)
    return RunResult(len(displays), displays, diagnostics, [], [], 0.0, prior.cached, results)


def _merge(prior: Stored, displays: list[str], fresh: RunResult) -> RunResult:
    """The per-file result of the files checked afresh, with the stored answer for the rest
    of `displays`."""
    redone = set(fresh.paths) | set(fresh.unchecked) | set(fresh.lost)
    kept = [d for d in displays if d not in redone]
    rows = {d: prior.rows[d] for d in kept if d in prior.rows}
    cached = sum(1 for d in kept if d not in prior.rows or prior.rows[d].cached)
    results = [*rows.values(), *fresh.results]
    paths = [*kept, *fresh.paths]
    diagnostics = sorted(d for r in results for d in r.diagnostics)
    return RunResult(
        len(paths),
        paths,
        diagnostics,
        fresh.errors,
        fresh.unchecked,
        fresh.seconds,
        cached + fresh.cached,
        results,
        fresh.lost,
    )


def _dump(key: str, result: RunResult, pairs: list[str]) -> str:
    """The stored form: a small first line (key, count, rows), then the pairs."""
    rows = [
        [r.path, [list(d) for d in r.diagnostics], r.cached]
        for r in result.results
        if r.diagnostics or not r.cached
    ]
    head = json.dumps({"key": key, "cached": result.cached, "rows": rows}, separators=(",", ":"))
    # the pairs as one JSON string, NUL-separated (no display path holds NUL): one string
    # to decode, not 100,000
    return head + "\n" + json.dumps("\0".join(pairs))


def _load(text: str, key: str) -> Stored | None:
    """The stored answer (its pairs parsed only when it is not for `key`); None when the
    text is not that shape."""
    from lintgate.diagnostic import Diagnostic

    head, _, tail = text.partition("\n")
    try:
        top = json.loads(head)
        rows = {
            path: FileResult(path, [Diagnostic(*d) for d in diagnostics], [], bool(cached))
            for path, diagnostics, cached in top["rows"]
        }
        stored = Stored(str(top["key"]), int(top["cached"]), rows, [])
        if stored.key != key:
            flat = str(json.loads(tail)).split("\0")
            pairs = [flat[i] + "\0" + flat[i + 1] for i in range(0, len(flat) - 1, 2)]
            stored = stored._replace(pairs=pairs)
    except (ValueError, TypeError, KeyError):
        return None
    return stored
