"""examples/: the GitHub Actions workflow and the GitLab pipeline are valid by the GitHub
workflow and GitLab CI JSON schemas (as check-jsonschema vendors them), shard as they say, and
the GitLab jobs' command lines run as they are: N shards then the merge, on a fixture
repository, give the unsharded run's report and exit status."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

import jsonschema
from helpers import copy_repo, lintgate
from ruamel.yaml import YAML

from lintgate.report import FORMATS

EXAMPLES = Path(__file__).parent.parent / "examples"


def _schema(name: str) -> dict:
    vendor = resources.files("check_jsonschema.builtin_schemas.vendor")
    return json.loads(vendor.joinpath(f"{name}.json").read_text("utf-8"))


def _load(name: str) -> dict:
    # YAML 1.2 (ruamel, as check-jsonschema reads it): `on:` is a key, not `true`
    return YAML(typ="safe").load((EXAMPLES / name).read_text("utf-8"))


def _errors(document: dict, schema: str) -> list[str]:
    validator = jsonschema.Draft7Validator(_schema(schema))
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


def test_github_workflow_is_valid_and_sharded():
    workflow = _load("github-actions.yml")
    assert _errors(workflow, "github-workflows") == []
    shards = int(workflow["env"]["SHARDS"])
    shard, merge = workflow["jobs"]["shard"], workflow["jobs"]["lintgate"]
    assert shard["strategy"]["matrix"]["shard"] == list(range(1, shards + 1))
    assert merge["needs"] == "shard"
    uses = [s.get("uses", "") for s in merge["steps"]]
    assert "github/codeql-action/upload-sarif@v3" in uses
    runs = "\n".join(s.get("run", "") for s in shard["steps"] + merge["steps"])
    assert '--shard "${{ matrix.shard }}/$SHARDS"' in runs
    assert "type=registry,ref=$cache:main,shards=$SHARDS" in runs
    assert "lintgate merge results/*.json --format github --output sarif=lintgate.sarif" in runs
    assert workflow["env"]["LINTGATE_PIP"].startswith("lintgate[pinned] @ git+https://github.com/")


def test_gitlab_pipeline_is_valid_and_sharded():
    pipeline = _load("gitlab-ci.yml")
    assert _errors(pipeline, "gitlab-ci") == []
    shard, merge = pipeline["lintgate-shard"], pipeline["lintgate"]
    assert shard["parallel"] == 4
    assert merge["needs"] == ["lintgate-shard"]
    assert merge["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"
    assert "--output gitlab=gl-code-quality-report.json" in merge["script"][0]
    assert shard["cache"]["paths"] == [".lintgate-cache/"]


def test_the_schemas_do_catch_mistakes():
    """Not a validation that passes anything: a broken copy of each example fails."""
    pipeline = _load("gitlab-ci.yml")
    pipeline["lintgate-shard"]["parallel"] = "four"
    assert _errors(pipeline, "gitlab-ci")
    workflow = _load("github-actions.yml")
    workflow["jobs"]["shard"]["strategy"]["fail-fast"] = "no"
    del workflow["jobs"]["lintgate"]["runs-on"]
    assert _errors(workflow, "github-workflows")


def _bash(line: str, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    full = {k: v for k, v in os.environ.items() if k != "LINTGATE_CACHE_DIR"}
    full.update({"PATH": path, **env})
    return subprocess.run(["bash", "-c", line], cwd=cwd, env=full, capture_output=True, text=True)


def test_gitlab_jobs_run_as_they_are(tmp_path):
    pipeline = _load("gitlab-ci.yml")
    repo = copy_repo("report-all", tmp_path / "repo")
    whole = lintgate(
        repo, "--output", "junit=whole.xml", env={"LINTGATE_CACHE_DIR": str(tmp_path / "c")}
    )
    shard = pipeline["lintgate-shard"]
    total = shard["parallel"]
    for k in range(1, total + 1):
        env = {"CI_NODE_INDEX": str(k), "CI_NODE_TOTAL": str(total)}
        for line in shard["script"]:
            proc = _bash(line, repo, env)
            assert proc.returncode == 0, proc.stderr
        assert "warning" not in proc.stderr  # the git-ignored cache directory is used
    assert (repo / ".lintgate-cache" / "results.sqlite3").is_file()
    line = pipeline["lintgate"]["script"][0]
    if "gitlab" not in FORMATS:  # the gitlab format comes with engineer ci16's branch
        line = line.replace(" --output gitlab=gl-code-quality-report.json", "")
    merged = _bash(line, repo, {})
    assert (merged.returncode, merged.stdout) == (whole.returncode, whole.stdout), merged.stderr
    assert (repo / "lintgate-junit.xml").read_bytes() == (repo / "whole.xml").read_bytes()


def test_github_jobs_run_as_they_are(tmp_path):
    """The shard step's bash (a pull request: import only) for each matrix value, then the
    merge step, on a fixture repository: the unsharded run's annotations and exit status.
    The registry is made an unreachable local address (no network in tests): the import is a
    warning and the run goes on, as the docs say."""
    workflow = _load("github-actions.yml")
    repo = copy_repo("report-all", tmp_path / "repo")
    whole = lintgate(repo, "--format", "github", env={"LINTGATE_CACHE_DIR": str(tmp_path / "c")})
    step = next(s for s in workflow["jobs"]["shard"]["steps"] if "--shard" in s.get("run", ""))
    shards = workflow["env"]["SHARDS"]
    script = step["run"].replace("ghcr.io/", "127.0.0.1:9/")
    (repo / "results").mkdir()
    for k in workflow["jobs"]["shard"]["strategy"]["matrix"]["shard"]:
        env = {
            "SHARDS": str(shards),
            "GITHUB_REPOSITORY_OWNER": "Some-Owner",
            "GITHUB_EVENT_NAME": "pull_request",
            "GITHUB_REF": "refs/pull/1/merge",
            "LINTGATE_CACHE_DIR": str(tmp_path / f"job{k}"),
        }
        proc = _bash(script.replace("${{ matrix.shard }}", str(k)), repo, env)
        assert proc.returncode == 0, proc.stderr  # Some-Owner lower-cased: a valid ref
        unreachable = "lintgate: warning: cache import: registry 127.0.0.1:9 unreachable: "
        assert proc.stderr.count(unreachable) == shards  # shards=N: one import per part
        assert "--export-cache" not in proc.stderr  # a pull request only reads the cache
        (repo / f"lintgate-result-{k}.json").rename(repo / "results" / f"lintgate-result-{k}.json")
    merge = next(
        s["run"] for s in workflow["jobs"]["lintgate"]["steps"] if "merge" in s.get("run", "")
    )
    merged = _bash(merge, repo, {})
    assert (merged.returncode, merged.stdout) == (whole.returncode, whole.stdout)
    assert json.loads((repo / "lintgate.sarif").read_text())["runs"][0]["results"]
