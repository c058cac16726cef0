"""Fingerprints of findings for sarif (`partialFingerprints`) and gitlab (`fingerprint`):
what code scanning and GitLab use to tell a finding seen before from a new one.

A fingerprint hashes the reported path, the linter, the message and the text of the finding's
line with its whitespace collapsed, not the line number: a finding keeps its fingerprint when
lines above it come or go, or when its line is only re-indented. Findings equal in all four
are told apart by their occurrence (first, second, ... in line order), as GitHub's own
`primaryLocationLineHash` does (`hash:N`).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Mapping, Sequence

from lintgate.diagnostic import Diagnostic

# A file with findings larger than this is not read for fingerprints (its lines count as
# empty): every checked file is under MaxFileSize anyway, 2 MiB by default.
_MAX_READ = 64 * 1024 * 1024


def line_key(path: str, linter: str, message: str, line_text: str) -> str:
    """The hex digest (32 digits, SHA-256) of one finding's identity: the reported `path`,
    `linter`, `message`, and `line_text` with runs of whitespace made one space and the ends
    stripped."""
    text = " ".join(line_text.split())
    data = "\0".join((path, linter, message, text)).encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest()[:32]


def fingerprints(
    diagnostics: Sequence[Diagnostic],
    places: Sequence[str],
    lines: Mapping[tuple[str, int], str],
) -> list[tuple[str, int]]:
    """(digest, occurrence) per diagnostic, in the given order: `places` are the reported
    paths (ReportContext.place), `lines` maps (path, line) to the line's text. The occurrence
    (1, 2, ...) counts findings of the same digest in (path, line, column) order, whatever the
    report's Sort."""
    digests = [
        line_key(place, d.linter, d.message, lines.get((d.path, d.line), ""))
        for d, place in zip(diagnostics, places)
    ]
    seen: dict[str, int] = {}
    occurrence = [0] * len(digests)
    for i in sorted(range(len(digests)), key=lambda i: diagnostics[i][:3]):
        seen[digests[i]] = occurrence[i] = seen.get(digests[i], 0) + 1
    return list(zip(digests, occurrence))


def read_lines(diagnostics: Sequence[Diagnostic], cwd: Path) -> dict[tuple[str, int], str]:
    """(path, line) -> the text of that line (decoded as UTF-8, undecodable bytes replaced) for
    every diagnostic's line, reading each file once from `cwd`; a file that cannot be read
    (gone, too large) leaves its lines out."""
    wanted: dict[str, set[int]] = {}
    for d in diagnostics:
        wanted.setdefault(d.path, set()).add(d.line)
    found: dict[tuple[str, int], str] = {}
    for path, numbers in wanted.items():
        try:
            with open(cwd / path, "rb") as f:
                data = f.read(_MAX_READ + 1)
        except (OSError, ValueError):
            continue
        if len(data) > _MAX_READ:
            continue
        # split at LF only, as the linters count lines (splitlines would also split at FF, VT)
        text = data.decode("utf-8", "replace").split("\n")
        for n in numbers:
            if 1 <= n <= len(text):
                found[(path, n)] = text[n - 1].rstrip("\r")
    return found
