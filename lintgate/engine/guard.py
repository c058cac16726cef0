"""The store of a run, until it fails (the lowest cache-facing engine module)."""

from __future__ import annotations

from typing import Any, Callable, TypeVar

T = TypeVar("T")


class CacheGuard:
    """The store, until it fails: then one warning (via `warn`) and no cache for the rest of
    the run, whose output stays correct. `store`: a lintgate.cache.Store or None."""

    def __init__(self, store: Any, warn: Callable[[str], None] | None) -> None:
        self.store = store
        self.warn = warn

    def __call__(self, op: Callable[[Any], T]) -> T | None:
        """`op(store)`, or None without a store or when the store fails (CacheError)."""
        if self.store is None:
            return None
        from lintgate.cache import CacheError

        try:
            return op(self.store)
        except CacheError as e:
            self.store = None
            if self.warn is not None:
                self.warn(f"{e}; going on without the cache")
            return None
