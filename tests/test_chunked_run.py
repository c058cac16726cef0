"""A run in chunks (lintgate/engine/chunked.py, issue 15 item 5): the parent plans, answers,
dispatches and records a chunk of files at a time on one set of forked workers, so a cold
run's memory does not grow with every file's plan; its output, exit status and cache are
those of the run planned at once.

The tree is benchmarks/monorepo.py's synthetic monorepo at 300 files (6% dirty, empty
`__init__.py` files: the same contents in many chunks), plus a file with `nolint`
directives; LINTGATE_CHUNK_FILES makes the chunks small.
"""

from __future__ import annotations

import contextlib
import gc
import os
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import lintgate

GENERATOR = Path(__file__).resolve().parent.parent / "benchmarks" / "monorepo.py"
AT_ONCE = {"LINTGATE_CHUNK_FILES": "1000000"}
CHUNK = 7
HOUR_AGO = time.time_ns() - 3600 * 10**9
IN_CHUNKS = {"LINTGATE_CHUNK_FILES": str(CHUNK)}
NOLINT = b"import os  # nolint:imports\nimport sys  # nolint:black\n\nx = sys.argv\n"


@pytest.fixture(scope="module")
def monorepo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = tmp_path_factory.mktemp("chunked") / "mono"
    generate = [sys.executable, str(GENERATOR), "--files", "300", "--dirty", "0.06"]
    subprocess.run([*generate, "--no-git", str(repo)], check=True, capture_output=True)
    (repo / "pkg0000" / "quiet.py").write_bytes(NOLINT)
    for p in repo.rglob("*"):  # none racily clean: the stat index records every file
        os.utime(p, ns=(HOUR_AGO, HOUR_AGO))
    return repo


def _rows(cache: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Each table of the cache, less the columns that hold when a row was written or used."""
    db = cache / "results.sqlite3"
    out = {}
    with contextlib.closing(sqlite3.connect(db)) as conn:
        for table in ("results", "stat", "memo"):
            names = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
            kept = [n for n in names if n not in ("created", "last_used")]
            sql = f"SELECT {', '.join(kept)} FROM {table} ORDER BY 1, 2"
            out[table] = conn.execute(sql).fetchall()
    return out


def _seconds_free(stderr: str) -> str:
    return re.sub(r"\d+\.\d\ds", "N.NNs", stderr)


def _both(repo: Path, tmp_path: Path, *args: str) -> tuple[Any, Any]:
    """The run in chunks and the run at once, each with its cache (kept between calls)."""
    done = []
    for name, env in (("chunks", IN_CHUNKS), ("once", AT_ONCE)):
        cache = tmp_path / f"cache-{name}"
        done.append(lintgate(repo, "--cache-dir", str(cache), *args, env=env))
    return done[0], done[1]


def test_a_cold_run_in_chunks_gives_the_output_and_cache_of_a_run_at_once(
    monorepo: Path, tmp_path: Path
) -> None:
    chunks, once = _both(monorepo, tmp_path, "-j", "2")
    assert once.returncode == chunks.returncode == 1
    assert chunks.stdout == once.stdout
    assert "pkg0000/quiet.py" not in once.stdout  # its directives silence its findings
    # the same `from cache` count: the empty __init__.py files of later chunks are checked
    # again, as in a run planned at once, not answered from what an earlier chunk recorded
    assert _seconds_free(chunks.stderr) == _seconds_free(once.stderr)
    assert re.search(r", 0 from cache, ", once.stderr)
    assert _rows(tmp_path / "cache-chunks") == _rows(tmp_path / "cache-once")


def test_a_run_in_chunks_takes_from_the_cache_what_it_knew_when_the_run_began(
    monorepo: Path, tmp_path: Path
) -> None:
    """A cache that knows some linters (imports) of every file: the run with isort added
    answers the same files from it, and runs isort, in chunks as at once."""
    _both(monorepo, tmp_path, "--disable-all", "-E", "imports")
    chunks, once = _both(monorepo, tmp_path, "--disable-all", "-E", "imports", "-E", "isort", "-v")
    assert once.returncode == chunks.returncode == 1
    assert chunks.stdout == once.stdout
    hits = re.findall(r"cache hits: .*", once.stderr)
    assert hits and hits == re.findall(r"cache hits: .*", chunks.stderr)
    assert "isort 0/" in hits[0]
    summary = r"\d+ files checked, [^,]*, \d+ from cache"
    assert re.findall(summary, chunks.stderr) == re.findall(summary, once.stderr)
    assert _rows(tmp_path / "cache-chunks") == _rows(tmp_path / "cache-once")


def test_the_parent_holds_one_chunks_plans_and_forks_its_workers_once(
    monorepo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In this process (the CLI's main): at every chunk planned, and when each worker is
    forked, no more FilePlans are alive than one chunk's; two workers for the whole run."""
    from lintgate.cli import main
    from lintgate.engine import chunked
    from lintgate.engine.plan import FilePlan
    from lintgate.executor import ForkPool

    def alive() -> int:
        return sum(1 for o in gc.get_objects() if isinstance(o, FilePlan))

    planned: list[int] = []
    forked: list[int] = []
    plan_and_answer, spawn = chunked.plan_and_answer, ForkPool._spawn

    def counting_plan(*args: Any, **kwargs: Any) -> Any:
        result = plan_and_answer(*args, **kwargs)
        planned.append(alive())
        return result

    def counting_spawn(self: Any) -> Any:
        forked.append(alive())
        return spawn(self)

    monkeypatch.setattr(chunked, "plan_and_answer", counting_plan)
    monkeypatch.setattr(ForkPool, "_spawn", counting_spawn)
    monkeypatch.setenv("LINTGATE_CHUNK_FILES", str(CHUNK))
    monkeypatch.chdir(monorepo)
    status = main(["--cache-dir", str(tmp_path / "cache"), "--disable-all", "-E", "imports"])
    assert status == 1
    files = sum(1 for _ in monorepo.rglob("*.py"))
    assert len(planned) == -(-files // CHUNK)  # every chunk planned
    assert max(planned) <= CHUNK  # never more than one chunk's plans
    assert len(forked) == 2 and max(forked) <= CHUNK


def test_after_the_deadline_later_chunks_are_answered_from_the_cache_and_the_rest_unchecked(
    tmp_path: Path,
) -> None:
    """A tree checked once, then some files changed to new contents and some to contents the
    cache knows (another file's); with a deadline that passes before any work, the chunks
    after it are still answered from the cache, and the other files named unchecked in file
    order: the output of the run planned at once."""
    repo = tmp_path / "mono"
    generate = [sys.executable, str(GENERATOR), "--files", "120", "--no-git", str(repo)]
    subprocess.run(generate, check=True, capture_output=True)
    modules = sorted(repo.glob("pkg*/mod*.py"))
    _both(repo, tmp_path, "--disable-all", "-E", "imports")
    for i, module in enumerate(modules[::6]):
        if i % 2:
            module.write_bytes(module.read_bytes() + b"# changed\n")  # new contents
        else:
            module.write_bytes(modules[-1].read_bytes())  # contents the cache knows
    chunks, once = _both(repo, tmp_path, "--disable-all", "-E", "imports", "--deadline", "1ms")
    assert once.returncode == chunks.returncode == 3
    assert chunks.stdout == once.stdout
    assert _seconds_free(chunks.stderr) == _seconds_free(once.stderr)
    new = len(modules[::6]) // 2  # the odd ones
    total = sum(1 for _ in repo.rglob("*.py"))
    stderr = _seconds_free(once.stderr)
    assert f"deadline passed after N.NNs; {new} file(s) not checked:" in stderr
    assert f"{total - new} files checked, {new} not checked, " in stderr
    assert f", {total - new} from cache, " in stderr
