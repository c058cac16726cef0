"""The state of one run: a `RunContext`, made per run, holding every memo a run keeps.

What a run learns once and asks again many times (isort's and black's settings per start
directory, the config-file walks, the TOML documents read, the top of the git work tree) is
kept here, not in module globals: a second run in the same process (tests, a long-lived
worker, a shard runner) starts from nothing and sees every file as it is then, exactly as a
fresh process would. Forked workers inherit the parent's context, so what the parent learnt
while planning is not learnt again.

The context is found through a `contextvars.ContextVar` set by `run_scope()` (entered by
`lintgate.cli.main` and by the engine's entry points); outside any run each lookup gets a
fresh, empty context, so nothing is memoized and nothing outlives the call.
"""

from __future__ import annotations

import contextlib
import functools
from contextvars import ContextVar
from typing import Any, Callable, Generic, Iterator, ParamSpec, TypeVar, cast

__all__ = [
    "RunContext",
    "RunMemo",
    "current",
    "forget_tool_memos",
    "run_memoized",
    "run_scope",
]

T = TypeVar("T")
K = TypeVar("K")
V = TypeVar("V")
P = ParamSpec("P")


class RunContext:
    """Per-run memos, one dict per name (`memo(name)`); made empty for each run."""

    def __init__(self) -> None:
        self._memos: dict[str, dict[Any, Any]] = {}

    def memo(self, name: str) -> dict[Any, Any]:
        """The run's dict called `name` (module-qualified by convention), made on first use."""
        table = self._memos.get(name)
        if table is None:
            table = self._memos[name] = {}
        return table


_ACTIVE: ContextVar[RunContext | None] = ContextVar("lintgate_run", default=None)


def current() -> RunContext:
    """The active run's context; outside a run, a new empty one (nothing is kept)."""
    active = _ACTIVE.get()
    return RunContext() if active is None else active


@contextlib.contextmanager
def run_scope(context: RunContext | None = None) -> Iterator[RunContext]:
    """Make `context` (default: a new one) the active run's for the block; inside an active
    run without `context`, the block joins that run (its memos are shared)."""
    active = _ACTIVE.get()
    if context is None and active is not None:
        yield active
        return
    token = _ACTIVE.set(context or RunContext())
    try:
        yield _ACTIVE.get() or RunContext()
    finally:
        _ACTIVE.reset(token)


class RunMemo(Generic[K, V]):
    """A dict-like view of the active run's memo `name`: `key in memo`, `memo[key]`,
    `memo[key] = value`, `memo.get(key)`, `memo.setdefault(key, value)`. Holds no data
    itself, so a module may keep one at module level without keeping state past a run."""

    def __init__(self, name: str) -> None:
        self.name = name

    def _table(self) -> dict[K, V]:
        return current().memo(self.name)

    def __contains__(self, key: object) -> bool:
        return key in self._table()

    def __getitem__(self, key: K) -> V:
        return self._table()[key]

    def __setitem__(self, key: K, value: V) -> None:
        self._table()[key] = value

    def get(self, key: K, default: V | None = None) -> V | None:
        """The value of `key` in the run's memo, else `default`."""
        return self._table().get(key, default)

    def setdefault(self, key: K, default: V) -> V:
        """`dict.setdefault` on the run's memo."""
        return self._table().setdefault(key, default)


def forget_tool_memos(module: object, names: tuple[str, ...]) -> None:
    """Clear the `functools.lru_cache` memos `names` of a tool's `module` (isort, black keep
    what they read from the file system for the life of the process); a name the tool's
    version lacks is skipped."""
    for name in names:
        clear = getattr(getattr(module, name, None), "cache_clear", None)
        if callable(clear):
            clear()


def run_memoized(function: Callable[P, T]) -> Callable[P, T]:
    """`function` memoized per run on its (hashable) positional arguments: what
    `functools.lru_cache` gives, without the answers outliving the run. Keyword arguments
    are not memoized on (the call goes through)."""
    name = f"{function.__module__}.{function.__qualname__}"

    @functools.wraps(function)
    def memoized(*args: P.args, **kwargs: P.kwargs) -> T:
        if kwargs:
            return function(*args, **kwargs)
        table = current().memo(name)
        if args not in table:
            table[args] = function(*args, **kwargs)
        return cast(T, table[args])

    return memoized
