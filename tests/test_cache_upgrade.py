"""Caches of the older stored format (database schema 3, results layers v1, where a parse error
and `nolint` were marks inside the findings) are upgraded, never misread: a check answered
from them prints the bytes of a run without the cache, every file from the cache."""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
from pathlib import Path

import pytest
from helpers import lintgate

from lintgate.cache import oci, schema
from lintgate.cache.findings import decode_error, decode_findings, encode_findings
from lintgate.cache.legacy import ENCODING
from lintgate.cache.oci.layers import layer_json
from lintgate.diagnostic import Finding, StoredResult
from lintgate.linters import ENCODING as LINTERS_ENCODING

FILES = {
    "clean.py": b"import os\n\nprint(os.sep)\n",
    "messy.py": b"import sys, os\nx = {'a':1}\nprint(sys, os, x)\n",
    "broken.py": b"def f(:\n    pass\n",
    "latin.py": b"x = '\xe9'\n",
    "quiet.py": b"import sys, os  # nolint\n\nprint(sys, os)\n",
}
V3_RESULTS = """
CREATE TABLE results (
    key TEXT PRIMARY KEY,
    content_digest TEXT NOT NULL,
    linter TEXT NOT NULL,
    linter_version TEXT NOT NULL,
    lintgate_version TEXT NOT NULL,
    settings_digest TEXT NOT NULL,
    findings TEXT NOT NULL,
    origin TEXT NOT NULL DEFAULT 'imported',
    checksum TEXT NOT NULL DEFAULT '',
    created REAL NOT NULL,
    last_used REAL NOT NULL
) WITHOUT ROWID
"""
V3_COLUMNS = (
    "key, content_digest, linter, linter_version, settings_digest, lintgate_version, findings,"
    " origin"
)


def to_legacy(linter: str, result: StoredResult) -> list[Finding]:
    """The findings an older lintgate stored for `result` of `linter` (the inverse of
    lintgate.cache.legacy.upgrade)."""
    if linter == ENCODING:
        if result.nolint:
            return [Finding(0, 0, "\1nolint")]
        return [result.parse_error] if result.parse_error else []
    if result.parse_error is not None:
        return [result.parse_error._replace(message="\0" + result.parse_error.message)]
    return list(result.findings)


def downgrade_to_v3(db: Path) -> int:
    """Rewrite the results of the database at `db` as schema 3 held them; returns how many
    rows held a parse error or `nolint`."""
    marked = 0
    with contextlib.closing(sqlite3.connect(db)) as conn:
        rows = conn.execute(
            "SELECT key, content_digest, linter, linter_version, settings_digest,"
            " lintgate_version, findings, parse_error, nolint, origin, created, last_used"
            " FROM results"
        ).fetchall()
        conn.execute("DROP TABLE results")
        conn.execute(V3_RESULTS)
        for row in rows:
            result = StoredResult(tuple(decode_findings(row[6])), decode_error(row[7]), row[8])
            marked += result.parse_error is not None or result.nolint
            old = (*row[:6], encode_findings(to_legacy(row[2], result)), row[9])
            checksum = hashlib.sha256("\0".join(("results", *old)).encode()).hexdigest()
            conn.execute(
                f"INSERT INTO results ({V3_COLUMNS}, checksum, created, last_used)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (*old, checksum, *row[10:]),
            )
        conn.execute("PRAGMA user_version=3")
        conn.commit()
    return marked


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    for name, data in FILES.items():
        (root / name).write_bytes(data)
    (root / "pyproject.toml").write_text('[tool.isort]\nprofile = "black"\n')
    return root


def summary_cached(stderr: str, n: int) -> str:
    return stderr.replace(" 0 from cache", f" {n} from cache")


def test_the_legacy_module_names_the_linters_pseudo_linter():
    assert ENCODING == LINTERS_ENCODING


def test_a_schema_3_database_is_upgraded_and_answers_every_file(tree, tmp_path):
    cache = str(tmp_path / "cache")
    plain = lintgate(tree, "--no-cache", "-j", "1")
    assert plain.returncode == 1 and "broken.py" in plain.stdout and "latin.py" in plain.stdout
    first = lintgate(tree, "-j", "1", env={"LINTGATE_CACHE_DIR": cache})
    assert (first.stdout, first.returncode) == (plain.stdout, plain.returncode)
    # broken.py: black's (syntax's) parse error; latin.py: a decode error; quiet.py: nolint
    assert downgrade_to_v3(Path(cache) / "results.sqlite3") >= 3
    again = lintgate(tree, "-j", "1", env={"LINTGATE_CACHE_DIR": cache})
    assert (again.stdout, again.returncode) == (plain.stdout, plain.returncode)
    assert again.stderr.endswith(f" {len(FILES)} from cache, " + again.stderr.split(", ")[-1])
    assert "warning" not in again.stderr
    with contextlib.closing(sqlite3.connect(Path(cache) / "results.sqlite3")) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
        texts = [r[0] for r in conn.execute("SELECT findings FROM results")]
    assert not any("\\u0000" in t or "\\u0001" in t for t in texts)


def _v1_layout(out: Path) -> int:
    """Rewrite the results layers of the OCI layout `out` in the v1 format (entries
    [digest, findings] with the marks, media type v1); returns how many entries were marked."""
    blobs = out / "blobs" / "sha256"
    index = json.loads((out / "index.json").read_text())
    manifest_desc = index["manifests"][0]
    manifest = json.loads((blobs / manifest_desc["digest"][7:]).read_bytes())
    marked = 0
    for layer in manifest["layers"]:
        if layer["mediaType"] != oci.LAYER_MT:
            continue
        body = layer_json((blobs / layer["digest"][7:]).read_bytes(), oci.LAYER_FILE, "x")
        entries = []
        for digest, findings, error, nolint in body["entries"]:
            result = StoredResult(
                tuple(decode_findings(json.dumps(findings))),
                decode_error(json.dumps(error)) if error else None,
                nolint,
            )
            marked += error is not None or nolint
            entries.append([digest, [list(f) for f in to_legacy(body["linter"], result)]])
        body["entries"] = entries
        data = oci.tar_gz(oci.LAYER_FILE, oci.json_bytes(body))
        digest = oci.sha256_digest(data)
        (blobs / digest[7:]).write_bytes(data)
        layer.update(mediaType=oci.LAYER_V1_MT, digest=digest, size=len(data))
    data = oci.json_bytes(manifest)
    manifest_desc.update(digest=oci.sha256_digest(data), size=len(data))
    (blobs / manifest_desc["digest"][7:]).write_bytes(data)
    (out / "index.json").write_text(json.dumps(index))
    return marked


def test_a_v1_results_layer_is_imported_upgraded(tree, tmp_path):
    out = tmp_path / "export"
    plain = lintgate(tree, "--no-cache", "-j", "1")
    first = lintgate(tree, "-j", "1", f"--export-cache=type=local,dest={out}")
    assert first.returncode == plain.returncode
    assert _v1_layout(out) >= 3
    cache = str(tmp_path / "fresh")
    again = lintgate(
        tree, "-j", "1", f"--import-cache=type=local,src={out}", env={"LINTGATE_CACHE_DIR": cache}
    )
    assert (again.stdout, again.returncode) == (plain.stdout, plain.returncode)
    assert "warning" not in again.stderr
    assert again.stderr.splitlines()[-1].startswith(
        plain.stderr.splitlines()[-1].split(" 0 from cache")[0] + f" {len(FILES)} from cache"
    )
