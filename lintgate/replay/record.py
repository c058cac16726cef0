"""Leave a replay record (lintgate.replay) at the end of a check whose answer is settled."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from typing import Any

from lintgate.commands.common import FAILURE
from lintgate.replay import capture
from lintgate.replay.fast import Record
from lintgate.replay.key import RACY_NS, record_path, witness_digest

MAX_RECORDS = 256  # one per invocation (pre-commit's file lists make many): the oldest go


def note_run(prepared: Any, result: Any, cache: Any) -> None:
    """Keep the check's prepared run, its RunResult and its cache (a CacheRun) for `leave`."""
    kept = capture.captured()
    if kept.get("open"):
        kept["run"] = (prepared, result, cache)


def leave(inv: Any, status: int) -> None:
    """Write this check's replay record when it is one (lintgate.replay's conditions):
    `inv` is the run's Invocation, `status` its exit status. Never fails the run: a record
    that cannot be written is not written."""
    kept = capture.captured()
    if not kept.get("open") or "run" not in kept:
        return
    prepared, result, cache = kept["run"]
    if not _replayable(inv, status, result, cache, kept["stderr"]):
        return
    path = record_path(kept["argv"], os.environ)
    store = getattr(cache.store, "directory", None)
    if path is None or store is None:
        return
    # only where the replay will look (an abbreviated --cache-dir is not found there)
    if os.path.realpath(os.path.dirname(os.path.dirname(path))) != os.path.realpath(store):
        return
    try:
        _write(inv, prepared, status, kept, path)
    except (OSError, subprocess.SubprocessError, UnicodeError):
        pass  # an optimisation only: the next run goes the normal way


def _replayable(inv: Any, status: int, result: Any, cache: Any, said: list[str]) -> bool:
    """Whether the run's output is the settled warm answer a replay may give again."""
    args = inv.args
    imports, exports, _ = args.cache_specs
    asked = [
        args.verbose,
        imports,
        exports,
        getattr(args, "result_output", None),
        args.new_from_rev,
        args.new_from_patch,
        getattr(args, "new_from_merge_base", None),
        any(path is not None for _, path in inv.outputs),
    ]
    return (
        not any(asked)
        and not os.environ.get("LINTGATE_PLUGINS", "").strip()  # their config: not witnessed
        and not status & FAILURE
        and getattr(result, "one_lookup", False)
        and cache.store is not None
        and bool(said)
        and not any("warning:" in line for line in said)
    )


def _write(inv: Any, prepared: Any, status: int, kept: dict[str, Any], path: str) -> None:
    from lintgate.filelist import texts_of
    from lintgate.replay.witness import collect

    *before, summary = kept["stderr"]
    head, sep, seconds = summary.rpartition(", ")
    if not sep or not seconds.endswith("s") or " checked, " not in head:
        return
    start = time.time_ns()
    walks = [path for _, path in prepared.project.walks]
    named = [str(inv.config.path)] if inv.config.path is not None else []
    cache_dir = os.path.dirname(os.path.dirname(path))
    witnesses = collect(texts_of(prepared.files), walks, named, cache_dir)
    digest = witness_digest(witnesses, start - RACY_NS)
    if digest is None:  # racily clean: the next run keys afresh
        return
    encoding = sys.stderr.encoding or "utf-8"
    errors = sys.stderr.errors or "strict"
    stderr = "".join(line + "\n" for line in before).encode(encoding, errors)
    stdout = b"".join(kept["stdout"])
    record = Record(digest, status, stdout, stderr, head + sep, witnesses)
    directory = os.path.dirname(path)
    os.makedirs(directory, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=directory, prefix=".record-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(record.dump())
        os.replace(temp, path)
    except BaseException:
        os.unlink(temp)
        raise
    _keep_newest(directory)


def _keep_newest(directory: str) -> None:
    """Delete the oldest records (by mtime) beyond MAX_RECORDS."""
    with os.scandir(directory) as entries:
        records = [(e.stat().st_mtime_ns, e.path) for e in entries if not e.name.startswith(".")]
    for _, path in sorted(records)[: max(0, len(records) - MAX_RECORDS)]:
        try:
            os.unlink(path)
        except FileNotFoundError:  # another run's eviction
            pass
