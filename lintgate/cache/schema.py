"""The layout of the cache database and the checksum every row carries.

Version 4 (SQLite's `user_version`): each row of `results`, `stat` and `memo` has a `checksum`,
the sha256 hex of its served columns, checked on every read (a row that fails is dropped and
recomputed: a flipped bit on disk or a hand edit is never served); `results` and `memo` rows
have an `origin`, `local` (this machine computed it) or `imported` (`--import-cache`), since
an imported exclusion verdict must not hide a file (docs/cache.md, "Trust model: local store");
`results` rows hold a linter's parse error and a text's `nolint` in columns of their own
(`parse_error`, `nolint`: lintgate.cache.findings.StoredResult), not inside the findings.

The checksum guards against damage, not against someone who can write the database: they can
recompute it (the trust model says who may write the cache).
"""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
from pathlib import Path
from typing import Iterator, Sequence

from lintgate.cache import legacy
from lintgate.cache.findings import decode_findings, encode_error, encode_findings

SCHEMA_VERSION = 4
# Versions whose results are migrated in place (1 and 2: their stat index is dropped and
# rebuilt, their rows of unknown origin count as imported; 1 to 3: their parse errors and
# `nolint` marks move out of the findings, lintgate.cache.legacy); any other version is
# started afresh.
MIGRATABLE = (1, 2, 3)
LOCAL = "local"
IMPORTED = "imported"
INT64 = range(-(2**63), 2**63)  # what SQLite's INTEGER holds

RESULT_COLUMNS = (
    "key, content_digest, linter, linter_version, settings_digest, lintgate_version,"
    " findings, parse_error, nolint, origin"
)
STAT_COLUMNS = "root, path, size, mtime_ns, ctime_ns, inode, digest"
MEMO_COLUMNS = "key, value, origin"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS results (
    key TEXT PRIMARY KEY,
    content_digest TEXT NOT NULL,
    linter TEXT NOT NULL,
    linter_version TEXT NOT NULL,
    lintgate_version TEXT NOT NULL,
    settings_digest TEXT NOT NULL,
    findings TEXT NOT NULL,
    parse_error TEXT NOT NULL DEFAULT '',
    nolint INTEGER NOT NULL DEFAULT 0,
    origin TEXT NOT NULL DEFAULT 'imported',
    checksum TEXT NOT NULL DEFAULT '',
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
    checksum TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (root, path)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS memo (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    origin TEXT NOT NULL DEFAULT 'imported',
    checksum TEXT NOT NULL DEFAULT '',
    created REAL NOT NULL
) WITHOUT ROWID;
"""
_TABLES = ("results", "stat", "memo")


def _sum(kind: str, parts: tuple[object, ...]) -> str | None:
    """sha256 hex over `kind` and `parts` (str or int each), NUL-separated; None when a part
    has another type (a row SQLite stored with the wrong type is damaged)."""
    text = [kind]
    for p in parts:
        if type(p) in (str, int):  # exactly: a bool or a str subclass is not a column's value
            text.append(str(p))
        else:
            return None
    try:
        return hashlib.sha256("\0".join(text).encode("utf-8")).hexdigest()
    except UnicodeEncodeError:  # a lone surrogate cannot have been stored: damaged
        return None


def results_checksum(*row: object) -> str | None:
    """The checksum of a results row: its RESULT_COLUMNS in that order (`nolint` an int
    0 or 1, every other column text)."""
    return row_checksum(row)


def row_checksum(row: Sequence[object]) -> str | None:
    """`results_checksum` of a row read with its RESULT_COLUMNS first (more may follow),
    without unpacking it (a warm run checks thousands of rows)."""
    nolint = row[8]
    if type(nolint) is not int or not 0 <= nolint <= 1:
        return None
    try:  # the other columns are text: one join
        text = "\0".join(("results", *row[:8], "1" if nolint else "0", row[9]))  # type: ignore[arg-type]
        return hashlib.sha256(text.encode("utf-8")).hexdigest()
    except (TypeError, UnicodeEncodeError):  # a BLOB, a lone surrogate: damaged
        return None


def _v3_results_checksum(*row: object) -> str | None:
    """The checksum a version-3 results row carried (its eight columns, all text)."""
    try:
        return hashlib.sha256("\0".join(("results", *row)).encode("utf-8")).hexdigest()  # type: ignore[arg-type]
    except (TypeError, UnicodeEncodeError):
        return None


def stat_checksum(*row: object) -> str | None:
    """The checksum of a stat row: its STAT_COLUMNS in that order."""
    return _sum("stat", row)


def memo_checksum(*row: object) -> str | None:
    """The checksum of a memo row: its MEMO_COLUMNS in that order."""
    try:
        return hashlib.sha256("\0".join(("memo", *row)).encode("utf-8")).hexdigest()  # type: ignore[arg-type]
    except (TypeError, UnicodeEncodeError):
        return None


def connect(path: Path) -> tuple[sqlite3.Connection, str | None]:
    """Open (creating if needed) the database at `path` in WAL mode with the current schema.

    Returns the connection and a note for a one-line warning when the database was started
    afresh (another lintgate's schema version, or tables of another layout), else None.
    Raises sqlite3.Error (a DatabaseError proper when the file is damaged).
    """
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
        note = None
        if conn.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
            note = _upgrade(conn)
        if not _layout_ok(conn):
            _rebuild(conn)
            note = "has tables of another layout; started it afresh"
    except BaseException:
        conn.close()
        raise
    return conn, note


def _layout_ok(conn: sqlite3.Connection) -> bool:
    """Whether every table has the columns this module reads and writes."""
    extra = {
        "results": ", checksum, created, last_used",
        "stat": ", checksum",
        "memo": ", checksum, created",
    }
    columns = {"results": RESULT_COLUMNS, "stat": STAT_COLUMNS, "memo": MEMO_COLUMNS}
    try:
        for table in _TABLES:
            conn.execute(f"SELECT {columns[table]}{extra[table]} FROM {table} LIMIT 0").fetchall()
    except sqlite3.OperationalError:  # no such table or column
        return False
    return True


def _upgrade(conn: sqlite3.Connection) -> str | None:
    """Bring an older (or empty) database to SCHEMA_VERSION inside one write transaction;
    returns the warning note for a database started afresh, else None."""
    with immediate(conn):
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        note = None
        if version in MIGRATABLE:
            try:
                _migrate(conn, version)
            except sqlite3.OperationalError:  # not the layout that version had
                version = -1
                note = "has tables of another layout; started it afresh"
        if version not in (*MIGRATABLE, SCHEMA_VERSION):
            if version != 0 and note is None:  # 0: a new database (or sqlite's own)
                note = f"has schema version {version} (another lintgate's); started it afresh"
            _afresh(conn)
    return note


def _rebuild(conn: sqlite3.Connection) -> None:
    """Drop every table and create the current layout, in one write transaction."""
    with immediate(conn):
        _afresh(conn)


@contextlib.contextmanager
def immediate(conn: sqlite3.Connection) -> Iterator[None]:
    """One IMMEDIATE write transaction around the block: committed when it ends, rolled back
    when it raises. IMMEDIATE takes the write lock up front, so two writers queue on the busy
    timeout instead of one failing on a read-to-write upgrade."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if conn.in_transaction:  # sqlite may have rolled back already
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _afresh(conn: sqlite3.Connection) -> None:
    """Drop every table and create the current layout (inside the caller's transaction)."""
    for table in _TABLES:
        conn.execute(f"DROP TABLE IF EXISTS {table}")
    _create(conn)


def _create(conn: sqlite3.Connection) -> None:
    for stmt in _SCHEMA.split(";"):
        if stmt.strip():
            conn.execute(stmt)
    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")


def _migrate(conn: sqlite3.Connection, version: int) -> None:
    """Version 1, 2 or 3 to 4 (inside the caller's transaction; sqlite3.OperationalError when
    the tables are not the layout that version had).

    1 or 2: results and memo keep their rows, now of origin `imported` (who wrote them is
    unknown); the stat index (version 1's has no ctime) is dropped and rebuilt by the next run
    (one hash per file, no re-lint). 1 to 3: results get the `parse_error` and `nolint`
    columns, filled from the marks older versions put in the findings (lintgate.cache.legacy);
    a version-3 row keeps a checksum only if its old one held (a damaged row stays damaged).
    """
    conn.create_function("lintgate_results_checksum", 10, results_checksum, deterministic=True)
    conn.create_function("lintgate_v3_checksum", 8, _v3_results_checksum, deterministic=True)
    conn.create_function("lintgate_memo_checksum", 3, memo_checksum, deterministic=True)
    old = "key, content_digest, linter, linter_version, settings_digest, lintgate_version, findings"
    if version < 3:
        conn.execute("DROP TABLE IF EXISTS stat")
        for table in ("results", "memo"):
            conn.execute(f"ALTER TABLE {table} ADD COLUMN origin TEXT NOT NULL DEFAULT 'imported'")
            conn.execute(f"ALTER TABLE {table} ADD COLUMN checksum TEXT NOT NULL DEFAULT ''")
        sql = f"UPDATE memo SET checksum = coalesce(lintgate_memo_checksum({MEMO_COLUMNS}), '')"
        conn.execute(sql)
        # no checksum to trust yet: every row's old one is taken to hold
        conn.execute(
            f"UPDATE results SET checksum = coalesce(lintgate_v3_checksum({old}, origin), '')"
        )
    conn.execute("ALTER TABLE results ADD COLUMN parse_error TEXT NOT NULL DEFAULT ''")
    conn.execute("ALTER TABLE results ADD COLUMN nolint INTEGER NOT NULL DEFAULT 0")
    conn.execute(
        "UPDATE results SET checksum = CASE"
        f" WHEN checksum = lintgate_v3_checksum({old}, origin)"
        f" THEN coalesce(lintgate_results_checksum({RESULT_COLUMNS}), '') ELSE '' END"
    )
    _unmark(conn)
    _create(conn)


def _unmark(conn: sqlite3.Connection) -> None:
    """Move the parse errors and `nolint` marks of older versions out of the findings of the
    rows that may hold one (`encoding`'s, and those whose findings JSON has a NUL or SOH
    escape); a row whose checksum fails stays as it is (dropped when read)."""
    rows = conn.execute(
        f"SELECT {RESULT_COLUMNS}, checksum FROM results WHERE findings != '[]' AND (linter = ?"
        " OR instr(findings, '\\u0000') OR instr(findings, '\\u0001'))",
        (legacy.ENCODING,),
    ).fetchall()
    updates = []
    for row in rows:
        if results_checksum(*row[:10]) != row[10]:
            continue
        try:
            stored = legacy.upgrade(row[2], decode_findings(row[6]))
        except ValueError:
            continue
        new = (
            encode_findings(stored.findings),
            encode_error(stored.parse_error),
            int(stored.nolint),
        )
        checksum = results_checksum(*row[:6], *new, row[9])
        updates.append((*new, checksum or "", row[0]))
    conn.executemany(
        "UPDATE results SET findings = ?, parse_error = ?, nolint = ?, checksum = ? WHERE key = ?",
        updates,
    )
