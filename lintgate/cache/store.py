"""The local result store: one sqlite3 database in the cache directory.

Three tables: `results` (entry key -> the findings of one linter on one file's bytes), `stat`
(project root + path + size + mtime + ctime + inode -> the digest of the file's bytes), so that
a warm run neither reads unchanged files nor lints them, and `memo` (small derived values).
`Store` is the one object callers hold; each table's code is its own module (results.py,
statindex.py, memo.py, maintenance.py) over the database of db.py.

The store lives in the parent process of a run: look up everything before the process pool
starts, store everything after it finishes (see docs/cache.md for the call sequence).
"""

from __future__ import annotations

from lintgate.cache.db import CACHEDIR_TAG, DB_NAME, LOCK_NAME, TAG_NAME, TOUCH_INTERVAL
from lintgate.cache.dbfile import CacheError, check_directory
from lintgate.cache.digests import Digests, file_digests
from lintgate.cache.findings import decode_findings, encode_findings
from lintgate.cache.keys import Entry, content_digest, is_digest
from lintgate.cache.location import ENV_VAR, parse_age, resolve_cache_dir
from lintgate.cache.maintenance import Maintenance, Status, format_age, format_status
from lintgate.cache.memo import MemoRow, MemoTable
from lintgate.cache.results import ResultsTable
from lintgate.cache.statindex import RACY_NS, StatIndex, StatInfo

# The names callers took from this module before it was split.
__all__ = [
    "CACHEDIR_TAG",
    "DB_NAME",
    "ENV_VAR",
    "LOCK_NAME",
    "RACY_NS",
    "TAG_NAME",
    "TOUCH_INTERVAL",
    "CacheError",
    "Digests",
    "Entry",
    "MemoRow",
    "StatInfo",
    "Status",
    "Store",
    "check_directory",
    "content_digest",
    "decode_findings",
    "encode_findings",
    "file_digests",
    "format_age",
    "format_status",
    "is_digest",
    "parse_age",
    "resolve_cache_dir",
]


class Store(ResultsTable, StatIndex, MemoTable, Maintenance):
    """The result store in `directory` (created, with a CACHEDIR.TAG, if missing): results,
    stat index, memo and maintenance over one database (db.Database, which documents the
    arguments, the warnings and the CacheError raised)."""
