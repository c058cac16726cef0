"""Helpers for the isort fidelity tests: write a tree, run the real isort and black on it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from helpers import lintgate

BIN = Path(sys.executable).parent
# black-clean, but isort sorts it
UNSORTED = "import sys\nimport os\n\nprint(os, sys)\n"


def write_tree(root: Path, tree: dict[str, str | bytes], git: bool = True) -> Path:
    """Write `tree` (relative path -> text or bytes) under `root`; with `git`, `git init` it."""
    for rel, content in tree.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    if git:
        subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def _env(root: Path) -> dict:
    return dict(os.environ, BLACK_CACHE_DIR=str(root.parent / f"{root.name}-black-cache"))


def isort_verdict(root: Path, *paths: str) -> tuple[int, set[str], set[str]]:
    """`isort --check-only PATHS` (default `.`) in `root`: (exit status, the files it flags,
    the files it refuses for their syntax), relative to `root`, `/`-separated."""
    proc = subprocess.run(
        [str(BIN / "isort"), "--check-only", *(paths or (".",))],
        cwd=root,
        env=_env(root),
        capture_output=True,
        text=True,
    )
    assert "Traceback" not in proc.stderr, proc.stderr

    def rel(p: str) -> str:
        return os.path.relpath(os.path.join(root, p), root).replace(os.sep, "/")

    flagged = {
        rel(m)
        for m in re.findall(
            r"^ERROR: (.+) Imports are incorrectly sorted and/or formatted\.$", proc.stderr, re.M
        )
    }
    refused = {
        rel(m)
        for m in re.findall(
            r"^ERROR: isort was told to sort imports within code that contains syntax errors:"
            r" (.+)\.$",
            proc.stderr,
            re.M,
        )
    }
    return proc.returncode, flagged, refused


def black_verdict(root: Path, *paths: str) -> tuple[int, set[str], set[str]]:
    """`black --check PATHS` (default `.`) in `root`: (exit status, files it would reformat,
    files it cannot parse), relative to `root`."""
    proc = subprocess.run(
        [str(BIN / "black"), "--check", *(paths or (".",))],
        cwd=root,
        env=_env(root),
        capture_output=True,
        text=True,
    )

    def rel(p: str) -> str:
        return os.path.relpath(os.path.join(root, p), root).replace(os.sep, "/")

    would = {rel(m) for m in re.findall(r"^would reformat (.+)$", proc.stderr, re.M)}
    cannot = {rel(m) for m in re.findall(r"^error: cannot format (.+?): ", proc.stderr, re.M)}
    return proc.returncode, would, cannot


def lintgate_findings(root: Path, *args: str, env: dict | None = None):
    """Run `lintgate --format json ARGS` in `root`: (exit status, {linter: {paths}}, the
    findings as (path, line, col, linter, message), stderr)."""
    proc = lintgate(root, "--format", "json", *args, env=env)
    assert "Traceback" not in proc.stderr, proc.stderr
    found = json.loads(proc.stdout or "[]")
    by_linter: dict[str, set] = {}
    for f in found:
        by_linter.setdefault(f["linter"], set()).add(f["path"])
    rows = [(f["path"], f["line"], f["col"], f["linter"], f["message"]) for f in found]
    return proc.returncode, by_linter, rows, proc.stderr
