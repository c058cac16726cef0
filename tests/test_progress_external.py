"""The progress line with external linters: their batches count (`external K/N`: files per
external linter) and the time ticks while they run, so a run of an external linter alone
shows its progress too."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

from helpers import lintgate
from test_progress import ERASE, _Clock, _on_a_terminal

from lintgate.progress import Progress

SLOW = """
import sys, time
if sys.argv[1:] == ["--version"]:
    print("slow 1.0")
    sys.exit(0)
time.sleep(1.6)
"""
EXTERNAL = re.compile(r"lintgate: 3/3 files, 0 findings, external ([0-3])/3, (\d+\.\d)s")


def _repo(root: Path) -> Path:
    (root / "bin").mkdir(parents=True)
    tool = root / "bin" / "slow"
    tool.write_text(f"#!{sys.executable}\n{SLOW}")
    tool.chmod(0o755)
    repo = root / "repo"
    repo.mkdir()
    for name in ("a.py", "b.py", "c.py"):
        (repo / name).write_text("x = 1\n")
    config = {"DisableAll": True, "Enable": ["slow"], "Linters": {"slow": "slow:PATH:LINE:MESSAGE"}}
    (repo / "lintgate.json").write_text(json.dumps(config))
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    return repo


def test_an_external_linter_alone_shows_progress(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    env = {
        "PATH": f"{tmp_path / 'bin'}:/usr/bin:/bin",
        "LINTGATE_CACHE_DIR": str(tmp_path / "cache"),
    }
    piped = lintgate(repo, "-j", "2", env=env)
    assert piped.returncode == 0, piped.stderr
    env["LINTGATE_CACHE_DIR"] = str(tmp_path / "cache2")
    status, stdout, terminal = _on_a_terminal(repo, "-j", "2", env=env)
    assert (status, stdout) == (0, "")
    *updates, summary = terminal[:-1].split(ERASE)
    assert re.fullmatch(r"lintgate: 3 files checked, 0 findings, 0 from cache, \d+\.\d\ds", summary)
    shown = [EXTERNAL.fullmatch(u) for u in updates[1:]]
    assert shown and all(shown), updates
    seconds = [float(m.group(2)) for m in shown]
    assert shown[0].group(1) == "0" and seconds[0] >= 1.0
    assert seconds == sorted(seconds) and len(set(seconds)) > 1  # the time ticks


def test_progress_counts_external_files() -> None:
    stream, clock = io.StringIO(), _Clock()
    line = Progress(stream, 2, clock)
    line.external_total = 4
    line.add(2, 1)  # every file's in-process linters done; the batches still run
    clock.now += 1
    line.add(0, 0)  # a tick
    clock.now += 0.125
    line.add(0, 0, 3)
    clock.now += 0.125
    line.add(0, 0, 1)  # all done: not drawn, the summary follows
    assert stream.getvalue() == (
        f"{ERASE}lintgate: 2/2 files, 1 findings, external 0/4, 1.0s"
        f"{ERASE}lintgate: 2/2 files, 1 findings, external 3/4, 1.1s"
    )
