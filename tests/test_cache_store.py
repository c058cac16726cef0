"""The local result store: round trip, stat index, concurrency, corruption, maintenance."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import downgrade_to_v1, rewrite_keeping_size_and_mtime

from lintgate import __version__
from lintgate.cache import (
    Entry,
    StatInfo,
    Store,
    content_digest,
)
from lintgate.cache import db as db_mod
from lintgate.cache import file_digests, format_status, parse_age, resolve_cache_dir, schema
from lintgate.cache import store as store_mod
from lintgate.cache.maintenance import readable_size
from lintgate.diagnostic import Finding

FIXTURES = Path(__file__).parent / "fixtures" / "cache"
DAY = 86400.0


def entry(name: str, linter: str = "black", settings: str = "a" * 64) -> Entry:
    return Entry(content_digest(name.encode()), linter, "24.1.0", settings)


def sample(n: int, linter: str = "black") -> list[tuple[Entry, list[Finding]]]:
    out = []
    for i in range(n):
        findings = (
            [Finding(i + 1, i % 7, f"problem {i} ✓", "error" if i % 5 == 0 else "warning")]
            if i % 3
            else []
        )
        out.append((entry(f"file {i}", linter), findings))
    return out


class Clock:
    """Stands in for lintgate.cache.db's `time`: time() in seconds, time_ns() in ns."""

    def __init__(self, now: float) -> None:
        self.now = now

    def time(self) -> float:
        return self.now

    def time_ns(self) -> int:
        return int(self.now * 1e9)


def test_entry_key_is_sha256_of_every_part():
    e = entry("x")
    assert e.lintgate_version == __version__
    assert len(e.key) == 64
    # Each part changes the key: the linter, its version, lintgate's version, the settings.
    variants = {
        e,
        e._replace(linter="isort"),
        e._replace(linter_version="24.2.0"),
        e._replace(lintgate_version="9.9"),
        e._replace(settings_digest="b" * 64),
        e._replace(content_digest=content_digest(b"y")),
    }
    assert len({v.key for v in variants}) == 6


def test_round_trip_and_misses(tmp_path):
    items = sample(50)
    with Store(tmp_path) as s:
        assert s.put_many(items) == 50
    with Store(tmp_path) as s:
        keys = [e.key for e, _ in items] + [entry("absent").key]
        got = s.get_many(keys)
        assert got == {e.key: f for e, f in items}
        assert all(isinstance(f, Finding) for fs in got.values() for f in fs)
        assert s.used == {e.key for e, _ in items}


def test_put_replaces_but_import_keeps(tmp_path):
    e = entry("x")
    with Store(tmp_path) as s:
        s.put_many([(e, [Finding(1, 1, "old")])])
        s.put_many([(e, [Finding(2, 2, "imported")])], used=False)
        assert s.get_many([e.key]) == {e.key: [Finding(1, 1, "old")]}
        s.put_many([(e, [Finding(3, 3, "new")])])
        assert s.get_many([e.key]) == {e.key: [Finding(3, 3, "new")]}


def test_used_tracks_hits_and_puts_not_imports(tmp_path):
    a, b, c = entry("a"), entry("b"), entry("c")
    with Store(tmp_path) as s:
        s.put_many([(a, []), (b, [])], used=False)
        assert s.used == set()
        s.get_many([a.key])
        s.put_many([(c, [])])
        assert s.used == {a.key, c.key}


def test_cachedir_tag(tmp_path):
    Store(tmp_path / "c").close()
    assert (
        (tmp_path / "c" / "CACHEDIR.TAG")
        .read_text()
        .startswith("Signature: 8a477f597d28d172789f06886806bc55\n")
    )


def test_resolve_cache_dir(tmp_path, monkeypatch):
    assert resolve_cache_dir(tmp_path / "x", {"LINTGATE_CACHE_DIR": "/elsewhere"}) == tmp_path / "x"
    assert (
        resolve_cache_dir(None, {"LINTGATE_CACHE_DIR": str(tmp_path / "env")}) == tmp_path / "env"
    )
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert resolve_cache_dir(None, {}) == tmp_path / "xdg" / "lintgate"


@pytest.mark.parametrize(
    "text, seconds",
    [
        ("30d", 30 * DAY),
        ("12h", 43200),
        ("90m", 5400),
        ("45s", 45),
        ("1d12h", 1.5 * DAY),
        ("1.5h", 5400),
    ],
)
def test_parse_age(text, seconds):
    assert parse_age(text) == seconds


@pytest.mark.parametrize("text", ["", "30", "d", "30x", "-1d", "1.2.3d", "30d5"])
def test_parse_age_rejects(text):
    with pytest.raises(
        ValueError,
        match=r"invalid age .*: use a number and a unit s, m, h or d, e.g. 30d",
    ):
        parse_age(text)


# -- stat index -------------------------------------------------------------------------------


def _old_file(path: Path, data: bytes, mtime_ns: int = 1_600_000_000 * 10**9) -> StatInfo:
    path.write_bytes(data)
    os.utime(path, ns=(mtime_ns, mtime_ns))
    return StatInfo.of(os.stat(path))


def test_stat_index(tmp_path):
    root = tmp_path / "proj"
    root.mkdir()
    stats = {name: _old_file(root / name, name.encode() * 10) for name in ("a.py", "b.py", "c.py")}
    with Store(tmp_path / "cache") as s:
        assert s.stat_lookup(root, stats) == {}
        n = s.stat_record(
            root,
            [(p, st, content_digest((root / p).read_bytes())) for p, st in stats.items()],
        )
        assert n == 3
    # Change b.py's size and c.py's mtime: only a.py keeps its digest.
    stats["b.py"] = _old_file(root / "b.py", b"longer content")
    stats["c.py"] = _old_file(root / "c.py", b"c.py" * 10, mtime_ns=1_600_000_001 * 10**9)
    with Store(tmp_path / "cache") as s:
        assert s.stat_lookup(root, stats) == {"a.py": content_digest(b"a.py" * 10)}
        assert s.stat_lookup(tmp_path / "other-project", stats) == {}


def test_stat_record_skips_racily_clean_files(tmp_path):
    f = tmp_path / "new.py"
    f.write_bytes(b"x = 1\n")
    st = StatInfo.of(os.stat(f))
    with Store(tmp_path / "cache") as s:
        assert (
            s.stat_record(
                tmp_path,
                [("new.py", st, content_digest(b"x = 1\n"))],
                now_ns=st.mtime_ns + 10**9,
            )
            == 0
        )
        assert s.stat_lookup(tmp_path, {"new.py": st}) == {}
        assert (
            s.stat_record(
                tmp_path,
                [("new.py", st, content_digest(b"x = 1\n"))],
                now_ns=st.mtime_ns + 3 * 10**9,
            )
            == 1
        )
        assert s.stat_lookup(tmp_path, {"new.py": st}) == {"new.py": content_digest(b"x = 1\n")}


def test_stat_index_sees_a_rewrite_that_keeps_size_and_mtime(tmp_path):
    root = tmp_path / "proj"
    root.mkdir()
    _old_file(root / "a.py", b"import os\n")
    with Store(tmp_path / "cache") as s:
        assert file_digests(s, root, ["a.py"]).data == {"a.py": b"import os\n"}
        assert s.status().files_indexed == 1
    with Store(tmp_path / "cache") as s:  # unchanged: answered from the index, not read
        assert file_digests(s, root, ["a.py"]).data == {}
    rewrite_keeping_size_and_mtime(root / "a.py", b"import re\n")
    with Store(tmp_path / "cache") as s:
        again = file_digests(s, root, ["a.py"])
    assert again.data == {"a.py": b"import re\n"}
    assert again.digests == {"a.py": content_digest(b"import re\n")}


def test_a_version_1_database_is_migrated_keeping_its_results(tmp_path):
    warnings = []
    rows = sample(6)
    with Store(tmp_path) as s:
        s.put_many(rows)
        s.memo_put_many({"k": "v"})
    downgrade_to_v1(tmp_path / store_mod.DB_NAME)
    with Store(tmp_path, warn=warnings.append) as s:
        assert s.get_many(e.key for e, _ in rows) == {e.key: f for e, f in rows}
        # who wrote a memo row then is unknown: it is kept as an imported one, a hint
        assert (s.memo_get_many(["k"]), s.memo_hints(["k"])) == ({}, {"k": "v"})
        assert s.status().files_indexed == 0  # its stat rows had no ctime: dropped
        assert s.stat_lookup("/p", {"a.py": StatInfo(1, 1, 1, 1)}) == {}
        assert s.stat_record("/p", [("a.py", StatInfo(1, 1, 1, 1), "1" * 64)], now_ns=10**12)
        assert s.stat_lookup("/p", {"a.py": StatInfo(1, 1, 1, 1)}) == {"a.py": "1" * 64}
    assert warnings == []
    with contextlib.closing(sqlite3.connect(tmp_path / store_mod.DB_NAME)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
        columns = [row[1] for row in conn.execute("PRAGMA table_info(stat)")]
    assert columns == [
        "root",
        "path",
        "size",
        "mtime_ns",
        "ctime_ns",
        "inode",
        "digest",
        "checksum",
    ]


def test_a_database_of_an_unknown_version_is_started_afresh(tmp_path):
    rows = sample(3)
    with Store(tmp_path) as s:
        s.put_many(rows)
    with contextlib.closing(sqlite3.connect(tmp_path / store_mod.DB_NAME)) as conn:
        conn.execute(f"PRAGMA user_version={schema.SCHEMA_VERSION + 1}")
    with Store(tmp_path) as s:
        assert s.get_many(e.key for e, _ in rows) == {}
        assert s.status().entries == 0


# -- concurrency ------------------------------------------------------------------------------


def test_two_processes_write_at_once(tmp_path):
    cache, go = tmp_path / "cache", tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)}
    procs = [
        subprocess.Popen(
            [sys.executable, str(FIXTURES / "writer.py"), str(cache), w, str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for w in ("one", "two")
    ]
    go.touch()
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert [o[0] for o in outs] == ["0\n", "0\n"]  # no warnings
    with Store(cache) as s:
        assert s.status().entries == 200 * 5 + 2 * 200 * 5
        e = Entry(content_digest(b"two-199-4"), "black", "24.1.0", "s" * 64)
        assert s.get_many([e.key]) == {e.key: [Finding(200, 4, "two 199 4", "error")]}
        assert s.status().files_indexed == 400


# -- corruption -------------------------------------------------------------------------------


def _filled(tmp_path: Path, n: int = 2000) -> tuple[Path, list]:
    items = sample(n)
    with Store(tmp_path) as s:
        s.put_many(items)
    assert not Path(f"{tmp_path / store_mod.DB_NAME}-wal").exists()  # checkpointed on close
    return tmp_path / store_mod.DB_NAME, items


def _check_rebuilt(tmp_path: Path, warnings: list[str], s: Store, items: list) -> None:
    assert len(warnings) == 1
    assert warnings[0].startswith(f"cache database {tmp_path / store_mod.DB_NAME} was damaged (")
    assert warnings[0].endswith("); moved it to results.sqlite3.corrupt and started a new one")
    assert (tmp_path / "results.sqlite3.corrupt").exists()
    # Nothing of the damaged file answers; the new store works.
    assert s.get_many(e.key for e, _ in items) == {}
    s.put_many(items[:10])
    assert s.get_many(e.key for e, _ in items) == dict((e.key, f) for e, f in items[:10])


def test_garbage_file_is_reported_once_and_rebuilt(tmp_path):
    (tmp_path / store_mod.DB_NAME).write_bytes(b"this is not a database\n" * 500)
    warnings: list[str] = []
    with Store(tmp_path, warn=warnings.append) as s:
        assert "not an SQLite database" in warnings[0]
        _check_rebuilt(tmp_path, warnings, s, sample(20))
    with Store(tmp_path, warn=warnings.append) as s:
        assert s.status().entries == 10
    assert len(warnings) == 1


def test_truncated_file_is_reported_once_and_rebuilt(tmp_path):
    db, items = _filled(tmp_path)
    size = db.stat().st_size
    with open(db, "r+b") as f:
        f.truncate(size // 2 + 100)
    warnings: list[str] = []
    with Store(tmp_path, warn=warnings.append) as s:
        assert "(truncated)" in warnings[0]
        _check_rebuilt(tmp_path, warnings, s, items)


def test_damage_found_mid_run_is_reported_once_and_rebuilt(tmp_path):
    db, items = _filled(tmp_path)
    data = bytearray(db.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    start = len(data) // page // 2 * page
    data[start:] = b"\xa5" * (len(data) - start)  # scramble the second half of the pages
    db.write_bytes(bytes(data))
    warnings: list[str] = []
    s = Store(tmp_path, warn=warnings.append)
    try:
        assert warnings == []  # the header and the first pages are sound: the damage shows later
        assert s.get_many(e.key for e, _ in items) == {}  # found damaged, rebuilt: all misses
        _check_rebuilt(tmp_path, warnings, s, items)
        assert "(database disk image is malformed)" in warnings[0]
    finally:
        s.close()


def test_unreadable_value_is_a_miss(tmp_path):
    e = entry("x")
    with Store(tmp_path) as s:
        s.put_many([(e, [Finding(1, 1, "m")])])
    conn = sqlite3.connect(tmp_path / store_mod.DB_NAME)
    conn.execute("UPDATE results SET findings = '[[1,1]]'")
    conn.commit()
    conn.close()
    with Store(tmp_path) as s:
        assert s.get_many([e.key]) == {}


# -- status, prune, clean ---------------------------------------------------------------------


def test_status_prune_clean(tmp_path, monkeypatch):
    clock = Clock(1_700_000_000.0)
    monkeypatch.setattr(db_mod, "time", clock)
    old, recent, revived = (
        sample(10),
        sample(5, "isort"),
        [(entry("revived"), [Finding(1, 0, "r")])],
    )
    with Store(tmp_path) as s:
        s.put_many(old + revived)
        clock.now += 10 * DAY
        s.put_many(recent)
        s.stat_record(
            "/p",
            [
                ("old.py", StatInfo(1, 1, 1, 1), old[7][0].content_digest),
                ("new.py", StatInfo(1, 1, 2, 1), recent[0][0].content_digest),
            ],
        )
    clock.now += 25 * DAY  # old: 35 days unused; recent: 25 days
    with Store(tmp_path) as s:
        assert s.get_many([revived[0][0].key])  # used now: survives the prune
    with Store(tmp_path) as s:
        st = s.status()
        assert (st.entries, st.files_indexed) == (16, 2)
        assert (st.oldest_seconds, st.newest_seconds) == (35 * DAY, 0.0)
        files = [
            tmp_path / store_mod.DB_NAME,
            Path(f"{tmp_path / store_mod.DB_NAME}-wal"),
            Path(f"{tmp_path / store_mod.DB_NAME}-shm"),
        ]
        assert st.size_bytes == sum(f.stat().st_size for f in files if f.exists())
        assert format_status(st).splitlines() == [
            f"directory: {tmp_path}",
            f"size: {readable_size(st.size_bytes)}",
            "entries: 16",
            "files indexed: 2",
            "last used: newest 0s ago, oldest 35d ago",
        ]
        assert s.prune(parse_age("30d")) == 10
        assert s.get_many(e.key for e, _ in old) == {}
        assert s.get_many(e.key for e, _ in recent + revived) == {
            e.key: f for e, f in recent + revived
        }
        assert s.stat_lookup(
            "/p", {"old.py": StatInfo(1, 1, 1, 1), "new.py": StatInfo(1, 1, 2, 1)}
        ) == {"new.py": recent[0][0].content_digest}
        assert s.clean() == 6
        st = s.status()
        assert (st.entries, st.files_indexed, st.oldest_seconds) == (0, 0, None)
        assert format_status(st).splitlines()[2:] == ["entries: 0", "files indexed: 0"]


def test_unwritable_directory_is_one_line_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(
        store_mod.CacheError,
        match=r"^cache directory .*/file/sub is not a directory \(.*/file is not\)$",
    ):
        Store(blocker / "sub")


# -- a warm run stays light -------------------------------------------------------------------


def test_importing_the_cache_loads_no_linter_engine(tmp_path):
    code = f"""
import sys
from lintgate.cache import Store, Entry, content_digest
from lintgate.cache import oci
s = Store({str(tmp_path)!r})
e = Entry(content_digest(b"x"), "black", "1", "s")
s.put_many([(e, [])])
assert s.get_many([e.key]) == {{e.key: []}}
oci.export_cache(s, oci.parse_export_cache(["type=local,dest={tmp_path / 'exp'}"])[0][0])
oci.import_cache(s, oci.parse_import_cache(["type=local,src={tmp_path / 'exp'}"])[0][0], print)
s.close()
print(sorted(m for m in sys.modules if m.split(".")[0] in ("isort", "black", "libcst", "requests")))
"""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)}
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert out.stdout == "[]\n", out.stderr


def test_file_digests_reads_only_changed_files(tmp_path):
    root = tmp_path / "proj"
    (root / "pkg").mkdir(parents=True)
    names = ["a.py", "pkg/b.py", "pkg/c.py"]
    for n in names:
        _old_file(root / n, f"# {n}\n".encode())
    paths = names + ["missing.py"]
    with Store(tmp_path / "cache") as s:
        first = file_digests(s, root, paths)
    assert first.digests == {n: content_digest(f"# {n}\n".encode()) for n in names}
    assert first.data == {n: f"# {n}\n".encode() for n in names}
    assert list(first.errors) == ["missing.py"]
    assert isinstance(first.errors["missing.py"], FileNotFoundError)
    _old_file(root / "pkg/b.py", b"changed = True\n", mtime_ns=1_700_000_000 * 10**9)
    with Store(tmp_path / "cache") as s:
        second = file_digests(s, root, paths)
    assert second.digests == {
        **first.digests,
        "pkg/b.py": content_digest(b"changed = True\n"),
    }
    assert second.data == {"pkg/b.py": b"changed = True\n"}
    # Without a store every file is read.
    assert file_digests(None, root, names).data.keys() == set(names)


def test_memo(tmp_path, monkeypatch):
    clock = Clock(1_700_000_000.0)
    monkeypatch.setattr(db_mod, "time", clock)
    with Store(tmp_path) as s:
        s.memo_put_many({"black:/p/pkg:cfg-stats": "digest-1", "old": "x"})
        clock.now += 40 * DAY
        s.memo_put_many({"black:/p/pkg:cfg-stats": "digest-2", "isort:/p": "digest-3"})
    with Store(tmp_path) as s:
        assert s.memo_get_many(["black:/p/pkg:cfg-stats", "isort:/p", "old", "absent"]) == {
            "black:/p/pkg:cfg-stats": "digest-2",
            "isort:/p": "digest-3",
            "old": "x",
        }
        s.prune(30 * DAY)
        assert s.memo_get_many(["old", "isort:/p"]) == {"isort:/p": "digest-3"}
        s.clean()
        assert s.memo_get_many(["isort:/p"]) == {}


def test_memo_used_and_imported(tmp_path):
    with Store(tmp_path) as s:
        s.memo_put_many({"a": "1", "b": "0", "c": "1"})
        assert s.memo_used == {"a", "b", "c"}
    with Store(tmp_path) as s:
        # An import neither replaces a local value nor counts as used by this run; its rows
        # are hints, apart from the local ones.
        s.memo_put_many({"a": "0", "d": "0"}, used=False)
        assert s.memo_used == set()
        assert s.memo_get_many(["a", "d", "absent"]) == {"a": "1"}
        assert s.memo_hints(["a", "d", "absent"]) == {"d": "0"}
        assert s.memo_used == {"a"}
        assert s.iter_memo(s.memo_used) == [("a", "1")]
        assert s.iter_memo() == [("a", "1"), ("b", "0"), ("c", "1"), ("d", "0")]
        s.clean()
        assert s.memo_used == set() and s.iter_memo() == []
