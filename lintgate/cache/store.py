"""The local result store: one sqlite3 database in the cache directory.

Two tables: `results` (entry key -> the findings of one linter on one file's bytes) and `stat`
(project root + path + size + mtime + ctime + inode -> the digest of the file's bytes), so that a warm
run neither reads unchanged files nor lints them. sqlite3 in WAL mode gives atomic, concurrent
readers and writers across processes; this module adds only corruption recovery (a damaged
database is reported once, moved aside and rebuilt) and batch access.

The store lives in the parent process of a run: look up everything before the process pool
starts, store everything after it finishes (see docs/cache.md for the call sequence).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import sqlite3
import time
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, NamedTuple, Sequence

from lintgate import __version__ as LINTGATE_VERSION
from lintgate.diagnostic import SEVERITIES, Finding

DB_NAME = "results.sqlite3"
LOCK_NAME = "lock"
TAG_NAME = "CACHEDIR.TAG"
ENV_VAR = "LINTGATE_CACHE_DIR"
# The Cache Directory Tagging Specification (https://bford.info/cachedir/): backup and
# archiving tools skip a directory whose CACHEDIR.TAG starts with this exact line.
CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by lintgate.\n"
    "# For information about cache directory tags, see https://bford.info/cachedir/\n"
)
# 2: the stat index keys on ctime too. A version-1 database is migrated in place (its stat
# index is dropped, its results and memo stay); any other version is started afresh.
SCHEMA_VERSION = 2
_MIGRATABLE = (1,)
# last_used is refreshed at most this often (seconds), so a warm run within the hour writes nothing.
TOUCH_INTERVAL = 3600.0
# A file modified less than this long (ns) before its stat was taken is "racily clean" (as git
# calls it): a later write within the file system's timestamp granularity could keep size and
# mtime, so such a stat is not recorded and the file is hashed again next time.
RACY_NS = 2_000_000_000
_CHUNK = 900  # bound parameters per statement, under sqlite's historical 999 limit
_HEX = frozenset("0123456789abcdef")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS results (
    key TEXT PRIMARY KEY,
    content_digest TEXT NOT NULL,
    linter TEXT NOT NULL,
    linter_version TEXT NOT NULL,
    lintgate_version TEXT NOT NULL,
    settings_digest TEXT NOT NULL,
    findings TEXT NOT NULL,
    created REAL NOT NULL,
    last_used REAL NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS results_content ON results(content_digest);
CREATE INDEX IF NOT EXISTS results_last_used ON results(last_used);
CREATE TABLE IF NOT EXISTS stat (
    root TEXT NOT NULL,
    path TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    ctime_ns INTEGER NOT NULL,
    inode INTEGER NOT NULL,
    digest TEXT NOT NULL,
    PRIMARY KEY (root, path)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS memo (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    created REAL NOT NULL
) WITHOUT ROWID;
"""


class CacheError(Exception):
    """The cache cannot be used (unwritable directory, disk full, locked for too long).

    `str(error)` is one line; the caller reports it and runs without the cache.
    """


class Entry(NamedTuple):
    """What a cached result depends on: the parts of its key.

    content_digest: sha256 hex of the file's bytes; linter: its name ("black");
    linter_version: the engine's version; lintgate_version: lintgate's; settings_digest: the
    linter module's `settings_digest(settings)` for the file's config directory.
    """

    content_digest: str
    linter: str
    linter_version: str
    settings_digest: str
    lintgate_version: str = LINTGATE_VERSION

    @property
    def key(self) -> str:
        """The entry key: sha256 hex over linter, linter_version, lintgate_version,
        settings_digest and content_digest, each followed by NUL (none contains NUL)."""
        group = (
            self.linter,
            self.linter_version,
            self.lintgate_version,
            self.settings_digest,
        )
        prefix = _KEY_PREFIXES.get(group)
        if prefix is None:
            if len(_KEY_PREFIXES) > 4096:
                _KEY_PREFIXES.clear()
            prefix = hashlib.sha256("".join(p + "\0" for p in group).encode())
            _KEY_PREFIXES[group] = prefix
        # The group's parts come first: one hash state per group is copied, not rebuilt.
        h = prefix.copy()
        h.update(self.content_digest.encode() + b"\0")
        return h.hexdigest()


_KEY_PREFIXES: dict[tuple[str, str, str, str], Any] = {}  # group -> sha256 state


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


def content_digest(data: bytes) -> str:
    """sha256 hex of a file's bytes: the first part of an entry key."""
    return hashlib.sha256(data).hexdigest()


def is_digest(value: object) -> bool:
    """True for a 64-character lower-case sha256 hex string."""
    return isinstance(value, str) and len(value) == 64 and _HEX.issuperset(value)


def encode_findings(findings: Sequence[Finding]) -> str:
    """Findings as compact JSON: `[[line, col, message, severity, end_line], ...]`."""
    if not findings:
        return "[]"
    return json.dumps([list(f) for f in findings], separators=(",", ":"), ensure_ascii=False)


def decode_findings(text: str) -> list[Finding]:
    """The inverse of `encode_findings`. Raises ValueError when `text` is not that shape."""
    if text == "[]":
        return []
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(f"findings are not JSON: {e}") from None
    if not isinstance(raw, list):
        raise ValueError("findings are not a list")
    out = []
    for item in raw:
        try:
            line, col, message, severity, end_line = item
        except (TypeError, ValueError):
            raise ValueError(f"bad finding {item!r:.80}") from None
        if (
            type(line) is not int
            or type(col) is not int
            or type(end_line) is not int
            or line < 0
            or col < 0
            or end_line < 0
            or type(message) is not str
            or severity not in SEVERITIES
        ):
            raise ValueError(f"bad finding {item!r:.80}")
        out.append(Finding(line, col, message, severity, end_line))
    return out


def resolve_cache_dir(
    explicit: str | os.PathLike | None = None, environ: Mapping[str, str] | None = None
) -> Path:
    """Where the cache lives: `explicit` (--cache-dir), else $LINTGATE_CACHE_DIR, else the
    platformdirs user cache directory for "lintgate" (~/.cache/lintgate on Linux, honouring
    XDG_CACHE_HOME). Returns an absolute path; does not create it.
    """
    env = os.environ if environ is None else environ
    if explicit:
        return Path(explicit).expanduser().absolute()
    if env.get(ENV_VAR):
        return Path(env[ENV_VAR]).expanduser().absolute()
    import platformdirs  # small, but only needed on this path

    return Path(platformdirs.user_cache_dir("lintgate", appauthor=False)).absolute()


def parse_age(text: str) -> float:
    """A duration like "30d", "12h", "90m", "45s" or "1d12h" (Go-style units s, m, h, d;
    decimals allowed) in seconds: lintgate.config.duration's syntax with the unit d.
    Raises ValueError with a one-line message otherwise.
    """
    from lintgate.config.duration import parse_duration

    try:
        return parse_duration(text.strip(), days=True)
    except ValueError as e:
        why = "too long" if "longer than" in str(e) else "use a number and a unit s, m, h or d"
        raise ValueError(f"invalid age {text[:40]!r}: {why}, e.g. 30d") from None


def _is_corruption(e: sqlite3.DatabaseError) -> bool:
    # SQLITE_CORRUPT and SQLITE_NOTADB map to the plain DatabaseError class; locked, I/O and
    # full-disk errors are OperationalError and are not a reason to throw the cache away.
    return type(e) is sqlite3.DatabaseError


def _header_problem(path: Path) -> str | None:
    """Why the database file at `path` is damaged, judged from its 100-byte header, or None."""
    try:
        with open(path, "rb") as f:
            head = f.read(100)
            size = os.fstat(f.fileno()).st_size
    except FileNotFoundError:
        return None
    if size == 0:
        return None  # sqlite's own "new database" state
    if len(head) < 100 or not head.startswith(b"SQLite format 3\0"):
        return "not an SQLite database"
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    change_counter = int.from_bytes(head[24:28], "big")
    pages = int.from_bytes(head[28:32], "big")
    valid_for = int.from_bytes(head[92:96], "big")
    if size % page_size or (valid_for == change_counter and size < pages * page_size):
        return "truncated"
    return None


class Store:
    """The result store in `directory` (created, with a CACHEDIR.TAG, if missing).

    `warn(message)` is called at most once per Store, with a one-line message, when the
    database was damaged and has been moved aside (to `results.sqlite3.corrupt`) and rebuilt.
    Raises CacheError when the directory or database cannot be created or opened.
    `used` holds the keys of every entry this Store answered or stored with used=True (the
    entries of `mode=min` exports); `memo_used` the same for memo keys.
    """

    def __init__(
        self, directory: str | os.PathLike, warn: Callable[[str], None] | None = None
    ) -> None:
        self.directory = Path(directory).absolute()
        self.path = self.directory / DB_NAME
        self.used: set[str] = set()
        self.memo_used: set[str] = set()
        self._warn = warn
        self._warned = False
        self._stale: set[str] = set()
        self._conn: sqlite3.Connection | None = None
        self._ino: int | None = None
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            tag = self.directory / TAG_NAME
            if not tag.exists():
                _atomic_write(tag, CACHEDIR_TAG.encode())
        except OSError as e:
            raise CacheError(
                f"cannot create cache directory {self.directory}: {e.strerror or e}"
            ) from None
        self._open()

    # -- connection, corruption ---------------------------------------------------------------

    def _open(self) -> None:
        problem = _header_problem(self.path)
        if problem:
            self._recover(problem, _ino_of(self.path))
            return
        try:
            self._conn = _connect(self.path)
            self._ino = _ino_of(self.path)
        except sqlite3.DatabaseError as e:
            if not _is_corruption(e):
                raise CacheError(f"cannot open cache {self.path}: {e}") from None
            self._recover(str(e), _ino_of(self.path))

    def _recover(self, reason: str, ino: int | None) -> None:
        """Move the damaged database aside (unless another process already did) and rebuild."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        aside = self.path.with_name(DB_NAME + ".corrupt")
        moved = False
        with self._dir_lock():
            if ino is not None and _ino_of(self.path) == ino:
                os.replace(self.path, aside)
                moved = True
                # A stale WAL must not be replayed into the new file.
                for suffix in ("-wal", "-shm"):
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(f"{self.path}{suffix}")
            try:
                self._conn = _connect(self.path)
            except sqlite3.DatabaseError as e:
                raise CacheError(f"cannot rebuild cache {self.path}: {e}") from None
            self._ino = _ino_of(self.path)
        if moved and not self._warned and self._warn is not None:
            self._warned = True
            self._warn(
                f"cache database {self.path} was damaged ({reason}); moved it to {aside.name} and started a new one"
            )

    @contextlib.contextmanager
    def _dir_lock(self) -> Iterator[None]:
        fd = os.open(self.directory / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def _do(self, op: Callable[[sqlite3.Connection], object]) -> object:
        """Run `op(connection)`; on corruption recover once and run it again on the new database."""
        assert self._conn is not None, "store is closed"
        try:
            return op(self._conn)
        except sqlite3.DatabaseError as e:
            if not _is_corruption(e):
                raise CacheError(f"cache {self.path}: {e}") from None
            self._recover(str(e), self._ino)
        try:
            return op(self._conn)
        except sqlite3.DatabaseError as e:
            raise CacheError(f"cache {self.path}: {e}") from None

    def close(self) -> None:
        """Write pending last-used times and close the database. Idempotent."""
        if self._conn is None:
            return
        try:
            self.flush()
        finally:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- results ------------------------------------------------------------------------------

    def get_many(self, keys: Iterable[str]) -> dict[str, list[Finding]]:
        """The cached findings of each key present: `{key: [Finding, ...]}`; absent keys are
        left out. Marks the hits as used by this run.
        """
        keys = list(keys)
        touch_before = time.time() - TOUCH_INTERVAL

        def op(conn: sqlite3.Connection) -> dict[str, list[Finding]]:
            found: dict[str, list[Finding]] = {}
            stale = []
            for i in range(0, len(keys), _CHUNK):
                chunk = keys[i : i + _CHUNK]
                marks = ",".join("?" * len(chunk))
                sql = "SELECT key, findings, last_used < ? FROM results" f" WHERE key IN ({marks})"
                for key, findings, is_stale in conn.execute(sql, [touch_before, *chunk]).fetchall():
                    if findings == "[]":
                        found[key] = []
                    else:
                        try:
                            found[key] = decode_findings(findings)
                        except ValueError:
                            continue  # unreadable: a miss, which the fresh result replaces
                    if is_stale:
                        stale.append(key)
            self._stale.update(stale)
            return found

        found = self._do(op)
        self.used.update(found)
        return found  # type: ignore[return-value]

    def put_many(self, items: Iterable[tuple[Entry, Sequence[Finding]]], used: bool = True) -> int:
        """Store `(entry, findings)` pairs, replacing older values of the same keys.

        used=False (imports) keeps existing values and does not mark the entries as used by
        this run. Returns the number of pairs given.
        """
        now = time.time()
        rows = [(e.key, *e, encode_findings(f), now, now) for e, f in items]
        verb = "INSERT OR REPLACE" if used else "INSERT OR IGNORE"
        sql = (
            f"{verb} INTO results (key, content_digest, linter, linter_version, settings_digest,"
            " lintgate_version, findings, created, last_used) VALUES (?,?,?,?,?,?,?,?,?)"
        )
        self._write(lambda conn: conn.executemany(sql, rows))
        if used:
            self.used.update(r[0] for r in rows)
        return len(rows)

    def iter_entries(self, keys: Iterable[str] | None = None) -> Iterator[tuple[Entry, str]]:
        """`(entry, findings_json)` for `keys` (present ones only), or for every entry when
        keys is None, in key order. findings_json is `encode_findings`' compact form.
        """
        cols = "content_digest, linter, linter_version, settings_digest, lintgate_version, findings"
        if keys is None:
            rows = self._do(
                lambda conn: conn.execute(f"SELECT {cols} FROM results ORDER BY key").fetchall()
            )
        else:
            wanted = sorted(set(keys))
            rows = []
            for i in range(0, len(wanted), _CHUNK):
                chunk = wanted[i : i + _CHUNK]
                sql = f"SELECT {cols} FROM results WHERE key IN ({','.join('?' * len(chunk))}) ORDER BY key"
                rows += self._do(lambda conn: conn.execute(sql, chunk).fetchall())  # type: ignore[operator]
        for row in rows:  # type: ignore[union-attr]
            yield Entry(*row[:5]), row[5]

    def flush(self) -> None:
        """Write the last-used times of the entries answered since the last flush (at most
        once per TOUCH_INTERVAL per entry, so warm runs rarely write)."""
        if not self._stale:
            return
        now = time.time()
        rows = [(now, k) for k in self._stale]
        self._stale = set()
        self._write(
            lambda conn: conn.executemany("UPDATE results SET last_used=? WHERE key=?", rows)
        )

    def _write(self, op: Callable[[sqlite3.Connection], object]) -> object:
        def txn(conn: sqlite3.Connection) -> object:
            # IMMEDIATE takes the write lock up front: two writers queue on the busy timeout
            # instead of one failing on a read-to-write upgrade.
            conn.execute("BEGIN IMMEDIATE")
            try:
                result = op(conn)
            except BaseException:
                if conn.in_transaction:  # sqlite may have rolled back already
                    with contextlib.suppress(sqlite3.Error):
                        conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
            return result

        return self._do(txn)

    # -- stat index ---------------------------------------------------------------------------

    def stat_lookup(self, root: str | os.PathLike, stats: Mapping[str, StatInfo]) -> dict[str, str]:
        """Content digests of the files whose stat is unchanged since it was recorded.

        root: the project root (absolute); stats: `{path: StatInfo}` with paths as the caller
        names them (relative to root, say). Returns `{path: content_digest}` for the matches.
        """
        if not _storable(os.fspath(root)):
            return {}
        rows = self._do(
            lambda conn: conn.execute(
                "SELECT path, size, mtime_ns, inode, ctime_ns, digest FROM stat WHERE root=?",
                (os.fspath(root),),
            ).fetchall()
        )
        out = {}
        for path, size, mtime_ns, inode, ctime_ns, digest in rows:  # type: ignore[union-attr]
            st = stats.get(path)
            if st is not None and st == (size, mtime_ns, inode, ctime_ns):
                out[path] = digest
        return out

    def stat_record(
        self,
        root: str | os.PathLike,
        items: Iterable[tuple[str, StatInfo, str]],
        now_ns: int | None = None,
    ) -> int:
        """Record `(path, StatInfo, content_digest)` triples for `root`. Files modified within
        RACY_NS of `now_ns` (default: now) are skipped, as git skips racily clean entries
        (judged on the mtime, as git's `is_racy_stat`). A path that is not valid UTF-8 (a file
        name in another encoding) is not recorded, as sqlite stores text as UTF-8: such a file
        is read and hashed on every run, which only costs time.
        Returns the number recorded.
        """
        limit = (time.time_ns() if now_ns is None else now_ns) - RACY_NS
        r = os.fspath(root)
        if not _storable(r):
            return 0
        rows = [
            (r, p, st.size, st.mtime_ns, st.ctime_ns, st.inode, d)
            for p, st, d in items
            if st.mtime_ns < limit and _storable(p)
        ]
        if rows:
            self._write(
                lambda conn: conn.executemany(
                    "INSERT OR REPLACE INTO stat (root, path, size, mtime_ns, ctime_ns, inode, digest)"
                    " VALUES (?,?,?,?,?,?,?)",
                    rows,
                )
            )
        return len(rows)

    # -- memo: small derived values worth keeping between runs ----------------------------------

    def memo_get_many(self, keys: Iterable[str]) -> dict[str, str]:
        """The stored values of the keys present, `{key: value}` (strings both); the keys
        found join `memo_used`.

        For what a warm run must not recompute, e.g. whether isort's or black's settings
        exclude a path (computing it would import the linter's engine).
        """
        keys = list(keys)
        out: dict[str, str] = {}
        for i in range(0, len(keys), _CHUNK):
            chunk = keys[i : i + _CHUNK]
            sql = f"SELECT key, value FROM memo WHERE key IN ({','.join('?' * len(chunk))})"
            out.update(self._do(lambda conn: conn.execute(sql, chunk).fetchall()))  # type: ignore[arg-type]
        self.memo_used.update(out)
        return out

    def memo_put_many(self, items: Mapping[str, str], used: bool = True) -> None:
        """Store `{key: value}` strings, replacing older values; `prune` drops those older
        than its age, `clean` all. used=False (imports) keeps existing values and does not
        add the keys to `memo_used`."""
        now = time.time()
        rows = [(k, v, now) for k, v in items.items()]
        verb = "INSERT OR REPLACE" if used else "INSERT OR IGNORE"
        if rows:
            self._write(
                lambda conn: conn.executemany(
                    f"{verb} INTO memo (key, value, created) VALUES (?,?,?)", rows
                )
            )
        if used:
            self.memo_used.update(items)

    def iter_memo(self, keys: Iterable[str] | None = None) -> list[tuple[str, str]]:
        """`[(key, value), ...]` of the memo, for `keys` (present ones only) or every row when
        keys is None, in key order (exports)."""
        if keys is None:
            return self._do(  # type: ignore[return-value]
                lambda conn: conn.execute("SELECT key, value FROM memo ORDER BY key").fetchall()
            )
        wanted = sorted(set(keys))
        rows: list[tuple[str, str]] = []
        for i in range(0, len(wanted), _CHUNK):
            chunk = wanted[i : i + _CHUNK]
            sql = f"SELECT key, value FROM memo WHERE key IN ({','.join('?' * len(chunk))}) ORDER BY key"
            rows += self._do(lambda conn: conn.execute(sql, chunk).fetchall())  # type: ignore[operator]
        return rows

    # -- maintenance --------------------------------------------------------------------------

    def status(self) -> Status:
        """Size, entry count and ages, for `lintgate cache status`."""

        def op(conn: sqlite3.Connection) -> tuple:
            n, oldest, newest = conn.execute(
                "SELECT count(*), min(last_used), max(last_used) FROM results"
            ).fetchone()
            (files,) = conn.execute("SELECT count(*) FROM stat").fetchone()
            return n, oldest, newest, files

        n, oldest, newest, files = self._do(op)  # type: ignore[misc]
        size = 0
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                size += os.stat(f"{self.path}{suffix}").st_size
        now = time.time()
        return Status(
            str(self.directory),
            size,
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
        cutoff = time.time() - older_than

        def op(conn: sqlite3.Connection) -> int:
            n = conn.execute("DELETE FROM results WHERE last_used < ?", (cutoff,)).rowcount
            conn.execute(
                "DELETE FROM stat WHERE digest NOT IN (SELECT content_digest FROM results)"
            )
            conn.execute("DELETE FROM memo WHERE created < ?", (cutoff,))
            return n

        n = self._write(op)
        self._compact()
        return n  # type: ignore[return-value]

    def clean(self) -> int:
        """Delete every entry, stat row and memo value, and the moved-aside damaged database.
        Returns the number of entries deleted."""

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
        self._compact()
        return n  # type: ignore[return-value]

    def _compact(self) -> None:
        # auto_vacuum=INCREMENTAL (set at creation) lets freed pages go back to the file system
        # without VACUUM's exclusive lock; the checkpoint shrinks the WAL when no reader holds it.
        def op(conn: sqlite3.Connection) -> None:
            conn.execute("PRAGMA incremental_vacuum").fetchall()
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()

        with contextlib.suppress(CacheError):
            self._do(op)


class Digests(NamedTuple):
    """What `file_digests` found: `digests` {path: content digest} for every readable file;
    `data` {path: bytes} for the files it had to read (the caller need not read them again);
    `errors` {path: OSError} for the files it could not stat or read."""

    digests: dict[str, str]
    data: dict[str, bytes]
    errors: dict[str, OSError]


def file_digests(store: Store | None, root: str | os.PathLike, paths: Iterable[str]) -> Digests:
    """The content digest of each file, through the stat index of `store` (None: hash all).

    root: the project root (absolute); paths: relative to it, `/`-separated. A file whose
    (size, mtime_ns, inode, ctime_ns) matches the index is not read; the others are read once, hashed,
    and their stat (taken on the open file, before reading) is recorded for the next run.
    """
    base = os.fspath(root)
    join, stat = os.path.join, os.stat
    stats: dict[str, StatInfo] = {}
    errors: dict[str, OSError] = {}
    for p in paths:
        try:
            st = stat(join(base, p))
            stats[p] = StatInfo.of(st)
        except OSError as e:
            errors[p] = e
    known = store.stat_lookup(base, stats) if store is not None else {}
    digests = dict(known)
    data: dict[str, bytes] = {}
    fresh = []
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
        data[p] = raw
        digests[p] = content_digest(raw)
        fresh.append((p, st, digests[p]))
    if store is not None and fresh:
        store.stat_record(base, fresh)
    return Digests(digests, data, errors)


def _storable(text: str) -> bool:
    """Whether sqlite can store `text`: a file name decoded with surrogateescape may not be."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _ino_of(path: Path) -> int | None:
    try:
        return os.stat(path).st_ino
    except FileNotFoundError:
        return None


def _connect(path: Path) -> sqlite3.Connection:
    """Open (creating if needed) the database at `path` in WAL mode with the current schema."""
    # isolation_level=None: no implicit transactions; writes use explicit BEGIN IMMEDIATE.
    # timeout: how long to wait for the other process's write lock (seconds).
    conn = sqlite3.connect(path, timeout=60.0, isolation_level=None, check_same_thread=False)
    try:
        if conn.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
            # Only a new database takes it; asked of an existing one, it costs a write.
            conn.execute("PRAGMA auto_vacuum=INCREMENTAL")
        if conn.execute("PRAGMA journal_mode=WAL").fetchone()[0].lower() != "wal":
            raise sqlite3.OperationalError("cannot switch to WAL mode")
        # NORMAL is safe in WAL mode: a power loss may lose the last commits, never corrupt.
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA mmap_size=268435456")  # reads without copying pages (bytes)
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version != SCHEMA_VERSION:
            conn.execute("BEGIN IMMEDIATE")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version in _MIGRATABLE:
                # Its results and memo are still valid; its stat rows lack the ctime, so they
                # go (a file not in the index is hashed once, then recorded again).
                conn.execute("DROP TABLE IF EXISTS stat")
            elif version != SCHEMA_VERSION:
                # Another layout (a lintgate too old or too new): its results are useless here.
                conn.execute("DROP TABLE IF EXISTS results")
                conn.execute("DROP TABLE IF EXISTS stat")
                conn.execute("DROP TABLE IF EXISTS memo")
            if version != SCHEMA_VERSION:
                for stmt in _SCHEMA.split(";"):
                    if stmt.strip():
                        conn.execute(stmt)
                conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            conn.execute("COMMIT")
        conn.execute("SELECT count(*) FROM results WHERE key = ''").fetchone()
    except BaseException:
        conn.close()
        raise
    return conn


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def format_age(seconds: float) -> str:
    """A short human age: "45s", "12m", "3h", "30d"."""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{int(seconds // size)}{unit}"
    return f"{int(seconds)}s"


def format_status(status: Status) -> str:
    """The text of `lintgate cache status`: one `key: value` per line, newline-terminated."""
    lines = [
        f"directory: {status.directory}",
        f"size: {status.size_bytes} bytes",
        f"entries: {status.entries}",
        f"files indexed: {status.files_indexed}",
    ]
    if status.oldest_seconds is not None and status.newest_seconds is not None:
        lines.append(
            f"last used: newest {format_age(status.newest_seconds)} ago, oldest {format_age(status.oldest_seconds)} ago"
        )
    return "\n".join(lines) + "\n"
