"""The content digests of a run's files, through the stat index (a warm run reads no file)."""

from __future__ import annotations

import os
from typing import Iterable, NamedTuple

from lintgate.cache.keys import content_digest
from lintgate.cache.statindex import StatIndex, StatInfo


class Digests(NamedTuple):
    """What `file_digests` found: `digests` {path: content digest} for every readable file;
    `data` {path: bytes} for the files it had to read (the caller need not read them again);
    `errors` {path: OSError} for the files it could not stat or read; `large` {path: size in
    bytes} for the files over the size limit (neither read nor hashed)."""

    digests: dict[str, str]
    data: dict[str, bytes]
    errors: dict[str, OSError]
    large: dict[str, int]


KEEP_BYTES = 64 * 2**20  # the bytes kept for the workers, in all (a cold run of a monorepo)


def file_digests(
    store: StatIndex | None,
    root: str | os.PathLike[str],
    paths: Iterable[str],
    limit: int = 0,
    keep: int = KEEP_BYTES,
) -> Digests:
    """The content digest of each file, through the stat index of `store` (None: hash all).

    root: the project root (absolute); paths: relative to it, `/`-separated. A file whose
    (size, mtime_ns, inode, ctime_ns) matches the index is not read; the others are read once, hashed,
    and their stat (taken on the open file, before reading) is recorded for the next run.
    limit: a size in bytes (0: none); a file whose stat says it is larger is only measured (the
    run reports it over MaxFileSize, lintgate.bounds), so a warm run stats each file once.
    keep: how many bytes of the files read to hand back in `data`, in all; the others are
    read again by whoever checks them (a cold run over 100,000 files holds at most this much).
    """
    base = os.fspath(root)
    join, stat = os.path.join, os.stat
    stats: dict[str, StatInfo] = {}
    errors: dict[str, OSError] = {}
    large: dict[str, int] = {}
    for p in paths:
        try:
            st = StatInfo.of(stat(join(base, p)))
        except OSError as e:
            errors[p] = e
            continue
        if limit and st.size > limit:
            large[p] = st.size
        else:
            stats[p] = st
    known = store.stat_lookup(base, stats) if store is not None else {}
    digests = dict(known)
    data: dict[str, bytes] = {}
    fresh: list[tuple[str, StatInfo, str]] = []
    for p in stats:
        if p in known:
            continue
        try:
            with open(join(base, p), "rb") as f:
                st = StatInfo.of(os.fstat(f.fileno()))
                raw = f.read()
        except OSError as e:
            errors[p] = e
            continue
        if keep >= len(raw):
            data[p] = raw
            keep -= len(raw)
        digests[p] = content_digest(raw)
        fresh.append((p, st, digests[p]))
    if store is not None and fresh:
        store.stat_record(base, fresh)
    return Digests(digests, data, errors, large)
