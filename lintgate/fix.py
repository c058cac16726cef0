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
  fixer would change the text again (e.g. an isort setting that black undoes). The tools
  worked; their settings need a change: a finding (exit bit 1), not a tool error.
A file with a `syntax` or `encoding` finding is never touched. Findings a fixer leaves alone
(its fixer is idempotent on the result, e.g. an `imports` re-export) are reported as usual.
"""

from __future__ import annotations

import ast
import os
import time
import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, NamedTuple

from lintgate import filesets, linters
from lintgate.atomic import TEMP_SUFFIX  # noqa: F401  # nolint: imports - fix's name too
from lintgate.atomic import ChangedMeanwhile, read_with_identity, write_atomic
from lintgate.diagnostic import ERROR, Diagnostic
from lintgate.executor import Lost, injected_fault, parent_alive
from lintgate.linters.base import ParseError, Project
from lintgate.runner import Checker, FileResult, RunResult, file_size, map_unordered
from lintgate.source import Source, decode

FIX = "fix"  # the linter name of the diagnostics that say why a file was not fixed
FIXERS = ("imports", "isort", "black")  # the pipeline order
# fixers that fix finding by finding (`fix(..., only=findings)`); the others rewrite whole files
PER_FINDING = ("imports",)
BROKEN = ("syntax", "encoding")
ROUNDS = 3  # passes of the pipeline before linters that still disagree count as a fight


# --- the pure core ------------------------------------------------------------------------


class Step(NamedTuple):
    """One fixer of the pipeline. `name`: its linter; `fix(text) -> text` (LF-only text);
    `wanted(text) -> bool`: whether its linter reports something the run keeps in `text`."""

    name: str
    fix: Callable[[str], str]
    wanted: Callable[[str], bool]


class StepFailed(Exception):
    """A fixer raised, or broke the file. `step` names it; `str(error)` is one line."""

    def __init__(self, step: str, message: str) -> None:
        super().__init__(message)
        self.step = step


def run_pipeline(text: str, steps: list[Step]) -> tuple[str, list[str]]:
    """Run `steps` in order on `text` (decoded, LF-only), each on the previous output and only
    when it is wanted there. Returns (the final text, names of the steps that changed it).
    Raises StepFailed naming the step that raised."""
    changed_by = []
    for step in steps:
        try:
            if not step.wanted(text):
                continue
            out = step.fix(text)
        except ParseError as e:  # the previous step broke the file (the original parsed)
            blame = changed_by[-1] if changed_by else step.name
            raise StepFailed(blame, f"its result does not parse: {e.message}") from None
        except Exception as e:  # black's safety checks raise here: the file stays as it was
            raise StepFailed(step.name, _one_line(e)) from None
        if out != text:
            changed_by.append(step.name)
            text = out
    return text, changed_by


def encode(text: str, source: Source) -> bytes:
    """`text` (decoded, LF-only) as bytes the way `source` was stored: the newline of its
    first line everywhere (as black writes), its encoding (the coding cookie is part of the
    text), and its UTF-8 BOM if it had one. Raises UnicodeEncodeError."""
    if source.newline != "\n":
        text = text.replace("\n", source.newline)
    data = text.encode(source.encoding)
    if source.raw.startswith(b"\xef\xbb\xbf") and not data.startswith(b"\xef\xbb\xbf"):
        data = b"\xef\xbb\xbf" + data
    return data


def parses(text: str) -> bool:
    """Whether Python's own parser accepts `text` (warnings about the source silenced)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(text)
    except (SyntaxError, ValueError):
        return False
    return True


def _split(data: bytes) -> list[bytes]:
    """Lines of `data`, each with its b"\\n" (a CR stays inside the line, as git sees it)."""
    lines = data.split(b"\n")
    out = [line + b"\n" for line in lines[:-1]]
    if lines[-1]:
        out.append(lines[-1])
    return out


def unified_diff(old: bytes, new: bytes, path: str) -> bytes:
    """A unified diff from `old` to `new` that `git apply` and `patch -p1` accept:
    `diff --git a/PATH b/PATH`, `--- a/PATH`, `+++ b/PATH`, 3 lines of context, bytes as
    they are (CRLF kept in the lines) and `\\ No newline at end of file` after a last line
    without one. `path` is relative and `/`-separated. Empty when nothing changed. The hunks
    are difflib's, within a bounded cost (lintgate.linediff)."""
    if old == new:
        return b""
    from lintgate.linediff import grouped_opcodes

    name = os.fsencode(path)
    a, b = _split(old), _split(new)
    out = [b"diff --git a/" + name + b" b/" + name + b"\n"]
    out.append(b"--- a/" + name + b"\n+++ b/" + name + b"\n")
    for group in grouped_opcodes(a, b, 3, autojunk=True):
        first, last = group[0], group[-1]
        old_range = _range(first[1], last[2])
        new_range = _range(first[3], last[4])
        out.append(b"@@ -" + old_range + b" +" + new_range + b" @@\n")
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out += [b" " + _ended(line) for line in a[i1:i2]]
                continue
            out += [b"-" + _ended(line) for line in a[i1:i2]]
            out += [b"+" + _ended(line) for line in b[j1:j2]]
    return b"".join(out)


def _range(start: int, stop: int) -> bytes:
    """A unified diff's range of lines [start, stop) (0-based): `first,count`, `first` alone
    for one line, and the line before for none (POSIX diff's format)."""
    count = stop - start
    if count == 1:
        return b"%d" % (start + 1)
    return b"%d,%d" % (start + 1 if count else start, count)


def _ended(line: bytes) -> bytes:
    return line if line.endswith(b"\n") else line + b"\n\\ No newline at end of file\n"


@dataclass
class FileFix(FileResult):
    """What fixing one file gave: FileResult's `diagnostics` (what remains: the check of the
    written bytes, or of the original plus a `fix` diagnostic) and `errors`, plus `notes`
    (stderr lines that are not errors), `changed` (bytes changed, or would with --diff),
    `diff` (the unified diff, --diff only)."""

    notes: list[str] = field(default_factory=list)
    changed: bool = False
    diff: bytes = b""


class Fixer:
    """Fixes files; one per worker process (built by runner.map_unordered).

    project: the run's Project; enabled: linter names in pipeline order; warn_unmatched: as
    the check's; options: lintgate.filters.FilterOptions of the run (what counts as found);
    write: False for --diff (compute, never write); parent: the pid of the lintgate process
    that started this worker (None: no check), see `orphaned`.
    """

    def __init__(
        self,
        project: Project,
        enabled,
        warn_unmatched: bool,
        options,
        write: bool,
        parent: int | None = None,
    ):
        self.parent = parent
        self.checker = Checker(project, list(enabled), warn_unmatched)
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
        before = self.checker.check_file(path, display, raw)
        result.diagnostics, result.errors = before.diagnostics, before.errors
        if any(d.linter in BROKEN for d in before.diagnostics):
            return result  # never touch a file that does not parse or decode
        kept = {d.linter for d in self._kept(before.diagnostics)}
        source = decode(raw, is_stub=path.suffix == ".pyi")
        steps = self._steps(path, display, source, kept)
        if not any(step.name in kept for step in steps):
            return result
        text, changed_by = source.text, []
        for _ in range(ROUNDS):  # isort may settle only after black changed its output once
            try:
                text, ran = run_pipeline(text, steps)
                changed_by += ran
                if not changed_by and "isort" in kept and b"\r" in raw:
                    # isort's finding is then the mixed line endings (linters/isort.py): one
                    # ending throughout, the first line's, satisfies isort and black
                    changed_by = [s.name for s in steps if s.name == "isort"]
                # unchanged text keeps its bytes (mixed endings isort does not report stay)
                data = self._encode(text, source, changed_by) if changed_by else raw
                after = self.checker.check_file(path, display, data) if data != raw else before
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
            fight = self._fight(text, steps, changed_by, remaining)
            if not fight or not ran:
                break
        if fight:
            result.diagnostics = before.diagnostics + [self._diagnostic(display, fight)]
            return result
        if data == raw:
            return result
        if self.write:
            if self.orphaned():
                raise SystemExit(1)  # lintgate is gone: write nothing more (the worker ends)
            try:
                write_atomic(target, data, raw, identity)
            except ChangedMeanwhile:
                result.errors.append(f"{display}: changed while being fixed, left as it is now")
                return result
            except OSError as e:
                result.errors.append(f"{display}: cannot write: {e.strerror or e}")
                return result
        else:
            diff_path = display
            if path.is_symlink():  # the patch applies to the file the link points to
                diff_path = os.path.relpath(target, self.project.cwd).replace(os.sep, "/")
            result.diff = unified_diff(raw, data, diff_path)
        result.changed = True
        result.diagnostics, result.errors = after.diagnostics, before.errors + after.errors
        return result

    def _steps(self, path: Path, display: str, source: Source, kept: set[str]) -> list[Step]:
        """The pipeline for `path`: the fixers of the enabled, registered linters that the
        tool's own configuration does not exclude for the file, in FIXERS order."""
        steps = []
        enabled = self.checker.enabled
        for name in FIXERS:
            if name not in enabled or name not in linters.BUILTIN:
                continue
            module = linters.get(name)
            try:
                settings = self.checker.settings(name, path.parent)
            except Exception:  # reported by the check already (once per directory)
                continue
            if not hasattr(module, "fix") or filesets.excluded(
                name, path, settings, self.checker.settings, self.project
            ):
                continue
            counted = self._counter(name, module, settings, display, source.is_stub)
            # a package's __init__.py (or its stub): unused imports are likely re-exports,
            # left reported
            init = name == "imports" and path.name in ("__init__.py", "__init__.pyi")
            fix = self._fixer(name, module, settings, source.is_stub, counted, init, str(path))
            wanted = self._wants(name, source, kept, counted)
            steps.append(Step(name, fix, wanted))
        return steps

    def _counter(self, name, module, settings, display, is_stub: bool) -> Callable:
        """`counted(text) -> (silenced, kept)`: whether a `nolint` directive silences a finding
        of linter `name` in `text`, and the findings the run keeps there after the directives
        and the filters (Diagnostics)."""

        def counted(text: str) -> tuple[bool, list[Diagnostic]]:
            source = _source(text, is_stub)
            found = [
                Diagnostic.from_finding(display, name, f) for f in module.check(source, settings)
            ]
            unsilenced = self.checker.suppress(found, text if "nolint" in text else None, display)
            unsilenced = [d for d in unsilenced if d.linter == name]
            return len(unsilenced) < len(found), self._kept(unsilenced)

        return counted

    def _fixer(self, name, module, settings, is_stub, counted, init, path) -> Callable[[str], str]:
        per_finding = name in PER_FINDING
        extra: dict = {"package_init": True} if init else {}
        if name == "isort" and not filesets.is_python(path):  # isort sorts Cython by its suffix
            extra["path"] = path

        def fix(text: str) -> str:
            source = _source(text, is_stub)
            if per_finding and ("nolint" in text or not self._keeps_all):
                # only what the run reports goes: an import a `nolint` directive (any scope)
                # or a filter leaves out stays, and the others are still removed
                return module.fix(text, source, settings, only=counted(text)[1], **extra)
            return module.fix(text, source, settings, **extra)

        return fix

    def _wants(self, name, original: Source, kept, counted: Callable) -> Callable:
        per_finding = name in PER_FINDING

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

    def _fight(
        self, text: str, steps: list[Step], changed_by: list[str], remaining: set[str]
    ) -> str:
        """The message when a linter of the pipeline still reports something in `text` and
        its fixer would change it again (the linters undo each other), else ""."""
        for i, step in enumerate(steps):
            if step.name not in remaining:
                continue
            try:
                again = step.fix(text) if step.wanted(text) else text
            except Exception:
                again = text
            if again != text:
                later = [s.name for s in steps[i + 1 :] if s.name in changed_by]
                if not later:
                    return f"not fixed: {step.name} does not settle (its output changes again)"
                return (
                    f"not fixed: {step.name} and {' and '.join(later)} disagree "
                    f"({step.name} would change {later[-1]}'s output again); "
                    f'make their settings agree (e.g. isort\'s profile "black")'
                )
        return ""

    @staticmethod
    def _diagnostic(display: str, message: str) -> Diagnostic:
        return Diagnostic(display, 1, 1, FIX, message, ERROR)  # 1-based: the first column


def _source(text: str, is_stub: bool) -> Source:
    """A Source for text a fixer produced (the linters read only `text` and `is_stub`)."""
    return Source(b"", text, "utf-8", "\n", is_stub)


def _one_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0]}" if lines else type(error).__name__


# --- the whole run ------------------------------------------------------------------------


@dataclass
class FixRun(RunResult):
    """A whole --fix or --diff run: RunResult's fields (diagnostics: what remains), plus
    `fixed` (display paths whose bytes changed, or would), `diffs` (in path order, --diff),
    `notes` (stderr lines that are not errors), `write` (False for --diff)."""

    fixed: list[str] = field(default_factory=list)
    diffs: list[bytes] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    write: bool = True


def run(files: list[Path], project: Project, config, write: bool = True) -> FixRun:
    """Fix `files` (absolute paths) with the linters `config` (lintgate.config.Config)
    enables, on the check's process pool and under its deadline; `write=False` (--diff)
    computes the diffs and writes nothing. Display paths are relative to `project.cwd`."""
    from lintgate.config import effective_concurrency

    start = time.monotonic()
    items = [(str(p), os.path.relpath(p, project.cwd).replace(os.sep, "/")) for p in files]
    args = (
        project,
        tuple(config.enabled),
        config.warn_unmatched_directive,
        config.filter_options(),
        write,
        os.getpid(),
    )
    concurrency = effective_concurrency(config)
    # A link and its target (or two links to one file) are one file: fixed once, through the
    # first path that is not a link (else the first path), and reported under every path.
    # Fixing both at once would race (one write sees the other's bytes) and diff twice.
    same: dict[str, list[int]] = {}
    for i, (path, _) in enumerate(items):
        same.setdefault(os.path.realpath(path), []).append(i)
    lead: dict[int, list[int]] = {}  # index fixed -> the other indexes of the same file
    for group in same.values():
        first = next((i for i in group if not os.path.islink(items[i][0])), group[0])
        lead[first] = [i for i in group if i != first]
    order = sorted(lead)
    done = map_unordered(
        Fixer,
        args,
        [items[i] for i in order],
        concurrency,
        config.deadline,
        cost=lambda item: file_size(item[0]),
        task_limit=config.file_deadline,
    )
    finished = {order[j] for j in done}
    results: list[FileFix] = []
    for j, result in done.items():
        if isinstance(result, Lost):  # its worker died or ran over FileDeadline
            shown = items[order[j]][1]
            result = FileFix(shown, errors=[f"{shown}: {result.cause} while fixing"])
        results.append(result)
        for other in lead[order[j]]:
            shown = items[other][1]
            results.append(FileFix(shown, [d._replace(path=shown) for d in result.diagnostics]))
            finished.add(other)
    results.sort(key=lambda r: r.path)
    return FixRun(
        files=len(results),
        paths=[r.path for r in results],
        diagnostics=sorted(d for r in results for d in r.diagnostics),
        errors=list(dict.fromkeys(e for r in results for e in r.errors)),
        unchecked=[shown for i, (_, shown) in enumerate(items) if i not in finished],
        seconds=time.monotonic() - start,
        fixed=[r.path for r in results if r.changed],
        diffs=[r.diff for r in results if r.diff],
        notes=[n for r in results for n in r.notes],
        write=write,
    )


def emit(result: FixRun, stdout, stderr) -> int:
    """Print what a fix run did: the diffs (bytes) on `stdout` (a binary stream), the notes
    and `lintgate: N file(s) fixed` (or `would be fixed`) on `stderr` (a text stream).
    Returns the exit bit it adds: 1 when --diff shows a diff, else 0 (with --diff this is the
    only source of bit 1: what would remain does not set it)."""
    for diff in result.diffs:
        stdout.write(diff)
    stdout.flush()
    from lintgate.report.terminal import escape_controls  # a note may quote a linter's text

    for note in result.notes:
        print(f"lintgate: {escape_controls(note)}", file=stderr)
    verb = "fixed" if result.write else "would be fixed"
    print(f"lintgate: {len(result.fixed)} file(s) {verb}", file=stderr)
    return 0 if result.write or not result.diffs else 1
