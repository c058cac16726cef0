"""New code only: `--new-from-rev REV`, `--new-from-patch FILE`, `--new-from-merge-base REF`
(and `--whole-files`).

A finding is new when its line, or for a finding that stands for a hunk (black, isort) any
line of the hunk, was added or changed on the new side of a unified diff; every finding of an
untracked file is new. Mirrors golangci-lint's `new-from-rev` / `new-from-patch` (which run
`git diff` and keep issues on changed lines).
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import Mapping, NamedTuple

from lintgate.diagnostic import Diagnostic

__all__ = [
    "Changes",
    "HunkSpans",
    "changes_from_merge_base",
    "changes_from_rev",
    "keep_new",
    "parse_diff",
    "read_patch",
]

# (path, start line, linter) -> last line (inclusive, 1-based) of the hunk a finding stands for.
HunkSpans = Mapping[tuple[str, int, str], int]

_HUNK = re.compile(r"@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_C_ESCAPES = {
    "a": 7,
    "b": 8,
    "t": 9,
    "n": 10,
    "v": 11,
    "f": 12,
    "r": 13,
    '"': 34,
    "\\": 92,
}


class Changes(NamedTuple):
    """What changed: `lines` maps a path (relative, `/`-separated) to the new-side line
    numbers (1-based) added or changed; every line of a path in `new_files` counts."""

    lines: Mapping[str, frozenset[int]]
    new_files: frozenset[str] = frozenset()

    def touches(self, path: str, start: int, end: int | None = None) -> bool:
        """True when any line from `start` to `end` (inclusive; `end` defaults to `start`)
        of `path` is new or changed."""
        if path in self.new_files:
            return True
        changed = self.lines.get(path)
        if not changed:
            return False
        return any(line in changed for line in range(start, max(start, end or start) + 1))

    def whole_files(self) -> Changes:
        """These changes with every line of a changed file counted (`--whole-files`, as
        golangci-lint's `whole-files`): a file in the diff, even one with deletions only,
        keeps all its findings."""
        return Changes({}, self.new_files | frozenset(self.lines))


def _unquote(name: str) -> str:
    """Undo git's C-style quoting of a path (`"t\\303\\251st.py"` -> `tést.py`)."""
    if not (len(name) >= 2 and name[0] == name[-1] == '"'):
        return name
    out = bytearray()
    body, i = name[1:-1], 0
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            if nxt in "01234567":
                out.append(int(body[i + 1 : i + 4], 8))
                i += 4
                continue
            out.append(_C_ESCAPES.get(nxt, ord(nxt)))
            i += 2
            continue
        out.extend(c.encode("utf-8"))
        i += 1
    return out.decode("utf-8", "surrogateescape")


def _target(header: str, strip: int) -> str | None:
    """The path of a `+++ ` line, `strip` leading components removed; None for /dev/null."""
    name = header[4:].rstrip("\n")
    if name.startswith('"'):
        name = _unquote(name[: name.rindex('"') + 1])
    else:
        name = name.split("\t", 1)[0]  # GNU diff appends a tab and a timestamp
    if name == "/dev/null":
        return None
    parts = name.split("/")
    return "/".join(parts[strip:]) if len(parts) > strip else parts[-1]


def parse_diff(text: str, strip: int = 1) -> dict[str, frozenset[int]]:
    """Parse a unified diff (git's, or GNU diff -u) into {path: new-side line numbers added or
    changed}. Paths lose `strip` leading components, as `patch -p1` (git's `a/`, `b/`).

    Deleted files and pure deletions add nothing; a hunk's lines are counted from its header,
    so a removed line that looks like `--- x` is not mistaken for a file header.
    Raises ValueError for a malformed hunk header.
    """
    result: dict[str, set[int]] = {}
    current: set[int] | None = None
    old_left = new_left = 0
    new_line = 0
    for raw in text.splitlines():
        if old_left > 0 or new_left > 0:  # inside a hunk
            tag = raw[:1]
            if tag == "+":
                if current is not None:
                    current.add(new_line)
                new_line += 1
                new_left -= 1
            elif tag == "-":
                old_left -= 1
            elif tag == "\\":  # "\ No newline at end of file"
                pass
            else:  # context (" ", or an empty line from a stripped trailing space)
                new_line += 1
                new_left -= 1
                old_left -= 1
            continue
        if raw.startswith("+++ "):
            path = _target(raw, strip)
            current = None if path is None else result.setdefault(path, set())
        elif raw.startswith("@@"):
            m = _HUNK.match(raw)
            if not m:
                raise ValueError(f"malformed hunk header in diff: {raw!r}")
            old_left = int(m.group(1)) if m.group(1) is not None else 1
            new_line = int(m.group(2))
            new_left = int(m.group(3)) if m.group(3) is not None else 1
        elif raw.startswith("diff "):
            current = None
    return {path: frozenset(lines) for path, lines in result.items()}


_DIFF_HEADER = re.compile(r"^(?:diff |--- |\+\+\+ )", re.M)


def read_patch(
    path: Path, strip: int = 1, top: Path | None = None, cwd: Path | None = None
) -> Changes:
    """The changes of the patch file at `path` (`--new-from-patch`), e.g. `git diff` output.

    Its paths are relative to `top` (git diff's are relative to the top of the work tree,
    whatever directory it ran in); with `top` and `cwd` (absolute directories) they come out
    relative to `cwd`, as diagnostics' paths are. An empty patch (no change) is fine.
    Raises ValueError (one line) when it cannot be read, is not a regular file (a FIFO would
    block), is larger than config.inputs.PATCH_MAX_BYTES, is malformed, or is not a patch at
    all (text without any `diff `, `--- ` or `+++ ` line)."""
    from lintgate.config.inputs import PATCH_MAX_BYTES, read_input

    try:
        text = read_input(str(path), PATCH_MAX_BYTES).decode("utf-8", "surrogateescape")
    except ValueError as e:
        raise ValueError(f"cannot read patch {path}: {e}") from None
    if text.strip() and not _DIFF_HEADER.search(text):
        raise ValueError(f"not a patch: {path} has no diff header (a 'diff', '---' or '+++' line)")
    lines = parse_diff(text, strip)
    if top is not None and cwd is not None and top != cwd:
        lines = {
            os.path.relpath(os.path.join(top, p), cwd).replace(os.sep, "/"): n
            for p, n in lines.items()
        }
    return Changes(lines)


def _git(
    cwd: Path, *args: str, unknown_rev: str | None = None, flag: str = "--new-from-rev"
) -> str:
    """Run git in `cwd`; its stdout. Raises ValueError with git's first error line, or
    "unknown revision" when `unknown_rev` is given and git failed silently (rev-parse --quiet);
    the message starts with `flag`, the option that asked.
    """
    try:
        done = subprocess.run(
            ["git", "-c", "core.quotePath=false", *args],
            cwd=cwd,
            capture_output=True,
            check=False,
        )
    except FileNotFoundError:
        raise ValueError(f"{flag}: git not found on PATH") from None
    if done.returncode != 0:
        why = done.stderr.decode("utf-8", "replace").strip().splitlines()
        if not why and unknown_rev is not None:
            raise ValueError(f"{flag}: unknown revision {unknown_rev!r}")
        first = why[0] if why else f"exit status {done.returncode}"
        raise ValueError(f"{flag}: git {args[0]}: {first}")
    return done.stdout.decode("utf-8", "surrogateescape")


def changes_from_rev(rev: str, cwd: Path, flag: str = "--new-from-rev") -> Changes:
    """What changed in the work tree since `rev` (`--new-from-rev`): `git diff REV` (staged and
    unstaged changes, renames followed), plus every untracked, not ignored file as new.

    `cwd`: the directory lintgate runs in; paths come out relative to it (git's `--relative`),
    as diagnostics' paths are, and changes outside it are left out.
    Raises ValueError (one line) for an unknown revision, a directory outside a git work tree,
    or a missing git.
    """
    if not rev or rev.startswith("-"):
        raise ValueError(f"{flag}: not a revision: {rev!r}")
    _git(cwd, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}", unknown_rev=rev, flag=flag)
    diff = _git(
        cwd,
        "diff",
        "--no-color",
        "--no-ext-diff",
        "--no-textconv",
        "--find-renames",
        "--relative",
        "--src-prefix=a/",
        "--dst-prefix=b/",
        "-U0",
        rev,
        "--",
        flag=flag,
    )
    untracked = _git(cwd, "ls-files", "--others", "--exclude-standard", "-z", flag=flag)
    return Changes(parse_diff(diff, strip=1), frozenset(p for p in untracked.split("\0") if p))


def changes_from_merge_base(ref: str, cwd: Path) -> Changes:
    """What changed since the best common ancestor of `ref` and HEAD (`--new-from-merge-base`,
    golangci-lint's `new-from-merge-base`): `git merge-base REF HEAD`, then as
    `changes_from_rev` (the work tree against it, untracked files new). Raises ValueError
    (one line) for an unknown `ref`, no common ancestor, or no git."""
    flag = "--new-from-merge-base"
    if not ref or ref.startswith("-"):
        raise ValueError(f"{flag}: not a revision: {ref!r}")
    _git(cwd, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", unknown_rev=ref, flag=flag)
    try:
        base = _git(cwd, "merge-base", ref, "HEAD", flag=flag).strip()
    except ValueError as e:
        if "exit status 1" not in str(e):
            raise
        raise ValueError(f"{flag}: {ref} and HEAD have no common ancestor") from None
    return changes_from_rev(base, cwd, flag)


def keep_new(
    diagnostics: list[Diagnostic], changes: Changes, hunk_spans: HunkSpans | None = None
) -> list[Diagnostic]:
    """Keep the diagnostics on new or changed lines, in their given order.

    `hunk_spans` gives, for a finding that stands for a hunk (keyed by path, line, linter),
    the hunk's last line: such a finding is kept when any line of the hunk changed. Other
    findings are kept when their own line changed; all findings of a new file are kept.
    """
    spans = hunk_spans or {}
    return [
        d
        for d in diagnostics
        if changes.touches(d.path, d.line, spans.get((d.path, d.line, d.linter)))
    ]
