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
from typing import TYPE_CHECKING, cast

from lintgate import bounds
from lintgate.diagnostic import ERROR, Diagnostic
from lintgate.engine.check import bounded_linters, combine
from lintgate.engine.plan import FilePlan, Planner
from lintgate.engine.records import ENCODING, ENCODING_VERSION, unreadable
from lintgate.engine.stored import load_decoding, load_outcome

if TYPE_CHECKING:
    from lintgate.cache.digests import Digests
    from lintgate.cache.keys import Entry


def answer(planner: Planner, plans: list[FilePlan], found: Digests) -> None:
    """Fill each plan's `digest`, `raw`, `unreadable`, `keys`, `known` and `decoding` from
    `found` (lintgate.cache.file_digests of the run's files) and the store (nothing more when
    it fails)."""
    for plan in plans:
        plan.digest = found.digests.get(plan.rel)
        plan.raw = found.data.get(plan.rel)
        error = found.errors.get(plan.rel)
        if error is not None:
            plan.unreadable = unreadable(plan.display, error)
    from lintgate.cache import Entry  # once per run, not per file

    groups: Groups = {}
    for plan in plans:
        if plan.digest is not None:
            _key(planner, plan, Entry, groups)
    keyed = [(plan, name, e.key) for plan in plans for name, e in plan.keys.items()]
    if planner.recorded:  # not what an earlier chunk of this run recorded (Planner.recorded)
        keyed = [k for k in keyed if not recorded(planner.recorded, k[0].digest, k[2])]
    hits = planner.cache(lambda store: store.get_results({k for _, _, k in keyed})) or {}
    for plan, name, key in keyed:
        if key not in hits:
            continue
        if name == ENCODING:
            plan.decoding = load_decoding(hits[key])
        else:
            plan.known[name] = load_outcome(hits[key])


def recorded(done: set[int], digest: str | None, key: str) -> bool:
    """Whether an entry (cache `key` of contents `digest`) is in `done`, what the run recorded
    (Planner.recorded: the contents the store knew nothing of, or the entry itself)."""
    return (digest is not None and int(digest[:16], 16) in done) or int(key[:16], 16) in done


def recording(plan: FilePlan, fresh: list[tuple[Entry, object]]) -> list[int]:
    """What Planner.recorded gains when the `fresh` entries of `plan` are recorded: its
    contents when the store knew nothing of them (not even their decoding), else the
    entries of the linters it did not know."""
    if not fresh or plan.digest is None:
        return []
    if plan.decoding is None:
        return [int(plan.digest[:16], 16)]
    return [int(e.key[:16], 16) for e, _ in fresh if e.linter != ENCODING]


Groups = dict[tuple[str, str], dict[str, "tuple[str, str] | None"]]


def _key(planner: Planner, plan: FilePlan, entry: type[Entry], groups: Groups) -> None:
    """The cache entries (`entry`: lintgate.cache.Entry) of the file's decoding and of each
    linter of its plan. `groups` keeps each linter's (version, config digest) per (directory,
    suffix): the same for every file there, so worked out once."""
    digest = cast(str, plan.digest)
    plan.keys[ENCODING] = entry(digest, ENCODING, ENCODING_VERSION, "none")
    suffix = os.path.splitext(plan.spath)[1]
    group = groups.get((plan.directory, suffix))
    if group is None:
        group = groups[plan.directory, suffix] = {}
    for name in plan.names:
        if name in group:
            pair = group[name]
        else:
            pair = group[name] = _pair(planner, name, plan.directory, suffix)
        if pair is not None:
            plan.keys[name] = entry(digest, name, *pair)


def _pair(planner: Planner, name: str, directory: str, suffix: str) -> tuple[str, str] | None:
    """Linter `name`'s (version, config digest) for files of `suffix` in `directory`, None
    when its config digest is not known."""
    cd = planner.config_digest(name, directory)
    if cd is None:
        return None
    if suffix != ".py":  # isort and black treat stubs (and isort Cython) differently
        cd = hashlib.sha256(f"{cd}\0{suffix.lstrip('.')}".encode()).hexdigest()
    version = planner.version(name)
    if name in bounded_linters():  # their outcome is lintgate.bounds' verdict on a deep file
        version += f"; bounds {bounds.VERSION}"
    return version, cd


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
