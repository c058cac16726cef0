"""lintgate.linters.base.dist_version: the linters' versions (part of every cache key) without
importlib.metadata, and the same answers as importlib.metadata."""

from __future__ import annotations

import sys
from importlib.metadata import PackageNotFoundError, version

import pytest

from lintgate.linters.base import dist_version


@pytest.mark.parametrize("name", ["black", "isort", "libcst", "pathspec", "pre-commit", "PyYAML"])
def test_same_as_importlib_metadata(name):
    assert dist_version(name) == version(name)


def test_first_sys_path_entry_wins_and_plain_names_only(tmp_path, monkeypatch):
    first, second, odd = tmp_path / "first", tmp_path / "second", tmp_path / "odd"
    for d, dist in ((first, "demo_pkg-1.2.dist-info"), (second, "demo_pkg-9.9.dist-info")):
        (d / dist).mkdir(parents=True)
        (d / dist / "METADATA").write_text("Metadata-Version: 2.1\nName: demo-pkg\nVersion: x\n")
    monkeypatch.setattr(sys, "path", [str(tmp_path / "missing"), str(first), str(second)])
    assert dist_version("demo-pkg") == dist_version("Demo.Pkg") == "1.2"
    # two candidates in one entry: importlib.metadata decides (it reads METADATA: "x")
    (first / "demo_pkg-1.3.dist-info").mkdir()
    (first / "demo_pkg-1.3.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: demo-pkg\nVersion: x\n"
    )
    assert dist_version("demo-pkg") == version("demo-pkg") == "x"
    monkeypatch.setattr(sys, "path", [str(odd)])
    odd.mkdir()
    with pytest.raises(PackageNotFoundError):
        dist_version("demo-pkg")
