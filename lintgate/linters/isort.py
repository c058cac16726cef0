"""The `isort` linter: import order and grouping, judged by isort itself (as a library).

Mirrors `isort --check-only FILE`: the verdict is the `changed` flag of isort's own
`sort_stream`, so whitespace that isort's check ignores is ignored here too. As isort's
command line, a run uses ONE Config for all its files: the one isort's own config search
(`.isort.cfg`, `pyproject.toml`, `setup.cfg`, `tox.ini`, `.editorconfig`, ... upwards to the
repository root) finds from the settings path, the first path argument or else the working
directory (`settings_path`), so `lintgate` agrees with `isort --check-only .` and
`lintgate a.py b.py` with `isort --check-only a.py b.py`.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from lintgate.context import RunMemo, forget_tool_memos, run_memoized
from lintgate.diagnostic import Finding
from lintgate.linters._isort_digest import _CONFIG_FILES, config_digest, settings_path
from lintgate.linters.base import (
    Capabilities,
    LinterBase,
    Outcome,
    ParseError,
    Project,
    SettingsError,
)
from lintgate.linters.hunks import changed_hunks
from lintgate.source import Source

if TYPE_CHECKING:
    from isort.settings import Config

NAME = "isort"
MESSAGE = "imports are incorrectly sorted and/or formatted"

_configs: RunMemo[str, Config] = RunMemo("lintgate.linters.isort.configs")  # per run
_config_errors: RunMemo[str, str | None] = RunMemo("lintgate.linters.isort.config_errors")
# id of a Config in _configs -> directory -> skip?, per run
_skipped_dirs: RunMemo[int, dict[str, bool]] = RunMemo("lintgate.linters.isort.skipped_dirs")


def version() -> str:
    """isort's version."""
    from lintgate.linters.base import dist_version

    return dist_version("isort")


def settings_for(directory: Path, project: Project) -> Config:
    """The isort `Config` of the run, the same for every `directory`: as `isort --check-only
    PATHS` builds one Config from its settings path (`settings_path`) for all the files it
    checks. Raises SettingsError when a config file on isort's search path does not parse."""
    from isort.settings import Config

    key = settings_path(project)
    config, error = _configs.get(key), _config_errors.get(key)
    if config is None:
        import isort.place
        import isort.utils

        # a new run: isort's process-wide memos of the file system are from another run
        forget_tool_memos(isort.place, ("module_with_reason",))
        forget_tool_memos(isort.utils, ("exists_case_sensitive",))
        with _unreadable_configs() as failed:
            _configs[key] = config = Config(settings_path=key)
        _config_errors[key] = error = failed[0] if failed else None
    if error:
        raise SettingsError(error)
    return config


@contextlib.contextmanager
def _unreadable_configs() -> Iterator[list[str]]:
    """Catches isort's "Failed to pull configuration information from PATH" warnings (isort
    goes on without the file); the list it yields gets, on exit, `PATH: cannot read isort's
    configuration: CAUSE` for each, the cause from isort's own reader. Other warnings pass on.
    """
    import warnings

    from isort.settings import CONFIG_SECTIONS, _get_config_data

    failed: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        yield failed
    prefix = "Failed to pull configuration information from "
    for warning in caught:
        path = str(warning.message).removeprefix(prefix)
        if path == str(warning.message):  # another warning: as isort would give it
            warnings.warn_explicit(
                warning.message, warning.category, warning.filename, warning.lineno
            )
            continue
        try:
            _get_config_data(path, CONFIG_SECTIONS[os.path.basename(path)])
            cause = "isort could not read it"
        except Exception as e:
            lines = str(e).strip().splitlines()
            cause = lines[0] if lines else type(e).__name__
        failed.append(f"{path}: cannot read isort's configuration: {cause}")


def settings_digest(config: Config) -> str:
    """sha256 hex of isort's effective settings (every field of its Config)."""
    import dataclasses

    def norm(value: object) -> object:
        if isinstance(value, (set, frozenset)):
            return sorted(map(repr, value))
        if isinstance(value, dict):
            return sorted((repr(k), repr(norm(v))) for k, v in value.items())
        return repr(value)

    fields = [(f.name, norm(getattr(config, f.name))) for f in dataclasses.fields(config)]
    return hashlib.sha256(repr(fields).encode()).hexdigest()


def is_excluded(path: Path, config: Config, project: Project) -> bool:
    """True when `isort --check-only PATHS` leaves `path` (absolute) out.

    As isort/files.py `find`: its walk of each directory argument (`project.walks`) tests every
    directory with `Config.is_skipped` (`skip`, `extend_skip`, `skip_glob`, `extend_skip_glob`,
    `skip_gitignore`) and never enters a skipped one, then tests each file's name
    (`is_supported_filetype`: `supported_extensions`, `.pyx`/`.pxd` by default) and its path.
    A file named on the command line (in `project.named`) is taken whatever its name and only
    its own path is tested (isort's `--filter-files`). A file found under several walks is
    checked when one of them reaches it. A named path that does not exist (only
    `--stdin-filename` names one) is taken: isort's `is_skipped` says True for any missing
    path, and `isort --filename PATH -` does not ask it (without --filter-files).
    """
    if str(path) in project.named and not os.path.lexists(path):
        return False
    if config.is_skipped(path):
        return True
    if str(path) in project.named:
        return False
    if not config.is_supported_filetype(str(path)):
        return True
    tops = [(given, top) for given, top in project.walks if _below(str(path), top)]
    return bool(tops) and all(_skipped_on_the_way(given, top, path, config) for given, top in tops)


def _below(path: str, top: str) -> bool:
    return path.startswith(os.path.join(top, ""))


def _skipped_on_the_way(given: str, top: str, path: Path, config: Config) -> bool:
    """Whether isort's walk from `top` (a directory argument, `given` as typed) skips one of the
    directories between it and `path`. isort names each as the argument joined with the names
    below it (os.walk), which is what `Config.is_skipped` matches `skip_glob` against when the
    config's directory does not hold it; memoized per config and directory."""
    names = os.path.relpath(str(path.parent), top).split(os.sep)
    if names == ["."]:
        return False
    verdicts = _skipped_dirs.setdefault(id(config), {})
    directory = given
    for name in names:
        directory = os.path.join(directory, name)
        if directory not in verdicts:
            verdicts[directory] = bool(config.is_skipped(Path(directory)))
        if verdicts[directory]:
            return True
    return False


def _extension(is_stub: bool, path: str) -> str:
    """The extension isort sorts as: the file's own for Cython (`pyx`, `pxd`, `pxi`: isort lets
    their syntax pass its `atomic` check), else `pyi` for a stub, `py`."""
    suffix = os.path.splitext(path)[1].lstrip(".")
    if suffix and suffix not in ("py", "pyi"):
        return suffix
    return "pyi" if is_stub else "py"


def _sort(text: str, config: Config, extension: str) -> tuple[bool, str]:
    """isort's `sort_stream` on `text`: (changed, output). With `atomic = true`, isort refuses
    code that does not compile (ExistingSyntaxErrors): that is its verdict on the file, raised
    here as ParseError with the compiler's message and position (see `_refused`)."""
    from isort.api import sort_stream
    from isort.exceptions import ExistingSyntaxErrors, FileSkipComment

    out = io.StringIO()
    try:
        changed = sort_stream(
            io.StringIO(text),
            out,
            extension=extension,
            config=config,
            disregard_skip=True,
        )
    except FileSkipComment:  # `# isort: skip_file`
        return False, text
    except ExistingSyntaxErrors:
        raise _refused(text) from None
    return changed, out.getvalue()


def _refused(text: str) -> ParseError:
    """The ParseError for code isort's `atomic` check refused: isort compiles the text with
    the running interpreter's `compile` and gives no detail, so compile it again for one."""
    try:
        compile(text, "<file>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as e:
        line = getattr(e, "lineno", None) or 1
        col = getattr(e, "offset", None) or 1
        reason = getattr(e, "msg", None) or str(e)
        return ParseError(f"cannot compile: {reason}", line, col)
    return ParseError("cannot compile")


def check(source: Source, config: Config, path: str = "") -> list[Finding]:
    """One finding per hunk isort would change, at its first line, column 1; `path`: the file's
    (its suffix: how isort reads it). Raises ParseError when isort refuses the file (`atomic`).

    isort reads the text with its line endings and writes its output with one ending: on a
    file that mixes CRLF and LF its check fails although the LF-only text (`source.text`)
    sorts unchanged; that gives one finding about the line endings (`_mixed_endings`)."""
    extension = _extension(source.is_stub, path)
    changed, output = _sort(source.text, config, extension)
    if not changed:
        return _mixed_endings(source, config, extension)
    hunks = changed_hunks(source.text, output) or [(1, 1)]
    return [Finding(first, 1, MESSAGE, end_line=last) for first, last in hunks]


def fix(text: str, source: Source, config: Config, path: str = "") -> str:
    """`text` with its imports sorted, as `isort FILE` writes it (unchanged if isort's check
    passes). `path`: as for `check`."""
    changed, output = _sort(text, config, _extension(source.is_stub, path))
    return output if changed else text


_ENDING = re.compile(r"\r\n|\r|\n")
_ENDING_NAMES = {"\r\n": "CRLF", "\n": "LF", "\r": "CR"}


def _mixed_endings(source: Source, config: Config, extension: str) -> list[Finding]:
    """isort's verdict on the file's own line endings, when they are mixed: its check reads
    the text as it is (newline="") and compares its output with it, and it ends the lines it
    writes (the import section's) with one ending (CRLF when there is one in the section). One
    finding at the first line isort changes. [] when the endings are all the same or isort's
    output keeps them (a file without imports)."""
    if b"\r" not in source.raw:
        return []
    text = source.raw.decode(source.encoding).removeprefix("\ufeff")
    endings = _ENDING.findall(text)
    if len(set(endings)) < 2:
        return []
    changed, output = _sort(text, config, extension)
    if not changed:
        return []
    line, before, after = 1, "", ""
    for line, (before, after) in enumerate(zip(_lines(text), _lines(output)), start=1):
        if before != after:
            break
    kinds = " and ".join(_ENDING_NAMES[e] for e in dict.fromkeys(endings))
    wanted = _ENDING.search(after)
    message = f"{MESSAGE}: mixed line endings ({kinds})"
    if wanted and before.rstrip("\r\n") == after.rstrip("\r\n"):
        message += f"; isort ends this line with {_ENDING_NAMES[wanted[0]]}"
    return [Finding(line, 1, message)]


def _lines(text: str) -> list[str]:
    return re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$", text)


class Isort(LinterBase["Config"]):
    """The `isort` linter as a `Linter` (the module's functions above do the work)."""

    capabilities = Capabilities(
        name=NAME,
        description="Imports are sorted and grouped as isort would.",
        parser="Python's compiler, for isort's atomic = true",
        fix="file",
        python_only=False,
        config_files=_CONFIG_FILES,
    )

    def version(self) -> str:
        return version()

    def settings(self, project: Project, directory: Path) -> Config:
        return settings_for(directory, project)

    def settings_digest(self, settings: Config) -> str:
        return settings_digest(settings)

    def config_digest(self, project: Project, directory: Path) -> str | None:
        return config_digest(directory, project)

    def excluded(self, path: Path, settings: Config, project: Project) -> bool:
        return is_excluded(path, settings, project)

    def exclusion_inputs(self, path: Path, project: Project) -> bytes:
        # isort makes its `skip` entries absolute against the working directory
        # (Config.posix_skips); its walks skip directories (is_excluded); a named file is
        # tested by its own path only
        return _exclusion_tail(project, str(path) in project.named)

    def check(self, path: Path, source: Source, settings: Config) -> Outcome:
        try:
            return Outcome(check(source, settings, str(path)))
        except ParseError as e:  # `atomic = true`: isort refuses code that does not compile
            return Outcome.parse_error(e)

    def explain(self, settings: Config) -> list[str]:
        from lintgate.linters._explain import isort_lines

        return isort_lines(settings)

    def fix_file(self, path: Path, source: Source, settings: Config) -> str:
        return fix(source.text, source, settings, str(path))


LINTER = Isort()


@run_memoized
def _exclusion_tail(project: Project, named: bool) -> bytes:
    """IsortLinter.exclusion_inputs for every path of the run (the same but for `named`; the
    config digest does not depend on the directory): computed twice per run, not per file."""
    parts = (os.getcwd(), repr(project.walks), config_digest(project.root, project), named)
    return "".join(f"\0{part}" for part in parts).encode("utf-8", "surrogateescape")
