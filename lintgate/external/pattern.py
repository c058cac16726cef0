"""An external linter's output pattern: gometalinter's shorthands, the named groups, the lines
it matches as findings, and the definition's MessageOverride template.

A pattern is a Python regular expression matched (from the line's start, by the `regex` module
in `re`'s flavour, under a time bound) against each line of the tool's standard output, with the named groups `path`, `line`, optional `col`
and `message`; other named groups are variables for MessageOverride. gometalinter's shorthands
`PATH:LINE:COL:MESSAGE` and `PATH:LINE:MESSAGE`, given as the whole pattern, stand for the
expressions below (gometalinter's, for `.py`/`.pyi` files where its are for `.go`).
"""

from __future__ import annotations

import re
import time
from typing import Any, NamedTuple

from lintgate.diagnostic import Finding

SHORTHANDS = {
    "PATH:LINE:COL:MESSAGE": r"(?P<path>.*?\.pyi?):(?P<line>\d+):(?P<col>\d+):\s*(?P<message>.*)",
    "PATH:LINE:MESSAGE": r"(?P<path>.*?\.pyi?):(?P<line>\d+):\s*(?P<message>.*)",
}
REQUIRED = ("path", "line", "message")
MATCH_SECONDS = 5.0  # matching one batch's output, without a Deadline
MATCH_GRACE = 1.0  # what the output a batch printed before the deadline killed it gets

# MessageOverride variables: `{name}` (gometalinter's own syntax) or `{{.Name}}` (Go template
# style, as lintgate's MessageOverride key also takes), a name being a named group.
_VARIABLE = re.compile(r"\{\{\s*\.(\w+)\s*\}\}|\{(\w+)\}")


def expand(pattern: str) -> str:
    """The regular expression `pattern` stands for (a shorthand's, else itself)."""
    return SHORTHANDS.get(pattern.strip(), pattern)


def compile_pattern(pattern: str) -> Any:
    """The compiled pattern (shorthands expanded): a `regex` module pattern in its
    `re`-compatible mode (lintgate.filters.compile_regex, as Exclude/Include), which can stop a
    match after a timeout. Raises ValueError (one line) when it is not a regular expression
    (for Python's `re`) or lacks one of the groups `path`, `line`, `message`."""
    from lintgate.filters import compile_regex

    try:
        compiled = compile_regex(expand(pattern))
    except re.error as e:
        raise ValueError(f"invalid regular expression {pattern!r}: {e}") from None
    lacking = [g for g in REQUIRED if g not in compiled.groupindex]
    if lacking:
        raise ValueError(
            f"pattern {pattern!r} lacks the named group(s) {', '.join(lacking)} "
            "(expected (?P<path>...), (?P<line>...), (?P<message>...), optional (?P<col>...), "
            "or PATH:LINE:COL:MESSAGE / PATH:LINE:MESSAGE)"
        )
    return compiled


class Match(NamedTuple):
    """One output line the pattern matched: the `path` as the tool printed it, and the finding."""

    path: str
    finding: Finding


class Parsed(NamedTuple):
    """What a tool printed: the `matches`, the non-empty lines the pattern did not match, and
    `timeout`: how many lines were left unread when matching ran out of time (0: none)."""

    matches: list[Match]
    unmatched: list[str]
    timeout: int = 0


def output_lines(text: str) -> list[str]:
    """The lines of a tool's output: split on "\\n" only, a trailing "\\r" dropped (a message
    may hold \\f, \\v or U+2028, which str.splitlines would cut it at)."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def parse_output(
    text: str, pattern: Any, severity: str, override: str = "", until: float | None = None
) -> Parsed:
    """The findings in the tool's output `text`, one per matching line; a line whose `line`
    group is not a number is unmatched. `col` absent or empty is 0 (unknown), as gometalinter
    prints `path:line::`. `override`: the MessageOverride template ("" for none). `pattern`:
    compile_pattern's. Matching stops at `until` (time.monotonic(); None: MATCH_SECONDS from
    now; output read at or after the deadline still gets MATCH_GRACE), as Go's linear-time RE2 (gometalinter's) needs no bound but Python's backtracking
    does: the line being matched and the rest are then unmatched, counted in `timeout`."""
    matches: list[Match] = []
    unmatched: list[str] = []
    lines = output_lines(text)
    start = time.monotonic()
    end = start + MATCH_SECONDS if until is None else max(until, start + MATCH_GRACE)
    for i, line in enumerate(lines):
        try:
            m = pattern.match(line, timeout=max(end - time.monotonic(), 1e-6))
        except TimeoutError:
            rest = [rest for rest in lines[i:] if rest.strip()]
            return Parsed(matches, unmatched + rest, len(lines) - i)
        if m is None:
            if line.strip():
                unmatched.append(line)
            continue
        groups = {k: (v or "") for k, v in m.groupdict().items()}
        try:
            number = int(groups["line"])
            col = int(groups.get("col") or 0)
        except ValueError:
            unmatched.append(line)
            continue
        message = groups["message"].strip()
        if override:
            message = render_override(override, {**groups, "message": message})
        finding = Finding(max(number, 1), max(col, 0), message, severity)
        matches.append(Match(groups["path"].strip(), finding))
    return Parsed(matches, unmatched)


def render_override(template: str, variables: dict[str, str]) -> str:
    """`template` with each `{name}` or `{{.Name}}` replaced by the named group's text (Go
    style names are matched without regard to case: `.Message` is `message`); a name no group
    has is left as written (gometalinter's Vars.Replace does the same)."""
    lowered = {k.lower(): v for k, v in variables.items()}

    def one(m: re.Match[str]) -> str:
        go, plain = m.group(1), m.group(2)
        if go is not None:
            return lowered.get(go.lower(), m.group(0))
        return variables.get(plain, m.group(0))

    return _VARIABLE.sub(one, template)
