"""The check engine's public names, for callers of the former `lintgate.runner` module.

The engine lives in lintgate/engine/ (plan -> answer from the cache -> dispatch -> merge ->
record); see docs/architecture.md.
"""

from __future__ import annotations

from lintgate.engine.check import Checker, combine
from lintgate.engine.dispatch import file_size, lost_message, map_unordered, relative_to
from lintgate.engine.records import ENCODING, SYNTAX, Done, FileResult, Outcome, RunResult, Work
from lintgate.engine.run import run

__all__ = [
    "ENCODING",
    "SYNTAX",
    "Checker",
    "Done",
    "FileResult",
    "Outcome",
    "RunResult",
    "Work",
    "combine",
    "file_size",
    "lost_message",
    "map_unordered",
    "relative_to",
    "run",
]
