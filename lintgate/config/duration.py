"""Go duration strings ("90s", "8m", "1h30m", "1.5h", "300ms"), as gometalinter's Deadline takes them."""

from __future__ import annotations

import re

_UNITS = {"ns": 1e-9, "us": 1e-6, "\u00b5s": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|\u00b5s|ms|s|m|h)")


def parse_duration(text: str) -> float:
    """Seconds in the Go duration `text` (time.ParseDuration's syntax, without a sign).

    "0" is zero. Raises ValueError with a one-line message for anything else.
    """
    if text == "0":
        return 0.0
    pos, total = 0, 0.0
    while pos < len(text):
        m = _PART.match(text, pos)
        if not m:
            raise ValueError(f'invalid duration {text!r} (Go syntax, e.g. "90s", "8m", "1h30m")')
        total += float(m.group(1)) * _UNITS[m.group(2)]
        pos = m.end()
    if not text:
        raise ValueError('invalid duration \'\' (Go syntax, e.g. "90s", "8m", "1h30m")')
    return total


def format_duration(seconds: float) -> str:
    """`seconds` as a Go duration string that `parse_duration` reads back ("0s", "90s",
    "1500ms", "1ns"), in the largest unit that states it exactly (to the nanosecond)."""
    ns = round(seconds * 1e9)
    for unit, size in (("s", 10**9), ("ms", 10**6), ("us", 10**3)):
        if ns % size == 0:
            return f"{ns // size}{unit}"
    return f"{ns}ns"
