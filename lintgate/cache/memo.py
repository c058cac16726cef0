"""The `memo` table: small derived values worth keeping between runs (exclusion verdicts)."""

from __future__ import annotations

from typing import Any, Iterable, Mapping, NamedTuple

from lintgate.cache import schema
from lintgate.cache.db import Database
from lintgate.cache.schema import IMPORTED, LOCAL


class MemoRow(NamedTuple):
    """One memo row: `origin` is schema.LOCAL (computed here) or schema.IMPORTED (a hint)."""

    key: str
    value: str
    origin: str


class MemoTable(Database):
    """The memo of the result store: memo_get_many, memo_hints, memo_put_many, iter_memo."""

    def _memo_rows(self, keys: Iterable[str] | None) -> list[MemoRow]:
        """The memo rows `(key, value, origin)` of `keys` (every row when None) that pass their
        checksum, in key order; the others are dropped (counted in `damaged`)."""
        cols = f"{schema.MEMO_COLUMNS}, checksum"
        if keys is None:
            rows: list[tuple[Any, ...]] = self._do(
                lambda conn: conn.execute(f"SELECT {cols} FROM memo ORDER BY key").fetchall()
            )
        else:
            rows = self.select_in(
                f"SELECT {cols} FROM memo WHERE key IN ({{marks}}) ORDER BY key", keys
            )
        good: list[MemoRow] = []
        bad: list[tuple[str, ...]] = []
        for row in rows:
            if schema.memo_checksum(*row[:3]) == row[3]:
                good.append(MemoRow(*row[:3]))
            else:
                bad.append((row[0],))
        self._drop("memo", "key=?", bad)
        return good

    def memo_get_many(self, keys: Iterable[str]) -> dict[str, str]:
        """The stored values of the keys present that this machine computed (origin
        `local`), `{key: value}` (strings both); the keys found join `memo_used`.

        For what a warm run must not recompute, e.g. whether isort's or black's settings
        exclude a path (computing it would import the linter's engine). Imported rows are
        not served here: see memo_hints.
        """
        out = {k: v for k, v, origin in self._memo_rows(keys) if origin == LOCAL}
        self.memo_used.update(out)
        return out

    def memo_hints(self, keys: Iterable[str]) -> dict[str, str]:
        """The imported values (origin `imported`) of the keys present, `{key: value}`.

        An import is written by someone else: the caller must only take a hint that cannot
        hide a finding (for an exclusion verdict, "0": lint the file) and decide the rest
        itself (docs/cache.md, "Trust model: local store"). The caller adds the keys it takes
        to `memo_used`.
        """
        return {k: v for k, v, origin in self._memo_rows(keys) if origin == IMPORTED}

    def memo_put_many(self, items: Mapping[str, str], used: bool = True) -> None:
        """Store `{key: value}` strings, replacing older values; `prune` drops those older
        than its age, `clean` all. used=False is the import path (cache/oci/merge.py): the rows are stored
        with origin `imported`, existing values are kept and the keys do not join `memo_used`."""
        now = self.now()
        origin = LOCAL if used else IMPORTED
        rows = [
            (k, v, origin, schema.memo_checksum(k, v, origin) or "", now) for k, v in items.items()
        ]
        verb = "INSERT OR REPLACE" if used else "INSERT OR IGNORE"
        if rows:
            self._write(
                lambda conn: conn.executemany(
                    f"{verb} INTO memo ({schema.MEMO_COLUMNS}, checksum, created) VALUES (?,?,?,?,?)",
                    rows,
                )
            )
        if used:
            self.memo_used.update(items)

    def iter_memo(self, keys: Iterable[str] | None = None) -> list[tuple[str, str]]:
        """`[(key, value), ...]` of the memo, local and imported rows, for `keys` (present
        ones only) or every row when keys is None, in key order (exports: an importer takes
        every row as a hint only)."""
        return [(k, v) for k, v, _ in self._memo_rows(keys)]
