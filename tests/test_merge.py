"""`lintgate merge`: N shards (`--shard K/N --output result=PATH`) merged give the unsharded
run's reports byte for byte and its exit status, on the fixture repositories and on a fixed
sample of the standard library, for N = 1, 2, 3, 7; and its refusals, one line each."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from helpers import REPOS, copy_repo, copy_stdlib, lintgate, normalize_stderr, stdlib_sample

FORMATS = ("text", "json", "sarif", "junit", "checkstyle", "github")


def _stderr(text: str) -> str:
    """stderr without what differs between a run and a merge: the cache hits and seconds."""
    return re.sub(r"\d+ from cache, ", "C from cache, ", normalize_stderr(text))


def _report_args(args: list[str]) -> tuple[list[str], list[str]]:
    """(the arguments for every shard, the report options a merge takes too) of a case."""
    shard, report = list(args), []
    for flag in ("--format", "--output"):
        while flag in shard:
            i = shard.index(flag)
            report += shard[i : i + 2]
            del shard[i : i + 2]
    return args, report


def _sharded(repo, total, args, report, env, results):
    """Run the N shards (each with `args`), then merge with `report`: the merge's process."""
    names = []
    for k in range(1, total + 1):
        name = str(results / f"shard-{k}-of-{total}.json")
        proc = lintgate(
            repo, *args, "--shard", f"{k}/{total}", "--output", f"result={name}", env=env
        )
        assert "Traceback" not in proc.stderr
        names.append(name)
    return lintgate(repo, "merge", *names, *report, env=env)


MERGE_CASES = sorted(
    p.name
    for p in REPOS.iterdir()
    if (p / "case.json").is_file() and p.name not in ("unknown-key",)  # a run that never starts
)
FAST_CASES = {"filter-aggregate", "filter-sort", "format-two-outputs", "skip-named", "syntax"}


@pytest.mark.parametrize(
    "name",
    [n if n in FAST_CASES else pytest.param(n, marks=pytest.mark.slow) for n in MERGE_CASES],
)
def test_merge_equals_unsharded_fixture(name, tmp_path):
    case = json.loads((REPOS / name / "case.json").read_text())
    repo = copy_repo(case.get("repo", name), tmp_path / "repo", git=case.get("git", True))
    if "config" in case:
        (repo / "lintgate.json").write_text(json.dumps(case["config"]))
    env = {"LINTGATE_CACHE_DIR": str(tmp_path / "cache")}
    args, report = _report_args(case.get("args", []))
    whole = lintgate(repo, *args, env=env)
    extra = sorted(
        p.name for p in repo.iterdir() if p.suffix == ".json" and p.name != "lintgate.json"
    )
    files = {n: (repo / n).read_bytes() for n in extra}
    results = tmp_path / "results"
    results.mkdir()
    for n in extra:
        (repo / n).unlink()
    merged = _sharded(repo, 2, args, report, env, results)
    assert merged.stdout == whole.stdout
    assert _stderr(merged.stderr) == _stderr(whole.stderr)
    assert merged.returncode == whole.returncode == case["exit"]
    assert {n: (repo / n).read_bytes() for n in extra} == files


@pytest.fixture(scope="module")
def stdlib_repo(tmp_path_factory):
    """120 files of the standard library (a fixed sample) and the unsharded run's reports
    (one per format, as files) and exit status; the cache it filled, for warm shards."""
    root = copy_stdlib(stdlib_sample(120, 40_000), tmp_path_factory.mktemp("stdlib") / "repo")
    cache = tmp_path_factory.mktemp("cache")
    env = {"LINTGATE_CACHE_DIR": str(cache)}
    out = tmp_path_factory.mktemp("whole")
    report = [a for f in FORMATS for a in ("--output", f"{f}={out / f}")]
    proc = lintgate(root, *report, env=env)
    assert proc.returncode == 1, proc.stderr
    return root, env, {f: (out / f).read_bytes() for f in FORMATS}, proc


@pytest.mark.parametrize("total", [1, 2, 3, 7])
def test_merge_equals_unsharded_stdlib(stdlib_repo, total, tmp_path):
    root, env, whole, proc = stdlib_repo
    out = tmp_path / "merged"
    out.mkdir()
    report = [a for f in FORMATS for a in ("--output", f"{f}={out / f}")]
    merged = _sharded(root, total, [], report, env, tmp_path)
    assert merged.returncode == proc.returncode == 1
    assert merged.stdout == proc.stdout  # the text format, to stdout
    for f in FORMATS:
        assert (out / f).read_bytes() == whole[f], f
    assert _stderr(merged.stderr) == _stderr(proc.stderr)
    assert "files checked, " in merged.stderr


# --- refusals -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shard_results(tmp_path_factory):
    """A fixture repository, its two shards' result files, and the cache env (made once)."""
    base = tmp_path_factory.mktemp("two-shards")
    repo = copy_repo("report-all", base / "repo")
    env = {"LINTGATE_CACHE_DIR": str(base / "cache")}
    for k in (1, 2):
        lintgate(repo, "--shard", f"{k}/2", "--output", f"result={base}/r{k}.json", env=env)
    return base, repo, env


@pytest.fixture
def two_shards(shard_results, tmp_path):
    """The repository, copies of its two shards' result files (in tmp_path), the cache env."""
    base, repo, env = shard_results
    names = []
    for k in (1, 2):
        shutil.copyfile(base / f"r{k}.json", tmp_path / f"r{k}.json")
        names.append(tmp_path / f"r{k}.json")
    return repo, env, names


def _refused(repo, env, *args):
    proc = lintgate(repo, "merge", *map(str, args), env=env)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    return proc.stderr


def test_merge_refuses_a_missing_shard(two_shards):
    repo, env, (r1, r2) = two_shards
    assert (
        _refused(repo, env, r1) == "lintgate: shard 2/2 missing: give every shard's result file\n"
    )


def test_merge_refuses_a_shard_twice(two_shards, tmp_path):
    repo, env, (r1, r2) = two_shards
    copy = tmp_path / "copy.json"
    shutil.copyfile(r1, copy)
    assert _refused(repo, env, r1, copy, r2) == f"lintgate: {r1} and {copy} are both shard 1/2\n"


def test_merge_refuses_different_shard_counts(two_shards, tmp_path):
    repo, env, (r1, r2) = two_shards
    r3 = tmp_path / "r3.json"
    lintgate(repo, "--shard", "2/3", "--output", f"result={r3}", env=env)
    assert _refused(repo, env, r1, r3) == f"lintgate: {r3} is shard 2/3, {r1} is of 2 shards\n"


def test_merge_refuses_different_settings(two_shards, tmp_path):
    repo, env, (r1, r2) = two_shards
    other = tmp_path / "other.json"
    lintgate(repo, "--shard", "2/2", "--sort", "linter", "--output", f"result={other}", env=env)
    assert _refused(repo, env, r1, other) == (
        f"lintgate: {other} and {r1}: different settings: not shards of one run\n"
    )


def test_merge_refuses_different_discovered_files(two_shards, tmp_path):
    _, env, (r1, r2) = two_shards
    repo = copy_repo("report-all", tmp_path / "repo")  # the shared one stays as it is
    (repo / "added.py").write_text("x = 1\n")
    other = tmp_path / "other.json"
    lintgate(repo, "--shard", "2/2", "--output", f"result={other}", env=env)
    assert _refused(repo, env, r1, other) == (
        f"lintgate: {other} and {r1}: different discovered files: not shards of one run\n"
    )


def test_merge_refuses_another_version(two_shards):
    repo, env, (r1, r2) = two_shards
    doc = json.loads(r2.read_text())
    doc["lintgate_version"] = "0.0.1"
    r2.write_text(json.dumps(doc))
    assert _refused(repo, env, r1, r2) == (
        f"lintgate: {r2}: written by lintgate 0.0.1, this is lintgate "
        f"{doc_version(r1)}: merge with the version that ran the shards\n"
    )


def doc_version(path) -> str:
    return json.loads(path.read_text())["lintgate_version"]


@pytest.mark.parametrize(
    "content, message",
    [
        (
            "{",
            "not a lintgate result file: Expecting property name enclosed in double quotes: "
            "line 1 column 2 (char 1)",
        ),
        ("[]", "not a lintgate result file (no lintgate_result key)"),
        ('{"lintgate_result": 99}', "result file version 99; this lintgate reads version 2"),
        ('{"lintgate_result": 2}', "malformed result file: KeyError: 'lintgate_version'"),
    ],
)
def test_merge_refuses_a_malformed_file(two_shards, tmp_path, content, message):
    repo, env, (r1, r2) = two_shards
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    assert _refused(repo, env, r1, bad) == f"lintgate: {bad}: {message}\n"


def test_merge_refuses_an_unreadable_file(two_shards, tmp_path):
    repo, env, (r1, r2) = two_shards
    gone = tmp_path / "gone.json"
    assert (
        _refused(repo, env, r1, gone)
        == f"lintgate: {gone}: cannot read: No such file or directory\n"
    )


def test_merge_refuses_a_finding_of_a_bad_shape(two_shards):
    repo, env, (r1, r2) = two_shards
    doc = json.loads(r2.read_text())
    doc["findings"].append({"path": "x.py", "line": "one"})
    r2.write_text(json.dumps(doc))
    assert (
        _refused(repo, env, r1, r2)
        == f"lintgate: {r2}: malformed result file: KeyError: 'severity'\n"
    )


def test_merge_of_new_code_equals_unsharded(tmp_path):
    """New-code selection looks at one file at a time: each shard applies it (the merge job
    needs no git history), and the merge equals the unsharded run."""
    import subprocess

    repo = copy_repo("skip-vendor", tmp_path / "repo")
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)
    with open(repo / "app.py", "a") as f:
        f.write("import   json\n")
    (repo / "pkg" / "new.py").write_text("import sys,os\n")
    env = {"LINTGATE_CACHE_DIR": str(tmp_path / "cache")}
    args = ["--new-from-rev", "HEAD"]
    whole = lintgate(repo, *args, env=env)
    assert whole.returncode == 1 and whole.stdout.count("\n") >= 2, whole.stdout
    for total in (2, 3):
        results = tmp_path / f"results{total}"
        results.mkdir()
        merged = _sharded(repo, total, args, ["--format", "json"], env, results)
        assert merged.returncode == 1
        assert merged.stdout == lintgate(repo, *args, "--format", "json", env=env).stdout


def test_merge_says_the_discovery_notes_once(tmp_path):
    """A note of discovery (said by every shard) is said once by the merge, as by the run."""
    repo = copy_repo("skip-vendor", tmp_path / "repo")
    (repo / "dangling.py").symlink_to("nowhere.py")
    env = {"LINTGATE_CACHE_DIR": str(tmp_path / "cache")}
    whole = lintgate(repo, env=env)
    assert whole.stderr.startswith("lintgate: dangling.py: dangling symbolic link, skipped\n")
    results = tmp_path / "results"
    results.mkdir()
    merged = _sharded(repo, 3, [], [], env, results)
    assert (merged.stdout, merged.returncode) == (whole.stdout, whole.returncode)
    assert _stderr(merged.stderr) == _stderr(whole.stderr)


# --- the tester's findings (fixmerge) -------------------------------------------------------

TODO_LINTER = "todo:grep -nH TODO:PATH:LINE:MESSAGE"


def _todo_repo(tmp_path):
    repo = copy_repo("clean", tmp_path / "repo")
    (repo / "a.py").write_text("x = 1  # TODO fix\n")
    (repo / "b.py").write_text("y = 2  # TODO too\n")
    return repo, {"LINTGATE_CACHE_DIR": str(tmp_path / "cache")}


def test_merge_registers_the_runs_own_linters(tmp_path):
    """A linter the run defined (`--linter`, `Linters`) is in the result file's settings: the
    merge defines it again before reading Enable, and reports as the unsharded run."""
    repo, env = _todo_repo(tmp_path)
    args = ["--linter", TODO_LINTER, "-E", "todo"]
    sarif = ["--output", f"sarif={tmp_path / 'whole.sarif'}"]
    whole = lintgate(repo, *args, *sarif, env=env)
    assert whole.returncode == 1, whole.stderr
    assert "(todo)" in whole.stdout
    results = tmp_path / "results"
    results.mkdir()
    merged = _sharded(
        repo, 2, args, ["--output", f"sarif={tmp_path / 'merged.sarif'}"], env, results
    )
    assert (merged.returncode, merged.stdout) == (1, whole.stdout)
    assert _stderr(merged.stderr) == _stderr(whole.stderr)
    assert (tmp_path / "merged.sarif").read_bytes() == (tmp_path / "whole.sarif").read_bytes()


def test_merge_keeps_the_tool_errors(tmp_path):
    """A tool that cannot run is an error line of no one file: each shard records it
    (`run_errors`), and the merge says it once, in the unsharded run's order, with bit 2 and
    the same SARIF invocation (executionSuccessful false, the notifications)."""
    repo = copy_repo("clean", tmp_path / "repo")
    env = {"LINTGATE_CACHE_DIR": str(tmp_path / "cache")}
    args = ["--linter", "zz:no-such-tool-zz:PATH:LINE:MESSAGE", "-E", "zz"]
    args += ["--linter", "aa:no-such-tool-aa:PATH:LINE:MESSAGE", "-E", "aa"]
    whole = lintgate(repo, *args, "--output", f"sarif={tmp_path / 'whole.sarif'}", env=env)
    lines = [
        "lintgate: zz: cannot run 'no-such-tool-zz': command not found\n",
        "lintgate: aa: cannot run 'no-such-tool-aa': command not found\n",
    ]
    assert (whole.returncode, whole.stdout) == (2, "")
    assert whole.stderr.startswith("".join(lines)), whole.stderr
    results = tmp_path / "results"
    results.mkdir()
    sarif = ["--output", f"sarif={tmp_path / 'merged.sarif'}"]
    merged = _sharded(repo, 2, args, sarif, env, results)
    assert (merged.returncode, merged.stdout) == (2, "")
    assert merged.stderr.startswith("".join(lines)) and merged.stderr.count("cannot run") == 2
    assert _stderr(merged.stderr) == _stderr(whole.stderr)
    doc = json.loads((tmp_path / "merged.sarif").read_text())
    assert doc["runs"][0]["invocations"][0]["executionSuccessful"] is False
    assert (tmp_path / "merged.sarif").read_bytes() == (tmp_path / "whole.sarif").read_bytes()


@pytest.mark.parametrize(
    "shard, shown",
    [
        ({"index": 1, "total": 10**12}, "1/1000000000000"),
        ({"index": 1, "total": 257}, "1/257"),
        ({"index": 3, "total": 2}, "3/2"),
        ({"index": True, "total": 2}, "true/2"),
        ({"index": 1.0, "total": 2}, "1.0/2"),
        ({"index": "1", "total": 2}, '"1"/2'),
    ],
)
def test_merge_refuses_a_shard_out_of_bounds(two_shards, shard, shown):
    """A result file's shard is bounded as `--shard` is: nothing is sized by a bad N."""
    repo, env, (r1, r2) = two_shards
    doc = json.loads(r1.read_text())
    doc["shard"] = shard
    r1.write_text(json.dumps(doc))
    assert _refused(repo, env, r1, r2) == (
        f"lintgate: {r1}: malformed result file: ValueError: shard {shown}: expected K/N, "
        "1 <= K <= N <= 256\n"
    )


def test_merge_takes_the_report_and_exit_options(tmp_path):
    """--exit-zero, --issues-exit-code, --path-prefix, --path-mode, --statistics and --color
    are a merge's options as a run's: shards run with --exit-zero merge to exit 0."""
    repo = copy_repo("report-all", tmp_path / "repo")
    env = {"LINTGATE_CACHE_DIR": str(tmp_path / "cache")}
    report = ["--format", "github", "--path-prefix", "svc", "--path-mode", "root"]
    report += ["--statistics", "--color", "never", "--exit-zero"]
    whole = lintgate(repo, *report, env=env)
    assert whole.returncode == 0 and "file=svc/" in whole.stdout, whole.stdout
    results = tmp_path / "results"
    results.mkdir()
    merged = _sharded(repo, 2, ["--exit-zero"], report, env, results)
    assert (merged.returncode, merged.stdout) == (0, whole.stdout)
    assert _stderr(merged.stderr) == _stderr(whole.stderr)
    names = [str(results / f"shard-{k}-of-2.json") for k in (1, 2)]
    code = lintgate(repo, "merge", *names, "--issues-exit-code", "7", env=env)
    assert code.returncode == 7 == lintgate(repo, "--issues-exit-code", "7", env=env).returncode


def test_merge_reads_the_recorded_path_prefix(tmp_path):
    """PathPrefix and PathMode are the run's settings: the merge reports with them."""
    repo = copy_repo("report-all", tmp_path / "repo")
    env = {"LINTGATE_CACHE_DIR": str(tmp_path / "cache")}
    args = ["--path-prefix", "svc", "--path-mode", "wd"]
    whole = lintgate(repo, *args, "--format", "github", env=env)
    assert "file=svc/" in whole.stdout
    results = tmp_path / "results"
    results.mkdir()
    merged = _sharded(repo, 2, args, ["--format", "github"], env, results)
    assert (merged.returncode, merged.stdout) == (whole.returncode, whole.stdout)


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["--whole-files"],
            "--whole-files is an option of the shards' runs, not of lintgate merge",
        ),
        (
            ["--new-from-merge-base", "main"],
            "--new-from-merge-base is an option of the shards' " "runs, not of lintgate merge",
        ),
        (
            ["--exit-zero", "--issues-exit-code", "3"],
            "--exit-zero and --issues-exit-code cannot be used together",
        ),
        (["--path-mode", "top"], "--path-mode: expected one of gitroot, root, wd, got 'top'"),
    ],
)
def test_merge_refuses_bad_report_options(two_shards, args, message):
    repo, env, (r1, r2) = two_shards
    assert _refused(repo, env, r1, r2, *args) == f"lintgate: {message}\n"


def test_merge_renders_paths_from_the_shards_directory(tmp_path):
    """Shards run in pkg/ of the repository; the merge, wherever it runs in the checkout (the
    top, another subdirectory), writes what the unsharded run in pkg/ writes; outside the
    checkout it is refused in one line."""
    import subprocess

    repo = tmp_path / "repo"
    (repo / "pkg").mkdir(parents=True)
    (repo / "other").mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / "pkg" / "_api.py").write_text("import sys,os\n")
    (repo / "pkg" / "b.py").write_text("x=1\n")
    (repo / "top.py").write_text("y = 2\n")
    env = {"LINTGATE_CACHE_DIR": str(tmp_path / "cache")}
    pkg = repo / "pkg"
    whole = lintgate(
        pkg, "--format", "github", "--output", f"sarif={tmp_path / 'w.sarif'}", env=env
    )
    assert whole.returncode == 1 and "file=pkg/_api.py," in whole.stdout, whole.stdout
    names = []
    for k in (1, 2):
        names.append(str(tmp_path / f"r{k}.json"))
        lintgate(pkg, "--shard", f"{k}/2", "--output", f"result={names[-1]}", env=env)
    for where in (repo, repo / "other", pkg):
        sarif = tmp_path / f"{where.name}.sarif"
        merged = lintgate(
            where, "merge", *names, "--format", "github", "--output", f"sarif={sarif}", env=env
        )
        assert (merged.returncode, merged.stdout) == (1, whole.stdout), where
        assert sarif.read_bytes() == (tmp_path / "w.sarif").read_bytes()
    outside = tmp_path / "outside"
    outside.mkdir()
    proc = lintgate(outside, "merge", *names, env=env)
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == (
        f"lintgate: {names[0]}: pkg is not in the project at {outside.resolve()}: run lintgate "
        "merge in the checkout the shards checked\n"
    )


def _set(doc, dotted, value):
    """Set the field `dotted` (`findings.0.line`) of a result document."""
    *parents, last = dotted.split(".")
    for key in parents:
        doc = doc[int(key)] if isinstance(doc, list) else doc[key]
    doc[int(last) if isinstance(doc, list) else last] = value


@pytest.mark.parametrize(
    "field, value, message",
    [
        (
            "findings.0.line",
            -1,
            "findings[0].line: expected a whole number from 0 to 2147483647, got -1",
        ),
        (
            "findings.0.line",
            10**30,
            "findings[0].line: expected a whole number from 0 to 2147483647, got 1000000000000000000000000000000",
        ),
        (
            "findings.0.line",
            True,
            "findings[0].line: expected a whole number from 0 to 2147483647, got true",
        ),
        (
            "findings.0.col",
            1.5,
            "findings[0].col: expected a whole number from 0 to 2147483647, got 1.5",
        ),
        ("findings.0.message", None, "findings[0].message: expected a string, got null"),
        (
            "findings.0.path",
            "../../etc/passwd",
            'findings[0].path: "../../etc/passwd" is not a path inside the project root',
        ),
        (
            "findings.0.path",
            "/etc/passwd",
            'findings[0].path: "/etc/passwd" is not a path inside the project root',
        ),
        ("checked.0", "../x.py", 'checked[0]: "../x.py" is not a path inside the project root'),
        ("status", True, "status: expected a whole number from 0 to 3, got true"),
        ("status", 7, "status: expected a whole number from 0 to 3, got 7"),
        ("cached", -1, "cached: expected a whole number from 0 to 9007199254740992, got -1"),
        ("seconds", -1.0, "seconds: expected a number of seconds, got -1.0"),
        ("problems", [None], "problems[0]: expected a string, got null"),
        (
            "settings.config.Sort",
            ["linter"],
            "settings_digest does not match the settings (edited?)",
        ),
        ("settings.cwd", "..", "settings.cwd '..' is not inside the project root"),
    ],
)
def test_merge_refuses_malformed_content(two_shards, field, value, message):
    """Each field is checked before use: one line naming it, exit 2, nothing written."""
    repo, env, (r1, r2) = two_shards
    bad = max((r1, r2), key=lambda r: len(json.loads(r.read_text())["findings"]))
    doc = json.loads(bad.read_text())
    assert doc["findings"] and doc["checked"]
    _set(doc, field, value)
    bad.write_text(json.dumps(doc))
    assert _refused(repo, env, r1, r2) == (
        f"lintgate: {bad}: malformed result file: ValueError: {message}\n"
    )


def test_merge_keeps_the_preparations_errors_in_sarif(tmp_path):
    """A path that cannot be used is an error of the preparation: the merge's SARIF carries it
    as the unsharded run's does (executionSuccessful false, its notification)."""
    repo = copy_repo("report-all", tmp_path / "repo")
    env = {"LINTGATE_CACHE_DIR": str(tmp_path / "cache")}
    args = ["app", "nope.py"]
    whole = lintgate(repo, *args, "--output", f"sarif={tmp_path / 'whole.sarif'}", env=env)
    assert whole.returncode == 3
    assert whole.stderr.startswith("lintgate: nope.py: no such file or directory\n")
    results = tmp_path / "results"
    results.mkdir()
    merged = _sharded(
        repo, 2, args, ["--output", f"sarif={tmp_path / 'merged.sarif'}"], env, results
    )
    assert (merged.returncode, merged.stdout) == (3, whole.stdout)
    assert _stderr(merged.stderr) == _stderr(whole.stderr)
    assert (tmp_path / "merged.sarif").read_bytes() == (tmp_path / "whole.sarif").read_bytes()
