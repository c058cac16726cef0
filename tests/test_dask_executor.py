"""The Dask executor (issue 15, item 7; docs/dask.md): with `Executor` (or --executor) naming a
Dask scheduler, the per-file work runs on that cluster's workers and the run's output is a
local run's, byte for byte, cold and warm; what cannot run is one line and exit status 2.

The cluster is a distributed.LocalCluster of two worker processes on 127.0.0.1 (module-scoped);
its workers have LINTGATE_TEST_FAULT set (lintgate.workers.injected_fault) to hang on a file
named `hang_on_dask.py`, which only the deadline tests' repository holds.
"""

from __future__ import annotations

import concurrent.futures as cf
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import lintgate

distributed = pytest.importorskip("distributed")

from lintgate.dask_executor import (  # noqa: E402  (after the skip)
    ExecutorUnavailable,
    check_workers,
    map_futures,
)
from lintgate.versions import version_line  # noqa: E402
from lintgate.workers import Lost  # noqa: E402

GENERATOR = Path(__file__).resolve().parent.parent / "benchmarks" / "monorepo.py"
HANG = "hang_on_dask.py"
SUMMARY_TIME = re.compile(r", \d+ from cache, \d+\.\d\ds\n$")


def _local_cluster():
    """A LocalCluster of 2 worker processes (1 thread each) on 127.0.0.1 whose workers hang
    on HANG: (cluster, client)."""
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            env={"LINTGATE_TEST_FAULT": f"hang:{HANG}"},
        ) as cluster,
        distributed.Client(cluster, set_as_default=False) as client,
    ):
        yield cluster, client


@pytest.fixture(scope="module")
def cluster():
    """The module's cluster (_local_cluster)."""
    yield from _local_cluster()


@pytest.fixture
def hang_cluster():
    """A cluster of the test's own, for a test that leaves a task hung on it: Dask cannot stop
    a running task, and ending the cluster ends it (a restart of a shared one's workers has
    waited for minutes)."""
    yield from _local_cluster()


@pytest.fixture(scope="module")
def monorepo(tmp_path_factory) -> Path:
    """benchmarks/monorepo.py's tree at 300 files, a few dirty for each linter."""
    repo = tmp_path_factory.mktemp("dask") / "mono"
    subprocess.run(
        [
            sys.executable,
            str(GENERATOR),
            "--files",
            "300",
            "--dirty",
            "0.06",
            "--no-git",
            str(repo),
        ],
        check=True,
        capture_output=True,
    )
    return repo


def _transitions(cluster) -> int:
    """How many task state changes the cluster's scheduler has seen (it runs in this process)."""
    return cluster.scheduler.transition_counter


def _timeless(stderr: str) -> str:
    return SUMMARY_TIME.sub("\n", stderr)


def test_cold_and_warm_runs_on_the_cluster_are_a_local_runs(cluster, monorepo, tmp_path):
    local = lintgate(monorepo)
    cache = {"LINTGATE_CACHE_DIR": str(tmp_path / "cache")}
    before = _transitions(cluster[0])
    cold = lintgate(monorepo, "--executor", cluster[0].scheduler_address, env=cache)
    during = _transitions(cluster[0])
    warm = lintgate(monorepo, "--executor", cluster[0].scheduler_address, env=cache)
    # every file went through the cluster (each task: released, waiting, processing, memory,
    # forgotten), and the warm run, answered from the cache in this process, never asked it
    assert during - before >= 3 * 298
    assert _transitions(cluster[0]) == during
    assert (cold.stdout, cold.returncode) == (local.stdout, local.returncode) == (warm.stdout, 1)
    assert _timeless(cold.stderr) == _timeless(local.stderr)
    assert "298 files checked, 11 findings, 0 from cache" in cold.stderr
    assert "298 files checked, 11 findings, 298 from cache" in warm.stderr
    linters = {line.split("(")[-1].rstrip(")") for line in cold.stdout.splitlines()}
    assert linters == {"black", "imports", "isort"}


def test_the_config_key_names_the_cluster_and_print_config_shows_it(cluster, tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "a.py").write_text("import sys\nimport os\n\nx=(os,sys)\n")
    address = cluster[0].scheduler_address.replace("tcp://", "dask://")
    (repo / "lintgate.json").write_text(json.dumps({"Executor": address}))
    before = _transitions(cluster[0])
    proc = lintgate(repo)
    assert _transitions(cluster[0]) > before
    assert proc.stdout == lintgate(repo, "--executor", "local").stdout
    assert proc.stdout == (
        "a.py:1:1: ⚠️ imports are incorrectly sorted and/or formatted (isort)\n"
        "a.py:4:1: ⚠️ would reformat line 4 (black)\n"
    )
    assert proc.returncode == 1
    printed = json.loads(lintgate(repo, "--print-config").stdout)
    assert printed["Executor"] == address
    assert json.loads(lintgate(repo, "--no-config", "--print-config").stdout)["Executor"] == "local"


def test_a_shard_on_the_cluster_merges_with_a_local_shard(cluster, tmp_path):
    # Executor is how files are checked, not what is reported: not in the settings digest
    repo = tmp_path / "repo"
    repo.mkdir()
    for n in range(12):
        (repo / f"m{n:02d}.py").write_text(f"import sys\nimport os\n\nx=(os,sys,{n})\n")
    shards = []
    for k, executor in ((1, cluster[0].scheduler_address), (2, "local")):
        shards.append(str(tmp_path / f"r{k}.json"))
        proc = lintgate(
            repo,
            "--shard",
            f"{k}/2",
            "--output",
            f"result={shards[-1]}",
            "--executor",
            executor,
        )
        assert proc.returncode == 1, proc.stderr
    merged = lintgate(repo, "merge", *shards)
    whole = lintgate(repo)
    assert _timeless(merged.stderr) == _timeless(whole.stderr)
    assert (merged.stdout, merged.returncode) == (whole.stdout, 1)
    assert merged.stdout.count("\n") == 24


@pytest.mark.parametrize(
    "value",
    ["dask://127.0.0.1", "http://127.0.0.1:8786", "127.0.0.1:8786", "tcp://:8786", ""],
)
def test_an_address_that_is_not_one_is_a_config_error(tmp_path, value):
    (tmp_path / "lintgate.json").write_text(json.dumps({"Executor": value}))
    proc = lintgate(tmp_path)
    expected = (
        'lintgate: lintgate.json: Executor: expected "local" or a Dask scheduler\'s address '
        f'such as "dask://HOST:8786" (or tcp://, tls://), got {value!r}\n'
    )
    assert (proc.stdout, proc.stderr, proc.returncode) == ("", expected, 2)
    flag = lintgate(tmp_path, "--no-config", "--executor", value)
    assert (flag.stderr, flag.returncode) == (
        expected.replace("lintgate.json: Executor", "--executor"),
        2,
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_an_unreachable_scheduler_is_one_line_and_exit_status_2(tmp_path):
    (tmp_path / "a.py").write_text("import os\n")
    port = _free_port()
    env = {"DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "1s"}
    start = time.monotonic()
    proc = lintgate(tmp_path, "--executor", f"dask://127.0.0.1:{port}", env=env)
    assert time.monotonic() - start < 20
    assert (proc.stdout, proc.returncode) == ("", 2)
    assert proc.stderr == (
        f"lintgate: cannot reach the Dask scheduler at dask://127.0.0.1:{port} (Executor): "
        f"OSError: Timed out trying to connect to tcp://127.0.0.1:{port} after 1 s\n"
    )


def test_the_run_deadline_bounds_the_wait_for_a_scheduler(tmp_path):
    (tmp_path / "a.py").write_text("import os\n")
    port = _free_port()
    env = {"DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "60s"}
    start = time.monotonic()
    proc = lintgate(tmp_path, "--deadline", "1s", "--executor", f"tcp://127.0.0.1:{port}", env=env)
    assert time.monotonic() - start < 20
    assert proc.returncode == 2
    assert proc.stderr.startswith(
        f"lintgate: cannot reach the Dask scheduler at tcp://127.0.0.1:{port} (Executor): "
    )
    assert proc.stderr.count("\n") == 1


def test_without_distributed_one_line_names_the_extra(tmp_path):
    fake = tmp_path / "fake" / "distributed"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text('raise ImportError("No module named distributed")\n')
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "a.py").write_text("import os\n")
    proc = lintgate(
        repo, "--executor", "dask://127.0.0.1:8786", env={"PYTHONPATH": str(fake.parent)}
    )
    assert (proc.stdout, proc.returncode) == ("", 2)
    assert proc.stderr == (
        "lintgate: Executor dask://127.0.0.1:8786: the Dask executor needs distributed, which "
        "is not installed: install lintgate with its 'dask' extra (lintgate[dask]), or "
        "pip install 'dask[distributed]' beside it\n"
    )


def _deadline_repo(root: Path, files: int) -> Path:
    root.mkdir()
    for n in range(files):
        (root / f"f{n:04d}.py").write_text(f"import sys\nimport os\n\nx=(os,sys,{n})\n")
    (root / HANG).write_text('"""Clean: only the fault makes it special."""\n')
    return root


@pytest.mark.slow  # a hung file, on a cluster of its own
def test_a_file_over_file_deadline_costs_that_file_and_sets_bit_2(hang_cluster, tmp_path):
    repo = _deadline_repo(tmp_path / "repo", 30)
    address = hang_cluster[0].scheduler_address
    proc = lintgate(repo, "--file-deadline", "1s", "--executor", address)
    plain = lintgate(repo, "--executor", "local")  # the fault is in the cluster's workers only
    assert _timeless(proc.stderr) == (
        f"lintgate: {HANG}: took longer than 1s (FileDeadline) while checking\n"
        "lintgate: 30 files checked, 1 not checked, 60 findings\n"
    )
    assert proc.returncode == 3
    assert proc.stdout == plain.stdout


@pytest.mark.slow  # a hung file, on a cluster of its own
def test_a_deadline_keeps_the_findings_so_far_and_names_the_rest(hang_cluster, tmp_path):
    repo = _deadline_repo(tmp_path / "repo", 30)
    start = time.monotonic()
    proc = lintgate(repo, "--deadline", "4s", "--executor", hang_cluster[0].scheduler_address)
    assert time.monotonic() - start < 30
    assert proc.returncode == 3, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    start_line = next(i for i, line in enumerate(lines) if "deadline passed" in line)
    count = int(re.search(r"; (\d+) file\(s\) not checked:", lines[start_line]).group(1))
    unchecked = [line.strip() for line in lines[start_line + 1 : start_line + 1 + count]]
    assert HANG in unchecked
    reported = {line.split(":")[0] for line in proc.stdout.splitlines()}
    assert reported | set(unchecked) == {f"f{n:04d}.py" for n in range(30)} | {HANG}
    assert not reported & set(unchecked)
    assert lines[-1].startswith(f"lintgate: {31 - count} files checked, ")


# --- the pieces, without a cluster --------------------------------------------------------


def test_map_futures_answers_errors_task_limits_and_the_deadline():
    def work(item: str) -> str:
        if item == "raise":
            raise ValueError("bad item\nsecond line")
        if item.startswith("sleep"):
            time.sleep(float(item[5:]))
        return item.upper()

    items = ["a", "raise", "sleep1.5", "b", "c"]
    with cf.ThreadPoolExecutor(2) as pool:
        got = dict(map_futures(pool, work, items, 2, 0.5, None))
    assert got == {
        0: "A",
        1: Lost("internal error: ValueError: bad item"),
        2: Lost("took longer than 500ms (FileDeadline)"),
        3: "B",
        4: "C",
    }
    with cf.ThreadPoolExecutor(1) as pool:
        start = time.monotonic()
        got = dict(map_futures(pool, work, ["a", "sleep1", "b"], 1, None, start + 0.3))
        seconds = time.monotonic() - start  # the pool's end waits for the sleep
    assert got == {0: "A"} and seconds < 0.8


class _GoneExecutor(cf.Executor):
    """A cluster whose scheduler went away: every future comes back cancelled, and
    cancelling or shutting down fails."""

    def submit(self, fn, /, *args, **kwargs):
        future = cf.Future()
        future.cancel()
        future.set_running_or_notify_cancel()
        return future

    def shutdown(self, wait=True, *, cancel_futures=False):
        raise RuntimeError("Client is closed")


def test_map_futures_gives_up_on_a_cluster_whose_workers_all_left():
    """Without a deadline the map would wait for ever for the futures of a cluster with no
    worker: after `grace` seconds of `lost()` saying so, one ExecutorUnavailable line."""
    import threading

    release = threading.Event()
    asked = []

    def lost() -> str | None:
        asked.append(time.monotonic())
        return "the Dask scheduler at dask://h:1 has no workers left"

    with cf.ThreadPoolExecutor(1) as pool:
        with pytest.raises(ExecutorUnavailable) as e:
            list(map_futures(pool, lambda _: release.wait(), ["a", "b"], 1, None, None, lost, 0.2))
        release.set()
    assert str(e.value) == (
        "the Dask scheduler at dask://h:1 has no workers left (Executor): "
        "stopped waiting after 0.2 s"
    )
    assert len(asked) >= 2  # said twice, `grace` apart, before giving up
    with cf.ThreadPoolExecutor(1) as pool:  # a cluster with workers: waited for
        got = dict(map_futures(pool, str.upper, ["a", "b"], 1, None, None, lambda: None, 0.2))
    assert got == {0: "A", 1: "B"}


def test_map_futures_stops_when_the_cluster_cancels_the_work():
    with pytest.raises(cf.CancelledError, match="^the cluster cancelled the work$"):
        list(map_futures(_GoneExecutor(), str.upper, ["a", "b"], 2, None, None))


class _FakeClient:
    def __init__(self, versions: dict[str, str], threads: dict[str, int]) -> None:
        self.versions, self.threads = versions, threads

    def run(self, function):
        return self.versions

    def nthreads(self):
        return self.threads


def test_workers_must_run_this_lintgate_and_these_tools():
    ours = version_line()
    two = {"tcp://10.0.0.2:1": ours, "tcp://10.0.0.1:1": ours}
    assert check_workers(_FakeClient(two, {"a": 2, "b": 4}), "dask://h:1") == 6
    other = {
        **two,
        "tcp://10.0.0.3:1": "lintgate 0.1.0 (isort 5.13.2, black 24.1.0, libcst 1.1.0; Python 3.11.7)",
    }
    with pytest.raises(ExecutorUnavailable) as e:
        check_workers(_FakeClient(other, {}), "dask://h:1")
    assert str(e.value) == (
        "Dask worker tcp://10.0.0.3:1 runs lintgate 0.1.0 (isort 5.13.2, black 24.1.0, "
        f"libcst 1.1.0; Python 3.11.7), this run {ours}: install the same versions on the workers"
    )
    with pytest.raises(ExecutorUnavailable) as e:
        check_workers(_FakeClient({}, {}), "dask://h:1")
    assert str(e.value) == "the Dask scheduler at dask://h:1 has no workers"


@pytest.mark.slow  # a hung file, on a cluster of its own
def test_sigterm_cancels_the_clusters_work_and_ends_the_run(hang_cluster, tmp_path):
    cluster = hang_cluster
    repo = _deadline_repo(tmp_path / "repo", 4)
    env = {**os.environ, "LINTGATE_CACHE_DIR": str(tmp_path / "cache")}
    script = Path(sys.executable).parent / "lintgate"
    before = _transitions(cluster[0])
    proc = subprocess.Popen(
        [str(script), "--executor", cluster[0].scheduler_address],
        cwd=repo,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for _ in range(200):  # until the cluster has the files (the hung one among them)
            if _transitions(cluster[0]) - before >= 3 * 5:
                break
            time.sleep(0.05)
        time.sleep(0.5)
        start = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
        assert time.monotonic() - start < 10
    finally:
        if proc.poll() is None:
            proc.kill()
    assert (out, err, proc.returncode) == ("", "lintgate: terminated\n", 128 + signal.SIGTERM)


def test_the_remote_check_pickles_and_answers_as_the_checker(tmp_path):
    import pickle

    from lintgate.engine.check import Checker
    from lintgate.engine.records import Work
    from lintgate.engine.remote import remote_work
    from lintgate.linters.base import Project

    path = tmp_path / "a.py"
    path.write_bytes(b"import sys\nimport os\n\nx=(os,sys)\n")
    checker = Checker(Project(tmp_path, tmp_path), ["imports", "isort", "black"])
    assert remote_work("local", checker) is None and remote_work("", checker) is None
    address, remote = remote_work("dask://127.0.0.1:8786", checker)
    work = Work(str(path), "a.py", path.read_bytes(), ("imports", "isort", "black"))
    copy = pickle.loads(pickle.dumps(remote))
    assert address == "dask://127.0.0.1:8786"
    assert copy(work) == checker(work)
    assert len(copy(work).outcomes["isort"].findings) == 1
    copy.token, copy.versions = "another run", "lintgate 0.0.1 (isort 1.0; Python 3.0.0)"
    with pytest.raises(RuntimeError) as e:
        copy(work)
    assert str(e.value) == f"this worker runs {version_line()}, the run {copy.versions}"
