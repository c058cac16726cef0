"""`lintgate [PATHS]`: check the files, through the result cache, and report."""

from __future__ import annotations

import sys

from lintgate.commands.common import (
    Invocation,
    Prepared,
    finish_cache,
    open_cache,
    prepare,
    report,
)
from lintgate.config import effective_concurrency
from lintgate.console import warn
from lintgate.engine.records import RunResult


def check_files(inv: Invocation, prepared: Prepared, cache: object) -> RunResult:
    """The engine's check of the prepared files, answered from and recorded in `cache`'s store
    (a lintgate.cache.command.CacheRun)."""
    from lintgate.engine import run as engine

    config = inv.config
    return engine.run(
        prepared.files,
        prepared.project,
        config.enabled,
        effective_concurrency(config),
        config.deadline,
        warn_unmatched=config.warn_unmatched_directive,
        store=getattr(cache, "store", None),
        warn=warn,
        file_deadline=config.file_deadline,
        whole=not getattr(cache, "exports", None),  # an export names the entries used
    )


def check(inv: Invocation) -> int:
    """Run the check; returns the exit status (FINDINGS | FAILURE bits)."""
    prepared = prepare(inv)
    if isinstance(prepared, int):
        return prepared
    cache = open_cache(inv)
    result = check_files(inv, prepared, cache)
    prepared.status |= finish_cache(cache)
    return report(inv, prepared, result, sys.stdout, counts=True)
