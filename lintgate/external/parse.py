"""What a batch printed, as findings on the files it was asked about (root-relative paths),
its tool error, and how many lines the pattern did not match."""

from __future__ import annotations

import os
from typing import Any

from lintgate.diagnostic import Finding
from lintgate.external.pattern import compile_pattern, parse_output
from lintgate.external.process import failure


def attribute(
    result: Any, by_path: dict[str, str], root: str, until: float | None = None
) -> tuple[dict[str, list[Finding]], str, list[str]]:
    """`({rel: findings}, error line or "", the lines the pattern did not match)` of a BatchResult
    (lintgate.engine.external_batch). A printed path (relative to the tool's cwd, the project
    root; absolute; with `./`) is mapped to the file it names through `by_path` (normalised
    absolute path -> rel); findings on files the batch was not asked about are dropped.
    `until`: when matching must stop (the run's Deadline; parse_output); a pattern that runs
    out of time is the tool error."""
    if result.ran is None:
        return {}, result.error, []
    d = result.definition
    pattern = compile_pattern(d.pattern)
    parsed = parse_output(result.ran.stdout, pattern, d.severity, d.message_override, until)
    asked = set(result.batch.files)
    found: dict[str, list[Finding]] = {}
    for m in parsed.matches:
        rel = _map(m.path, by_path, root)
        if rel is not None and rel in asked:
            found.setdefault(rel, []).append(m.finding)
    error = (
        ""
        if result.lost
        else failure(
            d.name, result.ran, len(parsed.matches), d.findings_exit_codes, parsed.unmatched
        )
        or ""
    )
    if parsed.timeout:
        error = (
            f"{d.name}: its Pattern took too long to match the tool's output (nested "
            f"quantifiers such as (a+)+ backtrack without end: rewrite it); "
            f"{parsed.timeout} line(s) not read"
        )
    return found, error, parsed.unmatched


def _map(printed: str, by_path: dict[str, str], root: str) -> str | None:
    """The rel of the file `printed` names, or None."""
    path = os.path.normpath(os.path.join(root, printed))  # an absolute `printed` stays itself
    rel = by_path.get(path)
    if rel is None:
        rel = by_path.get(os.path.realpath(path))
    return rel
