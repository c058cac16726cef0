"""What a file may hold before lintgate reads it whole or hands it to a recursive parser.

Size (issue 11: a 10 MB file took minutes and 3.8 GB): a file over MaxFileSize bytes (2 MiB
by default, `MaxFileSize` in lintgate.json, 0 for no limit) is measured, never read, and
reported as one `encoding` finding: lintgate could not take its text.

Nesting:

libcst's native parser overflows the C stack on absurd nesting (2,000 nested brackets, or a
chain of 10,000 unary operators: the worker dies of SIGSEGV) and takes tens of seconds on a
6 KB chain of binary operators; black's blib2to3 and formatter recurse too. CPython's own
parser refuses such files cheaply and safely: its tokenizer allows at most 200 nested
brackets ("too many nested parentheses") and its AST construction stops at about 3,000 levels
("maximum recursion depth exceeded during ast construction"); black then fails on them as
well (its safety check parses with `ast`). lintgate refuses them the same way, before any
linter runs: one `syntax` finding with CPython's message. So too f-strings nested in each
other's replacement fields (PEP 701, Python 3.12) deeper than CPython's tokenizer allows
(MAXFSTRINGLEVEL: "too many nested f-strings" at the 150th): black's parser takes them and
its formatter then overflows the recursion limit, on any Python.

The common file costs one linear scan of its brackets and newlines. Only a file whose brackets
(counted crudely, in strings and comments too) nest deeper than CPython allows, or holding a
statement long enough to nest that deep without brackets, is parsed with `ast` to decide.
"""

from __future__ import annotations

import re
import tokenize  # loaded by lintgate.source already; `ast` only for a suspect file

from lintgate.linters.base import ParseError

VERSION = "2"  # part of the cache key of the parsing linters' outcomes: bump on a change
MAX_FILE_SIZE = 2 * 1024 * 1024  # bytes: the default MaxFileSize (a 10 MB file took minutes)
MAX_BRACKETS = 200  # CPython's tokenizer: MAXLEVEL, "too many nested parentheses" beyond it
# `ast` refuses about 2,990 levels of `-x`, `a.b`, `f()`, `1+1` or `x if c else`: one
# operator (or bracket, or keyword) each, so one character or more each. With a margin:
LONG_STATEMENT = 2_500  # characters: a shorter statement cannot nest too deep
LONG_CHAIN = 2_500  # operators (crudely counted) in a statement that may nest too deep
_DEPTH_ERRORS = (
    "too many nested parentheses",
    "too many nested f-strings",  # Python 3.12 and 3.13
    "too many nested f-strings or t-strings",  # Python 3.14
)
MAX_FSTRINGS = 150  # CPython's tokenizer: MAXFSTRINGLEVEL, the 150th nested f-string fails
# a string's start: its prefix (word characters before the quote) and its quote
_STRING_START = re.compile(r"""(\w*)('''|\"\"\"|'|\")""")
_CODE = re.compile(r"""#[^\n]*|[{}]|(\w*)('''|\"\"\"|'|\")""")
MAX_CHAIN = 2_900  # operators in one expression: `ast` refuses about 2,990 levels
_OPEN, _CLOSE = frozenset("([{"), frozenset(")]}")
# what separates expressions (items, targets, annotations): each starts a new chain
_FLAT = frozenset(", : ; = -> := += -= *= /= //= %= **= @= &= |= ^= >>= <<=".split())
# a bracket, or a newline (with the `def` or `class` of a top-level statement after it)
_SCAN = re.compile(r"[()\[\]{}]|\n(?:def\b|class\b)?")
_OPS = re.compile(r"[-+~*/%@&|^<>.(\[]|\b(?:not|await|lambda|if)\b")


def too_large(size: int, limit: int) -> str | None:
    """The finding's message for a file of `size` bytes over `limit` (0: none), else None."""
    if limit and size > limit:
        return f"not checked: {size} bytes, over MaxFileSize ({limit} bytes)"
    return None


def read_bounded(path: str, limit: int) -> bytes:
    """The bytes of the file at `path`, at most `limit` + 1 of them (0: all): a file that grew
    past the limit after it was measured is read no further than it takes to tell.
    Raises OSError."""
    with open(path, "rb") as f:
        return f.read(limit + 1) if limit else f.read()


def refusal(text: str) -> ParseError | None:
    """Why `text` (decoded, LF-only) is too deeply nested to give to a parser, as a ParseError
    (`cannot parse: ` and CPython's message, at CPython's position), or None when it is not.

    Raises nothing: a file `ast` refuses for another reason (syntax newer than the running
    Python, or a plain error) is left to the linters' parsers, unless its tokens show it too
    deep (`token_refusal`).
    """
    depth, operators = crude_depth(text)
    if depth <= MAX_BRACKETS and operators < LONG_CHAIN:
        return None
    import ast
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarning for invalid escapes, and the like
            ast.parse(text)
    except RecursionError as e:  # "maximum recursion depth exceeded during ast construction"
        return ParseError(f"cannot parse: {str(e).splitlines()[0]}", 1, 1)
    except MemoryError:  # CPython's parser stack overflowed (a MemoryError without a message)
        return ParseError("cannot parse: too deeply nested (the parser's stack overflowed)", 1, 1)
    except SyntaxError as e:
        if e.msg in _DEPTH_ERRORS:
            return ParseError(f"cannot parse: {e.msg}", e.lineno or 1, e.offset or 1)
    except ValueError:  # a NUL: the tokens decide
        pass
    else:
        return None
    return fstring_refusal(text) or token_refusal(text)


def crude_depth(text: str) -> tuple[int, int]:
    """(the deepest nesting of brackets, the most operators in one statement), counting
    every bracket, operator and `.`, in strings and comments too (a closer never below zero):
    cheap, and at least the real values unless strings hold stray closers (a top-level `def`
    or `class` closes the brackets strings left open). A statement runs
    from a newline outside brackets to the next; only one LONG_STATEMENT characters long or
    more can hold enough operators to matter, and only those are counted."""
    depth = deepest = most = 0
    start = 0
    for m in _SCAN.finditer(text):
        c = m.group()
        if c[0] == "\n":
            if len(c) > 1:  # no bracket is open there: one a string or comment opened is not
                depth = 0
            if depth == 0:
                if m.start() - start >= LONG_STATEMENT:
                    most = max(most, len(_OPS.findall(text, start, m.start())))
                start = m.start()
        elif c in _OPEN:
            depth += 1
            deepest = max(deepest, depth)
        elif depth > 0:  # a stray closer (in a string) does not hide the brackets after it
            depth -= 1
    if len(text) - start >= LONG_STATEMENT:
        most = max(most, len(_OPS.findall(text, start)))
    return deepest, most


def token_refusal(text: str) -> ParseError | None:
    """For a file `ast` refuses for another reason (newer syntax): a ParseError at the first
    bracket nested deeper than MAX_BRACKETS, or at the operator that makes a chain of more
    than MAX_CHAIN operators in one expression (`-` or `+` or `.`, each a level of the tree;
    a comma or the like starts a new one), counting with Python's tokenizer (so not in strings or
    comments); else None. A tokenizing error before that point leaves the verdict to the
    parsers."""
    import io

    chains = [0]  # operators seen so far, per open bracket (index 0: the statement)
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.NEWLINE:
                chains = [0]
            elif tok.type != tokenize.OP:
                continue
            elif tok.string in _FLAT:  # a new item, target or annotation: a new chain
                chains[-1] = 0
            elif tok.string in _OPEN:
                chains.append(0)
                if len(chains) > MAX_BRACKETS + 1:
                    return _at(tok, "too many nested parentheses")
            elif tok.string in _CLOSE:
                if len(chains) > 1:
                    chains.pop()
            else:
                chains[-1] += 1
                if chains[-1] > MAX_CHAIN:
                    return _at(tok, "too deeply nested (a chain of operators too long)")
    except (tokenize.TokenError, SyntaxError):
        return None
    return None


def fstring_refusal(text: str) -> ParseError | None:
    """For a file `ast` refuses for another reason (before Python 3.12, any f-string holding
    its own quote): a ParseError at the f-string that would be the MAX_FSTRINGS-th open at
    once, as CPython 3.12's tokenizer nests them (PEP 701); else None. A crude scan: strings
    and comments in code, `{`, `}` and the closing quote in an f-string's literal part; a
    string left open ends it (the verdict is then the parsers')."""
    if sum(1 for m in _STRING_START.finditer(text) if _is_fstring(m.group(1))) < MAX_FSTRINGS:
        return None
    opened: list[tuple[str, int]] = []  # per open f-string: its quote, braces open in a field
    at = 0
    while True:
        if opened and opened[-1][1] == 0:  # an f-string's literal part
            m = _literal_stop(opened[-1][0]).search(text, at)
            if m is None:
                return None
            if m.group() == "{":
                opened[-1] = (opened[-1][0], 1)
            elif m.group() == opened[-1][0]:
                opened.pop()
            at = m.end()
            continue
        m = _CODE.search(text, at)
        if m is None:
            return None
        at = m.end()
        token = m.group()
        if token[0] == "#":
            continue
        if token in "{}":
            if opened:
                opened[-1] = (opened[-1][0], opened[-1][1] + (1 if token == "{" else -1))
        elif _is_fstring(m.group(1)):
            if len(opened) + 1 >= MAX_FSTRINGS:
                line = text.count("\n", 0, m.start()) + 1
                col = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
                return ParseError("cannot parse: too many nested f-strings", line, col)
            opened.append((m.group(2), 0))
        else:  # a plain string: to its closing quote
            end = _literal_stop(m.group(2), plain=True).search(text, at)
            if end is None:
                return None
            at = end.end()


def _is_fstring(prefix: str) -> bool:
    prefix = prefix.lower()
    return "f" in prefix and len(prefix) <= 2 and set(prefix) <= set("rf")


def _literal_stop(quote: str, plain: bool = False) -> re.Pattern[str]:
    """What ends a run of string text: an escape, a doubled or single brace (in an
    f-string), the closing `quote`."""
    braces = "" if plain else r"\{\{|\}\}|\{|"
    return re.compile(r"\\.|" + braces + re.escape(quote), re.S)


def _at(tok: tokenize.TokenInfo, reason: str) -> ParseError:
    line, col = tok.start
    return ParseError(f"cannot parse: {reason}", line, col + 1)
