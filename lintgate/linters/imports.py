"""The `imports` linter: unused and duplicate imports, misplaced `from __future__` imports.

The check parses with the running interpreter's `ast` (fast, in C); only a file it cannot
parse goes through libcst's native parser (grammar 3.0-3.14, see `_imports_compat`), so every
Python 3 syntax is checked whatever Python runs lintgate. The analysis is in `_imports_scan`.
The fix removes what the check reports, with libcst, keeping the layout of what stays
(`_imports_fix`). Messages mirror pyflakes' F401/F811/F404, and its `# noqa` codes suppress them.
"""

from __future__ import annotations

import ast
import hashlib
import re
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from lintgate import __version__
from lintgate.diagnostic import ERROR, WARNING, Diagnostic, Finding
from lintgate.linters.base import Capabilities, LinterBase, Outcome, ParseError, Project
from lintgate.source import Source

if TYPE_CHECKING:
    from lintgate.linters._imports_scan import Binding, Result

NAME = "imports"

LATE_FUTURE = "from __future__ imports must occur at the beginning of the file"
# flake8's and ruff's `# noqa` (bare or with codes); lintgate's `# nolint[: names]` (for `fix`).
_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?", re.I)
_NOLINT = re.compile(r"#\s*nolint(?::\s*(?P<names>[\w-]+(?:\s*,\s*[\w-]+)*))?")
_CODE = {"unused": "F401", "duplicate": "F811", "future": "F404"}


@dataclass(frozen=True)
class Settings:
    """The `imports` linter has no options yet; one shared object."""


SETTINGS = Settings()


def version() -> str:
    """lintgate's version and the parsers in use: the running Python's `ast` (its grammar
    decides which files need the fallback) and libcst."""
    from lintgate.linters.base import dist_version

    return f"lintgate {__version__}; python {sys.version_info[0]}.{sys.version_info[1]}; libcst {dist_version('libcst')}"


def settings_for(directory: Path, project: Project) -> Settings:
    """The settings for every directory (there are no options yet)."""
    return SETTINGS


def settings_digest(settings: Settings) -> str:
    """sha256 hex of the settings' repr (stable: no options yet)."""
    return hashlib.sha256(repr(settings).encode()).hexdigest()


def is_excluded(path: Path, settings: Settings, project: Project) -> bool:
    """Nothing is excluded by the linter's own configuration."""
    return False


@dataclass(frozen=True)
class Problem:
    """One reported import: `kind` is "unused", "duplicate" or "future"; `binding` the
    `_imports_scan.Binding` reported (None for "future"); `finding` what is printed;
    `target` the binding `fix` removes when it is another: the first import, for an import
    that shadows an unused one (the first is dead, the second holds)."""

    kind: str
    binding: Binding | None
    finding: Finding
    target: Binding | None = None  # the binding `fix` removes, when not `binding`


def parse(text: str) -> ast.Module:
    """The `ast` tree of `text`: the running interpreter's parser, then its 3.0-3.6 grammar
    (`async` as a name; Python <= 3.12), then libcst's parser with newer syntax rewritten, then
    the running parser with `async`/`await` names renamed (3.0-3.6 code on Python >= 3.13).

    A NUL, which the interpreter's parser refuses anywhere, is taken where a control character
    is (in a string or a comment), as black, isort and libcst take it.

    Raises ParseError (the running interpreter's message and 1-based position) when none parses.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SyntaxWarning for invalid escapes, and the like
        try:
            return ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError) as e:
            first = e
        if isinstance(first, (RecursionError, MemoryError)):
            # Nesting too deep for the parser (a 6 KB `1+1+...+1`): every fallback reads the
            # same nesting, and libcst's parser takes minutes on it, or crashes (issue 11).
            reason = (str(first).splitlines() or [type(first).__name__])[0]
            raise ParseError(f"cannot parse: {reason}", 1, 1) from None
        if "\0" in text:
            # compile() refuses a NUL anywhere (ValueError, SyntaxError from 3.11.4); black,
            # isort and libcst take it in a string or a comment, where U+0001 (same width in
            # characters and UTF-8 bytes, so positions stay) is taken too; elsewhere both are
            # refused, and the NUL error stays the one reported.
            text = text.replace("\0", "\1")
            try:
                return ast.parse(text)
            except SyntaxError as e:
                if "U+0001" not in str(e.msg):
                    first = e
            except (ValueError, RecursionError, MemoryError):
                pass
        try:
            return ast.parse(text, feature_version=(3, 6))
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            pass
        from lintgate.linters import _imports_compat as compat

        try:
            return compat.parse(text)
        except Exception:  # libcst.ParserSyntaxError, or a rewrite the old grammar rejects
            pass
        if "async" in text or "await" in text:  # 3.0-3.6 names, where feature_version cannot
            try:
                return ast.parse(compat.rename_async_names(text))
            except Exception:
                pass
    if isinstance(first, SyntaxError):
        raise ParseError(
            f"cannot parse: {first.msg or 'invalid syntax'}", first.lineno or 1, first.offset or 1
        ) from None
    # ValueError (a null byte), RecursionError or MemoryError (absurdly deep nesting)
    reason = str(first).splitlines()[0] if str(first) else type(first).__name__
    raise ParseError(f"cannot parse: {reason}", 1, 1) from None


def _noqa(line: str, kind: str) -> bool:
    """True when `line` carries a `# noqa` comment that covers `kind` (bare, or naming its
    pyflakes code: F401 unused, F811 duplicate, F404 late `__future__`), as flake8 reads it.
    """
    if "#" not in line:
        return False
    m = _NOQA.search(line)
    if m is None:
        return False
    codes = m.group("codes")
    return not codes or _CODE[kind] in re.split(r"[,\s]+", codes.upper())


def _nolint(line: str) -> bool:
    """True when `line` carries `# nolint` or `# nolint: ...` naming this linter."""
    if "#" not in line:
        return False
    m = _NOLINT.search(line)
    if m is None:
        return False
    names = m.group("names")
    return not names or NAME in re.split(r"\s*,\s*", names)


def analyze(source: Source) -> Result:
    """The `_imports_scan.Result` of `source` (lintgate.source.Source): every import binding with
    why it counts as used (or not) and its duplicate status, before `# noqa`. Raises ParseError
    when the file does not parse."""
    from lintgate.linters._imports_scan import scan

    tree = parse(source.text)
    try:
        return scan(tree, source.text, source.is_stub)
    except RecursionError:  # valid, and nested deeper than the recursion limit (ast took it)
        from lintgate.util.deep import deep_call

        return deep_call(lambda: scan(tree, source.text, source.is_stub))


def problems(source: Source, settings: Settings = SETTINGS, suppress: bool = True) -> list[Problem]:
    """Everything the linter reports in `source` (lintgate.source.Source), in source order,
    `# noqa` applied (on the line of the name or the first line of the statement) unless
    `suppress` is false. `# nolint` is the runner's (lintgate.nolint), not applied here.
    Raises ParseError when the file does not parse."""
    result = analyze(source)
    lines = source.text.split("\n")

    def quiet(kind: str, *linenos: int) -> bool:
        return suppress and any(
            0 < n <= len(lines) and _noqa(lines[n - 1], kind) for n in set(linenos)
        )

    def char_col(line: int, col: int) -> int:
        """`ast` columns count UTF-8 bytes; findings count characters."""
        text = lines[line - 1] if 0 < line <= len(lines) else ""
        return (
            col if text.isascii() else len(text.encode()[: col - 1].decode("utf-8", "replace")) + 1
        )

    out = []
    dup_used = {id(b.dup_of) for b in result.bindings if b.dup_of is not None and b.used}
    for line, col in result.late_futures:
        col = char_col(line, col)
        if not quiet("future", line):
            out.append(Problem("future", None, Finding(line, col, LATE_FUTURE, ERROR)))
    for b in result.bindings:
        b.col = char_col(b.line, b.col)
    for b in result.bindings:
        if b.shadowed_by is not None:  # reported at the import that shadows it
            s = b.shadowed_by
            # `# noqa` on the first import keeps it too (one imported for its side effects).
            if not quiet("duplicate", s.line, s.first_line) and not quiet(
                "unused", b.line, b.first_line
            ):
                msg = f"'{s.name}' imported again (first at line {b.line})"
                out.append(Problem("duplicate", s, Finding(s.line, s.col, msg, WARNING), b))
            continue
        root = b.dup_of
        if root is not None:  # its uses count for the first import
            if not quiet("duplicate", b.line, b.first_line):
                msg = f"'{b.name}' imported again (first at line {root.line})"
                out.append(Problem("duplicate", b, Finding(b.line, b.col, msg, WARNING)))
            continue
        used = b.used or b.keep or id(b) in dup_used
        if not used and not quiet("unused", b.line, b.first_line):
            msg = f"'{b.label}' imported but unused"
            out.append(Problem("unused", b, Finding(b.line, b.col, msg, WARNING)))
    out.sort(key=lambda p: p.finding)
    return out


def check(source: Source, settings: Settings) -> list[Finding]:
    """Unused imports (`'os.path' imported but unused`), duplicate imports (`'json' imported
    again (first at line 3)`), both warnings, and misplaced `from __future__` imports (an
    error), with 1-based line and column of the imported name (of the statement for
    `__future__`). Pure: `source` (lintgate.source.Source) in, findings out.

    Raises ParseError when no parser accepts the file.
    """
    return [p.finding for p in problems(source, settings)]


_PROBE_ERRORS = frozenset({"ImportError", "ModuleNotFoundError"})


def _probe_lines(text: str) -> frozenset[int]:
    """The 1-based first lines of the import statements in the body of a `try` that has a
    handler for ImportError or ModuleNotFoundError (alone, in a tuple, or as `builtins.X`):
    imports that probe for a module or run it for its side effect. Empty when `text` does not
    parse with `ast`."""
    import ast

    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return frozenset()

    def names(node: ast.expr | None) -> set[str]:
        if isinstance(node, ast.Tuple):
            return {n for e in node.elts for n in names(e)}
        if isinstance(node, ast.Name):
            return {node.id}
        if isinstance(node, ast.Attribute):
            return {node.attr}
        return set()

    lines: set[int] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Try) and type(node).__name__ != "TryStar":
            continue
        handlers: list[ast.ExceptHandler] = getattr(node, "handlers", [])
        if not any(names(h.type) & _PROBE_ERRORS for h in handlers):
            continue
        body: list[ast.stmt] = getattr(node, "body", [])
        for stmt in body:
            for inner in ast.walk(stmt):
                if isinstance(inner, (ast.Import, ast.ImportFrom)):
                    lines.add(inner.lineno)
    return frozenset(lines)


def fix(
    text: str,
    source: Source,
    settings: Settings,
    only: Sequence[Finding | Diagnostic] | None = None,
    package_init: bool = False,
) -> str:
    """`text` (decoded, LF-only) without the unused and duplicate imports the check reports,
    removed with libcst so that comments, parentheses and layout of the rest stay; a block
    left empty gets `pass`. `__future__` imports and re-exports are never removed, nor an
    import with `# noqa` (as the check).

    `package_init`: True for a package's `__init__.py`, whose unused imports are most often
    re-exports without `__all__` or `as` (`from .core import main` for `from pkg import
    main`): they are reported but not removed (ruff calls that fix unsafe); its duplicates
    still go. Nor is an unused import in the body of a `try` whose handler catches
    ImportError or ModuleNotFoundError (`try: import readline` / `except ImportError: pass`):
    the import is there for its side effect or to probe that the module exists, and ruff's
    F401 likewise flags it but offers no fix.

    `only`: None, or the findings to fix (each with the `line` and `col` of a finding of this
    check on `text`): the others stay. lintgate's fixer passes what the run keeps after the
    `# nolint` directives (their whole scopes) and the filters; with None, an import with
    `# nolint` (naming `imports` or none) on the line of its name or the first line of its
    statement stays, and every other import reported goes.

    `text` may differ from `source.text` (an earlier fixer ran): it is checked afresh.
    Returns `text` unchanged when it does not parse (with `ast` or with libcst), when libcst's
    tree of it is too deep for Python's recursion limit, or nothing is to be removed.
    """
    from lintgate.linters._imports_fix import remove

    current = source if text == source.text else source._replace(text=text)
    try:
        found = problems(current, settings)
    except ParseError:
        return text
    # (the finding, the binding reported, the binding to remove): "future" has no binding
    probes = _probe_lines(text) if any(p.kind == "unused" for p in found) else frozenset()
    removable = [
        (p.finding, p.binding, p.target or p.binding)
        for p in found
        if p.binding is not None
        and (
            p.kind == "duplicate"
            or p.kind == "unused"
            and not package_init
            and p.binding.first_line not in probes
        )
    ]
    if only is not None:
        wanted = {(f.line, f.col) for f in only}
        doomed = [target for f, _, target in removable if (f.line, f.col) in wanted]
    else:
        lines = text.split("\n")
        doomed = [
            target
            for _, binding, target in removable
            if not any(
                _nolint(lines[n - 1]) for b in (binding, target) for n in (b.line, b.first_line)
            )
        ]
    if not doomed:
        return text
    import libcst

    try:
        return remove(text, doomed)
    except libcst.ParserSyntaxError:  # a syntax `ast` takes and libcst does not: no fix
        return text
    except (RecursionError, MemoryError):  # nesting `ast` takes, too deep for libcst's tree
        return text


class Imports(LinterBase[Settings]):
    """The `imports` linter as a `Linter` (the module's functions above do the work)."""

    capabilities = Capabilities(
        name=NAME,
        description="No unused or duplicate imports, no misplaced __future__ import.",
        parses=True,
        parser="Python's ast parser, for the imports linter",
        fix="finding",
        follows="isort",  # it judges imports: it checks the files isort checks
    )

    def version(self) -> str:
        return version()

    def settings(self, project: Project, directory: Path) -> Settings:
        return settings_for(directory, project)

    def settings_digest(self, settings: Settings) -> str:
        return settings_digest(settings)

    def check(self, path: Path, source: Source, settings: Settings) -> Outcome:
        try:
            return Outcome(check(source, settings))
        except ParseError as e:
            return Outcome.parse_error(e)

    def fix_file(self, path: Path, source: Source, settings: Settings) -> str:
        return fix(source.text, source, settings, package_init=_is_package_init(path))

    def fix_findings(
        self, path: Path, source: Source, settings: Settings, only: Sequence[Finding]
    ) -> str:
        return fix(source.text, source, settings, only=only, package_init=_is_package_init(path))


def _is_package_init(path: Path) -> bool:
    # a package's __init__.py (or its stub): unused imports are likely re-exports, left reported
    return path.name in ("__init__.py", "__init__.pyi")


LINTER = Imports()
