"""The check of one file, in a worker: decode once, run the linters, outcomes as data.

`Checker` is the worker object of a run (one per process, built in the parent and inherited
by the forked workers): it keeps each linter's settings per directory for the run, so a bad
tool config is reported once per directory. What can go wrong with one file (unreadable,
undecodable, unparsable, a linter crashing) is data in its `Done`, and the run goes on.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Sequence

from lintgate import bounds, filesets, linters
from lintgate.context import current, run_scope
from lintgate.diagnostic import ERROR, Diagnostic, Finding
from lintgate.engine.dispatch import file_size
from lintgate.engine.records import (
    ENCODING,
    SYNTAX,
    Done,
    FileResult,
    Outcome,
    SettingsFailure,
    Work,
    one_line,
    unreadable,
)
from lintgate.external import registry
from lintgate.linters.base import ParseError, Project, SettingsError
from lintgate.source import DecodeError, Source, decode
from lintgate.workers import injected_fault


class Checker:
    """Runs linters on files; one per process (the parent's decides exclusions).

    project: the run's Project; enabled: linter names in pipeline order; warn_unmatched:
    report `nolint` directives that silenced nothing.
    """

    def __init__(self, project: Project, enabled: list[str], warn_unmatched: bool = False) -> None:
        self.project = project
        self.enabled = [n for n in enabled if not registry.is_external(n)]  # in-process only
        self.warn_unmatched = warn_unmatched
        self._settings: dict[tuple[str, Path], object] = {}
        self._settings_errors: dict[tuple[str, Path], str] = {}
        # the run this checker belongs to (a new one when made outside a run): the tools'
        # memos (lintgate.context) go with it, into the forked workers too
        self.context = current()

    def settings(self, name: str, directory: Path) -> Any:
        """The settings of linter `name` for `directory`, memoized; raises SettingsFailure
        (memoized too, so a bad config is reported once per directory)."""
        key = (name, directory)
        if key in self._settings_errors:
            raise SettingsFailure(self._settings_errors[key])
        if key not in self._settings:
            try:
                with run_scope(self.context):
                    linter = linters.lookup(name)
                    self._settings[key] = linter.settings(self.project, directory)
            except Exception as e:  # a bad tool config is the user's input: one line, no traceback
                own = isinstance(e, SettingsError)  # names the file already
                self._settings_errors[key] = str(e).splitlines()[0] if own else one_line(e)
                raise SettingsFailure(self._settings_errors[key]) from None
        return self._settings[key]

    def __call__(self, work: Work) -> Done:
        """`check`, for the executor."""
        injected_fault(work.display)
        return self.check(work)

    def check(self, work: Work) -> Done:
        """Run the linters `work.names` on the file, in order, stopping at a parse error."""
        raw = work.raw
        limit = self.project.max_file_size if work.bounded else 0
        if raw is None:
            try:
                raw = bounds.read_bounded(work.path, limit)
            except OSError as e:
                return Done(work.display, None, None, {}, [unreadable(work.display, e)])
        large = bounds.too_large(len(raw), limit)
        if large is not None:  # read up to the limit only (--fix), or grew since measured
            why = bounds.too_large(max(len(raw), file_size(work.path)), limit) or large
            return Done(work.display, None, Finding(1, 1, why, ERROR), {}, [])
        digest = hashlib.sha256(raw).hexdigest()
        try:
            source = decode(raw, is_stub=work.path.endswith(".pyi"))
        except DecodeError as e:
            return Done(work.display, digest, Finding(e.line, e.col, str(e), ERROR), {}, [])
        nolint_text = source.text if "nolint" in source.text else None
        outcomes, errors, uncached = self._lint(work, source)
        return Done(work.display, digest, None, outcomes, errors, nolint_text, uncached)

    def _lint(
        self, work: Work, source: Source
    ) -> tuple[dict[str, Outcome], list[str], tuple[str, ...]]:
        """The outcomes of the linters `work.names` on `source`, the error lines, and the
        outcomes not to cache."""
        directory = Path(work.path).parent
        outcomes: dict[str, Outcome] = {}
        errors: list[str] = []
        uncached: list[str] = []
        broken = False
        judge = linters.syntax_judge()
        bounded = bounded_linters()
        # too deep for the parsers (libcst would crash): their outcome, as CPython refuses it
        refused = bounds.refusal(source.text) if set(work.names) & bounded else None
        for index, name in enumerate(work.names):
            if broken and name != judge:
                # After a parse error only the judge's parser runs (the gate's syntax verdict
                # is black's): another linter's result would not be reported, and one failing
                # on the broken text (isort on a NUL byte) would be a tool error on a cold run
                # only, as a warm run stops at the cached parse error.
                continue
            try:
                if refused is not None and name in bounded:
                    raise refused
                settings = (
                    self._parse_settings(directory, errors, uncached)
                    if name == SYNTAX
                    else self.settings(name, directory)
                )
                found = linters.lookup(name).check(Path(work.path), source, settings)
                outcomes[name] = Outcome(found.findings, found.syntax)
            except ParseError as e:
                outcomes[name] = Outcome([], Finding(e.line, e.col, e.message, ERROR))
            except SettingsFailure as e:
                if name != SYNTAX:
                    errors.append(f"{name}: {e}")
                continue
            except Exception as e:  # never a traceback: name the file and the linter, go on
                if name != SYNTAX:
                    errors.append(f"{work.display}: {name}: internal error: {one_line(e)}")
                continue
            if outcomes[name].syntax is not None:
                if judge not in work.names[index + 1 :]:
                    break  # a parse error is the file's only finding; the judge's, if it runs
                broken = True
        return outcomes, errors, tuple(uncached)

    def _parse_settings(self, directory: Path, errors: list[str], uncached: list[str]) -> Any:
        """The syntax judge's settings for the `syntax` check; when the judge (black) refuses
        its configuration, its error (in `errors`, as with black enabled) and None: the parse
        goes on with black's defaults, and its outcome is not cached (in `uncached`), so that
        a warm run reports the error again."""
        judge = settings_owner(SYNTAX)
        try:
            return self.settings(judge, directory)
        except SettingsFailure as e:
            errors.append(f"{judge}: {e}")
            uncached.append(SYNTAX)
            return None

    def check_file(
        self, path: Path, display: str, raw: bytes | None = None, bounded: bool = True
    ) -> FileResult:
        """Check one file now, without the cache (the fixer checks a result before writing
        it): the enabled linters that the tools' own configuration does not exclude for
        `path`. `raw`: the bytes to check, None to read `path`; `bounded`: whether MaxFileSize
        applies (not to a fixer's result: the limit is on reading files from disk)."""
        return self.check_file_done(path, display, raw, bounded)[0]

    def check_file_done(
        self, path: Path, display: str, raw: bytes | None = None, bounded: bool = True
    ) -> tuple[FileResult, Done]:
        """`check_file`, and the worker's answer it came from (to record in the cache)."""
        result = FileResult(display)
        names: list[str] = []
        failed = []  # linters whose settings or exclusion failed
        for name in self.enabled:
            try:
                settings = self.settings(name, path.parent)
                if not filesets.excluded(name, path, settings, self.settings, self.project):
                    names.append(name)
            except SettingsFailure as e:
                result.errors.append(f"{name}: {e}")
                failed.append(name)
            except Exception as e:
                result.errors.append(f"{display}: {name}: internal error: {one_line(e)}")
                failed.append(name)
        if needs_syntax(usable(self.enabled, failed), names, str(path)):
            names.append(SYNTAX)
        done = self.check(Work(str(path), display, raw, tuple(names), bounded))
        result.errors += done.errors
        if done.encoding is not None:
            f = done.encoding
            result.diagnostics = [Diagnostic(display, f.line, f.col, ENCODING, f.message, ERROR)]
        elif done.digest is not None:
            result.diagnostics = self.diagnose(display, names, done.outcomes, done.nolint_text)
        return result, done

    def diagnose(
        self,
        display: str,
        names: Sequence[str],
        outcomes: dict[str, Outcome],
        nolint_text: str | None,
    ) -> list[Diagnostic]:
        """A file's diagnostics from its linters' outcomes (`combine`), less what its `nolint`
        directives silence; a linter's parse error is never silenced."""
        found = combine(display, names, outcomes)
        parsed_by = next((n for n in names if n in outcomes and outcomes[n].syntax), None)
        if parsed_by is None or parsed_by == SYNTAX:
            found = self.suppress(found, nolint_text, display)
        return found

    def suppress(self, found: list[Diagnostic], text: str | None, display: str) -> list[Diagnostic]:
        """Drop what the file's `# nolint` directives silence (lintgate.nolint); `text` is
        None when the file holds no `nolint`."""
        if text is None:
            return found
        from lintgate import nolint

        kept, unmatched = nolint.suppress(found, text)
        if self.warn_unmatched:
            kept += nolint.warn_unmatched(display, unmatched) + nolint.warn_unknown(display, text)
        return kept


def combine(display: str, names: Sequence[str], outcomes: dict[str, Outcome]) -> list[Diagnostic]:
    """The diagnostics of a file from its linters' outcomes, `names` in pipeline order: a
    parse error alone (as the `syntax` linter; black's when black's parser failed, since the
    gate's syntax verdict is black's), else every linter's findings."""
    broken = [n for n in names if n in outcomes and outcomes[n].syntax is not None]
    if broken:
        judge = linters.syntax_judge()
        parser = next((n for n in broken if n in (judge, SYNTAX)), broken[0])
        e = outcomes[parser].syntax
        assert e is not None  # `broken` holds only names with a parse error
        message = e.message
        whose = "" if parser == SYNTAX else linters.lookup(parser).capabilities.parser
        if whose:  # not the judge's verdict: say whose it is
            accepted = f"; {judge} parses it" if judge in outcomes else ""
            message = f"{message} (rejected by {whose}{accepted})"
        return [Diagnostic(display, e.line, e.col, SYNTAX, message, ERROR)]
    found: list[Diagnostic] = []
    for name in names:
        if name in outcomes:
            found.extend(Diagnostic.from_finding(display, name, f) for f in outcomes[name].findings)
    return found


def needs_syntax(enabled: Sequence[str], names: Sequence[str], path: str) -> bool:
    """Whether the syntax judge's parser (black's) must judge a Python file that no enabled
    linter parses: isort does not parse, so with black disabled black's parser still decides
    what is a syntax error (with black enabled, black's own exclusion is respected; Cython is
    not black's to parse)."""
    judge = linters.syntax_judge()
    parsers = linters.parsers()
    return (
        bool(enabled)
        and judge is not None
        and judge not in enabled
        and not any(n in parsers for n in names)
        and filesets.is_python(path)
    )


def settings_owner(name: str) -> str:
    """The linter whose settings `name` uses: the syntax judge's for SYNTAX, else its own."""
    return (linters.syntax_judge() or name) if name == SYNTAX else name


def bounded_linters() -> frozenset[str]:
    """The linters given no file lintgate.bounds refuses: those that parse, and SYNTAX."""
    return frozenset((*linters.parsers(), SYNTAX))


def usable(enabled: Sequence[str], failed: Sequence[str]) -> list[str]:
    """The enabled linters less the syntax judge when its settings failed: with black refusing
    its configuration, black's parser still judges syntax (on its defaults)."""
    judge = linters.syntax_judge()
    return [n for n in enabled if n != judge or n not in failed]
