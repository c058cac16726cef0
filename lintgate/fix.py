"""`lintgate --fix` and `lintgate --diff`: repair what the check finds, one file at a time.

Per file, in memory: the fixers of the enabled linters run in pipeline order (`imports`, then
`isort`, then `black`), each on the previous one's output, each only when its linter reports
something (after `nolint`, Exclude, Include and the rest) in the text it is given, with the
settings and the exclusions of the check. The result is checked again before anything is
written, and the file is written once, atomically, only if its bytes changed.

A file is left exactly as it was, with an error diagnostic of the linter `fix` (line 1,
column 1), when:
- a fixer raises (black's own safety checks included) or its result does not parse
  (also a tool error: a line on stderr, exit bit 2);
- the linters disagree: after the whole pipeline a linter still reports something and its own
  fixer would change the text again (e.g. an isort setting that black undoes; an external
  fixer such as ruff's I001 against isort: lintgate.engine.fixcore.disagreement). The tools
  worked; their settings need a change: a finding (exit bit 1), not a tool error.
A file with a `syntax` or `encoding` finding is never touched. Findings a fixer leaves alone
(its fixer is idempotent on the result, e.g. an `imports` re-export) are reported as usual.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Sequence

from lintgate import bounds, filesets, linters
from lintgate.atomic import TEMP_SUFFIX  # noqa: F401  # nolint: imports - fix's name too
from lintgate.atomic import ChangedMeanwhile, read_with_identity, write_atomic
from lintgate.diagnostic import ERROR, Diagnostic
from lintgate.engine.check import Checker
from lintgate.engine.fixcore import (
    Step,
    StepFailed,
    disagreement,
    encode,
    parses,
    run_pipeline,
    text_source,
    unified_diff,
)
from lintgate.engine.records import Done, FileResult
from lintgate.linters.base import ParseError, Project
from lintgate.source import Source, decode
from lintgate.workers import injected_fault, parent_alive

__all__ = [
    "BROKEN",
    "FIX",
    "TEMP_SUFFIX",
    "ChangedMeanwhile",
    "FileFix",
    "Fixer",
    "Step",
    "StepFailed",
    "encode",
    "parses",
    "read_with_identity",
    "run_pipeline",
    "unified_diff",
    "write_atomic",
]

FIX = "fix"  # the linter name of the diagnostics that say why a file was not fixed
# the pseudo-linters of a file never touched: it does not parse, or does not decode
BROKEN = linters.PSEUDO
# counted(text) -> (whether a `nolint` silenced a finding, the findings the run keeps)
Counter = Callable[[str], tuple[bool, list[Diagnostic]]]
ROUNDS = 3  # passes of the pipeline before linters that still disagree count as a fight


@dataclass
class FileFix(FileResult):
    """What fixing one file gave: FileResult's `diagnostics` (what remains: the check of the
    written bytes, or of the original plus a `fix` diagnostic) and `errors`, plus `notes`
    (stderr lines that are not errors), `changed` (bytes changed, or would with --diff),
    `diff` (the unified diff, --diff only), `checked`: the check of the bytes read, and
    `written`: the check of the bytes written (None unless written), as the engine records
    them in the cache (each keyed on the digest of the bytes it checked)."""

    notes: list[str] = field(default_factory=list)
    changed: bool = False
    diff: bytes = b""
    checked: Done | None = None  # the check of the bytes read (the cache records it)
    fixed: bytes | None = None  # the fixed bytes, when fix_bytes was told not to write them
    written: Done | None = None  # the check of the bytes written (recorded too)


class Fixer:
    """Fixes files; one per worker process (built by runner.map_unordered).

    project: the run's Project; enabled: linter names in pipeline order; warn_unmatched: as
    the check's; options: lintgate.filters.FilterOptions of the run (what counts as found);
    write: False for --diff (compute, never write); parent: the pid of the lintgate process
    that started this worker (None: no check), see `orphaned`; limits: (the run's Deadline as
    a time.monotonic() instant or None, FileDeadline in seconds or 0): an external FixCommand
    is killed before either passes (lintgate.external.fixer).
    """

    def __init__(
        self,
        project: Project,
        enabled: Sequence[str],
        warn_unmatched: bool,
        options: Any,
        write: bool,
        parent: int | None = None,
        limits: tuple[float | None, float] = (None, 0.0),
    ) -> None:
        self.parent = parent
        self.limits = limits
        self.limit: float | None = limits[0]  # by when the file at hand must be fixed
        self.checker = Checker(project, list(enabled), warn_unmatched)
        self.external = list(enabled)  # the external fixers' steps come from these (issue 14)
        self.project = project
        self.options = replace(options, aggregate=False, sort=("none",))
        # whether every finding of a fixer's linter is kept (no filter can drop one)
        self._keeps_all = not (options.exclude or options.include or options.errors)
        self.write = write

    def orphaned(self) -> bool:
        """Whether this is a worker whose lintgate process is gone (checked before each write;
        on Linux the kernel ends such workers already, lintgate.executor)."""
        if self.parent is None or os.getpid() == self.parent:
            return False
        return not parent_alive(self.parent)

    def __call__(self, item: tuple[str, str]) -> FileFix:
        path, display = item
        self.limit = item_limit(self.limits, time.monotonic())
        injected_fault(display)
        return self.fix(Path(path), display)

    def _kept(self, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
        from lintgate import filters

        return filters.apply(diagnostics, self.options)

    def fix(self, path: Path, display: str) -> FileFix:
        """Fix the file at `path` (absolute; a symbolic link is fixed through its target);
        `display` is its path in the output. Never raises for a bad file."""
        target = Path(os.path.realpath(path))
        result = FileFix(display)
        root = self.project.root
        if path.is_symlink() and target != root and root not in target.parents:
            result.notes.append(f"{display}: symbolic link out of the project root, not fixed")
            checked = self.checker.check_file(path, display)
            result.diagnostics, result.errors = checked.diagnostics, checked.errors
            return result
        try:  # at most MaxFileSize + 1 bytes: the check reports a larger file, never fixed
            raw, identity = read_with_identity(target, self.project.max_file_size)
        except ChangedMeanwhile:
            result.errors.append(f"{display}: changed while being fixed, left as it is now")
            return result
        except OSError as e:
            result.errors.append(f"{display}: cannot read: {e.strerror or e}")
            return result
        return self.fix_bytes(path, display, raw, result, (target, identity))

    def fix_bytes(
        self, path: Path, display: str, raw: bytes, result: FileFix, place: Any = None
    ) -> FileFix:
        """Fix `raw`, the bytes of the file at `path` (absolute; it need not exist without
        `place`), into `result`. `place`: (the file to write, the identity it was read with),
        or None to write nothing and leave the fixed bytes in `result.fixed` (--stdin-filename,
        as ruff's `--fix --stdin-filename`). Never raises for bad bytes."""
        before, result.checked = self.checker.check_file_done(path, display, raw)
        result.diagnostics, result.errors = before.diagnostics, before.errors
        if any(d.linter in BROKEN for d in before.diagnostics):
            return result  # never touch a file that does not parse or decode
        kept = {d.linter for d in self._kept(before.diagnostics)}
        source = decode(raw, is_stub=path.suffix == ".pyi")
        steps = self._steps(path, display, source, kept)
        if not any(step.name in kept or _external(step.name) for step in steps):
            return result
        text, changed_by = source.text, []
        for _ in range(ROUNDS):  # isort may settle only after black changed its output once
            try:
                text, ran = run_pipeline(text, steps)
                changed_by += ran
                if not changed_by and b"\r" in raw:
                    # a whole-file fixer's finding on a text no fixer changes is then the mixed
                    # line endings (isort's, linters/isort.py): one ending throughout, the
                    # first line's, satisfies isort and black
                    changed_by = [s.name for s in steps if s.name in kept and _whole_file(s.name)]
                # unchanged text keeps its bytes (mixed endings isort does not report stay)
                data = self._encode(text, source, changed_by) if changed_by else raw
                after, done = (  # the fixer's own output: MaxFileSize bounds reading, not this
                    self.checker.check_file_done(path, display, data, bounded=False)
                    if data != raw
                    else (before, None)
                )
                if any(d.linter in BROKEN for d in after.diagnostics) or (
                    parses(source.text) and not parses(text)
                ):
                    raise StepFailed(changed_by[-1], "its result does not parse")
            except StepFailed as e:
                message = f"not fixed: {e.step} failed: {e}"
                result.errors.append(f"{display}: {message}")
                result.diagnostics = before.diagnostics + [self._diagnostic(display, message)]
                return result
            remaining = {d.linter for d in self._kept(after.diagnostics)}
            fight = disagreement(text, steps, (changed_by, ran), remaining, _external)
            if not fight or not ran:
                break
        if fight:
            result.diagnostics = before.diagnostics + [self._diagnostic(display, fight)]
            return result
        if data == raw:
            return result
        if place is None:
            result.fixed = data
        elif not self._deliver(path, place[0], (raw, data), place[1], result):
            return result
        result.changed = True
        result.diagnostics, result.errors = after.diagnostics, before.errors + after.errors
        if self.write and bounds.too_large(len(data), self.project.max_file_size) is None:
            result.written = done  # a larger file is never looked up in the cache
        return result

    def _deliver(
        self, path: Path, target: Path, change: tuple[bytes, bytes], identity: Any, result: FileFix
    ) -> bool:
        """Write the fixed bytes (`change`: (old, new)) over `target` atomically, or with
        --diff put the patch in `result.diff`; False (the reason in `result.errors`) when the
        file changed meanwhile or cannot be written."""
        raw, data = change
        display = result.path
        if not self.write:
            diff_path = display
            if path.is_symlink():  # the patch applies to the file the link points to
                diff_path = os.path.relpath(target, self.project.cwd).replace(os.sep, "/")
            result.diff = unified_diff(raw, data, diff_path)
            return True
        if self.orphaned():
            raise SystemExit(1)  # lintgate is gone: write nothing more (the worker ends)
        try:
            write_atomic(target, data, raw, identity)
        except ChangedMeanwhile:
            result.errors.append(f"{display}: changed while being fixed, left as it is now")
            return False
        except OSError as e:
            result.errors.append(f"{display}: cannot write: {e.strerror or e}")
            return False
        return True

    def _steps(self, path: Path, display: str, source: Source, kept: set[str]) -> list[Step]:
        """The pipeline for `path`: the fixers of the enabled linters (Capabilities.fix) that
        the tool's own configuration does not exclude for the file, in registry order."""
        from lintgate.external.fixer import steps as external_steps

        steps = external_steps(
            self.external, path, self.project.root, self.limit
        )  # first: issue 14
        for name in linters.fixers(self.checker.enabled):
            linter = linters.lookup(name)
            try:
                settings = self.checker.settings(name, path.parent)
            except Exception:  # reported by the check already (once per directory)
                continue
            if filesets.excluded(name, path, settings, self.checker.settings, self.project):
                continue
            # (a package's __init__.py: the imports adapter leaves likely re-exports, by path)
            counted = self._counter(name, linter, settings, (path, display), source.is_stub)
            fix = self._fixer(name, linter, settings, source.is_stub, counted, path)
            wanted = self._wants(name, source, kept, counted)
            steps.append(Step(name, fix, wanted))
        return steps

    def _counter(
        self, name: str, linter: Any, settings: Any, where: tuple[Path, str], is_stub: bool
    ) -> Counter:
        """`counted(text) -> (silenced, kept)`: whether a `nolint` directive silences a finding
        of linter `name` in `text`, and the findings the run keeps there after the directives
        and the filters (Diagnostics). `where`: the file's path and display path. Raises
        ParseError when the linter cannot parse `text`."""
        path, display = where

        def counted(text: str) -> tuple[bool, list[Diagnostic]]:
            source = text_source(text, is_stub)
            outcome = linter.check(path, source, settings)
            if outcome.syntax is not None:
                e = outcome.syntax
                raise ParseError(e.message, e.line, e.col)
            found = [Diagnostic.from_finding(display, name, f) for f in outcome.findings]
            unsilenced = self.checker.suppress(found, text if "nolint" in text else None, display)
            unsilenced = [d for d in unsilenced if d.linter == name]
            return len(unsilenced) < len(found), self._kept(unsilenced)

        return counted

    def _fixer(
        self, name: str, linter: Any, settings: Any, is_stub: bool, counted: Counter, path: Path
    ) -> Callable[[str], str]:
        per_finding = not _whole_file(name)

        def fix(text: str) -> str:
            source = text_source(text, is_stub)
            if per_finding and ("nolint" in text or not self._keeps_all):
                # only what the run reports goes: an import a `nolint` directive (any scope)
                # or a filter leaves out stays, and the others are still removed
                only = counted(text)[1]
                return str(linter.fix_findings(path, source, settings, only))
            return str(linter.fix_file(path, source, settings))

        return fix

    def _wants(
        self, name: str, original: Source, kept: set[str], counted: Counter
    ) -> Callable[[str], bool]:
        per_finding = not _whole_file(name)

        def wanted(text: str) -> bool:
            protected = "nolint" in text
            if text == original.text and not protected:  # the check already answered
                return name in kept
            if self._keeps_all and not protected:
                # nothing would drop a finding, and a fixer with nothing to fix returns its
                # input unchanged: run it rather than check first (black formats once less)
                return True
            silenced, counts = counted(text)
            if silenced and not per_finding:
                # a whole-file fixer would change code a `nolint` protects
                return False
            return bool(counts)

        return wanted

    def _encode(self, text: str, source: Source, changed_by: list[str]) -> bytes:
        try:
            return encode(text, source)
        except UnicodeEncodeError as e:
            step = changed_by[-1] if changed_by else FIX
            raise StepFailed(
                step, f"its result cannot be encoded as {source.encoding}: {e.reason}"
            ) from None

    @staticmethod
    def _diagnostic(display: str, message: str) -> Diagnostic:
        return Diagnostic(display, 1, 1, FIX, message, ERROR)  # 1-based: the first column


def _external(name: str) -> bool:
    """Whether `name` is an external linter (its fixer runs on every file the fixer gets)."""
    from lintgate.external import registry

    return registry.is_external(name)


def _whole_file(name: str) -> bool:
    """Whether linter `name`'s fixer rewrites whole files (Capabilities.fix "file"), rather
    than repairing the findings it is given ("finding")."""
    return _external(name) or linters.lookup(name).capabilities.fix == "file"


def deadline_instant(seconds: float) -> float | None:
    """The time.monotonic() instant by which an external FixCommand must be done under a
    Deadline of `seconds` from now (0: None): a margin (a tenth, at most 2s) before it, so
    that the file is reported as not fixed, not as unchecked."""
    if seconds <= 0:
        return None
    return time.monotonic() + seconds - min(seconds / 10, 2.0)


def item_limit(limits: tuple[float | None, float], now: float) -> float | None:
    """By when (time.monotonic()) a file taken at `now` must be fixed, given `limits` (see
    Fixer): the earlier of the run's deadline and FileDeadline, the latter less a margin (a
    tenth, at most 2s) so that a killed FixCommand's file is reported before the pool kills
    the worker (whose fixer would then leave its process group and copy behind)."""
    deadline, per_file = limits
    if per_file <= 0:
        return deadline
    own = now + per_file - min(per_file / 10, 2.0)
    return own if deadline is None else min(deadline, own)
