"""The result store's database: one sqlite3 file in the cache directory, opened, locked,
recovered when damaged, and written in IMMEDIATE transactions.

sqlite3 in WAL mode gives atomic, concurrent readers and writers across processes; this module
adds only corruption recovery (a damaged database is reported once, moved aside and rebuilt)
and the transaction helpers the tables' modules (results, statindex, memo, maintenance) use.
Every wall-clock read of the store goes through `Database.now` (tests stand in a clock for
this module's `time`).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, TypeVar

from lintgate.cache import schema
from lintgate.cache.dbfile import (
    CacheError,
    check_directory,
    header_problem,
    ino_of,
    is_corruption,
    not_regular,
)
from lintgate.util.files import flocked, replace_bytes

T = TypeVar("T")
D = TypeVar("D", bound="Database")

DB_NAME = "results.sqlite3"
LOCK_NAME = "lock"
TAG_NAME = "CACHEDIR.TAG"
# The Cache Directory Tagging Specification (https://bford.info/cachedir/): backup and
# archiving tools skip a directory whose CACHEDIR.TAG starts with this exact line.
CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by lintgate.\n"
    "# For information about cache directory tags, see https://bford.info/cachedir/\n"
)
# last_used is refreshed at most this often (seconds), so a warm run within the hour writes nothing.
TOUCH_INTERVAL = 3600.0
CHUNK = 900  # bound parameters per statement, under sqlite's historical 999 limit


class Database:
    """The result store's database in `directory` (created, with a CACHEDIR.TAG, if missing).

    `warn(message)` is called with one-line messages: at most once when the database was
    damaged and has been moved aside (to `results.sqlite3.corrupt`) and rebuilt, once when it
    was started afresh (another lintgate's schema), and once at `close()` when rows failed
    their checksum or shape and were dropped (`damaged` counts them; schema.py).
    Raises CacheError when the directory or database cannot be created or opened: the
    directory is not a directory, the database (or its `-wal`, `-shm`) is not a regular file,
    or a damaged database cannot be replaced (read-only directory, unusable lock file).
    `used` holds the keys of every entry this Store answered or stored with used=True (the
    entries of `mode=min` exports); `memo_used` the same for memo keys.
    """

    def __init__(
        self, directory: str | os.PathLike[str], warn: Callable[[str], None] | None = None
    ) -> None:
        self.directory = Path(directory).absolute()
        self.path = self.directory / DB_NAME
        self.used: set[str] = set()
        self.memo_used: set[str] = set()
        self.damaged = 0
        self._warn = warn
        self._warned = False
        self._stale: set[str] = set()
        self._conn: sqlite3.Connection | None = None
        self._ino: int | None = None
        check_directory(self.directory)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            tag = self.directory / TAG_NAME
            if not tag.exists():
                replace_bytes(tag, CACHEDIR_TAG.encode())
        except OSError as e:
            raise CacheError(
                f"cannot create cache directory {self.directory}: {e.strerror or e}"
            ) from None
        for suffix in ("", "-wal", "-shm"):
            kind = not_regular(f"{self.path}{suffix}")
            if kind is not None:
                raise CacheError(
                    f"cache database {self.path}{suffix} is not a regular file ({kind})"
                )
        self._open()

    # -- connection, corruption ---------------------------------------------------------------

    def _connect(self) -> None:
        self._conn, note = schema.connect(self.path)
        self._ino = ino_of(self.path)
        if note is not None and self._warn is not None:
            self._warn(f"cache database {self.path} {note}")

    def _open(self) -> None:
        problem = header_problem(self.path)
        if problem:
            self._recover(problem, ino_of(self.path))
            return
        try:
            self._connect()
        except sqlite3.DatabaseError as e:
            if not is_corruption(e):
                raise CacheError(f"cannot open cache {self.path}: {e}") from None
            self._recover(str(e), ino_of(self.path))
        except sqlite3.Error as e:
            raise CacheError(f"cannot open cache {self.path}: {e}") from None

    def _recover(self, reason: str, ino: int | None) -> None:
        """Move the damaged database aside (unless another process already did) and rebuild.
        Raises CacheError when that cannot be done (then the run goes on without the cache)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        aside = self.path.with_name(DB_NAME + ".corrupt")
        moved = False
        cannot = f"cache database {self.path} was damaged ({reason}) and cannot be replaced"
        with self._dir_lock(cannot):
            try:
                if ino is not None and ino_of(self.path) == ino:
                    os.replace(self.path, aside)
                    moved = True
                    # A stale WAL must not be replayed into the new file.
                    for suffix in ("-wal", "-shm"):
                        with contextlib.suppress(FileNotFoundError):
                            os.unlink(f"{self.path}{suffix}")
            except OSError as e:
                raise CacheError(f"{cannot}: {e.strerror or e}") from None
            try:
                self._connect()
            except sqlite3.Error as e:
                raise CacheError(f"cannot rebuild cache {self.path}: {e}") from None
        if moved and not self._warned and self._warn is not None:
            self._warned = True
            self._warn(
                f"cache database {self.path} was damaged ({reason}); moved it to {aside.name} and started a new one"
            )

    @contextlib.contextmanager
    def _dir_lock(self, context: str) -> Iterator[None]:
        """The directory's `lock`, exclusively; CacheError `context: cannot lock ...` when it
        cannot be opened (a directory there, an unwritable file, a read-only directory)."""
        lock = self.directory / LOCK_NAME
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NONBLOCK, 0o644)
        except OSError as e:
            raise CacheError(f"{context}: cannot lock {lock} ({e.strerror or e})") from None
        try:
            with flocked(fd):
                yield
        finally:
            os.close(fd)

    def _do(self, op: Callable[[sqlite3.Connection], T]) -> T:
        """Run `op(connection)`; on corruption recover once and run it again on the new
        database. Every other failure is a CacheError (the run goes on without the cache)."""
        if self._conn is None:
            raise CacheError(f"cache {self.path} is closed")
        try:
            return op(self._conn)
        except sqlite3.DatabaseError as e:
            if not is_corruption(e):
                raise CacheError(f"cache {self.path}: {e}") from None
            self._recover(str(e), self._ino)
        except (sqlite3.Error, OverflowError) as e:
            raise CacheError(f"cache {self.path}: {e}") from None
        try:
            return op(self._conn)
        except (sqlite3.Error, OverflowError) as e:
            raise CacheError(f"cache {self.path}: {e}") from None

    def _drop(self, table: str, where: str, rows: list[tuple[str, ...]]) -> None:
        """Delete damaged rows (`where` names their key columns) and count them; the warning
        comes once, at close()."""
        if not rows:
            return
        self.damaged += len(rows)
        with contextlib.suppress(
            CacheError
        ):  # not served either way; a read-only cache stays usable
            self._write(lambda conn: conn.executemany(f"DELETE FROM {table} WHERE {where}", rows))

    def close(self) -> None:
        """Write pending last-used times, report the rows dropped as damaged (one warning)
        and close the database. Idempotent."""
        if self.damaged and self._warn is not None:
            self._warn(
                f"{self.damaged} damaged cache entries in {self.path} were dropped and recomputed"
            )
            self.damaged = 0
        if self._conn is None:
            return
        try:
            self.flush()
        finally:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self: D) -> D:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def flush(self) -> None:
        """Write the last-used times of the entries answered since the last flush (at most
        once per TOUCH_INTERVAL per entry, so warm runs rarely write)."""
        if not self._stale:
            return
        now = self.now()
        rows = [(now, k) for k in self._stale]
        self._stale = set()
        self._write(
            lambda conn: conn.executemany("UPDATE results SET last_used=? WHERE key=?", rows)
        )

    def _write(self, op: Callable[[sqlite3.Connection], T]) -> T:
        """Run `op(connection)` in one IMMEDIATE transaction (through `_do`)."""

        def txn(conn: sqlite3.Connection) -> T:
            with schema.immediate(conn):
                return op(conn)

        return self._do(txn)

    def now(self) -> float:
        """The wall clock in seconds (created and last-used times, ages)."""
        return time.time()

    def now_ns(self) -> int:
        """The wall clock in ns (the racily-clean check of the stat index)."""
        return time.time_ns()

    def select_in(self, sql: str, keys: Iterable[str]) -> list[tuple[Any, ...]]:
        """The rows of `sql` (a SELECT with one `{marks}` where the `?` of an `IN (...)` list
        go) for the sorted, distinct `keys`, CHUNK keys per statement, in key order per chunk."""
        wanted = sorted(set(keys))
        rows: list[tuple[Any, ...]] = []
        for i in range(0, len(wanted), CHUNK):
            chunk = wanted[i : i + CHUNK]
            query = sql.format(marks=",".join("?" * len(chunk)))
            rows += self._do(lambda conn: conn.execute(query, chunk).fetchall())
        return rows
