"""Answering from the cache: each file's digest (lintgate.cache.file_digests: the stat index,
else the bytes), the cache keys of its decoding and of its linters, what the store knows, and
which files it answers wholly (`resolved`) or which linters are still to run (`missing`).

What is cached, per file contents: its decoding (pseudo-linter `encoding`: the decode error,
or whether the text holds `nolint`, so that only such files are read on a warm run) and the
outcome of each linter (findings, or a parse error), as lintgate.engine.stored encodes them.
"""

from __future__ import annotations

import hashlib
import os

from lintgate import bounds
from lintgate.diagnostic import ERROR, Diagnostic
from lintgate.engine.check import bounded_linters, combine
from lintgate.engine.plan import FilePlan, Planner
from lintgate.engine.records import ENCODING, ENCODING_VERSION, unreadable
from lintgate.engine.stored import load_decoding, load_outcome


def answer(planner: Planner, plans: list[FilePlan]) -> None:
    """Fill each plan's `digest`, `raw`, `unreadable`, `keys`, `known` and `decoding` from
    the store (nothing without one, or when it fails)."""
    from lintgate.cache import file_digests

    root = planner.project.root
    found = planner.cache(lambda store: file_digests(store, root, [p.rel for p in plans]))
    if found is None:
        return
    for plan in plans:
        plan.digest = found.digests.get(plan.rel)
        plan.raw = found.data.get(plan.rel)
        error = found.errors.get(plan.rel)
        if error is not None:
            plan.unreadable = unreadable(plan.display, error)
    for plan in plans:
        if plan.digest is not None:
            _key(planner, plan, plan.digest)
    keyed = [(plan, name, e.key) for plan in plans for name, e in plan.keys.items()]
    hits = planner.cache(lambda store: store.get_results({k for _, _, k in keyed})) or {}
    for plan, name, key in keyed:
        if key not in hits:
            continue
        if name == ENCODING:
            plan.decoding = load_decoding(hits[key])
        else:
            plan.known[name] = load_outcome(hits[key])


def _key(planner: Planner, plan: FilePlan, digest: str) -> None:
    """The cache entries of the file's decoding and of each linter of its plan."""
    from lintgate.cache import Entry

    suffix = os.path.splitext(plan.spath)[1]
    plan.keys[ENCODING] = Entry(digest, ENCODING, ENCODING_VERSION, "none")
    bounded = bounded_linters()
    for name in plan.names:
        cd = planner.config_digest(name, plan.directory)
        if cd is None:
            continue
        if suffix != ".py":  # isort and black treat stubs (and isort Cython) differently
            cd = hashlib.sha256(f"{cd}\0{suffix.lstrip('.')}".encode()).hexdigest()
        version = planner.version(name)
        if name in bounded:  # their outcome is lintgate.bounds' verdict on a deep file
            version += f"; bounds {bounds.VERSION}"
        plan.keys[name] = Entry(digest, name, version, cd)


def resolved(plan: FilePlan) -> list[Diagnostic] | None:
    """The file's diagnostics if the cache answered all it needs, else None."""
    decoding = plan.decoding
    if decoding is None or decoding.nolint:
        return None  # a text with `nolint` goes to a worker, which decodes it for the directives
    if decoding.error is not None:
        f = decoding.error
        return [Diagnostic(plan.display, f.line, f.col, ENCODING, f.message, ERROR)]
    for name in plan.names:
        outcome = plan.known.get(name)
        if outcome is None:
            return None
        if outcome.syntax is not None:
            break  # later linters are not needed
    return combine(plan.display, plan.names, plan.known)


def missing(plan: FilePlan) -> tuple[str, ...]:
    """The linters to run: those the cache did not answer, up to its first parse error
    (all of them when the file's decoding is not known)."""
    if plan.decoding is None:
        return tuple(plan.names)
    out = []
    for name in plan.names:
        outcome = plan.known.get(name)
        if outcome is None:
            out.append(name)
        elif outcome.syntax is not None:
            break
    return tuple(out)
