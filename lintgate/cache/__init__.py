"""The content-addressed result cache: the local store and its OCI export/import.

Importing this package is cheap: it loads sqlite3 and the standard library only (never isort,
black or libcst; `requests` only when a registry is used), so a warm run stays light.
"""

from lintgate.cache.store import (
    CacheError,
    Digests,
    Entry,
    StatInfo,
    Status,
    Store,
    content_digest,
    file_digests,
    format_status,
    parse_age,
    resolve_cache_dir,
)

__all__ = [
    "CacheError",
    "Digests",
    "Entry",
    "StatInfo",
    "Status",
    "Store",
    "content_digest",
    "file_digests",
    "format_status",
    "parse_age",
    "resolve_cache_dir",
]
