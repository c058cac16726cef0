"""The built-in external linters (lintgate/external/builtin.py) against the real tools, installed
as test dependencies, on tests/fixtures/external/repo (two small packages, one config file per
tool): lintgate's findings equal the tool run by hand with the same config, file by file; a
cold, a warm and an imported-cache run print the same bytes; a warm run starts no subprocess;
a definition in gometalinter's README string form works unchanged.

"By hand" is the tool's own command line as a user types it, parsed here without the
definition's pattern: the default text output where it is one line per finding (flake8,
pyflakes, pycodestyle, `mypy --show-column-numbers`, `ruff check --output-format=concise`),
JSON where it is not (pylint's `json2`, bandit's `json`).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import FIXTURES, lintgate, normalize_stderr

BIN = Path(sys.executable).parent
FIXTURE = FIXTURES / "external" / "repo"
TOOLS = ("flake8", "pyflakes", "pycodestyle", "pylint", "mypy", "ruff", "bandit")
# pylint takes seconds to start (astroid): its tests are `slow`, the default run leaves it out
# of the runs that enable every tool.
QUICK = tuple(tool for tool in TOOLS if tool != "pylint")
FILES = (
    "shop/__init__.py",
    "shop/cli.py",
    "shop/models.py",
    "shop/pricing.py",
    "tools/__init__.py",
    "tools/clean.py",
    "tools/report.py",
)
_LOCATED = re.compile(r"^(?P<path>[^:\n]+):(?P<line>\d+):(?P<col>\d+): (?P<rest>.*)$")

Findings = dict[str, list[tuple[int, int, str]]]


def _tool(name: str) -> str:
    path = BIN / name
    if not path.exists():
        pytest.skip(f"{name} is not installed (pip install -e '.[test]')")
    return str(path)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A copy of the fixture repository (a git work tree, nothing committed)."""
    dest = shutil.copytree(FIXTURE, tmp_path / "repo")
    subprocess.run(["git", "init", "-q", str(dest)], check=True)
    return dest


def _run(root: Path, *cmd: str) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=root, capture_output=True, text=True, timeout=300)


def _group(rows: list[tuple[str, int, int, str]]) -> Findings:
    found: Findings = {}
    for path, line, col, message in rows:
        found.setdefault(os.path.normpath(path), []).append((line, col, message))
    return {path: sorted(items) for path, items in sorted(found.items())}


def _located_lines(text: str, only: str = "") -> list[tuple[str, int, int, str]]:
    """`path:line:col: rest` lines (others, such as summaries, left out); `only`: the prefix
    `rest` must have, cut off (mypy's `error: `)."""
    rows = []
    for line in text.splitlines():
        m = _LOCATED.match(line)
        if m and m["rest"].startswith(only):
            rows.append((m["path"], int(m["line"]), int(m["col"]), m["rest"][len(only) :]))
    return rows


def by_hand(tool: str, root: Path) -> Findings:
    """What `tool` finds in FILES run by hand at `root` with the repository's config: {path:
    sorted (line, col, message)}. pylint's and bandit's columns are 0-based, so they count as
    unknown (0), as lintgate reports them."""
    exe = _tool(tool)
    if tool in ("flake8", "pyflakes", "pycodestyle"):
        proc = _run(root, exe, *FILES)
        rows = _located_lines(proc.stdout)
    elif tool == "mypy":
        proc = _run(root, exe, "--show-column-numbers", *FILES)
        rows = _located_lines(proc.stdout, only="error: ")
    elif tool == "ruff":
        proc = _run(root, exe, "check", "--output-format=concise", *FILES)
        rows = _located_lines(proc.stdout)
    elif tool == "pylint":
        proc = _run(root, exe, "--output-format=json2", *FILES)
        rows = [
            (m["path"], m["line"], 0, f"{m['messageId']}: {m['message']} ({m['symbol']})")
            for m in json.loads(proc.stdout)["messages"]
        ]
    else:
        proc = _run(root, exe, "-q", "-c", "pyproject.toml", "-f", "json", *FILES)
        rows = [
            (
                r["filename"],
                r["line_number"],
                0,
                f"{r['test_id']} [{r['issue_severity']}/{r['issue_confidence']}] {r['issue_text']}",
            )
            for r in json.loads(proc.stdout)["results"]
        ]
    assert proc.returncode in (1, 30), (tool, proc.returncode, proc.stderr[-2000:])
    found = _group(rows)
    # the fixture gives every tool findings in more than one file, and none in tools/clean.py
    assert len(found) >= 2 and "tools/clean.py" not in found, (tool, proc.stdout[-2000:])
    return found


def reported(stdout: str, tool: str) -> Findings:
    """lintgate's `--format json` findings of `tool`, grouped as `by_hand` groups them."""
    items = json.loads(stdout)
    return _group(
        [(d["path"], d["line"], d["col"], d["message"]) for d in items if d["linter"] == tool]
    )


def _env(tmp_path: Path, path: str = "") -> dict[str, str]:
    """A run's environment: its cache under `tmp_path`, the tools found on PATH (`path`, then
    this venv's bin directory, where the test dependencies are, then the inherited PATH)."""
    parts = [p for p in (path, str(BIN), os.environ.get("PATH", "")) if p]
    return {"LINTGATE_CACHE_DIR": str(tmp_path / "cache"), "PATH": os.pathsep.join(parts)}


@pytest.mark.parametrize(
    "tool", [pytest.param(t, marks=pytest.mark.slow) if t == "pylint" else t for t in TOOLS]
)
def test_findings_equal_the_tool_run_by_hand(repo: Path, tmp_path: Path, tool: str) -> None:
    expected = by_hand(tool, repo)
    proc = lintgate(repo, "-E", tool, "--format", "json", env=_env(tmp_path))
    assert proc.returncode == 1, proc.stderr
    assert reported(proc.stdout, tool) == expected
    linters = {d["linter"] for d in json.loads(proc.stdout)}
    assert linters == {tool}
    severity = {d["severity"] for d in json.loads(proc.stdout)}
    assert severity == {"error" if tool == "mypy" else "warning"}


def _shims(tmp_path: Path) -> tuple[Path, Path]:
    """A directory of one wrapper per tool that logs each start (`NAME ARGS`, a line) to the
    returned log file, then runs the real tool: put first on PATH, it records every subprocess
    lintgate starts."""
    shims, log = tmp_path / "shims", tmp_path / "starts.log"
    shims.mkdir()
    log.touch()
    for tool in TOOLS:
        script = shims / tool
        script.write_text(
            f'#!/bin/sh\nprintf "%s\\n" "{tool} $*" >> "{log}"\nexec "{_tool(tool)}" "$@"\n'
        )
        script.chmod(0o755)
    return shims, log


@pytest.mark.parametrize(
    "tools",
    [pytest.param(QUICK, id="quick"), pytest.param(TOOLS, marks=pytest.mark.slow, id="all")],
)
def test_cold_warm_and_imported_runs_print_the_same_bytes(
    repo: Path, tmp_path: Path, tools: tuple[str, ...]
) -> None:
    """Built-in external linters at once (all but pylint; all, slow): the warm run prints what
    the cold one did and starts no subprocess; a fresh copy at another path with an empty cache
    and the cold run's export imported prints the same bytes and runs no tool either."""
    shims, log = _shims(tmp_path)
    enable = [arg for tool in tools for arg in ("-E", tool)]
    export = tmp_path / "export"
    env = _env(tmp_path, str(shims))
    cold = lintgate(repo, *enable, "--export-cache", f"type=local,dest={export}", env=env)
    assert cold.returncode == 1, cold.stderr
    started = log.read_text().splitlines()
    assert {line.split()[0] for line in started} == set(tools)
    assert {line.rsplit(" (", 1)[1] for line in cold.stdout.splitlines()} == {
        f"{tool})" for tool in tools
    }

    warm = lintgate(repo, *enable, env=env)
    assert (warm.returncode, warm.stdout) == (1, cold.stdout)
    assert log.read_text().splitlines() == started  # nothing started
    assert " 7 from cache, " in warm.stderr

    # a fresh checkout beside the first (another path, new inodes and mtimes), its own cache
    fresh = shutil.copytree(FIXTURE, tmp_path / "checkout")
    env = {**env, "LINTGATE_CACHE_DIR": str(tmp_path / "fresh-cache")}
    imported = lintgate(fresh, *enable, "--import-cache", f"type=local,src={export}", env=env)
    assert (imported.returncode, imported.stdout) == (1, cold.stdout)
    assert log.read_text().splitlines() == started
    assert " 7 from cache, " in imported.stderr


def test_imported_cache_answers_a_checkout_at_another_depth(repo: Path, tmp_path: Path) -> None:
    """CI checks out at another absolute path, and depth, than the machine that exported:
    the export still answers every file."""
    export = tmp_path / "export"
    cold = lintgate(
        repo, "-E", "flake8", "--export-cache", f"type=local,dest={export}", env=_env(tmp_path)
    )
    deeper = shutil.copytree(FIXTURE, tmp_path / "ci" / "builds" / "checkout")
    env = {**_env(tmp_path), "LINTGATE_CACHE_DIR": str(tmp_path / "ci-cache")}
    imported = lintgate(
        deeper, "-E", "flake8", "--import-cache", f"type=local,src={export}", env=env
    )
    assert (imported.returncode, imported.stdout) == (1, cold.stdout)
    assert " 7 from cache, " in imported.stderr


@pytest.mark.parametrize("command", ["flake8 --isolated", "flake8 --isolated {path}"])
def test_gometalinter_string_form_works_unchanged(repo: Path, tmp_path: Path, command: str) -> None:
    """`"NAME": "COMMAND:PATTERN"` as gometalinter's README writes a linter (split at the first
    `:`, the pattern a shorthand, `{path}` where the paths go): the findings are flake8's own,
    run by hand with the same flags (--isolated: no config file, so the default 79 columns)."""
    config = {"DisableAll": True, "Linters": {"flake8x": f"{command}:PATH:LINE:COL:MESSAGE"}}
    (repo / "gometalinter-style.json").write_text(json.dumps(config))
    proc = lintgate(
        repo,
        "--config",
        "gometalinter-style.json",
        "-E",
        "flake8x",
        "--format",
        "json",
        env=_env(tmp_path),
    )
    assert proc.returncode == 1, proc.stderr
    by_hand_isolated = _run(repo, _tool("flake8"), "--isolated", *FILES)
    expected = _group(_located_lines(by_hand_isolated.stdout))
    assert reported(proc.stdout, "flake8x") == expected
    assert any("E501 line too long (" in m for _, _, m in expected["shop/models.py"])


# --- failures: each one clear error, nothing else lost ------------------------------------


def _path_without_venv() -> str:
    """The inherited PATH without this venv's bin directory (where the test tools are)."""
    parts = os.environ.get("PATH", "").split(os.pathsep)
    return os.pathsep.join(p for p in parts if p and Path(p).resolve() != BIN.resolve())


def _only(tmp_path: Path, *tools: str) -> str:
    """A directory on PATH holding wrappers of `tools` alone."""
    directory = tmp_path / "only"
    directory.mkdir()
    for tool in tools:
        (directory / tool).write_text(f'#!/bin/sh\nexec "{_tool(tool)}" "$@"\n')
        (directory / tool).chmod(0o755)
    return str(directory)


def test_missing_tool_is_one_error_naming_the_install(repo: Path, tmp_path: Path) -> None:
    """A program neither on PATH nor beside lintgate's interpreter: one error with the
    definition's install hint; the other tools' findings are all there."""
    (repo / "lintgate.json").write_text(
        json.dumps(
            {
                "Linters": {
                    "gone": {
                        "Command": "no-such-linter-here",
                        "Pattern": "PATH:LINE:COL:MESSAGE",
                        "InstallHint": "pip install no-such-linter-here",
                    }
                }
            }
        )
    )
    env = {"LINTGATE_CACHE_DIR": str(tmp_path / "cache")}
    proc = lintgate(repo, "-E", "gone", "-E", "ruff", "--format", "json", env=env)
    assert proc.returncode == 3
    assert reported(proc.stdout, "ruff") == by_hand("ruff", repo)
    assert proc.stderr.splitlines()[:-1] == [
        "lintgate: gone: cannot run 'no-such-linter-here': command not found; "
        "install it: pip install no-such-linter-here"
    ]


def test_a_tool_beside_lintgate_is_found_without_path(repo: Path, tmp_path: Path) -> None:
    """`.venv/bin/lintgate -E bandit` with the venv not activated (its bin directory not on
    PATH) runs the venv's bandit: lintgate looks beside its own interpreter after PATH."""
    rest = _path_without_venv()
    if shutil.which("bandit", path=rest):
        pytest.skip("bandit is installed outside this venv")
    env = {"LINTGATE_CACHE_DIR": str(tmp_path / "cache"), "PATH": rest}
    proc = lintgate(repo, "-E", "bandit", "--format", "json", env=env)
    assert reported(proc.stdout, "bandit") == by_hand("bandit", repo), proc.stderr
    assert "command not found" not in proc.stderr


def test_crashing_tool_is_one_error_with_its_last_words(repo: Path, tmp_path: Path) -> None:
    """flake8 with a setup.cfg it cannot read exits 1 (its findings status) with a traceback on
    stderr and no finding: a tool error quoting the traceback's last lines; ruff's findings
    are all there."""
    (repo / "setup.cfg").write_text("[flake8]\nmax-line-length = abc\n")
    expected_ruff = by_hand("ruff", repo)
    proc = lintgate(repo, "-E", "flake8", "-E", "ruff", "--format", "json", env=_env(tmp_path))
    assert proc.returncode == 3
    assert reported(proc.stdout, "ruff") == expected_ruff
    assert reported(proc.stdout, "flake8") == {}
    error, summary = proc.stderr.splitlines()
    assert error.startswith("lintgate: flake8: the tool exited with status 1: ")
    assert error.endswith(" | ValueError: invalid literal for int() with base 10: 'abc'")
    assert summary.startswith("lintgate: 7 files checked, ")


def test_mypy_blocking_error_is_a_tool_error(repo: Path, tmp_path: Path) -> None:
    """A file mypy cannot parse stops its whole check (exit 2, `errors prevented further
    checking`): a tool error, as mypy's own status says, quoting what it printed; what it
    printed is kept as its findings (on that file alone), and ruff's findings are all there."""
    (repo / "shop" / "broken.py").write_text("def (:\n")
    expected_ruff = by_hand("ruff", repo)
    proc = lintgate(repo, "-E", "mypy", "-E", "ruff", "--format", "json", env=_env(tmp_path))
    assert proc.returncode == 3, proc.stderr
    assert {k: v for k, v in reported(proc.stdout, "ruff").items() if k in FILES} == expected_ruff
    assert list(reported(proc.stdout, "mypy")) == ["shop/broken.py"]
    print(proc.stderr)
    error, summary = proc.stderr.splitlines()
    assert error.startswith("lintgate: mypy: the tool exited with status 2: shop/broken.py:1:")
    assert summary.startswith("lintgate: 8 files checked, ")


def test_hanging_tool_is_killed_at_the_deadline(repo: Path, tmp_path: Path) -> None:
    """mypy with a plugin that sleeps (mypy loads it before checking, not for --version): the
    deadline kills it, its files are named as not checked, ruff's findings are all there, and
    no process is left in the project."""
    plugin = tmp_path / "plugins" / "sleepy.py"
    plugin.parent.mkdir()
    plugin.write_text("import time\n\ntime.sleep(60)\n\n\ndef plugin(version):\n    return None\n")
    (repo / "mypy.ini").write_text(f"[mypy]\nplugins = {plugin}\n")
    expected_ruff = by_hand("ruff", repo)
    started = time.monotonic()
    proc = lintgate(
        repo, "-E", "mypy", "-E", "ruff", "--deadline", "5s", "--format", "json", env=_env(tmp_path)
    )
    assert time.monotonic() - started < 20
    assert proc.returncode == 3, proc.stderr
    assert reported(proc.stdout, "ruff") == expected_ruff
    lines = normalize_stderr(proc.stderr).splitlines()
    assert lines[0] == "lintgate: deadline passed after N.NNs; 7 file(s) not checked:"
    assert lines[1:8] == [f"  {f}" for f in FILES]
    time.sleep(0.5)
    assert _processes_in(repo) == []


def _processes_in(directory: Path) -> list[int]:
    """The live processes whose working directory is `directory`."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if os.readlink(f"/proc/{pid}/cwd") == str(directory.resolve()):
                found.append(int(pid))
        except OSError:
            continue
    return found


def test_tool_printing_garbage_is_an_error(repo: Path, tmp_path: Path) -> None:
    """flake8 told to print another format than its pattern reads: it exits 1 (findings) but
    no line matches. That is an error (the gate must not pass on findings it cannot read), one
    line per batch naming the linter; ruff's findings are all there."""
    config = {
        "DisableAll": True,
        "Linters": {"flake8": {"Command": "flake8 --format=%(code)s@%(row)d"}},
    }
    (repo / "lintgate.json").write_text(json.dumps(config))
    proc = lintgate(repo, "-E", "flake8", "-E", "ruff", "--format", "json", env=_env(tmp_path))
    assert reported(proc.stdout, "ruff") == by_hand("ruff", repo)
    assert proc.returncode == 3
    *errors, summary = proc.stderr.splitlines()  # one line per batch of flake8's
    assert errors and all(
        e.startswith("lintgate: flake8: the tool exited with status 1 (findings) but no line of")
        for e in errors
    ), proc.stderr
    assert summary.startswith("lintgate: 7 files checked, ")


def test_tool_hanging_on_its_version_question_keeps_the_deadline(
    repo: Path, tmp_path: Path
) -> None:
    shim = tmp_path / "slow" / "flake8"
    shim.parent.mkdir()
    shim.write_text(
        f'#!/bin/sh\n[ "$1" = --version ] && exec sleep 60\nexec "{_tool("flake8")}" "$@"\n'
    )
    shim.chmod(0o755)
    started = time.monotonic()
    proc = lintgate(
        repo, "-E", "flake8", "-E", "ruff", "--deadline", "2s", env=_env(tmp_path, str(shim.parent))
    )
    assert time.monotonic() - started < 10
    # the deadline passed while flake8 was asked its version: the files are named unchecked
    assert proc.returncode & 2 and " not checked, " in proc.stderr.splitlines()[-1]
    time.sleep(0.5)
    assert _processes_in(repo) == []


# --- --fast -------------------------------------------------------------------------------


def test_fast_runs_only_the_fast_linters(repo: Path, tmp_path: Path) -> None:
    """--fast keeps the enabled linters marked fast (flake8, ruff and black here) and leaves
    mypy out: it is not even started."""
    shims, log = _shims(tmp_path)
    env = _env(tmp_path, str(shims))
    proc = lintgate(repo, "-E", "flake8,mypy,ruff,black", "--fast", "--format", "json", env=env)
    assert proc.returncode == 1, proc.stderr
    assert {d["linter"] for d in json.loads(proc.stdout)} == {"flake8", "ruff", "black"}
    assert sorted({line.split()[0] for line in log.read_text().splitlines()}) == [
        "flake8",
        "ruff",
    ]
    slow = lintgate(repo, "-E", "flake8,mypy,ruff,black", "--format", "json", env=env)
    assert {d["linter"] for d in json.loads(slow.stdout)} == {"flake8", "mypy", "ruff", "black"}


def test_fast_follows_a_definitions_is_fast(repo: Path, tmp_path: Path) -> None:
    """A `Linters` entry's IsFast overlays the built-in one: mypy made fast runs with --fast,
    ruff made slow does not."""
    config = json.loads((repo / "lintgate.json").read_text())
    config["Linters"].update({"mypy": {"IsFast": True}, "ruff": {"IsFast": False}})
    (repo / "lintgate.json").write_text(json.dumps(config))
    proc = lintgate(repo, "-E", "mypy,ruff", "--fast", "--format", "json", env=_env(tmp_path))
    assert proc.returncode == 1, proc.stderr
    assert {d["linter"] for d in json.loads(proc.stdout)} == {"mypy"}


def test_fix_with_ruff_writes_what_ruff_fix_writes(repo: Path, tmp_path: Path) -> None:
    """`--fix -E ruff` leaves every file as `ruff check --fix-only` run by hand leaves it (its
    safe fixes: unused imports, an f-string without placeholders, `Optional`), and reports
    what is left."""
    by_hand_copy = shutil.copytree(FIXTURE, tmp_path / "by-hand")
    _run(by_hand_copy, _tool("ruff"), "check", "--fix-only", "--quiet", *FILES)
    proc = lintgate(repo, "-E", "ruff", "--fix", env=_env(tmp_path))
    assert proc.returncode == 1, proc.stderr
    for rel in FILES:
        assert (repo / rel).read_bytes() == (by_hand_copy / rel).read_bytes(), rel
    assert (repo / "shop/models.py").read_bytes() != (FIXTURE / "shop/models.py").read_bytes()
    assert sorted(p.name for p in (repo / "shop").iterdir()) == sorted(
        p.name for p in (FIXTURE / "shop").iterdir()
    )  # no temporary copy left
    left = _located_lines(
        _run(by_hand_copy, _tool("ruff"), "check", "--output-format=concise", *FILES).stdout
    )
    assert len(proc.stdout.splitlines()) == len(left)


def test_fast_leaving_no_linter_is_one_error(repo: Path, tmp_path: Path) -> None:
    proc = lintgate(repo, "-E", "mypy,pylint", "--fast", env=_env(tmp_path))
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == "lintgate: --fast: none of the enabled linters is fast (pylint, mypy)\n"


def test_the_docs_table_says_what_the_definitions_hold() -> None:
    """docs/external-builtin.md's tables list each built-in definition's command, config
    files, fast and file-local as lintgate/external/builtin.py has them."""
    from lintgate.external.builtin import BUILTIN

    text = (Path(__file__).resolve().parent.parent / "docs" / "external-builtin.md").read_text()
    commands, facts = {}, {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].strip("`") in BUILTIN:
            commands[cells[0].strip("`")] = cells[1]
        elif len(cells) == 7 and cells[0].strip("`") in BUILTIN:
            facts[cells[0].strip("`")] = cells
    assert list(commands) == list(facts) == list(BUILTIN)
    for name, d in BUILTIN.items():
        assert commands[name].split(" (then")[0] == f"`{d.command}`"
        configs = re.findall(r"`([^`]+)`", facts[name][1])
        assert tuple(configs) == d.config_files, name
        assert facts[name][4] == ("yes" if d.is_fast else "no"), name
        assert facts[name][5] == ("yes" if d.file_local else "no"), name
        assert facts[name][6] == (f"`{d.jobs_flag}`" if d.jobs_flag else ""), name
        assert d.install_hint == f"pip install {name}" and d.description and d.help_uri
