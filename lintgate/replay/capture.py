"""What a run that may leave a replay record wrote: its stdout bytes and its stderr lines,
kept in the run's context (lintgate.context), so that nothing outlives the run."""

from __future__ import annotations

from typing import Any, Sequence

from lintgate.context import current

_MEMO = "lintgate.replay.capture"


def start(argv: Sequence[str]) -> None:
    """Keep what this run writes, and its arguments (`argv`, as given to lintgate)."""
    memo = current().memo(_MEMO)
    memo.update(argv=list(argv), stdout=[], stderr=[], open=True)


def stdout(raw: bytes) -> None:
    """Note bytes written to stdout (lintgate.console.write_all)."""
    kept = current().memo(_MEMO).get("stdout")
    if kept is not None:
        kept.append(raw)


def stderr(line: str) -> None:
    """Note a line said on stderr (lintgate.console.say), without its newline."""
    kept = current().memo(_MEMO).get("stderr")
    if kept is not None:
        kept.append(line)


def spoil() -> None:
    """Something was written that a replay would not reproduce: leave no record."""
    current().memo(_MEMO)["open"] = False


def captured() -> dict[str, Any]:
    """{"argv", "stdout", "stderr", "open"} of this run; empty when it keeps nothing."""
    return current().memo(_MEMO)
