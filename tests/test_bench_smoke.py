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


def bench(tmp_path: Path, *args: str) -> tuple[dict, str]:
    """Run benchmarks/bench.py on the tiny corpus with one run; (JSON report, Markdown)."""
    out = tmp_path / "out"
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "bench.py"),
            "--corpus",
            "tiny",
            "--runs",
            "1",
            "--out",
            str(out),
            "--work",
            str(tmp_path / "work"),
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    return json.loads((out / "latest.json").read_text()), (out / "latest.md").read_text()


def measured_scenarios() -> set[str]:
    """The scenarios bench.py measures lintgate in, from `lintgate --help` (as bench.py does)."""
    help_text = subprocess.run([str(BIN / "lintgate"), "--help"], capture_output=True, text=True)
    measured = {"cold"}
    if "--cache-dir" in help_text.stdout:
        measured |= {"warm", "one-changed"}
        if "--export-cache" in help_text.stdout and "--import-cache" in help_text.stdout:
            measured.add("fresh-checkout")
    return measured


def check_rows(report: dict, markdown: str, scenarios: list[str], names: list[str]) -> None:
    """Every scenario has a row per contender: measured once, with each tool exiting 1 (every
    tool finds something in the tiny corpus), or n/a for a stated reason."""
    measured = measured_scenarios()
    assert list(report["results"]) == ["tiny"]
    assert list(report["results"]["tiny"]) == scenarios
    for scenario, result in report["results"]["tiny"].items():
        assert f"## tiny, {scenario}\n" in markdown
        assert result["files"] == 5
        assert list(result["contenders"]) == names
        for name, row in result["contenders"].items():
            label, tools, commands = CONTENDERS[name]
            assert row["label"] == label
            missing = [t for t in tools if not installed(t)]
            if missing:
                assert row["status"] == f"n/a: {', '.join(sorted(missing))} not installed"
                assert f"| {label} | {row['status']} |" in markdown
            elif name.startswith("lintgate") and scenario not in measured:
                assert row["status"] == "n/a: cache not available"
                assert f"| {label} | n/a: cache not available |" in markdown
            else:
                assert row["status"] == "ok"
                assert len(row["runs"]) == 1
                assert row["runs"][0]["returncodes"] == [1] * commands, (scenario, name)
                assert row["median"]["wall_s"] > 0
                assert row["median"]["peak_rss_bytes"] > 0
                assert f"| {label}" in markdown
    assert "## Targets (issues 8 and 15)" in markdown


def test_cold_with_every_contender(tmp_path):
    report, markdown = bench(tmp_path, "--scenario", "cold")
    check_rows(report, markdown, ["cold"], list(CONTENDERS))
    targets = {t["id"]: t["status"] for t in report["targets"]}
    assert set(targets) == {
        "cold-django",
        "cold-stdlib",
        "warm-precommit",
        "warm-ruff",
        "warm-ruff-15",
        "version",
        "memory",
    }
    assert targets["cold-django"] == "not measured"
    assert targets["version"] in ("met", "missed")
    assert targets["memory"] in ("met", "missed")


def test_cached_scenarios(tmp_path):
    scenarios = ["warm", "one-changed", "fresh-checkout"]
    report, markdown = bench(
        tmp_path, "--scenario", ",".join(scenarios), "--contenders", "lintgate,black"
    )
    check_rows(report, markdown, scenarios, ["lintgate", "black"])
    one = report["results"]["tiny"]["one-changed"]
    assert one["changed_file"] == "pkg/unsorted.py"
    # The edited file is restored afterwards.
    tree = tmp_path / "work" / "corpora" / "tiny" / "tree"
    assert (tree / "pkg" / "unsorted.py").read_bytes() == (
        ROOT / "benchmarks" / "corpora" / "tiny" / "pkg" / "unsorted.py"
    ).read_bytes()
    targets = {t["id"]: t["status"] for t in report["targets"]}
    if "warm" in measured_scenarios():
        assert targets["one-changed-tiny"] in ("met", "missed")
    else:
        assert targets["one-changed-tiny"] == "not measured"
        assert targets["fresh-tiny"] == "not measured"
        assert (
            "| one file changed, tiny: <= warm + 0.3 s | - | - | not measured |"
            " one-changed: n/a: cache not available |"
        ) in markdown


def test_bad_scenario_is_a_one_line_error(tmp_path):
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench.py"), "--scenario", "hot"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert proc.stderr == (
        "bench: --scenario: expected cold|warm|one-changed|fresh-checkout|all, got 'hot'\n"
    )


def _row(wall: float, cpu: float, rss: int) -> dict:
    run = {"wall_s": wall, "cpu_s": cpu, "peak_rss_bytes": rss, "returncodes": [1]}
    median = {"wall_s": wall, "cpu_s": cpu, "peak_rss_bytes": rss, "others_cores": 0.0}
    return {"label": "x", "status": "ok", "note": "", "runs": [run], "median": median}


def test_render_judges_the_targets(tmp_path):
    """--render recomputes the targets from a JSON report: limits are factors of the
    reference rows of the same run, and a missing lintgate row says why."""
    mib = 2**20
    report = {
        "generated": "2026-01-01 00:00 UTC",
        "machine": {
            "cpus": 2,
            "cpu_model": "test",
            "memory_bytes": 2**30,
            "os": "x",
            "python": "3",
        },
        "versions": {"lintgate": "0.1.0"},
        "features": {"cache-dir": True},
        "version_time": {"median_s": 0.12, "python_c_pass_s": 0.02, "runs": 10},
        "results": {
            "django": {
                "cold": {
                    "files": 3,
                    "contenders": {
                        "lintgate": _row(9.0, 18.0, 300 * mib),
                        "black": _row(10.0, 19.0, 100 * mib),
                    },
                },
                "warm": {
                    "files": 3,
                    "contenders": {
                        "lintgate": _row(0.5, 0.4, 40 * mib),
                        "pre-commit": _row(4.0, 3.0, 90 * mib),
                        "ruff": _row(0.2, 0.1, 10 * mib),
                    },
                },
                "one-changed": {
                    "files": 3,
                    "contenders": {
                        "lintgate": {"label": "x", "status": "n/a: cache not available", "note": ""}
                    },
                },
            }
        },
    }
    source = tmp_path / "in.json"
    source.write_text(json.dumps(report))
    out = tmp_path / "out"
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "bench.py"),
            "--render",
            str(source),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    targets = {t["id"]: t for t in json.loads((out / "latest.json").read_text())["targets"]}
    assert (targets["cold-django"]["status"], targets["cold-django"]["limit"]) == ("met", 10.0)
    assert targets["cold-django"]["detail"] == (
        "lintgate 9.00 s vs black 10.00 s: 0.90x (CPU 18.0 s vs 19.0 s: 0.95x)"
    )
    assert (targets["warm-precommit"]["status"], targets["warm-precommit"]["limit"]) == (
        "missed",
        0.4,
    )
    assert (targets["warm-ruff"]["status"], targets["warm-ruff"]["limit"]) == ("missed", 0.4)
    assert targets["cold-stdlib"]["status"] == "not measured"
    assert targets["one-changed-django"]["status"] == "not measured"
    assert targets["one-changed-django"]["detail"] == "one-changed: n/a: cache not available"
    assert targets["version"]["status"] == "missed"
    assert (targets["memory"]["status"], targets["memory"]["figure"]) == ("missed", 3.0)
    markdown = (out / "latest.md").read_text()
    assert "| lintgate --version <= 0.1 s | 0.120 | 0.100 | missed |" in markdown
