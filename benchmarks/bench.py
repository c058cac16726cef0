"""Side-by-side benchmark: lintgate against the tools a repository would run instead.

Usage (from the repository root, in the venv with the `bench` extra installed):

    python benchmarks/bench.py --corpus django --scenario all --runs 5 --out benchmarks/results

Every measured run is one subprocess tree started from here: wall seconds (perf_counter around
start and wait), CPU seconds (the delta of getrusage(RUSAGE_CHILDREN), user + system, which
includes every descendant that was waited for) and peak memory (the largest sum of the RSS of
the process and all its descendants, sampled with psutil every 20 ms). Contenders alternate
within each round; each figure is the median of the runs. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

try:
    import psutil
except ImportError:  # reported as a one-line error in main()
    psutil = None

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DOWNLOADS = ROOT / ".downloads"
DJANGO = "5.2.8"
BIN = Path(sys.executable).parent
SCENARIOS = ("cold", "warm", "one-changed", "fresh-checkout")
CORPORA = ("stdlib", "django", "tiny")
# A figure from runs longer than this many seconds is the median of 3 runs, not of --runs.
LONG_RUN = 30.0
SAMPLE_EVERY = 0.02
GIT_ENV = {
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@example.invalid",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.invalid",
}
PRE_COMMIT_CONFIG = """\
# Local hooks running the venv's isort and black: nothing to download.
repos:
  - repo: local
    hooks:
      - id: isort
        name: isort
        entry: {isort} --check-only
        language: system
        types: [python]
      - id: black
        name: black
        entry: {black} --check
        language: system
        types: [python]
"""


class BenchError(Exception):
    """A benchmark that cannot run (missing corpus, tool, dependency): one line for the user."""


# --- tools and features -------------------------------------------------------------------


def tool(name: str) -> str | None:
    """The path of console script `name`: the running venv's first, else PATH; None if absent."""
    candidate = BIN / name
    if candidate.exists():
        return str(candidate)
    return shutil.which(name)


@dataclass
class Features:
    """What the installed lintgate supports, found from its own behaviour (not its version)."""

    cache_dir: bool = False
    export_import: bool = False
    imports_linter: bool = False
    help_text: str = ""


def detect_features(lintgate: str) -> Features:
    """Feature-detect lintgate: the cache flags from `lintgate --help`, the `imports` linter
    from whether `-E imports` is accepted (an unknown linter is a usage error, exit 2)."""
    out = subprocess.run([lintgate, "--help"], capture_output=True, text=True)
    help_text = out.stdout
    with tempfile.TemporaryDirectory() as empty:
        probe = subprocess.run(
            [lintgate, "--no-config", "--disable-all", "-E", "imports"],
            cwd=empty,
            capture_output=True,
            text=True,
            env=_env_without_lintgate_cache(),
        )
    return Features(
        cache_dir="--cache-dir" in help_text,
        export_import="--export-cache" in help_text and "--import-cache" in help_text,
        imports_linter="unknown linter" not in probe.stderr,
        help_text=help_text,
    )


def _env_without_lintgate_cache() -> dict:
    env = dict(os.environ)
    env.pop("LINTGATE_CACHE_DIR", None)
    return env


def tool_versions() -> dict:
    """`--version` output (first line) of each tool, or None when it is not installed."""
    versions = {}
    for name in ("lintgate", "isort", "black", "pre-commit", "ruff"):
        path = tool(name)
        if path is None:
            versions[name] = None
            continue
        out = subprocess.run([path, "--version"], capture_output=True, text=True)
        found = re.search(r"\d+\.\d+(?:\.\d+)?", out.stdout or out.stderr)
        versions[name] = found.group(0) if found else None
    return versions


# --- corpora ------------------------------------------------------------------------------


def git(tree: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "commit.gpgsign=false", *args],
        cwd=tree,
        check=True,
        capture_output=True,
        env=dict(os.environ, **GIT_ENV),
    )


def django_source() -> Path:
    """The Django sdist unpacked in .downloads/ (downloaded from PyPI with pip the first time,
    exactly as tests/test_agreement.py does, so the two share one download)."""
    target = DOWNLOADS / f"django-{DJANGO}"
    if not target.is_dir():
        DOWNLOADS.mkdir(exist_ok=True)
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:"]
        out = subprocess.run(
            [*cmd, f"Django=={DJANGO}", "-d", str(DOWNLOADS)], capture_output=True, text=True
        )
        if out.returncode:
            raise BenchError(f"could not download Django {DJANGO}: {out.stderr.strip()[-300:]}")
        with tarfile.open(DOWNLOADS / f"django-{DJANGO}.tar.gz") as tar:
            tar.extractall(DOWNLOADS, filter="data")
    return target


def stdlib_files(sample: int | None) -> list[Path]:
    """The running Python's standard library .py files (site-packages and __pycache__ left
    out), relative to its directory; with `sample`, about that many (every k-th, fixed)."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    files = sorted(
        p.relative_to(stdlib)
        for p in stdlib.rglob("*.py")
        if "site-packages" not in p.parts and "__pycache__" not in p.parts and p.is_file()
    )
    if sample:
        files = files[:: max(1, len(files) // sample)]
    return files


def build_pristine(corpus: str, dest: Path, sample: int | None) -> None:
    """Write corpus `corpus` into `dest`: the files, a pre-commit config with local hooks, and a
    git repository with everything committed (pre-commit wants one)."""
    if corpus == "stdlib":
        stdlib = Path(sysconfig.get_paths()["stdlib"])
        for rel in stdlib_files(sample):
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(stdlib / rel, dest / rel)
        (dest / "pyproject.toml").write_text('[tool.isort]\nprofile = "black"\n')
    elif corpus == "django":
        shutil.copytree(django_source(), dest)
    else:
        shutil.copytree(HERE / "corpora" / "tiny", dest)
    isort, black = tool("isort"), tool("black")
    (dest / ".pre-commit-config.yaml").write_text(
        PRE_COMMIT_CONFIG.format(isort=isort, black=black)
    )
    git(dest, "init", "-q", ".")
    git(dest, "add", "-A", ".")
    git(dest, "commit", "-q", "--no-verify", "-m", "corpus")


def prepare_corpus(corpus: str, work: Path, sample: int | None) -> tuple[Path, Path]:
    """(pristine copy, working tree) of the corpus under `work`; the pristine copy is built once
    per corpus and sample, the working tree is copied from it afresh on every invocation."""
    name = corpus if not (corpus == "stdlib" and sample) else f"stdlib-sample{sample}"
    pristine = work / "corpora" / name / "pristine"
    marker = pristine.parent / "complete"
    if not marker.exists():
        shutil.rmtree(pristine.parent, ignore_errors=True)
        pristine.parent.mkdir(parents=True)
        build_pristine(corpus, pristine, sample)
        marker.write_text("ok\n")
    tree = pristine.parent / "tree"
    checkout(pristine, tree)
    return pristine, tree


def checkout(pristine: Path, tree: Path) -> None:
    """A fresh copy of `pristine` at `tree` (new inodes and mtimes, the same path), as a
    `git clone` would make it."""
    shutil.rmtree(tree, ignore_errors=True)
    # shutil.copy, not copytree's default copy2: copy2 would keep the pristine mtimes.
    shutil.copytree(pristine, tree, symlinks=True, copy_function=shutil.copy)


def python_files(tree: Path) -> list[Path]:
    """The committed .py files of `tree`, sorted (relative paths)."""
    out = subprocess.run(
        ["git", "ls-files", "*.py"], cwd=tree, capture_output=True, text=True, check=True
    )
    return sorted(Path(p) for p in out.stdout.splitlines())


def file_to_change(tree: Path) -> Path:
    """The file the one-changed scenario edits: the median-sized committed .py file (a fixed,
    ordinary file for a given corpus)."""
    files = sorted(python_files(tree), key=lambda p: ((tree / p).stat().st_size, str(p)))
    return files[len(files) // 2]


# --- measuring ----------------------------------------------------------------------------


@dataclass
class Run:
    """One measured run of a contender: seconds, CPU seconds, bytes, exit statuses, and how
    busy the rest of the machine was meanwhile (CPU seconds of every other process)."""

    wall: float
    cpu: float
    peak_rss: int
    returncodes: list[int]
    load1: float
    others_cpu: float = 0.0

    def as_json(self) -> dict:
        return {
            "wall_s": round(self.wall, 4),
            "cpu_s": round(self.cpu, 4),
            "peak_rss_bytes": self.peak_rss,
            "returncodes": self.returncodes,
            "load1": round(self.load1, 2),
            "others_cpu_s": round(self.others_cpu, 3),
        }


def _busy_cpu_seconds() -> float:
    """CPU seconds the whole machine has spent busy (not idle, not waiting for I/O)."""
    t = psutil.cpu_times()
    return sum(t) - t.idle - getattr(t, "iowait", 0.0)


def _tree_rss(proc: "psutil.Process") -> int:
    total = 0
    try:
        procs = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def measure(commands: list[list[str]], cwd: Path, env: dict, log: Path) -> Run:
    """Run `commands` one after the other (each whatever the previous one's status, as
    `make -k` would) and measure them together. Returns a Run; output goes to `log`.
    Each command runs in its own session; if the benchmark is interrupted, its process group
    is killed."""
    wall = cpu = 0.0
    peak = 0
    codes = []
    load1 = os.getloadavg()[0]
    busy_before = _busy_cpu_seconds()
    with open(log, "wb") as out:
        for cmd in commands:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            proc = subprocess.Popen(
                cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
            done = threading.Event()
            cmd_peak = [0]

            def sample(pid=proc.pid):
                try:
                    ps = psutil.Process(pid)
                except psutil.Error:
                    return
                while not done.is_set():
                    cmd_peak[0] = max(cmd_peak[0], _tree_rss(ps))
                    done.wait(SAMPLE_EVERY)

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            try:
                codes.append(proc.wait())
            finally:
                done.set()
                if proc.returncode is None:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
            wall += time.perf_counter() - start
            sampler.join()
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu += (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            peak = max(peak, cmd_peak[0])
    others = max(0.0, _busy_cpu_seconds() - busy_before - cpu)
    return Run(wall, cpu, peak, codes, load1, others)


# --- contenders ---------------------------------------------------------------------------


@dataclass
class Contender:
    """A tool (or sequence of tools) as a user would run it at the corpus root."""

    name: str
    label: str
    commands: list[list[str]] = field(default_factory=list)
    missing: str | None = None  # why it cannot run at all ("n/a: ...")
    note: str = ""

    def is_lintgate(self) -> bool:
        return self.name.startswith("lintgate")


def contenders(features: Features) -> list[Contender]:
    """The contenders in their fixed order (a round rotates the starting point); a contender
    whose tool is not installed carries `missing` and is not run."""
    full = ["--disable-all", "-E", "isort", "-E", "black"]
    note = ""
    if features.imports_linter:
        full += ["-E", "imports"]
    else:
        note = "imports linter not registered in this build: isort + black only"
    out = [
        Contender("lintgate", "lintgate (isort+black+imports)", [["lintgate", *full]], note=note),
        Contender(
            "lintgate-isort-black",
            "lintgate (isort+black)",
            [["lintgate", "--disable-all", "-E", "isort", "-E", "black"]],
        ),
        Contender(
            "isort+black",
            "isort --check-only . ; black --check .",
            [["isort", "--check-only", "."], ["black", "--check", "."]],
        ),
        Contender(
            "pre-commit", "pre-commit run --all-files", [["pre-commit", "run", "--all-files"]]
        ),
        Contender("black", "black --check .", [["black", "--check", "."]]),
        Contender(
            "ruff",
            "ruff check --select I . ; ruff format --check .",
            [["ruff", "check", "--select", "I", "."], ["ruff", "format", "--check", "."]],
        ),
    ]
    for c in out:
        absent = sorted({cmd[0] for cmd in c.commands if tool(cmd[0]) is None})
        if absent:
            c.missing = f"n/a: {', '.join(absent)} not installed"
        c.commands = [[tool(cmd[0]) or cmd[0], *cmd[1:]] for cmd in c.commands]
    return out


def state_env(state: Path) -> dict:
    """The environment of a run: every tool's cache under `state` (never the user's)."""
    env = _env_without_lintgate_cache()
    env.update(
        LINTGATE_CACHE_DIR=str(state / "lintgate-cache"),
        BLACK_CACHE_DIR=str(state / "black-cache"),
        RUFF_CACHE_DIR=str(state / "ruff-cache"),
        PRE_COMMIT_HOME=str(state / "pre-commit-home"),
        XDG_CACHE_HOME=str(state / "xdg-cache"),
    )
    return env


def cache_flags(c: Contender, features: Features, state: Path, extra: list[str]) -> list[list[str]]:
    """`c`'s commands with lintgate's cache flags added when this build has them."""
    if not c.is_lintgate():
        return c.commands
    flags = ["--cache-dir", str(state / "lintgate-cache")] if features.cache_dir else []
    return [[*cmd, *flags, *extra] for cmd in c.commands]


# --- scenarios ----------------------------------------------------------------------------


@dataclass
class Measured:
    """The runs of one contender in one scenario, or why there are none."""

    contender: Contender
    status: str = "ok"
    runs: list[Run] = field(default_factory=list)
    commands: list[list[str]] = field(default_factory=list)

    def median(self, attr: str) -> float | None:
        values = [getattr(r, attr) for r in self.runs]
        return statistics.median(values) if values else None


def cache_usable(scenario: str, features: Features) -> bool:
    """Whether lintgate can be measured in `scenario`: cold always; warm and one-changed need
    its cache (`--cache-dir`); fresh-checkout needs `--export-cache`/`--import-cache` too."""
    if scenario == "cold":
        return True
    if scenario == "fresh-checkout":
        return features.cache_dir and features.export_import
    return features.cache_dir


def run_scenario(
    scenario: str,
    corpus_name: str,
    pristine: Path,
    tree: Path,
    work: Path,
    cons: list[Contender],
    features: Features,
    runs: int,
    log: callable,
) -> dict:
    """Measure every contender in `scenario` on the working tree, alternating contenders per
    round. Returns the scenario's JSON-able result."""
    base = work / "state" / corpus_name / scenario
    shutil.rmtree(base, ignore_errors=True)
    logs = work / "logs" / corpus_name / scenario
    logs.mkdir(parents=True, exist_ok=True)
    checkout(pristine, tree)
    results = {c.name: Measured(c) for c in cons}
    for m in results.values():
        if m.contender.missing:
            m.status = m.contender.missing
        elif m.contender.is_lintgate() and not cache_usable(scenario, features):
            # Without its cache lintgate would only repeat the cold run.
            m.status = "n/a: cache not available"
    active = [m for m in results.values() if m.status == "ok"]
    export = base / "export"
    changed = file_to_change(tree) if scenario == "one-changed" else None
    original = (tree / changed).read_bytes() if changed else None

    def commands_for(m: Measured, state: Path, phase: str) -> list[list[str]]:
        extra = []
        if scenario == "fresh-checkout" and m.contender.is_lintgate():
            if phase == "prime":
                extra = ["--export-cache", f"type=local,dest={export / m.contender.name},mode=max"]
            else:
                extra = ["--import-cache", f"type=local,src={export / m.contender.name}"]
        return cache_flags(m.contender, features, state, extra)

    # Warm-up: every scenario but cold starts from a run that filled the caches.
    if scenario != "cold":
        for m in active:
            state = base / m.contender.name
            state.mkdir(parents=True)
            measure(
                commands_for(m, state, "prime"),
                tree,
                state_env(state),
                logs / f"{m.contender.name}.prime.log",
            )
    wanted = {m.contender.name: runs for m in active}
    edits = 0
    round_no = 0
    try:
        while any(len(m.runs) < wanted[m.contender.name] for m in active):
            order = active[round_no % len(active) :] + active[: round_no % len(active)]
            for m in order:
                name = m.contender.name
                if len(m.runs) >= wanted[name]:
                    continue
                state = base / name
                if scenario == "cold":
                    shutil.rmtree(state, ignore_errors=True)
                    state.mkdir(parents=True)
                elif scenario == "one-changed":
                    edits += 1
                    (tree / changed).write_bytes(original + f"# bench edit {edits}\n".encode())
                elif scenario == "fresh-checkout":
                    checkout(pristine, tree)
                    if m.contender.is_lintgate():
                        shutil.rmtree(state / "lintgate-cache", ignore_errors=True)
                cmds = commands_for(m, state, "run")
                m.commands = cmds
                run = measure(cmds, tree, state_env(state), logs / f"{name}.log")
                m.runs.append(run)
                log(
                    f"{corpus_name} {scenario} round {round_no + 1} {name}: {run.wall:.2f} s wall,"
                    f" {run.cpu:.2f} s CPU, {run.peak_rss / 2**20:.0f} MiB, exit {run.returncodes}"
                )
                if len(m.runs) == 1 and run.wall > LONG_RUN and wanted[name] > 3:
                    wanted[name] = 3
            round_no += 1
    finally:
        if changed:
            (tree / changed).write_bytes(original)
    return {
        "changed_file": str(changed) if changed else None,
        "contenders": {name: _measured_json(m) for name, m in results.items()},
    }


def _measured_json(m: Measured) -> dict:
    out = {"label": m.contender.label, "status": m.status, "note": m.contender.note}
    if m.runs:
        out["command"] = " ; ".join(" ".join(_short(a) for a in cmd) for cmd in m.commands)
        out["runs"] = [r.as_json() for r in m.runs]
        out["median"] = {
            "wall_s": round(m.median("wall"), 4),
            "cpu_s": round(m.median("cpu"), 4),
            "peak_rss_bytes": int(m.median("peak_rss")),
            # Other processes' CPU use during the runs, in cores: the noise in these figures.
            "others_cores": round(statistics.median(r.others_cpu / r.wall for r in m.runs), 2),
        }
    return out


def _short(arg: str) -> str:
    # Absolute paths of the venv and the work directory make the table unreadable.
    if arg.startswith(str(BIN) + os.sep):
        return arg[len(str(BIN)) + 1 :]
    return (
        re.sub(r"(dir|dest|src)=/\S+", r"\1=…", arg)
        if "=" in arg
        else ("DIR" if arg.startswith("/") else arg)
    )


def version_time(lintgate: str, n: int = 10) -> dict:
    """Median wall seconds of `lintgate --version` over `n` runs, alternating with the floor
    of any Python command, `python -c pass` (the same interpreter), to show the machine's
    state."""
    walls, floor = [], []
    for _ in range(n):
        for cmd, into in (
            ([lintgate, "--version"], walls),
            ([sys.executable, "-c", "pass"], floor),
        ):
            start = time.perf_counter()
            subprocess.run(cmd, capture_output=True, check=True)
            into.append(time.perf_counter() - start)
    return {
        "median_s": round(statistics.median(walls), 4),
        "python_c_pass_s": round(statistics.median(floor), 4),
        "runs": n,
    }


# --- report -------------------------------------------------------------------------------

TARGETS = (
    # (id, text, corpus, scenario, lintgate row, reference row, factor, offset in seconds)
    ("cold-django", "cold, Django: lintgate <= 1.0x black --check", "django", "cold", "black", 1.0),
    ("cold-stdlib", "cold, stdlib: lintgate <= 0.5x black --check", "stdlib", "cold", "black", 0.5),
    (
        "warm-precommit",
        "warm, Django: lintgate <= 0.1x pre-commit",
        "django",
        "warm",
        "pre-commit",
        0.1,
    ),
    ("warm-ruff", "warm, Django: lintgate <= 2x ruff (both checks)", "django", "warm", "ruff", 2.0),
    (
        "warm-ruff-15",
        "warm, Django: lintgate <= 0.5x ruff (both checks; issue 15)",
        "django",
        "warm",
        "ruff",
        0.5,
    ),
)


def _median(results: dict, corpus: str, scenario: str, name: str, key: str) -> float | None:
    row = results.get(corpus, {}).get(scenario, {}).get("contenders", {}).get(name, {})
    return row.get("median", {}).get(key)


def _wall(results: dict, corpus: str, scenario: str, name: str) -> float | None:
    return _median(results, corpus, scenario, name, "wall_s")


def evaluate_targets(report: dict) -> list[dict]:
    """Each target of issue 8 with its figure and `met`, `missed` or `not measured`."""
    results = report["results"]
    out = []

    def verdict(tid, text, figure, limit, detail):
        status = (
            "not measured"
            if figure is None or limit is None
            else ("met" if figure <= limit else "missed")
        )
        out.append(
            {
                "id": tid,
                "target": text,
                "figure": figure,
                "limit": limit,
                "status": status,
                "detail": detail,
            }
        )

    for tid, text, corpus, scenario, ref, factor in TARGETS:
        lg, other = _wall(results, corpus, scenario, "lintgate"), _wall(
            results, corpus, scenario, ref
        )
        lg_cpu = _median(results, corpus, scenario, "lintgate", "cpu_s")
        other_cpu = _median(results, corpus, scenario, ref, "cpu_s")
        limit = None if other is None else round(factor * other, 4)
        if lg and other:
            detail = f"lintgate {lg:.2f} s vs {ref} {other:.2f} s: {lg / other:.2f}x"
            if lg_cpu and other_cpu:
                detail += f" (CPU {lg_cpu:.1f} s vs {other_cpu:.1f} s: {lg_cpu / other_cpu:.2f}x)"
        else:
            rows = results.get(corpus, {}).get(scenario, {}).get("contenders", {})
            missing = [
                f"{n}: {rows[n]['status']}"
                for n in ("lintgate", ref)
                if n in rows and not rows[n].get("median")
            ]
            detail = "; ".join(missing) or f"no {corpus} {scenario} run"
        verdict(tid, text, lg, limit, detail)
    for corpus in sorted(results):
        warm = _wall(results, corpus, "warm", "lintgate")
        status = results[corpus].get("warm", {}).get("contenders", {}).get("lintgate", {})
        warm_note = f"lintgate warm {warm:.2f} s" if warm else status.get("status", "no warm run")
        for scenario, tid, text, limit in (
            ("one-changed", "one-changed", "one file changed", warm and round(warm + 0.3, 4)),
            ("fresh-checkout", "fresh", "fresh checkout + imported cache", warm and 2 * warm),
        ):
            if scenario not in results[corpus]:
                continue
            row = results[corpus][scenario]["contenders"].get("lintgate", {})
            figure = _wall(results, corpus, scenario, "lintgate")
            detail = warm_note if figure else f"{scenario}: {row.get('status', 'not run')}"
            bound = "warm + 0.3 s" if scenario == "one-changed" else "2x warm"
            verdict(f"{tid}-{corpus}", f"{text}, {corpus}: <= {bound}", figure, limit, detail)
    v = report.get("version_time", {}).get("median_s")
    floor = report.get("version_time", {}).get("python_c_pass_s")
    verdict(
        "version",
        "lintgate --version <= 0.1 s",
        v,
        0.1,
        "median of 10 runs" + (f"; `python -c pass` {floor:.3f} s" if floor else ""),
    )
    worst = None
    for corpus, scenarios in results.items():
        for scenario, res in scenarios.items():
            rows = res["contenders"]
            lg = rows.get("lintgate", {}).get("median", {}).get("peak_rss_bytes")
            bl = rows.get("black", {}).get("median", {}).get("peak_rss_bytes")
            if lg and bl and (worst is None or lg / bl > worst[0]):
                worst = (lg / bl, corpus, scenario, lg, bl)
    if worst:
        ratio, corpus, scenario, lg, bl = worst
        verdict(
            "memory",
            "peak memory of the process tree <= 1.5x black --check",
            round(ratio, 3),
            1.5,
            f"worst case {corpus} {scenario}: {lg / 2**20:.0f} MiB vs {bl / 2**20:.0f} MiB",
        )
    else:
        verdict("memory", "peak memory of the process tree <= 1.5x black --check", None, 1.5, "")
    return out


def machine() -> dict:
    """CPU count and model, memory, OS and Python of this machine."""
    model = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = psutil.virtual_memory().total if psutil else None
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "memory_bytes": mem,
        "os": platform.platform(),
        "python": platform.python_version(),
    }


def _fmt(v: float | None, digits: int = 2) -> str:
    return "-" if v is None else f"{v:.{digits}f}"


def render_markdown(report: dict) -> str:
    """The report as Markdown: one table per corpus and scenario, then the targets."""
    m = report["machine"]
    lines = [
        f"# Benchmark results ({report['generated']})",
        "",
        f"Machine: {m['cpus']} CPUs ({m['cpu_model']}), "
        f"{(m['memory_bytes'] or 0) / 2**30:.1f} GiB, {m['os']}, Python {m['python']}.",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in report["versions"].items() if v) + ".",
        "Lintgate features: "
        + ", ".join(f"{k} {'yes' if v else 'no'}" for k, v in report["features"].items())
        + ".",
        f"`lintgate --version`: {report['version_time']['median_s']:.3f} s (median of "
        f"{report['version_time']['runs']}; `python -c pass`: "
        f"{report['version_time'].get('python_c_pass_s', 0):.3f} s).",
        "",
        "Figures are medians; wall and CPU in seconds, peak memory of the whole process tree in "
        "MiB (summed RSS). Ratios: lintgate (isort+black+imports) / that row, in wall and "
        "in CPU seconds. "
        "Other load: CPU cores other processes kept busy during the runs (median), the noise "
        "in the figures.",
    ]
    for corpus, scenarios in report["results"].items():
        for scenario, res in scenarios.items():
            load = res.get("load", {})
            lines += [
                "",
                f"## {corpus}, {scenario}",
                "",
                f"{res.get('files', '?')} Python files; load average (1 min) "
                f"{_fmt(load.get('before'))} before, {_fmt(load.get('after'))} after"
                + (f"; changed file `{res['changed_file']}`" if res.get("changed_file") else "")
                + (f"; {res['note']}" if res.get("note") else "")
                + ".",
                "",
                "| contender | wall s | CPU s | peak MiB | runs | lintgate / this (wall) |"
                " lintgate / this (CPU) | exit | other load |",
                "|---|---:|---:|---:|---:|---:|---:|---|---:|",
            ]
            lg_med = res["contenders"].get("lintgate", {}).get("median", {})
            lg, lg_cpu = lg_med.get("wall_s"), lg_med.get("cpu_s")
            for name, row in res["contenders"].items():
                med = row.get("median")
                if not med:
                    lines.append(f"| {row['label']} | {row['status']} | | | | | | | |")
                    continue
                ratio = f"{lg / med['wall_s']:.2f}x" if lg and med["wall_s"] else "-"
                cpu_ratio = f"{lg_cpu / med['cpu_s']:.2f}x" if lg_cpu and med["cpu_s"] else "-"
                codes = sorted({tuple(r["returncodes"]) for r in row["runs"]})
                label = row["label"] + (f" ({row['note']})" if row.get("note") else "")
                lines.append(
                    f"| {label} | {med['wall_s']:.2f} | {med['cpu_s']:.2f} | "
                    f"{med['peak_rss_bytes'] / 2**20:.0f} | {len(row['runs'])} | {ratio} | {cpu_ratio} | "
                    + ", ".join("/".join(map(str, c)) for c in codes)
                    + f" | {med.get('others_cores', 0):.2f} |"
                )
    lines += [
        "",
        "## Targets (issues 8 and 15)",
        "",
        "| target | figure | limit | status | detail |",
        "|---|---:|---:|---|---|",
    ]
    for t in report["targets"]:
        lines.append(
            f"| {t['target']} | {_fmt(t['figure'], 3)} | {_fmt(t['limit'], 3)} | "
            f"{t['status']} | {t['detail']} |"
        )
    return "\n".join(lines) + "\n"


def merge(previous: dict, current: dict) -> dict:
    """`current` with the corpus/scenario results of `previous` it did not measure again."""
    results = {c: dict(s) for c, s in previous.get("results", {}).items()}
    for corpus, scenarios in current["results"].items():
        results.setdefault(corpus, {}).update(scenarios)
    merged = dict(current, results=results)
    merged["targets"] = evaluate_targets(merged)
    return merged


# --- main ---------------------------------------------------------------------------------


def wait_quiet(limit: float, log: callable, longest: float = 1200.0) -> None:
    """Wait until the 1-minute load average is below `limit`, at most `longest` seconds."""
    deadline = time.monotonic() + longest
    while os.getloadavg()[0] >= limit and time.monotonic() < deadline:
        log(f"waiting for load {os.getloadavg()[0]:.2f} < {limit}")
        time.sleep(15)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--corpus", choices=CORPORA, default="django")
    p.add_argument(
        "--scenario",
        default="all",
        help=f"{'|'.join(SCENARIOS)}|all, or a comma-separated list (default: all)",
    )
    p.add_argument("--runs", type=int, default=5, help="runs per figure (3 when a run takes >30 s)")
    p.add_argument("--contenders", help="comma-separated subset (default: all)")
    p.add_argument("--out", type=Path, default=HERE / "results", help="report directory")
    p.add_argument(
        "--work",
        type=Path,
        default=DOWNLOADS / "bench",
        help="corpora and caches (outside any tree being checked)",
    )
    p.add_argument("--sample", type=int, help="stdlib only: about this many files (every k-th)")
    p.add_argument(
        "--wait-quiet",
        type=float,
        metavar="LOAD",
        help="before each scenario, wait (up to 20 min) for the 1-min load average < LOAD",
    )
    p.add_argument(
        "--render",
        type=Path,
        metavar="JSON",
        help="only rewrite OUT/latest.md (and the targets) from this JSON report",
    )
    p.add_argument(
        "--merge",
        action="store_true",
        help="keep the other corpora/scenarios of OUT/latest.json in the report",
    )
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; returns the exit status (2 with a one-line error when it cannot)."""
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        return _main(args)
    except BenchError as e:
        print(f"bench: {e}", file=sys.stderr)
        return 2


def _main(args: argparse.Namespace) -> int:
    if psutil is None:
        raise BenchError("psutil is missing: pip install -e '.[bench]'")
    if args.scenario != "all" and set(args.scenario.split(",")) - set(SCENARIOS):
        raise BenchError(f"--scenario: expected {'|'.join(SCENARIOS)}|all, got {args.scenario!r}")
    if args.runs < 1:
        raise BenchError("--runs must be at least 1")
    if args.render:
        try:
            report = json.loads(args.render.read_text())
        except (OSError, ValueError) as e:
            raise BenchError(f"--render: cannot read {args.render}: {e}") from None
        report["targets"] = evaluate_targets(report)
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "latest.json").write_text(json.dumps(report, indent=2) + "\n")
        (args.out / "latest.md").write_text(render_markdown(report))
        return 0
    lintgate = tool("lintgate")
    if lintgate is None:
        raise BenchError("lintgate is not installed in this environment")
    features = detect_features(lintgate)
    cons = contenders(features)
    if args.contenders:
        wanted = [n.strip() for n in args.contenders.split(",")]
        unknown = sorted(set(wanted) - {c.name for c in cons})
        if unknown:
            raise BenchError(
                f"unknown contender(s) {', '.join(unknown)}; "
                f"known: {', '.join(c.name for c in cons)}"
            )
        cons = [c for c in cons if c.name in wanted]
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    pristine, tree = prepare_corpus(args.corpus, work, args.sample)
    files = len(python_files(tree))
    scenarios = SCENARIOS if args.scenario == "all" else tuple(args.scenario.split(","))

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    results = {}
    for scenario in scenarios:
        if args.wait_quiet:
            wait_quiet(args.wait_quiet, log)
        before = os.getloadavg()[0]
        res = run_scenario(
            scenario, args.corpus, pristine, tree, work, cons, features, args.runs, log
        )
        res["load"] = {"before": round(before, 2), "after": round(os.getloadavg()[0], 2)}
        res["files"] = files
        if args.sample:
            res["note"] = f"sample of the standard library (every k-th file, {files} files)"
        results[scenario] = res
    report = {
        "generated": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "versions": tool_versions(),
        "features": {
            "cache-dir": features.cache_dir,
            "export/import-cache": features.export_import,
            "imports linter": features.imports_linter,
        },
        "version_time": version_time(lintgate),
        "runs_requested": args.runs,
        "results": {args.corpus: results},
    }
    args.out.mkdir(parents=True, exist_ok=True)
    latest = args.out / "latest.json"
    if args.merge and latest.exists():
        report = merge(json.loads(latest.read_text()), report)
    else:
        report["targets"] = evaluate_targets(report)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    text = json.dumps(report, indent=2) + "\n"
    markdown = render_markdown(report)
    for name in (f"{stamp}-{args.corpus}.json", "latest.json"):
        (args.out / name).write_text(text)
    for name in (f"{stamp}-{args.corpus}.md", "latest.md"):
        (args.out / name).write_text(markdown)
    log(f"wrote {args.out / 'latest.md'} and {args.out / 'latest.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
