"""Issue 14, item 3: external linters' results travel with the rest of the cache, in OCI
layers of their own media type; an imported cache answers them without a subprocess."""

from __future__ import annotations

import json
from pathlib import Path

from external_fakes import install_tool, starts, tool_env
from helpers import lintgate, normalize_stderr

EXTERNAL_MT = "application/vnd.lintgate.cache.external.v1.tar+gzip"
RESULTS_MT = "application/vnd.lintgate.cache.results.v2.tar+gzip"


def make_repo(root: Path) -> Path:
    (root / "pkg").mkdir(parents=True)
    (root / ".git").mkdir()
    (root / "pkg" / "a.py").write_text("import os\nx = 1  # TODO fix\n")
    (root / "b.py").write_text("y = 2\n")
    config = {"Enable": ["imports", "todo"], "Linters": {"todo": "todo:PATH:LINE:COL:MESSAGE"}}
    (root / "lintgate.json").write_text(json.dumps(config))
    return root


def layers(layout: Path) -> list[str]:
    index = json.loads((layout / "index.json").read_text())
    digest = index["manifests"][0]["digest"].split(":")[1]
    manifest = json.loads((layout / "blobs" / "sha256" / digest).read_text())
    return sorted(layer["mediaType"] for layer in manifest["layers"])


def test_export_import_then_warm_run_starts_no_subprocess_same_bytes(tmp_path):
    repo = make_repo(tmp_path / "repo")
    layout = tmp_path / "layout"
    bin_dir = tmp_path / "bin"
    install_tool(bin_dir)
    cold = lintgate(
        repo,
        "--export-cache",
        f"type=local,dest={layout}",
        env=tool_env(bin_dir, tmp_path / "log", tmp_path / "cache1"),
    )
    assert cold.returncode == 1, cold.stderr
    assert cold.stdout == (
        "pkg/a.py:1:8: ⚠️ 'os' imported but unused (imports)\n"
        "pkg/a.py:2:10: ⚠️ found a TODO (todo)\n"
    )
    assert EXTERNAL_MT in layers(layout) and RESULTS_MT in layers(layout)
    ran = starts(tmp_path / "log")
    fresh = lintgate(
        repo,
        "--import-cache",
        f"type=local,src={layout}",
        env=tool_env(bin_dir, tmp_path / "log", tmp_path / "cache2"),
    )
    assert (fresh.returncode, fresh.stdout) == (cold.returncode, cold.stdout)
    assert starts(tmp_path / "log") == ran  # not even --version: the imported memo has it
    assert "2 files checked, 2 findings, 2 from cache" in normalize_stderr(fresh.stderr)
