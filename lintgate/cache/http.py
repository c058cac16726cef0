"""Bounded reads of HTTP answers from a registry that may be hostile or broken.

Every body is read through `read_body`: at most a given number of bytes (after any
Content-Encoding is undone, so a gzip bomb stops at the limit, not at its expanded size) and
within a total deadline, checked between reads that each return whatever one `recv` gave: a
server dripping one byte every few seconds cannot keep a socket timeout from firing forever.
The deadline bounds the body; the status line and headers are bounded by the socket timeout
(the time left when the request was sent) per read and by http.client's own limits
(65,536 bytes a line, 100 headers).
"""

from __future__ import annotations

import time
import zlib

import requests
from urllib3.exceptions import HTTPError as Urllib3Error

from lintgate.cache.ocitypes import size_text

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


def _decoder(resp: requests.Response):
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
