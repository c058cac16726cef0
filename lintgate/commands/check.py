"""`lintgate [PATHS]`: check the files, through the result cache, and report."""

from __future__ import annotations

import sys
import time

from lintgate.commands.common import (
    Invocation,
    Prepared,
    finish_cache,
    open_run,
    report,
)
from lintgate.config import effective_concurrency
from lintgate.console import warn
from lintgate.engine.records import RunResult


def check_files(inv: Invocation, prepared: Prepared, cache: object) -> RunResult:
    """The engine's check of the prepared files, answered from and recorded in `cache`'s store
    (a lintgate.cache.command.CacheRun)."""
    from lintgate.engine import run as engine
    from lintgate.shards.hooks import linters

    config = inv.config
    enabled, everywhere = linters(inv.args, config.enabled)  # --shard: whole-program linters
    return engine.run(
        prepared.files,
        prepared.project,
        enabled,
        effective_concurrency(config),
        config.deadline,
        warn_unmatched=config.warn_unmatched_directive,
        store=getattr(cache, "store", None),
        warn=warn,
        file_deadline=config.file_deadline,
        whole=not getattr(cache, "exports", None),  # an export names the entries used
        others=prepared.others if everywhere else (),
        executor=config.executor,
    )


def check(inv: Invocation) -> int:
    """Run the check; returns the exit status (FINDINGS | FAILURE bits). With -v, what it
    used and its timings go to stderr too (lintgate.verbose)."""
    opened = open_run(inv)
    if isinstance(opened, int):
        return opened
    trace, prepared, cache, start = opened
    from lintgate import progress
    from lintgate.shards.hooks import describe

    for line in describe(inv.args, inv.config.enabled, len(prepared.others)):
        trace.say(line)

    progress.start(len(prepared.files))
    try:
        result = check_files(inv, prepared, cache)
    finally:
        progress.stop()  # before the exports' lines and the summary
    trace.phases.update(result.phases)
    from lintgate.replay.record import note_run

    note_run(prepared, result, cache)
    with trace.phase("cache export"):
        prepared.status |= finish_cache(cache)
    # the summary's seconds: the cache import and export too, not the check alone
    result.seconds = time.monotonic() - start
    with trace.phase("reporting"):
        status = report(inv, prepared, result, sys.stdout, counts=True)
    trace.describe_unmatched(result.unmatched)
    trace.describe_result(result.cache_hits, result.tool_versions, result.external_hits)
    return status
