"""One `.gitignore` file's patterns, matched as git matches them against one path at a time.

pathspec (used for `Skip`) answers for a whole path, counting a pattern that matches any parent
directory; a walk that checks each directory before entering it needs the narrower question
git's own walk asks (dir.c): does this pattern match this path itself? The rules, from
gitignore(5) and git's wildmatch with WM_PATHNAME:

- blank lines and lines starting with `#` are skipped; trailing spaces go unless escaped with
  `\\`; `!` negates (re-includes); `\\!` and `\\#` start a literal `!` or `#`;
- a trailing `/` matches directories only;
- a pattern with no other `/` matches the last component of the path at any depth; otherwise
  it matches the whole path relative to the `.gitignore`'s directory (a leading `/` only
  anchors);
- `*` and `?` do not match `/`, nor does a bracket expression; `**` as a whole component
  matches any number of directories (`**/x`, `a/**/b`, `a/**`); elsewhere it acts as `*`;
- a pattern git cannot use (an unterminated `[`, a trailing `\\`) matches nothing.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_POSIX = {
    "alnum": "a-zA-Z0-9",
    "alpha": "a-zA-Z",
    "blank": " \\t",
    "cntrl": "\\x00-\\x1f\\x7f",
    "digit": "0-9",
    "graph": "!-~",
    "lower": "a-z",
    "print": " -~",
    "punct": "!-/:-@\\[-`{-~",
    "space": " \\t\\n\\r\\f\\v",
    "upper": "A-Z",
    "xdigit": "0-9A-Fa-f",
}
_NEVER = "(?!)"


class Rule(NamedTuple):
    """One pattern line. `regex` is matched (fullmatch) against the last path component when
    `basename`, else against the path relative to the `.gitignore`'s directory; `negated`:
    a `!` pattern; `dir_only`: a pattern with a trailing `/`."""

    regex: re.Pattern
    negated: bool
    dir_only: bool
    basename: bool


def _bracket(pattern: str, i: int) -> tuple[str, int]:
    """The regex of the bracket expression starting after the `[` at `pattern[i - 1]`, and the
    index after its `]`; (_NEVER, len) when it is not closed (git's wildmatch gives up)."""
    out, n = [], len(pattern)
    negated = i < n and pattern[i] in "!^"
    if negated:
        i += 1
    first = True
    while i < n and (pattern[i] != "]" or first):
        first = False
        if pattern.startswith("[:", i):
            end = pattern.find(":]", i + 2)
            name = pattern[i + 2 : end] if end != -1 else ""
            if name in _POSIX:
                out.append(_POSIX[name])
                i = end + 2
                continue
        c = pattern[i]
        if c == "\\" and i + 1 < n:
            i += 1
            c = pattern[i]
        if i + 2 < n and pattern[i + 1] == "-" and pattern[i + 2] != "]":
            hi = pattern[i + 2]
            if hi == "\\" and i + 3 < n:
                hi, i = pattern[i + 3], i + 1
            out.append(f"{re.escape(c)}-{re.escape(hi)}")
            i += 3
            continue
        out.append(re.escape(c))
        i += 1
    if i >= n:
        return _NEVER, n
    body = "".join(out)
    # never `/` (WM_PATHNAME), whatever the class says
    return (f"[^/{body}]" if negated else f"(?!/)[{body}]"), i + 1


def _segment(segment: str) -> str | None:
    """The regex of one path component of a pattern; None when git matches nothing with it
    (a trailing backslash)."""
    i, n, out = 0, len(segment), []
    while i < n:
        c = segment[i]
        i += 1
        if c == "*":
            while i < n and segment[i] == "*":
                i += 1
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            regex, i = _bracket(segment, i)
            out.append(regex)
        elif c == "\\":
            if i >= n:
                return None
            out.append(re.escape(segment[i]))
            i += 1
        else:
            out.append(re.escape(c))
    return "".join(out)


def _translate(pattern: str) -> str:
    """The regex (for fullmatch) of a wildmatch `pattern` (no `!`, no leading or trailing
    `/`), with `**` special only as a whole component."""
    segments = pattern.split("/")
    if segments == ["**"]:
        return ".*"
    last = len(segments) - 1
    out = []
    for k, segment in enumerate(segments):
        after_stars = k > 0 and segments[k - 1] == "**"
        if segment == "**":
            if after_stars:
                continue  # `**/**` is one `**`
            out.append("(?:.*/)?" if k == 0 else "/.+" if k == last else "/(?:.*/)?")
            continue
        if k > 0 and not after_stars:
            out.append("/")
        regex = _segment(segment)
        if regex is None:
            return _NEVER
        out.append(regex)
    return "".join(out)


def parse(lines: list[str]) -> list[Rule]:
    """The rules of a `.gitignore` given as its lines (split at `\\n`), in order."""
    rules = []
    for number, line in enumerate(lines):
        line = line.removesuffix("\r")  # git drops the CR of a CRLF line ending
        if number == 0:
            line = line.removeprefix("\ufeff")  # git skips a UTF-8 byte order mark
        stripped = line.rstrip(" ")
        if stripped.endswith("\\") and len(line) > len(stripped):
            stripped += " "  # `\ ` keeps one escaped trailing space
        line = stripped
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        if negated:
            line = line[1:]
        dir_only = line.endswith("/")
        line = line.rstrip("/") if dir_only else line
        if not line:
            continue
        basename = "/" not in line
        regex = _translate(line.removeprefix("/") if not basename else line)
        rules.append(Rule(re.compile(regex, re.DOTALL), negated, dir_only, basename))
    return rules


def verdict(rules: list[Rule], rel: str, is_dir: bool) -> bool | None:
    """Whether `rules` ignore the path `rel` (relative to their file's directory,
    `/`-separated, no trailing `/`): the last rule that matches it decides (True: ignored,
    False: re-included by a `!` rule); None when none matches."""
    name = rel.rsplit("/", 1)[-1]
    for rule in reversed(rules):
        if rule.dir_only and not is_dir:
            continue
        if rule.regex.fullmatch(name if rule.basename else rel):
            return not rule.negated
    return None
