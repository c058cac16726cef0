"""The linter contract (`Linter`, `Capabilities`, `Outcome`) and what every linter shares:
the parse and settings errors, the project it runs in."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Generic, Literal, NamedTuple, Protocol, Sequence, TypeVar

from lintgate.diagnostic import ERROR, Finding

# linters import dist_version from here (an explicit re-export for mypy)
from lintgate.versions import dist_version as dist_version  # noqa: F401

if TYPE_CHECKING:
    from lintgate.source import Source


class ParseError(Exception):
    """The source does not parse; the runner reports it once, as the `syntax` linter.

    `line` and `col` are 1-based, as the parser gave them; `message` is one line.
    """

    def __init__(self, message: str, line: int = 1, col: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col


class SettingsError(Exception):
    """The tool's configuration is invalid or does not parse; `str(error)` is one line naming
    the file (and the key), printed as it is after the linter's name."""


class Project(NamedTuple):
    """Where a run happens. `root`: the project root (absolute): the directory of the
    lintgate config file, else the git work tree's top, else the working directory.
    `cwd`: the directory lintgate was started in (absolute), which output paths are relative to.
    `settings_path`: where a tool that takes one configuration per run (isort) starts its
    config search, as isort's command line does: the first path argument made absolute (its
    directory when it is not a directory), None for `cwd` (no path argument).
    `base`: where black's project-root search starts (`common_base` of the paths given on the
    command line; None: `cwd`). `named`: the absolute paths of the files named on the command
    line (black applies only `force-exclude` to them). `max_file_size`: the size in bytes
    beyond which a file is not read (lintgate.bounds.MAX_FILE_SIZE by default; 0: no limit).
    `walks`: the directories named on the
    command line (`.` for none), each as given and absolute: where isort's walk starts, which
    never enters a directory its `skip` settings match (see isort.is_excluded).
    """

    root: Path
    cwd: Path
    settings_path: Path | None = None
    base: Path | None = None
    named: frozenset[str] = frozenset()
    max_file_size: int = 2 * 1024 * 1024  # lintgate.bounds.MAX_FILE_SIZE (no import cycle)
    walks: tuple[tuple[str, str], ...] = ()


def common_base(paths: list[str], cwd: Path) -> Path:
    """The deepest directory holding every one of `paths` (relative to `cwd`; none: `cwd`),
    symbolic links resolved: a directory counts as holding itself, a file (or anything else)
    only its parents. As black.files.find_project_root computes where its search starts."""
    resolved = [Path(os.path.realpath(os.path.join(cwd, p))) for p in paths or ["."]]
    chains = [set(p.parents) | ({p} if p.is_dir() else set()) for p in resolved]
    return max(set.intersection(*chains), key=lambda d: len(d.parts))


# --- the linter contract ------------------------------------------------------------------

FixKind = Literal["none", "file", "finding"]


@dataclass(frozen=True)
class Capabilities:
    """What a linter is and can do, as data: what the engine, the fixer and the reports read
    instead of spelling linter names.

    name: the linter's name in config, flags, `nolint` directives and output ("isort").
    description: one sentence for reports (SARIF's rule `shortDescription`).
    help_uri: where a report links for more (SARIF's rule `helpUri`); "" for none.
    parses: its check parses the file, so a file it checks cleanly parses (a file checked
        only by linters that do not parse also goes through the syntax judge's parser).
    judges_syntax: its parser decides what is a syntax error (the `syntax` pseudo-linter:
        its parse error is the one reported, and its parser runs when it is disabled and no
        other parsing linter checks the file). At most one registered linter has it.
    parser: how a `syntax` finding names this linter's parser when it, not the syntax judge,
        rejected the file ("Python's ast parser, for the imports linter"); "" for the judge.
    fix: "none" (no fixer), "file" (`fix_file` rewrites the whole file) or "finding"
        (`fix_findings` repairs only the findings it is given).
    enabled_by_default: in the default set of enabled linters.
    config_files: the names of the configuration files the tool itself reads (a broken
        `pyproject.toml` among them is a configuration error before the run).
    settings_per_directory: its settings may differ from one directory to another (else one
        settings object serves the whole run).
    python_only: it reads only Python files (`.py`, `.pyi`); else also what its tool's own
        settings take (isort: Cython).
    follows: the name of another linter whose settings and exclusions decide this linter's
        file set ("" for its own: `excluded`); lintgate.filesets.
    """

    name: str
    description: str
    help_uri: str = ""
    parses: bool = False
    judges_syntax: bool = False
    parser: str = ""
    fix: FixKind = "none"
    enabled_by_default: bool = True
    config_files: tuple[str, ...] = ()
    settings_per_directory: bool = False
    python_only: bool = True
    follows: str = ""


class Outcome(NamedTuple):
    """What one linter said about one file's text: its `findings` (in any order), or `syntax`,
    the parse error (a Finding of severity error, 1-based line and column) when it could not
    parse the file; then `findings` is empty."""

    findings: list[Finding]
    syntax: Finding | None = None

    @classmethod
    def parse_error(cls, error: ParseError) -> Outcome:
        """The outcome of a check that raised `error`."""
        return cls([], Finding(error.line, error.col, error.message, ERROR))


class NotFixable(Exception):
    """The linter has no fixer of the kind asked for (see Capabilities.fix)."""


S = TypeVar("S")


class Linter(Protocol[S]):
    """The contract of an in-process linter; `S` is the type of its settings object.

    Every method is pure with respect to the file system but for `settings` and
    `config_digest`, which read the tool's configuration files. Heavy engines (isort, black,
    libcst) are imported inside the methods, never at module level, so that a run answered
    from the cache does not import them. Subclass `LinterBase` for the optional parts.
    """

    @property
    def capabilities(self) -> Capabilities:
        """What this linter is and can do."""
        ...

    def version(self) -> str:
        """The version of the engine behind it (part of every cache key)."""
        ...

    def settings(self, project: Project, directory: Path) -> S:
        """The effective settings for the files of `directory` (absolute), found as the tool
        itself finds them. Raises SettingsError (one line naming the file) for a bad config."""
        ...

    def settings_digest(self, settings: S) -> str:
        """A stable hex digest of `settings` (part of the cache key when there is no cheaper
        `config_digest`)."""
        ...

    def config_digest(self, project: Project, directory: Path) -> str | None:
        """A hex digest of what the settings for `directory` are made from, computed without
        the engine (a warm run builds no settings), or None when the linter has no such
        digest: then `settings_digest(settings(...))` is used. Never raises."""
        ...

    def excluded(self, path: Path, settings: S, project: Project) -> bool:
        """True when the tool's own configuration leaves `path` (absolute) out."""
        ...

    def exclusion_inputs(self, path: Path, project: Project) -> bytes:
        """What `excluded` depends on beyond the settings' digest, the path and the project
        root (the cache memoizes exclusion verdicts under a key that holds these bytes)."""
        ...

    def check(self, path: Path, source: Source, settings: S) -> Outcome:
        """The findings in `source` (the decoded text of the file at `path`, absolute), or its
        parse error as data. Never reads or writes a file."""
        ...

    def parse(self, path: Path, source: Source, settings: S) -> Finding | None:
        """The parse error of `source` by this linter's parser, None when it parses (for a
        linter whose capabilities say `judges_syntax`; others return None)."""
        ...

    def parse_digest(self, project: Project, directory: Path) -> str | None:
        """Like `config_digest`, but of what `parse` depends on (None: no cheap digest)."""
        ...

    def fix_file(self, path: Path, source: Source, settings: S) -> str:
        """The whole text of `source` after the tool's repair (Capabilities.fix "file", and
        "finding" with every finding). Raises NotFixable when the linter has no fixer, and
        whatever the tool raises when it refuses (black's safety checks)."""
        ...

    def fix_findings(self, path: Path, source: Source, settings: S, only: Sequence[Finding]) -> str:
        """The text of `source` with only the findings `only` repaired (each with the `line`
        and `col` of a finding of `check` on this text). Raises NotFixable unless
        Capabilities.fix is "finding"."""
        ...

    def explain(self, settings: S) -> list[str]:
        """Lines for `-v`: where `settings` came from and what they set (no prefix, no
        newline); [] when there is nothing worth saying."""
        ...


class LinterBase(Generic[S]):
    """The optional parts of the Linter contract, for adapters to inherit: no cheap digests,
    nothing excluded, no parser of its own, no fixer (each raises NotFixable)."""

    capabilities: Capabilities

    def config_digest(self, project: Project, directory: Path) -> str | None:
        """None: the engine's settings are digested instead."""
        return None

    def excluded(self, path: Path, settings: S, project: Project) -> bool:
        """Nothing is excluded."""
        return False

    def exclusion_inputs(self, path: Path, project: Project) -> bytes:
        """Nothing beyond the path and the settings."""
        return b"\0"

    def parse(self, path: Path, source: Source, settings: S) -> Finding | None:
        """None: this linter does not judge syntax."""
        return None

    def parse_digest(self, project: Project, directory: Path) -> str | None:
        """None: no cheap digest of what `parse` depends on."""
        return None

    def fix_file(self, path: Path, source: Source, settings: S) -> str:
        """Raises NotFixable."""
        raise NotFixable(f"{self.capabilities.name} has no fixer")

    def fix_findings(self, path: Path, source: Source, settings: S, only: Sequence[Finding]) -> str:
        """Raises NotFixable."""
        raise NotFixable(f"{self.capabilities.name} does not fix finding by finding")

    def explain(self, settings: S) -> list[str]:
        """Nothing to say."""
        return []
