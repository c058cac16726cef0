"""Issue 16's small cache and summary items: `lintgate cache status` of a missing cache and
its sizes, `cache clean` giving the space back, the summary's seconds counting the cache
import and export, `--fix` naming the files it fixed."""

from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path

import pytest
from fake_registry import FakeRegistry
from helpers import lintgate

from lintgate.cache import Entry, Store, content_digest, oci
from lintgate.cache.maintenance import readable_size
from lintgate.diagnostic import Finding


def db_size(cache: Path) -> int:
    return sum(
        os.stat(f"{cache}/results.sqlite3{s}").st_size
        for s in ("", "-wal", "-shm")
        if os.path.exists(f"{cache}/results.sqlite3{s}")
    )


@pytest.mark.parametrize(
    "n, text",
    [
        (0, "0 bytes"),
        (1023, "1023 bytes"),
        (1024, "1.0 KiB"),
        (1536, "1.5 KiB"),
        (10 * 1024 - 1, "10.0 KiB"),
        (5 << 20, "5.0 MiB"),
        (3 << 30, "3.0 GiB"),
    ],
)
def test_sizes_are_readable(n, text):
    assert readable_size(n) == text


def test_status_of_a_missing_cache_says_so(tmp_path):
    cache = tmp_path / "nowhere"
    proc = lintgate(tmp_path, "cache", "status", "--cache-dir", str(cache))
    assert (proc.stdout, proc.stderr, proc.returncode) == (
        f"no cache at {cache}: nothing was cached there yet\n",
        "",
        0,
    )
    assert not cache.exists()
    cache.mkdir()  # a directory without a database is no cache either
    proc = lintgate(tmp_path, "cache", "status", "--cache-dir", str(cache))
    assert (proc.stdout, proc.returncode) == (
        f"no cache at {cache}: nothing was cached there yet\n",
        0,
    )


def fill(cache: Path, n: int) -> None:
    with Store(cache) as s:
        s.put_many(
            (
                Entry(content_digest(f"{i}".encode()), "black", "1.0", "0" * 64),
                [Finding(i + 1, 0, f"message {i} " + "x" * 200)],
            )
            for i in range(n)
        )


def test_status_prints_sizes_readably(tmp_path):
    cache = tmp_path / "cache"
    fill(cache, 2000)
    proc = lintgate(tmp_path, "cache", "status", "--cache-dir", str(cache))
    assert proc.returncode == 0
    size = re.search(r"^size: (.*)$", proc.stdout, re.M)
    assert size and re.fullmatch(r"[0-9]+\.[0-9] (KiB|MiB)", size.group(1)), proc.stdout
    # the store's WAL while `status` has it open counts too: within a few per cent
    number, unit = size.group(1).split()
    shown = float(number) * {"KiB": 1 << 10, "MiB": 1 << 20}[unit]
    assert 0.9 < shown / db_size(cache) < 1.15


def test_clean_gives_the_space_back_and_says_how_much(tmp_path):
    cache = tmp_path / "cache"
    fill(cache, 5000)
    before = db_size(cache)
    assert before > 1 << 20
    proc = lintgate(tmp_path, "cache", "clean", "--cache-dir", str(cache))
    after = db_size(cache)
    assert after < 64 << 10  # the pages of the deleted rows went back to the file system
    m = re.fullmatch(
        rf"removed 5000 entries from {re.escape(str(cache))}, freed (.*)\n", proc.stdout
    )
    assert m and proc.returncode == 0, proc.stdout
    assert m.group(1) == readable_size(before - after)
    proc = lintgate(tmp_path, "cache", "clean", "--cache-dir", str(cache))
    assert proc.stdout == f"removed 0 entries from {cache}, freed 0 bytes\n"


def test_the_summary_seconds_count_the_cache_import_and_export(tmp_path):
    (tmp_path / "a.py").write_text("x = 1\n")
    with FakeRegistry() as reg:

        @reg.route("GET", r"/v2/lint/cache/manifests/main")
        def slow(handler, match):
            time.sleep(2.5)
            handler.answer(404)

        ref = f"type=registry,ref={reg.addr}/lint/cache:main,registry.insecure=true"
        proc = lintgate(tmp_path, f"--import-cache={ref}")
    seconds = float(re.search(r", ([0-9.]+)s\n\Z", proc.stderr).group(1))
    assert seconds >= 2.5, proc.stderr


def test_fix_names_each_file_it_fixed(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg/a.py").write_text("import sys, os\nprint(sys, os)\n")
    (tmp_path / "pkg/b.py").write_text("x = {'a':1}\n")
    (tmp_path / "pkg/c.py").write_text("x = 1\n")
    proc = lintgate(tmp_path, "--diff")
    assert proc.stderr.startswith(
        "lintgate: would fix pkg/a.py\nlintgate: would fix pkg/b.py\n"
        "lintgate: 2 file(s) would be fixed\n"
    )
    proc = lintgate(tmp_path, "--fix")
    assert proc.stderr.startswith(
        "lintgate: fixed pkg/a.py\nlintgate: fixed pkg/b.py\nlintgate: 2 file(s) fixed\n"
    )


def test_a_repository_git_refuses_is_one_warning_then_a_walk(tmp_path):
    # git 2.35.2 on refuses a repository another user owns (safe.directory); a fake `git` on
    # PATH answers as it does, so the test runs as any user
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "git").write_text(
        "#!/bin/sh\n"
        "echo \"fatal: detected dubious ownership in repository at '$PWD'\" >&2\n"
        'echo "To add an exception for this directory, call:" >&2\n'
        'echo "" >&2\n'
        'printf "\\tgit config --global --add safe.directory %s\\n" "$PWD" >&2\n'
        "exit 128\n"
    )
    (bin_dir / "git").chmod(0o755)
    repo = tmp_path / "repo"
    (repo / "build").mkdir(parents=True)
    (repo / "a.py").write_text("x = 1\n")
    (repo / "build" / "b.py").write_text("x = 1\n")  # lintgate's walk leaves build/ out
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    proc = lintgate(repo, "--no-cache", env=env)
    assert (proc.stdout, proc.returncode) == ("", 0)
    assert proc.stderr.splitlines()[:-1] == [
        f"lintgate: warning: git refuses the repository at {repo} (detected dubious ownership:"
        " another user owns it; git config --global --add safe.directory PATH trusts it);"
        " walking the directories instead of asking git for the files"
    ]
    assert proc.stderr.splitlines()[-1].startswith("lintgate: 1 file checked, 0 findings")


def registry_spec(addr: str, tag: str, insecure: bool = True) -> oci.CacheSpec:
    value = f"type=registry,ref={addr}/lint/cache:{tag}" + (
        ",registry.insecure=true" if insecure else ""
    )
    return oci.parse_import_cache([value])[0][0]


def import_warnings(tmp_path: Path, spec: oci.CacheSpec) -> list[str]:
    warnings: list[str] = []
    oci.import_cache(Store(tmp_path / "pulled"), spec, warnings.append)
    return warnings


def test_a_plain_http_registry_without_insecure_gets_a_hint(tmp_path):
    with FakeRegistry() as reg:
        warnings = import_warnings(tmp_path, registry_spec(reg.addr, "main", insecure=False))
        (tmp_path / "a.py").write_text("x = 1\n")
        ref = f"type=registry,ref={reg.addr}/lint/cache:main"
        proc = lintgate(tmp_path, f"--export-cache={ref}")
    hint = (
        f"registry {reg.addr} did not answer over HTTPS (a TLS error); if it speaks plain"
        " HTTP, add registry.insecure=true to the cache spec"
    )
    assert warnings == [f"cache import: {hint}; going on without it"]
    assert proc.returncode == 2
    assert proc.stderr.splitlines()[0] == (
        f"lintgate: --export-cache registry {reg.addr}/lint/cache: {hint}"
    )


def test_a_missing_tag_lists_the_tags_there(tmp_path):
    with FakeRegistry() as reg:
        source = f"{reg.addr}/lint/cache:nope"
        assert import_warnings(tmp_path, registry_spec(reg.addr, "nope")) == [
            f"cache import: {source} not found (the repository has no tags); going on without it"
        ]
        for tag in ("main", "pr-7"):
            oci.export_cache(Store(tmp_path / "c"), registry_spec(reg.addr, tag))
        assert import_warnings(tmp_path, registry_spec(reg.addr, "nope")) == [
            f"cache import: {source} not found (tags there: main, pr-7); going on without it"
        ]
        for i in range(120):  # more than one page: the first 100 asked, 10 named
            reg.manifests[f"t{i:03d}"] = b"{}"
        assert import_warnings(tmp_path, registry_spec(reg.addr, "nope")) == [
            f"cache import: {source} not found (tags there: main, pr-7, t000, t001, t002,"
            " t003, t004, t005, t006, t007 and 90+ more); going on without it"
        ]
        # a registry without the tag list: the warning as before
        reg.route("GET", r"/v2/lint/cache/tags/list.*")(lambda h, m: h.answer(404))
        assert import_warnings(tmp_path, registry_spec(reg.addr, "nope")) == [
            f"cache import: {source} not found; going on without it"
        ]


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0, reason="chown to another user needs root"
)
def test_a_repository_of_another_user_is_one_warning_with_the_real_git(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / "a.py").write_text("x = 1\n")
    for path in (repo, *repo.rglob("*")):
        os.lchown(path, 12345, 12345)
    env = {"GIT_CONFIG_GLOBAL": str(tmp_path / "gitconfig")}  # no safe.directory of ours
    proc = lintgate(repo, "--no-cache", env=env)
    assert proc.stderr.splitlines()[0].startswith(
        f"lintgate: warning: git refuses the repository at {repo} (detected dubious ownership"
    )
    assert proc.stderr.splitlines()[1].startswith("lintgate: 1 file checked, 0 findings")
