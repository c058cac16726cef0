"""`--fix` with external linters that fix (`FixCommand`, e.g. `ruff check --fix --exit-zero`):
a step of the fixer's pipeline (lintgate.engine.fixcore.Step) that runs the command on a
temporary copy of the text beside the file (same directory, so the tool finds the same
configuration) and takes the copy's new text; the file itself is written once, by the fixer,
as for the in-process fixers. External fixers run first (before imports, isort and black,
which then format their result), in their definitions' order; each runs on every file sent
to the fixer and applies all its fixes (its own rules: `nolint` and Exclude shape only the
report)."""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path
from typing import Callable

from lintgate.engine.fixcore import Step
from lintgate.external import registry
from lintgate.external.definition import ExternalDefinition
from lintgate.external.process import STDERR_LINES

FIX_SECONDS = 120.0  # one file's fix; FileDeadline bounds the worker too


def fixers(enabled: list[str] | tuple[str, ...]) -> list[ExternalDefinition]:
    """The enabled external linters that have a FixCommand, in `enabled`'s order."""
    found = [registry.get(n) for n in enabled]
    return [d for d in found if d is not None and d.fix_command]


def steps(enabled: list[str] | tuple[str, ...], path: Path, root: Path) -> list[Step]:
    """The pipeline steps of the external fixers for the file at `path` (absolute) in the
    project `root` (Python files only)."""
    if path.suffix not in (".py", ".pyi"):
        return []
    return [Step(d.name, _fixer(d, path, root), lambda text: True) for d in fixers(enabled)]


def _fixer(d: ExternalDefinition, path: Path, root: Path) -> Callable[[str], str]:
    def fix(text: str) -> str:
        return fix_text(d, path, root, text)

    return fix


def fix_text(d: ExternalDefinition, path: Path, root: Path, text: str) -> str:
    """`text` after `d.fix_command` ran on a temporary copy of it beside `path`, run from the
    project root. Raises RuntimeError (one line) when the command fails (an exit status
    outside {0} and FindingsExitCodes) or cannot start."""
    copy = path.with_name(f".{path.stem}.{os.getpid()}.lintgate-fix{path.suffix}")
    try:
        copy.write_text(text, encoding="utf-8", errors="surrogateescape", newline="\n")
        rel = os.path.relpath(copy, root)
        argv = [*shlex.split(d.fix_command), rel]
        env = {**os.environ, **dict(d.env)}
        try:
            done = subprocess.run(
                argv,
                cwd=root,
                env=env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=FIX_SECONDS,
                start_new_session=True,
            )
        except (OSError, subprocess.TimeoutExpired) as e:
            raise RuntimeError(f"cannot run {argv[0]!r}: {e}") from None
        if done.returncode != 0 and done.returncode not in d.findings_exit_codes:
            lines = done.stderr.decode("utf-8", "replace").splitlines()
            said = [line.strip() for line in lines if line.strip()][-STDERR_LINES:]
            raise RuntimeError(f"exited with status {done.returncode}: {' | '.join(said)}")
        fixed = copy.read_bytes().decode("utf-8", "surrogateescape")
    finally:
        try:
            copy.unlink()
        except OSError:
            pass
    return fixed.replace("\r\n", "\n")
