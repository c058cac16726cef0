"""Decoding a file's bytes once, the way black and isort both read a file.

Both tools detect the encoding with `tokenize.detect_encoding` (PEP 263 cookie, UTF-8 BOM,
default UTF-8) and read with universal newlines, so every in-process linter gets the same text:
BOM removed, CRLF and CR turned into LF. Lines are counted on LF only: a form feed or a vertical
tab is not a line break (`str.splitlines` would say otherwise, editors do not).
"""

from __future__ import annotations

import io
import tokenize
from typing import NamedTuple


class Source(NamedTuple):
    """A decoded source file.

    raw: the bytes on disk; text: decoded, universal newlines (only "\\n"), no BOM;
    encoding: as `tokenize.detect_encoding` named it ("utf-8", "utf-8-sig", "latin-1", ...);
    newline: the line ending of the first line ("\\n", "\\r\\n" or "\\r"), as black keeps it;
    is_stub: True for a `.pyi` file.
    """

    raw: bytes
    text: str
    encoding: str
    newline: str
    is_stub: bool


class DecodeError(Exception):
    """The bytes do not decode in the file's declared or default encoding.

    `line` and `col` (1-based) locate the first bad byte; `str(error)` is the one-line message.
    """

    def __init__(self, message: str, line: int = 1, col: int = 1) -> None:
        super().__init__(message)
        self.line = line
        self.col = col


def decode(raw: bytes, is_stub: bool = False) -> Source:
    """Decode `raw` as black's `decode_bytes` and isort's `io.File.read` do.

    Raises DecodeError for a bad coding cookie (an unknown codec, one that is not a text
    encoding, or one that fails: as black, which refuses all of these files) or bytes invalid
    in the encoding. A codec's own failure is located on the line of the cookie.
    """
    buf = io.BytesIO(raw)
    try:
        encoding, first = tokenize.detect_encoding(buf.readline)
    except SyntaxError as e:  # an unknown or conflicting coding cookie
        raise DecodeError(f"cannot decode: {e.msg}", e.lineno or 1, 1) from None
    newline = "\n"
    if first:
        if first[0].endswith(b"\r\n"):
            newline = "\r\n"
        elif first[0].endswith(b"\r") or (b"\r" in first[0] and b"\n" not in first[0]):
            newline = "\r"
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        col = e.start - (raw.rfind(b"\n", 0, e.start) + 1) + 1
        raise DecodeError(
            f"cannot decode as {encoding}: {e.reason} (byte 0x{raw[e.start]:02x})", line, col
        ) from None
    except LookupError:  # a bytes-to-bytes codec (rot13, zlib_codec): not a text encoding
        raise DecodeError(
            f"cannot decode: {encoding!r} is not a text encoding", len(first)
        ) from None
    except Exception as e:  # noqa: BLE001 - a codec is arbitrary code (punycode: UnicodeError)
        inner = e.__cause__ or e  # CPython wraps it: "decoding with 'X' codec failed (...)"
        reason = str(inner).splitlines()[0] if str(inner) else type(inner).__name__
        raise DecodeError(f"cannot decode as {encoding}: {reason}", len(first)) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return Source(raw, text, encoding, newline, is_stub)


def split_lines(text: str) -> list[str]:
    """Split decoded text into lines, keeping the "\\n", on LF only (form feeds stay inside)."""
    lines = text.split("\n")
    out = [line + "\n" for line in lines[:-1]]
    if lines[-1]:
        out.append(lines[-1])
    return out
