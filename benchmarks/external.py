"""External linters against pre-commit (issue 14): lintgate with isort, black, flake8 and mypy
enabled, against `pre-commit run --all-files` running the same four tools as local hooks.

Usage (from the repository root, in the venv with the `test` and `bench` extras installed):

    python benchmarks/external.py --runs 5          # rich from PyPI; `make bench-external`
    python benchmarks/external.py --corpus tiny --runs 1

The project is rich's source distribution (RICH below) from PyPI, downloaded with pip into
.downloads/ and copied into a git repository with everything committed: about 100 files, with
a strict `[tool.mypy]` table and isort's black profile in its pyproject.toml. Both contenders
run the same executables (this venv's isort, black, flake8 and mypy; pre-commit's hooks are
`language: system`, so pre-commit installs nothing) at the project root.

Scenarios (each tool's caches, mypy's included through MYPY_CACHE_DIR, live in a state
directory of the contender, never in the tree or the user's home):

- cold: no cache of any tool (the state directory is emptied before each run);
- warm: after one untimed run, nothing changed;
- one-changed: after the untimed run, one line appended to one file before each run;
- fresh-checkout: the tree copied afresh (new inodes and mtimes) before each run; lintgate's
  cache is emptied and filled from `--import-cache` of an export the untimed run wrote;
  pre-commit's figure is its warm run (its tools keep their caches, as CI would restore them).

Targets: warm and fresh-checkout at most 0.05x pre-commit's warm run; cold at most 1.0x
pre-commit's cold run. Writes benchmarks/results/external/latest.md and latest.json. The
measuring (wall, CPU of the process tree, peak memory) is benchmarks/bench.py's `measure`.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench  # noqa: E402  (benchmarks/bench.py: measure, checkout, git, machine)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DOWNLOADS = ROOT / ".downloads"
RICH = "15.0.0"
SCENARIOS = ("cold", "warm", "one-changed", "fresh-checkout")
LINTERS = ("isort", "black", "flake8", "mypy")
TOOLS = ("lintgate", "pre-commit", *LINTERS)
WARM_LIMIT = 0.05
COLD_LIMIT = 1.0

# bench.py's local isort and black hooks, and the same for flake8 and mypy: nothing to download.
PRE_COMMIT_CONFIG = bench.PRE_COMMIT_CONFIG + """\
      - id: flake8
        name: flake8
        entry: {flake8}
        language: system
        types: [python]
      - id: mypy
        name: mypy
        entry: {mypy} --show-column-numbers --no-error-summary --no-pretty --no-color-output
        language: system
        types: [python]
        require_serial: true
"""


class ExternalBenchError(Exception):
    """The benchmark cannot run (a tool missing, no download): one line for the user."""


def rich_source() -> Path:
    """rich's sdist unpacked in .downloads/ (pip download the first time)."""
    target = DOWNLOADS / f"rich-{RICH}"
    if target.is_dir():
        return target
    DOWNLOADS.mkdir(exist_ok=True)
    cmd = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:"]
    pip = subprocess.run(
        [*cmd, f"rich=={RICH}", "-d", str(DOWNLOADS)], capture_output=True, text=True
    )
    if pip.returncode != 0:
        last = (pip.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise ExternalBenchError(f"cannot download rich=={RICH}: {last}")
    partial = DOWNLOADS / f".rich-{RICH}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    with tarfile.open(DOWNLOADS / f"rich-{RICH}.tar.gz") as tar:
        tar.extractall(partial, filter="data")
    (partial / target.name).rename(target)
    shutil.rmtree(partial)
    return target


def tools() -> dict[str, str]:
    """The path of each tool in TOOLS; raises ExternalBenchError naming the missing ones."""
    found = {name: bench.tool(name) for name in TOOLS}
    missing = [name for name, path in found.items() if path is None]
    if missing:
        raise ExternalBenchError(f"missing: {', '.join(missing)} (pip install -e '.[test,bench]')")
    paths = {name: str(path) for name, path in found.items()}
    with tempfile.TemporaryDirectory() as empty:
        probe = subprocess.run(
            [paths["lintgate"], "--no-config", "--no-cache", "--disable-all", "-E", "flake8"],
            cwd=empty,
            capture_output=True,
            text=True,
        )
    if "unknown linter" in probe.stderr:
        raise ExternalBenchError("this lintgate has no external linters (flake8, mypy): issue 14")
    return paths


def prepare(corpus: str, work: Path, paths: dict[str, str]) -> tuple[Path, Path]:
    """(pristine git repository, working tree) of `corpus` under `work`, built afresh."""
    pristine = work / "corpora" / corpus / "pristine"
    shutil.rmtree(pristine.parent, ignore_errors=True)
    pristine.parent.mkdir(parents=True)
    source = rich_source() if corpus == "rich" else HERE / "corpora" / "tiny"
    shutil.copytree(source, pristine)
    (pristine / ".pre-commit-config.yaml").write_text(PRE_COMMIT_CONFIG.format(**paths))
    bench.git(pristine, "init", "-q", ".")
    bench.git(pristine, "add", "-A", ".")
    bench.git(pristine, "commit", "-q", "--no-verify", "-m", "corpus")
    tree = pristine.parent / "tree"
    bench.checkout(pristine, tree)
    return pristine, tree


def state_env(state: Path) -> dict[str, str]:
    """bench.state_env plus mypy's own cache under `state` (mypy writes .mypy_cache into the
    working directory otherwise, where both contenders would share it)."""
    env = bench.state_env(state)
    env["MYPY_CACHE_DIR"] = str(state / "mypy-cache")
    # lintgate finds flake8 and mypy on PATH: this venv's, the ones pre-commit's hooks name
    env["PATH"] = os.pathsep.join([str(bench.BIN), env.get("PATH", "")])
    return env


def commands(name: str, paths: dict[str, str], state: Path, extra: list[str]) -> list[list[str]]:
    """The command of contender `name` ("lintgate" or "pre-commit") with its state under
    `state` and `extra` arguments (lintgate's cache export or import)."""
    if name == "pre-commit":
        return [[paths["pre-commit"], "run", "--all-files"]]
    enable = [arg for linter in LINTERS for arg in ("-E", linter)]
    cache = ["--cache-dir", str(state / "lintgate-cache")]
    return [[paths["lintgate"], "--disable-all", *enable, *cache, *extra]]


def run_scenario(
    scenario: str, pristine: Path, tree: Path, work: Path, paths: dict[str, str], runs: int
) -> dict:
    """Measure both contenders in `scenario`, alternating them round by round."""
    base = work / "state" / scenario
    shutil.rmtree(base, ignore_errors=True)
    logs = work / "logs" / scenario
    logs.mkdir(parents=True, exist_ok=True)
    bench.checkout(pristine, tree)
    names = ("lintgate", "pre-commit")
    export = base / "export"
    changed = bench.file_to_change(tree) if scenario == "one-changed" else None
    original = (tree / changed).read_bytes() if changed else b""

    def cmds(name: str, phase: str) -> list[list[str]]:
        extra: list[str] = []
        if scenario == "fresh-checkout" and name == "lintgate":
            extra = (
                ["--export-cache", f"type=local,dest={export},mode=max"]
                if phase == "prime"
                else ["--import-cache", f"type=local,src={export}"]
            )
        return commands(name, paths, base / name, extra)

    if scenario != "cold":
        for name in names:
            (base / name).mkdir(parents=True)
            bench.measure(
                cmds(name, "prime"), tree, state_env(base / name), logs / f"{name}.prime.log"
            )
    measured: dict[str, list[bench.Run]] = {name: [] for name in names}
    edits = 0
    try:
        for round_no in range(runs):
            for name in names[round_no % 2 :] + names[: round_no % 2]:
                state = base / name
                if scenario == "cold":
                    shutil.rmtree(state, ignore_errors=True)
                    state.mkdir(parents=True)
                elif scenario == "one-changed":
                    edits += 1
                    (tree / changed).write_bytes(original + f"# bench edit {edits}\n".encode())
                elif scenario == "fresh-checkout" and name == "lintgate":
                    bench.checkout(pristine, tree)
                    shutil.rmtree(state / "lintgate-cache", ignore_errors=True)
                run = bench.measure(cmds(name, "run"), tree, state_env(state), logs / f"{name}.log")
                measured[name].append(run)
                print(
                    f"{scenario} round {round_no + 1} {name}: {run.wall:.2f} s wall, "
                    f"{run.cpu:.2f} s CPU, exit {run.returncodes}",
                    file=sys.stderr,
                    flush=True,
                )
    finally:
        if changed:
            (tree / changed).write_bytes(original)
    out: dict = {"changed_file": str(changed) if changed else None, "contenders": {}}
    for name, rs in measured.items():
        out["contenders"][name] = {
            "command": " ".join(cmds(name, "run")[0]),
            "runs": [r.as_json() for r in rs],
            "median": {
                "wall_s": round(statistics.median(r.wall for r in rs), 4),
                "cpu_s": round(statistics.median(r.cpu for r in rs), 4),
                "peak_rss_bytes": int(statistics.median(r.peak_rss for r in rs)),
                "others_cores": round(statistics.median(r.others_cpu / r.wall for r in rs), 2),
            },
            "exit": sorted({r.returncodes[0] for r in rs}),
        }
    return out


def _wall(results: dict, scenario: str, name: str) -> float | None:
    row = results.get(scenario, {}).get("contenders", {}).get(name)
    return row["median"]["wall_s"] if row else None


def targets(results: dict) -> list[dict]:
    """The targets of issue 14, each with its figure (lintgate / pre-commit, wall) and verdict."""
    pc_warm = _wall(results, "warm", "pre-commit")
    rows = [
        ("warm: lintgate <= 0.05x pre-commit warm", "warm", pc_warm, WARM_LIMIT),
        (
            "fresh checkout, imported cache: lintgate <= 0.05x pre-commit warm",
            "fresh-checkout",
            pc_warm,
            WARM_LIMIT,
        ),
        (
            "cold: lintgate <= 1.0x pre-commit cold",
            "cold",
            _wall(results, "cold", "pre-commit"),
            COLD_LIMIT,
        ),
    ]
    out = []
    for text, scenario, reference, limit in rows:
        lg = _wall(results, scenario, "lintgate")
        figure = round(lg / reference, 3) if lg is not None and reference else None
        status = "not measured" if figure is None else ("met" if figure <= limit else "missed")
        out.append({"target": text, "figure": figure, "limit": limit, "status": status})
    return out


def versions(paths: dict[str, str]) -> dict[str, str]:
    """The version number each tool's `--version` prints first."""
    out = {}
    for name, path in paths.items():
        proc = subprocess.run([path, "--version"], capture_output=True, text=True)
        found = re.search(r"\d+\.\d+(?:\.\d+)?", proc.stdout or proc.stderr)
        out[name] = found.group(0) if found else "?"
    return out


def render(report: dict) -> str:
    """The report as Markdown: one row per scenario, then the targets."""
    m = report["machine"]
    lines = [
        f"# External linters against pre-commit ({report['generated']})",
        "",
        f"Project: {report['corpus']} ({report['files']} Python files). Machine: {m['cpus']} CPUs"
        f" ({m['cpu_model']}), {m['os']}, Python {m['python']}.",
        "Versions: " + "; ".join(f"{k}: {v}" for k, v in report["versions"].items()) + ".",
        f"Runs per figure: {report['runs']} (medians); wall and CPU seconds of the whole process"
        " tree. pre-commit's fresh-checkout figure is its warm run. Other load: the cores"
        " other processes kept busy meanwhile (lintgate's runs, pre-commit's), the noise.",
        "",
        "| scenario | lintgate wall s | lintgate CPU s | pre-commit wall s | pre-commit CPU s |"
        " lintgate / pre-commit (wall) | (CPU) | other load (cores) | exit (lintgate, pre-commit) |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    results = report["results"]
    for scenario, res in results.items():
        lg = res["contenders"]["lintgate"]["median"]
        pc_res = results["warm"] if scenario == "fresh-checkout" and "warm" in results else res
        pc = pc_res["contenders"]["pre-commit"]["median"]
        exits = [res["contenders"][n]["exit"] for n in ("lintgate", "pre-commit")]
        lines.append(
            f"| {scenario} | {lg['wall_s']:.2f} | {lg['cpu_s']:.2f} | {pc['wall_s']:.2f} | "
            f"{pc['cpu_s']:.2f} | {lg['wall_s'] / pc['wall_s']:.3f}x | "
            f"{lg['cpu_s'] / pc['cpu_s']:.3f}x | {lg['others_cores']:.2f}, "
            f"{pc['others_cores']:.2f} | {exits[0]}, {exits[1]} |"
        )
    lines += ["", "| target | figure | limit | status |", "|---|---:|---:|---|"]
    for t in report["targets"]:
        figure = "-" if t["figure"] is None else f"{t['figure']:.3f}x"
        lines.append(f"| {t['target']} | {figure} | {t['limit']}x | {t['status']} |")
    return "\n".join(lines) + "\n"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--corpus", choices=("rich", "tiny"), default="rich")
    p.add_argument("--scenario", default="all", help="comma-separated scenarios, or all")
    p.add_argument("--runs", type=int, default=5, help="runs per figure (default 5)")
    p.add_argument("--out", type=Path, default=HERE / "results" / "external")
    p.add_argument("--work", type=Path, default=DOWNLOADS / "bench-external")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; 2 with a one-line error when it cannot run."""
    args = parse_args(argv)
    scenarios = SCENARIOS if args.scenario == "all" else tuple(args.scenario.split(","))
    try:
        if set(scenarios) - set(SCENARIOS):
            raise ExternalBenchError(f"--scenario: expected some of {', '.join(SCENARIOS)}")
        if bench.psutil is None:
            raise ExternalBenchError("psutil is missing: pip install -e '.[bench]'")
        paths = tools()
        work = args.work.resolve()
        pristine, tree = prepare(args.corpus, work, paths)
    except ExternalBenchError as e:
        print(f"bench-external: {e}", file=sys.stderr)
        return 2
    results = {s: run_scenario(s, pristine, tree, work, paths, args.runs) for s in scenarios}
    report = {
        "generated": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "corpus": f"rich {RICH}" if args.corpus == "rich" else "tiny",
        "files": len(bench.python_files(tree)),
        "machine": bench.machine(),
        "versions": versions(paths),
        "runs": args.runs,
        "load_average": os.getloadavg()[0],
        "results": results,
        "targets": targets(results),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "latest.json").write_text(json.dumps(report, indent=2) + "\n")
    (args.out / "latest.md").write_text(render(report))
    print(f"wrote {args.out / 'latest.md'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
