"""The result cache through the command line, on the small fixture repositories: warm runs
print what cold runs print and import no engine; the cache flags, their errors and
deprecations; `lintgate cache status|prune|clean`; a cache directory inside the tree."""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import (
    LAZY,
    REPOS,
    copy_repo,
    downgrade_to_v1,
    lintgate,
    lintgate_traced,
    normalize_stderr,
    rewrite_keeping_size_and_mtime,
    summary,
)

CASES = sorted(p.name for p in REPOS.iterdir() if (p / "case.json").is_file())


@pytest.mark.parametrize("name", CASES)
def test_a_warm_run_prints_what_the_cold_run_printed(name, tmp_path):
    case = json.loads((REPOS / name / "case.json").read_text())
    repo = copy_repo(case.get("repo", name), tmp_path / "repo", git=case.get("git", True))
    if "config" in case:
        (repo / "lintgate.json").write_text(json.dumps(case["config"]))
    env = {"LINTGATE_CACHE_DIR": str(tmp_path / "cache")}
    args = case.get("args", [])
    cold = lintgate(repo, *args, env=env)
    warm = lintgate_traced(repo, *args, env=env)
    golden = (REPOS / name / "expected.stderr").read_text(encoding="utf-8")
    assert cold.stdout == warm.stdout == (REPOS / name / "expected.stdout").read_text("utf-8")
    assert normalize_stderr(cold.stderr) == golden
    # Every file checked came from the cache; no engine was imported.
    checked = re.search(r"(\d+) files? checked", golden)
    if checked:
        golden = golden.replace(" 0 from cache", f" {checked.group(1)} from cache")
    assert normalize_stderr(warm.stderr) == golden + "heavy: []\n"
    assert cold.returncode == warm.returncode == case["exit"]
    # nor what only a cold run, an export or an import needs (a warm run's start-up time)
    lazy = lintgate_traced(repo, *args, env=env, watch=LAZY)
    assert lazy.stderr.endswith("heavy: []\n"), lazy.stderr


def test_a_changed_file_is_checked_again_and_only_it(tmp_path):
    repo = copy_repo("clean", tmp_path / "repo")
    env = {"LINTGATE_CACHE_DIR": str(tmp_path / "cache")}
    assert summary(lintgate(repo, env=env).stderr) == (2, 0, 0)
    target = repo / "pkg" / "core.py"
    target.write_text(target.read_text() + "import sys, os\n")
    proc = lintgate(repo, env=env)
    last = len(target.read_text().splitlines())
    assert proc.stdout == (
        f"pkg/core.py:{last}:1: ⚠️ would reformat line {last} (black)\n"
        f"pkg/core.py:{last}:1: ⚠️ imports are incorrectly sorted and/or formatted (isort)\n"
        f"pkg/core.py:{last}:8: ⚠️ 'sys' imported again (first at line 2) (imports)\n"
        f"pkg/core.py:{last}:13: ⚠️ 'os' imported again (first at line 1) (imports)\n"
    )
    assert summary(proc.stderr) == (2, 4, 1)


def age(repo, seconds: float = 3600) -> None:
    """Set every file's mtime `seconds` back: not "racily clean", the stat index takes them."""
    then = time.time() - seconds
    for path in repo.rglob("*"):
        if path.is_file():
            os.utime(path, (then, then))


def test_a_rewrite_that_keeps_size_and_mtime_is_checked_again(tmp_path):
    # `touch -r` after an edit, or a tool that puts the timestamps back: same size, same
    # mtime, same inode; only the ctime tells (the stat index compares it, as git does)
    repo = copy_repo("clean", tmp_path / "repo")
    age(repo)
    env = {"LINTGATE_CACHE_DIR": str(tmp_path / "cache")}
    assert summary(lintgate(repo, env=env).stderr) == (2, 0, 0)
    target = repo / "pkg" / "core.py"
    rewrite_keeping_size_and_mtime(
        target, target.read_bytes().replace(b"import os\n", b"import re\n")
    )
    proc = lintgate(repo, env=env)
    assert proc.stdout == "pkg/core.py:1:8: \u26a0\ufe0f 're' imported but unused (imports)\n"
    assert summary(proc.stderr) == (2, 1, 1)
    assert proc.returncode == 1


def test_a_cache_of_the_first_layout_is_migrated_and_its_results_kept(tmp_path):
    repo = copy_repo("both", tmp_path / "repo")
    age(repo)
    cache = tmp_path / "cache"
    env = {"LINTGATE_CACHE_DIR": str(cache)}
    lintgate(repo, env=env)
    downgrade_to_v1(cache / "results.sqlite3")
    warm = lintgate_traced(repo, env=env)  # no warning, no traceback; answered from the cache
    assert warm.stdout == (REPOS / "both" / "expected.stdout").read_text("utf-8")
    assert normalize_stderr(warm.stderr) == (
        "lintgate: 1 file checked, 2 findings, 1 from cache, N.NNs\nheavy: []\n"
    )
    assert warm.returncode == 1
    status = lintgate(tmp_path, "cache", "status", "--cache-dir", str(cache))
    assert "\nfiles indexed: 1\n" in status.stdout  # the index is rebuilt with the ctime


def test_no_cache_leaves_the_cache_alone(tmp_path):
    repo = copy_repo("both", tmp_path / "repo")
    env = {"LINTGATE_CACHE_DIR": str(tmp_path / "cache")}
    proc = lintgate(repo, "--no-cache", env=env)
    assert summary(proc.stderr) == (1, 2, 0)
    assert not (tmp_path / "cache").exists()
    lintgate(repo, env=env)
    assert summary(lintgate(repo, "--no-cache", env=env).stderr) == (1, 2, 0)
    assert summary(lintgate(repo, env=env).stderr) == (1, 2, 1)


def test_the_cache_dir_flag_beats_the_environment(tmp_path):
    repo = copy_repo("both", tmp_path / "repo")
    env = {"LINTGATE_CACHE_DIR": str(tmp_path / "env-cache")}
    lintgate(repo, "--cache-dir", str(tmp_path / "flag-cache"), env=env)
    assert (tmp_path / "flag-cache" / "results.sqlite3").is_file()
    assert (tmp_path / "flag-cache" / "CACHEDIR.TAG").is_file()
    assert not (tmp_path / "env-cache").exists()


def test_a_cache_inside_the_checked_tree_is_refused(tmp_path):
    repo = copy_repo("both", tmp_path / "repo")
    proc = lintgate(repo, "--cache-dir", ".lintgate-cache")
    assert proc.stdout == (REPOS / "both" / "expected.stdout").read_text("utf-8")
    assert normalize_stderr(proc.stderr) == (
        f"lintgate: warning: cache directory {repo}/.lintgate-cache is inside the tree being "
        f"checked ({repo}); running without the cache (use --cache-dir elsewhere)\n"
        "lintgate: 1 file checked, 2 findings, 0 from cache, N.NNs\n"
    )
    assert proc.returncode == 1
    assert not (repo / ".lintgate-cache").exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--export-cache", "dest=x"], "--export-cache requires type=<type>"),
        (
            ["--import-cache", "type=s3,src=x"],
            "unsupported --import-cache type='s3': use local or registry",
        ),
        (
            ["--no-cache", "--import-cache", "type=local,src=x"],
            "--no-cache cannot be used with --import-cache or --export-cache",
        ),
        (["--export-cache-opt", "mode=max"], "--export-cache-opt requires --export-cache"),
    ],
)
def test_bad_cache_flags_are_usage_errors(tmp_path, args, message):
    repo = copy_repo("both", tmp_path / "repo")
    proc = lintgate(repo, *args)
    assert (proc.stdout, proc.stderr, proc.returncode) == ("", f"lintgate: {message}\n", 2)


def test_old_forms_warn_and_work(tmp_path):
    repo = copy_repo("both", tmp_path / "repo")
    env = {"LINTGATE_CACHE_DIR": str(tmp_path / "cache")}
    out = tmp_path / "export"
    proc = lintgate(repo, "--export-cache", str(out), "--export-cache-opt", "mode=max", env=env)
    assert normalize_stderr(proc.stderr) == (
        f"lintgate: warning: --export-cache {out} --export-cache-opt mode=max is deprecated: "
        f"use --export-cache type=local,dest={out},mode=max\n"
        "lintgate: 1 file checked, 2 findings, 0 from cache, N.NNs\n"
    )
    assert (out / "index.json").is_file()
    env = {"LINTGATE_CACHE_DIR": str(tmp_path / "cache2")}
    proc = lintgate(repo, "--import-cache", str(out), env=env)
    assert normalize_stderr(proc.stderr) == (
        f"lintgate: warning: --import-cache {out} is deprecated: "
        f"use --import-cache type=local,src={out}\n"
        "lintgate: 1 file checked, 2 findings, 1 from cache, N.NNs\n"
    )
    assert proc.stdout == (REPOS / "both" / "expected.stdout").read_text("utf-8")


def test_an_export_answers_a_fresh_checkout(tmp_path):
    # the CI path: one job exports; another, on a new checkout (new inodes, mtimes and
    # ctimes: nothing in its stat index) and an empty cache, imports and lints no file again
    repo = copy_repo("both", tmp_path / "repo")
    age(repo)
    out = tmp_path / "export"
    lintgate(
        repo,
        "--export-cache",
        f"type=local,dest={out}",
        env={"LINTGATE_CACHE_DIR": str(tmp_path / "c1")},
    )
    fresh = copy_repo("both", tmp_path / "fresh")
    env = {"LINTGATE_CACHE_DIR": str(tmp_path / "c2")}
    proc = lintgate(fresh, "--import-cache", f"type=local,src={out}", env=env)
    assert proc.stdout == (REPOS / "both" / "expected.stdout").read_text("utf-8")
    assert normalize_stderr(proc.stderr) == (
        "lintgate: 1 file checked, 2 findings, 1 from cache, N.NNs\n"
    )
    assert proc.returncode == 1


def test_a_missing_import_source_is_a_warning(tmp_path):
    repo = copy_repo("both", tmp_path / "repo")
    proc = lintgate(repo, "--import-cache", f"type=local,src={tmp_path}/nowhere")
    assert proc.stdout == (REPOS / "both" / "expected.stdout").read_text("utf-8")
    lines = normalize_stderr(proc.stderr).splitlines()
    assert len(lines) == 2 and lines[0].startswith("lintgate: warning: ")
    assert f"{tmp_path}/nowhere" in lines[0]
    assert proc.returncode == 1


def test_a_failed_export_sets_bit_2(tmp_path):
    repo = copy_repo("both", tmp_path / "repo")
    (tmp_path / "file").write_text("not a directory\n")
    proc = lintgate(repo, "--export-cache", f"type=local,dest={tmp_path}/file/sub")
    assert proc.stdout == (REPOS / "both" / "expected.stdout").read_text("utf-8")
    lines = normalize_stderr(proc.stderr).splitlines()
    assert lines[0].startswith(f"lintgate: --export-cache local {tmp_path}/file/sub: ")
    assert proc.returncode == 3


def test_cache_status_prune_clean(tmp_path):
    repo = copy_repo("skip-vendor", tmp_path / "repo")
    cache = tmp_path / "cache"
    flag = ["--cache-dir", str(cache)]
    proc = lintgate(tmp_path, "cache", "status", *flag)
    assert (proc.stdout, proc.stderr, proc.returncode) == (
        f"no cache at {cache}: nothing was cached there yet\n",
        "",
        0,
    )
    assert not cache.exists()
    age(repo)
    lintgate(repo, *flag)
    proc = lintgate(tmp_path, "cache", "status", *flag)
    # Its 2 files have the same bytes: one decoding, one imports, one isort, one black result.
    assert re.fullmatch(
        f"directory: {re.escape(str(cache))}\nsize: [0-9.]+ (bytes|KiB|MiB)\nentries: 4\n"
        "files indexed: 2\nlast used: newest [0-9]+s ago, oldest [0-9]+s ago\n",
        proc.stdout,
    )
    proc = lintgate(tmp_path, "cache", "prune", "--older-than", "30d", *flag)
    assert proc.stdout == f"removed 0 entries not used for 30d from {cache}\n"
    with sqlite3.connect(cache / "results.sqlite3") as db:
        db.execute("UPDATE results SET last_used = last_used - 40 * 86400 WHERE linter = 'black'")
    proc = lintgate(tmp_path, "cache", "prune", "--older-than", "30d", *flag)
    assert proc.stdout == f"removed 1 entries not used for 30d from {cache}\n"
    proc = lintgate(tmp_path, "cache", "clean", "--cache-dir", str(cache))
    assert re.fullmatch(
        f"removed 3 entries from {re.escape(str(cache))}, freed [0-9.]+ (bytes|KiB|MiB)\n",
        proc.stdout,
    )
    proc = lintgate(tmp_path, "cache", "prune", "--older-than", "soon", *flag)
    assert (proc.stdout, proc.returncode) == ("", 2)
    assert proc.stderr == (
        "lintgate cache: --older-than: invalid age 'soon': use a number and a unit s, m, h or d,"
        " e.g. 30d\n"
    )


def test_a_directory_named_cache_is_given_as_dot_slash_cache(tmp_path):
    repo = copy_repo("both", tmp_path / "repo", git=False)
    (repo / "cache").mkdir()
    (repo / "app.py").rename(repo / "cache" / "app.py")
    proc = lintgate(repo, "./cache")
    assert proc.stdout == (REPOS / "both" / "expected.stdout").read_text("utf-8").replace(
        "app.py", "cache/app.py"
    )
    assert lintgate(repo, "cache").returncode == 2  # the subcommand, without a command


def test_nolint_files_warm_and_cold_alike(tmp_path):
    # A parse error is not silenced by `nolint`; the other file's directive silences isort.
    repo = copy_repo("clean", tmp_path / "repo")
    (repo / "bad.py").write_text("def f(:  # nolint\n    pass\n")
    (repo / "quiet.py").write_text("import sys, os  # nolint: isort, imports\ny = {'a':1}\n")
    env = {"LINTGATE_CACHE_DIR": str(tmp_path / "cache")}
    expected = (
        "bad.py:1:7: ❌ cannot parse: bad input (syntax)\n"
        "quiet.py:2:1: ⚠️ would reformat line 2 (black)\n"
    )
    cold = lintgate(repo, env=env)
    warm = lintgate_traced(repo, env=env)
    assert cold.stdout == warm.stdout == expected
    assert summary(warm.stderr) == (4, 2, 4)
    assert warm.stderr.endswith("heavy: []\n")


def test_isort_skip_paths_are_judged_from_the_working_directory(tmp_path):
    # isort makes a `skip` entry with a `/` absolute against the working directory: from the
    # root, sub/app.py is skipped; from sub/, it is not. A cached verdict from one must not
    # answer the other.
    repo = copy_repo("clean", tmp_path / "repo")
    (repo / "pyproject.toml").write_text('[tool.isort]\nskip = ["sub/app.py"]\n')
    (repo / "sub").mkdir()
    (repo / "sub" / "app.py").write_text("import sys\nimport os\n\nprint(sys, os)\n")
    env = {"LINTGATE_CACHE_DIR": str(tmp_path / "cache")}
    assert lintgate(repo, "sub", env=env).stdout == ""
    proc = lintgate(repo / "sub", env=env)
    assert proc.stdout == "app.py:1:1: ⚠️ imports are incorrectly sorted and/or formatted (isort)\n"
    assert proc.stdout == lintgate(repo / "sub", "--no-cache").stdout


def _isort_check(cwd, *args):
    """`isort --check-only ARGS` (the installed one) in `cwd`: (exit code, files it flags)."""
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "isort"), "--check-only", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
    )
    return proc.returncode, re.findall(r"^ERROR: (\S+) Imports are incorrectly", proc.stderr, re.M)


def test_isort_first_party_guess_from_another_working_directory_is_not_answered_from_the_cache(
    tmp_path,
):
    # Without a config, isort's src_paths are the working directory and its `src`: from the
    # root, mypkg and srcpkg are first party; from tests/, all three are third party.
    repo = tmp_path / "repo"
    for d in ("mypkg", "tests", "src/srcpkg"):
        (repo / d).mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / "mypkg" / "__init__.py").write_text("")
    (repo / "src" / "srcpkg" / "__init__.py").write_text("")
    (repo / "tests" / "test_x.py").write_text(
        "import requests\n\nimport mypkg\nimport srcpkg\n\nprint(mypkg, requests, srcpkg)\n"
    )
    env = {"LINTGATE_CACHE_DIR": str(tmp_path / "cache")}
    root = lintgate(repo, env=env)
    assert (root.stdout, root.returncode) == ("", 0)
    assert _isort_check(repo, ".") == (0, [])
    finding = "test_x.py:1:1: ⚠️ imports are incorrectly sorted and/or formatted (isort)\n"
    warm = lintgate(repo / "tests", env=env)
    assert (warm.stdout, warm.returncode) == (finding, 1)
    cold = lintgate(repo / "tests", "--no-cache")
    assert (cold.stdout, cold.returncode) == (finding, 1)
    assert _isort_check(repo / "tests", ".") == (1, [str(repo / "tests" / "test_x.py")])
    again = lintgate_traced(repo, env=env)  # back at the root: the root's entries answer
    assert (again.stdout, summary(again.stderr)) == ("", (3, 0, 3))
    assert again.stderr.endswith("heavy: []\n")
    again = lintgate_traced(repo / "tests", env=env)  # and in tests/, its own
    assert (again.stdout, summary(again.stderr)) == (finding, (1, 1, 1))
    assert again.stderr.endswith("heavy: []\n")


def _excluding_repo(root):
    """The `both` fixture plus a directory isort skips and one black excludes."""
    repo = copy_repo("both", root)
    (repo / "pyproject.toml").write_text(
        '[tool.isort]\nextend_skip = ["gen"]\n\n[tool.black]\nextend-exclude = "legacy/"\n'
    )
    for sub in ("gen", "legacy"):
        (repo / sub).mkdir()
        (repo / sub / "mod.py").write_text("import sys\nimport os\nx = {'a':1}\nprint(sys, os)\n")
    age(repo)
    return repo


def test_an_export_answers_a_fresh_checkout_at_the_same_path_without_linting(tmp_path):
    # A new checkout at the same path (new inodes, mtimes, ctimes), an empty cache and the
    # import. Imported verdicts are hints (docs/cache.md, "Trust model: local store"): the
    # "not excluded" ones are taken, the two "excluded" ones (gen/ for isort, legacy/ for
    # black) are decided again, which builds isort's and black's settings; nothing is linted
    # (no libcst), and the next run takes its own verdicts and imports no engine.
    repo = _excluding_repo(tmp_path / "repo")
    out = tmp_path / "export"
    cold = lintgate(
        repo,
        "--export-cache",
        f"type=local,dest={out}",
        env={"LINTGATE_CACHE_DIR": str(tmp_path / "c1")},
    )
    assert cold.stdout == (
        "app.py:1:1: ⚠️ imports are incorrectly sorted and/or formatted (isort)\n"
        "app.py:2:1: ⚠️ would reformat line 2 (black)\n"
        "gen/mod.py:3:1: ⚠️ would reformat line 3 (black)\n"
        "legacy/mod.py:1:1: ⚠️ imports are incorrectly sorted and/or formatted (isort)\n"
    )
    shutil.rmtree(repo)
    _excluding_repo(repo)
    env = {"LINTGATE_CACHE_DIR": str(tmp_path / "c2")}
    proc = lintgate_traced(repo, "--import-cache", f"type=local,src={out}", env=env)
    assert proc.stdout == cold.stdout
    assert summary(proc.stderr) == (3, 4, 3)
    heavy = proc.stderr.splitlines()[-1]
    assert "'isort'" in heavy and "'black'" in heavy and "libcst" not in heavy
    assert proc.returncode == cold.returncode == 1
    again = lintgate_traced(repo, env=env)
    assert again.stdout == cold.stdout
    assert normalize_stderr(again.stderr) == (
        "lintgate: 3 files checked, 4 findings, 3 from cache, N.NNs\nheavy: []\n"
    )


def test_an_export_answers_a_fresh_checkout_elsewhere_without_linting(tmp_path):
    # At another path the verdicts do not apply (isort matches `skip` against the absolute
    # path): the settings are built again to decide them, but no file is linted (no libcst,
    # black's parser is not run) and the output is the same.
    repo = _excluding_repo(tmp_path / "repo")
    out = tmp_path / "export"
    cold = lintgate(
        repo,
        "--export-cache",
        f"type=local,dest={out},mode=max",
        env={"LINTGATE_CACHE_DIR": str(tmp_path / "c1")},
    )
    other = _excluding_repo(tmp_path / "other")
    env = {"LINTGATE_CACHE_DIR": str(tmp_path / "c2")}
    proc = lintgate_traced(other, "--import-cache", f"type=local,src={out}", env=env)
    assert proc.stdout == cold.stdout
    assert summary(proc.stderr) == (3, 4, 3)
    assert "libcst" not in proc.stderr.splitlines()[-1]
    assert proc.returncode == 1
