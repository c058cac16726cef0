"""`lintgate cache status`, `prune` and `clean` on the result store."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from typing import NamedTuple

from lintgate.cache.db import DB_NAME, Database
from lintgate.cache.dbfile import CacheError

# last_used where it is a number, else NULL (a damaged row's; it has no age)
_NUMBER = "CASE WHEN typeof(last_used) IN ('integer', 'real') THEN last_used END"


class Status(NamedTuple):
    """What `lintgate cache status` shows.

    size_bytes: the database files on disk; entries: cached results; files_indexed: stat
    index rows; oldest_seconds / newest_seconds: how long ago the least / most recently used
    entry was last used (None when there is no entry).
    """

    directory: str
    size_bytes: int
    entries: int
    files_indexed: int
    oldest_seconds: float | None
    newest_seconds: float | None


class Maintenance(Database):
    """Status, prune and clean."""

    def status(self) -> Status:
        """Size, entry count and ages, for `lintgate cache status`."""

        def op(conn: sqlite3.Connection) -> tuple[int, float | None, float | None, int]:
            # a last_used that is not a number (a damaged row) has no age
            n, oldest, newest = conn.execute(
                f"SELECT count(*), min({_NUMBER}), max({_NUMBER}) FROM results"
            ).fetchone()
            (files,) = conn.execute("SELECT count(*) FROM stat").fetchone()
            return n, oldest, newest, files

        n, oldest, newest, files = self._do(op)
        now = self.now()
        return Status(
            str(self.directory),
            self.size(),
            n,
            files,
            None if oldest is None else max(0.0, now - oldest),
            None if newest is None else max(0.0, now - newest),
        )

    def prune(self, older_than: float) -> int:
        """Delete the entries not used for `older_than` seconds, the stat rows whose content
        no entry refers to any more and the memo values older than that; give the space back.
        Returns the number of entries deleted.
        """
        cutoff = self.now() - older_than

        def op(conn: sqlite3.Connection) -> int:
            n = conn.execute(
                f"DELETE FROM results WHERE last_used < ? OR {_NUMBER} IS NULL", (cutoff,)
            ).rowcount
            conn.execute(
                "DELETE FROM stat WHERE digest NOT IN (SELECT content_digest FROM results)"
            )
            conn.execute(
                "DELETE FROM memo WHERE created < ?"
                " OR typeof(created) NOT IN ('integer', 'real')",
                (cutoff,),
            )
            return n

        n = self._write(op)
        self._compact()
        self._drop_replays(cutoff)
        return n

    def clean(self) -> int:
        """Delete every entry, stat row and memo value, and the moved-aside damaged database,
        and give the space back (VACUUM: `lintgate cache clean` is run by hand, it may hold
        the database alone for the moment it takes). Returns the number of entries deleted."""

        def op(conn: sqlite3.Connection) -> int:
            n = conn.execute("DELETE FROM results").rowcount
            conn.execute("DELETE FROM stat")
            conn.execute("DELETE FROM memo")
            return n

        n = self._write(op)
        self.used.clear()
        self.memo_used.clear()
        self._stale.clear()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path.with_name(DB_NAME + ".corrupt"))
        self._compact(vacuum=True)
        self._drop_replays(None)
        return n

    def _drop_replays(self, cutoff: float | None) -> None:
        """Delete the replay records (lintgate.replay) written before `cutoff` (seconds since
        the epoch; None: all of them). A record is only an answer's shortcut: the next run
        writes it again."""
        from lintgate.replay import DIRECTORY

        with contextlib.suppress(OSError), os.scandir(self.directory / DIRECTORY) as entries:
            for entry in list(entries):
                with contextlib.suppress(OSError):
                    if cutoff is None or entry.stat().st_mtime < cutoff:
                        os.unlink(entry.path)

    def size(self) -> int:
        """The bytes of the database files on disk (the database, its -wal and -shm)."""
        size = 0
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                size += os.stat(f"{self.path}{suffix}").st_size
        return size

    def _compact(self, vacuum: bool = False) -> None:
        # auto_vacuum=INCREMENTAL (set at creation) lets freed pages go back to the file system
        # without VACUUM's exclusive lock; the checkpoint shrinks the WAL when no reader holds it.
        # `vacuum`: rebuild the file too (after `clean`: a database of another lintgate's
        # creation may lack auto_vacuum, and the WAL holds a copy of every page rewritten).
        def op(conn: sqlite3.Connection) -> None:
            conn.execute("PRAGMA incremental_vacuum").fetchall()
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
            if vacuum:
                conn.execute("VACUUM")
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()

        with contextlib.suppress(CacheError):
            self._do(op)


def format_age(seconds: float) -> str:
    """A short human age: "45s", "12m", "3h", "30d"."""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{int(seconds // size)}{unit}"
    return f"{int(seconds)}s"


def readable_size(n: int) -> str:
    """`n` bytes as people read them: `812 bytes`, `24.0 KiB`, `3.5 MiB`, `1.2 GiB` (binary
    units, one decimal, as `du -h` and `ls -lh` show them)."""
    if n < 1024:
        return f"{n} bytes"
    for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if n >= 1 << shift:
            return f"{n / (1 << shift):.1f} {unit}"
    raise AssertionError("unreachable")  # pragma: no cover


def format_status(status: Status) -> str:
    """The text of `lintgate cache status`: one `key: value` per line, newline-terminated."""
    lines = [
        f"directory: {status.directory}",
        f"size: {readable_size(status.size_bytes)}",
        f"entries: {status.entries}",
        f"files indexed: {status.files_indexed}",
    ]
    if status.oldest_seconds is not None and status.newest_seconds is not None:
        lines.append(
            f"last used: newest {format_age(status.newest_seconds)} ago, oldest {format_age(status.oldest_seconds)} ago"
        )
    return "\n".join(lines) + "\n"
