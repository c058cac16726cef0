"""The benchmark script keeps working: one run of every scenario on the tiny corpus
(benchmarks/corpora/tiny), checking the report's rows and the tools' exit statuses (every tool
finds something in that corpus, so each must exit 1). No timing is asserted."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("psutil")

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SCENARIOS = ["cold", "warm", "one-changed", "fresh-checkout"]
# name -> (label, tools it runs, commands)
CONTENDERS = {
    "lintgate": ("lintgate (isort+black+imports)", ["lintgate"], 1),
    "lintgate-isort-black": ("lintgate (isort+black)", ["lintgate"], 1),
    "isort+black": ("isort --check-only . ; black --check .", ["isort", "black"], 2),
    "pre-commit": ("pre-commit run --all-files", ["pre-commit"], 1),
    "black": ("black --check .", ["black"], 1),
    "ruff": ("ruff check --select I . ; ruff format --check .", ["ruff"], 2),
}


def installed(name: str) -> bool:
    return (BIN / name).exists() or shutil.which(name) is not None


def test_bench_on_the_tiny_corpus(tmp_path):
    out = tmp_path / "out"
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "bench.py"),
            "--corpus",
            "tiny",
            "--scenario",
            "all",
            "--runs",
            "1",
            "--out",
            str(out),
            "--work",
            str(tmp_path / "work"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    report = json.loads((out / "latest.json").read_text())
    markdown = (out / "latest.md").read_text()
    help_text = subprocess.run([str(BIN / "lintgate"), "--help"], capture_output=True, text=True)
    has_cache = all(f in help_text.stdout for f in ("--cache-dir", "--import-cache"))

    assert list(report["results"]) == ["tiny"]
    assert list(report["results"]["tiny"]) == SCENARIOS
    for scenario, result in report["results"]["tiny"].items():
        assert f"## tiny, {scenario}\n" in markdown
        assert result["files"] == 5
        assert list(result["contenders"]) == list(CONTENDERS)
        for name, row in result["contenders"].items():
            label, tools, commands = CONTENDERS[name]
            assert row["label"] == label
            missing = [t for t in tools if not installed(t)]
            if missing:
                assert row["status"] == f"n/a: {', '.join(sorted(missing))} not installed"
                assert f"| {label} | {row['status']} |" in markdown
            elif name.startswith("lintgate") and scenario == "fresh-checkout" and not has_cache:
                assert row["status"] == "n/a: cache not available"
                assert f"| {label} | n/a: cache not available |" in markdown
            else:
                assert row["status"] == "ok"
                assert len(row["runs"]) == 1
                # Every file of the corpus but two is wrong for some tool: each exits 1.
                assert row["runs"][0]["returncodes"] == [1] * commands, (scenario, name)
                assert row["median"]["wall_s"] > 0
                assert row["median"]["peak_rss_bytes"] > 0
                assert f"| {label}" in markdown
    one = report["results"]["tiny"]["one-changed"]
    assert one["changed_file"] == "pkg/unsorted.py"
    # The edited file is restored afterwards.
    tree = tmp_path / "work" / "corpora" / "tiny" / "tree"
    assert (tree / "pkg" / "unsorted.py").read_bytes() == (
        ROOT / "benchmarks" / "corpora" / "tiny" / "pkg" / "unsorted.py"
    ).read_bytes()
    targets = {t["id"]: t["status"] for t in report["targets"]}
    assert set(targets) == {
        "cold-django",
        "cold-stdlib",
        "warm-precommit",
        "warm-ruff",
        "one-changed-tiny",
        "fresh-tiny",
        "version",
        "memory",
    }
    assert targets["cold-django"] == "not measured"
    assert targets["version"] in ("met", "missed")
    assert "## Targets (issue 8)" in markdown
