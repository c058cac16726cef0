"""Hypothesis strategies for tests/test_fuzz.py: mutated standard-library files and mutated
lintgate, isort and black configurations.

Every input is built from bytes on this machine's Python (a fixed list of small standard
library files, `SAMPLE`) and a mutation list, so a failing example names its mutations and can
be rebuilt exactly. `LINTGATE_FUZZ_SKIP` (comma-separated mutation kinds, e.g.
`nul,nest,cookie:punycode,config`) leaves kinds out: a temporary way to check the rest while a
known failure is being fixed. Besides the mutation kinds: `deepnest`, `hugeint`, `deepconfig`,
`surrogate`, `bigdeadline` (see `_known`), `config`, `lintgate.json`, `pyproject`, `flags`,
`env`, and `tmpleak` (tests/test_fuzz.py: files left in the runs' TMPDIR are not checked).
"""

from __future__ import annotations

import json
import os
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import strategies as st

STDLIB = Path(sysconfig.get_paths()["stdlib"])
# Small, plain files of every Python (3.10+): classes, decorators, docstrings, imports,
# comprehensions, string prefixes, `__future__`, type hints. Fixed, so a run is reproducible.
SAMPLE = (
    "abc.py",
    "bisect.py",
    "colorsys.py",
    "keyword.py",
    "this.py",
    "fnmatch.py",
    "genericpath.py",
    "__future__.py",
    "stat.py",
    "sched.py",
    "copyreg.py",
    "glob.py",
    "json/__init__.py",
    "email/quoprimime.py",
    "string.py",
    "shlex.py",
)
SKIP = {k.strip() for k in os.environ.get("LINTGATE_FUZZ_SKIP", "").split(",") if k.strip()}

COOKIES = (
    "utf-8",
    "latin-1",
    "utf-8-sig",
    "ascii",
    "cp1252",
    "euc-jp",
    "utf-16",
    "utf-32",
    "utf-7",
    "punycode",
    "rot13",
    "idna",
    "hex",
    "base64",
    "zlib",
    "uu",
    "undefined",
    "unicode_escape",
    "raw_unicode_escape",
    "mbcs",
    "bogus-codec",
    "",
)
# Bytes invalid in UTF-8: a lone continuation byte, a truncated sequence, a surrogate, an
# overlong form, bytes never valid.
BAD_UTF8 = (b"\xff", b"\x80", b"\xc3", b"\xed\xa0\x80", b"\xc0\xaf", b"\xf5\x80\x80\x80")
# Import statements for isort and the imports linter to judge and fix: unused, duplicated,
# late `__future__`, star, relative, aliased, conditional, continued, commented, directives.
IMPORTS = (
    b"import os\nimport os\n",
    b"from __future__ import annotations\n",
    b"import sys, os, re  # noqa: F401\n",
    b"from os.path import *\n",
    b"from . import sibling\nfrom .. import parent as p\n",
    b"import a.b.c as d\nimport a.b\n",
    b"try:\n    import json\nexcept ImportError:\n    json = None\n",
    b"if 1:\n    import collections\n",
    b"from typing import (\n    List,\n    Dict,  # c\n)\n",
    b"import os; import sys\n",
    b"from os import path \\\n    , sep\n",
    b"# isort: skip_file\n",
    b"import re  # nolint: imports\n",
    b"import zlib  # isort: skip\n",
    b"# isort: off\nimport b\nimport a\n# isort: on\n",
    b"__all__ = ['os']\nimport os\n",
    b"def f():\n    import os\n    global os\n",
    b"import \xc3\xa9t\xc3\xa9\n",
)
# Characters some line splitters treat as line breaks and Python's tokenizer does not.
ODD_BREAKS = ("\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")


def _known(value: object) -> bool:
    """Whether LINTGATE_FUZZ_SKIP leaves this config value out: `hugeint` (integers of 5000
    digits), `deepconfig` (JSON or TOML nested 5000 deep), `surrogate` (lone surrogates in
    templates), `bigdeadline` (Deadlines past what a timeout holds)."""
    text = value if isinstance(value, bytes) else json.dumps(value).encode()
    return (
        ("hugeint" in SKIP and b"0" * 4300 in text)
        or ("deepconfig" in SKIP and b"[" * 5000 in text)
        or ("surrogate" in SKIP and b"\\ud800" in text)
        or ("bigdeadline" in SKIP and (b"9999999999h" in text or b"0" * 400 in text))
    )


def _allowed(m: "Mutation") -> bool:
    """Whether LINTGATE_FUZZ_SKIP lets `m` through: it names the kind (`nest`), the kind and its
    variant (`nest:calls`, `cookie:punycode`), or `deepnest` (nesting 1000 deep and more)."""
    if m.kind in SKIP or m.kind.split(":")[0] in SKIP:
        return False
    return not (
        "deepnest" in SKIP and m.kind.startswith("nest:") and int(str(m.arg).split(":")[1]) >= 1000
    )


# ---------------------------------------------------------------------------------------------
# Source files


@dataclass
class Mutation:
    """One edit: `kind` (the LINTGATE_FUZZ_SKIP name), `at` (a fraction 0..1 of the file, in
    thousandths) and `arg` (kind-specific)."""

    kind: str
    at: int
    arg: object = None

    def apply(self, data: bytes) -> bytes:
        pos = len(data) * self.at // 1000
        line_start = data.rfind(b"\n", 0, pos) + 1
        k = self.kind.split(":")[0]
        if k == "flip":
            if not data:
                return data
            pos = min(pos, len(data) - 1)
            return data[:pos] + bytes([data[pos] ^ int(self.arg)]) + data[pos + 1 :]
        if k == "truncate":
            return data[:pos]
        if k == "nul":
            if self.arg:  # on the first import line, where isort and the imports linter look
                i = data.find(b"import ")
                pos = data.find(b"\n", i) if i >= 0 else pos
                pos = pos if pos >= 0 else len(data)
            return data[:pos] + b"\0" + data[pos:]
        if k == "cookie":
            cookie = f"# -*- coding: {self.arg} -*-\n".encode()
            if self.at % 2 and data.startswith(b"#!"):  # second line, after a shebang
                nl = data.find(b"\n") + 1
                return data[:nl] + cookie + data[nl:]
            return cookie + data
        if k == "bom":
            return b"\xef\xbb\xbf" + data
        if k == "badutf8":
            return data[:pos] + BAD_UTF8[int(self.arg) % len(BAD_UTF8)] + data[pos:]
        if k == "newlines":
            return _newlines(data, str(self.arg), self.at)
        if k == "formfeed":
            return data[:line_start] + b"\x0c" + data[line_start:]
        if k == "oddbreak":
            ch = ODD_BREAKS[int(self.arg) % len(ODD_BREAKS)].encode()
            return data[:pos] + ch + data[pos:]
        if k == "tabs":
            return _tabs(data, self.at)
        if k == "nest":
            return data[:line_start] + _nesting(str(self.arg)) + data[line_start:]
        if k == "longline":
            return data[:line_start] + _long_line(str(self.arg)) + data[line_start:]
        if k == "nonascii":
            return data[:line_start] + "ñame = 'é€😀'\n".encode() + data[line_start:]
        if k == "empty":
            return b"" if self.arg else b"\n\n\n"
        if k == "imports":
            return data[:line_start] + IMPORTS[int(self.arg) % len(IMPORTS)] + data[line_start:]
        if k == "backslash":
            return data.rstrip(b"\n") + b"\\"
        raise AssertionError(self.kind)


def _newlines(data: bytes, style: str, at: int) -> bytes:
    lines = data.split(b"\n")
    if style == "crlf":
        return b"\r\n".join(lines)
    if style == "cr":
        return b"\r".join(lines)
    # mixed: every line from `at` on gets its own ending, cycling LF, CRLF, CR
    ends = (b"\n", b"\r\n", b"\r")
    out = []
    for i, line in enumerate(lines[:-1]):
        out.append(line + ends[(i + at) % 3])
    return b"".join(out) + lines[-1]


def _tabs(data: bytes, at: int) -> bytes:
    out = []
    for i, line in enumerate(data.split(b"\n")):
        stripped = line.lstrip(b" ")
        indent = len(line) - len(stripped)
        if indent and (i + at) % 3 == 0:
            line = b"\t" * (indent // 4) + b" " * (indent % 4) + stripped
        elif indent and (i + at) % 3 == 1 and indent >= 8:
            line = b"    \t" + b" " * (indent - 8) + stripped
        out.append(line)
    return b"\n".join(out)


def _nesting(spec: str) -> bytes:
    shape, depth = spec.split(":")
    n = int(depth)
    if shape == "parens":
        return b"x = " + b"(" * n + b"1" + b")" * n + b"\n"
    if shape == "lists":
        return b"x = " + b"[" * n + b"]" * n + b"\n"
    if shape == "unclosed":
        return b"x = " + b"[" * n + b"\n"
    if shape == "unary":
        return b"x = " + b"-" * n + b"1\n"
    if shape == "binop":
        return b"x = 1" + b" + 1" * n + b"\n"
    if shape == "calls":
        return b"x = " + b"f(" * n + b")" * n + b"\n"
    if shape == "attrs":
        return b"x = a" + b".b" * n + b"\n"
    if shape == "lambda":
        return b"x = " + b"lambda: " * n + b"1\n"
    if shape == "blocks":  # the tokenizer stops at 100 levels; 120 is past it, and small
        n = min(n, 120)
        return b"".join(b"    " * i + b"if x:\n" for i in range(n)) + b"    " * n + b"pass\n"
    if shape == "fstring":
        return b"x = " + b'f"{' * n + b"1" + b'}"' * n + b"\n"
    raise AssertionError(spec)


def _long_line(spec: str) -> bytes:
    shape, length = spec.split(":")
    n = int(length)
    if shape == "string":
        return b'x = "' + b"a" * n + b'"\n'
    if shape == "comment":
        return b"# " + b"c" * n + b"\n"
    if shape == "names":
        return b"x = [" + b", ".join(b"n%d" % i for i in range(n // 4)) + b"]\n"
    if shape == "import":
        return b"from m import (" + b", ".join(b"n%d" % i for i in range(n // 4)) + b")\n"
    raise AssertionError(spec)


# Lines of 100,000 characters cost seconds each (black splitting 25,000 names; --fix runs black
# three times): only in the long run (`make fuzz` sets LINTGATE_FUZZ_BIG=1)
LONG_SIZES = [200, 5000] + ([100_000] if os.environ.get("LINTGATE_FUZZ_BIG") else [])
NEST_SHAPES = (
    "parens",
    "lists",
    "unclosed",
    "unary",
    "binop",
    "calls",
    "attrs",
    "lambda",
    "blocks",
    "fstring",
)
LONG_SHAPES = ("string", "comment", "names", "import")


def _mutations() -> st.SearchStrategy[Mutation]:
    at = st.integers(0, 1000)
    options = [
        st.builds(Mutation, st.just("flip"), at, st.integers(1, 255)),
        st.builds(Mutation, st.just("truncate"), at),
        st.builds(Mutation, st.just("nul"), at, st.booleans()),
        st.builds(Mutation, st.just("imports"), at, st.integers(0, 99)),
        st.sampled_from(COOKIES).flatmap(
            lambda c: st.builds(Mutation, st.just(f"cookie:{c}"), at, st.just(c))
        ),
        st.builds(Mutation, st.just("bom"), at),
        st.builds(Mutation, st.just("badutf8"), at, st.integers(0, 99)),
        st.builds(Mutation, st.just("newlines"), at, st.sampled_from(["crlf", "cr", "mixed"])),
        st.builds(Mutation, st.just("formfeed"), at),
        st.builds(Mutation, st.just("oddbreak"), at, st.integers(0, 99)),
        st.builds(Mutation, st.just("tabs"), at),
        st.tuples(st.sampled_from(NEST_SHAPES), st.sampled_from([3, 30, 100, 300, 1000, 5000]))
        .map(lambda t: Mutation(f"nest:{t[0]}", 500, f"{t[0]}:{t[1]}"))
        .flatmap(lambda m: at.map(lambda a: Mutation(m.kind, a, m.arg))),
        st.tuples(st.sampled_from(LONG_SHAPES), st.sampled_from(LONG_SIZES))
        .map(lambda t: Mutation(f"longline:{t[0]}", 500, f"{t[0]}:{t[1]}"))
        .flatmap(lambda m: at.map(lambda a: Mutation(m.kind, a, m.arg))),
        st.builds(Mutation, st.just("nonascii"), at),
        st.builds(Mutation, st.just("backslash"), at),
    ]
    return st.one_of(options).filter(_allowed)


@dataclass
class SourceInput:
    """One mutated file: a window of lines `start:start+count` of `SAMPLE[base]`, saved as
    `name`, with `mutations` applied in order."""

    name: str
    base: str
    start: int
    count: int
    mutations: list[Mutation] = field(default_factory=list)

    def data(self) -> bytes:
        lines = (STDLIB / self.base).read_bytes().splitlines(keepends=True)
        out = b"".join(lines[self.start : self.start + self.count])
        for m in self.mutations:
            out = m.apply(out)
        return out

    def describe(self) -> str:
        muts = ", ".join(
            f"{m.kind}@{m.at}" + (f"={m.arg}" if m.arg is not None else "") for m in self.mutations
        )
        return f"{self.name} <- {self.base}[{self.start}:+{self.count}] {muts}"


@st.composite
def source_inputs(draw, index: int) -> SourceInput:
    """A mutated window of a sample file, named `mNN_<base>.py` (sometimes `.pyi`: stub mode)."""
    base = draw(st.sampled_from(SAMPLE))
    total = len((STDLIB / base).read_bytes().splitlines())
    start = draw(st.integers(0, max(0, total - 1)))
    count = draw(st.sampled_from([20, 60, 200, 100_000]))
    mutations = draw(st.lists(_mutations(), min_size=0, max_size=3))
    ext = draw(st.sampled_from([".py"] * 9 + [".pyi"]))
    stem = base.replace("/", "_").removesuffix(".py")
    return SourceInput(f"m{index:02d}_{stem}{ext}", base, start, count, mutations)


# ---------------------------------------------------------------------------------------------
# Configurations


def _containers(inner: st.SearchStrategy) -> st.SearchStrategy:
    return st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)


# Any JSON value, small
JSONISH = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=8),
    _containers,
    max_leaves=6,
)
LINTERS = [
    "imports",
    "isort",
    "black",
    "syntax",
    "encoding",
    "nolint",
    "fix",
    "Black",
    "pyflakes",
    "",
]
TEMPLATES = [
    "{path}:{line}:{col}: {message} ({linter})",
    "{path!r}:{line:>4}:{col:<3}|{severity!s:^9}|{message!a}",
    "{{.Path}}:{{.Line}}:{{if .Col}}{{.Col}}{{end}}: {{.Message}} ({{.Linter}})",
    "{{- .Path -}}{{/* c */}}{{if .Col}}{{else}}x{{end}}",
    "{{.Path}} {{range .X}}",
    "{{if .Col}}",
    "{{.Nope}}",
    "{path.__class__}",
    "{0}",
    "{",
    "}",
    "{line:%}",
    "{line:>1000}",
    "plain",
    "",
    "{message}\n{path}",
    "\x1b[31m{message}\x00",
    "\ud800{message}",
]
FORMATS = [
    "text",
    "gometalinter",
    "json",
    "checkstyle",
    "sarif",
    "github",
    "junit",
    "xml",
    "TEXT",
] + TEMPLATES
DURATIONS = [
    "0",
    "0s",
    "90s",
    "10m",
    "1h30m",
    "1.5h",
    "300ms",
    "1ns",
    "1us",
    "5ms",
    "",
    "-1s",
    "9999999999h",
    "1" + "0" * 400 + "s",
    "1e3s",
    "1",
    "s",
    ".5s",
    "5.s",
    "1h1h",
    "9" * 40 + "h",
    "1µs",
    "inf",
    "nan",
    "1d",
]
REGEXES = ["black\\)$", "imports", "", "(", "[z-a]", "a{99999}", "(?P<x>)", "\\", "(?i)X", ".*"]
SKIPS = ["m0*", "*.pyi", "m01_*", "[z-a]", "\\", "!m02*", "/", "**", "", "sub/", "#x", "a\\"]
SORTS = ["path", "line", "column", "severity", "message", "linter", "none", "Path", "bogus"]
SEVERITY_VALUES = ["warning", "error", "Error", "", None, 1]


VALID_TEMPLATES = [t for t in TEMPLATES[:4]] + ["plain", "{message}", "{line:>8}|{message!r}"]
VALID_DURATIONS = [
    "0",
    "0s",
    "90s",
    "10m",
    "1h30m",
    "1.5h",
    "300ms",
    "1ns",
    "1us",
    "5ms",
    ".5s",
    "5.s",
    "1h1h",
    "9" * 40 + "h",
    "1\u00b5s",
]
VALID_REGEXES = ["black\\)$", "imports", "", "(?i)X", ".*", "syntax", "m0[0-5]", "\\(encoding\\)"]
VALID_SKIPS = ["m0*", "*.pyi", "m01_*", "!m02*", "**", "sub/", "#x", "m1?_*.py"]


def _key_values(key: str, hostile: bool) -> st.SearchStrategy:
    """Values for lintgate.json's `key`: valid ones, or (`hostile`) anything."""
    return _key_values_all(key, hostile).filter(lambda v: not _known(v))


def _key_values_all(key: str, hostile: bool) -> st.SearchStrategy:
    names = ["imports", "isort", "black"]
    if hostile:
        linters = st.lists(st.sampled_from(LINTERS), max_size=4)
        per_linter = lambda values: st.dictionaries(
            st.sampled_from(LINTERS), values, max_size=3
        )  # noqa: E731
        values = {
            "Enable": linters,
            "Disable": linters,
            "Skip": st.lists(st.sampled_from(SKIPS), max_size=3),
            "Exclude": st.lists(st.sampled_from(REGEXES), max_size=2),
            "Include": st.lists(st.sampled_from(REGEXES), max_size=2),
            "Deadline": st.sampled_from(DURATIONS),
            "Concurrency": st.sampled_from([-1, 2**70, True, 1.5, "2", None]),
            "Severity": per_linter(st.sampled_from(SEVERITY_VALUES)),
            "Format": st.sampled_from(FORMATS),
            "MessageOverride": per_linter(st.sampled_from(TEMPLATES + [None, 3])),
            "Sort": st.lists(st.sampled_from(SORTS), max_size=3),
        }
        return st.one_of(values.get(key, st.booleans()), JSONISH)
    reporters = names + ["syntax", "encoding", "nolint", "fix"]
    return {
        "Enable": st.lists(st.sampled_from(names), min_size=1, max_size=3),
        "Disable": st.lists(st.sampled_from(names), max_size=1),
        "EnableAll": st.booleans(),
        "DisableAll": st.just(False),
        "Skip": st.lists(st.sampled_from(VALID_SKIPS), max_size=2),
        "Vendor": st.booleans(),
        "Exclude": st.lists(st.sampled_from(VALID_REGEXES), max_size=2),
        "Include": st.lists(st.sampled_from(VALID_REGEXES), max_size=1),
        "Deadline": st.sampled_from(VALID_DURATIONS),
        "Concurrency": st.sampled_from([0, 1, 2, 3, 64, 2**31]),
        "Severity": st.dictionaries(
            st.sampled_from(reporters), st.sampled_from(["warning", "error"]), max_size=3
        ),
        "Format": st.sampled_from(FORMATS[:7] + VALID_TEMPLATES),
        "MessageOverride": st.dictionaries(
            st.sampled_from(reporters), st.sampled_from(VALID_TEMPLATES), max_size=2
        ),
        "Sort": st.sampled_from(
            [
                [],
                ["path"],
                ["line", "linter"],
                ["severity", "message"],
                ["none"],
                ["column", "path"],
            ]
        ),
        "Aggregate": st.booleans(),
        "Errors": st.booleans(),
        "WarnUnmatchedDirective": st.booleans(),
    }[key]


KEYS = [
    "Enable",
    "Disable",
    "EnableAll",
    "DisableAll",
    "Skip",
    "Vendor",
    "Exclude",
    "Include",
    "Deadline",
    "Concurrency",
    "Severity",
    "Format",
    "MessageOverride",
    "Sort",
    "Aggregate",
    "Errors",
    "WarnUnmatchedDirective",
]


@st.composite
def lintgate_configs(draw, hostile: bool) -> bytes | None:
    """The bytes of a lintgate.json (valid, or with `hostile` anything), or None for none."""
    if "config" in SKIP or "lintgate.json" in SKIP:
        return None
    if not hostile:
        if draw(st.booleans()):
            return None
        keys = draw(st.lists(st.sampled_from(KEYS), max_size=5, unique=True))
        return json.dumps({k: draw(_key_values(k, False)) for k in keys}).encode()
    if draw(st.sampled_from([False, False, True])):
        return draw(
            st.sampled_from(
                [
                    r
                    for r in [
                        b"",
                        b"null",
                        b"[]",
                        b"{",
                        b'{"Enable": ["isort"],}',
                        b"[" * 100_000,
                        b'{"Enable": ' + b"[" * 5000 + b"]" * 5000 + b"}",
                        b"\xef\xbb\xbf{}",
                        b"\xff{}",
                        b'{"Enable": ["isort"], "Enable": ["black"]}',
                        b'{"Deadline": "1h", "\\ud800": 1}',
                        b"{}\x00",
                        '{"Format": "\u2028{message}"}'.encode(),
                        b'{"Concurrency": 1e400}',
                        b'{"Concurrency": NaN}',
                        b'{"Concurrency": 1' + b"0" * 5000 + b"}",
                    ]
                    if not _known(r)
                ]
            )
        )
    keys = draw(
        st.lists(
            st.sampled_from(KEYS + ["Skipp", "enable", ""]), min_size=1, max_size=4, unique=True
        )
    )
    data = {}
    for key in keys:
        data[key] = draw(_key_values(key, hostile=True) if key in KEYS else JSONISH)
    return json.dumps(data).encode()


def _toml_value(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v) if not isinstance(v, float) or v == v else "nan"
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    raise AssertionError(v)


ISORT_KEYS = {
    "profile": st.sampled_from(["black", "google", "django", "pycharm", "bogus", "", 1]),
    "line_length": st.sampled_from([1, 40, 79, 100, 10**6, 0, -5, "100", 2**70]),
    "multi_line_output": st.sampled_from([0, 1, 3, 5, 7, 10, 12, 99, "GRID", -1]),
    "force_single_line": st.booleans(),
    "force_sort_within_sections": st.booleans(),
    "lines_after_imports": st.sampled_from([-1, 0, 1, 2, 5]),
    "lines_between_types": st.sampled_from([0, 1, 3]),
    "combine_as_imports": st.booleans(),
    "float_to_top": st.booleans(),
    "known_first_party": st.sampled_from([["json", "os"], "os", [], [1]]),
    "skip": st.sampled_from([["m01_abc.py"], "m00", []]),
    "skip_glob": st.sampled_from([["m0*"], ["*.pyi"], "["]),
    "add_imports": st.sampled_from(
        [["import os"], ["from __future__ import annotations"], ["import ("], []]
    ),
    "remove_imports": st.sampled_from([["os"], ["sys"], []]),
    "force_to_top": st.sampled_from([["sys"], []]),
    "treat_comments_as_code": st.sampled_from([["# x"], []]),
    "sections": st.sampled_from([["FUTURE", "STDLIB", "LOCALFOLDER"], ["BOGUS"], []]),
    "no_sections": st.booleans(),
    "atomic": st.booleans(),
    "include_trailing_comma": st.booleans(),
    "use_parentheses": st.booleans(),
    "indent": st.sampled_from(["    ", "\t", 2, "x", ""]),
    "line_ending": st.sampled_from(["\r\n", "\n", "\r", "x"]),
    "py_version": st.sampled_from(["3", "311", "all", "2", "bogus"]),
    "bogus_key": st.integers(),
}
BLACK_KEYS = {
    "line-length": st.sampled_from([1, 40, 88, 100, 10**6, 0, -5, "100", 2**70]),
    "target-version": st.sampled_from(
        [["py310"], ["py33"], ["py312", "py38"], "py311", ["PY311"], ["py2"], []]
    ),
    "skip-string-normalization": st.sampled_from([True, False, 1, "yes"]),
    "skip-magic-trailing-comma": st.booleans(),
    "preview": st.sampled_from([True, False, 1]),
    "unstable": st.booleans(),
    "enable-unstable-feature": st.sampled_from(
        [["hug_parens_with_braces_and_square_brackets"], ["bogus"], "x"]
    ),
    "include": st.sampled_from(["\\.pyi?$", "(", "m0"]),
    "exclude": st.sampled_from(["m01", "(", ""]),
    "extend-exclude": st.sampled_from(["m02", "[z-a]"]),
    "force-exclude": st.sampled_from(["m03", ")"]),
    "required-version": st.sampled_from(["24", "1", 24, "99.1"]),
    "skip-source-first-line": st.booleans(),
    "fast": st.booleans(),
    "bogus-key": st.integers(),
}


@st.composite
def pyproject_configs(draw) -> bytes | None:
    """The bytes of a pyproject.toml with [tool.isort] and/or [tool.black], or None."""
    if "config" in SKIP or "pyproject" in SKIP:
        return None
    shape = draw(st.sampled_from(["none"] * 2 + ["black-profile"] * 3 + ["keys"] * 4 + ["raw"]))
    if shape == "none":
        return None
    if shape == "black-profile":
        return b'[tool.isort]\nprofile = "black"\n'
    if shape == "raw":
        return draw(
            st.sampled_from(
                [
                    r
                    for r in [
                        b"[tool.isort",
                        b"\xff[tool.black]\n",
                        b"[tool.black]\nline-length = \n",
                        b"[tool]\nblack = 1\n",
                        b"[tool.isort]\n[tool.isort]\n",
                        b"x = " + b"[" * 5000,
                        b"[tool.black]\nline-length = 100\n[tool.black.x]\ny = 1\n",
                        b"\x00",
                        b"[tool.black]\nline-length = 1" + b"0" * 5000 + b"\n",
                        b'[project]\nrequires-python = ">=3.99"\n[tool.black]\n',
                    ]
                    if not _known(r)
                ]
            )
        )
    out = []
    for section, table in (("isort", ISORT_KEYS), ("black", BLACK_KEYS)):
        keys = draw(st.lists(st.sampled_from(sorted(table)), max_size=4, unique=True))
        if keys or draw(st.booleans()):
            out.append(f"[tool.{section}]")
            out += [
                f"{k} = {_toml_value(draw(table[k].filter(lambda v: not _known(v))))}" for k in keys
            ]
    return ("\n".join(out) + "\n").encode()


FLAGS = [
    (),
    ("--aggregate",),
    ("--errors",),
    ("--sort", "line"),
    ("--format", "json"),
    ("--format", "gometalinter"),
    ("--vendor",),
    ("-j", "1"),
    ("-j", "2"),
    ("--disable", "imports"),
    ("--disable-all", "-E", "black"),
    ("--disable-all", "-E", "isort"),
    ("--format", "sarif"),
    ("--diff",),
    ("--diff", "-j", "1"),
]


# The environment of the runs: stdout and stderr in encodings that cannot hold every character
# a finding may carry (emoji, non-ASCII paths and messages), in one example of five.
ENVS = [{}] * 12 + [
    {"PYTHONIOENCODING": "ascii"},
    {"PYTHONIOENCODING": "latin-1"},
    {"PYTHONIOENCODING": "utf-8:strict", "LC_ALL": "C"},
]


@dataclass
class Repo:
    """One example: the mutated files, the configs, extra command-line flags and environment."""

    sources: list[SourceInput]
    lintgate_json: bytes | None
    pyproject: bytes | None
    flags: tuple[str, ...]
    env: dict[str, str] = field(default_factory=dict)

    def write(self, root: Path) -> None:
        root.mkdir(parents=True, exist_ok=True)
        for s in self.sources:
            (root / s.name).write_bytes(s.data())
        if self.lintgate_json is not None:
            (root / "lintgate.json").write_bytes(self.lintgate_json)
        if self.pyproject is not None:
            (root / "pyproject.toml").write_bytes(self.pyproject)

    def inputs(self) -> int:
        """How many fuzz inputs this example holds (files plus configs given)."""
        return len(self.sources) + (self.lintgate_json is not None) + (self.pyproject is not None)

    def describe(self) -> str:
        lines = [s.describe() for s in self.sources]
        lines.append(
            f"lintgate.json: {self.lintgate_json[:300]!r}"
            if self.lintgate_json
            else "lintgate.json: none"
        )
        lines.append(
            f"pyproject.toml: {self.pyproject[:300]!r}"
            if self.pyproject
            else "pyproject.toml: none"
        )
        lines.append(f"flags: {' '.join(self.flags)}")
        lines.append(f"env: {self.env}")
        return "\n".join(lines)


@st.composite
def repos(draw, files: int) -> Repo:
    """A repository of `files` mutated sources, maybe with configs and flags."""
    sources = [draw(source_inputs(i)) for i in range(files)]
    flags = () if "flags" in SKIP else draw(st.sampled_from(FLAGS))
    hostile = draw(
        st.sampled_from([False, False, False, True])
    )  # a config lintgate must refuse, one example in 4
    env = {} if "env" in SKIP else draw(st.sampled_from(ENVS))
    return Repo(sources, draw(lintgate_configs(hostile)), draw(pyproject_configs()), flags, env)
