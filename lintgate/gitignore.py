"""`.gitignore` files as git reads them, compiled by pathspec: the patterns of one directory's
file, rewritten relative to the top of a walk (lintgate.discovery's walk applies them)."""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathspec.patterns.gitignore.spec import GitIgnoreSpecPattern as Pattern


# git's bracket classes (wildmatch) spelled as ranges, which pathspec (no classes) copies into a
# regular expression: none starts with `!` (pathspec would read a negation) or holds `/` (pathspec
# splits a pattern at `/` first; git never matches `/` with a bracket anyway).
_CLASSES = {
    "alnum": "a-zA-Z0-9",
    "alpha": "a-zA-Z",
    "blank": " \t",
    "cntrl": "\x00-\x1f\x7f",
    "digit": "0-9",
    "graph": "0-~!-.",
    "lower": "a-z",
    "print": " -.0-~",
    "punct": ":-@!-.[-`{-~",
    "space": " \t\n\r\v\f",
    "upper": "A-Z",
    "xdigit": "0-9A-Fa-f",
}
# an escaped character, or a bracket expression (its classes, escapes and a leading `]` included;
# a backslash only ever starts an escape, so a line without `]` fails fast)
_BRACKET = re.compile(r"\\.|\[[!^]?\]?(?:\[:[a-z]+:\]|\\.|[^\]\\])*\]")
_CLASS = re.compile(r"\[:([a-z]+):\]")


def _pattern_line(line: str) -> str:
    """One `.gitignore` line as pathspec should read it: git drops the CR of a CRLF line end and
    trailing spaces unless the last one is escaped with `\\` (pathspec drops any trailing
    whitespace, and an escaped space when more follow), and knows `[[:digit:]]`-style classes."""
    line = line.removesuffix("\r")
    stripped = line.rstrip(" ")
    if stripped != line and (len(stripped) - len(stripped.rstrip("\\"))) % 2:
        stripped += " "
    elif stripped != stripped.rstrip():  # a tab or second CR, which git keeps: as a bracket
        stripped = stripped[:-1] + f"[{stripped[-1]}]"
    if "[:" in stripped:  # classes inside a bracket, not the bracket `[:a:]` itself
        stripped = _BRACKET.sub(
            lambda m: m[0][0] + _CLASS.sub(lambda c: _CLASSES.get(c[1], c[0]), m[0][1:]), stripped
        )
    return stripped


def _gitignore_patterns(directory: Path, top: Path) -> tuple[list[Pattern], list[Pattern]]:
    """The patterns of `directory/.gitignore`, rewritten relative to `top` (`directory` or a
    parent of it) and compiled by pathspec (`GitIgnoreSpecPattern`) twice: as written, to check
    files; with the trailing `/` of a directory-only pattern dropped, to check directories (the
    walk checks a directory's path without a trailing `/`, see `_walk_files`). ([], []) when
    there is no such file or it cannot be read: then it ignores nothing, as in git."""
    from pathspec.patterns.gitignore.spec import GitIgnoreSpecPattern

    try:  # git splits lines at LF only (no universal newlines) and skips a byte order mark
        text = (directory / ".gitignore").read_bytes().decode("utf-8-sig", "replace")
    except OSError:
        return [], []
    rel = directory.relative_to(top).as_posix()
    prefix = "" if rel == "." else GitIgnoreSpecPattern.escape(rel) + "/"
    files: list[Pattern] = []
    dirs: list[Pattern] = []
    for line in text.split("\n"):
        line = _pattern_line(line)
        if not line or line.startswith("#"):
            continue
        negation = "!" if line.startswith("!") else ""
        body = line[len(negation) :]
        if prefix and body.strip("/"):
            # a `/` before the end anchors a pattern to its file's directory; any other pattern
            # matches at any depth below it
            anchored = "/" in body[:-1]
            body = prefix + (body.removeprefix("/") if anchored else "**/" + body)
        # pathspec folds `x/**/` into `x/`, which matches `x` itself (so every file in it); to
        # check files, `x/*/` matches the same: files in a directory below `x`
        file_body = body[: -len("**/")] + "*/" if body.endswith("/**/") else body
        for lines, pattern in ((files, file_body), (dirs, body.removesuffix("/"))):
            try:
                with warnings.catch_warnings():  # a stray `[[` in a bracket: Python warns
                    warnings.simplefilter("ignore", FutureWarning)
                    lines.append(GitIgnoreSpecPattern(negation + pattern))
            except (ValueError, re.error):
                pass  # a trailing `\`, a lone `!`: git matches nothing (`[z-a]`: see README)
    return files, dirs
