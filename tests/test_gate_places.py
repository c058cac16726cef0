"""Where the gate runs: the pre-commit hook (run by the real pre-commit, which builds the hook's
environment from this checkout), `make lint` and the repository's own pre-commit config on this
repository, and the Dockerfile's `lint` stage (parsed, then its command run as the stage would
run it: lintgate installed from the files the base stage copies, a read-only source tree, the
cache directory from the stage's ENV)."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from dockerfile_parse import DockerfileParser
from helpers import REPOS, copy_repo, normalize_stderr

ROOT = Path(__file__).resolve().parent.parent
PRECOMMIT = Path(__file__).parent / "fixtures" / "precommit"


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=lintgate tests", "-c", "user.email=tests@lintgate.invalid"]
        + ["-c", "commit.gpgsign=false", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def _clean_env(**extra: str) -> dict[str, str]:
    # A test run from inside a git hook inherits GIT_DIR and friends: they would point every
    # git call below at the outer repository.
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.pop("LINTGATE_CACHE_DIR", None)
    env.update(extra)
    return env


# --- pre-commit ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory) -> tuple[Path, str]:
    """This checkout's working tree (tracked and untracked files git does not ignore) committed
    in a new repository, and that commit: pre-commit clones a hook repository at a commit, and
    this way uncommitted work is what gets tested."""
    dest = tmp_path_factory.mktemp("hook-repo")
    names = _git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    for name in filter(None, names.split("\0")):
        if (ROOT / name).is_file():  # a tracked file deleted in the working tree is left out
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, dest / name)
    _git(dest, "init", "-q")
    _git(dest, "add", "-A")
    _git(dest, "commit", "-q", "-m", "snapshot of the lintgate working tree")
    return dest, _git(dest, "rev-parse", "HEAD").strip()


@pytest.fixture(scope="module")
def precommit_home(tmp_path_factory) -> Path:
    """One PRE_COMMIT_HOME for the module, so pre-commit builds the hook environment once."""
    return tmp_path_factory.mktemp("pre-commit-home")


def _pre_commit(cwd: Path, home: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args, "--color", "never"],
        cwd=cwd,
        env=_clean_env(PRE_COMMIT_HOME=str(home), **env),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=900,
    )


def test_hook_manifest_and_own_config_are_valid(precommit_home):
    for command, name in [
        ("validate-manifest", ".pre-commit-hooks.yaml"),
        ("validate-config", ".pre-commit-config.yaml"),
    ]:
        proc = subprocess.run(
            [sys.executable, "-m", "pre_commit", command, name],
            cwd=ROOT,
            env=_clean_env(PRE_COMMIT_HOME=str(precommit_home)),
            capture_output=True,
            text=True,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert sorted(hooks) == ["lintgate", "lintgate-fix"]
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["types_or"] == ["python", "pyi"]
        assert hook["require_serial"] is True  # lintgate runs its own process pool
    assert hooks["lintgate"]["entry"] == "lintgate"
    assert hooks["lintgate-fix"]["entry"] == "lintgate --fix"


def _status(output: str, hook_name: str = "lintgate") -> str:
    """pre-commit's verdict line for a hook: `name.....Passed` -> "Passed"."""
    found = re.findall(rf"^{re.escape(hook_name)}\.+(\w+)$", output, re.M)
    assert len(found) == 1, output
    return found[0]


@pytest.mark.slow
def test_precommit_hook_fails_on_bad_files_then_passes(hook_repo, precommit_home, tmp_path):
    repo, rev = hook_repo
    project = tmp_path / "project"
    shutil.copytree(PRECOMMIT / "project", project)
    config = {"repos": [{"repo": str(repo), "rev": rev, "hooks": [{"id": "lintgate"}]}]}
    (project / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    _git(project, "init", "-q")
    _git(project, "add", "-A")
    cache = str(tmp_path / "cache")

    # The whole tree, as CI runs it: pre-commit passes every Python file by relative name;
    # lintgate finds lintgate.json (Skip: generated) and the isort/black settings of
    # pyproject.toml (line length 100, which clean.py needs) from the repository root.
    proc = _pre_commit(project, precommit_home, "run", "--all-files", LINTGATE_CACHE_DIR=cache)
    out = normalize_stderr(proc.stdout)
    assert proc.returncode == 1, out + proc.stderr
    assert _status(out) == "Failed"
    expected = (PRECOMMIT / "expected.stdout").read_text(encoding="utf-8")
    summary = "lintgate: 4 files checked, 2 findings, 0 from cache, N.NNs\n"
    assert "- exit code: 1\n\n" + expected + summary in out

    # Only the changed files, as a commit runs it.
    proc = _pre_commit(
        project, precommit_home, "run", "--files", "pkg/unsorted.py", LINTGATE_CACHE_DIR=cache
    )
    out = normalize_stderr(proc.stdout)
    assert proc.returncode == 1, out + proc.stderr
    unsorted = [line for line in expected.splitlines(True) if line.startswith("pkg/unsorted.py")]
    assert "- exit code: 1\n\n" + "".join(unsorted) + "lintgate: 1 file checked" in out

    # A skipped file named by pre-commit stays skipped (it has both an isort and a black finding).
    proc = _pre_commit(
        project,
        precommit_home,
        "run",
        "--files",
        "generated/messages_pb2.py",
        LINTGATE_CACHE_DIR=cache,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert _status(proc.stdout) == "Passed"

    # Fixed: the corrected bytes written over the bad files.
    for fixed in (PRECOMMIT / "fixed").rglob("*.py"):
        (project / fixed.relative_to(PRECOMMIT / "fixed")).write_bytes(fixed.read_bytes())
    _git(project, "add", "-A")
    proc = _pre_commit(project, precommit_home, "run", "--all-files", LINTGATE_CACHE_DIR=cache)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert _status(proc.stdout) == "Passed"


# --- make lint, and the repository's own pre-commit config -------------------------------


def test_make_lint_passes_on_this_repository():
    # the gate, then mypy --strict (`make lint: gate typecheck`)
    proc = subprocess.run(
        ["make", "-s", "lint", f"PYTHON={sys.executable}"],
        cwd=ROOT,
        env=_clean_env(),
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert re.fullmatch(r"Success: no issues found in \d+ source files\n", proc.stdout)
    assert re.fullmatch(r"lintgate: \d+ files checked, 0 findings, .*\n", proc.stderr)


def test_make_lint_runs_the_gate_and_mypy():
    bin_dir = "/nowhere/bin/"
    proc = subprocess.run(
        ["make", "-s", "-n", "lint", f"PYTHON={bin_dir}python"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert proc.stdout == f"{bin_dir}lintgate\n{bin_dir}mypy\n"


@pytest.mark.slow
def test_own_precommit_config_passes_on_this_repository(precommit_home):
    # The hook runs `make lint`; PYTHON from the environment overrides the Makefile's default
    # (.venv/bin/python), so this works from whichever environment runs the tests.
    proc = _pre_commit(ROOT, precommit_home, "run", "--all-files", PYTHON=sys.executable)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert _status(proc.stdout, "lintgate (make lint)") == "Passed"


# --- the Dockerfile's lint stage ------------------------------------------------------------


def _stages() -> dict[str, list[dict]]:
    """The Dockerfile's stages by name: each a list of instructions
    ({"instruction", "value", "envs"}), envs being the ENV values in force at that line."""
    parser = DockerfileParser(str(ROOT / "Dockerfile"))
    stages: dict[str, list[dict]] = {}
    current: list[dict] = []
    for item, context in zip(parser.structure, parser.context_structure):
        if item["instruction"] == "FROM":
            words = item["value"].split()
            current = []
            if len(words) == 3 and words[1].lower() == "as":
                stages[words[2]] = current
        elif item["instruction"] != "COMMENT":
            current.append({**item, "envs": dict(context.envs)})
    return stages


def _split_run(value: str) -> tuple[list[dict[str, str]], str]:
    """A RUN instruction's `--mount` options (each as a dict; a bare flag such as `rw` maps to
    "") and its shell command."""
    flags, command = re.fullmatch(r"((?:--\S+\s+)*)(.*)", value.strip(), re.S).groups()
    mounts = []
    for flag in flags.split():
        assert flag.startswith("--mount="), f"unexpected RUN flag {flag}"
        mounts.append(dict((kv.split("=", 1) + [""])[:2] for kv in flag[8:].split(",")))
    return mounts, command.strip()


def _lint_stage() -> tuple[list[dict[str, str]], str, str, dict[str, str]]:
    """The lint stage's mounts, command, working directory and environment."""
    stage = _stages()["lint"]
    runs = [i for i in stage if i["instruction"] == "RUN"]
    assert len(runs) == 1, "the lint stage runs one command: the gate"
    workdir = [i["value"] for i in stage if i["instruction"] == "WORKDIR"][-1]
    mounts, command = _split_run(runs[0]["value"])
    return mounts, command, workdir, runs[0]["envs"]


def _make_gate_command() -> list[str]:
    """What `make gate` (the gate part of `make lint`) runs, as words, with the interpreter's
    bin directory taken off."""
    bin_dir = "/nowhere/bin/"
    proc = subprocess.run(
        ["make", "-s", "-n", "gate", f"PYTHON={bin_dir}python"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert proc.stdout.startswith(bin_dir), proc.stdout
    return shlex.split(proc.stdout[len(bin_dir) :])


def test_lint_stage_runs_make_gate_command_on_read_only_source_with_cache_mount():
    mounts, command, workdir, envs = _lint_stage()
    binds = [m for m in mounts if m.get("type", "bind") == "bind"]
    caches = [m for m in mounts if m.get("type") == "cache"]
    assert len(binds) == 1 and len(caches) == 1, mounts
    bind = binds[0]
    assert bind["target"] == workdir == "/src"
    # The whole build context, read-only: BuildKit bind mounts are read-only unless rw is given.
    assert "from" not in bind and bind.get("source", ".") in (".", "/")
    assert "rw" not in bind and "readwrite" not in bind
    assert caches[0]["target"] == envs["LINTGATE_CACHE_DIR"] == "/cache"
    assert shlex.split(command) == _make_gate_command()
    assert shlex.split(command)[0] == "lintgate"


def _copy_sources(stage: list[dict], dest: Path) -> Path:
    """Carry out a stage's COPY instructions from this checkout into `dest` (standing for the
    image's root) and return the directory that received pyproject.toml."""
    package_dir = None
    for item in stage:
        if item["instruction"] != "COPY":
            continue
        *sources, target = shlex.split(item["value"])
        assert not target.startswith("--"), "COPY flags are not mirrored here"
        to = dest / target.lstrip("/")
        for source in sources:
            src = ROOT / source
            if src.is_dir():  # COPY copies a directory's contents into the target
                shutil.copytree(
                    src, to, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__")
                )
            else:
                final = to / src.name if target.endswith("/") else to
                final.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, final)
                if src.name == "pyproject.toml":
                    package_dir = final.parent
    assert package_dir is not None, "the base stage copies pyproject.toml"
    return package_dir


@pytest.fixture(scope="session")
def image_venv(tmp_path_factory) -> Path:
    """A fresh virtual environment with lintgate installed from exactly the files the
    Dockerfile's base stage copies (as its RUN does: pip install of that directory, with the
    tool versions of the constraints.txt it copies; tests/test_install.py checks that RUN);
    returns its bin directory."""
    work = tmp_path_factory.mktemp("image")
    package_dir = _copy_sources(_stages()["base"], work / "root")
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    proc = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
        + ["-c", str(package_dir / "constraints.txt"), str(package_dir)],
        capture_output=True,
        text=True,
        env=_clean_env(),
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return venv / "bin"


def _tree(root: Path) -> dict[str, tuple[int, bytes | None]]:
    """Every path under `root` with its mode and (for files) its bytes."""
    out = {}
    for path in sorted(root.rglob("*")):
        st = path.lstat()
        out[str(path.relative_to(root))] = (
            st.st_mode,
            path.read_bytes() if path.is_file() else None,
        )
    return out


def _set_writable(root: Path, writable: bool) -> None:
    for path in [root, *root.rglob("*")]:
        mode = path.stat().st_mode
        path.chmod(mode | 0o200 if writable else mode & ~0o222)


@pytest.mark.slow
@pytest.mark.parametrize("git", [True, False], ids=["git-work-tree", "no-git"])
def test_lint_stage_command_on_read_only_fixture_repository(image_venv, tmp_path, git):
    """`both` (one isort and one black finding) as the lint stage sees /src: read-only,
    with and without git (the image has no git)."""
    _mounts, command, _workdir, envs = _lint_stage()
    src = copy_repo("both", tmp_path / "src", git=git)
    cache = tmp_path / "cache"
    stage_env = {k: str(cache) if v == "/cache" else v for k, v in envs.items()}
    assert stage_env == {"LINTGATE_CACHE_DIR": str(cache)}
    _set_writable(src, False)
    # Root ignores permission bits, so the tree is also compared before and after.
    before = _tree(src)
    try:
        proc = subprocess.run(
            ["/bin/sh", "-c", command],  # RUN's shell form
            cwd=src,
            env=_clean_env(PATH=f"{image_venv}{os.pathsep}{os.environ['PATH']}", **stage_env),
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=300,
        )
        after = _tree(src)
    finally:
        _set_writable(src, True)
    case = json.loads((REPOS / "both" / "case.json").read_text())
    assert proc.stdout == (REPOS / "both" / "expected.stdout").read_text(encoding="utf-8")
    assert normalize_stderr(proc.stderr) == (REPOS / "both" / "expected.stderr").read_text(
        encoding="utf-8"
    )
    assert proc.returncode == case["exit"] == 1
    assert after == before


# --- the CI examples -------------------------------------------------------------------------


def _gate_commands(script: list[str]) -> list[list[str]]:
    return [shlex.split(line) for line in script if line.split()[0] == "lintgate"]


def test_ci_examples_run_the_gate_with_flags_lintgate_accepts():
    """Every `lintgate` line of both CI examples parses (tests/test_examples.py runs the jobs)."""
    from lintgate.cli import build_parser
    from lintgate.shards.merge import build_parser as merge_parser

    github = yaml.safe_load((ROOT / "examples" / "github-actions.yml").read_text())
    gh_script = [s["run"] for job in github["jobs"].values() for s in job["steps"] if "run" in s]
    gitlab = yaml.safe_load((ROOT / "examples" / "gitlab-ci.yml").read_text())
    gl_script = [
        line for job in gitlab.values() if isinstance(job, dict) for line in job.get("script", [])
    ]
    commands = _gate_commands([line.strip() for line in gh_script + gl_script if line.strip()])
    assert sorted(c[1] for c in commands) == ["--shard", "merge", "merge"], commands
    for words in commands:
        words = [w for w in words if w not in ("||", "test", "$?", "-eq", "1")]
        if words[1] == "merge":
            merge_parser().parse_args(words[2:])  # SystemExit(2) on an unknown flag or value
        else:
            build_parser().parse_args(words[1:])


@pytest.mark.slow
def test_installed_package_has_the_schema_and_the_pinned_tools(image_venv, tmp_path):
    """What the image installs (a wheel built from the copied files, with constraints.txt):
    the JSON Schema is package data, and --version names the pinned versions."""
    schema = ROOT / "lintgate" / "config" / "lintgate.schema.json"
    proc = subprocess.run(
        [str(image_venv / "lintgate"), "config", "schema"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=_clean_env(),
    )
    assert (proc.stdout, proc.stderr, proc.returncode) == (schema.read_text(), "", 0)
    (tmp_path / "lintgate.json").write_text('{"$schema": "x", "Skip": ["generated"]}')
    proc = subprocess.run(
        [str(image_venv / "lintgate"), "config", "verify"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=_clean_env(),
    )
    # no jsonschema in the image: the loader alone, and a warning that says so
    assert (proc.stdout, proc.returncode) == ("lintgate.json: valid\n", 0), proc.stderr
    pins = [
        line.replace("==", " ")
        for line in (ROOT / "constraints.txt").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    proc = subprocess.run(
        [str(image_venv / "lintgate"), "--version"], capture_output=True, text=True
    )
    assert f"({', '.join(pins)}; Python " in proc.stdout


@pytest.mark.slow
def test_quick_start_install_form_from_a_git_repository(hook_repo, tmp_path):
    """The README's install command, with the placeholder URL replaced by a git repository
    holding this working tree (a file:// URL at a commit, as a user pins one): the `pinned`
    extra installs the tested isort, black and libcst, and lintgate runs."""
    from test_install import INSTALL

    repo, rev = hook_repo
    spec = INSTALL.split(" install ", 1)[1].strip('"')
    # file://localhost/...: an older pip (23.2) wants a host in a VCS URL, as https has
    spec = spec.replace("https://github.com/OWNER/lintgate", f"file://localhost{repo}") + f"@{rev}"
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    proc = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", spec],
        capture_output=True,
        text=True,
        env=_clean_env(),
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    pins = [
        line.replace("==", " ")
        for line in (ROOT / "constraints.txt").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    proc = subprocess.run(
        [str(venv / "bin" / "lintgate"), "--version"], capture_output=True, text=True
    )
    assert f"({', '.join(pins)}; Python " in proc.stdout, proc.stdout + proc.stderr
    src = copy_repo("both", tmp_path / "src")
    proc = subprocess.run(
        [str(venv / "bin" / "lintgate")],
        cwd=src,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=_clean_env(LINTGATE_CACHE_DIR=str(tmp_path / "cache")),
    )
    assert proc.stdout == (REPOS / "both" / "expected.stdout").read_text(encoding="utf-8")
    assert proc.returncode == 1
