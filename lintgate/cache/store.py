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
from lintgate.cache import schema
from lintgate.cache.dbfile import (
    CacheError,
    atomic_write,
    check_directory,
    header_problem,
    ino_of,
    is_corruption,
    not_regular,
)
from lintgate.cache.schema import IMPORTED, INT64, LOCAL
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
# last_used is refreshed at most this often (seconds), so a warm run within the hour writes nothing.
TOUCH_INTERVAL = 3600.0
# A file modified less than this long (ns) before its stat was taken is "racily clean" (as git
# calls it): a later write within the file system's timestamp granularity could keep size and
# mtime, so such a stat is not recorded and the file is hashed again next time.
RACY_NS = 2_000_000_000
_CHUNK = 900  # bound parameters per statement, under sqlite's historical 999 limit
_HEX = frozenset("0123456789abcdef")
# last_used where it is a number, else NULL (a damaged row's; it has no age)
_NUMBER = "CASE WHEN typeof(last_used) IN ('integer', 'real') THEN last_used END"


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
    """The inverse of `encode_findings`. Raises ValueError when `text` is not that shape
    (nor a str at all: a damaged database row)."""
    if not isinstance(text, str):
        raise ValueError(f"findings are {type(text).__name__}, not text")
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


class Store:
    """The result store in `directory` (created, with a CACHEDIR.TAG, if missing).

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
        self, directory: str | os.PathLike, warn: Callable[[str], None] | None = None
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
                atomic_write(tag, CACHEDIR_TAG.encode())
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
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def _do(self, op: Callable[[sqlite3.Connection], object]) -> object:
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

    def _drop(self, table: str, where: str, rows: list[tuple]) -> None:
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

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- results ------------------------------------------------------------------------------

    def get_many(self, keys: Iterable[str]) -> dict[str, list[Finding]]:
        """The cached findings of each key present: `{key: [Finding, ...]}`; absent keys are
        left out. Marks the hits as used by this run. A row that fails its checksum or does
        not decode is dropped (counted in `damaged`) and is a miss.
        """
        keys = list(keys)
        touch_before = time.time() - TOUCH_INTERVAL
        bad: list[tuple] = []

        def op(conn: sqlite3.Connection) -> dict[str, list[Finding]]:
            found: dict[str, list[Finding]] = {}
            stale = []
            for i in range(0, len(keys), _CHUNK):
                chunk = keys[i : i + _CHUNK]
                marks = ",".join("?" * len(chunk))
                sql = (
                    f"SELECT {schema.RESULT_COLUMNS}, checksum, last_used < ? FROM results"
                    f" WHERE key IN ({marks})"
                )
                for row in conn.execute(sql, [touch_before, *chunk]).fetchall():
                    key, findings, checksum = row[0], row[6], row[8]
                    try:
                        if schema.results_checksum(*row[:8]) != checksum:
                            raise ValueError("checksum")
                        found[key] = [] if findings == "[]" else decode_findings(findings)
                    except ValueError:
                        bad.append((key,))
                        continue
                    if row[9]:
                        stale.append(key)
            self._stale.update(stale)
            return found

        found = self._do(op)
        self._drop("results", "key=?", bad)
        self.used.update(found)  # type: ignore[arg-type]
        return found  # type: ignore[return-value]

    def put_many(self, items: Iterable[tuple[Entry, Sequence[Finding]]], used: bool = True) -> int:
        """Store `(entry, findings)` pairs, replacing older values of the same keys.

        used=False is the import path (oci.py): the rows are stored with origin `imported`,
        existing values are kept and the entries are not marked as used by this run.
        Returns the number of pairs given.
        """
        now = time.time()
        origin = LOCAL if used else IMPORTED
        rows = []
        for e, f in items:
            row = (e.key, *e, encode_findings(f), origin)
            rows.append((*row, schema.results_checksum(*row) or "", now, now))
        verb = "INSERT OR REPLACE" if used else "INSERT OR IGNORE"
        sql = (
            f"{verb} INTO results ({schema.RESULT_COLUMNS}, checksum, created, last_used)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?)"
        )
        self._write(lambda conn: conn.executemany(sql, rows))
        if used:
            self.used.update(r[0] for r in rows)
        return len(rows)

    def iter_entries(self, keys: Iterable[str] | None = None) -> Iterator[tuple[Entry, str]]:
        """`(entry, findings_json)` for `keys` (present ones only), or for every entry when
        keys is None, in key order. findings_json is `encode_findings`' compact form. Damaged
        rows (checksum, shape) are left out and dropped.
        """
        cols = f"{schema.RESULT_COLUMNS}, checksum"
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
        good, bad = [], []
        for row in rows:  # type: ignore[union-attr]
            try:
                if schema.results_checksum(*row[:8]) != row[8]:
                    raise ValueError("checksum")
                decode_findings(row[6])
            except ValueError:
                bad.append((row[0],))
                continue
            good.append((Entry(*row[1:6]), row[6]))
        self._drop("results", "key=?", bad)
        yield from good

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
        Rows failing their checksum are dropped (counted in `damaged`): those files are read.
        """
        r = os.fspath(root)
        if not _storable(r):
            return {}
        rows = self._do(
            lambda conn: conn.execute(
                f"SELECT {schema.STAT_COLUMNS}, checksum FROM stat WHERE root=?", (r,)
            ).fetchall()
        )
        out, bad = {}, []
        for row in rows:  # type: ignore[union-attr]
            _, path, size, mtime_ns, ctime_ns, inode, digest, checksum = row
            if schema.stat_checksum(*row[:7]) != checksum or not is_digest(digest):
                bad.append((r, path))
                continue
            st = stats.get(path)
            if st is not None and st == (size, mtime_ns, inode, ctime_ns):
                out[path] = digest
        self._drop("stat", "root=? AND path=?", bad)
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
        name in another encoding) is not recorded, as sqlite stores text as UTF-8, nor is a
        stat whose numbers SQLite's 64-bit integers cannot hold (an mtime before 1677 or after
        2262 in ns, which tmpfs and XFS allow; an inode past 2**63): such a file is read and
        hashed on every run, which only costs time.
        Returns the number recorded.
        """
        limit = (time.time_ns() if now_ns is None else now_ns) - RACY_NS
        r = os.fspath(root)
        if not _storable(r):
            return 0
        rows = []
        for p, st, d in items:
            if st.mtime_ns < limit and _storable(p) and all(n in INT64 for n in st):
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

    # -- memo: small derived values worth keeping between runs ----------------------------------

    def _memo_rows(self, keys: Iterable[str] | None) -> list[tuple[str, str, str]]:
        """The memo rows `(key, value, origin)` of `keys` (every row when None) that pass their
        checksum, in key order; the others are dropped (counted in `damaged`)."""
        cols = f"{schema.MEMO_COLUMNS}, checksum"
        if keys is None:
            rows = self._do(
                lambda conn: conn.execute(f"SELECT {cols} FROM memo ORDER BY key").fetchall()
            )
        else:
            wanted = sorted(set(keys))
            rows = []
            for i in range(0, len(wanted), _CHUNK):
                chunk = wanted[i : i + _CHUNK]
                sql = f"SELECT {cols} FROM memo WHERE key IN ({','.join('?' * len(chunk))}) ORDER BY key"
                rows += self._do(lambda conn: conn.execute(sql, chunk).fetchall())  # type: ignore[operator]
        good, bad = [], []
        for row in rows:  # type: ignore[union-attr]
            if schema.memo_checksum(*row[:3]) == row[3]:
                good.append(row[:3])
            else:
                bad.append((row[0],))
        self._drop("memo", "key=?", bad)
        return good

    def memo_get_many(self, keys: Iterable[str]) -> dict[str, str]:
        """The stored values of the keys present that this machine computed (origin
        `local`), `{key: value}` (strings both); the keys found join `memo_used`.

        For what a warm run must not recompute, e.g. whether isort's or black's settings
        exclude a path (computing it would import the linter's engine). Imported rows are
        not served here: see memo_hints.
        """
        out = {k: v for k, v, origin in self._memo_rows(keys) if origin == LOCAL}
        self.memo_used.update(out)
        return out

    def memo_hints(self, keys: Iterable[str]) -> dict[str, str]:
        """The imported values (origin `imported`) of the keys present, `{key: value}`.

        An import is written by someone else: the caller must only take a hint that cannot
        hide a finding (for an exclusion verdict, "0": lint the file) and decide the rest
        itself (docs/cache.md, "Trust model: local store"). The caller adds the keys it takes
        to `memo_used`.
        """
        return {k: v for k, v, origin in self._memo_rows(keys) if origin == IMPORTED}

    def memo_put_many(self, items: Mapping[str, str], used: bool = True) -> None:
        """Store `{key: value}` strings, replacing older values; `prune` drops those older
        than its age, `clean` all. used=False is the import path (oci.py): the rows are stored
        with origin `imported`, existing values are kept and the keys do not join `memo_used`."""
        now = time.time()
        origin = LOCAL if used else IMPORTED
        rows = [
            (k, v, origin, schema.memo_checksum(k, v, origin) or "", now) for k, v in items.items()
        ]
        verb = "INSERT OR REPLACE" if used else "INSERT OR IGNORE"
        if rows:
            self._write(
                lambda conn: conn.executemany(
                    f"{verb} INTO memo ({schema.MEMO_COLUMNS}, checksum, created) VALUES (?,?,?,?,?)",
                    rows,
                )
            )
        if used:
            self.memo_used.update(items)

    def iter_memo(self, keys: Iterable[str] | None = None) -> list[tuple[str, str]]:
        """`[(key, value), ...]` of the memo, local and imported rows, for `keys` (present
        ones only) or every row when keys is None, in key order (exports: an importer takes
        every row as a hint only)."""
        return [(k, v) for k, v, _ in self._memo_rows(keys)]

    # -- maintenance --------------------------------------------------------------------------

    def status(self) -> Status:
        """Size, entry count and ages, for `lintgate cache status`."""

        def op(conn: sqlite3.Connection) -> tuple:
            # a last_used that is not a number (a damaged row) has no age
            n, oldest, newest = conn.execute(
                f"SELECT count(*), min({_NUMBER}), max({_NUMBER}) FROM results"
            ).fetchone()
            (files,) = conn.execute("SELECT count(*) FROM stat").fetchone()
            return n, oldest, newest, files

        n, oldest, newest, files = self._do(op)  # type: ignore[misc]
        size = 0
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(OSError):
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
