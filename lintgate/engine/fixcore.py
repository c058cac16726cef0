"""The pure core of `--fix`: a pipeline of fixer steps over a decoded text, the text encoded
back as the file was stored, and the unified diff of two versions; no file system, no pool.
"""

from __future__ import annotations

import ast
import os
import warnings
from typing import Callable, NamedTuple

from lintgate.engine.records import one_line
from lintgate.linters.base import ParseError
from lintgate.source import Source


class Step(NamedTuple):
    """One fixer of the pipeline. `name`: its linter; `fix(text) -> text` (LF-only text);
    `wanted(text) -> bool`: whether its linter reports something the run keeps in `text`."""

    name: str
    fix: Callable[[str], str]
    wanted: Callable[[str], bool]


class StepFailed(Exception):
    """A fixer raised, or broke the file. `step` names it; `str(error)` is one line."""

    def __init__(self, step: str, message: str) -> None:
        super().__init__(message)
        self.step = step


def run_pipeline(text: str, steps: list[Step]) -> tuple[str, list[str]]:
    """Run `steps` in order on `text` (decoded, LF-only), each on the previous output and only
    when it is wanted there. Returns (the final text, names of the steps that changed it).
    Raises StepFailed naming the step that raised."""
    changed_by: list[str] = []
    for step in steps:
        try:
            if not step.wanted(text):
                continue
            out = step.fix(text)
        except ParseError as e:  # the previous step broke the file (the original parsed)
            blame = changed_by[-1] if changed_by else step.name
            raise StepFailed(blame, f"its result does not parse: {e.message}") from None
        except Exception as e:  # black's safety checks raise here: the file stays as it was
            raise StepFailed(step.name, one_line(e)) from None
        if out != text:
            changed_by.append(step.name)
            text = out
    return text, changed_by


def encode(text: str, source: Source) -> bytes:
    """`text` (decoded, LF-only) as bytes the way `source` was stored: the newline of its
    first line everywhere (as black writes), its encoding (the coding cookie is part of the
    text), and its UTF-8 BOM if it had one. Raises UnicodeEncodeError."""
    if source.newline != "\n":
        text = text.replace("\n", source.newline)
    data = text.encode(source.encoding)
    if source.raw.startswith(b"\xef\xbb\xbf") and not data.startswith(b"\xef\xbb\xbf"):
        data = b"\xef\xbb\xbf" + data
    return data


def parses(text: str) -> bool:
    """Whether Python's own parser accepts `text` (warnings about the source silenced)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(text)
    except (SyntaxError, ValueError):
        return False
    return True


def _split(data: bytes) -> list[bytes]:
    """Lines of `data`, each with its b"\\n" (a CR stays inside the line, as git sees it)."""
    lines = data.split(b"\n")
    out = [line + b"\n" for line in lines[:-1]]
    if lines[-1]:
        out.append(lines[-1])
    return out


def unified_diff(old: bytes, new: bytes, path: str) -> bytes:
    """A unified diff from `old` to `new` that `git apply` and `patch -p1` accept:
    `diff --git a/PATH b/PATH`, `--- a/PATH`, `+++ b/PATH`, 3 lines of context, bytes as
    they are (CRLF kept in the lines) and `\\ No newline at end of file` after a last line
    without one. `path` is relative and `/`-separated. Empty when nothing changed. The hunks
    are difflib's, within a bounded cost (lintgate.linediff)."""
    if old == new:
        return b""
    from lintgate.linediff import grouped_opcodes

    name = os.fsencode(path)
    a, b = _split(old), _split(new)
    out = [b"diff --git a/" + name + b" b/" + name + b"\n"]
    out.append(b"--- a/" + name + b"\n+++ b/" + name + b"\n")
    for group in grouped_opcodes(a, b, 3, autojunk=True):
        first, last = group[0], group[-1]
        old_range = _range(first[1], last[2])
        new_range = _range(first[3], last[4])
        out.append(b"@@ -" + old_range + b" +" + new_range + b" @@\n")
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out += [b" " + _ended(line) for line in a[i1:i2]]
                continue
            out += [b"-" + _ended(line) for line in a[i1:i2]]
            out += [b"+" + _ended(line) for line in b[j1:j2]]
    return b"".join(out)


def _range(start: int, stop: int) -> bytes:
    """A unified diff's range of lines [start, stop) (0-based): `first,count`, `first` alone
    for one line, and the line before for none (POSIX diff's format)."""
    count = stop - start
    if count == 1:
        return b"%d" % (start + 1)
    return b"%d,%d" % (start + 1 if count else start, count)


def _ended(line: bytes) -> bytes:
    return line if line.endswith(b"\n") else line + b"\n\\ No newline at end of file\n"


def text_source(text: str, is_stub: bool) -> Source:
    """A Source for text a fixer produced (the linters read only `text` and `is_stub`)."""
    return Source(b"", text, "utf-8", "\n", is_stub)


def disagreement(
    text: str,
    steps: list[Step],
    changes: tuple[list[str], list[str]],
    remaining: set[str],
    external: Callable[[str], bool],
) -> str:
    """The message when a linter of the pipeline (`steps`) still reports something in `text`
    (its name is in `remaining`) and its fixer would change it again (the linters undo each
    other), else "". `changes`: the names of the steps that changed the text (in any pass,
    in the last pass). `external(name)`: whether a step is an external fixer, whose findings
    are not known in the fixer (lintgate.commands.fix asks the tool after the fix): it is
    run again when a later step changed its output in the last pass (it applies all its
    fixes, so it leaves its own output alone; ruff's I001 against isort)."""
    changed_by, ran = changes
    for i, step in enumerate(steps):
        if external(step.name):
            if not any(s.name in ran for s in steps[i + 1 :]):
                continue
        elif step.name not in remaining:
            continue
        try:
            again = step.fix(text) if step.wanted(text) else text
        except Exception:
            again = text
        if again != text:
            later = [s.name for s in steps[i + 1 :] if s.name in changed_by]
            if not later:
                return f"not fixed: {step.name} does not settle (its output changes again)"
            outside = any(external(n) for n in (step.name, *later))
            hint = "" if outside else ' (e.g. isort\'s profile "black")'
            return (
                f"not fixed: {step.name} and {' and '.join(later)} disagree "
                f"({step.name} would change {later[-1]}'s output again); "
                f"make their settings agree{hint}"
            )
    return ""
