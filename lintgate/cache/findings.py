"""Findings as the cache stores them: a compact JSON text, checked on the way back in."""

from __future__ import annotations

import json
from typing import Sequence

from lintgate.diagnostic import SEVERITIES, Finding, StoredResult

__all__ = ["StoredResult", "decode_error", "decode_findings", "encode_error", "encode_findings"]


def encode_findings(findings: Sequence[Finding]) -> str:
    """Findings as compact JSON: `[[line, col, message, severity, end_line], ...]`."""
    if not findings:
        return "[]"
    return json.dumps([list(f) for f in findings], separators=(",", ":"), ensure_ascii=False)


def decode_findings(text: str) -> list[Finding]:
    """The inverse of `encode_findings`. Raises ValueError when `text` is not that shape
    (nor a str at all: a damaged database row)."""
    if not isinstance(text, str):
        raise ValueError(f"findings are {type(text).__name__}, not text")
    if text == "[]":
        return []
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(f"findings are not JSON: {e}") from None
    if not isinstance(raw, list):
        raise ValueError("findings are not a list")
    out = []
    for item in raw:
        try:
            line, col, message, severity, end_line = item
        except (TypeError, ValueError):
            raise ValueError(f"bad finding {item!r:.80}") from None
        if (
            type(line) is not int
            or type(col) is not int
            or type(end_line) is not int
            or line < 0
            or col < 0
            or end_line < 0
            or type(message) is not str
            or severity not in SEVERITIES
        ):
            raise ValueError(f"bad finding {item!r:.80}")
        out.append(Finding(line, col, message, severity, end_line))
    return out


def encode_error(error: Finding | None) -> str:
    """A parse error as the store's `parse_error` column holds it: "" for none, else the
    compact JSON of one finding (`[line, col, message, severity, end_line]`)."""
    return "" if error is None else encode_findings([error])[1:-1]


def decode_error(text: str) -> Finding | None:
    """The inverse of `encode_error`. Raises ValueError when `text` is not that shape."""
    if not isinstance(text, str):
        raise ValueError(f"parse error is {type(text).__name__}, not text")
    if text == "":
        return None
    found = decode_findings(f"[{text}]")
    if len(found) != 1:
        raise ValueError(f"bad parse error {text!r:.80}")
    return found[0]
