"""The `results` table: entry key -> the findings of one linter on one file's bytes."""

from __future__ import annotations

import sqlite3
from typing import Any, Iterable, Iterator, Sequence

from lintgate.cache import schema
from lintgate.cache.db import CHUNK, TOUCH_INTERVAL, Database
from lintgate.cache.findings import decode_findings, encode_findings
from lintgate.cache.keys import Entry
from lintgate.cache.schema import IMPORTED, LOCAL
from lintgate.diagnostic import Finding


class ResultsTable(Database):
    """The result store's answers: get_many, put_many, iter_entries."""

    def get_many(self, keys: Iterable[str]) -> dict[str, list[Finding]]:
        """The cached findings of each key present: `{key: [Finding, ...]}`; absent keys are
        left out. Marks the hits as used by this run. A row that fails its checksum or does
        not decode is dropped (counted in `damaged`) and is a miss.
        """
        keys = list(keys)
        touch_before = self.now() - TOUCH_INTERVAL
        bad: list[tuple[str, ...]] = []

        def op(conn: sqlite3.Connection) -> dict[str, list[Finding]]:
            found: dict[str, list[Finding]] = {}
            stale = []
            for i in range(0, len(keys), CHUNK):
                chunk = keys[i : i + CHUNK]
                marks = ",".join("?" * len(chunk))
                sql = (
                    f"SELECT {schema.RESULT_COLUMNS}, checksum, last_used < ? FROM results"
                    f" WHERE key IN ({marks})"
                )
                for row in conn.execute(sql, [touch_before, *chunk]).fetchall():
                    key, findings, checksum = row[0], row[6], row[8]
                    try:
                        if schema.results_checksum(*row[:8]) != checksum:
                            raise ValueError("checksum")
                        found[key] = [] if findings == "[]" else decode_findings(findings)
                    except ValueError:
                        bad.append((key,))
                        continue
                    if row[9]:
                        stale.append(key)
            self._stale.update(stale)
            return found

        found = self._do(op)
        self._drop("results", "key=?", bad)
        self.used.update(found)
        return found

    def put_many(self, items: Iterable[tuple[Entry, Sequence[Finding]]], used: bool = True) -> int:
        """Store `(entry, findings)` pairs, replacing older values of the same keys.

        used=False is the import path (cache/oci/merge.py): the rows are stored with origin `imported`,
        existing values are kept and the entries are not marked as used by this run.
        Returns the number of pairs given.
        """
        now = self.now()
        origin = LOCAL if used else IMPORTED
        rows: list[tuple[object, ...]] = []
        for e, f in items:
            row = (e.key, *e, encode_findings(f), origin)
            rows.append((*row, schema.results_checksum(*row) or "", now, now))
        verb = "INSERT OR REPLACE" if used else "INSERT OR IGNORE"
        sql = (
            f"{verb} INTO results ({schema.RESULT_COLUMNS}, checksum, created, last_used)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?)"
        )
        self._write(lambda conn: conn.executemany(sql, rows))
        if used:
            self.used.update(str(r[0]) for r in rows)
        return len(rows)

    def iter_entries(self, keys: Iterable[str] | None = None) -> Iterator[tuple[Entry, str]]:
        """`(entry, findings_json)` for `keys` (present ones only), or for every entry when
        keys is None, in key order. findings_json is `encode_findings`' compact form. Damaged
        rows (checksum, shape) are left out and dropped.
        """
        cols = f"{schema.RESULT_COLUMNS}, checksum"
        if keys is None:
            rows: list[tuple[Any, ...]] = self._do(
                lambda conn: conn.execute(f"SELECT {cols} FROM results ORDER BY key").fetchall()
            )
        else:
            sql = f"SELECT {cols} FROM results WHERE key IN ({{marks}}) ORDER BY key"
            rows = self.select_in(sql, keys)
        good: list[tuple[Entry, str]] = []
        bad: list[tuple[str, ...]] = []
        for row in rows:
            try:
                if schema.results_checksum(*row[:8]) != row[8]:
                    raise ValueError("checksum")
                decode_findings(row[6])
            except ValueError:
                bad.append((row[0],))
                continue
            good.append((Entry(*row[1:6]), row[6]))
        self._drop("results", "key=?", bad)
        yield from good
