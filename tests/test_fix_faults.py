"""Fault injection: `--fix` on 200 standard library files (a fixed sample, as
test_fix_stdlib takes it) stopped at random moments, by SIGKILL to lintgate alone or by
SIGTERM, leaves every file either as it was or exactly as a whole --fix run makes it, no
temporary file and no live worker."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import copy_stdlib, lintgate, process_group
from helpers import stdlib_sample as stdlib_files

from lintgate.fix import TEMP_SUFFIX

ROUNDS = 4
SEED = 11  # the moments are random, but the same ones on every run


def _tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc for the process group")
def test_fix_stopped_at_random_moments_leaves_every_file_whole(tmp_path):
    files = stdlib_files(200, 4000)
    original = copy_stdlib(files, tmp_path / "original")
    before = _tree(original)
    reference = tmp_path / "reference"
    shutil.copytree(original, reference, symlinks=True)
    lintgate(reference, "--fix", "-j", "2")
    after = _tree(reference)
    assert sum(after[name] != before[name] for name in before) > 50  # there is work to stop
    script = Path(sys.executable).parent / "lintgate"
    moments = random.Random(SEED)
    for round_ in range(ROUNDS):
        work = tmp_path / f"round{round_}"
        shutil.copytree(original, work, symlinks=True)
        signum = (signal.SIGKILL, signal.SIGTERM)[round_ % 2]
        env = dict(os.environ, LINTGATE_CACHE_DIR=str(tmp_path / f"cache{round_}"))
        proc = subprocess.Popen(
            [str(script), "--fix", "-j", "2"],
            cwd=work,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        try:
            time.sleep(moments.uniform(0.5, 4.0))
            proc.send_signal(signum)  # lintgate alone, not its group
            _, stderr = proc.communicate(timeout=30)
            for _ in range(200):  # workers of a killed lintgate end with it (PDEATHSIG)
                if not process_group(proc.pid):
                    break
                time.sleep(0.05)
            assert process_group(proc.pid) == [], (round_, signum)
        finally:
            if process_group(proc.pid):
                os.killpg(proc.pid, signal.SIGKILL)
        now = _tree(work)
        if signum == signal.SIGTERM and proc.returncode != 0:  # 0: it had finished
            # the files already written are named (in path order), then `terminated`
            written = sorted(name for name in before if now.get(name) != before[name])
            named = b"".join(b"lintgate: fixed %s\n" % name.encode() for name in written)
            assert (proc.returncode, stderr) == (143, named + b"lintgate: terminated\n")
        assert b"Traceback" not in stderr
        assert sorted(now) == sorted(before)  # no temporary file
        assert not [p for p in work.rglob(f"*{TEMP_SUFFIX}")]
        for name, data in now.items():
            assert data in (before[name], after[name]), (round_, name)
