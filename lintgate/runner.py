"""Schedules files x linters on a process pool, under a deadline, through the result cache.

The parent process decides what each file needs: which enabled linters apply to it (their
settings and exclusions), and, with a cache, what the cache already knows about its bytes
(docs/cache.md). Only the linters the cache could not answer run, on the process pool; each
worker decodes a file once and gives the same text to every linter it runs; it keeps the
settings it found per directory for the whole run. What can go wrong with one file
(unreadable, undecodable, unparsable, a linter crashing) is reported as data, and the run
goes on.

What is cached, per file contents (see `_Job`): its decoding (pseudo-linter `encoding`), the
outcome of each linter, and, when black is disabled, black's parse (pseudo-linter `syntax`).
An outcome is a list of findings, or a parse error, stored as one finding whose message starts
with NUL (no linter message does). The `encoding` entry also says whether the text holds
`nolint` (lintgate.nolint): only such files are read on a warm run, to apply the directives. Exclusion verdicts are path-dependent, so they are kept in
the store's memo table, keyed on the absolute path and the linter's config digest (exports
carry them, so a fresh checkout at the same path with an imported cache needs no settings). A run
answered wholly from the cache builds no settings, so it imports neither isort nor black.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from lintgate import __version__ as LINTGATE_VERSION
from lintgate import bounds, filesets, linters
from lintgate.diagnostic import ERROR, Diagnostic, Finding
from lintgate.executor import Lost, injected_fault
from lintgate.linters.base import ParseError, Project, SettingsError
from lintgate.source import DecodeError, decode

ENCODING = "encoding"
SYNTAX = "syntax"  # black's parse, run when black is disabled and nothing else parsed
_PARSERS = ("black", "imports")  # linters whose check parses the file
_BOUNDED = frozenset((*_PARSERS, SYNTAX))  # linters given no file lintgate.bounds refuses
# the parsers other than black's that can reject a file, as a `syntax` message names them
_OTHER_PARSERS = {
    "imports": "Python's ast parser, for the imports linter",
    "isort": "Python's compiler, for isort's atomic = true",
}
_PARSE_MARK = "\0"  # a cached parse error: one finding whose message starts with NUL
# The `encoding` entry of a decodable text holding "nolint" (SOH: not a parse error's NUL).
_NOLINT = Finding(0, 0, "\1nolint")
_ENCODING_VERSION = f"python{sys.version_info[0]}.{sys.version_info[1]}"  # codecs, tokenize


@dataclass
class FileResult:
    """What checking one file gave: `diagnostics` (unsorted), `errors` (one-line messages for
    stderr, each setting exit bit 2)."""

    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class RunResult:
    """A whole run: `files` checked, `diagnostics` sorted, `errors` (deduplicated, in order),
    `unchecked` (display paths the deadline left unchecked), `seconds` of wall time, `cached`
    (files all of whose enabled linters were answered from the cache); `paths`: the display
    paths of the files checked."""

    files: int
    paths: list[str]
    diagnostics: list[Diagnostic]
    errors: list[str]
    unchecked: list[str]
    seconds: float
    cached: int = 0


class Outcome(NamedTuple):
    """What one linter said about one file's bytes: `findings`, or `syntax`, the parse error
    (a Finding, severity error) when the linter could not parse the file."""

    findings: list[Finding]
    syntax: Finding | None = None

    def to_cache(self) -> list[Finding]:
        """The findings to store: a parse error as one finding whose message starts with NUL."""
        if self.syntax is not None:
            return [self.syntax._replace(message=_PARSE_MARK + self.syntax.message)]
        return self.findings

    @classmethod
    def from_cache(cls, findings: list[Finding]) -> Outcome:
        """The inverse of `to_cache`."""
        if len(findings) == 1 and findings[0].message.startswith(_PARSE_MARK):
            return cls([], findings[0]._replace(message=findings[0].message[1:]))
        return cls(findings)


class Work(NamedTuple):
    """A file for a worker: absolute `path`, `display` path, `raw` bytes when the parent read
    them (else None), and the `names` of the linters (in pipeline order, maybe SYNTAX) to run."""

    path: str
    display: str
    raw: bytes | None
    names: tuple[str, ...]


class Done(NamedTuple):
    """A worker's answer: the `digest` (sha256 hex) of the bytes it checked (None if
    unreadable), `encoding` (the decode error as a Finding, or None), the `outcomes` of the
    linters it ran, `errors` (one-line messages), and the decoded text when it holds
    `nolint` (for the directives; else None)."""

    display: str
    digest: str | None
    encoding: Finding | None
    outcomes: dict[str, Outcome]
    errors: list[str]
    nolint_text: str | None = None
    uncached: tuple[str, ...] = ()  # outcomes not to cache (the `syntax` on black's defaults)


class Checker:
    """Runs linters on files; one per process (the parent's decides exclusions).

    project: the run's Project; enabled: linter names in pipeline order; warn_unmatched:
    report `nolint` directives that silenced nothing.
    """

    def __init__(self, project: Project, enabled: list[str], warn_unmatched: bool = False) -> None:
        self.project = project
        self.enabled = enabled
        self.warn_unmatched = warn_unmatched
        self._settings: dict[tuple[str, Path], object] = {}
        self._settings_errors: dict[tuple[str, Path], str] = {}

    def settings(self, name: str, directory: Path):
        """The settings of linter `name` for `directory`, memoized; raises _SettingsFailure
        (memoized too, so a bad config is reported once per directory)."""
        key = (name, directory)
        if key in self._settings_errors:
            raise _SettingsFailure(self._settings_errors[key])
        if key not in self._settings:
            try:
                self._settings[key] = linters.get(name).settings_for(directory, self.project)
            except Exception as e:  # a bad tool config is the user's input: one line, no traceback
                own = isinstance(e, SettingsError)  # names the file already
                self._settings_errors[key] = str(e).splitlines()[0] if own else _one_line(e)
                raise _SettingsFailure(self._settings_errors[key]) from None
        return self._settings[key]

    def __call__(self, work: Work) -> Done:
        """`check`, for runner.map_unordered."""
        injected_fault(work.display)
        return self.check(work)

    def check(self, work: Work) -> Done:
        """Run the linters `work.names` on the file, in order, stopping at a parse error."""
        errors: list[str] = []
        raw = work.raw
        limit = self.project.max_file_size
        if raw is None:
            try:
                raw = bounds.read_bounded(work.path, limit)
            except OSError as e:
                return Done(work.display, None, None, {}, [_unreadable(work.display, e)])
        large = bounds.too_large(len(raw), limit)
        if large is not None:  # read up to the limit only (--fix), or grew since measured
            large = bounds.too_large(max(len(raw), file_size(work.path)), limit)
            return Done(work.display, None, Finding(1, 1, large, ERROR), {}, [])
        digest = hashlib.sha256(raw).hexdigest()
        try:
            source = decode(raw, is_stub=work.path.endswith(".pyi"))
        except DecodeError as e:
            return Done(work.display, digest, Finding(e.line, e.col, str(e), ERROR), {}, [])
        nolint_text = source.text if "nolint" in source.text else None
        directory = Path(work.path).parent
        outcomes: dict[str, Outcome] = {}
        uncached: list[str] = []
        broken = False
        # too deep for the parsers (libcst would crash): their outcome, as CPython refuses it
        refused = bounds.refusal(source.text) if set(work.names) & _BOUNDED else None
        for index, name in enumerate(work.names):
            if broken and name != "black":
                # After a parse error only black's parser runs (the gate's syntax verdict is
                # black's): another linter's result would not be reported, and one failing
                # on the broken text (isort on a NUL byte) would be a tool error on a cold run
                # only, as a warm run stops at the cached parse error.
                continue
            module = linters.get("black" if name == SYNTAX else name)
            try:
                if refused is not None and name in _BOUNDED:
                    raise refused
                settings = (
                    self._parse_settings(directory, errors, uncached)
                    if name == SYNTAX
                    else self.settings(module.NAME, directory)
                )
                if name == SYNTAX:
                    module.parse_only(source, settings)
                    outcomes[name] = Outcome([])
                elif name == "isort":  # isort reads Cython too: by the file's suffix
                    outcomes[name] = Outcome(module.check(source, settings, work.path))
                else:
                    outcomes[name] = Outcome(module.check(source, settings))
            except ParseError as e:
                outcomes[name] = Outcome([], Finding(e.line, e.col, e.message, ERROR))
                if "black" not in work.names[index + 1 :]:
                    break  # a parse error is the file's only finding; black's, when it runs
                broken = True

            except _SettingsFailure as e:
                if name != SYNTAX:
                    errors.append(f"{name}: {e}")
            except Exception as e:  # never a traceback: name the file and the linter, go on
                if name != SYNTAX:
                    errors.append(f"{work.display}: {name}: internal error: {_one_line(e)}")
        return Done(work.display, digest, None, outcomes, errors, nolint_text, tuple(uncached))

    def _parse_settings(self, directory: Path, errors: list[str], uncached: list[str]):
        """black's settings for the `syntax` check; when black refuses its configuration,
        its error (in `errors`, as with black enabled) and None: the parse goes on with
        black's defaults, and its outcome is not cached (in `uncached`), so that a warm run
        reports the error again."""
        try:
            return self.settings("black", directory)
        except _SettingsFailure as e:
            errors.append(f"black: {e}")
            uncached.append(SYNTAX)
            return None

    def check_file(self, path: Path, display: str, raw: bytes | None = None) -> FileResult:
        """Check one file now, without the cache (the fixer checks a result before writing
        it): the enabled linters that the tools' own configuration does not exclude for
        `path`. `raw`: the bytes to check, None to read `path`."""
        result = FileResult(display)
        names: list[str] = []
        failed = []  # linters whose settings or exclusion failed
        for name in self.enabled:
            try:
                settings = self.settings(name, path.parent)
                if not filesets.excluded(name, path, settings, self.settings, self.project):
                    names.append(name)
            except _SettingsFailure as e:
                result.errors.append(f"{name}: {e}")
                failed.append(name)
            except Exception as e:
                result.errors.append(f"{display}: {name}: internal error: {_one_line(e)}")
                failed.append(name)
        usable = [n for n in self.enabled if n != "black" or "black" not in failed]
        if _needs_syntax(usable, names, str(path)):
            names.append(SYNTAX)
        done = self.check(Work(str(path), display, raw, tuple(names)))
        result.errors += done.errors
        if done.encoding is not None:
            f = done.encoding
            result.diagnostics = [Diagnostic(display, f.line, f.col, ENCODING, f.message, ERROR)]
        elif done.digest is not None:
            result.diagnostics = self.diagnose(display, names, done.outcomes, done.nolint_text)
        return result

    def diagnose(self, display: str, names, outcomes: dict[str, Outcome], nolint_text) -> list:
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


class _SettingsFailure(Exception):
    pass


def _needs_syntax(enabled: list[str], names: list[str], path: str) -> bool:
    """Whether black's parser must judge a Python file that no enabled linter parses: isort does
    not parse, so with black disabled black's parser still decides what is a syntax error (with
    black enabled, black's own exclusion is respected; Cython is not black's to parse)."""
    return (
        bool(enabled)
        and "black" not in enabled
        and not any(n in _PARSERS for n in names)
        and filesets.is_python(path)
    )


def _one_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__


def _unreadable(display: str, error: OSError) -> str:
    return f"{display}: cannot read: {error.strerror or error}"


def combine(display: str, names: list[str], outcomes: dict[str, Outcome]) -> list[Diagnostic]:
    """The diagnostics of a file from its linters' outcomes, `names` in pipeline order: a
    parse error alone (as the `syntax` linter; black's when black's parser failed, since the
    gate's syntax verdict is black's), else every linter's findings."""
    broken = [n for n in names if n in outcomes and outcomes[n].syntax is not None]
    if broken:
        parser = next((n for n in broken if n in ("black", SYNTAX)), broken[0])
        e = outcomes[parser].syntax
        message = e.message
        if parser in _OTHER_PARSERS:  # not black's verdict: say whose it is
            accepted = "; black parses it" if "black" in outcomes else ""
            message = f"{message} (rejected by {_OTHER_PARSERS[parser]}{accepted})"
        return [Diagnostic(display, e.line, e.col, SYNTAX, message, ERROR)]
    found: list[Diagnostic] = []
    for name in names:
        if name in outcomes:
            found.extend(Diagnostic.from_finding(display, name, f) for f in outcomes[name].findings)
    return found


# --- the process pool -------------------------------------------------------------------


def _run_pool(checker, project, enabled, items, concurrency, limit, file_limit) -> list[Done]:
    """The workers' answers for `items` (Work) that came before `limit` (a monotonic time,
    or None); an item whose worker died or ran over `file_limit` seconds is answered with a
    Done holding one error naming the file and the cause, and no digest (nothing cached)."""
    deadline = 0.0 if limit is None else max(limit - time.monotonic(), 1e-9)
    args = (project, enabled, checker.warn_unmatched)
    # the settings the parent built for exclusions are not built again: forked workers inherit
    done = map_unordered(
        Checker,
        args,
        items,
        concurrency,
        deadline,
        worker=checker,
        cost=_work_size,
        task_limit=file_limit,
    )
    return [
        (
            Done(items[i].display, None, None, {}, [lost_message(items[i].display, answer)])
            if isinstance(answer, Lost)
            else answer
        )
        for i, answer in done.items()
    ]


def lost_message(display: str, lost: Lost) -> str:
    """The error line of a file no worker answered for (lintgate.executor.Lost)."""
    return f"{display}: {lost.cause} while checking"


def _work_size(work: Work) -> int:
    return len(work.raw) if work.raw is not None else file_size(work.path)


# --- planning: what each file needs, and what the cache knows -----------------------------


class _Job:
    """One file's plan: the linters that apply (`names`, pipeline order, maybe SYNTAX), the
    cache keys of its decoding and of each of them, what the cache answered (`known`)."""

    __slots__ = (
        "path",
        "spath",
        "directory",
        "display",
        "rel",
        "names",
        "errors",
        "digest",
        "keys",
        "known",
        "raw",
        "unreadable",
    )

    def __init__(self, path: Path, display: str, rel: str) -> None:
        self.path = path
        self.spath = str(path)
        self.directory = os.path.dirname(self.spath)
        self.display = display
        self.rel = rel
        self.names: list[str] = []
        self.errors: list[str] = []
        self.digest: str | None = None
        self.keys: dict[str, object] = {}  # name -> cache Entry
        self.known: dict[str, Outcome] = {}
        self.raw: bytes | None = None
        self.unreadable: str | None = None


class _Planner:
    """Decides, in the parent, which linters apply to each file; with a store, builds the
    cache keys from engine-free config digests and keeps exclusion verdicts in its memo."""

    def __init__(self, project: Project, enabled: list[str], checker: Checker, cache) -> None:
        self.project = project
        self.enabled = enabled
        self.checker = checker
        self.cache = cache
        self.versions: dict[str, str] = {}
        self._digests: dict[tuple[str, str], str | None] = {}

    def version(self, name: str) -> str:
        if name not in self.versions:
            self.versions[name] = linters.get(name).version()
        return self.versions[name]

    def config_digest(self, name: str, directory: str) -> str | None:
        """The linter's config digest for `directory`: its module's `config_digest` (cheap,
        engine-free; for SYNTAX black's `parse_digest`), else the digest of its built
        settings; None if those fail to build."""
        key = (name, directory)
        if key not in self._digests:
            module = linters.get("black" if name == SYNTAX else name)
            cheap = getattr(module, "parse_digest" if name == SYNTAX else "config_digest", None)
            if cheap is not None:
                self._digests[key] = cheap(Path(directory), self.project)
            else:
                try:
                    settings = self.checker.settings(module.NAME, Path(directory))
                    self._digests[key] = module.settings_digest(settings)
                except _SettingsFailure:
                    self._digests[key] = None
        return self._digests[key]

    def exclusions(self, jobs: list[_Job]) -> dict[tuple[int, str], bool | str]:
        """{(job index, linter): excluded?, or the settings error message} for every enabled
        linter; from the store's memo where it has them, else by building the settings."""
        verdicts: dict[tuple[int, str], bool | str] = {}
        memo_keys: dict[tuple[int, str], str] = {}
        if self.cache.store is not None:
            # isort makes its `skip` entries absolute against the working directory
            # (Config.posix_skips): `skip = ["sub/a.py"]` skips sub/a.py from the root only.
            cwd = os.getcwd()
            root = str(self.project.root)
            prefixes: dict[tuple[str, str], object] = {}  # (linter, config digest) -> hash state
            walks = repr(self.project.walks)
            for i, job in enumerate(jobs):
                path = job.spath.encode("utf-8", "surrogateescape")
                for name in self.enabled:
                    cd = self.config_digest(name, job.directory)
                    if cd is None:
                        continue
                    # key: sha256 of "exclude", the linter, its version, lintgate's version
                    # (black's is_excluded is lintgate's own code), the config digest, the
                    # project root (black's digest places its root relative to it), the
                    # absolute path (isort matches `skip` against it, and against the path
                    # relative to the config directory its own search finds) and, for isort,
                    # the working directory, for black whether the file was named (then only
                    # force-exclude applies), NUL-separated; one hash state per config copied
                    prefix = prefixes.get((name, cd))
                    if prefix is None:
                        parts = (
                            "exclude",
                            name,
                            self.version(name),
                            LINTGATE_VERSION,
                            cd,
                            root,
                            "",
                        )
                        prefix = hashlib.sha256("\0".join(parts).encode("utf-8", "surrogateescape"))
                        prefixes[name, cd] = prefix
                    h = prefix.copy()
                    h.update(path)
                    named = job.spath in self.project.named
                    if name in ("isort", "imports"):  # isort's file set: walks, config, named
                        follows = self.config_digest("isort", job.directory) or ""
                        h.update(
                            f"\0{cwd}\0{walks}\0{follows}\0{named}".encode(
                                "utf-8", "surrogateescape"
                            )
                        )
                    elif name == "black" and named:
                        h.update(b"\0named")
                    else:
                        h.update(b"\0")
                    memo_keys[i, name] = h.hexdigest()
            memo = self.cache(lambda store: store.memo_get_many(memo_keys.values())) or {}
            missing = [key for key in memo_keys.values() if key not in memo]
            if missing:  # imported verdicts are hints (docs/cache.md, "Trust model: local store"):
                # "not excluded" hides nothing and is taken; "excluded" is decided here again
                hints = self.cache(lambda store: store.memo_hints(missing)) or {}
                taken = {key: value for key, value in hints.items() if value == "0"}
                self.cache(lambda store: store.memo_used.update(taken))
                memo.update(taken)
            for where, key in memo_keys.items():
                if key in memo:
                    verdicts[where] = memo[key] == "1"
        fresh: dict[str, str] = {}
        for i, job in enumerate(jobs):
            for name in self.enabled:
                if (i, name) in verdicts:
                    continue
                try:
                    settings = self.checker.settings(name, job.path.parent)
                    excluded = filesets.excluded(
                        name, job.path, settings, self.checker.settings, self.project
                    )
                except _SettingsFailure as e:
                    verdicts[i, name] = f"{name}: {e}"
                    continue
                except Exception as e:
                    verdicts[i, name] = f"{job.display}: {name}: internal error: {_one_line(e)}"
                    continue
                verdicts[i, name] = excluded
                if (i, name) in memo_keys:
                    fresh[memo_keys[i, name]] = "1" if excluded else "0"
        if fresh:
            self.cache(lambda store: store.memo_put_many(fresh))
        return verdicts

    def plan(self, jobs: list[_Job]) -> None:
        """Fill each job's `names` and `errors`; with a store, its `keys` and `known`."""
        verdicts = self.exclusions(jobs)
        for i, job in enumerate(jobs):
            for name in self.enabled:
                verdict = verdicts[i, name]
                if isinstance(verdict, str):
                    job.errors.append(verdict)
                elif not verdict:
                    job.names.append(name)
            # with black refusing its configuration, black's parser still judges syntax
            usable = [
                n for n in self.enabled if n != "black" or not isinstance(verdicts[i, "black"], str)
            ]
            if _needs_syntax(usable, job.names, job.spath):
                job.names.append(SYNTAX)
        if self.cache.store is not None:
            self._lookup(jobs)

    def _lookup(self, jobs: list[_Job]) -> None:
        from lintgate.cache import Entry, file_digests

        found = self.cache(
            lambda store: file_digests(store, self.project.root, [j.rel for j in jobs])
        )
        if found is None:
            return
        for job in jobs:
            job.digest = found.digests.get(job.rel)
            job.raw = found.data.get(job.rel)
            error = found.errors.get(job.rel)
            if error is not None:
                job.unreadable = _unreadable(job.display, error)
        for job in jobs:
            if job.digest is None:
                continue
            suffix = os.path.splitext(job.spath)[1]
            job.keys[ENCODING] = Entry(job.digest, ENCODING, _ENCODING_VERSION, "none")
            for name in job.names:
                engine = "black" if name == SYNTAX else name
                cd = self.config_digest(name, job.directory)
                if cd is None:
                    continue
                if suffix != ".py":  # isort and black treat stubs (and isort Cython) differently
                    cd = hashlib.sha256(f"{cd}\0{suffix.lstrip('.')}".encode()).hexdigest()
                version = self.version(engine)
                if name in _BOUNDED:  # their outcome is lintgate.bounds' verdict on a deep file
                    version += f"; bounds {bounds.VERSION}"
                job.keys[name] = Entry(job.digest, name, version, cd)
        keyed = [(job, name, e.key) for job in jobs for name, e in job.keys.items()]
        hits = self.cache(lambda store: store.get_many({k for _, _, k in keyed})) or {}
        for job, name, key in keyed:
            if key in hits:
                job.known[name] = Outcome.from_cache(hits[key])


class _Guard:
    """The store, until it fails: then one warning (via `warn`) and no cache for the rest of
    the run, whose output stays correct."""

    def __init__(self, store, warn) -> None:
        self.store = store
        self.warn = warn

    def __call__(self, op):
        """`op(store)`, or None without a store or when the store fails (CacheError)."""
        if self.store is None:
            return None
        from lintgate.cache import CacheError

        try:
            return op(self.store)
        except CacheError as e:
            self.store = None
            if self.warn is not None:
                self.warn(f"{e}; going on without the cache")
            return None


def _resolved(job: _Job) -> list[Diagnostic] | None:
    """The file's diagnostics if the cache answered all it needs, else None."""
    encoding = job.known.get(ENCODING)
    if encoding is None or encoding.findings == [_NOLINT]:
        return None  # a text with `nolint` goes to a worker, which decodes it for the directives
    if encoding.findings:
        f = encoding.findings[0]
        return [Diagnostic(job.display, f.line, f.col, ENCODING, f.message, ERROR)]
    for name in job.names:
        outcome = job.known.get(name)
        if outcome is None:
            return None
        if outcome.syntax is not None:
            break  # later linters are not needed
    return combine(job.display, job.names, job.known)


def _missing(job: _Job) -> tuple[str, ...]:
    """The linters to run: those the cache did not answer, up to its first parse error."""
    out = []
    for name in job.names:
        outcome = job.known.get(name)
        if outcome is None:
            out.append(name)
        elif outcome.syntax is not None:
            break
    return tuple(out)


def run(
    files: list[Path],
    project: Project,
    enabled: list[str],
    concurrency: int,
    deadline: float = 0.0,
    display=None,
    warn_unmatched: bool = False,
    store=None,
    warn=None,
    file_deadline: float = 0.0,
) -> RunResult:
    """Check `files` (absolute paths) with the `enabled` linters on `concurrency` processes.

    `deadline`: seconds for the whole run, 0 for none; when it passes, the files not yet
    checked are listed in `unchecked` and the findings so far are kept.
    `display(path) -> str` gives each file's output path.
    `warn_unmatched`: report `nolint` directives that silenced nothing (WarnUnmatchedDirective).
    `store`: a lintgate.cache.Store to answer from and fill (None: no cache); `warn(message)`
    reports a cache failure (one line), after which the run goes on without the cache.
    `file_deadline`: seconds one file may take on a worker, 0 for none (FileDeadline).
    """
    start = time.monotonic()
    display = display or relative_to(str(project.cwd))
    limit = start + deadline if deadline > 0 else None
    root = str(project.root).rstrip(os.sep) + os.sep
    jobs = []
    results: list[FileResult] = []
    for p in files:
        path = str(p)
        large = bounds.too_large(file_size(path), project.max_file_size)
        if large is not None:  # measured, never read (nor hashed, nor cached)
            d = Diagnostic(display(p), 1, 1, ENCODING, large, ERROR)
            results.append(FileResult(d.path, [d]))
            continue
        rel = path[len(root) :] if path.startswith(root) else path  # stat index: root-relative
        jobs.append(_Job(p, display(p), rel.replace(os.sep, "/")))
    checker = Checker(project, enabled, warn_unmatched)
    cache = _Guard(store, warn)
    _Planner(project, enabled, checker, cache).plan(jobs)

    cached = 0
    pending: dict[str, _Job] = {}
    items: list[Work] = []
    answered: set[str] = set()  # sent to a worker with nothing to lint (to read `nolint`)
    for job in jobs:
        if job.unreadable:
            results.append(FileResult(job.display, [], [job.unreadable]))
            continue
        diagnostics = _resolved(job)
        if diagnostics is not None:
            results.append(FileResult(job.display, diagnostics, job.errors))
            cached += not job.errors
            continue
        pending[job.display] = job
        names = _missing(job) if ENCODING in job.known else tuple(job.names)
        items.append(Work(job.spath, job.display, job.raw, names))
        if not names and ENCODING in job.known and not job.errors:
            answered.add(job.display)
        job.raw = None  # the worker has it now

    done = _run_pool(checker, project, enabled, items, concurrency, limit, file_deadline)
    fresh = []
    for d in done:
        job = pending.pop(d.display)
        if d.encoding is not None:
            e = d.encoding
            diagnostics = [Diagnostic(job.display, e.line, e.col, ENCODING, e.message, ERROR)]
        else:
            outcomes = {**job.known, **d.outcomes} if d.digest == job.digest else d.outcomes
            diagnostics = checker.diagnose(job.display, job.names, outcomes, d.nolint_text)
        results.append(FileResult(job.display, diagnostics, job.errors + d.errors))
        cached += job.display in answered and d.digest == job.digest and not d.errors
        if d.digest is not None and d.digest == job.digest:
            coding = [d.encoding] if d.encoding else [_NOLINT] if d.nolint_text else []
            fresh.append((job.keys[ENCODING], coding))
            fresh += [
                (job.keys[n], o.to_cache())
                for n, o in d.outcomes.items()
                if n in job.keys and n not in d.uncached
            ]
    if fresh:
        cache(lambda store: store.put_many(fresh))

    diagnostics = sorted(d for r in results for d in r.diagnostics)
    errors = list(dict.fromkeys(e for r in sorted(results, key=lambda r: r.path) for e in r.errors))
    unchecked = [w.display for w in items if w.display in pending]
    paths = [r.path for r in results]
    return RunResult(
        len(results), paths, diagnostics, errors, unchecked, time.monotonic() - start, cached
    )


# --- a generic map on the executor (used by lintgate.fix too) -----------------------------


def relative_to(cwd: str):
    """A function: absolute path (str or Path) -> its display path, relative to `cwd` (absolute)
    and `/`-separated, as `os.path.relpath` gives it (a prefix cut for the files below `cwd`:
    the common case, and the hot one on a warm run)."""
    prefix = os.path.join(cwd, "")

    def display(path) -> str:
        path = str(path)
        rel = path[len(prefix) :] if path.startswith(prefix) else os.path.relpath(path, cwd)
        return rel.replace(os.sep, "/")

    return display


def file_size(path: str) -> int:
    """The size of the file at `path` in bytes, 0 when it cannot be stat'ed."""
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def map_unordered(
    factory,
    args: tuple,
    items: list,
    concurrency: int,
    deadline: float = 0.0,
    worker=None,
    cost=None,
    task_limit: float = 0.0,
) -> dict:
    """Call `factory(*args)(item)` for every item of `items` on up to `concurrency` worker
    processes (lintgate.executor.make_executor; capped by the items and the CPUs), one worker
    object per process (so its memos last the whole run).
    `cost`: item -> a number; the pool takes the costliest items first, so that a large file
    does not end a run alone on one core while the others idle.

    `worker`: such an object the caller already has; forked processes inherit it instead of
    building their own. `deadline`: seconds for the whole run, 0 for none. `task_limit`:
    seconds one item may take, 0 for none. Returns {index in items: result, or an
    executor.Lost when its worker died, ran over `task_limit` or raised} for the items
    answered before the deadline, in the order they finished.
    """
    from lintgate import executor

    limit = time.monotonic() + deadline if deadline > 0 else None
    order = list(range(len(items)))
    if cost is not None:
        order.sort(key=lambda i: cost(items[i]), reverse=True)
    ordered = [items[i] for i in order]

    def make_worker():
        if worker is not None:
            return worker
        return factory(*args)

    pool = executor.make_executor(make_worker, concurrency, len(items), task_limit or None)
    done: dict[int, object] = {}
    if not items:
        return done
    with contextlib.closing(pool.map_unordered(ordered, limit)) as answers:
        for position, answer in answers:
            done[order[position]] = answer
    return done
