"""The records of the `imports` analysis: import bindings, scopes, the result, and how the
bindings that reach a point merge (the lowest module of the analysis: every other imports it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MODULE, CLASS, FUNCTION = "module", "class", "function"
# What an import binds: ("import", dotted name, has `as`), ("from", level, module, name) or
# ("star", level, module); equal things make a duplicate.
Thing = tuple[Any, ...]


@dataclass(eq=False)
class Binding:
    """One name bound by one import alias.

    `name`: the bound name; `label`: how messages name the import ('os.path', 'm.x',
    'numpy as np', '.x', as pyflakes spells it); `thing`: what it imports (equal things make a
    duplicate); `line`/`col`: 1-based position of the alias (col in UTF-8 bytes, as `ast`
    counts; `imports.problems` turns it into characters); `first_line`: 1-based line of the
    statement; `keep`: why it is never reported unused ("__future__", "re-export", "dunder",
    "global", "fallback"; "" if it may be); `blocks`: ids of the statement lists enclosing the import (the
    first of two imports dominates the second when its blocks are a prefix of the second's);
    `scope_kind`: "module", "class" or "function"; `used`: why it counts as used ("read",
    "__all__", "attribute", "locals()", "submodule", "# type:"; "" if not); `dup_of`: the first
    import when this one is a duplicate; `shadowed_by`: the import that rebinds this one before
    any use (no use can reach this one then); `calls`: how many calls the walk had met when it
    bound this one. A star import is bound as 'm.*', with keep "star".
    """

    name: str
    label: str
    thing: Thing
    line: int
    col: int
    first_line: int
    keep: str
    blocks: tuple[int, ...]
    scope_kind: str = MODULE
    used: str = ""
    dup_of: Binding | None = None
    shadowed_by: Binding | None = None
    calls: int = 0


# The import bindings of each name that may reach a point of the walk.
State = dict[str, tuple[Binding, ...]]

# The state of a name rebound by something other than an import (assignment, def, del...).
_OTHER = (Binding("", "", ("other",), 0, 0, 0, "other", ()),)


@dataclass(eq=False)
class Scope:
    """A module, class or function (lambda too) scope during the walk."""

    kind: str
    parent: Scope | None
    # name -> [Binding], every import of the scope
    bindings: dict[str, list[Binding]] = field(default_factory=dict)
    # name -> (Binding, ...) reaching the current point
    state: State = field(default_factory=dict)
    bound: set[str] = field(default_factory=set)  # every name bound in the scope
    declared: dict[str, str] = field(default_factory=dict)  # name -> "global" | "nonlocal"
    uses_locals: bool = False


@dataclass
class Result:
    """What `scan` found: every import binding (in source order), misplaced `__future__`
    statements (1-based line, 1-based col) and the names listed in `__all__`."""

    bindings: list[Binding]
    late_futures: list[tuple[int, int]]
    all_names: set[str]


def _merge(a: State, b: State) -> State:
    """The import bindings that may reach a join point from two paths."""
    if a is b:
        return a
    out = dict(a)
    for name, bs in b.items():
        old = out.get(name)
        if old is None:
            out[name] = bs
        elif old != bs:
            out[name] = tuple(dict.fromkeys(old + bs))
    return out


def _plain(thing: Thing) -> bool:
    """`import a.b` (no `as`): binds `a`, with every submodule imported so."""
    return thing[0] == "import" and not thing[2]
