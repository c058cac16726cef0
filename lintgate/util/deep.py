"""Run a recursive pure-Python function on input nested deeper than the interpreter's
recursion limit allows (a valid file of a thousand nested lambdas, which `ast` parses and
black formats): on a thread with a large stack and a raised limit."""

from __future__ import annotations

import sys
import threading
from typing import Callable, TypeVar

T = TypeVar("T")

STACK_BYTES = 512 * 1024 * 1024  # virtual: only the pages the recursion touches are used
LIMIT = 100_000  # Python frames: far beyond any nesting the parsers accept


def deep_call(function: Callable[[], T]) -> T:
    """`function()` on a thread with a STACK_BYTES stack and the recursion limit at LIMIT
    (restored afterwards); re-raises what it raised (a RecursionError past LIMIT too)."""
    outcome: list[T] = []
    failure: list[BaseException] = []

    def target() -> None:
        try:
            outcome.append(function())
        except BaseException as e:  # carried to the caller's thread
            failure.append(e)

    previous_stack = threading.stack_size(STACK_BYTES)
    previous_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous_limit, LIMIT))
    try:
        thread = threading.Thread(target=target, name="lintgate-deep")
        thread.start()
        thread.join()
    finally:
        sys.setrecursionlimit(previous_limit)
        threading.stack_size(previous_stack)
    if failure:
        raise failure[0]
    return outcome[0]
