"""Issue 11 for the local cache: a bad cache directory, database or row is one warning line
and never a traceback, a hang or a wrong result; imported exclusion verdicts hide nothing."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from helpers import copy_repo, lintgate, lintgate_traced, normalize_stderr, summary

from lintgate.cache import Entry, StatInfo, Store, content_digest, oci, schema
from lintgate.cache import store as store_mod
from lintgate.diagnostic import Finding

UNSORTED = (
    "app.py:1:1: ⚠️ imports are incorrectly sorted and/or formatted (isort)\n"
    "app.py:6:1: ⚠️ imports are incorrectly sorted and/or formatted (isort)\n"
)
SUMMARY = "lintgate: 1 file checked, 2 findings, 0 from cache, N.NNs\n"


def age(repo: Path, seconds: float = 3600) -> None:
    """Every file's mtime `seconds` back: not racily clean, so the stat index takes it."""
    then = time.time() - seconds
    for path in repo.rglob("*"):
        if path.is_file():
            os.utime(path, (then, then))


@contextlib.contextmanager
def immutable(*paths: Path):
    """`chattr +i` on each path (even root cannot then write it), undone afterwards; skips
    the test where the file system or the capabilities do not allow it."""
    done = []
    try:
        for path in paths:
            proc = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True)
            if proc.returncode:
                pytest.skip(f"chattr +i not available here: {proc.stderr.strip()}")
            done.append(path)
        yield
    finally:
        for path in done:
            subprocess.run(["chattr", "-i", str(path)], check=True)


def _uncached_warning(repo: Path, cache: Path, warning: str) -> None:
    """A run with `cache` as LINTGATE_CACHE_DIR prints `warning` and otherwise what an
    uncached run prints, with its exit status; so does one with --cache-dir."""
    uncached = lintgate(repo, "--no-cache")
    assert (uncached.stdout, uncached.returncode) == (UNSORTED, 1)
    for args, env in (((), {"LINTGATE_CACHE_DIR": str(cache)}), (("--cache-dir", str(cache)), {})):
        proc = lintgate(repo, *args, env=env, timeout=30)
        assert proc.stdout == uncached.stdout
        assert normalize_stderr(proc.stderr) == f"lintgate: warning: {warning}\n" + SUMMARY
        assert proc.returncode == uncached.returncode


# -- 1: times SQLite cannot store -------------------------------------------------------------


def test_stat_times_out_of_int64_are_not_indexed(tmp_path):
    d = content_digest(b"x")
    far = [
        ("old.py", StatInfo(1, -(10**20), 5, 10**9)),  # before 1677 in ns
        ("new.py", StatInfo(1, 10**9, 5, 2**63)),  # a ctime after 2262
        ("ino.py", StatInfo(1, 10**9, 2**64 - 1, 10**9)),  # inodes are unsigned 64-bit
    ]
    fine = ("ok.py", StatInfo(1, 10**9, 5, 10**9))
    with Store(tmp_path / "c") as s:
        assert s.stat_record("/p", [(p, st, d) for p, st in [*far, fine]], now_ns=10**12) == 1
        assert s.stat_lookup("/p", dict([*far, fine])) == {"ok.py": d}


def test_a_file_dated_before_1677_is_checked_every_run(tmp_path):
    shm = Path("/dev/shm")
    if not shm.is_dir():
        pytest.skip("no tmpfs at /dev/shm to hold a time before 1677")
    with tempfile.TemporaryDirectory(dir=shm) as top:
        repo = copy_repo("unsorted", Path(top) / "repo")
        ns = -(10**20)  # the year -1199
        os.utime(repo / "app.py", ns=(ns, ns))
        if os.stat(repo / "app.py").st_mtime_ns != ns:
            pytest.skip("this tmpfs clamps times before 1677")
        env = {"LINTGATE_CACHE_DIR": str(tmp_path / "cache")}
        for _ in range(2):
            proc = lintgate(repo, env=env)
            assert (proc.stdout, proc.returncode) == (UNSORTED, 1)
            assert normalize_stderr(proc.stderr) == (
                "lintgate: 1 file checked, 2 findings, 1 from cache, N.NNs\n" if _ else SUMMARY
            )


# -- 2: the cache directory and database are not what they should be -------------------------


def test_database_path_is_a_directory(tmp_path):
    repo = copy_repo("unsorted", tmp_path / "repo")
    cache = tmp_path / "cache"
    (cache / "results.sqlite3").mkdir(parents=True)
    _uncached_warning(
        repo,
        cache,
        f"cache database {cache}/results.sqlite3 is not a regular file (a directory); "
        "running without the cache",
    )


def test_database_is_a_fifo_does_not_hang(tmp_path):
    repo = copy_repo("unsorted", tmp_path / "repo")
    cache = tmp_path / "cache"
    cache.mkdir()
    os.mkfifo(cache / "results.sqlite3")
    _uncached_warning(
        repo,
        cache,
        f"cache database {cache}/results.sqlite3 is not a regular file (a FIFO); "
        "running without the cache",
    )


def test_write_ahead_log_is_a_fifo_does_not_hang(tmp_path):
    repo = copy_repo("unsorted", tmp_path / "repo")
    cache = tmp_path / "cache"
    Store(cache).close()
    os.mkfifo(cache / "results.sqlite3-wal")
    _uncached_warning(
        repo,
        cache,
        f"cache database {cache}/results.sqlite3-wal is not a regular file (a FIFO); "
        "running without the cache",
    )


def test_cache_directory_is_a_regular_file(tmp_path):
    repo = copy_repo("unsorted", tmp_path / "repo")
    cache = tmp_path / "cache"
    cache.write_bytes(b"not a directory\n")
    _uncached_warning(
        repo, cache, f"cache directory {cache} is not a directory; running without the cache"
    )
    for args, env in (((), {"LINTGATE_CACHE_DIR": str(cache)}), (("--cache-dir", str(cache)), {})):
        for command in ("status", "clean"):
            proc = lintgate(tmp_path, "cache", command, *args, env=env)
            assert (proc.stdout, proc.stderr, proc.returncode) == (
                "",
                f"lintgate cache: cache directory {cache} is not a directory\n",
                2,
            )
    assert cache.read_bytes() == b"not a directory\n"


def _damaged(cache: Path) -> None:
    cache.mkdir()
    (cache / "CACHEDIR.TAG").write_text(store_mod.CACHEDIR_TAG)
    (cache / "results.sqlite3").write_bytes(b"garbage " * 4096)


def test_damaged_database_in_a_read_only_directory(tmp_path):
    repo = copy_repo("unsorted", tmp_path / "repo")
    cache = tmp_path / "cache"
    _damaged(cache)
    with immutable(cache):
        _uncached_warning(
            repo,
            cache,
            f"cache database {cache}/results.sqlite3 was damaged (not an SQLite database) "
            f"and cannot be replaced: cannot lock {cache}/lock (Operation not permitted); "
            "running without the cache",
        )
    assert (cache / "results.sqlite3").read_bytes() == b"garbage " * 4096


def test_damaged_database_whose_lock_is_a_directory(tmp_path):
    repo = copy_repo("unsorted", tmp_path / "repo")
    cache = tmp_path / "cache"
    _damaged(cache)
    (cache / "lock").mkdir()
    _uncached_warning(
        repo,
        cache,
        f"cache database {cache}/results.sqlite3 was damaged (not an SQLite database) "
        f"and cannot be replaced: cannot lock {cache}/lock (Is a directory); "
        "running without the cache",
    )


def test_damaged_database_whose_lock_is_unwritable(tmp_path):
    repo = copy_repo("unsorted", tmp_path / "repo")
    cache = tmp_path / "cache"
    _damaged(cache)
    (cache / "lock").write_bytes(b"")
    with immutable(cache / "lock"):
        _uncached_warning(
            repo,
            cache,
            f"cache database {cache}/results.sqlite3 was damaged (not an SQLite database) "
            f"and cannot be replaced: cannot lock {cache}/lock (Operation not permitted); "
            "running without the cache",
        )


# -- 3: every row carries a checksum ----------------------------------------------------------


def _both(root: Path) -> Path:
    """Three files with findings of isort, black and imports (several lines each)."""
    repo = copy_repo("both", root)
    for name in ("a", "b"):
        (repo / f"{name}.py").write_text(
            "import sys, os\nimport json\n\n\n\n\nx = {'a':1}\nprint(os.sep,sys.argv, x)\n"
        )
    age(repo)
    return repo


def test_a_tampered_result_is_dropped_and_recomputed(tmp_path):
    repo = _both(tmp_path / "repo")
    cache = tmp_path / "cache"
    env = {"LINTGATE_CACHE_DIR": str(cache)}
    cold = lintgate(repo, env=env)
    assert summary(cold.stderr) == (3, 8, 0) and cold.returncode == 1
    with contextlib.closing(sqlite3.connect(cache / "results.sqlite3")) as conn:
        # one digit of one finding: black's "lines 4-8" of a.py and b.py (the same bytes,
        # one entry) start at line 3
        changed = conn.execute(
            "UPDATE results SET findings = replace(findings, '[[4,', '[[3,') "
            "WHERE findings LIKE '[[4,1,%'"
        ).rowcount
        conn.commit()
    assert changed == 1
    warm = lintgate(repo, env=env)
    assert warm.stdout == cold.stdout
    assert normalize_stderr(warm.stderr) == (
        f"lintgate: warning: 1 damaged cache entries in {cache}/results.sqlite3 were dropped "
        "and recomputed\n"
        "lintgate: 3 files checked, 8 findings, 1 from cache, N.NNs\n"
    )
    assert warm.returncode == 1
    again = lintgate(repo, env=env)  # the recomputed row replaced it
    assert (again.stdout, normalize_stderr(again.stderr)) == (
        cold.stdout,
        "lintgate: 3 files checked, 8 findings, 3 from cache, N.NNs\n",
    )


def test_tampered_stat_and_memo_rows_are_dropped(tmp_path):
    repo = _both(tmp_path / "repo")
    cache = tmp_path / "cache"
    env = {"LINTGATE_CACHE_DIR": str(cache)}
    cold = lintgate(repo, env=env)
    with contextlib.closing(sqlite3.connect(cache / "results.sqlite3")) as conn:
        # a.py's bytes map to another digest; every exclusion verdict says "excluded"
        conn.execute("UPDATE stat SET digest = ? WHERE path = 'a.py'", ("0" * 64,))
        assert conn.execute("UPDATE memo SET value = '1'").rowcount == 9
        conn.commit()
    warm = lintgate(repo, env=env)
    assert warm.stdout == cold.stdout
    assert normalize_stderr(warm.stderr) == (
        f"lintgate: warning: 10 damaged cache entries in {cache}/results.sqlite3 were dropped "
        "and recomputed\n"
        "lintgate: 3 files checked, 8 findings, 3 from cache, N.NNs\n"
    )


# -- 4: imported exclusion verdicts ------------------------------------------------------------


def _excluding(root: Path, dirty: bool) -> Path:
    """A tree whose isort skips gen/; app.py clean, or (dirty) with unsorted imports."""
    root.mkdir()
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (root / "pyproject.toml").write_text('[tool.isort]\nextend_skip = ["gen"]\n')
    (root / "gen").mkdir()
    (root / "gen" / "mod.py").write_text("import sys\nimport os\n\nprint(sys, os)\n")
    app = (
        "import sys\nimport os\n\nprint(sys, os)\n"
        if dirty
        else "import os\nimport sys\n\nprint(sys, os)\n"
    )
    (root / "app.py").write_text(app)
    age(root)
    return root


def test_forged_exclusion_verdicts_in_an_import_hide_nothing(tmp_path):
    repo = _excluding(tmp_path / "repo", dirty=False)
    c1 = tmp_path / "c1"
    clean = lintgate(repo, env={"LINTGATE_CACHE_DIR": str(c1)})
    assert (clean.stdout, clean.returncode) == ("", 0)
    # The shared cache's writer says every path is excluded, for every linter.
    with Store(c1) as store:
        rows = dict(store.iter_memo())
        # gen/mod.py is excluded for isort and for the imports linter (isort's file set)
        assert sorted(rows.values()) == ["0"] * 4 + ["1"] * 2
        store.memo_put_many(dict.fromkeys(rows, "1"))
        (spec,), _ = oci.parse_export_cache([f"type=local,dest={tmp_path / 'forged'},mode=max"], [])
        oci.export_cache(store, spec)
    # A fresh checkout at the same path, now with unsorted imports in app.py.
    shutil.rmtree(repo)
    _excluding(repo, dirty=True)
    uncached = lintgate(repo, "--no-cache")
    assert (uncached.stdout, uncached.returncode) == (
        "app.py:1:1: ⚠️ imports are incorrectly sorted and/or formatted (isort)\n",
        1,
    )
    env = {"LINTGATE_CACHE_DIR": str(tmp_path / "c2")}
    proc = lintgate(repo, "--import-cache", f"type=local,src={tmp_path / 'forged'}", env=env)
    assert (proc.stdout, proc.returncode) == (uncached.stdout, 1)
    assert normalize_stderr(proc.stderr) == (
        "lintgate: 2 files checked, 1 finding, 1 from cache, N.NNs\n"
    )
    # The verdicts were decided here and are kept as local ones; the forged ones are gone.
    with Store(tmp_path / "c2") as store:
        assert sorted(store.memo_get_many(rows).values()) == ["0"] * 4 + ["1"] * 2


def test_imported_verdicts_are_hints_and_only_not_excluded_is_taken(tmp_path):
    with Store(tmp_path) as s:
        s.memo_put_many({"a" * 64: "0", "b" * 64: "1"}, used=False)
        s.memo_put_many({"c" * 64: "1"})
        assert s.memo_get_many(["a" * 64, "b" * 64, "c" * 64]) == {"c" * 64: "1"}
        assert s.memo_hints(["a" * 64, "b" * 64, "c" * 64]) == {"a" * 64: "0", "b" * 64: "1"}
        s.memo_put_many({"b" * 64: "0"})  # decided locally: replaces the hint
        assert s.memo_get_many(["b" * 64]) == {"b" * 64: "0"}
        assert s.memo_hints(["b" * 64]) == {}


# -- 5: rows that are not what the schema says ------------------------------------------------


def _entry(i: int) -> Entry:
    return Entry(content_digest(f"file {i}".encode()), "black", "24.1.0", "a" * 64)


def _forge_result(
    db: Path, e: Entry, findings: object, parse_error: object = "", nolint: object = 0
) -> None:
    """Store `findings`, `parse_error` and `nolint` for `e` with a valid checksum (when one
    can be computed): only the value is wrong."""
    with contextlib.closing(sqlite3.connect(db)) as conn:
        row = (e.key, *e, findings, parse_error, nolint, schema.LOCAL)
        conn.execute(
            "UPDATE results SET findings = ?, parse_error = ?, nolint = ?, checksum = ?"
            " WHERE key = ?",
            (findings, parse_error, nolint, schema.results_checksum(*row) or "", e.key),
        )
        conn.commit()


@pytest.mark.parametrize(
    "findings, parse_error, nolint",
    [
        ("[[1,1]]", "", 0),
        ("{not json", "", 0),
        (17, "", 0),
        (b"\x00\xff", "", 0),
        ("[[1,2,3,4,5]]", "", 0),
        ("[]", "[1,1]", 0),  # a parse error of the wrong shape
        ("[]", '[1,1,"m","error",0],[2,2,"n","error",0]', 0),  # two of them
        ("[]", 17, 0),
        ("[]", "", 2),  # nolint is 0 or 1
        ("[]", "", "1"),
    ],
)
def test_a_result_of_the_wrong_shape_is_a_counted_miss(tmp_path, findings, parse_error, nolint):
    warnings: list[str] = []
    items = [(_entry(i), [Finding(i + 1, 0, "m", "warning")]) for i in range(3)]
    with Store(tmp_path) as s:
        s.put_many(items)
    _forge_result(tmp_path / "results.sqlite3", items[1][0], findings, parse_error, nolint)
    with Store(tmp_path, warn=warnings.append) as s:
        assert s.get_many(e.key for e, _ in items) == {
            items[0][0].key: items[0][1],
            items[2][0].key: items[2][1],
        }
        assert [e for e, _ in s.iter_entries()] == sorted(
            (items[0][0], items[2][0]), key=lambda e: e.key
        )
    assert warnings == [
        f"1 damaged cache entries in {tmp_path}/results.sqlite3 were dropped and recomputed"
    ]


def test_rows_of_the_wrong_type_are_dropped(tmp_path):
    warnings: list[str] = []
    with Store(tmp_path) as s:
        s.stat_record("/p", [("a.py", StatInfo(1, 10**9, 2, 10**9), "1" * 64)], now_ns=10**12)
        s.memo_put_many({"k" * 64: "0"})
    with contextlib.closing(sqlite3.connect(tmp_path / "results.sqlite3")) as conn:
        conn.execute("UPDATE stat SET size = 'one'")
        conn.execute("UPDATE memo SET value = x'30'")  # bytes b"0"
        conn.commit()
    with Store(tmp_path, warn=warnings.append) as s:
        assert s.stat_lookup("/p", {"a.py": StatInfo(1, 10**9, 2, 10**9)}) == {}
        assert s.memo_get_many(["k" * 64]) == {}
        assert s.iter_memo() == []
    assert warnings == [
        f"2 damaged cache entries in {tmp_path}/results.sqlite3 were dropped and recomputed"
    ]


def test_a_newer_schema_is_one_warning_and_started_afresh(tmp_path):
    warnings: list[str] = []
    with Store(tmp_path) as s:
        s.put_many([(_entry(1), [])])
    with contextlib.closing(sqlite3.connect(tmp_path / "results.sqlite3")) as conn:
        conn.execute("ALTER TABLE results ADD COLUMN shiny TEXT")
        conn.execute(f"PRAGMA user_version={schema.SCHEMA_VERSION + 1}")
    with Store(tmp_path, warn=warnings.append) as s:
        assert s.get_many([_entry(1).key]) == {}
        s.put_many([(_entry(1), [])])
        assert s.get_many([_entry(1).key]) == {_entry(1).key: []}
    assert warnings == [
        f"cache database {tmp_path}/results.sqlite3 has schema version "
        f"{schema.SCHEMA_VERSION + 1} (another lintgate's); started it afresh"
    ]


def test_tables_that_are_not_lintgates_are_one_warning_and_started_afresh(tmp_path):
    warnings: list[str] = []
    Store(tmp_path).close()
    with contextlib.closing(sqlite3.connect(tmp_path / "results.sqlite3")) as conn:
        conn.execute("DROP TABLE memo")
        conn.execute("CREATE TABLE memo (key TEXT)")
        conn.commit()
    with Store(tmp_path, warn=warnings.append) as s:
        s.memo_put_many({"k" * 64: "1"})
        assert s.memo_get_many(["k" * 64]) == {"k" * 64: "1"}
    assert warnings == [
        f"cache database {tmp_path}/results.sqlite3 has tables of another layout; "
        "started it afresh"
    ]


def test_status_and_prune_take_a_last_used_that_is_not_a_number(tmp_path):
    with Store(tmp_path) as s:
        s.put_many([(_entry(1), []), (_entry(2), [])])
    with contextlib.closing(sqlite3.connect(tmp_path / "results.sqlite3")) as conn:
        conn.execute("UPDATE results SET last_used = 'yesterday' WHERE key = ?", (_entry(1).key,))
        conn.commit()
    with Store(tmp_path) as s:
        status = s.status()
        assert status.entries == 2
        assert status.oldest_seconds == status.newest_seconds < 60
        assert s.prune(3600.0) == 1  # a row whose age cannot be told is old
        assert s.get_many([_entry(1).key, _entry(2).key]) == {_entry(2).key: []}


def test_cache_status_on_a_fifo_database_is_an_error(tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    os.mkfifo(cache / "results.sqlite3")
    proc = lintgate(tmp_path, "cache", "status", "--cache-dir", str(cache), timeout=30)
    assert (proc.stdout, proc.stderr, proc.returncode) == (
        "",
        f"lintgate cache: cache database {cache}/results.sqlite3 is not a regular file (a FIFO)\n",
        2,
    )


def test_an_empty_cache_dir_is_a_usage_error(tmp_path):
    # It would otherwise silently mean the user's default cache.
    repo = copy_repo("unsorted", tmp_path / "repo")
    for args in (("--cache-dir", ""), ("cache", "status", "--cache-dir", "")):
        proc = lintgate(repo, *args)
        assert (proc.stdout, proc.returncode) == ("", 2)
        prefix = "lintgate cache" if args[0] == "cache" else "lintgate"
        assert proc.stderr == f"{prefix}: --cache-dir: the path is empty\n"


def test_a_cache_dir_that_is_a_dangling_symlink(tmp_path):
    repo = copy_repo("unsorted", tmp_path / "repo")
    cache = tmp_path / "cache"
    cache.symlink_to(tmp_path / "gone" / "cache")
    _uncached_warning(
        repo,
        cache,
        f"cache directory {cache} is a symbolic link to a missing {tmp_path}/gone/cache; "
        "running without the cache",
    )


def test_imported_not_excluded_verdicts_are_taken_without_building_settings(tmp_path):
    # Nothing is excluded: every imported verdict is "0", a hint that hides nothing, so a
    # fresh checkout at the same path with the import imports neither isort nor black.
    repo = _both(tmp_path / "repo")
    out = tmp_path / "export"
    cold = lintgate(
        repo,
        "--export-cache",
        f"type=local,dest={out}",
        env={"LINTGATE_CACHE_DIR": str(tmp_path / "c1")},
    )
    shutil.rmtree(repo)
    _both(repo)
    env = {"LINTGATE_CACHE_DIR": str(tmp_path / "c2")}
    proc = lintgate_traced(repo, "--import-cache", f"type=local,src={out}", env=env)
    assert proc.stdout == cold.stdout
    assert normalize_stderr(proc.stderr) == (
        "lintgate: 3 files checked, 8 findings, 3 from cache, N.NNs\nheavy: []\n"
    )
