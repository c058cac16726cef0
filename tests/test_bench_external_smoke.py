"""benchmarks/external.py keeps working: one run of every scenario on the tiny corpus, checking
the report's rows, the exit statuses (both contenders find something there: 1) and that
lintgate's warm and fresh-checkout runs were answered from its cache. No timing is asserted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("psutil")
pytest.importorskip("pre_commit")

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ["cold", "warm", "one-changed", "fresh-checkout"]


@pytest.mark.slow
def test_external_benchmark_on_the_tiny_corpus(tmp_path: Path) -> None:
    out, work = tmp_path / "out", tmp_path / "work"
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "external.py"),
            "--corpus",
            "tiny",
            "--runs",
            "1",
            "--out",
            str(out),
            "--work",
            str(work),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads((out / "latest.json").read_text())
    assert list(report["results"]) == SCENARIOS
    for scenario, result in report["results"].items():
        rows = result["contenders"]
        assert list(rows) == ["lintgate", "pre-commit"]
        assert all(row["exit"] == [1] for row in rows.values()), (scenario, rows)
    assert [t["target"].split(":")[0] for t in report["targets"]] == [
        "warm",
        "fresh checkout, imported cache",
        "cold",
    ]
    assert all(t["status"] in ("met", "missed") for t in report["targets"])
    for scenario in ("warm", "fresh-checkout"):
        summary = (work / "logs" / scenario / "lintgate.log").read_text().splitlines()[-1]
        assert " 5 from cache, " in summary, summary
    markdown = (out / "latest.md").read_text()
    assert "| warm | " in markdown and "| fresh-checkout | " in markdown
