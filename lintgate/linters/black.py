"""The `black` linter: formatting, judged by black itself (as a library).

Mirrors `black --check PATHS` (PATHS: those given to lintgate, default `.`): black's own
project-root search from the common base of PATHS (`.git`, `.hg`, or a `pyproject.toml` with
`[tool.black]`), once per run, its `[tool.black]` settings as black's own option handling
reads and validates them (line-length, target-version or its inference from
`requires-python`, skip-string-normalization, skip-magic-trailing-comma, preview, unstable,
enable-unstable-feature, skip-source-first-line, include, exclude, extend-exclude,
force-exclude, fast, required-version), and stub mode for `.pyi` files. The check does not run black's safety checks
(AST equivalence and a second pass): they guard a write, and a check writes nothing; `fix`
runs them. Only their first step is kept, because it decides black's verdict: on a file black
would change, black parses the source with the running Python's `ast` and, when that fails
(syntax newer than the running Python), fails with exit 123 instead of "would reformat".
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Pattern

from lintgate.context import RunMemo, forget_tool_memos
from lintgate.diagnostic import Finding
from lintgate.linters._black_digest import _start, config_digest, parse_digest  # noqa: F401
from lintgate.linters.base import (
    Capabilities,
    LinterBase,
    Outcome,
    ParseError,
    Project,
    SettingsError,
)
from lintgate.linters.hunks import changed_hunks, describe
from lintgate.source import Source

NAME = "black"
# "Cannot parse for target version Python 3.13: 3:7: def f(:" (black.parsing.InvalidInput)
_PARSE_ERROR = re.compile(
    r"^[Cc]annot parse(?: for target version [^:]*)?: (\d+):(\d+): ?(.*)$", re.S
)


@dataclass(frozen=True)
class Settings:
    """Black's effective settings: `mode` (black.Mode), the project `root` black found, the
    `config_file` it read (None: none), the include/exclude patterns (compiled regexes or
    None) and `fast` (`[tool.black] fast = true`: black skips its safety checks)."""

    mode: Any
    root: Path
    config_file: str | None
    include: Pattern[str] | None
    exclude: Pattern[str] | None
    extend_exclude: Pattern[str] | None
    force_exclude: Pattern[str] | None
    fast: bool = False


_settings: RunMemo[str, Settings] = RunMemo("lintgate.linters.black.settings")  # per run
# black's own process-wide memos of what it read from the file system
TOOL_MEMOS = (
    "_load_toml",
    "_cached_resolve",
    "_find_project_root_cached",
    "find_user_pyproject_toml",
    "get_gitignore",
)


def version() -> str:
    """black's version and the running Python's (black's safety check, mirrored by `check`,
    parses with the running Python's `ast`): "26.10.1; python 3.11"."""
    from lintgate.linters.base import dist_version

    return f"{dist_version('black')}; python {sys.version_info[0]}.{sys.version_info[1]}"


def settings_for(directory: Path, project: Project) -> Settings:
    """Black's settings for the run, found from the common base of the paths given to lintgate
    (`project.base`) as `black --check PATHS` finds them; the same object for every directory.

    The configuration goes through black's own command-line processing (its click command:
    `[tool.black]` values as black converts and validates them, `target-version` inferred from
    `requires-python`), then the checks black's main makes before it formats anything
    (`required-version`, `enable-unstable-feature` without `preview`). Raises SettingsError,
    one line naming the config file and black's message, where black would refuse to run.
    """
    key = _start(project)
    if key in _settings:
        return _settings[key]
    import contextlib
    import io

    import black
    import click
    from black.const import DEFAULT_EXCLUDES
    from black.files import find_project_root, find_pyproject_toml

    forget_tool_memos(black.files, TOOL_MEMOS)  # a new run: black reads its files again
    root, _ = find_project_root((key,))
    config_file = find_pyproject_toml((key,))
    where = config_file or "black"
    try:
        # black warns on stderr about unknown keys and goes on: so does lintgate, silently
        with contextlib.redirect_stderr(io.StringIO()):
            params = black.main.make_context("black", ["--check", key]).params
    except click.ClickException as e:
        raise SettingsError(f"{where}: {e.format_message()}") from None
    black_version: str = black.__version__  # type: ignore[attr-defined]
    required = params.get("required_version")
    if required and required not in (black_version, black_version.split(".")[0]):
        raise SettingsError(
            f"{where}: The required version `{required}` does not match the running version"
            f" `{black_version}`!"
        )
    features = set(params.get("enable_unstable_feature") or ())
    if features and not (params.get("preview") or params.get("unstable")):
        raise SettingsError(f"{where}: '--enable-unstable-feature' requires '--preview'.")
    mode = black.Mode(
        target_versions=set(params.get("target_version") or ()),
        line_length=params["line_length"],
        is_pyi=params.get("pyi", False),
        skip_source_first_line=params.get("skip_source_first_line", False),
        string_normalization=not params.get("skip_string_normalization", False),
        magic_trailing_comma=not params.get("skip_magic_trailing_comma", False),
        preview=params.get("preview", False),
        unstable=params.get("unstable", False),
        python_cell_magics=set(params.get("python_cell_magics") or ()),
        enabled_features=features,
    )
    exclude = params.get("exclude")
    settings = Settings(
        mode=mode,
        root=root or Path(Path(key).anchor),  # black's None: no root found, the file system's
        config_file=config_file,
        include=params.get("include"),
        exclude=black.re_compile_maybe_verbose(DEFAULT_EXCLUDES) if exclude is None else exclude,
        extend_exclude=params.get("extend_exclude"),
        force_exclude=params.get("force_exclude"),
        fast=bool(params.get("fast", False)),
    )
    _settings[key] = settings
    return settings


def settings_digest(settings: Settings) -> str:
    """sha256 hex of black's Mode (the settings that change black's output)."""
    mode = settings.mode
    return hashlib.sha256(
        repr(
            sorted(
                (k, repr(sorted(map(str, v))) if isinstance(v, (set, frozenset)) else repr(v))
                for k, v in vars(mode).items()
            )
        ).encode()
    ).hexdigest()


def is_excluded(path: Path, settings: Settings, project: Project) -> bool:
    """True when black's include, exclude, extend-exclude or force-exclude leave `path` out.

    As black's get_sources: patterns are searched in the `/`-prefixed path relative to black's
    project root, with a trailing `/` for each directory on the way; a file named on the
    command line (in `project.named`) is checked whatever its name unless force-exclude
    matches it (include, exclude and extend-exclude filter only the files found in a directory).
    """
    try:
        rel = path.resolve().relative_to(settings.root.resolve()).as_posix()
    except ValueError:
        rel = path.as_posix().lstrip("/")
    parts = rel.split("/")
    candidates = ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts))] + ["/" + rel]
    if str(path) in project.named:
        return settings.force_exclude is not None and bool(settings.force_exclude.search("/" + rel))
    for pattern in (settings.exclude, settings.extend_exclude, settings.force_exclude):
        if pattern is not None and any(pattern.search(c) for c in candidates):
            return True
    return settings.include is not None and not settings.include.search("/" + rel)


def _format(text: str, settings: Settings, is_stub: bool, fast: bool, once: bool = False) -> str:
    """Black's output for `text`; raises ParseError when black cannot parse it.

    `fast`: skip black's safety checks (AST equivalence, stability). `once`: black's first
    formatting pass only, without the second pass `format_str` forces on a changed file to
    settle magic trailing commas: enough to know whether the file changes (black's verdict)
    and, but for rare trailing-comma cases, where.
    """
    import black
    from black import format_file_contents
    from black.parsing import InvalidInput
    from black.report import NothingChanged

    mode = replace(settings.mode, is_pyi=True) if is_stub else settings.mode
    header = ""
    if mode.skip_source_first_line:
        header, _, text = text.partition("\n")
        header += "\n"
    try:
        if once:
            # a private function of black (22.1 onwards); format_str is its public wrapper
            first_pass = getattr(black, "_format_str_once", black.format_str)
            return header + first_pass(text, mode=mode)
        return header + format_file_contents(text, fast=fast, mode=mode)
    except NothingChanged:
        return header + text
    except InvalidInput as e:
        raise _parse_error(e, 1 if header else 0) from None


def _parse_error(error: Exception, line_offset: int = 0) -> ParseError:
    """black's InvalidInput as a ParseError at 1-based line and column (black's are 0-based
    columns), with black's reason: "cannot parse: bad input"."""
    line, col = getattr(error, "lineno", None), getattr(error, "column", None)
    context = getattr(error, "context", None) or "cannot parse"
    details = (getattr(error, "details", None) or "").strip().splitlines()
    if line is None:  # black before 25: only the message carries the position
        m = _PARSE_ERROR.match(str(error))
        if not m:
            return ParseError(f"cannot parse: {str(error).splitlines()[0]}")
        line, col = int(m.group(1)), int(m.group(2))
        details = m.group(3).strip().splitlines()
    reason = details[-1].split(": ", 1)[-1] if details else ""
    message = f"{context}: {reason}" if reason else context
    return ParseError(message, line + line_offset, (col or 0) + 1)


def check(source: Source, settings: Settings) -> list[Finding]:
    """One finding per hunk black would change: `would reformat lines 12-15`, column 1.

    Raises ParseError (line and column of black's parser) when black cannot parse the file.
    """
    output = _format(source.text, settings, source.is_stub, fast=True, once=True)
    if output == source.text:
        return []
    if not settings.fast:
        _safety_parse(source.text, output, settings.mode)
    return [
        Finding(first, 1, f"would reformat {describe(first, last)}", end_line=last)
        for first, last in changed_hunks(source.text, output)
    ]


# "... failed to parse source file AST: invalid syntax (<unknown>, line 3)"
_AST_LINE = re.compile(r"\(<unknown>, line (\d+)\)")


def _safety_parse(text: str, output: str, mode: Any) -> None:
    """Raise ParseError with black's message when black's safety check would fail on a file
    it changes, as far as parsing tells: the source does not parse with the running Python's
    `ast` (black.parsing.parse_ast; black: "cannot use --safe with this file"), or, when every
    target version is newer than the running Python, the first-pass output does not (black:
    "failed to verify equivalence"). The AST comparison and the stability pass are not run.
    """
    import black
    from black.parsing import parse_ast

    if mode.skip_source_first_line:  # black's safety check never sees the first line
        text, output = text.partition("\n")[2], output.partition("\n")[2]
    try:
        parse_ast(text)
    except SyntaxError as e:
        m = _AST_LINE.search(str(e))
        raise ParseError(
            f"cannot use --safe with this file; failed to parse source file AST: {e}",
            int(m.group(1)) + (1 if mode.skip_source_first_line else 0) if m else 1,
        ) from None
    exceeds = getattr(black, "_target_versions_exceed_runtime", None)
    mismatch = getattr(black, "_version_mismatch_message", None)
    if exceeds and mismatch and exceeds(mode.target_versions):
        try:
            parse_ast(output)
        except SyntaxError:
            raise ParseError(
                "failed to verify equivalence of the formatted output: "
                + mismatch(mode.target_versions)
            ) from None


def fix(text: str, source: Source, settings: Settings) -> str:
    """`text` as `black FILE` writes it, with black's safety checks.

    When a safety check fails, black dumps what would help its bug report to a temporary
    file (black.output.dump_to_file, `$TMPDIR/blk_*.log`) and names it in its error: the
    file is removed and the sentence naming it dropped, so that nothing is left behind and
    the message is the same on every run. Raises what black raised (ParseError for black's
    parse errors; black's ASTSafetyError or AssertionError for a failed safety check)."""
    try:
        return _format(text, settings, source.is_stub, fast=False)
    except Exception as e:  # ASTSafetyError (black 24.1 onwards), else AssertionError
        cleaned = _without_dump(str(e))
        if cleaned is None:
            raise
        try:
            again = type(e)(cleaned)
        except Exception:  # an exception class that takes more than a message
            again = RuntimeError(cleaned)
        raise again from None


# black's safety checks: "...  This diff might be helpful: /tmp/blk_k2j3h4.log"
_DUMP = re.compile(r"\s*This (?:diff|invalid output) might be helpful: (\S[^\n]*\.log)\s*$")


def _without_dump(message: str) -> str | None:
    """`message` without the sentence naming black's dump file, which is removed; None when
    the message names none (in the temporary directory, named as black names it)."""
    import tempfile

    m = _DUMP.search(message)
    if m is None:
        return None
    path = m.group(1)
    name = os.path.basename(path)
    if not name.startswith("blk_") or os.path.dirname(path) != tempfile.gettempdir():
        return None
    with contextlib.suppress(OSError):
        os.unlink(path)
    return message[: m.start()]


def parse_only(source: Source, settings: Settings | None) -> None:
    """Raise ParseError when black's parser rejects `source` (used when black is disabled);
    `settings` None: black's default target versions (its configuration is refused)."""
    from black.parsing import InvalidInput, lib2to3_parse

    try:
        lib2to3_parse(source.text, settings.mode.target_versions if settings else set())
    except InvalidInput as e:
        raise _parse_error(e) from None


class Black(LinterBase[Settings]):
    """The `black` linter as a `Linter` (the module's functions above do the work); its parser
    is the syntax judge."""

    capabilities = Capabilities(
        name=NAME,
        description="Code is formatted as black would.",
        parses=True,
        judges_syntax=True,
        fix="file",
        config_files=("pyproject.toml",),
    )

    def version(self) -> str:
        return version()

    def settings(self, project: Project, directory: Path) -> Settings:
        return settings_for(directory, project)

    def settings_digest(self, settings: Settings) -> str:
        return settings_digest(settings)

    def config_digest(self, project: Project, directory: Path) -> str | None:
        return config_digest(directory, project)

    def excluded(self, path: Path, settings: Settings, project: Project) -> bool:
        return is_excluded(path, settings, project)

    def exclusion_inputs(self, path: Path, project: Project) -> bytes:
        # a file named on the command line: only force-exclude applies (is_excluded)
        return b"\0named" if str(path) in project.named else b"\0"

    def check(self, path: Path, source: Source, settings: Settings) -> Outcome:
        try:
            return Outcome(check(source, settings))
        except ParseError as e:
            return Outcome.parse_error(e)

    def parse(self, path: Path, source: Source, settings: Settings) -> Finding | None:
        try:
            parse_only(source, settings)
        except ParseError as e:
            return Outcome.parse_error(e).syntax
        return None

    def parse_digest(self, project: Project, directory: Path) -> str | None:
        return parse_digest(directory, project)

    def explain(self, settings: Settings) -> list[str]:
        from lintgate.linters._explain import black_lines

        return black_lines(settings)

    def fix_file(self, path: Path, source: Source, settings: Settings) -> str:
        return fix(source.text, source, settings)


LINTER = Black()
