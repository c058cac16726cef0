"""The content-addressed result cache: the local store and its OCI export/import.

Importing this package is cheap: it loads sqlite3 and the standard library only (never isort,
black or libcst; the OCI code, tarfile, `requests` and `cryptography` only when an export or
import asks for them), so a warm run stays light.
"""

from lintgate.cache.dbfile import CacheError
from lintgate.cache.digests import Digests, file_digests
from lintgate.cache.keys import Entry, content_digest
from lintgate.cache.location import parse_age, resolve_cache_dir
from lintgate.cache.maintenance import Status, format_status
from lintgate.cache.statindex import StatInfo
from lintgate.cache.store import Store

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
