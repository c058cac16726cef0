"""The `results` table: entry key -> what one linter said about one file's bytes (a
StoredResult: findings, parse error, `nolint`)."""

from __future__ import annotations

import sqlite3
from typing import Any, Iterable, Iterator, Sequence

from lintgate.cache import schema
from lintgate.cache.db import CHUNK, TOUCH_INTERVAL, Database
from lintgate.cache.findings import (
    StoredResult,
    decode_error,
    decode_findings,
    encode_error,
    encode_findings,
)
from lintgate.cache.keys import Entry
from lintgate.cache.schema import IMPORTED, LOCAL
from lintgate.diagnostic import Finding

_VALUES = ",".join("?" * 13)  # RESULT_COLUMNS, checksum, created, last_used
_CLEAN = StoredResult()  # most rows: no finding, no parse error, no `nolint` (one shared record)


def _decoded(row: Sequence[Any]) -> StoredResult:
    """The StoredResult of a row's findings, parse_error and nolint columns (6 to 8). Raises
    ValueError when the row fails its checksum (its first 11 columns) or does not decode."""
    if schema.row_checksum(row) != row[10]:
        raise ValueError("checksum")
    if row[6] == "[]" and row[7] == "" and row[8] == 0:
        return _CLEAN
    findings = () if row[6] == "[]" else tuple(decode_findings(row[6]))
    return StoredResult(findings, decode_error(row[7]), bool(row[8]))


class ResultsTable(Database):
    """The result store's answers: get_results, put_results, iter_entries; get_many and
    put_many for results that are findings alone."""

    def get_results(self, keys: Iterable[str]) -> dict[str, StoredResult]:
        """The cached result of each key present: `{key: StoredResult}`; absent keys are
        left out. Marks the hits as used by this run. A row that fails its checksum or does
        not decode is dropped (counted in `damaged`) and is a miss.
        """
        keys = list(keys)
        touch_before = self.now() - TOUCH_INTERVAL
        bad: list[tuple[str, ...]] = []

        def op(conn: sqlite3.Connection) -> dict[str, StoredResult]:
            found: dict[str, StoredResult] = {}
            stale = []
            for i in range(0, len(keys), CHUNK):
                chunk = keys[i : i + CHUNK]
                marks = ",".join("?" * len(chunk))
                sql = (
                    f"SELECT {schema.RESULT_COLUMNS}, checksum, last_used < ? FROM results"
                    f" WHERE key IN ({marks})"
                )
                for row in conn.execute(sql, [touch_before, *chunk]).fetchall():
                    try:
                        found[row[0]] = _decoded(row)
                    except ValueError:
                        bad.append((row[0],))
                        continue
                    if row[11]:
                        stale.append(row[0])
            self._stale.update(stale)
            return found

        found = self._do(op)
        self._drop("results", "key=?", bad)
        self.used.update(found)
        return found

    def get_many(self, keys: Iterable[str]) -> dict[str, list[Finding]]:
        """`get_results` for results that are findings alone: `{key: [Finding, ...]}`."""
        return {
            k: list(r.findings) if r.findings else [] for k, r in self.get_results(keys).items()
        }

    def put_results(self, items: Iterable[tuple[Entry, StoredResult]], used: bool = True) -> int:
        """Store `(entry, result)` pairs, replacing older values of the same keys.

        used=False is the import path (cache/oci/merge.py): the rows are stored with origin `imported`,
        existing values are kept and the entries are not marked as used by this run.
        Returns the number of pairs given.
        """
        now = self.now()
        origin = LOCAL if used else IMPORTED
        rows: list[tuple[object, ...]] = []
        for e, r in items:
            row = (
                e.key,
                *e,
                encode_findings(r.findings),
                encode_error(r.parse_error),
                int(r.nolint),
                origin,
            )
            rows.append((*row, schema.results_checksum(*row) or "", now, now))
        verb = "INSERT OR REPLACE" if used else "INSERT OR IGNORE"
        sql = (
            f"{verb} INTO results ({schema.RESULT_COLUMNS}, checksum, created, last_used)"
            f" VALUES ({_VALUES})"
        )
        self._write(lambda conn: conn.executemany(sql, rows))
        if used:
            self.used.update(str(r[0]) for r in rows)
        return len(rows)

    def put_many(self, items: Iterable[tuple[Entry, Sequence[Finding]]], used: bool = True) -> int:
        """`put_results` for results that are findings alone: `(entry, findings)` pairs."""
        return self.put_results(((e, StoredResult(tuple(f))) for e, f in items), used)

    def iter_entries(
        self, keys: Iterable[str] | None = None
    ) -> Iterator[tuple[Entry, StoredResult]]:
        """`(entry, result)` for `keys` (present ones only), or for every entry when keys is
        None, in key order. Damaged rows (checksum, shape) are left out and dropped.
        """
        cols = f"{schema.RESULT_COLUMNS}, checksum"
        if keys is None:
            rows: list[tuple[Any, ...]] = self._do(
                lambda conn: conn.execute(f"SELECT {cols} FROM results ORDER BY key").fetchall()
            )
        else:
            sql = f"SELECT {cols} FROM results WHERE key IN ({{marks}}) ORDER BY key"
            rows = self.select_in(sql, keys)
        good: list[tuple[Entry, StoredResult]] = []
        bad: list[tuple[str, ...]] = []
        for row in rows:
            try:
                good.append((Entry(*row[1:6]), _decoded(row)))
            except ValueError:
                bad.append((row[0],))
        self._drop("results", "key=?", bad)
        yield from good
