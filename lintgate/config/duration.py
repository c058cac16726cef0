"""Go duration strings ("90s", "8m", "1h30m", "1.5h", "300ms"), as gometalinter's Deadline takes
them; the one duration parser of lintgate (`cache prune --older-than` adds the unit `d`)."""

from __future__ import annotations

import re

# Nanoseconds per unit, as Go's time package; `d` (a day) only where `days=True`.
_UNITS = {
    "ns": 1,
    "us": 10**3,
    "\u00b5s": 10**3,
    "ms": 10**6,
    "s": 10**9,
    "m": 60 * 10**9,
    "h": 3600 * 10**9,
}
_DAY = 86400 * 10**9
_PART = re.compile(r"(\d*)(?:\.(\d*))?(ns|us|\u00b5s|ms|s|m|h|d)")
# The longest duration Go's int64 nanoseconds hold (time.ParseDuration refuses longer ones).
MAX_NS = 2**63 - 1
_MAX_TEXT = "2562047h47m16.854775807s"


def parse_duration(text: str, days: bool = False) -> float:
    """Seconds in the Go duration `text` (time.ParseDuration's syntax, without a sign):
    decimal numbers, each with a unit ns, us (µs), ms, s, m, h, and d when `days`. "0" is zero.
    Raises ValueError with a one-line message for anything else, and for a duration longer
    than Go's limit (2562047h47m16.854775807s, ~292 years), however many digits it has."""
    if text == "0":
        return 0.0
    pos, total = 0, 0
    while pos < len(text):
        m = _PART.match(text, pos)
        if not m or not (m.group(1) or m.group(2)) or (m.group(3) == "d" and not days):
            raise ValueError(f'invalid duration {text!r} (Go syntax, e.g. "90s", "8m", "1h30m")')
        total += _nanoseconds(m.group(1), m.group(2) or "", m.group(3))
        if total > MAX_NS:
            raise ValueError(f"invalid duration {_shorten(text)}: longer than {_MAX_TEXT}")
        pos = m.end()
    if not text:
        raise ValueError('invalid duration \'\' (Go syntax, e.g. "90s", "8m", "1h30m")')
    return total / 1e9


def _nanoseconds(whole: str, fraction: str, unit: str) -> int:
    """`whole.fraction` `unit`s in nanoseconds, the fraction truncated to the nanosecond (as
    Go's); more than MAX_NS when the whole part alone is too long (it is not converted: a
    400-digit number would cost time, and Python refuses ints over 4300 digits)."""
    size = _DAY if unit == "d" else _UNITS[unit]
    whole = whole.lstrip("0")
    if len(whole) > 20:
        return MAX_NS + 1
    fraction = fraction[:20]
    ns = int(whole or "0") * size
    if fraction:
        ns += int(fraction) * size // 10 ** len(fraction)
    return ns


def _shorten(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:37] + "...")


def format_duration(seconds: float) -> str:
    """`seconds` as a Go duration string that `parse_duration` reads back ("0s", "90s",
    "1500ms", "1ns"), in the largest unit that states it exactly (to the nanosecond)."""
    ns = round(seconds * 1e9)
    for unit, size in (("s", 10**9), ("ms", 10**6), ("us", 10**3)):
        if ns % size == 0:
            return f"{ns // size}{unit}"
    return f"{ns}ns"
