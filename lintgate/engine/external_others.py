"""Whole-program external linters under `--shard`: shard 1 runs them over every discovered
file, its own and the other shards' (docs/ci.md, "Whole-program linters and shards").

The other shards' files get a plan without linters (`other_plans`: the display path, the
root-relative path, the content digest, as the run's own planning gives them), so the
whole-program linters see the inputs, and key the cache entry, of the unsharded run. What they
say about those files is reported by shard 1 (`other_findings`): their findings after the
files' `nolint` directives, as the unsharded run's `combine` and `nolint` would give them,
and the directives those findings matched (the owning shard, which has the file-local
findings, reports a directive as unmatched; `lintgate merge` drops that warning when shard 1
matched it). A file whose owning shard found a parse or decode error keeps that error alone
in the unsharded run: the merge drops shard 1's findings for it (lintgate.shards.merge).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

from lintgate import bounds
from lintgate.diagnostic import Diagnostic
from lintgate.engine.dispatch import file_size
from lintgate.engine.plan import FilePlan
from lintgate.engine.records import (
    ENCODING,
    ENCODING_VERSION,
    OtherShards,
    Outcome,
    unreadable,
)

if TYPE_CHECKING:
    from lintgate.engine.guard import CacheGuard
    from lintgate.linters.base import Project

__all__ = ["other_findings", "other_plans"]


def other_plans(
    files: Sequence[Path],
    project: Project,
    cache: CacheGuard,
    display: Callable[[Any], str],
) -> list[FilePlan]:
    """Plans without linters for `files` (absolute paths: the other shards' share), with the
    digests the run's own planning would give them (the stat index, none without a store)
    and their read errors; files over MaxFileSize are left out, as from every linter of the
    unsharded run (lintgate.engine.run). No bytes are kept (`keep=0`)."""
    from lintgate.filelist import texts_of

    texts = texts_of(files)
    root = str(project.root).rstrip(os.sep) + os.sep
    rels = [(p[len(root) :] if p.startswith(root) else p).replace(os.sep, "/") for p in texts]
    limit = project.max_file_size
    found = None
    if cache.store is not None:
        from lintgate.cache import file_digests

        found = cache(lambda store: file_digests(store, project.root, rels, limit, keep=0))
    plans = []
    for path, rel in zip(texts, rels):
        if found is not None:
            size = found.large.get(rel, 0)
        else:
            size = file_size(path) if limit else 0
        if bounds.too_large(size, limit) is not None:
            continue
        plan = FilePlan(path, display(path), rel)
        if found is not None:
            plan.digest = found.digests.get(rel)
            error = found.errors.get(rel)
            if error is not None:
                plan.unreadable = unreadable(plan.display, error)
        plans.append(plan)
    return plans


def other_findings(
    plans: Sequence[FilePlan],
    names: Sequence[str],
    outcomes: dict[str, dict[str, Outcome]],
    cache: CacheGuard,
    unchecked: Sequence[str],
) -> tuple[list[Diagnostic], OtherShards]:
    """The diagnostics of the whole-program linters `names` (pipeline order) for the other
    shards' files (`plans`), from their `outcomes` (display -> name -> Outcome), less what the
    files' `nolint` directives silence; and the OtherShards record (the directives matched, the
    files a deadline left). Files are read only when they hold findings and the cache does not
    know that their text holds no `nolint`."""
    found: dict[str, list[Diagnostic]] = {}
    for plan in plans:
        own = outcomes.get(plan.display, {})
        diagnostics = [
            Diagnostic.from_finding(plan.display, name, f)
            for name in names
            if name in own
            for f in own[name].findings
        ]
        if diagnostics:
            found[plan.display] = diagnostics
    without = _known_without_nolint([p for p in plans if p.display in found], cache)
    kept: list[Diagnostic] = []
    matched: list[tuple[str, int, int]] = []
    for plan in plans:
        theirs = found.get(plan.display)
        if theirs is None:
            continue
        text = None if plan.display in without else _text(plan.spath)
        if text is None or "nolint" not in text:
            kept += theirs
            continue
        from lintgate import nolint

        left, unmatched = nolint.suppress(theirs, text)
        kept += left
        matched += [(plan.display, r.line, r.col) for r in nolint.parse(text) if r not in unmatched]
    others = OtherShards({p.display for p in plans}, sorted(matched), sorted(unchecked))
    return kept, others


def _known_without_nolint(plans: Sequence[FilePlan], cache: CacheGuard) -> set[str]:
    """The display paths of `plans` whose decoding the cache knows: decoded, no `nolint` in
    the text (the `encoding` entry a run records per content digest: lintgate.engine.answer)."""
    if cache.store is None:
        return set()
    from lintgate.cache import Entry
    from lintgate.engine.stored import load_decoding

    keys = {
        p.display: Entry(p.digest, ENCODING, ENCODING_VERSION, "none").key
        for p in plans
        if p.digest is not None
    }
    if not keys:
        return set()
    hits = cache(lambda store: store.get_results(set(keys.values()))) or {}
    out = set()
    for display, key in keys.items():
        if key in hits:
            decoding = load_decoding(hits[key])
            if decoding.error is None and not decoding.nolint:
                out.add(display)
    return out


def _text(path: str) -> str | None:
    """The decoded text of the file at `path` (as a worker decodes it), None when it cannot be
    read or decoded (its owning shard reports that)."""
    from lintgate.source import DecodeError, decode

    try:
        with open(path, "rb") as f:
            raw = f.read()
        return decode(raw, is_stub=path.endswith(".pyi")).text
    except (OSError, DecodeError):
        return None
