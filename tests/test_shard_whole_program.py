"""Whole-program external linters (mypy, pylint: FileLocal false) under `--shard K/N`: shard 1
runs them over every discovered file, the other shards do not run them, and `lintgate merge`
of the N result files equals the unsharded run byte for byte (every report format, the exit
status), cold and warm, for findings that cross files: a mypy error in one file caused by
another's types, pylint's duplicate-code, a `nolint` directive in one shard matched by shard
1's mypy finding, a file with a syntax error (lintgate's `syntax` finding alone). The repository is
tests/fixtures/shard-whole (its README says what each file holds); the tools are the test
extra's, as in tests/test_external_tools.py. docs/ci.md, "Whole-program linters and shards"."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import FIXTURES, lintgate

BIN = Path(sys.executable).parent
FIXTURE = FIXTURES / "shard-whole" / "repo"
FORMATS = ("text", "json", "sarif", "junit", "checkstyle", "github", "gitlab", "gometalinter")
IN_PROCESS = ["isort", "black", "imports"]
CART = (
    'pkg/cart.py:3:14: ❌ Incompatible types in assignment (expression has type "str", '
    'variable has type "int")  [assignment] (mypy)\n'
)
NAMES = "pkg/names.py:1:1: ⚠️ imports are incorrectly sorted and/or formatted (isort)\n"
SIZES = "pkg/sizes.py:1:8: ⚠️ 're' imported but unused (imports)\n"
SIZES_PYLINT = "pkg/sizes.py:1:0: ⚠️ W0611: Unused import re (unused-import) (pylint)\n"
DUPLICATE = "pkg/texts.py:1:0: ⚠️ R0801: Similar lines in 2 files (pylint)\n"
BROKEN = "broken.py:1:7: ❌ cannot parse: bad input (syntax)\n"
UNMATCHED = "pkg/report.py:3:29: ⚠️ nolint directive did not match any issue (nolint)\n"


def _tools(*names: str) -> None:
    for name in names:
        if not (BIN / name).exists():
            pytest.skip(f"{name} is not installed (pip install -e '.[test]')")


def _repo(tmp_path: Path, enable: list[str], broken: bool = False) -> Path:
    """A copy of the fixture (a git work tree, nothing committed) enabling `enable`."""
    repo = shutil.copytree(FIXTURE, tmp_path / "repo")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    config = {"Enable": enable, "WarnUnmatchedDirective": True}
    (repo / "lintgate.json").write_text(json.dumps(config))
    if broken:
        (repo / "broken.py").write_text("def f(:\n    pass\n")
    return repo


def _env(tmp_path: Path, job: str, **more: str) -> dict[str, str]:
    """A CI job's environment: its own result cache, the test extra's tools on PATH."""
    path = os.pathsep.join([str(BIN), os.environ.get("PATH", "")])
    return {"LINTGATE_CACHE_DIR": str(tmp_path / "cache" / job), "PATH": path, **more}


def _outputs(where: Path) -> list[str]:
    where.mkdir(parents=True, exist_ok=True)
    return [a for f in FORMATS for a in ("--output", f"{f}={where / f}")]


def _reports(where: Path) -> dict[str, bytes]:
    return {f: (where / f).read_bytes() for f in FORMATS}


def _unsharded(repo: Path, tmp_path: Path) -> tuple[subprocess.CompletedProcess, dict]:
    out = tmp_path / "whole"
    proc = lintgate(repo, *_outputs(out), env=_env(tmp_path, "whole"))
    assert "Traceback" not in proc.stderr
    return proc, _reports(out)


def _shards(repo: Path, tmp_path: Path, total: int, tag: str, **env: str) -> list[tuple]:
    """Run shards 1..N (`-v`, a result file each, each job its own cache); returns each
    shard's (process, result document, result path)."""
    runs = []
    for k in range(1, total + 1):
        result = tmp_path / tag / f"shard-{k}-of-{total}.json"
        result.parent.mkdir(parents=True, exist_ok=True)
        proc = lintgate(
            repo,
            "-v",
            "--shard",
            f"{k}/{total}",
            "--output",
            f"result={result}",
            env=_env(tmp_path, f"job-{k}-of-{total}", **env),
        )
        assert "Traceback" not in proc.stderr, proc.stderr
        runs.append((proc, json.loads(result.read_text()), result))
    return runs


def _merged(repo: Path, tmp_path: Path, runs: list[tuple], tag: str):
    out = tmp_path / tag / "merged"
    proc = lintgate(
        repo, "merge", *(str(r) for _, _, r in runs), *_outputs(out), env=_env(tmp_path, "m")
    )
    assert "Traceback" not in proc.stderr
    return proc, _reports(out)


def _same_as_unsharded(repo, tmp_path, total, whole, tag):
    """Shard, merge, and compare with the unsharded run `whole` (process, reports)."""
    runs = _shards(repo, tmp_path, total, tag)
    merged, reports = _merged(repo, tmp_path, runs, tag)
    assert merged.stdout == whole[0].stdout
    assert reports == whole[1]
    assert merged.returncode == whole[0].returncode
    return runs


def _linters_of(findings: list[dict]) -> set[str]:
    return {f["linter"] for f in findings}


def test_mypy_across_shards_merges_as_the_unsharded_run_cold_and_warm(tmp_path):
    _tools("mypy")
    repo = _repo(tmp_path, [*IN_PROCESS, "mypy"])
    whole = _unsharded(repo, tmp_path)
    assert (whole[0].returncode, whole[0].stdout) == (1, CART + NAMES + SIZES)
    # shard 2 holds pkg/cart.py and pkg/report.py, shard 1 pkg/models.py (their types)
    cold = _same_as_unsharded(repo, tmp_path, 2, whole, "cold")
    (one, first, _), (two, second, _) = cold
    assert "pkg/cart.py" in second["checked"] and "pkg/models.py" in first["checked"]
    # shard 1 reports mypy's finding on shard 2's file, with the directive it matched there
    assert first["whole_program"] == {
        "findings": [
            {
                "path": "pkg/cart.py",
                "line": 3,
                "end_line": 0,
                "col": 14,
                "linter": "mypy",
                "severity": "error",
                "message": 'Incompatible types in assignment (expression has type "str", '
                'variable has type "int")  [assignment]',
            }
        ],
        "matched": [{"path": "pkg/report.py", "line": 3, "col": 29}],
        "unchecked": [],
    }
    assert one.stdout == CART  # its own report shows them too (its files have none else)
    assert "mypy" not in _linters_of(first["findings"])
    # shard 2 does not run mypy: no finding, no version asked, says so with -v
    assert second["whole_program"] is None
    assert "mypy" not in _linters_of(second["findings"])
    assert "mypy: version:" not in two.stderr and "mypy: version:" in one.stderr
    assert (
        "lintgate: mypy: whole-program: not run in this shard (2/2); shard 1/2 runs it over "
        "every file\n" in two.stderr
    )
    assert (
        "lintgate: mypy: whole-program: run in this shard (1/2) over every discovered file, "
        "5 of them the other shards'\n" in one.stderr
    )
    # alone, shard 2 reports the directive shard 1's mypy matched; the merge does not
    assert two.stdout == NAMES + UNMATCHED + SIZES
    # warm: the same caches again, mypy answered for every file by shard 1's entry
    warm = _same_as_unsharded(repo, tmp_path, 2, whole, "warm")
    assert "mypy 10/10" in warm[0][0].stderr
    assert warm[0][1]["whole_program"] == first["whole_program"]


def test_pylint_duplicate_code_and_a_syntax_error_merge_as_unsharded(tmp_path):
    _tools("pylint")
    repo = _repo(tmp_path, [*IN_PROCESS, "pylint"], broken=True)
    whole = _unsharded(repo, tmp_path)
    expected = BROKEN + NAMES + UNMATCHED + SIZES_PYLINT + SIZES + DUPLICATE
    assert (whole[0].returncode, whole[0].stdout) == (1, expected)
    runs = _same_as_unsharded(repo, tmp_path, 3, whole, "cold")
    (one, first, _), (two, second, _), (three, third, _) = runs
    # pkg/invoices.py and pkg/orders.py are in shards 1 and 3: pylint sees both in shard 1
    assert "pkg/invoices.py" in first["checked"] and "pkg/orders.py" in third["checked"]
    assert "broken.py" in second["checked"] and second["broken"] == ["broken.py"]
    # shard 1 reports pylint's E0001 on broken.py (it does not parse it); the merge drops it,
    # as the unsharded run keeps the syntax finding alone
    assert [(f["path"], f["message"][:5]) for f in first["whole_program"]["findings"]] == [
        ("broken.py", "E0001"),
        ("pkg/sizes.py", "W0611"),
    ]
    for document in (second, third):
        assert "pylint" not in _linters_of(document["findings"])


@pytest.mark.slow
@pytest.mark.parametrize("total", [1, 2, 3])
def test_mypy_and_pylint_merge_as_unsharded_for_several_n(tmp_path, total):
    _tools("mypy", "pylint")
    repo = _repo(tmp_path, [*IN_PROCESS, "mypy", "pylint"])
    whole = _unsharded(repo, tmp_path)
    expected = CART + NAMES + SIZES_PYLINT + SIZES + DUPLICATE
    assert (whole[0].returncode, whole[0].stdout) == (1, expected)
    for tag in ("cold", "warm"):
        runs = _same_as_unsharded(repo, tmp_path, total, whole, tag)
        for proc, document, _ in runs[1:]:
            assert document["whole_program"] is None
            assert not {"mypy", "pylint"} & _linters_of(document["findings"])
            assert "version:" not in proc.stderr
        if tag == "warm":
            assert "pylint 10/10, mypy 10/10" in runs[0][0].stderr


def test_new_code_selection_applies_to_shard_1s_findings_on_other_files(tmp_path):
    """--new-from-rev: shard 1 keeps mypy's finding on another shard's changed line only."""
    _tools("mypy")
    repo = _repo(tmp_path, [*IN_PROCESS, "mypy"])
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)
    cart = repo / "pkg" / "cart.py"
    cart.write_text(cart.read_text().replace('"tea"', '"coffee"'))
    out = tmp_path / "whole"
    args = ("--new-from-rev", "HEAD")
    whole = lintgate(repo, *args, *_outputs(out), env=_env(tmp_path, "whole"))
    assert (whole.returncode, whole.stdout) == (1, CART)
    runs = []
    for k in (1, 2):
        result = tmp_path / f"r{k}.json"
        lintgate(
            repo,
            *args,
            "--shard",
            f"{k}/2",
            "--output",
            f"result={result}",
            env=_env(tmp_path, f"j{k}"),
        )
        runs.append((None, json.loads(result.read_text()), result))
    assert [f["path"] for f in runs[0][1]["whole_program"]["findings"]] == ["pkg/cart.py"]
    merged, reports = _merged(repo, tmp_path, runs, "new")
    assert (merged.stdout, reports, merged.returncode) == (whole.stdout, _reports(out), 1)


def test_shard_auto_runs_them_in_shard_1_only(tmp_path):
    _tools("mypy")
    repo = _repo(tmp_path, [*IN_PROCESS, "mypy"])
    whole = _unsharded(repo, tmp_path)
    runs = []
    for k in (1, 2):
        result = tmp_path / f"auto-{k}.json"
        ci = {"CI_NODE_INDEX": str(k), "CI_NODE_TOTAL": "2"}
        proc = lintgate(
            repo,
            "--shard",
            "auto",
            "--output",
            f"result={result}",
            env=_env(tmp_path, f"a{k}", **ci),
        )
        runs.append((proc, json.loads(result.read_text()), result))
    assert [d["whole_program"] is not None for _, d, _ in runs] == [True, False]
    merged, reports = _merged(repo, tmp_path, runs, "auto")
    assert (merged.stdout, reports, merged.returncode) == (whole[0].stdout, whole[1], 1)


def test_shard_1s_export_answers_an_unsharded_run(tmp_path):
    """The whole-program entry is keyed on every input, the unsharded run's: shard 1's
    export answers mypy for every file of a later unsharded run (and of shard 1 again)."""
    _tools("mypy")
    repo = _repo(tmp_path, [*IN_PROCESS, "mypy"])
    layout = tmp_path / "shared"
    export = ("--export-cache", f"type=local,dest={layout},tag=main")
    for k in (1, 2):
        proc = lintgate(repo, "--shard", f"{k}/2", *export, env=_env(tmp_path, f"job{k}"))
        assert proc.returncode == 1 and "warning" not in proc.stderr, proc.stderr
    imported = ("--import-cache", f"type=local,src={layout},tag=main,shards=2")
    proc = lintgate(repo, "-v", *imported, env=_env(tmp_path, "later"))
    assert proc.stdout == CART + NAMES + SIZES
    assert "mypy 10/10" in proc.stderr and "mypy: version:" in proc.stderr
    assert ", 10 from cache, " in proc.stderr


def test_merge_refuses_a_malformed_whole_program_record(tmp_path):
    _tools("mypy")
    repo = _repo(tmp_path, [*IN_PROCESS, "mypy"])
    runs = _shards(repo, tmp_path, 2, "bad")
    first = runs[0][2]
    document = json.loads(first.read_text())
    document["whole_program"]["matched"][0]["line"] = -1
    first.write_text(json.dumps(document))
    proc = lintgate(repo, "merge", str(first), str(runs[1][2]), env=_env(tmp_path, "m"))
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == (
        f"lintgate: {first}: malformed result file: ValueError: whole_program.matched[0].line: "
        "expected a whole number from 0 to 2147483647, got -1\n"
    )
