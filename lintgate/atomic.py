"""Writing a fixed file: atomically, and never over an edit made while it was being fixed.

`write_atomic` writes a temporary file beside the original (`.NAME.<random>.lintgate-tmp`),
checks that the original is still what was read (`read_with_identity`: bytes, inode, size,
times), and renames; on Linux the rename is an exchange (renameat2 RENAME_EXCHANGE) followed
by one more check of the old file, so the check and the rename leave no window.
"""

from __future__ import annotations

import contextlib
import errno as _errno
import os
import signal
import stat
import sys
import tempfile
from pathlib import Path
from typing import Iterator, NamedTuple

TEMP_SUFFIX = ".lintgate-tmp"  # temporary files: `.NAME.<random>.lintgate-tmp`, same directory


class ChangedMeanwhile(Exception):
    """The file changed on disk while it was being fixed."""


class Identity(NamedTuple):
    """What says a file is still the one read: device, inode, size, mtime and ctime (ns)."""

    dev: int
    ino: int
    size: int
    mtime_ns: int
    ctime_ns: int

    @classmethod
    def of(cls, st: os.stat_result) -> Identity:
        """The identity of a stat result."""
        return cls(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def read_with_identity(path: Path, limit: int = 0) -> tuple[bytes, Identity]:
    """The bytes of `path` (at most `limit` + 1 of them; 0: all, as lintgate.bounds.read_bounded)
    and its Identity, taken from one open file; raises OSError, or ChangedMeanwhile when the
    file changed while it was read."""
    with open(path, "rb") as f:
        before = Identity.of(os.fstat(f.fileno()))
        data = f.read(limit + 1) if limit else f.read()
        if Identity.of(os.fstat(f.fileno())) != before:
            raise ChangedMeanwhile()
    return data, before


def write_atomic(
    path: Path, data: bytes, expected: bytes, identity: Identity | None = None
) -> None:
    """Replace the contents of `path` by `data`, atomically: a temporary file in the same
    directory, fsync, the original's mode (and owner when allowed), then a rename and an
    fsync of the directory. Refuses a file that is not writable (as black and isort fail on
    it) and one that is no longer what was read: its bytes are not `expected`, or its
    `identity` (from read_with_identity; None: bytes only) differs. The last check and the
    rename leave no window on Linux: the new file is exchanged with the old one
    (renameat2 RENAME_EXCHANGE), the old one is checked once more under its new name, and an
    edit that landed meanwhile is exchanged back. Elsewhere the check is immediately before
    os.replace. A crash at any moment leaves `path` either as it was or wholly `data`.
    Raises OSError or ChangedMeanwhile.

    SIGTERM (the pool stopping its workers) and SIGINT are held back while it runs and
    delivered when it returns, so neither leaves a temporary file behind."""
    with _signals_held():
        _write_atomic(path, data, expected, identity)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    # A Python-level SIGTERM handler in pool workers can be swallowed (an exception raised in a
    # finalizer is ignored), leaving pool.terminate() waiting on a live worker forever; a mask
    # keeps the default disposition everywhere but in the write itself.
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held = {signal.SIGTERM, signal.SIGINT}
    before = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def _write_atomic(path: Path, data: bytes, expected: bytes, identity: Identity | None) -> None:
    st = os.stat(path)
    if not os.access(path, os.W_OK):
        raise PermissionError(13, "Permission denied")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, stat.S_IMODE(st.st_mode))
        if hasattr(os, "chown") and (st.st_uid, st.st_gid) != (os.getuid(), os.getgid()):
            try:
                os.chown(tmp, st.st_uid, st.st_gid)
            except OSError:
                pass
        checked = _unchanged(path, expected, identity)
        if _exchange(tmp, path):
            # `tmp` names the old file now: the one checked, unchanged since (its ctime moves
            # with the rename itself), else an edit came in between: it goes back
            if not _still(Path(tmp), checked, expected):
                _exchange(tmp, path)
                raise ChangedMeanwhile()
            os.unlink(tmp)
        else:
            os.replace(tmp, path)
    except BaseException:  # leave no temporary file behind
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _sync_directory(path.parent)


def _unchanged(path: Path, expected: bytes, identity: Identity | None) -> Identity:
    """The Identity of `path` when it still holds `expected` (and is still `identity`, when
    given); raises ChangedMeanwhile otherwise."""
    try:
        data, now = read_with_identity(path)
    except FileNotFoundError:
        raise ChangedMeanwhile() from None
    if data != expected or (identity is not None and now != identity):
        raise ChangedMeanwhile()
    return now


def _still(path: Path, checked: Identity, expected: bytes) -> bool:
    try:
        data, now = read_with_identity(path)
    except (OSError, ChangedMeanwhile):
        return False
    same = now._replace(ctime_ns=0) == checked._replace(ctime_ns=0)
    return same and data == expected


def _exchange(a: str, b: Path) -> bool:
    """Swap the files named `a` and `b` atomically (Linux renameat2 RENAME_EXCHANGE); False
    when this system or file system cannot (then nothing happened)."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(str(b)), rename_exchange) == 0:
        return True
    errno = ctypes.get_errno()
    if errno in (_errno.EINVAL, _errno.ENOSYS, _errno.EOPNOTSUPP, _errno.EPERM):
        return False  # e.g. a file system without RENAME_EXCHANGE: os.replace does it
    raise OSError(errno, os.strerror(errno), str(b))


def _sync_directory(directory: Path) -> None:
    try:
        dirfd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dirfd)
    except OSError:  # some file systems cannot sync a directory; the rename is done anyway
        pass
    finally:
        os.close(dirfd)
