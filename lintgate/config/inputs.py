"""Reading the files named on the command line (`--config`, `--new-from-patch`) and opening
report files (`--output NAME=PATH`) without hanging or filling memory.

An input must be a regular file of bounded size: a FIFO would block the open until a writer
comes (forever, when none does), and `/dev/zero` or `/dev/urandom` never end. A report file
may be a FIFO or a device, but a FIFO that nobody reads is refused at once (opening it for
writing would block until a reader comes).
"""

from __future__ import annotations

import errno
import os
import stat
from typing import TextIO

__all__ = ["CONFIG_MAX_BYTES", "PATCH_MAX_BYTES", "open_report", "read_input"]

CONFIG_MAX_BYTES = 1 << 20  # 1 MiB: a config file is a few hundred bytes
PATCH_MAX_BYTES = 256 << 20  # 256 MiB: `git diff` of a very large change


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISDIR, "a directory"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def _size(n: int) -> str:
    return f"{n >> 20} MiB" if n >= 1 << 20 else f"{n} bytes"


def read_input(path: str, limit: int) -> bytes:
    """The bytes of the regular file at `path`, at most `limit` bytes.

    Raises ValueError with a one-line reason (no path in it): the system's error (`No such
    file or directory`), `is a FIFO, not a regular file` (and so for devices, sockets and
    directories), or `larger than 1 MiB`. Opened with O_NONBLOCK, so that a FIFO without a
    writer does not block the open; the file type is then checked on the open descriptor."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    except OSError as e:
        raise ValueError(e.strerror or str(e)) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            kind = _kind(st.st_mode)
            raise ValueError(f"is {kind}, not a regular file" if kind[0] == "a" else kind)
        if st.st_size > limit:
            raise ValueError(f"larger than {_size(limit)} ({st.st_size} bytes)")
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(limit + 1)  # the file may have grown since the fstat
    except OSError as e:
        raise ValueError(e.strerror or str(e)) from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise ValueError(f"larger than {_size(limit)}")
    return data


def open_report(path: str) -> TextIO:
    """Open the report file `path` for writing text (UTF-8), created or truncated.

    A FIFO without a reader raises OSError(ENXIO, "no process reads this FIFO") at once
    instead of blocking (the file is opened with O_NONBLOCK, which is then cleared, so that
    writes to a slow reader wait for it as usual). Raises OSError as open() does otherwise."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0)
    flags |= getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags, 0o666)
    except OSError as e:
        if e.errno == errno.ENXIO:
            raise OSError(errno.ENXIO, "no process reads this FIFO") from None
        raise
    try:
        os.set_blocking(fd, True)
        return open(fd, "w", encoding="utf-8", closefd=True)
    except BaseException:
        os.close(fd)
        raise
