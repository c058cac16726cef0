"""A fake external linter for the tests of issue 14's machinery: a Python script that reports
every line holding `TODO` as `PATH:LINE:COL: found a TODO`, appends its argument list to the
file named by $FAKE_LOG on every start, and misbehaves on request (flags below; `--say=HEX` prints the UTF-8 text HEX
encodes, as it is; `--exit=N` then exits with N)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

TOOL = r"""
import os, subprocess, sys, time
args = sys.argv[1:]
log = os.environ.get("FAKE_LOG")
if log:
    with open(log, "a") as f:
        f.write(" ".join(args) + "\n")
if args == ["--version"]:
    print("todo 1.0")
    sys.exit(0)
flags = [a for a in args if a.startswith("--")]
paths = [a for a in args if not a.startswith("--")]
if "--fix" in flags:  # a fixer: TODO becomes DONE in the files given
    for p in paths:
        with open(p, encoding="utf-8") as f:
            text = f.read()
        with open(p, "w", encoding="utf-8") as f:
            f.write(text.replace("TODO", "DONE"))
    sys.exit(0)
if "--crash" in flags:
    sys.stderr.write("Traceback (most recent call last):\n  File x\nValueError: boom\n")
    sys.exit(2)
if "--hang" in flags:
    subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
if os.environ.get("FAKE_EDIT"):  # the files change before the tool reads them
    for p in paths:
        with open(p, "a", encoding="utf-8") as f:
            f.write("# TODO edited\n")
files = []
for p in paths:
    if os.path.isdir(p):
        files += sorted(os.path.join(p, n) for n in os.listdir(p) if n.endswith(".py"))
    else:
        files.append(p)
found = 0
for path in files:
    shown = path
    via = [f[len("--via=") :] for f in flags if f.startswith("--via=")]
    if via:  # the path through another name of the root (a symbolic link)
        shown = os.path.join(via[0], path)
    elif "--abs" in flags:
        shown = os.path.abspath(path)
    elif "--dot" in flags:
        shown = "./" + path
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f, 1):
            if "TODO" in line:
                print(f"{shown}:{i}:{line.index('TODO') + 1}: found a TODO", flush=True)
                found += 1
    if "--hang" in flags:
        time.sleep(60)
for said in [f[len("--say=") :] for f in flags if f.startswith("--say=")]:
    sys.stdout.write(bytes.fromhex(said).decode("utf-8"))  # exactly these characters
for status in [f[len("--exit=") :] for f in flags if f.startswith("--exit=")]:
    sys.exit(int(status))
if "--extra" in flags:
    print("elsewhere.py:1:1: found a TODO")
if "--garbage" in flags:
    print("this is not a finding")
    print("neither:is:this")
if "--noisy" in flags:
    sys.stderr.write("a warning on stderr\n")
sys.exit(1 if found else 0)
"""


def install_tool(directory: Path, name: str = "todo") -> Path:
    """Write the fake tool as the executable `directory/name` (unless it is there already);
    returns its path."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    text = f"#!{sys.executable}\n{TOOL}"
    if not path.exists() or path.read_text() != text:  # a new mtime is a new program
        path.write_text(text)
        path.chmod(0o755)
    return path


def tool_env(directory: Path, log: Path, cache: Path | None = None) -> dict[str, str]:
    """The environment of a run that finds the fake tool on PATH and logs to `log`."""
    env = {"PATH": f"{directory}{os.pathsep}{os.environ['PATH']}", "FAKE_LOG": str(log)}
    if cache is not None:
        env["LINTGATE_CACHE_DIR"] = str(cache)
    return env


def starts(log: Path) -> list[str]:
    """The argument lists the fake tool was started with, in order ([] when never)."""
    return log.read_text().splitlines() if log.exists() else []
