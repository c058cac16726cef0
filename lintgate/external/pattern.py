"""An external linter's output pattern: gometalinter's shorthands, the named groups, the lines
it matches as findings, and the definition's MessageOverride template.

A pattern is a Python regular expression matched (`re.match`, from the line's start) against
each line of the tool's standard output, with the named groups `path`, `line`, optional `col`
and `message`; other named groups are variables for MessageOverride. gometalinter's shorthands
`PATH:LINE:COL:MESSAGE` and `PATH:LINE:MESSAGE`, given as the whole pattern, stand for the
expressions below (gometalinter's, for `.py`/`.pyi` files where its are for `.go`).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from lintgate.diagnostic import Finding

SHORTHANDS = {
    "PATH:LINE:COL:MESSAGE": r"(?P<path>.*?\.pyi?):(?P<line>\d+):(?P<col>\d+):\s*(?P<message>.*)",
    "PATH:LINE:MESSAGE": r"(?P<path>.*?\.pyi?):(?P<line>\d+):\s*(?P<message>.*)",
}
REQUIRED = ("path", "line", "message")

# MessageOverride variables: `{name}` (gometalinter's own syntax) or `{{.Name}}` (Go template
# style, as lintgate's MessageOverride key also takes), a name being a named group.
_VARIABLE = re.compile(r"\{\{\s*\.(\w+)\s*\}\}|\{(\w+)\}")


def expand(pattern: str) -> str:
    """The regular expression `pattern` stands for (a shorthand's, else itself)."""
    return SHORTHANDS.get(pattern.strip(), pattern)


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """The compiled pattern (shorthands expanded). Raises ValueError (one line) when it is not
    a regular expression or lacks one of the groups `path`, `line`, `message`."""
    try:
        compiled = re.compile(expand(pattern))
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
    """What a tool printed: the `matches`, and the non-empty lines the pattern did not match."""

    matches: list[Match]
    unmatched: list[str]


def parse_output(text: str, pattern: re.Pattern[str], severity: str, override: str = "") -> Parsed:
    """The findings in the tool's output `text`, one per matching line; a line whose `line`
    group is not a number is unmatched. `col` absent or empty is 0 (unknown), as gometalinter
    prints `path:line::`. `override`: the MessageOverride template ("" for none)."""
    matches: list[Match] = []
    unmatched: list[str] = []
    for raw in text.splitlines():
        line = raw.rstrip("\r")
        m = pattern.match(line)
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
