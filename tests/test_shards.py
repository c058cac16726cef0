"""`--shard K/N` and `--shard auto`: the partition's properties (deterministic, disjoint,
covering, balanced by size, stable when unrelated files are added), the CI variables, the
one-line errors, and the shard a run checks (its result file)."""

from __future__ import annotations

import json
import random

import pytest
from helpers import STDLIB, copy_repo, lintgate, stdlib_files

from lintgate.shards.partition import FILE_COST, Shard, ShardError, assign, from_env, parse


def _stdlib_weights() -> dict[str, int]:
    return {str(p): (STDLIB / p).stat().st_size + FILE_COST for p in stdlib_files()}


def _synthetic(count: int, seed: int) -> dict[str, int]:
    """`count` paths with a heavy-tailed size distribution (most files small, a few large)."""
    rnd = random.Random(seed)
    return {f"pkg{i % 37}/mod_{i}.py": int(rnd.paretovariate(1.3) * 2000) for i in range(count)}


@pytest.mark.parametrize("total", [2, 3, 4, 7, 16])
def test_partition_is_disjoint_covering_and_deterministic(total):
    weights = _synthetic(3000, 1)
    placed = assign(weights, total)
    assert set(placed) == set(weights)  # covering; a dict: each file in one shard (disjoint)
    assert set(placed.values()) == set(range(total))
    shuffled = dict(sorted(weights.items(), key=lambda kv: random.Random(2).random()))
    assert assign(shuffled, total) == placed  # not the order given, the paths and sizes


@pytest.mark.parametrize("total", [2, 3, 4, 7])
def test_partition_is_balanced_by_size_on_the_stdlib(total):
    weights = _stdlib_weights()
    placed = assign(weights, total)
    loads = [0] * total
    for path, k in placed.items():
        loads[k] += weights[path]
    assert max(loads) <= 1.06 * sum(loads) / total, loads


@pytest.mark.parametrize("total", [2, 4, 7])
def test_partition_is_stable_when_unrelated_files_are_added(total):
    """Adding 20 files (1% more, heavy-tailed sizes) moves at most 2% of the others and 1% of
    their bytes; adding or removing one file moves at most 1% of them. (Rendezvous hashing
    alone moves none; the load cap moves a few of the small files that overflow their first
    shard: docs/ci.md, "How files are split".)"""
    weights = _stdlib_weights()
    before = assign(weights, total)
    more = dict(weights)
    more.update({f"new/{i}.py": size for i, size in enumerate(_synthetic(20, 3).values())})
    after = assign(more, total)
    moved = [p for p in weights if before[p] != after[p]]
    assert len(moved) <= 0.02 * len(weights), len(moved)
    assert sum(weights[p] for p in moved) <= 0.01 * sum(weights.values())
    for size in (100, 5000, 60_000):
        one = assign({**weights, "one/more.py": size}, total)
        assert sum(before[p] != one[p] for p in weights) <= 0.01 * len(weights)
    gone = next(iter(weights))
    removed = assign({p: w for p, w in weights.items() if p != gone}, total)
    assert sum(before[p] != removed[p] for p in removed) <= 0.01 * len(weights)


def test_one_shard_is_every_file():
    weights = _synthetic(50, 4)
    assert assign(weights, 1) == dict.fromkeys(weights, 0)


@pytest.mark.parametrize(
    "env, shard",
    [
        ({"CI_NODE_INDEX": "1", "CI_NODE_TOTAL": "3"}, Shard(1, 3)),  # GitLab: 1-based
        ({"CI_NODE_INDEX": "3", "CI_NODE_TOTAL": "3"}, Shard(3, 3)),
        ({"CIRCLE_NODE_INDEX": "0", "CIRCLE_NODE_TOTAL": "4"}, Shard(1, 4)),  # 0-based
        ({"CIRCLE_NODE_INDEX": "3", "CIRCLE_NODE_TOTAL": "4"}, Shard(4, 4)),
        ({"BUILDKITE_PARALLEL_JOB": "0", "BUILDKITE_PARALLEL_JOB_COUNT": "2"}, Shard(1, 2)),
        ({"BUILDKITE_PARALLEL_JOB": "1", "BUILDKITE_PARALLEL_JOB_COUNT": "2"}, Shard(2, 2)),
    ],
)
def test_shard_auto_reads_each_ci(env, shard):
    assert from_env(env) == shard
    assert parse("auto", env) == shard


@pytest.mark.parametrize(
    "value, env, message",
    [
        (
            "auto",
            {},
            "--shard auto: no CI shard variables set (CI_NODE_INDEX/CI_NODE_TOTAL, "
            "CIRCLE_NODE_INDEX/CIRCLE_NODE_TOTAL, BUILDKITE_PARALLEL_JOB/"
            "BUILDKITE_PARALLEL_JOB_COUNT); give --shard K/N",
        ),
        (
            "auto",
            {"CI_NODE_INDEX": "0", "CI_NODE_TOTAL": "2"},
            "--shard auto: CI_NODE_INDEX=0, CI_NODE_TOTAL=2: shard 0 is not between 1 and 2",
        ),
        (
            "auto",
            {"CIRCLE_NODE_INDEX": "x", "CIRCLE_NODE_TOTAL": "2"},
            "--shard auto: CIRCLE_NODE_INDEX=x, CIRCLE_NODE_TOTAL=2: expected two whole numbers",
        ),
        (
            "auto",
            {"BUILDKITE_PARALLEL_JOB": "2"},
            "--shard auto: BUILDKITE_PARALLEL_JOB=2, BUILDKITE_PARALLEL_JOB_COUNT=: expected two "
            "whole numbers",
        ),
        ("0/3", {}, "--shard 0/3: shard 0 is not between 1 and 3"),
        ("4/3", {}, "--shard 4/3: shard 4 is not between 1 and 3"),
        ("1/0", {}, "--shard 1/0: the number of shards must be at least 1"),
        ("2", {}, "--shard: expected K/N (e.g. 2/4) or auto, got '2'"),
        ("-1/3", {}, "--shard: expected K/N (e.g. 2/4) or auto, got '-1/3'"),
        ("1/257", {}, "--shard 1/257: at most 256 shards"),
        ("1/1000000", {}, "--shard 1/1000000: at most 256 shards"),
        ("1/" + "9" * 5000, {}, f"--shard 1/{'9' * 35}...: at most 256 shards"),
        (
            "9" * 5000 + "/3",
            {},
            f"--shard {'9' * 37}...: shard {'9' * 37}... is not between 1 and 3",
        ),
        ("1/\u00b2", {}, "--shard: expected K/N (e.g. 2/4) or auto, got '1/\u00b2'"),
        (
            "auto",
            {"CI_NODE_INDEX": "1", "CI_NODE_TOTAL": "99999999999999999999999"},
            "--shard auto: CI_NODE_INDEX=1, CI_NODE_TOTAL=99999999999999999999999: "
            "at most 256 shards",
        ),
        (
            "auto",
            {"CIRCLE_NODE_INDEX": "255", "CIRCLE_NODE_TOTAL": "256"},
            None,
        ),
    ],
)
def test_bad_shard_values(value, env, message):
    if message is None:  # the largest shard there may be
        assert parse(value, env) == Shard(256, 256)
        return
    with pytest.raises(ShardError) as e:
        parse(value, env)
    assert str(e.value) == message


CI_ENV = (
    "CI_NODE_INDEX",
    "CI_NODE_TOTAL",
    "CIRCLE_NODE_INDEX",
    "CIRCLE_NODE_TOTAL",
    "BUILDKITE_PARALLEL_JOB",
    "BUILDKITE_PARALLEL_JOB_COUNT",
)


def test_shard_auto_without_ci_is_one_line(fixture_repo, monkeypatch):
    for name in CI_ENV:
        monkeypatch.delenv(name, raising=False)
    proc = lintgate(fixture_repo("report-all"), "--shard", "auto")
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr == (
        "lintgate: --shard auto: no CI shard variables set (CI_NODE_INDEX/CI_NODE_TOTAL, "
        "CIRCLE_NODE_INDEX/CIRCLE_NODE_TOTAL, BUILDKITE_PARALLEL_JOB/"
        "BUILDKITE_PARALLEL_JOB_COUNT); give --shard K/N\n"
    )


@pytest.mark.parametrize(
    "args, message",
    [
        (["--output", "result"], "--output result needs a file: --output result=PATH"),
        (["--output", "result=-"], "--output result needs a file: --output result=PATH"),
        (
            ["--output", "result=a.json", "--output", "result=b.json"],
            "--output result=PATH can be given once",
        ),
        (
            ["--fix", "--output", "result=a.json"],
            "--output result=PATH is for checks, not with --fix or --diff",
        ),
        (["--shard", "3/2"], "--shard 3/2: shard 3 is not between 1 and 2"),
        (["--shard", "1/1000000"], "--shard 1/1000000: at most 256 shards"),
        (["--shard", "1/257"], "--shard 1/257: at most 256 shards"),
        (
            ["--output", "result=app.py"],
            "--output: app.py: is a file being checked; not overwriting it",
        ),
    ],
)
def test_bad_shard_options_are_one_line(fixture_repo, args, message):
    repo = fixture_repo("skip-vendor")
    before = (repo / "app.py").read_bytes()
    proc = lintgate(repo, *args)
    assert (proc.returncode, proc.stdout, proc.stderr) == (2, "", f"lintgate: {message}\n")
    assert (repo / "app.py").read_bytes() == before


def test_shard_auto_of_a_huge_ci_total_is_one_line(fixture_repo):
    """A CI total of 10**23 is refused before anything is sized by it (it was OOM-killed)."""
    env = {name: "" for name in CI_ENV}
    env.update(CI_NODE_INDEX="1", CI_NODE_TOTAL="99999999999999999999999")
    proc = lintgate(fixture_repo("skip-vendor"), "--shard", "auto", env=env, timeout=20)
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == (
        "lintgate: --shard auto: CI_NODE_INDEX=1, CI_NODE_TOTAL=99999999999999999999999: "
        "at most 256 shards\n"
    )


def test_shard_cap_is_the_cache_imports():
    """One constant bounds `--shard K/N` and a cache import's `shards=N`."""
    from lintgate.cache.oci import spec
    from lintgate.shards import partition

    assert spec.MAX_SHARDS is partition.MAX_SHARDS == 256
    with pytest.raises(ValueError, match="^1000000 shards: from 1 to 256$"):
        assign({"a.py": 1}, 1_000_000)


def test_shards_check_disjoint_covering_shares(tmp_path):
    """Through the CLI: GitLab's three jobs check every discovered file once between them, and
    what each one checks is what `--shard K/3` checks."""
    repo = copy_repo("report-all", tmp_path / "repo")
    for i in range(30):
        (repo / f"m{i}.py").write_text("import os\n" * (i + 1))
    env = {"LINTGATE_CACHE_DIR": str(tmp_path / "cache")}
    whole = tmp_path / "whole.json"
    lintgate(repo, "--output", f"result={whole}", env=env)
    every = json.loads(whole.read_text())
    assert every["shard"] == {"index": 1, "total": 1}
    checked = []
    for k in (1, 2, 3):
        auto, fixed = tmp_path / f"auto{k}.json", tmp_path / f"fixed{k}.json"
        gitlab = {**env, "CI_NODE_INDEX": str(k), "CI_NODE_TOTAL": "3"}
        lintgate(repo, "--shard", "auto", "--output", f"result={auto}", env=gitlab)
        lintgate(repo, "--shard", f"{k}/3", "--output", f"result={fixed}", env=env)
        doc = json.loads(auto.read_text())
        assert doc["shard"] == {"index": k, "total": 3}
        assert doc["checked"] == json.loads(fixed.read_text())["checked"]
        assert doc["checked"]  # 36 files: no shard is empty
        assert doc["discovered"] == every["discovered"]
        assert doc["settings_digest"] == every["settings_digest"]
        checked += doc["checked"]
    assert sorted(checked) == every["checked"]
    assert len(set(checked)) == len(checked)
