"""The plain atomic file write and the flock(2) helper that the cache's modules share.

`replace_bytes` is for files nobody else edits (the cache's CACHEDIR.TAG, an OCI layout's
blobs and index): write a temporary file beside the target, then rename it over. A source file
written by --fix goes through lintgate.atomic.write_atomic instead, which also checks that
nobody changed the file meanwhile.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from pathlib import Path
from typing import Iterator

POLL = 0.05  # seconds between two attempts at a lock held by another process


def temp_name(path: Path) -> Path:
    """The temporary file `replace_bytes` writes before renaming: `.NAME.<pid>.tmp` beside
    `path` (an OCI layout's garbage collection removes the `.tmp` files a crash left)."""
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def replace_bytes(path: Path, data: bytes, durable: bool = False) -> None:
    """Write `data` to `path` atomically: readers see the old file or the new one, never a
    part. durable=True also fsyncs the data before the rename (an export others will read).
    Raises OSError (the temporary file may be left; its name ends in `.tmp`)."""
    tmp = temp_name(path)
    with open(tmp, "wb") as f:
        f.write(data)
        if durable:
            f.flush()
            os.fsync(f.fileno())
    os.replace(tmp, path)


@contextlib.contextmanager
def flocked(fd: int, exclusive: bool = True, timeout: float | None = None) -> Iterator[None]:
    """Hold flock(2) on the open file `fd` (shared when exclusive=False) for the `with` body;
    the lock goes with the descriptor, which the caller closes.

    timeout None waits as long as it takes; otherwise OSError("locked by another process for
    more than N s") after `timeout` seconds of polling every POLL seconds.
    """
    mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
    if timeout is None:
        fcntl.flock(fd, mode)
    else:
        end = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, mode | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > end:
                    raise OSError(
                        f"locked by another process for more than {timeout:g} s"
                    ) from None
                time.sleep(POLL)
    yield


@contextlib.contextmanager
def opened(path: str | os.PathLike[str], flags: int, mode: int = 0o644) -> Iterator[int]:
    """`os.open(path, flags, mode)` for the `with` body, closed after (OSError as os.open)."""
    fd = os.open(path, flags, mode)
    try:
        yield fd
    finally:
        os.close(fd)
