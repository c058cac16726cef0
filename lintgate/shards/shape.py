"""The shape of a result file's content, checked field by field before `lintgate merge` uses
any of it: whole numbers in range (never a bool or a float), strings where strings go, and
paths inside the project root. Each check raises ValueError naming the field, which
lintgate.shards.resultfile.read_result makes one line (docs/ci.md, "Merging")."""

from __future__ import annotations

import json
import math
import posixpath
from typing import Any

from lintgate.diagnostic import SEVERITIES, Diagnostic

__all__ = ["LINE_MAX", "check_counts", "finding", "inside", "short", "text", "texts", "whole"]

# The largest line or column a finding may name (a C int, as the linters' own).
LINE_MAX = 2**31 - 1
# The largest count (files, statuses) a result file may hold.
COUNT_MAX = 2**53


def short(value: Any) -> str:
    """`value` for a one-line message: its JSON, cut at 40 characters."""
    rendered = json.dumps(value)
    return rendered if len(rendered) <= 40 else rendered[:37] + "..."


def whole(value: Any, what: str, most: int) -> int:
    """`value` when a JSON whole number from 0 to `most` (not a bool, not a float)."""
    if type(value) is not int or not 0 <= value <= most:
        raise ValueError(f"{what}: expected a whole number from 0 to {most}, got {short(value)}")
    return value


def text(value: Any, what: str) -> str:
    """`value` when a string without NUL."""
    if not isinstance(value, str) or "\0" in value:
        raise ValueError(f"{what}: expected a string, got {short(value)}")
    return value


def texts(values: Any, what: str) -> list[str]:
    """`values` when a list of strings."""
    if not isinstance(values, list):
        raise ValueError(f"{what}: expected a list, got {short(values)}")
    return [text(v, f"{what}[{i}]") for i, v in enumerate(values)]


def inside(path: Any, cwd: str, what: str) -> str:
    """`path` when a display path (relative to the run directory `cwd`, itself relative to the
    project root) of a file inside the project root: `../a.py` from `pkg` is, `../../etc/passwd`
    is not, nor an absolute path."""
    given = text(path, what)
    joined = posixpath.normpath(posixpath.join(cwd, given))
    if not given or given.startswith("/") or joined == ".." or joined.startswith("../"):
        raise ValueError(f"{what}: {short(given)} is not a path inside the project root")
    return given


def finding(f: Any, what: str, cwd: str) -> Diagnostic:
    """The Diagnostic of a recorded finding (`what` names it: `findings[3]`)."""
    if not isinstance(f, dict):
        raise ValueError(f"{what}: expected an object, got {short(f)}")
    if f["severity"] not in SEVERITIES:
        raise ValueError(f"{what}.severity: {short(f['severity'])}")
    return Diagnostic(
        inside(f["path"], cwd, f"{what}.path"),
        whole(f["line"], f"{what}.line", LINE_MAX),
        whole(f["col"], f"{what}.col", LINE_MAX),
        text(f["linter"], f"{what}.linter"),
        text(f["message"], f"{what}.message"),
        f["severity"],
        whole(f["end_line"], f"{what}.end_line", LINE_MAX),
    )


def check_counts(document: dict[str, Any]) -> None:
    """The numbers and lists of a result file other than its findings and errors: `status`
    (exit bits 0-3), `cached`, `seconds` (finite, not negative), `discovered`, `format`,
    `problems`, `run_errors`, and the display paths of `checked`, `unchecked` and `lost`."""
    cwd = document["settings"]["cwd"]
    whole(document["status"], "status", 3)
    whole(document["cached"], "cached", COUNT_MAX)
    seconds = document["seconds"]
    if type(seconds) not in (int, float) or not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"seconds: expected a number of seconds, got {short(seconds)}")
    whole(document["discovered"]["files"], "discovered.files", COUNT_MAX)
    text(document["discovered"]["digest"], "discovered.digest")
    text(document["format"], "format")
    texts(document["problems"], "problems")
    texts(document["run_errors"], "run_errors")
    for key in ("checked", "unchecked", "lost"):
        for i, path in enumerate(texts(document[key], key)):
            inside(path, cwd, f"{key}[{i}]")
