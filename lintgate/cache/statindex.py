"""The `stat` table: project root + path + size + mtime + ctime + inode -> the digest of the
file's bytes, so that a warm run does not read unchanged files."""

from __future__ import annotations

import os
from typing import Any, Iterable, Mapping, NamedTuple

from lintgate.cache import schema
from lintgate.cache.db import CHUNK, Database
from lintgate.cache.keys import is_digest
from lintgate.cache.schema import INT64

# A file modified less than this long (ns) before its stat was taken is "racily clean" (as git
# calls it): a later write within the file system's timestamp granularity could keep size and
# mtime, so such a stat is not recorded and the file is hashed again next time.
RACY_NS = 2_000_000_000
# Up to this many files, stat_lookup asks for their rows by path, not for every row of the root.
FEW = 1000


class StatInfo(NamedTuple):
    """The part of `os.stat` the fast path compares: size in bytes, mtime in ns, inode, and
    ctime in ns (as git's stat data: a rewrite that keeps size and mtime, e.g. `touch -r` or a
    tool restoring timestamps, still changes the ctime, which only the kernel sets)."""

    size: int
    mtime_ns: int
    inode: int
    ctime_ns: int

    @classmethod
    def of(cls, st: os.stat_result) -> StatInfo:
        """From an `os.stat` result."""
        return cls(st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)


def storable(text: str) -> bool:
    """Whether sqlite can store `text`: a file name decoded with surrogateescape may not be."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class StatIndex(Database):
    """The stat index of the result store: stat_lookup, stat_record."""

    def stat_lookup(
        self, root: str | os.PathLike[str], stats: Mapping[str, StatInfo]
    ) -> dict[str, str]:
        """Content digests of the files whose stat is unchanged since it was recorded.

        root: the project root (absolute); stats: `{path: StatInfo}` with paths as the caller
        names them (relative to root, say). Returns `{path: content_digest}` for the matches.
        Rows failing their checksum are dropped (counted in `damaged`): those files are read.
        """
        r = os.fspath(root)
        if not storable(r):
            return {}
        rows: list[tuple[Any, ...]]
        if len(stats) <= FEW:  # a few files of a large tree (lintgate.engine.wholerun): by path
            rows = self._rows_for(r, [p for p in stats if storable(p)])
        else:
            rows = self._do(
                lambda conn: conn.execute(
                    f"SELECT {schema.STAT_COLUMNS}, checksum FROM stat WHERE root=?", (r,)
                ).fetchall()
            )
        out: dict[str, str] = {}
        bad: list[tuple[str, ...]] = []
        for row in rows:
            _, path, size, mtime_ns, ctime_ns, inode, digest, checksum = row
            if schema.stat_checksum(*row[:7]) != checksum or not is_digest(digest):
                bad.append((r, path))
                continue
            st = stats.get(path)
            if st is not None and st == (size, mtime_ns, inode, ctime_ns):
                out[path] = digest
        self._drop("stat", "root=? AND path=?", bad)
        return out

    def _rows_for(self, root: str, paths: list[str]) -> list[tuple[Any, ...]]:
        """The stat rows (with their checksums) of `paths` under `root`."""
        rows: list[tuple[Any, ...]] = []
        for i in range(0, len(paths), CHUNK):
            chunk = paths[i : i + CHUNK]
            marks = ",".join("?" * len(chunk))
            sql = (
                f"SELECT {schema.STAT_COLUMNS}, checksum FROM stat"
                f" WHERE root=? AND path IN ({marks})"
            )
            rows += self._do(lambda conn: conn.execute(sql, [root, *chunk]).fetchall())
        return rows

    def stat_record(
        self,
        root: str | os.PathLike[str],
        items: Iterable[tuple[str, StatInfo, str]],
        now_ns: int | None = None,
    ) -> int:
        """Record `(path, StatInfo, content_digest)` triples for `root`. Files modified within
        RACY_NS of `now_ns` (default: now) are skipped, as git skips racily clean entries
        (judged on the mtime, as git's `is_racy_stat`). A path that is not valid UTF-8 (a file
        name in another encoding) is not recorded, as sqlite stores text as UTF-8, nor is a
        stat whose numbers SQLite's 64-bit integers cannot hold (an mtime before 1677 or after
        2262 in ns, which tmpfs and XFS allow; an inode past 2**63): such a file is read and
        hashed on every run, which only costs time.
        Returns the number recorded.
        """
        limit = (self.now_ns() if now_ns is None else now_ns) - RACY_NS
        r = os.fspath(root)
        if not storable(r):
            return 0
        rows: list[tuple[object, ...]] = []
        for p, st, d in items:
            if st.mtime_ns < limit and storable(p) and all(n in INT64 for n in st):
                row = (r, p, st.size, st.mtime_ns, st.ctime_ns, st.inode, d)
                rows.append((*row, schema.stat_checksum(*row) or ""))
        if rows:
            self._write(
                lambda conn: conn.executemany(
                    f"INSERT OR REPLACE INTO stat ({schema.STAT_COLUMNS}, checksum)"
                    " VALUES (?,?,?,?,?,?,?,?)",
                    rows,
                )
            )
        return len(rows)
