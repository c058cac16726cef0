"""The cache's files on disk: the checks made before SQLite opens anything.

A cache directory or database that is not what it should be (a regular file given as the
directory, a FIFO or a directory as the database, a damaged header) is a CacheError with a
one-line message, never a hang or a traceback (docs/cache.md, "Where"). Used by db.py.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path


class CacheError(Exception):
    """The cache cannot be used (unwritable directory, disk full, locked for too long).

    `str(error)` is one line; the caller reports it and runs without the cache.
    """


def check_directory(directory: Path) -> None:
    """Raise CacheError when `directory` (or the nearest part of it that exists) is not a
    directory: a regular file given as --cache-dir or $LINTGATE_CACHE_DIR."""
    for part in (directory, *directory.parents):
        try:
            mode = os.stat(part).st_mode
        except (FileNotFoundError, NotADirectoryError):
            if os.path.islink(part):  # mkdir would only say "File exists"
                where = "" if part == directory else f": {part}"
                raise CacheError(
                    f"cache directory {directory}{where} is a symbolic link to a missing "
                    f"{os.readlink(part)}"
                ) from None
            continue
        except OSError as e:
            raise CacheError(f"cache directory {directory}: {e.strerror or e}") from None
        if not stat.S_ISDIR(mode):
            what = "" if part == directory else f" ({part} is not)"
            raise CacheError(f"cache directory {directory} is not a directory{what}")
        return


def is_corruption(e: sqlite3.DatabaseError) -> bool:
    # SQLITE_CORRUPT and SQLITE_NOTADB map to the plain DatabaseError class; locked, I/O and
    # full-disk errors are OperationalError and are not a reason to throw the cache away.
    return type(e) is sqlite3.DatabaseError


_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def not_regular(path: str | os.PathLike[str]) -> str | None:
    """What `path` is when it exists and is not a regular file ("a FIFO"), else None. Only a
    regular file is ever opened as the database: a FIFO would block its opener for ever."""
    try:
        mode = os.stat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as e:
        return f"unreadable: {e.strerror or e}"
    if stat.S_ISREG(mode):
        return None
    return next((kind for test, kind in _KINDS if test(mode)), "not a regular file")


def header_problem(path: Path) -> str | None:
    """Why the database file at `path` is damaged, judged from its 100-byte header, or None.
    Raises CacheError when it cannot be read or is not a regular file."""
    try:
        # O_NONBLOCK: a FIFO put there after the caller's check still does not block us.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        return None
    except OSError as e:
        raise CacheError(f"cannot read cache database {path}: {e.strerror or e}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise CacheError(f"cache database {path} is not a regular file")
        head = os.pread(fd, 100, 0)
    except OSError as e:
        raise CacheError(f"cannot read cache database {path}: {e.strerror or e}") from None
    finally:
        os.close(fd)
    size = st.st_size
    if size == 0:
        return None  # sqlite's own "new database" state
    if len(head) < 100 or not head.startswith(b"SQLite format 3\0"):
        return "not an SQLite database"
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    change_counter = int.from_bytes(head[24:28], "big")
    pages = int.from_bytes(head[28:32], "big")
    valid_for = int.from_bytes(head[92:96], "big")
    if (
        page_size == 0
        or size % page_size
        or (valid_for == change_counter and size < pages * page_size)
    ):
        return "truncated"
    return None


def ino_of(path: Path) -> int | None:
    """The inode of `path`, None when it does not exist (OSError otherwise)."""
    try:
        return os.stat(path).st_ino
    except FileNotFoundError:
        return None
