"""One cache for all the shards' jobs: with --shard K/N an export goes to its own tag
(TAG-shard-K-of-N), so N jobs exporting to one place never replace each other's manifest;
an import's shards=N imports the N parts together; ignore-error=true makes a failed export a
warning (BuildKit's attribute)."""

from __future__ import annotations

import json

import pytest
from helpers import copy_repo, lintgate, summary

from lintgate.cache.oci.media import CacheSpecError
from lintgate.cache.oci.spec import CacheSpec, for_shard, parse_export_cache, parse_import_cache


def _tags(layout) -> list[str]:
    index = json.loads((layout / "index.json").read_text())
    return sorted(m["annotations"]["org.opencontainers.image.ref.name"] for m in index["manifests"])


def _repo(tmp_path):
    repo = copy_repo("report-all", tmp_path / "repo")
    for i in range(12):
        (repo / f"m{i}.py").write_text("import os\n" * (i + 1))
    return repo


def test_shards_export_their_own_tags_and_an_import_takes_them_together(tmp_path):
    repo = _repo(tmp_path)
    layout = tmp_path / "shared"
    for k in (1, 2, 3):
        proc = lintgate(
            repo,
            "--shard",
            f"{k}/3",
            "--export-cache",
            f"type=local,dest={layout},tag=main",
            env={"LINTGATE_CACHE_DIR": str(tmp_path / f"job{k}")},
        )
        assert proc.returncode == 1, proc.stderr
        assert "warning" not in proc.stderr
    assert _tags(layout) == ["main-shard-1-of-3", "main-shard-2-of-3", "main-shard-3-of-3"]
    # a later job (sharded or not) imports the three parts: every file is answered
    fresh = {"LINTGATE_CACHE_DIR": str(tmp_path / "fresh")}
    proc = lintgate(repo, "--import-cache", f"type=local,src={layout},tag=main,shards=3", env=fresh)
    files, _, cached = summary(proc.stderr)
    assert (proc.returncode, cached) == (1, files), proc.stderr
    assert "warning" not in proc.stderr
    # one part alone is not every file
    one = {"LINTGATE_CACHE_DIR": str(tmp_path / "one")}
    proc = lintgate(
        repo, "--import-cache", f"type=local,src={layout},tag=main-shard-1-of-3", env=one
    )
    files, _, cached = summary(proc.stderr)
    assert 0 < cached < files


def test_an_export_failure_with_ignore_error_is_a_warning(tmp_path):
    repo = _repo(tmp_path)
    blocker = tmp_path / "file"
    blocker.write_text("not a directory\n")
    env = {"LINTGATE_CACHE_DIR": str(tmp_path / "cache")}
    strict = lintgate(repo, "--export-cache", f"type=local,dest={blocker}/x", env=env)
    assert strict.returncode == 3  # findings and the failed export
    assert strict.stderr.count(f"lintgate: --export-cache local {blocker}/x: ") == 1
    lenient = lintgate(
        repo, "--export-cache", f"type=local,dest={blocker}/x,ignore-error=true", env=env
    )
    assert lenient.returncode == 1  # the findings' bit only
    line = next(x for x in lenient.stderr.splitlines() if "--export-cache" in x)
    assert line.startswith(f"lintgate: warning: --export-cache local {blocker}/x: ")
    assert line.endswith(" (ignore-error=true)")


def test_for_shard_suffixes_exports_and_expands_imports():
    exports, _ = parse_export_cache(["type=registry,ref=ghcr.io/o/lint-cache:main"])
    imports, _ = parse_import_cache(["type=registry,ref=ghcr.io/o/lint-cache:main,shards=2"])
    imports, exports = for_shard(imports, exports, (2, 4))
    assert [e.tag for e in exports] == ["main-shard-2-of-4"]
    assert [(i.location, i.tag, i.shards) for i in imports] == [
        ("ghcr.io/o/lint-cache", "main-shard-1-of-2", 0),
        ("ghcr.io/o/lint-cache", "main-shard-2-of-2", 0),
    ]
    same = for_shard([], exports, None)[1]
    assert same == exports  # not sharded: the tag as given
    assert for_shard([], [CacheSpec("local", "d", "t")], (1, 1))[1][0].tag == "t"


@pytest.mark.parametrize(
    "flag, value, message",
    [
        (
            "export",
            "type=local,dest=d,ignore-error=maybe",
            "invalid --export-cache ignore-error='maybe': use true or false",
        ),
        (
            "import",
            "type=local,src=d,shards=0",
            "invalid --import-cache shards='0': a number of shards from 1 to 256",
        ),
        (
            "import",
            "type=local,src=d,shards=x",
            "invalid --import-cache shards='x': a number of shards from 1 to 256",
        ),
        (
            "import",
            "type=local,src=d,ignore-error=true",
            "unknown --import-cache attribute 'ignore-error' for type=local",
        ),
        (
            "export",
            "type=local,dest=d,shards=2",
            "unknown --export-cache attribute 'shards' for type=local",
        ),
    ],
)
def test_bad_shard_cache_attributes(flag, value, message):
    parse = parse_export_cache if flag == "export" else parse_import_cache
    with pytest.raises(CacheSpecError) as e:
        parse([value])
    assert str(e.value) == message


def test_a_tag_too_long_for_its_suffix_is_one_line(tmp_path):
    repo = _repo(tmp_path)
    tag = "t" * 120
    proc = lintgate(
        repo, "--shard", "1/2", "--export-cache", f"type=local,dest={tmp_path}/c,tag={tag}"
    )
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == (
        f"lintgate: tag {tag!r} is too long for its shard suffix ('{tag}-shard-1-of-2')\n"
    )


def test_a_git_ignored_cache_inside_the_tree_is_used(tmp_path):
    """GitLab's `cache:` keeps paths inside the project only: a git-ignored --cache-dir there
    is used (not in discovery, not in git status); one git does not ignore is still refused
    (tests/test_cache_cli.py)."""
    repo = _repo(tmp_path)
    (repo / ".git" / "info").mkdir(exist_ok=True)
    (repo / ".git" / "info" / "exclude").write_text(".lintgate-cache/\n")
    cold = lintgate(repo, "--cache-dir", ".lintgate-cache")
    assert "warning" not in cold.stderr
    files, findings, cached = summary(cold.stderr)
    assert cached == 0 and (repo / ".lintgate-cache" / "results.sqlite3").is_file()
    warm = lintgate(repo, "--cache-dir", ".lintgate-cache")
    assert summary(warm.stderr) == (files, findings, files)
    assert warm.stdout == cold.stdout and warm.returncode == cold.returncode == 1
