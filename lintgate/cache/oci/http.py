"""Bounded reads of HTTP answers from a registry that may be hostile or broken.

Every body is read through `read_body`: at most a given number of bytes (after any
Content-Encoding is undone, so a gzip bomb stops at the limit, not at its expanded size) and
within a total deadline, checked between reads that each return whatever one `recv` gave: a
server dripping one byte every few seconds cannot keep a socket timeout from firing forever.
The status line and headers come before any of our reads: there a Watchdog shuts the
request's socket down when the deadline passes (`session_with_watchdog`), so a server
dripping its headers is cut off too.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
import zlib
from typing import Any, Iterator

import requests
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import HTTPError as Urllib3Error

from lintgate.cache.oci.media import size_text

CHUNK = 65536  # bytes asked of one read


class BodyError(ValueError):
    """An answer too large, too slow or undecodable; `str(error)` is one line (without the
    request, which the caller names)."""


class TooLarge(BodyError):
    """The body is larger than the limit."""


class TooSlow(BodyError):
    """The body did not arrive before the deadline."""


class Deadline:
    """A point in time `seconds` from now (time.monotonic)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        """Seconds left, never below 0."""
        return max(0.0, self.end - time.monotonic())

    def sooner(self, seconds: float) -> Deadline:
        """This deadline or one `seconds` from now, whichever comes first."""
        other = Deadline(seconds)
        return other if other.end < self.end else self


class Watchdog:
    """Shuts down, when the armed deadline passes, the sockets that started waiting for an
    answer meanwhile (a blocked read then returns at once, and the request fails)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._fired = False

    @contextlib.contextmanager
    def armed(self, seconds: float) -> Iterator[None]:
        """Watch the requests sent inside for `seconds`."""
        with self._lock:
            self._sockets, self._fired = [], False
        timer = threading.Timer(seconds, self._fire)
        timer.daemon = True
        timer.start()
        try:
            yield
        finally:
            timer.cancel()
            with self._lock:
                self._sockets = []

    def watch(self, sock: socket.socket) -> None:
        """Shut `sock` down at the deadline (at once if it has passed)."""
        with self._lock:
            self._sockets.append(sock)
            if self._fired:
                self._fire_locked()

    def _fire(self) -> None:
        with self._lock:
            self._fired = True
            self._fire_locked()

    def _fire_locked(self) -> None:
        for sock in self._sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


def session_with_watchdog() -> tuple[requests.Session, Watchdog]:
    """A requests Session whose connections report their socket to the returned Watchdog
    each time they wait for an answer's status line and headers (urllib3 connection classes
    overriding getresponse; the pools are the Session's own)."""
    dog = Watchdog()

    class Connection(HTTPConnection):
        def getresponse(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            if self.sock is not None:
                dog.watch(self.sock)
            return super().getresponse(*args, **kwargs)

    class SecureConnection(HTTPSConnection):
        def getresponse(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            if self.sock is not None:
                dog.watch(self.sock)
            return super().getresponse(*args, **kwargs)

    class Pool(HTTPConnectionPool):
        ConnectionCls = Connection

    class SecurePool(HTTPSConnectionPool):
        ConnectionCls = SecureConnection

    session = requests.Session()
    for adapter in session.adapters.values():
        pools = {"http": Pool, "https": SecurePool}
        adapter.poolmanager.pool_classes_by_scheme = pools  # type: ignore[attr-defined]
    return session, dog


def _decoder(resp: requests.Response) -> Any:
    encoding = resp.headers.get("Content-Encoding", "identity").strip().lower()
    if encoding in ("", "identity"):
        return None
    if encoding in ("gzip", "x-gzip", "deflate"):
        return zlib.decompressobj(32 + zlib.MAX_WBITS)  # gzip or zlib header, detected
    raise BodyError(f"unsupported Content-Encoding {encoding[:40]!r}")


def read_body(resp: requests.Response, limit: int, deadline: Deadline) -> bytes:
    """The body of `resp` (sent with stream=True), decoded, of at most `limit` bytes.

    Raises BodyError `larger than LIMIT` past `limit` bytes, `no complete answer within N s`
    past `deadline`, or for a broken connection or encoding. Closes `resp` in every case.
    """
    decoder = _decoder(resp)
    out = bytearray()
    try:
        while True:
            if not deadline.left():
                raise TooSlow(f"no complete answer within {deadline.seconds:g} s")
            chunk = resp.raw.read1(CHUNK, decode_content=False)
            if not chunk:
                break
            if decoder is not None:  # never more than limit + 1 bytes out of it
                chunk = decoder.decompress(chunk, limit + 1 - len(out))
            out += chunk
            if len(out) > limit:
                raise TooLarge(f"larger than {size_text(limit)}")
        if decoder is not None:
            out += decoder.flush()
            if len(out) > limit:
                raise TooLarge(f"larger than {size_text(limit)}")
            if not decoder.eof:
                raise BodyError("a truncated compressed body")
    except zlib.error as e:
        raise BodyError(f"undecodable compressed body ({e})") from None
    except (OSError, Urllib3Error, requests.RequestException) as e:
        if not deadline.left():
            raise TooSlow(f"no complete answer within {deadline.seconds:g} s") from None
        raise BodyError(f"download failed: {type(e).__name__}") from None
    finally:
        resp.close()
    return bytes(out)
