"""The text format in colour, for a terminal: the path bold, the severity sign yellow (warning)
or red (error), the linter's name cyan; and when to use it.

`--color auto` (the default) colours only a stream that is a terminal (never a pipe or a
file), unless NO_COLOR is set to a non-empty value (no-color.org); FORCE_COLOR set to a
non-empty value colours any stream (force-color.org); NO_COLOR wins when both are set, as in
CPython's own `_colorize`. `--color always` and `--color never` overrule the environment, as
git's and golangci-lint's `--color` do. TERM=dumb is no colour under `auto`.
"""

from __future__ import annotations

import os
from typing import IO, Any, Mapping

from lintgate.diagnostic import ERROR, Diagnostic, quote_path
from lintgate.report import ReportContext
from lintgate.report.terminal import printable, signs_for

__all__ = ["BOLD", "CYAN", "RED", "RESET", "YELLOW", "render", "use_color"]

BOLD = "\033[1m"
RED = "\033[31m"
YELLOW = "\033[33m"
CYAN = "\033[36m"
RESET = "\033[0m"


def use_color(choice: str, stream: IO[Any], environ: Mapping[str, str] | None = None) -> bool:
    """Whether to colour what goes to `stream`: `choice` is --color's value (auto, always,
    never); `environ` defaults to os.environ (NO_COLOR, FORCE_COLOR, TERM)."""
    if choice != "auto":
        return choice == "always"
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR"):
        return True
    if env.get("TERM") == "dumb":
        return False
    try:
        return os.isatty(stream.fileno())
    except (OSError, ValueError, AttributeError):  # a test's capture object: not a terminal
        return False


def render(diagnostics: list[Diagnostic], context: ReportContext) -> str:
    """The text format's lines (lintgate.report.text), coloured with ANSI escapes."""
    signs = signs_for(context.encoding)
    lines = []
    for d in map(printable, diagnostics):
        sign = signs[ERROR] if d.severity == ERROR else signs["warning"]
        tint = RED if d.severity == ERROR else YELLOW
        lines.append(
            f"{BOLD}{quote_path(d.path)}{RESET}:{d.line}:{d.col}: {tint}{sign}{RESET} "
            f"{d.message} ({CYAN}{d.linter}{RESET})\n"
        )
    return "".join(lines)
