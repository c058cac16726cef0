"""The progress line of a long run: on a terminal, one self-updating line on stderr, `lintgate:
120/500 files, 14 findings, 3.2s` (files done of the files to check, the findings the linters
reported so far, before nolint and the filters, and the time since the start); with external
linters running, `lintgate: 500/500 files, 14 findings, external 200/1000, 3.2s`: the files
their batches have finished of those they have to check, counted once per external linter
(the tools report only when a batch ends; the time still ticks while they run); nothing when
stderr is not a terminal (a CI log, a pipe) or TERM is `dumb`, and never on stdout.

Drawn first after DELAY seconds (a run that ends sooner never shows it, as cargo's bar), then
at most UPDATES_PER_SECOND times a second; never for the last file (the summary follows);
erased before any other stderr line (`interrupt`, called by lintgate.console.say) and at the
end (`stop`).
The active line lives in the run's RunContext (lintgate.context), so nothing outlives a run.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Callable, TextIO

from lintgate.context import current

__all__ = ["Progress", "advance", "expect_external", "interrupt", "showing", "start", "stop"]

UPDATES_PER_SECOND = 10
DELAY = 1.0  # seconds before the first draw
_MEMO = "lintgate.progress"
_ERASE = "\r\x1b[K"  # back to the line's start, erase to its end (ANSI EL)


class Progress:
    """The line for `total` files on `stream`; `clock` gives seconds (time.monotonic)."""

    def __init__(
        self, stream: TextIO, total: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.stream = stream
        self.total = total
        self.clock = clock
        self.start = clock()
        self.due = self.start + DELAY  # when the line may be drawn next
        self.files = 0
        self.findings = 0
        self.external = 0  # files the external batches finished (per external linter)
        self.external_total = 0
        self.shown = False

    def add(self, files: int, findings: int, external: int = 0) -> None:
        """Count `files` more done, `findings` more found and `external` more files the
        external batches finished; redraw when due (all zero: the time ticks)."""
        self.files += files
        self.findings += findings
        self.external += external
        now = self.clock()
        left = self.files < self.total or self.external < self.external_total
        if now >= self.due and left:
            self.due = now + 1 / UPDATES_PER_SECOND
            outside = (
                f"external {self.external}/{self.external_total}, " if self.external_total else ""
            )
            line = (
                f"lintgate: {self.files}/{self.total} files, {self.findings} findings, "
                f"{outside}{now - self.start:.1f}s"
            )
            self._write(_ERASE + line)
            self.shown = True

    def erase(self) -> None:
        """Erase the line if it is shown (it is drawn again at the next update)."""
        if self.shown:
            self._write(_ERASE)
            self.shown = False

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # the terminal went away: the run goes on without it
            pass


def _wanted(stream: TextIO) -> bool:
    try:
        return stream.isatty() and os.environ.get("TERM") != "dumb"
    except (AttributeError, ValueError):
        return False


def start(total: int, stream: TextIO | None = None) -> None:
    """Show progress for `total` files in this run when `stream` (default stderr) is a
    terminal."""
    stream = stream or sys.stderr
    if _wanted(stream):
        current().memo(_MEMO)["line"] = Progress(stream, total)


def showing() -> bool:
    """Whether this run shows a progress line (so a caller can skip counting for it)."""
    return current().memo(_MEMO).get("line") is not None


def advance(files: int, findings: int = 0, external: int = 0) -> None:
    """Count `files` done, `findings` found and `external` files the external batches
    finished (nothing without a progress line)."""
    line = current().memo(_MEMO).get("line")
    if line is not None:
        line.add(files, findings, external)


def expect_external(files: int) -> None:
    """Count `files` more for the external batches to check (one per file and linter)."""
    line = current().memo(_MEMO).get("line")
    if line is not None:
        line.external_total += files


def interrupt() -> None:
    """Erase the line before another stderr line is written."""
    line = current().memo(_MEMO).get("line")
    if line is not None:
        line.erase()


def stop() -> None:
    """Erase the line for good (before the reports and the summary)."""
    line = current().memo(_MEMO).pop("line", None)
    if line is not None:
        line.erase()
