"""Fuzz: never crash, never hang, never leak (issue 11).

Each example is a small repository (tests/fuzz_inputs.py): `FILES` mutated windows of real
standard-library files (byte flips, truncations, NULs, coding cookies, line-ending mixes, deep
nesting, very long lines, BOMs, invalid UTF-8, form feeds, tabs, inserted imports, ...), maybe
a lintgate.json (valid, or in one example of four one lintgate must refuse) and a
pyproject.toml with random [tool.isort]/[tool.black], maybe a few flags (`--diff`, formats,
`-j`, linter selection) and an environment whose stdout cannot encode everything. Per
example, the real `lintgate` console script runs three times (cold, warm on the same cache,
`--fix` on a copy), each in its own process group with a per-run timeout (not through
helpers.lintgate, whose timeout would leave the workers running), and:

- no run hangs (past `TIMEOUT` seconds: a failure), none leaves a process behind in its
  process group or a file in its TMPDIR, and `--fix` leaves no temporary file;
- stderr never holds a traceback or a fatal interpreter error; the exit status is 0-3;
- the warm run prints the same stdout, the same stderr (but the seconds and the count from
  the cache) and exits the same (unless a short Deadline makes the output depend on timing);
- the check runs write nothing in the repository; `--fix` leaves every file that black cannot
  decode or parse (lintgate's syntax verdict is black's) byte for byte as it was.

Default run: about `LINTGATE_FUZZ_EXAMPLES`=300 inputs, derandomized (the same examples every
run). `make fuzz` runs 10,000 random ones. `LINTGATE_FUZZ_COLLECT=DIR` records every failing
example under DIR (the repository, its description, the failures) instead of stopping at the
first; `LINTGATE_FUZZ_SHRINK=1` shrinks a failing example (minutes: three runs a step);
`LINTGATE_FUZZ_SKIP` leaves mutation kinds out (tests/fuzz_inputs.py). The failures
found so far are kept as reproducers (tests/fixtures/fuzz/, test_fuzz_reproducer).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from fuzz_inputs import SKIP, Repo, repos
from helpers import normalize_stderr
from hypothesis import HealthCheck, Phase, given, settings

from lintgate.fix import TEMP_SUFFIX

INPUTS = int(os.environ.get("LINTGATE_FUZZ_EXAMPLES", "300"))
FILES = int(os.environ.get("LINTGATE_FUZZ_FILES", "12"))  # mutated files per example
TIMEOUT = float(os.environ.get("LINTGATE_FUZZ_TIMEOUT", "60"))  # seconds for one lintgate run
COLLECT = os.environ.get("LINTGATE_FUZZ_COLLECT")
RANDOM = bool(os.environ.get("LINTGATE_FUZZ_RANDOM"))
SHRINK = bool(os.environ.get("LINTGATE_FUZZ_SHRINK"))
SCRIPT = Path(sys.executable).parent / "lintgate"
CRASH_MARKERS = ("Traceback (most recent call last)", "Fatal Python error", "Segmentation fault")

# Judges a file as lintgate's syntax and encoding verdicts do: black's decode_bytes, then
# black's parser (with the pyproject's target versions when it names valid ones). One process
# for all files of an example; a crash (deep nesting) counts as "does not parse".
JUDGE = r"""
import json, sys
import black
from black.parsing import lib2to3_parse
paths, targets = json.load(sys.stdin)
versions = {v for v in black.TargetVersion if v.name.lower() in targets}
out = []
for p in paths:
    try:
        with open(p, "rb") as f:
            data = f.read()
        try:
            text = black.decode_bytes(data, black.Mode())[0]
        except TypeError:  # black < 24.8: no mode argument
            text = black.decode_bytes(data)[0]
        lib2to3_parse(text.lstrip(), versions)
        out.append(True)
    except BaseException:
        out.append(False)
print(json.dumps(out))
"""


@dataclass
class Run:
    """A finished (or killed) lintgate run: `status` (None when it timed out), its outputs,
    and whether processes of its group outlived it (`leaked`)."""

    status: int | None
    stdout: str
    stderr: str
    leaked: bool


def run_lintgate(
    cwd: Path, args: tuple[str, ...], cache: Path, extra: dict[str, str], timeout: float
) -> Run:
    """Run the console script in its own process group (so a hang or a leak kills all of it),
    with `extra` in its environment; killed after `timeout` seconds (then `status` is None)."""
    env = dict(os.environ, LINTGATE_CACHE_DIR=str(cache), **extra)
    proc = subprocess.Popen(
        [str(SCRIPT), *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=timeout)
        status: int | None = proc.returncode
    except subprocess.TimeoutExpired:
        _kill_group(proc.pid)
        out, err = proc.communicate()
        status = None
    leaked = False
    for _ in range(20):  # workers may still be on their way out for a moment
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        leaked = True
        _kill_group(proc.pid)
    return Run(
        status,
        out.decode("utf-8", "surrogateescape"),
        err.decode("utf-8", "surrogateescape"),
        leaked,
    )


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def tree(root: Path) -> dict[str, bytes]:
    """Relative path -> bytes of every file under `root` (not .git)."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


def short_deadline(repo: Repo) -> bool:
    """Whether the lintgate.json sets a Deadline short enough for the output to depend on
    timing (then cold and warm need not agree)."""
    from lintgate.config.duration import parse_duration

    try:
        deadline = json.loads(repo.lintgate_json or b"{}").get("Deadline")
        return 0 < parse_duration(deadline) < 2 * TIMEOUT
    except Exception:
        return False


def black_targets(repo: Repo) -> list[str]:
    try:
        import tomllib

        value = tomllib.loads(repo.pyproject.decode())["tool"]["black"]["target-version"]
        return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
    except Exception:
        return []


def judge(paths: list[Path], targets: list[str]) -> list[bool]:
    """Whether black decodes and parses each file (False also when black crashes on it)."""
    proc = subprocess.run(
        [sys.executable, "-c", JUDGE],
        input=json.dumps([[str(p) for p in paths], targets]),
        capture_output=True,
        text=True,
        timeout=TIMEOUT * 4,
    )
    if proc.returncode == 0:
        return json.loads(proc.stdout)
    if len(paths) == 1:
        return [False]
    return [judge([p], targets)[0] for p in paths]


def crashed(run: Run) -> bool:
    """Whether the run's stderr holds a traceback or a fatal interpreter error."""
    return any(marker in run.stderr for marker in CRASH_MARKERS)


def run_problems(name: str, run: Run, timeout: float) -> list[str]:
    """The properties every run must keep; one line per broken one, its class first."""
    problems = []
    if run.status is None:
        problems.append(f"hang: {name} run still going after {timeout:.0f}s")
    elif run.status not in (0, 1, 2, 3):
        problems.append(f"status: {name} run exited {run.status}")
    if crashed(run):
        # the exception's own line (the last one naming an exception type), not its message's tail
        raised = re.findall(
            r"^[A-Za-z_][\w.]*(?:Error|Exception|Interrupt|Exit)\b.*$", run.stderr, re.M
        )
        marker = next(m for m in CRASH_MARKERS if m in run.stderr)
        problems.append(f"crash: {name} run: {raised[-1] if raised else marker}")
    if run.leaked:
        problems.append(f"leak: {name} run left processes in its group")
    return problems


REPRODUCERS = Path(__file__).parent / "fixtures" / "fuzz"


@dataclass
class Reproducer:
    """A failure the fuzz test found, kept as tests/fixtures/fuzz/NAME: `repo/` (the files,
    configs included) and `case.json` ({"flags": [...], "env": {...}, "class", "owner",
    "failure"}). Checked with the same properties as a generated example."""

    path: Path

    @property
    def case(self) -> dict:
        return json.loads((self.path / "case.json").read_text())

    @property
    def flags(self) -> tuple[str, ...]:
        return tuple(self.case.get("flags", ()))

    @property
    def env(self) -> dict[str, str]:
        return dict(self.case.get("env", {}))

    def _config(self, name: str) -> bytes | None:
        p = self.path / "repo" / name
        return p.read_bytes() if p.is_file() else None

    @property
    def lintgate_json(self) -> bytes | None:
        return self._config("lintgate.json")

    @property
    def pyproject(self) -> bytes | None:
        return self._config("pyproject.toml")

    def write(self, root: Path) -> None:
        shutil.copytree(self.path / "repo", root, symlinks=True)

    def describe(self) -> str:
        return f"{self.path.name}: {self.case.get('failure', '')}"


def check_example(repo: Repo | Reproducer, root: Path, timeout: float = TIMEOUT) -> list[str]:
    """Write `repo` under `root`, run lintgate on it (each run killed after `timeout` seconds),
    and return the broken properties, one line each, the failure class first."""
    work, fixed, cache, tmp = root / "repo", root / "fix", root / "cache", root / "tmp"
    tmp.mkdir()
    env = dict(repo.env, TMPDIR=str(tmp))  # what a run leaves in its temporary directory
    repo.write(work)
    subprocess.run(["git", "init", "-q", str(work)], check=True)
    before = tree(work)
    problems: list[str] = []

    cold = run_lintgate(work, repo.flags, cache, env, timeout)
    problems += run_problems("cold", cold, timeout)
    if cold.status is None:  # the warm run and --fix would hang as well: one timeout is enough
        return problems + [f"(stderr tail: {cold.stderr.strip()[-400:]!r})"]
    warm = run_lintgate(work, repo.flags, cache, env, timeout)
    problems += run_problems("warm", warm, timeout)
    comparable = not (crashed(cold) or crashed(warm) or short_deadline(repo))
    if warm.status is not None and comparable:
        if cold.stdout != warm.stdout:
            problems.append("cold/warm: stdout differs\n" + _diff(cold.stdout, warm.stdout))
        if _stderr(cold) != _stderr(warm):
            problems.append("cold/warm: stderr differs\n" + _diff(_stderr(cold), _stderr(warm)))
        if cold.status != warm.status:
            problems.append(f"cold/warm: exit status {cold.status} then {warm.status}")
    after = tree(work)
    for path in sorted(set(before) | set(after)):
        if before.get(path) != after.get(path):
            problems.append(f"write: a check run changed {path}")

    shutil.copytree(work, fixed, symlinks=True)
    fix = run_lintgate(fixed, ("--fix", *repo.flags), cache, env, timeout)
    problems += run_problems("--fix", fix, timeout)
    result = tree(fixed)
    changed = [p for p in before if p.endswith((".py", ".pyi")) and result.get(p) != before[p]]
    if changed:
        verdicts = judge([work / p for p in changed], black_targets(repo))
        for path, parses in zip(changed, verdicts):
            if not parses:
                problems.append(f"fix-broken: --fix changed {path}, which black cannot parse")
    for path in result:
        if path.endswith(TEMP_SUFFIX):
            problems.append(f"leak: --fix left the temporary file {path}")
    for left in [] if "tmpleak" in SKIP else sorted(tmp.iterdir()):
        problems.append(f"leak: a run left {left.name} in its temporary directory")
    if problems:
        problems.append(f"(cold exit {cold.status}; stderr tail: {cold.stderr.strip()[-400:]!r})")
    return problems


def _stderr(run: Run) -> str:
    """stderr without what may differ between a cold and a warm run: the seconds, and how many
    files came from the cache."""
    return re.sub(r"\b\d+ from cache\b", "N from cache", normalize_stderr(run.stderr))


def _diff(a: str, b: str) -> str:
    import difflib

    lines = difflib.unified_diff(a.splitlines(), b.splitlines(), "cold", "warm", lineterm="", n=1)
    return "\n".join(list(lines)[:20])


def _record(repo: Repo, root: Path, problems: list[str]) -> None:
    """Keep a failing example under LINTGATE_FUZZ_COLLECT: repo/, description.txt."""
    digest = hashlib.sha256(repo.describe().encode()).hexdigest()[:12]
    dest = Path(COLLECT) / digest
    if dest.exists():
        return
    shutil.copytree(
        root / "repo", dest / "repo", symlinks=True, ignore=shutil.ignore_patterns(".git")
    )
    (dest / "description.txt").write_text(
        repo.describe() + "\n\n" + "\n".join(problems) + "\n", errors="backslashreplace"
    )


@settings(
    max_examples=max(1, -(-INPUTS // (FILES + 1))),
    deadline=None,
    derandomize=not RANDOM,
    database=None,
    print_blob=True,
    # Shrinking runs lintgate three times per step (minutes): only when asked for
    phases=[Phase.explicit, Phase.generate] + ([Phase.shrink] if SHRINK and not COLLECT else []),
    suppress_health_check=list(HealthCheck),
)
@given(repos(FILES))
def test_fuzz_never_crash_hang_or_leak(repo: Repo) -> None:
    with tempfile.TemporaryDirectory(prefix="lintgate-fuzz-") as tmp:
        start = time.monotonic()
        problems = check_example(repo, Path(tmp))
        if COLLECT:
            Path(COLLECT).mkdir(parents=True, exist_ok=True)
            with open(Path(COLLECT) / "progress.log", "a") as log:
                log.write(
                    f"{repo.inputs()} inputs {time.monotonic() - start:.1f}s "
                    f"{len(problems)} problems\n"
                )
            if problems:
                _record(repo, Path(tmp), problems)
            return
    assert not problems, repo.describe() + "\n\n" + "\n".join(problems)


@pytest.mark.parametrize(
    "name", sorted(p.name for p in REPRODUCERS.iterdir() if (p / "case.json").is_file())
)
def test_fuzz_reproducer(name: str, tmp_path: Path) -> None:
    """Each failure the fuzz test found (tests/fixtures/fuzz/*/case.json names its owner),
    checked with the same properties: it passes once the fix is in."""
    problems = check_example(Reproducer(REPRODUCERS / name), tmp_path, timeout=20)
    assert not problems, "\n".join(problems)
