"""A run's result file (`--output result=PATH`): what `lintgate merge` needs to report a set
of sharded runs as one run. JSON, versioned (RESULT_VERSION); docs/ci.md, "The result file".

It holds the findings after `nolint` and new-code selection (both look at one file at a time,
so a shard can apply them) and before the filters of `lintgate.filters` (MessageOverride,
Severity, Exclude, Include, Aggregate, Sort, Errors), which `lintgate merge` applies once to
the union, with the settings recorded here.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from lintgate import __version__
from lintgate.diagnostic import Diagnostic
from lintgate.engine.records import ENCODING, SYNTAX, RunResult
from lintgate.shards.partition import MAX_SHARDS
from lintgate.shards.shape import LINE_MAX, check_counts, finding, inside, short, text, texts
from lintgate.shards.shape import whole as whole_number

__all__ = [
    "RESULT_FORMAT",
    "RESULT_VERSION",
    "ResultError",
    "ShardResult",
    "discovered_digest",
    "read_result",
    "render",
    "settings_of",
    "split_result_output",
]

RESULT_FORMAT = "result"  # the `--output` name
RESULT_VERSION = 2  # 2: `broken` and `whole_program` (shard 1's word on the other shards' files)
# Config keys that change neither a verdict nor what is reported: not in the settings digest.
_NOT_SETTINGS = ("Concurrency", "Format", "CacheTrustedKeys", "Executor")  # how, not what
_BROKEN = (SYNTAX, ENCODING)  # the pseudo-linters of a parse or decode error


class ResultError(ValueError):
    """A result file that cannot be used; `str(error)` is the one-line message."""


def split_result_output(values: list[str]) -> tuple[list[str], str | None]:
    """The `--output` values other than `result=PATH`, and that PATH (None: no result file).
    Raises ResultError for `result` without a path (stdout is the reports') or given twice."""
    others, paths = [], []
    for value in values:
        name, sep, path = value.partition("=")
        if name != RESULT_FORMAT:
            others.append(value)
        elif not sep or path in ("", "-"):
            raise ResultError("--output result needs a file: --output result=PATH")
        else:
            paths.append(path)
    if len(paths) > 1:
        raise ResultError("--output result=PATH can be given once")
    return others, (paths[0] if paths else None)


def settings_of(
    config_file: dict[str, Any], paths: list[str], cwd: str, new_code: list[str | None]
) -> dict[str, Any]:
    """The settings a result depends on, as recorded (and digested): the effective config
    (`config_file`, Config.to_file(), less the keys of _NOT_SETTINGS), the `paths` given,
    the run directory `cwd` relative to the project root, the new-code options, and the
    versions of the enabled linters' engines. Not the shard."""
    from lintgate.linters import lookup

    config = {k: v for k, v in config_file.items() if k not in _NOT_SETTINGS}
    versions = {}
    for name in config_file.get("Enable", []):
        try:
            versions[name] = lookup(name).version()
        except Exception:  # an unknown linter is reported by the run itself
            versions[name] = ""
    return {
        "config": config,
        "paths": list(paths),
        "cwd": cwd,
        "new_code": list(new_code),
        "linter_versions": versions,
    }


def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return "sha256:" + hashlib.sha256(text.encode("ascii")).hexdigest()


def discovered_digest(files: Sequence[Path], root: Path) -> str:
    """The digest of the discovered file list (root-relative `/`-separated paths, sorted): every
    shard of one run discovers the same files."""
    prefix = str(root).rstrip(os.sep) + os.sep
    rel = sorted(str(f).removeprefix(prefix).replace(os.sep, "/") for f in files)
    data = "\0".join(rel).encode("utf-8", "surrogateescape")
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _finding(d: Diagnostic) -> dict[str, Any]:
    return {
        "path": d.path,
        "line": d.line,
        "end_line": d.end_line,
        "col": d.col,
        "linter": d.linter,
        "severity": d.severity,
        "message": d.message,
    }


def render(
    result: RunResult,
    diagnostics: list[Diagnostic],
    settings: dict[str, Any],
    shard: tuple[int, int],
    discovered: tuple[int, str],
    status: int,
    problems: list[str],
    format_name: str = "text",
    prepared_errors: Sequence[str] = (),
) -> str:
    """The result file's JSON text (one object, keys in a fixed order, then a newline).

    `result`: the engine's run; `diagnostics`: its findings after new-code selection;
    `settings`: settings_of(...); `shard`: (K, N); `discovered`: (count, discovered_digest);
    `status`: the exit bits of the preparation (a bad path, a discovery error), `problems`
    the lines it said (those, and discovery's notes); `prepared_errors` those of them that
    are errors (a SARIF report's notifications); `format_name`: the run's Format (merge's default for stdout).
    """
    others = result.others
    theirs = others.paths if others is not None else set()
    unchecked = set(result.unchecked) | set(result.lost)
    errors = [
        {"path": r.path, "message": e}
        for r in sorted(result.results, key=lambda r: r.path)
        for e in r.errors
    ]
    per_file = {e["message"] for e in errors}
    # the lines of no one file (a tool that cannot run, a failed batch), in the run's order
    run_errors = [e for e in result.errors if e not in per_file]
    document = {
        "lintgate_result": RESULT_VERSION,
        "lintgate_version": __version__,
        "settings_digest": _digest(settings),
        "settings": settings,
        "format": format_name,
        "shard": {"index": shard[0], "total": shard[1]},
        "discovered": {"files": discovered[0], "digest": discovered[1]},
        "status": status,
        "problems": problems,
        "prepared_errors": list(prepared_errors),
        "checked": sorted(p for p in result.paths if p not in unchecked),
        "unchecked": [p for p in result.unchecked if p not in theirs],
        "lost": list(result.lost),
        "cached": result.cached,
        "seconds": round(result.seconds, 3),
        "findings": [_finding(d) for d in diagnostics if d.path not in theirs],
        "errors": errors,
        "run_errors": run_errors,
        "broken": broken_files(result),
        "whole_program": _whole_program(others, diagnostics),
    }
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def broken_files(result: RunResult) -> list[str]:
    """The display paths of the files whose verdict is a parse or decode error alone (a
    `syntax` or `encoding` finding, before `nolint` and new-code selection): in the unsharded
    run the external linters' findings on them are not reported (lintgate.engine.check
    .combine), so `lintgate merge` drops shard 1's whole-program findings on them."""
    return sorted(
        {r.path for r in result.results if any(d.linter in _BROKEN for d in r.diagnostics)}
    )


def _whole_program(others: Any, diagnostics: list[Diagnostic]) -> dict[str, Any] | None:
    """Shard 1's record of the other shards' files (an OtherShards; None in another run):
    the whole-program linters' `findings` there, the `nolint` directives they `matched`, the
    files a deadline left `unchecked`."""
    if others is None:
        return None
    return {
        "findings": [_finding(d) for d in diagnostics if d.path in others.paths],
        "matched": [{"path": p, "line": line, "col": col} for p, line, col in others.matched],
        "unchecked": list(others.unchecked),
    }


@dataclass
class ShardResult:
    """A result file read back: its `name` (as given), the parsed `document` and the
    `diagnostics` and `errors` ((path, message) pairs) it holds, and its `run_errors` (the
    lines of no one file, in the run's order); shard 1's whole-program findings on the other
    shards' files (`others`), the `nolint` directives they `matched` ((path, line, col)) and
    the files among them a deadline left (`others_unchecked`)."""

    name: str
    document: dict[str, Any]
    diagnostics: list[Diagnostic]
    errors: list[tuple[str, str]]
    run_errors: list[str]
    others: list[Diagnostic] = field(default_factory=list)
    matched: set[tuple[str, int, int]] = field(default_factory=set)
    others_unchecked: list[str] = field(default_factory=list)

    @property
    def shard(self) -> tuple[int, int]:
        """(K, N)."""
        s = self.document["shard"]
        return int(s["index"]), int(s["total"])


def read_result(path: str) -> ShardResult:
    """Read and check the result file at `path`. Raises ResultError (naming `path`) when it
    cannot be read, is not JSON, is not a lintgate result file of RESULT_VERSION, or a field
    has the wrong shape."""
    try:
        with open(path, encoding="utf-8") as f:
            document = json.load(f)
    except OSError as e:
        raise ResultError(f"{path}: cannot read: {e.strerror or e}") from None
    except (ValueError, UnicodeDecodeError) as e:
        raise ResultError(f"{path}: not a lintgate result file: {e}") from None
    if not isinstance(document, dict) or "lintgate_result" not in document:
        raise ResultError(f"{path}: not a lintgate result file (no lintgate_result key)")
    if document["lintgate_result"] != RESULT_VERSION:
        raise ResultError(
            f"{path}: result file version {document['lintgate_result']!r}; this lintgate "
            f"reads version {RESULT_VERSION}"
        )
    try:
        return _parsed(path, document)
    except (KeyError, TypeError, ValueError) as e:
        raise ResultError(f"{path}: malformed result file: {type(e).__name__}: {e}") from None


def _parsed(path: str, document: dict[str, Any]) -> ShardResult:
    """The ShardResult of a document; raises KeyError, TypeError or ValueError on a bad shape."""
    for key, kind in _SHAPE.items():
        if not isinstance(document[key], kind):
            raise TypeError(f"{key} has the wrong type")
    from lintgate.shards.places import check_recorded_cwd

    check_recorded_cwd(document["settings"].get("cwd"))
    index, total = document["shard"]["index"], document["shard"]["total"]
    if not _whole(index, MAX_SHARDS) or not _whole(total, MAX_SHARDS) or not 1 <= index <= total:
        raise ValueError(
            f"shard {short(index)}/{short(total)}: expected K/N, 1 <= K <= N <= {MAX_SHARDS}"
        )
    if document["settings_digest"] != _digest(document["settings"]):
        raise ValueError("settings_digest does not match the settings (edited?)")
    cwd = document["settings"]["cwd"]
    check_counts(document)
    diagnostics = [finding(f, f"findings[{i}]", cwd) for i, f in enumerate(document["findings"])]
    errors = []
    for i, e in enumerate(document["errors"]):
        if not isinstance(e, dict):
            raise ValueError(f"errors[{i}]: expected an object, got {short(e)}")
        message = text(e["message"], f"errors[{i}].message")
        errors.append((inside(e["path"], cwd, f"errors[{i}].path"), message))
    run_errors = list(document["run_errors"])
    texts(document["prepared_errors"], "prepared_errors")
    for i, p in enumerate(texts(document["broken"], "broken")):
        inside(p, cwd, f"broken[{i}]")
    shard = ShardResult(path, document, diagnostics, errors, run_errors)
    whole = document["whole_program"]
    if whole is not None:
        _read_whole_program(whole, cwd, shard)
    return shard


def _read_whole_program(whole: Any, cwd: str, shard: ShardResult) -> None:
    """Check and read `whole_program` (shard 1's record of the other shards' files) into
    `shard`; raises KeyError, TypeError or ValueError on a bad shape."""
    if not isinstance(whole, dict):
        raise ValueError(f"whole_program: expected an object or null, got {short(whole)}")
    shard.others = [
        finding(f, f"whole_program.findings[{i}]", cwd) for i, f in enumerate(whole["findings"])
    ]
    for i, m in enumerate(whole["matched"]):
        what = f"whole_program.matched[{i}]"
        if not isinstance(m, dict):
            raise ValueError(f"{what}: expected an object, got {short(m)}")
        shard.matched.add(
            (
                inside(m["path"], cwd, f"{what}.path"),
                whole_number(m["line"], f"{what}.line", LINE_MAX),
                whole_number(m["col"], f"{what}.col", LINE_MAX),
            )
        )
    for i, p in enumerate(texts(whole["unchecked"], "whole_program.unchecked")):
        shard.others_unchecked.append(inside(p, cwd, f"whole_program.unchecked[{i}]"))


def _whole(value: Any, most: int) -> bool:
    """Whether `value` is a JSON whole number (not a bool, not a float) from 0 to `most`."""
    return type(value) is int and 0 <= value <= most


_SHAPE: dict[str, type | tuple[type, ...]] = {
    "lintgate_version": str,
    "settings_digest": str,
    "settings": dict,
    "shard": dict,
    "discovered": dict,
    "status": int,
    "problems": list,
    "prepared_errors": list,
    "checked": list,
    "unchecked": list,
    "lost": list,
    "cached": int,
    "seconds": (int, float),
    "format": str,
    "findings": list,
    "errors": list,
    "run_errors": list,
    "broken": list,
}
