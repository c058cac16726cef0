"""What lintgate prints for people: control characters escaped, and signs a stream can encode.

Text from outside lintgate (a linter's or a cached message, a MessageOverride value, a
registry's error text, an exception's message) may hold a newline, which would forge another
finding line or a GitHub workflow command (`::error ::x`), or an ESC sequence, which a terminal
runs (clearing the screen, retitling the window). `escape_controls` is the one function that
makes such text printable; the human-readable report formats (text, gometalinter, templates,
github) and every `lintgate: ...` line on stderr go through it.
"""

from __future__ import annotations

import codecs
import re

from lintgate.diagnostic import Diagnostic

__all__ = [
    "OUTPUT_ERRORS",
    "PLAIN_SIGNS",
    "SIGNS",
    "register_output_errors",
    "escape_controls",
    "printable",
    "signs_for",
]

# The signs of the text format, and the plain words used when the output cannot encode them.
SIGNS = {"warning": "\u26a0\ufe0f", "error": "\u274c"}
PLAIN_SIGNS = {"warning": "warning:", "error": "error:"}

# C0 controls, DEL and the C1 controls (U+0080-U+009F: a terminal may take U+009B as CSI).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_NAMED = {"\a": "\\a", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\v": "\\v", "\f": "\\f"}
_NAMED["\r"] = "\\r"


def _escape(match: re.Match[str]) -> str:
    c = match.group()
    return _NAMED.get(c) or f"\\{ord(c):03o}"


def escape_controls(text: str, keep: str = "") -> str:
    """`text` with every control character (C0, DEL, C1) written as a C-style escape, as git
    quotes a path: `\\n`, `\\t`, `\\r`, ESC as `\\033`, others in octal (`\\177`). Other
    characters, backslashes included, are kept, so text without controls is unchanged and
    one message stays one line. The characters of `keep` (e.g. "\\t\\n\\r" for XML text,
    where they are data) are kept too."""
    if _CONTROL.search(text) is None:
        return text
    return _CONTROL.sub(lambda m: m.group() if m.group() in keep else _escape(m), text)


def signs_for(encoding: str | None) -> dict[str, str]:
    """The severity signs to print to a stream of `encoding` (None: UTF-8): SIGNS when it can
    encode them (UTF-8, UTF-16, ...), else PLAIN_SIGNS (ASCII, cp1252, latin-1, `LANG=C`)."""
    try:
        codecs.lookup(encoding or "utf-8")
        "".join(SIGNS.values()).encode(encoding or "utf-8")
    except (LookupError, UnicodeError):
        return PLAIN_SIGNS
    return SIGNS


def printable(d: Diagnostic) -> Diagnostic:
    """`d` with its message and linter passed through `escape_controls` (its path is quoted
    where it is printed, by `lintgate.diagnostic.quote_path`)."""
    return d._replace(message=escape_controls(d.message), linter=escape_controls(d.linter))


# The codec error handler of lintgate's stdout and stderr (register_output_errors).
OUTPUT_ERRORS = "lintgate-output"


def _output_errors(error: UnicodeError) -> tuple[bytes | str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    out = []
    for c in error.object[error.start : error.end]:
        if "\udc80" <= c <= "\udcff":  # a byte os.fsdecode could not decode: write it back
            out.append(bytes([ord(c) - 0xDC00]))
        else:
            out.append(c.encode("ascii", "backslashreplace"))
    return b"".join(out), error.end


def register_output_errors() -> None:
    """Register OUTPUT_ERRORS: when encoding, a lone surrogate of `surrogateescape` (a file
    name's undecodable byte) becomes that byte again, as git prints it with quotePath=false;
    any other character the encoding lacks becomes a backslash escape (`\\xe9`, `\\u2192`),
    so that printing never raises. Registering again is harmless (the same function)."""
    codecs.register_error(OUTPUT_ERRORS, _output_errors)


# Formats whose text is data for a program: escaped in their own syntax, never by backslashes.
_JSON_FORMATS = ("json", "sarif", "gitlab")
_XML_FORMATS = ("checkstyle", "junit")


def is_utf(encoding: str | None) -> bool:
    """True when `encoding` (None: UTF-8) is a UTF encoding, which holds every character."""
    try:
        return codecs.lookup(encoding or "utf-8").name.startswith("utf")
    except LookupError:
        return False


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code > 0xFFFF:  # a JSON escape is UTF-16: a surrogate pair
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def for_stream(text: str, format_name: str, encoding: str | None) -> str:
    """The report `text` of `format_name` made fit for a stream of `encoding` (None: UTF-8):
    unchanged for a UTF encoding; else the non-ASCII characters of a JSON format (json, sarif)
    become `\\\\uXXXX` escapes and those of an XML format (checkstyle, junit) character
    references, so that the document stays valid (both declare UTF-8, which ASCII is part
    of). Other formats are left to the stream's error handler (OUTPUT_ERRORS)."""
    if is_utf(encoding) or text.isascii():
        return text
    if format_name in _JSON_FORMATS:
        return re.sub(r"[^\x00-\x7f]", _json_escape, text)
    if format_name in _XML_FORMATS:
        return text.encode("ascii", "xmlcharrefreplace").decode("ascii")
    return text
